// A word for a POSIX shell command line (the tests run `kuzet` and node through /bin/sh).
#ifndef KUZET_TESTS_SHELL_QUOTE_H_
#define KUZET_TESTS_SHELL_QUOTE_H_

#include <string>

namespace kuzet::testing {

// `text` in single quotes, each ' in it written '\'' (POSIX shell, 2.2.3): the shell passes it on
// as one argument, byte for byte, whatever it holds.
inline std::string ShellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace kuzet::testing

#endif  // KUZET_TESTS_SHELL_QUOTE_H_
