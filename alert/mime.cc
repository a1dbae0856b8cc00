#include "alert/mime.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <map>

#include "alert/base64.h"
#include "alert/header_field.h"
#include "alert/mail_address.h"
#include "alert/title_snippet.h"
#include "alert/untrusted_text.h"
#include "base/escape.h"
#include "base/hex.h"
#include "base/strings.h"

namespace kuzet::alert {
namespace {

constexpr size_t kMaxTitleChars = 160;
constexpr size_t kMaxRuleChars = 80;
constexpr size_t kMaxSiteChars = 80;
constexpr size_t kMaxSnippetContextBytes = 1200;  // on either side of the match
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxIdBytes = 200;  // keeps the Message-ID line far below 998 characters
// Other places of an article listed in a message, as `kuzet mentions` lists a story's (also_at,
// app/story_places.h); the rest are counted. A page reprinted at thousands of URLs stays one
// screen.
constexpr size_t kMaxAlsoAt = 10;

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string Hex64(uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8)
    base::AppendHexByte(static_cast<uint8_t>(v >> shift), out);
  return out;
}

// RFC 5322 section 3.3, always in UTC: "Sun, 29 Nov 2026 07:17:00 +0000".
std::string MailDate(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);  // C locale names
  return buf;
}

// "2026-11-29 07:17 UTC" for people reading the alert.
std::string ReadableTime(int64_t unix_us) {
  const std::time_t secs = static_cast<std::time_t>(unix_us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// A URL fit to be a link: http(s), no spaces or controls, bounded. Anything else is shown as text
// only, so a crawled "javascript:" URL can never become clickable.
bool IsLinkable(std::string_view url) {
  const bool http = url.starts_with("http://") || url.starts_with("https://");
  return http && url.size() <= kMaxUrlBytes && std::none_of(url.begin(), url.end(), [](char c) {
           return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
         });
}

std::string Link(std::string_view url, std::string_view text) {
  if (!IsLinkable(url)) return base::HtmlEscape(text);
  return "<a href=\"" + base::HtmlEscape(url) + "\">" + base::HtmlEscape(text) + "</a>";
}

// The snippet split around the match, each piece single-line valid UTF-8.
struct MarkedSnippet {
  std::string before, match, after;
};

MarkedSnippet SplitMarked(std::string_view s, uint32_t mark_begin, uint32_t mark_end) {
  const auto is_continuation = [&](size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  };
  size_t begin = std::min<size_t>(mark_begin, s.size());
  size_t end = std::clamp<size_t>(mark_end, begin, s.size());
  while (begin > 0 && is_continuation(begin)) --begin;  // widen to whole characters
  while (is_continuation(end)) ++end;
  std::string_view before = s.substr(0, begin);
  std::string_view after = s.substr(end);
  std::string prefix, suffix;
  if (before.size() > kMaxSnippetContextBytes) {
    size_t cut = before.size() - kMaxSnippetContextBytes;
    while (cut < before.size() && (static_cast<unsigned char>(before[cut]) & 0xC0) == 0x80) ++cut;
    before.remove_prefix(cut);
    prefix = "\xE2\x80\xA6";
  }
  if (after.size() > kMaxSnippetContextBytes) {
    after = after.substr(0, Utf8PrefixLength(after, kMaxSnippetContextBytes));
    suffix = "\xE2\x80\xA6";
  }
  return {prefix + SingleLineText(before), SingleLineText(s.substr(begin, end - begin)),
          SingleLineText(after) + suffix};
}

MarkedSnippet SplitSnippet(const Alert& a) {
  return SplitMarked(a.snippet, a.snippet_mark_begin, a.snippet_mark_end);
}

std::string RuleName(const Alert& a) {
  return HeaderSafeText(a.rule_description.empty() ? a.rule_id : a.rule_description, kMaxRuleChars);
}

std::string Title(const Alert& a) {
  std::string title = HeaderSafeText(a.title, kMaxTitleChars);
  return title.empty() ? HeaderSafeText(a.url, kMaxTitleChars) : title;
}

std::string SafeUrl(std::string_view url) {
  return HeaderSafeText(url.substr(0, kMaxUrlBytes), kMaxUrlBytes);
}

// "… and N more" under a list of other places cut at kMaxAlsoAt ("" when nothing was cut).
std::string MorePlaces(const std::vector<std::string>& urls) {
  if (urls.size() <= kMaxAlsoAt) return "";
  return "\xE2\x80\xA6 and " + std::to_string(urls.size() - kMaxAlsoAt) + " more";
}

// The text/plain part's list of the other places a story appeared ("" when none).
std::string PlainAlsoAt(const std::vector<std::string>& urls) {
  if (urls.empty()) return "";
  std::string out = "Also at:\n";
  for (size_t i = 0; i < urls.size() && i < kMaxAlsoAt; ++i) out += "  " + SafeUrl(urls[i]) + "\n";
  if (!MorePlaces(urls).empty()) out += "  " + MorePlaces(urls) + "\n";
  return out;
}

// The HTML part's list of the other places a story appeared ("" when none).
std::string HtmlAlsoAt(const std::vector<std::string>& urls) {
  if (urls.empty()) return "";
  std::string out = "<p>Also at:</p>\r\n<ul>\r\n";
  for (size_t i = 0; i < urls.size() && i < kMaxAlsoAt; ++i) {
    out += "<li>" + Link(SafeUrl(urls[i]), SafeUrl(urls[i])) + "</li>\r\n";
  }
  if (!MorePlaces(urls).empty()) out += "<li>" + MorePlaces(urls) + "</li>\r\n";
  return out + "</ul>\r\n";
}

// One alert in the text/plain part.
std::string PlainAlert(const Alert& a, bool with_rule) {
  const MarkedSnippet snippet = SplitSnippet(a);
  std::string out = Title(a) + "\n";
  std::string meta = HeaderSafeText(a.site_name.empty() ? a.site_id : a.site_name, kMaxSiteChars);
  if (a.found_at_us > 0) meta += (meta.empty() ? "" : " \xC2\xB7 ") + ReadableTime(a.found_at_us);
  if (!a.lang.empty()) meta += (meta.empty() ? "" : " \xC2\xB7 ") + HeaderSafeText(a.lang, 16);
  if (!meta.empty()) out += meta + "\n";
  if (with_rule) out += "Rule: " + RuleName(a) + "\n";
  out += "\n";
  if (!SnippetRepeatsTitle(a.snippet, a.title)) {
    out += snippet.before + "**" + snippet.match + "**" + snippet.after + "\n\n";
  }
  out += "Article: " + SafeUrl(a.url) + "\n";
  if (!a.story_url.empty()) out += "Story: " + SafeUrl(a.story_url) + "\n";
  out += PlainAlsoAt(a.other_urls);
  if (!a.web_url.empty()) out += "In Kuzet: " + SafeUrl(a.web_url) + "\n";
  return out;
}

// One alert in the text/html part.
std::string HtmlAlert(const Alert& a, bool with_rule) {
  const MarkedSnippet snippet = SplitSnippet(a);
  std::string out;
  std::string meta = base::HtmlEscape(
      HeaderSafeText(a.site_name.empty() ? a.site_id : a.site_name, kMaxSiteChars));
  if (a.found_at_us > 0) meta += " &middot; " + ReadableTime(a.found_at_us);
  if (!a.lang.empty()) meta += " &middot; " + base::HtmlEscape(HeaderSafeText(a.lang, 16));
  if (with_rule) meta = "Rule: " + base::HtmlEscape(RuleName(a)) + " &middot; " + meta;
  out += "<p style=\"color:#555;margin:0\">" + meta + "</p>\r\n";
  out += "<h3 style=\"margin:4px 0\">" + Link(SafeUrl(a.url), Title(a)) + "</h3>\r\n";
  if (!SnippetRepeatsTitle(a.snippet, a.title)) {
    out += "<blockquote style=\"margin:8px 0 8px 0;padding-left:8px;border-left:3px solid #ccc\">" +
           base::HtmlEscape(snippet.before) + "<mark>" + base::HtmlEscape(snippet.match) +
           "</mark>" + base::HtmlEscape(snippet.after) + "</blockquote>\r\n";
  }
  out += "<p>" + Link(SafeUrl(a.url), "Open the article");
  if (!a.web_url.empty()) out += " &middot; " + Link(SafeUrl(a.web_url), "Open in Kuzet");
  if (!a.story_url.empty()) out += " &middot; " + Link(SafeUrl(a.story_url), "The story");
  out += "</p>\r\n";
  out += HtmlAlsoAt(a.other_urls);
  return out;
}

constexpr size_t kMaxHeadlineChars = 200;

std::string Headline(const ChangeDetails& c) {
  return HeaderSafeText(c.headline, kMaxHeadlineChars);
}

// What the status line of a change says beside its headline: the HTTP status of a deletion, the
// target of a redirect away ("" for an edit).
std::string ChangeStatus(const ChangeDetails& c) {
  std::string out;
  if (c.http_status != 0 && c.http_status != 200) out = "HTTP " + std::to_string(c.http_status);
  if (!c.redirected_to.empty()) {
    out += (out.empty() ? "" : " \xC2\xB7 ") + std::string("redirected to ") +
           SafeUrl(c.redirected_to);
  }
  return out;
}

// `kuzet history DOC`: every version of the document, for the analyst at a terminal.
std::string HistoryHint(const ChangeDetails& c) {
  return "kuzet history " + std::to_string(c.doc_id);
}

// A change alert (issue #20 item 3) in the text/plain part: the change, the article, the
// before/after excerpt with the name marked [[...]], the links.
std::string PlainChange(const Alert& a) {
  const ChangeDetails& c = *a.change;
  std::string out = Headline(c) + "\n" + Title(a) + "\n";
  out += "Rule: " + RuleName(a) + " \xC2\xB7 version " + std::to_string(c.version) + "\n";
  if (const std::string status = ChangeStatus(c); !status.empty()) out += status + "\n";
  out += "\n";
  if (!c.before.text.empty() || !c.after.text.empty()) {
    for (const auto& [label, side] :
         {std::pair{"Before: ", &c.before}, std::pair{"After:  ", &c.after}}) {
      const MarkedSnippet m = SplitMarked(side->text, side->mark_begin, side->mark_end);
      out += std::string(label) + m.before + (m.match.empty() ? "" : "[[" + m.match + "]]") +
             m.after + "\n";
    }
    out += "\n";
  }
  out += "Article: " + SafeUrl(a.url) + "\n";
  if (!a.web_url.empty()) out += "In Kuzet: " + SafeUrl(a.web_url) + "\n";
  out += "History: " + HistoryHint(c) + "\n";
  return out;
}

// The same in the text/html part, the names marked <mark>.
std::string HtmlChange(const Alert& a) {
  const ChangeDetails& c = *a.change;
  std::string out = "<p style=\"color:#555;margin:0\">Rule: " + base::HtmlEscape(RuleName(a)) +
                    " &middot; version " + std::to_string(c.version) + "</p>\r\n";
  out += "<h3 style=\"margin:4px 0\">" + base::HtmlEscape(Headline(c)) + "</h3>\r\n";
  out += "<p>" + Link(SafeUrl(a.url), Title(a)) + "</p>\r\n";
  if (const std::string status = ChangeStatus(c); !status.empty()) {
    out += "<p>" + base::HtmlEscape(status) + "</p>\r\n";
  }
  if (!c.before.text.empty() || !c.after.text.empty()) {
    for (const auto& [label, side] :
         {std::pair{"Before", &c.before}, std::pair{"After", &c.after}}) {
      const MarkedSnippet m = SplitMarked(side->text, side->mark_begin, side->mark_end);
      out += "<p style=\"margin:8px 0 0 0\"><b>" + std::string(label) + "</b></p>\r\n";
      out +=
          "<blockquote style=\"margin:4px 0 8px 0;padding-left:8px;border-left:3px solid #ccc\">" +
          base::HtmlEscape(m.before) +
          (m.match.empty() ? "" : "<mark>" + base::HtmlEscape(m.match) + "</mark>") +
          base::HtmlEscape(m.after) + "</blockquote>\r\n";
    }
  }
  out += "<p>" + Link(SafeUrl(a.url), "Open the article");
  if (!a.web_url.empty()) out += " &middot; " + Link(SafeUrl(a.web_url), "Open in Kuzet");
  out += "</p>\r\n<p>History: <code>" + base::HtmlEscape(HistoryHint(c)) + "</code></p>\r\n";
  return out;
}

// An article of several rules in the text/plain part: the article once, then each rule with its
// own snippet and link to its mentions in Kuzet.
std::string PlainArticle(const Article& article) {
  const Alert& a = article.alerts.front();
  std::string out = Title(a) + "\n";
  std::string meta = HeaderSafeText(a.site_name.empty() ? a.site_id : a.site_name, kMaxSiteChars);
  if (a.found_at_us > 0) meta += (meta.empty() ? "" : " \xC2\xB7 ") + ReadableTime(a.found_at_us);
  if (!a.lang.empty()) meta += (meta.empty() ? "" : " \xC2\xB7 ") + HeaderSafeText(a.lang, 16);
  if (!meta.empty()) out += meta + "\n";
  out += "Article: " + SafeUrl(a.url) + "\n";
  out += "Rules matched: " + std::to_string(article.alerts.size()) + "\n\n";
  for (const Alert& rule : article.alerts) {
    out += "Rule: " + RuleName(rule) + "\n";
    if (rule.change)
      out += "Change: " + Headline(*rule.change) + " (" + HistoryHint(*rule.change) + ")\n";
    if (!SnippetRepeatsTitle(rule.snippet, rule.title)) {
      const MarkedSnippet snippet = SplitSnippet(rule);
      out += snippet.before + "**" + snippet.match + "**" + snippet.after + "\n";
    }
    if (!rule.web_url.empty()) out += "In Kuzet: " + SafeUrl(rule.web_url) + "\n";
    out += "\n";
  }
  if (!a.story_url.empty()) out += "Story: " + SafeUrl(a.story_url) + "\n";
  out += PlainAlsoAt(a.other_urls);
  return out;
}

// The same in the text/html part.
std::string HtmlArticle(const Article& article) {
  const Alert& a = article.alerts.front();
  std::string meta = base::HtmlEscape(
      HeaderSafeText(a.site_name.empty() ? a.site_id : a.site_name, kMaxSiteChars));
  if (a.found_at_us > 0) meta += " &middot; " + ReadableTime(a.found_at_us);
  if (!a.lang.empty()) meta += " &middot; " + base::HtmlEscape(HeaderSafeText(a.lang, 16));
  std::string out = "<p style=\"color:#555;margin:0\">" + meta + "</p>\r\n";
  out += "<h3 style=\"margin:4px 0\">" + Link(SafeUrl(a.url), Title(a)) + "</h3>\r\n";
  for (const Alert& rule : article.alerts) {
    out += "<p style=\"margin:8px 0 0 0\"><b>" + base::HtmlEscape(RuleName(rule)) + "</b>";
    if (!rule.web_url.empty()) out += " &middot; " + Link(SafeUrl(rule.web_url), "Open in Kuzet");
    out += "</p>\r\n";
    if (rule.change) out += "<p>Change: " + base::HtmlEscape(Headline(*rule.change)) + "</p>\r\n";
    if (!SnippetRepeatsTitle(rule.snippet, rule.title)) {
      const MarkedSnippet snippet = SplitSnippet(rule);
      out +=
          "<blockquote style=\"margin:4px 0 8px 0;padding-left:8px;border-left:3px solid #ccc\">" +
          base::HtmlEscape(snippet.before) + "<mark>" + base::HtmlEscape(snippet.match) +
          "</mark>" + base::HtmlEscape(snippet.after) + "</blockquote>\r\n";
    }
  }
  out += "<p>" + Link(SafeUrl(a.url), "Open the article");
  if (!a.story_url.empty()) out += " &middot; " + Link(SafeUrl(a.story_url), "The story");
  out += "</p>\r\n";
  out += HtmlAlsoAt(a.other_urls);
  return out;
}

// A digest's alerts as articles: the alerts of one URL (one stored document) together, in the
// order given, articles in order of first appearance.
std::vector<Article> ArticlesOf(const std::vector<Alert>& alerts) {
  std::vector<Article> articles;
  std::map<std::string_view, size_t> article_of_url;
  for (const Alert& a : alerts) {
    auto [at, added] = article_of_url.try_emplace(a.url, articles.size());
    if (added) articles.emplace_back();
    articles[at->second].alerts.push_back(a);
  }
  return articles;
}

std::string HtmlDocument(std::string_view title, std::string_view body) {
  return "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<meta charset=\"utf-8\">\r\n<title>" +
         base::HtmlEscape(title) +
         "</title>\r\n</head>\r\n<body style=\"font-family:sans-serif\">\r\n" + std::string(body) +
         "</body>\r\n</html>\r\n";
}

// Plain text uses LF while assembling; MIME wants CRLF (RFC 2046 section 4.1.1).
std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

Status CheckSettings(const MailSettings& settings) {
  if (Status s = ValidateMailAddress(settings.from); !s.ok())
    return Status::InvalidArgument("from: " + s.message());
  if (settings.to.empty()) return Status::InvalidArgument("no recipients (to is empty)");
  for (const std::string& to : settings.to) {
    if (Status s = ValidateMailAddress(to); !s.ok())
      return Status::InvalidArgument("to: " + s.message());
  }
  return Status::Ok();
}

// The id as dot-atom text: [A-Za-z0-9_-] kept, every other byte "=XX".
std::string IdAtom(std::string_view id) {
  std::string out;
  for (unsigned char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '=';
      base::AppendHexByte(c, out, base::HexCase::kUpper);
    }
  }
  return out;
}

// "Name: a b" with the words joined by `separator` and a space, folded before a word that would
// take the line past 78 characters (RFC 5322 section 2.1.1); a word is never split.
std::string FoldedField(std::string_view name, const std::vector<std::string>& words,
                        std::string_view separator = "") {
  std::string field = std::string(name) + ":";
  size_t line_length = field.size();
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string word = words[i] + (i + 1 < words.size() ? std::string(separator) : "");
    if (line_length + 1 + word.size() > 78) {
      field += "\r\n";
      line_length = 0;
    }
    field += " " + word;
    line_length += 1 + word.size();
  }
  return field + "\r\n";
}

