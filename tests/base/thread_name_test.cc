#include "base/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace kuzet {
namespace {

// The name a new thread has after naming itself `given`, as the thread reads it.
std::string NameAfterNaming(const std::string& given) {
  std::string kept;
  std::thread([&] {
    NameThisThread(given);
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    kept = name;
  }).join();
  return kept;
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
    EXPECT_EQ(NameAfterNaming(c.given), c.kept) << c.given;
  }
}

}  // namespace
}  // namespace kuzet
