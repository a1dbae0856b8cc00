// Is a body text at all? Servers label PDFs, images and archives "text/html"; decoding them as a
// page stores garbage. After the WHATWG MIME Sniffing standard: byte-order marks (§7.1) mean
// text; known signatures (§6.1 images, §6.2 audio/video, §6.3 fonts, §6.4 archives, plus PDF,
// executables and compound documents) mean binary; otherwise "binary data bytes" (§7.1: 0x00-0x08,
// 0x0B, 0x0E-0x1A, 0x1C-0x1F, which no text encoding but UTF-16/32 produces) in the head of the
// body mean binary, unless the body reads as UTF-16 or UTF-32 without a byte-order mark.
#pragma once

#include <string_view>

namespace kuzet::extractor {

// "" if `bytes` may be text; else what they are: "PDF", "PNG", "gzip", ... or "binary data".
std::string_view SniffBinary(std::string_view bytes);

// "UTF-16LE", "UTF-16BE", "UTF-32LE" or "UTF-32BE" when bytes without a byte-order mark read as
// text in that encoding (the zero bytes of ASCII/BMP characters sit in one lane, and the code
// units decode to printable characters), else "".
std::string_view SniffWideUnicode(std::string_view bytes);

}  // namespace kuzet::extractor
