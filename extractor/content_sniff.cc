#include "extractor/content_sniff.h"

#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace kuzet::extractor {
namespace {

// WHATWG MIME Sniffing §7.1: the resource header is at most 1445 bytes.
constexpr size_t kHeaderBytes = 1445;
// Enough code units to judge a wide encoding.
constexpr size_t kWideSampleBytes = 4096;

struct Signature {
  std::string_view kind;
  std::string_view bytes;
  size_t offset = 0;  // where the signature starts
};

// Signatures that cannot begin a text document (each has a byte no text starts with, or is long
// and specific). Short ASCII ones that real text may start with ("BM", "MZ", "ID3", "OTTO") are
// left to the binary-byte rule, which their headers never pass.
constexpr Signature kSignatures[] = {
    {"PDF", "%PDF-"},
    {"PostScript", "%!PS-Adobe-"},
    {"PNG", "\x89PNG\r\n\x1A\n"},
    {"GIF", "GIF87a"},
    {"GIF", "GIF89a"},
    {"JPEG", "\xFF\xD8\xFF"},
    {"WebP", "WEBPVP", 8},
    {"WAVE", "WAVEfmt", 8},
    {"AVI", "AVI LIST", 8},
    {"MP4", "ftyp", 4},
    {"WebM", "\x1A\x45\xDF\xA3"},
    {"Ogg", std::string_view("OggS\x00", 5)},
    {"FLAC", "fLaC"},
    {"gzip", "\x1F\x8B\x08"},
    {"zip", "PK\x03\x04"},
    {"RAR", "Rar!\x1A\x07"},
    {"7z", "7z\xBC\xAF\x27\x1C"},
    {"xz", std::string_view("\xFD"
                            "7zXZ\x00",
                            6)},
    {"zstd", "\x28\xB5\x2F\xFD"},
    {"WOFF", "wOFF"},
    {"WOFF2", "wOF2"},
    {"ELF",
     "\x7F"
     "ELF"},
    {"Mach-O", "\xCF\xFA\xED\xFE"},
    {"Java class", "\xCA\xFE\xBA\xBE"},
    {"OLE compound document", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"},
    {"SQLite", std::string_view("SQLite format 3\x00", 16)},
};

bool IsBinaryDataByte(unsigned char b) {
  return b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F);
}

// A code point that text holds: not a control (other than whitespace), not unassigned, not a
// noncharacter.
bool IsTextCodePoint(UChar32 c) {
  if (c == '\t' || c == '\n' || c == '\r' || c == '\f') return true;
  if (U_IS_UNICODE_NONCHAR(c)) return false;
  const int8_t type = u_charType(c);
  return type != U_CONTROL_CHAR && type != U_UNASSIGNED && type != U_PRIVATE_USE_CHAR;
}

// Share of text code points when `bytes` are read as UTF-16 or UTF-32 of the given width and
// byte order; unpaired surrogates count as not text.
bool ReadsAsText(std::string_view bytes, size_t width, bool big_endian) {
  auto unit = [&](size_t k) -> uint32_t {
    uint32_t v = 0;
    for (size_t j = 0; j < width; ++j) {
      const auto b =
          static_cast<unsigned char>(bytes[k * width + (big_endian ? j : width - 1 - j)]);
      v = v << 8 | b;
    }
    return v;
  };
  const size_t units = bytes.size() / width;
  size_t text = 0, total = 0;
  for (size_t k = 0; k < units; ++k, ++total) {
    uint32_t c = unit(k);
    if (width == 2 && U16_IS_LEAD(c) && k + 1 < units && U16_IS_TRAIL(unit(k + 1))) {
      c = U16_GET_SUPPLEMENTARY(c, unit(k + 1));
      ++k;
    }
    if (c <= 0x10FFFF && !U_IS_SURROGATE(c) && IsTextCodePoint(static_cast<UChar32>(c))) ++text;
  }
  return total > 0 && text * 100 >= total * 99;
}

}  // namespace

std::string_view SniffWideUnicode(std::string_view bytes) {
  std::string_view sample = bytes.substr(0, std::min(bytes.size(), kWideSampleBytes));
  sample = sample.substr(0, sample.size() / 4 * 4);
  if (sample.size() < 8) return "";
  std::array<size_t, 4> zeros{};
  for (size_t i = 0; i < sample.size(); ++i) zeros[i % 4] += sample[i] == '\0' ? 1 : 0;
  const size_t quads = sample.size() / 4;
  // UTF-32: the top byte is always zero, the next one for every BMP character.
  if (zeros[3] == quads && zeros[2] * 10 >= quads * 9 && ReadsAsText(sample, 4, false))
    return "UTF-32LE";
  if (zeros[0] == quads && zeros[1] * 10 >= quads * 9 && ReadsAsText(sample, 4, true))
    return "UTF-32BE";
  // UTF-16: ASCII characters (spaces, digits, markup) put a zero in the high byte's lane only.
  // At least one unit in a hundred must be ASCII, and 99 % of all must read as text.
  const size_t even = zeros[0] + zeros[2], odd = zeros[1] + zeros[3];
  const size_t units = sample.size() / 2;
  if (odd * 100 >= units && even * 20 <= odd && ReadsAsText(sample, 2, false)) return "UTF-16LE";
  if (even * 100 >= units && odd * 20 <= even && ReadsAsText(sample, 2, true)) return "UTF-16BE";
  return "";
}

std::string_view SniffBinary(std::string_view bytes) {
  // Byte-order marks: text, whatever follows.
  if (bytes.starts_with("\xEF\xBB\xBF") || bytes.starts_with("\xFE\xFF") ||
      bytes.starts_with("\xFF\xFE") || bytes.starts_with(std::string_view("\0\0\xFE\xFF", 4)))
    return "";
  for (const Signature& s : kSignatures) {
    if (bytes.size() >= s.offset && bytes.substr(s.offset).starts_with(s.bytes)) return s.kind;
  }
  const std::string_view header = bytes.substr(0, std::min(bytes.size(), kHeaderBytes));
  const auto binary = static_cast<size_t>(std::count_if(header.begin(), header.end(), [](char c) {
    return IsBinaryDataByte(static_cast<unsigned char>(c));
  }));
  // More than 1 % of the header: a stray control character in an old page is not enough.
  if (binary * 100 <= header.size()) return "";
  if (!SniffWideUnicode(bytes).empty()) return "";
  return "binary data";
}

}  // namespace kuzet::extractor
