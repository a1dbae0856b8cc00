// The monitor's configuration: sites to crawl, keyword rules, and daemon settings.
//
// Loaded from one TOML file (see config/README.md for every key). Loading never throws: a bad
// file gives a Status whose message names the file, the line and the field, for example
//   example.toml:14: sites[2].interval: expected a duration like "15m", got "fast"
// Unknown keys are errors, so a typo never silently disables a rule.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::config {

using Seconds = std::chrono::seconds;

// Settings that apply to the whole daemon ([settings] table).
struct Settings {
  std::string data_dir = "data";  // relative paths are relative to the config file's folder
  std::string user_agent = "Kuzet/0.1 (news monitor; +https://github.com/kuzet)";
  int concurrency = 8;                     // fetches in flight at once, all hosts together
  int per_host_connections = 2;            // fetches in flight at once to one host
  Seconds per_host_delay{1};               // minimum time between two requests to one host
  Seconds fetch_timeout{30};               // whole request, including redirects
  std::int64_t max_body_bytes = 10 << 20;  // after decompression
  int max_redirects = 5;
  // Extraction and matching of one page (issue #15): CPU time of the worker on it, and memory of
  // its parse (estimated before parsing). A page over either is recorded and skipped.
  Seconds page_cpu_budget{2};
  std::int64_t page_memory_budget = std::int64_t{256} << 20;
  // Threads that extract and match fetched pages; 0: one per hardware core.
  int workers = 0;
  // A rule added or changed (on start or SIGHUP) is run over the documents first seen within this
  // long before, in the background (issue #18, app/backfill.h); 0: never.
  Seconds backfill_window{30 * 86400};
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  // Loopback, private and link-local addresses are refused unless listed here (host names or
  // IP literals, e.g. "127.0.0.1"); "*" allows all of them. Protects against SSRF via redirects.
  std::vector<std::string> allow_private_hosts;

  bool operator==(const Settings&) const = default;  // the daemon's reload compares them
};

// One monitored site ([[sites]] array of tables).
struct Site {
  std::string id;                       // short, stable, [a-z0-9_-]+; used in storage keys
  std::string name;                     // human-readable
  std::vector<std::string> languages;   // expected languages: "en", "ru", "kk"
  std::vector<std::string> start_urls;  // front and section pages whose links are followed
  std::vector<std::string> feeds;       // RSS / Atom feed URLs
  std::vector<std::string> sitemaps;    // XML sitemap or sitemap index URLs
  Seconds interval{3600};               // how often the start pages and feeds are re-read
  // Bounds of each feed's and sitemap's adaptive interval (it starts at `interval`); defaults
  // interval / 4 (at least 1 s) and interval * 4.
  Seconds min_interval{900};
  Seconds max_interval{14400};
  bool robots_sitemaps = true;  // also read the sitemaps that robots.txt lists (RFC 9309 §2.2.4)
  Seconds max_item_age{30 * 86400};  // feed/sitemap entries dated longer ago are skipped
  int max_depth = 1;                 // link hops followed from a start URL
  int max_pages = 200;               // pages fetched per crawl of this site
  // URL scope. Hosts default to the hosts of start_urls, feeds and sitemaps. include/exclude are
  // glob patterns ('*' matches any run of characters) over the URL path and query, e.g. "/news/*".
  std::vector<std::string> hosts;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  int line = 0;  // line of the [[sites]] header in the file, for error messages
};

// One keyword rule ([[rules]] array of tables). Term syntax and the query language are defined by
// the matcher (extractor/keywords/README.md); config only checks the shapes.
struct Rule {
  std::string id;  // short, stable, [a-z0-9_-]+
  std::string description;
  std::vector<std::string> terms;  // any one term matching makes the rule match
  std::string query;               // optional boolean/NEAR expression instead of, or over, terms
  std::vector<std::string> languages;  // only documents in these languages; empty: all
  std::vector<std::string> sites;      // only documents from these site ids; empty: all
  bool cross_script = true;            // match across Cyrillic / Latin spellings
  bool exact = false;                  // no inflection: match the term's word forms exactly
  std::vector<std::string> alert_to;   // recipients for this rule; empty: [alerts].to
  std::string alert_mode;              // "immediate" | "digest"; "": [alerts].mode
  bool alert_backfill = false;         // alert the mentions a backfill finds in stored articles
  int line = 0;
};

