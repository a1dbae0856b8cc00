// Field-by-field equality of two match lists, for tests that compare two ways of matching.
#pragma once

#include <vector>

#include "extractor/keywords/matcher.h"

namespace kuzet::keywords {

// Whether two match lists are equal field by field, in order.
inline bool SameMatches(const std::vector<Match>& a, const std::vector<Match>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].rule_id != b[i].rule_id || a[i].term != b[i].term || a[i].surface != b[i].surface ||
        a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].snippet != b[i].snippet ||
        a[i].snippet_begin != b[i].snippet_begin || a[i].snippet_end != b[i].snippet_end) {
      return false;
    }
  }
  return true;
}

}  // namespace kuzet::keywords
