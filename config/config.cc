// ParseConfig / LoadConfigFile: TOML -> validated Config. Every problem found is reported, one per
// line of the Status message, in file order (see config/README.md, "Errors").
#include "config/config.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include <toml++/toml.h>

#include "base/strings.h"
#include "config/diagnostics.h"
#include "config/table_reader.h"
#include "url/address.h"
#include "url/url.h"

namespace kuzet::config {

namespace {

constexpr std::array<std::string_view, 7> kTopLevelKeys = {"settings", "sites",  "rules",
                                                           "server",   "alerts", "watch",
                                                           "evidence"};
constexpr std::array<std::string_view, 5> kEvidenceKeys = {"enabled", "dir", "max_file_size",
                                                           "retention", "max_disk"};
constexpr std::array<std::string_view, 14> kSettingsKeys = {
    "data_dir",       "user_agent",          "concurrency",     "per_host_connections",
    "per_host_delay", "fetch_timeout",       "max_body_bytes",  "max_redirects",
    "log_level",      "allow_private_hosts", "page_cpu_budget", "page_memory_budget",
    "workers",        "backfill_window"};
constexpr std::array<std::string_view, 16> kSiteKeys = {
    "id",       "name",         "languages",    "start_urls",     "feeds",     "sitemaps",
    "interval", "min_interval", "max_interval", "max_item_age",   "max_depth", "max_pages",
    "hosts",    "include",      "exclude",      "robots_sitemaps"};
constexpr std::array<std::string_view, 11> kRuleKeys = {
    "id",           "description", "terms",    "query",      "languages",     "sites",
    "cross_script", "exact",       "alert_to", "alert_mode", "alert_backfill"};
constexpr std::array<std::string_view, 5> kServerKeys = {"enabled", "listen", "token_env",
                                                         "public_url", "feed_token_env"};
constexpr std::array<std::string_view, 21> kAlertsKeys = {
    "enabled",         "smtp_url",     "starttls",       "from",
    "from_name",       "to",           "user",           "password",
    "password_env",    "ca_file",      "subject_prefix", "command",
    "command_timeout", "webhook_url",  "mode",           "digest_interval",
    "max_per_hour",    "max_attempts", "retry_initial",  "retry_max",
    "quiet_repeats"};
constexpr std::array<std::string_view, 5> kWatchKeys = {"enabled", "schedule", "alert_cosmetic",
                                                        "sites", "rules"};
constexpr std::size_t kMaxWatchSteps = 64;  // watch::RefetchSchedule::kMaxSteps
constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string CheckNonEmpty(std::string& value) {
  return IsBlank(value) ? "expected a non-empty string" : "";
}

// A value that goes into an HTTP or mail header line (User-Agent, the From display name, the
// Subject): a CR or LF would end that header and start one the config's author never wrote
// (header injection; RFC 9110 §5.5 and RFC 5322 §2.2 allow no controls in field values), so no
// control character is accepted, and the line stays short.
std::string CheckHeaderText(std::string& value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "%04X", c);
      return std::string(
                 "must not contain control characters (it goes into a header line); "
                 "found U+") +
             code + " at byte " + std::to_string(i);
    }
  }
  if (value.size() > 512) {
    return "expected at most 512 bytes (it goes into a header line), got " +
           std::to_string(value.size());
  }
  return "";
}

std::string CheckUserAgent(std::string& value) {
  std::string error = CheckNonEmpty(value);
  return error.empty() ? CheckHeaderText(value) : error;
}

std::string CheckId(std::string& value) {
  bool valid = !value.empty();
  for (char c : value) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  return valid ? ""
               : "expected an id of lowercase letters, digits, '_' and '-', got " + Quoted(value);
}

std::string CheckHttpUrl(std::string& value) {
  return url::IsHttpUrl(value) ? "" : "expected an absolute http(s) URL, got " + Quoted(value);
}

// Any two-letter lowercase code is accepted (ISO 639-1); Kuzet's own models know en, ru and kk.
std::string CheckLanguage(std::string& value) {
  bool valid =
      value.size() == 2 && value[0] >= 'a' && value[0] <= 'z' && value[1] >= 'a' && value[1] <= 'z';
  return valid ? ""
               : "expected a two-letter lowercase language code like \"kk\", got " + Quoted(value);
}

