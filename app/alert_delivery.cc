#include "app/alert_delivery.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "alert/channel.h"
#include "alert/mime.h"
#include "alert/smtp_sender.h"
#include "alert/title_snippet.h"
#include "app/pipeline.h"
#include "app/rules.h"
#include "app/watch_alert.h"
#include "base/thread_name.h"
#include "storage/alert_entry.h"

namespace kuzet::app {

// Hit offsets are into MatchableText(title, text) (app/pipeline.h).
std::optional<alert::MarkedSentence> BodySentence(const storage::Mention& mention,
                                                  const storage::Document& document) {
  if (document.text.empty()) return std::nullopt;  // dropped by retention
  const std::string matched = MatchableText(document.title, document.text);
  const size_t body_begin =
      matched == document.text
          ? (document.text.starts_with(document.title) ? document.title.size() : 0)
          : document.title.size() + 2;
  for (const storage::MatchHit& hit : mention.hits) {
    if (hit.begin < body_begin || hit.begin >= hit.end || hit.end > matched.size()) continue;
    return alert::SentenceAround(matched, hit.begin, hit.end);
  }
  return std::nullopt;
}

alert::Alert AlertFromMention(const storage::Mention& mention, const config::Config& config,
                              const std::vector<std::string>& other_urls,
                              const storage::Document* document) {
  alert::Alert a;
  a.id = std::to_string(mention.id);
  a.rule_id = mention.rule_id;
  for (const config::Rule& rule : config.rules) {
    if (rule.id == mention.rule_id) a.rule_description = rule.description;
  }
  a.site_id = mention.site_id;
  a.site_name = mention.site_id;
  for (const config::Site& site : config.sites) {
    if (site.id == mention.site_id) a.site_name = site.name;
  }
  a.url = mention.url;
  a.title = mention.title;
  a.lang = mention.lang;
  a.snippet = mention.snippet;
  a.snippet_mark_begin = mention.snippet_mark_begin;
  a.snippet_mark_end = mention.snippet_mark_end;
  if (document != nullptr && alert::SnippetRepeatsTitle(a.snippet, a.title)) {
    const std::optional<alert::MarkedSentence> body = BodySentence(mention, *document);
    a.snippet = body ? body->text : "";
    a.snippet_mark_begin = body ? body->mark_begin : 0;
    a.snippet_mark_end = body ? body->mark_end : 0;
  }
  a.found_at_us = mention.found_at_us;
  for (const std::string& url : other_urls) {
    if (url != mention.url) a.other_urls.push_back(url);
  }
  // The web page reads its filters from the query string; ids are [a-z0-9_-], no escaping needed.
  if (config.server.enabled && !config.server.public_url.empty()) {
    std::string base = config.server.public_url;
    while (base.ends_with('/')) base.pop_back();
    a.web_url = base + "/?rule=" + mention.rule_id + "&site=" + mention.site_id;
  }
  return a;
}

namespace {

// The two spellings of one channel's delivery state: the worker's and the store's.
alert::ChannelState FromStore(const storage::ChannelDelivery& c) {
  using State = storage::ChannelDelivery::State;
  return alert::ChannelState{c.channel,
                             c.state == State::kSent     ? alert::ChannelState::State::kSent
                             : c.state == State::kFailed ? alert::ChannelState::State::kFailed
                                                         : alert::ChannelState::State::kPending,
                             c.attempts, c.last_error, c.at_us};
}

storage::ChannelDelivery ToStore(const alert::ChannelState& c) {
  using State = alert::ChannelState::State;
  return storage::ChannelDelivery{c.channel,
                                  c.state == State::kSent ? storage::ChannelDelivery::State::kSent
                                  : c.state == State::kFailed
                                      ? storage::ChannelDelivery::State::kFailed
                                      : storage::ChannelDelivery::State::kPending,
                                  c.attempts, c.last_error, c.at_us};
}

// The metrics label of a channel key: its kind ("email" for "email:{address}"), so /metrics shows
// no address and has one series per kind.
std::string ChannelKind(const std::string& key) { return key.substr(0, key.find(':')); }

}  // namespace

Result<std::vector<alert::DueAlert>> StoreAlertOutbox::Due(int64_t now_us, size_t limit) {
  auto entries = store_.outbox().DueAlerts(now_us, limit);
  if (!entries.ok()) return entries.status();
  std::vector<alert::DueAlert> due;
  for (const storage::OutboxEntry& e : *entries) {
    alert::DueAlert d{e.mention_id, e.due_us, e.attempts, {}};
    for (const storage::ChannelDelivery& c : e.channels) d.channels.push_back(FromStore(c));
    due.push_back(std::move(d));
  }
  return due;
}

// The worker records every channel's outcome right after its send (alert/delivery_worker.h), so
// each call is one attempt: accepted, or failed (and given up when it is final).
Status StoreAlertOutbox::RecordChannel(uint64_t mention_id, const alert::ChannelState& channel) {
  if (metrics_ != nullptr) {
    metrics_->CountAlertSend(ChannelKind(channel.channel),
                             channel.state == alert::ChannelState::State::kSent,
                             channel.state == alert::ChannelState::State::kFailed);
  }
  return store_.outbox().RecordAlertChannel(mention_id, ToStore(channel));
}

// One write for all the entries one message carried (alert/delivery_worker.h).
Status StoreAlertOutbox::RecordChannels(const std::vector<alert::ChannelRecord>& records) {
  std::vector<std::pair<uint64_t, storage::ChannelDelivery>> stored;
  for (const alert::ChannelRecord& r : records) {
    if (metrics_ != nullptr) {
      metrics_->CountAlertSend(ChannelKind(r.channel.channel),
                               r.channel.state == alert::ChannelState::State::kSent,
                               r.channel.state == alert::ChannelState::State::kFailed);
    }
    stored.emplace_back(r.mention_id, ToStore(r.channel));
  }
  return store_.outbox().RecordAlertChannels(stored);
}

Result<std::optional<alert::OutboxAlert>> StoreAlertOutbox::Load(uint64_t mention_id) {
  if (storage::IsChangeAlertId(mention_id)) {
    // A change of a watched document (issue #20 item 3): on its own (doc_id 0), never quiet.
    const uint64_t doc_id = storage::ChangeAlertDocId(mention_id);
    auto versions = store_.reader().Versions(doc_id, storage::ChangeAlertVersion(mention_id) + 1);
    if (!versions.ok()) return versions.status();
    auto document = store_.reader().GetDocument(doc_id);
    if (!document.ok()) return document.status();
    std::vector<alert::Alert> rules = ChangeAlertsFromVersions(
        mention_id, *versions, document->has_value() ? &document->value() : nullptr, config_,
        ChangeMatcher());
    if (rules.empty()) return std::optional<alert::OutboxAlert>();
    alert::OutboxAlert item{std::move(rules.front()), 0, 0, {}};
    item.more_rules.assign(std::make_move_iterator(rules.begin() + 1),
                           std::make_move_iterator(rules.end()));
    return std::optional<alert::OutboxAlert>(std::move(item));
  }
  auto mention = store_.reader().GetMention(mention_id);
  if (!mention.ok()) return mention.status();
  if (!mention->has_value()) return std::optional<alert::OutboxAlert>();
  const storage::Mention& m = **mention;
  auto document = store_.reader().GetDocument(m.doc_id);
  if (!document.ok()) return document.status();
  std::vector<std::string> other_urls;
  uint64_t story_id = m.story_id;
  if (document->has_value()) {
    other_urls = (*document)->duplicate_urls;
    if (story_id == 0) story_id = (*document)->story_id;
  }
  return std::optional<alert::OutboxAlert>(
      alert::OutboxAlert{AlertFromMention(m, config_, other_urls,
                                          document->has_value() ? &document->value() : nullptr),
                         m.doc_id,
                         story_id,
                         {}});
}

const keywords::Matcher* StoreAlertOutbox::ChangeMatcher() {
  if (!matcher_) {
    matcher_ = CompileRules(config_);
    if (!matcher_->ok()) {
      spdlog::error("change alerts: {}; excerpts found by the names' bytes only",
                    matcher_->status().message());
    }
  }
  return matcher_->ok() ? &matcher_->value() : nullptr;
}

Result<bool> StoreAlertOutbox::StoryAlerted(const std::string& rule_id, uint64_t story_id,
                                            uint64_t except_mention_id) {
  storage::MentionQuery query;
  query.rule_id = rule_id;
  query.story_id = story_id;
  query.limit = 10000;
  auto mentions = store_.reader().Mentions(query);
  if (!mentions.ok()) return mentions.status();
  for (const storage::Mention& m : *mentions) {
    if (m.id == except_mention_id || m.rule_id != rule_id) continue;
    auto sent = store_.outbox().IsAlertSent(m.id);
    if (!sent.ok()) return sent.status();
    if (*sent) return true;
  }
  return false;
}

Status StoreAlertOutbox::MarkSent(uint64_t mention_id, int64_t sent_us) {
  return store_.outbox().MarkAlertSent(mention_id, sent_us);
}

Status StoreAlertOutbox::Reschedule(uint64_t mention_id, int64_t next_due_us,
                                    const std::string& error) {
  return store_.outbox().RescheduleAlert(mention_id, next_due_us, error);
}

Status StoreAlertOutbox::MarkFailed(uint64_t mention_id, const std::string& error) {
  return store_.outbox().MarkAlertFailed(mention_id, error);
}

std::vector<RecipientClass> RecipientClasses(const std::vector<std::vector<std::string>>& lists) {
  std::vector<std::string> order;  // each address once, in order of first appearance
  std::map<std::string, std::set<size_t>> lists_of;
  for (size_t l = 0; l < lists.size(); ++l) {
    for (const std::string& address : lists[l]) {
      auto [at, added] = lists_of.try_emplace(address);
      if (added) order.push_back(address);
      at->second.insert(l);
    }
  }
  std::vector<RecipientClass> classes;
  for (const std::string& address : order) {
    const std::set<size_t>& in = lists_of[address];
    auto same = std::find_if(classes.begin(), classes.end(),
                             [&](const RecipientClass& c) { return c.lists == in; });
    if (same == classes.end()) same = classes.insert(classes.end(), RecipientClass{{}, in});
    same->addresses.push_back(address);
  }
  return classes;
}

Result<alert::WorkerOptions> WorkerOptionsFromConfig(const config::Config& config) {
  const config::Alerts& cfg = config.alerts;
  if (!cfg.enabled) {
    return Status::InvalidArgument(config.path + ": alerts are off (no enabled [alerts] table)");
  }
  alert::WorkerOptions options;
  options.policy.max_per_hour = cfg.max_per_hour;
  options.policy.max_attempts = cfg.max_attempts;
  options.policy.retry_initial = cfg.retry_initial;
  options.policy.retry_max = cfg.retry_max;
  options.policy.quiet_repeats = cfg.quiet_repeats;

  alert::SmtpSettings smtp;
  smtp.url = cfg.smtp_url;
  smtp.starttls = cfg.starttls == "off"   ? alert::SmtpSettings::StartTls::kOff
                  : cfg.starttls == "try" ? alert::SmtpSettings::StartTls::kTry
                                          : alert::SmtpSettings::StartTls::kRequired;
  smtp.envelope_from = cfg.from;
  smtp.user = cfg.user;
  smtp.password = cfg.password;
  smtp.password_env = cfg.password_env;
  smtp.ca_file = cfg.ca_file;

  // Channels shared by every rule.
  std::vector<std::shared_ptr<const alert::AlertChannel>> shared;
  if (!cfg.command.empty()) {
    std::vector<std::string> hidden;
    if (!cfg.password_env.empty()) hidden.push_back(cfg.password_env);
    shared.push_back(alert::MakeCommandChannel(cfg.command, cfg.command_timeout, hidden));
  }
  if (!cfg.webhook_url.empty()) shared.push_back(alert::MakeWebhookChannel(cfg.webhook_url));
  // E-mail: one channel per recipient class, the addresses that are in exactly the same rules'
  // lists (issue #18). An address in two rules' lists is then in one channel, which gets one
  // message per article listing both rules, not one per list; a config whose rules share one
  // list has one channel to the whole list, as before. Lists: each rule's, then the fallback's.
  std::vector<std::vector<std::string>> lists;
  for (const config::Rule& rule : config.rules) {
    lists.push_back(rule.alert_to.empty() ? cfg.to : rule.alert_to);
  }
  lists.push_back(cfg.to);
  const std::vector<RecipientClass> classes =
      cfg.smtp_url.empty() ? std::vector<RecipientClass>() : RecipientClasses(lists);
  std::vector<std::shared_ptr<const alert::AlertChannel>> email;
  for (const RecipientClass& c : classes) {
    alert::MailSettings mail;
    mail.from = cfg.from;
    mail.from_name = cfg.from_name;
    mail.to = c.addresses;
    mail.subject_prefix = cfg.subject_prefix;
    if (config.server.enabled) mail.unsubscribe_url = config.server.public_url;
    // Keys are stable across restarts: "email" for a single class (the key of before),
    // "email:{first address}" for each of several.
    email.push_back(alert::MakeEmailChannel(
        mail, smtp, classes.size() == 1 ? "email" : "email:" + c.addresses.front()));
  }
  auto route_for_list = [&](size_t list, const std::string& mode) {
    alert::RuleRoute route;
    for (size_t c = 0; c < classes.size(); ++c) {
      if (classes[c].lists.contains(list)) route.channels.push_back(email[c]);
    }
    route.channels.insert(route.channels.end(), shared.begin(), shared.end());
    route.digest = (mode.empty() ? cfg.mode : mode) == "digest";
    route.digest_interval = cfg.digest_interval;
    return route;
  };
  for (size_t r = 0; r < config.rules.size(); ++r) {
    options.routes[config.rules[r].id] = route_for_list(r, config.rules[r].alert_mode);
  }
  options.fallback = route_for_list(config.rules.size(), "");
  return options;
}

Result<std::unique_ptr<AlertThread>> AlertThread::Start(const config::Config& config,
                                                        storage::Store& store,
                                                        PipelineMetrics* metrics) {
  auto options = WorkerOptionsFromConfig(config);
  if (!options.ok()) return options.status();
  std::unique_ptr<AlertThread> started(new AlertThread());
  started->config_ = config;
  started->outbox_ = std::make_unique<StoreAlertOutbox>(store, started->config_, metrics);
  started->worker_ =
      std::make_unique<alert::DeliveryWorker>(*started->outbox_, std::move(options).value());
  started->thread_ = std::thread([worker = started->worker_.get()] {
    NameThisThread("kuzet-alerts");
    worker->Run();
  });
  return started;
}

AlertThread::~AlertThread() {
  worker_->Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kuzet::app
