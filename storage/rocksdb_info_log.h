// RocksDB's info log through the process's logger (spdlog) instead of a LOG file.
//
// RocksDB's own LOG writer asserts (SIGABRT in Debian's build, which keeps assertions) when it
// writes again after a failed write: a full disk killed the daemon, and again at every restart
// while the disk stayed full. This one never fails: a line the logger cannot write is lost, and
// the store's own errors say what happened.
#pragma once

#include <rocksdb/env.h>

#include <memory>
#include <string>

namespace kuzet::storage {

// Warnings and errors go to spdlog at warn and error, prefixed by `name` (the database's
// directory); RocksDB's informational lines (flushes, compactions, options) at debug.
std::shared_ptr<rocksdb::Logger> NewRocksDbInfoLog(std::string name);

}  // namespace kuzet::storage
