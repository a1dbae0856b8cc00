// Turns the config's keyword rules into the matcher's rule specs.
#pragma once

#include <vector>

#include "config/config.h"
#include "extractor/keywords/matcher.h"

namespace kuzet::app {

// Each spec's origin is "<config file>:<line>" so compile errors point into the file.
std::vector<keywords::RuleSpec> RuleSpecsFromConfig(const config::Config& config);

// Compiles the config's rules; the error names the file and line of the bad rule.
Result<keywords::Matcher> CompileRules(const config::Config& config);

}  // namespace kuzet::app
