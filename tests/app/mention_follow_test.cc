// `kuzet mentions --follow --format json` through the real binary, beside a test process that
// holds the store read-write and stores mentions while the follower runs: new mentions come out
// as JSON Lines in id order and once, a restart resumes from --after or --cursor-file without gap
// or repeat, filters apply, stop signals and a consumer closing the pipe end it with exit 0.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/store.h"

#include "tests/app/run_command.h"
#include "tests/scratch_dir.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::ReadFile;
using testing::RunKuzet;
using testing::RunShell;

constexpr auto kDeadline = std::chrono::seconds(20);

// A running `kuzet mentions --follow ...`: its stdout is a pipe this test reads, its stderr a log.
class Follower {
 public:
  Follower(const std::vector<std::string>& args, const std::string& log) : log_(log) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(err, STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv{const_cast<char*>(KUZET_BINARY)};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(KUZET_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Follower() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // Waits (up to kDeadline) for the follower to log that it follows: only then is a mention
  // stored "after it started".
  bool WaitStarted() {
    for (auto end = Clock::now() + kDeadline; Clock::now() < end;) {
      if (ReadFile(log_).find("following mentions after id") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // The next n lines (fewer if the deadline passes or the stream ends), parsed.
  std::vector<nlohmann::json> Lines(size_t n) {
    std::vector<nlohmann::json> lines;
    auto end = Clock::now() + kDeadline;
    while (lines.size() < n) {
      size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        lines.push_back(nlohmann::json::parse(buffer_.substr(0, newline), nullptr, false));
        buffer_.erase(0, newline + 1);
        continue;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) break;
    }
    return lines;
  }

  // Sends `sig` and waits for the exit: its exit code (-1 if it did not exit normally in time),
  // and every line it wrote that was not read yet.
  int Stop(int sig, std::vector<nlohmann::json>* rest) {
    kill(pid_, sig);
    int status = 0;
    pid_t waited = 0;
    for (auto end = Clock::now() + kDeadline; Clock::now() < end && waited == 0;) {
      waited = waitpid(pid_, &status, WNOHANG);
      if (waited == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (waited != pid_) return -1;
    pid_ = -1;
    while (ReadSome(1000)) {
    }
    *rest = Lines(SIZE_MAX);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  // Reads what is there within timeout_ms; false at the end of the stream or on timeout.
  bool ReadSome(int timeout_ms) {
    pollfd fd = {out_, POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  std::string log_;
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

std::vector<uint64_t> Ids(const std::vector<nlohmann::json>& lines) {
  std::vector<uint64_t> ids;
  for (const auto& line : lines)
    ids.push_back(line.is_object() ? line.value("id", uint64_t{0}) : 0);
  return ids;
}

class MentionFollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = (dir_.path() / "data").string();
    log_ = (dir_.path() / "follow.log").string();
    auto store = storage::Store::Open(data_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override { store_.reset(); }

  // Stores a page on `site` in `lang` with one mention per rule; returns nothing, the ids are
  // handed out in order (1, 2, ...).
  void Put(const std::string& site, const std::string& lang,
           const std::vector<std::string>& rules) {
    const std::string text = "Zhanaozen oil workers on strike, report number " +
                             std::to_string(++pages_) + " from " + site + ".";
    storage::PageInput page;
    page.site_id = site;
    page.url = page.final_url = "https://" + site + ".kz/" + std::to_string(pages_);
    page.title = "Report " + std::to_string(pages_);
    page.text = text;
    page.lang = lang;
    page.fetched_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    page.http_status = 200;
    for (const std::string& rule : rules) {
      storage::MentionInput m;
      m.rule_id = rule;
      m.hits.push_back({"zhanaozen", "Zhanaozen", 0, 9});
      m.snippet = text;
      m.snippet_mark_begin = 0;
      m.snippet_mark_end = 9;
      page.mentions.push_back(std::move(m));
    }
    auto result = store_->writer().PutPage(page);
    ASSERT_TRUE(result.ok()) << result.status().message();
  }

  std::vector<std::string> Args(std::vector<std::string> extra) {
    std::vector<std::string> args{"mentions",   "--follow", "--format", "json",
                                  "--data-dir", data_,      "--poll",   "0.05"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  testing::ScratchDir dir_{"kuzet-follow"};
  std::string data_, log_;
  std::unique_ptr<storage::Store> store_;
  int pages_ = 0;
};

TEST_F(MentionFollowTest, PrintsMentionsStoredAfterItStartsInIdOrderOnce) {
  Put("a", "en", {"zh"});  // 1
  Put("b", "ru", {"zh"});  // 2
  Follower follower(Args({}), log_);
  ASSERT_TRUE(follower.WaitStarted()) << ReadFile(log_);
  Put("a", "en", {"zh", "strike"});  // 3, 4
  Put("c", "kk", {"zh"});            // 5
  std::vector<nlohmann::json> lines = follower.Lines(3);
  EXPECT_EQ(Ids(lines), (std::vector<uint64_t>{3, 4, 5})) << ReadFile(log_);
  ASSERT_EQ(lines.size(), 3u);
  // The same fields as `mentions --format json`.
  EXPECT_EQ(lines[0]["site"], "a");
  EXPECT_EQ(lines[0]["rule"], "zh");
  EXPECT_EQ(lines[1]["rule"], "strike");
  EXPECT_EQ(lines[2]["url"], "https://c.kz/4");
  EXPECT_TRUE(lines[2].contains("snippet") && lines[2].contains("found_at"));

  Put("b", "en", {"zh"});  // 6
  EXPECT_EQ(Ids(follower.Lines(1)), std::vector<uint64_t>{6});
  std::vector<nlohmann::json> rest;
  EXPECT_EQ(follower.Stop(SIGTERM, &rest), 0) << ReadFile(log_);
  EXPECT_TRUE(rest.empty()) << "nothing repeated: " << rest.size() << " more lines";
}

TEST_F(MentionFollowTest, AfterResumesWithEveryLaterMentionThenFollows) {
  for (int i = 0; i < 5; ++i) Put("a", "en", {"zh"});               // 1-5
  Follower follower(Args({"--after", "2", "--limit", "2"}), log_);  // pages of two
  EXPECT_EQ(Ids(follower.Lines(3)), (std::vector<uint64_t>{3, 4, 5}));
  Put("a", "en", {"zh"});  // 6
  EXPECT_EQ(Ids(follower.Lines(1)), std::vector<uint64_t>{6});
  std::vector<nlohmann::json> rest;
  EXPECT_EQ(follower.Stop(SIGINT, &rest), 0) << ReadFile(log_);
  EXPECT_TRUE(rest.empty());
}

TEST_F(MentionFollowTest, CursorFileRestartsWithoutGapOrRepeat) {
  for (int i = 0; i < 3; ++i) Put("a", "en", {"zh"});  // 1-3
  const std::string cursor = (dir_.path() / "bot.cursor").string();
  std::vector<uint64_t> seen;
  {
    Follower follower(Args({"--cursor-file", cursor, "--after", "0"}), log_);
    auto lines = follower.Lines(3);
    for (uint64_t id : Ids(lines)) seen.push_back(id);
    std::vector<nlohmann::json> rest;
    EXPECT_EQ(follower.Stop(SIGTERM, &rest), 0) << ReadFile(log_);
    for (uint64_t id : Ids(rest)) seen.push_back(id);
  }
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(ReadFile(cursor), "3\n") << "the last line written";

  Put("b", "en", {"zh"});  // 4, stored while nobody follows
  Put("b", "en", {"zh"});  // 5
  {
    // The file wins over --after: a restarted pipe keeps its command line.
    Follower follower(Args({"--cursor-file", cursor, "--after", "0"}), log_);
    EXPECT_EQ(Ids(follower.Lines(2)), (std::vector<uint64_t>{4, 5}));
    Put("c", "en", {"zh"});  // 6
    EXPECT_EQ(Ids(follower.Lines(1)), std::vector<uint64_t>{6});
    std::vector<nlohmann::json> rest;
    EXPECT_EQ(follower.Stop(SIGTERM, &rest), 0) << ReadFile(log_);
    EXPECT_TRUE(rest.empty());
  }
  EXPECT_EQ(ReadFile(cursor), "6\n");

  std::ofstream(cursor) << "6; rm -rf /\n";
  auto r = RunKuzet("mentions --follow --format json --data-dir " + data_ + " --cursor-file " +
                    cursor + " 2>&1");
  EXPECT_EQ(r.exit_code, 1) << "a damaged cursor is not a silent restart: " << r.out;
  EXPECT_NE(r.out.find("not a cursor"), std::string::npos) << r.out;
}

TEST_F(MentionFollowTest, FiltersApplyAndSkippedMentionsAdvanceTheCursor) {
  Put("a", "en", {"zh", "strike"});  // 1 zh a en, 2 strike a en
  Put("b", "ru", {"zh"});            // 3 zh b ru
  Put("a", "ru", {"strike"});        // 4 strike a ru
  Put("a", "kk", {"zh"});            // 5 zh a kk
  struct Case {
    std::vector<std::string> filter;
    std::vector<uint64_t> ids;
  };
  for (const Case& c : std::vector<Case>{{{"--rule", "zh"}, {1, 3, 5}},
                                         {{"--rule", "strike", "--site", "a"}, {2, 4}},
                                         {{"--lang", "ru"}, {3, 4}},
                                         {{"--site", "a", "--lang", "kk"}, {5}}}) {
    std::vector<std::string> extra = c.filter;
    extra.insert(extra.end(),
                 {"--after", "0", "--cursor-file", (dir_.path() / "f.cursor").string()});
    fs::remove(dir_.path() / "f.cursor");
    Follower follower(Args(extra), log_);
    auto lines = follower.Lines(c.ids.size());
    std::vector<nlohmann::json> rest;
    EXPECT_EQ(follower.Stop(SIGTERM, &rest), 0);
    EXPECT_TRUE(rest.empty()) << c.filter[0];
    EXPECT_EQ(Ids(lines), c.ids) << c.filter[0] << " " << c.filter[1];
  }
  // --since: the mentions are all from now; a bound in the future leaves none.
  Follower follower(Args({"--after", "0", "--since", "2099-01-01"}), log_ + ".since");
  ASSERT_TRUE(follower.WaitStarted()) << ReadFile(log_ + ".since");
  std::vector<nlohmann::json> rest;
  EXPECT_EQ(follower.Stop(SIGTERM, &rest), 0);
  EXPECT_TRUE(rest.empty());
}

// The consumer goes away (head(1) exits after one line, or a program that reads nothing): the
// follower ends with exit 0 and no SIGPIPE death (141), whether it is writing or idle.
TEST_F(MentionFollowTest, ConsumerClosingThePipeEndsTheFollowerWithExit0) {
  // More than a pipe holds (64 KiB), so the follower is still writing when head(1) exits.
  for (int i = 0; i < 300; ++i) Put("a", "en", {"zh", "strike"});
  const std::string rc = (dir_.path() / "rc").string();
  const std::string command = "timeout 20 " + std::string(KUZET_BINARY) +
                              " mentions --follow --format json --poll 0.05 --data-dir " + data_;
  auto writing =
      RunShell("( " + command + " --after 0 2>>" + log_ + "; echo $? > " + rc + " ) | head -n 1");
  EXPECT_EQ(writing.exit_code, 0);
  EXPECT_EQ(Ids({nlohmann::json::parse(writing.out, nullptr, false)}), std::vector<uint64_t>{1});
  EXPECT_EQ(ReadFile(rc), "0\n") << "while writing; 141 is death by SIGPIPE, 124 a hang\n"
                                 << ReadFile(log_);

  fs::remove(rc);
  auto idle = RunShell("( " + command + " 2>>" + log_ + "; echo $? > " + rc + " ) | true");
  EXPECT_EQ(idle.exit_code, 0);
  EXPECT_EQ(ReadFile(rc), "0\n") << "while idle; 124 is a follower that never noticed\n"
                                 << ReadFile(log_);
}

TEST_F(MentionFollowTest, FollowOptionsOutsideTheirPlaceAreUsageErrors) {
  struct Case {
    std::string args, named;  // the message names the option at fault
  };
  for (const Case& c :
       std::vector<Case>{{"mentions --follow", "--follow"},
                         {"mentions --follow --format csv", "--follow"},
                         {"mentions --after 3 --format json", "--after"},
                         {"mentions --cursor-file x --format json", "--cursor-file"},
                         {"mentions --poll 2 --format json", "--poll"},
                         {"mentions --follow --format json --new", "--new"},
                         {"mentions --follow --format json --until 1h", "--until"},
                         {"mentions --follow --format json --poll 0", "--poll"}}) {
    auto r = RunKuzet(c.args + " --data-dir " + data_ + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.named), std::string::npos) << c.args << "\n" << r.out;
  }
}

}  // namespace
}  // namespace kuzet
