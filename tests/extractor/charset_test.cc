#include "extractor/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

#include "tests/extractor/test_pages.h"
#include "tests/extractor/texts.h"

namespace kuzet::extractor {
namespace {

using testing::EncodeKz1048;
using testing::EncodeWithIcu;

std::string RussianBody() {
  std::string s;
  for (auto p : testing::kRussianParagraphs) s += "<p>" + std::string(p) + "</p>\n";
  return s;
}

std::string Page(std::string_view head, std::string_view body) {
  return "<!DOCTYPE html><html><head>" + std::string(head) + "<title>t</title></head><body>" +
         std::string(body) + "</body></html>";
}

struct CharsetCase {
  const char* name;
  const char* encoding;      // how the test encodes the page
  const char* content_type;  // HTTP header
  const char* meta;          // <meta> in the head
  const char* want;          // charset the decoder must choose
};

void PrintTo(const CharsetCase& c, std::ostream* os) { *os << c.name; }

class CharsetTableTest : public ::testing::TestWithParam<CharsetCase> {};

TEST_P(CharsetTableTest, DecodesRussianPage) {
  const CharsetCase& c = GetParam();
  const std::string utf8 = Page(c.meta, RussianBody());
  const std::string bytes =
      std::string(c.encoding) == "UTF-8" ? utf8 : EncodeWithIcu(utf8, c.encoding);
  const DecodedText d = DecodeToUtf8(bytes, c.content_type);
  EXPECT_EQ(d.charset, c.want);
  EXPECT_NE(d.utf8.find(testing::kRussianParagraphs[2]), std::string::npos)
      << d.utf8.substr(0, 400);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CharsetTableTest,
    ::testing::Values(
        CharsetCase{"cp1251_header", "windows-1251", "text/html; charset=windows-1251", "",
                    "windows-1251"},
        CharsetCase{"cp1251_wrong_header_koi8", "windows-1251", "text/html; charset=KOI8-R", "",
                    "windows-1251"},
        CharsetCase{"cp1251_wrong_header_latin1", "windows-1251", "text/html; charset=iso-8859-1",
                    "", "windows-1251"},
        CharsetCase{"cp1251_undeclared", "windows-1251", "text/html", "", "windows-1251"},
        // Any Latin declaration is implausible for bytes that read as Cyrillic.
        CharsetCase{"cp1251_wrong_header_latin2", "windows-1251", "text/html; charset=iso-8859-2",
                    "", "windows-1251"},
        CharsetCase{"koi8r_wrong_meta_baltic", "KOI8-R", "", "<meta charset=windows-1257>",
                    "KOI8-R"},
        CharsetCase{"cp1251_meta_misspelt", "windows-1251", "", "<meta charset=\"win-1251\">",
                    "windows-1251"},
        CharsetCase{"koi8r_meta", "KOI8-R", "",
                    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">",
                    "KOI8-R"},
        CharsetCase{"koi8r_undeclared", "KOI8-R", "", "", "KOI8-R"},
        CharsetCase{"koi8r_meta_says_cp1251", "KOI8-R", "", "<meta charset=windows-1251>",
                    "KOI8-R"},
        CharsetCase{"ibm866_undeclared", "IBM866", "", "", "IBM866"},
        CharsetCase{"iso8859_5_header", "ISO-8859-5", "text/html;charset=ISO-8859-5", "",
                    "ISO-8859-5"},
        CharsetCase{"mac_undeclared", "x-mac-cyrillic", "", "", "x-mac-cyrillic"},
        CharsetCase{"utf8_meta_says_cp1251", "UTF-8", "", "<meta charset=windows-1251>", "UTF-8"},
        CharsetCase{"utf8_header_says_koi8", "UTF-8", "text/html; charset=koi8-r", "", "UTF-8"}),
    [](const ::testing::TestParamInfo<CharsetCase>& info) { return std::string(info.param.name); });

// Texts written for these tests in the languages whose pages were misread.
constexpr std::string_view kFrench =
    "La grève des pétroliers de Janaozen a commencé en mai 2011, lorsque les employés de la "
    "compagnie ont exigé des salaires plus élevés et de meilleures conditions de travail. Le 16 "
    "décembre, la police a ouvert le feu sur la place centrale ; les défenseurs des droits de "
    "l'homme réclament toujours une enquête indépendante sur ces événements.";
constexpr std::string_view kGerman =
    "Der Streik der Ölarbeiter in Schanaösen begann im Mai 2011, als die Beschäftigten höhere "
    "Löhne und bessere Arbeitsbedingungen forderten. Am 16. Dezember eröffnete die Polizei auf dem "
    "Hauptplatz das Feuer; Menschenrechtsgruppen fordern bis heute eine unabhängige Untersuchung "
    "der Ereignisse, und die Familien der Getöteten warten auf Gerechtigkeit.";
constexpr std::string_view kPortuguese =
    "A greve dos trabalhadores do petróleo em Janaozen começou em maio de 2011, quando os "
    "funcionários exigiram salários mais altos e melhores condições de trabalho. Em 16 de "
    "dezembro, a polícia abriu fogo na praça central; as organizações de direitos humanos ainda "
    "pedem uma investigação independente e as famílias esperam por justiça.";
constexpr std::string_view kTurkish =
    "Janaözen'deki petrol işçilerinin grevi 2011 yılının mayıs ayında, çalışanların daha yüksek "
    "ücret ve daha iyi çalışma koşulları talep etmesiyle başladı. On altı aralıkta polis "
    "meydanda ateş açtı; insan hakları örgütleri hâlâ bağımsız bir soruşturma yapılmasını "
    "istiyor ve ölenlerin aileleri adalet bekliyor.";
constexpr std::string_view kEnglishWithQuotes =
    "“We won’t stop,” said one of the strikers – a welder who’d worked there for twenty years – "
    "“until they pay what they owe us.” The company’s lawyers didn’t answer; the union’s leader "
    "said it’s the workers’ right to strike, and that they’d been promised the money in May.";
constexpr std::string_view kSpanishWithEuro =
    "El precio medio de la vivienda nueva en Madrid es de 2212 €/m², según los datos del "
    "ministerio; en Cataluña alcanza 3146 €/m² y en Extremadura apenas 1271 €/m², la mitad que "
    "hace diez años, cuando la burbuja inmobiliaria todavía no había estallado.";
constexpr std::string_view kEnglishWithPound =
    "The strike fund raised £5 a week per family in the first months; by December the union said "
    "it could no longer pay, and the workers went on with the strike without any support at all.";
constexpr std::string_view kSerbian =
    "Штрајк нафташа у Жанаозену почео је у мају 2011. године, када су радници затражили веће "
    "плате и боље услове рада. Њихови синдикални вође су ухапшени, а Ђорђе, један од њих, каже "
    "да се ништа није променило. Шеснаестог децембра полиција је отворила ватру на главном тргу; "
    "борци за људска права и даље траже независну истрагу, а породице погинулих чекају правду. "
    "Џиновски скуп солидарности одржан је и у Београду, где су љути студенти носили њихове "
    "слике и свеће.";

struct TextCase {
  const char* name;
  std::string_view text;     // UTF-8
  const char* encoding;      // how the test encodes the page
  const char* content_type;  // HTTP header
  const char* meta;          // <meta> in the head
  const char* want;          // charset the decoder must report, "" if any that decodes alike
};

void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

class CharsetKindOfFailureTest : public ::testing::TestWithParam<TextCase> {};

// Each case is a kind of failure the detector once had: the page must decode to its text.
TEST_P(CharsetKindOfFailureTest, DecodesTheText) {
  const TextCase& c = GetParam();
  const std::string bytes =
      EncodeWithIcu(Page(c.meta, "<p>" + std::string(c.text) + "</p>"), c.encoding);
  const DecodedText d = DecodeToUtf8(bytes, c.content_type);
  EXPECT_NE(d.utf8.find(c.text), std::string::npos) << d.charset << ": " << d.utf8;
  if (*c.want != '\0') {
    EXPECT_EQ(d.charset, c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CharsetKindOfFailureTest,
    ::testing::Values(
        // Latin-script text is never read as Cyrillic, declared or not.
        TextCase{"french_latin1", kFrench, "ISO-8859-1", "", "", ""},
        TextCase{"french_latin1_declared", kFrench, "ISO-8859-1", "text/html; charset=iso-8859-1",
                 "", "windows-1252"},
        TextCase{"german_cp1252", kGerman, "windows-1252", "", "", ""},
        TextCase{"portuguese_latin1", kPortuguese, "ISO-8859-1", "", "", ""},
        TextCase{"turkish_latin5", kTurkish, "ISO-8859-9", "", "", ""},
        TextCase{"turkish_cp1254", kTurkish, "windows-1254", "", "", ""},
        // Sibling code pages: the bytes they differ in decide.
        TextCase{"spanish_latin9_euro", kSpanishWithEuro, "ISO-8859-15", "", "", "ISO-8859-15"},
        TextCase{"spanish_cp1252_euro", kSpanishWithEuro, "windows-1252", "", "", ""},
        TextCase{"english_curly_quotes_cp1252", kEnglishWithQuotes, "windows-1252", "", "",
                 "windows-1252"},
        TextCase{"english_lone_pound_sign", kEnglishWithPound, "windows-1252", "", "", ""},
        // A declaration that lies: it wins only if it decodes to plausible text.
        TextCase{"german_cp1252_header_says_cp1251", kGerman, "windows-1252",
                 "text/html; charset=windows-1251", "", ""},
        TextCase{"french_latin1_meta_says_koi8r", kFrench, "ISO-8859-1", "",
                 "<meta charset=koi8-r>", ""},
        // Differing bytes decide between Cyrillic code pages.
        TextCase{"ukrainian_koi8u", testing::kUkrainianText, "KOI8-U", "", "", "KOI8-U"},
        TextCase{"ukrainian_koi8u_header_says_koi8r", testing::kUkrainianText, "KOI8-U",
                 "text/html; charset=koi8-r", "", "KOI8-U"},
        TextCase{"ukrainian_cp1251", testing::kUkrainianText, "windows-1251", "", "",
                 "windows-1251"},
        TextCase{"serbian_mac_cyrillic", kSerbian, "x-mac-cyrillic", "", "", "x-mac-cyrillic"},
        TextCase{"serbian_cp1251", kSerbian, "windows-1251", "", "", "windows-1251"}),
    [](const ::testing::TestParamInfo<TextCase>& info) { return std::string(info.param.name); });

// Detectors guess a Mac or DOS code page for English whose only high bytes are curly quotes and
// dashes; a text fragment (a feed item, an excerpt) has no markup to help them.
std::string PlainQuotes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("«") || text.substr(i).starts_with("»")) {
      out += '"';
      i += std::string_view("«").size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Every Cyrillic text in every single-byte code page that can hold it, undeclared, decodes to
// itself: Russian, Ukrainian, Kazakh and Serbian against windows-1251, KOI8-R, KOI8-U, IBM866,
// IBM855, mac-cyrillic, ISO-8859-5 and KZ-1048.
TEST(CharsetTest, CyrillicTextsInEveryCodePageThatHoldsThem) {
  std::string russian;
  for (auto p : testing::kRussianParagraphs) russian += std::string(p) + " ";
  std::string kazakh;
  for (auto p : testing::kKazakhParagraphs) kazakh += std::string(p) + " ";
  int tried = 0;
  for (std::string text :
       {russian, std::string(testing::kUkrainianText), kazakh, std::string(kSerbian)}) {
    text = PlainQuotes(text);  // KOI8 and IBM866 have no guillemets
    const std::string page = Page("", "<p>" + text + "</p>");
    for (const char* charset : {"windows-1251", "KOI8-R", "KOI8-U", "IBM866", "IBM855",
                                "x-mac-cyrillic", "ISO-8859-5", "KZ-1048"}) {
      std::string bytes;
      try {
        bytes = std::string_view(charset) == "KZ-1048" ? EncodeKz1048(page)
                                                       : EncodeWithIcu(page, charset);
      } catch (const std::runtime_error&) {
        continue;  // the test encoder has no byte for a letter (Serbian in KZ-1048)
      }
      std::string round_trip;
      if (!DecodeWithCharset(bytes, NormalizeCharsetLabel(charset), round_trip) ||
          round_trip != page)
        continue;  // the code page cannot hold this text
      ++tried;
      const DecodedText d = DecodeToUtf8(bytes, "");
      EXPECT_NE(d.utf8.find(text), std::string::npos)
          << charset << " read as " << d.charset << ": " << text.substr(0, 40);
    }
  }
  EXPECT_EQ(tried, 18);  // the combinations the code pages hold
}

TEST(CharsetTest, TextWithOnlyWindowsPunctuationIsWindows1252) {
  for (const std::string_view text :
       {kEnglishWithQuotes,
        std::string_view("It’s the workers’ right to strike, the union’s lawyer said."),
        std::string_view("The workers’ demands were ignored."), std::string_view("It’s over.")}) {
    const DecodedText d = DecodeToUtf8(EncodeWithIcu(text, "windows-1252"), "");
    EXPECT_EQ(d.utf8, text) << d.charset;
  }
}

TEST(CharsetTest, Utf16WithoutBom) {
  for (const char* encoding : {"UTF-16LE", "UTF-16BE"}) {
    const std::string bytes = EncodeWithIcu(Page("", RussianBody()), encoding);
    const DecodedText d = DecodeToUtf8(bytes, "text/html");
    EXPECT_EQ(d.charset, encoding);
    EXPECT_NE(d.utf8.find(testing::kRussianParagraphs[2]), std::string::npos);
  }
}

TEST(CharsetTest, Utf32WithAndWithoutBom) {
  for (const char* encoding : {"UTF-32LE", "UTF-32BE"}) {
    const std::string body = EncodeWithIcu(Page("", RussianBody()), encoding);
    const std::string bom = EncodeWithIcu("\uFEFF", encoding);
    for (const std::string& bytes : {bom + body, body}) {
      const DecodedText d = DecodeToUtf8(bytes, "");
      EXPECT_EQ(d.charset, encoding);
      EXPECT_NE(d.utf8.find(testing::kRussianParagraphs[2]), std::string::npos);
      EXPECT_FALSE(d.utf8.starts_with("\uFEFF"));
    }
  }
}

TEST(CharsetTest, Iso2022JpIsNotTakenForAscii) {
  const std::string text = "ジャナオゼンの石油労働者のストライキは二〇一一年五月に始まった。";
  const std::string bytes = EncodeWithIcu(Page("", "<p>" + text + "</p>"), "ISO-2022-JP");
  ASSERT_EQ(bytes.find_first_of("\x80\xFF"), std::string::npos);  // 7-bit
  const DecodedText d = DecodeToUtf8(bytes, "");
  EXPECT_EQ(d.charset.substr(0, 8), "ISO-2022");
  EXPECT_NE(d.utf8.find(text), std::string::npos);
}

TEST(CharsetTest, MetaCharsetAfterFirstKilobyteIsFound) {
  const std::string head = "<meta name=\"description\" content=\"" + std::string(3000, 'x') +
                           "\"><meta charset=\"koi8-r\">";
  EXPECT_EQ(CharsetFromMarkup(Page(head, "<p>x</p>")), "KOI8-R");
}

TEST(CharsetTest, MetaInBodyIsNotADeclaration) {
  EXPECT_EQ(CharsetFromMarkup(Page("", "<meta charset=koi8-r>")), "");
}

TEST(CharsetTest, XmlDeclaration) {
  EXPECT_EQ(CharsetFromMarkup("<?xml version=\"1.0\" encoding=\"windows-1251\"?><html></html>"),
            "windows-1251");
}

TEST(CharsetTest, ContentTypeParameter) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=\"CP1251\""), "windows-1251");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromContentType("text/html; charset=no-such-charset"), "");
}

