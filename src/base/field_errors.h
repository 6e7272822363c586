// The errors every part returns for bad input: InvalidArgument naming the
// field path and the reason, e.g. "rules.flood.window_seconds: must be
// positive when max_messages is set".
#ifndef SHEQUN_SRC_BASE_FIELD_ERRORS_H_
#define SHEQUN_SRC_BASE_FIELD_ERRORS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/utf8.h"

namespace shequn {

// InvalidArgument "path: why".
inline absl::Status InvalidField(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// OK, or InvalidArgument naming the field when `value` is outside lo..hi:
// "path: must not be negative, got -1", "path: must be at least 1, got 0",
// "path: 9223372036854775807 is over the limit of 315360000".
inline absl::Status CheckRange(int64_t value, int64_t lo, int64_t hi, absl::string_view path) {
  if (value < lo) {
    return InvalidField(path, lo == 0 ? absl::StrCat("must not be negative, got ", value)
                                      : absl::StrCat("must be at least ", lo, ", got ", value));
  }
  if (value > hi) return InvalidField(path, absl::StrCat(value, " is over the limit of ", hi));
  return absl::OkStatus();
}

// OK, or InvalidArgument "path: invalid UTF-8 at byte N". O(|s|).
inline absl::Status CheckUtf8Field(absl::string_view s, absl::string_view path) {
  if (auto bad = text::FirstInvalidUtf8(s); bad.has_value()) {
    return InvalidField(path, absl::StrCat("invalid UTF-8 at byte ", *bad));
  }
  return absl::OkStatus();
}

}  // namespace shequn

#endif  // SHEQUN_SRC_BASE_FIELD_ERRORS_H_
