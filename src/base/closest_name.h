// "Did you mean …?": the known name a misspelt one most likely meant, for
// errors about names that refer to built-ins or to what a config declares.
#ifndef SHEQUN_SRC_BASE_CLOSEST_NAME_H_
#define SHEQUN_SRC_BASE_CLOSEST_NAME_H_

#include <optional>
#include <span>
#include <string>
#include "absl/strings/string_view.h"

namespace shequn {

// The entry of `known` closest to `wrong` by edit distance (insertions,
// deletions, substitutions and swaps of neighbours, in bytes), when it is
// close enough to be a slip: at most max(2, a third of the longer name)
// edits, or one name a prefix of the other of at least three bytes
// ("flood" → "flooding"). The first of equally close entries wins; nullopt
// when none is close. O(|known| × |wrong| × longest name).
std::optional<absl::string_view> ClosestName(absl::string_view wrong,
                                            std::span<const absl::string_view> known);

// " (did you mean 'x'?)" for an error message, or "" when nothing is close.
std::string DidYouMean(absl::string_view wrong, std::span<const absl::string_view> known);

}  // namespace shequn

#endif  // SHEQUN_SRC_BASE_CLOSEST_NAME_H_
