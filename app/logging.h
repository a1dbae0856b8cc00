// Logging set-up: spdlog to stderr, so stdout stays clean for JSON and tables.
#pragma once

#include <string>

namespace kuzet::app {

// Default: warnings and errors only, so one-shot commands print nothing but their answer.
// KUZET_LOG_LEVEL (trace … off) overrides; the daemon raises it to the config's log_level.
void InitLogging();

// Sets the level by name; unknown names leave it unchanged.
void SetLogLevel(const std::string& level);

}  // namespace kuzet::app
