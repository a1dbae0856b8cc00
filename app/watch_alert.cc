#include "app/watch_alert.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/escape.h"
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

// The names of `rule` (every name when rule is "").
std::vector<storage::VersionName> OfRule(const std::vector<storage::VersionName>& names,
                                         const std::string& rule) {
  std::vector<storage::VersionName> out;
  for (const storage::VersionName& n : names) {
    if (rule.empty() || n.rule_id == rule) out.push_back(n);
  }
  return out;
}

std::vector<watch::WatchedName> Watched(const std::vector<storage::VersionName>& names) {
  std::vector<watch::WatchedName> out;
  for (const storage::VersionName& n : names) out.push_back({n.rule_id, n.name});
  return out;
}

void AddOnce(std::vector<std::string>& rules, const std::string& rule) {
  if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
}

alert::MarkedText Marked(const watch::Excerpt& e) {
  return {e.text, static_cast<uint32_t>(e.mark_begin), static_cast<uint32_t>(e.mark_end)};
}

// The matcher's hits of one text, found once for all the rules of a change.
class Hits {
 public:
  Hits(const keywords::Matcher* matcher, const std::string& text)
      : matcher_(matcher), text_(text) {}

  // The byte range of the first hit of (rule, term); else of the term's first occurrence as bytes.
  std::optional<std::pair<size_t, size_t>> Find(const storage::VersionName& name) {
    if (matcher_ != nullptr && !matches_) matches_ = matcher_->FindAll(text_);
    if (matches_) {
      for (const keywords::Match& m : *matches_) {
        if (m.rule_id == name.rule_id && m.term == name.name && m.begin < m.end) {
          return std::pair{m.begin, m.end};
        }
      }
    }
    const size_t at = name.name.empty() ? std::string::npos : text_.find(name.name);
    if (at == std::string::npos) return std::nullopt;
    return std::pair{at, at + name.name.size()};
  }

 private:
  const keywords::Matcher* matcher_;
  const std::string& text_;
  std::optional<std::vector<keywords::Match>> matches_;
};

}  // namespace

std::vector<std::string> ChangeRules(const storage::VersionRecord& version,
                                     const std::vector<storage::VersionName>& matched_before,
                                     const std::vector<std::string>& alert_cosmetic) {
  std::vector<std::string> rules;
  for (const storage::VersionName& n : version.names_removed) AddOnce(rules, n.rule_id);
  for (const storage::VersionName& n : version.names_added) AddOnce(rules, n.rule_id);
  const std::vector<watch::ChangeKind> kinds = KindsOf(version.kinds);
  const bool article_lost = std::any_of(kinds.begin(), kinds.end(), [](watch::ChangeKind k) {
    return k == watch::ChangeKind::kGone || k == watch::ChangeKind::kRedirectedAway ||
           k == watch::ChangeKind::kReplaced;
  });
  // The article is no longer there for any rule; any other change also reaches the rules that
  // asked for every change of their documents.
  for (const storage::VersionName& n : matched_before) {
    if (article_lost || std::find(alert_cosmetic.begin(), alert_cosmetic.end(), n.rule_id) !=
                            alert_cosmetic.end()) {
      AddOnce(rules, n.rule_id);
    }
  }
  if (rules.empty()) {  // not expected: an edit without names alerts for an alert_cosmetic rule
    for (const storage::VersionName& n : matched_before) AddOnce(rules, n.rule_id);
  }
  return rules;
}

