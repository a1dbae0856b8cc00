// Tests of watch/change_headline.h: the headline of each kind, the order when a change has
// several, and the bounded list of names.
#include "watch/change_headline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kuzet::watch {
namespace {

using K = ChangeKind;

Change Make(std::vector<ChangeKind> kinds) {
  Change change;
  change.kinds = std::move(kinds);
  change.http_status = 200;
  return change;
}

TEST(ChangeHeadlineTest, EachKindAndTheOrderOfSeveral) {
  Change gone = Make({K::kGone});
  gone.http_status = 451;
  Change away = Make({K::kRedirectedAway});
  away.redirected_to = "https://vlast.kz/";
  Change moved = Make({K::kMoved, K::kCosmetic});
  moved.redirected_to = "https://vlast.kz/news/12345-new-slug";
  Change names = Make({K::kTextEdited, K::kTitleChanged, K::kNameRemoved, K::kNameAdded});
  names.names_removed = {{"leaders", "Roza Tuletayeva"}};
  names.names_added = {{"police", "police"}, {"zhanaozen", "Жанаозен"}};
  Change removed = names;
  removed.kinds = {K::kTextEdited, K::kNameRemoved};
  Change edited = Make({K::kTextEdited});
  edited.paragraphs.removed = {1};
  edited.paragraphs.modified = {{2, 2}, {3, 3}};
  Change one_paragraph = Make({K::kMoved, K::kTextEdited});
  one_paragraph.paragraphs.added = {7};

  const struct {
    const Change& change;
    const char* headline;
  } cases[] = {
      {gone, "deleted (HTTP 451)"},
      {away, "redirected away to https://vlast.kz/"},
      {Make({K::kReplaced}), "replaced: the article is no longer on the page"},
      {names, "name removed: Roza Tuletayeva; added: police, Жанаозен"},
      {removed, "name removed: Roza Tuletayeva"},
      {Make({K::kTextEdited, K::kTitleChanged}), "title changed"},
      {edited, "text edited (3 paragraphs)"},
      {one_paragraph, "text edited (1 paragraph)"},
      {moved, "moved to https://vlast.kz/news/12345-new-slug"},
      {Make({K::kCosmetic}), "cosmetic edit"},
      {Make({K::kUnchanged}), "unchanged"},
      {Make({K::kFetchFailed}), "fetch failed"},
  };
  for (const auto& c : cases) EXPECT_EQ(ChangeHeadline(c.change), c.headline);
}

TEST(ChangeHeadlineTest, NamesAreDistinctAndAtMostThree) {
  Change change = Make({K::kNameAdded});
  change.names_added = {{"a", "Kazakhstan"}, {"b", "Kazakhstan"}, {"a", "Aktau"},
                        {"a", "Zhanaozen"},  {"a", "Shetpe"},     {"a", "Mangystau"}};
  EXPECT_EQ(ChangeHeadline(change), "name added: Aktau, Kazakhstan, Mangystau and 2 more");
}

// Through the classifier: the status and the target of the fetch are in the headline.
TEST(ChangeHeadlineTest, FromAClassifiedFetch) {
  Version stored;
  stored.url = "https://vlast.kz/novosti/12345.html";
  stored.paragraphs = {"Oil workers in Zhanaozen have been on strike since May this year."};
  Version gone = stored;
  gone.http_status = 410;
  EXPECT_EQ(ChangeHeadline(ChangeClassifier().Classify(stored, gone)), "deleted (HTTP 410)");
  Version front = stored;
  front.final_url = "https://vlast.kz/";
  front.paragraphs = {"Top stories of the day: tenge, oil prices and the weather in Almaty."};
  EXPECT_EQ(ChangeHeadline(ChangeClassifier().Classify(stored, front)),
            "redirected away to https://vlast.kz/");
}

}  // namespace
}  // namespace kuzet::watch
