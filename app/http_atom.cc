// The Atom feed (RFC 4287) of /feed.atom.
#include <algorithm>
#include <sstream>

#include "app/http_api.h"
#include "app/mention_format.h"

namespace kuzet::app {

namespace {

// Escapes text for XML content and attribute values. XML 1.0 (§2.2) forbids most C0 controls
// even as references, so they are dropped; malformed UTF-8 becomes U+FFFD.
std::string XmlEscape(const std::string& raw) {
  std::string text = ToValidUtf8(raw);
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderAtomFeed(const AtomFeedInfo& info,
                           const std::vector<storage::Mention>& mentions) {
  // The feed's updated is its newest entry's (RFC 4287 §4.2.15); an empty feed says the epoch,
  // which no reader mistakes for news.
  int64_t updated_us = 0;
  for (const storage::Mention& m : mentions) updated_us = std::max(updated_us, m.found_at_us);

  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      << "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      << "  <id>" << XmlEscape(info.base_url + info.self_path) << "</id>\n"
      << "  <title>" << XmlEscape(info.title) << "</title>\n"
      << "  <updated>" << FormatTimestampUtc(updated_us) << "</updated>\n"
      << "  <author><name>Kuzet</name></author>\n"
      << "  <generator>Kuzet</generator>\n"
      << "  <link rel=\"self\" type=\"application/atom+xml\" href=\""
      << XmlEscape(info.base_url + info.self_path) << "\"/>\n"
      << "  <link rel=\"alternate\" type=\"text/html\" href=\"" << XmlEscape(info.base_url + "/")
      << "\"/>\n";
  for (const storage::Mention& m : mentions) {
    SnippetParts parts = SplitSnippet(m.snippet, m.snippet_mark_begin, m.snippet_mark_end);
    // The summary is HTML carried as escaped text (§3.1.1.2): escape once for HTML, once for XML.
    // <strong>, not <mark>: feed readers' sanitizers (feedparser's among them) drop <mark>.
    std::string html = "<p>" + XmlEscape(parts.before) + "<strong>" + XmlEscape(parts.match) +
                       "</strong>" + XmlEscape(parts.after) + "</p>";
    std::string title = m.title.empty() ? m.url : m.title;
    out << "  <entry>\n"
        << "    <id>urn:kuzet:mention:" << m.id << "</id>\n"
        << "    <title type=\"text\">" << XmlEscape(title) << "</title>\n"
        << "    <link rel=\"alternate\" type=\"text/html\" href=\"" << XmlEscape(m.url) << "\"/>\n"
        << "    <updated>" << FormatTimestampUtc(m.found_at_us) << "</updated>\n"
        << "    <category term=\"" << XmlEscape(m.rule_id) << "\"/>\n"
        << "    <summary type=\"html\">" << XmlEscape(html) << "</summary>\n"
        << "  </entry>\n";
  }
  out << "</feed>\n";
  return out.str();
}

}  // namespace kuzet::app
