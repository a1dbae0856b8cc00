#include "base/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace kuzet {

void NameThisThread(std::string_view name) {
  std::array<char, 16> buffer{};  // TASK_COMM_LEN: 15 bytes and the terminating NUL
  const size_t n = std::min(name.size(), buffer.size() - 1);
  std::copy_n(name.data(), n, buffer.data());
  pthread_setname_np(pthread_self(), buffer.data());
}

}  // namespace kuzet
