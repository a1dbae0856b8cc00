// Tests of config/config.h: durations, a full config, the shipped example, every class of error
// with its exact message and line, data_dir resolution and hosts defaulting.
#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace kuzet::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------------
// ParseDuration

struct DurationCase {
  const char* text;
  long long seconds;
};

TEST(ParseDurationTest, AcceptsUnitGroupsLargestFirst) {
  const DurationCase cases[] = {
      {"90s", 90},         {"15m", 900}, {"2h", 7200},   {"1d", 86400}, {"1h30m", 5400},
      {"1d2h3m4s", 93784}, {"0s", 0},    {"120m", 7200}, {"007s", 7},   {"1d12h", 129600},
  };
  for (const DurationCase& c : cases) {
    Result<Seconds> parsed = ParseDuration(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().message();
    EXPECT_EQ(parsed->count(), c.seconds) << c.text;
  }
}

TEST(ParseDurationTest, RejectsBareNumbersUnknownUnitsAndDisorder) {
  const char* cases[] = {"",    "90",   "fast", "15 m",  " 15m", "15m ",
                         "-5m", "+5m",  "1.5h", "30m1h", "1m1m", "15M",
                         "m",   "1h30", "1w",   "5ms",   "h1",   "99999999999d"};
  for (const char* text : cases) {
    Result<Seconds> parsed = ParseDuration(text);
    EXPECT_FALSE(parsed.ok()) << '"' << text << "\" parsed as " << parsed->count() << "s";
  }
}

TEST(ParseDurationTest, MessageQuotesTheTextAndHintsAtAUnitForBareNumbers) {
  EXPECT_EQ(ParseDuration("fast").status().message(),
            "expected a duration like \"15m\", got \"fast\"");
  EXPECT_EQ(ParseDuration("90").status().message(),
            "expected a duration like \"15m\", got \"90\" (add a unit: s, m, h or d)");
}

// ---------------------------------------------------------------------------------------------
// A valid config

constexpr std::string_view kFullConfig = R"(# every key set
[settings]
data_dir = "/var/lib/kuzet"
user_agent = "KuzetTest/1.0"
concurrency = 16
per_host_connections = 3
per_host_delay = "2s"
fetch_timeout = "45s"
max_body_bytes = 2097152
max_redirects = 7
log_level = "debug"
allow_private_hosts = ["127.0.0.1", "Intranet.Local"]

[[sites]]
id = "vlast"
name = "Vlast.kz"
languages = ["ru", "kk"]
start_urls = ["https://vlast.kz/"]
feeds = ["https://Feeds.Vlast.kz/rss.xml"]
sitemaps = ["https://vlast.kz/sitemap.xml"]
interval = "1h30m"
max_depth = 2
max_pages = 50
hosts = ["vlast.kz", "WWW.vlast.kz"]
include = ["/novosti/*", "/obshchestvo/*"]
exclude = ["*?print=1"]

[[sites]]
id = "hrw_kz"
start_urls = ["https://www.hrw.org/europe/central-asia/kazakhstan"]

[[rules]]
id = "zhanaozen"
description = "The town, every spelling"
terms = ["Zhanaozen", "Жаңаөзен"]
query = "Zhanaozen NEAR/10 strike"
languages = ["en", "ru"]
sites = ["vlast", "hrw_kz"]
cross_script = false
exact = true
)";

TEST(ParseConfigTest, FullConfigSetsEveryField) {
  Result<Config> parsed = ParseConfig(kFullConfig, "full.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Config& config = *parsed;
  EXPECT_EQ(config.path, "");

  const Settings& s = config.settings;
  EXPECT_EQ(s.data_dir, "/var/lib/kuzet");
  EXPECT_EQ(s.user_agent, "KuzetTest/1.0");
  EXPECT_EQ(s.concurrency, 16);
  EXPECT_EQ(s.per_host_connections, 3);
  EXPECT_EQ(s.per_host_delay, seconds(2));
  EXPECT_EQ(s.fetch_timeout, seconds(45));
  EXPECT_EQ(s.max_body_bytes, 2097152);
  EXPECT_EQ(s.max_redirects, 7);
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.allow_private_hosts, (std::vector<std::string>{"127.0.0.1", "intranet.local"}));

  ASSERT_EQ(config.sites.size(), 2u);
  const Site& vlast = config.sites[0];
  EXPECT_EQ(vlast.id, "vlast");
  EXPECT_EQ(vlast.name, "Vlast.kz");
  EXPECT_EQ(vlast.languages, (std::vector<std::string>{"ru", "kk"}));
  EXPECT_EQ(vlast.start_urls, (std::vector<std::string>{"https://vlast.kz/"}));
  EXPECT_EQ(vlast.feeds, (std::vector<std::string>{"https://Feeds.Vlast.kz/rss.xml"}));
  EXPECT_EQ(vlast.sitemaps, (std::vector<std::string>{"https://vlast.kz/sitemap.xml"}));
  EXPECT_EQ(vlast.interval, seconds(5400));
  EXPECT_EQ(vlast.min_interval, seconds(1350)) << "interval / 4 by default";
  EXPECT_EQ(vlast.max_interval, seconds(21600)) << "interval * 4 by default";
  EXPECT_TRUE(vlast.robots_sitemaps);
  EXPECT_EQ(vlast.max_item_age, seconds(30 * 86400));
  EXPECT_EQ(vlast.max_depth, 2);
  EXPECT_EQ(vlast.max_pages, 50);
  EXPECT_EQ(vlast.hosts, (std::vector<std::string>{"vlast.kz", "www.vlast.kz"}));
  EXPECT_EQ(vlast.include, (std::vector<std::string>{"/novosti/*", "/obshchestvo/*"}));
  EXPECT_EQ(vlast.exclude, (std::vector<std::string>{"*?print=1"}));
  EXPECT_EQ(vlast.line, 14);

  const Site& hrw = config.sites[1];
  EXPECT_EQ(hrw.name, "hrw_kz") << "name defaults to the id";
  EXPECT_TRUE(hrw.languages.empty());
  EXPECT_EQ(hrw.interval, seconds(3600));
  EXPECT_EQ(hrw.max_depth, 1);
  EXPECT_EQ(hrw.max_pages, 200);
  EXPECT_EQ(hrw.hosts, (std::vector<std::string>{"www.hrw.org"}));
  EXPECT_EQ(hrw.line, 28);

  ASSERT_EQ(config.rules.size(), 1u);
  const Rule& rule = config.rules[0];
  EXPECT_EQ(rule.id, "zhanaozen");
  EXPECT_EQ(rule.description, "The town, every spelling");
  EXPECT_EQ(rule.terms, (std::vector<std::string>{"Zhanaozen", "Жаңаөзен"}));
  EXPECT_EQ(rule.query, "Zhanaozen NEAR/10 strike");
  EXPECT_EQ(rule.languages, (std::vector<std::string>{"en", "ru"}));
  EXPECT_EQ(rule.sites, (std::vector<std::string>{"vlast", "hrw_kz"}));
  EXPECT_FALSE(rule.cross_script);
  EXPECT_TRUE(rule.exact);
  EXPECT_EQ(rule.line, 32);
}

