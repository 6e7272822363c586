#include "screening/pinyin.h"

#include <cstdint>

#include "screening/pinyin_table.h"

namespace shequn::screening {
namespace {

// Mixed joinings ("caoni ma") for words of up to this many syllables;
// longer ones are written joined or spaced only (2^(n-1) mixes).
constexpr size_t kMaxMixedSyllables = 4;

}  // namespace

std::string_view MandarinReading(char32_t c) {
  if (c < tables::kPinyinFirst || c >= tables::kPinyinLimit) return {};
  return tables::kPinyinSyllables[tables::kPinyinIndex[c - tables::kPinyinFirst]];
}

std::vector<std::string> PinyinSpellings(std::u32string_view chars) {
  std::vector<std::string_view> syllables;
  bool umlaut = false;
  for (char32_t c : chars) {
    const std::string_view r = MandarinReading(c);
    if (r.empty()) return {};
    syllables.push_back(r);
    umlaut |= r.find('v') != std::string_view::npos;
  }
  const size_t n = syllables.size();
  if (n < 2 || n > 64) return {};
  // Joinings as bit masks over the n - 1 gaps (bit set: a space): all
  // joined, all spaced, then the mixes.
  const uint64_t all_spaced = n == 64 ? ~uint64_t{0} >> 1 : (uint64_t{1} << (n - 1)) - 1;
  std::vector<uint64_t> joinings = {0, all_spaced};
  if (n <= kMaxMixedSyllables) {
    for (uint64_t mask = 1; mask < all_spaced; ++mask) joinings.push_back(mask);
  }
  std::vector<std::string> out;
  for (uint64_t joining : joinings) {
    std::string spelling(syllables[0]);
    for (size_t i = 1; i < n; ++i) {
      if ((joining >> (i - 1)) & 1) spelling += ' ';
      spelling += syllables[i];
    }
    if (umlaut) {  // ü typed 'v' on a pinyin keyboard, 'u' elsewhere
      std::string with_u = spelling;
      for (char& ch : with_u) ch = ch == 'v' ? 'u' : ch;
      out.push_back(std::move(with_u));
    }
    out.push_back(std::move(spelling));
  }
  return out;
}

}  // namespace shequn::screening
