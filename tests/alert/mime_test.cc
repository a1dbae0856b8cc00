// The alert e-mail as mail systems and clients see it: headers, encoding, structure, safety.
#include "alert/mime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "alert/alert_json.h"
#include "alert/base64.h"
#include "alert/header_field.h"
#include "alert/mail_address.h"
#include "alert/untrusted_text.h"
#include "base/escape.h"
#include "tests/alert/child_process.h"
#include "tests/alert/mail_parser.h"

namespace kuzet::alert {
namespace {

using ::testing::HasSubstr;
using testing::MailParserPython;
using ::testing::Not;
using testing::ParseMail;

const auto kDate = std::chrono::system_clock::time_point(std::chrono::seconds(1764400620));

const std::string kRussianTitle =
    "Забастовка нефтяников в Жанаозене: суд вынес приговор активистам профсоюза";
const std::string kKazakhTitle =
    "Жаңаөзендегі мұнайшылар ереуілі: кәсіподақ белсенділеріне үкім шықты";

Alert SampleAlert() {
  Alert a;
  a.id = "42";
  a.rule_id = "zhanaozen";
  a.rule_description = "Жанаозен / Zhanaozen";
  a.site_id = "vlast";
  a.site_name = "Власть.kz";
  a.url = "https://vlast.kz/obsshestvo/12345-zhanaozen.html";
  a.title = kRussianTitle;
  a.lang = "ru";
  a.snippet = "В декабре 2011 года в Жанаозене полиция открыла огонь по бастующим.";
  const std::string match = "Жанаозене";
  a.snippet_mark_begin = static_cast<uint32_t>(a.snippet.find(match));
  a.snippet_mark_end = a.snippet_mark_begin + static_cast<uint32_t>(match.size());
  a.found_at_us = 1764400000LL * 1000000;
  a.web_url = "http://127.0.0.1:8080/mention/42";
  a.story_url = "http://127.0.0.1:8080/story/7";
  a.other_urls = {"https://rus.azattyq.org/a/zhanaozen/1.html"};
  return a;
}

MailSettings SampleSettings() {
  MailSettings s;
  s.from = "kuzet@monitor.example.org";
  s.to = {"analyst@example.org", "desk@union.example.kz"};
  return s;
}

std::string Build(const Alert& a, const MailSettings& s = SampleSettings()) {
  Result<std::string> m = BuildMessage(a, s, kDate);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? m.value() : "";
}

std::vector<std::string> Lines(const std::string& message) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < message.size()) {
    const size_t end = message.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(message.substr(start));
      break;
    }
    lines.push_back(message.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string HeaderSection(const std::string& message) {
  return message.substr(0, message.find("\r\n\r\n") + 2);
}

// Field names at the start of unfolded header lines.
std::vector<std::string> FieldNames(const std::string& message) {
  std::vector<std::string> names;
  for (const std::string& line : Lines(HeaderSection(message))) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') continue;
    names.push_back(line.substr(0, line.find(':')));
  }
  return names;
}

std::string PartText(const nlohmann::json& parsed, const std::string& type) {
  for (const auto& part : parsed["parts"]) {
    if (part["content_type"] != type) continue;
    std::string text = part["text"].get<std::string>();  // CRLF as on the wire; compare with LF
    for (size_t p; (p = text.find("\r\n")) != std::string::npos;) text.erase(p, 1);
    return text;
  }
  return "";
}

// --- Subject: RFC 2047 as a real mail parser decodes it --------------------------------------

struct SubjectCase {
  std::string name, rule, title, expected_subject;
};

class SubjectTest : public ::testing::TestWithParam<SubjectCase> {};

TEST_P(SubjectTest, DecodesExactlyInPythonEmail) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  a.rule_description = GetParam().rule;
  a.title = GetParam().title;
  const std::string message = Build(a);
  const auto parsed = ParseMail(message);
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array()) << message;
  EXPECT_EQ((*parsed)["subject"], GetParam().expected_subject);
}

TEST_P(SubjectTest, FoldedWordsStayWithinLimitsAndWholeCharacters) {
  Alert a = SampleAlert();
  a.rule_description = GetParam().rule;
  a.title = GetParam().title;
  const std::string headers = HeaderSection(Build(a));
  for (const std::string& line : Lines(headers)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
  // Every encoded-word: at most 75 characters, payload is complete UTF-8 by itself.
  size_t pos = 0;
  int words = 0;
  while ((pos = headers.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const size_t end = headers.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u);
    const std::string payload = headers.substr(pos + 10, end - pos - 10);
    // Decode with the encoder's inverse property: re-encoding the valid-UTF-8 decode must give
    // the same payload, which fails if the word ended inside a character (U+FFFD substitution).
    std::string decoded;
    {
      static const std::string kAlphabet =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      uint32_t acc = 0;
      int bits = 0;
      for (char c : payload) {
        if (c == '=') break;
        acc = acc << 6 | static_cast<uint32_t>(kAlphabet.find(c));
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          decoded += static_cast<char>(acc >> bits & 0xFF);
        }
      }
    }
    EXPECT_EQ(base::ToValidUtf8(decoded), decoded)
        << "encoded-word splits a UTF-8 sequence: " << payload;
    pos = end;
    ++words;
  }
  if (GetParam().name != "ascii" && GetParam().name != "long_ascii") {
    EXPECT_GT(words, 1) << "long non-ASCII subject must fold";
  }
}

