#include "watch/refetch_schedule.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "watch/text_tokens.h"

namespace kuzet::watch {

std::vector<RefetchSchedule::Seconds> RefetchSchedule::DefaultAges() {
  using std::chrono::hours;
  return {hours(1), hours(6), hours(24), hours(3 * 24), hours(7 * 24), hours(30 * 24)};
}

Result<RefetchSchedule> RefetchSchedule::Create(std::vector<Seconds> ages, double jitter) {
  if (ages.empty() || ages.size() > kMaxSteps) {
    return Status::InvalidArgument("a refetch schedule needs 1 to " + std::to_string(kMaxSteps) +
                                   " steps, got " + std::to_string(ages.size()));
  }
  for (std::size_t i = 0; i < ages.size(); ++i) {
    const Seconds previous = i == 0 ? Seconds(0) : ages[i - 1];
    if (ages[i] <= previous) {
      return Status::InvalidArgument("refetch step " + std::to_string(i + 1) + " (" +
                                     std::to_string(ages[i].count()) +
                                     "s) must be later than the one before it");
    }
  }
  if (!(jitter >= 0 && jitter <= kMaxJitter)) {
    return Status::InvalidArgument("refetch jitter must be from 0 to 0.45, got " +
                                   std::to_string(jitter));
  }
  return RefetchSchedule(std::move(ages), jitter);
}

std::optional<RefetchSchedule::TimePoint> RefetchSchedule::Due(std::string_view url,
                                                               TimePoint first_seen,
                                                               std::size_t step) const {
  if (step >= ages_.size()) return std::nullopt;
  const Seconds before = ages_[step] - (step == 0 ? Seconds(0) : ages_[step - 1]);
  const Seconds after = step + 1 < ages_.size() ? ages_[step + 1] - ages_[step] : before;
  const double window = jitter_ * static_cast<double>(std::min(before, after).count());
  // A number in [-1, 1) from the URL and the step: the same on every run and machine.
  std::uint64_t hash = Fingerprint(url, Fingerprint(std::to_string(step)));
  // FNV-1a leaves URLs that differ only at the end close in the high bits: finish with
  // splitmix64's mixer (Steele, Lea and Flood, "Fast splittable pseudorandom number generators").
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ull;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebull;
  hash ^= hash >> 31;
  const double unit = static_cast<double>(hash >> 11) * 0x1.0p-53 * 2 - 1;
  const auto offset = Seconds(static_cast<std::int64_t>(unit * window));
  return first_seen + ages_[step] + offset;
}

std::size_t RefetchSchedule::StepsDoneBy(std::string_view url, TimePoint first_seen,
                                         TimePoint fetched_at) const {
  std::size_t done = 0;
  while (done < ages_.size() && *Due(url, first_seen, done) <= fetched_at) ++done;
  return done;
}

std::vector<RefetchSchedule::Seconds> MergeAges(
    std::span<const std::vector<RefetchSchedule::Seconds>> schedules) {
  std::vector<RefetchSchedule::Seconds> ages;
  for (const auto& schedule : schedules) {
    for (RefetchSchedule::Seconds age : schedule) {
      if (age.count() > 0) ages.push_back(age);
    }
  }
  std::sort(ages.begin(), ages.end());
  ages.erase(std::unique(ages.begin(), ages.end()), ages.end());
  if (ages.size() > RefetchSchedule::kMaxSteps) ages.resize(RefetchSchedule::kMaxSteps);
  return ages;
}

}  // namespace kuzet::watch
