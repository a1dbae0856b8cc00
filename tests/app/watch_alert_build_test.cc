// The alerts of a change built from the stored versions (app/watch_alert.h): rule, headline,
// excerpt, status, table-driven over the kinds that alert; one alert per rule the change concerns;
// the excerpt where the matcher found the name, in any inflected or cross-script form.
#include "app/watch_alert.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/alert_entry.h"

namespace kuzet::app {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000'000;
const std::string kOld = "Roza Tuletayeva led the oil workers of Zhanaozen.";
const std::string kNew = "One activist led the oil workers of Zhanaozen.";

storage::StoredVersion Version(uint32_t number, int status, std::vector<std::string> kinds,
                               const std::string& text) {
  storage::StoredVersion v;
  v.number = number;
  v.version.fetched_at_us = kT0 + number;
  v.version.http_status = status;
  v.version.kinds = std::move(kinds);
  if (!text.empty()) {
    v.version.has_text = true;
    v.version.title = "Strike leaders on trial";
    v.version.text = text;
  }
  return v;
}

std::string MarkedPart(const alert::MarkedText& m) {
  return m.text.substr(m.mark_begin, m.mark_end - m.mark_begin);
}

std::vector<std::string> RulesOf(const std::vector<alert::Alert>& alerts) {
  std::vector<std::string> rules;
  for (const alert::Alert& a : alerts) rules.push_back(a.rule_id);
  return rules;
}

struct Case {
  std::string name;
  storage::StoredVersion version;
  std::vector<std::string> alert_cosmetic;  // [watch]
  std::vector<std::string> rules;           // one alert each, in this order
  std::string headline, before, after;      // of the first alert; before/after: the marked words
  int http_status;
};

TEST(ChangeAlertsFromVersionsTest, RulesHeadlineExcerptAndStatusOfEachAlertingKind) {
  storage::StoredVersion original = Version(0, 200, {"original"}, kOld);
  original.version.names = {{"leaders", "Tuletayeva"}, {"zhanaozen", "Zhanaozen"}};
  storage::StoredVersion removed = Version(1, 200, {"text_edited", "name_removed"}, kNew);
  removed.version.names_removed = {{"leaders", "Tuletayeva"}};
  storage::StoredVersion added =
      Version(1, 200, {"text_edited", "name_added"}, kOld + " Police were there.");
  added.version.names_added = {{"police", "Police"}};
  storage::StoredVersion gone = Version(1, 404, {"gone"}, "");
  storage::StoredVersion away = Version(1, 200, {"redirected_away"}, "");
  away.version.final_url = "https://other.example/";
  storage::StoredVersion respelled = removed;  // the term is not in the text as bytes
  respelled.version.names_removed = {{"leaders", "TULETAYEVA"}};
  storage::StoredVersion edited = Version(1, 200, {"text_edited"}, kOld + " More.");
  edited.version.paragraphs_modified = {{0, 0}};
  const std::vector<std::string> none, zhanaozen = {"zhanaozen"};
  // clang-format off
  const std::vector<Case> cases = {
      {"name removed: its rule only", removed, none, {"leaders"},
       "name removed: Tuletayeva", "Tuletayeva", "activist", 200},
      {"name removed, and the rule that asked for every change", removed, zhanaozen,
       {"leaders", "zhanaozen"}, "name removed: Tuletayeva", "Tuletayeva", "activist", 200},
      {"name added: its rule only", added, none, {"police"},
       "name added: Police", "", "Police", 200},
      {"gone: every rule the document matched", gone, none, {"leaders", "zhanaozen"},
       "deleted (HTTP 404)", "", "", 404},
      {"redirected away: every rule", away, zhanaozen, {"leaders", "zhanaozen"},
       "redirected away to https://other.example/", "", "", 200},
      {"name not found as bytes, no matcher", respelled, none, {"leaders"},
       "name removed: TULETAYEVA", "", "", 200},
      {"edit alerted for alert_cosmetic's rule only", edited, zhanaozen, {"zhanaozen"},
       "text edited (1 paragraph)", "", "", 200},
  };
  // clang-format on
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    config::Config config;
    config.watch.alert_cosmetic = c.alert_cosmetic;
    const uint64_t id = storage::ChangeAlertId(5, 1);
    const auto alerts = ChangeAlertsFromVersions(id, {original, c.version}, nullptr, config,
                                                 /*matcher=*/nullptr);
    EXPECT_EQ(RulesOf(alerts), c.rules);
    ASSERT_FALSE(alerts.empty());
    for (const alert::Alert& a : alerts) {
      ASSERT_TRUE(a.change.has_value());
      EXPECT_EQ(a.id, "change.5.1");
      EXPECT_EQ(a.title, "Strike leaders on trial");
      EXPECT_EQ(a.found_at_us, kT0 + 1);
      EXPECT_EQ(a.change->doc_id, 5u);
      EXPECT_EQ(a.change->version, 1u);
      EXPECT_EQ(a.change->http_status, c.http_status);
      EXPECT_EQ(a.change->redirected_to, c.version.version.final_url);
    }
    const alert::ChangeDetails& d = *alerts.front().change;
    EXPECT_EQ(d.headline, c.headline);
    EXPECT_EQ(MarkedPart(d.before), c.before);
    EXPECT_EQ(MarkedPart(d.after), c.after);
  }
  // A version not stored (or not given) has no alert: the worker keeps the entry failed.
  EXPECT_TRUE(ChangeAlertsFromVersions(storage::ChangeAlertId(5, 2), {original, removed}, nullptr,
                                       config::Config(), nullptr)
                  .empty());
}

