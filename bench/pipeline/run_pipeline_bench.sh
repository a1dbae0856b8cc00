#!/usr/bin/env bash
# Issue #17 pipeline benchmark: the product end to end. A generated multi-host news site (HOSTS
# hosts x PAGES articles of 20-60 KB, real-language text drawn from ../shared/corpus:
# gen_site.py) is served by a private nginx on 127.0.0.1; then, alternately, ROUNDS times:
#   kuzet   `kuzet crawl --once` with workers = 0 (one per core): every page fetched, extracted,
#           matched against the rules of a realistic config and stored (a fresh data dir per run);
#   wget2   fetch-only of the same URLs (-i urls.txt, bodies discarded);
#   gumbo   bare gumbo_parse of the same pages on every core (bench_gumbo_floor), the floor of
#           any HTML5 pipeline;
#   kuzet1  `kuzet crawl --once` with workers = 1.
# Prints the median pages/s of each, the ratios, peak RSS (GNU time) and the 1 -> N worker scaling.
# Goals (issue #17): kuzet >= 0.6x gumbo, peak RSS < 300 MB, 1 -> 2 workers >= 1.7x.
#
# Usage: bench/pipeline/run_pipeline_bench.sh [BUILD_DIR]        (default: build)
#   cmake --build BUILD_DIR --target kuzet bench_gumbo_floor   first.
# Environment: HOSTS (50), PAGES (200 per host), ROUNDS (3), CONCURRENCY (64), PER_HOST (8),
# KUZET (the kuzet binary; default BUILD_DIR/kuzet), BEFORE (another kuzet binary, run each round
# too with N workers as row "before": a change's before/after in one run; the two take turns
# going first), SITES (reuse a
# generated site directory), KEEP (1: keep the temp dir), STORY (1: also the 3,000-copies story
# run, see below), PROFILE (1: one more kuzet run under `perf record`, self time by symbol in
# the temp dir, which is then kept; PERF_ARGS replaces perf record's default `-F 499`). Bench only: installs nginx-light, wget2 and time with apt-get
# when absent; never run in CI.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
SHARED="$ROOT/../shared"
HOSTS="${HOSTS:-50}"
PAGES="${PAGES:-200}"
ROUNDS="${ROUNDS:-3}"
CONCURRENCY="${CONCURRENCY:-64}"
PER_HOST="${PER_HOST:-8}"
BASE_PORT=18000  # as gen_site.py
KUZET="${KUZET:-$BUILD/kuzet}"
GUMBO_BIN="$BUILD/bench/pipeline/bench_gumbo_floor"

[ -d "$SHARED/corpus" ] || { echo "skipped: $SHARED/corpus is absent (see ../shared/README.md)" >&2; exit 0; }
for bin in "$KUZET" "$GUMBO_BIN"; do
  [ -x "$bin" ] || { echo "build it first: cmake --build $BUILD --target kuzet bench_gumbo_floor ($bin)" >&2; exit 1; }
