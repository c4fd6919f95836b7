#!/usr/bin/env bash
# A load scenario: gunicorn (2 workers) on PostgreSQL + Redis, USERS public users for DURATION, headless
# locust (bench/locustfile.py); prints the errors and the p95 of each request kind.
#   bench/run_load.sh                       # 1,000 generated services, 50 users, 60 s
#   SERVICES=10000 USERS=50 DURATION=60s bench/run_load.sh
# Settings: PG_URL (postgresql+psycopg://postgres@127.0.0.1:5432/test), REDIS_URL (redis://127.0.0.1:6379/14),
# SERVICES (1000), RECORD_SERVICES (50), USERS (50), SPAWN_RATE (10), DURATION (60s).
# Locust lives in its own venv (bench/.venv-load, from bench/requirements.txt), not in the app's.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
SERVICES=${SERVICES:-1000}
RECORD_SERVICES=${RECORD_SERVICES:-50}
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-60s}
SCHEMA=bench_load_$$
WORK=$(mktemp -d /tmp/pp-bench-load-XXXXXX)
PY=.venv/bin/python

if [ ! -x bench/.venv-load/bin/locust ]; then
  "$(.venv/bin/python -c 'import sys; print(sys.base_prefix)')/bin/python3" -m venv bench/.venv-load
  bench/.venv-load/bin/pip install -q -r bench/requirements.txt
fi

DB_URL="${PG_URL}?options=-csearch_path%3D${SCHEMA}_gen${SERVICES}"
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true
  DATABASE_URL="$DB_URL" REDIS_URL="$REDIS_URL" "$PY" - <<'PYEOF' || true
import os, re, redis
from sqlalchemy import create_engine, text
from data_access.cache import cache_config
prefix = cache_config()["CACHE_KEY_PREFIX"]
client = redis.Redis.from_url(os.environ["REDIS_URL"])
for key in client.scan_iter(prefix + "*"):
    client.delete(key)
url = os.environ["DATABASE_URL"]
schema = re.search(r"search_path%3D(\w+)", url).group(1)
with create_engine(url.split("?")[0]).begin() as conn:
    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
PYEOF
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== generating $SERVICES services (weekly records for $RECORD_SERVICES) in schema ${SCHEMA}_gen${SERVICES}"
DATABASE_URL="${PG_URL}?options=-csearch_path%3D${SCHEMA}" "$PY" bench/generate.py --services "$SERVICES" \
  --record-services "$RECORD_SERVICES" --keep | grep -v "^  records:"
SLUGS=$("$PY" -c "import sys; sys.path.insert(0, '.'); from bench.generate import record_slugs; print(' '.join(record_slugs($SERVICES, $RECORD_SERVICES)))")
ALL_SLUGS=$("$PY" -c "import sys; sys.path.insert(0, '.'); from bench.generate import services_frame; print(' '.join(services_frame($SERVICES)['slug']))")

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TRUSTED_PROXIES=1 DATABASE_URL="$DB_URL" REDIS_URL="$REDIS_URL" "$PY" -m gunicorn --workers 2 --bind "127.0.0.1:$PORT" --timeout 60 \
  app:server > "$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/_status" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "== gunicorn (2 workers) on PostgreSQL + Redis at http://127.0.0.1:$PORT"

echo "== capturing the browser's callback payloads"
"$PY" bench/capture_payloads.py "http://127.0.0.1:$PORT" "$WORK/payloads.json" $(echo "$SLUGS" | cut -d' ' -f1-3)

echo "== locust: $USERS users, spawn rate $SPAWN_RATE/s, $DURATION"
PAYLOADS="$WORK/payloads.json" SLUGS="$SLUGS" ALL_SLUGS="$ALL_SLUGS" bench/.venv-load/bin/locust -f bench/locustfile.py --headless \
  -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$WORK/load" \
  --only-summary --loglevel WARNING > "$WORK/locust.txt" 2>&1 || true

"$PY" - "$WORK/load_stats.csv" "$WORK/load_failures.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'request':48} {'count':>7} {'fails':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}")
for r in rows:
    print(f"{(r['Type'] + ' ' + r['Name'])[:48]:48} {r['Request Count']:>7} {r['Failure Count']:>6} "
          f"{r['50%']:>7} {r['95%']:>7} {float(r['Requests/s']):7.1f}")
failures = list(csv.DictReader(open(sys.argv[2])))
print(f"errors: {sum(int(f['Occurrences']) for f in failures)}")
for f in failures[:10]:
    print(f"  {f['Occurrences']} x {f['Method']} {f['Name']}: {f['Error'][:160]}")
PYEOF
grep -c "Traceback" "$WORK/gunicorn.log" | sed 's/^/server tracebacks in the gunicorn log: /' || true
