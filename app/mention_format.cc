#include "app/mention_format.h"

#include "base/escape.h"
#include "base/strings.h"

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

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

namespace {

// The table's "story N, also at: ..." line under a mention or an article (none when its story
// has no other place).
void WriteAlsoAtLine(const storage::Mention& m, const StoryPlacesById* stories,
                     std::ostringstream& out) {
  const AlsoAt also = AlsoAtOf(m, stories);
  if (also.places.empty()) return;
  out << "    story " << m.story_id << ", also at:";
  for (const OtherPlace& p : also.places) {
    out << " " << (p.site_id.empty() ? "" : base::TerminalText(p.site_id) + " ")
        << base::TerminalText(p.url);
  }
  if (also.total > also.places.size()) {
    out << " and " << FormatCount(also.total - also.places.size())
        << " more (kuzet stories --story " << m.story_id << ")";
  }
  out << "\n";
}

// The snippet for a terminal with the matched bytes (widened to whole characters) between the
// highlight marks; the text is made terminal-safe, the marks (ours) are not.
std::string MarkedTerminalSnippet(const storage::Mention& m, const std::string& highlight_begin,
                                  const std::string& highlight_end) {
  const std::string& raw = m.snippet;
  if (m.snippet_mark_begin >= m.snippet_mark_end || m.snippet_mark_end > raw.size()) {
    return base::TerminalText(raw);
  }
  size_t begin = m.snippet_mark_begin, end = m.snippet_mark_end;
  auto continuation = [&](size_t i) {
    return i < raw.size() && (static_cast<unsigned char>(raw[i]) & 0xC0) == 0x80;
  };
  while (begin > 0 && continuation(begin)) --begin;
  while (end < raw.size() && continuation(end)) ++end;
  return base::TerminalText(std::string_view(raw).substr(0, begin)) + highlight_begin +
         base::TerminalText(std::string_view(raw).substr(begin, end - begin)) + highlight_end +
         base::TerminalText(std::string_view(raw).substr(end));
}

// also_at (the story's newest other places) and also_at_total of a JSON mention or article.
void AddAlsoAtJson(const storage::Mention& m, const StoryPlacesById& stories, nlohmann::json& j) {
  const AlsoAt also_at = AlsoAtOf(m, &stories);
  nlohmann::json also = nlohmann::json::array();
  for (const OtherPlace& p : also_at.places) {
    also.push_back({{"site", base::ToValidUtf8(p.site_id)}, {"url", base::ToValidUtf8(p.url)}});
  }
  j["also_at"] = std::move(also);
  j["also_at_total"] = also_at.total;
}

}  // namespace

nlohmann::json MentionToJson(const storage::Mention& m, const StoryPlacesById* stories) {
  nlohmann::json hits = nlohmann::json::array();
  for (const storage::MatchHit& h : m.hits) {
    hits.push_back({{"term", base::ToValidUtf8(h.term)},
                    {"surface", base::ToValidUtf8(h.surface)},
                    {"begin", h.begin},
                    {"end", h.end}});
  }
  nlohmann::json j = {{"id", m.id},
                      {"doc_id", m.doc_id},
                      {"story", m.story_id},
                      {"found_at", FormatTimestampUtc(m.found_at_us)},
                      {"site", base::ToValidUtf8(m.site_id)},
                      {"rule", base::ToValidUtf8(m.rule_id)},
                      {"lang", base::ToValidUtf8(m.lang)},
                      {"url", base::ToValidUtf8(m.url)},
                      {"title", base::ToValidUtf8(m.title)},
                      {"snippet", base::ToValidUtf8(m.snippet)},
                      {"snippet_mark", {m.snippet_mark_begin, m.snippet_mark_end}},
                      {"hits", hits}};
  // Only when set (issue #18): found by a backfill of a new or changed rule, not by the crawl.
  if (m.backfilled) j["backfilled"] = true;
  if (stories != nullptr) AddAlsoAtJson(m, *stories, j);
  return j;
}