TEST(ParseConfigTest, MissingSettingsAndOptionalKeysKeepDefaults) {
  Result<Config> parsed = ParseConfig(
      "[[sites]]\nid = \"a\"\nfeeds = [\"http://a.test/feed\"]\n"
      "[[rules]]\nid = \"r\"\nterms = [\"Zhanaozen\"]\n",
      "min.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  Settings defaults;
  EXPECT_EQ(parsed->settings.data_dir, "data") << "ParseConfig does not resolve data_dir";
  EXPECT_EQ(parsed->settings.user_agent, defaults.user_agent);
  EXPECT_EQ(parsed->settings.concurrency, defaults.concurrency);
  EXPECT_EQ(parsed->settings.per_host_delay, defaults.per_host_delay);
  EXPECT_EQ(parsed->settings.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(parsed->settings.log_level, "info");
  EXPECT_TRUE(parsed->rules[0].cross_script);
  EXPECT_FALSE(parsed->rules[0].exact);
  EXPECT_EQ(parsed->rules[0].line, 4);
}

TEST(ParseConfigTest, PageBudgetAndWorkersHaveDefaultsAndBounds) {
  Result<Config> defaults = ParseConfig("# nothing\n", "d.toml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->settings.page_cpu_budget, std::chrono::seconds(2));
  EXPECT_EQ(defaults->settings.page_memory_budget, std::int64_t{256} << 20);
  EXPECT_EQ(defaults->settings.workers, 0);
  Result<Config> set = ParseConfig(
      "[settings]\npage_cpu_budget = \"5s\"\npage_memory_budget = 67108864\nworkers = 3\n",
      "s.toml");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->settings.page_cpu_budget, std::chrono::seconds(5));
  EXPECT_EQ(set->settings.page_memory_budget, 64 << 20);
  EXPECT_EQ(set->settings.workers, 3);
  for (const char* bad :
       {"[settings]\npage_cpu_budget = \"0s\"\n", "[settings]\npage_memory_budget = 1024\n",
        "[settings]\nworkers = -1\n"}) {
    EXPECT_FALSE(ParseConfig(bad, "b.toml").ok()) << bad;
  }
}

TEST(ParseConfigTest, BackfillWindowAndAlertBackfillHaveDefaultsAndBounds) {
  Result<Config> defaults =
      ParseConfig("[[rules]]\nid = \"zh\"\nterms = [\"Zhanaozen\"]\n", "d.toml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->settings.backfill_window, std::chrono::seconds(30 * 86400));
  EXPECT_FALSE(defaults->rules[0].alert_backfill);
  struct Case {
    const char* toml;
    std::chrono::seconds window;
  } cases[] = {{"[settings]\nbackfill_window = \"90d\"\n", std::chrono::seconds(90 * 86400)},
               {"[settings]\nbackfill_window = \"0s\"\n", std::chrono::seconds(0)}};
  for (const Case& c : cases) {
    Result<Config> set = ParseConfig(c.toml, "s.toml");
    ASSERT_TRUE(set.ok()) << set.status().message();
    EXPECT_EQ(set->settings.backfill_window, c.window) << c.toml;
  }
  Result<Config> alert = ParseConfig(
      "[[rules]]\nid = \"zh\"\nterms = [\"Zhanaozen\"]\nalert_backfill = true\n", "a.toml");
  ASSERT_TRUE(alert.ok()) << alert.status().message();
  EXPECT_TRUE(alert->rules[0].alert_backfill);
  for (const char* bad :
       {"[settings]\nbackfill_window = 30\n", "[settings]\nbackfill_window = \"soon\"\n",
        "[[rules]]\nid = \"zh\"\nterms = [\"z\"]\nalert_backfill = \"yes\"\n"}) {
    EXPECT_FALSE(ParseConfig(bad, "b.toml").ok()) << bad;
  }
}

TEST(ParseConfigTest, EmptyFileIsAValidConfigWithNothingToDo) {
  Result<Config> parsed = ParseConfig("# nothing yet\n", "empty.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->sites.empty());
  EXPECT_TRUE(parsed->rules.empty());
}

TEST(ParseConfigTest, HostsDefaultToDistinctLowercaseHostsOfAllUrls) {
  Result<Config> parsed = ParseConfig(R"([[sites]]
id = "azattyq"
start_urls = ["https://RUS.Azattyq.org/", "https://rus.azattyq.org/z/360"]
feeds = ["https://rus.azattyq.org/api/feed", "http://127.0.0.1:8080/feed.xml"]
sitemaps = ["https://www.azattyq.org/sitemap.xml"]
)",
                                      "hosts.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->sites[0].hosts,
            (std::vector<std::string>{"rus.azattyq.org", "127.0.0.1", "www.azattyq.org"}));
  // URLs themselves are kept as written; only the derived hosts are normalised.
  EXPECT_EQ(parsed->sites[0].start_urls[0], "https://RUS.Azattyq.org/");
}

// ---------------------------------------------------------------------------------------------
// Errors: each class gives the exact message, on the line of the offending value (or of the
// table when a required key is missing).

struct ErrorCase {
  const char* name;
  const char* toml;
  const char* message;
};

constexpr const char* kSite = "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\n";

const ErrorCase kErrorCases[] = {
    {"unknown site key with suggestion",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\nintervall = \"15m\"\n",
     "t.toml:4: sites[0].intervall: unknown key (did you mean \"interval\"?)"},
    {"unknown key without a close match", "[settings]\ncolour = \"blue\"\n",
     "t.toml:2: settings.colour: unknown key"},
    {"unknown rule key, wrong case", "[[rules]]\nid = \"r\"\nTerms = [\"x\"]\n",
     "t.toml:1: rules[0]: needs at least one of terms or query\n"
     "t.toml:3: rules[0].Terms: unknown key (did you mean \"terms\"?)"},
    {"unknown top-level table", "[setting]\nconcurrency = 4\n",
     "t.toml:1: setting: unknown key (did you mean \"settings\"?)"},
    {"string where an integer belongs", "[settings]\nconcurrency = \"8\"\n",
     "t.toml:2: settings.concurrency: expected an integer, got a string"},
    {"integer where a string belongs", "[settings]\nuser_agent = 5\n",
     "t.toml:2: settings.user_agent: expected a string, got an integer"},
    {"string where an array belongs",
     "[[sites]]\nid = \"a\"\nlanguages = \"ru\"\nstart_urls = [\"https://a.kz/\"]\n",
     "t.toml:3: sites[0].languages: expected an array of strings, got a string"},
    {"wrong element type in an array",
     "[[sites]]\nid = \"a\"\nfeeds = [\n  \"https://a.kz/rss\",\n  3,\n]\n",
     "t.toml:5: sites[0].feeds[1]: expected a string, got an integer"},
    {"string where a boolean belongs", "[[rules]]\nid = \"r\"\nterms = [\"x\"]\nexact = \"yes\"\n",
     "t.toml:4: rules[0].exact: expected a boolean (true or false), got a string"},
    {"float where an integer belongs", "[settings]\nmax_redirects = 2.5\n",
     "t.toml:2: settings.max_redirects: expected an integer, got a float"},
    {"bad duration",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\n\ninterval = \"fast\"\n",
     "t.toml:5: sites[0].interval: expected a duration like \"15m\", got \"fast\""},
    {"bare number as duration", "[settings]\nfetch_timeout = 30\n",
     "t.toml:2: settings.fetch_timeout: expected a duration like \"15m\", got an integer"},
    {"min_interval above interval",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\ninterval = \"10m\"\n"
     "min_interval = \"20m\"\n",
     "t.toml:5: sites[0].min_interval: must not be longer than interval"},
    {"max_interval below interval",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\ninterval = \"10m\"\n"
     "max_interval = \"5m\"\n",
     "t.toml:5: sites[0].max_interval: must not be shorter than interval"},
    {"zero interval",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\ninterval = \"0m\"\n",
     "t.toml:4: sites[0].interval: expected a duration greater than zero, got \"0m\""},
    {"URL without scheme", "[[sites]]\nid = \"a\"\nstart_urls = [\"vlast.kz/novosti\"]\n",
     "t.toml:3: sites[0].start_urls[0]: expected an absolute http(s) URL, got "
     "\"vlast.kz/novosti\""},
    {"URL with another scheme", "[[sites]]\nid = \"a\"\nsitemaps = [\"ftp://a.kz/sitemap.xml\"]\n",
     "t.toml:3: sites[0].sitemaps[0]: expected an absolute http(s) URL, got "
     "\"ftp://a.kz/sitemap.xml\""},
    {"duplicate site id",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\n\n"
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://b.kz/\"]\n",
     "t.toml:6: sites[1].id: duplicate id \"a\" (first defined at line 2)"},
    {"id with capitals and spaces", "[[rules]]\nid = \"Zhanaozen town\"\nterms = [\"x\"]\n",
     "t.toml:2: rules[0].id: expected an id of lowercase letters, digits, '_' and '-', got "
     "\"Zhanaozen town\""},
    {"missing site id", "# comment\n[[sites]]\nstart_urls = [\"https://a.kz/\"]\n",
     "t.toml:2: sites[0].id: missing required key"},
    {"site without any URL", "[[sites]]\nid = \"a\"\nfeeds = []\n",
     "t.toml:1: sites[0]: needs at least one of start_urls, feeds or sitemaps"},
    {"rule without terms or query", "[[rules]]\nid = \"r\"\ndescription = \"nothing to match\"\n",
     "t.toml:1: rules[0]: needs at least one of terms or query"},
    {"empty term", "[[rules]]\nid = \"r\"\nterms = [\"Zhanaozen\", \" \"]\n",
     "t.toml:3: rules[0].terms[1]: expected a non-empty string"},
    {"rule naming an unknown site",
     "[[sites]]\nid = \"vlast\"\nstart_urls = [\"https://vlast.kz/\"]\n"
     "[[rules]]\nid = \"r\"\nterms = [\"x\"]\nsites = [\"vlast\", \"vlst\", \"bbc\"]\n",
     "t.toml:7: rules[0].sites[1]: no site has id \"vlst\" (did you mean \"vlast\"?)\n"
     "t.toml:7: rules[0].sites[2]: no site has id \"bbc\""},
    {"concurrency too low", "[settings]\nconcurrency = 0\n",
     "t.toml:2: settings.concurrency: expected an integer from 1 to 1024, got 0"},
    {"max_depth too high",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\nmax_depth = 11\n",
     "t.toml:4: sites[0].max_depth: expected an integer from 0 to 10, got 11"},
    {"max_body_bytes too small", "[settings]\nmax_body_bytes = 100\n",
     "t.toml:2: settings.max_body_bytes: expected an integer from 1024 to 1073741824, got 100"},
    {"unknown log level", "[settings]\nlog_level = \"verbose\"\n",
     "t.toml:2: settings.log_level: expected one of trace, debug, info, warn, error, off, got "
     "\"verbose\""},
    {"language that is not a two-letter code",
     "[[rules]]\nid = \"r\"\nterms = [\"x\"]\nlanguages = [\"ru\", \"KZ\"]\n",
     "t.toml:4: rules[0].languages[1]: expected a two-letter lowercase language code like "
     "\"kk\", got \"KZ\""},
    {"include pattern that is a full URL",
     "[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\ninclude = "
     "[\"https://a.kz/news/*\"]\n",
     "t.toml:4: sites[0].include[0]: expected a path pattern starting with '/' or '*' like "
     "\"/news/*\", got \"https://a.kz/news/*\""},
    {"[sites] written as a single table", "[sites]\nid = \"a\"\n",
     "t.toml:1: sites: expected an array of tables ([[sites]]), got a table"},
    {"settings written as a value", "settings = 3\n",
     "t.toml:1: settings: expected a table ([settings]), got an integer"},
    {"user_agent with CR LF (header injection into every request)",
     "[settings]\nuser_agent = \"Kuzet/1.0\\r\\nX-Injected: 1\"\n",
     "t.toml:2: settings.user_agent: must not contain control characters (it goes into a header "
     "line); found U+000D at byte 9"},
    {"feed token in the API token's variable (it would put the API token in URLs)",
     "[server]\ntoken_env = \"KUZET_TOKEN\"\nfeed_token_env = \"KUZET_TOKEN\"\n",
     "t.toml:1: server: feed_token_env must name another variable than token_env: the feed token "
     "is read-only and travels in URLs"},
    {"user_agent with a bare LF", "[settings]\nuser_agent = \"\"\"\nKuzet\nX: 1\"\"\"\n",
     "t.toml:2: settings.user_agent: must not contain control characters (it goes into a header "
     "line); found U+000A at byte 5"},
};

TEST(ParseConfigErrorTest, EachClassOfErrorGivesItsExactMessage) {
  for (const ErrorCase& c : kErrorCases) {
    Result<Config> parsed = ParseConfig(c.toml, "t.toml");
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << c.name;
    EXPECT_EQ(parsed.status().message(), c.message) << c.name;
  }
}

TEST(ParseConfigErrorTest, ValidSiteFixtureIsValid) {
  // Guards the error cases above: their errors come from the lines they change, not the fixture.
  EXPECT_TRUE(ParseConfig(kSite, "t.toml").ok());
}

TEST(ParseConfigErrorTest, SyntaxErrorGivesFileLineColumnAndDescription) {
  Result<Config> parsed = ParseConfig("[settings]\nconcurrency = 4\nuser_agent = \"x\n", "t.toml");
  ASSERT_FALSE(parsed.ok());
  const std::string& message = parsed.status().message();
  EXPECT_EQ(message.rfind("t.toml:3:", 0), 0u) << message;
  EXPECT_NE(message.find("string"), std::string::npos) << message;

  parsed = ParseConfig("[[sites]]\nid = \"a\"\nid = \"b\"\n", "t.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("t.toml:3:", 0), 0u) << parsed.status().message();
}

TEST(ParseConfigErrorTest, AllErrorsAreReportedInFileOrder) {
  // Keys are visited alphabetically by toml++; the report must still read top to bottom.
  Result<Config> parsed = ParseConfig(R"([settings]
max_redirects = 99
concurrency = 0

[[sites]]
id = "a"
start_urls = ["https://a.kz/"]
max_pages = 0
[[rules]]
id = "r"
)",
                                      "many.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "many.toml:2: settings.max_redirects: expected an integer from 0 to 20, got 99\n"
            "many.toml:3: settings.concurrency: expected an integer from 1 to 1024, got 0\n"
            "many.toml:8: sites[0].max_pages: expected an integer from 1 to 1000000, got 0\n"
            "many.toml:9: rules[0]: needs at least one of terms or query");
}

// ---------------------------------------------------------------------------------------------
// LoadConfigFile

class LoadConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-config-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "etc");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& settings) {
    std::string path = (dir_ / "etc" / "kuzet.toml").string();
    std::ofstream(path) << settings
                        << "\n[[sites]]\nid = \"a\"\nstart_urls = [\"https://a.kz/\"]\n";
    return path;
  }

  fs::path dir_;
};

