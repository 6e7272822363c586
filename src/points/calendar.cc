#include "points/calendar.h"

#include <limits>

#include "absl/strings/str_format.h"

namespace shequn::points {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);

absl::CivilDay CivilOf(int64_t day) { return kEpochDay + day; }

}  // namespace

Calendar::Calendar(const v1::CommunityConfig& config) {
  if (config.time_zone().empty() || !absl::LoadTimeZone(config.time_zone(), &zone_)) {
    zone_ = absl::FixedTimeZone(config.utc_offset_seconds());
  }
}

int64_t Calendar::Day(int64_t ms) const {
  return absl::ToCivilDay(absl::FromUnixMillis(ms), zone_) - kEpochDay;
}

int64_t Calendar::WeekOf(int64_t day) {
  // 1970-01-01 was a Thursday: Monday-based index is (day + 3) mod 7.
  int64_t offset = (day + 3) % 7;
  if (offset < 0) offset += 7;
  return day - offset;
}

int64_t Calendar::MonthOf(int64_t ms) const {
  const absl::CivilMonth m(absl::ToCivilDay(absl::FromUnixMillis(ms), zone_));
  return m.year() * 12 + (m.month() - 1);
}

int64_t Calendar::DayStartMs(int64_t day) const {
  return absl::ToUnixMillis(absl::FromCivil(CivilOf(day), zone_));
}

Window Calendar::PeriodOf(v1::Period period, int64_t ms) const {
  const int64_t day = Day(ms);
  const absl::CivilDay civil = CivilOf(day);
  int64_t first = day;
  int64_t end = day + 1;
  switch (period) {
    case v1::PERIOD_DAY:
      break;
    case v1::PERIOD_WEEK:
      first = WeekOf(day);
      end = first + 7;
      break;
    case v1::PERIOD_HALF_MONTH:
    case v1::PERIOD_MONTH: {
      const absl::CivilMonth month(civil);
      const absl::CivilDay month_start(month);
      const absl::CivilDay next_start(month + 1);
      const absl::CivilDay half(month.year(), month.month(), 16);
      if (period == v1::PERIOD_MONTH) {
        first = month_start - kEpochDay;
        end = next_start - kEpochDay;
      } else if (civil < half) {
        first = month_start - kEpochDay;
        end = half - kEpochDay;
      } else {
        first = half - kEpochDay;
        end = next_start - kEpochDay;
      }
      break;
    }
    default:
      return {0, std::numeric_limits<int64_t>::max()};
  }
  return {DayStartMs(first), DayStartMs(end)};
}

std::optional<int64_t> Calendar::ParseDay(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day - kEpochDay;
}

std::string Calendar::FormatDay(int64_t day) {
  const absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace shequn::points
