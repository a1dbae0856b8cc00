#include "app/rules.h"

#include <filesystem>

namespace kuzet::app {

std::vector<keywords::RuleSpec> RuleSpecsFromConfig(const config::Config& config) {
  std::string file = config.path.empty() ? "<config>" : config.path;
  std::vector<keywords::RuleSpec> specs;
  for (const config::Rule& rule : config.rules) {
    keywords::RuleSpec spec;
    spec.id = rule.id;
    spec.terms = rule.terms;
    spec.query = rule.query;
    spec.languages = rule.languages;
    spec.sites = rule.sites;
    spec.cross_script = rule.cross_script;
    spec.exact = rule.exact;
    spec.origin = file + ":" + std::to_string(rule.line);
    specs.push_back(std::move(spec));
  }
  return specs;
}

Result<keywords::Matcher> CompileRules(const config::Config& config) {
  return keywords::Matcher::Compile(RuleSpecsFromConfig(config));
}

}  // namespace kuzet::app
