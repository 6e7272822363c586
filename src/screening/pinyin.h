// Internal: Mandarin readings of CJK characters (Unihan's kMandarin, tone
// marks off, generated at build time by examples/tools/make_pinyin_table.cc)
// and the Latin spellings a word list's pinyin option adds for an entry.
#ifndef SHEQUN_SRC_SCREENING_PINYIN_H_
#define SHEQUN_SRC_SCREENING_PINYIN_H_

#include <string>
#include <string_view>
#include <vector>

namespace shequn::screening {

// The toneless reading of a (folded) CJK character, 'v' for ü: 赌 → "du",
// 女 → "nv"; "" for anything else. O(1).
std::string_view MandarinReading(char32_t c);

// How `chars` (an entry's key: CJK characters, no boundaries) is written
// in pinyin: the syllables joined ("dubo"), each a word ("du bo"), and, for
// up to four syllables, every mix of the two ("caonima", "cao ni ma",
// "caoni ma", ...); with ü, each of those with 'u' and with 'v' ("meinu",
// "meinv"). At most 16 spellings. Empty if `chars` has fewer than two or
// more than 64 characters, or one without a reading. O(16 * size).
std::vector<std::string> PinyinSpellings(std::u32string_view chars);

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_PINYIN_H_