TEST_F(LoadConfigFileTest, RelativeDataDirIsResolvedAgainstTheConfigFolder) {
  std::string path = Write("[settings]\ndata_dir = \"../state/./db\"\n");
  Result<Config> loaded = LoadConfigFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->path, path);
  EXPECT_EQ(loaded->settings.data_dir, (dir_ / "state" / "db").string());
}

TEST_F(LoadConfigFileTest, DefaultDataDirIsNextToTheConfig) {
  Result<Config> loaded = LoadConfigFile(Write(""));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->settings.data_dir, (dir_ / "etc" / "data").string());
}

TEST_F(LoadConfigFileTest, RelativeConfigPathStillResolvesDataDirToAnAbsolutePath) {
  std::string absolute = Write("[settings]\ndata_dir = \"db\"\n");
  std::string relative = fs::relative(absolute, fs::current_path()).string();
  ASSERT_TRUE(fs::path(relative).is_relative());
  Result<Config> loaded = LoadConfigFile(relative);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->path, relative) << "path is kept as given, for messages";
  EXPECT_EQ(loaded->settings.data_dir, (dir_ / "etc" / "db").string());
}

TEST_F(LoadConfigFileTest, AbsoluteDataDirIsKept) {
  Result<Config> loaded = LoadConfigFile(Write("[settings]\ndata_dir = \"/srv/kuzet/data\"\n"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->settings.data_dir, "/srv/kuzet/data");
}

TEST_F(LoadConfigFileTest, ErrorsNameThePathAsGiven) {
  std::string path = Write("[settings]\nlog_level = \"loud\"\n");
  Result<Config> loaded = LoadConfigFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            path +
                ":2: settings.log_level: expected one of trace, debug, info, warn, error, off, "
                "got \"loud\"");
}

