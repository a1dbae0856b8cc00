// Test program: the alert delivery of `kuzet run` — the same config, store, channels and worker —
// that dies like kill -9 right after its N-th accepted send, before the worker records it. The
// crash reaches the worker through its channels (each wrapped in CrashAfterSend), so the shipped
// binary carries no switch for it.
//
//   alert_crash_after_send CONFIG N
//
// Exits 86 at the crash; 0 when nothing is left due before the N-th send; 1 on an error.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

#include "alert/channel.h"
#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "base/time.h"
#include "config/config.h"
#include "storage/store.h"

namespace kuzet::app {
namespace {

// A channel that delivers through another, then ends the process after the N-th success,
// counted over every channel sharing `sends`.
class CrashAfterSend final : public alert::AlertChannel {
 public:
  CrashAfterSend(std::shared_ptr<const alert::AlertChannel> inner, std::shared_ptr<int> sends,
                 int crash_at)
      : inner_(std::move(inner)), sends_(std::move(sends)), crash_at_(crash_at) {}
  const std::string& name() const override { return inner_->name(); }
  std::string_view key() const override { return inner_->key(); }
  Status DeliverArticle(const alert::Article& article) const override {
    return CrashIfDue(inner_->DeliverArticle(article), "alert " + article.alerts.front().id);
  }
  Status DeliverDigest(const alert::Digest& digest) const override {
    return CrashIfDue(inner_->DeliverDigest(digest), "digest " + digest.id);
  }

 private:
  Status CrashIfDue(Status sent, const std::string& what) const {
    if (sent.ok() && ++*sends_ >= crash_at_) {
      std::fprintf(stderr, "alert_crash_after_send: %s sent by %s; exiting before its record\n",
                   what.c_str(), name().c_str());
      _exit(86);  // no destructor runs, the store is not closed: as after kill -9
    }
    return sent;
  }

  std::shared_ptr<const alert::AlertChannel> inner_;
  std::shared_ptr<int> sends_;
  int crash_at_;
};

int Main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[2]) < 1) {
    std::fprintf(stderr, "usage: %s CONFIG N (crash after the N-th accepted send)\n", argv[0]);
    return 1;
  }
  auto config = config::LoadConfigFile(argv[1]);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().message().c_str());
    return 1;
  }
  auto options = WorkerOptionsFromConfig(*config);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().message().c_str());
    return 1;
  }
  // Every channel wrapped once, so channels shared between rules stay shared.
  auto sends = std::make_shared<int>(0);
  std::map<const alert::AlertChannel*, std::shared_ptr<const alert::AlertChannel>> wrapped;
  auto wrap = [&](alert::RuleRoute& route) {
    for (auto& channel : route.channels) {
      auto& wrapper = wrapped[channel.get()];
      if (!wrapper) wrapper = std::make_shared<CrashAfterSend>(channel, sends, std::atoi(argv[2]));
      channel = wrapper;
    }
  };
  for (auto& [rule, route] : options->routes) wrap(route);
  wrap(options->fallback);

  auto store = storage::Store::Open(config->settings.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  StoreAlertOutbox outbox(**store, *config);
  alert::DeliveryWorker worker(outbox, std::move(options).value());
  // Passes like the daemon's until nothing is due (bounded: 60 passes, 100 ms apart).
  for (int pass = 0; pass < 60; ++pass) {
    auto stats = worker.RunOnce(base::NowMicros());
    if (!stats.ok()) {
      std::fprintf(stderr, "%s\n", stats.status().message().c_str());
      return 1;
    }
    auto due = (*store)->outbox().DueAlerts(base::NowMicros(), 1);
    if (due.ok() && due->empty()) return 0;
    // Paced like the daemon's worker between passes (a retry backs off), not waiting on a test.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

}  // namespace
}  // namespace kuzet::app

int main(int argc, char** argv) { return kuzet::app::Main(argc, argv); }