// A host name or IP literal as it appears in a URL, without scheme, port or path.
std::string CheckHost(std::string& value) {
  base::AsciiLowerInPlace(value);
  bool valid = !value.empty() && value.find_first_of(" \t\r\n/?#@") == std::string::npos;
  return valid ? "" : "expected a host name like \"vlast.kz\", got " + Quoted(value);
}

std::string CheckPrivateHost(std::string& value) { return value == "*" ? "" : CheckHost(value); }

// include/exclude globs match the URL path and query, which always start with '/'.
std::string CheckPathPattern(std::string& value) {
  bool valid = !value.empty() && (value[0] == '/' || value[0] == '*');
  return valid ? ""
               : "expected a path pattern starting with '/' or '*' like \"/news/*\", got " +
                     Quoted(value);
}

std::string CheckLogLevel(std::string& value) {
  for (std::string_view level : kLogLevels) {
    if (value == level) return "";
  }
  return "expected one of trace, debug, info, warn, error, off, got " + Quoted(value);
}

// True when the key holds something other than an empty array (a wrong type is reported by the
// typed getter; it is not also reported as missing).
bool HasNonEmpty(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  if (!node) return false;
  const toml::array* array = node->as_array();
  return !array || !array->empty();
}

// A plain addr-spec (local@domain) as the alert module accepts it: no display name, no spaces or
// controls, one '@', at most 254 characters (RFC 5321 section 4.5.3.1.3). The alert module checks
// the finer points again before any connection is made.
std::string CheckMailAddress(std::string& value) {
  std::size_t at = value.find('@');
  bool valid = !value.empty() && value.size() <= 254 && at != std::string::npos && at > 0 &&
               at + 1 < value.size() && value.find('@', at + 1) == std::string::npos;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    valid = valid && u > 0x20 && u < 0x7f &&
            std::string_view("<>()[],;:\\\"").find(c) == std::string_view::npos;
  }
  return valid
             ? ""
             : "expected a plain e-mail address like \"analyst@example.org\", got " + Quoted(value);
}

std::string CheckSmtpUrl(std::string& value) {
  Result<url::Url> parsed = url::Parse(value);
  const bool smtp = parsed.ok() && (parsed->scheme == "smtp" || parsed->scheme == "smtps") &&
                    !parsed->host.empty();
  if (!smtp) {
    return "expected a URL like \"smtp://mail.example.org:587\" or \"smtps://mail.example.org\", "
           "got " +
           Quoted(value);
  }
  if (!parsed->user.empty() || !parsed->password.empty()) {
    return "must not contain a user name or password (use user and password_env)";
  }
  return "";
}

std::string CheckOneOf(std::string& value, std::initializer_list<std::string_view> choices) {
  std::string list;
  for (std::string_view choice : choices) {
    if (value == choice) return "";
    list += list.empty() ? "" : ", ";
    list += choice;
  }
  return "expected one of " + list + ", got " + Quoted(value);
}

std::string CheckStartTls(std::string& value) {
  return CheckOneOf(value, {"required", "try", "off"});
}
std::string CheckAlertMode(std::string& value) {
  return CheckOneOf(value, {"immediate", "digest"});
}

// An environment variable name (POSIX portable: letters, digits, '_', not starting with a digit).
std::string CheckEnvName(std::string& value) {
  bool valid = !value.empty() && !(value[0] >= '0' && value[0] <= '9');
  for (char c : value) {
    valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_');
  }
  return valid ? ""
               : "expected an environment variable name like \"KUZET_TOKEN\", got " + Quoted(value);
}

// "host:port" or "[v6]:port" with a port from 1 to 65535 (a configured server has a fixed port;
// port 0 is for tests and `kuzet serve --listen`).
std::string CheckListen(std::string& value) {
  Result<url::ListenAddress> address = url::ParseListenAddress(value);
  bool valid = address.ok() && address->port != 0;
  return valid ? "" : "expected host:port like \"127.0.0.1:8765\", got " + Quoted(value);
}