TEST(CharsetTest, LabelsNormalize) {
  EXPECT_EQ(NormalizeCharsetLabel("UTF8"), "UTF-8");
  EXPECT_EQ(NormalizeCharsetLabel("x-cp1251"), "windows-1251");
  EXPECT_EQ(NormalizeCharsetLabel("koi8r"), "KOI8-R");
  EXPECT_EQ(NormalizeCharsetLabel("cp866"), "IBM866");
  EXPECT_EQ(NormalizeCharsetLabel("RK1048"), "KZ-1048");
  EXPECT_EQ(NormalizeCharsetLabel("PT154"), "PTCP154");
  EXPECT_EQ(NormalizeCharsetLabel("Shift_JIS"), "Shift_JIS");
}

std::string KazakhBody() {
  std::string s;
  for (auto p : testing::kKazakhParagraphs) s += "<p>" + std::string(p) + "</p>\n";
  return s;
}

TEST(CharsetTest, KazakhKz1048WithoutDeclaration) {
  const std::string bytes = EncodeKz1048(Page("", KazakhBody()));
  const DecodedText d = DecodeToUtf8(bytes, "");
  EXPECT_EQ(d.charset, "KZ-1048");
  EXPECT_NE(d.utf8.find(testing::kKazakhParagraphs[2]), std::string::npos);
}

