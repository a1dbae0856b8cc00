// Which config file a command reads when it is given no --config.
#pragma once

#include <string>

namespace kuzet::app {

// The file the package installs (/etc/kuzet/kuzet.toml for an install prefix of /usr).
std::string SystemConfigPath();

// `kuzet_config` ($KUZET_CONFIG) when set and not empty, else SystemConfigPath(). So a monitor
// on an installed system types `kuzet status`, and one with a config of their own exports
// KUZET_CONFIG once instead of repeating --config.
std::string DefaultConfigPath(const char* kuzet_config);

// DefaultConfigPath(getenv("KUZET_CONFIG")).
std::string DefaultConfigPath();

}  // namespace kuzet::app
