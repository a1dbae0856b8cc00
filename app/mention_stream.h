// `kuzet mentions --follow --format json`: the mentions stored from a cursor on, oldest first, as
// JSON Lines (one JSON object per line, https://jsonlines.org), for other programs to read from a
// pipe while `kuzet run` keeps storing.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "storage/store.h"

namespace kuzet::app {

struct MentionStreamOptions {
  // The filters (rule, site, lang, since, story); `limit` is the page read at a time, so memory
  // stays bounded whatever the backlog.
  storage::MentionQuery query;
  // Where to start: the cursor file's id when the file exists, else `after`, else the newest
  // mention stored when the stream starts (only what comes next).
  std::optional<uint64_t> after;
  std::string cursor_file;  // "" for none; else rewritten after every line (cursor_file.h)
  std::chrono::milliseconds poll{1000};  // how often the store is caught up when idle
};

// Blocks SIGINT and SIGTERM (read through a signalfd by FollowMentions) and ignores SIGPIPE (a
// consumer that goes away is a write error, EPIPE, not death). Call before the store is opened,
// so RocksDB's threads inherit the mask and no stop signal kills the process mid-write.
void PrepareStreamSignals();

// Writes each mention past the start as one line of MentionToJson (with its `id`, the cursor) to
// `out_fd`, then waits `poll` and catches up with the writer (Store::CatchUp), until SIGINT or
// SIGTERM, or the reader of `out_fd` goes away (EPIPE, or POLLERR while idle): 0. A store or
// cursor-file failure: the message on stderr, 1. Logs its start cursor on stderr.
int FollowMentions(storage::Store& store, const MentionStreamOptions& options, int out_fd);

}  // namespace kuzet::app
