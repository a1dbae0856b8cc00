#include "extractor/page_budget.h"

#include <time.h>

#include <algorithm>

namespace kuzet::extractor {

PageBudget::PageBudget(std::chrono::nanoseconds cpu, size_t memory_bytes,
                       const std::atomic<bool>* cancel)
    : cpu_limit_ns_(cpu.count()),
      memory_bytes_(memory_bytes),
      cancel_(cancel),
      started_ns_(ThreadCpuNanos()) {}

int64_t PageBudget::ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::chrono::nanoseconds PageBudget::cpu_used() const {
  return std::chrono::nanoseconds(ThreadCpuNanos() - started_ns_);
}

bool PageBudget::Check() {
  if (exceeded_ != Exceeded::kNone) return false;
  if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
    exceeded_ = Exceeded::kCancelled;
  } else if (cpu_limit_ns_ != std::chrono::nanoseconds::max().count() &&
             ThreadCpuNanos() - started_ns_ > cpu_limit_ns_) {
    exceeded_ = Exceeded::kCpu;
  }
  return exceeded_ == Exceeded::kNone;
}

bool PageBudget::AllowsParse(size_t bytes) {
  if (bytes <= memory_bytes_) return true;
  refused_bytes_ = bytes;
  if (exceeded_ == Exceeded::kNone) exceeded_ = Exceeded::kMemory;
  return false;
}

std::string PageBudget::Describe() const {
  auto mib = [](size_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; };
  switch (exceeded_) {
    case Exceeded::kNone:
      return "within budget";
    case Exceeded::kCpu:
      return "over the CPU budget of " + std::to_string(cpu_limit_ns_ / 1000000) + " ms (used " +
             std::to_string(cpu_used().count() / 1000000) + " ms)";
    case Exceeded::kMemory:
      return "over the memory budget of " + mib(memory_bytes_) + " (the parse would need about " +
             mib(refused_bytes_) + ")";
    case Exceeded::kCancelled:
      return "cancelled (shutting down)";
  }
  return "";
}

}  // namespace kuzet::extractor
