// extract and match: one-shot tools to look at a page or try a rule before deploying it.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/page_source.h"
#include "app/pipeline.h"
#include "app/rules.h"
#include "config/config.h"
#include "extractor/extractor.h"
#include "extractor/keywords/matcher.h"

namespace kuzet::app {

namespace {

nlohmann::json ArticleToJson(const std::string& input, const extractor::Article& a) {
  return {{"input", input},
          {"title", a.title},
          {"text", a.text},
          {"date", a.date},
          {"author", a.author},
          {"lang", a.lang},
          {"canonical_url", a.canonical_url},
          {"site_name", a.site_name},
          {"charset", a.charset}};
}

}  // namespace

int ExtractCommand(const ExtractOptions& options) {
  int exit_code = 0;
  for (const std::string& input : options.inputs) {
    auto page = ReadPage(input, options.base_url);
    Result<extractor::Article> article =
        page.ok() ? extractor::Extract(page->bytes, page->content_type, page->url)
                  : Result<extractor::Article>(page.status());
    if (!article.ok()) {
      std::cerr << article.status().message() << "\n";
      if (options.format == "json") {
        std::cout << nlohmann::json{{"input", input}, {"error", article.status().message()}}.dump()
                  << "\n";
      }
      exit_code = 1;
      continue;
    }
    if (options.format == "json") {
      std::cout << ArticleToJson(input, *article).dump() << "\n";
    } else {
      if (options.inputs.size() > 1) std::cout << "==> " << input << " <==\n";
      std::cout << article->title << "\n\n" << article->text << "\n";
    }
  }
  return exit_code;
}

int MatchCommand(const MatchOptions& options) {
  std::vector<keywords::RuleSpec> specs;
  if (!options.config_path.empty()) {
    auto config = config::LoadConfigFile(options.config_path);
    if (!config.ok()) {
      std::cerr << config.status().message() << "\n";
      return 1;
    }
    specs = RuleSpecsFromConfig(*config);
  }
  if (!options.terms.empty()) {
    keywords::RuleSpec inline_rule;
    inline_rule.id = "term";
    inline_rule.terms = options.terms;
    inline_rule.origin = "--term";
    specs.push_back(std::move(inline_rule));
  }
  if (!options.rule.empty()) {
    std::erase_if(specs, [&](const keywords::RuleSpec& s) { return s.id != options.rule; });
    if (specs.empty()) {
      std::cerr << "--rule " << options.rule << ": no such rule\n";
      return 1;
    }
  }
  if (specs.empty()) {
    std::cerr << "give --config FILE or --term TERM\n";
    return 1;
  }
  auto matcher = keywords::Matcher::Compile(specs);
  if (!matcher.ok()) {
    std::cerr << matcher.status().message() << "\n";
    return 1;
  }

  std::string text = options.text;
  std::string lang = options.lang;
  if (text.empty()) {
    if (options.input.empty()) {
      std::cerr << "give --text TEXT or a FILE or URL\n";
      return 1;
    }
    auto page = ReadPage(options.input, "");
    if (!page.ok()) {
      std::cerr << page.status().message() << "\n";
      return 1;
    }
    auto article = extractor::Extract(page->bytes, page->content_type, page->url);
    if (!article.ok()) {
      std::cerr << article.status().message() << "\n";
      return 1;
    }
    text = MatchableText(article->title, article->text);
    if (lang.empty()) lang = article->lang;
  }

  std::vector<keywords::Match> matches = matcher->FindAll(text, lang, options.site);
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const keywords::Match& m : matches) {
      out.push_back({{"rule", m.rule_id},
                     {"term", m.term},
                     {"surface", m.surface},
                     {"begin", m.begin},
                     {"end", m.end},
                     {"snippet", m.snippet},
                     {"snippet_mark", {m.snippet_begin, m.snippet_end}}});
    }
    std::cout << out.dump(2) << "\n";
  } else {
    for (const keywords::Match& m : matches) {
      std::string snippet = m.snippet;
      if (m.snippet_begin < m.snippet_end && m.snippet_end <= snippet.size()) {
        snippet.insert(m.snippet_end, "]");
        snippet.insert(m.snippet_begin, "[");
      }
      std::cout << m.rule_id << "  " << m.term << "  \"" << m.surface << "\"  [" << m.begin << ", "
                << m.end << ")\n    " << snippet << "\n";
    }
    std::cout << matches.size() << (matches.size() == 1 ? " match\n" : " matches\n");
  }
  return matches.empty() ? 1 : 0;
}

}  // namespace kuzet::app
