#include "app/web_page_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "app/search_results.h"

namespace kuzet::app {

namespace {

// The languages Kuzet detects, named in their own language; any other code is shown as is.
std::string LanguageLabel(const std::string& code) {
  static const std::map<std::string, std::string> kNames = {
      {"en", "English"}, {"ru", "Русский"}, {"kk", "Қазақша"}};
  auto it = kNames.find(code);
  return it == kNames.end() ? code : it->second + " (" + code + ")";
}

// "2026-11-01T08:30" or "2026-11-01T08:30:15" (an HTML datetime-local value, WHATWG HTML
// §2.3.5.5 "local date and time string") → "2026-11-01T08:30:00Z"; anything else unchanged.
std::string FromDatetimeLocal(const std::string& value) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (value.size() != 16 && value.size() != 19) return value;
  for (size_t i = 0; i < value.size(); ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(value[i])) != 0;
    if (kShape[i] == 'd' ? !digit : value[i] != kShape[i]) return value;
  }
  return value + (value.size() == 16 ? ":00Z" : "Z");
}

}  // namespace

PageChoices PageChoicesFromConfig(const config::Config& config) {
  PageChoices choices;
  std::set<std::string> languages;
  for (const config::Rule& rule : config.rules) {
    choices.rules.push_back(
        {rule.id, rule.description.empty() ? rule.id : rule.id + " — " + rule.description});
    languages.insert(rule.languages.begin(), rule.languages.end());
  }
  for (const config::Site& site : config.sites) {
    choices.sites.push_back({site.id, site.name.empty() ? site.id : site.name});
    languages.insert(site.languages.begin(), site.languages.end());
  }
  for (const std::string& code : languages)
    choices.languages.push_back({code, LanguageLabel(code)});
  return choices;
}

std::string SiteLabel(const PageChoices& choices, const std::string& site_id) {
  for (const PageChoice& site : choices.sites) {
    if (site.id == site_id) return site.label;
  }
  return site_id;
}

std::variant<PageRequest, ParamError> ParsePageParams(
    const std::vector<std::pair<std::string, std::string>>& params, int64_t now_us) {
  PageRequest page;
  std::vector<std::pair<std::string, std::string>> rest;
  uint64_t story = 0;
  bool limit_given = false;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;  // an empty form field is no filter
    if (name == "q") {
      if (!page.q.empty()) return ParamError{name, "q: given more than once"};
      if (value.size() > kMaxSearchQueryBytes) {
        return ParamError{name, "q: " + std::to_string(value.size()) + " bytes, more than the " +
                                    std::to_string(kMaxSearchQueryBytes) + " a query may have"};
      }
      page.q = value;
      page.filters.emplace_back(name, value);
      continue;
    }
    if (name == "story") {
      if (story != 0) return ParamError{name, "story: given more than once"};
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), story);
      if (ec != std::errc() || end != value.data() + value.size() || story == 0) {
        return ParamError{name, "story: expected a story id (a positive integer)"};
      }
      page.filters.emplace_back(name, value);
      continue;
    }
    std::string normalized = name == "since" || name == "until" ? FromDatetimeLocal(value) : value;
    if (name == "limit") limit_given = true;
    if (name != "before" && name != "limit") page.filters.emplace_back(name, normalized);
    rest.emplace_back(name, std::move(normalized));
  }
  auto parsed =
      ParseMentionParams(rest, {"rule", "site", "lang", "since", "until", "limit", "before"},
                         now_us, kPageMaxArticles);
  if (auto* error = std::get_if<ParamError>(&parsed)) return *error;
  page.mentions = std::get<MentionRequest>(std::move(parsed));
  page.mentions.query.story_id = story;
  if (!page.q.empty() && story != 0) {
    return ParamError{"story", "story: a search (q) lists articles, not a story's; clear one"};
  }
  if (!page.q.empty() && !page.mentions.query.rule_id.empty()) {
    return ParamError{"rule", "rule: a search (q) is a query of its own; clear the rule or q"};
  }
  if (!limit_given) page.mentions.limit = kPageDefaultArticles;
  return page;
}

namespace {

void AddToArticle(storage::Mention mention, Article* article) {
  for (storage::Mention& shown : article->mentions) {
    if (shown.rule_id != mention.rule_id) continue;
    if (mention.hits.size() > shown.hits.size()) shown = std::move(mention);
    return;
  }
  article->mentions.push_back(std::move(mention));
}

}  // namespace

Result<ArticlePage> QueryArticlePage(const storage::MentionReader& store,
                                     const MentionRequest& request, size_t articles,
                                     size_t max_read) {
  ArticlePage page;
  std::map<uint64_t, size_t> article_of_doc;
  MentionRequest batch = request;
  batch.limit = std::min<size_t>(200, max_read);
  size_t read = 0;
  for (;;) {
    auto got = QueryMentionPage(store, batch);
    if (!got.ok()) return got.status();
    for (size_t i = 0; i < got->mentions.size(); ++i) {
      storage::Mention& m = got->mentions[i];
      auto it = article_of_doc.find(m.doc_id);
      if (it == article_of_doc.end()) {
        if (page.articles.size() == articles) {
          page.next_before = page.all_mentions.back().id;
          return page;
        }
        it = article_of_doc.emplace(m.doc_id, page.articles.size()).first;
        Article article;
        article.doc_id = m.doc_id;
        article.story_id = m.story_id;
        article.url = m.url;
        article.title = m.title;
        article.site_id = m.site_id;
        article.lang = m.lang;
        article.found_at_us = m.found_at_us;
        page.articles.push_back(std::move(article));
      }
      page.all_mentions.push_back(m);
      AddToArticle(std::move(m), &page.articles[it->second]);
      if (++read == max_read) {
        bool more = i + 1 < got->mentions.size() || got->next_before.has_value();
        if (more) page.next_before = page.all_mentions.back().id;
        return page;
      }
    }
    if (!got->next_before) return page;
    batch.before = got->next_before;
  }
}

}  // namespace kuzet::app