TEST(CharsetTest, KazakhKz1048Declared) {
  const std::string bytes = EncodeKz1048(Page("<meta charset=\"kz-1048\">", KazakhBody()));
  const DecodedText d = DecodeToUtf8(bytes, "");
  EXPECT_EQ(d.charset, "KZ-1048");
  EXPECT_NE(d.utf8.find("Жаңаөзен қаласында мұнайшылардың"), std::string::npos);
}

TEST(CharsetTest, Ptcp154KazakhLetters) {
  // "Қазақстан әнұраны" in PTCP154: Қ=8D а=E0 з=E7 а=E0 қ=9D с=F1 т=F2 а=E0 н=ED, ә=BA н=ED ұ=B1
  // р=F0 а=E0 н=ED ы=FB
  std::string out;
  ASSERT_TRUE(DecodeWithCharset("\x8D\xE0\xE7\xE0\x9D\xF1\xF2\xE0\xED \xBA\xED\xB1\xF0\xE0\xED\xFB",
                                "PTCP154", out));
  EXPECT_EQ(out, "Қазақстан әнұраны");
}

TEST(CharsetTest, Iso885916RomanianLetters) {
  // ISO/IEC 8859-16 positions: Ș AA, ș BA, Ț DE, ț FE, Ă C3, ă E3, € A4, „ A5, ” B5; î EE as in
  // Latin-1.
  std::string out;
  ASSERT_TRUE(DecodeWithCharset("\xAA\xBA\xDE\xFE\xC3\xE3 \xA5\xEEn\xB5 5\xA4",
                                NormalizeCharsetLabel("iso-8859-16"), out));
  EXPECT_EQ(out, "ȘșȚțĂă „în” 5€");
  EXPECT_EQ(NormalizeCharsetLabel("latin10"), "ISO-8859-16");
}

