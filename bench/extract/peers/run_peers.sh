#!/usr/bin/env bash
# Installs the extraction peers and runs them on a corpus, writing JSON Lines for eval_extract:
#   bench/extract/peers/run_peers.sh CORPUS_DIR OUT_DIR
# -> OUT_DIR/readability-js.jsonl and OUT_DIR/readability-lxml.jsonl
# @mozilla/readability and jsdom come from the npm registry into build/peers-node (outside the
# source tree); python3-readability comes from Debian.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
corpus="$1"
out="$2"
mkdir -p "$out"

if ! /usr/bin/python3 -c "import readability" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-readability python3-lxml >/dev/null
fi
node_dir="$root/build/peers-node"
if [ ! -d "$node_dir/node_modules/@mozilla/readability" ] || [ ! -d "$node_dir/node_modules/jsdom" ]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd "$node_dir" && npm install --silent --no-audit --no-fund @mozilla/readability@0.6.0 jsdom@24 >/dev/null)
fi
cp "$here/readability_js.mjs" "$node_dir/"
node "$node_dir/readability_js.mjs" "$corpus" > "$out/readability-js.jsonl"
/usr/bin/python3 "$here/readability_lxml.py" "$corpus" > "$out/readability-lxml.jsonl"
echo "$out/readability-js.jsonl $out/readability-lxml.jsonl"