std::vector<alert::Alert> ChangeAlertsFromVersions(
    uint64_t alert_id, const std::vector<storage::StoredVersion>& versions,
    const storage::Document* document, const config::Config& config,
    const keywords::Matcher* matcher) {
  const uint64_t doc_id = storage::ChangeAlertDocId(alert_id);
  const uint32_t number = storage::ChangeAlertVersion(alert_id);
  const storage::VersionRecord* version = nullptr;
  const storage::VersionRecord* before = nullptr;    // the last version before it with a text
  std::vector<storage::VersionName> matched_before;  // the names of every version before it
  for (const storage::StoredVersion& v : versions) {
    if (v.number == number) version = &v.version;
    if (v.number >= number) continue;
    if (v.version.has_text) before = &v.version;
    matched_before.insert(matched_before.end(), v.version.names.begin(), v.version.names.end());
  }
  if (version == nullptr) return {};
  const storage::VersionRecord& v = *version;

  // What every rule's alert shares: the article, the fetch, the links.
  alert::Alert common;
  common.id = "change." + std::to_string(doc_id) + "." + std::to_string(number);
  if (document != nullptr) {
    common.site_id = document->site_id;
    common.url = document->url;
    common.title = document->title;
    common.lang = document->lang;
  }
  if (v.has_text && !v.title.empty()) common.title = v.title;
  if (common.title.empty() && before != nullptr) common.title = before->title;
  common.site_name = common.site_id;
  for (const config::Site& site : config.sites) {
    if (site.id == common.site_id) common.site_name = site.name;
  }
  common.found_at_us = v.fetched_at_us;
  if (config.server.enabled && !config.server.public_url.empty()) {
    std::string base = config.server.public_url;
    while (base.ends_with('/')) base.pop_back();
    common.web_url = base + "/api/documents/" + std::to_string(doc_id) + "/history";
  }

  const std::string no_text;
  Hits old_hits(matcher, before != nullptr ? before->text : no_text);
  Hits new_hits(matcher, v.has_text ? v.text : no_text);
  std::vector<std::string> rules = ChangeRules(v, matched_before, config.watch.alert_cosmetic);
  if (rules.empty()) rules.push_back("");  // the fallback route
  std::vector<alert::Alert> alerts;
  for (const std::string& rule : rules) {
    alert::Alert a = common;
    a.rule_id = rule;
    for (const config::Rule& r : config.rules) {
      if (r.id == rule) a.rule_description = r.description;
    }
    const std::vector<storage::VersionName> removed = OfRule(v.names_removed, rule);
    const std::vector<storage::VersionName> added = OfRule(v.names_added, rule);

    watch::Change change;
    for (watch::ChangeKind kind : KindsOf(v.kinds)) {
      if (kind == watch::ChangeKind::kNameRemoved && removed.empty()) continue;
      if (kind == watch::ChangeKind::kNameAdded && added.empty()) continue;
      change.kinds.push_back(kind);
    }
    change.names_removed = Watched(removed);
    change.names_added = Watched(added);
    change.http_status = v.http_status;
    change.redirected_to = v.final_url;
    change.paragraphs.removed.assign(v.paragraphs_removed.begin(), v.paragraphs_removed.end());
    change.paragraphs.added.assign(v.paragraphs_added.begin(), v.paragraphs_added.end());
    for (const auto& [old_index, new_index] : v.paragraphs_modified) {
      change.paragraphs.modified.push_back({old_index, new_index});
    }

    alert::ChangeDetails details;
    details.doc_id = doc_id;
    details.version = number;
    for (watch::ChangeKind kind : change.kinds) {
      details.kinds.emplace_back(watch::ChangeKindName(kind));
    }
    details.headline = watch::ChangeHeadline(change);
    for (const storage::VersionName& n : removed) details.names_removed.push_back(n.name);
    for (const storage::VersionName& n : added) details.names_added.push_back(n.name);
    details.http_status = v.http_status;
    details.redirected_to = v.final_url;
    // The excerpt of the rule's first name removed (its place in the text before) or added (in
    // this one), where the matcher found it.
    if (before != nullptr && v.has_text && (!removed.empty() || !added.empty())) {
      const bool is_removed = !removed.empty();
      const std::optional<std::pair<size_t, size_t>> at =
          is_removed ? old_hits.Find(removed.front()) : new_hits.Find(added.front());
      if (at) {
        const watch::BeforeAfter excerpt = watch::ExcerptNameChange(
            before->text, v.text,
            is_removed ? watch::NameChange::kRemoved : watch::NameChange::kAdded, at->first,
            at->second);
        details.before = Marked(excerpt.before);
        details.after = Marked(excerpt.after);
      } else {
        const storage::VersionName& name = is_removed ? removed.front() : added.front();
        spdlog::warn("change alert {}: rule {}: \"{}\" not found in the text {}; no excerpt",
                     common.id, rule, base::TerminalText(name.name),
                     is_removed ? "before" : "after");
      }
    }
    a.change = std::move(details);
    alerts.push_back(std::move(a));
  }
  return alerts;
}

}  // namespace kuzet::app
