// The errors every part returns for bad input: InvalidArgument naming the
// field path and the reason, e.g. "rules.flood.window_seconds: must be
// positive when max_messages is set".
#ifndef SHEQUN_SRC_ENGINE_FIELD_ERRORS_H_
#define SHEQUN_SRC_ENGINE_FIELD_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "text/utf8.h"

namespace shequn {

// InvalidArgument "path: why".
inline absl::Status InvalidField(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// OK, or InvalidArgument "path: invalid UTF-8 at byte N". O(|s|).
inline absl::Status CheckUtf8Field(absl::string_view s, absl::string_view path) {
  if (auto bad = text::FirstInvalidUtf8(s); bad.has_value()) {
    return InvalidField(path, absl::StrCat("invalid UTF-8 at byte ", *bad));
  }
  return absl::OkStatus();
}

}  // namespace shequn

#endif  // SHEQUN_SRC_ENGINE_FIELD_ERRORS_H_