TEST_F(LoadConfigFileTest, MissingFileIsNotFound) {
  std::string path = (dir_ / "absent.toml").string();
  Result<Config> loaded = LoadConfigFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(loaded.status().message().rfind(path + ": ", 0), 0u) << loaded.status().message();
}

TEST_F(LoadConfigFileTest, DirectoryIsAnIOError) {
  Result<Config> loaded = LoadConfigFile(dir_.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kIOError);
}

// ---------------------------------------------------------------------------------------------
// The shipped example

TEST(ExampleConfigTest, LoadsAndCoversTheZhanaozenStoryInThreeLanguages) {
  const std::string path = KUZET_SOURCE_DIR "/config/example.toml";
  Result<Config> loaded = LoadConfigFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Config& config = *loaded;
  EXPECT_GE(config.sites.size(), 10u);
  EXPECT_EQ(config.settings.data_dir, (fs::path(KUZET_SOURCE_DIR) / "config" / "data").string());

  std::set<std::string> languages;
  for (const Site& site : config.sites) {
    EXPECT_FALSE(site.hosts.empty()) << site.id;
    EXPECT_LE(site.max_pages, 60) << site.id << ": the first run must be polite";
    EXPECT_GE(site.interval, std::chrono::minutes(30)) << site.id;
    EXPECT_LE(site.interval, std::chrono::hours(6)) << site.id;
    languages.insert(site.languages.begin(), site.languages.end());
  }
  EXPECT_TRUE(languages.contains("en") && languages.contains("ru") && languages.contains("kk"));

  auto rule = std::find_if(config.rules.begin(), config.rules.end(),
                           [](const Rule& r) { return r.id == "zhanaozen"; });
  ASSERT_NE(rule, config.rules.end());
  for (const char* spelling : {"Zhanaozen", "Janaozen", "Жанаозен", "Жаңаөзен"}) {
    EXPECT_NE(std::find(rule->terms.begin(), rule->terms.end(), spelling), rule->terms.end())
        << spelling;
  }
}