const std::string kLongTitle = [] {
  std::string t;
  for (int i = 0; i < 40; ++i) t += "Жаңаөзен ";
  return t;
}();

std::string ExpectedLong() {
  // HeaderSafeText keeps 159 characters of the title and adds "…".
  return "[Kuzet] Жанаозен / Zhanaozen: " + HeaderSafeText(kLongTitle, 160);
}

INSTANTIATE_TEST_SUITE_P(
    Titles, SubjectTest,
    ::testing::Values(
        SubjectCase{"russian", "Жанаозен / Zhanaozen", kRussianTitle,
                    "[Kuzet] Жанаозен / Zhanaozen: " + kRussianTitle},
        SubjectCase{"kazakh", "Жаңаөзен", kKazakhTitle, "[Kuzet] Жаңаөзен: " + kKazakhTitle},
        SubjectCase{"ascii", "Zhanaozen", "Zhanaozen oil workers remembered",
                    "[Kuzet] Zhanaozen: Zhanaozen oil workers remembered"},
        SubjectCase{"emoji_and_cjk", "Zhanaozen", "Жаңаөзен 🕯️ 紀念 — ✊ 2011",
                    "[Kuzet] Zhanaozen: Жаңаөзен 🕯️ 紀念 — ✊ 2011"},
        SubjectCase{"long_ascii_word", "Zhanaozen",
                    "Zhanaozen_oil_workers_strike_anniversary_court_appeal_hearing_2011_2026_x",
                    "[Kuzet] Zhanaozen: "
                    "Zhanaozen_oil_workers_strike_anniversary_court_appeal_hearing_2011_2026_x"},
        SubjectCase{"long_ascii", "Zhanaozen",
                    "Oil workers in Zhanaozen remember the victims of December 2011 as the court "
                    "hears another appeal from the union activists",
                    "[Kuzet] Zhanaozen: Oil workers in Zhanaozen remember the victims of "
                    "December 2011 as the court hears another appeal from the union activists"},
        SubjectCase{"looks_encoded", "Zhanaozen", "=?UTF-8?B?SGk=?= not decoded",
                    "[Kuzet] Zhanaozen: =?UTF-8?B?SGk=?= not decoded"},
        SubjectCase{"long", "Жанаозен / Zhanaozen", kLongTitle, ExpectedLong()}),
    [](const auto& info) { return info.param.name; });

// Real page titles in many scripts (Mozilla Readability's test pages, ../shared): each must
// come back from Python's parser exactly as the header-safe text Kuzet meant to send.
TEST(RealTitlesTest, EveryReadabilityTitleDecodesExactly) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  const std::filesystem::path corpus = KUZET_SHARED_DIR "/corpus/readability";
  if (!std::filesystem::is_directory(corpus)) {
    GTEST_SKIP() << "shared corpus not found at " << corpus << " (see ../shared/README.md)";
  }
  testing::TempDir dir;
  std::map<std::string, std::string> expected;  // message path -> subject
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const std::string meta = testing::ReadFile((entry.path() / "expected-metadata.json").string());
    if (meta.empty()) continue;
    const auto title = nlohmann::json::parse(meta).value("title", nlohmann::json());
    if (!title.is_string() || title.get<std::string>().empty()) continue;
    Alert a = SampleAlert();
    a.title = title.get<std::string>();
    const std::string path = dir.path() + "/" + entry.path().filename().string() + ".eml";
    std::ofstream(path, std::ios::binary) << Build(a);
    expected[path] = "[Kuzet] Жанаозен / Zhanaozen: " + HeaderSafeText(a.title, 160);
  }
  ASSERT_GT(expected.size(), 100u);
  std::vector<std::string> paths;
  for (const auto& [path, subject] : expected) paths.push_back(path);
  const auto parsed = testing::ParseMailFiles(paths);
  ASSERT_TRUE(parsed);
  for (const auto& [path, subject] : expected) {
    const auto& facts = (*parsed)[path];
    EXPECT_EQ(facts["subject"], subject) << path;
    EXPECT_EQ(facts["defects"], nlohmann::json::array()) << path;
    EXPECT_EQ(facts["parts"].size(), 2u) << path;
  }
}