void ReadServer(TableReader& reader, Server& server, ErrorList& errors) {
  server.line = reader.line();
  reader.Bool("enabled", &server.enabled);
  reader.String("listen", &server.listen, CheckListen);
  reader.String("token_env", &server.token_env, CheckEnvName);
  reader.String("public_url", &server.public_url, CheckHttpUrl);
  reader.String("feed_token_env", &server.feed_token_env, CheckEnvName);
  // The feed token goes into URLs (feed readers cannot send headers): it must never be the API's.
  if (!server.feed_token_env.empty() && server.feed_token_env == server.token_env) {
    errors.Add(reader.line(), reader.path(),
               "feed_token_env must name another variable than token_env: the feed token is "
               "read-only and travels in URLs");
  }
}

void ReadAlerts(TableReader& reader, const toml::table& table, Alerts& alerts, ErrorList& errors) {
  alerts.line = reader.line();
  alerts.enabled = true;
  reader.Bool("enabled", &alerts.enabled);
  reader.String("smtp_url", &alerts.smtp_url, CheckSmtpUrl);
  reader.String("starttls", &alerts.starttls, CheckStartTls);
  reader.String("from", &alerts.from, CheckMailAddress);
  reader.String("from_name", &alerts.from_name, CheckHeaderText);
  reader.StringArray("to", &alerts.to, CheckMailAddress);
  reader.String("user", &alerts.user, CheckNonEmpty);
  reader.String("password", &alerts.password, CheckNonEmpty);
  reader.String("password_env", &alerts.password_env, CheckEnvName);
  reader.String("ca_file", &alerts.ca_file, CheckNonEmpty);
  reader.String("subject_prefix", &alerts.subject_prefix, CheckHeaderText);
  reader.StringArray("command", &alerts.command, CheckNonEmpty);
  reader.Duration("command_timeout", /*allow_zero=*/false, &alerts.command_timeout);
  reader.String("webhook_url", &alerts.webhook_url, CheckHttpUrl);
  reader.String("mode", &alerts.mode, CheckAlertMode);
  reader.Duration("digest_interval", /*allow_zero=*/false, &alerts.digest_interval);
  reader.Integer("max_per_hour", 1, 100000, &alerts.max_per_hour);
  reader.Integer("max_attempts", 1, 1000, &alerts.max_attempts);
  reader.Duration("retry_initial", /*allow_zero=*/false, &alerts.retry_initial);
  reader.Duration("retry_max", /*allow_zero=*/false, &alerts.retry_max);
  reader.Bool("quiet_repeats", &alerts.quiet_repeats);

  if (!reader.Has("smtp_url") && !HasNonEmpty(table, "command") && !reader.Has("webhook_url")) {
    errors.Add(reader.line(), reader.path(),
               "needs at least one of smtp_url, command or webhook_url");
  }
  if (reader.Has("smtp_url") && !reader.Has("from")) reader.MissingKey("from");
  if (reader.Has("password") && reader.Has("password_env")) {
    reader.Error("password", "set password or password_env, not both");
  }
  if (reader.Has("user") && !reader.Has("password") && !reader.Has("password_env")) {
    reader.Error("user", "needs password_env (or password)");
  }
  if (alerts.retry_max < alerts.retry_initial) {
    reader.Error("retry_max", "must not be shorter than retry_initial");
  }
}

void ReadEvidence(TableReader& reader, Evidence& evidence) {
  evidence.line = reader.line();
  reader.Bool("enabled", &evidence.enabled);
  reader.String("dir", &evidence.dir, CheckNonEmpty);
  // One record group must fit a file (storage/warc: a group never spans files): at least 1 MiB.
  reader.Integer("max_file_size", std::int64_t{1} << 20, std::int64_t{1} << 40,
                 &evidence.max_file_size);
  reader.Duration("retention", /*allow_zero=*/true, &evidence.retention);
  reader.Integer("max_disk", 0, std::int64_t{1} << 50, &evidence.max_disk);
  if (evidence.max_disk != 0 && evidence.max_disk < evidence.max_file_size) {
    reader.Error("max_disk", "must be 0 (no limit) or at least max_file_size");
  }
}

