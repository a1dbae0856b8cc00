#include "base/status.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet {
namespace {

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  struct Case {
    Status status;
    Status::Code code;
    std::string text;
  };
  const Case cases[] = {
      {Status::Ok(), Status::Code::kOk, "OK"},
      {Status::InvalidArgument("bad"), Status::Code::kInvalidArgument, "bad"},
      {Status::NotFound("nf"), Status::Code::kNotFound, "nf"},
      {Status::IOError("io"), Status::Code::kIOError, "io"},
      {Status::Corruption("c"), Status::Code::kCorruption, "c"},
      {Status::Unavailable("u"), Status::Code::kUnavailable, "u"},
      {Status::Network("n"), Status::Code::kNetwork, "n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.text;
    EXPECT_EQ(c.status.ok(), c.code == Status::Code::kOk) << c.text;
    EXPECT_EQ(c.status.ToString(), c.text);
  }
}

TEST(ResultTest, HoldsAValueOrTheStatusExplainingWhyNot) {
  Result<std::string> value = std::string("kuzet");
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value.status().ok());
  EXPECT_EQ(*value, "kuzet");
  EXPECT_EQ(value->size(), 5u);
  EXPECT_EQ(std::move(value).value(), "kuzet");

  Result<std::string> error = Status::NotFound("no such site");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(error.status().message(), "no such site");
}

}  // namespace
}  // namespace kuzet
