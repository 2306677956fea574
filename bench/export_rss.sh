#!/usr/bin/env bash
# Peak RSS of one gunicorn worker while it streams a full CSV export: bench/export_rss.sh bench/data/bench-1m.sqlite3
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:?usage: bench/export_rss.sh DATABASE_FILE}
PORT=${PORT:-8873}
PORT=$PORT HOST=127.0.0.1 WEB_CONCURRENCY=1 THREADS=1 LOG_LEVEL=WARNING RATELIMIT_DEFAULT=1000000/minute \
  DATABASE_URL="sqlite:///$PWD/$DB" .venv/bin/gunicorn -c gunicorn.conf.py service.wsgi:app >/dev/null 2>&1 &
MASTER=$!
trap 'kill $MASTER' EXIT
sleep 8
WORKER=$(pgrep -P $MASTER | head -1)
rss() { awk '/VmRSS/{print $2}' "/proc/$WORKER/status"; }
echo "worker RSS at rest: $(rss) kB"
started=$(date +%s)
curl -s "http://127.0.0.1:$PORT/api/v1/positions?format=csv" -o /tmp/export_rss.csv &
CURL=$!
peak=0
while kill -0 $CURL 2>/dev/null; do
  now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
  sleep 1
done
echo "peak worker RSS ${peak} kB; $(wc -l < /tmp/export_rss.csv) lines, $(stat -c %s /tmp/export_rss.csv) bytes," \
     "$(( $(date +%s) - started )) s"
rm -f /tmp/export_rss.csv
