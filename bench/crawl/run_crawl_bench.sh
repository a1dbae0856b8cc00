#!/usr/bin/env bash
# Issue #3 crawl benchmark: Kuzet's crawler and wget2 crawl the same synthetic site (HOSTS hosts on
# 127.0.0.1 ports 18001.., PAGES articles each plus a front page and robots.txt, 20-60 KB per
# article) served by a private nginx started here, one after the other in the same run. Prints
# wall time, pages/s and peak RSS of each and the ratio.
#
# Usage: bench/crawl/run_crawl_bench.sh [BUILD_DIR]    (default: build-crawlbench)
# Environment: HOSTS (50), PAGES (200 per host), CONCURRENCY (200, both crawlers), PER_HOST (8),
# ROUNDS (3 alternating runs each, median reported), EXTRACT (1: also one run with the full
# extractor), KEEP (1: keep the temp dir).
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
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start (ports $((BASE_PORT + 1))-$((BASE_PORT + HOSTS)) busy?)" >&2; NGINX_PID=""; exit 1; }
  curl -s -o /dev/null "http://127.0.0.1:$((BASE_PORT + HOSTS))/" && break
  sleep 0.1
done

URLS=()
for h in $(seq 1 "$HOSTS"); do URLS+=("http://127.0.0.1:$((BASE_PORT + h))/"); done
EXPECTED=$((HOSTS * (PAGES + 1)))

# "wall_seconds peak_rss_kb cpu_seconds" of one command (clock in ns; peak RSS and user+system
# CPU from GNU time); its output goes to file $1.
timed() {
  local out="$1"; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$WORK/time" "$@" >"$out" 2>&1 || true
  end=$(date +%s%N)
  tail -1 "$WORK/time" | awk -v a="$start" -v b="$end" \
    '{ printf "%.3f %d %.2f\n", (b - a) / 1e9, $1, $2 + $3 }'
}

# Kuzet: crawler::Crawler over libcurl multi, links found by crawler::ScanLinks (what wget2's HTML
# URL parser does); robots.txt honoured; every page of every host fetched once.
# The durable frontier is on (--state), as in `kuzet run`: each discovered URL is written to RocksDB.
KUZET_ARGS=(--concurrency "$CONCURRENCY" --per-host "$PER_HOST" --state "$WORK/crawl-state")
# wget2: recursive, unlimited depth (--level=0), same hosts only, robots.txt honoured (default),
# every page downloaded once with GET and parsed for links, then deleted (--delete-after; the
# files go to $WORK, i.e. the page cache). The closest match to Kuzet, which keeps each body in
# memory for the handler. (--spider would send a HEAD before every GET.)
WGET2_ARGS=(--recursive --level=0 --no-parent --delete-after --max-threads="$CONCURRENCY"
  --no-config --tries=1 --timeout=30 --user-agent=wget2-bench)
echo "kuzet: bench_crawl_sites ${KUZET_ARGS[*]} --links scan URL..."
echo "wget2: wget2 ${WGET2_ARGS[*]} -P DIR URL..."

# The machine may be shared: ROUNDS alternating runs of each, the median wall time reported.
ROUNDS="${ROUNDS:-3}"
: >"$WORK/kuzet.runs"; : >"$WORK/wget2.runs"
for round in $(seq 1 "$ROUNDS"); do
  read -r sec rss cpu < <(timed "$WORK/kuzet.out" "$KUZET_BIN" "${KUZET_ARGS[@]}" --links scan "${URLS[@]}")
  pages=$(sed -n 's/.*kuzet pages=\([0-9]*\).*/\1/p' "$WORK/kuzet.out")
  echo "${pages:-0} $sec $rss $cpu" >>"$WORK/kuzet.runs"
  echo "  round $round kuzet: ${pages:-0} pages ${sec}s ${rss}KB cpu ${cpu}s"
  rm -rf "$WORK/wget2-out"
  read -r sec rss cpu < <(timed "$WORK/wget2.out" wget2 "${WGET2_ARGS[@]}" -P "$WORK/wget2-out" \
    -o "$WORK/wget2.log" "${URLS[@]}")
  # Pages: 200 responses except the robots.txt files.
  pages=$(grep "^HTTP response 200" "$WORK/wget2.log" | grep -vc "/robots.txt\]" || true)
  echo "${pages:-0} $sec $rss $cpu" >>"$WORK/wget2.runs"
  echo "  round $round wget2: ${pages:-0} pages ${sec}s ${rss}KB cpu ${cpu}s"
