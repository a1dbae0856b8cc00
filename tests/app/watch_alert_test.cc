// Change alerts of the edit watch end to end (issue #20 item 3): `kuzet run` with a short
// [watch] schedule and [alerts] to a real SMTP server (tests/alert/smtp_sink.py). The article is
// published (one mail: its mentions), edited with a watched name removed (one mail: the change,
// its before/after excerpt with the name marked), deleted (one mail: the 404), and found gone
// again (no mail: unchanged). A kill -9 of the daemon between steps changes none of it: the
// change alert is written in its version's batch. Mails are read as Python's email module does.
// Also: a change of two rules with their own recipients (each recipient once, through kill -9),
// and the excerpt marking an inflected other-script form where the daemon's matcher found it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/alert/child_process.h"
#include "tests/alert/mail_parser.h"
#include "tests/app/editable_site.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/wait_until.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

using testing::ArticlePage;
using testing::EditableSite;

class WatchAlertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = alert::testing::FindPython("aiosmtpd");
    if (python_.empty()) {
      GTEST_SKIP() << "python3 with aiosmtpd not found (Debian: apt-get install python3-aiosmtpd)";
    }
    dir_ = fs::temp_directory_path() / ("kuzet-watch-alert-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "mail");
    mail_dir_ = (dir_ / "mail").string();
    sink_ = std::make_unique<alert::testing::ChildProcess>(
        std::vector<std::string>{python_, KUZET_SOURCE_DIR "/tests/alert/smtp_sink.py", mail_dir_});
    const auto line = sink_->ReadLine(std::chrono::seconds(20));
    ASSERT_TRUE(line && line->starts_with("PORT ")) << "smtp_sink.py did not start";
    port_ = line->substr(5);
    config_ = (dir_ / "kuzet.toml").string();
    log_ = (dir_ / "kuzet.log").string();
    WriteConfig("", "");
  }
  // The config; `leaders_to` and `zhanaozen_to` are the rules' alert_to ("": [alerts] to).
  void WriteConfig(const std::string& leaders_to, const std::string& zhanaozen_to) {
    auto alert_to = [](const std::string& to) {
      return to.empty() ? std::string() : "alert_to = " + to + "\n";
    };
    // Steps 6 s apart (±10 % jitter): time enough to change the page between two re-fetches.
    std::ofstream(config_) << testing::LoopbackSettings("info") + R"(
[[sites]]
id = "steppe"
start_urls = [")" + site_.Url("/") +
                                  R"("]
interval = "1h"
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]
)" + alert_to(zhanaozen_to) + R"(
[[rules]]
id = "leaders"
terms = ["Tuletayeva"]
)" + alert_to(leaders_to) + R"(
[watch]
schedule = ["6s", "12s", "18s"]

[alerts]
smtp_url = "smtp://127.0.0.1:)" + port_ +
                                  R"("
starttls = "off"
from = "kuzet@monitor.example.org"
to = ["analyst@example.org"]
max_per_hour = 1000
)";
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << testing::ReadFile(log_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    sink_.reset();
    fs::remove_all(dir_);
  }

  void Start() {
    pid_ = testing::StartKuzetRun(config_, log_);
    ASSERT_GT(pid_, 0);
  }
  void Kill9() {
    ASSERT_EQ(kill(pid_, SIGKILL), 0);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  size_t MailCount() const {
    size_t n = 0;
    while (fs::exists(mail_dir_ + "/" + std::to_string(n + 1) + ".eml")) ++n;
    return n;
  }
  // Every received mail as parse_mail.py sees it.
  std::vector<json> Mails() const {
    std::vector<std::string> paths;
    for (size_t n = 1; n <= MailCount(); ++n) {
      paths.push_back(mail_dir_ + "/" + std::to_string(n) + ".eml");
    }
    std::vector<json> mails;
    if (paths.empty()) return mails;
    auto parsed = alert::testing::ParseMailFiles(paths);
    if (!parsed) return mails;
    for (const std::string& path : paths) mails.push_back((*parsed)[path]);
    return mails;
  }
  static std::string PlainText(const json& mail) {
    for (const json& part : mail.at("parts")) {
      if (part.at("content_type") != "text/plain") continue;
      std::string text = part.at("text");
      for (size_t p; (p = text.find("\r\n")) != std::string::npos;) text.erase(p, 1);
      return text;
    }
    return "";
  }
  // The recipients of mail n (1-based) as the server's envelope has them.
  std::vector<std::string> Recipients(size_t n) const {
    std::ifstream in(mail_dir_ + "/" + std::to_string(n) + ".json");
    return json::parse(in).at("rcpt_tos").get<std::vector<std::string>>();
  }
  size_t Versions() {
    testing::CommandResult r =
        testing::RunKuzet("history 1 --config " + config_ + " --format json 2>&1");
    if (r.exit_code != 0) return 0;
    return nlohmann::json::parse(r.out)["versions"].size();
  }

  std::string python_;
  EditableSite site_;
  fs::path dir_;
  std::string port_, mail_dir_, config_, log_;
  std::unique_ptr<alert::testing::ChildProcess> sink_;
  pid_t pid_ = -1;
};

