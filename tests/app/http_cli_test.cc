// `kuzet serve` as a user runs it: a real process over a data dir, found through the address it
// prints, stopped by SIGTERM; and its refusal to open a non-loopback port without a token.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "tests/app/http_test_store.h"

extern char** environ;

namespace kuzet {
namespace {

namespace fs = std::filesystem;

// A child process with its stdout (and stderr) on a pipe.
struct Child {
  pid_t pid = 0;
  FILE* out = nullptr;
};

Child Spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Child child;
  if (posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) child.pid = 0;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  child.out = fdopen(fds[0], "r");
  return child;
}

int Wait(const Child& child) {
  int status = 0;
  waitpid(child.pid, &status, 0);
  if (child.out) fclose(child.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ServeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-serve-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto store = storage::Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    for (const auto& page : testing::SamplePages(now - 60LL * 1000000)) {
      ASSERT_TRUE((*store)->PutPage(page).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ServeCommandTest, ServesUntilSigterm) {
  Child serve =
      Spawn({KUZET_BINARY, "serve", "--data-dir", dir_.string(), "--listen", "127.0.0.1:0"});
  ASSERT_GT(serve.pid, 0);
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, serve.out), nullptr);
  int port = 0;
  ASSERT_EQ(std::sscanf(line, "listening on http://127.0.0.1:%d/", &port), 1) << line;

  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/mentions?rule=zhanaozen");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["mentions"].size(), 3u);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<title>Kuzet mentions</title>"), std::string::npos);

  kill(serve.pid, SIGTERM);
  EXPECT_EQ(Wait(serve), 0);
}

TEST_F(ServeCommandTest, RefusesAnOpenAddressWithoutAToken) {
  Child serve =
      Spawn({KUZET_BINARY, "serve", "--data-dir", dir_.string(), "--listen", "0.0.0.0:0"});
  ASSERT_GT(serve.pid, 0);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, serve.out)) > 0) out.append(buf, n);
  EXPECT_EQ(Wait(serve), 1);
  EXPECT_NE(out.find("without a bearer token"), std::string::npos) << out;
}

}  // namespace
}  // namespace kuzet
