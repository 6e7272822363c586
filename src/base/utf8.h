// UTF-8: the one decoder every part uses, to check text from events,
// configs and snapshots, to count characters and to walk text code point
// by code point (the screener's normaliser).
#ifndef SHEQUN_SRC_BASE_UTF8_H_
#define SHEQUN_SRC_BASE_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace shequn::text {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point at text[pos] and sets *len to the bytes it spans,
// or returns kInvalidCodePoint. Overlong forms, surrogates and values past
// U+10FFFF are invalid, and an invalid sequence spans exactly one byte, so
// a bad byte never swallows the good text after it. O(1).
constexpr char32_t DecodeUtf8(std::string_view text, size_t pos, size_t* len) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  *len = 1;
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return b0;
  size_t n;
  char32_t c, min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalidCodePoint;
  }
  if (pos + n > text.size()) return kInvalidCodePoint;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return kInvalidCodePoint;
    c = (c << 6) | (byte(i) & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return kInvalidCodePoint;
  *len = n;
  return c;
}

// The number of code points in `s`, an invalid byte counting as one. O(|s|).
constexpr size_t CountCodePoints(std::string_view s) {
  size_t count = 0;
  for (size_t pos = 0, len = 0; pos < s.size(); pos += len) {
    DecodeUtf8(s, pos, &len);
    ++count;
  }
  return count;
}

// The byte offset of the first byte that is not well-formed UTF-8, or
// nullopt when all of `s` is valid. O(|s|).
std::optional<size_t> FirstInvalidUtf8(absl::string_view s);

// Appends the UTF-8 encoding of the valid code point `c`. O(1).
void AppendUtf8(char32_t c, std::string* out);

}  // namespace shequn::text

#endif  // SHEQUN_SRC_BASE_UTF8_H_