TEST_F(WatchAlertTest, OneMailForTheEditOneForTheDeletionNoneWhenUnchangedThroughKill9) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // Published: the mention mail (both rules, one article).
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 1; }, 40s, 200ms)) << testing::ReadFile(log_);
  site_.Serve(200, ArticlePage("One activist"));
  std::this_thread::sleep_for(1s);  // the sent mail recorded before the kill
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions() == 2; }, 40s, 200ms)) << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 2; }, 30s, 200ms)) << testing::ReadFile(log_);
  site_.Serve(404, "");
  std::this_thread::sleep_for(1s);
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions() == 3; }, 40s, 200ms)) << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 3; }, 30s, 200ms)) << testing::ReadFile(log_);
  // The last step finds it gone again: unchanged, no version and no mail.
  ASSERT_TRUE(WaitUntil(
      [&] { return testing::ReadFile(log_).find("(HTTP 404): unchanged") != std::string::npos; },
      40s, 200ms))
      << testing::ReadFile(log_);
  std::this_thread::sleep_for(2s);  // a mail it wrongly caused would be out by now
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;

  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  std::set<std::string> ids;
  for (const json& mail : mails) {
    EXPECT_EQ(mail.at("defects"), json::array());
    ids.insert(mail.at("message_id"));
  }
  EXPECT_EQ(ids.size(), 3u) << "no mail sent twice";

  const json& edit = mails[1];
  EXPECT_EQ(edit.at("subject"),
            "[Kuzet] leaders: name removed: Tuletayeva \xE2\x80\x94 Strike leaders on trial");
  EXPECT_EQ(edit.at("message_id"), "<kuzet.change=2E1=2E1@monitor.example.org>");
  const std::string edit_text = PlainText(edit);
  EXPECT_NE(edit_text.find("Before: Roza [[Tuletayeva]] led the oil workers"), std::string::npos)
      << edit_text;
  EXPECT_NE(edit_text.find("After:  One [[activist]] led the oil workers"), std::string::npos)
      << edit_text;
  EXPECT_NE(edit_text.find("History: kuzet history 1\n"), std::string::npos) << edit_text;

  const json& gone = mails[2];
  const std::string gone_subject = gone.at("subject");
  EXPECT_NE(gone_subject.find(": deleted (HTTP 404) \xE2\x80\x94 Strike leaders on trial"),
            std::string::npos)
      << gone_subject;
  EXPECT_EQ(gone.at("message_id"), "<kuzet.change=2E1=2E2@monitor.example.org>");
  EXPECT_NE(PlainText(gone).find("HTTP 404\n"), std::string::npos) << PlainText(gone);
}

