// alerts (list pending and failed alerts, requeue failed ones) and test-alert (send a sample).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "alert/channel.h"
#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "app/commands.h"
#include "app/watch_alert.h"
#include "base/time.h"
#include "config/config.h"
#include "storage/alert_entry.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// Listing opens read-only, beside the daemon or not: a read-write open, however brief, holds the
// store's lock, and a daemon starting at that moment failed ("another kuzet process holds this
// data dir"). A store that cannot be opened read-only (missing, or older and not yet upgraded) is
// opened read-write; so is it for --retry, which writes.
Result<std::unique_ptr<storage::Store>> OpenAlertStore(const std::string& data_dir, bool write) {
  if (!write) {
    auto store = storage::Store::Open(data_dir, storage::Store::Mode::kReadOnly);
    if (store.ok()) return store;
  }
  auto store = storage::Store::Open(data_dir, storage::Store::Mode::kReadWrite);
  if (!store.ok() && write) {
    return Status(Status::InvalidArgument(store.status().message() +
                                          " (is `kuzet run` using it? stop it first)"));
  }
  return store;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// The rules a change alert went out for (app/watch_alert.h ChangeRules, as the delivery worker
// computes them), comma-separated; "(fallback)" for a document that never carried a name.
std::string ChangeAlertRules(storage::Store& store, uint64_t alert_id,
                             const std::vector<std::string>& alert_cosmetic) {
  const uint32_t number = storage::ChangeAlertVersion(alert_id);
  auto versions = store.reader().Versions(storage::ChangeAlertDocId(alert_id), number + 1);
  if (!versions.ok()) return "(unreadable: " + versions.status().message() + ")";
  const storage::VersionRecord* version = nullptr;
  std::vector<storage::VersionName> matched_before;
  for (const storage::StoredVersion& v : *versions) {
    if (v.number == number) version = &v.version;
    if (v.number < number) {
      matched_before.insert(matched_before.end(), v.version.names.begin(), v.version.names.end());
    }
  }
  if (version == nullptr) return "(version gone)";
  std::string joined;
  for (const std::string& rule : ChangeRules(*version, matched_before, alert_cosmetic)) {
    joined += (joined.empty() ? "" : ",") + rule;
  }
  return joined.empty() ? "(fallback)" : joined;
}

}  // namespace

int AlertsCommand(const AlertsOptions& options) {
  std::string data_dir = options.data_dir;
  std::vector<std::string> alert_cosmetic;  // [watch] alert_cosmetic, when the config is read
  if (data_dir.empty()) {
    auto config = config::LoadConfigFile(options.config_path);
    if (!config.ok()) {
      std::cerr << config.status().message() << "\n";
      return 1;
    }
    data_dir = config->settings.data_dir;
    alert_cosmetic = config->watch.alert_cosmetic;
  }
  auto store = OpenAlertStore(data_dir, options.retry);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  if (options.retry) {
    auto requeued = (*store)->outbox().RequeueFailedAlerts(base::NowMicros());
    if (!requeued.ok()) {
      std::cerr << requeued.status().message() << "\n";
      return 1;
    }
    std::printf("requeued %d failed alert(s); `kuzet run` delivers them\n", *requeued);
    return 0;
  }
  auto failed = (*store)->outbox().FailedAlerts(options.limit);
  if (!failed.ok()) {
    std::cerr << failed.status().message() << "\n";
    return 1;
  }
  if (!options.failed) {
    auto pending = (*store)->outbox().Pending(options.limit);
    if (!pending.ok()) {
      std::cerr << pending.status().message() << "\n";
      return 1;
    }
    std::printf("%zu pending, %zu failed%s\n", pending->size(), failed->size(),
                failed->empty() ? "" : " (see `kuzet alerts --failed`)");
    return 0;
  }
  // Per alert its rule and URL, then per channel what happened to it: a channel given up on
  // ("failed") beside one that delivered ("sent", never repeated) or still waits ("pending").
  std::printf("%-10s %-20s %s\n", "mention", "rule", "url");
  std::printf("%-10s %-9s %-8s %-8s %s\n", "", "channel", "state", "attempts", "last error");
  for (const storage::OutboxEntry& entry : *failed) {
    std::string id = std::to_string(entry.mention_id), rule, url;
    if (storage::IsChangeAlertId(entry.mention_id)) {  // a change of a watched document
      // Its id packs a flag, the document and the version: what `history` and `doc` take is the
      // document.
      id = "doc " + std::to_string(storage::ChangeAlertDocId(entry.mention_id));
      // One entry, delivered for every rule the change concerns: all of them listed.
      rule = ChangeAlertRules(**store, entry.mention_id, alert_cosmetic) + " (change, version " +
             std::to_string(storage::ChangeAlertVersion(entry.mention_id)) + ")";
      if (auto doc = (*store)->reader().GetDocument(storage::ChangeAlertDocId(entry.mention_id));
          doc.ok() && doc->has_value()) {
        url = (*doc)->url;
      }
    } else if (auto mention = (*store)->reader().GetMention(entry.mention_id);
               mention.ok() && mention->has_value()) {
      rule = (*mention)->rule_id;
      url = (*mention)->url;
    }
    std::printf("%-10s %-20s %s\n", id.c_str(), rule.c_str(), url.c_str());
    if (entry.channels.empty()) {  // given up before any channel was tried, or an old record
      std::printf("%-10s %-9s %-8s %-8u %s\n", "", "(all)", "failed", entry.attempts,
                  FirstLine(entry.last_error).c_str());
    }
    for (const storage::ChannelDelivery& channel : entry.channels) {
      using State = storage::ChannelDelivery::State;
      // attempts counts failures; a sent channel also made the attempt that succeeded.
      uint32_t tries = channel.attempts + (channel.state == State::kSent ? 1 : 0);
      const char* state = channel.state == State::kSent     ? "sent"
                          : channel.state == State::kFailed ? "failed"
                                                            : "pending";
      std::printf("%-10s %-9s %-8s %-8u %s\n", "", channel.channel.c_str(), state, tries,
                  FirstLine(channel.last_error).c_str());
    }
  }
  std::printf("%zu failed alert(s); `kuzet alerts --retry` requeues them\n", failed->size());
  return 0;
}