done
[ -z "${BEFORE:-}" ] || [ -x "$BEFORE" ] || { echo "BEFORE=$BEFORE is not an executable" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx && [ ! -x /usr/sbin/nginx ] || ! need wget2 || [ ! -x /usr/bin/time ]; then
  echo "installing nginx-light, wget2, time ..." >&2
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends nginx-light wget2 time >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

WORK="$(mktemp -d /tmp/kuzet-pipelinebench.XXXXXX)"
chmod 755 "$WORK"
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || [ -n "${PROFILE:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

SITES="${SITES:-$WORK/sites}"
if [ ! -f "$SITES/urls.txt" ]; then
  python3 "$ROOT/bench/pipeline/gen_site.py" "$SHARED" "$SITES" "$HOSTS" "$PAGES"
fi
EXPECTED=$(wc -l <"$SITES/urls.txt")

# nginx as the current user, in the foreground, everything under $WORK: write_nginx_conf ROOT N
# serves ROOT/h1 .. ROOT/hN on ports BASE_PORT+1 ...
CONF="$WORK/nginx.conf"
write_nginx_conf() {
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off; default_type text/html; sendfile on; tcp_nopush on; etag off;"
    echo "  keepalive_requests 100000; keepalive_timeout 60s;"
    for d in client_body proxy fastcgi uwsgi scgi; do echo "  ${d}_temp_path $WORK/${d}_temp;"; done
    for h in $(seq 1 "$2"); do
      echo "  server { listen 127.0.0.1:$((BASE_PORT + h)); root $1/h$h; index index.html; }"
    done
    echo "}"
  } >"$CONF"
}
write_nginx_conf "$SITES" "$HOSTS"
"$NGINX" -p "$WORK" -c "$CONF" -e "$WORK/error.log" -g "daemon off;" &
NGINX_PID=$!
for _ in $(seq 50); do
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start (ports $((BASE_PORT + 1))-$((BASE_PORT + HOSTS)) busy?)" >&2; NGINX_PID=""; exit 1; }
  curl -s -o /dev/null "http://127.0.0.1:$((BASE_PORT + HOSTS))/" && break
  sleep 0.1
done

# The monitor's config: one site per host (its front page lists every article; max_depth 1 also
# follows each article's related links, which are all known by then), politeness delay 0, and
# rules as a monitor writes them: the story's names in both scripts, a company, names that occur in
# a few sentences of the corpus (so in some pages: Kazakhstan ~10% of the English ones, Gazprom
# and Putin some of the Russian ones), a proximity query.
config() {  # config WORKERS DATA_DIR
  echo "[settings]"
  echo "data_dir = \"$2\""
  echo "concurrency = $CONCURRENCY"
  echo "per_host_connections = $PER_HOST"
  echo "per_host_delay = \"0s\""
  echo "workers = $1"
  echo "log_level = \"warn\""
  echo "allow_private_hosts = [\"127.0.0.1\"]"
  for h in $(seq 1 "$HOSTS"); do
    echo
    echo "[[sites]]"
    echo "id = \"h$h\""
    echo "start_urls = [\"http://127.0.0.1:$((BASE_PORT + h))/\"]"
    echo "max_depth = 1"
    echo "max_pages = $((PAGES + 10))"
  done
  cat <<'RULES'

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]

[[rules]]
id = "kmg"
terms = ["KazMunayGas", "КазМунайГаз"]
exact = true

[[rules]]
id = "kazakhstan"
terms = ["Kazakhstan", "Казахстан"]

[[rules]]
id = "gazprom"
terms = ["Gazprom", "Газпром"]

[[rules]]
id = "putin"
terms = ["Putin", "Путин"]
languages = ["ru"]

[[rules]]
id = "trump-china"
query = "Trump NEAR/5 China"
RULES
}

# "wall_seconds peak_rss_kb cpu_seconds" of one command (GNU time); its output goes to file $1.
timed() {
  local out="$1"; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$WORK/time" "$@" >"$out" 2>&1 || true
  end=$(date +%s%N)
  tail -1 "$WORK/time" | awk -v a="$start" -v b="$end" \
    '{ printf "%.3f %d %.2f\n", (b - a) / 1e9, $1, $2 + $3 }'
}

# Pages `kuzet crawl --once` stored or recorded: from its summary's per-site "pages" counts.
kuzet_pages() { awk '/pages/ { for (i = 1; i < NF; ++i) if ($(i + 1) ~ /^pages,?$/) n += $i } END { print n + 0 }' "$1"; }

run_kuzet() {  # run_kuzet NAME WORKERS [BINARY]
  local name="$1" workers="$2" binary="${3:-$KUZET}"
  rm -rf "$WORK/data"
  config "$workers" "$WORK/data" >"$WORK/kuzet-$name.toml"
  read -r sec rss cpu < <(timed "$WORK/$name.out" "$binary" crawl --once -c "$WORK/kuzet-$name.toml")
  local pages; pages=$(kuzet_pages "$WORK/$name.out")
  echo "$pages $sec $rss $cpu" >>"$WORK/$name.runs"
  echo "  round $round $name: $pages pages ${sec}s ${rss}KB cpu ${cpu}s"
}

WGET2_ARGS=(--no-config --tries=1 --timeout=30 --max-threads="$CONCURRENCY" --user-agent=wget2-bench
  --delete-after -i "$SITES/urls.txt")
