// Daily check-ins (打卡): one per member per local day, streaks, streak
// bonuses, streak titles and make-up cards (补卡).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "points/points.h"
#include "base/utf8.h"

namespace shequn::points {
namespace {

bool Has(const std::vector<int64_t>& days, int64_t day) {
  return std::binary_search(days.begin(), days.end(), day);
}

// Length of the run of consecutive days ending at `day` (0 if absent).
uint32_t RunEndingAt(const std::vector<int64_t>& days, int64_t day) {
  auto it = std::lower_bound(days.begin(), days.end(), day);
  if (it == days.end() || *it != day) return 0;
  uint32_t n = 1;
  while (it != days.begin() && *(it - 1) == *it - 1) --it, ++n;
  return n;
}

// Length of the run of consecutive days starting at `day` (0 if absent).
uint32_t RunStartingAt(const std::vector<int64_t>& days, int64_t day) {
  auto it = std::lower_bound(days.begin(), days.end(), day);
  if (it == days.end() || *it != day) return 0;
  uint32_t n = 1;
  while (it + 1 != days.end() && *(it + 1) == *it + 1) ++it, ++n;
  return n;
}

}  // namespace

absl::Status Points::CheckCheckIn(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> m = members_.ActorInGroup(e);
  if (!m.ok()) return m.status();
  const v1::CheckIn& c = e.check_in();
  const MemberState& s = PeekState(*m);
  const int64_t today = calendar_.Day(e.time_ms());
  const int64_t joined = calendar_.Day(members_.member(*m).joined_ms);
  if (c.make_up_day().empty()) {
    if (Has(s.check_in_days, today)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "check_in: member '", e.actor(), "' already checked in on ",
          Calendar::FormatDay(today)));
    }
    return absl::OkStatus();
  }
  std::optional<int64_t> day = Calendar::ParseDay(c.make_up_day());
  if (!day.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "check_in.make_up_day: '", c.make_up_day(), "' is not a date YYYY-MM-DD"));
  }
  const uint32_t per_month = cfg_.check_in().make_up_cards_per_month();
  if (per_month == 0) {
    return absl::FailedPreconditionError(
        "check_in.make_up_day: make-up cards are not enabled (points.check_in)");
  }
  if (*day >= today) {
    return absl::InvalidArgumentError(absl::StrCat(
        "check_in.make_up_day: ", c.make_up_day(), " is not before today ",
        Calendar::FormatDay(today)));
  }
  const uint32_t back = cfg_.check_in().make_up_max_days_back() == 0
                            ? 7
                            : cfg_.check_in().make_up_max_days_back();
  if (today - *day > back) {
    return absl::FailedPreconditionError(absl::StrCat(
        "check_in.make_up_day: ", c.make_up_day(), " is more than ", back, " days back"));
  }
  if (*day < joined) {
    return absl::FailedPreconditionError(absl::StrCat(
        "check_in.make_up_day: ", c.make_up_day(), " is before member '", e.actor(),
        "' joined on ", Calendar::FormatDay(joined)));
  }
  if (Has(s.check_in_days, *day)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "check_in.make_up_day: member '", e.actor(), "' already checked in on ",
        c.make_up_day()));
  }
  const uint32_t used = s.make_up_month == calendar_.MonthOf(e.time_ms()) ? s.make_ups_used : 0;
  if (used >= per_month) {
    return absl::FailedPreconditionError(absl::StrCat(
        "check_in.make_up_day: member '", e.actor(), "' has used all ", per_month,
        " make-up cards this month"));
  }
  return absl::OkStatus();
}

void Points::ApplyCheckIn(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  MemberState& s = StateOf(m);
  const int64_t day = e.check_in().make_up_day().empty()
                          ? calendar_.Day(e.time_ms())
                          : *Calendar::ParseDay(e.check_in().make_up_day());
  if (!e.check_in().make_up_day().empty()) {
    const int64_t month = calendar_.MonthOf(e.time_ms());
    if (s.make_up_month != month) s.make_up_month = month, s.make_ups_used = 0;
    ++s.make_ups_used;
  }
  // The streak through `day` before and after: the runs on either side join.
  const uint32_t before = std::max(RunEndingAt(s.check_in_days, day - 1),
                                   RunStartingAt(s.check_in_days, day + 1));
  s.check_in_days.insert(
      std::upper_bound(s.check_in_days.begin(), s.check_in_days.end(), day), day);
  const uint32_t after = RunEndingAt(s.check_in_days, day) + RunStartingAt(s.check_in_days, day) - 1;
  Earn(m, "check_in", e.time_ms(), std::nullopt, e.id(), out);
  const auto& bonuses = cfg_.check_in().streak_bonuses();
  for (int i = 0; i < bonuses.size(); ++i) {
    const v1::StreakBonus& b = bonuses[i];
    // Reached a bonus length (or a multiple of it) that the streak had not.
    const bool reached = b.repeat() ? after / b.days() > before / b.days()
                                    : before < b.days() && after >= b.days();
    if (!reached) continue;
    Credit(m, b.points(), absl::StrCat("points.check_in.streak_bonuses[", i, "]"),
           absl::StrCat("streak_", b.days()), e.id(), e.time_ms(), false, out);
  }
  // A make-up card may extend a run that ended before yesterday: not current.
  const int64_t run_end = day + RunStartingAt(s.check_in_days, day) - 1;
  GrantStreakTitles(m, after, run_end >= calendar_.Day(e.time_ms()) - 1, out);
  ArmStreakBreak(m);
}

}  // namespace shequn::points
