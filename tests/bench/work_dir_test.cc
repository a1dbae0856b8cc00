// ClaimWorkDir deletes only what a benchmark made: each case builds a directory tree, claims a
// path in it and checks what is left.
#include "bench/work_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "tests/scratch_dir.h"

namespace kuzet::bench {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text = "x") {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

bool OnlyMarker(const fs::path& dir) {
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++entries;
    if (entry.path().filename() != kWorkDirMarker || !entry.is_regular_file()) return false;
  }
  return entries == 1;
}

struct Case {
  const char* what;
  std::function<void(const fs::path& root)> make;  // builds root/"work" (or not)
  bool claimed;                                    // ClaimWorkDir succeeds
  const char* survivor;  // a file under root that must still exist afterwards ("": none)
};

TEST(WorkDirTest, ClaimsOnlyNewEmptyOrMarkedDirectories) {
  const Case cases[] = {
      {"absent", [](const fs::path&) {}, true, ""},
      {"empty directory", [](const fs::path& root) { fs::create_directories(root / "work"); }, true,
       ""},
      {"a marked directory with files and folders",
       [](const fs::path& root) {
         WriteFile(root / "work" / kWorkDirMarker);
         WriteFile(root / "work" / "store" / "CURRENT");
         WriteFile(root / "work" / "fts5.db");
       },
       true, ""},
      {"a directory of someone's files (no marker)",
       [](const fs::path& root) { WriteFile(root / "work" / "corpus" / "ground-truth.json"); },
       false, "work/corpus/ground-truth.json"},
      {"a regular file", [](const fs::path& root) { WriteFile(root / "work"); }, false, "work"},
      {"a link to a marked directory",
       [](const fs::path& root) {
         WriteFile(root / "elsewhere" / kWorkDirMarker);
         WriteFile(root / "elsewhere" / "keep");
         fs::create_directory_symlink(root / "elsewhere", root / "work");
       },
       false, "elsewhere/keep"},
      {"a marker that is a link",
       [](const fs::path& root) {
         WriteFile(root / "file");
         WriteFile(root / "work" / "keep");
         fs::create_symlink(root / "file", root / "work" / kWorkDirMarker);
       },
       false, "work/keep"},
      {"a marker that is a directory",
       [](const fs::path& root) {
         fs::create_directories(root / "work" / kWorkDirMarker);
         WriteFile(root / "work" / "keep");
       },
       false, "work/keep"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    testing::ScratchDir scratch("kuzet-work-dir");
    c.make(scratch.path());
    const fs::path work = scratch.path() / "work";
    const Status status = ClaimWorkDir(work);
    EXPECT_EQ(status.ok(), c.claimed) << status.ToString();
    if (c.claimed) {
      EXPECT_TRUE(OnlyMarker(work));
      EXPECT_TRUE(CheckWorkDir(work).ok());
    } else {
      EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
      EXPECT_NE(status.message().find(work.string()), std::string::npos) << "names the path";
    }
    if (*c.survivor != '\0') {
      EXPECT_TRUE(fs::exists(scratch.path() / c.survivor));
    }
  }
}

TEST(WorkDirTest, CheckNeedsTheMarkerAndDeletesNothing) {
  testing::ScratchDir scratch("kuzet-work-dir");
  const fs::path work = scratch.path() / "work";
  EXPECT_FALSE(CheckWorkDir(work).ok()) << "absent";
  WriteFile(work / "store");
  EXPECT_FALSE(CheckWorkDir(work).ok()) << "no marker";
  WriteFile(work / kWorkDirMarker);
  EXPECT_TRUE(CheckWorkDir(work).ok());
  EXPECT_TRUE(fs::exists(work / "store"));
}

}  // namespace
}  // namespace kuzet::bench
