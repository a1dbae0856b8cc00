// FoldText (storage/text_fold.h) is the NFKC case folding of a page's text that both stored text
// keys read: the exact-duplicate key (SHA-256 of its collapse) and the SimHash (storage/FORMAT.md).
// It folds most code points from a table and hands ICU only the segments the table cannot fold
// alone (issue #17), so here it must equal ICU's nfkc_cf of the whole text: on every shared text
// (corpus articles, raw pages, the charset test texts as bytes, well-formed or not), on every code
// point below U+2600 between neighbours that compose, reorder or fold with it, and on random
// strings of such pieces. And the keys of every shared-corpus text must digest to what they were
// before the table (golden values, computed with ICU 72).
#include <gtest/gtest.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "storage/page.h"
#include "storage/text_fold.h"
#include "tests/shared_corpus.h"

namespace kuzet::storage {
namespace {

// ICU's NFKC_Casefold of the whole text: FoldText as it was before its table. Well-formed text
// straight through normalizeUTF8; ill-formed text through UTF-16, each bad sequence U+FFFD.
std::string ReferenceFold(const std::string& text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
  EXPECT_TRUE(U_SUCCESS(error));
  bool well_formed = true;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length && well_formed;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    well_formed = c >= 0;
  }
  std::string out;
  if (well_formed) {
    icu::StringByteSink<std::string> sink(&out);
    nfkc_cf->normalizeUTF8(0, text, sink, nullptr, error);
    EXPECT_TRUE(U_SUCCESS(error));
    return out;
  }
  icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString::fromUTF8(text), error);
  EXPECT_TRUE(U_SUCCESS(error));
  folded.toUTF8String(out);
  return out;
}

std::string Utf8(char32_t c) {
  std::string out;
  icu::UnicodeString(static_cast<UChar32>(c)).toUTF8String(out);
  return out;
}

// Every shared text this test reads, as bytes: article bodies, raw HTML pages, charset texts.
std::vector<std::pair<std::string, std::string>> SharedTexts() {
  std::vector<std::pair<std::string, std::string>> texts;  // name, bytes
  for (const char* corpus : {"daniel-ru-dev", "aeb-dev"}) {
    for (const testing::GroundTruthArticle& article : testing::GroundTruth(corpus)) {
      texts.emplace_back(std::string(corpus) + " " + article.id, article.body);
      texts.emplace_back(std::string(corpus) + " html " + article.id,
                         testing::ReadGzipFile(testing::SharedCorpusDir(corpus) / "html" /
                                               (article.id + ".html.gz")));
    }
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::SharedCorpusDir("charset-dev") / "pages", error)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    texts.emplace_back("charset-dev " + entry.path().filename().string(), bytes.str());
  }
  return texts;
}

TEST(TextFoldTest, EqualsIcuOnEverySharedText) {
  const auto texts = SharedTexts();
  if (texts.empty()) GTEST_SKIP() << "no shared corpus at " << KUZET_SHARED_DIR;
  for (const auto& [name, text] : texts) {
    ASSERT_EQ(FoldText(text), ReferenceFold(text)) << name;
  }
  EXPECT_GT(texts.size(), 500u);
}

// Neighbours that interact with a code point in NFKC_Casefold: combining marks of several
// classes (composition with a letter before them, reordering among themselves), Hangul jamo
// (L+V+T compose), the ypogegrammeni that case folding expands, characters NFKC expands or
// removes (soft hyphen, ligatures, full-width forms, U+FDFA) and letters that compose with a
// mark after them.
const std::vector<std::string> kNeighbours = {
    "a",      "A",      " ",      "\n",     "\u0301",     "\u0308", "\u0306", "\u0327", "\u0345",
    "\u05B4", "\u0654", "\u093C", "\u3099", "\u1100",     "\u1161", "\u11A8", "\uAC00", "\u00AD",
    "\uFB01", "\uFF21", "\uFDFA", "\u0418", "\u0438",     "\u0415", "e",      "\u0391", "\u03B9",
    "\u1F00", "\u2126", "\u212B", "\u00C5", "\U0001D400", "\u0000"};

TEST(TextFoldTest, EqualsIcuForEveryCodePointBetweenInteractingNeighbours) {
  for (char32_t c = 0; c < 0x2600; ++c) {  // the table and beyond
    if (c >= 0xD800 && c < 0xE000) continue;
    const std::string middle = Utf8(c);
    std::string text;
    for (const std::string& before : kNeighbours) {
      text += before + middle + "\u0301" + middle + middle + before;
    }
    ASSERT_EQ(FoldText(text), ReferenceFold(text)) << "U+" << std::hex << static_cast<int>(c);
  }
}

TEST(TextFoldTest, EqualsIcuOnRandomStrings) {
  std::vector<std::string> pieces = kNeighbours;
  for (const char* piece : {"Zhanaozen ",
                            "Жаңаөзен",
                            "ΐ",
                            "ǅ",
                            "ẞ",
                            "İ",
                            "\u2033",
                            "\u2057",
                            "\u2026",
                            "\u201C",
                            "\u2013",
                            "\u00A0",
                            "\u3000",
                            "\xff",
                            "\xc0\xaf",
                            "\xe2\x80",
                            "\xed\xa0\x80",
                            "\xf4\x90\x80\x80",
                            "\U0001F600",
                            "\u0E01",
                            "\u0F73",
                            "\u0FB5"}) {
    pieces.emplace_back(piece);
  }
  std::mt19937 rng(16122011);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (size_t n = rng() % 24; n > 0; --n) text += pieces[rng() % pieces.size()];
    ASSERT_EQ(FoldText(text), ReferenceFold(text)) << "round " << round;
  }
}

// The stored keys (SHA-256 of the folded, collapsed text, and the SimHash) of every shared text,
// digested: the values of the code before the fold table and the SimHash's inner loop.
TEST(TextFoldTest, TextKeysOfEverySharedTextAreAsBefore) {
  const auto texts = SharedTexts();
  if (texts.empty()) GTEST_SKIP() << "no shared corpus at " << KUZET_SHARED_DIR;
  uint64_t digest = 0xcbf29ce484222325ULL;  // FNV-1a 64
  auto add = [&digest](uint8_t byte) { digest = (digest ^ byte) * 0x100000001b3ULL; };
  size_t hashed = 0;
  for (const auto& [name, text] : texts) {
    const TextKeys keys = TextKeysOf(text);
    for (char c : keys.fingerprint_key) add(static_cast<uint8_t>(c));
    add(keys.simhash.has_value());
    for (int shift = 0; shift < 64; shift += 8)
      add(static_cast<uint8_t>(keys.simhash.value_or(0) >> shift));
    hashed += keys.simhash.has_value();
  }
  EXPECT_EQ(texts.size(), 567u);
  EXPECT_EQ(hashed, 537u);
  EXPECT_EQ(digest, 0xdcfd27629459d0eeULL);
}

}  // namespace
}  // namespace kuzet::storage