// Records the id's first line, or reports a duplicate.
void CheckUniqueId(TableReader& reader, const std::string& id, std::map<std::string, int>& seen) {
  if (id.empty()) return;
  auto [it, inserted] = seen.emplace(id, reader.LineOfKey("id"));
  if (!inserted) {
    reader.Error("id", "duplicate id " + Quoted(id) + " (first defined at line " +
                           std::to_string(it->second) + ")");
  }
}

// An id that must name one of `known` ("site", "rule"), with a suggestion for a typo.
std::string CheckKnownId(const std::string& value, const std::map<std::string, int>& known,
                         std::string_view what) {
  if (known.contains(value)) return "";
  std::vector<std::string_view> ids;
  for (const auto& [id, line] : known) ids.push_back(id);
  std::string message = "no " + std::string(what) + " has id " + Quoted(value);
  std::string suggestion = ClosestKey(value, ids);
  if (!suggestion.empty()) message += " (did you mean " + Quoted(suggestion) + "?)";
  return message;
}

// A refetch schedule: 1..kMaxWatchSteps durations > 0, strictly increasing. `schedule` is set
// only when all of it is valid.
void ReadSchedule(TableReader& reader, std::vector<Seconds>* schedule) {
  std::vector<std::string> steps;
  const bool steps_valid = reader.StringArray("schedule", &steps, [](std::string& value) {
    Result<Seconds> age = ParseDuration(value);
    if (!age.ok()) return age.status().message();
    return age->count() > 0 ? std::string() : "expected a duration > 0, got " + Quoted(value);
  });
  if (!steps_valid) return;
  std::vector<Seconds> ages;
  for (const std::string& step : steps) ages.push_back(*ParseDuration(step));
  if (ages.empty() || ages.size() > kMaxWatchSteps) {
    reader.Error("schedule", "expected 1 to " + std::to_string(kMaxWatchSteps) +
                                 " durations, got " + std::to_string(ages.size()));
  } else if (std::adjacent_find(ages.begin(), ages.end(), std::greater_equal<>()) != ages.end()) {
    reader.Error("schedule", "expected ages in increasing order, like [\"1h\", \"6h\", \"1d\"]");
  } else {
    *schedule = std::move(ages);
  }
}

// [[watch.sites]] or [[watch.rules]]: schedules of the documents of one site or rule.
std::vector<WatchSchedule> ReadWatchSchedules(TableReader& reader, const toml::table& table,
                                              std::string_view key,
                                              const std::map<std::string, int>& known,
                                              std::string_view what, ErrorList& errors) {
  std::vector<WatchSchedule> schedules;
  const toml::node* node = table.get(key);
  if (!node) return schedules;
  const toml::array* array = node->as_array();
  if (!array) {
    reader.Error(key, "expected an array of tables ([[" + reader.Field(key) + "]]), got " +
                          std::string(DescribeType(*node)));
    return schedules;
  }
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::string path = reader.Field(key) + "[" + std::to_string(i) + "]";
    const int line = LineOf(element, LineOf(*node, reader.line()));
    const toml::table* entry = element.as_table();
    if (!entry) {
      errors.Add(line, path, "expected a table, got " + std::string(DescribeType(element)));
      continue;
    }
    constexpr std::array<std::string_view, 2> kKeys = {"id", "schedule"};
    TableReader entry_reader(*entry, std::move(path), line, kKeys, errors);
    WatchSchedule schedule;
    schedule.line = line;
    if (!entry_reader.Has("id")) entry_reader.MissingKey("id");
    if (!entry_reader.Has("schedule")) entry_reader.MissingKey("schedule");
    if (entry_reader.String("id", &schedule.id,
                            [&](std::string& value) { return CheckKnownId(value, known, what); })) {
      CheckUniqueId(entry_reader, schedule.id, seen);
    }
    ReadSchedule(entry_reader, &schedule.schedule);
    if (!schedule.id.empty() && !schedule.schedule.empty()) schedules.push_back(schedule);
  }
  return schedules;
}

