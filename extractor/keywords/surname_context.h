// Whether a Russian surname form in -а names a woman, from the words around it.
//
// Козлова is the genitive of Козлов ("дело Козлова") and the nominative of his namesake
// Наталья Козлова. A term written as the man's name (`Kozlov`) finds the form unless the context
// shows a woman:
//   - a woman's patronymic right before or after it, in any case (Наталья Ивановна Козлова,
//     Козлова Наталья Ивановна, Ивановной Козловой);
//   - a woman's given name right before it (Наталья Козлова, Natalya Kozlova, Гүлнар Козлова):
//     a closed list of common Russian and Kazakh women's names, compared by cross-script key.
//     Russian names cannot be told by their ending — "Владимира Козлова" is the genitive of
//     a man — and names that are also a man's genitive (Александра, Евгения, Валерия) are left
//     out;
//   - a feminine adjective or participle right before it (известная Козлова, осуждённая);
//   - a title right before it (Ms, Mrs, Miss, Madame, Mme, госпожа, Frau, pani);
//   - a feminine past-tense verb right after it when it starts the clause (Козлова заявила;
//     not "Защита Владимира Козлова обжаловала", where the verb agrees with Защита).
// Each rule looks only at adjacent words with nothing but spaces between them.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>

#include "extractor/keywords/key_folder.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

class SurnameContext {
 public:
  explicit SurnameContext(const KeyFolder& folder);

  // Whether the surname form at `token` names a woman.
  bool NamesAWoman(const TextIndex& index, size_t token) const;

 private:
  const KeyFolder* folder_;
  std::unordered_set<std::string> womens_names_;  // cross-script keys
};

}  // namespace kuzet::keywords
