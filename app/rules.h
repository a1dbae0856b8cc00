// Turns the config's keyword rules into the matcher's rule specs.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "extractor/keywords/matcher.h"

namespace kuzet::app {

// The spec of one rule of the config at `config_path` ("" when it has none): its origin is
// "<config file>:<line>" so compile errors point into the file.
keywords::RuleSpec RuleSpecOf(const config::Rule& rule, const std::string& config_path);

// Every rule's spec, in file order.
std::vector<keywords::RuleSpec> RuleSpecsFromConfig(const config::Config& config);

// Compiles the config's rules; the error names the file and line of the bad rule.
Result<keywords::Matcher> CompileRules(const config::Config& config);

}  // namespace kuzet::app