TEST(HeaderSafeTextTest, BoundsLengthAtCharacterBoundaryWithEllipsis) {
  const std::string cut = HeaderSafeText(kLongTitle, 20);
  EXPECT_EQ(cut, "Жаңаөзен Жаңаөзен Ж…");
  EXPECT_EQ(HeaderSafeText("  a \t\r\n b  ", 100), "a b");
  EXPECT_EQ(HeaderSafeText("ok\xC3(", 100), "ok\xEF\xBF\xBD(");  // invalid UTF-8 → U+FFFD
}

// --- Nothing from a crawled page becomes a header ----------------------------------------------

TEST(InjectionTest, CrLfInTitleSiteAndRuleNeverStartsAHeader) {
  for (const std::string& nl : {std::string("\r\n"), std::string("\n"), std::string("\r"),
                                std::string("\xE2\x80\xA8"), std::string("\0", 1)}) {
    Alert a = SampleAlert();
    a.title = "Ordinary title" + nl + "Bcc: victim@evil.example" + nl + nl + "fake body";
    a.site_name = "Site" + nl + "X-Injected: 1";
    a.rule_description = "Rule" + nl + "Reply-To: attacker@evil.example";
    a.url = "https://example.org/a" + nl + "Cc: other@evil.example";
    const std::string message = Build(a);
    const std::vector<std::string> names = FieldNames(message);
    EXPECT_THAT(names, Not(::testing::Contains("Bcc")));
    EXPECT_THAT(names, Not(::testing::Contains("X-Injected")));
    EXPECT_THAT(names, Not(::testing::Contains("Reply-To")));
    EXPECT_THAT(names, Not(::testing::Contains("Cc")));
    EXPECT_EQ(message.find('\0'), std::string::npos);
    if (MailParserPython().empty()) continue;
    const auto parsed = ParseMail(message);
    ASSERT_TRUE(parsed);
    EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
    for (const auto& h : (*parsed)["headers"]) {
      EXPECT_NE(h[0], "Bcc");
      EXPECT_NE(h[0], "Reply-To");
    }
    EXPECT_EQ((*parsed)["subject"],
              "[Kuzet] Rule Reply-To: attacker@evil.example: Ordinary title Bcc: "
              "victim@evil.example fake body");
    EXPECT_EQ((*parsed)["to"],
              nlohmann::json::array({"analyst@example.org", "desk@union.example.kz"}));
  }
}

TEST(InjectionTest, HtmlInSnippetIsEscapedAndOnlyHttpUrlsAreLinks) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  a.snippet = "<script>alert(1)</script> Жанаозен & <b>co</b>";
  a.snippet_mark_begin = static_cast<uint32_t>(a.snippet.find("Жанаозен"));
  a.snippet_mark_end = a.snippet_mark_begin + static_cast<uint32_t>(std::string("Жанаозен").size());
  a.url = "javascript:alert(document.cookie)";
  a.title = "<img src=x onerror=alert(1)>";
  const auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  const std::string html = PartText(*parsed, "text/html");
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; <mark>Жанаозен</mark> "
                              "&amp; &lt;b&gt;co&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript")));
}

TEST(MailAddressTest, AcceptsPlainAddressesRejectsAnythingElse) {
  for (const char* ok : {"monitor@example.org", "first.last+tag@mail.example.kz", "a@b"}) {
    EXPECT_TRUE(ValidateMailAddress(ok).ok()) << ok;
  }
  for (const char* bad :
       {"", "no-at-sign", "a@@b.org", "a@b@c.org", "a b@c.org", ".a@b.org", "a..b@c.org",
        "a@b..org", "a@b.org.", "a@b.org\r\nBcc: x@evil.org", "a@b.org\n", "Name <a@b.org>",
        "a@b.org,c@d.org", "a@бел.kz", "\"q\"@b.org", "a@b_c.org"}) {
    const Status s = ValidateMailAddress(bad);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().find('\n'), std::string::npos);
  }
}

TEST(BuildMessageTest, RejectsBadSettingsAndAlerts) {
  MailSettings s = SampleSettings();
  s.to.push_back("x@y.org\r\nBcc: z@evil.org");
  EXPECT_EQ(BuildMessage(SampleAlert(), s, kDate).status().code(), Status::Code::kInvalidArgument);
  s = SampleSettings();
  s.to.clear();
  EXPECT_EQ(BuildMessage(SampleAlert(), s, kDate).status().code(), Status::Code::kInvalidArgument);
  s = SampleSettings();
  s.from = "kuzet";
  EXPECT_EQ(BuildMessage(SampleAlert(), s, kDate).status().code(), Status::Code::kInvalidArgument);
  Alert a = SampleAlert();
  a.id.clear();
  EXPECT_EQ(BuildMessage(a, SampleSettings(), kDate).status().code(),
            Status::Code::kInvalidArgument);
  a.id = std::string(201, '7');
  EXPECT_EQ(BuildMessage(a, SampleSettings(), kDate).status().code(),
            Status::Code::kInvalidArgument);
}