echo "kuzet:  $KUZET crawl --once (workers 0 = $(nproc) and 1; concurrency $CONCURRENCY, per host $PER_HOST)"
echo "wget2:  wget2 ${WGET2_ARGS[*]} -P DIR"
echo "gumbo:  $GUMBO_BIN SITES 0"
[ -z "${BEFORE:-}" ] || echo "before: $BEFORE crawl --once (workers 0)"
for name in kuzet wget2 gumbo kuzet1 before; do : >"$WORK/$name.runs"; done
for round in $(seq 1 "$ROUNDS"); do
  # Before and after take turns going first: on a shared host one binary's runs vary by up to
  # 10 % within minutes, and a fixed order would put any drift on one of them (NOTES, Session 18).
  if [ -n "${BEFORE:-}" ] && (( round % 2 == 0 )); then
    run_kuzet before 0 "$BEFORE"
    run_kuzet kuzet 0
  else
    run_kuzet kuzet 0
    [ -z "${BEFORE:-}" ] || run_kuzet before 0 "$BEFORE"
  fi
  rm -rf "$WORK/wget2-out"
  read -r sec rss cpu < <(timed "$WORK/wget2.out" wget2 "${WGET2_ARGS[@]}" -P "$WORK/wget2-out" -o "$WORK/wget2.log")
  pages=$(grep -c "^HTTP response 200" "$WORK/wget2.log" || true)
  echo "$pages $sec $rss $cpu" >>"$WORK/wget2.runs"
  echo "  round $round wget2: $pages pages ${sec}s ${rss}KB cpu ${cpu}s"
  read -r sec rss cpu < <(timed "$WORK/gumbo.out" "$GUMBO_BIN" "$SITES" 0)
  # The parse alone (the floor program times it after reading the files).
  psec=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' "$WORK/gumbo.out")
  pages=$(sed -n 's/.*gumbo pages=\([0-9]*\).*/\1/p' "$WORK/gumbo.out")
  echo "$pages $psec $rss $cpu" >>"$WORK/gumbo.runs"
  echo "  round $round gumbo: $pages pages ${psec}s (parse) ${rss}KB"
  run_kuzet kuzet1 1
done
if [ -n "${PROFILE:-}" ] && need perf; then
  round=profile
  rm -rf "$WORK/data"
  config 0 "$WORK/data" >"$WORK/kuzet-profile.toml"
  # PERF_ARGS: e.g. "-F 299 --call-graph dwarf,16384" for index_share.py.
  # shellcheck disable=SC2086
  perf record ${PERF_ARGS:--F 499} -o "$WORK/perf.data" "$KUZET" crawl --once -c "$WORK/kuzet-profile.toml" >"$WORK/profile.out" 2>&1 || true
  perf report -i "$WORK/perf.data" --sort dso,symbol --percent-limit 0.5 --stdio 2>/dev/null \
    | grep -E '^ +[0-9]' >"$WORK/perf.top" || true
  echo "profile: $WORK/perf.top"
fi

# STORY=1: a second site where every article is a copy of one story (STORY_HOSTS x PAGES, default
# 15 x 200 = 3,000 documents of one story, each a mention of the Zhanaozen rule), crawled by kuzet;
# then the analyst's queries of it: `kuzet mentions --limit 50` (peak RSS, output bytes) and
# /api/mentions?limit=50 from `kuzet serve` (its peak RSS, response bytes). Goals (issue #17):
# under 150 MB and 200 KB of output each.
if [ -n "${STORY:-}" ]; then
  STORY_HOSTS="${STORY_HOSTS:-15}"
  python3 "$ROOT/bench/pipeline/gen_site.py" "$SHARED" "$WORK/story" "$STORY_HOSTS" "$PAGES" 1 --story
  kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true
  write_nginx_conf "$WORK/story" "$STORY_HOSTS"
  "$NGINX" -p "$WORK" -c "$CONF" -e "$WORK/error.log" -g "daemon off;" &
  NGINX_PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$((BASE_PORT + STORY_HOSTS))/" && break; sleep 0.1; done
  HOSTS_SAVED="$HOSTS"; HOSTS="$STORY_HOSTS"
  rm -rf "$WORK/story-data"
  config 0 "$WORK/story-data" >"$WORK/story.toml"
  HOSTS="$HOSTS_SAVED"
  read -r sec rss cpu < <(timed "$WORK/story-crawl.out" "$KUZET" crawl --once -c "$WORK/story.toml")
  echo "story: crawled $(kuzet_pages "$WORK/story-crawl.out") pages in ${sec}s, peak RSS $((rss / 1024)) MB;" \
    "largest story: $("$KUZET" stories --limit 1 -c "$WORK/story.toml" 2>&1 | head -3 | tr '\n' ' ')"
  read -r sec rss cpu < <(timed "$WORK/story-mentions.out" "$KUZET" mentions --limit 50 -c "$WORK/story.toml")
  echo "story: kuzet mentions --limit 50: $(wc -c <"$WORK/story-mentions.out") bytes, peak RSS $((rss / 1024)) MB, ${sec}s"
  PORT=$((BASE_PORT + 900))
  "$KUZET" serve -c "$WORK/story.toml" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/mentions?limit=1" && break; sleep 0.1; done
  curl -s -o "$WORK/api.json" "http://127.0.0.1:$PORT/api/mentions?limit=50"
  SERVE_RSS=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVE_PID/status")
  kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
  echo "story: /api/mentions?limit=50: $(wc -c <"$WORK/api.json") bytes, kuzet serve peak RSS ${SERVE_RSS} MB"
