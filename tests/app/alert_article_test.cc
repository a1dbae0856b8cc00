// One alert per article (issue #18): a page matching several rules goes out as one message per
// recipient listing every rule of that recipient, over a real store, the config's routes
// (WorkerOptionsFromConfig), a real SMTP server (tests/alert/smtp_sink.py) and a real hook; each
// mail is parsed by Python's email package as a mail client would.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/alert/child_process.h"
#include "tests/alert/mail_parser.h"
#include "tests/app/alert_test_pages.h"
#include "tests/app/forwarding_outbox.h"
#include "tests/app/json_lines.h"

namespace kuzet::app {
namespace {

using alert::testing::ChildProcess;
using alert::testing::FindPython;
using alert::testing::ParseMailFiles;
using alert::testing::TempDir;
using nlohmann::json;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = int64_t{1764400000} * kSecond;

constexpr char kAnalyst[] = "analyst@example.org";
constexpr char kDesk[] = "desk@union.example.kz";

// The rules of the test config and the word each matches in StrikeText. "arrests" goes to the
// union desk only; the others to [alerts].to, the analyst.
const std::vector<std::pair<std::string, std::string>> kRules = {
    {"zhanaozen", "Zhanaozen"}, {"strike", "strike"}, {"union", "union"}, {"arrests", "arrests"}};

const std::string& AiosmtpdPython() {
  static const std::string python = FindPython("aiosmtpd");
  return python;
}

// A page of site "steppe" with one mention per rule in `rules` (each at its word's first
// occurrence), stored in one write as the crawler stores a page.
storage::PageInput PageMatching(const std::string& url, const std::vector<std::string>& rules,
                                int64_t at_us) {
  const std::string text = testing::StrikeText(url);
  storage::PageInput page = testing::Page(url, "Zhanaozen strike", text, at_us);
  page.mentions.clear();
  for (const std::string& rule : rules) {
    std::string word;
    for (const auto& [id, w] : kRules) {
      if (id == rule) word = w;
    }
    const auto begin = static_cast<uint32_t>(text.find(word));
    EXPECT_NE(text.find(word), std::string::npos) << word;
    storage::MentionInput mention;
    mention.rule_id = rule;
    mention.hits.push_back({word, word, begin, begin + static_cast<uint32_t>(word.size())});
    // The sentence around the match, as the extractor would cut it.
    const size_t from =
        text.rfind(". ", begin) == std::string::npos ? 0 : text.rfind(". ", begin) + 2;
    const size_t to = std::min(text.find(". ", begin), text.size());
    mention.snippet = text.substr(from, to - from);
    mention.snippet_mark_begin = begin - static_cast<uint32_t>(from);
    mention.snippet_mark_end = mention.snippet_mark_begin + static_cast<uint32_t>(word.size());
    page.mentions.push_back(mention);
  }
  return page;
}

class AlertArticleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (AiosmtpdPython().empty()) {
      GTEST_SKIP() << "python3 with aiosmtpd not found (Debian: apt-get install python3-aiosmtpd)";
    }
    std::filesystem::create_directories(mail_dir_);
    sink_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        AiosmtpdPython(), KUZET_SOURCE_DIR "/tests/alert/smtp_sink.py", mail_dir_});
    const auto line = sink_->ReadLine(std::chrono::seconds(20));
    ASSERT_TRUE(line && line->starts_with("PORT ")) << "smtp_sink.py did not start";
    const int port = std::stoi(line->substr(5));

    std::string toml = R"([[sites]]
id = "steppe"
name = "Steppe Labour News"
start_urls = ["http://127.0.0.1/"]

[alerts]
smtp_url = "smtp://127.0.0.1:)" +
                       std::to_string(port) +
                       R"("
starttls = "off"
from = "kuzet@monitor.example.org"
to = [")" + std::string(kAnalyst) +
                       R"("]