TEST(CharsetTest, VisciiVietnameseLetters) {
  // RFC 1456 positions: Ẳ 02 and Ỵ 1E in the C0 range; Ơ B4, ơ BD, Ư BF, ư DF, Đ D0, đ F0, ạ D5.
  std::string out;
  ASSERT_TRUE(DecodeWithCharset("\x02\x1E \xB4\xBD \xBF\xDF \xD0\xF0 \xD5\n",
                                NormalizeCharsetLabel("VISCII"), out));
  EXPECT_EQ(out, "ẲỴ Ơơ Ưư Đđ ạ\n");
}

// charset-dev holds the same Vietnamese text in VISCII and in UTF-8: an independent check of the
// whole table.
TEST(CharsetTest, VisciiSampleDecodesToItsUtf8Twin) {
  const std::filesystem::path pages =
      std::filesystem::path(KUZET_SHARED_DIR) / "corpus" / "charset-dev" / "pages";
  auto read = [](const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  if (!std::filesystem::exists(pages / "vi-viscii.txt")) {
    GTEST_SKIP() << "shared corpus absent: " << pages;
  }
  std::string out;
  ASSERT_TRUE(DecodeWithCharset(read(pages / "vi-viscii.txt"), "VISCII", out));
  EXPECT_EQ(out, read(pages / "vi-utf-8.txt"));
}

TEST(CharsetTest, Kz1048UnassignedByteBecomesReplacement) {
  std::string out;
  ASSERT_TRUE(DecodeWithCharset("a\x98z", "KZ-1048", out));
  EXPECT_EQ(out, "a\xEF\xBF\xBDz");
}

TEST(CharsetTest, Utf16WithBom) {
  const std::string utf16 = EncodeWithIcu("<p>Жанаозен</p>", "UTF-16LE");
  const DecodedText d = DecodeToUtf8("\xFF\xFE" + utf16, "text/html; charset=windows-1251");
  EXPECT_EQ(d.charset, "UTF-16LE");
  EXPECT_EQ(d.utf8, "<p>Жанаозен</p>");
}

TEST(CharsetTest, Utf8BomWinsOverHeader) {
  const DecodedText d = DecodeToUtf8("\xEF\xBB\xBF<p>Жанаозен</p>", "text/html; charset=koi8-r");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, "<p>Жанаозен</p>");
}

