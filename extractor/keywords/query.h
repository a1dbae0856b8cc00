// The rule query language: terms combined with AND, OR, NOT, NEAR/n and parentheses.
//
//   query   := or
//   or      := and ("OR" and)*
//   and     := near ("AND" near)*
//   near    := unary ("NEAR/" n unary)*          n words or fewer between the two sides
//   unary   := "NOT" unary | primary
//   primary := "(" query ")" | '"' phrase '"' | "/" regex "/" | bare-term
// Operators are upper case; lower-case and/or/not are ordinary words. A bare term runs to the
// next space or parenthesis and uses the term syntax (=exact, prefix*, a|b alternatives).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::keywords {

struct QueryNode {
  enum class Kind { kTerm, kAnd, kOr, kNot, kNear };
  Kind kind = Kind::kTerm;
  int left = -1, right = -1;  // child node indexes (kNot uses left)
  int distance = 0;           // kNear: most words allowed between the two sides
  std::string term;           // kTerm: the term text (without quotes for a quoted phrase)
  size_t column = 0;          // kTerm: 1-based column of the term text in the query
};

struct Query {
  std::vector<QueryNode> nodes;
  int root = -1;
};

// Errors read "column N: <what was expected>" (columns count code points from 1).
Result<Query> ParseQuery(std::string_view text);

// Whether the query has a term outside NOT. A rule without terms needs one: FindAll reports
// positions, and `NOT x` alone has none. With terms, `NOT football` is a useful filter.
bool HasPositiveTerm(const Query& query);

}  // namespace kuzet::keywords
