#include "base/escape.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
      {"tab lf cr as references", "a\tb\nc\r\nd", "a&#x9;b&#xA;c&#xD;&#xA;d"},
      {"C0 controls", std::string("a\0b\x01\x08\x0b\x0c\x1f", 8),
       "a" + kFffd + "b" + kFffd + kFffd + kFffd + kFffd + kFffd},
      {"DEL and C1 controls", "a\x7F\xC2\x85\xC2\x9B", "a" + kFffd + kFffd + kFffd},
      {"noncharacters", "\xEF\xB7\x90\xEF\xB7\xAF\xF0\x9F\xBF\xBE\xF4\x8F\xBF\xBF",
       kFffd + kFffd + kFffd + kFffd},
      {"U+FDCF and U+FDF0 kept", "\xEF\xB7\x8F\xEF\xB7\xB0", "\xEF\xB7\x8F\xEF\xB7\xB0"},
      {"U+00A0 kept", "\xC2\xA0", "\xC2\xA0"},
      {"Cyrillic and Kazakh", "Жаңаөзен", "Жаңаөзен"},
      {"U+FFFE",
       "a\xEF\xBF\xBE"
       "b",
       "a" + kFffd + "b"},
      {"U+FFFF", "\xEF\xBF\xBF", kFffd},
      {"U+FFFD kept", kFffd, kFffd},
      {"U+E000 and U+10FFFD kept", "\xEE\x80\x80\xF4\x8F\xBF\xBD", "\xEE\x80\x80\xF4\x8F\xBF\xBD"},
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
    for (unsigned char c : out) EXPECT_GE(c, 0x20) << byte;  // TAB, LF, CR as references
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
      {"bad \xFF byte", "bad \xEF\xBF\xBD byte"},
      {"\xFF=1", "\xEF\xBF\xBD=1"},
  };
  for (const Case& c : cases) EXPECT_EQ(CsvField(c.in), c.out) << c.in;
}

TEST(CsvRecordTest, JoinsEscapedFieldsAndEndsWithCrLf) {
  struct Case {
    std::vector<std::string> fields;
    std::string out;
  };
  const Case cases[] = {
      {{}, "\r\n"},
      {{""}, "\r\n"},
      {{"", ""}, ",\r\n"},
      {{"1", "a,b", "=x"}, "1,\"a,b\",'=x\r\n"},
      {{"two\nlines", "Жанаозен"}, "\"two\nlines\",Жанаозен\r\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(CsvRecord(c.fields), c.out) << c.out;
}

TEST(ToValidUtf8Test, IllFormedSubsequencesBecomeReplacementCharacters) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string name, in, out;
  };
  const Case cases[] = {
      {"empty", "", ""},
      {"valid text kept", "Жаңаөзен 𝔘 \x01\x7F", "Жаңаөзен 𝔘 \x01\x7F"},
      {"invalid byte",
       "a\xFF"
       "b",
       "a" + kFffd + "b"},
      {"encoded surrogate U+D800", "\xED\xA0\x80", kFffd + kFffd + kFffd},
      {"overlong slash", "\xC0\xAF", kFffd + kFffd},
      {"cut two-byte sequence", "cut \xD0", "cut " + kFffd},
      {"cut three-byte sequence: one maximal subpart", "\xE2\x82z", kFffd + "z"},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},
      {"lone continuation bytes", "\x80\xBF", kFffd + kFffd},
      {"windows-1251 bytes", "\xC6\xE0\xED", kFffd + kFffd + kFffd},
  };
  for (const Case& c : cases) EXPECT_EQ(ToValidUtf8(c.in), c.out) << c.name;
}

TEST(TerminalTextTest, ControlsAndBidiControlsBecomeReplacementCharacters) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string name, in;
    bool keep_line_breaks;
    std::string out;
  };
  const Case cases[] = {
      {"plain", "Жаңаөзен strike", false, "Жаңаөзен strike"},
      {"ESC sequences", "\x1B]0;owned\x07Title\x1B[2J", false,
       kFffd + "]0;owned" + kFffd + "Title" + kFffd + "[2J"},
      {"DEL and C1 CSI",
       "a\x7F\xC2\x9B"
       "1A",
       false, "a" + kFffd + kFffd + "1A"},
      {"right-to-left override", "x\xE2\x80\xAEy", false, "x" + kFffd + "y"},
      {"isolates", "\xE2\x81\xA6x\xE2\x81\xA9", false, kFffd + "x" + kFffd},
      {"line breaks as spaces", "a\tb\nc\rd", false, "a b c d"},
      {"line breaks kept, CR not", "a\tb\nc\rd", true, "a\tb\nc d"},
      {"invalid UTF-8", "\xFF", false, kFffd},
  };
  for (const Case& c : cases) EXPECT_EQ(TerminalText(c.in, c.keep_line_breaks), c.out) << c.name;
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
