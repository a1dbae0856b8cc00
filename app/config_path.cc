#include "app/config_path.h"

#include <cstdlib>

namespace kuzet::app {

std::string SystemConfigPath() { return KUZET_SYSCONFDIR "/kuzet/kuzet.toml"; }

std::string DefaultConfigPath(const char* kuzet_config) {
  if (kuzet_config != nullptr && *kuzet_config != '\0') return kuzet_config;
  return SystemConfigPath();
}

std::string DefaultConfigPath() { return DefaultConfigPath(std::getenv("KUZET_CONFIG")); }

}  // namespace kuzet::app
