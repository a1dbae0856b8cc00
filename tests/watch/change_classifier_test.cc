// Tests of watch/change_classifier.h: one table row per kind of change (and the alerts each
// gives), the changed paragraphs, same-article redirects, and hostile inputs (100,000
// paragraphs, giant words, ill-formed UTF-8).
#include "watch/change_classifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "tests/sanitizer_slowdown.h"

namespace kuzet::watch {

void PrintTo(ChangeKind kind, std::ostream* out) { *out << ChangeKindName(kind); }

namespace {

using K = ChangeKind;

const char kUrl[] = "https://vlast.kz/novosti/12345-zhanaozen.html";

// The stored version every case starts from: an article on the Zhanaozen strike with the
// watched name of rule "zhanaozen".
Version Stored() {
  Version v;
  v.url = kUrl;
  v.http_status = 200;
  v.title = "Zhanaozen: oil workers' strike enters its sixth month";
  v.paragraphs = {
      "Views: 1532",
      "Oil workers in Zhanaozen have been on strike since May, demanding higher wages and safer "
      "conditions at Ozenmunaigas.",
      "The company says the strike is illegal and has dismissed hundreds of workers.",
      "Roza Tuletayeva, one of the strike leaders, said the workers would not give up.",
      "Lawyers for the dismissed workers have filed appeals in the regional court.",
  };
  v.names = {{"zhanaozen", "Zhanaozen"}, {"leaders", "Roza Tuletayeva"}};
  v.body_digest = "aaaa";
  return v;
}

Version Fetched() {
  Version v = Stored();
  v.body_digest = "bbbb";
  return v;
}

struct Case {
  const char* name;
  Version fresh;
  std::vector<ChangeKind> kinds;
  bool alerts;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto add = [&](const char* name, auto edit, std::vector<ChangeKind> kinds, bool alerts) {
    Version fresh = Fetched();
    edit(fresh);
    cases.push_back(Case{name, std::move(fresh), std::move(kinds), alerts});
  };
  add(
      "304 not modified", [](Version& v) { v.http_status = 304, v.paragraphs.clear(); },
      {K::kUnchanged}, false);
  add(
      "same body digest", [](Version& v) { v.body_digest = "aaaa"; }, {K::kUnchanged}, false);
  add(
      "same text, other markup", [](Version&) {}, {K::kUnchanged}, false);
  add(
      "white space only", [](Version& v) { v.paragraphs[1] = "  " + v.paragraphs[1] + "\n "; },
      {K::kCosmetic}, false);
  add(
      "typographic punctuation only",
      [](Version& v) { v.title = "Zhanaozen — oil workers’ strike enters its sixth month"; },
      {K::kCosmetic}, false);
  add(
      "paragraph split in two",
      [](Version& v) {
        v.paragraphs[1] = "Oil workers in Zhanaozen have been on strike since May,";
        v.paragraphs.insert(v.paragraphs.begin() + 2,
                            "demanding higher wages and safer conditions at Ozenmunaigas.");
      },
      {K::kCosmetic}, false);
  add(
      "boilerplate counter only", [](Version& v) { v.paragraphs[0] = "Views: 1789"; },
      {K::kCosmetic}, false);
  add(
      "short facts added, more than boilerplate together",
      [](Version& v) {
        for (const char* fact : {"Police fired first.", "Twelve were killed.",
                                 "Dozens were wounded.", "Curfew declared.", "Internet cut."}) {
          v.paragraphs.push_back(fact);
        }
      },
      {K::kTextEdited}, false);
  add(
      "paragraph edited",
      [](Version& v) {
        v.paragraphs[2] =
            "The company says the strike is illegal and has dismissed over 900 workers.";
      },
      {K::kTextEdited}, false);
  add(
      "paragraph added",
      [](Version& v) {
        v.paragraphs.push_back("The regional governor declined to comment on the dismissals.");
      },
      {K::kTextEdited}, false);
  add(
      "title changed", [](Version& v) { v.title = "Oil workers' strike: sixth month"; },
      {K::kTitleChanged}, false);
  add(
      "watched name removed",
      [](Version& v) {
        v.paragraphs[3] = "One of the strike leaders said the workers would not give up.";
        v.names = {{"zhanaozen", "Zhanaozen"}};
      },
      {K::kTextEdited, K::kNameRemoved}, true);
  add(
      "watched name added",
      [](Version& v) {
        v.paragraphs.push_back("Natalia Sokolova, the workers' lawyer, was arrested in August.");
        v.names.push_back({"leaders", "Natalia Sokolova"});
      },
      {K::kTextEdited, K::kNameAdded}, true);
  add(
      "404 not found", [](Version& v) { v.http_status = 404, v.paragraphs.clear(); }, {K::kGone},
      true);
  add(
      "410 gone", [](Version& v) { v.http_status = 410; }, {K::kGone}, true);
  add(
      "451 unavailable for legal reasons", [](Version& v) { v.http_status = 451; }, {K::kGone},
      true);
  add(
      "503 says nothing about the document", [](Version& v) { v.http_status = 503; },
      {K::kFetchFailed}, false);
  add(
      "no response", [](Version& v) { v.http_status = 0, v.paragraphs.clear(); }, {K::kFetchFailed},
      false);
  add(
      "redirect to the front page",
      [](Version& v) {
        v.final_url = "https://vlast.kz/";
        v.title = "Vlast.kz — news of Kazakhstan";
        v.paragraphs = {"Top stories", "Tenge falls against the dollar as oil prices drop.",
                        "New school year begins in Almaty with three new schools."};
        v.names.clear();
      },
      {K::kRedirectedAway}, true);
  add(
      "redirect to the same article over https with www and a slash",
      [](Version& v) { v.final_url = "https://www.vlast.kz/novosti/12345-zhanaozen.html/"; },
      {K::kUnchanged}, false);
  add(
      "redirect to a new slug that still carries the article",
      [](Version& v) { v.final_url = "https://vlast.kz/novosti/12345-zhanaozen-strike.html"; },
      {K::kMoved, K::kUnchanged}, false);
  add(
      "200 but another article",
      [](Version& v) {
        v.title = "Page not found";
        v.paragraphs = {"The page you are looking for may have been removed.",
                        "Return to the front page or use the search."};
        v.names.clear();
      },
      {K::kReplaced}, true);
  add(
      "200 with no article text", [](Version& v) { v.paragraphs.clear(), v.names.clear(); },
      {K::kReplaced}, true);
  return cases;
}

TEST(ChangeClassifierTest, KindsAndAlertsOfEachChange) {
  const ChangeClassifier classifier;
  const Version stored = Stored();
  for (const Case& c : Cases()) {
    Version fresh = c.fresh;
    fresh.url = kUrl;
    Change change = classifier.Classify(stored, fresh);
    EXPECT_EQ(change.kinds, c.kinds) << c.name;
    EXPECT_EQ(change.Alerts(), c.alerts) << c.name;
    EXPECT_FALSE(change.coarse) << c.name;
  }
}

// The stored version is the last one fetched: a page still gone is unchanged (no second alert);
// a page back after being gone has all its text and names added.
TEST(ChangeClassifierTest, StillGoneIsUnchangedAndBackIsAdded) {
  Version gone;
  gone.url = kUrl;
  gone.http_status = 410;
  for (int status : {404, 410, 451}) {
    Version again = gone;
    again.http_status = status;
    EXPECT_EQ(ChangeClassifier().Classify(gone, again).kinds, std::vector{K::kUnchanged}) << status;
  }
  Change back = ChangeClassifier().Classify(gone, Fetched());
  EXPECT_EQ(back.kinds, (std::vector{K::kTextEdited, K::kTitleChanged, K::kNameAdded}));
  EXPECT_EQ(back.paragraphs.added.size(), Stored().paragraphs.size());
  EXPECT_TRUE(back.Alerts());
}

// After a move, the stored version landed on the new URL: landing there again is no redirect.
TEST(ChangeClassifierTest, ARedirectCountsOnlyWhenItLandsElsewhereThanTheStoredVersion) {
  Version moved = Stored();
  moved.final_url = "https://vlast.kz/novosti/12345-zhanaozen-strike.html";
  Version again = Fetched();
  again.final_url = moved.final_url;
  EXPECT_EQ(ChangeClassifier().Classify(moved, again).kinds, std::vector{K::kUnchanged});
  Version back_home = Fetched();  // served at the first URL again, no redirect
  EXPECT_EQ(ChangeClassifier().Classify(moved, back_home).kinds,
            (std::vector{K::kMoved, K::kUnchanged}));
}

TEST(ChangeClassifierTest, AlertCosmeticAlertsEveryStoredChangeButNothingElse) {
  auto alerts = [](std::vector<ChangeKind> kinds) {
    Change change;
    change.kinds = std::move(kinds);
    return std::pair(change.Alerts(false), change.Alerts(true));
  };
  EXPECT_EQ(alerts({K::kCosmetic}), std::pair(false, true));
  EXPECT_EQ(alerts({K::kTextEdited}), std::pair(false, true));
  EXPECT_EQ(alerts({K::kMoved, K::kTitleChanged}), std::pair(false, true));
  EXPECT_EQ(alerts({K::kUnchanged}), std::pair(false, false));
  EXPECT_EQ(alerts({K::kFetchFailed}), std::pair(false, false));
  EXPECT_EQ(alerts({K::kGone}), std::pair(true, true));
}

TEST(ChangeClassifierTest, ReportsWhichParagraphsChangedAndTheNames) {
  Version fresh = Fetched();
  fresh.paragraphs = {
      "Views: 1789",  // 0 mod
      "Oil workers in Zhanaozen have been on strike since May, demanding higher wages and safer "
      "conditions at Ozenmunaigas.",                                                      // 1 same
      "On 16 December police opened fire on the strikers in the town square.",            // 2 added
      "The company says the strike is illegal and has dismissed more than 900 workers.",  // 3 mod
      "Lawyers for the dismissed workers have filed appeals in the regional court.",      // 4 same
  };
  fresh.names = {{"zhanaozen", "Zhanaozen"}, {"police", "police"}};
  Change change = ChangeClassifier().Classify(Stored(), fresh);
  EXPECT_EQ(change.kinds, (std::vector{K::kTextEdited, K::kNameRemoved, K::kNameAdded}));
  EXPECT_EQ(change.paragraphs.removed, (std::vector<std::size_t>{3}));  // Tuletayeva's
  EXPECT_EQ(change.paragraphs.added, (std::vector<std::size_t>{2}));
  EXPECT_EQ(change.paragraphs.modified, (std::vector<ModifiedParagraph>{{0, 0}, {2, 3}}));
  EXPECT_EQ(change.names_removed, (std::vector<WatchedName>{{"leaders", "Roza Tuletayeva"}}));
  EXPECT_EQ(change.names_added, (std::vector<WatchedName>{{"police", "police"}}));
  EXPECT_GT(change.overlap, 0.5);
  EXPECT_LT(change.overlap, 1.0);
}

TEST(ChangeClassifierTest, SameArticleUrls) {
  struct UrlCase {
    const char* from;
    const char* to;
    bool same;
  };
  const UrlCase cases[] = {
      {"http://vlast.kz/a/1", "https://vlast.kz/a/1", true},
      {"https://vlast.kz/a/1", "https://www.vlast.kz/a/1", true},
      {"https://vlast.kz/a/1", "https://vlast.kz/a/1/", true},
      {"https://VLAST.kz:443/a/1#comments", "https://vlast.kz/a/1?utm_source=x", true},
      {"https://vlast.kz/a/1", "https://vlast.kz/", false},
      {"https://vlast.kz/a/1", "https://vlast.kz/a/2", false},
      {"https://vlast.kz/a/1", "https://other.kz/a/1", false},
      {"https://vlast.kz/a?id=1", "https://vlast.kz/a?id=2", false},
      {"https://vlast.kz/a/1", "not a url", false},
  };
  for (const UrlCase& c : cases) {
    EXPECT_EQ(SameArticleUrl(c.from, c.to), c.same) << c.from << " -> " << c.to;
  }
}

// Hostile inputs: each gives a classification quickly, without a crash.
TEST(ChangeClassifierTest, HostileInputsAreBounded) {
  const ChangeClassifier classifier;
  const auto start = std::chrono::steady_clock::now();

  Version big_old = Stored(), big_new = Fetched();
  big_old.paragraphs.clear();
  for (int i = 0; i < 100'000; ++i) {
    big_old.paragraphs.push_back("Paragraph number " + std::to_string(i) + " of the report.");
  }
  big_new.paragraphs = big_old.paragraphs;
  for (std::size_t i = 0; i < big_new.paragraphs.size(); i += 2) {
    big_new.paragraphs[i] = "Rewritten paragraph " + std::to_string(i) + " of the report now.";
  }
  Change many = classifier.Classify(big_old, big_new);
  EXPECT_TRUE(many.coarse);
  EXPECT_EQ(many.kinds, (std::vector{K::kTextEdited}));

  Version giant = Fetched();
  giant.paragraphs.push_back("A witness statement, " + std::string(5'000'000, 'x') +
                             ", was read out in court.");
  EXPECT_EQ(classifier.Classify(Stored(), giant).kinds, (std::vector{K::kTextEdited}));

  Version invalid = Fetched();
  invalid.paragraphs[2] = "The company \xff\xfe says \xd0 the strike \xe2\x80 is illegal.";
  invalid.title = "\xc0\xaf";
  Change broken = classifier.Classify(Stored(), invalid);
  EXPECT_TRUE(broken.Has(K::kTextEdited));
  EXPECT_TRUE(broken.Has(K::kTitleChanged));

  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::duration<double>(5 * kSanitizerSlowdown));
}

}  // namespace
}  // namespace kuzet::watch
