// Build-time generator of the screening fold tables (not part of the
// library). Reads well-kept data, writes one C++ header:
//   * traditional → simplified: OpenCC's t2s conversion, one character at a
//     time (libopencc, /usr/share/opencc);
//   * compatibility forms, accents, circled and mathematical letters:
//     ICU's NFKD with combining marks removed, then lower case;
//   * look-alike letters from other scripts (Cyrillic "а", Greek "ο"):
//     ICU's confusable skeletons (uspoof), kept when they are one ASCII
//     letter or digit;
//   * character classes from ICU's general categories;
//   * Chinese numerals (一, 壹, 兩, 幺): Unihan_NumericValues, values 0..9.
// Usage: make_fold_tables UNIHAN_NUMERIC_VALUES_TXT OUTPUT_H
#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Must match screening::CharClass.
enum Class : uint32_t { kSpace, kPunct, kLatin, kDigit, kWord, kStop, kIgnore };

constexpr uint32_t kLimit = 0x30000;  // tables cover [0, kLimit)
constexpr uint32_t kBlock = 128;

// Apostrophes split words like a space: "who're" is not "whore".
bool IsApostrophe(char32_t c) { return c == U'\'' || c == U'\u2019'; }

bool IsSentencePunct(char32_t c) {
  for (char32_t s : std::u32string_view(U",;:!?\n\r\u3002\u3001\uFF61\uFF64\u2026\u2029\u2028\u0085")) {
    if (c == s) return true;
  }
  return false;
}

std::u32string ToU32(const icu::UnicodeString& s) {
  std::u32string out;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) out.push_back(s.char32At(i));
  return out;
}

// NFKD, marks dropped, lower case. Empty if it is not one code point.
char32_t Decompose(char32_t c, const icu::Normalizer2* nfkd) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString in(static_cast<UChar32>(c));
  const icu::UnicodeString out = nfkd->normalize(in, status);
  if (U_FAILURE(status)) return 0;
  char32_t kept = 0;
  int count = 0;
  for (char32_t d : ToU32(out)) {
    if (u_charType(d) == U_NON_SPACING_MARK || u_charType(d) == U_ENCLOSING_MARK) continue;
    kept = d;
    ++count;
  }
  if (count != 1) return 0;
  return u_tolower(kept);
}

// The confusable skeleton of `c` less combining marks, if it is one ASCII
// letter or digit (lower-cased); else 0.
char32_t Skeleton(char32_t c, USpoofChecker* spoof) {
  UErrorCode status = U_ZERO_ERROR;
  UChar in[2];
  int32_t len = 0;
  U16_APPEND_UNSAFE(in, len, c);
  UChar out[16];
  const int32_t n = uspoof_getSkeleton(spoof, 0, in, len, out, 16, &status);
  if (U_FAILURE(status)) return 0;
  char32_t kept = 0;
  int count = 0;
  for (int32_t i = 0; i < n; ++i) {
    if (u_charType(out[i]) == U_NON_SPACING_MARK) continue;
    kept = u_tolower(out[i]);
    ++count;
  }
  return count == 1 && ((kept >= 'a' && kept <= 'z') || (kept >= '0' && kept <= '9')) ? kept : 0;
}

char32_t Simplified(char32_t c, opencc_t cc) {
  icu::UnicodeString in(static_cast<UChar32>(c));
  std::string utf8;
  in.toUTF8String(utf8);
  char* out = opencc_convert_utf8(cc, utf8.data(), utf8.size());
  if (out == nullptr) return 0;
  const std::u32string s = ToU32(icu::UnicodeString::fromUTF8(out));
  opencc_convert_utf8_free(out);
  return s.size() == 1 && s[0] != c ? s[0] : 0;
}

