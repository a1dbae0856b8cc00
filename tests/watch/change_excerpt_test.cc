// Tests of watch/change_excerpt.h: the sentences before and after a name removed or added, the
// marks on both sides, long sentences cut around the mark, and escaping of hostile text.
#include "watch/change_excerpt.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::watch {
namespace {

std::size_t Find(std::string_view text, std::string_view what) {
  std::size_t at = text.find(what);
  EXPECT_NE(at, std::string_view::npos) << what;
  return at;
}

struct Case {
  const char* name;
  const char* old_text;
  const char* new_text;
  NameChange change;
  const char* watched;  // found in the old text when removed, in the new one when added
  const char* before;   // RenderPlain of each side
  const char* after;
};

TEST(ExcerptNameChangeTest, SentencesAroundTheChangeWithBothSidesMarked) {
  const Case cases[] = {
      {"name replaced by other words",
       "The strike began in May. Roza Tuletayeva led the workers. Talks failed.",
       "The strike began in May. One activist led the workers. Talks failed.", NameChange::kRemoved,
       "Roza Tuletayeva", "[[Roza Tuletayeva]] led the workers.",
       "[[One activist]] led the workers."},
      {"name dropped from its sentence",
       "Police fired on strikers in Zhanaozen on 16 December.\n\nA curfew followed.",
       "Police fired on strikers on 16 December.\n\nA curfew followed.", NameChange::kRemoved,
       "Zhanaozen", "Police fired on strikers in [[Zhanaozen]] on 16 December.",
       "Police fired on strikers on 16 December."},
      {"name added in Russian", "Забастовка продолжается. Суд отклонил иск.",
       "Забастовка в Жанаозене продолжается. Суд отклонил иск.", NameChange::kAdded, "Жанаозене",
       "Забастовка продолжается.", "Забастовка в [[Жанаозене]] продолжается."},
      {"sentence removed whole", "First sentence. Roza Tuletayeva spoke. Last sentence.",
       "First sentence. Last sentence.", NameChange::kRemoved, "Roza Tuletayeva",
       "[[Roza Tuletayeva]] spoke.", "Last sentence."},
  };
  for (const Case& c : cases) {
    std::string_view with_name = c.change == NameChange::kRemoved ? c.old_text : c.new_text;
    const std::size_t at = Find(with_name, c.watched);
    BeforeAfter excerpt = ExcerptNameChange(c.old_text, c.new_text, c.change, at,
                                            at + std::string_view(c.watched).size());
    EXPECT_EQ(RenderPlain(excerpt.before), c.before) << c.name;
    EXPECT_EQ(RenderPlain(excerpt.after), c.after) << c.name;
  }
}

TEST(ExcerptNameChangeTest, LongSentencesAreCutAroundTheMarkAtCharacters) {
  std::string filler;
  for (int i = 0; i < 100; ++i) filler += "жұмысшылар ";  // Kazakh, two-byte letters
  const std::string old_text = filler + "Жаңаөзен " + filler + "end.";
  const std::string new_text = filler + filler + "end.";
  const std::size_t at = old_text.find("Жаңаөзен");
  BeforeAfter excerpt = ExcerptNameChange(old_text, new_text, NameChange::kRemoved, at,
                                          at + std::string_view("Жаңаөзен").size());
  const Excerpt& before = excerpt.before;
  EXPECT_LE(before.text.size(), kMaxExcerptBytes + 2 * std::string_view("…").size());
  EXPECT_EQ(before.text.substr(before.mark_begin, before.mark_end - before.mark_begin), "Жаңаөзен");
  EXPECT_TRUE(before.text.starts_with("…"));
  EXPECT_TRUE(before.text.ends_with("…"));
  EXPECT_GT(before.mark_begin, 100u) << "the mark is near the middle";
  EXPECT_EQ(RenderPlain(before).find("\xef\xbf\xbd"), std::string::npos) << "no cut character";
  EXPECT_LE(excerpt.after.text.size(), kMaxExcerptBytes + 2 * std::string_view("…").size());
}

TEST(ExcerptNameChangeTest, HtmlIsEscapedAndPlainHasNoControls) {
  const std::string old_text = "<b>Tuletayeva</b> said \x1b[2J\"no\" & left\xff.";
  const std::string new_text = "<b>Someone</b> said \x1b[2J\"no\" & left\xff.";
  const std::size_t at = old_text.find("Tuletayeva");
  BeforeAfter excerpt = ExcerptNameChange(old_text, new_text, NameChange::kRemoved, at, at + 10);
  EXPECT_EQ(RenderHtml(excerpt.before),
            "&lt;b&gt;<mark>Tuletayeva</mark>&lt;/b&gt; said \xef\xbf\xbd[2J&quot;no&quot; "
            "&amp; left\xef\xbf\xbd.");
  EXPECT_EQ(RenderHtml(excerpt.after),
            "&lt;b&gt;<mark>Someone</mark>&lt;/b&gt; said \xef\xbf\xbd[2J&quot;no&quot; "
            "&amp; left\xef\xbf\xbd.");
  EXPECT_EQ(RenderPlain(excerpt.before),
            "<b>[[Tuletayeva]]</b> said \xef\xbf\xbd[2J\"no\" & left\xef\xbf\xbd.");
}

// An empty range (a position) maps to the same place in the other text, not to the same offset.
TEST(ExcerptNameChangeTest, APositionMapsToTheSamePlace) {
  const std::string old_text = "One. Two. Three.";
  const std::string new_text = "A long new first sentence here. One. Two. Three.";
  const std::size_t at = old_text.find("Three");
  BeforeAfter excerpt = ExcerptNameChange(old_text, new_text, NameChange::kRemoved, at, at);
  EXPECT_EQ(excerpt.before.text, "Three.");
  EXPECT_EQ(excerpt.after.text, "Three.");
  EXPECT_EQ(excerpt.after.mark_begin, 0u);
  EXPECT_EQ(excerpt.after.mark_end, 0u);
}

TEST(ExcerptNameChangeTest, RangesOutsideTheTextAreClamped) {
  BeforeAfter excerpt = ExcerptNameChange("short", "", NameChange::kRemoved, 3, 1000);
  EXPECT_EQ(RenderPlain(excerpt.before), "sho[[rt]]");
  EXPECT_EQ(RenderPlain(excerpt.after), "");
  excerpt = ExcerptNameChange("", "", NameChange::kAdded, 5, 2);
  EXPECT_EQ(RenderPlain(excerpt.before), "");
}

}  // namespace
}  // namespace kuzet::watch
