#include "extractor/keywords/matcher.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/regex.h>

#include <algorithm>
#include <optional>
#include <tuple>
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
  Query query;              // root < 0: none
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
  std::unique_ptr<icu::BreakIterator> word_breaker;      // prototype; cloned per call
  std::unique_ptr<icu::BreakIterator> sentence_breaker;  // prototype; cloned per call

  explicit Compiled(KeyFolder f) : folder(std::move(f)) {}

  // Registers `written` as operand; errors read "column N: ..." relative to `written`.
  Result<uint32_t> AddOperand(const std::string& written, KeyMode mode, bool rule_exact);
};

Result<uint32_t> Matcher::Compiled::AddOperand(const std::string& written, KeyMode mode,
                                               bool rule_exact) {
  auto alternatives = ParseTermSyntax(written);
  if (!alternatives.ok()) return alternatives.status();
  const uint32_t operand_id = static_cast<uint32_t>(operands.size());
  Operand operand;
  operand.written = written;
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

struct Evaluation {
  bool matched = false;
  std::vector<Occurrence> occurrences;  // positive occurrences that made it match
};

uint32_t WordsBetween(const Occurrence& a, const Occurrence& b) {
  if (a.tok_end <= b.tok_begin) return b.tok_begin - a.tok_end;
  if (b.tok_end <= a.tok_begin) return a.tok_begin - b.tok_end;
  return 0;  // overlapping
}

Evaluation Evaluate(const CompiledRule& rule, int node_index,
                    const std::vector<std::vector<Occurrence>>& by_operand) {
  const QueryNode& node = rule.query.nodes[node_index];
  Evaluation out;
  switch (node.kind) {
    case QueryNode::Kind::kTerm:
      out.occurrences = by_operand[rule.query_operands[node_index]];
      out.matched = !out.occurrences.empty();
      return out;
    case QueryNode::Kind::kNot:
      out.matched = !Evaluate(rule, node.left, by_operand).matched;
      return out;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr: {
      Evaluation l = Evaluate(rule, node.left, by_operand);
      Evaluation r = Evaluate(rule, node.right, by_operand);
      out.matched = node.kind == QueryNode::Kind::kAnd ? (l.matched && r.matched)
                                                       : (l.matched || r.matched);
      if (out.matched) {
        out.occurrences = std::move(l.occurrences);
        out.occurrences.insert(out.occurrences.end(), r.occurrences.begin(),
                               r.occurrences.end());
      }
      return out;
    }
    case QueryNode::Kind::kNear: {
      Evaluation l = Evaluate(rule, node.left, by_operand);
      Evaluation r = Evaluate(rule, node.right, by_operand);
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
  if (!compiled_ || utf8_text.empty()) return matches;
  const Compiled& c = *compiled_;
  try {
    // 1. Rules whose filters accept this page, and the operands they need.
    const std::string language = PrimaryLanguage(lang);
    const std::string site(site_id);
    std::vector<const CompiledRule*> active;
    std::vector<bool> operand_active(c.operands.size(), false);
    for (const CompiledRule& rule : c.rules) {
      if (!Accepts(rule.languages, language) || !Accepts(rule.sites, site)) continue;
      active.push_back(&rule);
      for (uint32_t op : rule.term_operands) operand_active[op] = true;
      for (int op : rule.query_operands) {
        if (op >= 0) operand_active[op] = true;
      }
    }
    if (active.empty()) return matches;
    const unsigned grammars = Morphology::GrammarsForLanguage(language);
    bool mode_needed[kKeyModeCount] = {false, false};
    bool regex_needed = false;
    for (size_t op = 0; op < c.operands.size(); ++op) {
      if (!operand_active[op]) continue;
      mode_needed[static_cast<int>(c.operands[op].mode)] = true;
      regex_needed = regex_needed || !c.operands[op].regexes.empty();
    }

    // 2. Words of the text, and which term words each one is.
    std::unique_ptr<icu::BreakIterator> word_breaker(c.word_breaker->clone());
    TextIndex index(utf8_text, word_breaker.get());
    const std::vector<Token>& tokens = index.tokens();
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> hits(tokens.size());  // phrase, word
    for (int m = 0; m < kKeyModeCount; ++m) {
      if (!mode_needed[m] || !c.modes[m].morphology) continue;
      const ModeIndex& mode_index = c.modes[m];
      for (size_t t = 0; t < tokens.size(); ++t) {
        const std::string key = c.folder.Fold(index.TokenText(tokens[t]), static_cast<KeyMode>(m));
        mode_index.trie.Walk(key, [&](size_t consumed, const std::vector<uint32_t>& payloads) {
          const std::string_view tail = std::string_view(key).substr(consumed);
          for (uint32_t p : payloads) {
            const WordEntry& entry = mode_index.entries[p];
            if (!operand_active[c.phrases[entry.phrase].operand]) continue;
            if (!mode_index.morphology->AcceptsTail(entry.rule, tail, key[consumed - 1], grammars)) continue;
            hits[t].emplace_back(entry.phrase, entry.index);
          }
        });
      }
    }

    // 3. Phrases: consecutive words within one sentence.
    std::vector<std::vector<Occurrence>> by_operand(c.operands.size());
    for (size_t t = 0; t < tokens.size(); ++t) {
      for (const auto& [phrase_id, word] : hits[t]) {
        if (word != 0) continue;
        const Phrase& phrase = c.phrases[phrase_id];
        if (t + phrase.length > tokens.size()) continue;
        bool whole = true;
        for (uint32_t k = 1; k < phrase.length && whole; ++k) {
          const Token& prev = tokens[t + k - 1];
          const Token& next = tokens[t + k];
          const auto& next_hits = hits[t + k];
          whole = GapAllowsPhrase(utf8_text.substr(prev.byte_end, next.byte_begin - prev.byte_end)) &&
                  std::find(next_hits.begin(), next_hits.end(), std::make_pair(phrase_id, k)) !=
                      next_hits.end();
        }
        if (!whole) continue;
        const Token& last = tokens[t + phrase.length - 1];
        by_operand[phrase.operand].push_back(
            Occurrence{phrase.operand, static_cast<uint32_t>(t),
                       static_cast<uint32_t>(t + phrase.length), tokens[t].u16_begin,
                       last.u16_end});
      }
    }

    // 4. Regular expressions, on the NFKC-case-folded text.
    if (regex_needed) {
      NormalizedText normalized(index.text());
      for (size_t op = 0; op < c.operands.size(); ++op) {
        if (!operand_active[op]) continue;
        for (const auto& pattern : c.operands[op].regexes) {
          UErrorCode status = U_ZERO_ERROR;
          std::unique_ptr<icu::RegexMatcher> matcher(pattern->matcher(normalized.text(), status));
          if (U_FAILURE(status)) continue;
          while (matcher->find(status) && U_SUCCESS(status)) {
            int32_t nb = matcher->start(status), ne = matcher->end(status);
            if (ne <= nb) continue;
            auto [ob, oe] = normalized.SourceRange(nb, ne);
            const size_t bb = index.ByteOffset(ob), be = index.ByteOffset(oe);
            const uint32_t tb = static_cast<uint32_t>(index.TokenAtOrAfter(bb));
            uint32_t te = static_cast<uint32_t>(index.TokenStartingAtOrAfter(be));
            if (te < tb) te = tb;
            by_operand[op].push_back(
                Occurrence{static_cast<uint32_t>(op), tb, te, ob, oe});
          }
        }
      }
    }
    for (auto& list : by_operand) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }

    // 5. Rules: any term, and the query when there is one.
    struct Found {
      const CompiledRule* rule;
      Occurrence occurrence;
    };
    std::vector<Found> found;
    for (const CompiledRule* rule : active) {
      Evaluation terms;
      for (uint32_t op : rule->term_operands) {
        terms.occurrences.insert(terms.occurrences.end(), by_operand[op].begin(),
                                 by_operand[op].end());
      }
      terms.matched = !terms.occurrences.empty();
      Evaluation result = std::move(terms);
      if (rule->query.root >= 0) {
        Evaluation query = Evaluate(*rule, rule->query.root, by_operand);
        const bool matched = query.matched && (rule->term_operands.empty() || result.matched);
        if (!matched) continue;
        result.occurrences.insert(result.occurrences.end(), query.occurrences.begin(),
                                  query.occurrences.end());
      } else if (!result.matched) {
        continue;
      }
      for (const Occurrence& o : result.occurrences) found.push_back(Found{rule, o});
    }

    // 6. Text order, each (rule, span) once, with snippets.
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
      Snippet snippet = MakeSnippet(index, sentence_breaker.get(), f.occurrence.u16_begin,
                                    f.occurrence.u16_end);
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
