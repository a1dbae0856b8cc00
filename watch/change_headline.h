// What an alert about a change says first (its subject line after the rule): the change that
// alerts, in a few words, e.g. "name removed: Roza Tuletayeva", "deleted (HTTP 410)",
// "redirected away to https://vlast.kz/".
#pragma once

#include <string>

#include "watch/change_classifier.h"

namespace kuzet::watch {

// The most serious kind of the change, in this order: gone, redirected away, replaced, names
// removed, names added (both when both), title changed, text edited, moved, cosmetic, unchanged,
// fetch failed. At most kMaxHeadlineNames names are listed ("and N more"). The names and the URL
// come from crawled pages: the caller makes the line safe for its output (alert/untrusted_text.h).
std::string ChangeHeadline(const Change& change);

inline constexpr std::size_t kMaxHeadlineNames = 3;

}  // namespace kuzet::watch
