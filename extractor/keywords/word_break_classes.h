// The word-break class of every UTF-16 code unit, as ICU's root word rules read it: which units
// TextIndex's fast path may break on its own and which it hands to ICU.
#pragma once

#include <cstdint>

namespace kuzet::keywords {

enum class WordBreakClass : uint8_t {
  // Breaks on both sides whatever surrounds it, and is in no word: Word_Break Other, CR, LF,
  // Newline, WSegSpace, and the MidLetter characters ICU's root rules leave out (':').
  kSeparator,
  kLetter,  // ICU's $ALetterPlus outside the dictionary scripts: ALetter and '@'
  kDigit,   // $Numeric
  // Joins two letters (WB6/7), two digits (WB11/12), or both, when it stands between them.
  kMidLetter,
  kMidNum,
  kMidNumLet,    // MidNumLet and Single_Quote
  kDoubleQuote,  // joins only Hebrew letters (WB7b/c), which are kComplex
  // Everything the fast path does not take: Extend, Format, ZWJ (WB4), ExtendNumLet (WB13a/b),
  // Hebrew_Letter, Katakana, Regional_Indicator, Extended_Pictographic (WB3c), the scripts ICU
  // breaks with dictionaries (Han, Hiragana, Hangul, Complex_Context), and surrogates.
  kComplex,
};

// 65,536 entries, one per code unit; built once from ICU's character properties.
const WordBreakClass* WordBreakClassTable();

}  // namespace kuzet::keywords
