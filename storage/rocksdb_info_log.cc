#include "storage/rocksdb_info_log.h"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>

namespace kuzet::storage {

namespace {

class SpdlogInfoLog : public rocksdb::Logger {
 public:
  explicit SpdlogInfoLog(std::string name)
      : rocksdb::Logger(rocksdb::InfoLogLevel::DEBUG_LEVEL), name_(std::move(name)) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    spdlog::level::level_enum to = spdlog::level::debug;
    if (level >= rocksdb::InfoLogLevel::HEADER_LEVEL) {
      to = spdlog::level::trace;  // the options dump at open
    } else if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      to = spdlog::level::err;
    } else if (level == rocksdb::InfoLogLevel::WARN_LEVEL) {
      to = spdlog::level::warn;
    } else if (level == rocksdb::InfoLogLevel::DEBUG_LEVEL) {
      to = spdlog::level::trace;
    }
    if (!spdlog::default_logger_raw()->should_log(to)) return;
    // Bounded: a line longer than this is cut (RocksDB's own lines are far shorter).
    char line[2048];
    int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    spdlog::log(to, "rocksdb {}: {}", name_, line);
  }

 private:
  const std::string name_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksDbInfoLog(std::string name) {
  return std::make_shared<SpdlogInfoLog>(std::move(name));
}

}  // namespace kuzet::storage