fi

[ "$ROUNDS" -gt 0 ] || exit 0

# Median line (by wall time) of a runs file: "pages seconds rss_kb cpu_s".
median() { sort -k2,2g "$1" | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }
peak() { sort -k3,3n "$1" | tail -1 | awk '{ print $3 }'; }
read -r K_PAGES K_SEC _ K_CPU < <(median "$WORK/kuzet.runs")
read -r W_PAGES W_SEC _ W_CPU < <(median "$WORK/wget2.runs")
read -r G_PAGES G_SEC _ G_CPU < <(median "$WORK/gumbo.runs")
read -r O_PAGES O_SEC _ O_CPU < <(median "$WORK/kuzet1.runs")
echo
echo "$EXPECTED pages ($HOSTS hosts x ($PAGES articles + front page), 20-60 KB, en/ru corpus text)," \
  "loopback nginx, $(nproc) cores, median of $ROUNDS alternating runs"
printf "%-30s %7s %8s %9s %12s %7s\n" "" pages "wall s" pages/s "peak RSS MB" "CPU s"
row() { awk -v n="$1" -v p="$2" -v s="$3" -v r="$4" -v c="$5" 'BEGIN { printf "%-30s %7d %8.2f %9.0f %12.1f %7.2f\n", n, p, s, p / s, r / 1024, c }'; }
row "kuzet crawl --once (N workers)" "$K_PAGES" "$K_SEC" "$(peak "$WORK/kuzet.runs")" "$K_CPU"
row "kuzet crawl --once (1 worker)" "$O_PAGES" "$O_SEC" "$(peak "$WORK/kuzet1.runs")" "$O_CPU"
if [ -n "${BEFORE:-}" ]; then
  read -r B_PAGES B_SEC _ B_CPU < <(median "$WORK/before.runs")
  row "before (N workers)" "$B_PAGES" "$B_SEC" "$(peak "$WORK/before.runs")" "$B_CPU"
fi
row "wget2 (fetch only)" "$W_PAGES" "$W_SEC" "$(peak "$WORK/wget2.runs")" "$W_CPU"
row "bare Gumbo, all cores (parse)" "$G_PAGES" "$G_SEC" "$(peak "$WORK/gumbo.runs")" "$G_CPU"
awk -v kp="$K_PAGES" -v ks="$K_SEC" -v wp="$W_PAGES" -v ws="$W_SEC" -v gp="$G_PAGES" -v gs="$G_SEC" \
  -v op="$O_PAGES" -v os="$O_SEC" 'BEGIN {
    printf "ratios (wall): kuzet/gumbo %.2f (goal >= 0.6), kuzet/wget2 %.2f, workers 1 -> N %.2fx (goal >= 1.7)\n",
      (kp / ks) / (gp / gs), (kp / ks) / (wp / ws), (kp / ks) / (op / os) }'
# On a machine shared with other work, wall time measures the scheduler as much as the program:
# pages per CPU second (user + system) of kuzet against Gumbo's all-core parse (its CPU includes
# reading the files, ~1 s) says how far the pipeline is from the floor, whatever the load.
awk -v kp="$K_PAGES" -v kc="$K_CPU" -v gp="$G_PAGES" -v gc="$G_CPU" -v op="$O_PAGES" -v oc="$O_CPU" 'BEGIN {
    printf "pages per CPU second: kuzet %.0f (1 worker %.0f), gumbo %.0f; kuzet/gumbo %.2f\n",
      kp / kc, op / oc, gp / gc, (kp / kc) / (gp / gc) }'
[ -z "${BEFORE:-}" ] || awk -v kp="$K_PAGES" -v ks="$K_SEC" -v kc="$K_CPU" -v bp="$B_PAGES" -v bs="$B_SEC" -v bc="$B_CPU" 'BEGIN {
    printf "after/before: pages/s %.2fx, pages per CPU second %.2fx\n", (kp / ks) / (bp / bs), (kp / kc) / (bp / bc) }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$K_PAGES" = "$EXPECTED" ] && [ "$O_PAGES" = "$EXPECTED" ] && [ "$W_PAGES" = "$EXPECTED" ] ||
  echo "WARNING: expected $EXPECTED pages from each of kuzet and wget2"
