#!/usr/bin/env bash
# Issue #3 crawl benchmark: Kuzet's crawler and wget2 crawl the same synthetic site (HOSTS hosts on
# 127.0.0.1 ports 18001.., PAGES articles each plus a front page and robots.txt, 20-60 KB per
# article) served by a private nginx started here, one after the other in the same run. Prints
# wall time, pages/s and peak RSS of each and the ratio.
#
# Usage: bench/crawl/run_crawl_bench.sh [BUILD_DIR]    (default: build-crawlbench)
# Environment: HOSTS (50), PAGES (200 per host), CONCURRENCY (200, both crawlers), PER_HOST (8).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build-crawlbench}"
HOSTS="${HOSTS:-50}"
PAGES="${PAGES:-200}"
CONCURRENCY="${CONCURRENCY:-200}"
PER_HOST="${PER_HOST:-8}"
BASE_PORT=18000
KUZET_BIN="$BUILD/bench/crawl/bench_crawl_sites"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wget2 || [ ! -x /usr/bin/time ]; then
  echo "installing nginx-light, wget2, time ..." >&2
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends nginx-light wget2 time >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$KUZET_BIN" ] || { echo "build it first: cmake --build $BUILD --target bench_crawl_sites" >&2; exit 1; }

WORK="$(mktemp -d /tmp/kuzet-crawlbench.XXXXXX)"
chmod 755 "$WORK"
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

python3 "$ROOT/bench/crawl/gen_sites.py" "$WORK/sites" "$HOSTS" "$PAGES"

# nginx as the current user, in the foreground, everything under $WORK.
CONF="$WORK/nginx.conf"
{
  [ "$(id -u)" = 0 ] && echo "user root;"
  echo "worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/error.log warn;"
  echo "events { worker_connections 4096; }"
  echo "http {"
  echo "  access_log off; default_type text/html; sendfile on; tcp_nopush on;"
  echo "  keepalive_requests 100000; keepalive_timeout 60s;"
  # No ETags: the generated front pages share size and mtime, and wget2 skips a page whose ETag
  # it has seen (as a duplicate), which would make it crawl less.
  echo "  etag off;"
  for d in client_body proxy fastcgi uwsgi scgi; do echo "  ${d}_temp_path $WORK/${d}_temp;"; done
  for h in $(seq 1 "$HOSTS"); do
    echo "  server { listen 127.0.0.1:$((BASE_PORT + h)); root $WORK/sites/h$h; index index.html; }"
  done
  echo "}"
} > "$CONF"
"$NGINX" -p "$WORK" -c "$CONF" -e "$WORK/error.log" -g "daemon off;" &
NGINX_PID=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$((BASE_PORT + HOSTS))/" && break
  sleep 0.1
done

URLS=()
for h in $(seq 1 "$HOSTS"); do URLS+=("http://127.0.0.1:$((BASE_PORT + h))/"); done
EXPECTED=$((HOSTS * (PAGES + 1)))

# One line "wall_seconds peak_rss_kb" from GNU time, the command's output goes to $2.
timed() { local out="$1"; shift; /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$out" 2>&1 || true; cat "$WORK/time" | tail -1; }

echo "== kuzet: bench_crawl_sites --concurrency $CONCURRENCY --per-host $PER_HOST"
read -r K_SEC K_RSS < <(timed "$WORK/kuzet.out" "$KUZET_BIN" --concurrency "$CONCURRENCY" \
  --per-host "$PER_HOST" "${URLS[@]}")
cat "$WORK/kuzet.out"
K_PAGES=$(sed -n 's/.*kuzet pages=\([0-9]*\).*/\1/p' "$WORK/kuzet.out")
K_PAGES=${K_PAGES:-0}

# wget2: recursive, unlimited depth (--level=0), same hosts only, robots.txt honoured (default),
# every page downloaded once with GET and parsed for links, then deleted (--delete-after; the
# files go to $WORK, i.e. the page cache). The closest match to Kuzet, which keeps each body in
# memory for the handler. (--spider would send a HEAD before every GET.)
WGET2_ARGS=(--recursive --level=0 --no-parent --delete-after --max-threads="$CONCURRENCY"
  --no-config --tries=1 --timeout=30 --user-agent=wget2-bench -P "$WORK/wget2-out")
echo "== wget2 ${WGET2_ARGS[*]}"
read -r W_SEC W_RSS < <(timed "$WORK/wget2.out" wget2 "${WGET2_ARGS[@]}" -o "$WORK/wget2.log" \
  "${URLS[@]}")
# Pages: 200 responses except the robots.txt files.
W_PAGES=$(grep "^HTTP response 200" "$WORK/wget2.log" | grep -vc "/robots.txt\]" || true)

awk -v kp="$K_PAGES" -v ks="$K_SEC" -v kr="$K_RSS" -v wp="$W_PAGES" -v ws="$W_SEC" -v wr="$W_RSS" \
    -v expected="$EXPECTED" -v c="$CONCURRENCY" 'BEGIN {
  printf "\n%d pages expected (%s hosts), concurrency %d, politeness delay 0, loopback nginx\n", expected, ENVIRON["HOSTS"], c
  printf "%-8s %8s %9s %10s %12s\n", "crawler", "pages", "wall s", "pages/s", "peak RSS MB"
  printf "%-8s %8d %9.2f %10.0f %12.1f\n", "kuzet", kp, ks, kp / ks, kr / 1024
  printf "%-8s %8d %9.2f %10.0f %12.1f\n", "wget2", wp, ws, wp / ws, wr / 1024
  printf "ratio kuzet/wget2 pages/s: %.2f\n", (kp / ks) / (wp / ws)
}'
