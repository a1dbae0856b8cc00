// Escaping untrusted text for the outputs Kuzet writes: UTF-8 (JSON), HTML, XML, CSV, terminals
// and protocol headers.
//
// Every input may be hostile (scraped titles, snippets, URLs), so each function is total: any
// byte string gives well-formed output in its format, never an error.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kuzet::base {

// Text for HTML element content or a quoted attribute value: & < > " ' as character references
// (HTML §13.1.2.6: what may end an attribute or start a tag). Other bytes are copied.
std::string HtmlEscape(std::string_view text);

// Valid UTF-8 (RFC 3629) for any bytes: each ill-formed subsequence (stray or invalid bytes,
// overlong forms, UTF-16 surrogates as CESU-8 and WTF-8 encode them, code points past U+10FFFF, a
// cut sequence) becomes U+FFFD, one per maximal ill-formed subsequence (Unicode §3.9 "U+FFFD
// Substitution of Maximal Subparts", as the WHATWG Encoding standard's decoder does). What JSON
// (RFC 8259 §8.1) and every other UTF-8 output need.
std::string ToValidUtf8(std::string_view bytes);

// Text for XML 1.0 character data or an attribute value (in either quote), well-formed for any
// input and read back unchanged: valid UTF-8 (as ToValidUtf8), & < > " ' escaped, TAB, LF and CR
// as character references (so a parser's end-of-line handling, §2.11, and attribute-value
// normalization, §3.3.3, give back the same text), and every character §2.2 excludes (C0
// controls, U+FFFE, U+FFFF) or discourages (DEL, C1 controls, the noncharacters U+FDD0..U+FDEF
// and U+xFFFE/U+xFFFF of every plane) replaced by U+FFFD.
std::string XmlEscape(std::string_view text);

// One CSV field (RFC 4180 §2): valid UTF-8 (as ToValidUtf8); a field starting with = + - @ TAB
// or CR gets a leading apostrophe, so a spreadsheet shows it as text instead of evaluating a
// formula (OWASP "CSV Injection"); then a field holding a comma, quote, CR or LF is quoted, inner
// quotes doubled.
std::string CsvField(std::string_view field);

// One CSV record (RFC 4180 §2.1, §2.4): each field as CsvField, separated by commas, ended by CRLF.
std::string CsvRecord(std::span<const std::string> fields);

// Text for a terminal: valid UTF-8 (as ToValidUtf8), and every control character (C0, DEL, C1:
// ESC and CSI start the ECMA-48 sequences that move the cursor, retitle or recolour the terminal)
// and every bidi embedding, override or isolate (U+202A..U+202E, U+2066..U+2069: they reorder
// what follows on the line, Unicode UAX #9) replaced by U+FFFD. TAB, LF and CR become spaces
// unless keep_line_breaks (then TAB and LF stay; CR, which returns the cursor over the line's
// start, still goes).
std::string TerminalText(std::string_view text, bool keep_line_breaks = false);

// Whether `value` may be sent as an HTTP or mail header field value: no CR, LF or NUL, which
// would end the field early or start another one (RFC 9110 §5.5, RFC 5322 §2.2).
bool IsSafeHeaderValue(std::string_view value);

}  // namespace kuzet::base
