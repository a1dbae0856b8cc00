// Reload of every config section under a running app::Daemon (app/daemon.h), in process: each
// case starts a daemon over a small site, changes one thing in the file, asks for a reload and
// waits (polling an observable state against a deadline, never a fixed sleep) for its effect —
// or for the documented refusal, with the old value still in force.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/daemon.h"
#include "tests/app/run_command.h"
#include "tests/crawler/test_server.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Polls `done` until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// Every log line of the process while it is installed.
class LogCapture : public spdlog::sinks::base_sink<std::mutex> {
 public:
  bool Contains(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_.find(text) != std::string::npos;
  }
  std::string Text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    log_.append(msg.payload.data(), msg.payload.size());
    log_ += '\n';
  }
  void flush_() override {}

 private:
  std::string log_;
};

// A news site on 127.0.0.1: a front page linking one article whose text is given, and the
// User-Agent of every request.
class ArticleSite {
 public:
  explicit ArticleSite(const std::string& article_text) {
    server_.server().Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content(
          "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>News</title>"
          "</head><body><h1>Latest</h1><a href=\"/story.html\">A story</a></body></html>",
          "text/html; charset=utf-8");
    });
    std::string page =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A report</title>"
        "</head><body><article><h1>A report</h1><p>" +
        article_text +
        "</p><p>Union organisers say the workers will stay out until the company negotiates "
        "with them in good faith, and that the town remembers the disputes of past years.</p>"
        "</article></body></html>";
    server_.server().Get("/story.html",
                         [this, page](const httplib::Request& req, httplib::Response& res) {
                           Record(req);
                           res.set_content(page, "text/html; charset=utf-8");
                         });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  bool SawUserAgent(const std::string& agent) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& a : user_agents_) {
      if (a == agent) return true;
    }
    return false;
  }

 private:
  void Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    user_agents_.push_back(req.get_header_value("User-Agent"));
  }
  mutable std::mutex mu_;
  std::vector<std::string> user_agents_;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

// A webhook endpoint answering every POST with `status`, keeping the bodies.
class Webhook {
 public:
  explicit Webhook(int status) {
    server_.server().Post(".*",
                          [this, status](const httplib::Request& req, httplib::Response& res) {
                            std::lock_guard<std::mutex> lock(mu_);
                            bodies_.push_back(req.body);
                            res.status = status;
                          });
    server_.Start();
  }
  std::string Url() const { return server_.Url("/hook"); }
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

// The config file as the cases change it.
struct TestConfig {
  std::string data_dir = "data";
  std::string log_level = "info";
  std::string user_agent = "KuzetTest/1";
  std::vector<std::string> sites;  // [[sites]] tables
  std::vector<std::string> rules = {"[[rules]]\nid = \"zhanaozen\"\nterms = [\"Zhanaozen\"]\n"};
  bool server = true;
  std::string listen, token_env;
  std::string webhook_url;  // "": no [alerts]
  std::string tail;         // raw text at the end

  std::string Render() const {
    std::string toml = "[settings]\ndata_dir = \"" + data_dir +
                       "\"\nper_host_delay = \"0s\"\nallow_private_hosts = [\"127.0.0.1\"]\n"
                       "log_level = \"" +
                       log_level + "\"\nuser_agent = \"" + user_agent + "\"\n\n";
    for (const std::string& site : sites) toml += site + "\n";
    for (const std::string& rule : rules) toml += rule + "\n";
    if (server) {
      toml += "[server]\nenabled = true\nlisten = \"" + listen + "\"\n";
      if (!token_env.empty()) toml += "token_env = \"" + token_env + "\"\n";
      toml += "\n";
    }
    if (!webhook_url.empty()) {
      toml += "[alerts]\nwebhook_url = \"" + webhook_url +
              "\"\nretry_initial = \"1s\"\nretry_max = \"1s\"\nquiet_repeats = false\n\n";
    }
    return toml + tail;
  }
};

std::string SiteTable(const std::string& id, const ArticleSite& site) {
  return "[[sites]]\nid = \"" + id + "\"\nstart_urls = [\"" + site.Url("/") +
         "\"]\ninterval = \"1s\"\n";
}

// GET on 127.0.0.1:port: the status, or -1 when nothing answers.
int GetStatus(int port, const std::string& path, const std::string& token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2s);
  client.set_read_timeout(5s);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = client.Get(path, headers);
  return res ? res->status : -1;
}

// The mentions the API returns for `query` ("" for all); empty when it does not answer.
nlohmann::json ApiMentions(int port, const std::string& query) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2s);
  auto res = client.Get("/api/mentions?" + query);
  if (!res || res->status != 200) return nlohmann::json::array();
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  return body.is_object() ? body["mentions"] : nlohmann::json::array();
}

