// Mail header fields (RFC 5322 section 2.2) with non-ASCII text as RFC 2047 encoded-words.
//
// Every function returns complete field lines ending in CRLF, folded (CRLF SP) so that no line
// exceeds 78 characters where the content allows it (RFC 5322 section 2.1.1). Text is passed
// through HeaderSafeText first, so no argument can end the field early or start another one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kuzet::alert {

// An unstructured field (Subject, RFC 5322 section 3.6.5). Printable ASCII is written as is and
// folded at spaces; anything else becomes UTF-8 "B" encoded-words (RFC 2047 sections 2, 4.1 and
// 5(1)), each at most 75 characters and never split inside a UTF-8 sequence.
std::string UnstructuredField(std::string_view name, std::string_view text);

// A single mailbox: `Name: Display Name <address>` (RFC 5322 section 3.4); the display name is an
// atom sequence, a quoted-string, or encoded-words (RFC 2047 section 5(3)) as its characters need.
// `address` must have passed ValidateMailAddress.
std::string MailboxField(std::string_view name, std::string_view display_name,
                         std::string_view address);

// An address list: `Name: a@example.org, b@example.org`. Every address must have passed
// ValidateMailAddress.
std::string AddressListField(std::string_view name, const std::vector<std::string>& addresses);

}  // namespace kuzet::alert