// List-Id (RFC 2919) and List-Unsubscribe (RFC 2369 section 3.2), so that mail clients can file
// the alerts of one rule together and offer an unsubscribe button. The list is the rule's
// ("<rule>.kuzet.<from domain>"), or Kuzet's ("kuzet.<from domain>") for a digest of several
// rules. Unsubscribing is a mail to the From address naming the rule, and the web page when one is
// configured (a URL with a space, comma or angle bracket, which RFC 2369 section 2 would need
// escaped, is left out).
std::string ListFields(std::string_view rule_id, const MailSettings& settings) {
  const std::string domain = MailDomain(settings.from);
  const std::string label =
      rule_id.empty() ? "kuzet" : IdAtom(rule_id.substr(0, kMaxRuleChars)) + ".kuzet";
  std::string subject = "unsubscribe";
  if (!rule_id.empty()) subject += "%20" + IdAtom(rule_id.substr(0, kMaxRuleChars));
  std::vector<std::string> unsubscribe = {"<mailto:" + settings.from + "?subject=" + subject + ">"};
  const std::string_view url = settings.unsubscribe_url;
  if (IsLinkable(url) && url.size() <= 900 &&
      url.find_first_of("<>,\"") == std::string_view::npos) {
    unsubscribe.push_back("<" + std::string(url) + ">");
  }
  return FoldedField("List-Id", {"Kuzet alerts", "<" + label + "." + domain + ">"}) +
         FoldedField("List-Unsubscribe", unsubscribe, ",");
}

