#include "app/health.h"

namespace kuzet::app {

namespace {

constexpr int kMissedBeats = 3;

HealthVerdict StorageVerdict(const storage::StorageFault& fault) {
  if (fault.kind == storage::StorageFault::Kind::kDiskFull) return {false, "storage: disk full"};
  return {false, "storage: failed"};
}

}  // namespace

Health::Health(const storage::Store& store, const crawler::CrawlState& state,
               std::chrono::milliseconds beat_period, std::function<Clock::time_point()> now)
    : store_(store),
      state_(state),
      stall_after_(beat_period * kMissedBeats),
      now_(std::move(now)),
      last_beat_(now_().time_since_epoch().count()) {}

void Health::MarkReady() {
  Beat();
  ready_.store(true);
}

void Health::Beat() { last_beat_.store(now_().time_since_epoch().count()); }

HealthVerdict Health::Check() const {
  // A fatal fault of either comes first (as in the daemon): it is the one that stops it.
  storage::StorageFault store_fault = store_.Fault(), state_fault = state_.Fault();
  if (store_fault.kind == storage::StorageFault::Kind::kFatal) return StorageVerdict(store_fault);
  if (state_fault.kind == storage::StorageFault::Kind::kFatal) return StorageVerdict(state_fault);
  if (!store_fault.ok()) return StorageVerdict(store_fault);
  if (!state_fault.ok()) return StorageVerdict(state_fault);
  if (!ready_.load()) return {false, "starting"};
  auto since = now_() - Clock::time_point(Clock::duration(last_beat_.load()));
  if (since > stall_after_) {
    return {false,
            "stalled: the daemon's loop has not come round for " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since).count()) +
                " s"};
  }
  return {true, "ready"};
}

}  // namespace kuzet::app
