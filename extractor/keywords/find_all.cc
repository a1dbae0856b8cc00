// Matcher::FindAll: words → keys → trie hits → phrases and regexes → rules → matches.
#include <unicode/brkiter.h>
#include <unicode/regex.h>

#include <algorithm>
#include <array>
#include <bit>
#include <memory>
#include <optional>
#include <span>
#include <tuple>

#include "extractor/keywords/compiled_rules.h"
#include "extractor/keywords/matcher.h"
#include "extractor/keywords/normalized_text.h"
#include "extractor/keywords/rule_evaluation.h"
#include "extractor/keywords/search_keys.h"
#include "extractor/keywords/snippet.h"
#include "extractor/keywords/surname_context.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

namespace {

// ICU regex time limit, in its steps of roughly a millisecond.
constexpr int32_t kRegexTimeLimit = 1000;

// Sentence punctuation between two words ends a phrase ("trade. Union" is no "trade union").
bool GapAllowsPhrase(std::string_view gap) {
  return gap.find_first_of(".!?;:\n\r") == std::string_view::npos;
}

bool Accepts(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || value.empty() ||
         std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// Words a term word's match reads past its own: a hyphen-joined pair's second word, and the two
// after a masculine surname (surname_context.h).
constexpr size_t kWordsReadPastATermWord = 3;

// The start of `text` that holds its token `last` and kWordsReadPastATermWord more, cut after a
// line feed (the whole text when there is none past them), with its TextIndex in *index. UAX #29
// always breaks words (WB3a) and sentences (SB4) after a line feed, and the invalid UTF-8 FindAll
// reads as U+FFFD never spans an ASCII byte, so the tokens, offsets and sentences of the start
// are the whole text's: FindAll on it gives the whole text's matches of the words up to `last`.
// Breaking a news text into words is most of the time FindAllAt takes (ICU), and a search hit's
// term words are often in its first paragraphs. A first guess of 12 bytes a word where the text
// is Latin, up to 18 as more of its bytes are two-byte letters' (a Russian word and its space
// average ~14 bytes: with 12, a fifth of Russian hits broke their start twice), doubled while
// too short.
std::string_view TextThroughToken(std::string_view text, size_t last, icu::BreakIterator* breaker,
                                  std::optional<TextIndex>& index) {
  const size_t need = last + 1 + kWordsReadPastATermWord;
  const size_t head = std::min(need * 12, text.size());
  const size_t non_ascii = static_cast<size_t>(
      std::count_if(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(head),
                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  size_t guess = need * (12 + (head == 0 ? 0 : (6 * non_ascii + head / 2) / head));
  for (;;) {
    size_t cut = text.size();
    if (guess < text.size()) {
      const size_t line_feed = text.find('\n', guess);
      if (line_feed != std::string_view::npos) cut = line_feed + 1;
    }
    index.emplace(text.substr(0, cut), breaker);
    if (cut == text.size() || index->tokens().size() >= need) return text.substr(0, cut);
    guess = cut * 2;
  }
}

}  // namespace

std::vector<Match> Matcher::FindAll(std::string_view utf8_text, std::string_view lang,
                                    std::string_view site_id,
                                    std::vector<std::string>* regex_timeouts) const {
  return FindAll(utf8_text, lang, site_id, regex_timeouts, nullptr);
}

std::vector<Match> Matcher::FindAll(std::string_view utf8_text, std::string_view lang,
                                    std::string_view site_id,
                                    std::vector<std::string>* regex_timeouts,
                                    std::optional<SearchKeyPositions>* search_keys,
                                    TextBreakers* breakers) const {
  return Find(utf8_text, lang, site_id, regex_timeouts, search_keys, nullptr, breakers);
}

std::vector<Match> Matcher::FindAllAt(std::string_view utf8_text, std::string_view lang,
                                      std::string_view site_id,
                                      std::span<const uint32_t> word_tokens, TextBreakers* breakers,
                                      std::span<const TokenCheckpoint> checkpoints) const {
  // Only the cross-script keys are indexed: a regex or another mode's term reads every word.
  const bool other_terms =
      compiled_ != nullptr &&
      (!compiled_->regex_operands.empty() ||
       std::any_of(std::begin(compiled_->modes), std::end(compiled_->modes),
                   [&](const ModeIndex& mode) {
                     return &mode != &compiled_->modes[static_cast<int>(KeyMode::kCrossScript)] &&
                            !mode.entries.empty();
                   }));
  if (other_terms) return Find(utf8_text, lang, site_id, nullptr, nullptr, nullptr, breakers);
  const TokenCheckpoint from = word_tokens.empty()
                                   ? TokenCheckpoint{}
                                   : CheckpointBefore(checkpoints, utf8_text, word_tokens.front());
  if (from.byte == 0) {
    return Find(utf8_text, lang, site_id, nullptr, nullptr, &word_tokens, breakers);
  }
  // The text from the checkpoint on, its words numbered from there.
  std::vector<uint32_t> rebased(word_tokens.begin(), word_tokens.end());
  for (uint32_t& t : rebased) t -= from.token;
  const std::span<const uint32_t> rebased_tokens(rebased);
  std::vector<Match> matches =
      Find(utf8_text.substr(from.byte), lang, site_id, nullptr, nullptr, &rebased_tokens, breakers);
  for (Match& m : matches) {
    m.begin += from.byte;
    m.end += from.byte;
  }
  return matches;
}

std::vector<Match> Matcher::Find(std::string_view utf8_text, std::string_view lang,
                                 std::string_view site_id, std::vector<std::string>* regex_timeouts,
                                 std::optional<SearchKeyPositions>* search_keys,
                                 const std::span<const uint32_t>* word_tokens,
                                 TextBreakers* breakers) const {
  std::vector<Match> matches;
  if (regex_timeouts != nullptr) regex_timeouts->clear();
  if (search_keys != nullptr) search_keys->reset();
  if (!compiled_) return matches;
  if (utf8_text.empty()) {
    if (search_keys != nullptr) search_keys->emplace();
    return matches;
  }
  // Without rules the pass over the words runs only for the search keys.
  if (compiled_->rules.empty() && search_keys == nullptr) return matches;
  const Compiled& c = *compiled_;
  // The cross-script key of every distinct word form and hyphen-joined pair, as find_hits folds
  // them (search_keys.h).
  std::optional<SearchKeySet> key_set;
  if (search_keys != nullptr) key_set.emplace();
  try {
    const std::string language = PrimaryLanguage(lang);
    const std::string site(site_id);
    const unsigned grammars = Morphology::GrammarsForLanguage(language);
    const bool latin_declension = Morphology::DeclinesLatinNames(language);

    // 1. Words of the text, and which term words each one is (one trie walk per word and mode,
    //    whatever the number of rules).
    TextBreakers::Iterators own;
    TextBreakers::Iterators& iterators =
        breakers != nullptr && !breakers->empty() ? *breakers->iterators_ : own;
    if (iterators.words == nullptr) iterators.words.reset(c.word_breaker->clone());
    std::optional<TextIndex> index_of;
    if (word_tokens != nullptr) {
      utf8_text = TextThroughToken(utf8_text, word_tokens->empty() ? 0 : word_tokens->back(),
                                   iterators.words.get(), index_of);
    } else {
      index_of.emplace(utf8_text, iterators.words.get());
    }
    const TextIndex& index = *index_of;
    const std::vector<Token>& tokens = index.tokens();
    // News text repeats its words (Zipf), so each distinct word form is folded and walked once
    // per call.
    using Hits = std::vector<std::pair<uint32_t, uint32_t>>;  // (phrase, word index)
    std::vector<Hits> distinct_hits;
    // Hits of a masculine surname through its -а form (Козлова): they count only where the
    // words around do not name a woman (surname_context.h), so they are kept per form apart.
    std::vector<Hits> distinct_masculine_hits;
    std::vector<std::u16string_view> distinct_forms;
    // Open addressing (form id per slot, kEmptySlot when free): no allocation per word form.
    constexpr uint32_t kEmptySlot = UINT32_MAX;
    std::vector<uint32_t> slots(std::bit_ceil(tokens.size() * 2 + 2), kEmptySlot);
    const size_t slot_mask = slots.size() - 1;
    std::vector<uint32_t> token_form(tokens.size());
    std::vector<int> distinct_key;  // each form's SearchKeySet handle, when keys are collected
    std::string key, scratch;
    // Returns the form's SearchKeySet handle (-1 when keys are not collected or it has none).
    auto find_hits = [&](std::u16string_view form, Hits* form_hits, Hits* masculine_hits) {
      int key_handle = -1;
      const Morphology::TextWord word = Morphology::WordOf(form, grammars, latin_declension);
      for (int m = 0; m < kKeyModeCount; ++m) {
        const ModeIndex& mode_index = c.modes[m];
        const bool walk = mode_index.morphology && !mode_index.entries.empty();
        const bool collect = key_set && static_cast<KeyMode>(m) == KeyMode::kCrossScript;
        if (!walk && !collect) continue;
        c.folder.Fold(form, static_cast<KeyMode>(m), &key, &scratch);
        if (collect) key_handle = key_set->Add(key, WordClassOf(word));
        if (!walk) continue;
        ForEachMatchingEntry(
            mode_index, key, word, [&](const WordEntry& entry, std::string_view tail) {
              const std::pair<uint32_t, uint32_t> hit(entry.phrase, entry.index);
              Hits* into = entry.tail.masculine_surname &&
                                   mode_index.morphology->TailNeedsMasculineContext(tail)
                               ? masculine_hits
                               : form_hits;
              if (std::find(into->begin(), into->end(), hit) == into->end()) {
                into->push_back(hit);
              }
            });
      }
      return key_handle;
    };
    // With word_tokens, the other tokens are one form without hits, never folded.
    std::vector<bool> is_word_token;
    if (word_tokens != nullptr) {
      is_word_token.resize(tokens.size());
      for (const uint32_t t : *word_tokens) {
        if (t < tokens.size()) is_word_token[t] = true;
      }
      distinct_forms.emplace_back();
      distinct_hits.emplace_back();
      distinct_masculine_hits.emplace_back();
      distinct_key.push_back(-1);
    }
    // Each token's form id. The hash is first the standard library's (fast: it runs for every
    // token); should one form need more than kMaxFormProbes probes, which words all but never
    // do by chance at this load (at most half the slots used) but words picked offline to share
    // a slot of a fixed hash do, the pass starts over with the matcher's keyed hash
    // (base/keyed_hash.h), whose slots cannot be predicted. A rare switch by chance costs one
    // more pass over the words, never a wrong answer.
    constexpr size_t kMaxFormProbes = 32;
    const size_t fixed_forms = distinct_forms.size();  // the form without hits, if any
    auto assign_forms = [&](bool keyed) {
      for (size_t t = 0; t < tokens.size(); ++t) {
        if (word_tokens != nullptr && !is_word_token[t]) {
          token_form[t] = 0;  // the form without hits
          continue;
        }
        const std::u16string_view form = index.TokenText(tokens[t]);
        size_t slot =
            (keyed ? c.form_hash(form) : std::hash<std::u16string_view>{}(form)) & slot_mask;
        for (size_t probes = 0; slots[slot] != kEmptySlot && distinct_forms[slots[slot]] != form;
             ++probes) {
          if (probes == kMaxFormProbes && !keyed) return false;
          slot = (slot + 1) & slot_mask;
        }
        if (slots[slot] == kEmptySlot) {
          slots[slot] = static_cast<uint32_t>(distinct_forms.size());
          distinct_forms.push_back(form);
        }
        token_form[t] = slots[slot];
      }
      return true;
    };
    if (!assign_forms(/*keyed=*/false)) {
      std::fill(slots.begin(), slots.end(), kEmptySlot);
      distinct_forms.resize(fixed_forms);
      assign_forms(/*keyed=*/true);
    }
    // Each distinct form folded and looked up once, in the order of first occurrence.
    distinct_hits.resize(distinct_forms.size());
    distinct_masculine_hits.resize(distinct_forms.size());
    for (size_t f = fixed_forms; f < distinct_forms.size(); ++f) {
      distinct_key.push_back(
          find_hits(distinct_forms[f], &distinct_hits[f], &distinct_masculine_hits[f]));
    }
    if (key_set) {
      for (size_t t = 0; t < tokens.size(); ++t)
        key_set->AddPosition(distinct_key[token_form[t]], t);
    }
    // Per token: its form's hits, plus the masculine-surname ones where the context allows
    // (only pages with such a form pay for the per-token table).
    const bool any_masculine =
        std::any_of(distinct_masculine_hits.begin(), distinct_masculine_hits.end(),
                    [](const Hits& h) { return !h.empty(); });
    std::vector<const Hits*> token_hits(any_masculine ? tokens.size() : 0);
    std::vector<std::unique_ptr<Hits>> contextual_hits;
    for (size_t t = 0; t < token_hits.size(); ++t) {
      const uint32_t form = token_form[t];
      token_hits[t] = &distinct_hits[form];
      const Hits& masculine = distinct_masculine_hits[form];
      // Kazakh has no genitive in -а: on a Kazakh page Назарбаева is always a woman.
      if (masculine.empty() || language == "kk" || c.surname_context.NamesAWoman(index, t)) {
        continue;
      }
      auto merged = std::make_unique<Hits>(distinct_hits[form]);
      for (const auto& hit : masculine) {
        if (std::find(merged->begin(), merged->end(), hit) == merged->end()) merged->push_back(hit);
      }
      token_hits[t] = merged.get();
      contextual_hits.push_back(std::move(merged));
    }
    auto hits = [&](size_t t) -> const Hits& {
      return any_masculine ? *token_hits[t] : distinct_hits[token_form[t]];
    };

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

    // A hyphenated word is also read as one (Жаңа-Өзен / Жаңаөзен): single-word terms only.
    Hits joined_hits, joined_masculine_hits;
    std::u16string joined;
    for (size_t t = 0; t + 1 < tokens.size(); ++t) {
      if (!index.HyphenJoined(t)) continue;
      // A joined pair that can be a term word is at both of its words (search_keys.h).
      if (word_tokens != nullptr && !(is_word_token[t] && is_word_token[t + 1])) continue;
      joined.assign(index.TokenText(tokens[t]));
      joined.append(index.TokenText(tokens[t + 1]));
      joined_hits.clear();
      joined_masculine_hits.clear();
      const int joined_key = find_hits(joined, &joined_hits, &joined_masculine_hits);
      if (key_set) {  // a joined pair is at both of its words (search_keys.h)
        key_set->AddPosition(joined_key, t);
        key_set->AddPosition(joined_key, t + 1);
      }
      for (const auto& hit : joined_hits) {
        const Phrase& phrase = c.phrases[hit.first];
        if (phrase.length != 1) continue;
        // Either half alone already matches (Zhanaozen* in Жанаозен-2011): keep that.
        const Hits& left = hits(t);
        const Hits& right = hits(t + 1);
        if (std::find(left.begin(), left.end(), hit) != left.end() ||
            std::find(right.begin(), right.end(), hit) != right.end()) {
          continue;
        }
        table.Add(Occurrence{phrase.operand, static_cast<uint32_t>(t), static_cast<uint32_t>(t + 2),
                             tokens[t].u16_begin, tokens[t + 1].u16_end});
      }
    }

    // Every form and pair is folded by now: the search keys are complete.
    if (key_set) {
      *search_keys = std::move(*key_set).Take();
      (*search_keys)->checkpoints = TokenCheckpointsOf(index);
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
        // U_REGEX_TIME_OUT (or U_REGEX_STACK_OVERFLOW): the scan stopped early, the rest of
        // the page is unsearched for this term.
        if (U_FAILURE(status) && regex_timeouts != nullptr &&
            std::find(regex_timeouts->begin(), regex_timeouts->end(), rule.id) ==
                regex_timeouts->end()) {
          regex_timeouts->push_back(rule.id);
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
    if (iterators.sentences == nullptr) iterators.sentences.reset(c.sentence_breaker->clone());
    iterators.sentences->setText(index.text());
    // `found` is in text order: no snippet needs a sentence before the first match's.
    SentenceBreaks sentences(iterators.sentences.get(), found.front().occurrence.u16_begin);
    matches.reserve(found.size());
    for (const Found& f : found) {
      Match m;
      m.rule_id = f.rule->id;
      m.term = c.operands[f.occurrence.operand].written;
      m.begin = index.ByteOffset(f.occurrence.u16_begin);
      m.end = index.ByteOffset(f.occurrence.u16_end);
      m.surface = std::string(utf8_text.substr(m.begin, m.end - m.begin));
      Snippet snippet =
          MakeSnippet(index, &sentences, f.occurrence.u16_begin, f.occurrence.u16_end);
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
