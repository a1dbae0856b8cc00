#include "app/logging.h"

#include <sys/stat.h>
#include <time.h>

#include <charconv>
#include <chrono>
#include <cstdlib>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace kuzet::app {
namespace {

// ISO 8601 in UTC with milliseconds and its zone: 2026-12-05T13:07:58.123Z.
void AppendUtcTime(spdlog::log_clock::time_point time, spdlog::memory_buf_t& dest) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  time_t t = static_cast<time_t>(seconds.count());
  tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  size_t n = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  fmt::format_to(std::back_inserter(dest), "{}.{:03}Z", std::string_view(text, n),
                 static_cast<int>(millis.count()));
}

// sd-daemon(3) priorities: SD_EMERG "<0>" … SD_DEBUG "<7>".
int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;  // SD_CRIT
    case spdlog::level::err:
      return 3;  // SD_ERR
    case spdlog::level::warn:
      return 4;  // SD_WARNING
    case spdlog::level::info:
      return 6;  // SD_INFO
    default:
      return 7;  // SD_DEBUG: trace and debug
  }
}

std::string_view LevelName(spdlog::level::level_enum level) {
  auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// journald reads one entry per line and a prefix on each, so every line of a multi-line message
// (a config error lists one problem a line) carries the priority.
class JournalFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    int priority = SyslogPriority(msg.level);
    fmt::format_to(std::back_inserter(dest), "<{}>{} ", priority, LevelName(msg.level));
    std::string_view payload(msg.payload.data(), msg.payload.size());
    for (char c : payload) {
      dest.push_back(c);
      if (c == '\n') fmt::format_to(std::back_inserter(dest), "<{}>", priority);
    }
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JournalFormatter>();
  }
};

// One JSON object a line, for log shippers. Messages can hold bytes from crawled pages: invalid
// UTF-8 is replaced (U+FFFD) rather than failing the line.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t time;
    AppendUtcTime(msg.time, time);
    nlohmann::json line = {
        {"time", std::string(time.data(), time.size())},
        {"level", LevelName(msg.level)},
        {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
        {"message", std::string(msg.payload.data(), msg.payload.size())},
    };
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "journal") return LogFormat::kJournal;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

bool IsJournalStream(std::string_view journal_stream, int fd) {
  size_t colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  auto parse = [](std::string_view digits, unsigned long long& out) {
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return error == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  unsigned long long device = 0, inode = 0;
  if (!parse(journal_stream.substr(0, colon), device) ||
      !parse(journal_stream.substr(colon + 1), inode)) {
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device &&
         static_cast<unsigned long long>(st.st_ino) == inode;
}

LogFormat DefaultLogFormat() {
  const char* journal_stream = std::getenv("JOURNAL_STREAM");
  if (journal_stream != nullptr && IsJournalStream(journal_stream, /*stderr*/ 2)) {
    return LogFormat::kJournal;
  }
  return LogFormat::kText;
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  switch (format) {
    case LogFormat::kJournal:
      return std::make_unique<JournalFormatter>();
    case LogFormat::kJson:
      return std::make_unique<JsonFormatter>();
    case LogFormat::kText:
      break;
  }
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v",
                                                     spdlog::pattern_time_type::utc);
}

void InitLogging() {
  auto logger = spdlog::stderr_color_mt("kuzet");
  spdlog::set_default_logger(logger);
  SetLogFormat(DefaultLogFormat());
  spdlog::set_level(spdlog::level::warn);
  if (const char* level = std::getenv("KUZET_LOG_LEVEL")) SetLogLevel(level);
}

void SetLogFormat(LogFormat format) {
  spdlog::default_logger()->set_formatter(MakeLogFormatter(format));
}

void SetLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // from_str returns "off" for unknown names; only accept "off" when asked for.
  if (parsed != spdlog::level::off || level == "off") spdlog::set_level(parsed);
}

}  // namespace kuzet::app
