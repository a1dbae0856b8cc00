// The alert e-mail: one Alert (or a Digest) as a complete RFC 5322 / MIME message.
//
// The message is multipart/alternative (RFC 2046 section 5.1.4) with a text/plain and a
// text/html part, both UTF-8 in base64 (lines of 76 characters, RFC 2045 section 6.8). The
// Subject is "{subject_prefix} {rule}: {title}" as RFC 2047 encoded-words when it is not plain
// ASCII. Lines end in CRLF. Text from crawled pages cannot add header fields: CR, LF and other
// controls become spaces and header values are length-bounded (untrusted_text.h).
//
// Every message carries List-Id (RFC 2919), "<{rule}.kuzet.{from domain}>" or, for a digest of
// several rules, "<kuzet.{from domain}>", and List-Unsubscribe (RFC 2369 section 3.2): a mailto:
// the From address with subject "unsubscribe {rule}", and MailSettings::unsubscribe_url if set.
//
// When the snippet only repeats the title (the match was in the headline, alert/title_snippet.h)
// it is left out rather than shown twice.
//
// The Message-ID is a function of the alert id and the From domain only, <kuzet.{id}@{domain}>,
// so that resending after a crash between send and mark produces the same Message-ID and mail
// systems and monitors recognise the duplicate. The MIME boundary is derived from the id too:
// building twice with the same arguments gives byte-identical messages.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "alert/alert.h"
#include "base/status.h"

namespace kuzet::alert {

struct MailSettings {
  std::string from;                 // addr-spec, e.g. "kuzet@monitor.example.org"
  std::string from_name = "Kuzet";  // display name in From
  std::vector<std::string> to;      // one or more addr-specs (the rule's recipients)
  std::string subject_prefix = "[Kuzet]";
  // An http(s) page offered in List-Unsubscribe beside the mail to `from` (the web page, where a
  // monitor sees what the rules are); "": only the mail.
  std::string unsubscribe_url;
};

// "<kuzet.{id}@{domain of from}>"; characters of `id` outside [A-Za-z0-9_-] are written as
// "=XX" (hex) so the result is always a valid msg-id (RFC 5322 section 3.6.4) and distinct ids
// stay distinct.
std::string MessageIdFor(std::string_view id, std::string_view from_address);

// The full message for one alert. InvalidArgument if `from` or any `to` address is invalid, `to`
// is empty, or alert.id is empty or longer than 200 bytes. `date` goes into the Date field
// (RFC 5322 section 3.3).
Result<std::string> BuildMessage(
    const Alert& alert, const MailSettings& settings,
    std::chrono::system_clock::time_point date = std::chrono::system_clock::now());

// One article with every rule it matched (issue #18): an article of one rule is BuildMessage's
// message; of several, the Subject is "{subject_prefix} {rule}, {rule}, ...: {title}", the body
// shows the article once and then each rule with its own snippet, X-Kuzet-Rule lists the rule
// ids, and List-Id is Kuzet's (as for a digest of several rules). The Message-ID is the first
// alert's (the lowest mention id). InvalidArgument as for BuildMessage, or if there are no alerts.
Result<std::string> BuildArticleMessage(
    const Article& article, const MailSettings& settings,
    std::chrono::system_clock::time_point date = std::chrono::system_clock::now());

// Several alerts in one message, laid out by article (the alerts of one url together: the article
// once, then each rule with its snippet; other places at most 10, the rest counted). Message-ID
// from digest.id with a "digest." prefix (<kuzet.digest.{id}@{domain}>). InvalidArgument as above,
// or if there are no alerts.
Result<std::string> BuildDigestMessage(
    const Digest& digest, const MailSettings& settings,
    std::chrono::system_clock::time_point date = std::chrono::system_clock::now());

}  // namespace kuzet::alert
