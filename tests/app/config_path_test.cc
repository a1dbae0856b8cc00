// Which config a command reads without --config: $KUZET_CONFIG, else the system-wide file.
#include "app/config_path.h"

#include <gtest/gtest.h>

namespace kuzet::app {
namespace {

TEST(DefaultConfigPathTest, EnvironmentFirstThenSystemFile) {
  EXPECT_EQ(DefaultConfigPath("/home/monitor/kuzet.toml"), "/home/monitor/kuzet.toml");
  EXPECT_EQ(DefaultConfigPath(nullptr), SystemConfigPath());
  EXPECT_EQ(DefaultConfigPath(""), SystemConfigPath()) << "KUZET_CONFIG= (empty) is unset";
}

TEST(DefaultConfigPathTest, SystemFileIsUnderEtcByDefault) {
  // The build configures the install's sysconfdir; /etc unless the packager overrides it.
  EXPECT_EQ(SystemConfigPath().substr(SystemConfigPath().size() - 17), "/kuzet/kuzet.toml");
  EXPECT_EQ(SystemConfigPath().front(), '/');
}

}  // namespace
}  // namespace kuzet::app
