#include "app/round_summary.h"

#include <spdlog/spdlog.h>

namespace kuzet::app {

namespace {

const SiteCounters& CountersOf(const std::map<std::string, SiteCounters>& counters,
                               const std::string& site_id) {
  static const SiteCounters kNone{};
  auto it = counters.find(site_id);
  return it == counters.end() ? kNone : it->second;
}

// "a (2 mentions, 5 new), b (1 new) and 3 more"
std::string NameList(const std::vector<std::string>& items) {
  std::string list;
  for (size_t i = 0; i < items.size() && i < kRoundSummaryNamedSites; ++i) {
    list += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > kRoundSummaryNamedSites) {
    list += " and " + std::to_string(items.size() - kRoundSummaryNamedSites) + " more";
  }
  return list;
}

std::string Bytes(int64_t bytes) {
  char buf[32];
  if (bytes < 1000) return std::to_string(bytes) + " B";
  if (bytes < 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return buf;
}

}  // namespace

std::string FormatSiteRound(const std::string& site_id, const SiteCounters& c) {
  return "site " + site_id + ": " + std::to_string(c.pages) + " pages, " +
         std::to_string(c.new_documents) + " new, " + std::to_string(c.unchanged) + " unchanged, " +
         std::to_string(c.new_mentions) + " new mentions, " + std::to_string(c.errors) +
         " errors (" + std::to_string(c.over_budget) + " over budget)";
}

std::string FormatRoundSummary(const std::vector<config::Site>& due,
                               const std::map<std::string, SiteCounters>& counters,
                               const crawler::CrawlStats& stats) {
  SiteCounters total;
  std::vector<std::string> news, errors;
  for (const config::Site& site : due) {
    const SiteCounters& c = CountersOf(counters, site.id);
    total.pages += c.pages;
    total.new_documents += c.new_documents;
    total.unchanged += c.unchanged;
    total.new_mentions += c.new_mentions;
    total.errors += c.errors;
    if (c.new_mentions > 0 || c.new_documents > 0) {
      std::string what;
      if (c.new_mentions > 0) {
        what = std::to_string(c.new_mentions) + (c.new_mentions == 1 ? " mention" : " mentions");
      }
      if (c.new_documents > 0) {
        what += (what.empty() ? "" : ", ") + std::to_string(c.new_documents) + " new";
      }
      news.push_back(site.id + " (" + what + ")");
    }
    if (c.errors > 0) errors.push_back(site.id + " (" + std::to_string(c.errors) + ")");
  }
  std::string line =
      "crawl of " + std::to_string(due.size()) + " site(s): " + std::to_string(total.pages) +
      " pages, " + std::to_string(total.new_documents) + " new, " +
      std::to_string(total.unchanged) + " unchanged, " + std::to_string(total.new_mentions) +
      " new mention(s), " + std::to_string(total.errors) + " error(s), " +
      std::to_string(stats.feeds_fetched) + " feeds (" + std::to_string(stats.not_modified) +
      " not modified), " + Bytes(stats.bytes);
  if (stats.resumed > 0) line += ", " + std::to_string(stats.resumed) + " resumed";
  if (news.empty() && errors.empty()) line += "; nothing new";
  if (!news.empty()) line += "; news: " + NameList(news);
  if (!errors.empty()) line += "; errors: " + NameList(errors);
  if (stats.stopped) line += "; stopped, the rest stays queued";
  return line;
}

void LogRound(const std::vector<config::Site>& due,
              const std::map<std::string, SiteCounters>& counters,
              const crawler::CrawlStats& stats) {
  if (spdlog::should_log(spdlog::level::debug)) {
    for (const config::Site& site : due) {
      spdlog::debug("{}", FormatSiteRound(site.id, CountersOf(counters, site.id)));
    }
  }
  spdlog::info("{}", FormatRoundSummary(due, counters, stats));
}

}  // namespace kuzet::app
