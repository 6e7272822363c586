// Title rules (points.titles): titles earned by balance, check-in streak,
// tasks submitted or award places, and the revocation of those held only
// while their condition holds (held_while_true).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "base/closest_name.h"
#include "base/field_errors.h"
#include "points/points.h"
#include "shequn/limits.h"

namespace shequn::points {
namespace {

constexpr int64_t kMaxStreakDays = limits::kMaxDurationSeconds / 86'400;

v1::TitleSource SourceOf(const v1::TitleThreshold& t) {
  return t.source() == v1::TITLE_SOURCE_UNSPECIFIED ? v1::TITLE_SOURCE_BALANCE : t.source();
}

absl::string_view SourceName(v1::TitleSource s) {
  switch (s) {
    case v1::TITLE_SOURCE_STREAK: return "streak";
    case v1::TITLE_SOURCE_TASKS: return "tasks";
    case v1::TITLE_SOURCE_AWARD: return "award";
    default: return "balance";
  }
}

// The first field set that `t`'s source does not use, as an error.
absl::Status CheckUnused(const v1::TitleThreshold& t, absl::string_view at) {
  const v1::TitleSource source = SourceOf(t);
  const struct {
    bool set;
    bool used;
    absl::string_view field;
  } fields[] = {
      {t.min_balance() != 0, source == v1::TITLE_SOURCE_BALANCE, "min_balance"},
      {t.min_count() != 0,
       source == v1::TITLE_SOURCE_STREAK || source == v1::TITLE_SOURCE_TASKS, "min_count"},
      {!t.task_id().empty(), source == v1::TITLE_SOURCE_TASKS, "task_id"},
      {!t.award().empty(), source == v1::TITLE_SOURCE_AWARD, "award"},
      {t.max_place() != 0, source == v1::TITLE_SOURCE_AWARD, "max_place"},
  };
  for (const auto& f : fields) {
    if (f.set && !f.used) {
      return InvalidField(absl::StrCat(at, ".", f.field),
                          absl::StrCat("not used by a ", SourceName(source), " title"));
    }
  }
  if (t.held_while_true() && source != v1::TITLE_SOURCE_STREAK &&
      source != v1::TITLE_SOURCE_AWARD) {
    return InvalidField(absl::StrCat(at, ".held_while_true"),
                        absl::StrCat("a ", SourceName(source),
                                     " title is a milestone, never lost; only streak and "
                                     "award titles are held while true"));
  }
  return absl::OkStatus();
}

absl::Status CheckAwardTitle(const v1::TitleThreshold& t, const v1::PointsConfig& p,
                             absl::string_view at) {
  const std::string path = absl::StrCat(at, ".award");
  if (t.award().empty()) return InvalidField(path, "required for an award title");
  std::vector<absl::string_view> names;
  for (const v1::AwardConfig& a : p.awards()) {
    if (a.name() != t.award()) {
      names.push_back(a.name());
      continue;
    }
    return CheckRange(t.max_place(), 1, a.top_n(), absl::StrCat(at, ".max_place"));
  }
  return InvalidField(path, absl::StrCat("unknown award '", t.award(), "'",
                                         DidYouMean(t.award(), names), " (points.awards)"));
}

absl::Status CheckTitleRule(const v1::TitleThreshold& t, const v1::PointsConfig& p,
                            absl::string_view at) {
  if (t.title().empty()) return InvalidField(absl::StrCat(at, ".title"), "required");
  if (!v1::TitleSource_IsValid(t.source())) {
    return InvalidField(absl::StrCat(at, ".source"), absl::StrCat("unknown value ", t.source()));
  }
  if (auto s = CheckUnused(t, at); !s.ok()) return s;
  switch (SourceOf(t)) {
    case v1::TITLE_SOURCE_STREAK:
      return CheckRange(t.min_count(), 1, kMaxStreakDays, absl::StrCat(at, ".min_count"));
    case v1::TITLE_SOURCE_TASKS:
      if (!t.task_id().empty()) {
        if (t.min_count() != 0) {
          return InvalidField(absl::StrCat(at, ".min_count"),
                              "set min_count or task_id, not both");
        }
        return CheckUtf8Field(t.task_id(), absl::StrCat(at, ".task_id"));
      }
      return CheckRange(t.min_count(), 1, limits::kMaxTitleTasks, absl::StrCat(at, ".min_count"));
    case v1::TITLE_SOURCE_AWARD:
      return CheckAwardTitle(t, p, at);
    default:
      return CheckRange(t.min_balance(), 1, limits::kMaxPoints, absl::StrCat(at, ".min_balance"));
  }
}

}  // namespace

absl::Status Points::ValidateTitles(const v1::PointsConfig& p) {
  for (int i = 0; i < p.titles_size(); ++i) {
    if (auto s = CheckTitleRule(p.titles(i), p, absl::StrCat("points.titles[", i, "]")); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

void Points::GrantRuleTitle(MemberIndex m, int i, int64_t reached, v1::Outcome& out) {
  const v1::TitleThreshold& t = cfg_.titles(i);
  v1::Action* a = GrantTitle(m, t.title(), absl::StrCat("points.titles[", i, "]"), out);
  if (a == nullptr) return;
  a->set_reason(std::string(SourceName(SourceOf(t))));
  v1::TitleDetail& detail = *a->mutable_title();
  detail.set_source(SourceOf(t));
  detail.set_reached(reached);
  detail.set_award(t.award());
  detail.set_task_id(t.task_id());
}

void Points::RevokeRuleTitle(MemberIndex m, int i, absl::string_view reason, v1::Outcome& out) {
  const v1::TitleThreshold& t = cfg_.titles(i);
  v1::Action* a = RevokeTitle(m, t.title(), absl::StrCat("points.titles[", i, "]"), out);
  if (a == nullptr) return;
  a->set_reason(std::string(reason));
  v1::TitleDetail& detail = *a->mutable_title();
  detail.set_source(SourceOf(t));
  detail.set_award(t.award());
}

void Points::GrantThresholdTitles(MemberIndex m, v1::Outcome& out) {
  const int64_t balance = d_.ledger.Balance(m);
  for (int i = 0; i < cfg_.titles_size(); ++i) {
    const v1::TitleThreshold& t = cfg_.titles(i);
    if (SourceOf(t) == v1::TITLE_SOURCE_BALANCE && balance >= t.min_balance()) {
      GrantRuleTitle(m, i, balance, out);
    }
  }
}

void Points::GrantStreakTitles(MemberIndex m, uint32_t run, bool current, v1::Outcome& out) {
  for (int i = 0; i < cfg_.titles_size(); ++i) {
    const v1::TitleThreshold& t = cfg_.titles(i);
    if (SourceOf(t) != v1::TITLE_SOURCE_STREAK || run < t.min_count()) continue;
    // A title held while the streak lasts is not earned by a run already broken.
    if (t.held_while_true() && !current) continue;
    GrantRuleTitle(m, i, run, out);
  }
}

void Points::GrantTaskTitles(MemberIndex m, absl::string_view task_id, v1::Outcome& out) {
  const MemberState& s = PeekState(m);
  const uint32_t submitted = s.on_time + s.late + (s.thesis ? 1 : 0);
  for (int i = 0; i < cfg_.titles_size(); ++i) {
    const v1::TitleThreshold& t = cfg_.titles(i);
    if (SourceOf(t) != v1::TITLE_SOURCE_TASKS) continue;
    const bool earned = t.task_id().empty() ? submitted >= t.min_count() : t.task_id() == task_id;
    if (earned) GrantRuleTitle(m, i, submitted, out);
  }
}

void Points::GrantAwardTitles(int award, MemberIndex m, uint32_t place, v1::Outcome& out) {
  for (int i = 0; i < cfg_.titles_size(); ++i) {
    const v1::TitleThreshold& t = cfg_.titles(i);
    if (SourceOf(t) == v1::TITLE_SOURCE_AWARD && t.award() == cfg_.awards(award).name() &&
        place <= t.max_place()) {
      GrantRuleTitle(m, i, place, out);
    }
  }
}

void Points::RevokeAwardTitles(int award,
                               const std::vector<std::pair<MemberIndex, uint32_t>>& placed,
                               v1::Outcome& out) {
  for (int i = 0; i < cfg_.titles_size(); ++i) {
    const v1::TitleThreshold& t = cfg_.titles(i);
    if (SourceOf(t) != v1::TITLE_SOURCE_AWARD || !t.held_while_true() ||
        t.award() != cfg_.awards(award).name()) {
      continue;
    }
    for (MemberIndex m = 0; m < d_.members.size(); ++m) {
      if (!HoldsTitle(m, t.title())) continue;
      const bool kept = std::any_of(placed.begin(), placed.end(), [&](const auto& p) {
        return p.first == m && p.second <= t.max_place();
      });
      if (!kept) RevokeRuleTitle(m, i, "award_not_placed", out);
    }
  }
}

bool Points::AwardTitleHeld(int award) const {
  for (const v1::TitleThreshold& t : cfg_.titles()) {
    if (SourceOf(t) != v1::TITLE_SOURCE_AWARD || !t.held_while_true() ||
        t.award() != cfg_.awards(award).name()) {
      continue;
    }
    for (MemberIndex m = 0; m < d_.members.size(); ++m) {
      if (HoldsTitle(m, t.title())) return true;
    }
  }
  return false;
}

bool Points::HoldsStreakTitle(MemberIndex m) const {
  for (const v1::TitleThreshold& t : cfg_.titles()) {
    if (SourceOf(t) == v1::TITLE_SOURCE_STREAK && t.held_while_true() &&
        HoldsTitle(m, t.title())) {
      return true;
    }
  }
  return false;
}

// The streak breaks at the local midnight that ends the first whole day
// after the last check-in without one.
void Points::ArmStreakBreak(MemberIndex m) {
  if (!has_streak_holds_ || m >= d_.members.size()) return;
  MemberState& s = d_.members[m];
  if (s.streak_break_ms != 0) d_.streak_breaks.erase({s.streak_break_ms, m});
  s.streak_break_ms = 0;
  if (s.check_in_days.empty() || !HoldsStreakTitle(m)) return;
  s.streak_break_ms = calendar_.DayStartMs(s.check_in_days.back() + 2);
  d_.streak_breaks.insert({s.streak_break_ms, m});
}

void Points::BreakStreaks(int64_t now, v1::Outcome& out) {
  while (!d_.streak_breaks.empty() && d_.streak_breaks.begin()->first <= now) {
    const MemberIndex m = d_.streak_breaks.begin()->second;
    d_.streak_breaks.erase(d_.streak_breaks.begin());
    d_.members[m].streak_break_ms = 0;
    // Each revocation re-arms the break for the titles still held (due
    // now); the last one disarms it.
    for (int i = 0; i < cfg_.titles_size(); ++i) {
      const v1::TitleThreshold& t = cfg_.titles(i);
      if (SourceOf(t) == v1::TITLE_SOURCE_STREAK && t.held_while_true()) {
        RevokeRuleTitle(m, i, "streak_broken", out);
      }
    }
  }
}

}  // namespace shequn::points
