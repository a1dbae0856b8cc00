#include "extractor/keywords/search_keys.h"

#include <unicode/brkiter.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "extractor/keywords/compiled_rules.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

Result<SearchKeys> SearchKeys::Create() {
  auto folder = KeyFolder::Create();
  if (!folder.ok()) return folder.status();
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !breaker) {
    return Status::Unavailable(std::string("keywords: ICU word break iterator: ") +
                               u_errorName(status));
  }
  return SearchKeys(std::move(folder).value(), std::move(breaker));
}

SearchKeys::SearchKeys(KeyFolder folder, std::unique_ptr<icu::BreakIterator> word_breaker)
    : folder_(std::make_unique<KeyFolder>(std::move(folder))),
      word_breaker_(std::move(word_breaker)) {}
SearchKeys::SearchKeys(SearchKeys&&) noexcept = default;
SearchKeys& SearchKeys::operator=(SearchKeys&&) noexcept = default;
SearchKeys::~SearchKeys() = default;

namespace {

// The first eight bytes of `key` as a big-endian integer, zero-padded: two keys whose prefixes
// differ are ordered as their prefixes are (std::string compares bytes as unsigned char, and a
// key that ends before the eighth byte is padded with the smallest byte).
uint64_t OrderPrefix(std::string_view key) {
  uint64_t prefix = 0;
  const size_t n = std::min<size_t>(key.size(), 8);
  for (size_t i = 0; i < n; ++i) {
    prefix |= uint64_t{static_cast<uint8_t>(key[i])} << (56 - 8 * i);
  }
  return prefix;
}

// A key's place in the order: its OrderPrefix, and where it is in the keys added.
struct OrderEntry {
  uint64_t prefix;
  uint32_t index;
};

// Below this many keys a comparison sort; from it on, an LSD radix sort of the prefixes.
constexpr size_t kRadixSortKeys = 256;

// Sorts `entries` by prefix, stably, a byte per pass from the lowest (a pass whose byte is the
// same in every entry is skipped): no comparison to mispredict, which is what a comparison sort
// of a page's keys spends its time on (in random order, every other branch goes wrong).
void RadixSortByPrefix(std::vector<OrderEntry>& entries) {
  // The eight bytes' histograms in one read of the entries.
  std::array<std::array<size_t, 256>, 8> offsets{};
  for (const OrderEntry& e : entries) {
    for (int byte = 0; byte < 8; ++byte) ++offsets[byte][(e.prefix >> (8 * byte)) & 0xff];
  }
  std::vector<OrderEntry> buffer(entries.size());
  for (int byte = 0; byte < 8; ++byte) {
    const int shift = 8 * byte;
    std::array<size_t, 256>& offset = offsets[byte];
    if (offset[(entries.front().prefix >> shift) & 0xff] == entries.size()) continue;
    size_t sum = 0;
    for (size_t& o : offset) sum += std::exchange(o, sum);
    for (const OrderEntry& e : entries) buffer[offset[(e.prefix >> shift) & 0xff]++] = e;
    entries.swap(buffer);
  }
}

}  // namespace

