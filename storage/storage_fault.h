// Whether a RocksDB database can still be written and trusted, as its owner (the store, the crawl
// state) reports it to the daemon.
//
// RocksDB stops every write after one fails (a "background error") until it is resumed. A full
// disk is transient: writing resumes once space returns, and nothing acknowledged is lost. Any
// other failure — corruption found by a read, a flush or a compaction, an I/O error — is fatal:
// the process should stop and say why rather than go on crawling pages it cannot keep.
#pragma once

#include <string>

namespace kuzet::storage {

struct StorageFault {
  enum class Kind {
    kNone,
    kDiskFull,  // ENOSPC: writes are refused until ResumeWrites() succeeds
    kFatal,     // corruption or an I/O error: stop; the message says what failed
  };
  Kind kind = Kind::kNone;
  std::string message;  // names the directory; empty for kNone
  bool ok() const { return kind == Kind::kNone; }
};

}  // namespace kuzet::storage
