// SmtpSender against a real SMTP server (aiosmtpd) that the test starts on 127.0.0.1; each
// received message is then parsed by Python's email package as a mail client would.
#include "alert/smtp_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "alert/channel.h"
#include "alert/mime.h"
#include "tests/alert/child_process.h"
#include "tests/alert/mail_parser.h"

namespace kuzet::alert {
namespace {

using testing::ChildProcess;
using testing::FindPython;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ParseMailFile;
using testing::ReadFile;
using testing::TempDir;

constexpr char kFrom[] = "kuzet@monitor.example.org";
constexpr char kPasswordVar[] = "KUZET_TEST_SMTP_PASSWORD";
constexpr char kPassword[] = "s3cret-Zh4na0zen";

const std::string& AiosmtpdPython() {
  static const std::string python = FindPython("aiosmtpd");
  return python;
}

// A running smtp_sink.py and the folder it stores messages in.
class SmtpSink {
 public:
  explicit SmtpSink(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> argv = {AiosmtpdPython(), KUZET_SOURCE_DIR "/tests/alert/smtp_sink.py",
                                     dir_.path()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    const auto line = process_->ReadLine(std::chrono::seconds(20));
    if (line && line->starts_with("PORT ")) port_ = std::stoi(line->substr(5));
  }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::string MessagePath(int n) const { return dir_.path() + "/" + std::to_string(n) + ".eml"; }
  nlohmann::json Envelope(int n) const {
    return nlohmann::json::parse(ReadFile(dir_.path() + "/" + std::to_string(n) + ".json"));
  }
  int MessageCount() const {
    int count = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      count += e.path().extension() == ".eml";
    }
    return count;
  }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

class SmtpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (AiosmtpdPython().empty()) {
      GTEST_SKIP() << "python3 with aiosmtpd not found (Debian: apt-get install python3-aiosmtpd)";
    }
  }

  SmtpSettings Settings(const SmtpSink& sink) {
    SmtpSettings s;
    s.url = sink.url();
    s.starttls = SmtpSettings::StartTls::kOff;  // the test server speaks plain SMTP
    s.envelope_from = kFrom;
    s.timeout = std::chrono::seconds(20);
    return s;
  }
};

Alert MakeAlert(std::string id, std::string title, std::string lang) {
  Alert a;
  a.id = std::move(id);
  a.rule_id = "zhanaozen";
  a.rule_description = "Жаңаөзен";
  a.site_id = "azattyq";
  a.site_name = "Азаттық";
  a.url = "https://www.azattyq.org/a/" + a.id + ".html";
  a.title = std::move(title);
  a.lang = std::move(lang);
  const std::string before = "Azattyq: ";  // a body sentence holding the title, not the title
  a.snippet = before + a.title;
  a.snippet_mark_begin = static_cast<uint32_t>(before.size());
  a.snippet_mark_end = a.snippet_mark_begin + 10;
  a.found_at_us = 1764400000LL * 1000000;
  return a;
}

TEST_F(SmtpTest, DeliversRussianAndKazakhAlertsToEveryRecipient) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << "smtp_sink.py did not start";
  const std::vector<std::string> recipients = {"analyst@example.org", "desk@union.example.kz",
                                               "archive@example.net"};
  const std::vector<Alert> alerts = {
      MakeAlert("101", "Суд в Актау: нефтяники Жанаозена требуют пересмотра дела", "ru"),
      MakeAlert("102", "Жаңаөзендегі оқиғаға он төрт жыл: мұнайшылар әділдік талап етеді", "kk")};
  MailSettings mail;
  mail.from = kFrom;
  mail.to = recipients;
  SmtpSender sender(Settings(sink));
  std::vector<std::string> sent;
  for (const Alert& a : alerts) {
    Result<std::string> message = BuildMessage(a, mail);
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    const Status s = sender.Send(message.value(), recipients);
    ASSERT_TRUE(s.ok()) << s.ToString();
    sent.push_back(message.value());
  }

  ASSERT_EQ(sink.MessageCount(), 2);
  for (int n = 1; n <= 2; ++n) {
    const Alert& a = alerts[n - 1];
    SCOPED_TRACE("message " + std::to_string(n));
    EXPECT_EQ(ReadFile(sink.MessagePath(n)), sent[n - 1]) << "received bytes differ from sent";
    const nlohmann::json envelope = sink.Envelope(n);
    EXPECT_EQ(envelope["mail_from"], kFrom);
    EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json(recipients));

