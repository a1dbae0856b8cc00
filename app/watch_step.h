// The watch step of a re-fetch (issue #20 item 2): what a new fetch of a watched document is
// against its stored versions (watch::ChangeClassifier), as the version, the next queue entry
// (WatchPlan::After) and whether it alerts, ready for storage::PageWriter::PutVersion. Pure: the
// caller fetches, analyzes (the pipeline's Analyze: the same extraction and matcher as any page)
// and writes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "app/watch_plan.h"
#include "storage/watch.h"
#include "watch/change_classifier.h"

namespace kuzet::app {

// What a re-fetch of a watched document brought.
struct RefetchOutcome {
  int64_t fetched_at_us = 0;
  int http_status = 0;    // of the final response; 0: no response (a transport error)
  std::string final_url;  // after redirects; "" when there were none
  // A 2xx as the pipeline analyzed it: the matchable text (the title its first paragraph, as
  // stored), its title, the watched names the matcher found in it, and the hex SHA-256 of its
  // normalized text (storage::TextKeysOf, as UrlState::content_hash).
  std::string title, text, digest;
  std::vector<storage::VersionName> names;
  int64_t evidence_fetched_at_us = 0;  // its capture in the evidence archive; 0: none
};

struct WatchStepResult {
  watch::Change change;
  // For PutVersion: `version` is empty when the fetch changed nothing (unchanged: only the
  // queue moves on).
  storage::VersionInput input;
  bool alerts = false;  // change.Alerts(), with alert_cosmetic when a rule of the document asks
};

// `versions`: the document's stored versions, oldest first (at least version 0); `rules`: the
// rules with a mention of the document (its schedule, and alert_cosmetic).
WatchStepResult ClassifyRefetch(
    const storage::DueWatch& due, std::span<const storage::StoredVersion> versions,
    const RefetchOutcome& fetch, std::span<const std::string> rules, const WatchPlan& plan,
    const config::Watch& table,
    const watch::ChangeClassifier& classifier = watch::ChangeClassifier());

// A stored version as the classifier compares it: the last one fetched that is not a failed
// fetch, with the text of the last version that has one (an unchanged version keeps its text).
watch::Version StoredAsClassified(const std::string& url,
                                  std::span<const storage::StoredVersion> versions);

// The paragraphs of a stored matchable text ("\n\n" between them), the title left out when it
// is the first.
std::vector<std::string> ParagraphsOf(const std::string& title, const std::string& text);

}  // namespace kuzet::app
