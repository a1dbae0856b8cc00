#include "alert/channel.h"

#include <string>
#include <string_view>

#include "alert/alert_json.h"
#include "alert/command_hook.h"
#include "alert/untrusted_text.h"
#include "base/hex.h"

namespace kuzet::alert {
namespace {

// An id as idempotency-key text: [A-Za-z0-9._-] as is, any other byte as =XX (hex), so distinct
// ids stay distinct and the key is always printable ASCII.
std::string KeySafe(std::string_view id) {
  std::string out;
  for (unsigned char ch : id) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '.' || ch == '_' || ch == '-') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += '=';
      base::AppendHexByte(ch, out, base::HexCase::kUpper);
    }
  }
  return out;
}

class EmailChannel final : public AlertChannel {
 public:
  EmailChannel(MailSettings mail, SmtpSettings smtp, std::string key)
      : mail_(std::move(mail)),
        sender_(std::move(smtp)),
        name_("email " + sender_.server()),
        key_(std::move(key)) {}
  const std::string& name() const override { return name_; }
  std::string_view key() const override { return key_; }
  std::vector<std::string> recipients() const override { return mail_.to; }
  Status DeliverArticle(const Article& article) const override {
    Result<std::string> message = BuildArticleMessage(article, mail_);
    return message.ok() ? sender_.Send(message.value(), mail_.to) : message.status();
  }
  Status DeliverDigest(const Digest& digest) const override {
    Result<std::string> message = BuildDigestMessage(digest, mail_);
    return message.ok() ? sender_.Send(message.value(), mail_.to) : message.status();
  }

 private:
  MailSettings mail_;
  SmtpSender sender_;
  std::string name_;
  std::string key_;
};

class CommandChannel final : public AlertChannel {
 public:
  CommandChannel(std::vector<std::string> argv, std::chrono::seconds timeout,
                 std::vector<std::string> hidden_env)
      : name_("hook " + (argv.empty() ? std::string() : HeaderSafeText(argv[0], 200))),
        hook_(std::move(argv), timeout, std::move(hidden_env)) {}
  const std::string& name() const override { return name_; }
  std::string_view key() const override { return "hook"; }
  Status DeliverArticle(const Article& article) const override {
    return hook_.Send(ArticleToJson(article));
  }
  Status DeliverDigest(const Digest& digest) const override {
    return hook_.Send(DigestToJson(digest));
  }

 private:
  std::string name_;
  CommandHook hook_;
};

class WebhookChannel final : public AlertChannel {
 public:
  WebhookChannel(std::string url, WebhookSettings settings)
      : url_(std::move(url)),
        sender_(std::move(settings)),
        name_("webhook " + WebhookOrigin(url_)) {}
  const std::string& name() const override { return name_; }
  std::string_view key() const override { return "webhook"; }
  // The idempotency key follows the Message-ID (mime.h): kuzet.{id} or kuzet.digest.{id}.
  Status DeliverArticle(const Article& article) const override {
    if (article.alerts.empty()) return Status::InvalidArgument("article has no alerts");
    return sender_.Send(url_, ArticleToJson(article), "kuzet." + KeySafe(article.alerts[0].id));
  }
  Status DeliverDigest(const Digest& digest) const override {
    return sender_.Send(url_, DigestToJson(digest), "kuzet.digest." + KeySafe(digest.id));
  }

 private:
  std::string url_;
  WebhookSender sender_;
  std::string name_;
};

}  // namespace

std::unique_ptr<AlertChannel> MakeEmailChannel(MailSettings mail, SmtpSettings smtp,
                                               std::string key) {
  return std::make_unique<EmailChannel>(std::move(mail), std::move(smtp), std::move(key));
}

std::unique_ptr<AlertChannel> MakeCommandChannel(std::vector<std::string> argv,
                                                 std::chrono::seconds timeout,
                                                 std::vector<std::string> hidden_env) {
  return std::make_unique<CommandChannel>(std::move(argv), timeout, std::move(hidden_env));
}

std::unique_ptr<AlertChannel> MakeWebhookChannel(std::string url, WebhookSettings settings) {
  return std::make_unique<WebhookChannel>(std::move(url), std::move(settings));
}

bool IsRetryable(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNetwork:
    case Status::Code::kUnavailable:
    case Status::Code::kIOError:
      return true;
    default:
      return false;
  }
}

}  // namespace kuzet::alert