    const auto parsed = ParseMailFile(sink.MessagePath(n));
    ASSERT_TRUE(parsed);
    EXPECT_EQ((*parsed)["defects"], nlohmann::json::array());
    EXPECT_EQ((*parsed)["subject"], "[Kuzet] Жаңаөзен: " + a.title);
    EXPECT_EQ((*parsed)["message_id"], "<kuzet." + a.id + "@monitor.example.org>");
    EXPECT_EQ((*parsed)["to"], nlohmann::json(recipients));
    EXPECT_EQ((*parsed)["content_type"], "multipart/alternative");
    ASSERT_EQ((*parsed)["parts"].size(), 2u);
    EXPECT_EQ((*parsed)["parts"][0]["content_type"], "text/plain");
    EXPECT_EQ((*parsed)["parts"][1]["content_type"], "text/html");
    EXPECT_THAT((*parsed)["parts"][0]["text"].get<std::string>(), HasSubstr(a.url));
    EXPECT_THAT((*parsed)["parts"][1]["text"].get<std::string>(),
                HasSubstr("<mark>" + a.title.substr(0, 10) + "</mark>"));
    EXPECT_THAT((*parsed)["headers"].dump(),
                HasSubstr("[\"List-Id\",\"Kuzet alerts <zhanaozen.kuzet.monitor.example.org>\"]"));
  }
}

TEST_F(SmtpTest, ResendCarriesTheSameMessageId) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org"};
  SmtpSender sender(Settings(sink));
  const Alert a = MakeAlert("7", "Жанаозен", "ru");
  for (int attempt = 0; attempt < 2; ++attempt) {  // as after a crash between send and mark
    Result<std::string> m = BuildMessage(a, mail);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(sender.Send(m.value(), mail.to).ok());
  }
  ASSERT_EQ(sink.MessageCount(), 2);
  const auto first = ParseMailFile(sink.MessagePath(1));
  const auto second = ParseMailFile(sink.MessagePath(2));
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)["message_id"], "<kuzet.7@monitor.example.org>");
  EXPECT_EQ((*second)["message_id"], (*first)["message_id"]);
}

TEST_F(SmtpTest, EmailChannelDeliversAlertsAndDigests) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org", "desk@union.example.kz"};
  const auto channel = MakeEmailChannel(mail, Settings(sink));
  EXPECT_EQ(channel->name(), "email " + sink.url());
  const Alert first = MakeAlert("31", "Жанаозен: первое", "ru");
  const Alert second = MakeAlert("32", "Жаңаөзен: екінші", "kk");
  ASSERT_TRUE(channel->Deliver(first).ok());
  ASSERT_TRUE(channel->DeliverDigest(Digest{"31-32", {first, second}}).ok());
  ASSERT_EQ(sink.MessageCount(), 2);
  const auto single = ParseMailFile(sink.MessagePath(1));
  const auto digest = ParseMailFile(sink.MessagePath(2));
  ASSERT_TRUE(single && digest);
  EXPECT_EQ((*single)["message_id"], "<kuzet.31@monitor.example.org>");
  EXPECT_EQ((*digest)["message_id"], "<kuzet.digest.31-32@monitor.example.org>");
  EXPECT_EQ((*digest)["subject"], "[Kuzet] 2 new mentions: Жаңаөзен");
  EXPECT_EQ((*digest)["defects"], nlohmann::json::array());
  EXPECT_EQ(sink.Envelope(2)["rcpt_tos"], nlohmann::json(mail.to));

  Alert no_id = first;
  no_id.id.clear();
  EXPECT_EQ(channel->Deliver(no_id).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(sink.MessageCount(), 2);
}

TEST_F(SmtpTest, AuthWithPasswordFromEnvironmentVariable) {
  SmtpSink sink({"--user", "monitor", "--password", kPassword});
  ASSERT_GT(sink.port(), 0);
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org"};
  const std::string message = BuildMessage(MakeAlert("9", "Жанаозен", "ru"), mail).value();

  SmtpSettings settings = Settings(sink);
  settings.user = "monitor";
  settings.password_env = kPasswordVar;
  ::setenv(kPasswordVar, kPassword, 1);
  Status s = SmtpSender(settings).Send(message, mail.to);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.MessageCount(), 1);
  EXPECT_EQ(sink.Envelope(1)["auth_login"], "monitor");

  ::setenv(kPasswordVar, "wrong-password-value", 1);
  s = SmtpSender(settings).Send(message, mail.to);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(sink.url()));
  EXPECT_THAT(s.message(), Not(HasSubstr("wrong-password-value")));

  ::unsetenv(kPasswordVar);
  s = SmtpSender(settings).Send(message, mail.to);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(kPasswordVar));
  EXPECT_EQ(sink.MessageCount(), 1) << "nothing more may be delivered";

  settings.password_env.clear();  // and without any credentials the server refuses to relay
  settings.user.clear();
  EXPECT_FALSE(SmtpSender(settings).Send(message, mail.to).ok());
  EXPECT_EQ(sink.MessageCount(), 1);
}

TEST_F(SmtpTest, RefusedRecipientIsAPermanentErrorAndNothingIsSent) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0);
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org", "unknown@example.org"};
  const std::string message = BuildMessage(MakeAlert("11", "Жанаозен", "ru"), mail).value();
  const Status s = SmtpSender(Settings(sink)).Send(message, mail.to);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("550"));
  EXPECT_EQ(sink.MessageCount(), 0);
}

