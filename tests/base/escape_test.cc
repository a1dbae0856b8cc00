#include "base/escape.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::base {
namespace {

TEST(HtmlEscapeTest, EscapesWhatCanEndAnAttributeOrStartATag) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"Жаңаөзен strike", "Жаңаөзен strike"},
      {"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
      {"\" onmouseover=\"x", "&quot; onmouseover=&quot;x"},
      {"AT&T &amp;", "AT&amp;T &amp;amp;"},
  };
  for (const Case& c : cases) EXPECT_EQ(HtmlEscape(c.in), c.out) << c.in;
}

TEST(XmlEscapeTest, OutputIsXml10CharDataForAnyInput) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string name, in, out;
  };
  const Case cases[] = {
      {"empty", "", ""},
      {"specials", "<a href=\"x\">'&'</a>",
       "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"},
      {"tab lf cr kept", "a\tb\nc\rd", "a\tb\nc\rd"},
      {"C0 controls", std::string("a\0b\x01\x08\x0b\x0c\x1f", 8),
       "a" + kFffd + "b" + kFffd + kFffd + kFffd + kFffd + kFffd},
      {"DEL and C1 are XML 1.0 Chars", "\x7F\xC2\x85", "\x7F\xC2\x85"},
      {"Cyrillic and Kazakh", "Жаңаөзен", "Жаңаөзен"},
      {"U+FFFE",
       "a\xEF\xBF\xBE"
       "b",
       "a" + kFffd + "b"},
      {"U+FFFF", "\xEF\xBF\xBF", kFffd},
      {"U+FFFD kept", kFffd, kFffd},
      {"U+E000 and U+10FFFF kept", "\xEE\x80\x80\xF4\x8F\xBF\xBF", "\xEE\x80\x80\xF4\x8F\xBF\xBF"},
      {"encoded surrogate U+D800", "\xED\xA0\x80", kFffd + kFffd + kFffd},
      {"lone continuation byte", "a\x80z", "a" + kFffd + "z"},
      {"truncated sequence", "\xE2\x82", kFffd},
      {"truncated then ASCII", "\xE2\x82<", kFffd + "&lt;"},
      {"overlong slash", "\xC0\xAF", kFffd + kFffd},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},
      {"windows-1251 bytes", "\xC6\xE0\xED", kFffd + kFffd + kFffd},
  };
  for (const Case& c : cases) EXPECT_EQ(XmlEscape(c.in), c.out) << c.name;
}

TEST(XmlEscapeTest, EveryByteValueGivesWellFormedUtf8) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string out = XmlEscape(std::string(1, static_cast<char>(byte)) + "x");
    EXPECT_TRUE(out.ends_with("x")) << byte;
    for (unsigned char c : out)
      EXPECT_TRUE(c >= 0x20 || c == '\t' || c == '\n' || c == '\r') << byte;
  }
}

TEST(CsvFieldTest, QuotesAndNeutralizesFormulas) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""},
      {"=1+2", "'=1+2"},
      {"+7 701", "'+7 701"},
      {"-5", "'-5"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tcmd", "'\tcmd"},
      {"\rcmd", "\"'\rcmd\""},
      {"a=1", "a=1"},  // only the first character starts a formula
      {"Жаңаөзен", "Жаңаөзен"},
  };
  for (const Case& c : cases) EXPECT_EQ(CsvField(c.in), c.out) << c.in;
}

TEST(SafeHeaderValueTest, RejectsWhatCouldEndTheField) {
  struct Case {
    std::string value;
    bool safe;
  };
  const Case cases[] = {
      {"", true},
      {"Bearer abc", true},
      {"tab\tinside", true},
      {"Жаңаөзен", true},
      {"x\r\nBcc: victim@example.org", false},
      {"x\nSet-Cookie: a=b", false},
      {"x\r", false},
      {std::string("x\0y", 3), false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsSafeHeaderValue(c.value), c.safe) << c.value;
}

}  // namespace
}  // namespace kuzet::base