std::string FormatMentionTable(const std::vector<storage::Mention>& mentions,
                               const std::string& highlight_begin, const std::string& highlight_end,
                               const StoryPlacesById* stories) {
  std::ostringstream out;
  for (const storage::Mention& m : mentions) {
    const std::string snippet = MarkedTerminalSnippet(m, highlight_begin, highlight_end);
    out << FormatTimestampUtc(m.found_at_us) << "  " << base::TerminalText(m.site_id) << "  ["
        << base::TerminalText(m.rule_id) << "]  "
        << (m.lang.empty() ? "?" : base::TerminalText(m.lang)) << "  "
        << base::TerminalText(m.title) << "\n"
        << "    doc " << m.doc_id << "  " << base::TerminalText(m.url) << "\n"
        << "    " << snippet << "\n";
    WriteAlsoAtLine(m, stories, out);
    out << "\n";
  }
  out << mentions.size() << (mentions.size() == 1 ? " mention\n" : " mentions\n");
  return out.str();
}

namespace {

std::string MemberLine(const storage::StoryMember& member) {
  std::string line =
      "doc " + std::to_string(member.doc_id) + "  " + base::TerminalText(member.site_id) + "  " +
      FormatTimestampUtc(member.first_seen_us) + "  " + base::TerminalText(member.url);
  for (const std::string& url : member.duplicate_urls)
    line += "\n      = " + base::TerminalText(url);
  return line;
}

nlohmann::json ValidUtf8List(const std::vector<std::string>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& s : list) out.push_back(base::ToValidUtf8(s));
  return out;
}

nlohmann::json MemberToJson(const storage::StoryMember& member) {
  return {{"doc_id", member.doc_id},
          {"site", base::ToValidUtf8(member.site_id)},
          {"url", base::ToValidUtf8(member.url)},
          {"title", base::ToValidUtf8(member.title)},
          {"lang", base::ToValidUtf8(member.lang)},
          {"first_seen", FormatTimestampUtc(member.first_seen_us)},
          {"duplicate_urls", ValidUtf8List(member.duplicate_urls)},
          {"duplicate_sites", ValidUtf8List(member.duplicate_site_ids)}};
}

}  // namespace

std::string FormatMentionCsv(const std::vector<storage::Mention>& mentions,
                             const StoryPlacesById* stories) {
  std::string out = "id,found_at,site,rule,lang,url,title,snippet,story,also_at,also_at_total\r\n";
  for (const storage::Mention& m : mentions) {
    const AlsoAt also_at = AlsoAtOf(m, stories);
    const std::string also = base::Join(also_at.places, " ", &OtherPlace::url);
    const std::string fields[] = {std::to_string(m.id),
                                  FormatTimestampUtc(m.found_at_us),
                                  m.site_id,
                                  m.rule_id,
                                  m.lang,
                                  m.url,
                                  m.title,
                                  m.snippet,
                                  std::to_string(m.story_id),
                                  also,
                                  std::to_string(also_at.total)};
    out += base::CsvRecord(fields);
  }
  return out;
}

namespace {

std::string JoinIds(const std::vector<uint64_t>& ids) {
  return base::Join(ids, " ", [](uint64_t id) { return std::to_string(id); });
}

}  // namespace

