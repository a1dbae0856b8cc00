#include "app/rules.h"

#include <filesystem>

namespace kuzet::app {

keywords::RuleSpec RuleSpecOf(const config::Rule& rule, const std::string& config_path) {
  keywords::RuleSpec spec;
  spec.id = rule.id;
  spec.terms = rule.terms;
  spec.query = rule.query;
  spec.languages = rule.languages;
  spec.sites = rule.sites;
  spec.cross_script = rule.cross_script;
  spec.exact = rule.exact;
  spec.origin = (config_path.empty() ? "<config>" : config_path) + ":" + std::to_string(rule.line);
  return spec;
}

std::vector<keywords::RuleSpec> RuleSpecsFromConfig(const config::Config& config) {
  std::vector<keywords::RuleSpec> specs;
  for (const config::Rule& rule : config.rules) specs.push_back(RuleSpecOf(rule, config.path));
  return specs;
}

Result<keywords::Matcher> CompileRules(const config::Config& config) {
  return keywords::Matcher::Compile(RuleSpecsFromConfig(config));
}

}  // namespace kuzet::app
