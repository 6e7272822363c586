#include "base/closest_name.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"

namespace shequn {
namespace {

// Damerau–Levenshtein distance, optimal string alignment variant.
size_t Distance(std::string_view a, std::string_view b) {
  const size_t w = b.size() + 1;
  std::vector<size_t> d((a.size() + 1) * w);
  for (size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 1]);
      size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                              d[(i - 1) * w + j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 2]) &&
          absl::ascii_tolower(a[i - 2]) == absl::ascii_tolower(b[j - 1])) {
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      }
      d[i * w + j] = best;
    }
  }
  return d.back();
}

}  // namespace

std::optional<std::string_view> ClosestName(std::string_view wrong,
                                            std::span<const std::string_view> known) {
  size_t best = std::max<size_t>(1, wrong.size() / 3) + 1;
  std::optional<std::string_view> found;
  for (std::string_view name : known) {
    const size_t d = Distance(wrong, name);
    if (d < best) best = d, found = name;
  }
  return found;
}

}  // namespace shequn
