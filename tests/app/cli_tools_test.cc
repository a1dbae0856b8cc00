// The one-shot tools a monitor uses before deploying a rule: `kuzet match` and `kuzet extract`.
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;

using Output = testing::CommandResult;
const auto& Kuzet = testing::RunKuzet;

class CliToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kuzet-cli-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CliToolsTest, MatchWithAnInlineTermFindsEveryScriptAndInflectionAsJson) {
  Output r = Kuzet(
      "match --term Zhanaozen --format json --text "
      "'Забастовка в Жанаозене. Жаңаөзендегі оқиға. Zhanaozen'\"'\"'s workers. "
      "Жанаозенмунайгаз не в счёт.'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto matches = nlohmann::json::parse(r.out);
  ASSERT_EQ(matches.size(), 3u) << r.out;
  EXPECT_EQ(matches[0]["surface"], "Жанаозене");
  EXPECT_EQ(matches[1]["surface"], "Жаңаөзендегі");
  EXPECT_EQ(matches[2]["surface"], "Zhanaozen's");
  for (const auto& m : matches) {
    EXPECT_EQ(m["rule"], "term");
    std::string snippet = m["snippet"];
    size_t begin = m["snippet_mark"][0], end = m["snippet_mark"][1];
    EXPECT_EQ(snippet.substr(begin, end - begin), m["surface"]);
  }
}

TEST_F(CliToolsTest, MatchUsesTheConfigsRulesAndExitsOneWhenNothingMatches) {
  fs::path config = dir_ / "rules.toml";
  std::ofstream(config) << "[[rules]]\nid = \"kmg\"\nterms = [\"KazMunaiGas\"]\n"
                           "[[rules]]\nid = \"strike\"\nterms = [\"strike\"]\n";
  Output r = Kuzet("match --config " + config.string() +
                   " --rule kmg --text 'Workers of ҚазМұнайГаз are on strike.'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("kmg  KazMunaiGas  \"ҚазМұнайГаз\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("strike  "), std::string::npos) << "--rule must select one rule";
  EXPECT_EQ(Kuzet("match --config " + config.string() + " --text 'Nothing here.'").exit_code, 1);
  Output bad = Kuzet("match --term '/(unclosed/' --text x 2>&1");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("--term"), std::string::npos) << bad.out;
}

// Usage errors exit 2 (kuzet(1), EXIT STATUS), never the parser's own 100-120 codes, which a
// script would read as the command's failure; --help and --version exit 0.
TEST_F(CliToolsTest, UsageErrorsExitTwoAndHelpExitsZero) {
  struct Case {
    std::string args;
    int exit_code;
  };
  for (const Case& c : std::vector<Case>{{"mentions --bogus", 2},
                                         {"no-such-command", 2},
                                         {"", 2},
                                         {"mentions --limit 0", 2},
                                         {"mentions --format xml", 2},
                                         {"--help", 0},
                                         {"mentions --help", 0},
                                         {"--version", 0}}) {
    Output r = Kuzet(c.args + " 2>&1");
    EXPECT_EQ(r.exit_code, c.exit_code) << "kuzet " << c.args << "\n" << r.out;
  }
}

TEST_F(CliToolsTest, ExtractReadsGzipFilesAndPrintsOneJsonObjectPerInput) {
  std::string page =
      "<html><head><meta charset=\"windows-1251\"><title>Strike news</title></head><body>"
      "<nav><a href=\"/\">Home</a></nav><article><h1>Strike news</h1><p>Oil workers in "
      "Zhanaozen (Жаңаөзен) went on strike on Monday, demanding higher wages and safer conditions "
      "at the "
      "oilfields, their union said in a statement.</p></article>"
      "<a href=\"/next.html\">Next</a></body></html>";
  fs::path plain = dir_ / "page.html";
  std::ofstream(plain) << page;
  fs::path gz = dir_ / "page.html.gz";
  gzFile out = gzopen(gz.c_str(), "wb");
  gzwrite(out, page.data(), static_cast<unsigned>(page.size()));
  gzclose(out);

  Output r = Kuzet("extract --format json --base-url http://news.test/a/ " + plain.string() + " " +
                   gz.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  size_t newline = r.out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  auto first = nlohmann::json::parse(r.out.substr(0, newline));
  auto second = nlohmann::json::parse(r.out.substr(newline + 1));
  EXPECT_EQ(first["title"], "Strike news");
  EXPECT_NE(first["text"].get<std::string>().find("Oil workers in Zhanaozen"), std::string::npos);
  EXPECT_EQ(first["text"].get<std::string>().find("Home"), std::string::npos);
  EXPECT_EQ(first["lang"], "en");
  // Bytes that are valid UTF-8 are UTF-8 whatever the meta says.
  EXPECT_EQ(first["charset"], "UTF-8");
  first.erase("input");
  second.erase("input");
  EXPECT_EQ(first, second) << "a .gz file must extract exactly like the plain file";

  Output missing = Kuzet("extract " + (dir_ / "nope.html").string() + " 2>&1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("nope.html"), std::string::npos) << missing.out;
}

// The store's memory is on transparent huge pages (storage/README.md, "Memory"): the binary
// allocates through jemalloc with thp:always, which the benchmark's ingest rate relies on.
TEST(KuzetBinaryTest, AllocatesThroughJemallocOnTransparentHugePages) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)  // KUZET_SANITIZE (GCC's macros)
  GTEST_SKIP() << "in a sanitizer build the sanitizer's allocator replaces jemalloc";
#endif
  Output r = testing::RunShell("MALLOC_CONF=stats_print:true " KUZET_BINARY " --help 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("opt.thp: \"always\""), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("opt.metadata_thp: \"always\""), std::string::npos);
  // Freed memory is kept 5 minutes before it goes back to the kernel (which splits huge pages).
  EXPECT_NE(r.out.find("opt.dirty_decay_ms: 300000"), std::string::npos);
}

}  // namespace
}  // namespace kuzet
