// Language of a text: "en", "ru", "kk" or "other".
//
// Cyrillic texts are told apart by letters: Kazakh has ә ғ қ ң ө ұ ү һ і; Ukrainian ї є ґ,
// Belarusian ў, Tajik ҳ ҷ ӣ ӯ, Tatar/Bashkir җ ҡ ҙ ҫ, Serbian/Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ — all
// of those are "other", as is Cyrillic without the Russian ы/э (Bulgarian, Mongolian...). Latin
// texts go to CLD2, which is reliable on them; an English stop-word count backs it up.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor {

std::string DetectLanguage(std::string_view utf8);

}  // namespace kuzet::extractor