nlohmann::json MentionGroupToJson(const MentionGroup& group, MentionGrouping grouping,
                                  const StoryPlacesById* stories) {
  const storage::Mention& head = group.rules.front();
  nlohmann::json rules = nlohmann::json::array();
  for (const storage::Mention& m : group.rules) {
    nlohmann::json rule = {{"rule", base::ToValidUtf8(m.rule_id)},
                           {"snippet", base::ToValidUtf8(m.snippet)},
                           {"snippet_mark", {m.snippet_mark_begin, m.snippet_mark_end}},
                           {"mention_id", m.id}};
    if (m.backfilled) rule["backfilled"] = true;  // found by a backfill, not by the crawl
    rules.push_back(std::move(rule));
  }
  nlohmann::json j = {{"doc_id", head.doc_id},
                      {"story", head.story_id},
                      {"found_at", FormatTimestampUtc(head.found_at_us)},
                      {"site", base::ToValidUtf8(head.site_id)},
                      {"lang", base::ToValidUtf8(head.lang)},
                      {"url", base::ToValidUtf8(head.url)},
                      {"title", base::ToValidUtf8(head.title)},
                      {"rules", std::move(rules)},
                      {"mentions", group.mentions}};
  if (grouping == MentionGrouping::kStory) j["doc_ids"] = group.doc_ids;
  if (stories != nullptr) AddAlsoAtJson(head, *stories, j);
  return j;
}

std::string FormatMentionGroupTable(const std::vector<MentionGroup>& groups,
                                    MentionGrouping grouping, const std::string& highlight_begin,
                                    const std::string& highlight_end,
                                    const StoryPlacesById* stories) {
  std::ostringstream out;
  for (const MentionGroup& group : groups) {
    const storage::Mention& head = group.rules.front();
    const std::string rules = base::Join(
        group.rules, " ", [](const storage::Mention& m) { return base::TerminalText(m.rule_id); });
    out << FormatTimestampUtc(head.found_at_us) << "  " << base::TerminalText(head.site_id) << "  ["
        << rules << "]  " << (head.lang.empty() ? "?" : base::TerminalText(head.lang)) << "  "
        << base::TerminalText(head.title) << "\n";
    if (grouping == MentionGrouping::kStory) {
      out << "    story " << group.key << "  " << group.doc_ids.size()
          << (group.doc_ids.size() == 1 ? " article" : " articles") << "  newest doc "
          << head.doc_id << "  " << base::TerminalText(head.url) << "\n";
    } else {
      out << "    doc " << head.doc_id << "  " << base::TerminalText(head.url) << "\n";
    }
    for (const storage::Mention& m : group.rules) {
      out << "    " << base::TerminalText(m.rule_id) << ": "
          << MarkedTerminalSnippet(m, highlight_begin, highlight_end) << "\n";
    }
    WriteAlsoAtLine(head, stories, out);
    out << "\n";
  }
  const bool story = grouping == MentionGrouping::kStory;
  out << groups.size()
      << (story ? (groups.size() == 1 ? " story\n" : " stories\n")
                : (groups.size() == 1 ? " article\n" : " articles\n"));
  return out.str();
}

std::string FormatMentionGroupCsv(const std::vector<MentionGroup>& groups,
                                  const StoryPlacesById* stories) {
  std::string out =
      "doc_id,found_at,site,rules,lang,url,title,snippets,mention_ids,story,doc_ids,also_at,"
      "also_at_total\r\n";
  for (const MentionGroup& group : groups) {
    const storage::Mention& head = group.rules.front();
    const AlsoAt also_at = AlsoAtOf(head, stories);
    const std::string also = base::Join(also_at.places, " ", &OtherPlace::url);
    const std::string rules = base::Join(group.rules, " ", &storage::Mention::rule_id);
    const std::string snippets = base::Join(
        group.rules, "\n", [](const storage::Mention& m) { return m.rule_id + ": " + m.snippet; });
    std::vector<uint64_t> mention_ids;
    for (const storage::Mention& m : group.rules) mention_ids.push_back(m.id);
    const std::string fields[] = {std::to_string(head.doc_id),
                                  FormatTimestampUtc(head.found_at_us),
                                  head.site_id,
                                  rules,
                                  head.lang,
                                  head.url,
                                  head.title,
                                  snippets,
                                  JoinIds(mention_ids),
                                  std::to_string(head.story_id),
                                  JoinIds(group.doc_ids),
                                  also,
                                  std::to_string(also_at.total)};
    out += base::CsvRecord(fields);
  }
  return out;
}