// What some cases add around the daemon: a second site, webhooks, a port held by the test.
struct CaseExtras {
  std::unique_ptr<ArticleSite> site_b;
  std::unique_ptr<Webhook> dead_hook, live_hook;
  int listener_fd = -1;
  int other_port = 0;
  ~CaseExtras() {
    if (listener_fd >= 0) close(listener_fd);
  }
};

// A running daemon over site "a" (an article about Zhanaozen), with [server] on a free port.
class DaemonReloadFixture {
 public:
  explicit DaemonReloadFixture(const std::string& name)
      : dir_(fs::temp_directory_path() / ("kuzet-reload-" + std::to_string(getpid()) + "-" + name)),
        site_a(
            "Oil workers in Zhanaozen walked off the job on Monday, demanding the wage rises "
            "they were promised by the oil company.") {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config.sites.push_back(SiteTable("a", site_a));
    port = testing::FreePort();
    config.listen = "127.0.0.1:" + std::to_string(port);
    log = std::make_shared<LogCapture>();
    spdlog::default_logger()->sinks().push_back(log);
  }
  ~DaemonReloadFixture() {
    Stop();
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log), sinks.end());
    fs::remove_all(dir_);
  }

  std::string ConfigPath() const { return (dir_ / "kuzet.toml").string(); }
  fs::path dir() const { return dir_; }
  void Write() { std::ofstream(ConfigPath(), std::ios::trunc) << config.Render(); }

  // Starts the daemon and waits for its first crawl to be served.
  void Start(ServiceNotifier notifier = ServiceNotifier("")) {
    Write();
    DaemonOptions options;
    options.config_path = ConfigPath();
    options.take_signals = false;
    options.notifier = std::move(notifier);
    auto daemon = Daemon::Create(std::move(options));
    ASSERT_TRUE(daemon.ok()) << daemon.status().message();
    daemon_ = std::move(daemon).value();
    thread_ = std::thread([this] { exit_code_ = daemon_->Run(); });
    ASSERT_TRUE(WaitFor([&] { return ApiMentions(port, "site=a").size() >= 1; })) << log->Text();
  }

  // Writes the config and reloads; returns once the daemon has handled it.
  void Reload() {
    Write();
    uint64_t before = daemon_->reloads_handled();
    daemon_->RequestReload();
    ASSERT_TRUE(WaitFor([&] { return daemon_->reloads_handled() > before; })) << log->Text();
  }

  void Stop() {
    if (!thread_.joinable()) return;
    daemon_->RequestStop();
    thread_.join();
    EXPECT_EQ(exit_code_.load(), 0) << log->Text();
  }

  Daemon& daemon() { return *daemon_; }

 private:
  fs::path dir_;

 public:
  ArticleSite site_a;
  TestConfig config;
  int port = 0;
  std::shared_ptr<LogCapture> log;
  CaseExtras extra;  // outlives the daemon: the destructor stops it first

 private:
  std::unique_ptr<Daemon> daemon_;
  std::thread thread_;
  std::atomic<int> exit_code_{-1};
};

struct ReloadCase {
  const char* name;
  // Before the daemon starts (optional).
  std::function<void(DaemonReloadFixture&)> before_start;
  // Changes the config; the fixture then writes it and reloads.
  std::function<void(DaemonReloadFixture&)> change;
  // Waits for the effect (or refusal) and checks it.
  std::function<void(DaemonReloadFixture&)> expect;
};

