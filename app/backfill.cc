#include "app/backfill.h"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/mention_format.h"
#include "app/pipeline.h"
#include "app/rules.h"
#include "base/thread_name.h"
#include "base/time.h"
#include "storage/sha256.h"

namespace kuzet::app {

namespace {

// After a failed batch (a full disk, say) the worker tries again this much later; the daemon
// reports and handles the storage fault itself.
constexpr std::chrono::seconds kRetryAfterError(10);

Result<keywords::Matcher> CompileRule(const config::Rule& rule, const std::string& config_path) {
  return keywords::Matcher::Compile({RuleSpecOf(rule, config_path)});
}

}  // namespace

std::string RuleFingerprint(const config::Rule& rule) {
  // A JSON array: every field delimited and typed, so no two definitions serialize alike.
  const nlohmann::json definition = {rule.terms, rule.query,        rule.languages,
                                     rule.sites, rule.cross_script, rule.exact};
  return storage::Sha256Hex(definition.dump());
}

RuleBackfillRun::RuleBackfillRun(storage::Store& store, const config::Rule& rule,
                                 keywords::Matcher matcher, storage::RuleBackfill progress)
    : store_(&store), rule_(rule), matcher_(std::move(matcher)), progress_(std::move(progress)) {}

Result<RuleBackfillRun> RuleBackfillRun::Plan(storage::Store& store, const config::Rule& rule,
                                              const std::string& config_path, int64_t since_us,
                                              int64_t now_us) {
  auto matcher = CompileRule(rule, config_path);
  if (!matcher.ok()) return matcher.status();
  auto range = store.reader().DocumentsSince(since_us);
  if (!range.ok()) return range.status();
  storage::RuleBackfill progress;
  progress.rule_id = rule.id;
  progress.fingerprint = RuleFingerprint(rule);
  progress.since_us = since_us;
  progress.first_doc_id = range->first;
  progress.before_doc_id = range->end;
  progress.docs_total = range->end - range->first;
  progress.started_us = now_us;
  if (progress.docs_total == 0) {  // nothing stored in the window: finished as planned
    progress.before_doc_id = 0;
    progress.finished_us = now_us;
  }
  if (Status s = store.writer().PutRuleBackfill(progress); !s.ok()) return s;
  return RuleBackfillRun(store, rule, std::move(matcher).value(), std::move(progress));
}

Result<RuleBackfillRun> RuleBackfillRun::Resume(storage::Store& store, const config::Rule& rule,
                                                const std::string& config_path,
                                                storage::RuleBackfill progress) {
  auto matcher = CompileRule(rule, config_path);
  if (!matcher.ok()) return matcher.status();
  return RuleBackfillRun(store, rule, std::move(matcher).value(), std::move(progress));
}

Result<bool> RuleBackfillRun::Step(size_t batch_size) {
  if (progress_.done()) return false;
  auto batch =
      store_->reader().ScanDocuments(progress_.first_doc_id, progress_.before_doc_id, batch_size);
  if (!batch.ok()) return batch.status();
  std::vector<storage::DocumentMentions> found;
  std::vector<std::string> regex_timeouts;
  for (const storage::Document& doc : batch->documents) {
    // Ids only approximate the window (documents stored out of time order): the time decides.
    if (doc.first_seen_us < progress_.since_us) continue;
    regex_timeouts.clear();
    std::vector<storage::MentionInput> mentions =
        GroupMatchesByRule(matcher_.FindAll(doc.text, doc.lang, doc.site_id, &regex_timeouts));
    if (!regex_timeouts.empty()) {
      spdlog::warn(
          "backfill of rule {}: {}: a regex term hit its time limit; matches after it "
          "may be missing",
          rule_.id, doc.url);
    }
    if (!mentions.empty()) found.push_back({doc.id, doc.content_hash, std::move(mentions)});
  }
  storage::RuleBackfill next = progress_;
  next.docs_scanned += batch->documents.size();
  next.before_doc_id = batch->next_before;
  if (next.before_doc_id == 0) next.finished_us = base::NowMicros();
  storage::AddMentionsOptions options;
  options.backfilled = true;
  options.alert = rule_.alert_backfill;
  options.progress = &next;
  auto added = store_->writer().AddMentions(found, options);
  if (!added.ok()) return added.status();
  progress_ = std::move(next);
  return !progress_.done();
}

BackfillWorker::BackfillWorker(storage::Store& store)
    : store_(store), thread_([this] {
        NameThisThread("kuzet-backfill");
        Loop();
      }) {}

BackfillWorker::~BackfillWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackfillWorker::Update(const config::Config& config) {
  {
    std::lock_guard<std::mutex> plan(plan_mutex_);
    config_ = config;
    const config::Seconds window = config.settings.backfill_window;
    for (const config::Rule& rule :
         window.count() > 0 ? config.rules : std::vector<config::Rule>()) {
      auto stored = store_.reader().GetRuleBackfill(rule.id);
      if (!stored.ok()) {
        spdlog::error("backfill of rule {}: {}", rule.id, stored.status().message());
        continue;
      }
      if (stored->has_value() && (*stored)->fingerprint == RuleFingerprint(rule)) continue;
      const int64_t now = base::NowMicros();
      const int64_t since = now - static_cast<int64_t>(window.count()) * 1'000'000;
      auto planned = RuleBackfillRun::Plan(store_, rule, config.path, since, now);
      if (!planned.ok()) {
        spdlog::error("backfill of rule {}: not planned: {}", rule.id, planned.status().message());
        continue;
      }
      const storage::RuleBackfill& p = planned->progress();
      // A fresh store has nothing to look back on: no line for each rule at every first start.
      spdlog::log(p.docs_total == 0 ? spdlog::level::debug : spdlog::level::info,
                  "backfill of rule {} ({} rule): {} stored documents first seen since {}", rule.id,
                  stored->has_value() ? "changed" : "new", p.docs_total, FormatTimestampUtc(since));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
  }
  wake_.notify_all();
}

std::optional<RuleBackfillRun> BackfillWorker::NextRun() {
  for (const config::Rule& rule : config_.rules) {
    auto stored = store_.reader().GetRuleBackfill(rule.id);
    if (!stored.ok()) {
      spdlog::error("backfill of rule {}: {}", rule.id, stored.status().message());
      continue;
    }
    if (!stored->has_value() || (*stored)->done() ||
        (*stored)->fingerprint != RuleFingerprint(rule)) {
      continue;
    }
    auto run = RuleBackfillRun::Resume(store_, rule, config_.path, **stored);
    if (!run.ok()) {
      spdlog::error("backfill of rule {}: {}", rule.id, run.status().message());
      continue;
    }
    return std::move(run).value();
  }
  return std::nullopt;
}

void BackfillWorker::Loop() {
  std::optional<RuleBackfillRun> run;
  uint64_t seen_generation = 0;
  bool look = false;  // whether an unfinished backfill may be waiting
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || run || look || generation_ != seen_generation; });
      if (stop_) return;
      if (generation_ != seen_generation) {
        // The rules changed: pick again from what is stored (each batch stored its progress).
        seen_generation = generation_;
        run.reset();
        look = true;
      }
    }
    std::unique_lock<std::mutex> plan(plan_mutex_);
    if (!run) {
      look = false;
      run = NextRun();
      if (!run) continue;
      const storage::RuleBackfill& p = run->progress();
      if (p.docs_scanned == 0) {
        spdlog::info("backfill of rule {}: scanning {} documents", p.rule_id, p.docs_total);
      } else {
        spdlog::info("backfill of rule {}: {} of {} documents scanned, going on", p.rule_id,
                     p.docs_scanned, p.docs_total);
      }
    }
    auto more = run->Step();
    plan.unlock();
    if (!more.ok()) {
      spdlog::error("backfill of rule {}: {}; trying again in {} s", run->progress().rule_id,
                    more.status().message(), kRetryAfterError.count());
      run.reset();
      look = true;
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, kRetryAfterError, [&] { return stop_; });
      continue;
    }
    if (!*more) {
      const storage::RuleBackfill& p = run->progress();
      spdlog::info("backfill of rule {} finished: {} documents scanned, {} mentions found",
                   p.rule_id, p.docs_scanned, p.found);
      run.reset();
      look = true;
    }
  }
}

}  // namespace kuzet::app