std::string FormatMentionAtom(const std::vector<storage::Mention>& mentions,
                              const std::string& feed_id, const std::string& feed_title,
                              int64_t now_us, const StoryPlacesById* stories,
                              const std::string& self_url) {
  int64_t updated = mentions.empty() ? now_us : mentions.front().found_at_us;
  for (const storage::Mention& m : mentions) updated = std::max(updated, m.found_at_us);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      << "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      << "  <id>" << base::XmlEscape(feed_id) << "</id>\n"
      << "  <title>" << base::XmlEscape(feed_title) << "</title>\n";
  if (!self_url.empty()) {
    out << "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" << base::XmlEscape(self_url)
        << "\"/>\n";
  }
  out << "  <updated>" << FormatTimestampUtc(updated) << "</updated>\n"
      << "  <author><name>kuzet</name></author>\n"
      << "  <generator>kuzet</generator>\n";
  for (const storage::Mention& m : mentions) {
    out << "  <entry>\n"
        << "    <id>tag:kuzet,2026:mention:" << m.id << "</id>\n"
        << "    <title>" << base::XmlEscape("[" + m.rule_id + "] " + m.title) << "</title>\n"
        << "    <link rel=\"alternate\" href=\"" << base::XmlEscape(m.url) << "\"/>\n";
    const AlsoAt also = AlsoAtOf(m, stories);
    for (const OtherPlace& p : also.places) {
      out << "    <link rel=\"related\" href=\"" << base::XmlEscape(p.url) << "\"/>\n";
    }
    if (also.total > also.places.size()) {  // how many places the related links leave out
      out << "    <kuzet:also_at_total xmlns:kuzet=\"tag:kuzet,2026:atom\">" << also.total
          << "</kuzet:also_at_total>\n";
    }
    out << "    <updated>" << FormatTimestampUtc(m.found_at_us) << "</updated>\n"
        << "    <published>" << FormatTimestampUtc(m.found_at_us) << "</published>\n"
        << "    <author><name>" << base::XmlEscape(m.site_id) << "</name></author>\n"
        << "    <category term=\"" << base::XmlEscape(m.rule_id) << "\"/>\n"
        << "    <summary type=\"text\">" << base::XmlEscape(m.snippet) << "</summary>\n"
        << "  </entry>\n";
  }
  out << "</feed>\n";
  return out.str();
}

nlohmann::json DocumentToJson(const storage::Document& doc,
                              const storage::StoryMembersPage& story) {
  nlohmann::json mentions = nlohmann::json::array();
  for (const storage::Mention& m : doc.mentions) mentions.push_back(MentionToJson(m));
  nlohmann::json members = nlohmann::json::array();
  for (const storage::StoryMember& member : story.members) members.push_back(MemberToJson(member));
  return {{"id", doc.id},
          {"site", base::ToValidUtf8(doc.site_id)},
          {"url", base::ToValidUtf8(doc.url)},
          {"final_url", base::ToValidUtf8(doc.final_url)},
          {"canonical_url", base::ToValidUtf8(doc.canonical_url)},
          {"duplicate_urls", ValidUtf8List(doc.duplicate_urls)},
          {"duplicate_sites", ValidUtf8List(doc.duplicate_site_ids)},
          {"title", base::ToValidUtf8(doc.title)},
          {"lang", base::ToValidUtf8(doc.lang)},
          {"author", base::ToValidUtf8(doc.author)},
          {"published", base::ToValidUtf8(doc.published)},
          {"first_seen", FormatTimestampUtc(doc.first_seen_us)},
          {"fetched_at", FormatTimestampUtc(doc.fetched_at_us)},
          {"story", doc.story_id},
          {"story_documents", members},
          {"story_documents_total", story.total_documents},
          {"story_places_total", story.total_places},
          {"story_documents_next_before", story.next_before},
          {"text", base::ToValidUtf8(doc.text)},
          {"mentions", mentions}};
}