// --- Message-ID: the same alert is recognisably the same message -----------------------------

TEST(MessageIdTest, StableAcrossBuildsAndDerivedFromIdAndFromDomain) {
  const std::string first = Build(SampleAlert());
  Result<std::string> later =
      BuildMessage(SampleAlert(), SampleSettings(), kDate + std::chrono::hours(5));
  ASSERT_TRUE(later.ok());
  const auto id_of = [](const std::string& m) {
    const size_t p = m.find("\r\nMessage-ID: ") + 14;
    return m.substr(p, m.find("\r\n", p) - p);
  };
  EXPECT_EQ(id_of(first), "<kuzet.42@monitor.example.org>");
  EXPECT_EQ(id_of(later.value()), id_of(first));
  EXPECT_EQ(Build(SampleAlert()), first) << "same inputs must give the same bytes";
  Alert other = SampleAlert();
  other.id = "43";
  EXPECT_EQ(id_of(Build(other)), "<kuzet.43@monitor.example.org>");
  EXPECT_EQ(MessageIdFor("a/b c.d", "k@x.org"), "<kuzet.a=2Fb=20c=2Ed@x.org>");
  EXPECT_NE(MessageIdFor("a.b", "k@x.org"), MessageIdFor("a=2Eb", "k@x.org"));
}

TEST(MessageIdTest, PythonSeesTheSameMessageId) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  a.id = "mention/9:x";
  const auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["message_id"], "<kuzet.mention=2F9=3Ax@monitor.example.org>");
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
}

// --- Structure and bodies -----------------------------------------------------------------------

