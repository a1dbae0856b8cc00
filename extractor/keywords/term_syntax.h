// The term syntax of rule terms and query operands (README.md, "Terms").
//
//   Zhanaozen            a word; inflected forms match (Жанаозене, Zhanaozen's)
//   trade union          a phrase: consecutive words, each may inflect
//   =Kozlov              exact: no inflection (spelling folding still applies)
//   Zhanaozen*           prefix: any continuation of the last word (Жанаозенмунайгаз)
//   Zhanaozen|Janaozen   alternatives, each with its own = and *
//   /strik(e|ing)/       an ICU regular expression, case-insensitive, on NFKC-folded text
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::keywords {

struct TermAlternative {
  bool is_regex = false;
  std::string regex;  // is_regex: the pattern between the slashes
  bool exact = false;
  bool prefix = false;
  std::string words;  // !is_regex: the text to split into words (markers removed)
  size_t column = 1;  // 1-based column of this alternative in the written term
};

// Splits a written term into alternatives and reads their markers. Errors read
// "column N: <problem>". Word splitting and folding happen later (they need ICU objects).
Result<std::vector<TermAlternative>> ParseTermSyntax(std::string_view written);

}  // namespace kuzet::keywords
