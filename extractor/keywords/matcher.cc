#include "extractor/keywords/matcher.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/regex.h>

#include <algorithm>
#include <optional>
#include <span>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "extractor/keywords/key_folder.h"
#include "extractor/keywords/key_trie.h"
#include "extractor/keywords/morphology.h"
#include "extractor/keywords/normalized_text.h"
#include "extractor/keywords/query.h"
#include "extractor/keywords/snippet.h"
#include "extractor/keywords/term_syntax.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

namespace {

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

// A trie payload: word `index` of `phrase`, reachable with tails allowed by `rule`.
struct WordEntry {
  uint32_t phrase = 0;
  uint32_t index = 0;
  TailRule rule = TailRule::kExact;
};

struct ModeIndex {
  KeyTrie trie;
  std::vector<WordEntry> entries;
  std::optional<Morphology> morphology;
};

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

std::string PrimaryLanguage(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

std::string Prefix(const RuleSpec& rule) {
  std::string p = rule.origin.empty() ? "" : rule.origin + ": ";
  return p + "rules." + (rule.id.empty() ? "<no id>" : rule.id) + ": ";
}

// ICU regex time limit, in its steps of roughly a millisecond.
constexpr int32_t kRegexTimeLimit = 1000;

// Sentence punctuation between two words ends a phrase ("trade. Union" is no "trade union").
bool GapAllowsPhrase(std::string_view gap) {
  return gap.find_first_of(".!?;:\n\r") == std::string_view::npos;
}

}  // namespace

struct Matcher::Compiled {
  KeyFolder folder;
  ModeIndex modes[kKeyModeCount];
  std::vector<Operand> operands;
  std::vector<Phrase> phrases;
  std::vector<CompiledRule> rules;
  std::vector<uint32_t> regex_operands;
  std::unique_ptr<icu::BreakIterator> word_breaker;      // prototype; cloned per call
  std::unique_ptr<icu::BreakIterator> sentence_breaker;  // prototype; cloned per call

  explicit Compiled(KeyFolder f) : folder(std::move(f)) {}