// ---------------------------------------------------------------------------------------------
// [server], [alerts] and the rules' alert keys

TEST(AlertsConfigTest, EveryAlertsKeyAndRuleKeyIsRead) {
  Result<Config> parsed = ParseConfig(R"([server]
enabled = true
listen = "0.0.0.0:9000"
token_env = "KUZET_TOKEN"
public_url = "https://kuzet.example.org"
feed_token_env = "KUZET_FEED_TOKEN"

[alerts]
smtp_url = "smtps://mail.example.org"
starttls = "try"
from = "kuzet@monitor.example.org"
from_name = "Күзет"
to = ["analyst@example.org"]
user = "kuzet"
password_env = "KUZET_SMTP_PASSWORD"
ca_file = "/etc/kuzet/ca.pem"
subject_prefix = "[Жаңаөзен]"
command = ["/usr/local/bin/notify", "--group", "monitors"]
command_timeout = "45s"
webhook_url = "https://chat.example.org/hooks/x"
mode = "digest"
digest_interval = "30m"
max_per_hour = 10
max_attempts = 5
retry_initial = "30s"
retry_max = "2h"
quiet_repeats = false

[[rules]]
id = "r"
terms = ["Zhanaozen"]
alert_to = ["desk@union.example.kz", "a@b.kz"]
alert_mode = "immediate"
)",
                                      "a.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Server& server = parsed->server;
  EXPECT_TRUE(server.enabled);
  EXPECT_EQ(server.listen, "0.0.0.0:9000");
  EXPECT_EQ(server.token_env, "KUZET_TOKEN");
  EXPECT_EQ(server.public_url, "https://kuzet.example.org");
  EXPECT_EQ(server.feed_token_env, "KUZET_FEED_TOKEN");
  EXPECT_EQ(server.line, 1);
  const Alerts& a = parsed->alerts;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.line, 8);
  EXPECT_EQ(a.smtp_url, "smtps://mail.example.org");
  EXPECT_EQ(a.starttls, "try");
  EXPECT_EQ(a.from, "kuzet@monitor.example.org");
  EXPECT_EQ(a.from_name, "Күзет");
  EXPECT_EQ(a.to, std::vector<std::string>{"analyst@example.org"});
  EXPECT_EQ(a.user, "kuzet");
  EXPECT_EQ(a.password_env, "KUZET_SMTP_PASSWORD");
  EXPECT_EQ(a.ca_file, "/etc/kuzet/ca.pem");
  EXPECT_EQ(a.subject_prefix, "[Жаңаөзен]");
  EXPECT_EQ(a.command, (std::vector<std::string>{"/usr/local/bin/notify", "--group", "monitors"}));
  EXPECT_EQ(a.command_timeout, seconds(45));
  EXPECT_EQ(a.webhook_url, "https://chat.example.org/hooks/x");
  EXPECT_EQ(a.mode, "digest");
  EXPECT_EQ(a.digest_interval, seconds(1800));
  EXPECT_EQ(a.max_per_hour, 10);
  EXPECT_EQ(a.max_attempts, 5);
  EXPECT_EQ(a.retry_initial, seconds(30));
  EXPECT_EQ(a.retry_max, seconds(7200));
  EXPECT_FALSE(a.quiet_repeats);
  ASSERT_EQ(parsed->rules.size(), 1u);
  EXPECT_EQ(parsed->rules[0].alert_to,
            (std::vector<std::string>{"desk@union.example.kz", "a@b.kz"}));
  EXPECT_EQ(parsed->rules[0].alert_mode, "immediate");
}

