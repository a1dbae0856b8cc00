// Alert: one new mention of a rule, as a monitor is told about it (issue #8); Article: the
// mentions of one page, told as one message (issue #18).
//
// An Alert is built from a stored mention and handed to a delivery channel (SMTP, command hook,
// webhook). Every field is plain data; text fields hold UTF-8 that came from crawled pages and
// is therefore untrusted: the channels neutralize it (mime.h, alert_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kuzet::alert {

// A text with marked bytes (UTF-8 byte offsets, begin <= end; clamped, never trusted).
struct MarkedText {
  std::string text;
  uint32_t mark_begin = 0, mark_end = 0;
};

// What changed in a watched document (issue #20 item 3): set on the alert of a change instead of
// a mention. Every text came from crawled pages and is untrusted.
struct ChangeDetails {
  uint64_t doc_id = 0;
  uint32_t version = 0;
  std::vector<std::string> kinds;  // watch::ChangeKindName of each kind
  std::string headline;            // watch::ChangeHeadline: "name removed: Roza Tuletayeva"
  // The alert's rule's names (a change of several rules has one alert per rule).
  std::vector<std::string> names_removed, names_added;
  // The before/after excerpt of the rule's first name removed (else added), the name marked where
  // the matcher found it; both empty when there is none (gone, redirected away, not found).
  MarkedText before, after;
  int http_status = 0;        // of the fetch
  std::string redirected_to;  // with a redirect away
};

struct Alert {
  // Stable identity of the alert, e.g. the storage mention id ("42"). It drives the Message-ID
  // (<kuzet.{id}@{from-domain}>), so a resend after a crash between send and mark is recognisably
  // the same message to mail systems and to the monitor.
  std::string id;
  std::string rule_id, rule_description;
  std::string site_id, site_name;
  std::string url;  // the article
  std::string title, lang;
  std::string snippet;  // the sentence around the first match
  // The match's bytes within `snippet` (UTF-8 byte offsets, begin <= end). Out-of-range or
  // mid-character offsets are clamped, never trusted.
  uint32_t snippet_mark_begin = 0, snippet_mark_end = 0;
  int64_t found_at_us = 0;              // unix microseconds
  std::string story_url;                // optional: a page grouping other sites carrying the story
  std::vector<std::string> other_urls;  // optional: the same text at other URLs
  std::string web_url;                  // optional: this mention on the local Kuzet web page
  // Set for the alert of a change of a watched document (id "change.{doc}.{version}"): the
  // message says what changed instead of quoting a mention (mime.h, alert_json.h).
  std::optional<ChangeDetails> change;
};

// One article and every rule it matched, delivered as one message (issue #18): the alerts of one
// document's mentions, one per rule, lowest mention id first. They share the article's fields
// (url, title, site, lang, found_at, story and other URLs: the first alert's are shown); each
// brings its rule, its snippet and its web_url. The first alert's id names the message, so an
// article of one rule is exactly the one-alert message (same Message-ID, same JSON).
struct Article {
  std::vector<Alert> alerts;  // never empty when delivered
};

// Several alerts delivered as one message (mode = digest). `id` is chosen by the caller (e.g. the
// first outbox key of the batch) and, like Alert::id, drives the Message-ID of the digest.
struct Digest {
  std::string id;
  // Rendered by article (issue #18): the alerts of one url together under it, articles in order
  // of first appearance.
  std::vector<Alert> alerts;
};

}  // namespace kuzet::alert
