// Waiting in tests for what can be observed, never for a fixed time (tests/README.md, "Waiting").
//
// A fixed sleep is either too short on a loaded 2-core CI machine or under a sanitizer (a flake)
// or too long everywhere else; polling the condition with a deadline is neither. The deadline
// only bounds a failing test.
#ifndef KUZET_TESTS_WAIT_UNTIL_H_
#define KUZET_TESTS_WAIT_UNTIL_H_

#include <chrono>
#include <functional>
#include <thread>

namespace kuzet {

// Polls `done` every `poll` until it holds or `timeout` has passed; whether it held.
inline bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                      std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(poll);  // the one sleep: between two looks at the condition
  }
  return done();
}

}  // namespace kuzet

#endif  // KUZET_TESTS_WAIT_UNTIL_H_
