// Did-you-mean for closed sets of names (rule kinds, categories): the known
// name a misspelt one most likely meant.
#ifndef SHEQUN_SRC_BASE_CLOSEST_NAME_H_
#define SHEQUN_SRC_BASE_CLOSEST_NAME_H_

#include <optional>
#include <span>
#include <string_view>

namespace shequn {

// The known name nearest to `wrong` by edit distance (insertions, deletions,
// substitutions and swaps of neighbours; ASCII case ignored), if it is
// within max(1, |wrong| / 3) edits; the first of equals in `known` order.
// O(|known| × |wrong| × longest known name); allocates one row per call.
std::optional<std::string_view> ClosestName(std::string_view wrong,
                                            std::span<const std::string_view> known);

}  // namespace shequn

#endif  // SHEQUN_SRC_BASE_CLOSEST_NAME_H_
