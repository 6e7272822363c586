#include "base/closest_name.h"

#include <algorithm>
#include <vector>

namespace shequn {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string_view> ClosestName(std::string_view wrong,
                                            std::span<const std::string_view> known) {
  std::optional<std::string_view> best;
  size_t best_distance = 0;
  for (std::string_view name : known) {
    const size_t d = EditDistance(wrong, name);
    const size_t allowed = std::max<size_t>(1, std::max(wrong.size(), name.size()) / 2);
    if (d > allowed || (best.has_value() && d >= best_distance)) continue;
    best = name;
    best_distance = d;
  }
  return best;
}

}  // namespace shequn
