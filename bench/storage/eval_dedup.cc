// eval_dedup: precision and recall of the store's near-duplicate stories on real articles.
//
// Positives are re-templated copies of each article of shared/corpus (English aeb-dev and
// Russian daniel-ru-dev ground truth): boilerplate lines added (subscription, share block, "read
// also"), a paragraph dropped, a few words changed, and all of these together. Negatives are
// pairs of different articles: for each article the other article sharing the most words (same
// topic, same names: the hard case), and a random other article. Everything goes through
// Store::PutPage in a temporary data dir: a copy is "joined" when PutPage puts it in its
// original's story; a negative pair is joined when both articles end in one story.
//
// Usage: eval_dedup [shared_dir]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/strings.h"
#include "storage/simhash.h"
#include "storage/store.h"

namespace {

namespace fs = std::filesystem;
using kuzet::storage::PageInput;
using kuzet::storage::Store;

struct Article {
  std::string id, text;
  bool russian = false;
};

std::vector<Article> LoadArticles(const fs::path& shared) {
  std::vector<Article> articles;
  for (const char* corpus :
       {"corpus/aeb-dev/ground-truth.json", "corpus/daniel-ru-dev/ground-truth.json"}) {
    std::ifstream in(shared / corpus);
    if (!in) continue;
    nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded()) continue;
    for (const auto& [id, entry] : truth.items()) {
      std::string text = entry.value("articleBody", "");
      if (text.empty()) continue;
      articles.push_back({id, text, std::string(corpus).find("-ru-") != std::string::npos});
    }
  }
  return articles;
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Lowercased ASCII; other bytes (Cyrillic) as they are: enough to compare word sets.
std::set<std::string> WordSet(const std::string& text) {
  std::set<std::string> words;
  std::string word;
  for (char c : text + " ") {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word.push_back(kuzet::base::AsciiLower(c));
    } else if (!word.empty()) {
      if (word.size() > 2) words.insert(word);
      word.clear();
    }
  }
  return words;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t common = 0;
  for (const std::string& w : a) common += b.count(w);
  size_t all = a.size() + b.size() - common;
  return all == 0 ? 0 : static_cast<double>(common) / static_cast<double>(all);
}

// ---- the re-templating edits
// ---------------------------------------------------------------------

std::string AddBoilerplate(const Article& a, std::mt19937& rng) {
  const std::vector<std::string> en = {
      "Subscribe to our newsletter to get the latest news every morning.",
      "Share this article: Facebook Twitter Telegram WhatsApp Email",
      "Read also: Oil prices fall as demand weakens", "Follow us on Telegram and Instagram",
      "Photo: Reuters. All rights reserved."};
  const std::vector<std::string> ru = {
      "Подпишитесь на нашу рассылку, чтобы получать главные новости каждое утро.",
      "Поделиться: ВКонтакте Одноклассники Telegram WhatsApp",
      "Читайте также: Цены на нефть снижаются на фоне слабого спроса",
      "Следите за нами в Telegram и Instagram", "Фото: ТАСС. Все права защищены."};
  const auto& lines = a.russian ? ru : en;
  std::string top = lines[rng() % lines.size()];
  std::string bottom = lines[rng() % lines.size()] + "\n" + lines[rng() % lines.size()];
  return top + "\n" + a.text + "\n" + bottom;
}

std::string DropParagraph(const Article& a, std::mt19937& rng) {
  std::vector<std::string> paragraphs = Split(a.text, '\n');
  paragraphs.erase(std::remove(paragraphs.begin(), paragraphs.end(), ""), paragraphs.end());
  if (paragraphs.size() >= 3) {
    paragraphs.erase(paragraphs.begin() + 1 + rng() % (paragraphs.size() - 2));
    return Join(paragraphs, "\n");
  }
  // One paragraph: drop a sentence from the middle instead.
  std::vector<std::string> sentences = Split(a.text, '.');
  if (sentences.size() >= 3)
    sentences.erase(sentences.begin() + 1 + rng() % (sentences.size() - 2));
  return Join(sentences, ".");
}

