// Calendar: local days, weeks, months and award periods in the community's
// time zone (CommunityConfig.time_zone, else utc_offset_seconds). Internal.
#ifndef SHEQUN_SRC_POINTS_CALENDAR_H_
#define SHEQUN_SRC_POINTS_CALENDAR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/points.pb.h"

namespace shequn::points {

// A half-open time window [start_ms, end_ms).
struct Window {
  int64_t start_ms;
  int64_t end_ms;
};

class Calendar {
 public:
  // `config` must be valid (its time zone loads).
  explicit Calendar(const v1::CommunityConfig& config);

  // Local day number: days since 1970-01-01 in the community's zone. O(1).
  int64_t Day(int64_t ms) const;
  // The day number of the Monday starting the week of `day`.
  static int64_t WeekOf(int64_t day);
  // year*12 + month-1 of the local month containing `ms`.
  int64_t MonthOf(int64_t ms) const;
  // The UTC ms at which local `day` starts.
  int64_t DayStartMs(int64_t day) const;

  // The period containing `ms`; ALL_TIME/UNSPECIFIED is [0, INT64_MAX).
  Window PeriodOf(v1::Period period, int64_t ms) const;

  // "YYYY-MM-DD" <-> day number.
  static std::optional<int64_t> ParseDay(absl::string_view text);
  static std::string FormatDay(int64_t day);

 private:
  absl::TimeZone zone_;
};

}  // namespace shequn::points

#endif  // SHEQUN_SRC_POINTS_CALENDAR_H_
