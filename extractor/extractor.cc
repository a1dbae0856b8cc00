#include "extractor/extractor.h"

#include <gumbo.h>

#include <exception>
#include <string>
#include <utility>

#include "extractor/charset.h"
#include "extractor/content.h"
#include "extractor/content_sniff.h"
#include "extractor/date_parse.h"
#include "extractor/dom.h"
#include "extractor/language.h"
#include "extractor/metadata.h"
#include "extractor/parsed_html.h"
#include "url/resolver.h"

namespace kuzet::extractor {
namespace {

const GumboNode* FindBody(const GumboNode* html) {
  if (html == nullptr || html->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboVector& kids = html->v.element.children;
  for (unsigned k = 0; k < kids.length; ++k) {
    const auto* c = static_cast<const GumboNode*>(kids.data[k]);
    if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == GUMBO_TAG_BODY) return c;
  }
  return nullptr;
}

Status OverBudget(std::string_view url, const PageBudget& budget) {
  return Status::Unavailable("extractor: " + std::string(url) + ": " + budget.Describe());
}

Result<Article> ExtractDecoded(std::string_view utf8, std::string charset, std::string_view url,
                               PageBudget& budget) {
  const ParsedHtml parsed(utf8, budget.memory_bytes());
  if (parsed.over_memory_budget()) {
    budget.AllowsParse(parsed.estimated_bytes());
    return OverBudget(url, budget);
  }
  if (!budget.Check()) return OverBudget(url, budget);
  const GumboOutput* output = parsed.output();
  Article a;
  a.charset = std::move(charset);
  if (output == nullptr) return a;
  url::UrlResolver resolver(url);
  PageMetadata meta = ExtractMetadata(output->document, url, resolver);
  if (!budget.Check()) return OverBudget(url, budget);
  a.title = std::move(meta.title);
  a.date = std::move(meta.date);
  a.author = std::move(meta.author);
  a.canonical_url = std::move(meta.canonical_url);
  a.site_name = std::move(meta.site_name);
  a.links = std::move(meta.links);
  a.feed_links = std::move(meta.feed_links);
  a.text = ExtractMainText(output->document);
  if (!budget.Check()) return OverBudget(url, budget);
  if (a.date.empty()) {
    // A written date near the top of the article ("5 ноября 2013 г.", "November 5, 2013"),
    // else the first one in the visible page (bylines often sit outside the article body).
    a.date = FindDateInText(std::string_view(a.text).substr(0, 1500));
    if (a.date.empty()) {
      if (const GumboNode* body = FindBody(output->root)) {
        a.date = FindDateInText(NodeTextPrefix(body, 20000));
      }
    }
  }
  if (!budget.Check()) return OverBudget(url, budget);
  a.lang = DetectLanguage(a.text.size() >= 200 ? a.text : a.title + "\n" + a.text);
  return a;
}

}  // namespace

Result<Article> Extract(std::string_view bytes, std::string_view content_type, std::string_view url,
                        PageBudget* budget) {
  PageBudget unlimited;
  if (budget == nullptr) budget = &unlimited;
  if (bytes.size() > kMaxDocumentBytes) {
    return Status::InvalidArgument(
        "extractor: document of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
        std::to_string(kMaxDocumentBytes) + " (" + std::string(url) + ")");
  }
  if (const std::string_view kind = SniffBinary(bytes); !kind.empty()) {
    Article a;
    a.not_text = std::string(kind);  // never decoded: it would be stored as a garbled page
    return a;
  }
  try {
    DecodedText decoded = DecodeToUtf8UnlessValid(bytes, content_type);
    // Valid UTF-8 is parsed in place; Gumbo's tree points into its input (original_text), which
    // the caller's bytes outlive for the whole call.
    const std::string_view utf8 = decoded.unchanged ? bytes : std::string_view(decoded.utf8);
    return ExtractDecoded(utf8, std::move(decoded.charset), url, *budget);
  } catch (const std::exception& e) {
    // bad_alloc or a library exception: report, never propagate.
    return Status::Corruption("extractor: cannot extract " + std::string(url) + ": " + e.what());
  }
}

}  // namespace kuzet::extractor
