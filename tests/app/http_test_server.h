// A fixture for the HTTP attack tests: the sample pages (http_test_store.h) in a fresh store,
// served by an in-process HttpServer on 127.0.0.1 and a free port.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "app/http_server.h"
#include "app/time_bound.h"
#include "base/time.h"
#include "tests/app/http_test_store.h"

namespace kuzet::testing {

class ServedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzet-http-attack-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = storage::Store::Open((dir_ / "data").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (const auto& page : SamplePages(base::NowMicros() - 3600LL * 1000000)) {
      ASSERT_TRUE((*store)->writer().PutPage(page).ok());
    }
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Options over this test's store on 127.0.0.1:0; change them, then Start.
  app::HttpServerOptions Options() const {
    app::HttpServerOptions options;
    options.data_dir = (dir_ / "data").string();
    options.listen = "127.0.0.1:0";
    return options;
  }
  void Start(const app::HttpServerOptions& options) {
    auto server = app::HttpServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
  }
  int port() const { return server_->port(); }

  std::filesystem::path dir_;
  std::unique_ptr<app::HttpServer> server_;
};

}  // namespace kuzet::testing
