#include "app/watch_step.h"

#include <algorithm>

namespace kuzet::app {

namespace {

bool Is2xx(int status) { return status >= 200 && status < 300; }

std::vector<watch::WatchedName> Classified(const std::vector<storage::VersionName>& names) {
  std::vector<watch::WatchedName> out;
  out.reserve(names.size());
  for (const storage::VersionName& n : names) out.push_back({n.rule_id, n.name});
  return out;
}

std::vector<storage::VersionName> Stored(const std::vector<watch::WatchedName>& names) {
  std::vector<storage::VersionName> out;
  out.reserve(names.size());
  for (const watch::WatchedName& n : names) out.push_back({n.rule_id, n.name});
  return out;
}

std::vector<uint32_t> Indexes(const std::vector<std::size_t>& indexes) {
  return std::vector<uint32_t>(indexes.begin(), indexes.end());
}

}  // namespace

std::vector<std::string> ParagraphsOf(const std::string& title, const std::string& text) {
  std::vector<std::string> paragraphs;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find("\n\n", begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) paragraphs.push_back(text.substr(begin, end - begin));
    begin = end + 2;
  }
  if (!paragraphs.empty() && !title.empty() && paragraphs.front() == title) {
    paragraphs.erase(paragraphs.begin());
  }
  return paragraphs;
}

watch::Version StoredAsClassified(const std::string& url,
                                  std::span<const storage::StoredVersion> versions) {
  watch::Version stored;
  stored.url = url;
  // The last version fetched, a failed fetch aside (it says nothing about the document).
  auto last = std::find_if(versions.rbegin(), versions.rend(), [](const auto& v) {
    return std::find(v.version.kinds.begin(), v.version.kinds.end(), "fetch_failed") ==
           v.version.kinds.end();
  });
  if (last == versions.rend()) return stored;
  const storage::VersionRecord& v = last->version;
  stored.final_url = v.final_url;
  stored.http_status = v.http_status;
  stored.names = Classified(v.names);
  stored.body_digest = v.digest;
  // A version without a text of its own is gone (no text at all), or kept the text before it.
  if (!v.has_text && !Is2xx(v.http_status)) return stored;
  auto with_text =
      std::find_if(last, versions.rend(), [](const auto& x) { return x.version.has_text; });
  if (with_text != versions.rend()) {
    stored.title = with_text->version.title;
    stored.paragraphs = ParagraphsOf(with_text->version.title, with_text->version.text);
    if (!v.has_text) {
      stored.names = Classified(with_text->version.names);
      stored.body_digest = with_text->version.digest;
    }
  }
  return stored;
}

WatchStepResult ClassifyRefetch(const storage::DueWatch& due,
                                std::span<const storage::StoredVersion> versions,
                                const RefetchOutcome& fetch, std::span<const std::string> rules,
                                const WatchPlan& plan, const config::Watch& table,
                                const watch::ChangeClassifier& classifier) {
  WatchStepResult result;
  const watch::Version stored = StoredAsClassified(due.entry.url, versions);
  watch::Version fresh;
  fresh.url = due.entry.url;
  fresh.final_url = fetch.final_url;
  fresh.http_status = fetch.http_status;
  if (Is2xx(fetch.http_status)) {
    fresh.title = fetch.title;
    fresh.paragraphs = ParagraphsOf(fetch.title, fetch.text);
    fresh.names = Classified(fetch.names);
    std::sort(fresh.names.begin(), fresh.names.end());
    fresh.body_digest = fetch.digest;
  }
  result.change = classifier.Classify(stored, fresh);
  const watch::Change& change = result.change;

  bool cosmetic_rule = false;
  for (const std::string& rule : rules) {
    cosmetic_rule |= std::find(table.alert_cosmetic.begin(), table.alert_cosmetic.end(), rule) !=
                     table.alert_cosmetic.end();
  }
  result.alerts = change.Alerts(cosmetic_rule);

  storage::VersionInput& input = result.input;
  input.doc_id = due.doc_id;
  input.due_us = due.due_us;
  // A move is kept even when the text did not change (moved, unchanged): the next fetch compares
  // where it lands with the new address.
  if (!change.Has(watch::ChangeKind::kUnchanged) || change.Has(watch::ChangeKind::kMoved)) {
    storage::VersionRecord v;
    v.fetched_at_us = fetch.fetched_at_us;
    v.http_status = fetch.http_status;
    if (fetch.final_url != due.entry.url) v.final_url = fetch.final_url;
    for (watch::ChangeKind kind : change.kinds) {
      v.kinds.emplace_back(watch::ChangeKindName(kind));
    }
    v.paragraphs_removed = Indexes(change.paragraphs.removed);
    v.paragraphs_added = Indexes(change.paragraphs.added);
    for (const watch::ModifiedParagraph& m : change.paragraphs.modified) {
      v.paragraphs_modified.emplace_back(static_cast<uint32_t>(m.old_index),
                                         static_cast<uint32_t>(m.new_index));
    }
    v.names_removed = Stored(change.names_removed);
    v.names_added = Stored(change.names_added);
    v.evidence_fetched_at_us = fetch.evidence_fetched_at_us;
    // The text of a 2xx is kept (gone and failed fetches have none).
    if (Is2xx(fetch.http_status)) {
      v.names = Stored(fresh.names);
      v.digest = fetch.digest;
      v.has_text = true;
      v.title = fetch.title;
      v.text = fetch.text;
    }
    input.version = std::move(v);
    input.alert = result.alerts;  // its change alert in the version's batch (issue #20 item 3)
  }
  // The schedule goes on whatever the fetch found: a failed fetch's document is tried again at
  // the next step (watch/README.md, fetch_failed).
  if (auto next = plan.After(due.entry, fetch.fetched_at_us, rules)) {
    input.next_due_us = next->due_us;
    input.next = std::move(next->entry);
  } else {
    input.next.url = due.entry.url;  // the URL of the fetch's evidence, at the schedule's end too
  }
  return result;
}

}  // namespace kuzet::app
