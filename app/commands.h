// The `kuzet` subcommands. Each returns the process exit code: 0 success, 1 failure (the reason
// is printed to stderr), 2 bad usage (CLI11 handles those before we get here).
#pragma once

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

// The daemon: crawls each site when its interval is due, until SIGTERM/SIGINT; SIGHUP reloads.
int RunCommand(const std::string& config_path);

struct MentionsOptions {
  std::string config_path;  // the data dir is read from it ...
  std::string data_dir;     // ... unless given here
  std::string since, until;  // durations back from now ("24h") or ISO dates ("2026-11-01")
  std::string rule, lang, site;
  size_t limit = 100;
  std::string format = "table";  // table | json
};
int MentionsCommand(const MentionsOptions& options);

struct ExtractOptions {
  std::vector<std::string> inputs;  // files (.gz read as such), URLs, or "-" for stdin
  std::string base_url;
  std::string format = "text";  // text | json (one object per line for several inputs)
};
int ExtractCommand(const ExtractOptions& options);

struct MatchOptions {
  std::string config_path;          // rules from here ...
  std::vector<std::string> terms;   // ... or one inline rule from these terms
  std::string rule;                 // only this rule id
  std::string text;                 // text to match, or
  std::string input;                // a file or URL (its article text is matched)
  std::string lang, site;
  std::string format = "text";
};
int MatchCommand(const MatchOptions& options);

// serve: the HTTP API, Atom feed, metrics and web page (app/http_server.h) until SIGTERM/SIGINT.
struct ServeOptions {
  std::string config_path;  // data dir and [server] table from here ...
  std::string data_dir;     // ... or just a data dir (then loopback and no token by default)
  std::string listen;       // host:port; "": the config's, else 127.0.0.1:8765
  std::string token_env;    // environment variable holding the bearer token; "": the config's
};
int ServeCommand(const ServeOptions& options);

}  // namespace kuzet::app