// A server that offers no STARTTLS will not start offering it on a retry: the failure is a
// configuration error (permanent), not a temporary one that would be retried for days.
TEST_F(SmtpTest, RequiredStartTlsIsNeverSkippedAndItsAbsenceIsPermanent) {
  SmtpSink sink;  // offers no STARTTLS
  ASSERT_GT(sink.port(), 0);
  SmtpSettings settings = Settings(sink);
  settings.starttls = SmtpSettings::StartTls::kRequired;
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org"};
  const Status s =
      SmtpSender(settings).Send(BuildMessage(MakeAlert("12", "x", "en"), mail).value(), mail.to);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(sink.url()));
  EXPECT_EQ(sink.MessageCount(), 0);
}

// A self-signed certificate for 127.0.0.1, made with the openssl command-line tool.
struct TestCertificate {
  TempDir dir;
  std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  bool ok =
      testing::Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                   /*quiet=*/true)
          .exit_code == 0;
};

TEST_F(SmtpTest, StartTlsWithVerifiedCertificateAndAuth) {
  TestCertificate tls;
  if (!tls.ok) GTEST_SKIP() << "openssl command not available to make a test certificate";
  SmtpSink sink(
      {"--cert", tls.cert, "--key", tls.key, "--user", "monitor", "--password", kPassword});
  ASSERT_GT(sink.port(), 0);
  SmtpSettings settings = Settings(sink);
  settings.starttls = SmtpSettings::StartTls::kRequired;
  settings.ca_file = tls.cert;
  settings.user = "monitor";
  settings.password = kPassword;
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org"};
  const std::string message =
      BuildMessage(MakeAlert("21", "Жаңаөзен: шифрланған хат", "kk"), mail).value();
  const Status s = SmtpSender(settings).Send(message, mail.to);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.MessageCount(), 1);
  EXPECT_EQ(sink.Envelope(1)["auth_login"], "monitor");
  EXPECT_EQ(ReadFile(sink.MessagePath(1)), message);

  settings.ca_file.clear();  // the system CAs do not know this certificate: refuse to send
  const Status untrusted = SmtpSender(settings).Send(message, mail.to);
  EXPECT_EQ(untrusted.code(), Status::Code::kNetwork) << untrusted.ToString();
  EXPECT_EQ(sink.MessageCount(), 1);
}

TEST_F(SmtpTest, ImplicitTlsSmtps) {
  TestCertificate tls;
  if (!tls.ok) GTEST_SKIP() << "openssl command not available to make a test certificate";
  SmtpSink sink({"--cert", tls.cert, "--key", tls.key, "--implicit-tls"});
  ASSERT_GT(sink.port(), 0);
  SmtpSettings settings = Settings(sink);
  // The URL path is the EHLO name (for servers that want a real one).
  settings.url = "smtps://127.0.0.1:" + std::to_string(sink.port()) + "/monitor.example.org";
  settings.ca_file = tls.cert;
  MailSettings mail;
  mail.from = kFrom;
  mail.to = {"analyst@example.org", "desk@union.example.kz"};
  const std::string message = BuildMessage(MakeAlert("22", "Жанаозен", "ru"), mail).value();
  const Status s = SmtpSender(settings).Send(message, mail.to);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.MessageCount(), 1);
  EXPECT_EQ(sink.Envelope(1)["rcpt_tos"], nlohmann::json(mail.to));
  EXPECT_EQ(sink.Envelope(1)["ehlo"], "monitor.example.org");
}

TEST(SmtpSenderTest, ServerDownIsATransientErrorNamingTheServer) {
  // A port that was free a moment ago: nothing listens there.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  const std::string url = "smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  SmtpSettings settings;
  settings.url = url;
  settings.envelope_from = kFrom;
  settings.user = "monitor";
  settings.password = kPassword;
  const Status s = SmtpSender(settings).Send("Subject: x\r\n\r\nx\r\n", {"a@example.org"});
  EXPECT_EQ(s.code(), Status::Code::kNetwork) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(url));
  EXPECT_THAT(s.message(), Not(HasSubstr(kPassword)));
}

TEST(SmtpSenderTest, BadUrlsAndAddressesAreRejectedBeforeConnecting) {
  const auto send = [](std::string url, std::string from, std::vector<std::string> rcpt) {
    SmtpSettings s;
    s.url = std::move(url);
    s.envelope_from = std::move(from);
    return SmtpSender(s).Send("x\r\n", rcpt);
  };
  const std::vector<std::string> ok_rcpt = {"a@example.org"};
  EXPECT_EQ(send("http://mail.example.org", kFrom, ok_rcpt).code(), Status::Code::kInvalidArgument);
  const Status with_userinfo = send("smtp://u:hunter2@mail.example.org", kFrom, ok_rcpt);
  EXPECT_EQ(with_userinfo.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(with_userinfo.message(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(send("smtp://mail.example.org", "not-an-address", ok_rcpt).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(
      send("smtp://mail.example.org", kFrom, {"a@example.org\r\nRCPT TO:<b@evil.org>"}).code(),
      Status::Code::kInvalidArgument);
  EXPECT_EQ(send("smtp://mail.example.org", kFrom, {}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(SmtpSender(SmtpSettings{.url = "smtps://mail.example.org"}).server(),
            "smtps://mail.example.org:465");
}

}  // namespace
}  // namespace kuzet::alert
