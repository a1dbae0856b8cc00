// The `kuzet` subcommands. Each returns the process exit code: 0 success, 1 failure (the reason
// is printed to stderr), 2 bad usage (CLI11 handles those before we get here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kuzet::app {

int CheckConfigCommand(const std::string& config_path);

struct CrawlOptions {
  std::string config_path;
  std::vector<std::string> site_ids;  // empty: every site
};
int CrawlOnceCommand(const CrawlOptions& options);

// status: per configured site, the last fetch, errors, queued URLs and next due time, from the
// crawl state (works beside a running daemon). With --site, also each feed, sitemap and start
// page with its (adaptive) interval.
struct StatusOptions {
  std::string config_path;
  std::string site;              // only this site, in detail
  std::string format = "table";  // table | json
};
int StatusCommand(const StatusOptions& options);

// The daemon (app/daemon.h): crawls each site when its interval is due, until SIGTERM/SIGINT;
// SIGHUP reloads every section of the config.
int RunCommand(const std::string& config_path);

struct MentionsOptions {
  std::string config_path;   // the data dir is read from it ...
  std::string data_dir;      // ... unless given here
  std::string since, until;  // durations back from now ("24h") or ISO dates ("2026-11-01")
  std::string rule, lang, site;
  size_t limit = 100;
  std::string format = "table";  // table | json | csv | atom
  uint64_t story = 0;            // only this story's mentions (0: any)
  // One row per "article" (a document with all its rules), "rule" (per mention) or "story";
  // "": article, but rule with --follow and --format atom (app/mention_groups.h).
  std::string by;
  bool only_new = false;  // --new: only mentions past the user's read cursor, which then
  std::string user;       // advances; user "" means $USER, else "default"
  uint64_t before = 0;    // only mentions listed after this mention id (the next page)
  bool bom = true;        // csv: starts with a UTF-8 byte order mark (for Excel)
  // --follow (app/mention_stream.h): JSON Lines of the mentions stored past a cursor, until a
  // stop signal; from `after`, or the id in `cursor_file`, polling the store every `poll_seconds`.
  bool follow = false;
  std::optional<uint64_t> after;
  std::string cursor_file;
  std::optional<double> poll_seconds;
};
int MentionsCommand(const MentionsOptions& options);

// doc ID: one stored article with its URLs, story and matches.
struct DocOptions {
  std::string config_path, data_dir;
  uint64_t id = 0;
  std::string format = "text";  // text | json
  size_t members = 10;          // story documents shown, newest first ...
  uint64_t before = 0;          // ... with doc ids below this (0: from the newest)
};
int DocCommand(const DocOptions& options);

// search QUERY: the stored articles the query (the rule query language) matches, newest first,
// found as a rule with that query finds them at crawl time (app/search_results.h).
struct SearchOptions {
  std::string config_path, data_dir;
  std::string query;
  std::string since, until;  // the fetch time of the article's current text
  std::string lang, site;
  size_t limit = 20;
  std::string format = "table";  // table | json | csv
  uint64_t before = 0;           // only documents with smaller ids (the next page)
  bool bom = true;               // csv: starts with a UTF-8 byte order mark (for Excel)
};
int SearchCommand(const SearchOptions& options);

// stories: near-duplicate clusters, newest first, with their documents' sites and URLs; only
// those with a mention (of `rule` when given) unless `all`.
struct StoriesOptions {
  std::string config_path, data_dir;
  std::string since;
  std::string rule;  // only stories with a mention of this rule
  bool all = false;  // also stories without any mention
  size_t limit = 50;
  std::string format = "table";  // table | json
  size_t members = 10;           // documents shown per story, newest first
  uint64_t story = 0;            // only this story, its documents with ids below `before`
  uint64_t before = 0;
};
int StoriesCommand(const StoriesOptions& options);

