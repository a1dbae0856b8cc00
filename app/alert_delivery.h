// Alert delivery wired to the app: the store's outbox adapted for the delivery worker
// (alert/delivery_worker.h) and the channels built from the config's [alerts] table.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alert/alert.h"
#include "alert/delivery_worker.h"
#include "alert/title_snippet.h"
#include "app/pipeline_metrics.h"
#include "config/config.h"
#include "extractor/keywords/matcher.h"
#include "storage/store.h"

namespace kuzet::app {

// The first sentence of `document`'s body (not its title) holding one of the mention's hits;
// nullopt when none does or the text was dropped by retention.
std::optional<alert::MarkedSentence> BodySentence(const storage::Mention& mention,
                                                  const storage::Document& document);

// The alert a monitor gets for a stored mention: texts from the mention, rule description and site
// name from the config, other URLs of the same text from the document, and — when the config's
// [server] is enabled with a public_url — a link to the rule's mentions on the web page.
// When the mention's snippet is only its title (the match was in the headline), the snippet is
// the first sentence of `document`'s body that holds one of its hits, or empty when none does
// (alert/title_snippet.h); `document` may be null (then the snippet is left as stored).
alert::Alert AlertFromMention(const storage::Mention& mention, const config::Config& config,
                              const std::vector<std::string>& other_urls,
                              const storage::Document* document = nullptr);

// storage::Store as the worker's outbox. The store must be open read-write.
class StoreAlertOutbox : public alert::AlertOutbox {
 public:
  // `metrics`, when given, counts each channel's sends and failures (RecordChannel).
  StoreAlertOutbox(storage::Store& store, const config::Config& config,
                   PipelineMetrics* metrics = nullptr)
      : store_(store), config_(config), metrics_(metrics) {}
  Result<std::vector<alert::DueAlert>> Due(int64_t now_us, size_t limit) override;
  Result<std::optional<alert::OutboxAlert>> Load(uint64_t mention_id) override;
  Result<bool> StoryAlerted(const std::string& rule_id, uint64_t story_id,
                            uint64_t except_mention_id) override;
  Status RecordChannel(uint64_t mention_id, const alert::ChannelState& channel) override;
  Status RecordChannels(const std::vector<alert::ChannelRecord>& records) override;
  Status MarkSent(uint64_t mention_id, int64_t sent_us) override;
  Status Reschedule(uint64_t mention_id, int64_t next_due_us, const std::string& error) override;
  Status MarkFailed(uint64_t mention_id, const std::string& error) override;

 private:
  // The config's rules compiled on the first change alert, whose excerpts need the matcher's hit
  // positions (app/watch_alert.h); null when they do not compile.
  const keywords::Matcher* ChangeMatcher();

  storage::Store& store_;
  const config::Config& config_;    // a copy owned by the caller for the worker's life
  PipelineMetrics* const metrics_;  // may be null
  std::optional<Result<keywords::Matcher>> matcher_;
};

// The addresses that are in exactly the same recipient lists, and those lists (by index).
struct RecipientClass {
  std::vector<std::string> addresses;  // in order of first appearance
  std::set<size_t> lists;
};
// `lists`' addresses partitioned by the lists holding them, classes in order of first appearance:
// {x, y} and {x} give {x} (lists 0 and 1) and {y} (list 0).
std::vector<RecipientClass> RecipientClasses(const std::vector<std::vector<std::string>>& lists);

// The worker's options from [alerts]: per rule the e-mail channels that reach its alert_to (else
// [alerts].to) when smtp_url is set, one per recipient class (so an address in several rules'
// lists gets one message per article), plus the command hook and the webhook when configured; the
// rule's alert_mode (else [alerts].mode). InvalidArgument when [alerts] is absent or disabled.
Result<alert::WorkerOptions> WorkerOptionsFromConfig(const config::Config& config);

// The worker in a thread of its own beside the daemon's crawl, so a slow mail server never blocks
// crawling. Destruction stops it (after the message in flight) and joins. The config is copied:
// on a reload the daemon replaces the whole thread (app/daemon.h); pending alerts wait in the
// store's outbox meanwhile.
class AlertThread {
 public:
  // `metrics`, when given, must outlive the thread.
  static Result<std::unique_ptr<AlertThread>> Start(const config::Config& config,
                                                    storage::Store& store,
                                                    PipelineMetrics* metrics = nullptr);
  ~AlertThread();
  void Wake() { worker_->Wake(); }

 private:
  AlertThread() = default;
  config::Config config_;
  std::unique_ptr<StoreAlertOutbox> outbox_;
  std::unique_ptr<alert::DeliveryWorker> worker_;
  std::thread thread_;
};

}  // namespace kuzet::app
