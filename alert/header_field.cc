#include "alert/header_field.h"

#include <algorithm>
#include <cstring>

#include "alert/base64.h"
#include "alert/untrusted_text.h"

namespace kuzet::alert {
namespace {

constexpr size_t kMaxLine = 78;         // RFC 5322 section 2.1.1 (excluding CRLF)
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 section 2
constexpr size_t kMaxFieldChars = 998;  // RFC 5322 section 2.1.1: also the longest line allowed
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";

// Builds one field, placing space-separated tokens and folding before a token that would not fit.
class FieldWriter {
 public:
  explicit FieldWriter(std::string_view name) : out_(name), line_(name.size() + 1) { out_ += ':'; }

  size_t RoomOnLine() const { return line_ + 1 >= kMaxLine ? 0 : kMaxLine - line_ - 1; }
  bool LineHasToken() const { return line_has_token_; }
  void Fold() {
    out_ += "\r\n";
    line_ = 0;
    line_has_token_ = false;
  }

  // Appends " token", first folding if it would overflow a line that already holds a token.
  void Add(std::string_view token) {
    if (token.size() > RoomOnLine() && line_has_token_) Fold();
    out_ += ' ';
    out_ += token;
    line_ += 1 + token.size();
    line_has_token_ = true;
  }

  std::string Finish() && {
    out_ += "\r\n";
    return std::move(out_);
  }

 private:
  std::string out_;
  size_t line_;  // characters on the current line so far
  bool line_has_token_ = false;
};

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// Splits at single spaces (HeaderSafeText has already collapsed runs).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t space = std::min(s.find(' ', start), s.size());
    if (space > start) words.push_back(s.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

// Writes `text` as encoded-words, each sized to the room left on its line.
void AddEncodedWords(std::string_view text, FieldWriter& field) {
  constexpr size_t kOverhead = kWordStart.size() + kWordEnd.size();
  constexpr size_t kMinWord = kOverhead + 8;  // room for any one UTF-8 character (4 bytes)
  while (!text.empty()) {
    if (field.RoomOnLine() < kMinWord) field.Fold();
    const size_t word_chars = std::min(field.RoomOnLine(), kMaxEncodedWord);
    const size_t max_bytes = (word_chars - kOverhead) / 4 * 3;
    const size_t take = std::max<size_t>(Utf8PrefixLength(text, max_bytes), 1);
    std::string word(kWordStart);
    word += Base64Encode(text.substr(0, take));
    word += kWordEnd;
    field.Add(word);
    text.remove_prefix(take);
  }
}

// RFC 5322 section 3.2.3: an atom can stand unquoted in a display name.
bool IsAtom(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
  });
}

}  // namespace

std::string UnstructuredField(std::string_view name, std::string_view text) {
  const std::string safe = HeaderSafeText(text, kMaxFieldChars - name.size() - 2);
  FieldWriter field(name);
  // Raw ASCII only when no word looks like an encoded-word and every word fits on a line, even
  // the first one after "Name: ".
  const std::vector<std::string_view> words = Words(safe);
  const size_t max_word = kMaxLine > name.size() + 2 ? kMaxLine - name.size() - 2 : 0;
  const bool raw = IsPrintableAscii(safe) && safe.find("=?") == std::string::npos &&
                   std::all_of(words.begin(), words.end(),
                               [&](std::string_view w) { return w.size() <= max_word; });
  if (raw) {
    for (std::string_view word : words) field.Add(word);
  } else {
    AddEncodedWords(safe, field);
  }
  return std::move(field).Finish();
}

std::string MailboxField(std::string_view name, std::string_view display_name,
                         std::string_view address) {
  const std::string safe = HeaderSafeText(display_name, 64);
  FieldWriter field(name);
  if (!safe.empty()) {
    const std::vector<std::string_view> words = Words(safe);
    if (!IsPrintableAscii(safe) || safe.find("=?") != std::string::npos) {
      AddEncodedWords(safe, field);
    } else if (std::all_of(words.begin(), words.end(), IsAtom)) {
      for (std::string_view word : words) field.Add(word);
    } else {
      std::string quoted = "\"";  // RFC 5322 section 3.2.4
      for (char c : safe) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      quoted += '"';
      field.Add(quoted);
    }
  }
  std::string angle_addr(1, '<');  // built piecewise: GCC 12 -Wrestrict misfires on "<" + s
  angle_addr += HeaderSafeText(address, kMaxFieldChars);
  angle_addr += '>';
  field.Add(angle_addr);
  return std::move(field).Finish();
}

std::string AddressListField(std::string_view name, const std::vector<std::string>& addresses) {
  FieldWriter field(name);
  for (size_t i = 0; i < addresses.size(); ++i) {
    std::string token = HeaderSafeText(addresses[i], kMaxFieldChars);
    if (i + 1 < addresses.size()) token += ',';
    field.Add(token);
  }
  return std::move(field).Finish();
}

}  // namespace kuzet::alert