TEST(StructureTest, PlainAndHtmlPartsWithMarkedSnippetAndLinks) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  const std::string message = Build(SampleAlert());
  const auto parsed = ParseMail(message);
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_EQ((*parsed)["content_type"], "multipart/alternative");
  ASSERT_EQ((*parsed)["parts"].size(), 2u);
  EXPECT_EQ((*parsed)["parts"][0]["content_type"], "text/plain");
  EXPECT_EQ((*parsed)["parts"][1]["content_type"], "text/html");
  for (const auto& part : (*parsed)["parts"]) {
    EXPECT_EQ(part["charset"], "utf-8");
    EXPECT_EQ(part["transfer_encoding"], "base64");
  }
  EXPECT_EQ((*parsed)["from_addresses"], nlohmann::json::array({"kuzet@monitor.example.org"}));
  EXPECT_EQ((*parsed)["from_display_names"], nlohmann::json::array({"Kuzet"}));
  EXPECT_EQ((*parsed)["to"],
            nlohmann::json::array({"analyst@example.org", "desk@union.example.kz"}));

  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_THAT(plain, HasSubstr(kRussianTitle + "\n"));
  EXPECT_THAT(plain, HasSubstr("Власть.kz · 2025-11-29 07:06 UTC · ru"));
  EXPECT_THAT(plain, HasSubstr("Rule: Жанаозен / Zhanaozen"));
  EXPECT_THAT(plain, HasSubstr("в **Жанаозене** полиция"));
  EXPECT_THAT(plain, HasSubstr("Article: https://vlast.kz/obsshestvo/12345-zhanaozen.html\n"));
  EXPECT_THAT(plain, HasSubstr("In Kuzet: http://127.0.0.1:8080/mention/42\n"));
  EXPECT_THAT(plain, HasSubstr("Story: http://127.0.0.1:8080/story/7\n"));
  EXPECT_THAT(plain, HasSubstr("  https://rus.azattyq.org/a/zhanaozen/1.html\n"));

  const std::string html = PartText(*parsed, "text/html");
  EXPECT_THAT(html, HasSubstr("в <mark>Жанаозене</mark> полиция"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://vlast.kz/obsshestvo/12345-zhanaozen.html\">" +
                              kRussianTitle + "</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"http://127.0.0.1:8080/mention/42\">Open in Kuzet</a>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
}

TEST(StructureTest, CrlfOnlyAndBodyLinesAtMost76) {
  const std::string message = Build(SampleAlert());
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      ASSERT_TRUE(i > 0 && message[i - 1] == '\r') << "bare LF at " << i;
    }
    if (message[i] == '\r') {
      ASSERT_TRUE(i + 1 < message.size() && message[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  const std::string body = message.substr(message.find("\r\n\r\n") + 4);
  for (const std::string& line : Lines(body)) EXPECT_LE(line.size(), 76u) << line;
  EXPECT_THAT(HeaderSection(message), HasSubstr("MIME-Version: 1.0\r\n"));
  EXPECT_THAT(HeaderSection(message), HasSubstr("Date: Sat, 29 Nov 2025 07:17:00 +0000\r\n"));
  EXPECT_THAT(HeaderSection(message), HasSubstr("Auto-Submitted: auto-generated\r\n"));
}

TEST(StructureTest, MarkOffsetsOutOfRangeOrMidCharacterAreClamped) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  const uint32_t begin = a.snippet_mark_begin;
  a.snippet_mark_begin = begin + 1;  // inside "Ж"
  a.snippet_mark_end = begin + 3;    // inside "а"
  auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_THAT(PartText(*parsed, "text/html"), HasSubstr("в <mark>Жа</mark>наозене"));
  a.snippet_mark_begin = 100000;
  a.snippet_mark_end = 5;
  parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  EXPECT_THAT(PartText(*parsed, "text/html"), HasSubstr("бастующим.<mark></mark>"));
}

TEST(StructureTest, LongSnippetContextIsCutAtCharacterBoundaries) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  std::string side;
  for (int i = 0; i < 300; ++i) side += "ңө ";  // 1500 bytes of 2-byte characters and spaces
  a.snippet = "ж" + side + "Жаңаөзен" + "xx" + side + "ж";  // "xx": a cut at 1200 bytes would
                                                            // fall inside "ө"
  a.snippet_mark_begin = static_cast<uint32_t>(2 + side.size());
  a.snippet_mark_end = a.snippet_mark_begin + static_cast<uint32_t>(std::string("Жаңаөзен").size());
  const auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_THAT(plain, HasSubstr("**Жаңаөзен**"));
  EXPECT_THAT(plain, HasSubstr("\n\n…"));
  EXPECT_THAT(plain, HasSubstr("…\n\nArticle:"));
  EXPECT_THAT(plain, Not(HasSubstr("\xEF\xBF\xBD"))) << "a character was cut in half";
  EXPECT_LT(plain.size(), 4000u);
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Issue #18: an article that matched several rules is shown once, its rules under it.
TEST(DigestTest, LaysOutByArticleWithItsOwnMessageId) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Digest d;
  d.id = "1000";
  Alert a1 = SampleAlert(), a2 = SampleAlert(), a3 = SampleAlert();
  a2.id = "43";  // the same article, another rule
  a2.rule_id = "strike";
  a2.rule_description = "Ереуіл";
  a2.snippet = "Мұнайшылар ереуілі басталды.";
  a2.snippet_mark_begin = static_cast<uint32_t>(a2.snippet.find("ереуілі"));
  a2.snippet_mark_end =
      a2.snippet_mark_begin + static_cast<uint32_t>(std::string("ереуілі").size());
  a3.id = "44";  // another article, the first rule
  a3.url = "https://vlast.kz/second.html";
  a3.title = kKazakhTitle;
  d.alerts = {a1, a2, a3};
  Result<std::string> m = BuildDigestMessage(d, SampleSettings(), kDate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto parsed = ParseMail(m.value());
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_EQ((*parsed)["subject"],
            "[Kuzet] 3 new mentions in 2 articles: Жанаозен / Zhanaozen, Ереуіл");
  EXPECT_EQ((*parsed)["message_id"], "<kuzet.digest.1000@monitor.example.org>");
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_EQ(Occurrences(plain, kRussianTitle), 1u) << plain;
  EXPECT_EQ(Occurrences(plain, "Article: " + a1.url), 1u) << plain;
  // The first article: its title, then both its rules with their own snippets, then the second.
  const size_t title1 = plain.find(kRussianTitle);
  const size_t rule1 = plain.find("Rule: Жанаозен / Zhanaozen\n");
  const size_t rule2 = plain.find("Rule: Ереуіл\n");
  const size_t title2 = plain.find(kKazakhTitle);
  ASSERT_NE(rule1, std::string::npos) << plain;
  ASSERT_NE(rule2, std::string::npos) << plain;
  ASSERT_NE(title2, std::string::npos) << plain;
  EXPECT_LT(title1, rule1);
  EXPECT_LT(rule1, rule2);
  EXPECT_LT(rule2, title2);
  EXPECT_THAT(plain, HasSubstr("**Жанаозене**"));
  EXPECT_THAT(plain, HasSubstr("Мұнайшылар **ереуілі** басталды."));
  const std::string html = PartText(*parsed, "text/html");
  EXPECT_EQ(Occurrences(html, "<h3"), 2u) << "one heading per article: " << html;
  EXPECT_EQ(Occurrences(html, "<mark>"), 3u) << "one snippet per rule and article";
  EXPECT_EQ(BuildDigestMessage(Digest{"x", {}}, SampleSettings(), kDate).status().code(),
            Status::Code::kInvalidArgument);
}

// A page reprinted at many URLs: its other places are cut at 10 and the rest counted, in the
// digest as in `kuzet mentions`, and in the one-article message too.
TEST(DigestTest, OtherPlacesAreBoundedAndCounted) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  a.other_urls.clear();
  for (int i = 0; i < 25; ++i)
    a.other_urls.push_back("https://mirror" + std::to_string(i) + ".kz/a");
  Alert b = a;
  b.id = "43";
  b.rule_id = "strike";
  for (const auto& built : {BuildDigestMessage(Digest{"1", {a}}, SampleSettings(), kDate),
                            BuildArticleMessage(Article{{a, b}}, SampleSettings(), kDate),
                            BuildMessage(a, SampleSettings(), kDate)}) {
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const auto parsed = ParseMail(*built);
    ASSERT_TRUE(parsed);
    for (const std::string type : {"text/plain", "text/html"}) {
      const std::string text = PartText(*parsed, type);
      EXPECT_THAT(text, HasSubstr("https://mirror9.kz/a")) << type;
      EXPECT_THAT(text, Not(HasSubstr("https://mirror10.kz/a"))) << type;
      EXPECT_THAT(text, HasSubstr("… and 15 more")) << type;
    }
  }
}

// --- List-Id (RFC 2919) and List-Unsubscribe (RFC 2369) -----------------------------------------

// The field body without its leading folding white space (RFC 5322 section 3.2.2: not part of
// the value; a field folded right after its colon keeps it in Python's string).
std::string HeaderValue(const nlohmann::json& parsed, const std::string& name) {
  for (const auto& header : parsed["headers"]) {
    if (header[0] != name) continue;
    std::string value = header[1].get<std::string>();
    return value.substr(std::min(value.size(), value.find_first_not_of(' ')));
  }
  return "";
}

TEST(ListFieldsTest, OneListPerRuleWithMailAndPageToUnsubscribe) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  MailSettings settings = SampleSettings();
  auto parsed = ParseMail(Build(SampleAlert(), settings));
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_EQ(HeaderValue(*parsed, "List-Id"), "Kuzet alerts <zhanaozen.kuzet.monitor.example.org>");
  EXPECT_EQ(HeaderValue(*parsed, "List-Unsubscribe"),
            "<mailto:kuzet@monitor.example.org?subject=unsubscribe%20zhanaozen>");

  settings.unsubscribe_url = "https://kuzet.example.org/";
  parsed = ParseMail(Build(SampleAlert(), settings));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(HeaderValue(*parsed, "List-Unsubscribe"),
            "<mailto:kuzet@monitor.example.org?subject=unsubscribe%20zhanaozen>, "
            "<https://kuzet.example.org/>");

  // A URL RFC 2369 would need escaped, or not a web page, is left out; the mail stays.
  for (const std::string bad :
       {"https://a.example/x,y", "https://a.example/<x>", "javascript:x", "https://a.example/ x"}) {
    settings.unsubscribe_url = bad;
    const std::string message = Build(SampleAlert(), settings);
    EXPECT_THAT(HeaderSection(message), Not(HasSubstr(bad))) << bad;
    EXPECT_THAT(HeaderSection(message), HasSubstr("List-Unsubscribe:\r\n <mailto:")) << bad;
  }
}

