// Snapshots of the points part: Save and Load of v1::PointsState.
#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "points/points.h"
#include "shequn/limits.h"

namespace shequn::points {
namespace {

std::string SerializeAsBytes(const google::protobuf::Message& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

absl::StatusOr<MemberIndex> FindMember(const membership::Membership& members,
                                       absl::string_view id, absl::string_view at) {
  std::optional<MemberIndex> m = members.Find(id);
  if (!m.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(at, ": unknown member '", id, "'"));
  }
  return *m;
}

}  // namespace

void Points::Save(v1::PointsState* state) const {
  SaveLedger(state);
  SaveMembers(state);
  SaveTasks(state);
  SavePolls(state);
  SaveTimers(state);
}

void Points::SaveLedger(v1::PointsState* state) const {
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
}

// Members with nothing but their id are left out.
void Points::SaveMembers(v1::PointsState* state) const {
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
    v1::MemberPointsState ms = SaveMember(m);
    for (; next_counter < counters.size() && std::get<0>(counters[next_counter]) == m;
         ++next_counter) {
      SaveCounter(std::get<1>(counters[next_counter]), *std::get<2>(counters[next_counter]),
                  ms.add_counters());
    }
    v1::MemberPointsState bare;
    bare.set_member(ms.member());
    if (SerializeAsBytes(ms) != SerializeAsBytes(bare)) *state->add_members() = std::move(ms);
  }
}

v1::MemberPointsState Points::SaveMember(MemberIndex m) const {
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
  return ms;
}

void Points::SaveCounter(absl::string_view kind, const Counter& c, v1::RuleCounterState* rc) {
  rc->set_kind(std::string(kind));
  rc->set_day(c.day);
  rc->set_day_points(c.day_points);
  rc->set_day_count(c.day_count);
  rc->set_last_amount(c.last_amount);
  rc->set_week(c.week);
  rc->set_week_points(c.week_points);
}

void Points::SaveTasks(v1::PointsState* state) const {
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
}

void Points::SavePolls(v1::PointsState* state) const {
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
}

// The expiry lots and every period timer.
void Points::SaveTimers(v1::PointsState* state) const {
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

absl::Status Points::Load(const v1::PointsState& state, int64_t now) {
  Data data;
  if (auto s = LoadLedger(state, data.ledger); !s.ok()) return s;
  if (auto s = LoadMembers(state, data); !s.ok()) return s;
  if (auto s = LoadTasks(state, data); !s.ok()) return s;
  if (auto s = LoadPolls(state, data); !s.ok()) return s;
  if (auto s = LoadExpiry(state, data.lots); !s.ok()) return s;
  LoadTimers(state, data);
  d_ = std::move(data);
  for (MemberIndex m = 0; m < d_.members.size(); ++m) ArmStreakBreak(m);
  for (MemberIndex m = 0; m < members_.member_count(); ++m) {
    if (d_.ledger.Balance(m) > 0) d_.positive.insert(m);
  }
  live_.Rebuild(d_.ledger, std::max(now, d_.ledger.last_time_ms()));
  return absl::OkStatus();
}

absl::Status Points::LoadLedger(const v1::PointsState& state, Ledger& ledger) const {
  int64_t previous = 0;
  for (int i = 0; i < state.ledger_size(); ++i) {
    const v1::LedgerEntry& en = state.ledger(i);
    const std::string at = absl::StrCat("points.ledger[", i, "]");
    absl::StatusOr<MemberIndex> m = FindMember(members_, en.member(), absl::StrCat(at, ".member"));
    if (!m.ok()) return m.status();
    if (en.time_ms() < previous) return InvalidField(absl::StrCat(at, ".time_ms"), "out of order");
    if (!ledger.CanPost(*m, en.amount())) {
      return InvalidField(absl::StrCat(at, ".amount"), "balance overflows");
    }
    previous = en.time_ms();
    ledger.Post(*m, en.amount(), en.cause(), en.reason(), en.event_id(), en.time_ms(), en.rule());
  }
  return absl::OkStatus();
}

absl::Status Points::LoadMembers(const v1::PointsState& state, Data& data) const {
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberPointsState& ms = state.members(i);
    const std::string at = absl::StrCat("points.members[", i, "]");
    absl::StatusOr<MemberIndex> m = FindMember(members_, ms.member(), absl::StrCat(at, ".member"));
    if (!m.ok()) return m.status();
    if (*m >= data.members.size()) data.members.resize(*m + 1);
    if (auto s = LoadMember(ms, at, data.members[*m]); !s.ok()) return s;
    LoadCounters(ms, *m, data.counters);
  }
  return absl::OkStatus();
}

