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

Result<std::unique_ptr<storage::warc::EvidenceArchive>> OpenEvidenceArchive(
    const config::Config& config) {
  if (!config.evidence.enabled) return std::unique_ptr<storage::warc::EvidenceArchive>();
  storage::warc::EvidenceArchiveOptions options;
  options.directory = config::EvidenceDir(config.settings, config.evidence);
  options.max_file_bytes = static_cast<uint64_t>(config.evidence.max_file_size);
  options.max_disk_bytes = static_cast<uint64_t>(config.evidence.max_disk);
  options.software = "Kuzet";
  return storage::warc::EvidenceArchive::Open(std::move(options));
}

}  // namespace kuzet::app
