// The budget of one document: CPU time of the thread working on it and memory of its parse.
//
// A crafted page must not hold a worker (and so the crawl) for long: extraction and matching
// check the budget cooperatively between their stages, and the parse is refused up front when
// Gumbo's arena would outgrow the memory budget (an allocation inside Gumbo cannot fail, so the
// input is bounded instead, from the estimate of nesting_cap.h). The CPU clock is the calling
// thread's (CLOCK_THREAD_CPUTIME_ID): time other threads take on a busy machine does not count.
// A cancel flag (shutdown) ends the work as an exhausted budget would.
//
// One PageBudget per document, used from the thread that created it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace kuzet::extractor {

class PageBudget {
 public:
  enum class Exceeded { kNone, kCpu, kMemory, kCancelled };

  // Unlimited.
  PageBudget() : PageBudget(std::chrono::nanoseconds::max(), SIZE_MAX) {}
  // Starts counting the calling thread's CPU time now. cancel may be nullptr.
  PageBudget(std::chrono::nanoseconds cpu, size_t memory_bytes,
             const std::atomic<bool>* cancel = nullptr);

  // Whether work on the document may go on: false once the thread has used more than the CPU
  // budget since construction or the cancel flag is set (and from then on).
  bool Check();
  // Whether a parse needing `bytes` fits the memory budget; false records kMemory.
  bool AllowsParse(size_t bytes);

  Exceeded exceeded() const { return exceeded_; }
  size_t memory_bytes() const { return memory_bytes_; }
  // "CPU budget of 2 s", "memory budget of 256 MiB (the parse would need ~300 MiB)", ...
  std::string Describe() const;
  std::chrono::nanoseconds cpu_used() const;

 private:
  static int64_t ThreadCpuNanos();

  int64_t cpu_limit_ns_;
  size_t memory_bytes_;
  const std::atomic<bool>* cancel_;
  int64_t started_ns_;
  size_t refused_bytes_ = 0;
  Exceeded exceeded_ = Exceeded::kNone;
};

}  // namespace kuzet::extractor
