#include "app/query_store.h"

#include <filesystem>

#include "config/config.h"

namespace kuzet::app {

Result<std::string> ResolveDataDir(const std::string& data_dir, const std::string& config_path) {
  if (!data_dir.empty()) return data_dir;
  if (config_path.empty()) {
    return Status::InvalidArgument("give --config FILE or --data-dir DIR");
  }
  auto config = config::LoadConfigFile(config_path);
  if (!config.ok()) return config.status();
  return config->settings.data_dir;
}

// Read-only: the daemon may hold the store read-write at the same time.
Result<std::unique_ptr<storage::Store>> OpenForQuery(const std::string& data_dir_option,
                                                     const std::string& config_path) {
  auto data_dir = ResolveDataDir(data_dir_option, config_path);
  if (!data_dir.ok()) return data_dir.status();
  if (!std::filesystem::exists(*data_dir)) {
    return Status::NotFound(*data_dir +
                            ": no data yet: run `kuzet crawl --once` or `kuzet run` first");
  }
  return storage::Store::Open(*data_dir, storage::Store::Mode::kReadOnly);
}

}  // namespace kuzet::app