int TestAlertCommand(const TestAlertOptions& options) {
  auto config = config::LoadConfigFile(options.config_path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  const config::Rule* rule = nullptr;
  for (const config::Rule& r : config->rules) {
    if (r.id == options.rule_id) rule = &r;
  }
  if (rule == nullptr) {
    std::cerr << options.config_path << ": no rule has id \"" << options.rule_id << "\"\n";
    return 1;
  }
  auto worker_options = WorkerOptionsFromConfig(*config);
  if (!worker_options.ok()) {
    std::cerr << worker_options.status().message() << "\n";
    return 1;
  }
  const alert::RuleRoute& route = worker_options->routes.at(rule->id);
  // A sample alert with an id of its own, so it never shares a Message-ID with a real one.
  alert::Alert sample;
  int64_t now = base::NowMicros();
  sample.id = "test." + std::to_string(now);
  sample.rule_id = rule->id;
  sample.rule_description = rule->description;
  sample.site_id = "kuzet-test";
  sample.site_name = "Kuzet test alert";
  sample.url = "https://example.org/kuzet-test-alert";
  sample.title = "Kuzet test alert — Жаңаөзен / Жанаозен / Zhanaozen";
  std::string term = rule->terms.empty() ? rule->id : rule->terms.front();
  sample.snippet = "This is a test of the alert set-up for " + term + ". Nothing was found.";
  sample.snippet_mark_begin = static_cast<uint32_t>(sample.snippet.find(term));
  sample.snippet_mark_end = sample.snippet_mark_begin + static_cast<uint32_t>(term.size());
  sample.lang = "en";
  sample.found_at_us = now;

  std::printf("rule %s: %zu channel(s)%s\n", rule->id.c_str(), route.channels.size(),
              route.digest ? " (digest mode; the test is sent as a single alert)" : "");
  bool all_ok = !route.channels.empty();
  for (const auto& channel : route.channels) {
    Status status = channel->Deliver(sample);
    std::string detail;
    for (const std::string& address : channel->recipients()) {
      detail += (detail.empty() ? " to " : " ") + address;
    }
    if (status.ok()) {
      std::printf("  %s: sent%s\n", channel->name().c_str(), detail.c_str());
    } else {
      all_ok = false;
      std::printf("  %s: FAILED (%s): %s\n", channel->name().c_str(),
                  alert::IsRetryable(status) ? "temporary" : "check the config",
                  status.message().c_str());
    }
  }
  if (route.channels.empty()) std::printf("  no channel configured for this rule\n");
  return all_ok ? 0 : 1;
}

}  // namespace kuzet::app
