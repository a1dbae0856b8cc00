// Matcher::Compile: rules → one trie of term-word keys per key mode (FindAll is in find_all.cc).
#include "extractor/keywords/matcher.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <unordered_set>

#include "extractor/keywords/compiled_rules.h"
#include "extractor/keywords/name_spellings.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

namespace {

// A term word written with a capital is a name: it derives (Мангистау → мангистауский) and is
// also looked for in the other alphabets; "strike" is not (heap/cheap, hat/chat).
bool StartsWithCapital(std::string_view utf8_word) {
  if (utf8_word.empty()) return false;
  UChar32 first = 0;
  int32_t i = 0;
  U8_NEXT(utf8_word.data(), i, static_cast<int32_t>(utf8_word.size()), first);
  return first > 0 && (u_isupper(first) || u_istitle(first));
}

std::string Prefix(const RuleSpec& rule) {
  std::string p = rule.origin.empty() ? "" : rule.origin + ": ";
  return p + "rules." + (rule.id.empty() ? "<no id>" : rule.id) + ": ";
}

}  // namespace

std::string PrimaryLanguage(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out == "und" || out == "un" ? "" : out;
}

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
  if (!index.morphology) index.morphology = &folder.SharedMorphology(mode);

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
    std::vector<std::string> words = SplitWords(alt.words, term_breaker.get());
    std::vector<std::string> keys;
    std::vector<bool> names;
    for (const std::string& w : words) {
      std::string key = folder.FoldUtf8(w, mode);
      if (key.empty()) continue;
      keys.push_back(std::move(key));
      names.push_back(StartsWithCapital(w));
    }
    if (keys.empty()) {
      return Status::InvalidArgument("column " + std::to_string(alt.column) +
                                     ": term has no letters or digits");
    }
    AddPhrase(operand_id, keys, names, alt, rule_exact, &index);
    // A hyphenated term is also written as one word: Жаңа-Өзен / Жаңаөзен.
    if (keys.size() > 1 && alt.words.find_first_of(" \t") == std::string::npos) {
      std::string joined = alt.words;
      std::erase(joined, '-');
      std::vector<std::string> joined_words = SplitWords(joined, term_breaker.get());
      if (joined_words.size() == 1) {
        AddPhrase(operand_id, {folder.FoldUtf8(joined_words[0], mode)},
                  {StartsWithCapital(joined_words[0])}, alt, rule_exact, &index);
      }
    }
  }
  if (!operand.regexes.empty()) regex_operands.push_back(operand_id);
  operands.push_back(std::move(operand));
  return operand_id;
}

void Matcher::Compiled::AddPhrase(uint32_t operand_id, const std::vector<std::string>& keys,
                                  const std::vector<bool>& names, const TermAlternative& alt,
                                  bool rule_exact, ModeIndex* index) {
  const uint32_t phrase_id = static_cast<uint32_t>(phrases.size());
  phrases.push_back(Phrase{operand_id, static_cast<uint32_t>(keys.size())});
  const bool cross = index == &modes[static_cast<int>(KeyMode::kCrossScript)];
  for (size_t k = 0; k < keys.size(); ++k) {
    const bool name = names[k];
    // A name also under its spellings in the other alphabets (name_spellings.h). Those of
    // another orthography are Latin and inflect on their whole key only; the k/h swap
    // (Казахстан / Қазақстан) is a spelling of the name itself.
    std::vector<std::pair<std::string, bool>> spellings = {{keys[k], false}};
    if (cross && name && CodePointCount(keys[k]) >= kMinOtherSpellingLength) {
      for (OtherSpelling& other : OtherSpellingKeys(folder, keys[k])) {
        spellings.emplace_back(std::move(other.key), other.latin_only);
      }
    }
    std::vector<Morphology::Variant> variants;
    for (const auto& [spelling, latin_only] : spellings) {
      std::vector<Morphology::Variant> of;
      if (alt.prefix && k + 1 == keys.size()) {
        of = index->morphology->SpellingVariants(spelling, TailRule::kAnything);
      } else if (alt.exact || rule_exact) {
        of = index->morphology->SpellingVariants(spelling, TailRule::kExact);
      } else {
        of = index->morphology->InflectingVariants(spelling, name);
      }
      for (Morphology::Variant& v : of) {
        if (latin_only) {
          if (v.tail.rule == TailRule::kCyrillicStem) continue;
          v.tail.latin_only = true;
          v.tail.derives = v.tail.derives_resident = false;
        }
        variants.push_back(std::move(v));
      }
    }
    for (const auto& v : variants) {
      if (v.key.empty()) continue;
      uint32_t node = index->trie.Insert(v.key);
      index->trie.Attach(node, static_cast<uint32_t>(index->entries.size()));
      index->entries.push_back(WordEntry{phrase_id, static_cast<uint32_t>(k), v.tail});
    }
  }
}

