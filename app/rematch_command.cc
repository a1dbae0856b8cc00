// `kuzet rematch --rule ID [--since 90d]`: runs one rule over the stored articles now, in the
// foreground (app/backfill.h), with a progress bar on a terminal and a summary line at the end.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "app/backfill.h"
#include "app/commands.h"
#include "app/mention_format.h"
#include "app/time_bound.h"
#include "base/strings.h"
#include "base/time.h"
#include "config/config.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// "[#########...........]  4200/10000 documents, 17 found", redrawn in place on stderr.
void DrawProgress(const storage::RuleBackfill& p) {
  constexpr int kWidth = 30;
  const uint64_t total = std::max<uint64_t>(p.docs_total, 1);
  const int filled = static_cast<int>(std::min<uint64_t>(p.docs_scanned, total) * kWidth / total);
  std::fprintf(stderr, "\r%s [%s%s] %llu/%llu documents, %llu found", p.rule_id.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               static_cast<unsigned long long>(p.docs_scanned),
               static_cast<unsigned long long>(p.docs_total),
               static_cast<unsigned long long>(p.found));
  std::fflush(stderr);
}

}  // namespace

int RematchCommand(const RematchOptions& options) {
  auto config = config::LoadConfigFile(options.config_path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  auto rule = std::find_if(config->rules.begin(), config->rules.end(),
                           [&](const config::Rule& r) { return r.id == options.rule; });
  if (rule == config->rules.end()) {
    const std::string known = base::Join(config->rules, ", ", &config::Rule::id);
    std::cerr << "kuzet rematch: --rule " << options.rule << ": no such rule in "
              << options.config_path << " (rules: " << (known.empty() ? "none" : known) << ")\n";
    return 2;
  }
  const int64_t now = base::NowMicros();
  int64_t since = now - static_cast<int64_t>(config->settings.backfill_window.count()) * 1'000'000;
  if (!options.since.empty()) {
    auto parsed = ParseTimeBound("--since", options.since, now);
    if (!parsed.ok()) {
      std::cerr << "kuzet rematch: " << parsed.status().message() << "\n";
      return 2;
    }
    since = *parsed;
  }
  auto store = storage::Store::Open(config->settings.data_dir);
  if (!store.ok()) {
    if (store.status().code() == Status::Code::kUnavailable) {
      std::cerr << "kuzet rematch needs the data dir to itself: stop the daemon (`kuzet run`) "
                   "first. Or leave it running: on SIGHUP or a restart it runs every rule added "
                   "or changed over the last [settings] backfill_window by itself, with its "
                   "progress in `kuzet status`.\n("
                << store.status().message() << ")\n";
    } else {
      std::cerr << store.status().message() << "\n";
    }
    return 1;
  }
  auto run = RuleBackfillRun::Plan(**store, *rule, config->path, since, now);
  if (!run.ok()) {
    std::cerr << run.status().message() << "\n";
    return 1;
  }
  const bool bar = isatty(STDERR_FILENO) == 1;
  for (;;) {
    if (bar) DrawProgress(run->progress());
    auto more = run->Step();
    if (!more.ok()) {
      if (bar) std::fputc('\n', stderr);
      std::cerr << "kuzet rematch: rule " << rule->id << ": " << more.status().message()
                << " (what was found so far is stored)\n";
      return 1;
    }
    if (!*more) break;
  }
  if (bar) {
    DrawProgress(run->progress());
    std::fputc('\n', stderr);
  }
  const storage::RuleBackfill& p = run->progress();
  std::cout << "rule " << p.rule_id << ": " << p.docs_scanned
            << " stored documents first seen since " << FormatTimestampUtc(p.since_us) << ", "
            << p.found << " new mention" << (p.found == 1 ? "" : "s") << " (backfilled, "
            << (rule->alert_backfill ? "alerts queued" : "not alerted") << ")\n";
  return 0;
}

}  // namespace kuzet::app