// One name of each of two rules: each rule's alert has its own names, headline and excerpt.
TEST(ChangeAlertsFromVersionsTest, EachRuleGetsItsOwnNamesHeadlineAndExcerpt) {
  storage::StoredVersion original = Version(0, 200, {"original"}, kOld);
  original.version.names = {{"leaders", "Tuletayeva"}, {"zhanaozen", "Zhanaozen"}};
  storage::StoredVersion both =
      Version(1, 200, {"text_edited", "name_removed", "name_added"},
              "One activist led the oil workers of Zhanaozen. Police were there.");
  both.version.names_removed = {{"leaders", "Tuletayeva"}};
  both.version.names_added = {{"police", "Police"}};
  const auto alerts = ChangeAlertsFromVersions(storage::ChangeAlertId(5, 1), {original, both},
                                               nullptr, config::Config(), nullptr);
  ASSERT_EQ(RulesOf(alerts), (std::vector<std::string>{"leaders", "police"}));
  EXPECT_EQ(alerts[0].change->headline, "name removed: Tuletayeva");
  EXPECT_EQ(alerts[0].change->names_removed, std::vector<std::string>{"Tuletayeva"});
  EXPECT_TRUE(alerts[0].change->names_added.empty());
  EXPECT_EQ(alerts[0].change->kinds, (std::vector<std::string>{"text_edited", "name_removed"}));
  EXPECT_EQ(MarkedPart(alerts[0].change->before), "Tuletayeva");
  EXPECT_EQ(alerts[1].change->headline, "name added: Police");
  EXPECT_EQ(alerts[1].change->kinds, (std::vector<std::string>{"text_edited", "name_added"}));
  EXPECT_EQ(MarkedPart(alerts[1].change->after), "Police");
}

// A deletion after a name's removal still reaches the rule of that name: every rule the document
// matched in any version before, not only in the last one.
TEST(ChangeAlertsFromVersionsTest, DeletionAfterANameRemovalReachesEveryRuleEverMatched) {
  storage::StoredVersion original = Version(0, 200, {"original"}, kOld);
  original.version.names = {{"leaders", "Tuletayeva"}, {"zhanaozen", "Zhanaozen"}};
  storage::StoredVersion removed = Version(1, 200, {"text_edited", "name_removed"}, kNew);
  removed.version.names = {{"zhanaozen", "Zhanaozen"}};
  removed.version.names_removed = {{"leaders", "Tuletayeva"}};
  storage::StoredVersion gone = Version(2, 404, {"gone"}, "");
  const auto alerts = ChangeAlertsFromVersions(
      storage::ChangeAlertId(5, 2), {original, removed, gone}, nullptr, config::Config(), nullptr);
  EXPECT_EQ(RulesOf(alerts), (std::vector<std::string>{"leaders", "zhanaozen"}));
  for (const alert::Alert& a : alerts) EXPECT_EQ(a.change->headline, "deleted (HTTP 404)");
}

// The name's place is where the matcher found it: an inflected Russian or Kazakh form, or the
// other script, is marked whole, where a search for the rule's term as bytes finds nothing or
// only a part of the word.
TEST(ChangeAlertsFromVersionsTest, ExcerptMarksTheFormTheMatcherFound) {
  struct Form {
    std::string name, term, old_text, new_text;
    bool removed;
    std::string before, after;  // the marked words
  };
  const std::vector<Form> forms = {
      {"Russian locative, Cyrillic term", "Жанаозен",
       "Забастовка в Жанаозене длилась семь месяцев.", "Забастовка длилась семь месяцев.", true,
       "Жанаозене", ""},
      {"Kazakh locative, Latin term", "Zhanaozen", "Жаңаөзендегі ереуіл жеті ай бойы жалғасты.",
       "Ереуіл жеті ай бойы жалғасты.", true, "Жаңаөзендегі", "Ереуіл"},
      {"Russian term, Latin text", "Жанаозен", "Police fired on strikers.",
       "Police fired on strikers in Zhanaozen.", false, "", "Zhanaozen"},
      {"Latin term, Russian genitive added", "Zhanaozen", "Рабочие бастовали.",
       "Рабочие Жанаозена бастовали.", false, "", "Жанаозена"},
  };
  for (const Form& f : forms) {
    SCOPED_TRACE(f.name);
    keywords::RuleSpec spec;
    spec.id = "place";
    spec.terms = {f.term};
    auto matcher = keywords::Matcher::Compile({spec});
    ASSERT_TRUE(matcher.ok()) << matcher.status().message();
    storage::StoredVersion original = Version(0, 200, {"original"}, f.old_text);
    storage::StoredVersion changed =
        Version(1, 200, {"text_edited", f.removed ? "name_removed" : "name_added"}, f.new_text);
    (f.removed ? changed.version.names_removed : changed.version.names_added) = {{"place", f.term}};
    if (f.removed) original.version.names = {{"place", f.term}};
    const auto alerts = ChangeAlertsFromVersions(storage::ChangeAlertId(5, 1), {original, changed},
                                                 nullptr, config::Config(), &*matcher);
    ASSERT_EQ(alerts.size(), 1u);
    const alert::ChangeDetails& d = *alerts.front().change;
    EXPECT_EQ(MarkedPart(d.before), f.before) << d.before.text;
    EXPECT_EQ(MarkedPart(d.after), f.after) << d.after.text;
    EXPECT_FALSE((f.removed ? d.before : d.after).text.empty());
  }
}

}  // namespace
}  // namespace kuzet::app
