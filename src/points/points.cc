// Dispatch, config validation, timers and snapshots of the points part.
#include "points/points.h"
#include "base/field_errors.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::points {
namespace {

// One amount (a rule's, a bonus, a place, a team win) is at most a
// million points; a total (a cap, a balance or period threshold, the largest
// adjustment) at most a million such amounts, far from int64's end.
constexpr int64_t kMaxRulePoints = 1'000'000;
constexpr int64_t kMaxPointsTotal = kMaxRulePoints * 1'000'000;
constexpr int64_t kDefaultMaxAdjustment = 1'000'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxDurationDays = limits::kMaxDurationSeconds / 86'400;

absl::Status CheckAmount(int64_t v, int64_t lo, absl::string_view path) {
  if (v < lo || v > kMaxRulePoints) {
    return InvalidField(path, absl::StrCat(v, " is outside [", lo, ", ", kMaxRulePoints, "]"));
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

absl::Status ValidateRules(const v1::PointsConfig& p) {
  std::vector<std::pair<std::string, int64_t>> seen;
  for (int i = 0; i < p.rules_size(); ++i) {
    const v1::PointRule& r = p.rules(i);
    const std::string at = absl::StrCat("points.rules[", i, "]");
    if (r.kind().empty()) return InvalidField(absl::StrCat(at, ".kind"), "required");
    if (auto s = CheckUtf8Field(r.kind(), absl::StrCat(at, ".kind")); !s.ok()) return s;
    if (auto s = CheckAmount(r.points(), 1, absl::StrCat(at, ".points")); !s.ok()) return s;
    for (auto [cap, field] : {std::pair{r.daily_cap(), ".daily_cap"}, {r.weekly_cap(), ".weekly_cap"}}) {
      if (auto s = CheckRange(cap, 0, kMaxPointsTotal, absl::StrCat(at, field)); !s.ok()) return s;
    }
    if (r.repeat_percent() > 100) {
      return InvalidField(absl::StrCat(at, ".repeat_percent"), "must be at most 100");
    }
    if (auto s = CheckRange(r.effective_from_ms(), 0, limits::kMaxTimeMs,
                            absl::StrCat(at, ".effective_from_ms"));
        !s.ok()) {
      return s;
    }
    std::pair<std::string, int64_t> key(r.kind(), r.effective_from_ms());
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return InvalidField(at, absl::StrCat("another rule for kind '", r.kind(),
                                      "' takes effect at the same time"));
    }
    seen.push_back(std::move(key));
  }
  return CheckRange(p.member_daily_cap(), 0, kMaxPointsTotal, "points.member_daily_cap");
}

absl::Status ValidateCheckInsAndTasks(const v1::PointsConfig& p) {
  for (int i = 0; i < p.check_in().streak_bonuses_size(); ++i) {
    const v1::StreakBonus& b = p.check_in().streak_bonuses(i);
    const std::string at = absl::StrCat("points.check_in.streak_bonuses[", i, "]");
    if (auto s = CheckRange(b.days(), 1, kMaxDurationDays, absl::StrCat(at, ".days")); !s.ok()) {
      return s;
    }
    if (auto s = CheckAmount(b.points(), 1, absl::StrCat(at, ".points")); !s.ok()) return s;
  }
  if (auto s = CheckRange(p.check_in().make_up_max_days_back(), 0, 366,
                          "points.check_in.make_up_max_days_back");
      !s.ok()) {
    return s;
  }
  return CheckRange(p.tasks().late_window_seconds(), 0, 366 * 86400,
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
    for (auto [text, field] : {std::pair{&a.name(), "name"}, {&a.title(), "title"},
                               {&a.prize(), "prize"}}) {
      if (auto s = CheckUtf8Field(*text, absl::StrCat(at, ".", field)); !s.ok()) return s;
    }
    if (auto s = CheckPeriod(a.period(), absl::StrCat(at, ".period")); !s.ok()) return s;
    if (!v1::Metric_IsValid(a.metric())) return InvalidField(absl::StrCat(at, ".metric"), "unknown");
    if (!v1::Scope_IsValid(a.scope())) return InvalidField(absl::StrCat(at, ".scope"), "unknown");
    if (a.scope() == v1::SCOPE_TEAM && c.teams().names_size() == 0) {
      return InvalidField(absl::StrCat(at, ".scope"), "SCOPE_TEAM needs teams.names");
    }
    if (a.top_n() == 0 || a.top_n() > 10000) {
      return InvalidField(absl::StrCat(at, ".top_n"), "must be in [1, 10000]");
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
  for (int i = 0; i < p.titles_size(); ++i) {
    const std::string at = absl::StrCat("points.titles[", i, "]");
    if (p.titles(i).title().empty()) return InvalidField(absl::StrCat(at, ".title"), "required");
    if (auto s = CheckUtf8Field(p.titles(i).title(), absl::StrCat(at, ".title")); !s.ok()) return s;
    if (auto s = CheckRange(p.titles(i).min_balance(), 1, kMaxPointsTotal,
                            absl::StrCat(at, ".min_balance"));
        !s.ok()) {
      return s;
    }
  }
  if (p.has_elimination()) {
    const v1::PointsElimination& e = p.elimination();
    if (auto s = CheckPeriod(e.period(), "points.elimination.period"); !s.ok()) return s;
    if (e.lowest_n() == 0 && e.below_points() == 0) {
      return InvalidField("points.elimination", "set lowest_n or below_points");
    }
    // Period points go negative with deductions: so may the threshold.
    if (auto s = CheckRange(e.below_points(), -kMaxPointsTotal, kMaxPointsTotal,
                            "points.elimination.below_points");
        !s.ok()) {
      return s;
    }
    if (auto s = CheckRange(e.warn_before_seconds(), 0, 31 * 86400,
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
      {p.expiry().expire_after_days(), kMaxDurationDays, "points.expiry.expire_after_days"},
      {p.max_adjustment(), kMaxPointsTotal, "points.max_adjustment"},
      {p.decay().percent(), 100, "points.decay.percent"},
      {p.decay().period_days(), kMaxDurationDays, "points.decay.period_days"},
  };
  for (const auto& [value, max, path] : bounded) {
    if (auto s = CheckRange(value, 0, max, path); !s.ok()) return s;
  }
  return LiveBoards::ValidateConfig(c);
}

}  // namespace

absl::Status Points::ValidateConfig(const v1::CommunityConfig& config) {
  const v1::PointsConfig& p = config.points();
  if (auto s = ValidateRules(p); !s.ok()) return s;
  if (auto s = ValidateCheckInsAndTasks(p); !s.ok()) return s;
  if (auto s = ValidateAwards(config); !s.ok()) return s;
  return ValidateOthers(config);
}

Points::Points(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config),
      cfg_(config.points()),
      members_(members),
      calendar_(config),
      live_(config, members, calendar_) {
  for (const v1::PointRule& r : cfg_.rules()) kinds_.push_back(r.kind());
  std::sort(kinds_.begin(), kinds_.end());
  kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
  rules_by_kind_.resize(kinds_.size());
  for (int i = 0; i < cfg_.rules_size(); ++i) {
    rules_by_kind_[*KindIndex(cfg_.rules(i).kind())].push_back(i);
  }
  for (std::vector<int>& rules : rules_by_kind_) {
    std::sort(rules.begin(), rules.end(), [&](int a, int b) {
      return cfg_.rules(a).effective_from_ms() < cfg_.rules(b).effective_from_ms();
    });
  }
  ttl_ms_ = static_cast<int64_t>(cfg_.expiry().expire_after_days()) * kDayMs;
  max_adjustment_ = cfg_.max_adjustment() == 0 ? kDefaultMaxAdjustment : cfg_.max_adjustment();
  decay_percent_ = cfg_.decay().percent();
  decay_days_ = cfg_.decay().period_days() == 0 ? 30 : cfg_.decay().period_days();
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
    for (const std::string& id : e.activity_held().attendees()) {
      std::optional<MemberIndex> m = members_.Find(id);
      if (m.has_value() && members_.member(*m).active()) {
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
  return due;
}

void Points::RunDue(int64_t now, int64_t quiet_until, v1::Outcome& out) {
  live_.Roll(d_.ledger, now);
  SkipQuietPeriods(now, quiet_until);
  ExpireDue(now, out);
  DecayDue(now, out);
  while (!d_.task_closes.empty() && d_.task_closes.begin()->first <= now) {
    const uint32_t t = d_.task_closes.begin()->second;
    d_.task_closes.erase(d_.task_closes.begin());
    CloseTask(t, now, out);
  }
  while (!d_.poll_closes.empty() && d_.poll_closes.begin()->first <= now) {
    const uint32_t p = d_.poll_closes.begin()->second;
    ClosePoll(p, now, "", out);  // erases its own timer
  }
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    if (d_.review_due[a] != 0 && d_.review_due[a] <= now) RunReview(a, now, out);
    if (d_.award_due[a] != 0 && d_.award_due[a] <= now) RunAward(a, now, out);
  }
  if (d_.team_due != 0 && d_.team_due <= now) RunTeamContest(now, out);
  if (d_.elimination_warn != 0 && d_.elimination_warn <= now) RunEliminationWarning(now, out);
  if (d_.elimination_due != 0 && d_.elimination_due <= now) RunElimination(now, out);
}

// ---------------------------------------------------------------- snapshots

void Points::Save(v1::PointsState* state) const {
  const Ledger& ledger = d_.ledger;
  for (const Entry& en : ledger.entries()) {
    v1::LedgerEntry* out = state->add_ledger();
    out->set_member(members_.member(en.member).id);
    out->set_amount(en.amount);
    out->set_cause(ledger.Text(en.cause));
    out->set_reason(ledger.Text(en.reason));
    out->set_event_id(en.event_id);
    out->set_time_ms(en.time_ms);
    out->set_rule(en.rule);
  }
  // Counters sorted by (member, kind name); "" is the all-rules counter.
  std::vector<std::tuple<MemberIndex, absl::string_view, const Counter*>> counters;
  for (const auto& [key, c] : d_.counters) {
    const uint32_t kind = static_cast<uint32_t>(key);
    counters.emplace_back(static_cast<MemberIndex>(key >> 32),
                          kind == kAllRules ? absl::string_view() : kinds_[kind], &c);
  }
  std::sort(counters.begin(), counters.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  size_t next_counter = 0;
  const size_t n = std::max<size_t>(d_.members.size(),
                                    counters.empty() ? 0 : std::get<0>(counters.back()) + 1);
  for (MemberIndex m = 0; m < n; ++m) {
    const MemberState& s = PeekState(m);
    v1::MemberPointsState ms;
    ms.set_member(members_.member(m).id);
    for (int64_t day : s.check_in_days) ms.add_check_in_days(day);
    if (s.make_up_month >= 0) ms.set_make_up_month(s.make_up_month);
    ms.set_make_ups_used(s.make_ups_used);
    ms.set_tasks_on_time(s.on_time);
    ms.set_tasks_late(s.late);
    ms.set_tasks_missing(s.missing);
    ms.set_thesis_submitted(s.thesis);
    ms.set_graduation_announced(s.graduation_announced);
    ms.set_tasks_warned(s.tasks_warned);
    for (const std::string& t : s.titles) ms.add_titles(t);
    for (; next_counter < counters.size() && std::get<0>(counters[next_counter]) == m;
         ++next_counter) {
      const Counter& c = *std::get<2>(counters[next_counter]);
      v1::RuleCounterState* rc = ms.add_counters();
      rc->set_kind(std::string(std::get<1>(counters[next_counter])));
      rc->set_day(c.day);
      rc->set_day_points(c.day_points);
      rc->set_day_count(c.day_count);
      rc->set_last_amount(c.last_amount);
      rc->set_week(c.week);
      rc->set_week_points(c.week_points);
    }
    v1::MemberPointsState bare;
    bare.set_member(ms.member());
    if (SerializeAsBytes(ms) != SerializeAsBytes(bare)) *state->add_members() = std::move(ms);
  }
  for (const Task& t : d_.tasks) {
    v1::TaskState* ts = state->add_tasks();
    ts->set_task_id(t.id);
    ts->set_title(t.title);
    if (t.group != membership::kNoGroup) ts->set_group(members_.group(t.group).id);
    ts->set_assigned_ms(t.assigned_ms);
    ts->set_deadline_ms(t.deadline_ms);
    ts->set_is_thesis(t.thesis);
    ts->set_closed(t.closed);
    for (MemberIndex m : t.submitted) ts->add_submitted(members_.member(m).id);
  }
  for (const Poll& p : d_.polls) {
    v1::PollState* ps = state->add_polls();
    *ps->mutable_opening() = p.opening;
    ps->set_group(p.group);
    ps->set_closed(p.closed);
    for (const auto& [m, options] : p.ballots) {
      v1::Ballot* b = ps->add_ballots();
      b->set_member(members_.member(m).id);
      for (uint32_t o : options) b->add_options(o);
    }
    for (uint32_t t : p.tallies) ps->add_tallies(t);
  }
  for (const Lot& lot : d_.lots) {
    v1::ExpiryLot* l = state->add_expiry();
    l->set_expire_ms(lot.expire_ms);
    l->set_member(members_.member(lot.member).id);
    l->set_amount(lot.amount);
  }
  for (int64_t t : d_.award_due) state->add_award_due_ms(t);
  for (int64_t t : d_.review_due) state->add_review_due_ms(t);
  state->set_elimination_due_ms(d_.elimination_due);
  state->set_elimination_warn_ms(d_.elimination_warn);
  state->set_team_due_ms(d_.team_due);
  state->set_started_ms(d_.started_ms);
  state->set_decay_due_ms(d_.decay_due);
}

std::string Points::SerializeAsBytes(const google::protobuf::Message& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

absl::Status Points::Load(const v1::PointsState& state, int64_t now) {
  Data data;
  auto member = [&](absl::string_view id, absl::string_view at) -> absl::StatusOr<MemberIndex> {
    std::optional<MemberIndex> m = members_.Find(id);
    if (!m.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": unknown member '", id, "'"));
    }
    return *m;
  };
  int64_t previous = 0;
  for (int i = 0; i < state.ledger_size(); ++i) {
    const v1::LedgerEntry& en = state.ledger(i);
    const std::string at = absl::StrCat("points.ledger[", i, "]");
    absl::StatusOr<MemberIndex> m = member(en.member(), absl::StrCat(at, ".member"));
    if (!m.ok()) return m.status();
    if (en.time_ms() < previous) return InvalidField(absl::StrCat(at, ".time_ms"), "out of order");
    if (!data.ledger.CanPost(*m, en.amount())) {
      return InvalidField(absl::StrCat(at, ".amount"), "balance overflows");
    }
    previous = en.time_ms();
    data.ledger.Post(*m, en.amount(), en.cause(), en.reason(), en.event_id(), en.time_ms(),
                     en.rule());
  }
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberPointsState& ms = state.members(i);
    const std::string at = absl::StrCat("points.members[", i, "]");
    absl::StatusOr<MemberIndex> m = member(ms.member(), absl::StrCat(at, ".member"));
    if (!m.ok()) return m.status();
    if (*m >= data.members.size()) data.members.resize(*m + 1);
    MemberState& s = data.members[*m];
    s.check_in_days.assign(ms.check_in_days().begin(), ms.check_in_days().end());
    if (!std::is_sorted(s.check_in_days.begin(), s.check_in_days.end()) ||
        std::adjacent_find(s.check_in_days.begin(), s.check_in_days.end()) !=
            s.check_in_days.end()) {
      return InvalidField(absl::StrCat(at, ".check_in_days"), "not strictly ascending");
    }
    s.make_up_month = ms.make_ups_used() > 0 || ms.make_up_month() != 0 ? ms.make_up_month() : -1;
    s.make_ups_used = ms.make_ups_used();
    s.on_time = ms.tasks_on_time();
    s.late = ms.tasks_late();
    s.missing = ms.tasks_missing();
    s.thesis = ms.thesis_submitted();
    s.graduation_announced = ms.graduation_announced();
    s.tasks_warned = ms.tasks_warned();
    s.titles.assign(ms.titles().begin(), ms.titles().end());
    std::sort(s.titles.begin(), s.titles.end());
    for (const v1::RuleCounterState& rc : ms.counters()) {
      uint32_t kind = kAllRules;
      if (!rc.kind().empty()) {
        std::optional<uint32_t> k = KindIndex(rc.kind());
        if (!k.has_value()) continue;  // the rule was dropped by a config change
        kind = *k;
      }
      Counter& c = data.counters[(uint64_t{*m} << 32) | kind];
      c.day = rc.day();
      c.day_points = rc.day_points();
      c.day_count = rc.day_count();
      c.last_amount = rc.last_amount();
      c.week = rc.week();
      c.week_points = rc.week_points();
    }
  }
  for (int i = 0; i < state.tasks_size(); ++i) {
    const v1::TaskState& ts = state.tasks(i);
    const std::string at = absl::StrCat("points.tasks[", i, "]");
    if (ts.task_id().empty() || data.task_ids.contains(ts.task_id())) {
      return InvalidField(absl::StrCat(at, ".task_id"), "empty or duplicate");
    }
    Task& t = data.tasks.emplace_back();
    t.id = ts.task_id();
    t.title = ts.title();
    if (!ts.group().empty()) {
      std::optional<int32_t> g = members_.FindGroup(ts.group());
      if (!g.has_value()) return InvalidField(absl::StrCat(at, ".group"), "unknown group");
      t.group = *g;
    }
    t.assigned_ms = ts.assigned_ms();
    t.deadline_ms = ts.deadline_ms();
    t.thesis = ts.is_thesis();
    t.closed = ts.closed();
    for (const std::string& id : ts.submitted()) {
      absl::StatusOr<MemberIndex> m = member(id, absl::StrCat(at, ".submitted"));
      if (!m.ok()) return m.status();
      if (!t.submitted_set.insert(*m).second) {
        return InvalidField(absl::StrCat(at, ".submitted"), "duplicate member");
      }
      t.submitted.push_back(*m);
    }
    const uint32_t index = static_cast<uint32_t>(i);
    data.task_ids[t.id] = index;
    if (!t.closed) {
      data.task_closes.insert({t.deadline_ms + cfg_.tasks().late_window_seconds() * 1000, index});
    }
  }
  for (int i = 0; i < state.polls_size(); ++i) {
    const v1::PollState& ps = state.polls(i);
    const std::string at = absl::StrCat("points.polls[", i, "]");
    const std::string& id = ps.opening().poll_id();
    if (id.empty() || data.poll_ids.contains(id)) {
      return InvalidField(absl::StrCat(at, ".opening.poll_id"), "empty or duplicate");
    }
    if (ps.tallies_size() != ps.opening().options_size()) {
      return InvalidField(absl::StrCat(at, ".tallies"), "one per option required");
    }
    Poll& p = data.polls.emplace_back();
    p.opening = ps.opening();
    p.group = ps.group();
    p.closed = ps.closed();
    for (const v1::Ballot& b : ps.ballots()) {
      absl::StatusOr<MemberIndex> m = member(b.member(), absl::StrCat(at, ".ballots"));
      if (!m.ok()) return m.status();
      if (!p.voters.insert(*m).second) {
        return InvalidField(absl::StrCat(at, ".ballots"), "duplicate voter");
      }
      p.ballots.emplace_back(*m, std::vector<uint32_t>(b.options().begin(), b.options().end()));
    }
    p.tallies.assign(ps.tallies().begin(), ps.tallies().end());
    data.poll_ids[id] = static_cast<uint32_t>(i);
    if (!p.closed && p.opening.closes_ms() != 0) {
      data.poll_closes.insert({p.opening.closes_ms(), static_cast<uint32_t>(i)});
    }
  }
  for (int i = 0; i < state.expiry_size(); ++i) {
    const v1::ExpiryLot& l = state.expiry(i);
    absl::StatusOr<MemberIndex> m =
        member(l.member(), absl::StrCat("points.expiry[", i, "].member"));
    if (!m.ok()) return m.status();
    if (!data.lots.empty() && l.expire_ms() < data.lots.back().expire_ms) {
      return InvalidField(absl::StrCat("points.expiry[", i, "].expire_ms"), "out of order");
    }
    data.lots.push_back({l.expire_ms(), *m, l.amount()});
  }
  data.started_ms = state.started_ms();
  data.award_due.assign(cfg_.awards_size(), 0);
  data.review_due.assign(cfg_.awards_size(), 0);
  // Awards match by position; a config change that adds awards starts them
  // with the period in progress at the next event.
  const bool same_awards = state.award_due_ms_size() == cfg_.awards_size() &&
                           state.review_due_ms_size() == cfg_.awards_size();
  if (same_awards) {
    data.award_due.assign(state.award_due_ms().begin(), state.award_due_ms().end());
    data.review_due.assign(state.review_due_ms().begin(), state.review_due_ms().end());
  } else {
    data.started_ms = 0;
  }
  data.elimination_due = cfg_.has_elimination() ? state.elimination_due_ms() : 0;
  data.elimination_warn = cfg_.has_elimination() ? state.elimination_warn_ms() : 0;
  data.team_due = cfg_.has_team_contest() ? state.team_due_ms() : 0;
  // A config change that turns decay on starts it at the next event.
  data.decay_due = decay_percent_ > 0 ? state.decay_due_ms() : 0;
  d_ = std::move(data);
  live_.Rebuild(d_.ledger, std::max(now, d_.ledger.last_time_ms()));
  return absl::OkStatus();
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