Class ClassOf(char32_t folded) {
  if (folded >= 'a' && folded <= 'z') return kLatin;
  if (folded >= '0' && folded <= '9') return kDigit;
  if (IsSentencePunct(folded)) return kStop;
  if (IsApostrophe(folded)) return kSpace;
  switch (u_charType(folded)) {
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_FORMAT_CHAR:
      return kIgnore;  // combining marks, zero-width characters, tags
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_CONTROL_CHAR:
      return kSpace;
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_COMBINING_SPACING_MARK:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
      return kWord;
    default:
      return kPunct;  // punctuation, symbols, emoji, private use, unassigned
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_fold_tables UNIHAN_NUMERIC_VALUES_TXT OUTPUT_H\n";
    return 2;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  USpoofChecker* spoof = uspoof_open(&status);
  if (U_FAILURE(status)) {
    std::cerr << "ICU: " << u_errorName(status) << "\n";
    return 1;
  }
  opencc_t cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
  if (cc == reinterpret_cast<opencc_t>(-1)) {
    std::cerr << "OpenCC: cannot open t2s: " << opencc_error() << "\n";
    return 1;
  }

  std::vector<uint32_t> value(kLimit);
  for (char32_t c = 0; c < kLimit; ++c) {
    char32_t folded = c;
    if (c < 0x80) {
      folded = c >= 'A' && c <= 'Z' ? c + 32 : c;
    } else if (char32_t s = Simplified(c, cc); s != 0) {
      folded = s;
    } else if (char32_t d = Decompose(c, nfkd); d != 0 && d != c) {
      folded = d;
    } else {
      folded = u_tolower(c);
    }
    // Look-alikes: a letter of another script that reads as ASCII, as it
    // is or in upper case (Greek τ's skeleton is small-capital ᴛ, its
    // capital Τ's is T).
    if (folded >= 0x80 && u_isalpha(folded) && !(folded >= 0x2E80 && folded <= 0x9FFF)) {
      if (char32_t k = Skeleton(folded, spoof); k != 0) {
        folded = k;
      } else if (char32_t u = Skeleton(u_toupper(folded), spoof); u != 0) {
        folded = u;
      }
    }
    if (folded >= 0x80 && u_charType(folded) == U_DECIMAL_DIGIT_NUMBER) {
      folded = U'0' + u_charDigitValue(folded);
    }
    const Class cls = ClassOf(folded);
    value[c] = (static_cast<uint32_t>(cls) << 24) | (folded == c ? 0 : folded);
  }

  // Chinese numerals, keyed by the folded character (兩 folds to 两).
  std::map<char32_t, int> numerals;
  std::ifstream unihan(argv[1]);
  if (!unihan) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  for (std::string line; std::getline(unihan, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cp, field;
    long number = -1;
    fields >> cp >> field >> number;
    if (field != "kPrimaryNumeric" && field != "kAccountingNumeric" && field != "kOtherNumeric") continue;
    const char32_t c = static_cast<char32_t>(std::stoul(cp.substr(2), nullptr, 16));
    if (number < 0 || number > 9 || c < 0x4E00 || c > 0x9FFF) continue;
    const char32_t folded = (value[c] & 0xFFFFFF) != 0 ? (value[c] & 0xFFFFFF) : c;
    numerals.emplace(folded, static_cast<int>(number));
  }
  numerals.emplace(U'\u3007', 0);  // 〇: a letter-number, not in Unihan
  if (numerals.size() < 20) {
    std::cerr << "too few Chinese numerals read from " << argv[1] << "\n";
    return 1;
  }

  std::vector<std::vector<uint32_t>> blocks;
  std::map<std::vector<uint32_t>, uint16_t> block_ids;
  std::vector<uint16_t> index;
  for (char32_t b = 0; b < kLimit; b += kBlock) {
    std::vector<uint32_t> block(value.begin() + b, value.begin() + b + kBlock);
    auto [it, inserted] = block_ids.try_emplace(block, static_cast<uint16_t>(blocks.size()));
    if (inserted) blocks.push_back(block);
    index.push_back(it->second);
  }

  std::ostringstream out;
  out << "// Generated by examples/tools/make_fold_tables.cc. Do not edit.\n"
         "#include <cstdint>\n#include <utility>\n"
         "namespace shequn::screening::tables {\n"
         "inline constexpr char32_t kFoldLimit = 0x" << std::hex << kLimit << std::dec << ";\n"
         "inline constexpr char32_t kFoldBlock = " << kBlock << ";\n"
         "// Per code point: class << 24 | folded code point (0: itself).\n"
         "inline constexpr uint16_t kFoldIndex[] = {";
  for (size_t i = 0; i < index.size(); ++i) out << (i % 24 == 0 ? "\n" : "") << index[i] << ",";
  out << "};\ninline constexpr uint32_t kFoldBlocks[][" << kBlock << "] = {";
  for (const auto& block : blocks) {
    out << "\n{";
    for (size_t i = 0; i < block.size(); ++i) out << (i % 12 == 0 ? "\n" : "") << block[i] << "u,";
    out << "},";
  }
  out << "};\n// Chinese numerals (folded) and their digit, sorted.\n"
         "inline constexpr std::pair<char32_t, char> kChineseDigits[] = {";
  for (const auto& [c, d] : numerals) out << "{" << static_cast<uint32_t>(c) << "," << d << "},";
  out << "};\n}  // namespace shequn::screening::tables\n";

  std::ofstream file(argv[2]);
  file << out.str();
  opencc_close(cc);
  uspoof_close(spoof);
  if (!file) {
    std::cerr << "cannot write " << argv[2] << "\n";
    return 1;
  }
  std::cerr << "fold tables: " << blocks.size() << " blocks, " << numerals.size() << " numerals\n";
  return 0;
}
