// Wall-clock time as Unix microseconds: the one time unit of Kuzet's stored records.
#pragma once

#include <chrono>
#include <cstdint>

namespace kuzet::base {

// Microseconds since the Unix epoch (UTC) of a system_clock time point.
int64_t ToUnixMicros(std::chrono::system_clock::time_point time);

// The system clock now, in Unix microseconds. Code that must be testable takes the time as a
// parameter instead and calls this only at its edge.
int64_t NowMicros();

}  // namespace kuzet::base
