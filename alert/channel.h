// A delivery channel: one configured way to get alerts to a monitor. The delivery worker holds a
// list of channels (per rule, since recipients are per rule) and calls Deliver for each pending
// outbox entry, retrying when IsRetryable says so.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alert/alert.h"
#include "alert/mime.h"
#include "alert/smtp_sender.h"
#include "alert/webhook_sender.h"
#include "base/status.h"

namespace kuzet::alert {

class AlertChannel {
 public:
  virtual ~AlertChannel() = default;
  // For logs: "email smtp://host:port", "hook /path/prog", "webhook https://host:443". No secrets.
  virtual const std::string& name() const = 0;
  // What the outbox records this channel's delivery state under: "email", "hook" or "webhook".
  // Stable across restarts and config edits (a new server or port is still the same channel), so
  // a channel that already accepted an alert is never sent it again.
  virtual std::string_view key() const = 0;
  // Delivers one article with every rule it matched as one message (e-mail:
  // BuildArticleMessage + SmtpSender; hook and webhook: ArticleToJson). `article.alerts` is not
  // empty.
  virtual Status DeliverArticle(const Article& article) const = 0;
  // An article of one rule.
  Status Deliver(const Alert& alert) const { return DeliverArticle(Article{{alert}}); }
  // Delivers several alerts as one message (BuildDigestMessage / DigestToJson).
  virtual Status DeliverDigest(const Digest& digest) const = 0;
  // The addresses an e-mail channel writes to; empty for other channels.
  virtual std::vector<std::string> recipients() const { return {}; }
};

// `key` is what the outbox records this channel under: "email", or "email:{address}" when the
// config splits its recipients over several e-mail channels (app/alert_delivery.h).
std::unique_ptr<AlertChannel> MakeEmailChannel(MailSettings mail, SmtpSettings smtp,
                                               std::string key = "email");
std::unique_ptr<AlertChannel> MakeCommandChannel(std::vector<std::string> argv,
                                                 std::chrono::seconds timeout,
                                                 std::vector<std::string> hidden_env = {});
std::unique_ptr<AlertChannel> MakeWebhookChannel(std::string url, WebhookSettings settings = {});

// True for failures worth retrying later (kNetwork, kUnavailable, kIOError); false for OK and for
// errors that need a config change (kInvalidArgument and the rest).
bool IsRetryable(const Status& status);

}  // namespace kuzet::alert
