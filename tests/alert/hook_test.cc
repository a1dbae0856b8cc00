// CommandHook: the alert JSON on a configured program's stdin, no shell in between; and the JSON
// schema that hooks and webhooks receive.
#include "alert/command_hook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "alert/alert_json.h"
#include "alert/channel.h"
#include "tests/alert/child_process.h"
#include "tests/wait_until.h"

namespace kuzet::alert {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::TempDir;

Alert SampleAlert() {
  Alert a;
  a.id = "42";
  a.rule_id = "zhanaozen";
  a.rule_description = "Жаңаөзен";
  a.site_id = "azattyq";
  a.site_name = "Азаттық";
  a.url = "https://www.azattyq.org/a/31612345.html";
  a.title = "Жаңаөзендегі ереуіл: \"кәсіподақ\"\nжаңалықтары";
  a.lang = "kk";
  a.snippet = "2011 жылы Жаңаөзенде мұнайшылар ереуілі басталды.";
  a.snippet_mark_begin = static_cast<uint32_t>(a.snippet.find("Жаңаөзенде"));
  a.snippet_mark_end =
      a.snippet_mark_begin + static_cast<uint32_t>(std::string("Жаңаөзенде").size());
  a.found_at_us = 1764400000123456LL;
  a.story_url = "http://127.0.0.1:8080/story/3";
  a.other_urls = {"https://rus.azattyq.org/a/1.html", "https://kaz.azattyq.org/a/2.html"};
  a.web_url = "http://127.0.0.1:8080/mention/42";
  return a;
}

bool SameAlert(const Alert& a, const Alert& b) {
  return a.id == b.id && a.rule_id == b.rule_id && a.rule_description == b.rule_description &&
         a.site_id == b.site_id && a.site_name == b.site_name && a.url == b.url &&
         a.title == b.title && a.lang == b.lang && a.snippet == b.snippet &&
         a.snippet_mark_begin == b.snippet_mark_begin && a.snippet_mark_end == b.snippet_mark_end &&
         a.found_at_us == b.found_at_us && a.story_url == b.story_url &&
         a.other_urls == b.other_urls && a.web_url == b.web_url;
}

// --- JSON
// -----------------------------------------------------------------------------------------

TEST(AlertJsonTest, DocumentedSchemaOnOneLine) {
  const std::string text = AlertToJson(SampleAlert());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line, so scripts can read it line-wise";
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], "kuzet.alert.v1");
  EXPECT_EQ(j["id"], "42");
  EXPECT_EQ(j["rule_id"], "zhanaozen");
  EXPECT_EQ(j["rule_description"], "Жаңаөзен");
  EXPECT_EQ(j["site_name"], "Азаттық");
  EXPECT_EQ(j["title"], "Жаңаөзендегі ереуіл: \"кәсіподақ\"\nжаңалықтары");
  EXPECT_EQ(j["snippet"].get<std::string>().substr(
                j["snippet_mark_begin"].get<size_t>(),
                j["snippet_mark_end"].get<size_t>() - j["snippet_mark_begin"].get<size_t>()),
            "Жаңаөзенде");
  EXPECT_EQ(j["found_at_us"], 1764400000123456LL);
  EXPECT_EQ(j["found_at"], "2025-11-29T07:06:40.123456Z");
  EXPECT_EQ(j["other_urls"].size(), 2u);
  EXPECT_EQ(j["web_url"], "http://127.0.0.1:8080/mention/42");
}

