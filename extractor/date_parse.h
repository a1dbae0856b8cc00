// Publication dates in the forms pages write them, normalized to ISO 8601 "YYYY-MM-DD".
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor {

// A machine-readable date value (ISO 8601 / RFC 3339 "2013-11-05T10:00:00+03:00", RFC 822
// "Tue, 05 Nov 2013 ...", "2013/11/05", "05.11.2013", "20131105") or a written one (see
// FindDateInText) → "YYYY-MM-DD"; "" if none or implausible (years 1990..2099 only).
std::string NormalizeDate(std::string_view value);

// First written date in running text: "5 ноября 2013", "16 желтоқсан 2011", "November 5, 2013",
// "5 November 2013", "05.11.2013", "2013-11-05"; month names in English, Russian, Ukrainian,
// Kazakh, German, French, Spanish, Portuguese, Italian, Dutch and Turkish. "" if none.
std::string FindDateInText(std::string_view utf8);

// Date encoded in a URL path: /2013/11/05/, /2013-11-05, /20131105/. "" if none.
std::string FindDateInUrl(std::string_view url);

}  // namespace kuzet::extractor
