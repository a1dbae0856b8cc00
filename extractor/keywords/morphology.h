// Inflection in match-key space: which endings may follow a term's key in a text word.
//
// A text word matches a term word when the word's key is the term's key (or one of its
// variants) followed by a "tail" that the variant's TailRule allows. Tails are parsed against
// closed lists of endings, never arbitrary letters, so "Жанаозен" finds "Жанаозене" and
// "Жаңаөзендегі" but not "Жанаозенмунайгаз":
//   - Russian: one case/number ending (-а, -у, -е, -ом, -ой, -ами, -ого, -ых, ...);
//   - Kazakh (Cyrillic and both Latin alphabets): an ordered chain of optional slots
//     derivation (-лық, -шы) → plural (-лар) → possessive (-ы, -сы, -ым) → case (-да, -ға,
//     -ның, -ны, -нан, -мен) → relative (-ғы after the locative) → plural → case;
//   - English: plural -s/-es and the possessive 's/s' (apostrophes are dropped from keys).
// The lists are written in the source alphabets and folded with the same KeyFolder as the text,
// so one list serves both key modes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extractor/keywords/key_folder.h"

namespace kuzet::keywords {

enum class TailRule : unsigned char {
  kExact,         // nothing may follow
  kInflection,    // nothing, or an ending chain
  kKazakhVoiced,  // a Kazakh stem with its final consonant voiced (кәсіподағ-ы): a Kazakh
                  // suffix starting with a vowel must follow (else think → thing-s)
  kCyrillicStem,  // a stem cut from the term's nominative ending (Тулетаев-ой): an ending
                  // must follow, and the text word must be Cyrillic — Russian declension
                  // happens in Cyrillic, and in Latin text such stems would turn "police"
                  // into a match for "policy"
  kAnything,      // prefix terms: any letters may follow
};

class Morphology {
 public:
  Morphology(const KeyFolder& folder, KeyMode mode);

  // Which ending lists apply; the page language narrows them (a Russian page has no Kazakh
  // case suffixes, so профсоюз does not take профсоюзный's -ный for the Kazakh accusative -ны).
  enum Grammar : unsigned { kRussian = 1, kKazakh = 2, kEnglish = 4, kAllGrammars = 7 };
  static unsigned GrammarsForLanguage(std::string_view primary_language);
  // Whether the language declines names written in Latin letters the Russian way (Czech
  // v Karagandě, Polish z Karagandy, Latvian Nazarbajeva): stems cut from a nominative ending
  // then apply to Latin words too (elsewhere they would turn "police" into "policy").
  static bool DeclinesLatinNames(std::string_view primary_language);

  // What may follow a term word's key in a text word.
  struct WordTail {
    TailRule rule = TailRule::kExact;
    // Russian derivation may follow (the key of a name: Мангистау → мангистауский,
    // Жанаозен → жанаозенцы, КазМунайГаз → казмунайгазовский).
    bool derives = false;
    // Russian resident nouns may follow, in Cyrillic words (жанаозенцы, казахстанка).
    bool derives_resident = false;
    // A spelling of another orthography (name_spellings.h): Latin text only.
    bool latin_only = false;
    // The key of a masculine Russian surname (Козлов): feminine-only endings are refused and
    // -а needs a context that is not a woman's name (TailNeedsMasculineContext).
    bool masculine_surname = false;
  };
  struct Variant {
    std::string key;
    WordTail tail;
  };

  // What FindAll knows of a text word beyond its key.
  struct TextWord {
    unsigned grammars = kAllGrammars;  // the page's, plus Kazakh for a word with Kazakh letters
    bool cyrillic = true;              // has a Cyrillic letter
    bool declines = true;  // Cyrillic, or Latin on a page that declines names (DeclinesLatinNames)
    // Cyrillic and ending in а or у: the key folds -ская/-скую to -ска/-ску, but such a word is
    // a form of a town in -ск (Уральска, Уральску), not the adjective (уральская, уральскую).
    bool cyrillic_bare_a_or_u = false;
  };
  // The TextWord of a word form on a page whose language gives `page_grammars`
  // (GrammarsForLanguage) and `latin_declension` (DeclinesLatinNames): the one definition FindAll
  // and the search index (search_keys.h, word classes) share.
  static TextWord WordOf(std::u16string_view form, unsigned page_grammars, bool latin_declension);
  // Whether `tail` may follow a key ending in `prev` under `how` in the text word `word`.
  bool AcceptsTail(const WordTail& how, std::string_view tail, char prev,
                   const TextWord& word) const;
  // The same for a bare rule (no derivation, no surname).
  bool AcceptsTail(TailRule rule, std::string_view tail, char prev,
                   unsigned grammars = kAllGrammars) const;
  // A masculine surname + this tail is also the woman's surname (Козлов+а = Козлова): the
  // genitive of the man only when the context does not name a woman.
  bool TailNeedsMasculineContext(std::string_view tail) const;
  // The keys under which an inflecting term word is entered: its own key, the stem without its
  // nominative ending (Тулетаева → тулетаев-, needs an ending: Тулетаевой; kCyrillicStem), Kazakh
  // final voicing (кәсіподақ → кәсіподағ-ы), the Russian fleeting vowel (забастовка → забастовок)
  // and, for cross-script keys, final z/s (газ/gas: КазМунайГаз/KazMunaiGas).
  // `name`: the term word was written capitalized (a proper name), which enables derivation
  // unless it has the shape of a Russian surname (Козлов → Козловский is another person).
  std::vector<Variant> InflectingVariants(const std::string& key, bool name = false) const;
  // Spelling-only variants for exact and prefix words (final z/s in cross-script mode).
  std::vector<Variant> SpellingVariants(const std::string& key, TailRule rule) const;

  // Term words shorter than this many code points do not inflect (too many false hits).
  static constexpr size_t kMinInflectingLength = 3;
  // Derivation needs a stem at least this long: short stems meet common words (Рос+товский,
  // Funk+ции, Poli+ции). Adjectives from four letters (Урал → уральский, Киев → киевский);
  // resident nouns, with more ways to collide, from five (Алмат+инцы).
  static constexpr size_t kMinDerivingStemLength = 4;
  static constexpr size_t kMinResidentStemLength = 5;

 private:
  struct Slot {
    std::vector<std::string> suffixes;  // folded
    std::vector<int> after;             // slots that must directly precede; empty = any
    bool terminal = true;               // the word may end after this slot
    // Kazakh has no vowel hiatus at a suffix boundary: after a vowel the possessive is -сы, not
    // -ы (Астана+сы), so a suffix that starts with a vowel never follows one (Астанай ≠ Астана+і).
    bool no_hiatus = false;
  };
  using Slots = std::vector<Slot>;
  // Whether `tail` splits into suffixes of slots after `last_slot` (-1 = none yet), in order.
  bool ParseSlots(const Slots& grammar, int last_slot, std::string_view tail, char prev) const;

  bool EndsWithAny(std::string_view key, const std::vector<std::string>& endings) const;

  KeyMode mode_;
  std::vector<Slots> grammars_;
  Slots adjective_derivation_, resident_derivation_;
  std::vector<std::string> masculine_surname_finals_, feminine_surname_finals_;
  std::vector<std::string> feminine_only_endings_;
  std::string ambiguous_surname_ending_;
  std::vector<std::string> bare_adjective_tails_;  // -ска, -ску folded
  std::vector<std::string> nominative_endings_;
  std::vector<std::pair<std::string, std::string>> final_alternations_;  // stem-required
  std::vector<std::pair<std::string, std::string>> fleeting_vowels_;     // exact forms
};

}  // namespace kuzet::keywords
