// A fixed set of threads running jobs from a bounded queue, for the crawl's per-page compute
// (parse, extract, match) beside its event loop.
//
// Submit never blocks: the caller bounds the queue (the crawler stops starting fetches while
// Outstanding() is at its limit: back-pressure). The destructor drops the jobs not started and
// joins the threads after their current job; jobs that may run long should watch a cancel flag.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace kuzet::crawler {

class WorkerPool {
 public:
  // threads >= 1, each named `name` (base/thread_name.h).
  WorkerPool(int threads, std::string_view name);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> job);
  // Jobs submitted and not finished (queued or running).
  size_t Outstanding() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kuzet::crawler
