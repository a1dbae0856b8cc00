// Delivers a built message (mime.h) to a mail server over SMTP, via libcurl.
//
// smtp://host[:port] speaks plain SMTP with optional STARTTLS (RFC 3207) per `starttls`;
// smtps://host[:port] is TLS from the first byte (RFC 8314). AUTH (RFC 4954) uses `user` and the
// password from `password` or, if that is empty, from the environment variable named by
// `password_env`. The password never appears in a log line or a Status message.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace kuzet::alert {

struct SmtpSettings {
  std::string url;  // "smtp://mail.example.org:587" or "smtps://mail.example.org"; no user info
  enum class StartTls {
    kOff,                            // never (a local relay on 127.0.0.1)
    kTry,                            // if the server offers it
    kRequired,                       // fail rather than send in clear text
  } starttls = StartTls::kRequired;  // only for smtp://; smtps:// is always TLS
  std::string envelope_from;  // MAIL FROM (RFC 5321 section 4.1.1.2), usually MailSettings::from
  std::string user;           // empty: no AUTH
  std::string password;       // takes precedence over password_env
  std::string password_env;   // name of an environment variable holding the password
  std::string ca_file;        // optional PEM bundle to verify a self-signed server
  std::chrono::seconds connect_timeout{20};
  std::chrono::seconds timeout{120};  // the whole transaction
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);

  // One SMTP transaction: MAIL FROM envelope_from, RCPT TO each recipient, DATA `message`
  // (CRLF line endings; libcurl dot-stuffs it, RFC 5321 section 4.5.2). Every recipient must be
  // accepted, else nothing is sent.
  // Errors name the server (scheme://host:port), never the password:
  //   kNetwork           transient: cannot connect, timeout, TLS failure, 4xx reply. Retry later.
  //   kInvalidArgument   permanent until the config changes: bad URL or address, password
  //                      variable unset, login denied, 5xx reply, TLS required but the server
  //                      offers no STARTTLS.
  // Thread-safe: each call uses its own connection.
  Status Send(const std::string& message, const std::vector<std::string>& recipients) const;

  // "smtp://host:port" as used in error messages ("" if the URL does not parse).
  const std::string& server() const { return server_; }

 private:
  SmtpSettings settings_;
  std::string server_;
  Status url_status_;  // why `settings_.url` is unusable, checked at construction
};

}  // namespace kuzet::alert
