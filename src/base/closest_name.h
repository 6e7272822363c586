// "Did you mean ...?": the known name nearest to a misspelt one, for error
// messages such as "unknown category 'advertisment' (did you mean
// 'advertising'?)".
#ifndef SHEQUN_SRC_BASE_CLOSEST_NAME_H_
#define SHEQUN_SRC_BASE_CLOSEST_NAME_H_

#include <optional>
#include <span>
#include <string_view>

namespace shequn {

// The entry of `known` with the smallest edit distance (Levenshtein, over
// bytes) to `wrong`, if that distance is at most half the longer of the
// two (at least 1), so "flood" suggests "flooding" and unrelated names
// suggest nothing. Ties go to the
// earlier entry. O(|known| * |wrong| * |name|); for error paths only.
std::optional<std::string_view> ClosestName(std::string_view wrong,
                                            std::span<const std::string_view> known);

}  // namespace shequn

#endif  // SHEQUN_SRC_BASE_CLOSEST_NAME_H_
