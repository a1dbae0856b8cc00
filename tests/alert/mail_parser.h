// Test helper: a message as Python's email package (policy=default) sees it (parse_mail.py).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kuzet::alert::testing {

// The python3 that runs parse_mail.py, or "" when none is installed.
const std::string& MailParserPython();

// parse_mail.py's JSON for `message`, or nullopt (with a gtest failure) if it did not run.
std::optional<nlohmann::json> ParseMail(const std::string& message);
// The same for a message already in a file.
std::optional<nlohmann::json> ParseMailFile(const std::string& path);

// Several files in one python3 run (each run costs ~0.2 s): path -> facts.
std::optional<nlohmann::json> ParseMailFiles(const std::vector<std::string>& paths);

}  // namespace kuzet::alert::testing