// The query API and web page ([server] table): `kuzet serve`, and `kuzet run` when enabled.
struct Server {
  bool enabled = false;                   // kuzet run serves the API beside the crawl
  std::string listen = "127.0.0.1:8765";  // host:port; loopback unless deliberately opened
  std::string token_env;                  // environment variable holding a bearer token; "": none
  std::string public_url;                 // base URL for links in alerts and the Atom feed
  std::string feed_token_env;  // variable holding a read-only token for /feed.atom?token=; "": none
  int line = 0;
};

// Where and how alerts go ([alerts] table); see alert/README.md.
struct Alerts {
  bool enabled = false;  // true when the table is present (unless it says enabled = false)
  std::string smtp_url;  // smtp://host:587 or smtps://host:465; "": no email
  std::string starttls = "required";  // required | try | off
  std::string from, from_name = "Kuzet", subject_prefix = "[Kuzet]";
  std::vector<std::string> to;  // default recipients
  std::string user, password, password_env, ca_file;
  std::vector<std::string> command;  // hook argv (no shell); receives the alert JSON on stdin
  Seconds command_timeout{30};
  std::string webhook_url;
  std::string mode = "immediate";  // immediate | digest
  Seconds digest_interval{3600};
  int max_per_hour = 60;      // beyond this alerts wait for the next hour, never dropped
  int max_attempts = 20;      // then the alert is marked failed
  Seconds retry_initial{60};  // first retry delay; doubles per failed attempt ...
  Seconds retry_max{3600};    // ... up to this
  bool quiet_repeats = true;  // a story already alerted for a rule is not alerted again
  int line = 0;

  bool operator==(const Alerts&) const = default;  // the daemon's reload compares them
};

// The refetch schedule of the documents of one site or rule ([[watch.sites]], [[watch.rules]]).
struct WatchSchedule {
  std::string id;  // of a [[sites]] or [[rules]] entry
  std::vector<Seconds> schedule;
  int line = 0;

  bool operator==(const WatchSchedule&) const = default;
};

// The edit and deletion watch ([watch] table): documents with a mention are fetched again on a
// decaying schedule and their changes stored as versions (watch/README.md).
struct Watch {
  bool enabled = false;  // true when the table is present (unless it says enabled = false)
  // Ages since a document was first seen at which it is fetched again, then never again.
  std::vector<Seconds> schedule = {Seconds(3600),      Seconds(6 * 3600),  Seconds(86400),
                                   Seconds(3 * 86400), Seconds(7 * 86400), Seconds(30 * 86400)};
  // Rules whose documents alert on every change, cosmetic and plain edits included; the others
  // alert only on a watched name removed or added, a deletion, a redirect away or a replacement.
  std::vector<std::string> alert_cosmetic;
  // Schedules replacing `schedule` for the documents of a site, or with a rule's mentions; a
  // document under several of them takes every age of each (watch::MergeAges).
  std::vector<WatchSchedule> sites, rules;
  int line = 0;

  bool operator==(const Watch&) const = default;
};
// The evidence archive ([evidence] table; storage/warc/README.md): every fetched page that
// produced a mention, kept as fetched in WARC 1.1 files.
struct Evidence {
  bool enabled = true;  // evidence is what a monitor shows when a story is disputed
  std::string dir;      // "": <data_dir>/evidence; relative paths: to the config file's folder
  std::int64_t max_file_size = std::int64_t{1} << 30;  // a file is rotated past this
  // Captures older than this are deleted by `kuzet compact --evidence` only; 0: kept forever.
  Seconds retention{0};
  // The most the archive's files may take on disk; 0: no limit. Reached: no page with a mention
  // is stored (it stays queued) until space is freed: evidence is never silently left out.
  std::int64_t max_disk = 0;
  int line = 0;

  bool operator==(const Evidence&) const = default;  // the daemon's reload compares them
};

// The evidence directory: `evidence.dir`, or <data_dir>/evidence when it is empty.
std::string EvidenceDir(const Settings& settings, const Evidence& evidence);

struct Config {
  std::string path;  // file it was loaded from ("" when parsed from a string)
  Settings settings;
  std::vector<Site> sites;
  std::vector<Rule> rules;
  Server server;
  Alerts alerts;
  Watch watch;
  Evidence evidence;
};

// Parses and validates a config file. data_dir is made absolute relative to the file's folder.
Result<Config> LoadConfigFile(const std::string& path);

// Parses and validates TOML text; source_name is used in error messages in place of a path.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source_name);

// "90s", "15m", "2h", "1d", "1h30m" -> seconds. Bare integers are rejected (ambiguous unit).
Result<Seconds> ParseDuration(std::string_view text);

}  // namespace kuzet::config
