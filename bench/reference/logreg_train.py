"""logreg_train.py — Part 3's classifier (pipeline.h): logistic regression with an L2 penalty
of 1 on the weights (not the bias), trained by Newton's method with step halving until the
largest step is below 1e-10, on fleetops' own 1,000 x 8 training split (bench writes it), so
the weights must match to rounding.

best:  each Newton pass in matrix form: t = X theta, p, the gradient X^T (p - y) and the
       Hessian X^T diag(w) X with BLAS, the step by numpy.linalg.solve.
plain: the same Newton iteration, with the gradient and the Hessian accumulated row by row
       (the loop from the textbook), one NumPy outer product a row."""
import math

import numpy as np


def load(P):
    d = np.loadtxt(P["data"], delimiter=",")
    return np.ascontiguousarray(d[:, 1:]), d[:, 0]


def objective_best(theta, X1, y, ridge_mask):
    t = X1 @ theta
    e = np.exp(-np.abs(t))
    p = np.where(t >= 0, 1 / (1 + e), e / (1 + e))
    loss = float(np.sum(np.maximum(t, 0) + np.log1p(e) - y * t))
    loss += 0.5 * float(np.sum(ridge_mask * theta * theta))
    g = X1.T @ (p - y) + ridge_mask * theta
    H = (X1.T * (p * (1 - p))) @ X1 + np.diag(ridge_mask)
    return loss, g, H


def newton(P, X, y, objective):
    n, F = X.shape
    X1 = np.hstack([X, np.ones((n, 1))])
    ridge = np.r_[np.full(F, P["ridge"]), 0.0]
    theta = np.zeros(F + 1)
    loss, g, H = objective(theta, X1, y, ridge)
    for it in range(P["max_iter"]):
        step = np.linalg.solve(H, g)
        t = 1.0
        for _ in range(30):
            cand = theta - t * step
            cl, g, H = objective(cand, X1, y, ridge)
            if cl <= loss + 1e-12 * abs(loss):
                break
            t *= 0.5
        biggest = float(np.max(np.abs(cand - theta)))
        theta, loss = cand, cl
        if biggest < P["tol"]:
            return theta, it + 1
    return theta, P["max_iter"]


def objective_plain(theta, X1, y, ridge_mask):
    n, P1 = X1.shape
    loss = 0.0
    g = np.zeros(P1)
    H = np.zeros((P1, P1))
    for r in range(n):
        x = X1[r]
        t = float(x @ theta)
        e = math.exp(-abs(t))
        p = 1 / (1 + e) if t >= 0 else e / (1 + e)
        loss += max(t, 0.0) + math.log1p(e) - (t if y[r] else 0.0)
        g += (p - y[r]) * x
        H += p * (1 - p) * np.outer(x, x)
    loss += 0.5 * float(np.sum(ridge_mask * theta * theta))
    return loss, g + ridge_mask * theta, H + np.diag(ridge_mask)


def stats(theta, X, y):
    out = {"theta_%d" % k: float(theta[k]) for k in range(len(theta))}
    t = X @ theta[:-1] + theta[-1]
    out["accuracy"] = float(np.mean((t > 0) == (y != 0)))
    return out


def best(P, data):
    theta, _ = newton(P, data[0], data[1], objective_best)
    return theta


def plain(P, data):
    theta, _ = newton(P, data[0], data[1], objective_plain)
    return theta
