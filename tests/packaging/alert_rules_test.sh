#!/usr/bin/env bash
# The example alerting rules (packaging/kuzet-alerts.rules.yml): `promtool check rules` finds them
# valid, and `promtool test rules` (alert_rules_test.yml) sees each fire on its fault and stay
# quiet otherwise; the installed tree has the file in the doc dir's examples.
# Usage: alert_rules_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool is not installed (Debian package prometheus; ./setup.sh --test installs it)"
  exit 0
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$(promtool check rules "$src/packaging/kuzet-alerts.rules.yml" 2>&1) ||
  fail "promtool check rules: $out"
grep -q "SUCCESS: 5 rules found" <<<"$out" || fail "promtool check rules: $out"
out=$(cd "$src/tests/packaging" && promtool test rules alert_rules_test.yml 2>&1) ||
  fail "promtool test rules: $out"

root=$(mktemp -d /tmp/kuzet_rules_XXXXXX)
trap 'rm -rf "$root"' EXIT
DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
installed="$root/usr/share/doc/kuzet/examples/kuzet-alerts.rules.yml"
[ -f "$installed" ] || fail "not installed: $installed"
cmp -s "$installed" "$src/packaging/kuzet-alerts.rules.yml" || fail "$installed differs"
echo "OK: 5 rules valid, their tests pass, installed in the doc dir"
