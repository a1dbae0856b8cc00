#include "extractor/keywords/surname_context.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kuzet::keywords {

namespace {

// Lower-cased text of a token (BMP letters are all these rules look at).
std::u16string Lower(const TextIndex& index, const Token& token) {
  std::u16string out(index.TokenText(token));
  for (char16_t& c : out) c = static_cast<char16_t>(u_tolower(c));
  return out;
}

bool EndsWithAny(std::u16string_view word, std::initializer_list<std::u16string_view> endings) {
  return std::any_of(endings.begin(), endings.end(), [&](std::u16string_view e) {
    return word.size() > e.size() && word.substr(word.size() - e.size()) == e;
  });
}

// Nothing but white space between tokens a and a + 1.
bool Adjacent(const TextIndex& index, size_t a) {
  const auto& tokens = index.tokens();
  for (int32_t i = tokens[a].u16_end; i < tokens[a + 1].u16_begin; ++i) {
    if (!u_isspace(index.text().charAt(i))) return false;
  }
  return true;
}

bool StartsSentence(const TextIndex& index, size_t t) {
  if (t == 0) return true;
  const auto& tokens = index.tokens();
  for (int32_t i = tokens[t - 1].u16_end; i < tokens[t].u16_begin; ++i) {
    const char16_t c = index.text().charAt(i);
    if (c == u'.' || c == u'!' || c == u'?' || c == u'\n' || c == u'\u2026') return true;
  }
  return false;
}

bool IsFemalePatronymic(std::u16string_view w) {
  return EndsWithAny(w, {u"овна", u"евна", u"ична", u"овны", u"евны", u"ичны", u"овне", u"евне",
                         u"ичне", u"овну", u"евну", u"ичну", u"овной", u"евной", u"ичной",
                         u"ovna", u"evna", u"ichna"});
}

bool IsTitle(std::u16string_view w) {
  for (std::u16string_view t :
       {u"ms", u"mrs", u"miss", u"madame", u"mme", u"госпожа", u"госпожи", u"frau", u"pani"}) {
    if (w == t) return true;
  }
  return false;
}

bool IsCapitalizedFeminineGivenName(const TextIndex& index, const Token& token) {
  const std::u16string_view w = index.TokenText(token);
  if (w.size() < 3 || !u_isupper(w[0]) || !u_islower(w[1])) return false;
  const char16_t last = w.back();
  return last == u'а' || last == u'я' || last == u'a';
}

bool IsFemininePastVerb(const TextIndex& index, const Token& token) {
  const std::u16string_view w = index.TokenText(token);
  if (w.size() < 4 || !u_islower(w[0])) return false;
  return EndsWithAny(w, {u"ла", u"лась"});
}

}  // namespace

bool SurnameNamesAWoman(const TextIndex& index, size_t t) {
  const auto& tokens = index.tokens();
  if (t > 0 && Adjacent(index, t - 1)) {
    const std::u16string prev = Lower(index, tokens[t - 1]);
    if (IsFemalePatronymic(prev) || IsTitle(prev)) return true;
    if (IsCapitalizedFeminineGivenName(index, tokens[t - 1]) && !StartsSentence(index, t - 1)) {
      return true;
    }
  }
  if (t + 1 < tokens.size() && Adjacent(index, t)) {
    const std::u16string next = Lower(index, tokens[t + 1]);
    if (IsFemalePatronymic(next) || IsFemininePastVerb(index, tokens[t + 1])) return true;
    // Surname first: Козлова Наталья Ивановна.
    if (t + 2 < tokens.size() && Adjacent(index, t + 1) &&
        IsFemalePatronymic(Lower(index, tokens[t + 2]))) {
      return true;
    }
  }
  return false;
}

}  // namespace kuzet::keywords
