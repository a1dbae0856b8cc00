#include "crawler/feed.h"

#include <pugixml.hpp>

#include <cstring>
#include <vector>

#include "base/strings.h"
#include "crawler/feed_date.h"
#include "crawler/xml_text.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

bool NameIs(const pugi::xml_node& node, std::string_view local) {
  return base::EqualsIgnoreAsciiCase(LocalName(node), local);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_element && NameIs(child, local)) return child;
  }
  return {};
}

// Text content of an element, including CDATA and the text of nested markup.
std::string Text(const pugi::xml_node& node) {
  if (!node) return "";
  std::string out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      out += Text(child);
    }
  }
  return TrimXmlSpace(out);
}

// The base URL in effect at `node`: the feed's URL refined by every xml:base on the way down.
std::string BaseAt(const pugi::xml_node& node, const std::string& document_base) {
  std::vector<std::string> bases;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    pugi::xml_attribute attribute = n.attribute("xml:base");
    if (attribute) bases.emplace_back(attribute.value());
  }
  std::string base = document_base;
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    std::string ref = TrimXmlSpace(*it);
    if (ref.empty()) continue;
    Result<std::string> resolved =
        base.empty() ? Result<std::string>(Status::InvalidArgument("")) : url::Resolve(base, ref);
    if (resolved.ok()) {
      base = *resolved;
    } else if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) {
      base = ref;
    }
  }
  return base;
}

std::string Absolute(const std::string& base, const std::string& ref) {
  std::string link = TrimXmlSpace(ref);
  if (link.empty()) return "";
  if (!base.empty()) {
    Result<std::string> resolved = url::Resolve(base, link);
    if (resolved.ok()) return *resolved;
  }
  Result<std::string> absolute = url::Canonicalize(link);
  return absolute.ok() ? link : "";
}

int64_t FirstDate(const pugi::xml_node& item, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    int64_t t = ParseFeedDate(Text(Child(item, name)));
    if (t != 0) return t;
  }
  return 0;
}

// RSS 0.9x/2.0 <item> and RSS 1.0 <item rdf:about>.
void ReadRssItem(const pugi::xml_node& item, const std::string& document_base, Feed& feed) {
  FeedItem out;
  std::string base = BaseAt(item, document_base);
  out.title = Text(Child(item, "title"));
  pugi::xml_node guid = Child(item, "guid");
  out.guid = Text(guid);
  if (out.guid.empty()) out.guid = TrimXmlSpace(item.attribute("rdf:about").value());
  out.url = Absolute(base, Text(Child(item, "link")));
  if (out.url.empty()) {
    // RSS 2.0: a guid is a permalink unless isPermaLink="false".
    std::string permalink = guid.attribute("isPermaLink").value();
    if (guid && permalink != "false") out.url = Absolute(base, out.guid);
  }
  if (out.url.empty()) out.url = Absolute(base, TrimXmlSpace(item.attribute("rdf:about").value()));
  if (out.url.empty()) {  // Microsoft CDF: <ITEM HREF="...">
    std::string href = item.attribute("HREF").value();
    if (href.empty()) href = item.attribute("href").value();
    out.url = Absolute(base, href);
  }
  if (out.url.empty()) {  // feedburner keeps the original link here
    out.url = Absolute(base, Text(Child(item, "origlink")));
  }
  out.published =
      FirstDate(item, {"pubdate", "date", "published", "issued", "created", "updated", "modified"});
  if (!out.url.empty()) feed.items.push_back(std::move(out));
}

// Atom <entry>: the rel="alternate" link (or a link without rel), RFC 4287 §4.2.7.
void ReadAtomEntry(const pugi::xml_node& entry, const std::string& document_base, Feed& feed) {
  FeedItem out;
  out.title = Text(Child(entry, "title"));
  out.guid = Text(Child(entry, "id"));
  std::string fallback;
  for (pugi::xml_node link : entry.children()) {
    if (link.type() != pugi::node_element || !NameIs(link, "link")) continue;
    std::string rel = link.attribute("rel").value();
    std::string href = link.attribute("href").value();
    if (href.empty()) href = Text(link);  // some Atom 0.3 feeds put the URL in the content
    if (href.empty()) continue;
    std::string absolute = Absolute(BaseAt(link, document_base), href);
    if (absolute.empty()) continue;
    if (rel.empty() || rel == "alternate") {
      out.url = absolute;
      break;
    }
    if (fallback.empty() && rel != "enclosure" && rel != "self" && rel != "edit" &&
        rel != "replies" && rel != "license") {
      fallback = absolute;
    }
  }
  if (out.url.empty())
    out.url = Absolute(BaseAt(entry, document_base), Text(Child(entry, "origlink")));
  if (out.url.empty()) out.url = fallback;
  out.published = FirstDate(entry, {"published", "issued", "updated", "modified", "created"});
  if (!out.url.empty()) feed.items.push_back(std::move(out));
}

}  // namespace

bool LooksLikeFeed(std::string_view body) {
  std::string_view head = body.substr(0, 1024);
  return head.find("<rss") != std::string_view::npos ||
         head.find("<feed") != std::string_view::npos ||
         head.find("<rdf:RDF") != std::string_view::npos ||
         head.find("<RDF") != std::string_view::npos;
}

Result<Feed> ParseFeed(std::string_view xml, std::string_view base_url) {
  pugi::xml_document document;
  unsigned int options = pugi::parse_default | pugi::parse_cdata;
  pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size(), options);
  pugi::xml_node root = document.document_element();
  const std::string base(base_url);
  if (!root) {
    return Status::Corruption("not a feed: " + std::string(parsed.description()) + " in " + base);
  }
  Feed feed;
  if (NameIs(root, "feed")) {  // Atom
    feed.title = Text(Child(root, "title"));
    for (pugi::xml_node entry : root.children()) {
      if (entry.type() == pugi::node_element && NameIs(entry, "entry"))
        ReadAtomEntry(entry, base, feed);
    }
    return feed;
  }
  if (NameIs(root, "rss") || NameIs(root, "rdf") || NameIs(root, "channel")) {
    pugi::xml_node channel = NameIs(root, "channel") ? root : Child(root, "channel");
    feed.title = Text(Child(channel, "title"));
    // RSS 2.0 puts items inside <channel>; RSS 1.0 (RDF) and 0.90 next to it.
    std::vector<pugi::xml_node> parents{root};
    if (channel && channel != root) parents.insert(parents.begin(), channel);
    for (const pugi::xml_node& parent : parents) {
      for (pugi::xml_node item : parent.children()) {
        if (item.type() == pugi::node_element && NameIs(item, "item")) {
          ReadRssItem(item, base, feed);
        }
      }
    }
    return feed;
  }
  return Status::Corruption("not an RSS, RDF or Atom feed (root element <" +
                            std::string(root.name()) + ">): " + base);
}

}  // namespace kuzet::crawler
