// Compiled (never linked) by status_nodiscard_test, which passes only when the compiler reports
// the dropped values below: Status and Result are [[nodiscard]] types.
#include "base/status.h"

namespace {

kuzet::Status Write() { return kuzet::Status::IOError("disk full"); }
kuzet::Result<int> Count() { return 1; }

}  // namespace

void DropBoth() {
  Write();
  Count();
}
