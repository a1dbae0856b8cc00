// Language of a text: "en", "ru", "kk" or "other".
//
// Decided on the natural-language words (natural_text.h: URLs, e-mail addresses, code and
// navigation lines set aside), so that a Russian post carrying code, links or an English quotation
// stays Russian. Cyrillic text is decided by the shares of words with the letters of Kazakh (ғ қ
// ұ, і with ә ң ө ү һ), of its neighbours (Ukrainian ї є ґ і, Belarusian ў, Tajik, Tatar, Bashkir,
// Serbian, Macedonian letters; Kyrgyz and Mongolian doubled vowels) and of Russian (ы э ё), and
// by Russian and Kazakh function words — never by a single letter —, with CLD2 on the Cyrillic
// words as evidence where those leave the question open (short texts, Bulgarian, Kazakh typed
// with Russian look-alikes). Latin text: Kazakh in its 2018/2021 Latin alphabets by their letters,
// English by its function words, else CLD2. See README.md, "Language".
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor {

std::string DetectLanguage(std::string_view utf8);

}  // namespace kuzet::extractor
