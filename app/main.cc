// kuzet — a multilingual news-monitoring crawler. See README.md.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <string_view>
#include <utility>

#include "app/build_info.h"
#include "app/commands.h"
#include "app/config_path.h"
#include "app/logging.h"
#include "base/strings.h"

namespace {

// Where a query command finds the store: the config's data_dir, or a data dir given directly.
void AddDataDirOptions(CLI::App& command, std::string& config_path, std::string& data_dir) {
  command.add_option("-c,--config", config_path, "Config file (for its data_dir)");
  command.add_option("--data-dir", data_dir, "Data directory (instead of --config)");
}

// The first word that is neither an option nor --log-format's value: the command asked for.
std::string CommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--log-format") {
      ++i;
    } else if (!arg.starts_with("-")) {
      return std::string(arg);
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kuzet::app;
  InitLogging();

  CLI::App cli{"kuzet: watches news and union sites for keyword mentions in en/ru/kk"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", VersionLine(GetBuildInfo()));
  cli.fallthrough();  // --log-format is taken after the subcommand too
  cli.footer("Without --config, a command reads $KUZET_CONFIG, else " + SystemConfigPath() + ".");
  std::string log_format;
  cli.add_option("--log-format", log_format,
                 "Log lines on stderr: text (UTC), journal (sd-daemon priorities) or json; "
                 "default journal when stderr is the journal, else text")
      ->check(CLI::IsMember({"text", "journal", "json"}));

  auto* check = cli.add_subcommand("check-config", "Validate a config file and its rules");
  std::string check_file;
  auto* check_positional = check->add_option("file", check_file, "Config file");
  auto* check_flag = check->add_option("-c,--config", check_file, "Config file");
  check_positional->excludes(check_flag);

  CrawlOptions crawl;
  bool once = false;
  auto* crawl_cmd = cli.add_subcommand("crawl", "Crawl every site once and print a summary");
  crawl_cmd->add_flag("--once", once, "Crawl once and exit (required; to keep crawling: `run`)");
  crawl_cmd->add_option("-c,--config", crawl.config_path, "Config file");
  crawl_cmd->add_option("--site", crawl.site_ids, "Only these site ids");

  std::string run_config;
  auto* run = cli.add_subcommand("run", "Run the monitoring daemon");
  run->add_option("-c,--config", run_config, "Config file");

  StatusOptions status;
  auto* status_cmd =
      cli.add_subcommand("status", "Per site: last fetch, errors, queued URLs, next due time");
  status_cmd->add_option("-c,--config", status.config_path, "Config file");
  status_cmd->add_option("--site", status.site, "Only this site, with its feeds and pages");
  status_cmd->add_option("--format", status.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));

  MentionsOptions mentions;
  auto* mentions_cmd = cli.add_subcommand("mentions", "List stored mentions, newest first");
  AddDataDirOptions(*mentions_cmd, mentions.config_path, mentions.data_dir);
  mentions_cmd->add_option("--since", mentions.since,
                           "Found within this long (24h) or since a date");
  mentions_cmd->add_option("--until", mentions.until, "Found before this long ago or a date");
  mentions_cmd->add_option("--rule", mentions.rule, "Only this rule id");
  mentions_cmd->add_option("--lang", mentions.lang, "Only this language (en, ru, kk, other)");
  mentions_cmd->add_option("--site", mentions.site, "Only this site id");
  mentions_cmd->add_option("--limit", mentions.limit, "At most this many")
      ->check(CLI::Range(1, 100000));
  mentions_cmd->add_option("--format", mentions.format, "table, json, csv or atom")
      ->check(CLI::IsMember({"table", "json", "csv", "atom"}));
  mentions_cmd->add_option("--story", mentions.story, "Only this story's mentions");
  mentions_cmd
      ->add_option("--by", mentions.by,
                   "One row per article (default), rule (per mention) or story")
      ->check(CLI::IsMember({"article", "rule", "story"}));
  mentions_cmd->add_flag("--new", mentions.only_new,
                         "Only mentions new to --user (per filter), then mark them read");
  mentions_cmd->add_option("--user", mentions.user, "Whose read cursor --new uses ($USER)");
  mentions_cmd->add_option("--before", mentions.before,
                           "Only mentions listed after this mention id (the next page)");
  bool no_bom = false;
  mentions_cmd->add_flag("--no-bom", no_bom, "CSV without the UTF-8 byte order mark Excel needs");
  mentions_cmd->add_flag("--follow", mentions.follow,
                         "Keep printing new mentions as JSON Lines (with --format json)");
  mentions_cmd->add_option("--after", mentions.after,
                           "With --follow: start after this mention id (0: every stored one)");
  mentions_cmd->add_option("--cursor-file", mentions.cursor_file,
                           "With --follow: resume from, and record, the last id in this file");
  mentions_cmd
      ->add_option("--poll", mentions.poll_seconds,
                   "With --follow: seconds between looks at the store when idle (1)")
      ->check(CLI::Range(0.01, 3600.0));

  SearchOptions search;
  auto* search_cmd = cli.add_subcommand(
      "search", "Stored articles a query matches (rule query language), newest first");
  search_cmd->add_option("query", search.query, "Query: terms, \"phrases\", AND OR NOT NEAR/n")
      ->required();
  AddDataDirOptions(*search_cmd, search.config_path, search.data_dir);
  search_cmd->add_option("--since", search.since, "Fetched within this long (24h) or a date");
  search_cmd->add_option("--until", search.until, "Fetched before this long ago or a date");
  search_cmd->add_option("--lang", search.lang, "Only this language (en, ru, kk, other)");
  search_cmd->add_option("--site", search.site, "Only this site id");
  search_cmd->add_option("--limit", search.limit, "At most this many (20)")
      ->check(CLI::Range(1, 100000));
  search_cmd->add_option("--format", search.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  search_cmd->add_option("--before", search.before,
                         "Only articles with doc ids below this (the next page)");
  bool search_no_bom = false;
  search_cmd->add_flag("--no-bom", search_no_bom,
                       "CSV without the UTF-8 byte order mark Excel needs");

  DocOptions doc;
  auto* doc_cmd = cli.add_subcommand("doc", "Show a stored article, its URLs, story and matches");
  doc_cmd->add_option("id", doc.id, "Document id")->required();
  AddDataDirOptions(*doc_cmd, doc.config_path, doc.data_dir);
  doc_cmd->add_option("--format", doc.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  doc_cmd->add_option("--members", doc.members, "Show this many of its story's documents (10)")
      ->check(CLI::Range(1, 100000));
  doc_cmd->add_option("--before", doc.before, "Story documents older than this doc id (paging)");

  EvidenceOptions evidence;
  auto* evidence_cmd = cli.add_subcommand(
      "evidence", "Write a document's archived WARC records (.warc.gz), or --verify them");
  evidence_cmd->add_option("id", evidence.id, "Document id")->required();
  AddDataDirOptions(*evidence_cmd, evidence.config_path, evidence.data_dir);
  evidence_cmd->add_option("-o,--out", evidence.out, "Write the records to this file (not stdout)");
  evidence_cmd->add_flag("--verify", evidence.verify,
                         "Re-check every block and payload digest; fail naming file and offset");

  HistoryOptions history;
  auto* history_cmd = cli.add_subcommand(
      "history", "List a watched document's versions, or --diff two of them word by word");
  history_cmd->add_option("id", history.id, "Document id")->required();
  AddDataDirOptions(*history_cmd, history.config_path, history.data_dir);
  history_cmd->add_option("--diff", history.diff, "Word diff of versions A and B")->expected(2);
  history_cmd->add_option("--format", history.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  StoriesOptions stories;
  auto* stories_cmd = cli.add_subcommand("stories", "List stories (near-duplicates), newest first");
  AddDataDirOptions(*stories_cmd, stories.config_path, stories.data_dir);
  stories_cmd->add_option("--since", stories.since, "Begun within this long (24h) or since a date");
  auto* stories_rule =
      stories_cmd->add_option("--rule", stories.rule, "Only stories with a mention of this rule");
  stories_cmd->add_flag("--all", stories.all, "Also stories without any mention")
      ->excludes(stories_rule);
  stories_cmd->add_option("--limit", stories.limit, "At most this many")
      ->check(CLI::Range(1, 100000));
  stories_cmd->add_option("--format", stories.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  stories_cmd->add_option("--members", stories.members, "Documents shown per story, newest (10)")
      ->check(CLI::Range(1, 100000));
  stories_cmd->add_option("--story", stories.story, "Only this story (page with --before)");
  stories_cmd->add_option("--before", stories.before, "Its documents older than this doc id");

  CompactOptions compact;
  auto* compact_cmd = cli.add_subcommand("compact", "Apply retention and reclaim disk space");
  AddDataDirOptions(*compact_cmd, compact.config_path, compact.data_dir);
  compact_cmd->add_option("--drop-text-older-than", compact.drop_text_older_than,
                          "Blank article texts last fetched longer ago than this (90d)");
  compact_cmd->add_flag("--evidence", compact.evidence,
                        "Also delete evidence older than [evidence] retention (needs --config)");

  RepairOptions repair;
  auto* repair_cmd =
      cli.add_subcommand("repair", "Recover a store whose write-ahead log is damaged");
  AddDataDirOptions(*repair_cmd, repair.config_path, repair.data_dir);

  ExtractOptions extract;
  auto* extract_cmd = cli.add_subcommand("extract", "Print the article of pages (files, URLs, -)");
  extract_cmd->add_option("inputs", extract.inputs, "Files (.gz too), URLs or - for stdin")
      ->required();
  extract_cmd->add_option("--base-url", extract.base_url, "URL of a file input, for its links");
  extract_cmd->add_option("--format", extract.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  MatchOptions match;
  auto* match_cmd = cli.add_subcommand("match", "Try keyword rules on a text, file or URL");
  match_cmd->add_option("-c,--config", match.config_path, "Config file with rules");
  match_cmd->add_option("--term", match.terms, "An inline rule term (repeatable)");
  match_cmd->add_option("--rule", match.rule, "Only this rule id");
  match_cmd->add_option("--text", match.text, "Text to match");
  match_cmd->add_option("input", match.input, "File or URL whose article text is matched");
  match_cmd->add_option("--lang", match.lang, "Language of the text (en, ru, kk)");
  match_cmd->add_option("--site", match.site, "Site id, for rules filtered by site");
  match_cmd->add_option("--format", match.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  RematchOptions rematch;
  auto* rematch_cmd =
      cli.add_subcommand("rematch", "Run a rule over the stored articles (stop `kuzet run` first)");
  rematch_cmd->add_option("-c,--config", rematch.config_path, "Config file with the rule");
  rematch_cmd->add_option("--rule", rematch.rule, "The rule id")->required();
  rematch_cmd->add_option("--since", rematch.since,
                          "Articles first seen within this long (90d) or since a date "
                          "(default: [settings] backfill_window)");

  ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the HTTP API, Atom feed, metrics and page");
  serve_cmd->add_option("-c,--config", serve.config_path, "Config file (data_dir, [server])");
  serve_cmd->add_option("--data-dir", serve.data_dir, "Data directory (instead of --config)");
  serve_cmd->add_option("--listen", serve.listen, "host:port (default 127.0.0.1:8765)");
  serve_cmd->add_option("--token-env", serve.token_env, "Environment variable with a bearer token");

  AlertsOptions alerts;
  auto* alerts_cmd =
      cli.add_subcommand("alerts", "Show the alert outbox; list or requeue failed alerts");
  AddDataDirOptions(*alerts_cmd, alerts.config_path, alerts.data_dir);
  alerts_cmd->add_flag("--failed", alerts.failed, "List alerts given up after max_attempts");
  alerts_cmd->add_flag("--retry", alerts.retry,
                       "Requeue the failed alerts (stop `kuzet run` first)");
  alerts_cmd->add_option("--limit", alerts.limit, "At most this many")
      ->check(CLI::Range(1, 1000000));

  TestAlertOptions test_alert;
  auto* test_alert_cmd =
      cli.add_subcommand("test-alert", "Send a sample alert for RULE through its channels");
  test_alert_cmd->add_option("rule", test_alert.rule_id, "Rule id")->required();
  test_alert_cmd->add_option("-c,--config", test_alert.config_path, "Config file");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 calls an unknown command "A subcommand is required": name it instead.
    const std::string word = CommandWord(argc, argv);
    const std::vector<const CLI::App*> commands =
        std::as_const(cli).get_subcommands(std::function<bool(const CLI::App*)>());  // all
    if (!word.empty() && std::none_of(commands.begin(), commands.end(),
                                      [&](const CLI::App* c) { return c->get_name() == word; })) {
      const std::string known =
          kuzet::base::Join(commands, ", ", [](const CLI::App* c) { return c->get_name(); });
      std::cerr << "kuzet: unknown command '" << word << "' (commands: " << known << ")\n";
      return 2;
    }
    // --help and --version end here with 0; every usage error exits 2, as the man page says
    // (CLI11's own codes, 100-120, would read as failures of the command itself).
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (auto format = ParseLogFormat(log_format)) SetLogFormat(*format);

  // Commands that need a store or rules and were given neither --config nor --data-dir.
  for (std::string* path : {&check_file, &crawl.config_path, &run_config, &status.config_path,
                            &test_alert.config_path, &rematch.config_path}) {
    if (path->empty()) *path = DefaultConfigPath();
  }
  for (auto [path, data_dir] : {std::pair{&mentions.config_path, &mentions.data_dir},
                                {&doc.config_path, &doc.data_dir},
                                {&evidence.config_path, &evidence.data_dir},
                                {&history.config_path, &history.data_dir},
                                {&stories.config_path, &stories.data_dir},
                                {&compact.config_path, &compact.data_dir},
                                {&alerts.config_path, &alerts.data_dir},
                                {&serve.config_path, &serve.data_dir}}) {
    if (path->empty() && data_dir->empty()) *path = DefaultConfigPath();
  }

  if (check->parsed()) return CheckConfigCommand(check_file);
  if (crawl_cmd->parsed() && !once) {
    // One mode only, named: crawling on is what `run` does (with its schedule, alerts, server).
    std::cerr << "kuzet crawl: give --once (crawl every site once and exit); to keep crawling, "
                 "run `kuzet run`\n";
    return 2;
  }
  mentions.bom = !no_bom;
  search.bom = !search_no_bom;
  if (crawl_cmd->parsed()) return CrawlOnceCommand(crawl);
  if (run->parsed()) return RunCommand(run_config);
  if (status_cmd->parsed()) return StatusCommand(status);
  if (mentions_cmd->parsed()) return MentionsCommand(mentions);
  if (search_cmd->parsed()) return SearchCommand(search);
  if (doc_cmd->parsed()) return DocCommand(doc);
  if (evidence_cmd->parsed()) return EvidenceCommand(evidence);
  if (history_cmd->parsed()) return HistoryCommand(history);
  if (stories_cmd->parsed()) return StoriesCommand(stories);
  if (compact_cmd->parsed()) return CompactCommand(compact);
  if (repair_cmd->parsed()) return RepairCommand(repair);
  if (extract_cmd->parsed()) return ExtractCommand(extract);
  if (match_cmd->parsed()) return MatchCommand(match);
  if (rematch_cmd->parsed()) return RematchCommand(rematch);
  if (serve_cmd->parsed()) return ServeCommand(serve);
  if (alerts_cmd->parsed()) return AlertsCommand(alerts);
  if (test_alert_cmd->parsed()) return TestAlertCommand(test_alert);
  return 2;
}
