#include "crawler/sitemap.h"

#include <zlib.h>
#include <pugixml.hpp>

#include <cctype>

#include "crawler/feed_date.h"
#include "crawler/xml_text.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

std::string Absolute(const std::string& base, const std::string& ref) {
  if (ref.empty()) return "";
  Result<std::string> resolved = base.empty() ? url::Canonicalize(ref) : url::Resolve(base, ref);
  if (!resolved.ok()) return "";
  return base.empty() ? ref : *resolved;
}

// <url> or <sitemap>: loc, lastmod, and news:news/news:publication_date.
SitemapEntry ReadEntry(const pugi::xml_node& node, const std::string& base) {
  SitemapEntry entry;
  for (pugi::xml_node child : node.children()) {
    std::string_view name = LocalName(child);
    if (name == "loc") {
      entry.url = Absolute(base, TrimXmlSpace(child.text().get()));
    } else if (name == "lastmod" && entry.lastmod == 0) {
      entry.lastmod = ParseFeedDate(child.text().get());
    } else if (name == "news") {
      for (pugi::xml_node news : child.children()) {
        if (LocalName(news) == "publication_date") {
          int64_t t = ParseFeedDate(news.text().get());
          if (t != 0) entry.lastmod = t;
        }
      }
    }
  }
  return entry;
}

Result<Sitemap> ParseText(std::string_view text, const std::string& base) {
  Sitemap sitemap;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = TrimXmlSpace(text.substr(start, end - start));
    if (line.rfind("http://", 0) == 0 || line.rfind("https://", 0) == 0) {
      std::string url = Absolute(base, line);
      if (!url.empty()) sitemap.urls.push_back({url, 0});
    }
    start = end + 1;
  }
  if (sitemap.urls.empty()) return Status::Corruption("not a sitemap: " + base);
  return sitemap;
}

}  // namespace

Result<std::string> Gunzip(std::string_view data, int64_t max_bytes, std::string_view what) {
  z_stream stream{};
  // 15 + 32: accept both gzip and zlib headers.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return Status::IOError("zlib init failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      if (rc == Z_BUF_ERROR && !out.empty()) return out;  // truncated: keep what was read
      return Status::Corruption("corrupt gzip data in " + std::string(what));
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      inflateEnd(&stream);
      return Status::Corruption(std::string(what) + " inflates beyond " +
                                std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // input ended early
  }
  inflateEnd(&stream);
  return out;
}

Result<Sitemap> ParseSitemap(std::string_view data, std::string_view base_url,
                             int64_t max_inflated_bytes) {
  const std::string base(base_url);
  std::string inflated;
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b) {
    Result<std::string> plain = Gunzip(data, max_inflated_bytes, base);
    if (!plain.ok()) return plain.status();
    inflated = std::move(*plain);
    data = inflated;
  }
  size_t first = data.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string_view::npos) return Status::Corruption("empty sitemap: " + base);
  if (data[first] != '<') return ParseText(data, base);

  pugi::xml_document document;
  pugi::xml_parse_result parsed = document.load_buffer(data.data(), data.size());
  pugi::xml_node root = document.document_element();
  if (!root) {
    return Status::Corruption("not a sitemap: " + std::string(parsed.description()) + " in " +
                              base);
  }
  std::string_view root_name = LocalName(root);
  bool is_index = root_name == "sitemapindex";
  if (!is_index && root_name != "urlset") {
    return Status::Corruption("not a sitemap (root element <" + std::string(root.name()) +
                              ">): " + base);
  }
  Sitemap sitemap;
  for (pugi::xml_node node : root.children()) {
    std::string_view name = LocalName(node);
    if (name != "url" && name != "sitemap") continue;
    SitemapEntry entry = ReadEntry(node, base);
    if (entry.url.empty()) continue;
    (is_index || name == "sitemap" ? sitemap.sitemaps : sitemap.urls).push_back(std::move(entry));
  }
  return sitemap;
}

}  // namespace kuzet::crawler