// A port held by a listening socket of the test (so nothing else can bind it).
int HoldPort(int* fd) {
  *fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(*fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(*fd, 1) != 0 ||
      getsockname(*fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  return ntohs(addr.sin_port);
}

const ReloadCase kCases[] = {
    {"sites_added_are_crawled", nullptr,
     [](DaemonReloadFixture& f) {
       f.extra.site_b = std::make_unique<ArticleSite>(
           "Strikers in Zhanaozen gathered outside the akimat for a third day.");
       f.config.sites.push_back(SiteTable("b", *f.extra.site_b));
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(WaitFor([&] { return ApiMentions(f.port, "site=b").size() >= 1; }))
           << f.log->Text();
     }},
    {"rules_added_match_new_pages", nullptr,
     [](DaemonReloadFixture& f) {
       f.extra.site_b = std::make_unique<ArticleSite>(
           "KazMunaiGas said on Tuesday that the subsidiary would review the wage demands.");
       f.config.sites.push_back(SiteTable("b", *f.extra.site_b));
       f.config.rules.push_back("[[rules]]\nid = \"kmg\"\nterms = [\"KazMunaiGas\"]\n");
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(WaitFor([&] { return ApiMentions(f.port, "rule=kmg").size() >= 1; }))
           << f.log->Text();
       // The web page offers the new rule in its filter (the server was not restarted).
       httplib::Client client("127.0.0.1", f.port);
       auto page = client.Get("/");
       ASSERT_TRUE(page);
       EXPECT_NE(page->body.find("<option value=\"kmg\">kmg</option>"), std::string::npos)
           << page->body;
     }},
    {"settings_user_agent_applies_to_the_next_round", nullptr,
     [](DaemonReloadFixture& f) { f.config.user_agent = "KuzetTest/2"; },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(WaitFor([&] { return f.site_a.SawUserAgent("KuzetTest/2"); })) << f.log->Text();
     }},
    {"settings_log_level_applies_at_once", nullptr,
     [](DaemonReloadFixture& f) { f.config.log_level = "debug"; },
     [](DaemonReloadFixture&) { EXPECT_EQ(spdlog::get_level(), spdlog::level::debug); }},
    {"settings_data_dir_is_refused_until_restart", nullptr,
     [](DaemonReloadFixture& f) { f.config.data_dir = "elsewhere"; },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(f.log->Contains("data_dir changed; restart to apply")) << f.log->Text();
       EXPECT_FALSE(fs::exists(f.dir() / "elsewhere"));
       EXPECT_TRUE(f.daemon().ready());
       EXPECT_GE(ApiMentions(f.port, "site=a").size(), 1u);  // still the old store
     }},
    {"server_listen_moves_to_the_new_address", nullptr,
     [](DaemonReloadFixture& f) {
       f.extra.other_port = testing::FreePort();
       f.config.listen = "127.0.0.1:" + std::to_string(f.extra.other_port);
     },
     [](DaemonReloadFixture& f) {
       EXPECT_EQ(f.daemon().http_port(), f.extra.other_port);
       EXPECT_GE(ApiMentions(f.extra.other_port, "site=a").size(), 1u);
       EXPECT_EQ(GetStatus(f.port, "/api/mentions"), -1) << "the old address still answers";
     }},
    {"server_listen_in_use_keeps_the_old_address", nullptr,
     [](DaemonReloadFixture& f) {
       f.extra.other_port = HoldPort(&f.extra.listener_fd);
       f.config.listen = "127.0.0.1:" + std::to_string(f.extra.other_port);
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(f.log->Contains("[server] listen = \"127.0.0.1:" +
                                   std::to_string(f.extra.other_port) + "\" not applied"))
           << f.log->Text();
       EXPECT_TRUE(f.log->Contains("address already in use")) << f.log->Text();
       EXPECT_EQ(f.daemon().http_port(), f.port);
       EXPECT_EQ(GetStatus(f.port, "/api/mentions"), 200);
     }},
    {"server_token_env_restarts_with_the_token", nullptr,
     [](DaemonReloadFixture& f) { f.config.token_env = "KUZET_RELOAD_TEST_TOKEN"; },
     [](DaemonReloadFixture& f) {
       EXPECT_EQ(GetStatus(f.port, "/api/mentions"), 401);
       EXPECT_EQ(GetStatus(f.port, "/api/mentions", "reload-secret"), 200);
     }},
    {"server_disabled_stops_serving", nullptr,
     [](DaemonReloadFixture& f) { f.config.server = false; },
     [](DaemonReloadFixture& f) {
       EXPECT_EQ(f.daemon().http_port(), 0);
       EXPECT_EQ(GetStatus(f.port, "/api/mentions"), -1);
     }},
    {"server_public_without_token_refuses_the_whole_file", nullptr,
     [](DaemonReloadFixture& f) {
       f.config.listen = "0.0.0.0:" + std::to_string(f.port);
       f.config.log_level = "debug";  // valid, but in the same refused file
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(f.log->Contains("config not reloaded, keeping the old one: [server] in " +
                                   f.ConfigPath() + ":"))
           << f.log->Text();
       EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
       EXPECT_EQ(GetStatus(f.port, "/api/mentions"), 200);
     }},
    {"invalid_file_is_refused_with_its_line", nullptr,
     [](DaemonReloadFixture& f) {
       f.config.log_level = "debug";
       f.config.tail = "[[rules]]\nid = \"broken\"\nterms = 5\n";
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(
           f.log->Contains("config not reloaded, keeping the old one: " + f.ConfigPath() + ":"))
           << f.log->Text();
       EXPECT_TRUE(f.log->Contains("rules[1].terms")) << f.log->Text();
       EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
       EXPECT_TRUE(f.daemon().ready());
     }},
    {"rule_that_does_not_compile_refuses_the_file", nullptr,
     [](DaemonReloadFixture& f) {
       f.config.log_level = "debug";
       f.config.rules.push_back("[[rules]]\nid = \"badq\"\nquery = \"Zhanaozen AND (\"\n");
     },
     [](DaemonReloadFixture& f) {
       EXPECT_TRUE(
           f.log->Contains("config not reloaded, keeping the old one: " + f.ConfigPath() + ":"))
           << f.log->Text();
       EXPECT_TRUE(f.log->Contains("rules.badq: query")) << f.log->Text();
       EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
     }},
    {"alerts_pending_go_out_through_the_new_webhook",
     [](DaemonReloadFixture& f) {
       f.extra.dead_hook = std::make_unique<Webhook>(500);
       f.extra.live_hook = std::make_unique<Webhook>(200);
       f.config.webhook_url = f.extra.dead_hook->Url();
     },
     [](DaemonReloadFixture& f) {
       // The alert is pending: the dead webhook refused it at least once.
       ASSERT_TRUE(WaitFor([&f] { return !f.extra.dead_hook->bodies().empty(); })) << f.log->Text();
       f.config.webhook_url = f.extra.live_hook->Url();
     },
     [](DaemonReloadFixture& f) {
       ASSERT_TRUE(WaitFor([&f] { return !f.extra.live_hook->bodies().empty(); })) << f.log->Text();
       auto alert = nlohmann::json::parse(f.extra.live_hook->bodies()[0], nullptr, false);
       EXPECT_EQ(alert.value("rule_id", ""), "zhanaozen") << f.extra.live_hook->bodies()[0];
       nlohmann::json mentions = ApiMentions(f.port, "site=a");
       ASSERT_EQ(mentions.size(), 1u);
       EXPECT_EQ(alert.value("id", ""), std::to_string(mentions[0]["id"].get<uint64_t>()))
           << f.extra.live_hook->bodies()[0];
     }},
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const ReloadCase& c, std::ostream* out) { *out << c.name; }

