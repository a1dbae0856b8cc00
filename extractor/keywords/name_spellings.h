// The other alphabets a name is written in, as extra cross-script keys of one term word.
//
// A cross-script key (key_folder.h) is a Latin skeleton of Russian/Kazakh/English spelling:
// "kazahstan", "nazarbaev", "janaozen". Text in other Latin orthographies folds to other keys
// (German Kasachstan → "kasachstan", Polish Nazarbajew → "nazarbajew"), and folding the text
// harder would merge ordinary words (German ch = х but English ch = ч). So the term side spells
// the skeleton the way each orthography writes the Cyrillic letters and folds that spelling
// with the same KeyFolder, at compile time, for names of five letters or more:
//   - Kazakh қ at the end of a syllable is Russian х (Қазақстан / Казахстан, Мұқтар / Мухтар):
//     a k or h after a vowel and before a consonant or the end swaps with the other;
//   - German: ж sch/dsch, з s, х ch, ч tsch, ш sch, ц z, в w, е after a vowel je;
//   - Polish: х ch, ч cz, ш sz, ц c, в w, е after a vowel je (ż folds to ж already);
//   - Czech, Slovak, Baltic: х ch, ц c, е after a vowel je (ž š č fold already);
//   - French: ч tch, ш ch, у ou (dj, kh and ï fold already).
// ц is written ts only inside the word: a final ts is English (It's, Let's → its, lets).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extractor/keywords/key_folder.h"

namespace kuzet::keywords {

// Names shorter than this get no other spellings: short keys meet common words of the other
// languages (Вас → German "was", Рик → "rich").
inline constexpr size_t kMinOtherSpellingLength = 5;

struct OtherSpelling {
  std::string key;
  bool latin_only;  // an orthography of Latin text (not the k/h swap, which Cyrillic has too)
};

// The keys of `key` (a cross-script key of a name) in the other spellings above, without `key`
// itself and without duplicates.
std::vector<OtherSpelling> OtherSpellingKeys(const KeyFolder& folder, std::string_view key);

}  // namespace kuzet::keywords
