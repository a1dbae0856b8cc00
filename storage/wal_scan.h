// Reads RocksDB write-ahead logs (the format of RocksDB's db/log_format.h) to say what a damaged
// log holds: where the damage is, and which intact write batches come after it — the batches
// that a recovery stopping at the damage (WALRecoveryMode::kPointInTimeRecovery) drops.
//
// Used when the store refuses to open on a damaged log, to tell the person what is at stake,
// and by Store::Repair to report what it dropped. Every read is bounded by the file sizes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace kuzet::storage {

struct WalDamage {
  bool found = false;
  std::string file;     // the first damaged log (a path)
  uint64_t offset = 0;  // of the first record that fails its checksum or framing
  std::string reason;   // "checksum mismatch", "bad record length", ...
  // Every log from the damaged one on (they would be dropped or are damaged), oldest first.
  std::vector<std::string> files_from_damage;
  // After the damage: intact batches, and the bytes of records that cannot be read at all.
  uint64_t batches_after = 0;
  uint64_t unreadable_bytes = 0;
};

// Calls `batch(rep)` with each intact WriteBatch (its raw representation) that follows the first
// damage, in log order. The logs are the *.log files of `db_path`, by number.
Result<WalDamage> ScanWriteAheadLogs(const std::string& db_path,
                                     const std::function<void(const std::string&)>& batch);

}  // namespace kuzet::storage
