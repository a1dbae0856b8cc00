// When a watched document (one with a mention) is fetched again: a decaying schedule of ages
// since it was first seen, by default 1 h, 6 h, 1 d, 3 d, 7 d and 30 d, then never again.
//
// Each due time is moved by a jitter that is deterministic per URL and step (a hash, so a
// restart computes the same times) and bounded, so that the many documents found in one crawl
// round are not all due in the same second. The schedule says only when a fetch is due;
// politeness (per-host delay and connections, robots.txt) stays with the frontier that queues the
// fetch, like every other request.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::watch {

class RefetchSchedule {
 public:
  using Seconds = std::chrono::seconds;
  using TimePoint = std::chrono::system_clock::time_point;

  static constexpr std::size_t kMaxSteps = 64;
  static constexpr double kDefaultJitter = 0.1;
  static constexpr double kMaxJitter = 0.45;  // below 1/2: the jittered times stay in order

  // 1h, 6h, 1d, 3d, 7d, 30d.
  static std::vector<Seconds> DefaultAges();

  // `ages`: 1..kMaxSteps strictly increasing ages (> 0) since first seen. `jitter` 0..kMaxJitter:
  // step i moves by up to ±jitter × the shorter of the gaps before and after it (the gap before
  // the first step is its age; the last step has no gap after it).
  static Result<RefetchSchedule> Create(std::vector<Seconds> ages, double jitter = kDefaultJitter);

  std::size_t steps() const { return ages_.size(); }
  const std::vector<Seconds>& ages() const { return ages_; }

  // When fetch number `step` (0-based) of `url`, first seen at `first_seen`, is due; nothing once
  // every step is done (the watch of the document is over). Strictly increasing in `step`.
  std::optional<TimePoint> Due(std::string_view url, TimePoint first_seen, std::size_t step) const;

  // The steps done once a fetch at `fetched_at` succeeds: all those due by then, so a daemon that
  // was stopped for a week fetches a document once, not once per missed step. Record it and ask
  // Due(url, first_seen, StepsDoneBy(...)) for the next fetch.
  std::size_t StepsDoneBy(std::string_view url, TimePoint first_seen, TimePoint fetched_at) const;

 private:
  RefetchSchedule(std::vector<Seconds> ages, double jitter)
      : ages_(std::move(ages)), jitter_(jitter) {}

  std::vector<Seconds> ages_;
  double jitter_;
};

// The schedule of a document under several ([[watch.sites]] and [[watch.rules]] of the config):
// every age of each, in order, once; the earliest kMaxSteps when there are more. Ages that are
// not positive are left out.
std::vector<RefetchSchedule::Seconds> MergeAges(
    std::span<const std::vector<RefetchSchedule::Seconds>> schedules);

}  // namespace kuzet::watch