command = ["/bin/sh", "-c", "cat >> \"$0\"", ")" +
                       hook_file_ + R"("]
)";
    for (const auto& [id, word] : kRules) {
      toml += "\n[[rules]]\nid = \"" + id + "\"\ndescription = \"Rule " + id + "\"\nterms = [\"" +
              word + "\"]\n";
      if (id == "arrests") toml += "alert_to = [\"" + std::string(kDesk) + "\"]\n";
    }
    auto config = config::ParseConfig(toml, "t.toml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(config).value();
    auto store = storage::Store::Open(dir_.path() + "/data");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    outbox_ = std::make_unique<StoreAlertOutbox>(*store_, config_);
  }

  void Put(const storage::PageInput& page) {
    auto put = store_->writer().PutPage(page);
    ASSERT_TRUE(put.ok()) << put.status().message();
    ASSERT_EQ(put->new_mentions, static_cast<int>(page.mentions.size()));
  }
  alert::PassStats RunOnce(int64_t now_us) {
    auto options = WorkerOptionsFromConfig(config_);
    EXPECT_TRUE(options.ok()) << options.status().message();
    options->policy.quiet_repeats = false;
    alert::DeliveryWorker worker(*outbox_, std::move(options).value());
    auto pass = worker.RunOnce(now_us);
    EXPECT_TRUE(pass.ok()) << pass.status().message();
    return pass.ok() ? *pass : alert::PassStats{};
  }
  // Every received mail as parse_mail.py sees it, with its envelope recipients.
  std::vector<json> Mails() {
    std::vector<std::string> paths;
    for (int n = 1; std::filesystem::exists(mail_dir_ + "/" + std::to_string(n) + ".eml"); ++n) {
      paths.push_back(mail_dir_ + "/" + std::to_string(n) + ".eml");
    }
    std::vector<json> mails;
    if (paths.empty()) return mails;
    auto parsed = ParseMailFiles(paths);
    if (!parsed) return mails;
    for (const std::string& path : paths) {
      json mail = (*parsed)[path];
      std::ifstream envelope(path.substr(0, path.size() - 4) + ".json");
      mail["rcpt_tos"] = json::parse(envelope).at("rcpt_tos");
      mails.push_back(std::move(mail));
    }
    return mails;
  }
  std::vector<json> HookObjects() { return kuzet::testing::ReadJsonLines(hook_file_); }
  static std::string PlainText(const json& mail) {
    for (const json& part : mail.at("parts")) {
      if (part.at("content_type") != "text/plain") continue;
      std::string text = part.at("text"), lf;
      for (char c : text) {  // the part's CRLF lines as LF
        if (c != '\r') lf += c;
      }
      return lf;
    }
    return "";
  }
  static std::vector<std::string> RulesOf(const json& hook_object) {
    std::vector<std::string> rules;
    for (const json& r : hook_object.at("rules")) rules.push_back(r.at("rule_id"));
    return rules;
  }

  TempDir dir_;
  std::string mail_dir_ = dir_.path() + "/mail";
  std::string hook_file_ = dir_.path() + "/hook.jsonl";
  std::unique_ptr<ChildProcess> sink_;
  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<StoreAlertOutbox> outbox_;
};