// [watch]: after [[sites]] and [[rules]], whose ids it names.
void ReadWatch(TableReader& reader, const toml::table& table,
               const std::map<std::string, int>& site_ids,
               const std::map<std::string, int>& rule_ids, Watch& watch, ErrorList& errors) {
  watch.line = reader.line();
  watch.enabled = true;
  reader.Bool("enabled", &watch.enabled);
  ReadSchedule(reader, &watch.schedule);
  std::map<std::string, int> listed;
  reader.StringArray("alert_cosmetic", &watch.alert_cosmetic, [&](std::string& value) {
    std::string unknown = CheckKnownId(value, rule_ids, "rule");
    if (!unknown.empty()) return unknown;
    return listed.emplace(value, 0).second ? std::string()
                                           : "rule " + Quoted(value) + " listed twice";
  });
  watch.sites = ReadWatchSchedules(reader, table, "sites", site_ids, "site", errors);
  watch.rules = ReadWatchSchedules(reader, table, "rules", rule_ids, "rule", errors);
}

void ReadSettings(TableReader& reader, Settings& settings) {
  reader.String("data_dir", &settings.data_dir, CheckNonEmpty);
  reader.String("user_agent", &settings.user_agent, CheckUserAgent);
  reader.Integer("concurrency", 1, 1024, &settings.concurrency);
  reader.Integer("per_host_connections", 1, 64, &settings.per_host_connections);
  reader.Duration("per_host_delay", /*allow_zero=*/true, &settings.per_host_delay);
  reader.Duration("fetch_timeout", /*allow_zero=*/false, &settings.fetch_timeout);
  reader.Integer("max_body_bytes", std::int64_t{1} << 10, std::int64_t{1} << 30,
                 &settings.max_body_bytes);
  reader.Integer("max_redirects", 0, 20, &settings.max_redirects);
  reader.Duration("page_cpu_budget", /*allow_zero=*/false, &settings.page_cpu_budget);
  reader.Integer("page_memory_budget", std::int64_t{16} << 20, std::int64_t{64} << 30,
                 &settings.page_memory_budget);
  reader.Integer("workers", 0, 256, &settings.workers);
  reader.Duration("backfill_window", /*allow_zero=*/true, &settings.backfill_window);
  reader.String("log_level", &settings.log_level, CheckLogLevel);
  reader.StringArray("allow_private_hosts", &settings.allow_private_hosts, CheckPrivateHost);
}

// Distinct hosts of the site's URLs, in order of first appearance.
std::vector<std::string> HostsOfUrls(const Site& site) {
  std::vector<std::string> hosts;
  for (const auto* urls : {&site.start_urls, &site.feeds, &site.sitemaps}) {
    for (const std::string& site_url : *urls) {
      std::string host = url::HostOf(site_url);
      if (!host.empty() && std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
        hosts.push_back(host);
      }
    }
  }
  return hosts;
}

Site ReadSite(TableReader& reader, const toml::table& table, std::map<std::string, int>& ids,
              ErrorList& errors) {
  Site site;
  site.line = reader.line();
  if (!reader.Has("id")) reader.MissingKey("id");
  if (reader.String("id", &site.id, CheckId)) CheckUniqueId(reader, site.id, ids);
  reader.String("name", &site.name, CheckNonEmpty);
  if (site.name.empty()) site.name = site.id;
  reader.StringArray("languages", &site.languages, CheckLanguage);
  reader.StringArray("start_urls", &site.start_urls, CheckHttpUrl);
  reader.StringArray("feeds", &site.feeds, CheckHttpUrl);
  reader.StringArray("sitemaps", &site.sitemaps, CheckHttpUrl);
  if (!HasNonEmpty(table, "start_urls") && !HasNonEmpty(table, "feeds") &&
      !HasNonEmpty(table, "sitemaps")) {
    errors.Add(reader.line(), reader.path(), "needs at least one of start_urls, feeds or sitemaps");
  }
  reader.Duration("interval", /*allow_zero=*/false, &site.interval);
  site.min_interval = std::max(Seconds(1), site.interval / 4);
  site.max_interval = site.interval * 4;
  reader.Duration("min_interval", /*allow_zero=*/false, &site.min_interval);
  reader.Duration("max_interval", /*allow_zero=*/false, &site.max_interval);
  if (site.min_interval > site.interval) {
    reader.Error("min_interval", "must not be longer than interval");
  }
  if (site.max_interval < site.interval) {
    reader.Error("max_interval", "must not be shorter than interval");
  }
  reader.Bool("robots_sitemaps", &site.robots_sitemaps);
  reader.Duration("max_item_age", /*allow_zero=*/false, &site.max_item_age);
  reader.Integer("max_depth", 0, 10, &site.max_depth);
  reader.Integer("max_pages", 1, 1000000, &site.max_pages);
  if (!reader.Has("hosts")) site.hosts = HostsOfUrls(site);
  reader.StringArray("hosts", &site.hosts, CheckHost);
  reader.StringArray("include", &site.include, CheckPathPattern);
  reader.StringArray("exclude", &site.exclude, CheckPathPattern);
  return site;
}