std::string EditWords(const std::string& text, int edits, std::mt19937& rng) {
  std::vector<std::string> words = Split(text, ' ');
  const char* replacements[] = {"reportedly", "however", "also", "officially", "recently"};
  for (int i = 0; i < edits && !words.empty(); ++i) {
    words[rng() % words.size()] = replacements[rng() % std::size(replacements)];
  }
  return Join(words, " ");
}

struct Variant {
  const char* kind;
  std::string (*make)(const Article&, std::mt19937&);
};

const Variant kVariants[] = {
    {"boilerplate added", AddBoilerplate},
    {"paragraph dropped", DropParagraph},
    {"3 words changed",
     [](const Article& a, std::mt19937& rng) { return EditWords(a.text, 3, rng); }},
    {"all of these",
     [](const Article& a, std::mt19937& rng) {
       Article dropped = a;
       dropped.text = DropParagraph(a, rng);
       return EditWords(AddBoilerplate(dropped, rng), 3, rng);
     }},
};

PageInput Page(const std::string& url, const std::string& text, int64_t at) {
  PageInput p;
  p.site_id = "eval";
  p.url = p.final_url = url;
  p.text = text;
  p.lang = "xx";
  p.fetched_at_us = at;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = argc > 1 ? argv[1] : KUZET_SHARED_DIR;
  std::vector<Article> articles = LoadArticles(shared);
  if (articles.empty()) {
    std::cerr << "no articles: " << shared << "/corpus/*/ground-truth.json not found\n";
    return 1;
  }
  fs::path dir = fs::temp_directory_path() / ("kuzet-eval-dedup-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto opened = Store::Open(dir.string());
  if (!opened.ok()) {
    std::cerr << opened.status().message() << "\n";
    return 1;
  }
  Store& store = **opened;
  int64_t t = 1'700'000'000'000'000;

  // Originals first: each article's story is then known.
  std::vector<uint64_t> story(articles.size());
  std::map<uint64_t, size_t> article_of_doc;  // which article each stored document is a form of
  for (size_t i = 0; i < articles.size(); ++i) {
    auto put = store.writer().PutPage(
        Page("https://orig.example/" + articles[i].id, articles[i].text, ++t));
    if (!put.ok()) {
      std::cerr << put.status().message() << "\n";
      return 1;
    }
    story[i] = put->story_id;
    article_of_doc[put->doc_id] = i;
  }

  // Positives: every variant of every article, stored at a URL of its own.
  std::map<std::string, std::pair<int, int>> by_kind;  // joined, total
  // Pairwise SimHash distances, for the threshold sweep (-1: a text too short for a SimHash).
  auto simhash = [](const std::string& text) { return kuzet::storage::TextSimHash(text); };
  auto distance = [&](const std::string& a, const std::string& b) {
    auto ha = simhash(a), hb = simhash(b);
    return ha && hb ? kuzet::storage::HammingDistance(*ha, *hb) : -1;
  };
  std::vector<int> positive_distances, negative_distances;
  // A copy not in its original's story is a false join when its story began with another
  // article; when the story began with another copy of the same article (the copy is nearer to
  // that copy than to the original), it is a missed join of the original, not a false one.
  int tp = 0, fn = 0, fp_wrong_story = 0, same_article_other_copy = 0;
  for (size_t i = 0; i < articles.size(); ++i) {
    std::mt19937 rng(static_cast<unsigned>(i) * 2654435761u + 17);
    for (const Variant& v : kVariants) {
      std::string text = v.make(articles[i], rng);
      auto put = store.writer().PutPage(
          Page("https://copy.example/" + std::string(v.kind) + "/" + articles[i].id, text, ++t));
      if (!put.ok()) {
        std::cerr << put.status().message() << "\n";
        return 1;
      }
      positive_distances.push_back(distance(articles[i].text, text));
      bool joined = put->story_id == story[i];
      if (put->new_document) article_of_doc[put->doc_id] = i;
      if (joined) {
        ++tp;
      } else {
        ++fn;
        if (put->story_id != put->doc_id) {
          auto first = article_of_doc.find(put->story_id);
          if (first != article_of_doc.end() && first->second == i) {
            ++same_article_other_copy;
          } else {
            ++fp_wrong_story;
          }
        }
      }
      by_kind[v.kind].first += joined;
      by_kind[v.kind].second += 1;
    }
  }

  // Negatives: for each article its most word-sharing other article, and a random other one.
  std::vector<std::set<std::string>> words;
  for (const Article& a : articles) words.push_back(WordSet(a.text));
  std::set<std::pair<size_t, size_t>> hard, random_pairs;
  double overlap_sum = 0;
  std::mt19937 rng(42);
  for (size_t i = 0; i < articles.size(); ++i) {
    size_t best = i;
    double best_overlap = -1;
    for (size_t j = 0; j < articles.size(); ++j) {
      if (j == i) continue;
      double overlap = Jaccard(words[i], words[j]);
      if (overlap > best_overlap) best_overlap = overlap, best = j;
    }
    if (hard.insert({std::min(i, best), std::max(i, best)}).second) overlap_sum += best_overlap;
    size_t other = (i + 1 + rng() % (articles.size() - 1)) % articles.size();
    random_pairs.insert({std::min(i, other), std::max(i, other)});
  }
  for (const auto& pairs : {hard, random_pairs}) {
    for (const auto& [a, b] : pairs) {
      negative_distances.push_back(distance(articles[a].text, articles[b].text));
    }
  }
  int fp_hard = 0, fp_random = 0;
  for (const auto& [a, b] : hard) fp_hard += story[a] == story[b];
  for (const auto& [a, b] : random_pairs) fp_random += story[a] == story[b];
  const int fp = fp_hard + fp_random + fp_wrong_story;

  std::printf("%zu articles (%zu en, %zu ru)\n", articles.size(),
              static_cast<size_t>(std::count_if(articles.begin(), articles.end(),
                                                [](const Article& a) { return !a.russian; })),
              static_cast<size_t>(std::count_if(articles.begin(), articles.end(),
                                                [](const Article& a) { return a.russian; })));
  std::printf("positives (re-templated copies)      joined / total   recall\n");
  for (const Variant& v : kVariants) {
    auto [joined, total] = by_kind[v.kind];
    std::printf("  %-34s %6d / %-6d  %5.1f%%\n", v.kind, joined, total, 100.0 * joined / total);
  }
  std::printf("negatives (different articles)       joined / pairs\n");
  std::printf("  %-34s %6d / %-6zu  (mean word Jaccard %.2f)\n", "most word-sharing other article",
              fp_hard, hard.size(), overlap_sum / static_cast<double>(hard.size()));
  std::printf("  %-34s %6d / %-6zu\n", "random other article", fp_random, random_pairs.size());
  std::printf("  %-34s %6d\n", "copies joined to another article", fp_wrong_story);
  std::printf("(copies joined to another copy of their own article, counted as missed: %d)\n",
              same_article_other_copy);
  std::printf("precision %.3f  recall %.3f  (TP %d, FP %d, FN %d)\n",
              tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp),
              static_cast<double>(tp) / (tp + fn), tp, fp, fn);
  // What other thresholds would give on the same pairs (pairwise, not through the store).
  std::printf("SimHash threshold sweep (pairwise): distance <= k counts as the same story\n");
  std::printf("  k   recall   false joins of %zu negative pairs\n", negative_distances.size());
  for (int k : {3, 5, 7, 9, 11, 13}) {
    int hits = 0, false_hits = 0;
    for (int d : positive_distances) hits += d >= 0 && d <= k;
    for (int d : negative_distances) false_hits += d >= 0 && d <= k;
    std::printf("  %-3d %5.1f%%   %d\n", k, 100.0 * hits / positive_distances.size(), false_hits);
  }
  int closest = 64;
  for (int d : negative_distances) {
    if (d >= 0) closest = std::min(closest, d);
  }
  std::printf("  closest negative pair: %d bits apart\n", closest);
  opened->reset();
  fs::remove_all(dir);
  return 0;
}
