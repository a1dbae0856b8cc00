// Logging set-up: spdlog to stderr, so stdout stays clean for JSON and tables.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace kuzet::app {

// How each log line is written to stderr.
enum class LogFormat {
  kText,     // 2026-12-05T13:07:58.123Z info message (UTC, ISO 8601 with its zone)
  kJournal,  // <6>info message: a sd-daemon(3) priority prefix journald turns into PRIORITY=
  kJson,     // {"time":"…Z","level":"info","logger":"kuzet","message":"…"}, one object a line
};

// "text", "journal" or "json"; nullopt for anything else.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

// The format when none is asked for: kJournal when stderr is the journal stream systemd connected
// (systemd.exec(5), $JOURNAL_STREAM), else kText.
LogFormat DefaultLogFormat();

// True when `journal_stream` ("DEVICE:INODE", as systemd sets $JOURNAL_STREAM) names the file
// `fd` is open on. A redirected stderr (2>file under systemd) no longer matches, and gets text.
bool IsJournalStream(std::string_view journal_stream, int fd);

// A formatter writing lines in `format`; time is always UTC.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

// Default: warnings and errors only, so one-shot commands print nothing but their answer.
// KUZET_LOG_LEVEL (trace … off) overrides; the daemon raises it to the config's log_level.
// Lines are in DefaultLogFormat() until SetLogFormat.
void InitLogging();

// Switches the default logger's line format (`--log-format`).
void SetLogFormat(LogFormat format);

// Sets the level by name; unknown names leave it unchanged.
void SetLogLevel(const std::string& level);

}  // namespace kuzet::app
