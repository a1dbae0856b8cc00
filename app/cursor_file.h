// A stream's read cursor kept in a file of its own (`kuzet mentions --follow --cursor-file`): the
// id of the last mention handed to the consumer, as decimal digits and a newline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"

namespace kuzet::app {

// The cursor in `path`; nullopt when the file does not exist. Anything but digits (and a final
// newline) is Corruption, not a silent restart from the beginning.
[[nodiscard]] Result<std::optional<uint64_t>> ReadCursorFile(const std::string& path);

// Replaces `path` by `id` so a crash leaves the old cursor or the new one, never a torn file:
// written to PATH.tmp, fsync'ed, renamed over PATH, and the directory fsync'ed (rename(2) is
// atomic; the directory's fsync makes it durable).
[[nodiscard]] Status WriteCursorFile(const std::string& path, uint64_t id);

}  // namespace kuzet::app