absl::Status Points::LoadMember(const v1::MemberPointsState& ms, absl::string_view at,
                                MemberState& s) {
  s.check_in_days.assign(ms.check_in_days().begin(), ms.check_in_days().end());
  if (!std::is_sorted(s.check_in_days.begin(), s.check_in_days.end()) ||
      std::adjacent_find(s.check_in_days.begin(), s.check_in_days.end()) !=
          s.check_in_days.end()) {
    return InvalidField(absl::StrCat(at, ".check_in_days"), "not strictly ascending");
  }
  // A streak's end is computed from the last day (ArmStreakBreak): keep it
  // to days that valid times fall on.
  constexpr int64_t kLastDay = limits::kMaxTimeMs / 86'400'000 + 1;
  if (!s.check_in_days.empty() &&
      (s.check_in_days.front() < -1 || s.check_in_days.back() > kLastDay)) {
    return InvalidField(absl::StrCat(at, ".check_in_days"),
                        absl::StrCat("a day outside [-1, ", kLastDay, "]"));
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
  return absl::OkStatus();
}

void Points::LoadCounters(const v1::MemberPointsState& ms, MemberIndex m,
                          absl::flat_hash_map<uint64_t, Counter>& counters) const {
  for (const v1::RuleCounterState& rc : ms.counters()) {
    uint32_t kind = kAllRules;
    if (!rc.kind().empty()) {
      std::optional<uint32_t> k = KindIndex(rc.kind());
      if (!k.has_value()) continue;  // the rule was dropped by a config change
      kind = *k;
    }
    Counter& c = counters[(uint64_t{m} << 32) | kind];
    c.day = rc.day();
    c.day_points = rc.day_points();
    c.day_count = rc.day_count();
    c.last_amount = rc.last_amount();
    c.week = rc.week();
    c.week_points = rc.week_points();
  }
}

absl::Status Points::LoadTasks(const v1::PointsState& state, Data& data) const {
  for (int i = 0; i < state.tasks_size(); ++i) {
    const v1::TaskState& ts = state.tasks(i);
    const std::string at = absl::StrCat("points.tasks[", i, "]");
    if (ts.task_id().empty() || data.task_ids.contains(ts.task_id())) {
      return InvalidField(absl::StrCat(at, ".task_id"), "empty or duplicate");
    }
    Task& t = data.tasks.emplace_back();
    if (auto s = LoadTask(ts, at, t); !s.ok()) return s;
    const uint32_t index = static_cast<uint32_t>(i);
    data.task_ids[t.id] = index;
    if (!t.closed) {
      data.task_closes.insert({t.deadline_ms + cfg_.tasks().late_window_seconds() * 1000, index});
    }
  }
  return absl::OkStatus();
}

absl::Status Points::LoadTask(const v1::TaskState& ts, absl::string_view at, Task& t) const {
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
    absl::StatusOr<MemberIndex> m = FindMember(members_, id, absl::StrCat(at, ".submitted"));
    if (!m.ok()) return m.status();
    if (!t.submitted_set.insert(*m).second) {
      return InvalidField(absl::StrCat(at, ".submitted"), "duplicate member");
    }
    t.submitted.push_back(*m);
  }
  return absl::OkStatus();
}

absl::Status Points::LoadPolls(const v1::PointsState& state, Data& data) const {
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
    if (auto s = LoadPoll(ps, at, p); !s.ok()) return s;
    data.poll_ids[id] = static_cast<uint32_t>(i);
    if (!p.closed && p.opening.closes_ms() != 0) {
      data.poll_closes.insert({p.opening.closes_ms(), static_cast<uint32_t>(i)});
    }
  }
  return absl::OkStatus();
}

absl::Status Points::LoadPoll(const v1::PollState& ps, absl::string_view at, Poll& p) const {
  p.opening = ps.opening();
  p.group = ps.group();
  p.closed = ps.closed();
  for (const v1::Ballot& b : ps.ballots()) {
    absl::StatusOr<MemberIndex> m = FindMember(members_, b.member(), absl::StrCat(at, ".ballots"));
    if (!m.ok()) return m.status();
    if (!p.voters.insert(*m).second) {
      return InvalidField(absl::StrCat(at, ".ballots"), "duplicate voter");
    }
    p.ballots.emplace_back(*m, std::vector<uint32_t>(b.options().begin(), b.options().end()));
  }
  p.tallies.assign(ps.tallies().begin(), ps.tallies().end());
  return absl::OkStatus();
}

absl::Status Points::LoadExpiry(const v1::PointsState& state, std::deque<Lot>& lots) const {
  for (int i = 0; i < state.expiry_size(); ++i) {
    const v1::ExpiryLot& l = state.expiry(i);
    absl::StatusOr<MemberIndex> m =
        FindMember(members_, l.member(), absl::StrCat("points.expiry[", i, "].member"));
    if (!m.ok()) return m.status();
    if (!lots.empty() && l.expire_ms() < lots.back().expire_ms) {
      return InvalidField(absl::StrCat("points.expiry[", i, "].expire_ms"), "out of order");
    }
    lots.push_back({l.expire_ms(), *m, l.amount()});
  }
  return absl::OkStatus();
}

// Period timers kept only while the config still has what they time.
void Points::LoadTimers(const v1::PointsState& state, Data& data) const {
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
}

}  // namespace shequn::points