// Headers, then the two alternatives (plain first: RFC 2046 section 5.1.4 puts the preferred,
// richest part last).
std::string Assemble(std::string_view message_id, std::string_view boundary_seed,
                     std::string_view subject, std::string_view extra_headers,
                     std::string_view plain, std::string_view html, const MailSettings& settings,
                     std::chrono::system_clock::time_point date) {
  // "=_" cannot occur in base64, so the boundary cannot occur inside a part (RFC 2046 5.1.1).
  const std::string boundary = "=_kuzet_" + Hex64(Fnv1a64(boundary_seed));
  std::string m;
  m += "Date: " + MailDate(date) + "\r\n";
  m += MailboxField("From", settings.from_name, settings.from);
  m += AddressListField("To", settings.to);
  m += UnstructuredField("Subject", subject);
  m += "Message-ID: " + std::string(message_id) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834 section 5: no auto-replies, please
  m += extra_headers;
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "This is a multi-part message in MIME format.\r\n";
  for (const auto& [type, content] :
       {std::pair{"text/plain", ToCrlf(plain)}, std::pair{"text/html", std::string(html)}}) {
    m += "\r\n--" + boundary + "\r\n";
    m += std::string("Content-Type: ") + type + "; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += Base64Body(content);
  }
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace

std::string MessageIdFor(std::string_view id, std::string_view from_address) {
  return "<kuzet." + IdAtom(id) + "@" + MailDomain(from_address) + ">";
}

Result<std::string> BuildMessage(const Alert& alert, const MailSettings& settings,
                                 std::chrono::system_clock::time_point date) {
  return BuildArticleMessage(Article{{alert}}, settings, date);
}

Result<std::string> BuildArticleMessage(const Article& article, const MailSettings& settings,
                                        std::chrono::system_clock::time_point date) {
  if (article.alerts.empty()) return Status::InvalidArgument("article has no alerts");
  const Alert& alert = article.alerts.front();
  if (alert.id.empty() || alert.id.size() > kMaxIdBytes) {
    return Status::InvalidArgument("alert id must be 1 to 200 bytes");
  }
  if (Status s = CheckSettings(settings); !s.ok()) return s;
  if (alert.change) {
    // "[Kuzet] rule: name removed: X — title" (issue #20 item 3). A change of several rules
    // (the worker gives a change's alerts alone): the rules and their distinct headlines, then
    // each rule's change with its own excerpt.
    std::string rule_names, rule_ids, headlines, plain, html;
    std::vector<std::string> seen;
    for (const Alert& a : article.alerts) {
      if (!a.change) return Status::InvalidArgument("a change is delivered on its own");
      rule_names += (rule_names.empty() ? "" : ", ") + RuleName(a);
      rule_ids += (rule_ids.empty() ? "" : ", ") + a.rule_id;
      if (std::find(seen.begin(), seen.end(), a.change->headline) == seen.end()) {
        seen.push_back(a.change->headline);
        headlines += (headlines.empty() ? "" : "; ") + Headline(*a.change);
      }
      plain += (plain.empty() ? "" : "\n----\n\n") + PlainChange(a);
      html += (html.empty() ? "" : "<hr>\r\n") + HtmlChange(a);
    }
    const bool one = article.alerts.size() == 1;
    const std::string subject =
        settings.subject_prefix + " " + HeaderSafeText(rule_names, 2 * kMaxRuleChars) + ": " +
        HeaderSafeText(headlines, kMaxHeadlineChars) + " \xE2\x80\x94 " + Title(alert);
    return Assemble(
        MessageIdFor(alert.id, settings.from), alert.id, subject,
        UnstructuredField("X-Kuzet-Rule",
                          one ? alert.rule_id : HeaderSafeText(rule_ids, 4 * kMaxRuleChars)) +
            ListFields(one ? alert.rule_id : "", settings),
        plain, HtmlDocument(subject, html), settings, date);
  }
  if (article.alerts.size() == 1) {
    const std::string subject =
        settings.subject_prefix + " " + RuleName(alert) + ": " + Title(alert);
    const std::string plain = PlainAlert(alert, /*with_rule=*/true);
    const std::string html = HtmlDocument(subject, HtmlAlert(alert, /*with_rule=*/true));
    return Assemble(
        MessageIdFor(alert.id, settings.from), alert.id, subject,
        UnstructuredField("X-Kuzet-Rule", alert.rule_id) + ListFields(alert.rule_id, settings),
        plain, html, settings, date);
  }
  const std::string rule_names = base::Join(article.alerts, ", ", RuleName);
  const std::string rule_ids = base::Join(article.alerts, ", ", &Alert::rule_id);
  const std::string subject = settings.subject_prefix + " " +
                              HeaderSafeText(rule_names, 2 * kMaxRuleChars) + ": " + Title(alert);
  // Several rules: the list is Kuzet's, not one rule's (as for a digest of several rules).
  return Assemble(MessageIdFor(alert.id, settings.from), alert.id, subject,
                  UnstructuredField("X-Kuzet-Rule", HeaderSafeText(rule_ids, 4 * kMaxRuleChars)) +
                      ListFields("", settings),
                  PlainArticle(article), HtmlDocument(subject, HtmlArticle(article)), settings,
                  date);
}

Result<std::string> BuildDigestMessage(const Digest& digest, const MailSettings& settings,
                                       std::chrono::system_clock::time_point date) {
  if (digest.id.empty() || digest.id.size() > kMaxIdBytes) {
    return Status::InvalidArgument("digest id must be 1 to 200 bytes");
  }
  if (digest.alerts.empty()) return Status::InvalidArgument("digest has no alerts");
  if (Status s = CheckSettings(settings); !s.ok()) return s;
  // By article (issue #18): an article matched by three rules is shown once, with each rule's
  // snippet under it. Articles in order of first appearance (the worker groups a story's
  // together); rules named in order of first appearance.
  const std::vector<Article> articles = ArticlesOf(digest.alerts);
  std::vector<std::string> rule_order;
  std::vector<std::string> rule_names;
  for (const Alert& a : digest.alerts) {
    if (std::find(rule_order.begin(), rule_order.end(), a.rule_id) != rule_order.end()) continue;
    rule_order.push_back(a.rule_id);
    rule_names.push_back(RuleName(a));
  }
  const std::string rules = base::Join(rule_names, ", ");
  const size_t n = digest.alerts.size();
  std::string count = std::to_string(n) + (n == 1 ? " new mention" : " new mentions");
  if (articles.size() != n) count += " in " + std::to_string(articles.size()) + " articles";
  const std::string subject =
      settings.subject_prefix + " " + count + ": " + HeaderSafeText(rules, 2 * kMaxRuleChars);
  std::string plain, html;
  for (const Article& article : articles) {
    plain += PlainArticle(article) + "\n----\n\n";
    html += HtmlArticle(article) + "<hr>\r\n";
  }
  const std::string message_id =
      "<kuzet.digest." + IdAtom(digest.id) + "@" + MailDomain(settings.from) + ">";
  return Assemble(message_id, "digest." + digest.id, subject,
                  ListFields(rule_order.size() == 1 ? rule_order.front() : "", settings), plain,
                  HtmlDocument(subject, html), settings, date);
}

}  // namespace kuzet::alert