SearchKeyPositions SearchKeySet::Take() && {
  // Sorted through (prefix, index) pairs: most keys differ in their first eight bytes, so the
  // sort orders integers and moves 16-byte pairs, and compares strings only within a run of equal
  // prefixes. Sorting the strings themselves (a memcmp per comparison, a string swap per move)
  // was a quarter of FindAll with search keys (issue #17).
  std::vector<OrderEntry> order(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    order[i] = {OrderPrefix(keys_[i]), static_cast<uint32_t>(i)};
  }
  auto by_key = [this](const OrderEntry& a, const OrderEntry& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = keys_[a.index].compare(keys_[b.index]);
    if (c != 0) return c < 0;
    return classes_[a.index] < classes_[b.index];
  };
  if (order.size() < kRadixSortKeys) {
    std::sort(order.begin(), order.end(), by_key);
  } else {
    RadixSortByPrefix(order);
    for (auto run = order.begin(); run != order.end();) {
      auto end = run + 1;
      while (end != order.end() && end->prefix == run->prefix) ++end;
      if (end - run > 1) std::sort(run, end, by_key);
      run = end;
    }
  }
  // Equal (key, class) pairs are adjacent now: one each (a group), with the union of their
  // positions.
  SearchKeyPositions out;
  out.keys.reserve(order.size());
  out.classes.reserve(order.size());
  std::vector<uint32_t> group_of(keys_.size());
  for (size_t i = 0; i < order.size();) {
    const uint32_t group = static_cast<uint32_t>(out.keys.size());
    size_t end = i + 1;
    while (end < order.size() && keys_[order[end].index] == keys_[order[i].index] &&
           classes_[order[end].index] == classes_[order[i].index]) {
      group_of[order[end++].index] = group;
    }
    group_of[order[i].index] = group;
    out.keys.push_back(std::move(keys_[order[i].index]));
    out.classes.push_back(classes_[order[i].index]);
    i = end;
  }
  // Each group's positions together, in the order they were added (a counting sort by group):
  // a key added once gets its token positions ascending from either pass over the words, so
  // only a group of several (or an out-of-order caller) is sorted.
  const size_t groups = out.keys.size();
  std::vector<uint32_t> next(groups + 1, 0);
  for (const Entry& e : entries_) ++next[group_of[e.handle] + 1];
  for (size_t g = 0; g < groups; ++g) next[g + 1] += next[g];
  std::vector<uint32_t> values(entries_.size());
  for (const Entry& e : entries_) values[next[group_of[e.handle]]++] = e.position;
  // next[g] is now the end of group g's positions, and the start of group g + 1's.
  out.positions.Reserve(groups, values.size());
  for (size_t g = 0, begin = 0; g < groups; begin = next[g++]) {
    auto first = values.begin() + static_cast<ptrdiff_t>(begin), last = values.begin() + next[g];
    if (std::adjacent_find(first, last, std::greater_equal<uint32_t>()) != last) {
      std::sort(first, last);
      last = std::unique(first, last);
    }
    for (auto it = first; it != last; ++it) out.positions.Push(*it);
    out.positions.EndList();
  }
  keys_.clear();
  classes_.clear();
  entries_.clear();
  return out;
}

uint8_t WordClassOf(const Morphology::TextWord& word) {
  return static_cast<uint8_t>((word.grammars & Morphology::kAllGrammars) |
                              (word.cyrillic ? 0x08 : 0) | (word.declines ? 0x10 : 0) |
                              (word.cyrillic_bare_a_or_u ? 0x20 : 0));
}

std::optional<Morphology::TextWord> TextWordOfClass(uint8_t word_class) {
  if ((word_class & 0xC0) != 0) return std::nullopt;
  Morphology::TextWord word;
  word.grammars = word_class & Morphology::kAllGrammars;
  word.cyrillic = (word_class & 0x08) != 0;
  word.declines = (word_class & 0x10) != 0;
  word.cyrillic_bare_a_or_u = (word_class & 0x20) != 0;
  return word;
}

SearchKeyPositions SearchKeys::KeysOf(std::string_view utf8_text, std::string_view lang) const {
  if (utf8_text.empty()) return {};
  const std::string language = PrimaryLanguage(lang);
  const unsigned grammars = Morphology::GrammarsForLanguage(language);
  const bool latin_declension = Morphology::DeclinesLatinNames(language);
  std::unique_ptr<icu::BreakIterator> breaker(word_breaker_->clone());
  TextIndex index(utf8_text, breaker.get());
  const std::vector<Token>& tokens = index.tokens();
  // Each distinct form is folded once (news text repeats its words): the tokens sorted by form.
  std::vector<std::pair<std::u16string_view, uint32_t>> forms;
  forms.reserve(tokens.size());
  for (size_t t = 0; t < tokens.size(); ++t) {
    forms.emplace_back(index.TokenText(tokens[t]), static_cast<uint32_t>(t));
  }
  std::sort(forms.begin(), forms.end());
  SearchKeySet keys;
  std::string key, scratch;
  auto add = [&](std::u16string_view form) {
    folder_->Fold(form, KeyMode::kCrossScript, &key, &scratch);
    return keys.Add(key, WordClassOf(Morphology::WordOf(form, grammars, latin_declension)));
  };
  for (size_t i = 0; i < forms.size();) {
    const int handle = add(forms[i].first);
    size_t end = i;
    for (; end < forms.size() && forms[end].first == forms[i].first; ++end) {
      keys.AddPosition(handle, forms[end].second);
    }
    i = end;
  }
  // Two words joined by one hyphen, as FindAll also reads them (Жаңа-Өзен = Жаңаөзен), at both.
  std::u16string joined;
  for (size_t t = 0; t + 1 < tokens.size(); ++t) {
    if (!index.HyphenJoined(t)) continue;
    joined.assign(index.TokenText(tokens[t]));
    joined.append(index.TokenText(tokens[t + 1]));
    const int handle = add(joined);
    keys.AddPosition(handle, t);
    keys.AddPosition(handle, t + 1);
  }
  SearchKeyPositions out = std::move(keys).Take();
  out.checkpoints = TokenCheckpointsOf(index);
  return out;
}

