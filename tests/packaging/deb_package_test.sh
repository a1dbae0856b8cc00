#!/usr/bin/env bash
# `cpack -G DEB` from the build tree: the control fields, runtime dependencies (only libraries
# the daemon links, and adduser), the conffile, maintainer scripts and contents; lintian clean.
# Usage: deb_package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (dpkg-dev)"; exit 0; }
done
out_dir=$(mktemp -d /tmp/kuzet_deb_XXXXXX)
trap 'rm -rf "$out_dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$out_dir" >"$out_dir/cpack.log" 2>&1) ||
  fail "cpack: $(tail -20 "$out_dir/cpack.log")"
deb=$(ls "$out_dir"/kuzet_*.deb)

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = kuzet ] || fail "Package: $(field Package)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
depends=$(field Depends)
for needed in adduser libc6 librocksdb libcurl4 libicu libgumbo1 libuchardet0 libcld2; do
  grep -q "$needed" <<< "$depends" || fail "Depends lacks $needed: $depends"
done
# Only what the daemon needs: no headers, no test tools, no build tools.
# jemalloc only tunes bench_store (bench/storage/NOTES.md): the daemon keeps the system allocator.
for unwanted in -dev chromium prometheus nginx python aiosmtpd cmake libgtest libsqlite3 \
    libstemmer libjemalloc; do
  ! grep -q -- "$unwanted" <<< "$depends" || fail "Depends has $unwanted: $depends"
done

dpkg-deb --ctrl-tarfile "$deb" | tar -x -O ./conffiles > "$out_dir/conffiles"
[ "$(cat "$out_dir/conffiles")" = /etc/kuzet/kuzet.toml ] || fail "conffiles: $(cat "$out_dir/conffiles")"
dpkg-deb --ctrl-tarfile "$deb" | tar -x -O ./postinst > "$out_dir/postinst"
grep -q 'adduser --system' "$out_dir/postinst" || fail "postinst creates no system user"
grep -q 'chown kuzet:kuzet /var/lib/kuzet' "$out_dir/postinst" || fail "postinst does not chown the store"

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/kuzet ./etc/kuzet/kuzet.toml ./usr/lib/systemd/system/kuzet.service \
    ./usr/share/man/man1/kuzet.1.gz ./usr/share/bash-completion/completions/kuzet \
    ./usr/share/doc/kuzet/copyright ./usr/share/doc/kuzet/changelog.gz ./var/lib/kuzet/; do
  grep -qx -- "$path" <<< "$contents" || fail "the package lacks $path"
done
! grep -q '^\./usr/local' <<< "$contents" || fail "files under /usr/local"
# Read whole before grep -q, which would close the pipe early (SIGPIPE under pipefail).
unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/lib/systemd/system/kuzet.service)
grep -qx 'ExecStart=/usr/bin/kuzet run --config /etc/kuzet/kuzet.toml' <<< "$unit" ||
  fail "the packaged unit does not start /usr/bin/kuzet"

if command -v lintian >/dev/null; then
  # Every tag, down to pedantic, is a failure: the package is lintian clean with no override.
  lintian_out=$(lintian --pedantic --display-info --fail-on error,warning,info,pedantic "$deb" 2>&1 |
    grep -v 'running with root privileges' || true)
  [ -z "$lintian_out" ] || fail "lintian: $lintian_out"
else
  echo "SKIP lintian: not installed (tests/setup.sh installs it)"
fi
echo "ok: $(basename "$deb"): $(stat -c %s "$deb") bytes; Depends: $depends"