TEST(ListFieldsTest, RuleIdsAreDotAtomsAndDigestsOfSeveralRulesAreKuzetsList) {
  Alert a = SampleAlert();
  a.rule_id = "strike\r\nBcc: x@evil.example";
  const std::string message = Build(a);
  EXPECT_THAT(HeaderSection(message),
              HasSubstr("List-Id: Kuzet alerts\r\n <strike=0D=0ABcc=3A=20x=40evil=2Eexample.kuzet."
                        "monitor.example.org>\r\n"));
  EXPECT_THAT(FieldNames(message), Not(::testing::Contains("Bcc")));

  Alert other = SampleAlert();
  other.id = "43";
  other.rule_id = "strike";
  Result<std::string> two_rules =
      BuildDigestMessage(Digest{"7", {SampleAlert(), other}}, SampleSettings(), kDate);
  ASSERT_TRUE(two_rules.ok());
  EXPECT_THAT(HeaderSection(*two_rules),
              HasSubstr("List-Id: Kuzet alerts <kuzet.monitor.example.org>\r\n"));
  EXPECT_THAT(
      HeaderSection(*two_rules),
      HasSubstr("List-Unsubscribe: <mailto:kuzet@monitor.example.org?subject=unsubscribe>"));
  Result<std::string> one_rule =
      BuildDigestMessage(Digest{"8", {SampleAlert()}}, SampleSettings(), kDate);
  ASSERT_TRUE(one_rule.ok());
  EXPECT_THAT(HeaderSection(*one_rule),
              HasSubstr("List-Id: Kuzet alerts <zhanaozen.kuzet.monitor.example.org>\r\n"));
}

// --- A match in the headline: the title is not shown twice ---------------------------------------

