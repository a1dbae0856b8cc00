// Evaluating a rule on one page: its operands' occurrences, combined by its query.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "extractor/keywords/compiled_rules.h"

namespace kuzet::keywords {

// Every occurrence of every operand found in one text, grouped by operand. Sparse, so a page
// costs nothing for the many rules it does not mention.
class OccurrenceTable {
 public:
  void Add(const Occurrence& o) { all_.push_back(o); }
  // Sorts by operand and position and drops duplicates; call once, before Of().
  void Finish();
  std::span<const Occurrence> Of(uint32_t operand) const;
  const std::vector<Occurrence>& all() const { return all_; }

 private:
  std::vector<Occurrence> all_;
};

struct Evaluation {
  bool matched = false;
  std::vector<Occurrence> occurrences;  // positive occurrences that made it match
};

// Query node `node_index` of `rule` on a page whose occurrences are in `table`. AND and OR
// collect the occurrences of both sides when they hold; NOT holds with none; NEAR/n keeps the
// occurrences of either side that have a partner at most n words away.
Evaluation Evaluate(const CompiledRule& rule, int node_index, const OccurrenceTable& table);

}  // namespace kuzet::keywords
