#include "app/web_page.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <spdlog/spdlog.h>

#include "app/story_places.h"
#include "base/escape.h"
#include "base/hex.h"
#include "watch/change_classifier.h"
#include "watch/word_diff.h"

namespace kuzet::app {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string Esc(std::string_view text) { return base::XmlEscape(text); }

// "2026-11-29T06:58:13Z" (for datetime attributes) or, with `pattern`, any strftime form of it.
std::string Utc(int64_t unix_micros, const char* pattern = "%Y-%m-%dT%H:%M:%SZ") {
  std::time_t seconds = static_cast<std::time_t>(unix_micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

// <time>: the UTC instant in datetime, and a UTC text that says so; page.js shows local time.
std::string TimeElement(int64_t unix_micros) {
  return "<time datetime=\"" + Utc(unix_micros) + "\">" + Utc(unix_micros, "%Y-%m-%d %H:%M UTC") +
         "</time>";
}

std::string QueryComponent(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      base::AppendPercentEncoded(c, out);
    }
  }
  return out;
}

// A link to this page with `params` (a relative reference, RFC 3986 §4.2: the same path on
// whatever host and prefix the page was reached), escaped for an attribute.
std::string PageHref(const Params& params) {
  if (params.empty()) return "./";
  std::string href;
  for (const auto& [name, value] : params) {
    href.push_back(href.empty() ? '?' : '&');
    href.append(QueryComponent(name)).append("=").append(QueryComponent(value));
  }
  return Esc(href);
}

// The filters with `name` set to `value` ("" removes it).
Params With(const Params& filters, const std::string& name, const std::string& value) {
  Params out;
  for (const auto& param : filters) {
    if (param.first != name) out.push_back(param);
  }
  if (!value.empty()) out.emplace_back(name, value);
  return out;
}

std::string FilterValue(const Params& filters, const std::string& name) {
  for (const auto& [n, value] : filters) {
    if (n == name) return value;
  }
  return "";
}

// Only web links are made clickable: a stored javascript: or data: URL must not run here.
bool IsWebUrl(const std::string& url) {
  auto starts = [&](std::string_view scheme) {
    if (url.size() < scheme.size()) return false;
    for (size_t i = 0; i < scheme.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// "en", "kk", "rus": two or three ASCII letters (RFC 5646 section 2.2.1).
bool IsLanguageSubtag(const std::string& lang) {
  if (lang.size() < 2 || lang.size() > 3) return false;
  for (char c : lang) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::string ExternalLink(const std::string& url, const std::string& text) {
  if (!IsWebUrl(url)) return "<span class=\"url\">" + Esc(text) + "</span>";
  return "<a href=\"" + Esc(url) + "\" rel=\"noopener noreferrer\">" + Esc(text) + "</a>";
}

// A <select> of the choices (with "all" first), or a text field when there are none. A value not
// among them (a rule since removed from the config) is kept as an option of its own.
std::string FilterField(const char* name, const char* label, const char* all,
                        const std::vector<PageChoice>& choices, const std::string& selected) {
  std::string id = std::string("filter-") + name;
  std::string out = "<label for=\"" + id + "\">" + label + "</label>";
  if (choices.empty()) {
    return out + "<input id=\"" + id + "\" name=\"" + name + "\" value=\"" + Esc(selected) +
           "\" autocomplete=\"off\"/>";
  }
  out += "<select id=\"" + id + "\" name=\"" + name + "\"><option value=\"\">" + all + "</option>";
  bool found = false;
  for (const PageChoice& choice : choices) {
    bool is_selected = choice.id == selected;
    found |= is_selected;
    out += "<option value=\"" + Esc(choice.id) + "\"" +
           (is_selected ? " selected=\"selected\"" : "") + ">" + Esc(choice.label) + "</option>";
  }
  if (!found && !selected.empty()) {
    out += "<option value=\"" + Esc(selected) + "\" selected=\"selected\">" + Esc(selected) +
           " (not configured)</option>";
  }
  return out + "</select>";
}

// A datetime-local field showing the bound in UTC; page.js turns it into local time (data-utc)
// and back when the form is sent.
std::string TimeField(const char* name, const char* label, const std::optional<int64_t>& bound) {
  std::string id = std::string("filter-") + name;
  std::string out = "<label for=\"" + id + "\">" + label +
                    " <span class=\"tz\">(UTC)</span></label>" + "<input id=\"" + id +
                    "\" type=\"datetime-local\" step=\"1\" name=\"" + name + "\"";
  if (bound) {
    out += " value=\"" + Utc(*bound, "%Y-%m-%dT%H:%M:%S") + "\" data-utc=\"" + Utc(*bound) + "\"";
  }
  return out + "/>";
}

std::string Form(const PageChoices& choices, const Params& filters,
                 const storage::MentionQuery* query, bool searchable) {
  std::string out = "<form id=\"filters\" method=\"get\">";
  auto field = [&](const std::string& html) { out += "<div class=\"field\">" + html + "</div>"; };
  if (searchable) {
    field(
        "<label for=\"filter-q\">Search</label><input id=\"filter-q\" name=\"q\" type=\"search\" "
        "placeholder=\"Zhanaozen AND strike\" autocomplete=\"off\" maxlength=\"" +
        std::to_string(kMaxSearchQueryBytes) + "\" value=\"" + Esc(FilterValue(filters, "q")) +
        "\"/>");
  }
  field(FilterField("rule", "Rule", "All rules", choices.rules, FilterValue(filters, "rule")));
  field(FilterField("site", "Site", "All sites", choices.sites, FilterValue(filters, "site")));
  field(FilterField("lang", "Language", "All languages", choices.languages,
                    FilterValue(filters, "lang")));
  field(TimeField("since", "Since", query ? query->since_us : std::nullopt));
  field(TimeField("until", "Until", query ? query->until_us : std::nullopt));
  if (std::string story = FilterValue(filters, "story"); !story.empty()) {
    out += "<input type=\"hidden\" name=\"story\" value=\"" + Esc(story) + "\"/>";
  }
  out +=
      "<div class=\"field buttons\"><button type=\"submit\">Show</button> <a href=\"./\" "
      "data-nav=\"\">Clear</a></div></form>";
  return out;
}

// The feed takes rule, site and lang (RFC 4287 feeds list the newest entries; no time window).
std::string FeedHref(const Params& filters) {
  std::string href = "feed.atom";
  char separator = '?';
  for (const auto& [name, value] : filters) {
    if (name != "rule" && name != "site" && name != "lang") continue;
    href += separator + QueryComponent(name) + "=" + QueryComponent(value);
    separator = '&';
  }
  return Esc(href);
}

std::string RenderArticle(const Article& article, const PageChoices& choices, const Params& filters,
                          const StoryPlacesById& places) {
  std::string out = "<li class=\"article\" data-doc=\"" + std::to_string(article.doc_id) + "\"";
  // The text's language for screen readers and hyphenation (a BCP 47 primary subtag only).
  if (IsLanguageSubtag(article.lang)) out += " lang=\"" + article.lang + "\"";
  out += ">";
  out += "<h2 class=\"title\">" +
         ExternalLink(article.url, article.title.empty() ? article.url : article.title) + "</h2>";
  out += "<p class=\"meta\"><span class=\"site\" data-site=\"" + Esc(article.site_id) + "\">" +
         Esc(SiteLabel(choices, article.site_id)) + "</span> <span class=\"lang\">" +
         Esc(article.lang.empty() ? "?" : article.lang) + "</span> " +
         TimeElement(article.found_at_us) + "</p>";
  out += "<ul class=\"rules\">";
  for (const storage::Mention& m : article.mentions) {
    if (m.id == 0) {  // a search hit (HitAsMention): no rule to filter by
      out += "<li><span class=\"chip\">" + Esc(m.rule_id) + "</span></li>";
      continue;
    }
    out += "<li><a class=\"chip\" data-nav=\"\" data-rule=\"" + Esc(m.rule_id) + "\" href=\"" +
           PageHref(With(With(filters, "rule", m.rule_id), "story", "")) + "\">" + Esc(m.rule_id) +
           "</a></li>";
  }
  out += "</ul><ul class=\"snippets\">";
  for (const storage::Mention& m : article.mentions) {
    SnippetParts parts = SplitSnippet(m.snippet, m.snippet_mark_begin, m.snippet_mark_end);
    out += "<li data-rule=\"" + Esc(m.rule_id) + "\"><span class=\"chip\">" + Esc(m.rule_id) +
           "</span> " + Esc(parts.before) + "<mark>" + Esc(parts.match) + "</mark>" +
           Esc(parts.after) + "</li>";
  }
  out += "</ul>";
  out += "<p class=\"doc-link\"><a data-nav=\"\" href=\"" +
         PageHref({{"doc", std::to_string(article.doc_id)}}) + "\">Timeline</a></p>";
  AlsoAt also = AlsoAtOf(article.mentions.front(), &places);
  if (also.total > 0) {
    out += "<div class=\"also-at\" data-total=\"" + std::to_string(also.total) +
           "\"><span class=\"label\">Also at " + std::to_string(also.total) +
           (also.total == 1 ? " other place" : " other places") + ":</span><ul>";
    for (const OtherPlace& place : also.places) {
      std::string label = place.site_id.empty() ? place.url : SiteLabel(choices, place.site_id);
      out += "<li>" + ExternalLink(place.url, label) + "</li>";
    }
    out += "</ul>";
    if (also.total > also.places.size()) {
      out += "<span class=\"more\">and " + std::to_string(also.total - also.places.size()) +
             " more</span> ";
    }
    out += "</div>";
    if (article.story_id != 0) {
      out += "<p class=\"story-link\"><a data-nav=\"\" href=\"" +
             PageHref({{"story", std::to_string(article.story_id)}}) + "\">Story view</a></p>";
    }
  }
  return out + "</li>";
}

std::string RenderStory(uint64_t story_id, const storage::StoryMembersPage& story,
                        const PageChoices& choices, const Params& filters) {
  std::string out =
      "<section id=\"story\" data-story=\"" + std::to_string(story_id) + "\"><h2>Story " +
      std::to_string(story_id) + ": " + std::to_string(story.total_places) +
      (story.total_places == 1 ? " place" : " places") + " in " +
      std::to_string(story.total_documents) +
      (story.total_documents == 1 ? " document" : " documents") + "</h2><ol class=\"places\">";
  for (const storage::StoryMember& member : story.members) {
    out += "<li>" + ExternalLink(member.url, member.title.empty() ? member.url : member.title) +
           " <span class=\"site\">" + Esc(SiteLabel(choices, member.site_id)) + "</span> " +
           TimeElement(member.first_seen_us);
    if (!member.duplicate_urls.empty()) {
      out += "<ul class=\"reprints\">";
      // Newest (last found) first, as also_at lists them.
      for (size_t shown = 0, i = member.duplicate_urls.size();
           i-- > 0 && shown < kStoryReprintsShown; ++shown) {
        const std::string site =
            i < member.duplicate_site_ids.size() ? member.duplicate_site_ids[i] : std::string();
        out += "<li>" +
               ExternalLink(member.duplicate_urls[i],
                            site.empty() ? member.duplicate_urls[i] : SiteLabel(choices, site)) +
               "</li>";
      }
      if (member.duplicate_urls.size() > kStoryReprintsShown) {
        out += "<li class=\"more\">and " +
               std::to_string(member.duplicate_urls.size() - kStoryReprintsShown) +
               " more reprints</li>";
      }
      out += "</ul>";
    }
    out += "</li>";
  }
  out += "</ol>";
  if (story.total_documents > story.members.size()) {
    out += "<p class=\"more\">and " + std::to_string(story.total_documents - story.members.size()) +
           " more documents (<code>kuzet stories --story " + std::to_string(story_id) +
           "</code> lists them all)</p>";
  }
  return out + "<p><a data-nav=\"\" href=\"" + PageHref(With(filters, "story", "")) +
         "\">All articles</a></p></section>";
}

std::string Head(const std::string& title, const std::string& feed_href) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
      Esc(title) + "</title><link rel=\"stylesheet\" href=\"page.css\"/>";
  if (!feed_href.empty()) {
    out +=
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Kuzet mentions\" href=\"" +
        feed_href + "\"/>";
  }
  return out + "<script src=\"page.js\" defer=\"defer\"></script></head>";
}

WebPageReply NeedsToken() {
  WebPageReply reply;
  reply.html = Head("Kuzet mentions", "") +
               "<body data-needs-token=\"true\"><header><h1>Kuzet mentions</h1></header><main>"
               "<p id=\"status\" role=\"status\" class=\"error\">This server needs a token: open "
               "this page as …/#token=YOUR-TOKEN (the part after # never leaves your "
               "browser).</p></main></body></html>\n";
  return reply;
}

WebPageReply Failed(int status, const PageChoices& choices, const Params& filters,
                    const std::string& message, bool searchable) {
  WebPageReply reply;
  reply.status = status;
  reply.html = Head("Kuzet mentions: error", "") +
               "<body><header><h1>Kuzet mentions</h1></header><main>" +
               Form(choices, filters, nullptr, searchable) +
               "<p id=\"status\" role=\"alert\" class=\"error\">Error: " + Esc(message) +
               "</p></main></body></html>\n";
  return reply;
}

// The page around a list of articles: header, form, story, status line, list, "older" link.
std::string ArticleListPage(const PageChoices& choices, const PageRequest& request, bool searchable,
                            const std::string& story_html, const std::string& status,
                            const std::vector<Article>& articles, const StoryPlacesById& places,
                            std::optional<uint64_t> next_before, const char* older_label) {
  const Params& filters = request.filters;
  const std::string feed = FeedHref(filters);
  std::string html = Head("Kuzet mentions", feed) +
                     "<body><header><h1>Kuzet mentions</h1><a id=\"feed\" href=\"" + feed +
                     "\">Atom feed</a></header><main>" +
                     Form(choices, filters, &request.mentions.query, searchable) + story_html +
                     "<p id=\"status\" role=\"status\">" + Esc(status) + "</p><ol id=\"articles\">";
  for (const Article& article : articles) html += RenderArticle(article, choices, filters, places);
  html += "</ol>";
  if (next_before) {
    Params next = filters;
    if (request.mentions.limit != kPageDefaultArticles) {
      next.emplace_back("limit", std::to_string(request.mentions.limit));
    }
    next.emplace_back("before", std::to_string(*next_before));
    html += "<nav><a id=\"older\" rel=\"next\" data-nav=\"\" href=\"" + PageHref(next) + "\">" +
            older_label + "</a></nav>";
  }
  return html + "</main></body></html>\n";
}

std::string Counted(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ?q=: the stored articles the query matches (one entry each, its first match's sentence).
WebPageReply SearchPageReply(const storage::MentionReader& store, const PageChoices& choices,
                             const PageRequest& request, const PageSearch& search) {
  SearchRequest query;
  query.q = request.q;
  const storage::MentionQuery& filter = request.mentions.query;
  if (filter.since_us) query.query.since_us = *filter.since_us;
  if (filter.until_us) query.query.until_us = *filter.until_us;
  query.query.lang = filter.lang;
  query.query.site = filter.site_id;
  query.query.limit = request.mentions.limit;
  query.query.before_doc = request.mentions.before.value_or(0);
  auto found = search(query);
  if (!found.ok() && found.status().code() == Status::Code::kInvalidArgument) {
    return Failed(400, choices, request.filters, "q: " + std::string(found.status().message()),
                  true);
  }
  Result<StoryPlacesById> places =
      found.ok() ? LoadStoryPlaces(store, found->hits) : Result<StoryPlacesById>(found.status());
  if (!places.ok()) {
    spdlog::warn("http: GET / (search): {}", places.status().message());
    return Failed(500, choices, request.filters,
                  "the search failed: " + std::string(places.status().message()), true);
  }
  std::vector<Article> articles;
  for (const storage::Mention& hit : found->hits) {
    Article article;
    article.doc_id = hit.doc_id;
    article.story_id = hit.story_id;
    article.url = hit.url;
    article.title = hit.title;
    article.site_id = hit.site_id;
    article.lang = hit.lang;
    article.found_at_us = hit.found_at_us;
    article.mentions = {hit};
    articles.push_back(std::move(article));
  }
  std::string status = articles.empty()
                           ? std::string(request.mentions.before ? "No older results."
                                                                 : "No stored article matches.")
                           : Counted(articles.size(), "result", "results") +
                                 (request.mentions.before ? " (older)" : "");
  std::optional<uint64_t> next;
  if (found->next_before != 0) next = found->next_before;
  return {200, ArticleListPage(choices, request, true, "", status, articles, *places, next,
                               "Older results")};
}

// ---- The document view (?doc=ID, issue #20 item 4): title, URL, mentions and the timeline ----

// Whether the stored kind name is one that alerts by default (watch::AlertsByDefault; kFetchFailed
// is the last ChangeKind). An unknown name (a newer build wrote it) is shown unemphasised.
bool KindAlerts(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(watch::ChangeKind::kFetchFailed); ++k) {
    const auto kind = static_cast<watch::ChangeKind>(k);
    if (watch::ChangeKindName(kind) == name) return watch::AlertsByDefault(kind);
  }
  return false;
}

bool HasKind(const storage::VersionRecord& v, std::string_view kind) {
  return std::find(v.kinds.begin(), v.kinds.end(), kind) != v.kinds.end();
}

// The text version `index` (into versions) reads as, as `kuzet history --diff` compares it: its
// own, or that of the last version before it with one; gone, redirected away and replaced
// versions without a text read as empty.
std::string_view TextAt(const std::vector<storage::StoredVersion>& versions, size_t index) {
  const storage::VersionRecord& v = versions[index].version;
  if (!v.has_text &&
      (HasKind(v, "gone") || HasKind(v, "redirected_away") || HasKind(v, "replaced"))) {
    return {};
  }
  for (size_t i = index + 1; i-- > 0;) {
    if (versions[i].version.has_text) return versions[i].version.text;
  }
  return {};
}

// At most `max_bytes` of text, cut at a UTF-8 character boundary.
std::string_view Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string_view Suffix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = text.size() - max_bytes;
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
  return text.substr(cut);
}

// The word diff of two versions' texts as <del>/<ins> marks in their context. Bounded: at most
// kDiffChangesShown changes, each shown up to kDiffChangeBytes, and unchanged runs cut to their
// ends; the rest is counted and left to `kuzet history --diff`.
std::string RenderDiff(uint64_t doc_id, uint32_t from, uint32_t to, std::string_view a,
                       std::string_view b) {
  const watch::WordDiffResult diff = watch::WordDiff(a, b);
  size_t changes = 0;
  for (const watch::WordEdit& e : diff.edits) changes += e.kind != watch::EditKind::kEqual;
  std::string out = "<div class=\"diff\" data-from=\"" + std::to_string(from) + "\" data-to=\"" +
                    std::to_string(to) + "\" data-changes=\"" + std::to_string(changes) + "\">";
  if (changes == 0) return out + "<p class=\"diff-text\">No word changed.</p></div>";
  out += "<p class=\"diff-text\">";
  size_t shown = 0;
  for (size_t i = 0; i < diff.edits.size() && shown < kDiffChangesShown; ++i) {
    const watch::WordEdit& e = diff.edits[i];
    if (e.kind == watch::EditKind::kEqual) {
      const bool first = i == 0, last = i + 1 == diff.edits.size();
      if (e.text.size() <= 2 * kDiffContextBytes) {
        out += Esc(e.text);
      } else {
        if (!first) out += Esc(Prefix(e.text, kDiffContextBytes));
        out += "<span class=\"gap\"> … </span>";
        if (!last) out += Esc(Suffix(e.text, kDiffContextBytes));
      }
      continue;
    }
    ++shown;
    std::string_view text = Prefix(e.text, kDiffChangeBytes);
    const char* tag = e.kind == watch::EditKind::kDelete ? "del" : "ins";
    out += std::string("<") + tag + ">" + Esc(text) +
           (text.size() < e.text.size() ? "<span class=\"gap\"> …</span>" : "") + "</" + tag + ">";
  }
  out += "</p>";
  if (shown < changes || diff.coarse) {
    out += "<p class=\"more\">";
    if (shown < changes) out += "and " + Counted(changes - shown, "more change", "more changes");
    if (diff.coarse) out += std::string(shown < changes ? "; " : "") + "a coarse diff";
    out += " (<code>kuzet history " + std::to_string(doc_id) + " --diff " + std::to_string(from) +
           " " + std::to_string(to) + "</code> shows it all)</p>";
  }
  return out + "</div>";
}

std::string NamesLine(const char* cls, const char* label,
                      const std::vector<storage::VersionName>& names) {
  std::string out = std::string("<p class=\"") + cls + "\">" + label + ": ";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i ? ", " : "") + std::string("<span class=\"name\">") + Esc(names[i].name) +
           "</span> (" + Esc(names[i].rule_id) + ")";
  }
  return out + "</p>";
}

std::string RenderCapture(const storage::EvidenceCapture& capture) {
  std::string out = "<li class=\"capture\">" +
                    std::string(capture.revisit ? "revisit" : "response") + " " +
                    TimeElement(capture.fetched_at_us) + ":";
  for (const storage::EvidenceLocation& r : capture.records) {
    out += " <code class=\"record\">" + Esc(r.file) + " @" + std::to_string(r.offset) + "</code>";
  }
  return out + "</li>";
}

std::string RenderVersion(uint64_t doc_id, const std::vector<storage::StoredVersion>& versions,
                          size_t index, const std::vector<storage::EvidenceCapture>& captures,
                          std::vector<bool>& capture_shown) {
  const storage::StoredVersion& stored = versions[index];
  const storage::VersionRecord& v = stored.version;
  std::string out =
      "<li class=\"version\" data-version=\"" + std::to_string(stored.number) +
      "\"><p class=\"version-head\"><span class=\"number\">Version " +
      std::to_string(stored.number) + "</span> " + TimeElement(v.fetched_at_us) +
      " <span class=\"http\">" +
      (v.http_status == 0 ? std::string("no response") : "HTTP " + std::to_string(v.http_status)) +
      "</span> <span class=\"kinds\">";
  for (const std::string& kind : v.kinds) {
    std::string label = kind;
    std::replace(label.begin(), label.end(), '_', ' ');
    out += KindAlerts(kind)
               ? "<strong class=\"kind alerts\" data-kind=\"" + Esc(kind) + "\">" + Esc(label) +
                     "</strong> "
               : "<span class=\"kind\" data-kind=\"" + Esc(kind) + "\">" + Esc(label) + "</span> ";
  }
  out += "</span>";
  if (!v.digest.empty()) {
    out += " <code class=\"digest\" title=\"" + Esc(v.digest) + "\">" + Esc(Prefix(v.digest, 12)) +
           "</code>";
  }
  out += "</p>";
  if (!v.final_url.empty()) {
    out += "<p class=\"landed\">Landed on " + ExternalLink(v.final_url, v.final_url) + "</p>";
  }
  if (!v.names_removed.empty()) out += NamesLine("names-removed", "Removed", v.names_removed);
  if (!v.names_added.empty()) out += NamesLine("names-added", "Added", v.names_added);
  // The captures of this fetch: version 0 is the first fetch (archived with the page), a later
  // version the capture PutVersion recorded.
  std::string evidence;
  for (size_t i = 0; i < captures.size(); ++i) {
    const int64_t at = captures[i].fetched_at_us;
    if (capture_shown[i]) continue;
    if ((v.evidence_fetched_at_us != 0 && at == v.evidence_fetched_at_us) ||
        (stored.number == 0 && at == v.fetched_at_us)) {
      capture_shown[i] = true;
      evidence += RenderCapture(captures[i]);
    }
  }
  if (!evidence.empty()) {
    out += "<div class=\"evidence\"><span class=\"label\">Evidence (<code>kuzet evidence " +
           std::to_string(doc_id) + "</code> exports it):</span><ul>" + evidence + "</ul></div>";
  }
  const bool text_changed = HasKind(v, "text_edited") || HasKind(v, "title_changed");
  if (index > 0 && text_changed) {
    out += RenderDiff(doc_id, versions[index - 1].number, stored.number,
                      TextAt(versions, index - 1), TextAt(versions, index));
  }
  return out + "</li>";
}

std::string RenderDocument(const storage::Document& doc, const PageChoices& choices,
                           const std::vector<storage::StoredVersion>& versions,
                           const std::vector<storage::EvidenceCapture>& captures) {
  const std::string id = std::to_string(doc.id);
  std::string out = "<article id=\"document\" data-doc=\"" + id + "\"";
  if (IsLanguageSubtag(doc.lang)) out += " lang=\"" + doc.lang + "\"";
  out += "><h2 class=\"title\">" + ExternalLink(doc.url, doc.title.empty() ? doc.url : doc.title) +
         "</h2><p class=\"meta\"><span class=\"site\">" + Esc(SiteLabel(choices, doc.site_id)) +
         "</span> <span class=\"lang\">" + Esc(doc.lang.empty() ? "?" : doc.lang) + "</span> " +
         TimeElement(doc.first_seen_us) + "</p><p class=\"doc-url\">" +
         ExternalLink(doc.url, doc.url) + "</p>";
  out += "<ul class=\"rules\">";
  for (const storage::Mention& m : doc.mentions) {
    out += "<li><a class=\"chip\" data-nav=\"\" href=\"" + PageHref({{"rule", m.rule_id}}) + "\">" +
           Esc(m.rule_id) + "</a></li>";
  }
  out += "</ul><ul class=\"snippets\">";
  for (const storage::Mention& m : doc.mentions) {
    SnippetParts parts = SplitSnippet(m.snippet, m.snippet_mark_begin, m.snippet_mark_end);
    out += "<li><span class=\"chip\">" + Esc(m.rule_id) + "</span> " + Esc(parts.before) +
           "<mark>" + Esc(parts.match) + "</mark>" + Esc(parts.after) + "</li>";
  }
  out += "</ul></article><section id=\"timeline\"><h2>Timeline</h2>";
  std::vector<bool> capture_shown(captures.size(), false);
  if (versions.empty()) {
    out +=
        "<p class=\"not-watched\">Not watched: only documents whose first mention was stored "
        "while [watch] was enabled have versions.</p>";
  } else {
    out += "<ol class=\"versions\" reversed=\"reversed\">";
    // Newest first, as the listing.
    for (size_t i = versions.size(); i-- > 0;) {
      out += RenderVersion(doc.id, versions, i, captures, capture_shown);
    }
    out += "</ol>";
  }
  std::string others;
  for (size_t i = 0; i < captures.size(); ++i) {
    if (!capture_shown[i]) others += RenderCapture(captures[i]);
  }
  if (!others.empty()) {
    out +=
        "<div class=\"evidence other\"><span class=\"label\">Other evidence captures "
        "(<code>kuzet evidence " +
        id + "</code> exports them):</span><ul>" + others + "</ul></div>";
  }
  return out + "</section>";
}

WebPageReply DocumentPageReply(const storage::MentionReader& store, const PageChoices& choices,
                               const Params& params, bool searchable) {
  std::string id_text;
  for (const auto& [name, value] : params) {
    if (name != "doc" || !id_text.empty()) {
      return Failed(400, choices, {}, "doc: give it alone, once", searchable);
    }
    id_text = value;
  }
  // 1 to 19 digits: any id the store gives, and no overflow.
  if (id_text.empty() || id_text.size() > 19 ||
      id_text.find_first_not_of("0123456789") != std::string::npos) {
    return Failed(400, choices, {}, "doc: a document id is 1 to 19 digits", searchable);
  }
  const uint64_t id = std::stoull(id_text);
  auto doc = store.GetDocument(id);
  Result<std::vector<storage::StoredVersion>> versions =
      doc.ok() ? store.Versions(id, kDocumentVersionsShown)
               : Result<std::vector<storage::StoredVersion>>(doc.status());
  Result<std::vector<storage::EvidenceCapture>> captures =
      versions.ok() ? store.Evidence(id)
                    : Result<std::vector<storage::EvidenceCapture>>(versions.status());
  if (!captures.ok()) {
    spdlog::warn("http: GET /?doc={}: {}", id, captures.status().message());
    return Failed(500, choices, {},
                  "the store could not be read: " + std::string(captures.status().message()),
                  searchable);
  }
  if (!doc->has_value()) return Failed(404, choices, {}, "no document " + id_text, searchable);
  const storage::Document& document = **doc;
  std::string html =
      Head("Kuzet: " + (document.title.empty() ? document.url : document.title), "") +
      "<body><header><h1>Kuzet mentions</h1><a data-nav=\"\" href=\"./\">All articles</a>"
      "</header><main>" +
      RenderDocument(document, choices, *versions, *captures) + "</main></body></html>\n";
  return {200, std::move(html)};
}

}  // namespace

WebPageReply ServeWebPage(const storage::MentionReader& store, const PageChoices& choices,
                          const Params& params, int64_t now_us, bool authorized,
                          const PageSearch& search) {
  if (!authorized) return NeedsToken();
  const bool searchable = static_cast<bool>(search);
  for (const auto& param : params) {
    if (param.first == "doc") return DocumentPageReply(store, choices, params, searchable);
  }
  auto parsed = ParsePageParams(params, now_us);
  if (auto* error = std::get_if<ParamError>(&parsed)) {
    Params filters;
    for (const auto& param : params) {
      if (!param.second.empty() && param.first != "before" && param.first != "limit") {
        filters.push_back(param);
      }
    }
    return Failed(400, choices, filters, error->message, searchable);
  }
  const PageRequest& request = std::get<PageRequest>(parsed);
  if (!request.q.empty()) {
    if (!searchable) {
      return Failed(400, choices, request.filters, "q: this server cannot search", false);
    }
    return SearchPageReply(store, choices, request, search);
  }
  auto page = QueryArticlePage(store, request.mentions, request.mentions.limit);
  if (!page.ok() && page.status().code() == Status::Code::kNotFound) {
    return Failed(400, choices, request.filters, page.status().message(), searchable);
  }
  Result<StoryPlacesById> places = page.ok() ? LoadStoryPlaces(store, page->all_mentions)
                                             : Result<StoryPlacesById>(page.status());
  std::optional<storage::StoryMembersPage> story;
  const uint64_t story_id = request.mentions.query.story_id;
  Status failure = places.ok() ? Status::Ok() : places.status();
  if (failure.ok() && story_id != 0) {
    auto members = store.StoryMembers(story_id, kStoryDocumentsShown);
    if (members.ok()) {
      story = std::move(members).value();
    } else {
      failure = members.status();
    }
  }
  if (!failure.ok()) {
    spdlog::warn("http: GET /: {}", failure.message());
    return Failed(500, choices, request.filters,
                  "the store could not be read: " + std::string(failure.message()), searchable);
  }
  const size_t n = page->articles.size();
  std::string status =
      n == 0 ? std::string(request.mentions.before ? "No older articles."
                                                   : "No mentions match these filters.")
             : Counted(n, "article", "articles") + (request.mentions.before ? " (older)" : "");
  return {200,
          ArticleListPage(choices, request, searchable,
                          story ? RenderStory(story_id, *story, choices, request.filters) : "",
                          status, page->articles, *places, page->next_before, "Older articles")};
}

}  // namespace kuzet::app
