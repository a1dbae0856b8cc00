// Mail addresses as Kuzet accepts them in its config: a plain addr-spec (RFC 5322 section 3.4.1)
// with a dot-atom local part and an ASCII domain, e.g. "monitor@example.org".
//
// Deliberately stricter than the RFC (no quoted local parts, no comments, no display names): an
// address goes verbatim into the To header and the SMTP envelope, so it must not be able to carry
// CR/LF, a second address or anything a mail server would reinterpret.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::alert {

// OK, or InvalidArgument naming the address and what is wrong with it.
Status ValidateMailAddress(std::string_view address);

// The part after '@' ("example.org"); empty if there is none.
std::string MailDomain(std::string_view address);

}  // namespace kuzet::alert
