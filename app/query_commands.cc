// mentions: what the analyst asks.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/mention_format.h"
#include "app/time_bound.h"
#include "config/config.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// The data dir from --data-dir or from the config's settings.
Result<std::string> ResolveDataDir(const std::string& data_dir, const std::string& config_path) {
  if (!data_dir.empty()) return data_dir;
  if (config_path.empty()) {
    return Status::InvalidArgument("give --config FILE or --data-dir DIR");
  }
  auto config = config::LoadConfigFile(config_path);
  if (!config.ok()) return config.status();
  return config->settings.data_dir;
}

}  // namespace

int MentionsCommand(const MentionsOptions& options) {
  auto data_dir = ResolveDataDir(options.data_dir, options.config_path);
  if (!data_dir.ok()) {
    std::cerr << data_dir.status().message() << "\n";
    return 1;
  }
  storage::MentionQuery query;
  int64_t now = NowMicros();
  if (!options.since.empty()) {
    auto since = ParseTimeBound("--since", options.since, now);
    if (!since.ok()) {
      std::cerr << since.status().message() << "\n";
      return 1;
    }
    query.since_us = *since;
  }
  if (!options.until.empty()) {
    auto until = ParseTimeBound("--until", options.until, now);
    if (!until.ok()) {
      std::cerr << until.status().message() << "\n";
      return 1;
    }
    query.until_us = *until;
  }
  query.rule_id = options.rule;
  query.lang = options.lang;
  query.site_id = options.site;
  query.limit = options.limit;

  if (!std::filesystem::exists(*data_dir)) {
    std::cerr << *data_dir << ": no data yet: run `kuzet crawl --once` or `kuzet run` first\n";
    return 1;
  }
  auto store = storage::Store::Open(*data_dir, storage::Store::Mode::kReadOnly);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  auto mentions = (*store)->Mentions(query);
  if (!mentions.ok()) {
    std::cerr << mentions.status().message() << "\n";
    return 1;
  }
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const storage::Mention& m : *mentions) out.push_back(MentionToJson(m));
    std::cout << out.dump(2) << "\n";
  } else {
    bool tty = isatty(STDOUT_FILENO);
    std::cout << FormatMentionTable(*mentions, tty ? "\033[1;31m" : "[", tty ? "\033[0m" : "]");
  }
  return 0;
}

}  // namespace kuzet::app