TEST(TitleSnippetTest, ASnippetThatIsTheTitleIsLeftOut) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleAlert();
  a.snippet = kRussianTitle;
  a.snippet_mark_begin = static_cast<uint32_t>(kRussianTitle.find("Жанаозене"));
  a.snippet_mark_end =
      a.snippet_mark_begin + static_cast<uint32_t>(std::string("Жанаозене").size());
  const auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_EQ(Occurrences(plain, "Жанаозене"), 1u) << plain;
  EXPECT_THAT(plain, Not(HasSubstr("**")));
  const std::string html = PartText(*parsed, "text/html");
  EXPECT_THAT(html, Not(HasSubstr("<blockquote")));
  EXPECT_THAT(html, Not(HasSubstr("<mark>")));
  // The subject keeps the title; a body sentence is still shown.
  EXPECT_THAT((*parsed)["subject"].get<std::string>(), HasSubstr(kRussianTitle));
  EXPECT_THAT(PartText(*ParseMail(Build(SampleAlert())), "text/html"), HasSubstr("<mark>"));
}

TEST(HeaderFieldTest, DisplayNamesAndAddressListsFold) {
  EXPECT_EQ(MailboxField("From", "Kuzet", "k@x.org"), "From: Kuzet <k@x.org>\r\n");
  EXPECT_EQ(MailboxField("From", "Kuzet, monitor", "k@x.org"),
            "From: \"Kuzet, monitor\" <k@x.org>\r\n");
  EXPECT_EQ(MailboxField("From", "Күзет", "k@x.org"),
            "From: =?UTF-8?B?" + Base64Encode("Күзет") + "?= <k@x.org>\r\n");
  const std::string long_word(74, 'z');  // fits a folded line, not the first one
  const std::string subject = UnstructuredField("Subject", long_word);
  for (const std::string& line : Lines(subject)) EXPECT_LE(line.size(), 78u) << subject;
  EXPECT_EQ(UnstructuredField("Subject", "short words only"), "Subject: short words only\r\n");
  std::vector<std::string> many;
  for (int i = 0; i < 8; ++i) many.push_back("analyst" + std::to_string(i) + "@example.org");
  const std::string to = AddressListField("To", many);
  for (const std::string& line : Lines(to)) EXPECT_LE(line.size(), 78u);
  EXPECT_THAT(to, HasSubstr(",\r\n analyst"));
}

// --- Change alerts of the edit watch (issue #20 item 3) --------------------------------------

Alert SampleChange() {
  Alert a = SampleAlert();
  a.id = "change.3.1";
  ChangeDetails c;
  c.doc_id = 3;
  c.version = 1;
  c.kinds = {"text_edited", "name_removed"};
  c.headline = "name removed: Roza Tuletayeva";
  c.names_removed = {"Roza Tuletayeva"};
  c.before.text = "The court heard Roza Tuletayeva on Monday.";
  c.before.mark_begin = 16;
  c.before.mark_end = 31;
  c.after.text = "The court heard the defendant on Monday.";
  c.after.mark_begin = 16;
  c.after.mark_end = 29;
  c.http_status = 200;
  a.change = c;
  return a;
}

TEST(ChangeMessageTest, SubjectHeadlineExcerptAndHistoryHintAsAClientSeesThem) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  const auto parsed = ParseMail(Build(SampleChange()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_EQ((*parsed)["subject"],
            "[Kuzet] Жанаозен / Zhanaozen: name removed: Roza Tuletayeva — " + kRussianTitle);
  EXPECT_EQ((*parsed)["message_id"], "<kuzet.change=2E3=2E1@monitor.example.org>");
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_THAT(plain, HasSubstr("Before: The court heard [[Roza Tuletayeva]] on Monday.\n"));
  EXPECT_THAT(plain, HasSubstr("After:  The court heard [[the defendant]] on Monday.\n"));
  EXPECT_THAT(plain, HasSubstr("History: kuzet history 3\n"));
  EXPECT_THAT(plain, HasSubstr("Article: https://vlast.kz/obsshestvo/12345-zhanaozen.html\n"));
  EXPECT_THAT(plain, Not(HasSubstr("полиция открыла огонь")));  // no mention snippet
  const std::string html = PartText(*parsed, "text/html");
  EXPECT_THAT(html, HasSubstr("The court heard <mark>Roza Tuletayeva</mark> on Monday."));
  EXPECT_THAT(html, HasSubstr("<code>kuzet history 3</code>"));
}

TEST(ChangeMessageTest, DeletionShowsItsStatusAndHostileTextStaysInert) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert a = SampleChange();
  a.change->kinds = {"gone"};
  a.change->headline = "deleted (HTTP 404)\r\nBcc: victim@example.org";
  a.change->before = {};
  a.change->after = {};
  a.change->http_status = 404;
  a.change->redirected_to = "javascript:alert(1)";
  const auto parsed = ParseMail(Build(a));
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  const std::string subject = (*parsed)["subject"];
  EXPECT_THAT(subject, HasSubstr("deleted (HTTP 404) Bcc: victim@example.org — "));
  EXPECT_EQ(Build(a).find("\r\nBcc:"), std::string::npos);
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_THAT(plain, HasSubstr("HTTP 404 · redirected to javascript:alert(1)\n"));
  EXPECT_THAT(plain, Not(HasSubstr("Before:")));
  const std::string html = PartText(*parsed, "text/html");
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript")));
}