namespace {

// Keeps the shortest of prefixes that share a start: "xjana" covers "xjanaozen".
std::vector<std::string> MinimalPrefixes(std::vector<std::string> prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  std::vector<std::string> kept;
  for (std::string& p : prefixes) {
    if (!kept.empty() && p.starts_with(kept.back())) continue;
    kept.push_back(std::move(p));
  }
  return kept;
}

class PlanBuilder {
 public:
  explicit PlanBuilder(const Matcher::Compiled& c) : c_(c) {
    // The term keys of every (phrase, word): the prefixes a page's key must start with.
    const ModeIndex& cross = c.modes[static_cast<int>(KeyMode::kCrossScript)];
    cross.automaton.ForEachKey([&](std::string_view key, std::span<const uint32_t> payloads) {
      const std::string prefix(key.substr(0, std::min(key.size(), kMaxSearchKeyBytes)));
      for (uint32_t p : payloads) {
        const WordEntry& entry = cross.entries[p];
        word_prefixes_[{entry.phrase, entry.index}].push_back(prefix);
      }
    });
  }

  int Add(SearchPlan::Node node) {
    plan_.nodes.push_back(std::move(node));
    return static_cast<int>(plan_.nodes.size()) - 1;
  }
  int All() { return Add({SearchPlan::Kind::kAll, {}, {}, 0, 0, 0}); }
  bool IsAll(int n) const { return plan_.nodes[n].kind == SearchPlan::Kind::kAll; }

  // AND drops the children that hold for every page; OR of any such child holds for every page.
  int Combine(SearchPlan::Kind kind, const std::vector<int>& children) {
    std::vector<int> kept;
    for (int child : children) {
      if (IsAll(child)) {
        if (kind == SearchPlan::Kind::kOr) return child;
        continue;
      }
      kept.push_back(child);
    }
    if (kept.empty() && kind == SearchPlan::Kind::kAnd) return All();
    if (kept.size() == 1) return kept.front();
    return Add({kind, {}, std::move(kept), 0, 0, 0});
  }

  // A page can hold an operand only if it holds every word of one of its phrases (or anything,
  // for a regex).
  int OperandPlan(uint32_t op) {
    const Operand& operand = c_.operands[op];
    if (!operand.regexes.empty() || operand.mode != KeyMode::kCrossScript) return All();
    std::vector<int> alternatives;
    for (uint32_t ph = 0; ph < c_.phrases.size(); ++ph) {
      const Phrase& phrase = c_.phrases[ph];
      if (phrase.operand != op) continue;
      std::vector<int> words;
      for (uint32_t k = 0; k < phrase.length; ++k) {
        auto it = word_prefixes_.find({ph, k});
        if (it == word_prefixes_.end()) {  // a word no key reaches: the phrase never matches
          words.clear();
          break;
        }
        words.push_back(Add({SearchPlan::Kind::kKeys, MinimalPrefixes(it->second), {}, ph, k, 0}));
      }
      if (words.size() > 1) {
        alternatives.push_back(Add({SearchPlan::Kind::kPhrase, {}, std::move(words), 0, 0, 0}));
      } else if (!words.empty()) {
        alternatives.push_back(words.front());
      }
    }
    return Combine(SearchPlan::Kind::kOr, alternatives);
  }

  int Query(const CompiledRule& rule, int node) {
    const QueryNode& q = rule.query.nodes[node];
    switch (q.kind) {
      case QueryNode::Kind::kTerm:
        return OperandPlan(static_cast<uint32_t>(rule.query_operands[node]));
      case QueryNode::Kind::kNot:  // a page without x is no page the index can list
        return All();
      case QueryNode::Kind::kOr:
        return Combine(SearchPlan::Kind::kOr, {Query(rule, q.left), Query(rule, q.right)});
      case QueryNode::Kind::kAnd:
        return Combine(SearchPlan::Kind::kAnd, {Query(rule, q.left), Query(rule, q.right)});
      case QueryNode::Kind::kNear: {
        const int left = Query(rule, q.left), right = Query(rule, q.right);
        if (IsAll(left) || IsAll(right)) return Combine(SearchPlan::Kind::kAnd, {left, right});
        return Add({SearchPlan::Kind::kNear, {}, {left, right}, 0, 0, q.distance});
      }
    }
    return All();
  }

