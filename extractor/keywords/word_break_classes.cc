#include "extractor/keywords/word_break_classes.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/uvernum.h>

#include <array>

namespace kuzet::keywords {
namespace {

// The sets below transcribe the definitions at the top of ICU's root word rules
// (icu4c/source/data/brkitr/rules/word.txt, checked against ICU 72); text_index_test compares
// the result with the ICU word BreakIterator on every BMP character in context.
WordBreakClass ClassOf(UChar32 c) {
  // Another major version's root rules may differ from this transcription: there ICU breaks
  // every text itself (each unit complex), slower but right. (ICU's soname carries the major
  // version, so the library run is the one compiled against.)
  if constexpr (U_ICU_VERSION_MAJOR_NUM != 72) return WordBreakClass::kComplex;
  if (U16_IS_SURROGATE(c)) return WordBreakClass::kComplex;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  const bool dictionary = script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
                          u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) ||
                          (c >= 0xAC00 && c <= 0xD7A3) ||  // $HangulSyllable
                          u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT;
  if (dictionary || u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)) {
    return WordBreakClass::kComplex;
  }
  if (c == u'@') return WordBreakClass::kLetter;  // $ALetter = [\p{Word_Break=ALetter} @]
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_OTHER:
    case U_WB_CR:
    case U_WB_LF:
    case U_WB_NEWLINE:
    case U_WB_WSEGSPACE:
      return WordBreakClass::kSeparator;
    case U_WB_ALETTER:
      return WordBreakClass::kLetter;
    case U_WB_NUMERIC:
      return WordBreakClass::kDigit;
    case U_WB_MIDLETTER:
      // $MidLetter = [\p{Word_Break=MidLetter} - [\: \uFE55 \uFF1A]]: the colons join nothing.
      return c == u':' || c == 0xFE55 || c == 0xFF1A ? WordBreakClass::kSeparator
                                                     : WordBreakClass::kMidLetter;
    case U_WB_MIDNUM:
      return WordBreakClass::kMidNum;
    case U_WB_MIDNUMLET:
    case U_WB_SINGLE_QUOTE:
      return WordBreakClass::kMidNumLet;
    case U_WB_DOUBLE_QUOTE:
      return WordBreakClass::kDoubleQuote;
    default:
      return WordBreakClass::kComplex;
  }
}

}  // namespace

const WordBreakClass* WordBreakClassTable() {
  static const auto* const table = [] {
    auto* t = new std::array<WordBreakClass, 0x10000>;
    for (UChar32 c = 0; c < 0x10000; ++c) (*t)[static_cast<size_t>(c)] = ClassOf(c);
    return t;
  }();
  return table->data();
}

}  // namespace kuzet::keywords
