// jemalloc's settings for bench_store only (the shipped kuzet keeps the system allocator: the
// effect below was measured on one virtual machine, and it costs resident memory: `kuzet run` on
// the example config held 77 MB with these settings, 58 MB without).
//
// A store's hot memory is large and touched at random: memtable skip lists (up to 128 MiB),
// the block cache, table index blocks. In 4 KiB pages every skip-list step or index probe can
// miss the TLB, and on virtual machines a cold guest page costs far more than a cache miss
// (the 2-core KVM development machine: a random read of a 4 KiB page idle for 300 ms took
// 26 us, of a 2 MiB one 8 us). Backing the heap with transparent huge pages, kept whole, raised
// ingest at 1M mentions from ~5,600 to ~7,700 documents/s and cut the query tails
// (bench/storage/NOTES.md, "Memory"). The kernel must allow THP for madvised memory
// (/sys/kernel/mm/transparent_hugepage/enabled: "madvise", Debian's default, or "always"); with
// "never" the THP settings change nothing. MALLOC_CONF in the environment still overrides them.
extern "C" {
// Read by jemalloc at its first allocation (jemalloc(3), "TUNING").
// - thp:always, metadata_thp:always: madvise all arena memory, and jemalloc's own metadata,
//   MADV_HUGEPAGE.
// - dirty_decay_ms:300000, muzzy_decay_ms:0: give freed memory back to the kernel only after
//   5 minutes unused (default 10 s). Returning part of a huge page splits it into 4 KiB pages;
//   a flushed memtable's memory is reused by the next memtables within seconds to minutes, so a
//   short decay split half of the heap (1M-mention load: 98 of 225 MiB in huge pages with the
//   default, 221 of 239 MiB when never returning). An idle daemon still shrinks after 5 minutes.
const char* malloc_conf = "thp:always,metadata_thp:always,dirty_decay_ms:300000,muzzy_decay_ms:0";
}
