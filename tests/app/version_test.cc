// `kuzet --version` prints what the binary was built from (app/build_info.h), the same fields
// as kuzet_build_info in /metrics, with the version CMake's project() declares.
#include <gtest/gtest.h>

#include <string>

#include "app/build_info.h"
#include "tests/app/run_command.h"

namespace kuzet::app {
namespace {

TEST(VersionTest, VersionFlagPrintsTheBuildInfo) {
  kuzet::testing::CommandResult r = kuzet::testing::RunKuzet("--version");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const BuildInfo& info = GetBuildInfo();
  EXPECT_EQ(info.version, KUZET_PROJECT_VERSION);
  EXPECT_EQ(r.out, VersionLine(info) + "\n");
  EXPECT_EQ(r.out.rfind(std::string("kuzet ") + KUZET_PROJECT_VERSION + " (", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(info.compiler + ")"), std::string::npos) << r.out;
  if (!info.commit.empty()) {
    EXPECT_NE(r.out.find("commit " + info.commit), std::string::npos) << r.out;
  }
}

TEST(VersionTest, VersionLineLeavesOutAnUnknownCommit) {
  struct Case {
    BuildInfo info;
    std::string line;
  };
  for (const Case& c :
       {Case{{"0.1.0", "1a2b3c4", "gcc 12.2.0"}, "kuzet 0.1.0 (commit 1a2b3c4, gcc 12.2.0)"},
        Case{{"0.2.0", "", "clang 16.0.6"}, "kuzet 0.2.0 (clang 16.0.6)"}}) {
    EXPECT_EQ(VersionLine(c.info), c.line);
  }
}

}  // namespace
}  // namespace kuzet::app