TEST(CharsetTest, StrayInvalidBytesInUtf8BecomeReplacementWithoutTruncation) {
  std::string page = Page("<meta charset=utf-8>", RussianBody());
  page.insert(page.find("Шестнадцатого"), "\xFF\xC3");  // a bad byte and a truncated sequence
  const DecodedText d = DecodeToUtf8(page, "");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_NE(d.utf8.find("\xEF\xBF\xBD\xEF\xBF\xBDШестнадцатого"), std::string::npos);
  EXPECT_NE(d.utf8.find("</html>"), std::string::npos);
}

TEST(CharsetTest, ArbitraryBytesNeverFail) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xFF));
  const DecodedText d = DecodeToUtf8(bytes, "text/html; charset=utf-16");
  EXPECT_FALSE(d.charset.empty());
  EXPECT_FALSE(d.utf8.empty());
}

TEST(CharsetTest, ValidUtf8IsNotCopiedWhenTheCallerParsesItsOwnBytes) {
  const std::string page = Page("<meta charset=windows-1251>", RussianBody());
  const DecodedText in_place = DecodeToUtf8UnlessValid(page, "text/html; charset=koi8-r");
  EXPECT_TRUE(in_place.unchanged);
  EXPECT_TRUE(in_place.utf8.empty());
  EXPECT_EQ(in_place.charset, "UTF-8");
  const DecodedText copied = DecodeToUtf8(page, "text/html; charset=koi8-r");
  EXPECT_FALSE(copied.unchanged);
  EXPECT_EQ(copied.utf8, page);
  EXPECT_EQ(copied.charset, "UTF-8");
  // Anything that needs decoding is decoded alike by both.
  const std::string cp1251 = EncodeWithIcu(page, "windows-1251");
  const DecodedText decoded = DecodeToUtf8UnlessValid(cp1251, "");
  EXPECT_FALSE(decoded.unchanged);
  EXPECT_EQ(decoded.utf8, page);
  EXPECT_EQ(decoded.charset, DecodeToUtf8(cp1251, "").charset);
}

