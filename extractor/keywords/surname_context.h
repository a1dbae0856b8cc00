// Whether a Russian surname form in -а names a woman, from the words around it.
//
// Козлова is the genitive of Козлов ("дело Козлова") and the nominative of his namesake
// Наталья Козлова. A term written as the man's name (`Kozlov`) finds the form unless the context
// shows a woman:
//   - a woman's patronymic right before or after it, in any case (Наталья Ивановна Козлова,
//     Козлова Наталья Ивановна, Ивановной Козловой);
//   - a capitalized given name in -а/-я/-a right before it that does not start its sentence
//     (", — сказала Наталья Козлова", "Natalia Kozlova"; a sentence-initial "Жена Козлова" is
//     a common noun as often as a name);
//   - a title right before it (Ms, Mrs, Miss, Madame, Mme, госпожа, Frau, pani);
//   - a feminine past-tense verb right after it (Козлова заявила, Козлова была).
// Each rule looks only at adjacent words with nothing but spaces between them.
#pragma once

#include <cstddef>

#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

bool SurnameNamesAWoman(const TextIndex& index, size_t token);

}  // namespace kuzet::keywords
