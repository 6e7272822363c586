#include "screening/text_normalizer.h"

#include <algorithm>
#include <iterator>

#include "base/utf8.h"
#include "screening/fold_tables.h"

namespace shequn::screening {

namespace {

// Fold's body, inlined into the cursor's decoder, which runs per character.
[[gnu::always_inline]] inline Folded FoldInline(char32_t c) {
  if (c < tables::kFoldLimit) {
    const uint32_t v = tables::kFoldBlocks[tables::kFoldIndex[c / tables::kFoldBlock]]
                                          [c % tables::kFoldBlock];
    const char32_t to = v & 0xFFFFFF;
    return {to == 0 ? c : to, static_cast<CharClass>(v >> 24)};
  }
  if (c >= 0xE0000 && c <= 0xE0FFF) return {c, CharClass::kIgnore};  // tags, VS
  if (c >= 0xF0000) return {c, CharClass::kPunct};  // private use planes
  return {c, CharClass::kWord};
}

// One bit per (code point mod 1024) of the Chinese numerals: most CJK
// characters of a text are rejected by one read instead of a search.
struct NumeralFilter {
  uint64_t bits[16] = {};
};
constexpr NumeralFilter MakeNumeralFilter() {
  NumeralFilter f;
  for (const auto& [c, digit] : tables::kChineseDigits) {
    f.bits[(c & 1023) / 64] |= uint64_t{1} << (c % 64);
  }
  return f;
}
constexpr NumeralFilter kNumeralFilter = MakeNumeralFilter();

}  // namespace

Folded Fold(char32_t c) { return FoldInline(c); }

int ChineseDigit(char32_t folded) {
  if (((kNumeralFilter.bits[(folded & 1023) / 64] >> (folded % 64)) & 1) == 0) {
    return -1;
  }
  const auto* end = std::end(tables::kChineseDigits);
  const auto* it = std::lower_bound(
      std::begin(tables::kChineseDigits), end, folded,
      [](const auto& entry, char32_t c) { return entry.first < c; });
  return it != end && it->first == folded ? it->second : -1;
}

void FoldedCursor::DecodeMultibyte(FoldedChar* out) {
  size_t len = 0;
  const char32_t raw = text::DecodeUtf8(text_, pos_, &len);
  out->begin = pos_;
  pos_ += static_cast<uint32_t>(len);
  out->end = pos_;
  out->invalid = raw == text::kInvalidCodePoint;
  if (out->invalid) {
    out->c = 0xFFFD;
    out->cls = CharClass::kPunct;
    return;
  }
  const Folded f = FoldInline(raw);
  out->c = f.c;
  out->cls = f.cls;
}

namespace {

struct EntryKeySink {
  EntryKey* key;
  void Key(const KeyChar& k) {
    key->chars.push_back(k.c);
    key->counts.push_back(1);
    key->digits.push_back(k.digit);
    key->shown.push_back(k.shown);
  }
  void Repeat(uint32_t) {
    if (key->counts.back() < 127) ++key->counts.back();
  }
};

}  // namespace

bool NormalizeKey(std::string_view text, EntryKey* key) {
  bool valid = true;
  FoldedCursor cursor(text);
  KeyStream stream;
  EntryKeySink sink{key};
  for (FoldedChar ch; cursor.Next(&ch);) {
    valid &= !ch.invalid;
    stream.Feed(ch, sink);
  }
  stream.Finish(static_cast<uint32_t>(text.size()), sink);
  return valid;
}

}  // namespace shequn::screening