// evidence DOC (issue #20): the WARC records archived for a document, byte for byte as stored
// (each file's warcinfo, then every capture's request, response or revisit, and metadata), as a
// .warc.gz stream to `out` or stdout; `verify` re-checks every block and payload digest first and
// fails naming the file and offset of a damaged record (the records then go nowhere).
struct EvidenceOptions {
  std::string config_path, data_dir;
  uint64_t id = 0;
  std::string out;  // "": stdout (unless verify)
  bool verify = false;
};
int EvidenceCommand(const EvidenceOptions& options);

// history DOC (issue #20): the versions the edit watch stored for a watched document (time, HTTP
// status, digest, change kinds, names removed and added), or with `diff` = {A, B} a word diff of
// versions A and B ([-removed-]{+added+}).
struct HistoryOptions {
  std::string config_path, data_dir;
  uint64_t id = 0;
  std::vector<uint32_t> diff;   // empty, or the two version numbers to compare
  std::string format = "text";  // text | json
};
int HistoryCommand(const HistoryOptions& options);

// compact: retention and space reclaiming; needs the write lock (the daemon must be stopped).
struct CompactOptions {
  std::string config_path, data_dir;
  std::string drop_text_older_than;  // a duration ("90d"); "": keep every text
  // Also apply [evidence] retention (needs the config): drop older captures and delete the WARC
  // files nothing kept points at. Without it compact never touches evidence.
  bool evidence = false;
};
int CompactCommand(const CompactOptions& options);

// repair: reopens a store whose write-ahead log is damaged (which `run` and the queries refuse),
// keeping everything before the damage; prints what was dropped and where the damaged logs were
// copied. Needs the data dir to itself.
struct RepairOptions {
  std::string config_path, data_dir;
};
int RepairCommand(const RepairOptions& options);

struct ExtractOptions {
  std::vector<std::string> inputs;  // files (.gz read as such), URLs, or "-" for stdin
  std::string base_url;
  std::string format = "text";  // text | json (one object per line for several inputs)
};
int ExtractCommand(const ExtractOptions& options);

struct MatchOptions {
  std::string config_path;         // rules from here ...
  std::vector<std::string> terms;  // ... or one inline rule from these terms
  std::string rule;                // only this rule id
  std::string text;                // text to match, or
  std::string input;               // a file or URL (its article text is matched)
  std::string lang, site;
  std::string format = "text";
};
int MatchCommand(const MatchOptions& options);

// rematch --rule ID [--since 90d]: runs one rule over the stored articles first seen since then
// (default: [settings] backfill_window back) and stores what it finds as backfilled mentions
// (app/backfill.h). Needs the write lock: the daemon must be stopped.
struct RematchOptions {
  std::string config_path;
  std::string rule;
  std::string since;  // a duration back from now ("90d") or a date; "": the config's window
};
int RematchCommand(const RematchOptions& options);

// serve: the HTTP API, Atom feed, metrics and web page (app/http_server.h) until SIGTERM/SIGINT.
struct ServeOptions {
  std::string config_path;  // data dir and [server] table from here ...
  std::string data_dir;     // ... or just a data dir (then loopback and no token by default)
  std::string listen;       // host:port; "": the config's, else 127.0.0.1:8765
  std::string token_env;    // environment variable holding the bearer token; "": the config's
};
int ServeCommand(const ServeOptions& options);

// alerts: the alert outbox. Default: counts; --failed lists given-up alerts with their last error;
// --retry requeues them (needs the write lock: stop `kuzet run` first).
struct AlertsOptions {
  std::string config_path, data_dir;
  bool failed = false, retry = false;
  size_t limit = 1000;
};
int AlertsCommand(const AlertsOptions& options);

// test-alert RULE: sends a sample alert through the rule's configured channels, prints each result.
struct TestAlertOptions {
  std::string config_path, rule_id;
};
int TestAlertCommand(const TestAlertOptions& options);

}  // namespace kuzet::app
