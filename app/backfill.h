// Backfill (issue #18): a rule added or changed looks back over the stored articles. The daemon
// runs it in the background for every rule whose definition is new to the store (BackfillWorker);
// `kuzet rematch` runs one by hand (RuleBackfillRun). Both match each stored document of a time
// window, newest first in bounded batches, with the rule compiled on its own (the matcher the
// pipeline uses), and add what they find through the store's writer, flagged backfilled, with the
// progress in the same batch: a killed process resumes at the batch after the last one stored,
// and running it again adds nothing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "extractor/keywords/matcher.h"
#include "storage/backfill.h"
#include "storage/store.h"

namespace kuzet::app {

// The fingerprint of what a rule matches: hex SHA-256 of its terms, query, language and site
// filters, cross_script and exact. Its id, description, line and alert settings are not part of
// it: editing those needs no backfill.
std::string RuleFingerprint(const config::Rule& rule);

// Documents scanned and matched per batch: one write batch (at most one sync) each.
inline constexpr size_t kBackfillBatch = 64;

// One rule's backfill over a store, batch by batch.
class RuleBackfillRun {
 public:
  // Plans a new backfill of `rule` over the documents first seen at or after since_us and stored
  // before now (the crawl matches later ones itself), and records it, replacing the rule's
  // earlier one. `config_path` names the file in compile errors.
  static Result<RuleBackfillRun> Plan(storage::Store& store, const config::Rule& rule,
                                      const std::string& config_path, int64_t since_us,
                                      int64_t now_us);
  // Goes on with a stored, unfinished backfill of `rule` (after a restart).
  static Result<RuleBackfillRun> Resume(storage::Store& store, const config::Rule& rule,
                                        const std::string& config_path,
                                        storage::RuleBackfill progress);

  // Matches the next batch of documents and stores the mentions found with the progress; the
  // last batch marks the backfill finished. Returns false once it is finished.
  Result<bool> Step(size_t batch = kBackfillBatch);

  const storage::RuleBackfill& progress() const { return progress_; }

 private:
  RuleBackfillRun(storage::Store& store, const config::Rule& rule, keywords::Matcher matcher,
                  storage::RuleBackfill progress);

  storage::Store* store_;
  config::Rule rule_;
  keywords::Matcher matcher_;  // the rule alone
  storage::RuleBackfill progress_;
};

// The daemon's background backfills: one thread, one rule at a time, writing through the
// daemon's store (its only read-write instance), between the crawl's batches.
class BackfillWorker {
 public:
  explicit BackfillWorker(storage::Store& store);
  ~BackfillWorker();  // stops after the batch in flight (its progress is stored)
  BackfillWorker(const BackfillWorker&) = delete;
  BackfillWorker& operator=(const BackfillWorker&) = delete;

  // On start and on every applied reload: a configured rule whose fingerprint differs from its
  // stored backfill's (or that has none) gets a new backfill over [settings] backfill_window; an
  // unfinished one of a configured rule goes on. Rules no longer configured are left. A window of
  // 0 plans nothing new (unfinished backfills still go on). Errors are logged.
  void Update(const config::Config& config);

  // Progress is in the store (MentionReader::RuleBackfills): `kuzet status`, /metrics.

 private:
  void Loop();
  // The next unfinished backfill of a configured rule; nullopt: none.
  std::optional<RuleBackfillRun> NextRun();

  storage::Store& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Held by Update and by each batch: a batch never writes the progress of a plan that an
  // Update has just replaced.
  std::mutex plan_mutex_;
  config::Config config_;    // the rules, as of the last Update
  uint64_t generation_ = 0;  // Update calls: a run started before the last one is dropped
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kuzet::app