TEST_F(AlertArticleTest, OneMailPerArticlePerRecipientListingItsRules) {
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike", "union", "arrests"}, kT0));
  const alert::PassStats pass = RunOnce(kT0 + kSecond);
  EXPECT_EQ(pass.sent, 4) << "every mention's alert left the outbox";
  EXPECT_EQ(pass.messages, 1) << "one article";

  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 2u) << "one mail for the analyst, one for the desk";
  std::map<std::string, json> by_recipient;
  for (const json& mail : mails) {
    ASSERT_EQ(mail.at("rcpt_tos").size(), 1u);
    EXPECT_EQ(mail.at("defects"), json::array());
    by_recipient[mail.at("rcpt_tos")[0]] = mail;
  }
  ASSERT_TRUE(by_recipient.contains(kAnalyst) && by_recipient.contains(kDesk));

  // The analyst: the three rules it subscribes to, each with its own snippet; not "arrests".
  const json& analyst = by_recipient[kAnalyst];
  EXPECT_EQ(analyst.at("subject"),
            "[Kuzet] Rule zhanaozen, Rule strike, Rule union: Zhanaozen strike");
  const std::string text = PlainText(analyst);
  EXPECT_NE(text.find("Rule: Rule zhanaozen\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Rule: Rule strike\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Rule: Rule union\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("arrests"), std::string::npos) << "the desk's rule is not the analyst's";
  EXPECT_NE(text.find("**Zhanaozen**"), std::string::npos) << text;
  EXPECT_NE(text.find("**union**"), std::string::npos) << text;
  EXPECT_NE(text.find("**strike**"), std::string::npos) << text;
  EXPECT_EQ(text.find("Article: http://127.0.0.1/a"), text.rfind("Article: http://127.0.0.1/a"))
      << "the article is named once";

  // The desk: its one rule, as the one-rule alert of before.
  const json& desk = by_recipient[kDesk];
  EXPECT_EQ(desk.at("subject"), "[Kuzet] Rule arrests: Zhanaozen strike");
  EXPECT_NE(PlainText(desk).find("**arrests**"), std::string::npos) << PlainText(desk);
  EXPECT_EQ(PlainText(desk).find("Rule union"), std::string::npos);

  // The hook, shared by every rule: one object for the article with all four rules.
  const std::vector<json> hooked = HookObjects();
  ASSERT_EQ(hooked.size(), 1u);
  EXPECT_EQ(hooked[0].at("url"), "http://127.0.0.1/a");
  EXPECT_EQ(RulesOf(hooked[0]),
            (std::vector<std::string>{"zhanaozen", "strike", "union", "arrests"}));
  for (const json& rule : hooked[0].at("rules")) {
    const std::string snippet = rule.at("snippet");
    const size_t b = rule.at("snippet_mark_begin"), e = rule.at("snippet_mark_end");
    ASSERT_LE(b, e);
    ASSERT_LE(e, snippet.size());
    std::string marked = snippet.substr(b, e - b);
    for (const auto& [id, word] : kRules) {
      if (id == rule.at("rule_id")) {
        EXPECT_EQ(marked, word);
      }
    }
  }

  // Nothing is due any more: a second pass sends nothing.
  RunOnce(kT0 + 100 * kSecond);
  EXPECT_EQ(Mails().size(), 2u);
  EXPECT_EQ(HookObjects().size(), 1u);
}

TEST_F(AlertArticleTest, TwoArticlesAreTwoMessagesAndNamedByTheirLowestMention) {
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike"}, kT0));
  Put(PageMatching("http://127.0.0.1/b", {"union"}, kT0));  // found in the same second
  const alert::PassStats pass = RunOnce(kT0 + kSecond);
  EXPECT_EQ(pass.sent, 3);
  EXPECT_EQ(pass.messages, 2);
  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 2u);
  std::set<std::string> ids;
  for (const json& mail : mails) ids.insert(mail.at("message_id"));
  EXPECT_EQ(ids, (std::set<std::string>{"<kuzet.1@monitor.example.org>",
                                        "<kuzet.3@monitor.example.org>"}));
  const std::vector<json> hooked = HookObjects();
  ASSERT_EQ(hooked.size(), 2u);
  EXPECT_EQ(hooked[0].at("id"), "1");
  EXPECT_EQ(RulesOf(hooked[0]), (std::vector<std::string>{"zhanaozen", "strike"}));
  EXPECT_EQ(RulesOf(hooked[1]), (std::vector<std::string>{"union"}));
}

// Digest mode: one digest per recipient and period, whatever the number of rules, each listing
// only that recipient's rules.
TEST_F(AlertArticleTest, DigestIsOnePerRecipientAndPeriodAcrossRules) {
  config_.alerts.mode = "digest";
  config_.alerts.digest_interval = std::chrono::seconds(60);
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike", "arrests"}, kT0));
  Put(PageMatching("http://127.0.0.1/b", {"union"}, kT0 + kSecond));
  alert::PassStats pass = RunOnce(kT0 + 30 * kSecond);
  EXPECT_EQ(pass.waiting, 4);
  EXPECT_TRUE(Mails().empty());
  pass = RunOnce(kT0 + 61 * kSecond);
  EXPECT_EQ(pass.sent, 4);
  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 2u) << "one digest for the analyst, one for the desk";
  std::map<std::string, json> by_recipient;
  for (const json& mail : mails) by_recipient[mail.at("rcpt_tos")[0]] = mail;
  EXPECT_EQ(by_recipient[kAnalyst].at("subject"),
            "[Kuzet] 3 new mentions in 2 articles: Rule zhanaozen, Rule strike, Rule union");
  EXPECT_EQ(PlainText(by_recipient[kAnalyst]).find("arrests"), std::string::npos);
  EXPECT_EQ(by_recipient[kDesk].at("subject"), "[Kuzet] 1 new mention: Rule arrests");
  const std::vector<json> hooked = HookObjects();
  ASSERT_EQ(hooked.size(), 1u);
  EXPECT_EQ(hooked[0].at("alerts").size(), 4u);
  RunOnce(kT0 + 200 * kSecond);
  EXPECT_EQ(Mails().size(), 2u) << "nothing left to send";
}

