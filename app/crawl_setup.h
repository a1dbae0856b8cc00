// A config with its rules compiled: what a crawl needs, loaded (and on reload replaced) whole.
#pragma once

#include <memory>
#include <string>

#include "app/pipeline.h"
#include "base/status.h"
#include "config/config.h"
#include "extractor/keywords/matcher.h"

namespace kuzet::app {

struct CrawlSetup {
  config::Config config;
  keywords::Matcher matcher;
};

// Loads and validates the config file and compiles its rules; the error names file:line.
Result<CrawlSetup> LoadCrawlSetup(const std::string& path);

// The page budget from [settings] page_cpu_budget and page_memory_budget.
PageLimits LimitsOf(const config::Settings& settings);

// The evidence archive [evidence] describes (created when missing); nullptr when it is disabled.
Result<std::unique_ptr<storage::warc::EvidenceArchive>> OpenEvidenceArchive(
    const config::Config& config);

}  // namespace kuzet::app