TEST(CharsetTest, InvalidSequencesInsideCyrillicRunsAreFoundAtEveryOffset) {
  // Runs of two-byte letters are validated several at a time; an overlong lead (C0/C1), a lone
  // lead or a stray continuation byte must be caught wherever it falls in such a run.
  std::string letters;
  for (int k = 0; k < 40; ++k) letters += "Жанаозен";
  for (const std::string_view bad : {"\xC1\x81", "\xC0\xB0", "\xD0", "\x80"}) {
    for (size_t at = 0; at < 18; at += 1) {
      std::string page = letters;
      page.insert(at * 2, bad);
      const DecodedText d = DecodeToUtf8(page, "");
      EXPECT_EQ(d.charset, "UTF-8");
      EXPECT_NE(d.utf8.find("\xEF\xBF\xBD"), std::string::npos) << at;
      EXPECT_FALSE(DecodeToUtf8UnlessValid(page, "").unchanged) << at;
    }
  }
  EXPECT_TRUE(DecodeToUtf8UnlessValid(letters, "").unchanged);
}

// Single-byte Cyrillic code pages and windows-1252 are decoded through tables read from ICU once;
// every byte, in any context, must come out as ICU's own converter gives it.
TEST(CharsetTest, SingleByteTablesDecodeEveryByteAsIcuDoes) {
  std::string bytes;
  for (int round = 0; round < 2; ++round) {
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  }
  bytes += "\xCF\xF0\xE8\xE2\xE5\xF2 \x81\x98 end";
  for (const char* charset : {"windows-1251", "KOI8-R", "KOI8-U", "IBM866", "x-mac-cyrillic",
                              "ISO-8859-5", "windows-1252"}) {
    SCOPED_TRACE(charset);
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(charset, &err), ucnv_close);
    ASSERT_TRUE(U_SUCCESS(err));
    std::u16string units(bytes.size() * 2, u'\0');
    err = U_ZERO_ERROR;
    const int32_t n = ucnv_toUChars(conv.get(), units.data(), static_cast<int32_t>(units.size()),
                                    bytes.data(), static_cast<int32_t>(bytes.size()), &err);
    ASSERT_TRUE(U_SUCCESS(err));
    std::string want;
    icu::UnicodeString(units.data(), n).toUTF8String(want);
    std::string got;
    ASSERT_TRUE(DecodeWithCharset(bytes, charset, got));
    EXPECT_EQ(got, want);
  }
}

TEST(CharsetTest, PureAsciiKeepsDeclaredCharset) {
  EXPECT_EQ(DecodeToUtf8("<p>hello</p>", "text/html; charset=windows-1251").charset,
            "windows-1251");
  EXPECT_EQ(DecodeToUtf8("<p>hello</p>", "").charset, "UTF-8");
}

}  // namespace
}  // namespace kuzet::extractor
