#!/usr/bin/env bash
# Charset choice of Kuzet beside uchardet alone and charset-normalizer, on the same texts in the
# same run (charset-dev halves and texts generated from the shared corpora; see eval_charset.cc):
#   bench/extract/compare_charset.sh [BUILD_DIR]     (default: build)
# charset-normalizer is the Python package (pip install charset-normalizer); without it the
# comparison runs without that column.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
shared="$root/../shared"
if [ ! -d "$shared/corpus/charset-dev" ]; then
  echo "skipped: $shared/corpus/charset-dev is absent (the shared corpora live beside the project)"
  exit 0
fi
out="$build/peers-out/charset"
rm -rf "$out"
"$build/bench/extract/eval_charset" --write-samples "$out/samples" "$shared"
peers=()
if python3 -c "import charset_normalizer" 2>/dev/null; then
  python3 "$here/peers/charset_normalizer_peer.py" "$out/samples" >"$out/charset-normalizer.jsonl"
  peers=(--peer "charset-normalizer=$out/charset-normalizer.jsonl")
else
  echo "charset-normalizer not installed: compared with uchardet only" >&2
fi
"$build/bench/extract/eval_charset" "${peers[@]}" "$shared"
