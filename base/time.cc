#include "base/time.h"

namespace kuzet::base {

int64_t ToUnixMicros(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

int64_t NowMicros() { return ToUnixMicros(std::chrono::system_clock::now()); }

}  // namespace kuzet::base
