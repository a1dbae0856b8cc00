#include "app/catch_up_loop.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/thread_name.h"
#include "base/time.h"

namespace kuzet::app {

struct CatchUpLoop::State {
  const storage::MentionReader& reader;
  const std::chrono::milliseconds interval;
  std::atomic<int64_t> caught_up_us{base::NowMicros()};
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;  // guarded by mu
  std::thread thread;

  // At least 10 ms: a zero interval would spin.
  State(const storage::MentionReader& r, std::chrono::milliseconds i)
      : reader(r), interval(std::max(i, std::chrono::milliseconds(10))) {}

  void Run() {
    std::string failing;  // the last failure's message, "" while catch-ups succeed
    std::unique_lock<std::mutex> lock(mu);
    while (!wake.wait_for(lock, interval, [this] { return stopping; })) {
      lock.unlock();
      int64_t began = base::NowMicros();
      Status status = reader.CatchUp();
      if (status.ok()) {
        caught_up_us.store(began);
        if (!failing.empty()) spdlog::info("http: store catch-up works again");
        failing.clear();
      } else if (status.message() != failing) {
        // Once per distinct failure, not twice a second; /metrics shows the growing age.
        spdlog::warn("http: store catch-up failed: {} (the served state ages until it works)",
                     status.message());
        failing = status.message();
      }
      lock.lock();
    }
  }
};

CatchUpLoop::CatchUpLoop(const storage::MentionReader& reader, std::chrono::milliseconds interval)
    : state_(std::make_unique<State>(reader, interval)) {
  state_->thread = std::thread([state = state_.get()] {
    NameThisThread("kuzet-catch-up");
    state->Run();
  });
}

CatchUpLoop::~CatchUpLoop() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
}

int64_t CatchUpLoop::caught_up_us() const { return state_->caught_up_us.load(); }

}  // namespace kuzet::app
