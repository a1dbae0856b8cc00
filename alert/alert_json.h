// The JSON form of an alert: what a command hook reads on stdin and a webhook receives as its
// POST body. The schema (documented in alert/README.md, "Hook JSON") is versioned by the "schema"
// member; members are only ever added within a version.
#pragma once

#include <string>
#include <string_view>

#include "alert/alert.h"
#include "base/status.h"

namespace kuzet::alert {

// One JSON object on one line, UTF-8 (invalid bytes from crawled pages become U+FFFD), with a
// trailing newline so line-oriented scripts can read it.
std::string AlertToJson(const Alert& alert);

// An article with every rule it matched (issue #18): the first alert's object (AlertToJson, so
// the top-level rule_id, snippet and id are the first rule's) whose "rules" array lists each
// alert's {rule_id, rule_description, snippet, snippet_mark_begin, snippet_mark_end, id,
// web_url}. AlertToJson(a) is ArticleToJson of the article {a}: "rules" then has one member.
std::string ArticleToJson(const Article& article);

// {"schema": "kuzet.digest.v1", "id": ..., "alerts": [<AlertToJson objects>]} plus newline.
std::string DigestToJson(const Digest& digest);

// The inverse of AlertToJson (unknown members are ignored, missing ones stay empty), so an
// outbox can keep the JSON and a delivery worker can rebuild the Alert. InvalidArgument on
// malformed JSON or members of the wrong type.
Result<Alert> AlertFromJson(std::string_view json);

}  // namespace kuzet::alert
