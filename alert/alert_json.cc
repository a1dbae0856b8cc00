#include "alert/alert_json.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "base/escape.h"

namespace kuzet::alert {
namespace {

using nlohmann::json;

constexpr std::string_view kAlertSchema = "kuzet.alert.v1";
constexpr std::string_view kDigestSchema = "kuzet.digest.v1";

// RFC 3339 UTC with microseconds: "2026-11-29T07:17:00.123456Z".
std::string Rfc3339(int64_t unix_us) {
  int64_t secs = unix_us / 1000000;
  int64_t micros = unix_us % 1000000;
  if (micros < 0) micros += 1000000, secs -= 1;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros));
  return std::string(buf, n) + frac;
}

// What one rule brings to an article: the rule, its snippet, its mention and its web page link.
json RuleObject(const Alert& a) {
  return json{
      {"rule_id", base::ToValidUtf8(a.rule_id)},
      {"rule_description", base::ToValidUtf8(a.rule_description)},
      {"snippet", base::ToValidUtf8(a.snippet)},
      {"snippet_mark_begin", a.snippet_mark_begin},
      {"snippet_mark_end", a.snippet_mark_end},
      {"id", base::ToValidUtf8(a.id)},
      {"web_url", base::ToValidUtf8(a.web_url)},
  };
}

json Strings(const std::vector<std::string>& values) {
  json out = json::array();
  for (const std::string& v : values) out.push_back(base::ToValidUtf8(v));
  return out;
}

json Marked(const MarkedText& m) {
  return json{
      {"text", base::ToValidUtf8(m.text)}, {"mark_begin", m.mark_begin}, {"mark_end", m.mark_end}};
}

// A change alert (issue #20 item 3): "kind": "change" tells it from a mention's alert.
json ChangeObject(const Alert& a) {
  const ChangeDetails& c = *a.change;
  return json{
      {"schema", kAlertSchema},
      {"kind", "change"},
      {"id", base::ToValidUtf8(a.id)},
      {"rule_id", base::ToValidUtf8(a.rule_id)},
      {"doc_id", c.doc_id},
      {"url", base::ToValidUtf8(a.url)},
      {"title", base::ToValidUtf8(a.title)},
      {"change", Strings(c.kinds)},
      {"headline", base::ToValidUtf8(c.headline)},
      {"version", c.version},
      {"names_removed", Strings(c.names_removed)},
      {"names_added", Strings(c.names_added)},
      {"before", Marked(c.before)},
      {"after", Marked(c.after)},
      {"http_status", c.http_status},
      {"redirected_to", base::ToValidUtf8(c.redirected_to)},
      {"found_at_us", a.found_at_us},
      {"found_at", Rfc3339(a.found_at_us)},
      {"web_url", base::ToValidUtf8(a.web_url)},
  };
}

json ToObject(const Alert& a) {
  if (a.change) return ChangeObject(a);
  json urls = json::array();
  for (const std::string& u : a.other_urls) urls.push_back(base::ToValidUtf8(u));
  return json{
      {"schema", kAlertSchema},
      {"id", base::ToValidUtf8(a.id)},
      {"rule_id", base::ToValidUtf8(a.rule_id)},
      {"rule_description", base::ToValidUtf8(a.rule_description)},
      {"site_id", base::ToValidUtf8(a.site_id)},
      {"site_name", base::ToValidUtf8(a.site_name)},
      {"url", base::ToValidUtf8(a.url)},
      {"title", base::ToValidUtf8(a.title)},
      {"lang", base::ToValidUtf8(a.lang)},
      {"snippet", base::ToValidUtf8(a.snippet)},
      {"snippet_mark_begin", a.snippet_mark_begin},
      {"snippet_mark_end", a.snippet_mark_end},
      {"found_at_us", a.found_at_us},
      {"found_at", Rfc3339(a.found_at_us)},
      {"story_url", base::ToValidUtf8(a.story_url)},
      {"other_urls", std::move(urls)},
      {"web_url", base::ToValidUtf8(a.web_url)},
      {"rules", json::array({RuleObject(a)})},
  };
}

}  // namespace

std::string AlertToJson(const Alert& alert) { return ToObject(alert).dump() + "\n"; }

std::string ArticleToJson(const Article& article) {
  if (article.alerts.empty()) return json::object().dump() + "\n";
  json object = ToObject(article.alerts.front());
  if (article.alerts.front().change) {
    // A change goes on its own; one of several rules lists each rule's part of it (issue #20).
    if (article.alerts.size() == 1) return object.dump() + "\n";
    json rules = json::array();
    for (const Alert& a : article.alerts) {
      if (!a.change) continue;
      json rule = ChangeObject(a);
      json part = json::object();
      for (const char* key :
           {"rule_id", "headline", "names_removed", "names_added", "before", "after"}) {
        part[key] = std::move(rule[key]);
      }
      rules.push_back(std::move(part));
    }
    object["rules"] = std::move(rules);
    return object.dump() + "\n";
  }
  json rules = json::array();
  for (const Alert& a : article.alerts) rules.push_back(RuleObject(a));
  object["rules"] = std::move(rules);
  return object.dump() + "\n";
}

std::string DigestToJson(const Digest& digest) {
  json alerts = json::array();
  for (const Alert& a : digest.alerts) alerts.push_back(ToObject(a));
  return json{{"schema", kDigestSchema}, {"id", base::ToValidUtf8(digest.id)}, {"alerts", alerts}}
             .dump() +
         "\n";
}

Result<Alert> AlertFromJson(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (!j.is_object()) return Status::InvalidArgument("alert JSON: not an object");
    Alert a;
    const auto str = [&](const char* key, std::string* out) {
      if (auto it = j.find(key); it != j.end() && !it->is_null()) *out = it->get<std::string>();
    };
    str("id", &a.id);
    str("rule_id", &a.rule_id);
    str("rule_description", &a.rule_description);
    str("site_id", &a.site_id);
    str("site_name", &a.site_name);
    str("url", &a.url);
    str("title", &a.title);
    str("lang", &a.lang);
    str("snippet", &a.snippet);
    str("story_url", &a.story_url);
    str("web_url", &a.web_url);
    a.snippet_mark_begin = j.value("snippet_mark_begin", uint32_t{0});
    a.snippet_mark_end = j.value("snippet_mark_end", uint32_t{0});
    a.found_at_us = j.value("found_at_us", int64_t{0});
    if (auto it = j.find("other_urls"); it != j.end() && !it->is_null()) {
      a.other_urls = it->get<std::vector<std::string>>();
    }
    return a;
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("alert JSON: ") + e.what());
  }
}

}  // namespace kuzet::alert
