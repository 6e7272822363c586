#include "base/closest_name.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace shequn {
namespace {

// Optimal string alignment distance: Levenshtein plus swaps of neighbours.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool PrefixSlip(absl::string_view wrong, absl::string_view known) {
  const absl::string_view shorter = wrong.size() < known.size() ? wrong : known;
  const absl::string_view longer = wrong.size() < known.size() ? known : wrong;
  return shorter.size() >= 3 && longer.substr(0, shorter.size()) == shorter;
}

}  // namespace

std::optional<absl::string_view> ClosestName(absl::string_view wrong,
                                            std::span<const absl::string_view> known) {
  std::optional<absl::string_view> best;
  size_t best_distance = 0;
  for (absl::string_view name : known) {
    const size_t distance = EditDistance(wrong, name);
    const size_t allowed = std::max<size_t>(2, std::max(wrong.size(), name.size()) / 3);
    if (distance > allowed && !PrefixSlip(wrong, name)) continue;
    if (!best.has_value() || distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(absl::string_view wrong, std::span<const absl::string_view> known) {
  const std::optional<absl::string_view> close = ClosestName(wrong, known);
  if (!close.has_value()) return "";
  return absl::StrCat(" (did you mean '", *close, "'?)");
}

}  // namespace shequn
