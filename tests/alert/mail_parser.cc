#include "tests/alert/mail_parser.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/alert/child_process.h"

namespace kuzet::alert::testing {

const std::string& MailParserPython() {
  static const std::string python = FindPython("email.policy");
  return python;
}

std::optional<nlohmann::json> ParseMailFile(const std::string& path) {
  const RunResult r =
      Run({MailParserPython(), KUZET_SOURCE_DIR "/tests/alert/parse_mail.py", path});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "parse_mail.py failed on " << path << " (exit " << r.exit_code << ")";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "parse_mail.py printed no JSON: " << e.what() << "\n" << r.out;
    return std::nullopt;
  }
}

std::optional<nlohmann::json> ParseMailFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> argv = {MailParserPython(),
                                   KUZET_SOURCE_DIR "/tests/alert/parse_mail.py", "--many"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  const RunResult r = Run(argv);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "parse_mail.py --many failed (exit " << r.exit_code << ")";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "parse_mail.py printed no JSON: " << e.what();
    return std::nullopt;
  }
}

std::optional<nlohmann::json> ParseMail(const std::string& message) {
  TempDir dir;
  const std::string path = dir.path() + "/message.eml";
  std::ofstream(path, std::ios::binary) << message;
  return ParseMailFile(path);
}

}  // namespace kuzet::alert::testing
