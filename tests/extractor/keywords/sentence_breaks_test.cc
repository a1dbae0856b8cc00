// SentenceBreaks answers from one forward walk what ICU's preceding()/following() answer by
// random access: the same boundary for every offset of texts with the constructs UAX #29
// sentence rules treat specially (abbreviations, decimal numbers, quotes and brackets after
// the stop, ?! and ellipses, line breaks, CJK and Cyrillic stops), in any query order, and from
// any offset the walk starts at.
#include "extractor/keywords/sentence_breaks.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace kuzet::keywords {
namespace {

std::unique_ptr<icu::BreakIterator> SentenceBreaker(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  EXPECT_TRUE(U_SUCCESS(status));
  breaker->setText(text);
  return breaker;
}

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = {
      "",
      "No stop at all",
      "Mr. Smith went to Zhanaozen. He met 3.5 thousand workers! Did they strike?! Yes...\n"
      "A new line\n\nand a paragraph. \"Quoted.\" (Bracketed.) Done",
      "В Жанаозене 16 декабря 2011 г. полиция открыла огонь. Погибли 16 человек; "
      "ранены более 100. Т. е. много.",
      "Жаңаөзендегі ереуіл. Мұнайшылар талап етті! Неге? Себебі…  Соңы.",
      "句子一。句子二！句子三？ Mixed. End",
      "  Leading spaces.   Trailing spaces.   ",
  };
  return texts;
}

TEST(SentenceBreaks, AgreeWithRandomAccessAtEveryOffset) {
  std::mt19937 rng(2011);
  for (const std::string& utf8 : Texts()) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
    auto reference = SentenceBreaker(text);
    auto walked = SentenceBreaker(text);
    SentenceBreaks breaks(walked.get());
    std::vector<int32_t> offsets;
    for (int32_t o = 0; o <= text.length(); ++o) offsets.push_back(o);
    // Forward first (as FindAll asks), then shuffled (answers must not depend on order).
    std::vector<int32_t> shuffled = offsets;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    offsets.insert(offsets.end(), shuffled.begin(), shuffled.end());
    for (int32_t o : offsets) {
      EXPECT_EQ(breaks.AtOrBefore(o), reference->preceding(o + 1)) << utf8 << " @" << o;
      if (o > 0) {
        EXPECT_EQ(breaks.AtOrAfter(o), reference->following(o - 1)) << utf8 << " @" << o;
      }
    }
  }
}

// FindAll starts the walk at its first match (find_all.cc): from any offset, the boundaries it
// gives for that offset and after are the text's own, in the middle of a sentence, on a
// boundary, inside "3.5" or "г." and past the text's end.
TEST(SentenceBreaks, StartedAnywhereAgreeWithRandomAccessFromThere) {
  for (const std::string& utf8 : Texts()) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
    auto reference = SentenceBreaker(text);
    for (int32_t from = 0; from <= text.length() + 1; ++from) {
      auto walked = SentenceBreaker(text);
      SentenceBreaks breaks(walked.get(), from);
      for (int32_t o = from; o <= text.length(); ++o) {
        EXPECT_EQ(breaks.AtOrBefore(o), reference->preceding(o + 1))
            << utf8 << " from " << from << " @" << o;
        if (o > 0) {
          EXPECT_EQ(breaks.AtOrAfter(o), reference->following(o - 1))
              << utf8 << " from " << from << " @" << o;
        }
      }
    }
  }
}

}  // namespace
}  // namespace kuzet::keywords
