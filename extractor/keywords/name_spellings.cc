#include "extractor/keywords/name_spellings.h"

#include <algorithm>

namespace kuzet::keywords {

namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// One letter of the skeleton: the digraphs sh, ch, ts stand for one Cyrillic letter.
std::vector<std::string> Units(std::string_view key) {
  std::vector<std::string> units;
  for (size_t i = 0; i < key.size();) {
    if (i + 1 < key.size() && key[i + 1] == 'h' && (key[i] == 's' || key[i] == 'c')) {
      units.emplace_back(key.substr(i, 2));
      i += 2;
    } else if (i + 1 < key.size() && key[i] == 't' && key[i + 1] == 's') {
      units.emplace_back("ts");
      i += 2;
    } else {
      units.emplace_back(1, key[i]);
      ++i;
    }
  }
  return units;
}

struct Orthography {
  const char* j;   // ж
  const char* z;   // з
  const char* h;   // х
  const char* ch;  // ч
  const char* sh;  // ш
  const char* ts;  // ц
  const char* v;   // в
  const char* u;   // у
  bool iotated_e;  // е after a vowel or at the start is je
};

constexpr Orthography kGerman = {"sch", "s", "ch", "tsch", "sch", "z", "w", "u", true};
constexpr Orthography kGermanInitialDsch = {"dsch", "s", "ch", "tsch", "sch", "z", "w", "u", true};
constexpr Orthography kPolish = {"j", "z", "ch", "cz", "sz", "c", "w", "u", true};
constexpr Orthography kCzech = {"j", "z", "ch", "ch", "sh", "c", "v", "u", true};
constexpr Orthography kFrench = {"j", "z", "h", "tch", "ch", "ts", "v", "ou", false};

std::string Spell(const std::vector<std::string>& units, const Orthography& o) {
  std::string out;
  for (size_t i = 0; i < units.size(); ++i) {
    const std::string& u = units[i];
    const bool after_vowel = i > 0 && units[i - 1].size() == 1 && IsVowel(units[i - 1][0]);
    if (u == "j") {
      out += o.j;
    } else if (u == "z") {
      out += o.z;
    } else if (u == "h") {
      out += o.h;
    } else if (u == "ch") {
      out += o.ch;
    } else if (u == "sh") {
      out += o.sh;
    } else if (u == "ts" && i + 1 < units.size()) {
      out += o.ts;
    } else if (u == "v") {
      out += o.v;
    } else if (u == "u") {
      out += o.u;
    } else if (u == "e" && o.iotated_e && (i == 0 || after_vowel)) {
      out += "je";
    } else if (u == "i" && o.iotated_e && i > 0 && !after_vowel && i + 1 < units.size() &&
               (units[i + 1] == "a" || units[i + 1] == "u" || units[i + 1] == "o")) {
      out += "j";  // я ю ё after a consonant: Tscheljabinsk, Czelabinsk

    } else {
      out += u;
    }
  }
  return out;
}

// Kazakh қ / Russian х at a syllable end: swap k and h after a vowel before a consonant or the
// end of the word ("" when there is none).
std::string SwapSyllableFinalKH(std::string_view key) {
  std::string out(key);
  bool changed = false;
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i] != 'k' && out[i] != 'h') continue;
    if (!IsVowel(out[i - 1])) continue;
    if (i + 1 < out.size() && (IsVowel(out[i + 1]) || out[i + 1] == 'h')) continue;
    out[i] = out[i] == 'k' ? 'h' : 'k';
    changed = true;
  }
  return changed ? out : "";
}

}  // namespace

std::vector<OtherSpelling> OtherSpellingKeys(const KeyFolder& folder, std::string_view key) {
  std::vector<std::string> skeletons = {std::string(key)};
  if (std::string swapped = SwapSyllableFinalKH(key); !swapped.empty()) {
    skeletons.push_back(std::move(swapped));
  }
  std::vector<OtherSpelling> out;
  auto add = [&](std::string k, bool latin_only) {
    if (k.empty() || k == key) return;
    for (const OtherSpelling& o : out) {
      if (o.key == k) return;
    }
    out.push_back({std::move(k), latin_only});
  };
  for (size_t s = 0; s < skeletons.size(); ++s) {
    if (s > 0) add(skeletons[s], false);
    const std::vector<std::string> units = Units(skeletons[s]);
    for (const Orthography* o : {&kGerman, &kPolish, &kCzech, &kFrench}) {
      add(folder.FoldUtf8(Spell(units, *o), KeyMode::kCrossScript), true);
    }
    if (!units.empty() && units[0] == "j") {
      add(folder.FoldUtf8(Spell(units, kGermanInitialDsch), KeyMode::kCrossScript), true);
    }
  }
  return out;
}

}  // namespace kuzet::keywords
