#include "alert/smtp_sender.h"

#include <curl/curl.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "alert/mail_address.h"

namespace kuzet::alert {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(char* s) const { curl_free(s); }
};
template <typename T>
using CurlPtr = std::unique_ptr<T, CurlFree>;

// Parses the URL; fills `server` with scheme://host:port. Rejects user info: credentials belong
// in user/password_env, where they cannot leak into a logged URL.
Status ParseServer(const std::string& url, std::string* server) {
  CurlPtr<CURLU> u(curl_url());
  if (!u) return Status::Unavailable("libcurl: out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument(
        "SMTP URL does not parse (expected smtp://host:port or "
        "smtps://host:port)");
  }
  const auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(u.get(), which, &raw, flags) != CURLUE_OK || raw == nullptr) return "";
    CurlPtr<char> owned(raw);
    return raw;
  };
  const std::string scheme = part(CURLUPART_SCHEME, 0);
  const std::string host = part(CURLUPART_HOST, 0);
  const std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (scheme != "smtp" && scheme != "smtps") {
    return Status::InvalidArgument("SMTP URL must start with smtp:// or smtps://, not " + scheme +
                                   "://");
  }
  if (host.empty()) return Status::InvalidArgument("SMTP URL has no host");
  *server = scheme + "://" + host + ":" + port;
  if (!part(CURLUPART_USER, 0).empty() || !part(CURLUPART_PASSWORD, 0).empty()) {
    return Status::InvalidArgument("SMTP URL " + *server +
                                   " must not contain user:password; use user and password_env");
  }
  return Status::Ok();
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  const size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

bool IsTransient(CURLcode code, long reply) {
  if (reply >= 500) return false;
  if (reply >= 400)
    return true;  // e.g. 454 to STARTTLS: "TLS not available due to temporary reason"
  switch (code) {
    // TLS was required and the server does not offer STARTTLS in its EHLO reply (RFC 3207
    // section 4): the same server will refuse again on every retry until the config changes.
    case CURLE_USE_SSL_FAILED:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_LOGIN_DENIED:
    case CURLE_NOT_BUILT_IN:
      return false;
    default:
      return true;
  }
}

}  // namespace

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {
  url_status_ = ParseServer(settings_.url, &server_);
}

Status SmtpSender::Send(const std::string& message,
                        const std::vector<std::string>& recipients) const {
  if (!url_status_.ok()) return url_status_;
  const std::string where = "SMTP " + server_ + ": ";
  if (Status s = ValidateMailAddress(settings_.envelope_from); !s.ok()) {
    return Status::InvalidArgument(where + "envelope sender: " + s.message());
  }
  if (recipients.empty()) return Status::InvalidArgument(where + "no recipients");
  CurlPtr<curl_slist> rcpt;
  for (const std::string& r : recipients) {
    if (Status s = ValidateMailAddress(r); !s.ok()) {
      return Status::InvalidArgument(where + "recipient: " + s.message());
    }
    curl_slist* appended = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (appended == nullptr) return Status::Unavailable(where + "out of memory");
    rcpt.release();
    rcpt.reset(appended);
  }
  std::string password = settings_.password;
  if (!settings_.user.empty() && password.empty() && !settings_.password_env.empty()) {
    const char* env = std::getenv(settings_.password_env.c_str());
    if (env == nullptr || *env == '\0') {
      return Status::InvalidArgument(where + "environment variable " + settings_.password_env +
                                     " (password_env) is not set");
    }
    password = env;
  }

  CurlPtr<CURL> curl(curl_easy_init());
  if (!curl) return Status::Unavailable(where + "cannot initialise libcurl");
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = "";
  Upload upload{message, 0};
  const std::string mail_from = "<" + settings_.envelope_from + ">";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
  long use_ssl = CURLUSESSL_NONE;
  switch (settings_.starttls) {
    case SmtpSettings::StartTls::kOff:
      use_ssl = CURLUSESSL_NONE;
      break;
    case SmtpSettings::StartTls::kTry:
      use_ssl = CURLUSESSL_TRY;
      break;
    case SmtpSettings::StartTls::kRequired:
      use_ssl = CURLUSESSL_ALL;
      break;
  }
  if (server_.starts_with("smtps://")) use_ssl = CURLUSESSL_ALL;
  curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);

  const CURLcode code = curl_easy_perform(c);
  // Wipe our copy of the password before anything else can look at this frame.
  std::fill(password.begin(), password.end(), '\0');
  if (code == CURLE_OK) {
    spdlog::debug("SMTP {}: delivered {} bytes to {} recipient(s)", server_, message.size(),
                  recipients.size());
    return Status::Ok();
  }
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string msg = where + (error[0] != '\0' ? error : curl_easy_strerror(code));
  if (reply >= 400 && msg.find(std::to_string(reply)) == std::string::npos) {
    msg += " (server replied " + std::to_string(reply) + ")";
  }
  return IsTransient(code, reply) ? Status::Network(msg) : Status::InvalidArgument(msg);
}

}  // namespace kuzet::alert
