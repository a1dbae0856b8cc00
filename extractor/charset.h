// Decoding raw HTTP bodies to UTF-8, choosing the charset the way a careful browser would.
//
// Order of evidence (after the WHATWG Encoding standard and HTML §13.2.3.2 "determining the
// character encoding", adjusted for the old Cyrillic web where declarations are often wrong):
//   1. a byte-order mark (UTF-8, UTF-32LE/BE, UTF-16LE/BE);
//   2. UTF-16/32 without a mark, by the lane of the zero bytes (content_sniff.h);
//   3. bytes that are valid UTF-8 are UTF-8, whatever the header or <meta> says;
//   4. the script the bytes are in: Latin (accented letters inside ASCII words) or, failing that,
//      Cyrillic when the words of high bytes read as such under some Cyrillic code page;
//   5. the charset of the HTTP Content-Type header, then <meta charset>/<meta http-equiv> or the
//      XML declaration anywhere in the document head, if it decodes to plausible text;
//   6. uchardet, whose answer stands unless the bytes give evidence against it: Cyrillic text it
//      gave no or a Latin code page for, or a Cyrillic code page another one reads clearly
//      better on the bytes where the two differ. Latin-script text never goes Cyrillic.
// Invalid bytes become U+FFFD; decoding never fails and never truncates.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor {

struct DecodedText {
  std::string utf8;        // the document as UTF-8 (empty when `unchanged`)
  std::string charset;     // canonical name of the charset used, e.g. "UTF-8", "windows-1251"
  bool unchanged = false;  // the input bytes are the UTF-8 text as they stand (not copied)
};

DecodedText DecodeToUtf8(std::string_view bytes, std::string_view content_type);

// As DecodeToUtf8, but input that is already valid UTF-8 (or ASCII) is not copied: `unchanged`
// is set, `utf8` left empty and the caller reads its own bytes. Saves a page-sized allocation
// and copy on most of the web.
DecodedText DecodeToUtf8UnlessValid(std::string_view bytes, std::string_view content_type);

// Canonical charset name for a label ("cp1251", "Win-1251", "koi8r"...), "" if unknown.
std::string NormalizeCharsetLabel(std::string_view label);

// The charset parameter of a Content-Type header value, normalized; "" if none or unknown.
std::string CharsetFromContentType(std::string_view content_type);

// The charset declared in the document itself (<meta charset>, <meta http-equiv="Content-Type">
// or <?xml encoding?>), searched in the whole head, normalized; "" if none.
std::string CharsetFromMarkup(std::string_view bytes);

// Decodes with a known canonical charset; invalid or unmapped bytes become U+FFFD.
// Returns false (and leaves out empty) if the charset is not supported.
bool DecodeWithCharset(std::string_view bytes, std::string_view charset, std::string& out);

// Appends code point `cp` (a scalar value: not a surrogate, at most U+10FFFF) as UTF-8.
void AppendUtf8(uint32_t cp, std::string& out);

// Best Cyrillic single-byte code page for bytes by letter statistics, "" if the high bytes do not
// read as Cyrillic text in any of them.
std::string GuessCyrillicCharset(std::string_view bytes);

}  // namespace kuzet::extractor
