// Log lines: UTC with a zone, sd-daemon priorities for journald, one JSON object per line.
#include "app/logging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <nlohmann/json.hpp>

namespace kuzet::app {
namespace {

// The line `format` writes for one message at `level`, logged at `time`.
std::string FormatLine(
    LogFormat format, spdlog::level::level_enum level, std::string_view text,
    std::chrono::system_clock::time_point time = std::chrono::system_clock::now()) {
  spdlog::details::log_msg msg(time, spdlog::source_loc{}, "kuzet", level,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  MakeLogFormatter(format)->format(msg, out);
  return std::string(out.data(), out.size());
}

// 2026-12-05 13:07:58.123 UTC.
const auto kNoonish =
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1796476078123));

TEST(LogFormatTest, TextIsUtcWithZoneWhateverTheLocalZone) {
  // A zone far from UTC: the old pattern wrote local time without saying so.
  setenv("TZ", "Asia/Almaty", 1);
  tzset();
  std::string line = FormatLine(LogFormat::kText, spdlog::level::info, "crawl done", kNoonish);
  unsetenv("TZ");
  tzset();
  EXPECT_EQ(line, "2026-12-05T13:07:58.123Z info crawl done\n");
}

TEST(LogFormatTest, JournalPrefixesSdDaemonPriorities) {
  struct Case {
    spdlog::level::level_enum level;
    std::string prefix;
  };
  for (const Case& c : {Case{spdlog::level::critical, "<2>"}, Case{spdlog::level::err, "<3>"},
                        Case{spdlog::level::warn, "<4>"}, Case{spdlog::level::info, "<6>"},
                        Case{spdlog::level::debug, "<7>"}, Case{spdlog::level::trace, "<7>"}}) {
    std::string line = FormatLine(LogFormat::kJournal, c.level, "x");
    EXPECT_EQ(line.substr(0, c.prefix.size()), c.prefix) << line;
    EXPECT_EQ(line.back(), '\n');
  }
}

TEST(LogFormatTest, JournalPrefixesEveryLineOfAMultiLineMessage) {
  std::string line = FormatLine(LogFormat::kJournal, spdlog::level::err,
                                "config not reloaded:\nkuzet.toml:3: a\nkuzet.toml:9: b");
  EXPECT_EQ(line, "<3>error config not reloaded:\n<3>kuzet.toml:3: a\n<3>kuzet.toml:9: b\n");
}

TEST(LogFormatTest, JsonIsOneObjectPerLineEvenForHostileText) {
  // A URL from a crawled page: quotes, a newline, a control byte and invalid UTF-8.
  std::string hostile = "fetch failed: http://x/\"a\"\n\x01\xff\xfe end";
  std::string line = FormatLine(LogFormat::kJson, spdlog::level::warn, hostile, kNoonish);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2026-12-05T13:07:58.123Z");
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_EQ(parsed["logger"], "kuzet");
  std::string message = parsed["message"];
  EXPECT_EQ(message.substr(0, 27), "fetch failed: http://x/\"a\"\n");
  EXPECT_NE(message.find("\xEF\xBF\xBD"), std::string::npos) << "invalid bytes become U+FFFD";
}

TEST(LogFormatTest, ParsesOnlyKnownNames) {
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(ParseLogFormat("journal"), LogFormat::kJournal);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("JSON"), std::nullopt);
  EXPECT_EQ(ParseLogFormat(""), std::nullopt);
}

TEST(JournalStreamTest, MatchesOnlyTheFileItNames) {
  char path[] = "/tmp/kuzet_journal_stream_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  std::string same = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  std::string other_inode = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  EXPECT_TRUE(IsJournalStream(same, fd));
  EXPECT_FALSE(IsJournalStream(other_inode, fd)) << "stderr redirected elsewhere";
  for (const char* malformed : {"", ":", "12", "a:b", "12:", ":34", "1:2:3", "-1:5"}) {
    EXPECT_FALSE(IsJournalStream(malformed, fd)) << malformed;
  }
  EXPECT_FALSE(IsJournalStream(same, -1)) << "closed stderr";
  close(fd);
  unlink(path);
}

}  // namespace
}  // namespace kuzet::app