  // The NOT terms of one word on the AND chain from `node` (SearchPlan::excluding).
  void AddExcluding(const CompiledRule& rule, int node) {
    const QueryNode& q = rule.query.nodes[node];
    if (q.kind == QueryNode::Kind::kAnd) {
      AddExcluding(rule, q.left);
      AddExcluding(rule, q.right);
      return;
    }
    if (q.kind != QueryNode::Kind::kNot) return;
    const QueryNode& term = rule.query.nodes[q.left];
    if (term.kind != QueryNode::Kind::kTerm) return;
    const uint32_t op = static_cast<uint32_t>(rule.query_operands[q.left]);
    SearchPlan::Excluding excluding{term.term, {}};
    for (uint32_t ph = 0; ph < c_.phrases.size(); ++ph) {
      if (c_.phrases[ph].operand != op) continue;
      auto it = word_prefixes_.find({ph, 0});
      if (c_.phrases[ph].length != 1 || it == word_prefixes_.end()) return;
      excluding.word_nodes.push_back(
          Add({SearchPlan::Kind::kKeys, MinimalPrefixes(it->second), {}, ph, 0, 0}));
    }
    if (!excluding.word_nodes.empty()) plan_.excluding.push_back(std::move(excluding));
  }

  int Rule(const CompiledRule& rule) {
    std::vector<int> parts;
    if (!rule.term_operands.empty()) {
      std::vector<int> terms;
      for (uint32_t op : rule.term_operands) terms.push_back(OperandPlan(op));
      parts.push_back(Combine(SearchPlan::Kind::kOr, terms));
    }
    if (rule.query.root >= 0) parts.push_back(Query(rule, rule.query.root));
    return Combine(SearchPlan::Kind::kAnd, parts);
  }

  SearchPlan Build() {
    if (c_.rules.empty()) return std::move(plan_);
    std::vector<int> rules;
    for (const CompiledRule& rule : c_.rules) rules.push_back(Rule(rule));
    plan_.root = Combine(SearchPlan::Kind::kOr, rules);
    plan_.words_known = std::all_of(c_.operands.begin(), c_.operands.end(), [](const Operand& o) {
      return o.regexes.empty() && o.mode == KeyMode::kCrossScript;
    });
    if (plan_.words_known && c_.rules.size() == 1 && c_.rules[0].term_operands.empty() &&
        c_.rules[0].query.root >= 0) {
      AddExcluding(c_.rules[0], c_.rules[0].query.root);
    }
    if (plan_.words_known) {
      for (const Phrase& phrase : c_.phrases) plan_.phrase_words.push_back(phrase.length);
      for (const auto& [word, prefixes] : word_prefixes_) {
        plan_.word_nodes.push_back(Add(
            {SearchPlan::Kind::kKeys, MinimalPrefixes(prefixes), {}, word.first, word.second, 0}));
      }
    }
    return std::move(plan_);
  }

 private:
  const Matcher::Compiled& c_;
  std::map<std::pair<uint32_t, uint32_t>, std::vector<std::string>> word_prefixes_;
  SearchPlan plan_;
};

}  // namespace

SearchPlan PlanSearch(const Matcher& matcher) {
  if (!matcher.compiled_) return SearchPlan{};
  SearchPlan plan = PlanBuilder(*matcher.compiled_).Build();
  plan.compiled = matcher.compiled_;
  return plan;
}

bool SearchPlan::KeyMayMatch(int node, std::string_view key,
                             std::optional<uint8_t> word_class) const {
  const Node& n = nodes[node];
  if (n.kind != Kind::kKeys || !compiled) return true;
  if (key.size() >= kMaxSearchKeyBytes) return true;  // maybe cut: its tail is not all there
  const ModeIndex& cross = compiled->modes[static_cast<int>(KeyMode::kCrossScript)];
  if (const std::optional<Morphology::TextWord> word =
          word_class ? TextWordOfClass(*word_class) : std::nullopt) {
    bool may = false;
    ForEachMatchingEntry(cross, key, *word, [&](const WordEntry& entry, std::string_view) {
      may = may || (entry.phrase == n.phrase && entry.index == n.word);
    });
    return may;
  }
  // The most accepting text word of either script: every grammar, declining, not a bare -а/-у
  // form. AcceptsTail only ever accepts more as a grammar is added or `declines` is set, and
  // less with cyrillic_bare_a_or_u; `cyrillic` both allows (resident nouns) and refuses
  // (latin_only spellings), so both values are tried.
  for (const bool cyrillic : {true, false}) {
    Morphology::TextWord word;
    word.grammars = Morphology::kAllGrammars;
    word.cyrillic = cyrillic;
    word.declines = true;
    word.cyrillic_bare_a_or_u = false;
    bool may = false;
    ForEachMatchingEntry(cross, key, word, [&](const WordEntry& entry, std::string_view) {
      may = may || (entry.phrase == n.phrase && entry.index == n.word);
    });
    if (may) return true;
  }
  return false;
}

