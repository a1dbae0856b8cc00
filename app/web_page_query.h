// What the web page at / shows, before any HTML: the filters it offers (the configured rules,
// sites by name and languages), its query parameters, and a page of results grouped by article
// (one entry per stored document, with every rule that matched it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "app/http_api.h"
#include "base/status.h"
#include "config/config.h"
#include "storage/mention_reader.h"

namespace kuzet::app {

// One value a filter offers: the id sent, and what a person reads (a rule's description, a
// site's name; the id itself when there is none).
struct PageChoice {
  std::string id, label;
  bool operator==(const PageChoice&) const = default;
};

// The filters' <select> options. Empty lists (`kuzet serve --data-dir` without a config) make
// the page show free-text fields instead.
struct PageChoices {
  std::vector<PageChoice> rules, sites, languages;
  bool operator==(const PageChoices&) const = default;
};

// The config's rules and sites in file order; languages are those any site or rule names,
// sorted.
PageChoices PageChoicesFromConfig(const config::Config& config);

// A site's name, or its id when the config does not name it (a removed site, say).
std::string SiteLabel(const PageChoices& choices, const std::string& site_id);

// Articles listed on one page, and the most the page accepts as `limit`.
inline constexpr size_t kPageDefaultArticles = 20;
inline constexpr size_t kPageMaxArticles = 100;

// The page's query: q (a search), rule, site, lang, since, until, before and limit as the API
// takes them (limit
// counts articles), story (a story id: only its documents' mentions), and empty values dropped
// (a form submitted without JavaScript sends every field). since/until also take what an HTML
// datetime-local field sends, "2026-11-01T08:30" or "2026-11-01T08:30:15", read as UTC.
struct PageRequest {
  MentionRequest mentions;
  // q: a search over the stored articles (app/search_results.h) instead of the mentions list; it
  // takes site, lang, since, until, limit and before (a doc id), not rule or story.
  std::string q;
  // The filter values as given (after dropping empty ones), to fill the form and build links.
  std::vector<std::pair<std::string, std::string>> filters;
};
std::variant<PageRequest, ParamError> ParsePageParams(
    const std::vector<std::pair<std::string, std::string>>& params, int64_t now_us);

// One stored document and the mentions of it on this page: one per rule (the one with the most
// hits when a rule matched it more than once), in the order their rules first appear.
struct Article {
  uint64_t doc_id = 0, story_id = 0;
  std::string url, title, site_id, lang;
  int64_t found_at_us = 0;  // its newest mention's
  std::vector<storage::Mention> mentions;
};

struct ArticlePage {
  std::vector<Article> articles;
  std::vector<storage::Mention> all_mentions;  // every mention read for them, for also_at
  std::optional<uint64_t> next_before;         // the cursor of the next page, when one follows
};

// At most `articles` articles, newest first, from the mentions after request.before. Each
// mention is shown on exactly one page: the cursor is the last mention taken, so a document
// whose mentions are not adjacent in time (a rule matched it later) appears again further on
// rather than losing one. Reads at most `max_read` mentions: when that many do not fill the page,
// it ends early with a cursor (the last article may go on on the next page).
inline constexpr size_t kMaxMentionsRead = 2000;
Result<ArticlePage> QueryArticlePage(const storage::MentionReader& store,
                                     const MentionRequest& request, size_t articles,
                                     size_t max_read = kMaxMentionsRead);

}  // namespace kuzet::app
