// The store as the query commands open it (mentions, doc, stories, search, history): read-only,
// beside a daemon that may hold it read-write.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "storage/store.h"

namespace kuzet::app {

// The data dir from --data-dir, else from the settings of the config at `config_path`;
// InvalidArgument when neither is given.
Result<std::string> ResolveDataDir(const std::string& data_dir, const std::string& config_path);

// The store of that data dir opened read-only; NotFound, saying how to make one, when the
// directory does not exist (nothing was crawled yet).
Result<std::unique_ptr<storage::Store>> OpenForQuery(const std::string& data_dir_option,
                                                     const std::string& config_path);

}  // namespace kuzet::app