std::string FormatDocumentText(const storage::Document& doc,
                               const storage::StoryMembersPage& story) {
  std::ostringstream out;
  out << base::TerminalText(doc.title) << "\n"
      << "  url:        " << base::TerminalText(doc.url) << "\n"
      << "  site:       " << base::TerminalText(doc.site_id) << "\n"
      << "  lang:       " << (doc.lang.empty() ? "?" : base::TerminalText(doc.lang)) << "\n"
      << "  published:  " << (doc.published.empty() ? "?" : base::TerminalText(doc.published))
      << "\n"
      << "  first seen: " << FormatTimestampUtc(doc.first_seen_us) << "\n"
      << "  fetched:    " << FormatTimestampUtc(doc.fetched_at_us) << "\n";
  for (size_t i = 0; i < doc.duplicate_urls.size(); ++i) {
    out << "  also at:    " << base::TerminalText(doc.duplicate_urls[i]);
    if (i < doc.duplicate_site_ids.size() && !doc.duplicate_site_ids[i].empty()) {
      out << " (" << base::TerminalText(doc.duplicate_site_ids[i]) << ")";
    }
    out << "\n";
  }
  out << "  story:      " << doc.story_id << " (" << FormatCount(story.total_documents)
      << (story.total_documents == 1 ? " document)" : " documents)") << "\n";
  for (const storage::StoryMember& member : story.members) {
    if (member.doc_id != doc.id) out << "    " << MemberLine(member) << "\n";
  }
  if (story.next_before != 0) {
    out << "    ... older documents: --before " << story.next_before << "\n";
  }
  out << "\n"
      << (doc.text.empty() ? "(text dropped by retention)" : base::TerminalText(doc.text, true))
      << "\n\n";
  out << doc.mentions.size() << (doc.mentions.size() == 1 ? " match:\n" : " matches:\n");
  for (const storage::Mention& m : doc.mentions) {
    out << "  [" << base::TerminalText(m.rule_id) << "] mention " << m.id << ", found "
        << FormatTimestampUtc(m.found_at_us) << "\n";
    for (const storage::MatchHit& h : m.hits) {
      out << "      " << base::TerminalText(h.surface) << " (" << base::TerminalText(h.term)
          << ") at " << h.begin << "\n";
    }
    out << "    " << base::TerminalText(m.snippet) << "\n";
  }
  return out.str();
}

nlohmann::json StoryToJson(const storage::StoryInfo& story) {
  nlohmann::json members = nlohmann::json::array();
  for (const storage::StoryMember& member : story.members) members.push_back(MemberToJson(member));
  return {{"id", story.id},
          {"created", FormatTimestampUtc(story.created_us)},
          {"documents", members},
          {"documents_total", story.total_documents},
          {"places_total", story.total_places},
          {"next_before", story.next_before}};
}

std::string FormatStoryTable(const std::vector<storage::StoryInfo>& stories) {
  std::ostringstream out;
  for (const storage::StoryInfo& story : stories) {
    std::string title = story.members.empty() ? "" : story.members.front().title;
    out << FormatTimestampUtc(story.created_us) << "  story " << story.id << "  "
        << FormatCount(story.total_documents)
        << (story.total_documents == 1 ? " document" : " documents") << "  "
        << base::TerminalText(title) << "\n";
    for (const storage::StoryMember& member : story.members) {
      out << "    " << MemberLine(member) << "\n";
    }
    if (story.next_before != 0) {
      out << "    ... older documents: kuzet stories --story " << story.id << " --before "
          << story.next_before << "\n";
    }
    out << "\n";
  }
  out << stories.size() << (stories.size() == 1 ? " story\n" : " stories\n");
  return out.str();
}

}  // namespace kuzet::app
