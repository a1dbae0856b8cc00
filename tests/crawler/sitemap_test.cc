#include "crawler/sitemap.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kuzet::crawler {
namespace {

namespace fs = std::filesystem;

const fs::path kResources = fs::path(KUZET_SHARED_DIR) / "vectors/feeds/trafilatura-resources";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string Gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(SitemapTest, ReadsUrlsetWithLastmodAndGoogleNewsDates) {
  Result<Sitemap> sitemap = ParseSitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://example.kz/news/1</loc><lastmod>2011-12-16</lastmod></url>
  <url><loc> https://example.kz/news/2 </loc>
    <news:news><news:publication><news:name>E</news:name><news:language>kk</news:language></news:publication>
    <news:publication_date>2011-12-16T10:00:00+06:00</news:publication_date>
    <news:title>Жаңаөзен</news:title></news:news></url>
  <url><loc>/news/3</loc></url>
</urlset>)",
                                         "https://example.kz/sitemap.xml");
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().message();
  ASSERT_EQ(sitemap->urls.size(), 3u);
  EXPECT_EQ(sitemap->urls[0].url, "https://example.kz/news/1");
  EXPECT_EQ(sitemap->urls[0].lastmod, 1323993600);
  EXPECT_EQ(sitemap->urls[1].url, "https://example.kz/news/2");
  EXPECT_EQ(sitemap->urls[1].lastmod, 1324008000);
  EXPECT_EQ(sitemap->urls[2].url, "https://example.kz/news/3");
  EXPECT_EQ(sitemap->urls[2].lastmod, 0);
  EXPECT_TRUE(sitemap->sitemaps.empty());
}

TEST(SitemapTest, ReadsTextSitemapsAndRejectsOthers) {
  Result<Sitemap> text =
      ParseSitemap("https://e.org/a\nnot a url\r\nhttps://e.org/b\n", "https://e.org/s.txt");
  ASSERT_TRUE(text.ok()) << text.status().message();
  ASSERT_EQ(text->urls.size(), 2u);
  EXPECT_EQ(text->urls[1].url, "https://e.org/b");
  EXPECT_FALSE(ParseSitemap("<html><body/></html>", "https://e.org/").ok());
  EXPECT_FALSE(ParseSitemap("", "https://e.org/").ok());
  EXPECT_FALSE(ParseSitemap("\x1f\x8b garbage", "https://e.org/").ok());
}

TEST(SitemapTest, GzipBombIsRefused) {
  std::string bomb = Gzip("<urlset>" + std::string(8 << 20, ' ') + "</urlset>");
  Result<Sitemap> sitemap = ParseSitemap(bomb, "https://e.org/s.xml.gz", 1 << 20);
  ASSERT_FALSE(sitemap.ok());
  EXPECT_NE(sitemap.status().message().find("inflates beyond"), std::string::npos)
      << sitemap.status().message();
}

TEST(SitemapVectorsTest, RealSitemapsYieldTheirUrls) {
  if (!fs::exists(kResources)) GTEST_SKIP() << "absent: " << kResources;
  for (const char* name : {"sitemap.xml", "sitemap-hreflang.xml"}) {
    std::string text = ReadFile(kResources / name);
    Result<Sitemap> sitemap = ParseSitemap(text, "https://www.example.com/sitemap.xml");
    ASSERT_TRUE(sitemap.ok()) << name << ": " << sitemap.status().message();
    // sitemap-hreflang.xml also lists a child <sitemap> inside its <urlset>.
    EXPECT_EQ(sitemap->urls.size() + sitemap->sitemaps.size(), CountOccurrences(text, "<loc>"))
        << name;
    EXPECT_GE(sitemap->urls.size(), 3u) << name;
    for (const auto* list : {&sitemap->urls, &sitemap->sitemaps}) {
      for (const SitemapEntry& entry : *list) {
        EXPECT_NE(text.find("<loc>" + entry.url + "</loc>"), std::string::npos) << entry.url;
      }
    }
  }
  Result<Sitemap> plain = ParseSitemap(ReadFile(kResources / "sitemap.xml"), "https://x/");
  Result<Sitemap> gzipped = ParseSitemap(ReadFile(kResources / "sitemap.xml.gz"), "https://x/");
  ASSERT_TRUE(plain.ok() && gzipped.ok()) << gzipped.status().message();
  ASSERT_EQ(gzipped->urls.size(), plain->urls.size());
  EXPECT_EQ(gzipped->urls.front().url, "https://www.sitemaps.org/");
  EXPECT_EQ(gzipped->urls.front().lastmod, 1479686400);  // 2016-11-21

  Result<Sitemap> index = ParseSitemap(ReadFile(kResources / "sitemap2.xml"), "https://x/");
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_TRUE(index->urls.empty());
  ASSERT_EQ(index->sitemaps.size(), 2u);
  EXPECT_EQ(index->sitemaps[0].url, "http://www.example.com/sitemap1.xml.gz");
  EXPECT_EQ(index->sitemaps[1].url, "http://www.example.com/sitemap2.xml.gz");  // from CDATA
  EXPECT_EQ(index->sitemaps[1].lastmod, 1104537600);                            // 2005-01-01
}

}  // namespace
}  // namespace kuzet::crawler
