// Maintenance of a read-write store: retention, compaction, and (for benchmarks) waiting for
// RocksDB's background work. `kuzet compact` runs it with the daemon stopped.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "base/status.h"

namespace kuzet::storage {

class StoreDb;

struct RetentionResult {
  uint64_t documents_examined = 0;
  uint64_t texts_dropped = 0;  // documents whose text was blanked by this call
};

struct EvidenceRetentionResult {
  uint64_t captures_examined = 0;
  uint64_t captures_dropped = 0;
  // The WARC files the captures kept still point at: every other file of the evidence directory
  // holds nothing the store needs.
  std::set<std::string> files_in_use;
};

class Maintenance {
 public:
  explicit Maintenance(StoreDb& db) : db_(db) {}
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Retention: blanks the text of every document whose content was last fetched before
  // cutoff_us, keeping its title, URLs, content hash (so an unchanged re-crawl stays unchanged),
  // story and mentions with their snippets. Then compacts (see Compact).
  Result<RetentionResult> DropTextOlderThan(int64_t cutoff_us);
  // Evidence retention (`kuzet compact --evidence`): drops the captures fetched before
  // cutoff_us, except one whose payload a kept revisit refers to (the revisit would otherwise
  // point at nothing). Deleting the files is the caller's: see files_in_use.
  Result<EvidenceRetentionResult> DropEvidenceOlderThan(int64_t cutoff_us);
  // RocksDB CompactRange over every family: reclaims the space of deleted and overwritten data.
  Status Compact();
  // Waits (up to timeout_ms) until RocksDB has no flush or compaction running or pending, so a
  // benchmark measures queries in a steady state rather than beside a background compaction.
  Status WaitForBackgroundWork(int64_t timeout_ms);

 private:
  StoreDb& db_;
};

}  // namespace kuzet::storage
