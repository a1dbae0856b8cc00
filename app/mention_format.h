// Renders stored mentions for people (a table) and for scripts (JSON).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/store.h"

namespace kuzet::app {

// "2026-11-29T06:58:13Z"
std::string FormatTimestampUtc(int64_t unix_micros);

// One JSON object per mention: id, found_at, site, rule, lang, url, title, snippet,
// snippet_mark [begin, end) (UTF-8 byte offsets), hits [{term, surface, begin, end}].
nlohmann::json MentionToJson(const storage::Mention& mention);

// A table for a terminal, newest first. The matched words in the snippet are marked with
// highlight_begin / highlight_end (ANSI bold on a terminal, brackets otherwise).
std::string FormatMentionTable(const std::vector<storage::Mention>& mentions,
                               const std::string& highlight_begin,
                               const std::string& highlight_end);

}  // namespace kuzet::app
