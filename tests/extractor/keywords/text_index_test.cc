// TextIndex breaks runs of plain letters, digits and punctuation itself and gives ICU only the
// rest (issue #17). Its words must be exactly those of ICU's word BreakIterator over the whole
// text: the matcher's hits, the search keys and their positions all come from them.
#include "extractor/keywords/text_index.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/rbbi.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/uvernum.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "extractor/keywords/word_break_classes.h"
#include "tests/shared_corpus.h"

namespace kuzet::keywords {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<icu::BreakIterator> RootWordBreaker() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  return breaker;
}

// TextIndex as it was before the fast path: the decode, then ICU over the whole text.
struct ReferenceIndex {
  std::u16string text;
  std::vector<uint32_t> byte_of_u16;  // one per unit, and one for the end
  std::vector<Token> tokens;
};

ReferenceIndex Reference(std::string_view utf8, icu::BreakIterator* breaker) {
  ReferenceIndex ref;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    const auto start = static_cast<uint32_t>(i);
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    if (c <= 0xFFFF) {
      ref.text.push_back(static_cast<char16_t>(c));
      ref.byte_of_u16.push_back(start);
    } else {
      ref.text.push_back(static_cast<char16_t>(U16_LEAD(c)));
      ref.text.push_back(static_cast<char16_t>(U16_TRAIL(c)));
      ref.byte_of_u16.push_back(start);
      ref.byte_of_u16.push_back(start);
    }
  }
  ref.byte_of_u16.push_back(static_cast<uint32_t>(length));
  const icu::UnicodeString text(false, reinterpret_cast<const UChar*>(ref.text.data()),
                                static_cast<int32_t>(ref.text.size()));
  breaker->setText(text);
  int32_t start = breaker->first();
  for (int32_t end = breaker->next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker->next()) {
    if (breaker->getRuleStatus() == UBRK_WORD_NONE) continue;
    ref.tokens.push_back(Token{start, end, ref.byte_of_u16[start], ref.byte_of_u16[end]});
  }
  return ref;
}

std::string Escaped(std::u16string_view text) {
  std::ostringstream out;
  for (char16_t u : text) {
    if (u >= 0x20 && u < 0x7F) {
      out << static_cast<char>(u);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04X", static_cast<unsigned>(u));
      out << hex;
    }
  }
  return out.str();
}

std::string Words(std::u16string_view text, const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    out.push_back('[');
    out.append(Escaped(text.substr(t.u16_begin, t.u16_end - t.u16_begin)));
    out.push_back(']');
  }
  return out;
}

// The text, the byte offsets and the tokens of TextIndex equal the reference's; returns whether
// they do (a failure names `what` and shows both word lists).
bool ExpectSameAsIcu(std::string_view utf8, const std::string& what) {
  static icu::BreakIterator* const breaker = RootWordBreaker().release();
  const ReferenceIndex ref = Reference(utf8, breaker);
  const std::unique_ptr<icu::BreakIterator> fast_breaker(breaker->clone());
  const TextIndex index(utf8, fast_breaker.get());
  const std::u16string_view text(reinterpret_cast<const char16_t*>(index.text().getBuffer()),
                                 static_cast<size_t>(index.text().length()));
  if (text != ref.text) {
    ADD_FAILURE() << what << ": decoded text differs";
    return false;
  }
  for (size_t i = 0; i < ref.byte_of_u16.size(); ++i) {
    if (index.ByteOffset(static_cast<int32_t>(i)) != ref.byte_of_u16[i]) {
      ADD_FAILURE() << what << ": byte offset of unit " << i;
      return false;
    }
  }
  const std::vector<Token>& tokens = index.tokens();
  bool same = tokens.size() == ref.tokens.size();
  for (size_t i = 0; same && i < tokens.size(); ++i) {
    same = tokens[i].u16_begin == ref.tokens[i].u16_begin &&
           tokens[i].u16_end == ref.tokens[i].u16_end &&
           tokens[i].byte_begin == ref.tokens[i].byte_begin &&
           tokens[i].byte_end == ref.tokens[i].byte_end;
  }
  if (!same) {
    ADD_FAILURE() << what << ": words differ from ICU's\n  text  " << Escaped(text) << "\n  ICU   "
                  << Words(text, ref.tokens) << "\n  fast  " << Words(text, tokens);
  }
  return same;
}

std::string Utf8(std::u16string_view text) {
  std::string out;
  icu::UnicodeString(false, reinterpret_cast<const UChar*>(text.data()),
                     static_cast<int32_t>(text.size()))
      .toUTF8String(out);
  return out;
}

