#include "app/watch_alert.h"

#include <string>

#include "storage/alert_entry.h"
#include "watch/change_classifier.h"
#include "watch/change_excerpt.h"
#include "watch/change_headline.h"

namespace kuzet::app {
namespace {

// The stored kind names back as kinds ("original" and unknown names are skipped).
std::vector<watch::ChangeKind> KindsOf(const std::vector<std::string>& names) {
  std::vector<watch::ChangeKind> kinds;
  for (const std::string& name : names) {
    for (int k = static_cast<int>(watch::ChangeKind::kUnchanged);
         k <= static_cast<int>(watch::ChangeKind::kFetchFailed); ++k) {
      const auto kind = static_cast<watch::ChangeKind>(k);
      if (watch::ChangeKindName(kind) == name) kinds.push_back(kind);
    }
  }
  return kinds;
}

std::vector<watch::WatchedName> NamesOf(const std::vector<storage::VersionName>& names) {
  std::vector<watch::WatchedName> out;
  for (const storage::VersionName& n : names) out.push_back({n.rule_id, n.name});
  return out;
}

alert::MarkedText Marked(const watch::Excerpt& e) {
  return {e.text, static_cast<uint32_t>(e.mark_begin), static_cast<uint32_t>(e.mark_end)};
}

}  // namespace

std::optional<alert::Alert> ChangeAlertFromVersions(
    uint64_t alert_id, const std::vector<storage::StoredVersion>& versions,
    const storage::Document* document, const config::Config& config) {
  const uint64_t doc_id = storage::ChangeAlertDocId(alert_id);
  const uint32_t number = storage::ChangeAlertVersion(alert_id);
  const storage::VersionRecord* version = nullptr;
  const storage::VersionRecord* before = nullptr;  // the last version before it with a text
  for (const storage::StoredVersion& v : versions) {
    if (v.number == number) version = &v.version;
    if (v.number < number && v.version.has_text) before = &v.version;
  }
  if (version == nullptr) return std::nullopt;
  const storage::VersionRecord& v = *version;

  watch::Change change;
  change.kinds = KindsOf(v.kinds);
  change.names_removed = NamesOf(v.names_removed);
  change.names_added = NamesOf(v.names_added);
  change.http_status = v.http_status;
  change.redirected_to = v.final_url;

  alert::Alert a;
  a.id = "change." + std::to_string(doc_id) + "." + std::to_string(number);
  if (!v.names_removed.empty()) {
    a.rule_id = v.names_removed.front().rule_id;
  } else if (!v.names_added.empty()) {
    a.rule_id = v.names_added.front().rule_id;
  } else if (before != nullptr && !before->names.empty()) {
    a.rule_id = before->names.front().rule_id;
  }
  for (const config::Rule& rule : config.rules) {
    if (rule.id == a.rule_id) a.rule_description = rule.description;
  }
  if (document != nullptr) {
    a.site_id = document->site_id;
    a.url = document->url;
    a.title = document->title;
    a.lang = document->lang;
  }
  if (v.has_text && !v.title.empty()) a.title = v.title;
  if (a.title.empty() && before != nullptr) a.title = before->title;
  a.site_name = a.site_id;
  for (const config::Site& site : config.sites) {
    if (site.id == a.site_id) a.site_name = site.name;
  }
  a.found_at_us = v.fetched_at_us;
  if (config.server.enabled && !config.server.public_url.empty()) {
    std::string base = config.server.public_url;
    while (base.ends_with('/')) base.pop_back();
    a.web_url = base + "/api/documents/" + std::to_string(doc_id) + "/history";
  }

  alert::ChangeDetails details;
  details.doc_id = doc_id;
  details.version = number;
  details.kinds = v.kinds;
  details.headline = watch::ChangeHeadline(change);
  for (const storage::VersionName& n : v.names_removed) details.names_removed.push_back(n.name);
  for (const storage::VersionName& n : v.names_added) details.names_added.push_back(n.name);
  details.http_status = v.http_status;
  details.redirected_to = v.final_url;
  // The excerpt of the first name removed (found in the text before) or added (in this one).
  // The stored name is the matcher's term: its place is its first occurrence as bytes; a name
  // spelled otherwise in the text (another case or script) gets no excerpt.
  if (before != nullptr && v.has_text) {
    const bool removed = !v.names_removed.empty();
    const std::string& name = removed                  ? v.names_removed.front().name
                              : !v.names_added.empty() ? v.names_added.front().name
                                                       : std::string();
    const std::string& where = removed ? before->text : v.text;
    const size_t at = name.empty() ? std::string::npos : where.find(name);
    if (at != std::string::npos) {
      const watch::BeforeAfter excerpt = watch::ExcerptNameChange(
          before->text, v.text, removed ? watch::NameChange::kRemoved : watch::NameChange::kAdded,
          at, at + name.size());
      details.before = Marked(excerpt.before);
      details.after = Marked(excerpt.after);
    }
  }
  a.change = std::move(details);
  return a;
}

}  // namespace kuzet::app
