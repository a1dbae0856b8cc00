#include "watch/change_classifier.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "url/url.h"
#include "watch/text_tokens.h"

namespace kuzet::watch {

namespace {

// Distinct 3-grams kept per side at most; a longer text keeps a deterministic sample (those whose
// hash is 0 modulo a stride), the same for both sides, so the share stays an estimate of it.
constexpr std::size_t kMaxShingles = std::size_t{1} << 18;
// Pairing the deleted and inserted paragraphs of one hunk compares words; above this many word
// comparisons the hunk's paragraphs are reported as removed and added, unpaired.
constexpr std::uint64_t kMaxPairingWork = 20'000'000;
// Two paragraphs are one edited paragraph when their distinct words overlap this much (Dice).
constexpr double kModifiedSimilarity = 0.5;

// A text as the classifier compares it: the hashes of its words.
struct Words {
  std::vector<std::uint64_t> hashes;
  std::uint64_t key = 0;  // of the word sequence: equal keys, equal words
};

Words WordsOf(WordSplitter& splitter, std::string_view text) {
  Words words;
  words.key = Fingerprint("");
  for (const Span& span : splitter.Words(text)) {
    std::uint64_t hash = Fingerprint(text.substr(span.begin, span.end - span.begin));
    words.hashes.push_back(hash);
    // The sequence's key chains the words' hashes (not their bytes), so "ab c" and "a bc" differ.
    words.key =
        Fingerprint(std::string_view(reinterpret_cast<const char*>(&hash), sizeof hash), words.key);
  }
  return words;
}

struct Article {
  std::vector<Words> paragraphs;
  std::vector<std::uint64_t> paragraph_keys;
  std::vector<std::uint64_t> all_words;  // every paragraph's, in order
};

Article ArticleOf(WordSplitter& splitter, const std::vector<std::string>& paragraphs) {
  Article article;
  article.paragraphs.reserve(paragraphs.size());
  for (const std::string& paragraph : paragraphs) {
    Words words = WordsOf(splitter, paragraph);
    article.paragraph_keys.push_back(words.key);
    article.all_words.insert(article.all_words.end(), words.hashes.begin(), words.hashes.end());
    article.paragraphs.push_back(std::move(words));
  }
  return article;
}

std::vector<std::uint64_t> Shingles(const std::vector<std::uint64_t>& words, std::size_t width,
                                    std::uint64_t stride) {
  std::vector<std::uint64_t> shingles;
  if (words.size() < width) return shingles;
  for (std::size_t i = 0; i + width <= words.size(); ++i) {
    std::uint64_t hash = 14695981039346656037ull;
    for (std::size_t j = 0; j < width; ++j) hash = (hash ^ words[i + j]) * 1099511628211ull;
    hash ^= hash >> 29;  // the low bits decide the sample: mix the high ones in
    if (hash % stride == 0) shingles.push_back(hash);
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

std::size_t CountCommon(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  return common;
}

// Share of the old text's distinct word 3-grams (single words for a text of one or two words)
// that the new text has.
double Overlap(const std::vector<std::uint64_t>& old_words,
               const std::vector<std::uint64_t>& new_words) {
  if (old_words.empty()) return 1;
  const std::size_t width = old_words.size() < 3 ? 1 : 3;
  const std::uint64_t stride = std::max(old_words.size(), new_words.size()) / kMaxShingles + 1;
  std::vector<std::uint64_t> old_shingles = Shingles(old_words, width, stride);
  if (old_shingles.empty()) {  // all of the sample fell outside: take every shingle
    return Overlap(
        std::vector<std::uint64_t>(old_words.begin(),
                                   old_words.begin() + std::min(old_words.size(), kMaxShingles)),
        std::vector<std::uint64_t>(new_words.begin(),
                                   new_words.begin() + std::min(new_words.size(), kMaxShingles)));
  }
  std::vector<std::uint64_t> new_shingles = Shingles(new_words, width, stride);
  return static_cast<double>(CountCommon(old_shingles, new_shingles)) /
         static_cast<double>(old_shingles.size());
}

std::vector<std::uint64_t> DistinctSorted(const std::vector<std::uint64_t>& words) {
  std::vector<std::uint64_t> distinct = words;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  return distinct;
}

double Dice(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 1;
  return 2.0 * static_cast<double>(CountCommon(a, b)) / static_cast<double>(a.size() + b.size());
}

// Sorts the paragraphs of one changed hunk (old [a_begin, a_end) replaced by new
// [b_begin, b_end)) into modified pairs, in order, and removed and added ones.
void PairHunk(const Article& old_article, const Article& new_article, const Edit& deleted,
              const Edit& inserted, ParagraphChanges& changes) {
  std::uint64_t old_words = 0, new_words = 0;
  for (std::size_t i = deleted.a_begin; i < deleted.a_end; ++i) {
    old_words += old_article.paragraphs[i].hashes.size() + 1;
  }
  for (std::size_t j = inserted.b_begin; j < inserted.b_end; ++j) {
    new_words += new_article.paragraphs[j].hashes.size() + 1;
  }
  const std::uint64_t work = old_words * (inserted.b_end - inserted.b_begin) +
                             new_words * (deleted.a_end - deleted.a_begin);
  std::size_t next_new = inserted.b_begin;
  if (work <= kMaxPairingWork) {
    std::vector<std::vector<std::uint64_t>> new_sets;
    for (std::size_t j = inserted.b_begin; j < inserted.b_end; ++j) {
      new_sets.push_back(DistinctSorted(new_article.paragraphs[j].hashes));
    }
    for (std::size_t i = deleted.a_begin; i < deleted.a_end; ++i) {
      const std::vector<std::uint64_t> old_set = DistinctSorted(old_article.paragraphs[i].hashes);
      std::size_t match = inserted.b_end;
      for (std::size_t j = next_new; j < inserted.b_end; ++j) {
        if (Dice(old_set, new_sets[j - inserted.b_begin]) >= kModifiedSimilarity) {
          match = j;
          break;
        }
      }
      if (match == inserted.b_end) {
        changes.removed.push_back(i);
        continue;
      }
      for (std::size_t j = next_new; j < match; ++j) changes.added.push_back(j);
      changes.modified.push_back(ModifiedParagraph{i, match});
      next_new = match + 1;
    }
  } else {
    for (std::size_t i = deleted.a_begin; i < deleted.a_end; ++i) changes.removed.push_back(i);
  }
  for (std::size_t j = next_new; j < inserted.b_end; ++j) changes.added.push_back(j);
}

ParagraphChanges ChangedParagraphs(const Article& old_article, const Article& new_article,
                                   const SequenceDiff& diff) {
  ParagraphChanges changes;
  for (std::size_t e = 0; e < diff.edits.size(); ++e) {
    const Edit& edit = diff.edits[e];
    if (edit.kind == EditKind::kEqual) continue;
    if (edit.kind == EditKind::kInsert) {  // an insertion without a deletion before it
      Edit deleted{EditKind::kDelete, edit.a_begin, edit.a_begin, edit.b_begin, edit.b_begin};
      PairHunk(old_article, new_article, deleted, edit, changes);
      continue;
    }
    const bool replaced = e + 1 < diff.edits.size() && diff.edits[e + 1].kind == EditKind::kInsert;
    Edit inserted =
        replaced ? diff.edits[e + 1]
                 : Edit{EditKind::kInsert, edit.a_end, edit.a_end, edit.b_begin, edit.b_begin};
    PairHunk(old_article, new_article, edit, inserted, changes);
    if (replaced) ++e;
  }
  return changes;
}

// Whether the changed paragraphs are more than boilerplate: one of them (on either side) has at
// least options.boilerplate_words words, or all of them together options.boilerplate_total_words.
bool TouchesContent(const Article& old_article, const Article& new_article,
                    const ParagraphChanges& changes, const ClassifierOptions& options) {
  std::size_t total = 0;
  bool long_one = false;
  auto count = [&](const Words& words) {
    total += words.hashes.size();
    long_one = long_one || words.hashes.size() >= options.boilerplate_words;
  };
  for (std::size_t i : changes.removed) count(old_article.paragraphs[i]);
  for (std::size_t j : changes.added) count(new_article.paragraphs[j]);
  for (const ModifiedParagraph& m : changes.modified) {
    count(old_article.paragraphs[m.old_index]);
    count(new_article.paragraphs[m.new_index]);
  }
  return long_one || total >= options.boilerplate_total_words;
}

std::vector<WatchedName> Sorted(std::vector<WatchedName> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// The part of a URL that names the article, once what SameArticleUrl ignores is set aside.
std::optional<std::string> ArticleKey(std::string_view address) {
  Result<std::string> canonical = url::Canonicalize(address);
  if (!canonical.ok()) return std::nullopt;
  Result<url::Url> parsed = url::Parse(*canonical);
  if (!parsed.ok()) return std::nullopt;
  std::string_view host = parsed->host;
  if (host.starts_with("www.")) host.remove_prefix(4);
  std::string_view path = parsed->path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string key(host);
  key += ':';
  key += parsed->port;
  key += path.empty() ? "/" : path;
  if (!parsed->query.empty()) key += "?" + parsed->query;
  return key;
}

// RFC 9110 §15.5.5 (404) and §15.5.11 (410), RFC 7725 (451: unavailable for legal reasons).
bool IsGone(int status) { return status == 404 || status == 410 || status == 451; }

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kUnchanged:
      return "unchanged";
    case ChangeKind::kCosmetic:
      return "cosmetic";
    case ChangeKind::kTextEdited:
      return "text_edited";
    case ChangeKind::kTitleChanged:
      return "title_changed";
    case ChangeKind::kNameRemoved:
      return "name_removed";
    case ChangeKind::kNameAdded:
      return "name_added";
    case ChangeKind::kGone:
      return "gone";
    case ChangeKind::kRedirectedAway:
      return "redirected_away";
    case ChangeKind::kMoved:
      return "moved";
    case ChangeKind::kReplaced:
      return "replaced";
    case ChangeKind::kFetchFailed:
      return "fetch_failed";
  }
  return "unknown";
}

bool AlertsByDefault(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kNameRemoved:
    case ChangeKind::kNameAdded:
    case ChangeKind::kGone:
    case ChangeKind::kRedirectedAway:
    case ChangeKind::kReplaced:
      return true;
    default:
      return false;
  }
}

bool Change::Has(ChangeKind kind) const {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool Change::Alerts(bool alert_cosmetic) const {
  for (ChangeKind kind : kinds) {
    if (AlertsByDefault(kind)) return true;
    if (alert_cosmetic && kind != ChangeKind::kUnchanged && kind != ChangeKind::kFetchFailed) {
      return true;
    }
  }
  return false;
}

bool SameArticleUrl(std::string_view from, std::string_view to) {
  std::optional<std::string> a = ArticleKey(from), b = ArticleKey(to);
  return a && b && *a == *b;
}

Change ChangeClassifier::Classify(const Version& old, const Version& fresh) const {
  Change change;
  const int status = fresh.http_status;
  change.http_status = status;
  if (status == 304) {  // RFC 9110 §15.4.5: the stored representation is still current
    change.kinds = {ChangeKind::kUnchanged};
    return change;
  }
  if (IsGone(status)) {  // a page still gone is no news
    change.kinds = {IsGone(old.http_status) ? ChangeKind::kUnchanged : ChangeKind::kGone};
    return change;
  }
  if (status < 200 || status > 299) {
    change.kinds = {ChangeKind::kFetchFailed};
    return change;
  }
  // Where each version's text came from: a redirect counts only when it lands elsewhere than the
  // stored version did (after a move, the next fetch that lands on the new URL is no news).
  auto landed = [](const Version& v) -> const std::string& {
    return v.final_url.empty() ? v.url : v.final_url;
  };
  const bool redirected =
      landed(old) != landed(fresh) && !SameArticleUrl(landed(old), landed(fresh));
  if (redirected) change.redirected_to = landed(fresh);
  const bool same_bytes = !old.body_digest.empty() && old.body_digest == fresh.body_digest;
  if (!redirected &&
      (same_bytes || (old.title == fresh.title && old.paragraphs == fresh.paragraphs &&
                      Sorted(old.names) == Sorted(fresh.names)))) {
    change.kinds = {ChangeKind::kUnchanged};
    return change;
  }

  WordSplitter splitter;
  const Article old_article = ArticleOf(splitter, old.paragraphs);
  const Article new_article = ArticleOf(splitter, fresh.paragraphs);
  change.overlap = Overlap(old_article.all_words, new_article.all_words);
  if (change.overlap < options_.replaced_below) {
    change.kinds = {redirected ? ChangeKind::kRedirectedAway : ChangeKind::kReplaced};
    return change;
  }
  if (redirected) change.kinds.push_back(ChangeKind::kMoved);

  const SequenceDiff diff =
      DiffSequences(old_article.paragraph_keys, new_article.paragraph_keys, options_.limits);
  change.coarse = diff.coarse;
  change.paragraphs = ChangedParagraphs(old_article, new_article, diff);
  // Paragraphs split, joined or re-punctuated keep the text's word sequence.
  const bool same_words = old_article.all_words == new_article.all_words;
  if (!same_words && TouchesContent(old_article, new_article, change.paragraphs, options_)) {
    change.kinds.push_back(ChangeKind::kTextEdited);
  }
  if (WordsOf(splitter, old.title).key != WordsOf(splitter, fresh.title).key) {
    change.kinds.push_back(ChangeKind::kTitleChanged);
  }

  const std::vector<WatchedName> old_names = Sorted(old.names), new_names = Sorted(fresh.names);
  std::set_difference(old_names.begin(), old_names.end(), new_names.begin(), new_names.end(),
                      std::back_inserter(change.names_removed));
  std::set_difference(new_names.begin(), new_names.end(), old_names.begin(), old_names.end(),
                      std::back_inserter(change.names_added));
  if (!change.names_removed.empty()) change.kinds.push_back(ChangeKind::kNameRemoved);
  if (!change.names_added.empty()) change.kinds.push_back(ChangeKind::kNameAdded);

  const bool substantive = std::any_of(change.kinds.begin(), change.kinds.end(),
                                       [](ChangeKind kind) { return kind != ChangeKind::kMoved; });
  if (!substantive) {
    const bool same_text = old.title == fresh.title && old.paragraphs == fresh.paragraphs;
    change.kinds.push_back(same_text ? ChangeKind::kUnchanged : ChangeKind::kCosmetic);
  }
  return change;
}

}  // namespace kuzet::watch
