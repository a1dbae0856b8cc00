// Renders stored mentions, documents and stories for people (a table) and for scripts (JSON,
// CSV per RFC 4180, Atom 1.0 per RFC 4287). Stored text is hostile (base/escape.h): JSON strings
// are valid UTF-8, Atom is well-formed XML whatever the text, CSV fields cannot run as formulas,
// and tables carry no terminal control sequences.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/mention_groups.h"
#include "app/story_places.h"
#include "storage/store.h"

namespace kuzet::app {

// "2026-11-29T06:58:13Z"
std::string FormatTimestampUtc(int64_t unix_micros);

// "2,990": a count for people.
std::string FormatCount(uint64_t n);

// One JSON object per mention: id, doc_id, story, found_at, site, rule, lang, url, title,
// snippet, snippet_mark [begin, end) (UTF-8 byte offsets), hits [{term, surface, begin, end}],
// and, when `stories` is given, also_at [{site, url}] and also_at_total (see AlsoAtOf).
nlohmann::json MentionToJson(const storage::Mention& mention,
                             const StoryPlacesById* stories = nullptr);

// A table for a terminal, newest first: per mention a line with time, site, rule, language and
// title, then "doc ID  URL" (the id `kuzet doc` takes), then the snippet. The matched words in the
// snippet are marked with highlight_begin / highlight_end (ANSI bold on a terminal, brackets
// otherwise). With `stories`, a mention whose story appeared elsewhere gets an "also at" line ("...
// and 2,990 more").
std::string FormatMentionTable(const std::vector<storage::Mention>& mentions,
                               const std::string& highlight_begin, const std::string& highlight_end,
                               const StoryPlacesById* stories = nullptr);

// RFC 4180 CSV: a header line, then one record per mention; CRLF line ends; a field holding a
// comma, quote, CR or LF is quoted with inner quotes doubled; a field starting with = + - @ TAB
// or CR gets a leading ' (base::CsvField). Columns: id, found_at, site, rule,
// lang, url, title, snippet, story, also_at (URLs separated by spaces), also_at_total.
std::string FormatMentionCsv(const std::vector<storage::Mention>& mentions,
                             const StoryPlacesById* stories = nullptr);

// Grouped listings (issue #18, app/mention_groups.h): one entry per article or story.
//
// JSON object: doc_id (the newest document's), story, found_at (the newest mention's), site, lang,
// url, title, rules [{rule, snippet, snippet_mark [begin, end], mention_id}] (one per rule, its
// newest mention, newest first), mentions (how many matched), and for a story doc_ids (its
// documents with a match, newest first); with `stories`, also_at and also_at_total.
nlohmann::json MentionGroupToJson(const MentionGroup& group, MentionGrouping grouping,
                                  const StoryPlacesById* stories = nullptr);

// The table: per group a line with time, site, the rules in brackets, language and title, then
// "doc ID  URL" (a story: "story ID  N articles  URL"), then one line per rule with its snippet,
// the match marked as in FormatMentionTable, and the "also at" line.
std::string FormatMentionGroupTable(const std::vector<MentionGroup>& groups,
                                    MentionGrouping grouping, const std::string& highlight_begin,
                                    const std::string& highlight_end,
                                    const StoryPlacesById* stories = nullptr);

// RFC 4180 CSV as FormatMentionCsv, one record per group. Columns: doc_id, found_at, site, rules
// (ids separated by spaces), lang, url, title, snippets ("rule: snippet" per rule, separated by
// LF), mention_ids (separated by spaces), story, doc_ids (separated by spaces), also_at,
// also_at_total.
std::string FormatMentionGroupCsv(const std::vector<MentionGroup>& groups,
                                  const StoryPlacesById* stories = nullptr);

// An Atom 1.0 feed (RFC 4287) of the mentions: feed id `feed_id` (a tag: URI), title, updated =
// the newest mention's found_at (now_us for an empty feed); one entry per mention with id
// tag:kuzet,2026:mention:<id>, title "[rule] title", alternate link to the page, related links to
// the story's other URLs (at most kAlsoAtLimit, and a kuzet:also_at_total extension element,
// RFC 4287 section 6.4, with their number), updated/published = found_at, author = site,
// category = rule, and the snippet as a text summary. A non-empty `self_url` becomes the feed's
// <link rel="self"> (RFC 4287 section 4.2.7.2), where the feed is fetched from.
std::string FormatMentionAtom(const std::vector<storage::Mention>& mentions,
                              const std::string& feed_id, const std::string& feed_title,
                              int64_t now_us, const StoryPlacesById* stories = nullptr,
                              const std::string& self_url = "");

// `kuzet doc`: the stored article with its URLs, matches and a page of its story's documents
// (newest first, with the story's size and the next page's --before).
nlohmann::json DocumentToJson(const storage::Document& doc, const storage::StoryMembersPage& story);
std::string FormatDocumentText(const storage::Document& doc,
                               const storage::StoryMembersPage& story);

// `kuzet stories`: id, created, size, and its newest documents' sites, URLs, titles and exact
// reprints (a page: the rest through `kuzet stories --story ID --before DOC`).
nlohmann::json StoryToJson(const storage::StoryInfo& story);
std::string FormatStoryTable(const std::vector<storage::StoryInfo>& stories);

}  // namespace kuzet::app
