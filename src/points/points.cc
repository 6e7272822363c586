// Dispatch, config validation and timers of the points part.
#include "points/points.h"
#include "base/field_errors.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "base/closest_name.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::points {
namespace {

// One amount (a rule's, a bonus, a place, a team win) is at most a
// million points; a total (a cap, a balance or period threshold, the largest
// adjustment) at most a million such amounts, far from int64's end.
constexpr int64_t kDefaultMaxAdjustment = 1'000'000;
constexpr int64_t kDayMs = 86'400'000;

absl::Status CheckAmount(int64_t v, int64_t lo, absl::string_view path) {
  if (v < lo || v > limits::kMaxRulePoints) {
    return InvalidField(path, absl::StrCat(v, " is outside [", lo, ", ", limits::kMaxRulePoints, "]"));
  }
  return absl::OkStatus();
}

bool CalendarPeriod(v1::Period p) {
  return p == v1::PERIOD_DAY || p == v1::PERIOD_WEEK || p == v1::PERIOD_HALF_MONTH ||
         p == v1::PERIOD_MONTH;
}

absl::Status CheckPeriod(v1::Period p, absl::string_view path) {
  if (!CalendarPeriod(p)) return InvalidField(path, "must be DAY, WEEK, HALF_MONTH or MONTH");
  return absl::OkStatus();
}

// A rule's act: built in (the enum, or its deprecated alias in `kind`) or
// custom; a custom kind a few edits from a built-in alias is taken for a
// typo unless marked custom, since it would otherwise earn nothing, silently.
absl::Status CheckRuleKind(const v1::PointRule& r, absl::string_view at) {
  if (!v1::PointRuleKind_IsValid(r.built_in())) {
    return InvalidField(absl::StrCat(at, ".built_in"), absl::StrCat("unknown value ", r.built_in()));
  }
  if (r.built_in() != v1::POINT_RULE_KIND_UNSPECIFIED) {
    const absl::string_view alias = RuleKindName(r);
    if (r.custom()) {
      return InvalidField(absl::StrCat(at, ".custom"), "a built_in act is not custom");
    }
    if (!r.kind().empty() && r.kind() != alias) {
      return InvalidField(absl::StrCat(at, ".kind"),
                          absl::StrCat("'", r.kind(), "' contradicts built_in ",
                                       v1::PointRuleKind_Name(r.built_in()), " ('", alias,
                                       "'); leave kind empty"));
    }
    return absl::OkStatus();
  }
  const std::string path = absl::StrCat(at, ".kind");
  if (r.kind().empty()) return InvalidField(path, "required (or set built_in)");
  if (IsBuiltInKind(r.kind())) {
    if (!r.custom()) return absl::OkStatus();
    return InvalidField(absl::StrCat(at, ".custom"),
                        absl::StrCat("'", r.kind(), "' is a built-in kind, not a custom one"));
  }
  if (r.custom()) return absl::OkStatus();
  if (std::optional<absl::string_view> near =
          ClosestName(r.kind(), BuiltInKindNames().subspan(1))) {
    return InvalidField(path, absl::StrCat("unknown kind '", r.kind(), "' (did you mean '",
                                           std::string(*near),
                                           "'?); set custom to earn it by Contribution events"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRules(const v1::PointsConfig& p) {
  std::vector<std::pair<std::string, int64_t>> seen;
  for (int i = 0; i < p.rules_size(); ++i) {
    const v1::PointRule& r = p.rules(i);
    const std::string at = absl::StrCat("points.rules[", i, "]");
    if (auto s = CheckRuleKind(r, at); !s.ok()) return s;
    if (auto s = CheckAmount(r.points(), 1, absl::StrCat(at, ".points")); !s.ok()) return s;
    for (auto [cap, field] : {std::pair{r.daily_cap(), ".daily_cap"}, {r.weekly_cap(), ".weekly_cap"}}) {
      if (auto s = CheckRange(cap, 0, limits::kMaxPoints, absl::StrCat(at, field)); !s.ok()) return s;
    }
    if (r.repeat_percent() > 100) {
      return InvalidField(absl::StrCat(at, ".repeat_percent"), "must be at most 100");
    }
    if (auto s = CheckRange(r.effective_from_ms(), 0, limits::kMaxTimeMs,
                            absl::StrCat(at, ".effective_from_ms"));
        !s.ok()) {
      return s;
    }
    std::pair<std::string, int64_t> key(RuleKindName(r), r.effective_from_ms());
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return InvalidField(at, absl::StrCat("another rule for kind '", key.first,
                                      "' takes effect at the same time"));
    }
    seen.push_back(std::move(key));
  }
  return CheckRange(p.member_daily_cap(), 0, limits::kMaxPoints, "points.member_daily_cap");
}

absl::Status ValidateCheckInsAndTasks(const v1::PointsConfig& p) {
  for (int i = 0; i < p.check_in().streak_bonuses_size(); ++i) {
    const v1::StreakBonus& b = p.check_in().streak_bonuses(i);
    const std::string at = absl::StrCat("points.check_in.streak_bonuses[", i, "]");
    if (auto s = CheckRange(b.days(), 1, limits::kMaxDurationDays, absl::StrCat(at, ".days")); !s.ok()) {
      return s;
    }
    if (auto s = CheckAmount(b.points(), 1, absl::StrCat(at, ".points")); !s.ok()) return s;
  }
  if (auto s = CheckRange(p.check_in().make_up_max_days_back(), 0, limits::kMaxMakeUpDays,
                          "points.check_in.make_up_max_days_back");
      !s.ok()) {
    return s;
  }
  if (p.tasks().graduate_on_completion() && p.tasks().graduation_tasks() == 0) {
    return InvalidField("points.tasks.graduate_on_completion",
                        "needs graduation_tasks (what completion means)");
  }
  return CheckRange(p.tasks().late_window_seconds(), 0, limits::kMaxLateWindowSeconds,
                    "points.tasks.late_window_seconds");
}

absl::Status ValidateAwards(const v1::CommunityConfig& c) {
  const v1::PointsConfig& p = c.points();
  std::vector<std::string> names;
  for (int i = 0; i < p.awards_size(); ++i) {
    const v1::AwardConfig& a = p.awards(i);
    const std::string at = absl::StrCat("points.awards[", i, "]");
    if (a.name().empty()) return InvalidField(absl::StrCat(at, ".name"), "required");
    if (std::find(names.begin(), names.end(), a.name()) != names.end()) {
      return InvalidField(absl::StrCat(at, ".name"), absl::StrCat("duplicate award '", a.name(), "'"));
    }
    names.push_back(a.name());
    if (auto s = CheckPeriod(a.period(), absl::StrCat(at, ".period")); !s.ok()) return s;
    if (!v1::Metric_IsValid(a.metric())) return InvalidField(absl::StrCat(at, ".metric"), "unknown");
    if (!v1::Scope_IsValid(a.scope())) return InvalidField(absl::StrCat(at, ".scope"), "unknown");
    if (a.scope() == v1::SCOPE_TEAM && c.teams().names_size() == 0) {
      return InvalidField(absl::StrCat(at, ".scope"), "SCOPE_TEAM needs teams.names");
    }
    if (auto s = CheckRange(a.top_n(), 1, limits::kMaxAwardPlaces, absl::StrCat(at, ".top_n"));
        !s.ok()) {
      return s;
    }
    for (int j = 0; j < a.points_by_place_size(); ++j) {
      if (auto s = CheckAmount(a.points_by_place(j), 0,
                               absl::StrCat(at, ".points_by_place[", j, "]"));
          !s.ok()) {
        return s;
      }
    }
    if (auto s = CheckRange(a.prize_cents(), 0, limits::kMaxCents, absl::StrCat(at, ".prize_cents"));
        !s.ok()) {
      return s;
    }
    if (a.review_at_half_month() && a.period() != v1::PERIOD_MONTH) {
      return InvalidField(absl::StrCat(at, ".review_at_half_month"), "needs PERIOD_MONTH");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOthers(const v1::CommunityConfig& c) {
  const v1::PointsConfig& p = c.points();
  if (p.has_elimination()) {
    const v1::PointsElimination& e = p.elimination();
    if (auto s = CheckPeriod(e.period(), "points.elimination.period"); !s.ok()) return s;
    if (e.lowest_n() == 0 && !e.has_below_points()) {
      return InvalidField("points.elimination", "set lowest_n or below_points");
    }
    // Period points go negative with deductions: so may the threshold.
    if (auto s = CheckRange(e.below_points(), -limits::kMaxPoints, limits::kMaxPoints,
                            "points.elimination.below_points");
        !s.ok()) {
      return s;
    }
    if (auto s = CheckRange(e.warn_before_seconds(), 0, limits::kMaxEliminationWarningSeconds,
                            "points.elimination.warn_before_seconds");
        !s.ok()) {
      return s;
    }
  }
  if (p.has_team_contest()) {
    const v1::TeamContest& t = p.team_contest();
    if (auto s = CheckPeriod(t.period(), "points.team_contest.period"); !s.ok()) return s;
    if (c.teams().names_size() == 0) return InvalidField("points.team_contest", "needs teams.names");
    if (auto s = CheckAmount(t.winner_points(), 0, "points.team_contest.winner_points"); !s.ok()) {
      return s;
    }
  }
  const std::tuple<int64_t, int64_t, absl::string_view> bounded[] = {
      {p.expiry().expire_after_days(), limits::kMaxDurationDays, "points.expiry.expire_after_days"},
      {p.max_adjustment(), limits::kMaxPoints, "points.max_adjustment"},
      {p.decay().percent(), 100, "points.decay.percent"},
      {p.decay().period_days(), limits::kMaxDurationDays, "points.decay.period_days"},
  };
  for (const auto& [value, max, path] : bounded) {
    if (auto s = CheckRange(value, 0, max, path); !s.ok()) return s;
  }
  for (int i = 0; i < p.ranked_roles_size(); ++i) {
    if (p.ranked_roles(i) == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(p.ranked_roles(i))) {
      return InvalidField(absl::StrCat("points.ranked_roles[", i, "]"), "unknown role");
    }
  }
  return LiveBoards::ValidateConfig(c);
}

}  // namespace

absl::Status Points::ValidateConfig(const v1::CommunityConfig& config) {
  const v1::PointsConfig& p = config.points();
  if (auto s = ValidateRules(p); !s.ok()) return s;
  if (auto s = ValidateCheckInsAndTasks(p); !s.ok()) return s;
  if (auto s = ValidateAwards(config); !s.ok()) return s;
  if (auto s = ValidateTitles(p); !s.ok()) return s;
  return ValidateOthers(config);
}

Points::Points(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config),
      cfg_(config.points()),
      members_(members),
      calendar_(config),
      live_(config, members, calendar_) {
  for (const v1::PointRule& r : cfg_.rules()) kinds_.emplace_back(RuleKindName(r));
  std::sort(kinds_.begin(), kinds_.end());
  kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
  rules_by_kind_.resize(kinds_.size());
  for (int i = 0; i < cfg_.rules_size(); ++i) {
    rules_by_kind_[*KindIndex(RuleKindName(cfg_.rules(i)))].push_back(i);
  }
  for (std::vector<int>& rules : rules_by_kind_) {
    std::sort(rules.begin(), rules.end(), [&](int a, int b) {
      return cfg_.rules(a).effective_from_ms() < cfg_.rules(b).effective_from_ms();
    });
  }
  ttl_ms_ = static_cast<int64_t>(cfg_.expiry().expire_after_days()) * kDayMs;
  max_adjustment_ = cfg_.max_adjustment() == 0 ? kDefaultMaxAdjustment : cfg_.max_adjustment();
  decay_percent_ = cfg_.decay().percent();
  ranked_roles_ = RankedRoleMask(cfg_);
  decay_days_ = cfg_.decay().period_days() == 0 ? 30 : cfg_.decay().period_days();
  has_streak_holds_ = std::any_of(cfg_.titles().begin(), cfg_.titles().end(),
                                  [](const v1::TitleThreshold& t) {
                                    return t.source() == v1::TITLE_SOURCE_STREAK &&
                                           t.held_while_true();
                                  });
  d_.award_due.assign(cfg_.awards_size(), 0);
  d_.review_due.assign(cfg_.awards_size(), 0);
  live_.Rebuild(d_.ledger, 0);
}

bool Points::Handles(v1::Event::KindCase kind) {
  switch (kind) {
    case v1::Event::kCheckIn:
    case v1::Event::kContribution:
    case v1::Event::kSubmitTask:
    case v1::Event::kAdjustPoints:
    case v1::Event::kOpenPoll:
    case v1::Event::kVote:
    case v1::Event::kTitle:
    case v1::Event::kAssignTask:
    case v1::Event::kClosePoll:
      return true;
    default:
      return false;
  }
}

absl::Status Points::Check(const v1::Event& e) const {
  switch (e.kind_case()) {
    case v1::Event::kCheckIn: return CheckCheckIn(e);
    case v1::Event::kContribution: return CheckContribution(e);
    case v1::Event::kSubmitTask: return CheckSubmit(e);
    case v1::Event::kAdjustPoints: return CheckAdjust(e);
    case v1::Event::kOpenPoll: return CheckOpenPoll(e);
    case v1::Event::kVote: return CheckVote(e);
    case v1::Event::kTitle: return CheckTitle(e);
    case v1::Event::kAssignTask: return CheckAssign(e);
    case v1::Event::kClosePoll: return CheckClosePoll(e);
    default: return absl::InternalError("points: event kind not handled here");
  }
}

void Points::Apply(const v1::Event& e, v1::Outcome& out) {
  StartTimers(e.time_ms());
  switch (e.kind_case()) {
    case v1::Event::kCheckIn: return ApplyCheckIn(e, out);
    case v1::Event::kContribution: return ApplyContribution(e, out);
    case v1::Event::kSubmitTask: return ApplySubmit(e, out);
    case v1::Event::kAdjustPoints: return ApplyAdjust(e, out);
    case v1::Event::kOpenPoll: return ApplyOpenPoll(e, out);
    case v1::Event::kVote: return ApplyVote(e, out);
    case v1::Event::kTitle: return ApplyTitle(e, out);
    case v1::Event::kAssignTask: return ApplyAssign(e, out);
    case v1::Event::kClosePoll:
      return ClosePoll(d_.poll_ids.at(e.close_poll().poll_id()), e.time_ms(), e.id(), out);
    default: return;
  }
}

void Points::Observe(const v1::Event& e, v1::Outcome& out) {
  StartTimers(e.time_ms());
  if (Handles(e.kind_case())) return;  // applied already
  // Referrals: the inviter of every member admitted by this event.
  for (int i = 0, n = out.actions_size(); i < n; ++i) {
    const v1::Action& a = out.actions(i);
    if (a.kind() != v1::ACTION_KIND_RECORD_REFERRAL) continue;
    std::optional<MemberIndex> inviter = members_.Find(a.target_member());
    if (inviter.has_value() && members_.member(*inviter).active()) {
      Earn(*inviter, "referral", e.time_ms(), std::nullopt, e.id(), out);
    }
  }
  if (e.has_message() && e.message().on_topic()) {
    std::optional<MemberIndex> m = members_.Find(e.actor());
    if (m.has_value() && members_.member(*m).active()) {
      Earn(*m, "on_topic_message", e.time_ms(),
           text::CountCodePoints(e.message().text()), e.id(), out);
    }
  }
  if (e.has_activity_held() && e.activity_held().offline()) {
    absl::flat_hash_set<MemberIndex> paid;  // an attendee listed twice came once
    for (const std::string& id : e.activity_held().attendees()) {
      std::optional<MemberIndex> m = members_.Find(id);
      if (m.has_value() && members_.member(*m).active() && paid.insert(*m).second) {
        Earn(*m, "meetup", e.time_ms(), std::nullopt, e.id(), out);
      }
    }
  }
}

std::optional<int64_t> Points::NextDue() const {
  std::optional<int64_t> due;
  auto consider = [&](int64_t t) {
    if (t != 0 && (!due.has_value() || t < *due)) due = t;
  };
  if (!d_.lots.empty()) consider(d_.lots.front().expire_ms);
  if (!d_.task_closes.empty()) consider(d_.task_closes.begin()->first);
  if (!d_.poll_closes.empty()) consider(d_.poll_closes.begin()->first);
  for (int64_t t : d_.award_due) consider(t);
  for (int64_t t : d_.review_due) consider(t);
  consider(d_.team_due);
  consider(d_.elimination_warn);
  consider(d_.elimination_due);
  consider(d_.decay_due);
  if (!d_.streak_breaks.empty()) consider(d_.streak_breaks.begin()->first);
  return due;
}

void Points::RunDue(int64_t now, int64_t quiet_until, int first_action, v1::Outcome& out) {
  // The boards must see the other parts' timers' exits and moves before
  // awards read them; they keep the period that ends until the heads are read.
  for (int i = first_action; i < out.actions_size(); ++i) {
    if (std::optional<MemberIndex> m = members_.Find(out.actions(i).member())) {
      live_.Sync(d_.ledger, *m);
    }
  }
  SkipQuietPeriods(now, quiet_until);
  std::vector<std::optional<Heads>> reviews(cfg_.awards_size()), awards(cfg_.awards_size());
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    reviews[a] = ReviewHeads(a, now);
    awards[a] = AwardHeads(a, now);
  }
  live_.Roll(d_.ledger, now);
  // Period ends first: their entries are dated just before `now`, so they
  // go in before anything dated `now`, and each decides on the ledger as the
  // period left it.
  const size_t cut = d_.ledger.entries().size();
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    if (d_.review_due[a] != 0 && d_.review_due[a] <= now) {
      RunReview(a, cut, reviews[a] ? &*reviews[a] : nullptr, out);
    }
    if (d_.award_due[a] != 0 && d_.award_due[a] <= now) {
      RunAward(a, cut, awards[a] ? &*awards[a] : nullptr, out);
    }
  }
  if (d_.team_due != 0 && d_.team_due <= now) RunTeamContest(cut, out);
  if (d_.elimination_warn != 0 && d_.elimination_warn <= now) {
    RunEliminationWarning(now, cut, out);
  }
  if (d_.elimination_due != 0 && d_.elimination_due <= now) RunElimination(cut, out);
  ExpireDue(now, out);
  DecayDue(now, out);
  BreakStreaks(now, out);
  while (!d_.task_closes.empty() && d_.task_closes.begin()->first <= now) {
    const uint32_t t = d_.task_closes.begin()->second;
    d_.task_closes.erase(d_.task_closes.begin());
    CloseTask(t, now, out);
  }
  while (!d_.poll_closes.empty() && d_.poll_closes.begin()->first <= now) {
    const uint32_t p = d_.poll_closes.begin()->second;
    ClosePoll(p, now, "", out);  // erases its own timer
  }
}

// ---------------------------------------------------------------- helpers

Points::MemberState& Points::StateOf(MemberIndex m) {
  if (m >= d_.members.size()) d_.members.resize(m + 1);
  return d_.members[m];
}

const Points::MemberState& Points::PeekState(MemberIndex m) const {
  return m < d_.members.size() ? d_.members[m] : empty_;
}

std::string Points::GroupOf(MemberIndex m) const {
  const int32_t g = members_.member(m).group;
  return g == membership::kNoGroup ? std::string() : members_.group(g).id;
}

void Points::SyncMembers(const v1::Outcome& out, int first_action, absl::string_view actor,
                         int64_t now) {
  live_.Roll(d_.ledger, now);
  auto sync = [&](absl::string_view id) {
    if (id.empty()) return;
    if (std::optional<MemberIndex> m = members_.Find(id); m.has_value()) {
      live_.Sync(d_.ledger, *m);
    }
  };
  sync(actor);
  for (int i = first_action; i < out.actions_size(); ++i) sync(out.actions(i).member());
}

int64_t Points::Stamp(int64_t now) const { return std::max(now, d_.ledger.last_time_ms()); }

}  // namespace shequn::points