class DaemonReloadTest : public ::testing::TestWithParam<ReloadCase> {};

TEST_P(DaemonReloadTest, ChangeReloadObserve) {
  const ReloadCase& c = GetParam();
  setenv("KUZET_RELOAD_TEST_TOKEN", "reload-secret", 1);  // before any daemon thread
  {
    DaemonReloadFixture fixture(c.name);
    if (c.before_start) c.before_start(fixture);
    fixture.Start();
    if (!::testing::Test::HasFatalFailure()) {
      c.change(fixture);
      if (!::testing::Test::HasFatalFailure()) {
        fixture.Reload();
        if (!::testing::Test::HasFatalFailure()) c.expect(fixture);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EverySection, DaemonReloadTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ReloadCase>& info) {
                           return std::string(info.param.name);
                         });

// An abstract datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
 public:
  NotifySocket() : name_("@kuzet-daemon-notify-" + std::to_string(getpid())) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address),
                  static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size())) == 0;
  }
  ~NotifySocket() { close(fd_); }
  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }
  // The first line of every datagram waiting now.
  std::vector<std::string> Drain() {
    std::vector<std::string> messages;
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, 0) == 1) {
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n < 0) break;
      std::string message(buffer, static_cast<size_t>(n));
      messages.push_back(message.substr(0, message.find('\n')));
    }
    return messages;
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

// systemd sees READY once started, RELOADING … READY around each reload (applied or refused),
// and STOPPING when the shutdown begins.
TEST(DaemonNotifyTest, TellsSystemdAboutStartReloadsAndStop) {
  NotifySocket systemd;
  ASSERT_TRUE(systemd.bound());
  {
    DaemonReloadFixture fixture("notify");
    fixture.Start(ServiceNotifier(systemd.name()));
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    fixture.config.log_level = "debug";
    fixture.Reload();  // applied
    fixture.config.tail = "[[rules]]\nid = \"broken\"\nterms = 5\n";
    fixture.Reload();  // refused
    fixture.Stop();
    EXPECT_TRUE(fixture.log->Contains("config not reloaded")) << fixture.log->Text();
  }
  std::vector<std::string> got = systemd.Drain();
  std::erase(got, "WATCHDOG=1");
  EXPECT_EQ(got, (std::vector<std::string>{"READY=1", "RELOADING=1", "READY=1", "RELOADING=1",
                                           "READY=1", "STOPPING=1"}));
}

// Under a watchdog (WatchdogSec=2s here) the loop wakes often enough to ping it every 0.5-1.5 s.
TEST(DaemonNotifyTest, FeedsTheWatchdog) {
  NotifySocket systemd;
  ASSERT_TRUE(systemd.bound());
  DaemonReloadFixture fixture("watchdog");
  fixture.Start(ServiceNotifier(systemd.name(), std::chrono::seconds(2)));
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  size_t pings = 0;
  EXPECT_TRUE(WaitFor([&] {
    for (const std::string& message : systemd.Drain()) pings += message == "WATCHDOG=1";
    return pings >= 3;
  })) << pings
      << " pings";
}

}  // namespace
}  // namespace kuzet::app
