// What this binary was built from, for kuzet_build_info in /metrics and `kuzet --version`: the
// project version (CMake's project(VERSION)), the git commit when it was built from a checkout,
// and the compiler.
#pragma once

#include <string>

namespace kuzet::app {

struct BuildInfo {
  std::string version;   // "0.1.0"
  std::string commit;    // abbreviated hash of HEAD; "" when built without git or a checkout
  std::string compiler;  // "gcc 12.2.0", "clang 16.0.6"
};

const BuildInfo& GetBuildInfo();

// What `kuzet --version` prints: "kuzet 0.1.0 (commit 1a2b3c4, gcc 12.2.0)", without the commit
// part when it is not known; the same fields as kuzet_build_info in /metrics.
std::string VersionLine(const BuildInfo& info);

}  // namespace kuzet::app
