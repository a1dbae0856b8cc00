// Match keys: the folded form of one word under which terms and text are compared.
//
// Plain keys (rules with cross_script = false): NFKC + full case folding, Latin diacritics
// removed, ё→е, apostrophes and stray combining marks dropped. The script is kept, so a Cyrillic
// term matches only Cyrillic text.
//
// Cross-script keys (the default): the plain steps, then a per-letter map — written as ICU
// Transliterator rules of our own (stock Any-Latin turns қ into "kˌ") — from Russian and Kazakh
// Cyrillic and Kazakh Latin (2018 acute and 2021 alphabets) to a simplified Latin skeleton, then
// collapses romanization variants: zh/dzh/dj→j, kh→h, shch→sh, x→ks, ck→k, ph→f, y→i, i between
// vowels dropped (ya/ia, Tuletayeva/Tuletaeva), io after a consonant → e (Fyodor/Фёдор), a
// leading ie→e (Yerlan/Ерлан), doubled letters collapsed. Жанаозен, Жаңаөзен, Zhanaozen,
// Janaózen and Jañaözen all become "janaozen".
//
// A word that mixes Cyrillic with ASCII letters has its Latin look-alikes (a c e o p x y, A B C E
// H K M O P T X Y) read as Cyrillic first: old sites and keyboard-layout slips write "Забаcтовка"
// with a Latin c.
//
// The transliterator runs once per code point when the folder is built; folding a word is then
// a table lookup per letter, which keeps FindAll fast and free of ICU transliterator state
// (RuleBasedTransliterator is not safe for concurrent use of one instance).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::keywords {

class Morphology;

enum class KeyMode { kPlain = 0, kCrossScript = 1 };
inline constexpr int kKeyModeCount = 2;

class KeyFolder {
 public:
  static Result<KeyFolder> Create();

  // The key of one word given as UTF-16 code units (a word from ICU BreakIterator).
  std::string Fold(std::u16string_view word, KeyMode mode) const;
  // The same into *key, reusing the capacity of *key and *scratch (FindAll folds every word).
  void Fold(std::u16string_view word, KeyMode mode, std::string* key, std::string* scratch) const;
  // Convenience for UTF-8 input (terms, suffix lists).
  std::string FoldUtf8(std::string_view word, KeyMode mode) const;

  // The ending tables (morphology.h) of `mode` under this folder, built on first use and shared
  // by every copy of it, from any thread: a search compiles a matcher for each query, and
  // building them was most of its compile (~0.2 ms). Lives as long as the last copy.
  const Morphology& SharedMorphology(KeyMode mode) const;

 private:
  struct MorphologyCache;
  KeyFolder() = default;
  void MapCodePoint(char32_t cp, KeyMode mode, std::string* out) const;
  // Fills unit_keys_ (after replacement_index_).
  void BuildUnitKeys();
  // Appends the mapped form of `word` from unit_keys_ to *out; false (and *out unspecified) when
  // a code unit of it is not in the table.
  bool MapFromUnitTable(std::u16string_view word, KeyMode mode, std::string* out) const;
  // The general path: ICU's NFKC case folding of the whole word, then the letter map and the
  // apostrophe letters, into *mapped (overwritten).
  void MapThroughNormalizer(std::u16string_view word, KeyMode mode, std::string* mapped) const;

  // Per mode and code point below kTableLimit: index into replacements_ (UTF-8), or -1 when the
  // code point passes unchanged. A flat table: folding runs once per letter of every page.
  static constexpr char32_t kTableLimit = 0x1F00;
  std::vector<std::vector<int16_t>> replacement_index_;
  std::vector<std::string> replacements_;

  // Per mode and UTF-16 code unit below kTableLimit: the mapped bytes of the unit's NFKC case
  // fold, as (offset into unit_key_bytes_ << 8 | length), or kNotInTable. Only for units that
  // never interact with what precedes them in normalization (ICU hasBoundaryBefore) and are no
  // apostrophe: a word made only of such units normalizes unit by unit, so folding it is table
  // lookups instead of a call to ICU's normalizer (the letters of Cyrillic and Latin text).
  static constexpr uint32_t kNotInTable = UINT32_MAX;
  std::vector<std::vector<uint32_t>> unit_keys_;
  std::string unit_key_bytes_;
  size_t longest_unit_key_ = 0;  // bytes of the longest entry

  std::shared_ptr<MorphologyCache> morphologies_;  // set by Create; shared by the copies
};

// The cross-script romanization collapse applied after the letter map (exposed for tests).
std::string CollapseRomanization(std::string_view mapped);
// The same into *out (overwritten), with *scratch as room for the intermediate form of a word
// too long for the stack (left unspecified). `mapped` may be a view of *out (it is read
// completely before *out is written), not of *scratch.
void CollapseRomanization(std::string_view mapped, std::string* scratch, std::string* out);

// Number of code points in a UTF-8 string.
size_t CodePointCount(std::string_view utf8);

}  // namespace kuzet::keywords
