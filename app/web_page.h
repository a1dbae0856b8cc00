// The web page at / (issue #18): rendered on the server, so the first page of results works
// without JavaScript; page.js (WebPageScript) then shows times in the viewer's local time, reads
// since/until in it, and, on a server that wants a bearer token, loads the page with the token
// from the URL fragment (#token=...).
//
// The document is polyglot HTML: every element closed and every attribute quoted, and all stored
// text through base::XmlEscape, so it is also well-formed XML whatever a crawled title holds
// (the tests parse it with an XML parser). No inline script or style: the CSP header allows only
// page.js and page.css from this server.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app/search_results.h"
#include "app/web_page_query.h"
#include "storage/mention_reader.h"

namespace kuzet::app {

struct WebPageReply {
  int status = 200;  // 400: bad parameters (the page says which); 500: the store failed
  std::string html;
};

// GET / with these query parameters (percent-decoded, request order). `authorized` false: the
// server wants a token the request did not bring, so the page holds no data (nor the configured
// rules and sites) and its script asks for the token.
//
// ?doc=ID (alone) is the document view: title, URL, mentions and the edit watch's timeline (each
// version's time, HTTP status, change kinds, names removed and added, digest, evidence records,
// and the word diff of a text change, bounded as below); 400 for an id that is not 1 to 19
// digits, 404 for an unknown one.
//
// `search` runs a search (?q=, app/search_results.h) over the server's store; without one the
// page has no search box and refuses q.
using PageSearch = std::function<Result<SearchPage>(const SearchRequest&)>;
WebPageReply ServeWebPage(const storage::MentionReader& store, const PageChoices& choices,
                          const std::vector<std::pair<std::string, std::string>>& params,
                          int64_t now_us, bool authorized, const PageSearch& search = {});

// At most this many documents of a story are listed in the story view (?story=ID), each with at
// most kStoryReprintsShown of its reprints; the rest are counted.
inline constexpr size_t kStoryDocumentsShown = 50;
inline constexpr size_t kStoryReprintsShown = 10;

// The document view (?doc=ID): at most this many versions (the first ones; a schedule has at
// most 64 steps), and in each version's word diff at most kDiffChangesShown changes of at most
// kDiffChangeBytes each, with kDiffContextBytes of unchanged text either side; the rest is
// counted and left to `kuzet history ID --diff A B`.
inline constexpr size_t kDocumentVersionsShown = 1000;
inline constexpr size_t kDiffChangesShown = 40;
inline constexpr size_t kDiffChangeBytes = 600;
inline constexpr size_t kDiffContextBytes = 120;

// The Content-Security-Policy of the page: page.js and page.css from this server, fetches to it
// (the token mode), nothing else; no framing.
inline constexpr const char* kWebPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// /page.css and /page.js: constants, served without a token (they hold no data).
const std::string& WebPageCss();
const std::string& WebPageScript();

}  // namespace kuzet::app
