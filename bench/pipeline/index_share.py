#!/usr/bin/env python3
"""The search index's share of a crawl's CPU (issue #18: "the index adding <= 20 % to the
pipeline's CPU per page"), from a call-graph profile of `kuzet crawl --once`:

  PROFILE=1 ROUNDS=0 HOSTS=10 PERF_ARGS="-F 299 --call-graph dwarf,16384" \\
      bench/pipeline/run_pipeline_bench.sh
  perf script -i WORK/perf.data -F tid,ip,sym | bench/pipeline/index_share.py

A sample is the index's when a frame of its stack is one of the index's own functions: the keys'
positions and their sort on the workers (SearchKeySet), the token checkpoints, the writer's
postings (AddSearchPostings, PostingBuilder, EncodePostingList, FlushSearchBuffer) and the merge
operator (UnionPostings, PostingListUnion). The word pass itself (ICU, folding) is the matcher's,
shared, and not counted; nor are RocksDB's memtable inserts and flushes, which no frame names
(bench/pipeline/NOTES.md, session 9). Prints samples, the index's, and index / (all - index):
what the index adds to the CPU of the rest.
"""
import re
import sys

INDEX = re.compile(r"SearchKeySet|TokenCheckpointsOf|AddSearchPostings|PostingBuilder|"
                   r"EncodePostingList|FlushSearchBuffer|UnionPostings|PostingListUnion")

samples = index = 0
in_index = False
started = False
for line in sys.stdin:
    if not line.strip():  # a blank line ends a sample
        if started:
            samples += 1
            index += in_index
        in_index = started = False
        continue
    started = True
    if not in_index and INDEX.search(line):
        in_index = True
if started:
    samples += 1
    index += in_index
if samples == index or samples == 0:
    sys.exit("no samples outside the index: is this a call-graph profile of kuzet crawl?")
print(f"{samples} samples, {index} the index's ({100 * index / samples:.1f} %): "
      f"index / rest = {100 * index / (samples - index):.1f} %")
