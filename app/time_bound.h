// Parses the time bounds analysts type: "24h" (that long before now), "2026-11-01" (midnight UTC)
// or "2026-11-01T08:30:00Z".
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace kuzet::app {

// Unix microseconds; now_us is the reference for relative bounds. The error names the option.
Result<int64_t> ParseTimeBound(std::string_view option, std::string_view text, int64_t now_us);

}  // namespace kuzet::app
