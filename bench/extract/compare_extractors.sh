#!/usr/bin/env bash
# Extraction quality and speed of Kuzet beside @mozilla/readability and readability-lxml, on the
# same pages in the same run:
#   bench/extract/compare_extractors.sh [BUILD_DIR]     (default: build)
# Installs the peers (see peers/run_peers.sh), runs them on aeb-dev and daniel-ru-dev from
# ../shared/corpus, then eval_extract scores Kuzet and the peers' outputs with one scorer, and
# prints the date accuracy on htmldate-dev and the scores on Readability's test pages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
corpora="$root/../shared/corpus"
if [ ! -d "$corpora" ]; then
  echo "skipped: $corpora is absent (the shared corpora live beside the project)"
  exit 0
fi
out="$build/peers-out"
for corpus in aeb-dev daniel-ru-dev; do
  "$here/peers/run_peers.sh" "$corpora/$corpus" "$out/$corpus" >/dev/null
  "$build/bench/extract/eval_extract" --repeat 2 \
    --peer "readability.js=$out/$corpus/readability-js.jsonl" \
    --peer "readability-lxml=$out/$corpus/readability-lxml.jsonl" "$corpora/$corpus"
done
"$build/bench/extract/eval_extract" --dates
"$build/bench/extract/eval_extract" --readability