  // Registers `written` as operand; errors read "column N: ..." relative to `written`.
  Result<uint32_t> AddOperand(const std::string& written, KeyMode mode, bool rule_exact);
  // The rule AddOperand attaches operands to (the one being compiled).
  uint32_t current_rule = 0;
};

Result<uint32_t> Matcher::Compiled::AddOperand(const std::string& written, KeyMode mode,
                                               bool rule_exact) {
  auto alternatives = ParseTermSyntax(written);
  if (!alternatives.ok()) return alternatives.status();
  const uint32_t operand_id = static_cast<uint32_t>(operands.size());
  Operand operand;
  operand.written = written;
  operand.rule = current_rule;
  operand.mode = mode;
  ModeIndex& index = modes[static_cast<int>(mode)];
  if (!index.morphology) index.morphology.emplace(folder, mode);

  for (const TermAlternative& alt : *alternatives) {
    if (alt.is_regex) {
      UParseError parse_error{};
      UErrorCode status = U_ZERO_ERROR;
      std::shared_ptr<const icu::RegexPattern> pattern(icu::RegexPattern::compile(
          icu::UnicodeString::fromUTF8(alt.regex), UREGEX_CASE_INSENSITIVE, parse_error, status));
      if (U_FAILURE(status) || !pattern) {
        size_t column = alt.column + (parse_error.offset > 0 ? parse_error.offset : 0);
        return Status::InvalidArgument("column " + std::to_string(column) +
                                       ": invalid regular expression: " + u_errorName(status));
      }
      operand.regexes.push_back(std::move(pattern));
      continue;
    }
    std::vector<std::string> words = SplitWords(alt.words, word_breaker.get());
    std::vector<std::string> keys;
    for (const std::string& w : words) {
      std::string key = folder.FoldUtf8(w, mode);
      if (!key.empty()) keys.push_back(std::move(key));
    }
    if (keys.empty()) {
      return Status::InvalidArgument("column " + std::to_string(alt.column) +
                                     ": term has no letters or digits");
    }
    const uint32_t phrase_id = static_cast<uint32_t>(phrases.size());
    phrases.push_back(Phrase{operand_id, static_cast<uint32_t>(keys.size())});
    for (size_t k = 0; k < keys.size(); ++k) {
      std::vector<Morphology::Variant> variants;
      if (alt.prefix && k + 1 == keys.size()) {
        variants = index.morphology->SpellingVariants(keys[k], TailRule::kAnything);
      } else if (alt.exact || rule_exact) {
        variants = index.morphology->SpellingVariants(keys[k], TailRule::kExact);
      } else {
        variants = index.morphology->InflectingVariants(keys[k]);
      }
      for (const auto& v : variants) {
        if (v.key.empty()) continue;
        uint32_t node = index.trie.Insert(v.key);
        index.trie.Attach(node, static_cast<uint32_t>(index.entries.size()));
        index.entries.push_back(WordEntry{phrase_id, static_cast<uint32_t>(k), v.rule});
      }
    }
  }
  if (!operand.regexes.empty()) regex_operands.push_back(operand_id);
  operands.push_back(std::move(operand));
  return operand_id;
}

Matcher::Matcher() = default;
Matcher::~Matcher() = default;
Matcher::Matcher(const Matcher&) = default;
Matcher& Matcher::operator=(const Matcher&) = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::Matcher(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

size_t Matcher::rule_count() const { return compiled_ ? compiled_->rules.size() : 0; }

Result<Matcher> Matcher::Compile(const std::vector<RuleSpec>& rules) {
  try {
    auto folder = KeyFolder::Create();
    if (!folder.ok()) return folder.status();
    auto compiled = std::make_shared<Compiled>(std::move(folder).value());
    UErrorCode status = U_ZERO_ERROR;
    compiled->word_breaker.reset(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    compiled->sentence_breaker.reset(
        icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) {
      return Status::Unavailable(std::string("keywords: ICU break iterators: ") +
                                 u_errorName(status));
    }

    std::unordered_set<std::string> seen_ids;
    for (const RuleSpec& spec : rules) {
      const std::string prefix = Prefix(spec);
      if (spec.id.empty()) return Status::InvalidArgument(prefix + "rule has no id");
      if (!seen_ids.insert(spec.id).second) {
        return Status::InvalidArgument(prefix + "duplicate rule id");
      }
      if (spec.terms.empty() && spec.query.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Status::InvalidArgument(prefix + "rule has neither terms nor a query");
      }
      compiled->current_rule = static_cast<uint32_t>(compiled->rules.size());
      const KeyMode mode = spec.cross_script ? KeyMode::kCrossScript : KeyMode::kPlain;
      CompiledRule rule;
      rule.id = spec.id;
      for (const auto& lang : spec.languages) rule.languages.push_back(PrimaryLanguage(lang));
      rule.sites = spec.sites;
      for (size_t t = 0; t < spec.terms.size(); ++t) {
        auto operand = compiled->AddOperand(spec.terms[t], mode, spec.exact);
        if (!operand.ok()) {
          return Status::InvalidArgument(prefix + "terms[" + std::to_string(t) + "] \"" +
                                         spec.terms[t] + "\": " + operand.status().message());
        }
        rule.term_operands.push_back(*operand);
      }
      if (spec.query.find_first_not_of(" \t\r\n") != std::string::npos) {
        auto query = ParseQuery(spec.query);
        if (!query.ok()) {
          return Status::InvalidArgument(prefix + "query: " + query.status().message());
        }
        rule.query = std::move(query).value();
        if (spec.terms.empty() && !HasPositiveTerm(rule.query)) {
          return Status::InvalidArgument(prefix +
                                         "query: column 1: the query has no term outside NOT and "
                                         "the rule has no terms, so it could never report a match");
        }
        rule.query_operands.assign(rule.query.nodes.size(), -1);
        for (size_t n = 0; n < rule.query.nodes.size(); ++n) {
          const QueryNode& node = rule.query.nodes[n];
          if (node.kind != QueryNode::Kind::kTerm) continue;
          auto operand = compiled->AddOperand(node.term, mode, spec.exact);
          if (!operand.ok()) {
            // Re-base the term's column onto the query.
            std::string message = operand.status().message();
            size_t column = 1;
            if (message.starts_with("column ")) {
              column = std::stoul(message.substr(7));
              message = message.substr(message.find(':') + 2);
            }
            return Status::InvalidArgument(prefix + "query: column " +
                                           std::to_string(node.column + column - 1) + ": " +
                                           message);
          }
          rule.query_operands[n] = static_cast<int>(*operand);
        }
      }
      compiled->rules.push_back(std::move(rule));
    }
    return Matcher(std::move(compiled));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("keywords: compiling rules failed: ") + e.what());
  }
}

namespace {

// Every occurrence of every operand found in one text, grouped by operand. Sparse, so a page
// costs nothing for the many rules it does not mention.
class OccurrenceTable {
 public:
  void Add(const Occurrence& o) { all_.push_back(o); }
  void Finish() {
    std::sort(all_.begin(), all_.end(), [](const Occurrence& a, const Occurrence& b) {
      return std::tie(a.operand, a.u16_begin, a.u16_end) <
             std::tie(b.operand, b.u16_begin, b.u16_end);
    });
    all_.erase(std::unique(all_.begin(), all_.end()), all_.end());
  }
  std::span<const Occurrence> Of(uint32_t operand) const {
    auto lo = std::lower_bound(all_.begin(), all_.end(), operand,
                               [](const Occurrence& o, uint32_t op) { return o.operand < op; });
    auto hi = std::upper_bound(lo, all_.end(), operand,
                               [](uint32_t op, const Occurrence& o) { return op < o.operand; });
    return {lo, hi};
  }
  const std::vector<Occurrence>& all() const { return all_; }

 private:
  std::vector<Occurrence> all_;
};

struct Evaluation {
  bool matched = false;
  std::vector<Occurrence> occurrences;  // positive occurrences that made it match
};

uint32_t WordsBetween(const Occurrence& a, const Occurrence& b) {
  if (a.tok_end <= b.tok_begin) return b.tok_begin - a.tok_end;
  if (b.tok_end <= a.tok_begin) return a.tok_begin - b.tok_end;
  return 0;  // overlapping
}

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

bool Accepts(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || value.empty() ||
         std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

std::vector<Match> Matcher::FindAll(std::string_view utf8_text, std::string_view lang,
                                    std::string_view site_id) const {
  std::vector<Match> matches;
  if (!compiled_ || compiled_->rules.empty() || utf8_text.empty()) return matches;
  const Compiled& c = *compiled_;
  try {
    const std::string language = PrimaryLanguage(lang);
    const std::string site(site_id);
    const unsigned grammars = Morphology::GrammarsForLanguage(language);

    // 1. Words of the text, and which term words each one is (one trie walk per word and mode,
    //    whatever the number of rules).
    std::unique_ptr<icu::BreakIterator> word_breaker(c.word_breaker->clone());
    TextIndex index(utf8_text, word_breaker.get());
    const std::vector<Token>& tokens = index.tokens();
    // News text repeats its words (Zipf), so each distinct word form is folded and walked once
    // per call.
    using Hits = std::vector<std::pair<uint32_t, uint32_t>>;  // (phrase, word index)
    std::vector<Hits> distinct_hits;
    std::unordered_map<std::u16string_view, uint32_t> distinct;
    distinct.reserve(tokens.size() / 2 + 1);
    std::vector<uint32_t> token_form(tokens.size());
    std::string key;
    for (size_t t = 0; t < tokens.size(); ++t) {
      const std::u16string_view form = index.TokenText(tokens[t]);
      auto [it, inserted] = distinct.try_emplace(form, static_cast<uint32_t>(distinct_hits.size()));
      token_form[t] = it->second;
      if (!inserted) continue;
      Hits& form_hits = distinct_hits.emplace_back();
      const bool cyrillic = std::any_of(form.begin(), form.end(),
                                        [](char16_t u) { return u >= 0x0400 && u < 0x0530; });
      for (int m = 0; m < kKeyModeCount; ++m) {
        const ModeIndex& mode_index = c.modes[m];
        if (!mode_index.morphology || mode_index.entries.empty()) continue;
        key = c.folder.Fold(form, static_cast<KeyMode>(m));
        mode_index.trie.Walk(key, [&](size_t consumed, const std::vector<uint32_t>& payloads) {
          const std::string_view tail = std::string_view(key).substr(consumed);
          for (uint32_t p : payloads) {
            const WordEntry& entry = mode_index.entries[p];
            if (entry.rule == TailRule::kCyrillicStem && !cyrillic) continue;
            if (!mode_index.morphology->AcceptsTail(entry.rule, tail, key[consumed - 1],
                                                    grammars)) {
              continue;
            }
            const std::pair<uint32_t, uint32_t> hit(entry.phrase, entry.index);
            if (std::find(form_hits.begin(), form_hits.end(), hit) == form_hits.end()) {
              form_hits.push_back(hit);
            }
          }
        });
      }
    }
    auto hits = [&](size_t t) -> const Hits& { return distinct_hits[token_form[t]]; };

    // 2. Phrases: consecutive words within one sentence.
    OccurrenceTable table;
    for (size_t t = 0; t < tokens.size(); ++t) {
      for (const auto& [phrase_id, word] : hits(t)) {
        if (word != 0) continue;
        const Phrase& phrase = c.phrases[phrase_id];
        if (t + phrase.length > tokens.size()) continue;
        bool whole = true;
        for (uint32_t k = 1; k < phrase.length && whole; ++k) {
          const Token& prev = tokens[t + k - 1];
          const Token& next = tokens[t + k];
          const Hits& next_hits = hits(t + k);
          whole =
              GapAllowsPhrase(utf8_text.substr(prev.byte_end, next.byte_begin - prev.byte_end)) &&
              std::find(next_hits.begin(), next_hits.end(), std::make_pair(phrase_id, k)) !=
                  next_hits.end();
        }
        if (!whole) continue;
        const Token& last = tokens[t + phrase.length - 1];
        table.Add(Occurrence{phrase.operand, static_cast<uint32_t>(t),
                             static_cast<uint32_t>(t + phrase.length), tokens[t].u16_begin,
                             last.u16_end});
      }
    }

    // 3. Regular expressions, on the NFKC-case-folded text (each regex is one more scan).
    std::optional<NormalizedText> normalized;
    for (uint32_t op : c.regex_operands) {
      const CompiledRule& rule = c.rules[c.operands[op].rule];
      if (!Accepts(rule.languages, language) || !Accepts(rule.sites, site)) continue;
      if (!normalized) normalized.emplace(index.text());
      for (const auto& pattern : c.operands[op].regexes) {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::RegexMatcher> matcher(pattern->matcher(normalized->text(), status));
        if (U_FAILURE(status)) continue;
        // A pathological pattern stops after about a second instead of stalling the crawl.
        matcher->setTimeLimit(kRegexTimeLimit, status);
        while (matcher->find(status) && U_SUCCESS(status)) {
          int32_t nb = matcher->start(status), ne = matcher->end(status);
          if (ne <= nb) continue;
          auto [ob, oe] = normalized->SourceRange(nb, ne);
          const size_t bb = index.ByteOffset(ob), be = index.ByteOffset(oe);
          const uint32_t tb = static_cast<uint32_t>(index.TokenAtOrAfter(bb));
          uint32_t te = static_cast<uint32_t>(index.TokenStartingAtOrAfter(be));
          if (te < tb) te = tb;
          table.Add(Occurrence{op, tb, te, ob, oe});
        }
      }
    }
    table.Finish();
    if (table.all().empty()) return matches;

    // 4. Rules that have any occurrence (a rule reports only its positive terms, so no other
    //    rule can match) and whose filters accept the page: any term, and the query if any.
    std::vector<uint32_t> candidates;
    for (const Occurrence& o : table.all()) {
      if (candidates.empty() || candidates.back() != c.operands[o.operand].rule) {
        candidates.push_back(c.operands[o.operand].rule);
      }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    struct Found {
      const CompiledRule* rule;
      Occurrence occurrence;
    };
    std::vector<Found> found;
    for (uint32_t rule_index : candidates) {
      const CompiledRule& rule = c.rules[rule_index];
      if (!Accepts(rule.languages, language) || !Accepts(rule.sites, site)) continue;
      Evaluation result;
      for (uint32_t op : rule.term_operands) {
        auto of = table.Of(op);
        result.occurrences.insert(result.occurrences.end(), of.begin(), of.end());
      }
      result.matched = !result.occurrences.empty();
      if (rule.query.root >= 0) {
        Evaluation query = Evaluate(rule, rule.query.root, table);
        const bool matched = query.matched && (rule.term_operands.empty() || result.matched);
        if (!matched) continue;
        result.occurrences.insert(result.occurrences.end(), query.occurrences.begin(),
                                  query.occurrences.end());
      } else if (!result.matched) {
        continue;
      }
      for (const Occurrence& o : result.occurrences) found.push_back(Found{&rule, o});
    }

    // 5. Text order, each (rule, span) once, with snippets.
    std::sort(found.begin(), found.end(), [&](const Found& a, const Found& b) {
      return std::tie(a.occurrence.u16_begin, a.occurrence.u16_end, a.rule->id,
                      c.operands[a.occurrence.operand].written) <
             std::tie(b.occurrence.u16_begin, b.occurrence.u16_end, b.rule->id,
                      c.operands[b.occurrence.operand].written);
    });
    found.erase(std::unique(found.begin(), found.end(),
                            [](const Found& a, const Found& b) {
                              return a.rule == b.rule &&
                                     a.occurrence.u16_begin == b.occurrence.u16_begin &&
                                     a.occurrence.u16_end == b.occurrence.u16_end;
                            }),
                found.end());
    if (found.empty()) return matches;
    std::unique_ptr<icu::BreakIterator> sentence_breaker(c.sentence_breaker->clone());
    sentence_breaker->setText(index.text());
    matches.reserve(found.size());
    for (const Found& f : found) {
      Match m;
      m.rule_id = f.rule->id;
      m.term = c.operands[f.occurrence.operand].written;
      m.begin = index.ByteOffset(f.occurrence.u16_begin);
      m.end = index.ByteOffset(f.occurrence.u16_end);
      m.surface = std::string(utf8_text.substr(m.begin, m.end - m.begin));
      Snippet snippet =
          MakeSnippet(index, sentence_breaker.get(), f.occurrence.u16_begin, f.occurrence.u16_end);
      m.snippet = std::move(snippet.text);
      m.snippet_begin = snippet.match_begin;
      m.snippet_end = snippet.match_end;
      matches.push_back(std::move(m));
    }
  } catch (const std::exception&) {
    // Allocation failure on a huge page: report what was found so far rather than throw.
  }
  return matches;
}

}  // namespace kuzet::keywords
