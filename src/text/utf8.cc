#include "text/utf8.h"

#include <cstdint>

namespace shequn::text {
namespace {

// Length of the sequence led by `b`, or 0 if `b` cannot lead one.
size_t SequenceLength(uint8_t b) {
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Second-byte ranges that exclude overlong forms, surrogates and > U+10FFFF.
bool SecondByteOk(uint8_t lead, uint8_t second) {
  switch (lead) {
    case 0xE0: return second >= 0xA0 && second <= 0xBF;
    case 0xED: return second >= 0x80 && second <= 0x9F;
    case 0xF0: return second >= 0x90 && second <= 0xBF;
    case 0xF4: return second >= 0x80 && second <= 0x8F;
    default: return IsContinuation(second);
  }
}

}  // namespace

std::optional<size_t> FirstInvalidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<uint8_t>(s[i]);
    const size_t len = SequenceLength(lead);
    if (len == 0 || i + len > s.size()) return i;
    if (len > 1 && !SecondByteOk(lead, static_cast<uint8_t>(s[i + 1]))) {
      return i;
    }
    for (size_t k = 2; k < len; ++k) {
      if (!IsContinuation(static_cast<uint8_t>(s[i + k]))) return i;
    }
    i += len;
  }
  return std::nullopt;
}

size_t CountCodePoints(absl::string_view s) {
  size_t n = 0;
  for (char c : s) n += !IsContinuation(static_cast<uint8_t>(c));
  return n;
}

}  // namespace shequn::text
