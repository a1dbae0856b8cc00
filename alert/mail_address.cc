#include "alert/mail_address.h"

#include <cstring>

namespace kuzet::alert {
namespace {

// RFC 5322 section 3.2.3 atext.
bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr);
}

bool IsDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Dot-separated non-empty labels whose characters satisfy `ok`.
template <typename Pred>
bool IsDotSeparated(std::string_view s, Pred ok) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!ok(s[i])) {
      return false;
    }
  }
  return true;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  return out;
}

}  // namespace

Status ValidateMailAddress(std::string_view address) {
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("mail address \"" + Printable(address) +
                                   "\": " + std::string(why));
  };
  if (address.empty()) return bad("empty");
  if (address.size() > 254) return bad("longer than 254 characters (RFC 5321 section 4.5.3.1)");
  const size_t at = address.find('@');
  if (at == std::string_view::npos) return bad("no '@'");
  if (address.find('@', at + 1) != std::string_view::npos) return bad("more than one '@'");
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  for (char c : address) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
      return bad("contains a space or control character (CR/LF are never allowed)");
    }
  }
  if (local.size() > 64) return bad("local part longer than 64 characters");
  if (!IsDotSeparated(local, IsAtext)) return bad("local part is not a dot-atom");
  if (!IsDotSeparated(domain, IsDomainChar)) {
    return bad("domain must be ASCII labels separated by dots (use punycode for IDNs)");
  }
  return Status::Ok();
}

std::string MailDomain(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

}  // namespace kuzet::alert