done
rm -rf "$WORK/wget2-out"
# What `kuzet crawl` pays per page on top: the full extractor (charset, DOM, metadata, main text,
# language) on the crawl thread. One run, for information (EXTRACT=0 skips it).
if [ "${EXTRACT:-1}" != 0 ]; then
  read -r sec rss cpu < <(timed "$WORK/kuzet-x.out" "$KUZET_BIN" "${KUZET_ARGS[@]}" --links extract "${URLS[@]}")
  pages=$(sed -n 's/.*kuzet pages=\([0-9]*\).*/\1/p' "$WORK/kuzet-x.out")
  echo "${pages:-0} $sec $rss $cpu" >"$WORK/kuzet-x.runs"
fi

# Median line (by wall time) of a runs file: "pages seconds rss_kb".
median() { sort -k2,2g "$1" | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }
read -r K_PAGES K_SEC K_RSS K_CPU < <(median "$WORK/kuzet.runs")
read -r W_PAGES W_SEC W_RSS W_CPU < <(median "$WORK/wget2.runs")
# Median CPU seconds (user + system) of each: fairer than wall time when other processes compete
# for the cores (the scheduler shares CPU per thread, and wget2 runs CONCURRENCY threads).
K_CPU=$(sort -k4,4g "$WORK/kuzet.runs" | awk '{ c[NR] = $4 } END { print c[int((NR + 1) / 2)] }')
W_CPU=$(sort -k4,4g "$WORK/wget2.runs" | awk '{ c[NR] = $4 } END { print c[int((NR + 1) / 2)] }')
K_PEAK=$(sort -k3,3n "$WORK/kuzet.runs" | tail -1 | awk '{print $3}')
W_PEAK=$(sort -k3,3n "$WORK/wget2.runs" | tail -1 | awk '{print $3}')
echo
echo "$EXPECTED pages expected ($HOSTS hosts x ($PAGES articles + front page), 20-60 KB each)," \
  "concurrency $CONCURRENCY, politeness delay 0, loopback nginx, median of $ROUNDS runs"
printf "%-22s %7s %8s %9s %12s %7s %13s\n" crawler pages "wall s" pages/s "peak RSS MB" "CPU s" "pages/CPU s"
row() { awk -v n="$1" -v p="$2" -v s="$3" -v r="$4" -v c="$5" 'BEGIN { printf "%-22s %7d %8.2f %9.0f %12.1f %7.2f %13.0f\n", n, p, s, p / s, r / 1024, c, p / c }'; }
row "kuzet (ScanLinks)" "$K_PAGES" "$K_SEC" "$K_PEAK" "$K_CPU"
row "wget2" "$W_PAGES" "$W_SEC" "$W_PEAK" "$W_CPU"
awk -v kp="$K_PAGES" -v ks="$K_SEC" -v wp="$W_PAGES" -v ws="$W_SEC" -v kc="$K_CPU" -v wc="$W_CPU" \
  'BEGIN { printf "ratio kuzet/wget2: pages/s (wall) %.2f, pages per CPU second %.2f\n", (kp / ks) / (wp / ws), (kp / kc) / (wp / wc) }'
if [ -s "$WORK/kuzet-x.runs" ]; then
  read -r X_PAGES X_SEC X_RSS X_CPU <"$WORK/kuzet-x.runs"
  row "kuzet (full Extract)" "$X_PAGES" "$X_SEC" "$X_RSS" "$X_CPU"
fi
[ "$K_PAGES" = "$EXPECTED" ] && [ "$W_PAGES" = "$EXPECTED" ] || echo "WARNING: a crawler missed pages"
