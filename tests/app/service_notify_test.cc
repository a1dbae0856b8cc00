// sd_notify(3) over $NOTIFY_SOCKET: what a test socket receives, in order; the watchdog's pace.
#include "app/service_notify.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kuzet::app {
namespace {

using std::chrono::milliseconds;

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::string name =
        "/tmp/kuzet_notify_" + std::to_string(getpid()) + "_" + std::to_string(counter_++);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (abstract) address.sun_path[0] = '\0';
    path_ = name;
    if (abstract) path_[0] = '@';
    if (!abstract) unlink(name.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address),
                  static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())) == 0;
    unlink_ = abstract ? "" : name;
  }
  ~NotifySocket() {
    close(fd_);
    if (!unlink_.empty()) unlink(unlink_.c_str());
  }
  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }

  // Every datagram waiting now.
  std::vector<std::string> Drain() {
    std::vector<std::string> messages;
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, 0) == 1) {
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n < 0) break;
      messages.emplace_back(buffer, static_cast<size_t>(n));
    }
    return messages;
  }

 private:
  static inline int counter_ = 0;
  int fd_ = -1;
  bool bound_ = false;
  std::string path_, unlink_;
};

TEST(ServiceNotifierTest, SendsLifecycleInOrder) {
  for (bool abstract : {false, true}) {
    NotifySocket systemd(abstract);
    ASSERT_TRUE(systemd.bound());
    ServiceNotifier notifier(systemd.path());
    ASSERT_TRUE(notifier.enabled());
    EXPECT_TRUE(notifier.Ready().ok());
    EXPECT_TRUE(notifier.Reloading().ok());
    EXPECT_TRUE(notifier.Ready().ok());
    EXPECT_TRUE(notifier.SetStatus("crawling 3 sites\nREADY=1").ok());
    EXPECT_TRUE(notifier.Stopping().ok());
    std::vector<std::string> got = systemd.Drain();
    ASSERT_EQ(got.size(), 5u) << (abstract ? "abstract" : "path");
    EXPECT_EQ(got[0], "READY=1");
    EXPECT_EQ(got[1].substr(0, 27), "RELOADING=1\nMONOTONIC_USEC=");
    EXPECT_EQ(got[2], "READY=1");
    EXPECT_EQ(got[3], "STATUS=crawling 3 sites READY=1") << "a newline cannot forge a state";
    EXPECT_EQ(got[4], "STOPPING=1");
  }
}

TEST(ServiceNotifierTest, WatchdogPingsAtAQuarterOfTheTimeout) {
  NotifySocket systemd(false);
  ASSERT_TRUE(systemd.bound());
  ServiceNotifier notifier(systemd.path(), std::chrono::microseconds(400000));
  ASSERT_EQ(notifier.watchdog_period(), milliseconds(200));
  // Fed every 10 ms for 550 ms, as the crawl loop's waits do: a ping at once, then one per 100 ms.
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < milliseconds(550)) {
    EXPECT_TRUE(notifier.FeedWatchdog().ok());
    std::this_thread::sleep_for(milliseconds(10));  // the pace under test, not a wait
  }
  std::vector<std::string> got = systemd.Drain();
  EXPECT_GE(got.size(), 5u);
  EXPECT_LE(got.size(), 7u);
  for (const std::string& message : got) EXPECT_EQ(message, "WATCHDOG=1");
}

TEST(ServiceNotifierTest, OutsideSystemdEverythingIsANoOp) {
  ServiceNotifier notifier("");
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.Ready().ok());
  EXPECT_TRUE(notifier.FeedWatchdog().ok());
  EXPECT_EQ(notifier.watchdog_period(), std::nullopt);
}

TEST(ServiceNotifierTest, UnreachableOrMalformedSocketIsAnErrorNotACrash) {
  EXPECT_FALSE(ServiceNotifier("/nonexistent/kuzet/notify").Ready().ok());
  EXPECT_FALSE(ServiceNotifier("relative/notify").Ready().ok());
  EXPECT_FALSE(ServiceNotifier("/" + std::string(200, 'a')).Ready().ok()) << "too long";
  EXPECT_FALSE(ServiceNotifier("vsock:2:1234").Ready().ok());
}

TEST(WatchdogTimeoutTest, FollowsSdWatchdogEnabled) {
  using std::chrono::microseconds;
  struct Case {
    const char* usec;
    const char* pid;
    microseconds want;
  };
  const pid_t self = 4242;
  for (const Case& c :
       {Case{"30000000", nullptr, microseconds(30000000)},
        Case{"30000000", "4242", microseconds(30000000)},
        Case{"30000000", "4243", microseconds(0)},  // another process's
        Case{"30000000", "x", microseconds(0)}, Case{"0", nullptr, microseconds(0)},
        Case{"", nullptr, microseconds(0)}, Case{"-5", nullptr, microseconds(0)},
        Case{"10s", nullptr, microseconds(0)}, Case{nullptr, nullptr, microseconds(0)}}) {
    EXPECT_EQ(WatchdogTimeout(c.usec, c.pid, self), c.want)
        << (c.usec ? c.usec : "(unset)") << " " << (c.pid ? c.pid : "(unset)");
  }
}

TEST(ServiceNotifierTest, FromEnvironmentTakesAndUnsetsTheVariables) {
  NotifySocket systemd(false);
  ASSERT_TRUE(systemd.bound());
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  setenv("WATCHDOG_USEC", "1000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  ServiceNotifier notifier = ServiceNotifier::FromEnvironment();
  EXPECT_EQ(std::getenv("NOTIFY_SOCKET"), nullptr) << "child processes must not inherit it";
  EXPECT_EQ(std::getenv("WATCHDOG_USEC"), nullptr);
  EXPECT_EQ(std::getenv("WATCHDOG_PID"), nullptr);
  EXPECT_EQ(notifier.watchdog_period(), milliseconds(500));
  EXPECT_TRUE(notifier.Ready().ok());
  EXPECT_EQ(systemd.Drain(), std::vector<std::string>{"READY=1"});
}

}  // namespace
}  // namespace kuzet::app
