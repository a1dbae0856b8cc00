// The ICU break iterators a thread breaks texts with (words and sentences, root locale), kept for
// many FindAll calls.
//
// A FindAll call without them clones the matcher's own, and ICU keeps some state per iterator
// that a clone rebuilds: on the first character of a script it has no dictionary for (Korean in
// an English article) it builds a set of that script's code points, ~50 µs, more than the rest
// of checking a search hit. A search keeps one for all the pages it checks (storage::Searcher
// keeps finished searches' for the next). Any matcher's calls may share one (all break with the
// root locale's rules); one thread at a time.
#pragma once

#include <memory>

namespace kuzet::keywords {

class TextBreakers {
 public:
  TextBreakers();  // empty: every call clones the matcher's iterators, as with none
  ~TextBreakers();
  TextBreakers(TextBreakers&&) noexcept;
  TextBreakers& operator=(TextBreakers&&) noexcept;

  // Whether it holds iterators (Matcher::NewTextBreakers of a compiled matcher).
  bool empty() const { return iterators_ == nullptr; }

  struct Iterators;  // internal: extractor/keywords/compiled_rules.h

 private:
  friend class Matcher;
  explicit TextBreakers(std::unique_ptr<Iterators> iterators);
  std::unique_ptr<Iterators> iterators_;
};

}  // namespace kuzet::keywords
