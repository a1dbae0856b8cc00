// Stored text made safe for each output. Everything stored was scraped from hostile pages: any
// byte sequence may arrive here, and none may break a feed, run as a spreadsheet formula, or
// steer an analyst's terminal.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::app {

// Valid UTF-8 (RFC 3629): each malformed sequence (bad or stray bytes, overlong forms, UTF-16
// surrogates such as CESU-8/WTF-8 encode, code points past U+10FFFF, truncated sequences)
// replaced by U+FFFD.
std::string ToValidUtf8(std::string_view bytes);

// XML 1.0 character data or attribute value (between double quotes): valid UTF-8, the five
// specials escaped, CR/TAB/LF as character references (so a parser's line-end and attribute
// normalization gives back the same text), and every character XML 1.0 §2.2 does not allow
// (C0 controls, U+FFFE, U+FFFF) or discourages (DEL and C1 controls, the noncharacters U+FDD0..
// U+FDEF and U+xFFFE/U+xFFFF in every plane) replaced by U+FFFD. The result is always
// well-formed, whatever the input.
std::string XmlText(std::string_view text);

// One CSV field (RFC 4180 §2): valid UTF-8; a field starting with = + - @ TAB or CR gets a
// leading ' so a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
// Injection"); then a field holding a comma, quote, CR or LF is quoted, inner quotes doubled.
std::string CsvField(std::string_view text);

// Text for a terminal: valid UTF-8, and every control character (C0, DEL, C1: ESC starts the
// ANSI sequences that move the cursor, retitle or recolour the terminal) and every bidi
// embedding, override or isolate (U+202A..U+202E, U+2066..U+2069: they reorder what follows on
// the line) replaced by U+FFFD. TAB, LF and CR become spaces unless keep_line_breaks (then TAB
// and LF stay; CR still goes).
std::string TerminalText(std::string_view text, bool keep_line_breaks = false);

}  // namespace kuzet::app
