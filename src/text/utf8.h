// UTF-8 checks shared by every part that reads text from events.
#ifndef SHEQUN_SRC_TEXT_UTF8_H_
#define SHEQUN_SRC_TEXT_UTF8_H_

#include <cstddef>
#include <optional>
#include "absl/strings/string_view.h"

namespace shequn::text {

// The byte offset of the first byte that is not well-formed UTF-8
// (overlong forms, surrogates and code points past U+10FFFF included), or
// nullopt when all of `s` is valid. O(|s|).
std::optional<size_t> FirstInvalidUtf8(absl::string_view s);

// The number of code points in valid UTF-8 `s`. O(|s|).
size_t CountCodePoints(absl::string_view s);

}  // namespace shequn::text

#endif  // SHEQUN_SRC_TEXT_UTF8_H_