// Issue #18: the digest is laid out by article. A page matched by three of the analyst's rules is
// one article in it (title, site, time and URL once), with the three rules and their snippets
// under it, in both parts.
TEST_F(AlertArticleTest, DigestShowsAnArticleOfThreeRulesOnce) {
  config_.alerts.mode = "digest";
  config_.alerts.digest_interval = std::chrono::seconds(60);
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike", "union"}, kT0));
  Put(PageMatching("http://127.0.0.1/b", {"union"}, kT0 + kSecond));
  const alert::PassStats pass = RunOnce(kT0 + 61 * kSecond);
  EXPECT_EQ(pass.sent, 4);
  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 1u) << "one digest for the analyst";
  const json& mail = mails[0];
  EXPECT_EQ(mail.at("defects"), json::array());
  EXPECT_EQ(mail.at("subject"),
            "[Kuzet] 4 new mentions in 2 articles: Rule zhanaozen, Rule strike, Rule union");
  const std::string text = PlainText(mail);
  const auto count = [](const std::string& haystack, const std::string& needle) {
    size_t n = 0;
    for (size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count(text, "Article: http://127.0.0.1/a\n"), 1u) << text;
  EXPECT_EQ(count(text, "Article: http://127.0.0.1/b\n"), 1u) << text;
  EXPECT_EQ(count(text, "Steppe Labour News"), 2u) << "site once per article: " << text;
  // Article a: its three rules, each with its own marked snippet, before article b.
  const size_t a = text.find("Article: http://127.0.0.1/a\n");
  const size_t b = text.find("Article: http://127.0.0.1/b\n");
  size_t previous = a;
  for (const auto& [rule, word] : std::vector<std::pair<std::string, std::string>>{
           {"zhanaozen", "Zhanaozen"}, {"strike", "strike"}, {"union", "union"}}) {
    const size_t at = text.find("Rule: Rule " + rule + "\n", previous);
    ASSERT_NE(at, std::string::npos) << rule << " under article a: " << text;
    EXPECT_LT(at, b) << rule;
    EXPECT_NE(text.find("**" + word + "**", at), std::string::npos) << rule;
    previous = at;
  }
  EXPECT_NE(text.find("Rule: Rule union\n", b), std::string::npos) << "article b's rule";
  std::string html;
  for (const json& part : mail.at("parts")) {
    if (part.at("content_type") == "text/html") html = part.at("text");
  }
  EXPECT_EQ(count(html, "<h3"), 2u) << "one heading per article: " << html;
  EXPECT_EQ(count(html, "<mark>"), 4u) << "one snippet per rule of each article";
  EXPECT_EQ(count(html, ">Zhanaozen strike</a></h3>"), 2u) << html;
}

TEST(RecipientClassesTest, AddressesInTheSameListsShareAClass) {
  using Lists = std::vector<std::vector<std::string>>;
  const struct {
    Lists lists;
    std::vector<std::vector<std::string>> classes;
  } cases[] = {
      {{{"a", "b"}, {"a", "b"}, {"a", "b"}}, {{"a", "b"}}},      // one list everywhere: one class
      {{{"a"}, {"a", "b"}}, {{"a"}, {"b"}}},                     // "a" in both lists
      {{{"b", "a"}, {"a", "c"}, {"b"}}, {{"b"}, {"a"}, {"c"}}},  // first appearance order
      {{{"a", "b"}, {"c"}, {"a", "b", "c"}}, {{"a", "b"}, {"c"}}},
      {{{}, {"a"}}, {{"a"}}},
      {{}, {}},
  };
  for (const auto& c : cases) {
    std::vector<std::vector<std::string>> got;
    for (const RecipientClass& rc : RecipientClasses(c.lists)) got.push_back(rc.addresses);
    EXPECT_EQ(got, c.classes);
  }
}