Matcher::Matcher() = default;
Matcher::~Matcher() = default;
Matcher::Matcher(const Matcher&) = default;
Matcher& Matcher::operator=(const Matcher&) = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::Matcher(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

size_t Matcher::rule_count() const { return compiled_ ? compiled_->rules.size() : 0; }

TextBreakers::TextBreakers() = default;
TextBreakers::~TextBreakers() = default;
TextBreakers::TextBreakers(TextBreakers&&) noexcept = default;
TextBreakers& TextBreakers::operator=(TextBreakers&&) noexcept = default;
TextBreakers::TextBreakers(std::unique_ptr<Iterators> iterators)
    : iterators_(std::move(iterators)) {}

TextBreakers Matcher::NewTextBreakers() const {
  if (!compiled_) return TextBreakers();
  auto iterators = std::make_unique<TextBreakers::Iterators>();
  iterators->words.reset(compiled_->word_breaker->clone());
  iterators->sentences.reset(compiled_->sentence_breaker->clone());
  if (iterators->words == nullptr || iterators->sentences == nullptr) return TextBreakers();
  return TextBreakers(std::move(iterators));
}

Result<Matcher> Matcher::Compile(const std::vector<RuleSpec>& rules) {
  auto folder = KeyFolder::Create();
  if (!folder.ok()) return folder.status();
  return Compile(rules, *folder);
}

Result<Matcher> Matcher::Compile(const std::vector<RuleSpec>& rules, const KeyFolder& folder) {
  try {
    auto compiled = std::make_shared<Compiled>(folder);
    UErrorCode status = U_ZERO_ERROR;
    compiled->word_breaker.reset(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    compiled->sentence_breaker.reset(
        icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) {
      return Status::Unavailable(std::string("keywords: ICU break iterators: ") +
                                 u_errorName(status));
    }
    compiled->term_breaker.reset(compiled->word_breaker->clone());

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
      const auto too_many_terms = [&] {
        return Status::InvalidArgument(prefix + "more than " + std::to_string(kMaxTerms) +
                                       " terms in all rules together");
      };
      for (size_t t = 0; t < spec.terms.size(); ++t) {
        if (compiled->operands.size() >= kMaxTerms) return too_many_terms();
        if (spec.terms[t].size() > kMaxTermBytes) {
          return Status::InvalidArgument(
              prefix + "terms[" + std::to_string(t) + "]: " + std::to_string(spec.terms[t].size()) +
              " bytes, more than the " + std::to_string(kMaxTermBytes) + " a term may have");
        }
        auto operand = compiled->AddOperand(spec.terms[t], mode, spec.exact);
        if (!operand.ok()) {
          return Status::InvalidArgument(prefix + "terms[" + std::to_string(t) + "] \"" +
                                         spec.terms[t] + "\": " + operand.status().message());
        }
        rule.term_operands.push_back(*operand);
      }
      if (spec.query.find_first_not_of(" \t\r\n") != std::string::npos) {
        if (spec.query.size() > kMaxQueryBytes) {
          return Status::InvalidArgument(prefix + "query: " + std::to_string(spec.query.size()) +
                                         " bytes, more than the " + std::to_string(kMaxQueryBytes) +
                                         " a query may have");
        }
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
      if (compiled->operands.size() > kMaxTerms) return too_many_terms();  // its query's terms
      compiled->rules.push_back(std::move(rule));
    }
    compiled->term_breaker.reset();
    for (ModeIndex& mode : compiled->modes) {
      mode.automaton = DoubleArrayTrie(mode.trie);
      mode.trie = KeyTrie();
    }
    return Matcher(std::move(compiled));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("keywords: compiling rules failed: ") + e.what());
  }
}

}  // namespace kuzet::keywords
