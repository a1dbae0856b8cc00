// The compiled form of a rule set, shared by Matcher::Compile (matcher.cc) and
// Matcher::FindAll (find_all.cc). Internal to kuzet_keywords.
#pragma once

#include <unicode/brkiter.h>
#include <unicode/regex.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/keyed_hash.h"
#include "extractor/keywords/double_array_trie.h"
#include "extractor/keywords/key_folder.h"
#include "extractor/keywords/key_trie.h"
#include "extractor/keywords/matcher.h"
#include "extractor/keywords/morphology.h"
#include "extractor/keywords/query.h"
#include "extractor/keywords/surname_context.h"
#include "extractor/keywords/term_syntax.h"
#include "extractor/keywords/text_breakers.h"

namespace kuzet::keywords {

// One positional operand: a written term of a rule, or a term of its query.
struct Operand {
  std::string written;
  uint32_t rule = 0;  // index of the rule it belongs to
  KeyMode mode = KeyMode::kCrossScript;
  std::vector<std::shared_ptr<const icu::RegexPattern>> regexes;
};

// One word sequence of an operand (an operand has one per alternative).
struct Phrase {
  uint32_t operand = 0;
  uint32_t length = 0;
};

// A trie payload: word `index` of `phrase`, reachable with tails allowed by `tail`.
struct WordEntry {
  uint32_t phrase = 0;
  uint32_t index = 0;
  Morphology::WordTail tail;
};

struct ModeIndex {
  KeyTrie trie;               // built by Compile, released when compiling ends
  DoubleArrayTrie automaton;  // the trie's read-only form that FindAll walks
  std::vector<WordEntry> entries;
  const Morphology* morphology = nullptr;  // the folder's (KeyFolder::SharedMorphology)
};

// Calls fn(entry, tail) for every term word that a text word of key `key` is, in one key mode:
// an entry whose key (or variant) starts `key` and whose morphology accepts the rest as a tail
// of `word`. The one definition of "this word is that term word": FindAll decides each text
// word through it, and the search planner each word key of the index (search_keys.h).
template <typename Fn>
void ForEachMatchingEntry(const ModeIndex& index, std::string_view key,
                          const Morphology::TextWord& word, Fn&& fn) {
  if (!index.morphology) return;
  index.automaton.Walk(key, [&](size_t consumed, std::span<const uint32_t> payloads) {
    const std::string_view tail = key.substr(consumed);
    for (uint32_t p : payloads) {
      const WordEntry& entry = index.entries[p];
      if (entry.tail.latin_only && word.cyrillic) continue;
      if (!index.morphology->AcceptsTail(entry.tail, tail, key[consumed - 1], word)) continue;
      fn(entry, tail);
    }
  });
}

struct CompiledRule {
  std::string id;
  std::vector<std::string> languages;  // primary subtags, lower case
  std::vector<std::string> sites;
  std::vector<uint32_t> term_operands;
  Query query;                      // root < 0: none
  std::vector<int> query_operands;  // per query node: operand id for kTerm nodes
};

// Where an operand occurs: tokens [tok_begin, tok_end) and the UTF-16 span of the text.
struct Occurrence {
  uint32_t operand = 0;
  uint32_t tok_begin = 0, tok_end = 0;
  int32_t u16_begin = 0, u16_end = 0;
  auto Key() const { return std::tie(u16_begin, u16_end, operand); }
  bool operator<(const Occurrence& o) const { return Key() < o.Key(); }
  bool operator==(const Occurrence& o) const { return Key() == o.Key(); }
};

// "ru-RU" → "ru"; BCP 47 "und" (undetermined) and CLD2's "un" mean unknown: "".
std::string PrimaryLanguage(std::string_view tag);

struct TextBreakers::Iterators {
  std::unique_ptr<icu::BreakIterator> words, sentences;
};

struct Matcher::Compiled {
  KeyFolder folder;
  SurnameContext surname_context{folder};  // after folder: it keeps a pointer to it
  ModeIndex modes[kKeyModeCount];
  std::vector<Operand> operands;
  std::vector<Phrase> phrases;
  std::vector<CompiledRule> rules;
  std::vector<uint32_t> regex_operands;
  // Prototypes, cloned per call that brings no TextBreakers of its own.
  std::unique_ptr<icu::BreakIterator> word_breaker;
  std::unique_ptr<icu::BreakIterator> sentence_breaker;
  // Splits terms into words while compiling (the prototypes never hold a text: a clone of
  // them must not refer to a string that is gone). Released when compiling ends.
  std::unique_ptr<icu::BreakIterator> term_breaker;
  // FindAll's table of a page's distinct word forms: keyed, so that a page cannot pick forms
  // that share a slot (base/keyed_hash.h).
  base::KeyedHash form_hash;

  explicit Compiled(KeyFolder f) : folder(std::move(f)) {}

  // Registers `written` as operand; errors read "column N: ..." relative to `written`.
  Result<uint32_t> AddOperand(const std::string& written, KeyMode mode, bool rule_exact);
  // Enters the words of one phrase (keys) into the trie of `index`.
  // names[k]: word k was written capitalized (a proper name: derivation, other alphabets).
  void AddPhrase(uint32_t operand_id, const std::vector<std::string>& keys,
                 const std::vector<bool>& names, const TermAlternative& alt, bool rule_exact,
                 ModeIndex* index);
  // The rule AddOperand attaches operands to (the one being compiled).
  uint32_t current_rule = 0;
};

}  // namespace kuzet::keywords