TEST(AlertsConfigTest, AbsentTablesMeanNoAlertsAndNoServer) {
  Result<Config> parsed = ParseConfig("[[rules]]\nid = \"r\"\nterms = [\"x\"]\n", "a.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->alerts.enabled);
  EXPECT_FALSE(parsed->server.enabled);
  EXPECT_EQ(parsed->server.listen, "127.0.0.1:8765");
  EXPECT_EQ(parsed->alerts.max_per_hour, 60);
  EXPECT_EQ(parsed->alerts.max_attempts, 20);
  EXPECT_TRUE(parsed->alerts.quiet_repeats);
}

TEST(AlertsConfigTest, EnabledFalseKeepsTheTableButTurnsAlertsOff) {
  Result<Config> parsed =
      ParseConfig("[alerts]\nenabled = false\ncommand = [\"notify\"]\n", "a.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->alerts.enabled);
}

const ErrorCase kAlertErrorCases[] = {
    {"unknown [alerts] key", "[alerts]\ncommand = [\"n\"]\nmax_per_hr = 5\n",
     "t.toml:3: alerts.max_per_hr: unknown key (did you mean \"max_per_hour\"?)"},
    {"unknown [server] key", "[server]\nlissten = \"127.0.0.1:80\"\n",
     "t.toml:2: server.lissten: unknown key (did you mean \"listen\"?)"},
    {"[alerts] without any channel", "\n[alerts]\nmode = \"digest\"\n",
     "t.toml:2: alerts: needs at least one of smtp_url, command or webhook_url"},
    {"smtp_url with another scheme",
     "[alerts]\nsmtp_url = \"https://mail.example.org\"\nfrom = \"k@m.org\"\nto = [\"a@b.org\"]\n",
     "t.toml:2: alerts.smtp_url: expected a URL like \"smtp://mail.example.org:587\" or "
     "\"smtps://mail.example.org\", got \"https://mail.example.org\""},
    {"password in smtp_url",
     "[alerts]\nsmtp_url = \"smtp://kuzet:pw@mail.example.org\"\nfrom = \"k@m.org\"\n"
     "to = [\"a@b.org\"]\n",
     "t.toml:2: alerts.smtp_url: must not contain a user name or password (use user and "
     "password_env)"},
    {"smtp_url without from", "[alerts]\nsmtp_url = \"smtp://m.org\"\nto = [\"a@b.org\"]\n",
     "t.toml:1: alerts.from: missing required key"},
    {"display name in to",
     "[alerts]\nsmtp_url = \"smtp://m.org\"\nfrom = \"k@m.org\"\n"
     "to = [\"Analyst <a@b.org>\"]\n",
     "t.toml:4: alerts.to[0]: expected a plain e-mail address like \"analyst@example.org\", got "
     "\"Analyst <a@b.org>\""},
    {"bad starttls", "[alerts]\ncommand = [\"n\"]\nstarttls = \"yes\"\n",
     "t.toml:3: alerts.starttls: expected one of required, try, off, got \"yes\""},
    {"bad mode", "[alerts]\ncommand = [\"n\"]\nmode = \"hourly\"\n",
     "t.toml:3: alerts.mode: expected one of immediate, digest, got \"hourly\""},
    {"both passwords",
     "[alerts]\nsmtp_url = \"smtp://m.org\"\nfrom = \"k@m.org\"\nto = [\"a@b.org\"]\n"
     "user = \"k\"\npassword = \"p\"\npassword_env = \"P\"\n",
     "t.toml:6: alerts.password: set password or password_env, not both"},
    {"user without password",
     "[alerts]\nsmtp_url = \"smtp://m.org\"\nfrom = \"k@m.org\"\nto = [\"a@b.org\"]\n"
     "user = \"k\"\n",
     "t.toml:5: alerts.user: needs password_env (or password)"},
    {"bad password_env", "[alerts]\ncommand = [\"n\"]\npassword_env = \"MY PASSWORD\"\n",
     "t.toml:3: alerts.password_env: expected an environment variable name like "
     "\"KUZET_TOKEN\", got \"MY PASSWORD\""},
    {"zero max_attempts", "[alerts]\ncommand = [\"n\"]\nmax_attempts = 0\n",
     "t.toml:3: alerts.max_attempts: expected an integer from 1 to 1000, got 0"},
    {"zero digest interval", "[alerts]\ncommand = [\"n\"]\ndigest_interval = \"0m\"\n",
     "t.toml:3: alerts.digest_interval: expected a duration greater than zero, got \"0m\""},
    {"retry_max below retry_initial",
     "[alerts]\ncommand = [\"n\"]\nretry_initial = \"10m\"\nretry_max = \"1m\"\n",
     "t.toml:4: alerts.retry_max: must not be shorter than retry_initial"},
    {"webhook that is not http", "[alerts]\nwebhook_url = \"ftp://x.org/h\"\n",
     "t.toml:2: alerts.webhook_url: expected an absolute http(s) URL, got \"ftp://x.org/h\""},
    {"empty command argument", "[alerts]\ncommand = [\"notify\", \"\"]\n",
     "t.toml:2: alerts.command[1]: expected a non-empty string"},
    {"rule alert_to without smtp_url",
     "[alerts]\ncommand = [\"n\"]\n[[rules]]\nid = \"r\"\nterms = [\"x\"]\n"
     "alert_to = [\"a@b.org\"]\n",
     "t.toml:6: rules[0].alert_to: needs [alerts] smtp_url to send e-mail through"},
    {"rule without recipients",
     "[alerts]\nsmtp_url = \"smtp://m.org\"\nfrom = \"k@m.org\"\n[[rules]]\nid = \"r\"\n"
     "terms = [\"x\"]\n",
     "t.toml:4: rules[0]: has no e-mail recipients: set alert_to here or to in [alerts]"},
    {"bad rule alert_mode", "[[rules]]\nid = \"r\"\nterms = [\"x\"]\nalert_mode = \"weekly\"\n",
     "t.toml:4: rules[0].alert_mode: expected one of immediate, digest, got \"weekly\""},
    {"bad rule alert_to address",
     "[alerts]\nsmtp_url = \"smtp://m.org\"\nfrom = \"k@m.org\"\n[[rules]]\nid = \"r\"\n"
     "terms = [\"x\"]\nalert_to = [\"desk at union.kz\"]\n",
     "t.toml:7: rules[0].alert_to[0]: expected a plain e-mail address like "
     "\"analyst@example.org\", got \"desk at union.kz\""},
    {"listen without port", "[server]\nlisten = \"127.0.0.1\"\n",
     "t.toml:2: server.listen: expected host:port like \"127.0.0.1:8765\", got \"127.0.0.1\""},
    {"listen port out of range", "[server]\nlisten = \"127.0.0.1:70000\"\n",
     "t.toml:2: server.listen: expected host:port like \"127.0.0.1:8765\", got "
     "\"127.0.0.1:70000\""},
    // The URL module parses these now; before, a space in the SMTP host or a malformed IPv6
    // literal passed the hand-written checks and failed only when the daemon used them.
    {"smtp_url with a space in the host",
     "[alerts]\nsmtp_url = \"smtp://mail example.org\"\nfrom = \"k@m.org\"\nto = [\"a@b.org\"]\n",
     "t.toml:2: alerts.smtp_url: expected a URL like \"smtp://mail.example.org:587\" or "
     "\"smtps://mail.example.org\", got \"smtp://mail example.org\""},
    {"listen on an invalid IPv6 literal", "[server]\nlisten = \"[::g]:8765\"\n",
     "t.toml:2: server.listen: expected host:port like \"127.0.0.1:8765\", got \"[::g]:8765\""},
    {"listen on port 0", "[server]\nlisten = \"127.0.0.1:0\"\n",
     "t.toml:2: server.listen: expected host:port like \"127.0.0.1:8765\", got \"127.0.0.1:0\""},
    {"public_url without scheme", "[server]\npublic_url = \"kuzet.example.org\"\n",
     "t.toml:2: server.public_url: expected an absolute http(s) URL, got \"kuzet.example.org\""},
    {"server enabled as a string", "[server]\nenabled = \"yes\"\n",
     "t.toml:2: server.enabled: expected a boolean (true or false), got a string"},
    {"[alerts] as an array", "[[alerts]]\ncommand = [\"n\"]\n",
     "t.toml:1: alerts: expected a table ([alerts]), got an array"},
    {"from_name with CR LF (mail header injection)",
     "[alerts]\ncommand = [\"n\"]\nfrom_name = \"Kuzet\\r\\nBcc: x@evil.test\"\n",
     "t.toml:3: alerts.from_name: must not contain control characters (it goes into a header "
     "line); found U+000D at byte 5"},
    {"subject_prefix with a NUL", "[alerts]\ncommand = [\"n\"]\nsubject_prefix = \"[K]\\u0000\"\n",
     "t.toml:3: alerts.subject_prefix: must not contain control characters (it goes into a "
     "header line); found U+0000 at byte 3"},
};

TEST(AlertsConfigTest, EachAlertAndServerErrorGivesItsExactMessage) {
  for (const ErrorCase& c : kAlertErrorCases) {
    Result<Config> parsed = ParseConfig(c.toml, "t.toml");
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().message(), c.message) << c.name;
  }
}

TEST(AlertsConfigTest, IPv6ListenAndPlainAlertsAreAccepted) {
  Result<Config> parsed = ParseConfig(R"([server]
listen = "[::1]:8765"
[alerts]
smtp_url = "smtp://127.0.0.1:2525"
starttls = "off"
from = "kuzet@localhost.localdomain"
to = ["analyst@example.org"]
)",
                                      "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->server.listen, "[::1]:8765");
}

}  // namespace
}  // namespace kuzet::config

