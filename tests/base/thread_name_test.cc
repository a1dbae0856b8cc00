#include "base/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace kuzet {
namespace {

std::string NameOf(std::thread& thread) {
  char name[16] = {};
  pthread_getname_np(thread.native_handle(), name, sizeof name);
  return name;
}

TEST(NameThisThreadTest, NamesTheCallingThreadKeepingFifteenBytes) {
  const struct {
    std::string given, kept;
  } cases[] = {
      {"kuzet-writer", "kuzet-writer"},
      {"kuzet-analyze", "kuzet-analyze"},
      {"fifteen-bytes-x", "fifteen-bytes-x"},
      {"sixteen-bytes-xy", "sixteen-bytes-x"},  // the kernel's TASK_COMM_LEN
      {"a much longer thread name", "a much longer t"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.given);
    bool named = false;
    std::mutex mutex;
    std::condition_variable changed;
    bool read = false;
    std::thread thread([&] {
      NameThisThread(c.given);
      std::unique_lock<std::mutex> lock(mutex);
      named = true;
      changed.notify_all();
      changed.wait(lock, [&] { return read; });
    });
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return named; });
    }
    EXPECT_EQ(NameOf(thread), c.kept);
    {
      std::lock_guard<std::mutex> lock(mutex);
      read = true;
    }
    changed.notify_all();
    thread.join();
  }
}

}  // namespace
}  // namespace kuzet
