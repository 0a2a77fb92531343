#!/usr/bin/env bash
# A backend for a frontend dev server: CORS open (the default), a realistic 100-300 ms latency.
set -euo pipefail
out=$(mktemp)
node dist/src/cli.js --port 0 --latency 100-300 --log-format json >"$out" &
server=$!
trap 'kill $server; rm -f "$out"' EXIT
until grep -q '^diffmock listening' "$out"; do sleep 0.1; done
url=$(sed -n 's/^diffmock listening on //p' "$out")

# What the browser sends from http://localhost:5173: a preflight, then the call.
curl -s -o /dev/null -w 'preflight %{http_code}\n' -X OPTIONS "$url/api/v1/datadiffs" \
  -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: POST' \
  -H 'Access-Control-Request-Headers: content-type'
curl -s -D - -o /dev/null -w 'list %{http_code} in %{time_total}s\n' \
  "$url/api/v1/datadiffs?page_size=20" -H 'Origin: http://localhost:5173' |
  grep -i -e '^access-control-allow-origin' -e '^list'
echo "landing page $url/ and docs UI $url/docs"