Rule ReadRule(TableReader& reader, const toml::table& table,
              const std::map<std::string, int>& site_ids, std::map<std::string, int>& ids,
              ErrorList& errors) {
  Rule rule;
  rule.line = reader.line();
  if (!reader.Has("id")) reader.MissingKey("id");
  if (reader.String("id", &rule.id, CheckId)) CheckUniqueId(reader, rule.id, ids);
  reader.String("description", &rule.description);
  reader.StringArray("terms", &rule.terms, CheckNonEmpty);
  reader.String("query", &rule.query, CheckNonEmpty);
  if (!HasNonEmpty(table, "terms") && !reader.Has("query")) {
    errors.Add(reader.line(), reader.path(), "needs at least one of terms or query");
  }
  reader.StringArray("languages", &rule.languages, CheckLanguage);
  reader.StringArray("sites", &rule.sites,
                     [&](std::string& value) { return CheckKnownId(value, site_ids, "site"); });
  reader.Bool("cross_script", &rule.cross_script);
  reader.Bool("exact", &rule.exact);
  reader.StringArray("alert_to", &rule.alert_to, CheckMailAddress);
  reader.String("alert_mode", &rule.alert_mode, CheckAlertMode);
  reader.Bool("alert_backfill", &rule.alert_backfill);
  return rule;
}

// Calls `read(table, path, line)` for each table of the [[name]] array at the top level.
template <typename ReadTable>
void ForEachTableOf(TableReader& root, const toml::table& document, std::string_view name,
                    ErrorList& errors, ReadTable read) {
  const toml::node* node = document.get(name);
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array) {
    root.Error(name, "expected an array of tables ([[" + std::string(name) + "]]), got " +
                         std::string(DescribeType(*node)));
    return;
  }
  int array_line = LineOf(*node, 1);
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::string path = std::string(name) + "[" + std::to_string(i) + "]";
    int line = LineOf(element, array_line);
    const toml::table* table = element.as_table();
    if (!table) {
      errors.Add(line, path, "expected a table, got " + std::string(DescribeType(element)));
      continue;
    }
    read(*table, std::move(path), line);
  }
}

// Calls `read(reader, table)` for the top-level [name] table when present.
template <typename ReadTable, std::size_t N>
void ReadOptionalTable(TableReader& root, const toml::table& document, std::string_view name,
                       const std::array<std::string_view, N>& keys, ErrorList& errors,
                       ReadTable read) {
  const toml::node* node = document.get(name);
  if (!node) return;
  const toml::table* table = node->as_table();
  if (!table) {
    root.Error(name, "expected a table ([" + std::string(name) + "]), got " +
                         std::string(DescribeType(*node)));
    return;
  }
  TableReader reader(*table, std::string(name), LineOf(*node, 1), keys, errors);
  read(reader, *table);
}

// E-mail needs recipients for every rule: its alert_to or [alerts].to. A rule's alert_to without
// an smtp_url to send through is a mistake worth reporting, not a silent no-op.
void CheckAlertRecipients(TableReader& reader, const Rule& rule, const Alerts& alerts,
                          ErrorList& errors) {
  // Has(), not the parsed list: an alert_to with a bad address is reported once, for the address.
  if (!rule.alert_to.empty() && alerts.smtp_url.empty()) {
    reader.Error("alert_to", "needs [alerts] smtp_url to send e-mail through");
  } else if (alerts.enabled && !alerts.smtp_url.empty() && !reader.Has("alert_to") &&
             alerts.to.empty()) {
    errors.Add(reader.line(), reader.path(),
               "has no e-mail recipients: set alert_to here or to in [alerts]");
  }
}

