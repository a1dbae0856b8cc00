// How a command ends on an error: the message on stderr and its exit status (README: 1 for a
// failure, 2 for a usage error the command-line parser could not see, like an id naming nothing).
#pragma once

#include <iostream>
#include <string_view>

#include "base/status.h"

namespace kuzet::app {

inline int Fail(std::string_view message) {
  std::cerr << message << "\n";
  return 1;
}

inline int Fail(const Status& status) { return Fail(status.message()); }

inline int UsageFail(std::string_view message) {
  std::cerr << "kuzet: " << message << "\n";
  return 2;
}

}  // namespace kuzet::app
