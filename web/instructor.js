// instructor.js — the class view: fetches /api/class with the instructor's sign-in cookie
// (HttpOnly, set by the form's POST /instructor/signin; the token never goes into a URL) and
// draws, per part and track, a histogram of the class's predictions (log2 bins of predicted /
// answer for numbers; counts for choices) beside a table. Without the cookie it shows the form.
"use strict";

const $ = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.append(k);
  return el;
};

// Bins of log2(predicted / answer): ... <=1/8, 1/4, 1/2, right (within x1.41), 2x, 4x, >=8x
const BIN_LABELS = ["≤⅛", "¼", "½", "≈1", "2×", "4×", "≥8×"];
function binOf(pred, answer) {
  const r = Math.log2(pred / answer);
  return Math.max(0, Math.min(6, Math.round(r) + 3));
}

function histogram(counts, labels, answerIndex) {
  const max = Math.max(1, ...counts);
  const hist = $("div", { class: "hist", role: "img",
    "aria-label": labels.map((l, i) => `${l}: ${counts[i]}`).join(", ") });
  const axis = $("div", { class: "hist-labels" });
  counts.forEach((c, i) => {
    const bin = $("div", { class: "bin" + (i === answerIndex ? " answer" : ""), title: `${labels[i]}: ${c}` });
    bin.style.height = `${(100 * c) / max}%`;
    hist.append(bin);
    axis.append($("span", {}, labels[i]));
  });
  return [hist, axis];
}

function partSection(part) {
  const sec = $("section", {}, $("h2", {}, part.title),
    $("p", { class: "muted" }, `${part.locked} locked, ${part.reflected} reflected`));
  for (const t of part.by_track) {
    sec.append($("h3", {}, `${t.track}: answer ${t.answer}`));
    if (part.lock_kind === "number") {
      const counts = new Array(7).fill(0);
      for (const p of t.predictions) counts[binOf(Number(p.predicted), Number(t.answer))]++;
      sec.append(...histogram(counts, BIN_LABELS, 3));
      sec.append($("p", { class: "muted" }, "predicted / answer, log scale; the orange bin is within ×1.4"));
    } else {
      const choices = [...new Set(t.predictions.map((p) => p.predicted))].sort();
      const counts = choices.map((c) => t.predictions.filter((p) => p.predicted === c).length);
      sec.append(...histogram(counts, choices, choices.indexOf(t.answer)));
    }
    const table = $("table", {}, $("tr", {}, $("th", {}, "prediction"), $("th", {}, "off by"), $("th", {}, "close")));
    for (const p of t.predictions)
      table.append($("tr", {}, $("td", {}, p.predicted),
        $("td", {}, p.off_by_factor == null ? "—" : `${p.off_by_factor.toFixed(1)}×`),
        $("td", {}, p.correct ? "yes" : "no")));
    sec.append(table);
  }
  if (!part.by_track.length) sec.append($("p", {}, "No predictions yet."));
  return sec;
}

const form = document.getElementById("signin");
let signedIn = false;

// The form is posted by fetch (same origin, so the Origin check passes) to show a refusal
// in place; without script it posts itself and the server answers 303 to this page.
form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const status = document.getElementById("status");
  const res = await fetch("/instructor/signin", {
    method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
  });
  form.reset();
  if (res.ok) return load();
  let why = `Error ${res.status}`;
  try { why = (await res.json()).allowed || why; } catch { /* not JSON */ }
  status.textContent = res.status === 429 ? `Too many wrong tokens: ${why}.`
    : res.status === 403 ? "Wrong token." : why;
});

async function load() {
  const status = document.getElementById("status");
  const res = await fetch("/api/class", { credentials: "same-origin" });
  if (!res.ok) {
    signedIn = false;
    form.hidden = res.status !== 403;
    status.textContent = res.status === 403 ? "Sign in with the instructor token." : `Error ${res.status}`;
    return;
  }
  signedIn = true;
  form.hidden = true;
  const data = await res.json();
  status.textContent = `${data.sessions} student session(s).`;
  const main = document.getElementById("class");
  main.replaceChildren(...data.parts.map(partSection));
  const g = data.governance || {};
  main.append($("section", {}, $("h2", {}, "Governance split"),
    $("p", {}, `Loose Versioning: ${g.loose || 0} · Strict Immutable Contracts: ${g.strict || 0}`)));
}

load();
setInterval(() => { if (signedIn) load(); }, 15000);
