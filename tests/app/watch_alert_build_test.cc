// The alert of a change built from the stored versions (app/watch_alert.h): rule, headline,
// excerpt, status, table-driven over the kinds that alert.
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

struct Case {
  std::string name;
  storage::StoredVersion version;
  std::string rule, headline, before, after;  // before/after: the marked words ("" none)
  int http_status;
};

TEST(ChangeAlertFromVersionsTest, RuleHeadlineExcerptAndStatusOfEachAlertingKind) {
  storage::StoredVersion original = Version(0, 200, {"original"}, kOld);
  original.version.names = {{"zhanaozen", "Zhanaozen"}, {"leaders", "Tuletayeva"}};
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
  const std::vector<Case> cases = {
      {"name removed", removed, "leaders", "name removed: Tuletayeva", "Tuletayeva", "activist",
       200},
      {"name added", added, "police", "name added: Police", "", "Police", 200},
      {"gone", gone, "zhanaozen", "deleted (HTTP 404)", "", "", 404},
      {"redirected away", away, "zhanaozen", "redirected away to https://other.example/", "", "",
       200},
      {"name not found as bytes", respelled, "leaders", "name removed: TULETAYEVA", "", "", 200},
  };
  config::Config config;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const uint64_t id = storage::ChangeAlertId(5, 1);
    const auto a = ChangeAlertFromVersions(id, {original, c.version}, nullptr, config);
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(a->change.has_value());
    EXPECT_EQ(a->id, "change.5.1");
    EXPECT_EQ(a->rule_id, c.rule);
    EXPECT_EQ(a->title, "Strike leaders on trial");
    EXPECT_EQ(a->found_at_us, kT0 + 1);
    const alert::ChangeDetails& d = *a->change;
    EXPECT_EQ(d.doc_id, 5u);
    EXPECT_EQ(d.version, 1u);
    EXPECT_EQ(d.headline, c.headline);
    EXPECT_EQ(d.http_status, c.http_status);
    EXPECT_EQ(d.redirected_to, c.version.version.final_url);
    auto marked = [](const alert::MarkedText& m) {
      return m.text.substr(m.mark_begin, m.mark_end - m.mark_begin);
    };
    EXPECT_EQ(marked(d.before), c.before);
    EXPECT_EQ(marked(d.after), c.after);
  }
  // A version not stored (or not given) has no alert: the worker keeps the entry failed.
  EXPECT_FALSE(
      ChangeAlertFromVersions(storage::ChangeAlertId(5, 2), {original, removed}, nullptr, config)
          .has_value());
}

}  // namespace
}  // namespace kuzet::app