TEST(ChangeMessageTest, HookJsonIsAChangeObject) {
  const Alert a = SampleChange();
  for (const std::string& text : {AlertToJson(a), ArticleToJson(Article{{a}})}) {
    const nlohmann::json j = nlohmann::json::parse(text);
    EXPECT_EQ(j["kind"], "change");
    EXPECT_EQ(j["doc_id"], 3);
    EXPECT_EQ(j["version"], 1);
    EXPECT_EQ(j["url"], a.url);
    EXPECT_EQ(j["change"], nlohmann::json::array({"text_edited", "name_removed"}));
    EXPECT_EQ(j["names_removed"], nlohmann::json::array({"Roza Tuletayeva"}));
    EXPECT_EQ(j["names_added"], nlohmann::json::array());
    EXPECT_EQ(j["before"]["text"], "The court heard Roza Tuletayeva on Monday.");
    EXPECT_EQ(j["before"]["mark_begin"], 16);
    EXPECT_EQ(j["after"]["mark_end"], 29);
    EXPECT_FALSE(j.contains("rules"));
  }
  // A mention's alert is not one.
  EXPECT_FALSE(nlohmann::json::parse(AlertToJson(SampleAlert())).contains("kind"));
}

// A change of two rules to a recipient of both (issue #20): one message naming both rules, each
// rule's change with its own excerpt; the hook's object lists each rule's part.
TEST(ChangeMessageTest, AChangeOfTwoRulesIsOneMessageWithEachRulesExcerpt) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Alert leaders = SampleChange();
  leaders.rule_id = "leaders";
  leaders.rule_description = "";
  Alert police = SampleChange();
  police.rule_id = "police";
  police.rule_description = "";
  police.change->kinds = {"text_edited", "name_added"};
  police.change->headline = "name added: police";
  police.change->names_removed = {};
  police.change->names_added = {"police"};
  police.change->before = {"The court heard them.", 0, 0};
  police.change->after = {"The court heard the police.", 20, 26};
  const Article article{{leaders, police}};
  Result<std::string> m = BuildArticleMessage(article, SampleSettings(), kDate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto parsed = ParseMail(*m);
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_EQ((*parsed)["subject"],
            "[Kuzet] leaders, police: name removed: Roza Tuletayeva; name added: police — " +
                kRussianTitle);
  EXPECT_EQ((*parsed)["message_id"], "<kuzet.change=2E3=2E1@monitor.example.org>");
  const std::string plain = PartText(*parsed, "text/plain");
  EXPECT_THAT(plain, HasSubstr("Rule: leaders"));
  EXPECT_THAT(plain, HasSubstr("Before: The court heard [[Roza Tuletayeva]] on Monday.\n"));
  EXPECT_THAT(plain, HasSubstr("Rule: police"));
  EXPECT_THAT(plain, HasSubstr("After:  The court heard the [[police]].\n"));
  EXPECT_THAT(PartText(*parsed, "text/html"), HasSubstr("the <mark>police</mark>."));

  const nlohmann::json j = nlohmann::json::parse(ArticleToJson(article));
  EXPECT_EQ(j["kind"], "change");
  ASSERT_EQ(j["rules"].size(), 2u);
  EXPECT_EQ(j["rules"][0]["rule_id"], "leaders");
  EXPECT_EQ(j["rules"][1]["rule_id"], "police");
  EXPECT_EQ(j["rules"][1]["names_added"], nlohmann::json::array({"police"}));
  EXPECT_EQ(j["rules"][1]["after"]["mark_begin"], 20);
}

TEST(ChangeMessageTest, ADigestListsTheChangeUnderItsRule) {
  if (MailParserPython().empty()) GTEST_SKIP() << "python3 with the email package not found";
  Digest d;
  d.id = "2000";
  Alert change = SampleChange();
  change.url = "https://vlast.kz/other.html";
  d.alerts = {SampleAlert(), change};
  Result<std::string> m = BuildDigestMessage(d, SampleSettings(), kDate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto parsed = ParseMail(*m);
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
  EXPECT_THAT(PartText(*parsed, "text/plain"),
              HasSubstr("Change: name removed: Roza Tuletayeva (kuzet history 3)\n"));
  EXPECT_THAT(PartText(*parsed, "text/html"),
              HasSubstr("<p>Change: name removed: Roza Tuletayeva</p>"));
  const nlohmann::json j = nlohmann::json::parse(DigestToJson(d));
  ASSERT_EQ(j["alerts"].size(), 2u);
  EXPECT_FALSE(j["alerts"][0].contains("kind"));
  EXPECT_EQ(j["alerts"][1]["kind"], "change");
}

}  // namespace
}  // namespace kuzet::alert
