#!/usr/bin/env bash
# Start scripts/run on a fresh instance folder and check / and /healthz answer 200.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${SMOKE_PORT:-5087}"
INSTANCE="$(mktemp -d)"
LOG="$INSTANCE/run.log"
FTS_INSTANCE_PATH="$INSTANCE" FTS_DATABASE_URL="" "$ROOT/scripts/run" --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; pkill -f "127.0.0.1:$PORT" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 1
done
for path in / /healthz; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  echo "GET $path -> $status"
  if [ "$status" != 200 ]; then cat "$LOG"; exit 1; fi
done
grep -q "first administrator" "$LOG" || { echo "no first-administrator link printed"; cat "$LOG"; exit 1; }
echo "scripts/run serves / and /healthz"
