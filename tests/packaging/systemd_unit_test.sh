#!/usr/bin/env bash
# The installed kuzet.service: `systemd-analyze verify` finds nothing wrong, it is Type=notify
# with a watchdog and SIGHUP reload, and `systemd-analyze security` rates it OK (below 2.0)
# with the hardening issue #19 asks for.
# Usage: systemd_unit_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (tests/setup.sh installs systemd)"
  exit 0
fi
root=$(mktemp -d /tmp/kuzet_unit_XXXXXX)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
unit="$root/usr/lib/systemd/system/kuzet.service"
# verify checks that ExecStart's binary exists and that man:kuzet(1) resolves: point both at the
# DESTDIR tree (a unit's path must be absolute, so the copy differs only in that prefix).
mkdir "$root/check"
sed "s|^ExecStart=/usr/bin/kuzet|ExecStart=$root/usr/bin/kuzet|" "$unit" > "$root/check/kuzet.service"
out=$(MANPATH="$root/usr/share/man" systemd-analyze verify "$root/check/kuzet.service" 2>&1) ||
  fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"

for setting in Type=notify WatchdogSec= 'ExecReload=/bin/kill -HUP $MAINPID' User=kuzet \
    ProtectSystem=strict ReadWritePaths=/var/lib/kuzet NoNewPrivileges=yes PrivateTmp=yes \
    RestrictAddressFamilies= SystemCallFilter=@system-service ProcSubset=pid; do
  grep -qF -- "$setting" "$unit" || fail "unit lacks $setting"
done

report=$(systemd-analyze security --offline=yes "$root/check/kuzet.service" 2>&1) || true
level=$(grep -oE 'Overall exposure level for kuzet.service: [0-9.]+' <<< "$report" | grep -oE '[0-9.]+$')
[ -n "$level" ] || fail "no exposure level: $report"
awk -v l="$level" 'BEGIN {exit !(l < 2.0)}' || fail "exposure $level, want below 2.0: $report"

# ProcSubset=pid hides everything in /proc but the processes: the installed kuzet must crawl,
# store and stop cleanly under such a /proc (a private mount namespace, as systemd sets it up;
# needs root and unshare, else skipped).
proc_subset="skipped (needs root and unshare)"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v python3 >/dev/null &&
    unshare -m --propagation private sh -c 'mount -t proc -o subset=pid proc /proc' 2>/dev/null; then
  site="$root/site"
  mkdir "$site"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  now=$(date -R)
  {
    echo '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    for i in 1 2 3; do
      echo "<item><title>a$i</title><link>http://127.0.0.1:$port/a$i.html</link><pubDate>$now</pubDate></item>"
    done
    echo '</channel></rss>'
  } > "$site/feed.xml"
  for i in 1 2 3; do
    echo "<html><head><title>Strike $i</title></head><body><article><h1>Strike $i</h1><p>Oil workers in Zhanaozen went on strike again on Monday, demanding higher wages and safer conditions at the oil field, union leaders said.</p></article></body></html>" > "$site/a$i.html"
  done
  printf '%s\n' '[settings]' "data_dir = \"$root/data\"" 'allow_private_hosts = ["127.0.0.1"]' \
    'per_host_delay = "0s"' '[[sites]]' 'id = "local"' \
    "feeds = [\"http://127.0.0.1:$port/feed.xml\"]" '[[rules]]' 'id = "zhanaozen"' \
    'terms = ["Zhanaozen"]' > "$root/kuzet.toml"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$root"' EXIT
  for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    sleep 0.1
  done
  # The daemon gets SIGTERM once its first crawl round is logged (at most 30 s).
  rc=0
  unshare -m --propagation private sh -c '
    mount -t proc -o subset=pid proc /proc || exit 90
    [ ! -e /proc/sys/vm/overcommit_memory ] || exit 91
    "$1" run --config "$2" 2> "$3" &
    pid=$!
    for _ in $(seq 300); do grep -q "crawl of 1 site" "$3" && break; sleep 0.1; done
    kill -TERM $pid
    wait $pid' sh "$root/usr/bin/kuzet" "$root/kuzet.toml" "$root/run.log" || rc=$?
  [ "$rc" = 0 ] || fail "kuzet run under /proc subset=pid exited $rc: $(cat "$root/run.log")"
  grep -q "3 new mention(s)" "$root/run.log" ||
    fail "kuzet run under /proc subset=pid stored no mentions: $(cat "$root/run.log")"
  proc_subset="kuzet run crawled, stored 3 mentions and stopped with 0"
fi
echo "ok: systemd-analyze verify clean; security exposure $level; under /proc subset=pid: $proc_subset"