Result<Config> Validate(const toml::table& document, std::string_view source_name) {
  ErrorList errors{std::string(source_name)};
  Config config;
  TableReader root(document, "", 1, kTopLevelKeys, errors);

  if (const toml::node* node = document.get("settings")) {
    if (const toml::table* table = node->as_table()) {
      TableReader reader(*table, "settings", LineOf(*node, 1), kSettingsKeys, errors);
      ReadSettings(reader, config.settings);
    } else {
      root.Error("settings",
                 "expected a table ([settings]), got " + std::string(DescribeType(*node)));
    }
  }

  std::map<std::string, int> site_ids;
  ForEachTableOf(root, document, "sites", errors,
                 [&](const toml::table& table, std::string path, int line) {
                   TableReader reader(table, std::move(path), line, kSiteKeys, errors);
                   config.sites.push_back(ReadSite(reader, table, site_ids, errors));
                 });

  ReadOptionalTable(
      root, document, "server", kServerKeys, errors,
      [&](TableReader& reader, const toml::table&) { ReadServer(reader, config.server, errors); });
  ReadOptionalTable(root, document, "alerts", kAlertsKeys, errors,
                    [&](TableReader& reader, const toml::table& table) {
                      ReadAlerts(reader, table, config.alerts, errors);
                    });

  ReadOptionalTable(
      root, document, "evidence", kEvidenceKeys, errors,
      [&](TableReader& reader, const toml::table&) { ReadEvidence(reader, config.evidence); });

  std::map<std::string, int> rule_ids;
  ForEachTableOf(root, document, "rules", errors,
                 [&](const toml::table& table, std::string path, int line) {
                   TableReader reader(table, std::move(path), line, kRuleKeys, errors);
                   config.rules.push_back(ReadRule(reader, table, site_ids, rule_ids, errors));
                   CheckAlertRecipients(reader, config.rules.back(), config.alerts, errors);
                 });
  ReadOptionalTable(root, document, "watch", kWatchKeys, errors,
                    [&](TableReader& reader, const toml::table& table) {
                      ReadWatch(reader, table, site_ids, rule_ids, config.watch, errors);
                    });

  if (!errors.empty()) return errors.ToStatus();
  return config;
}

}  // namespace

Result<Config> ParseConfig(std::string_view toml_text, std::string_view source_name) {
  try {
    toml::table document = toml::parse(toml_text, source_name);
    return Validate(document, source_name);
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    return Status::InvalidArgument(std::string(source_name) + ":" + std::to_string(at.line) + ":" +
                                   std::to_string(at.column) + ": " +
                                   std::string(error.description()));
  } catch (const std::exception& error) {
    return Status::InvalidArgument(std::string(source_name) + ": " + error.what());
  }
}

Result<Config> LoadConfigFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::IOError(path + ": is a directory, not a file");
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    int error = errno;
    std::string message = path + ": cannot open: " + std::strerror(error);
    return error == ENOENT ? Status::NotFound(message) : Status::IOError(message);
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Status::IOError(path + ": cannot read: " + std::strerror(errno));

  Result<Config> config = ParseConfig(text.str(), path);
  if (!config.ok()) return config;
  config->path = path;
  fs::path data_dir(config->settings.data_dir);
  if (data_dir.is_relative()) {
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    fs::path absolute_folder = fs::absolute(folder, ec);
    if (ec) return Status::IOError(path + ": cannot resolve data_dir: " + ec.message());
    config->settings.data_dir = (absolute_folder / data_dir).lexically_normal().string();
  }
  fs::path evidence_dir(config->evidence.dir);
  if (!evidence_dir.empty() && evidence_dir.is_relative()) {
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    fs::path absolute_folder = fs::absolute(folder, ec);
    if (ec) return Status::IOError(path + ": cannot resolve [evidence] dir: " + ec.message());
    config->evidence.dir = (absolute_folder / evidence_dir).lexically_normal().string();
  }
  return config;
}

std::string EvidenceDir(const Settings& settings, const Evidence& evidence) {
  if (!evidence.dir.empty()) return evidence.dir;
  return (std::filesystem::path(settings.data_dir) / "evidence").string();
}

}  // namespace kuzet::config
