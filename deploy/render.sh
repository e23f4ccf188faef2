#!/usr/bin/env bash
# render.sh — prints deploy/nginx.conf.in with every placeholder filled from the environment
# (docs/SCALING.md). Unset variables take the defaults below; a value left unfilled is an error.
#
#   FLEETOPS_SSL_CERTIFICATE=/etc/ssl/certs/lab.pem FLEETOPS_SSL_CERTIFICATE_KEY=/etc/ssl/private/lab.key \
#   FLEETOPS_REPLICAS="10.0.0.11:8080 10.0.0.12:8080" FLEETOPS_DIST=/srv/fleetops/dist \
#   deploy/render.sh > /etc/nginx/fleetops.conf && nginx -t -c /etc/nginx/fleetops.conf
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${FLEETOPS_SSL_CERTIFICATE:?the certificate chain (PEM), e.g. /etc/letsencrypt/live/HOST/fullchain.pem}"
: "${FLEETOPS_SSL_CERTIFICATE_KEY:?its private key (PEM)}"
: "${FLEETOPS_REPLICAS:=127.0.0.1:8081 127.0.0.1:8082}"
: "${FLEETOPS_DIST:=/srv/fleetops/dist}"
: "${FLEETOPS_SERVER_NAME:=_}"
: "${FLEETOPS_HTTPS_LISTEN:=443}"
: "${FLEETOPS_HTTP_LISTEN:=80}"
: "${FLEETOPS_NGINX_USER:=www-data}"
: "${FLEETOPS_RUN_DIR:=/run/fleetops-nginx}"
: "${FLEETOPS_LOG_DIR:=/var/log/nginx}"
: "${FLEETOPS_MIME_TYPES:=/etc/nginx/mime.types}"
: "${FLEETOPS_HEADER_TIMEOUT:=10s}"
: "${FLEETOPS_BODY_TIMEOUT:=10s}"
: "${FLEETOPS_SESSIONS_PER_MINUTE:=30}"
: "${FLEETOPS_WRITES_PER_MINUTE:=300}"
: "${FLEETOPS_CONNECTIONS_PER_ADDRESS:=64}"
servers=""
for r in $FLEETOPS_REPLICAS; do
    # max_fails/fail_timeout: a replica that fails is left alone for 5 s, then tried again
    servers+="        server $r max_fails=1 fail_timeout=5s;"$'\n'
done
out=$(cat "$here/nginx.conf.in")
sub() { out=${out//@$1@/$2}; }
sub UPSTREAM_SERVERS "${servers%$'\n'}"
sub SSL_CERTIFICATE "$FLEETOPS_SSL_CERTIFICATE"
sub SSL_CERTIFICATE_KEY "$FLEETOPS_SSL_CERTIFICATE_KEY"
sub DIST "$FLEETOPS_DIST"
sub SERVER_NAME "$FLEETOPS_SERVER_NAME"
sub HTTPS_LISTEN "$FLEETOPS_HTTPS_LISTEN"
sub HTTP_LISTEN "$FLEETOPS_HTTP_LISTEN"
sub NGINX_USER "$FLEETOPS_NGINX_USER"
sub RUN_DIR "$FLEETOPS_RUN_DIR"
sub LOG_DIR "$FLEETOPS_LOG_DIR"
sub MIME_TYPES "$FLEETOPS_MIME_TYPES"
sub HEADER_TIMEOUT "$FLEETOPS_HEADER_TIMEOUT"
sub BODY_TIMEOUT "$FLEETOPS_BODY_TIMEOUT"
sub SESSIONS_PER_MINUTE "$FLEETOPS_SESSIONS_PER_MINUTE"
sub WRITES_PER_MINUTE "$FLEETOPS_WRITES_PER_MINUTE"
sub CONNECTIONS_PER_ADDRESS "$FLEETOPS_CONNECTIONS_PER_ADDRESS"
if left=$(grep -o '@[A-Z_]*@' <<<"$out" | grep -v '^@unkeyed' | sort -u) && [ -n "$left" ]; then
    echo "render.sh: unfilled: $left" >&2
    exit 1
fi
printf '%s\n' "$out"
