// Fault: a server labels a PDF, an image or an archive "text/html". The body must be recognised
// as not text and never decoded into an article; real text in any encoding must still pass.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "extractor/content_sniff.h"
#include "extractor/extractor.h"
#include "tests/extractor/test_pages.h"
#include "tests/extractor/texts.h"

namespace kuzet::extractor {
namespace {

std::string Html() {
  std::string body;
  for (auto p : testing::kEnglishParagraphs) body += "<p>" + std::string(p) + "</p>";
  return "<html><head><title>Zhanaozen strike</title></head><body><article>" + body +
         "</article><a href=\"/next\">next</a></body></html>";
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(compressBound(static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A one-page PDF whose content stream is compressed, as PDF writers make them; its text
// (Zhanaozen) sits in the compressed stream and in plain ASCII in the metadata.
std::string Pdf() {
  std::string stream = Gzip("BT /F1 12 Tf 72 712 Td (Zhanaozen strike, December 2011) Tj ET");
  return "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Title (Zhanaozen) /Length " +
         std::to_string(stream.size()) + " /Filter /FlateDecode >>\nstream\n" + stream +
         "\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

// An 8x1 PNG: signature, IHDR, a compressed IDAT and IEND (CRCs are not checked by sniffing).
std::string Png() {
  using namespace std::string_literals;
  std::string idat = Gzip(std::string(9, '\0'));
  return "\x89PNG\r\n\x1A\n"s +
         "\0\0\0\x0DIHDR\0\0\0\x08\0\0\0\x01\x08\x00\0\0\0\x12\x34\x56\x78"s +
         std::string(4, '\0') + "IDAT" + idat + "\0\0\0\0IEND\xAE\x42\x60\x82"s;
}

// Bytes of no known format: a pseudo-random stream (a packed database page, an unknown codec).
std::string Noise() {
  std::string s;
  uint32_t x = 2463534242u;
  for (int i = 0; i < 4096; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    s.push_back(static_cast<char>(x & 0xFF));
  }
  return s;
}

std::string InsertBefore(const std::string& s, std::string_view anchor, std::string_view what) {
  const size_t at = s.find(anchor);
  EXPECT_NE(at, std::string::npos) << anchor;
  if (at == std::string::npos) return s;
  return s.substr(0, at) + std::string(what) + s.substr(at);
}

struct BodyCase {
  const char* name;
  std::string bytes;
  const char* kind;  // what SniffBinary must say, "" for text
};

void PrintTo(const BodyCase& c, std::ostream* os) { *os << c.name; }

std::vector<BodyCase> Cases() {
  using namespace std::string_literals;
  const std::string html = Html();
  // An old page with a vertical tab, a form feed and a DOS end-of-file mark in it.
  const std::string with_controls = InsertBefore(
      InsertBefore(InsertBefore(html, "began", "\x0B"), "lasted", "\x0C"), "</body>", "\x1A");
  return {
      {"pdf", Pdf(), "PDF"},
      {"png", Png(), "PNG"},
      {"gzip_without_content_encoding", Gzip(html), "gzip"},
      {"jpeg", "\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"s + Noise(), "JPEG"},
      {"zip", "PK\x03\x04\x14\0\0\0\x08\0"s + Noise(), "zip"},
      {"elf",
       "\x7F"
       "ELF\x02\x01\x01\0"s +
           Noise(),
       "ELF"},
      {"woff2", "wOF2\0\x01\0\0"s + Noise(), "WOFF2"},
      {"unknown_binary", Noise(), "binary data"},
      {"html_utf8", html, ""},
      {"html_cp1251",
       testing::EncodeWithIcu("<p>" + std::string(testing::kRussianParagraphs[0]) + "</p>",
                              "windows-1251"),
       ""},
      {"html_utf16le_bom", "\xFF\xFE" + testing::EncodeWithIcu(html, "UTF-16LE"), ""},
      {"html_utf16be_no_bom", testing::EncodeWithIcu(html, "UTF-16BE"), ""},
      {"html_utf32le_no_bom", testing::EncodeWithIcu(html, "UTF-32LE"), ""},
      {"html_with_stray_controls", with_controls, ""},
      {"empty", "", ""},
  };
}

class BinaryBodyTest : public ::testing::TestWithParam<BodyCase> {};

TEST_P(BinaryBodyTest, SniffsWhatTheBodyIs) {
  EXPECT_EQ(SniffBinary(GetParam().bytes), GetParam().kind);
}

TEST_P(BinaryBodyTest, ExtractReportsBinaryAndDecodesNothing) {
  const BodyCase& c = GetParam();
  auto article = Extract(c.bytes, "text/html; charset=utf-8", "https://example.kz/doc");
  ASSERT_TRUE(article.ok()) << article.status().message();
  EXPECT_EQ(article->not_text, c.kind);
  if (*c.kind != '\0') {
    EXPECT_TRUE(article->text.empty()) << article->text;
    EXPECT_TRUE(article->title.empty());
    EXPECT_TRUE(article->links.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Bodies, BinaryBodyTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BodyCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(BinaryBodyTest, Utf16PageWithBomIsExtractedAsText) {
  const std::string bytes = "\xFF\xFE" + testing::EncodeWithIcu(Html(), "UTF-16LE");
  auto article = Extract(bytes, "text/html", "https://example.kz/a");
  ASSERT_TRUE(article.ok());
  EXPECT_TRUE(article->not_text.empty());
  EXPECT_EQ(article->charset, "UTF-16LE");
  EXPECT_NE(article->text.find(testing::kEnglishParagraphs[2]), std::string::npos);
}

TEST(WideUnicodeTest, TellsTheEncodingByTheLaneOfTheZeroBytes) {
  const std::string html = Html();
  EXPECT_EQ(SniffWideUnicode(testing::EncodeWithIcu(html, "UTF-16LE")), "UTF-16LE");
  EXPECT_EQ(SniffWideUnicode(testing::EncodeWithIcu(html, "UTF-16BE")), "UTF-16BE");
  EXPECT_EQ(SniffWideUnicode(testing::EncodeWithIcu(html, "UTF-32LE")), "UTF-32LE");
  EXPECT_EQ(SniffWideUnicode(testing::EncodeWithIcu(html, "UTF-32BE")), "UTF-32BE");
  EXPECT_EQ(SniffWideUnicode(html), "");
  EXPECT_EQ(SniffWideUnicode(Noise()), "");
  // Zeros in one lane but units that are not text (controls, unassigned): not UTF-16.
  std::string records;
  for (int i = 0; i < 1000; ++i) records += std::string("\x01\x00\x07\x00", 4);
  EXPECT_EQ(SniffWideUnicode(records), "");
}

}  // namespace
}  // namespace kuzet::extractor
