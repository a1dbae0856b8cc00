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
echo "ok: systemd-analyze verify clean; security exposure $level"
