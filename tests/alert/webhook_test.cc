// WebhookSender against a cpp-httplib server the test starts on 127.0.0.1.
#include "alert/webhook_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>
#include <vector>

#include "alert/alert_json.h"
#include "alert/channel.h"
#include "tests/wait_until.h"

namespace kuzet::alert {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/hooks/secret-token-123",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard lock(mu_);
                   body_ = req.body;
                   content_type_ = req.get_header_value("Content-Type");
                   idempotency_keys_.push_back(req.get_header_value("Idempotency-Key"));
                   ++posts_;
                   res.status = 204;
                 });
    server_.Post("/fail/secret-token-123", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("database is down", "text/plain");
    });
    server_.Post("/gone",
                 [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    server_.Post("/redirect", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hooks/secret-token-123", 307);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitUntil([this] { return server_.is_running(); }, std::chrono::seconds(5),
              std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::string body_, content_type_;
  std::vector<std::string> idempotency_keys_;  // "" when the POST had none
  int posts_ = 0;
};

Alert SampleAlert() {
  Alert a;
  a.id = "42";
  a.rule_id = "zhanaozen";
  a.title = "Жанаозен: годовщина";
  a.url = "https://example.kz/a";
  return a;
}

TEST_F(WebhookTest, PostsTheJsonAsApplicationJson) {
  const std::string json = AlertToJson(SampleAlert());
  const Status s = WebhookSender().Send(Url("/hooks/secret-token-123"), json);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::lock_guard lock(mu_);
  EXPECT_EQ(posts_, 1);
  EXPECT_EQ(body_, json);
  EXPECT_EQ(content_type_, "application/json");
}

TEST_F(WebhookTest, ServerErrorIsTransientAndHidesThePath) {
  const Status s = WebhookSender().Send(Url("/fail/secret-token-123"), "{}");
  EXPECT_EQ(s.code(), Status::Code::kNetwork);
  EXPECT_THAT(s.message(), HasSubstr("HTTP 500"));
  EXPECT_THAT(s.message(), HasSubstr("database is down"));
  EXPECT_THAT(s.message(), HasSubstr("http://127.0.0.1:" + std::to_string(port_)));
  EXPECT_THAT(s.message(), Not(HasSubstr("secret-token")));
}

TEST_F(WebhookTest, ClientErrorIsPermanentAndRedirectsAreNotFollowed) {
  EXPECT_EQ(WebhookSender().Send(Url("/gone"), "{}").code(), Status::Code::kInvalidArgument);
  const Status s = WebhookSender().Send(Url("/redirect"), "{}");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("HTTP 307"));
  std::lock_guard lock(mu_);
  EXPECT_EQ(posts_, 0);
}

TEST_F(WebhookTest, UnreachableOrBadUrl) {
  const std::string url = Url("/hooks/x");
  server_.stop();
  thread_.join();
  EXPECT_EQ(WebhookSender().Send(url, "{}").code(), Status::Code::kNetwork);
  EXPECT_EQ(WebhookSender().Send("ftp://127.0.0.1/x", "{}").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(WebhookSender().Send("not a url", "{}").code(), Status::Code::kInvalidArgument);
}

TEST_F(WebhookTest, WebhookChannelPostsAlertJsonAndHidesTheToken) {
  const auto channel = MakeWebhookChannel(Url("/hooks/secret-token-123"));
  EXPECT_EQ(channel->name(), "webhook http://127.0.0.1:" + std::to_string(port_));
  ASSERT_TRUE(channel->Deliver(SampleAlert()).ok());
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(body_, AlertToJson(SampleAlert()));
  }
  const Digest digest{"d1", {SampleAlert()}};
  ASSERT_TRUE(channel->DeliverDigest(digest).ok());
  std::lock_guard lock(mu_);
  EXPECT_EQ(body_, DigestToJson(digest));
  EXPECT_EQ(posts_, 2);
}

// A resend after a crash carries the same key as the first send (kuzet.{id}, as in the
// Message-ID), so the receiver can drop it; distinct ids never share a key.
TEST_F(WebhookTest, IdempotencyKeyFollowsTheAlertIdAndIsTheSameOnAResend) {
  const auto channel = MakeWebhookChannel(Url("/hooks/secret-token-123"));
  Alert odd = SampleAlert();
  odd.id = "7 \"x\"=";
  const Digest digest{"zhanaozen.42", {SampleAlert()}};
  ASSERT_TRUE(channel->Deliver(SampleAlert()).ok());
  ASSERT_TRUE(channel->Deliver(SampleAlert()).ok());
  ASSERT_TRUE(channel->Deliver(odd).ok());
  ASSERT_TRUE(channel->DeliverDigest(digest).ok());
  ASSERT_TRUE(WebhookSender().Send(Url("/hooks/secret-token-123"), "{}").ok());
  EXPECT_EQ(WebhookSender().Send(Url("/hooks/secret-token-123"), "{}", "a\"b").code(),
            Status::Code::kInvalidArgument);
  std::lock_guard lock(mu_);
  EXPECT_EQ(idempotency_keys_,
            (std::vector<std::string>{"\"kuzet.42\"", "\"kuzet.42\"", "\"kuzet.7=20=22x=22=3D\"",
                                      "\"kuzet.digest.zhanaozen.42\"", ""}));
}

}  // namespace
}  // namespace kuzet::alert