namespace kuzet::config {
namespace {

TEST(EvidenceConfigTest, DefaultsKeepEvidenceForeverNextToTheStore) {
  Result<Config> parsed = ParseConfig("[settings]\ndata_dir = \"/srv/k\"\n", "e.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->evidence.enabled);
  EXPECT_EQ(parsed->evidence.max_file_size, int64_t{1} << 30);
  EXPECT_EQ(parsed->evidence.retention, Seconds(0));
  EXPECT_EQ(parsed->evidence.max_disk, 0);
  EXPECT_EQ(EvidenceDir(parsed->settings, parsed->evidence), "/srv/k/evidence");
}

TEST(EvidenceConfigTest, EveryKeyIsRead) {
  Result<Config> parsed = ParseConfig(R"([evidence]
enabled = false
dir = "/archive/kuzet"
max_file_size = 104857600
retention = "365d"
max_disk = 1073741824
)",
                                      "e.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->evidence.enabled);
  EXPECT_EQ(EvidenceDir(parsed->settings, parsed->evidence), "/archive/kuzet");
  EXPECT_EQ(parsed->evidence.max_file_size, 104857600);
  EXPECT_EQ(parsed->evidence.retention, Seconds(365 * 86400));
  EXPECT_EQ(parsed->evidence.max_disk, 1073741824);
}

TEST(EvidenceConfigTest, EachErrorGivesItsExactMessage) {
  struct Case {
    const char* toml;
    const char* message;
  } cases[] = {
      {"[evidence]\nmax_file_size = 1000\n",
       "e.toml:2: evidence.max_file_size: expected an integer from 1048576 to 1099511627776, got "
       "1000"},
      {"[evidence]\nmax_file_size = 10485760\nmax_disk = 1048576\n",
       "e.toml:3: evidence.max_disk: must be 0 (no limit) or at least max_file_size"},
      {"[evidence]\nretention = 30\n",
       "e.toml:2: evidence.retention: expected a duration like \"15m\", got an integer"},
      {"[evidence]\nmax_disc = 5\n", ""},
  };
  for (const Case& c : cases) {
    Result<Config> parsed = ParseConfig(c.toml, "e.toml");
    ASSERT_FALSE(parsed.ok()) << c.toml;
    if (c.message[0] != '\0') {
      EXPECT_EQ(parsed.status().message(), c.message) << c.toml;
    }
  }
}

TEST_F(LoadConfigFileTest, RelativeEvidenceDirIsResolvedAgainstTheConfigFolder) {
  Result<Config> loaded = LoadConfigFile(Write("[evidence]\ndir = \"../warc\"\n"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->evidence.dir, (dir_ / "warc").string());
}

}  // namespace
}  // namespace kuzet::config
