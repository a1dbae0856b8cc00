#!/usr/bin/env bash
# `cmake --install` into a DESTDIR: every file where a Debian admin looks for it; the installed
# binary runs with the installed default config and no --config; the man page renders clean;
# bash completion offers every option each subcommand's --help lists.
# Usage: install_tree_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(mktemp -d /tmp/kuzet_install_XXXXXX)
trap 'kill "${daemon:-}" 2>/dev/null || true; rm -rf "$root"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null

for path in usr/bin/kuzet etc/kuzet/kuzet.toml usr/lib/systemd/system/kuzet.service \
    usr/lib/sysusers.d/kuzet.conf usr/share/man/man1/kuzet.1.gz \
    usr/share/bash-completion/completions/kuzet usr/share/doc/kuzet/README.md \
    usr/share/doc/kuzet/NOTICE usr/share/doc/kuzet/copyright usr/share/doc/kuzet/config.md \
    usr/share/doc/kuzet/scaling.md \
    usr/share/doc/kuzet/examples/example.toml; do
  [ -s "$root/$path" ] || fail "$path missing or empty"
done
[ -d "$root/var/lib/kuzet" ] || fail "var/lib/kuzet missing"
[ -x "$root/usr/bin/kuzet" ] || fail "usr/bin/kuzet not executable"
grep -qx 'ExecStart=/usr/bin/kuzet run --config /etc/kuzet/kuzet.toml' \
  "$root/usr/lib/systemd/system/kuzet.service" || fail "the unit's ExecStart is not the installed binary"
grep -q '^data_dir = "/var/lib/kuzet"$' "$root/etc/kuzet/kuzet.toml" || fail "data_dir not /var/lib/kuzet"
kuzet="$root/usr/bin/kuzet"
help=$("$kuzet" --help)
grep -q 'else /etc/kuzet/kuzet.toml' <<< "$help" || fail "--help does not name /etc/kuzet/kuzet.toml"

# The shipped config as it is, found through $KUZET_CONFIG without --config.
out=$(KUZET_CONFIG="$root/etc/kuzet/kuzet.toml" "$kuzet" check-config)
[ "$out" = "$root/etc/kuzet/kuzet.toml: OK (0 sites, 0 rules)" ] || fail "check-config: $out"
# Its commented examples are valid once uncommented.
sed -e 's/^# \(\[\[sites\]\]\|\[\[rules\]\]\|\[server\]\|\[alerts\]\)/\1/' \
    -e 's/^# \([a-z_]* = \)/\1/' "$root/etc/kuzet/kuzet.toml" > "$root/uncommented.toml"
out=$("$kuzet" check-config "$root/uncommented.toml") || fail "uncommented examples: $out"

# The daemon on the shipped config (its data_dir moved into the test's tree), no --config.
sed "s|^data_dir = .*|data_dir = \"$root/data\"|" "$root/etc/kuzet/kuzet.toml" > "$root/kuzet.toml"
KUZET_CONFIG="$root/kuzet.toml" "$kuzet" run --log-format json 2> "$root/run.log" &
daemon=$!
for _ in $(seq 100); do grep -q 'kuzet running' "$root/run.log" && break; sleep 0.1; done
grep -q 'kuzet running' "$root/run.log" || fail "daemon did not start: $(cat "$root/run.log")"
kill -TERM "$daemon"
wait "$daemon" || fail "daemon exit code $?"
daemon=
[ -d "$root/data" ] || fail "no store in the config's data_dir"
python3 - "$root/run.log" <<'PY' || fail "log lines are not JSON with UTC times"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no log lines"
for line in lines:
    entry = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"]), entry
    assert entry["level"] and entry["logger"] == "kuzet" and "message" in entry, entry
PY

# The man page renders without groff warnings.
if command -v man >/dev/null; then
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$root/usr/share/man/man1/kuzet.1.gz" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man page warnings: $warnings"
else
  echo "SKIP man page check: man is not installed"
fi

# Bash completion: every option of every subcommand's --help is offered after `kuzet CMD -`.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  commands=$("$kuzet" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
  [ -n "$commands" ] || fail "no subcommands in --help"
  for command in $commands; do
    offered=$(bash -c '
      source /usr/share/bash-completion/bash_completion
      source "$1"
      COMP_WORDS=(kuzet "$2" -); COMP_CWORD=2; COMP_LINE="kuzet $2 -"; COMP_POINT=${#COMP_LINE}
      _kuzet kuzet - "$2"
      printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/kuzet" "$command")
    for option in $("$kuzet" "$command" --help | awk '/^ +-/ {print $1}' | tr , '\n' | grep -E '^--'); do
      grep -qx -- "$option" <<< "$offered" || fail "completion of '$command' lacks $option"
    done
  done
  offered=$(bash -c '
    source /usr/share/bash-completion/bash_completion; source "$1"
    COMP_WORDS=(kuzet ""); COMP_CWORD=1; _kuzet; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$root/usr/share/bash-completion/completions/kuzet")
  for command in $commands; do
    grep -qx "$command" <<< "$offered" || fail "completion lacks the subcommand $command"
  done
else
  echo "SKIP bash completion check: bash-completion is not installed (tests/setup.sh installs it)"
fi
echo "ok: installed tree, default config, daemon, man page, completion"
