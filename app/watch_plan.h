// The [watch] table of the config (config/README.md) as the daemon uses it: which schedule a
// watched document follows (watch::RefetchSchedule; a site's or a rule's own, merged with
// watch::MergeAges, else the table's `schedule`) and when its fetches are due. The pipeline asks
// it for a page's first re-fetch (storage::PageInput::watch, stored with the page's first
// mention); the re-fetch step for each next one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "storage/page.h"
#include "storage/watch.h"
#include "watch/refetch_schedule.h"

namespace kuzet::app {

class WatchPlan {
 public:
  // Fails on a schedule RefetchSchedule refuses (the config's validation refuses it first).
  static Result<WatchPlan> Create(const config::Watch& watch);

  // The schedule of a document of `site_id` with mentions of `rule_ids`: every age of the
  // [[watch.sites]] entry of its site and of the [[watch.rules]] entries of its rules, else the
  // table's `schedule`.
  watch::RefetchSchedule ScheduleFor(const std::string& site_id,
                                     std::span<const std::string> rule_ids) const;
  // Names a schedule (FNV-1a 64 of its ages in seconds), stored with each queue entry.
  static uint64_t FingerprintOf(const watch::RefetchSchedule& schedule);

  // The watch of a page with mentions, fetched at page.fetched_at_us: its first re-fetch (step
  // 0). nullopt for a page without mentions.
  std::optional<storage::WatchStart> Start(const storage::PageInput& page) const;

  // After the fetch of `entry` at fetched_at_us: the next queue entry and when it is due;
  // nullopt when the schedule is done. Steps whose time has passed too are done by this fetch
  // (RefetchSchedule::StepsDoneBy), so a daemon stopped for a week fetches once, not once a step.
  struct Next {
    int64_t due_us = 0;
    storage::WatchEntry entry;
  };
  std::optional<Next> After(const storage::WatchEntry& entry, int64_t fetched_at_us,
                            std::span<const std::string> rule_ids) const;

  const config::Watch& table() const { return watch_; }

 private:
  explicit WatchPlan(const config::Watch& watch) : watch_(watch) {}
  config::Watch watch_;
};

}  // namespace kuzet::app
