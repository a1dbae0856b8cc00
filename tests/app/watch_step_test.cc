// The watch step (app/watch_step.h): a re-fetch of a watched document against its stored
// versions gives exactly the version, the next queue entry and the alert decision expected.
#include "app/watch_step.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/hex.h"
#include "storage/page.h"

namespace kuzet::app {
namespace {

using std::chrono::seconds;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kSecond = 1'000'000;
const std::string kUrl = "https://vlast.kz/novosti/zhanaozen.html";
const std::string kTitle = "Strike leaders on trial";
const std::string kText =
    kTitle +
    "\n\nRoza Tuletayeva led the oil workers of Zhanaozen through seven months of the strike, "
    "demanding higher pay and safer conditions for every crew in the field.\n\nPolice opened fire "
    "on the sixteenth of December, killing at least fourteen people in the central square of "
    "the town, and dozens of strikers were later put on trial in Aktau.";

std::string Digest(const std::string& text) {
  return base::HexEncode(storage::TextKeysOf(text).fingerprint_key);
}

storage::StoredVersion Original() {
  storage::StoredVersion v0;
  v0.number = 0;
  v0.version.fetched_at_us = kT0;
  v0.version.http_status = 200;
  v0.version.digest = Digest(kText);
  v0.version.kinds = {"original"};
  v0.version.names = {{"strike-leaders", "Tuletayeva"}, {"zhanaozen", "Zhanaozen"}};
  v0.version.has_text = true;
  v0.version.title = kTitle;
  v0.version.text = kText;
  return v0;
}

RefetchOutcome Fetched(int status, const std::string& text = kText,
                       std::vector<storage::VersionName> names = Original().version.names) {
  RefetchOutcome fetch;
  fetch.fetched_at_us = kT0 + 3600 * kSecond;
  fetch.http_status = status;
  fetch.final_url = kUrl;
  if (status >= 200 && status < 300) {
    fetch.title = kTitle;
    fetch.text = text;
    fetch.digest = Digest(text);
    fetch.names = std::move(names);
  }
  return fetch;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

struct Case {
  const char* name;
  RefetchOutcome fetch;
  std::vector<storage::StoredVersion> extra;  // stored after version 0
  std::vector<std::string> kinds;             // empty: unchanged, no version stored
  bool alerts = false;
  std::vector<storage::VersionName> removed, added;
  bool has_text = false;
};

std::vector<Case> Cases() {
  const std::string edited = Replace(kText, "Roza Tuletayeva", "One activist");
  const std::string comma = Replace(kText, "safer conditions", "safer  conditions,");
  storage::StoredVersion gone;
  gone.number = 1;
  gone.version.http_status = 410;
  gone.version.kinds = {"gone"};
  RefetchOutcome front_page = Fetched(200, "Weather in Almaty.\n\nCurrency rates today.", {});
  front_page.final_url = "https://vlast.kz/";
  RefetchOutcome moved = Fetched(200);  // the same article, on the site's new domain
  moved.final_url = "https://vlast.news/novosti/zhanaozen.html";
  return {
      {"not_modified_304", Fetched(304), {}, {}, false, {}, {}, false},
      {"same_text", Fetched(200), {}, {}, false, {}, {}, false},
      {"name_removed",
       Fetched(200, edited, {{"zhanaozen", "Zhanaozen"}}),
       {},
       {"text_edited", "name_removed"},
       true,
       {{"strike-leaders", "Tuletayeva"}},
       {},
       true},
      {"gone_404", Fetched(404), {}, {"gone"}, true, {}, {}, false},
      {"gone_again", Fetched(404), {gone}, {}, false, {}, {}, false},
      {"server_error", Fetched(503), {}, {"fetch_failed"}, false, {}, {}, false},
      {"no_response", Fetched(0), {}, {"fetch_failed"}, false, {}, {}, false},
      {"cosmetic", Fetched(200, comma), {}, {"cosmetic"}, false, {}, {}, true},
      {"redirected_to_front_page", front_page, {}, {"redirected_away"}, true, {}, {}, true},
      // Kept although the text is the same: the next fetch compares where it lands with it.
      {"moved_to_new_domain", moved, {}, {"moved", "unchanged"}, false, {}, {}, true},
  };
}

TEST(WatchStepTest, EachFetchGivesExactlyTheVersionAndAlertExpected) {
  config::Watch table;
  table.enabled = true;
  table.schedule = {seconds(3600), seconds(6 * 3600)};
  auto plan = WatchPlan::Create(table);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const storage::DueWatch due{kT0 + 3600 * kSecond, 7,
                              storage::WatchEntry{kUrl, "vlast", 0, 0, kT0}};
  const std::vector<std::string> rules = {"strike-leaders", "zhanaozen"};
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::vector<storage::StoredVersion> versions = {Original()};
    versions.insert(versions.end(), c.extra.begin(), c.extra.end());
    const WatchStepResult r = ClassifyRefetch(due, versions, c.fetch, rules, *plan, table);
    EXPECT_EQ(r.input.doc_id, 7u);
    EXPECT_EQ(r.input.due_us, due.due_us);
    EXPECT_EQ(r.alerts, c.alerts);
    // The alert goes into PutVersion's batch with the version (issue #20 item 3).
    EXPECT_EQ(r.input.alert, c.alerts && r.input.version.has_value());
    if (c.kinds.empty()) {
      EXPECT_FALSE(r.input.version.has_value());
    } else {
      ASSERT_TRUE(r.input.version.has_value());
      const storage::VersionRecord& v = *r.input.version;
      EXPECT_EQ(v.kinds, c.kinds);
      EXPECT_EQ(v.http_status, c.fetch.http_status);
      EXPECT_EQ(v.fetched_at_us, c.fetch.fetched_at_us);
      EXPECT_EQ(v.names_removed, c.removed);
      EXPECT_EQ(v.names_added, c.added);
      EXPECT_EQ(v.has_text, c.has_text);
      if (c.has_text) {
        EXPECT_EQ(v.text, c.fetch.text);
        EXPECT_EQ(v.digest, c.fetch.digest);
      }
      EXPECT_EQ(v.final_url, c.fetch.final_url == kUrl ? "" : c.fetch.final_url);
    }
    // The schedule goes on in every case: step 1, after this fetch.
    ASSERT_TRUE(r.input.next_due_us.has_value());
    EXPECT_EQ(r.input.next.step, 1u);
    EXPECT_GT(*r.input.next_due_us, c.fetch.fetched_at_us);
  }
}

TEST(WatchStepTest, ARuleThatAsksAlertsOnEveryChangeAndTheLastStepEndsTheWatch) {
  config::Watch table;
  table.enabled = true;
  table.schedule = {seconds(3600)};
  table.alert_cosmetic = {"zhanaozen"};
  auto plan = WatchPlan::Create(table);
  ASSERT_TRUE(plan.ok());
  const storage::DueWatch due{kT0 + 3600 * kSecond, 7,
                              storage::WatchEntry{kUrl, "vlast", 0, 0, kT0}};
  const std::vector<storage::StoredVersion> versions = {Original()};
  const RefetchOutcome comma =
      Fetched(200, Replace(kText, "safer conditions", "safer  conditions,"));
  const std::vector<std::string> zhanaozen = {"zhanaozen"};
  const WatchStepResult asked = ClassifyRefetch(due, versions, comma, zhanaozen, *plan, table);
  EXPECT_TRUE(asked.alerts);
  const std::vector<std::string> other = {"strike-leaders"};
  EXPECT_FALSE(ClassifyRefetch(due, versions, comma, other, *plan, table).alerts);
  // Unchanged never alerts, even for such a rule.
  EXPECT_FALSE(ClassifyRefetch(due, versions, Fetched(304), zhanaozen, *plan, table).alerts);
  // One step only: the watch is over after it.
  EXPECT_FALSE(asked.input.next_due_us.has_value());
  // Its evidence is still archived under the document's URL (VersionInput::next).
  EXPECT_EQ(asked.input.next.url, kUrl);
}

TEST(WatchStepTest, TheStoredVersionIsTheLastFetchedWithTheLastText) {
  std::vector<storage::StoredVersion> versions = {Original()};
  storage::StoredVersion failed;
  failed.number = 1;
  failed.version.kinds = {"fetch_failed"};
  failed.version.http_status = 503;
  versions.push_back(failed);
  const watch::Version stored = StoredAsClassified(kUrl, versions);
  EXPECT_EQ(stored.http_status, 200);  // the failed fetch is passed over
  EXPECT_EQ(stored.title, kTitle);
  ASSERT_EQ(stored.paragraphs.size(), 2u);  // the title, its first paragraph, left out
  EXPECT_EQ(stored.paragraphs[0].substr(0, 15), "Roza Tuletayeva");
  EXPECT_EQ(stored.names.size(), 2u);
  storage::StoredVersion gone;
  gone.number = 2;
  gone.version.kinds = {"gone"};
  gone.version.http_status = 404;
  versions.push_back(gone);
  const watch::Version after_gone = StoredAsClassified(kUrl, versions);
  EXPECT_EQ(after_gone.http_status, 404);
  EXPECT_TRUE(after_gone.paragraphs.empty());
  EXPECT_TRUE(after_gone.names.empty());
}

}  // namespace
}  // namespace kuzet::app
