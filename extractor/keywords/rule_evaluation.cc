#include "extractor/keywords/rule_evaluation.h"

#include <algorithm>
#include <tuple>

namespace kuzet::keywords {

void OccurrenceTable::Finish() {
  std::sort(all_.begin(), all_.end(), [](const Occurrence& a, const Occurrence& b) {
    return std::tie(a.operand, a.u16_begin, a.u16_end) <
           std::tie(b.operand, b.u16_begin, b.u16_end);
  });
  all_.erase(std::unique(all_.begin(), all_.end()), all_.end());
}

std::span<const Occurrence> OccurrenceTable::Of(uint32_t operand) const {
  auto lo = std::lower_bound(all_.begin(), all_.end(), operand,
                             [](const Occurrence& o, uint32_t op) { return o.operand < op; });
  auto hi = std::upper_bound(lo, all_.end(), operand,
                             [](uint32_t op, const Occurrence& o) { return op < o.operand; });
  return {lo, hi};
}

namespace {

uint32_t WordsBetween(const Occurrence& a, const Occurrence& b) {
  if (a.tok_end <= b.tok_begin) return b.tok_begin - a.tok_end;
  if (b.tok_end <= a.tok_begin) return a.tok_begin - b.tok_end;
  return 0;  // overlapping
}

}  // namespace

Evaluation Evaluate(const CompiledRule& rule, int node_index, const OccurrenceTable& table) {
  const QueryNode& node = rule.query.nodes[node_index];
  Evaluation out;
  switch (node.kind) {
    case QueryNode::Kind::kTerm: {
      auto found = table.Of(static_cast<uint32_t>(rule.query_operands[node_index]));
      out.occurrences.assign(found.begin(), found.end());
      out.matched = !out.occurrences.empty();
      return out;
    }
    case QueryNode::Kind::kNot:
      out.matched = !Evaluate(rule, node.left, table).matched;
      return out;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr: {
      Evaluation l = Evaluate(rule, node.left, table);
      Evaluation r = Evaluate(rule, node.right, table);
      out.matched =
          node.kind == QueryNode::Kind::kAnd ? (l.matched && r.matched) : (l.matched || r.matched);
      if (out.matched) {
        out.occurrences = std::move(l.occurrences);
        out.occurrences.insert(out.occurrences.end(), r.occurrences.begin(), r.occurrences.end());
      }
      return out;
    }
    case QueryNode::Kind::kNear: {
      Evaluation l = Evaluate(rule, node.left, table);
      Evaluation r = Evaluate(rule, node.right, table);
      std::vector<bool> used_r(r.occurrences.size(), false);
      for (const Occurrence& a : l.occurrences) {
        bool used = false;
        for (size_t j = 0; j < r.occurrences.size(); ++j) {
          if (WordsBetween(a, r.occurrences[j]) <= static_cast<uint32_t>(node.distance)) {
            used = true;
            used_r[j] = true;
          }
        }
        if (used) out.occurrences.push_back(a);
      }
      for (size_t j = 0; j < r.occurrences.size(); ++j) {
        if (used_r[j]) out.occurrences.push_back(r.occurrences[j]);
      }
      out.matched = !out.occurrences.empty();
      return out;
    }
  }
  return out;
}

}  // namespace kuzet::keywords
