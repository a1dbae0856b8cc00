// Analysts' read cursors (issue #7): how far each analyst has read the mentions, so that
// `kuzet mentions --new` lists only what is new to them.
//
// A cursor is a mention id: the mentions with a larger id are new (ids grow with every mention
// stored). There is one cursor per (user, filter): an analyst who reads `--rule strike --new` and
// `--new` (every rule) keeps two independent places, as they would in a mail reader's folders.
//
// Cursors live outside the RocksDB store, in plain files under <data_dir>/cursors/, because the
// query tools open the store read-only (the daemon holds its lock) and an analyst must still be
// able to save where they stopped. The format is in storage/README.md.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace kuzet::storage {

class ReadCursors {
 public:
  explicit ReadCursors(std::string data_dir);

  // A user name is 1-64 of [A-Za-z0-9._-], not starting with '.': it names a file.
  static Status ValidateUser(const std::string& user);

  // The cursor of (user, filter); 0 (nothing read) when none was saved.
  Result<uint64_t> Get(const std::string& user, const std::string& filter) const;

  // Moves the cursor of (user, filter) forward to mention_id; never backward (two runs at once
  // keep the larger). The user's file is replaced atomically (write, fsync, rename), under an
  // exclusive flock so concurrent runs for other filters are not lost.
  Status Advance(const std::string& user, const std::string& filter, uint64_t mention_id);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;  // <data_dir>/cursors
};

}  // namespace kuzet::storage