TEST(TextIndexTest, EdgeCasesEqualIcu) {
  using namespace std::string_view_literals;
  const std::string_view cases[] = {
      "",
      "a",
      "1",
      "don't",
      "don’t stop",
      "Jan'ao'zen Janʼaozen",
      "3,5 3.14 1,000,000 3;5 3:5 3'5 3’5",
      "U.S.A. a.b a..b .a. a. .5 5. 5.a a.5 a5.5 5a.b",
      "a:b Kazakhstan:Zhanaozen а:б",  // ICU's root rules take ':' out of MidLetter
      "user@example.com @kuzet a@1",   // and put '@' among the letters
      "snake_case __ _a a_ 1_2 _",
      "Жаңа-Өзен Жаңа‐Өзен Жаңа‑Өзен ә ғ қ ң ө ұ ү һ і",
      "soft\u00ADhyphen a\u0301b Жанао\u0301зен \u0301a \u0301 a\u0301",
      "zw\u200Dj zw\u200Cnj a\u200D\u200Db \u200D",
      "nb\u00A0sp line\u2028sep para\u2029sep \r\n a\r\nb",
      "\"quoted\" «ёлочки» „lapki“ א\"ב שלום ע\"י ג'ירפה",
      "😀 a😀b 👍🏽 👨‍👩‍👧 a\u200D😀 🇰🇿🇷🇺 🇰",
      "中文字 漢字かな カタカナ ｶﾀｶﾅ 한국어 ภาษาไทย ພາສາລາວ",
      "٣٫٥ ١٬٠٠٠ كتاب مُحَمَّد",
      "e.g., i.e. Mr. St.Petersburg 10:30 12/05/2011 50% $5 #tag",
      "\xFF\xC0\x80 a\xE2\x80 b\xF0\x9F c"sv,
      "a\0b \0"sv,
  };
  for (std::string_view text : cases) {
    ExpectSameAsIcu(text, std::string(text));
  }
}

// Every code unit but the surrogates, beside each class of neighbour on either side and between
// two of them: the table of word_break_classes.cc against ICU's rules themselves.
TEST(TextIndexTest, EveryBmpCharacterInContextEqualsIcu) {
  const std::u16string neighbours[] = {
      u"a",      u"ж",      u"1",      u".",      u",",      u":",      u";",      u"'",
      u"’",      u"\"",     u"_",      u"@",      u"-",      u" ",      u"\n",     u"\r",
      u"\u0301", u"\u200D", u"\u00AD", u"\u05D0", u"\u30A2", u"\u4E2D", u"\u0E01", u"\uAC00",
      u"\u00A0", u"٣",      u"\u3042", u"\u00A9", u"a.",     u"1,",     u"\uFF1A",
  };
  size_t failures = 0;
  for (char32_t c = 0; c < 0x10000 && failures < 20; ++c) {
    if (U16_IS_SURROGATE(c)) continue;
    const std::u16string unit(1, static_cast<char16_t>(c));
    std::u16string text = unit;
    for (const std::u16string& n : neighbours) {
      text += u" " + n + unit + n + u" " + unit + n + u" " + n + unit + unit + n + u" " + n + unit +
              u"a" + n + unit + u"1";
    }
    text += unit;
    char label[32];
    std::snprintf(label, sizeof label, "U+%04X in context", static_cast<unsigned>(c));
    if (!ExpectSameAsIcu(Utf8(text), label)) ++failures;
  }
}

// Random strings of the pieces news text is made of and of the ones that trip word breaking, so
// that each piece meets each other at every edge.
TEST(TextIndexTest, GeneratedStringsEqualIcu) {
  const char* const pieces[] = {
      "a",      "Z",      "ж",      "Ё",      "ә",        "ғ",        "қ",      "ң",      "ө",
      "ұ",      "ү",      "һ",      "і",      "Ә",        "é",        "ß",      "0",      "7",
      "42",     "3,5",    "U.S.A",  "don't",  "a.b",      "ab",       "абв",    "!",      "\"",
      "#",      "$",      "%",      "&",      "'",        "(",        ")",      "*",      "+",
      ",",      "-",      ".",      "/",      ":",        ";",        "<",      "=",      ">",
      "?",      "@",      "[",      "\\",     "]",        "^",        "_",      "`",      "{",
      "|",      "}",      "~",      " ",      "  ",       "\t",       "\n",     "\r\n",   "’",
      "ʼ",      "‘",      "‐",      "‑",      "—",        "\u00AD",   "\u0301", "\u200D", "\u200C",
      "\u2060", "\u00A0", "\u2028", "\u3000", "😀",        "👍🏽", "🇰🇿",     "🇰",      "中",
      "文",     "か",     "カ",     "ー",     "ｶ",        "한",       "ก",      "ไทย",    "א",
      "ש",      "ك",      "\u064E", "٣",      "٫",        "·",        "…",      "«",      "»",
      "„",      "“",      "”",      "\xFF",   "\xE2\x80", "\x00",     "·",      "․",      "﹕",
      "：",     "＇",     "，",     "．",     "𝐀",        "𝟏",        "ⓐ",      "©",
  };
  std::mt19937 random(20261206);
  std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> count(1, 24);
  size_t failures = 0;
  for (int round = 0; round < 40000 && failures < 20; ++round) {
    std::string text;
    for (int n = count(random); n > 0; --n) {
      const char* p = pieces[piece(random)];
      text += *p == '\0' ? std::string(1, '\0') : std::string(p);
    }
    if (!ExpectSameAsIcu(text, "generated round " + std::to_string(round))) ++failures;
  }
}