// Two rules with their own recipients, and an editor in both lists (issue #20): the removal of
// the leaders rule's name goes to that rule's recipients only; the deletion to every rule's, the
// editor getting one mail that lists both rules. Each recipient gets each change exactly once
// through kill -9 between the steps.
TEST_F(WatchAlertTest, ChangeGoesToEveryRuleItConcernsOnceForEachRecipientThroughKill9) {
  WriteConfig(R"(["leaders-desk@example.org", "editor@example.org"])",
              R"(["oil-desk@example.org", "editor@example.org"])");
  const std::string leaders_desk = "leaders-desk@example.org", editor = "editor@example.org",
                    oil_desk = "oil-desk@example.org";
  ASSERT_NO_FATAL_FAILURE(Start());
  // Published: one mention mail for each recipient class (leaders only, both, zhanaozen only).
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 3; }, 40s, 200ms)) << testing::ReadFile(log_);
  site_.Serve(200, ArticlePage("One activist"));
  std::this_thread::sleep_for(1s);
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions() == 2; }, 40s, 200ms)) << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 5; }, 30s, 200ms)) << testing::ReadFile(log_);
  site_.Serve(404, "");
  std::this_thread::sleep_for(1s);
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions() == 3; }, 40s, 200ms)) << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 8; }, 30s, 200ms)) << testing::ReadFile(log_);
  std::this_thread::sleep_for(3s);  // a mail sent twice or to a wrong class would be out by now
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;

  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 8u);
  // recipient -> subject of each change mail it got, by message id.
  std::map<std::string, std::map<std::string, std::string>> got;
  std::map<std::string, std::map<std::string, std::string>> text;
  for (size_t n = 1; n <= mails.size(); ++n) {
    const json& mail = mails[n - 1];
    EXPECT_EQ(mail.at("defects"), json::array());
    const std::string id = mail.at("message_id");
    for (const std::string& to : Recipients(n)) {
      EXPECT_FALSE(got[to].contains(id)) << to << " got " << id << " twice";
      got[to][id] = mail.at("subject");
      text[to][id] = PlainText(mail);
    }
  }
  const std::string edit_id = "<kuzet.change=2E1=2E1@monitor.example.org>";
  const std::string gone_id = "<kuzet.change=2E1=2E2@monitor.example.org>";
  const std::string title = " \xE2\x80\x94 Strike leaders on trial";
  // The name removed is the leaders rule's: its recipients only.
  for (const std::string& to : {leaders_desk, editor}) {
    SCOPED_TRACE(to);
    EXPECT_EQ(got[to][edit_id], "[Kuzet] leaders: name removed: Tuletayeva" + title);
    EXPECT_NE(text[to][edit_id].find("Before: Roza [[Tuletayeva]] led the oil workers"),
              std::string::npos)
        << text[to][edit_id];
  }
  EXPECT_FALSE(got[oil_desk].contains(edit_id));
  // The deletion concerns both rules: each list gets it, the editor once with both rules.
  EXPECT_EQ(got[leaders_desk][gone_id], "[Kuzet] leaders: deleted (HTTP 404)" + title);
  EXPECT_EQ(got[oil_desk][gone_id], "[Kuzet] zhanaozen: deleted (HTTP 404)" + title);
  EXPECT_EQ(got[editor][gone_id], "[Kuzet] leaders, zhanaozen: deleted (HTTP 404)" + title);
  EXPECT_NE(text[editor][gone_id].find("Rule: leaders"), std::string::npos)
      << text[editor][gone_id];
  EXPECT_NE(text[editor][gone_id].find("Rule: zhanaozen"), std::string::npos)
      << text[editor][gone_id];
  for (const std::string& to : {leaders_desk, editor, oil_desk}) {
    EXPECT_EQ(got[to].size(), to == oil_desk ? 2u : 3u) << to;  // its mention mail and changes
  }
}

// The Russian article names the town only as "в Жанаозене" (rule zhanaozen's term is Latin
// "Zhanaozen"); the edit takes it out. The change mail marks the inflected Cyrillic form where the
// daemon's matcher found it (a search for the term's bytes finds nothing: no excerpt at all).
TEST_F(WatchAlertTest, TheExcerptMarksTheInflectedOtherScriptFormTheMatcherFound) {
  auto page = [](const std::string& where) {
    return "<html><head><title>Суд над лидерами забастовки</title></head><body><article>"
           "<h1>Суд над лидерами забастовки</h1><p>Роза Тулетаева семь месяцев руководила "
           "забастовкой нефтяников " +
           where +
           ", требуя повышения зарплаты и безопасных условий для каждой бригады на "
           "месторождении.</p><p>Шестнадцатого декабря полиция открыла огонь на центральной "
           "площади, погибли по меньшей мере четырнадцать человек, а десятки бастовавших позже "
           "предстали перед судом в Актау.</p></article></body></html>";
  };
  site_.Serve(200, page("в Жанаозене"));
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 1; }, 40s, 200ms)) << testing::ReadFile(log_);
  site_.Serve(200, page("в городе"));
  ASSERT_TRUE(WaitUntil([&] { return Versions() == 2; }, 40s, 200ms)) << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil([&] { return MailCount() == 2; }, 30s, 200ms)) << testing::ReadFile(log_);
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;

  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 2u);
  const json& edit = mails[1];
  EXPECT_EQ(edit.at("defects"), json::array());
  EXPECT_EQ(edit.at("subject"),
            "[Kuzet] zhanaozen: name removed: Zhanaozen \xE2\x80\x94 Суд над лидерами забастовки");
  const std::string text = PlainText(edit);
  EXPECT_NE(text.find("Before: Роза Тулетаева семь месяцев руководила забастовкой нефтяников в "
                      "[[Жанаозене]], требуя"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("After:  Роза Тулетаева"), std::string::npos) << text;
}

}  // namespace
}  // namespace kuzet
