// Internal to kuzet_crawler: small helpers shared by the feed and sitemap readers (pugixml).
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace kuzet::crawler {

// An element's name without its namespace prefix ("news:publication_date" -> "publication_date"):
// feeds and sitemaps use whatever prefixes they like.
inline std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// `text` without leading and trailing XML white space (space, tab, CR, LF: XML 1.0 §2.3 S).
inline std::string TrimXmlSpace(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace kuzet::crawler