// Every text of ../shared: the articles and raw pages of aeb-dev and daniel-ru-dev, the
// readability pages and their expected articles, the htmldate pages, and the charset-dev texts
// both as bytes (invalid UTF-8 included) and decoded from their charsets.
TEST(TextIndexTest, EverySharedTextEqualsIcu) {
  const fs::path corpus = testing::SharedCorpusDir("");
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no shared corpus at " << corpus;
  size_t texts = 0, failures = 0;
  auto check = [&](std::string_view text, const std::string& what) {
    ++texts;
    if (!ExpectSameAsIcu(text, what)) ++failures;
  };
  for (const char* name : {"aeb-dev", "daniel-ru-dev"}) {
    const std::vector<testing::GroundTruthArticle> articles = testing::GroundTruth(name);
    ASSERT_FALSE(articles.empty()) << corpus / name / "ground-truth.json";
    for (const testing::GroundTruthArticle& article : articles) {
      check(article.body, std::string(name) + "/" + article.id);
      const std::string html =
          testing::ReadGzipFile(corpus / name / "html" / (article.id + ".html.gz"));
      ASSERT_FALSE(html.empty()) << name << "/" << article.id;
      check(html, std::string(name) + "/" + article.id + ".html.gz");
    }
  }
  for (const fs::directory_entry& page : fs::directory_iterator(corpus / "readability")) {
    for (const char* file : {"source.html", "expected.html"}) {
      if (fs::exists(page.path() / file)) {
        check(testing::ReadCorpusFile(page.path() / file),
              page.path().filename().string() + "/" + file);
      }
    }
  }
  for (const fs::directory_entry& page :
       fs::directory_iterator(corpus / "htmldate-dev" / "test_set")) {
    check(testing::ReadCorpusFile(page.path()), "htmldate-dev/" + page.path().filename().string());
  }
  std::ifstream labels(corpus / "charset-dev" / "labels.tsv");
  ASSERT_TRUE(labels) << corpus / "charset-dev" / "labels.tsv";
  std::string line;
  size_t decoded = 0;
  while (std::getline(labels, line)) {
    std::istringstream fields(line);
    std::string file, lang, charset;
    if (!(fields >> file >> lang >> charset) || file == "file") continue;
    const std::string bytes = testing::ReadCorpusFile(corpus / "charset-dev" / "pages" / file);
    check(bytes, "charset-dev/" + file + " as bytes");
    const icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()),
                                  charset.c_str());
    if (text.isBogus()) continue;
    std::string utf8;
    check(text.toUTF8String(utf8), "charset-dev/" + file + " from " + charset);
    ++decoded;
  }
  EXPECT_GT(decoded, 100u) << "ICU converts the charset-dev charsets";
  EXPECT_GT(texts, 1000u);
  EXPECT_EQ(failures, 0u);
}

// The fast path must take the common text: a shared article whose words all came from ICU would
// pass the tests above and gain nothing. Letters, digits and the joining punctuation are its own.
TEST(WordBreakClassesTest, NewsTextIsTheFastPaths) {
  if (U_ICU_VERSION_MAJOR_NUM != 72) {
    GTEST_SKIP() << "ICU " U_ICU_VERSION ": the fast path is off, ICU breaks every text";
  }
  const WordBreakClass* classes = WordBreakClassTable();
  for (char16_t u : std::u16string_view(u"azAZжЖәғқңөұүһіЁé@")) {
    EXPECT_EQ(classes[u], WordBreakClass::kLetter) << Escaped(std::u16string(1, u));
  }
  for (char16_t u : std::u16string_view(u"09٣")) EXPECT_EQ(classes[u], WordBreakClass::kDigit);
  for (char16_t u : std::u16string_view(u" \n\r\t-!?()/:%\u00A0\u2028\u2010\u2011«»—")) {
    EXPECT_EQ(classes[u], WordBreakClass::kSeparator) << Escaped(std::u16string(1, u));
  }
  EXPECT_EQ(classes[u'.'], WordBreakClass::kMidNumLet);
  EXPECT_EQ(classes[u'\''], WordBreakClass::kMidNumLet);
  EXPECT_EQ(classes[u'’'], WordBreakClass::kMidNumLet);
  EXPECT_EQ(classes[u','], WordBreakClass::kMidNum);
  EXPECT_EQ(classes[u'\u00B7'], WordBreakClass::kMidLetter);
  EXPECT_EQ(classes[u'"'], WordBreakClass::kDoubleQuote);
  for (char16_t u : std::u16string_view(u"_\u0301\u00AD\u200D\u200C\u05D0\u30A2\u4E2D\u0E01©")) {
    EXPECT_EQ(classes[u], WordBreakClass::kComplex) << Escaped(std::u16string(1, u));
  }
}

}  // namespace
}  // namespace kuzet::keywords
