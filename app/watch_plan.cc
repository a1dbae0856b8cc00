#include "app/watch_plan.h"

#include <algorithm>
#include <chrono>

#include "watch/text_tokens.h"

namespace kuzet::app {

namespace {

using Clock = std::chrono::system_clock;

Clock::time_point FromMicros(int64_t us) {
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds(us)));
}

int64_t ToMicros(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<WatchPlan> WatchPlan::Create(const config::Watch& watch) {
  // Every schedule the config names must make a RefetchSchedule; their merges then do too.
  std::vector<const std::vector<config::Seconds>*> schedules = {&watch.schedule};
  for (const auto* list : {&watch.sites, &watch.rules}) {
    for (const config::WatchSchedule& s : *list) schedules.push_back(&s.schedule);
  }
  for (const auto* ages : schedules) {
    auto schedule = watch::RefetchSchedule::Create(*ages);
    if (!schedule.ok()) return Status::InvalidArgument("[watch]: " + schedule.status().message());
  }
  return WatchPlan(watch);
}

watch::RefetchSchedule WatchPlan::ScheduleFor(const std::string& site_id,
                                              std::span<const std::string> rule_ids) const {
  std::vector<std::vector<watch::RefetchSchedule::Seconds>> own;
  for (const config::WatchSchedule& s : watch_.sites) {
    if (s.id == site_id) own.push_back(s.schedule);
  }
  for (const config::WatchSchedule& s : watch_.rules) {
    if (std::find(rule_ids.begin(), rule_ids.end(), s.id) != rule_ids.end()) {
      own.push_back(s.schedule);
    }
  }
  std::vector<watch::RefetchSchedule::Seconds> ages =
      own.empty() ? watch_.schedule : watch::MergeAges(own);
  auto schedule = watch::RefetchSchedule::Create(std::move(ages));
  // Create checked every schedule, and MergeAges of valid ones is valid.
  if (!schedule.ok()) return *watch::RefetchSchedule::Create(watch::RefetchSchedule::DefaultAges());
  return *std::move(schedule);
}

uint64_t WatchPlan::FingerprintOf(const watch::RefetchSchedule& schedule) {
  std::string bytes;
  for (auto age : schedule.ages()) bytes += std::to_string(age.count()) + ",";
  return watch::Fingerprint(bytes);
}

std::optional<storage::WatchStart> WatchPlan::Start(const storage::PageInput& page) const {
  if (page.mentions.empty()) return std::nullopt;
  std::vector<std::string> rules;
  for (const storage::MentionInput& m : page.mentions) rules.push_back(m.rule_id);
  const watch::RefetchSchedule schedule = ScheduleFor(page.site_id, rules);
  auto due = schedule.Due(page.url, FromMicros(page.fetched_at_us), 0);
  if (!due) return std::nullopt;
  return storage::WatchStart{ToMicros(*due), FingerprintOf(schedule)};
}

std::optional<WatchPlan::Next> WatchPlan::After(const storage::WatchEntry& entry,
                                                int64_t fetched_at_us,
                                                std::span<const std::string> rule_ids) const {
  const watch::RefetchSchedule schedule = ScheduleFor(entry.site_id, rule_ids);
  const auto since = FromMicros(entry.watched_since_us);
  // At least the step this fetch was for is done, even when it ran early.
  const size_t done = std::max<size_t>(
      entry.step + 1, schedule.StepsDoneBy(entry.url, since, FromMicros(fetched_at_us)));
  auto due = schedule.Due(entry.url, since, done);
  if (!due) return std::nullopt;
  Next next;
  next.due_us = ToMicros(*due);
  next.entry = entry;
  next.entry.step = static_cast<uint32_t>(done);
  next.entry.schedule_fingerprint = FingerprintOf(schedule);
  return next;
}

}  // namespace kuzet::app
