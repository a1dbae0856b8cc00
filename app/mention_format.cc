#include "app/mention_format.h"

#include <ctime>
#include <sstream>

namespace kuzet::app {

std::string FormatTimestampUtc(int64_t unix_micros) {
  std::time_t seconds = static_cast<std::time_t>(unix_micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json MentionToJson(const storage::Mention& m) {
  nlohmann::json hits = nlohmann::json::array();
  for (const storage::MatchHit& h : m.hits) {
    hits.push_back({{"term", h.term}, {"surface", h.surface}, {"begin", h.begin}, {"end", h.end}});
  }
  return {{"id", m.id},
          {"doc_id", m.doc_id},
          {"found_at", FormatTimestampUtc(m.found_at_us)},
          {"site", m.site_id},
          {"rule", m.rule_id},
          {"lang", m.lang},
          {"url", m.url},
          {"title", m.title},
          {"snippet", m.snippet},
          {"snippet_mark", {m.snippet_mark_begin, m.snippet_mark_end}},
          {"hits", hits}};
}

std::string FormatMentionTable(const std::vector<storage::Mention>& mentions,
                               const std::string& highlight_begin,
                               const std::string& highlight_end) {
  std::ostringstream out;
  for (const storage::Mention& m : mentions) {
    std::string snippet = m.snippet;
    if (m.snippet_mark_begin < m.snippet_mark_end && m.snippet_mark_end <= snippet.size()) {
      snippet.insert(m.snippet_mark_end, highlight_end);
      snippet.insert(m.snippet_mark_begin, highlight_begin);
    }
    out << FormatTimestampUtc(m.found_at_us) << "  " << m.site_id << "  [" << m.rule_id << "]  "
        << (m.lang.empty() ? "?" : m.lang) << "  " << m.title << "\n"
        << "    " << m.url << "\n"
        << "    " << snippet << "\n\n";
  }
  out << mentions.size() << (mentions.size() == 1 ? " mention\n" : " mentions\n");
  return out.str();
}

}  // namespace kuzet::app