// Issue #18: an address in two rules' recipient lists ([alerts].to, and "arrests"' own list with
// the desk) gets one message per article listing every rule of both lists, not one per list; in
// digest mode one digest. The desk gets its one rule.
TEST_F(AlertArticleTest, AnAddressInTwoListsGetsOneMailPerArticle) {
  for (const std::string mode : {"immediate", "digest"}) {
    SCOPED_TRACE(mode);
    const size_t before = Mails().size();  // the immediate pass's
    auto store = storage::Store::Open(dir_.path() + "/data-" + mode);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    outbox_ = std::make_unique<StoreAlertOutbox>(*store_, config_);
    config_.alerts.mode = mode;
    config_.alerts.digest_interval = std::chrono::seconds(60);
    for (config::Rule& rule : config_.rules) {
      if (rule.id == "arrests") rule.alert_to = {kDesk, kAnalyst};
      if (rule.id == "strike") rule.alert_to = {kAnalyst};  // the same address, a list of its own
    }
    Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike", "union", "arrests"}, kT0));
    RunOnce(kT0 + 61 * kSecond);
    const std::vector<json> mails = Mails();
    std::map<std::string, std::vector<json>> by_recipient;
    for (size_t m = before; m < mails.size(); ++m) {
      for (const json& to : mails[m].at("rcpt_tos")) by_recipient[to].push_back(mails[m]);
    }
    ASSERT_EQ(by_recipient[kAnalyst].size(), 1u) << "one mail for the analyst";
    ASSERT_EQ(by_recipient[kDesk].size(), 1u);
    const std::string analyst = PlainText(by_recipient[kAnalyst][0]);
    for (const auto& [rule, word] : kRules) {
      EXPECT_NE(analyst.find("Rule: Rule " + rule + "\n"), std::string::npos) << rule << analyst;
    }
    const std::string desk = PlainText(by_recipient[kDesk][0]);
    EXPECT_NE(desk.find("**arrests**"), std::string::npos) << desk;
    EXPECT_EQ(desk.find("Rule zhanaozen"), std::string::npos) << desk;
    RunOnce(kT0 + 200 * kSecond);
    EXPECT_EQ(Mails().size(), mails.size()) << "nothing left to send";
  }
}

// An entry recorded under plain "email" (before the recipients were split) is not mailed again
// when the config's lists now make "email:{address}" channels: the list's outcome holds for each.
TEST_F(AlertArticleTest, AnOutcomeRecordedForTheWholeListHoldsForEachAddress) {
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "arrests"}, kT0));
  for (uint64_t mention : {1, 2}) {
    alert::ChannelState sent;
    sent.channel = "email";
    sent.state = alert::ChannelState::State::kSent;
    sent.at_us = kT0;
    ASSERT_TRUE(outbox_->RecordChannel(mention, sent).ok());
  }
  RunOnce(kT0 + kSecond);
  EXPECT_TRUE(Mails().empty()) << "the e-mail was sent before; only the hook was pending";
  ASSERT_EQ(HookObjects().size(), 1u);
  auto due = store_->outbox().DueAlerts(kT0 + 100 * kSecond, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

// The outbox as the store has it, except that recording an outcome fails once: what the worker
// sees when the process dies right after a send (the pass ends, nothing after it is written).
class CrashOnceOutbox : public kuzet::testing::ForwardingOutbox {
 public:
  explicit CrashOnceOutbox(alert::AlertOutbox& store) : ForwardingOutbox(store) {}
  Status RecordChannels(const std::vector<alert::ChannelRecord>& records) override {
    if (!crashed_) {
      crashed_ = true;
      return Status::IOError("crashed before recording");
    }
    return outbox().RecordChannels(records);
  }

 private:
  bool crashed_ = false;
};

TEST_F(AlertArticleTest, CrashAfterTheSendResendsTheWholeArticleWithTheSameMessageId) {
  Put(PageMatching("http://127.0.0.1/a", {"zhanaozen", "strike", "union"}, kT0));
  {
    auto options = WorkerOptionsFromConfig(config_);
    ASSERT_TRUE(options.ok());
    CrashOnceOutbox crashing(*outbox_);
    alert::DeliveryWorker worker(crashing, std::move(options).value());
    EXPECT_FALSE(worker.RunOnce(kT0 + kSecond).ok());
  }
  RunOnce(kT0 + 2 * kSecond);
  const std::vector<json> mails = Mails();
  ASSERT_EQ(mails.size(), 2u) << "the mail whose record was lost, sent again";
  EXPECT_EQ(mails[0].at("message_id"), "<kuzet.1@monitor.example.org>");
  EXPECT_EQ(mails[1].at("message_id"), mails[0].at("message_id"));
  EXPECT_EQ(mails[1].at("subject"), mails[0].at("subject")) << "with every rule again";
  EXPECT_EQ(HookObjects().size(), 1u) << "the hook was never repeated";
  auto due = store_->outbox().DueAlerts(kT0 + 100 * kSecond, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

}  // namespace
}  // namespace kuzet::app