TEST(AlertJsonTest, RoundTripsAndReplacesInvalidUtf8) {
  Result<Alert> back = AlertFromJson(AlertToJson(SampleAlert()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(SameAlert(back.value(), SampleAlert()));

  Alert broken = SampleAlert();
  broken.title = "cp1251 leftover: \xC6\xE0\xED\xE0\xEE\xE7\xE5\xED";
  const std::string text = AlertToJson(broken);
  const auto j = nlohmann::json::parse(text);  // must be valid JSON / UTF-8
  EXPECT_THAT(j["title"].get<std::string>(), HasSubstr("leftover: \xEF\xBF\xBD"));

  EXPECT_EQ(AlertFromJson("{not json").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(AlertFromJson(R"({"id": 5})").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(AlertFromJson("[1]").status().code(), Status::Code::kInvalidArgument);
}

TEST(AlertJsonTest, DigestHoldsEveryAlert) {
  Alert second = SampleAlert();
  second.id = "43";
  const auto j = nlohmann::json::parse(DigestToJson(Digest{"d1", {SampleAlert(), second}}));
  EXPECT_EQ(j["schema"], "kuzet.digest.v1");
  EXPECT_EQ(j["id"], "d1");
  ASSERT_EQ(j["alerts"].size(), 2u);
  EXPECT_EQ(j["alerts"][1]["id"], "43");
  EXPECT_EQ(j["alerts"][0], nlohmann::json::parse(AlertToJson(SampleAlert())));
}

// --- CommandHook
// ------------------------------------------------------------------------------------

TEST(CommandHookTest, ProgramReceivesTheAlertJsonOnStdin) {
  TempDir dir;
  const std::string out = dir.path() + "/received.json";
  // The test chooses a shell as its hook program; Kuzet itself never adds one.
  CommandHook hook({"/bin/sh", "-c", "cat > \"$0\"", out}, std::chrono::seconds(10));
  const std::string json = AlertToJson(SampleAlert());
  const Status s = hook.Send(json);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadFile(out), json);
}

TEST(CommandHookTest, ArgumentsAreNeverInterpretedByAShell) {
  TempDir dir;
  const std::string name = dir.path() + "/out $(touch pwned);`id` | x";
  CommandHook hook({"cp", "/dev/stdin", name}, std::chrono::seconds(10));
  ASSERT_TRUE(hook.Send("{}\n").ok());
  EXPECT_EQ(ReadFile(name), "{}\n");
  EXPECT_FALSE(std::filesystem::exists("pwned"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/pwned"));
}

TEST(CommandHookTest, HiddenEnvironmentVariablesDoNotReachTheProgram) {
  TempDir dir;
  const std::string out = dir.path() + "/env.txt";
  ::setenv("KUZET_TEST_HOOK_SECRET", "smtp-password", 1);
  ::setenv("KUZET_TEST_HOOK_VISIBLE", "shown", 1);
  CommandHook hook(
      {"/bin/sh", "-c",
       "echo \"${KUZET_TEST_HOOK_SECRET-unset} $KUZET_TEST_HOOK_VISIBLE\" > \"$0\"", out},
      std::chrono::seconds(10), {"KUZET_TEST_HOOK_SECRET"});
  ASSERT_TRUE(hook.Send("{}").ok());
  EXPECT_EQ(ReadFile(out), "unset shown\n");
}

TEST(CommandHookTest, NonZeroExitIsAnErrorWithStatusAndFirstStderrLine) {
  CommandHook hook({"/bin/sh", "-c",
                    "cat >/dev/null; echo 'relay refused: 451' >&2; "
                    "echo 'second line' >&2; exit 3"},
                   std::chrono::seconds(10));
  const Status s = hook.Send(AlertToJson(SampleAlert()));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("/bin/sh"));
  EXPECT_THAT(s.message(), HasSubstr("exited with status 3"));
  EXPECT_THAT(s.message(), HasSubstr("relay refused: 451"));
  EXPECT_THAT(s.message(), Not(HasSubstr("second line")));
}

bool ProcessGone(pid_t pid) {
  // An orphan is reaped by init shortly after it dies.
  return WaitUntil(
      [pid] {
        const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
        return stat.empty() || stat.find(") Z") != std::string::npos;
      },
      std::chrono::seconds(2));
}

TEST(CommandHookTest, TimeoutKillsTheProgramAndItsChildren) {
  TempDir dir;
  const std::string pid_file = dir.path() + "/child.pid";
  CommandHook hook({"/bin/sh", "-c", "sleep 30 & echo $! > \"$0\"; wait", pid_file},
                   std::chrono::seconds(1));
  const auto start = std::chrono::steady_clock::now();
  const Status s = hook.Send(AlertToJson(SampleAlert()));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("did not finish within 1 s"));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  const std::string pid_text = ReadFile(pid_file);
  ASSERT_FALSE(pid_text.empty());
  EXPECT_TRUE(ProcessGone(static_cast<pid_t>(std::stol(pid_text))))
      << "the hook's child 'sleep 30' survived the timeout";
}

TEST(CommandHookTest, ProgramThatIgnoresStdinIsFine) {
  const std::string big(4 << 20, 'x');  // far more than a socket buffer
  EXPECT_TRUE(CommandHook({"true"}, std::chrono::seconds(10)).Send(big).ok());
  EXPECT_EQ(CommandHook({"false"}, std::chrono::seconds(10)).Send(big).code(),
            Status::Code::kUnavailable);
}

TEST(CommandHookTest, MissingProgramOrEmptyArgvCannotStart) {
  const Status missing =
      CommandHook({"/nonexistent/kuzet-hook"}, std::chrono::seconds(5)).Send("{}");
  EXPECT_EQ(missing.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("/nonexistent/kuzet-hook"));
  EXPECT_EQ(CommandHook({}, std::chrono::seconds(5)).Send("{}").code(),
            Status::Code::kInvalidArgument);
}

TEST(CommandHookTest, KilledBySignalIsReported) {
  const Status s =
      CommandHook({"/bin/sh", "-c", "kill -TERM $$"}, std::chrono::seconds(5)).Send("{}");
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("killed by signal " + std::to_string(SIGTERM)));
}

TEST(CommandChannelTest, DeliversAlertAndDigestJson) {
  TempDir dir;
  const std::string out = dir.path() + "/received.json";
  const auto channel =
      MakeCommandChannel({"/bin/sh", "-c", "cat >> \"$0\"", out}, std::chrono::seconds(10));
  EXPECT_EQ(channel->name(), "hook /bin/sh");
  const Digest digest{"d7", {SampleAlert()}};
  ASSERT_TRUE(channel->Deliver(SampleAlert()).ok());
  ASSERT_TRUE(channel->DeliverDigest(digest).ok());
  EXPECT_EQ(ReadFile(out), AlertToJson(SampleAlert()) + DigestToJson(digest));
}

TEST(ChannelTest, RetryableOnlyForTransientFailures) {
  EXPECT_FALSE(IsRetryable(Status::Ok()));
  EXPECT_TRUE(IsRetryable(Status::Network("x")));
  EXPECT_TRUE(IsRetryable(Status::Unavailable("x")));
  EXPECT_TRUE(IsRetryable(Status::IOError("x")));
  EXPECT_FALSE(IsRetryable(Status::InvalidArgument("x")));
  EXPECT_FALSE(IsRetryable(Status::NotFound("x")));
  // What the hook reports when the program fails is retryable; a missing program is not.
  EXPECT_TRUE(IsRetryable(CommandHook({"false"}, std::chrono::seconds(5)).Send("{}")));
  EXPECT_FALSE(IsRetryable(CommandHook({"/nonexistent/x"}, std::chrono::seconds(5)).Send("{}")));
}

}  // namespace
}  // namespace kuzet::alert
