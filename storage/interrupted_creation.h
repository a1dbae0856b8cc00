// A RocksDB database whose first open was killed before it was complete.
//
// RocksDB creates a database by writing MANIFEST-000001 and then CURRENT, the file naming the live
// MANIFEST; only after that does it open a write-ahead log or accept a write. A `kill -9` (or a
// power cut) in between leaves a directory without CURRENT, which every later open refused as a
// damaged store, so one unlucky moment during a first start kept the daemon down for good. Such a
// directory holds nothing that was ever written, so it is safe to clear and create afresh; any
// other directory without CURRENT (one with tables, logs or OPTIONS) is real damage and is left
// alone for a person to look at.
#pragma once

#include <string>

#include "base/status.h"

namespace kuzet::storage {

// Whether `db_path` exists and holds only what an interrupted creation leaves: no CURRENT, no
// table (.sst), log (.log) or OPTIONS file, at most the first MANIFEST, LOCK, IDENTITY, LOG
// files and temporary (.dbtmp) files.
bool IsInterruptedCreation(const std::string& db_path);

// Removes the files of an interrupted creation in `db_path` (only if IsInterruptedCreation), so
// that the next open creates the database afresh. Logs what it did.
Status ClearInterruptedCreation(const std::string& db_path);

}  // namespace kuzet::storage
