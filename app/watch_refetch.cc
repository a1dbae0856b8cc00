#include "app/watch_refetch.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace kuzet::app {

std::vector<storage::DueWatch> TakeDueWatches(storage::Store& store,
                                              const std::vector<config::Site>& configured,
                                              int64_t now_us) {
  std::vector<storage::DueWatch> taken;
  auto watches = store.reader().DueWatches(now_us, kMaxRefetchesPerCrawl);
  if (!watches.ok()) {
    spdlog::error("edit watch: {}", watches.status().message());
    return taken;
  }
  for (storage::DueWatch& watch : *watches) {
    const bool site_configured =
        std::any_of(configured.begin(), configured.end(),
                    [&](const config::Site& s) { return s.id == watch.entry.site_id; });
    if (!site_configured) {
      storage::VersionInput end;  // no version, no next entry: the watch is over
      end.doc_id = watch.doc_id;
      end.due_us = watch.due_us;
      auto ended = store.writer().PutVersion(end);
      spdlog::warn("edit watch: {}: site {} is no longer configured: watch of document {} {}",
                   watch.entry.url, watch.entry.site_id, watch.doc_id,
                   ended.ok() ? "ended" : "not ended: " + ended.status().message());
      continue;
    }
    taken.push_back(std::move(watch));
  }
  return taken;
}

crawler::RefetchRequest RefetchRequestOf(storage::Store& store, const storage::DueWatch& watch,
                                         int64_t now_us) {
  crawler::RefetchRequest request{watch.entry.site_id, watch.entry.url, "", ""};
  request.last_attempt = now_us - watch.due_us >= kUnreachableRobotsRetryUs;
  if (auto known = store.reader().GetUrl(watch.entry.url); known.ok() && known->has_value()) {
    request.etag = (*known)->etag;
    request.last_modified = (*known)->last_modified;
  }
  return request;
}

}  // namespace kuzet::app
