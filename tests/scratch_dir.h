// A fresh directory for one test: under the system temp dir, named for this process and the
// running test (so parallel ctest runs and repeated tests never share one), removed with
// everything in it when the ScratchDir goes.
#ifndef KUZET_TESTS_SCRATCH_DIR_H_
#define KUZET_TESTS_SCRATCH_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace kuzet::testing {

class ScratchDir {
 public:
  // `prefix` names the test file, e.g. "kuzet-e2e"; made within a test or its fixture.
  explicit ScratchDir(std::string_view prefix)
      : path_(std::filesystem::temp_directory_path() /
              (std::string(prefix) + "-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);  // a leftover of a killed run
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;  // a test that failed half-way may leave it in any state
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kuzet::testing

#endif  // KUZET_TESTS_SCRATCH_DIR_H_