bool SearchPlan::KeyAlwaysMatches(int node, std::string_view key,
                                  std::optional<uint8_t> word_class) const {
  const Node& n = nodes[node];
  if (n.kind != Kind::kKeys || !compiled || !word_class) return false;
  // A word of a phrase of several is no occurrence of the phrase.
  if (n.phrase >= phrase_words.size() || phrase_words[n.phrase] != 1) return false;
  if (key.empty() || key.size() >= kMaxSearchKeyBytes) return false;  // maybe cut
  const std::optional<Morphology::TextWord> word = TextWordOfClass(*word_class);
  if (!word) return false;
  const ModeIndex& cross = compiled->modes[static_cast<int>(KeyMode::kCrossScript)];
  bool always = false;
  ForEachMatchingEntry(cross, key, *word, [&](const WordEntry& entry, std::string_view tail) {
    if (entry.phrase != n.phrase || entry.index != n.word) return;
    // FindAll keeps such a hit only where the context does not name a woman (find_all.cc).
    if (entry.tail.masculine_surname && cross.morphology &&
        cross.morphology->TailNeedsMasculineContext(tail)) {
      return;
    }
    always = true;
  });
  return always;
}

bool PhraseMayBeAt(std::span<const std::vector<uint32_t>> word_positions) {
  for (const std::vector<uint32_t>& positions : word_positions) {
    if (positions.empty()) return true;  // unknown
  }
  if (word_positions.empty()) return true;
  for (const uint32_t p : word_positions[0]) {
    bool all = true;
    for (size_t j = 1; j < word_positions.size() && all; ++j) {
      const std::vector<uint32_t>& next = word_positions[j];
      all = std::binary_search(next.begin(), next.end(), static_cast<uint64_t>(p) + j);
    }
    if (all) return true;
  }
  return false;
}

void TermWordTokens(const SearchPlan& plan, std::span<const std::vector<uint32_t>> word_positions,
                    std::vector<uint32_t>* out) {
  out->clear();
  // word_nodes come ordered by (phrase, word): one run per phrase.
  const size_t words = std::min(plan.word_nodes.size(), word_positions.size());
  auto node = [&](size_t i) -> const SearchPlan::Node& { return plan.nodes[plan.word_nodes[i]]; };
  for (size_t i = 0; i < words;) {
    size_t end = i + 1;
    while (end < words && node(end).phrase == node(i).phrase) ++end;
    const uint32_t phrase = node(i).phrase;
    const uint32_t length = phrase < plan.phrase_words.size() ? plan.phrase_words[phrase] : 0;
    if (length <= 1) {
      for (size_t w = i; w < end; ++w) {
        out->insert(out->end(), word_positions[w].begin(), word_positions[w].end());
      }
    } else if (end - i == length) {  // else a word of it has no key: the phrase never occurs
      for (const uint32_t start : word_positions[i]) {
        bool lined_up = node(i).word == 0;
        for (size_t w = i + 1; w < end && lined_up; ++w) {
          const std::vector<uint32_t>& next = word_positions[w];
          lined_up = node(w).word == w - i &&
                     std::binary_search(next.begin(), next.end(), uint64_t{start} + (w - i));
        }
        if (!lined_up) continue;
        for (uint32_t j = 0; j < length; ++j) out->push_back(start + j);
      }
    }
    i = end;
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

bool NearMayBeAt(std::span<const uint32_t> a, std::span<const uint32_t> b, int distance) {
  if (a.empty() || b.empty()) return true;  // unknown
  // The smallest |p - q| by a merge walk of the two sorted lists.
  uint64_t closest = UINT64_MAX;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    const uint64_t gap = a[i] < b[j] ? b[j] - a[i] : a[i] - b[j];
    closest = std::min(closest, gap);
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  // Words between two one-word occurrences at p < q: q - p - 1; overlapping ones: 0.
  const uint64_t between = closest == 0 ? 0 : closest - 1;
  return distance >= 0 && between <= static_cast<uint64_t>(distance);
}

}  // namespace kuzet::keywords
