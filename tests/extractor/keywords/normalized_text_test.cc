// The normalized text (NFKC + case folding) maps every range back to the original exactly,
// including where normalization changes the length.
#include "extractor/keywords/normalized_text.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::keywords {
namespace {

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// The original text of the normalized occurrence of `needle`.
std::string SourceOf(const std::string& text, const std::string& needle) {
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(text);
  NormalizedText normalized(source);
  int32_t at = normalized.text().indexOf(icu::UnicodeString::fromUTF8(needle));
  if (at < 0) return "<not found in " + Utf8(normalized.text()) + ">";
  auto [b, e] = normalized.SourceRange(at, at + icu::UnicodeString::fromUTF8(needle).length());
  return Utf8(source.tempSubString(b, e - b));
}

TEST(NormalizedText, FoldsCaseAndCompatibilityForms) {
  icu::UnicodeString source =
      icu::UnicodeString::fromUTF8("ЖАНАОЗЕН Ｚｈａｎａｏｚｅｎ ﬁnance Straße");
  EXPECT_EQ(Utf8(NormalizedText(source).text()), "жанаозен zhanaozen finance strasse");
}

TEST(NormalizedText, RangesMapBackToTheOriginal) {
  EXPECT_EQ(SourceOf("Oil ﬁnance news", "finance"), "ﬁnance");          // 1 → 2 units
  EXPECT_EQ(SourceOf("Oil ﬁnance news", "inance"), "ﬁnance");           // inside a ligature
  EXPECT_EQ(SourceOf("Cafe\u0301 bar", "café"), "Cafe\u0301");          // 2 → 1 units
  EXPECT_EQ(SourceOf("Große Straße", "strasse"), "Straße");             // ß → ss
  EXPECT_EQ(SourceOf("ＫＡＺ ＴＶ", "kaz"), "ＫＡＺ");                  // full width
  EXPECT_EQ(SourceOf("Жана\u00ADозен", "жанаозен"), "Жана\u00ADозен");  // soft hyphen removed
  EXPECT_EQ(SourceOf("İstanbul", "i̇stanbul"), "İstanbul");              // 1 → 2 units
  EXPECT_EQ(SourceOf("a 😀 Жанаозен", "жанаозен"), "Жанаозен");          // after a surrogate pair
}

TEST(NormalizedText, EmptyAndOutOfRange) {
  NormalizedText empty{icu::UnicodeString()};
  EXPECT_EQ(empty.text().length(), 0);
  EXPECT_EQ(empty.SourceRange(0, 0), std::make_pair(0, 0));
}

}  // namespace
}  // namespace kuzet::keywords
