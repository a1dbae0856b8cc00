#include "crawler/frontier.h"

namespace kuzet::crawler {

const char* PageKindName(PageKind kind) {
  switch (kind) {
    case PageKind::kStart:
      return "start";
    case PageKind::kFeed:
      return "feed";
    case PageKind::kSitemap:
      return "sitemap";
    case PageKind::kLink:
      return "link";
    case PageKind::kRefetch:
      return "refetch";
  }
  return "link";
}

namespace {

int Priority(const CrawlTask& task) {
  if (task.kind == PageKind::kFeed || task.kind == PageKind::kSitemap) return 0;
  return 1 + task.depth;
}

}  // namespace

void Frontier::Push(CrawlTask task) {
  int priority = Priority(task);
  std::string host = task.host;
  queues_[host][priority].push_back(std::move(task));
  ++size_;
}

std::optional<CrawlTask> Frontier::PopReady(const std::function<bool(const std::string&)>& ready) {
  if (queues_.empty()) return std::nullopt;
  // Start after the host served last, wrapping around.
  auto start = queues_.upper_bound(last_host_);
  for (size_t visited = 0; visited < queues_.size(); ++visited, ++start) {
    if (start == queues_.end()) start = queues_.begin();
    if (!ready(start->first)) continue;
    auto& by_priority = start->second;
    auto first = by_priority.begin();
    CrawlTask task = std::move(first->second.front());
    first->second.pop_front();
    if (first->second.empty()) by_priority.erase(first);
    last_host_ = start->first;
    if (by_priority.empty()) queues_.erase(start);
    --size_;
    return task;
  }
  return std::nullopt;
}

std::vector<CrawlTask> Frontier::DropHost(const std::string& host) {
  std::vector<CrawlTask> dropped;
  auto it = queues_.find(host);
  if (it == queues_.end()) return dropped;
  for (auto& [priority, queue] : it->second) {
    for (CrawlTask& task : queue) dropped.push_back(std::move(task));
  }
  queues_.erase(it);
  size_ -= dropped.size();
  return dropped;
}

}  // namespace kuzet::crawler
