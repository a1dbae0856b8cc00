#include "app/crawl_setup.h"

#include <utility>

#include "app/rules.h"

namespace kuzet::app {

Result<CrawlSetup> LoadCrawlSetup(const std::string& path) {
  auto config = config::LoadConfigFile(path);
  if (!config.ok()) return config.status();
  auto matcher = CompileRules(*config);
  if (!matcher.ok()) return matcher.status();
  return CrawlSetup{std::move(config).value(), std::move(matcher).value()};
}

PageLimits LimitsOf(const config::Settings& settings) {
  return PageLimits{settings.page_cpu_budget, static_cast<size_t>(settings.page_memory_budget)};
}

}  // namespace kuzet::app
