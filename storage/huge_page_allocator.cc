// jemalloc's settings for a process that holds a Kuzet store (the kuzet binary, bench_store).
//
// A store's hot memory is large and touched at random: memtable skip lists (up to 128 MiB),
// the block cache, table index blocks. In 4 KiB pages every skip-list step or index probe can
// miss the TLB, and on virtual machines a cold guest page costs far more than a cache miss
// (bench_store on the 2-core KVM development machine: a random touch of a page idle for 300 ms
// took 26 us in a 4 KiB page, 8 us in a 2 MiB one). Backing the heap with transparent huge
// pages raised ingest at 1M mentions from ~4,700 to ~7,000 documents/s and cut the first query
// after a pause several-fold (storage/README.md, "Memory"). The kernel must allow THP for
// madvised memory (/sys/kernel/mm/transparent_hugepage/enabled: "madvise", Debian's default,
// or "always"); with "never" this setting changes nothing. MALLOC_CONF in the environment
// still overrides it.
extern "C" {
// Read by jemalloc at its first allocation (jemalloc(3), "TUNING"). thp:always: madvise every
// arena's memory MADV_HUGEPAGE; metadata_thp: the same for jemalloc's own metadata.
// NOLINTNEXTLINE: jemalloc looks this global up by name.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
