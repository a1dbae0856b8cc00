// Escaping untrusted text for the formats Kuzet writes: HTML, XML, CSV and protocol headers.
//
// Every input may be hostile (scraped titles, snippets, URLs), so each function is total: any
// byte string gives well-formed output in its format, never an error.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::base {

// Text for HTML element content or a quoted attribute value: & < > " ' as character references
// (HTML §13.1.2.6: what may end an attribute or start a tag). Other bytes are copied.
std::string HtmlEscape(std::string_view text);

// Text for XML 1.0 character data or an attribute value (in either quote), well-formed for any
// input: & < > " ' escaped, and everything XML 1.0 §2.2 "Char" excludes replaced by U+FFFD: C0
// controls other than TAB, LF and CR, U+FFFE and U+FFFF, and ill-formed UTF-8 (including encoded
// surrogates; one U+FFFD per maximal ill-formed subsequence, Unicode §3.9 U+FFFD substitution).
std::string XmlEscape(std::string_view text);

// One CSV field (RFC 4180 §2): quoted when it holds a comma, quote, CR or LF, quotes doubled.
// A field starting with = + - @ TAB or CR first gets a leading apostrophe, so a spreadsheet shows
// it as text instead of evaluating a formula (OWASP "CSV Injection").
std::string CsvField(std::string_view field);

// Whether `value` may be sent as an HTTP or mail header field value: no CR, LF or NUL, which
// would end the field early or start another one (RFC 9110 §5.5, RFC 5322 §2.2).
bool IsSafeHeaderValue(std::string_view value);

}  // namespace kuzet::base
