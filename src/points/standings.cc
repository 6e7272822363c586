// Boards over the ledger, periodic awards, team contests and
// points elimination (积分淘汰).
//
// Board order (stated in include/shequn/engine.h): score, highest first;
// then whoever reached that score in the period first (the time of their
// last ledger entry in the period; members without entries reached 0 at the
// period start); then the member who appeared in the community first.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "points/points.h"

namespace shequn::points {
namespace {

bool Ahead(int64_t score_a, int64_t reached_a, uint32_t member_a, int64_t score_b,
           int64_t reached_b, uint32_t member_b) {
  if (score_a != score_b) return score_a > score_b;
  if (reached_a != reached_b) return reached_a < reached_b;
  return member_a < member_b;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

}  // namespace

// THE LEADERBOARD SEAM. Scores come straight from the ledger entries in the
// window, so a board is always consistent with the ledger. The period in
// progress is served by the live boards (live_boards.h), and so are the
// awards and reviews whose boards are live (AwardHeads); past periods, team
// contests, eliminations and awards without a live board still come from
// here, at O(members + E_w) a board.
template <typename InScope>
std::vector<Points::Standing> Points::Board(Window w, v1::Metric metric, InScope in_scope,
                                            size_t upto) const {
  const std::vector<Entry>& entries = d_.ledger.entries();
  const size_t end = std::min(upto, entries.size());
  std::vector<Standing> acc(members_.member_count());
  for (MemberIndex m = 0; m < acc.size(); ++m) acc[m] = {m, 0, w.start_ms};
  for (size_t i = d_.ledger.FirstAt(w.start_ms); i < end && entries[i].time_ms < w.end_ms;
       ++i) {
    const Entry& en = entries[i];
    if (metric == v1::METRIC_ACTIVITY) {
      if (!en.rule || en.amount <= 0) continue;
      acc[en.member].score += 1;
    } else {
      acc[en.member].score = SaturatingAdd(acc[en.member].score, en.amount);
    }
    acc[en.member].reached_ms = en.time_ms;
  }
  std::vector<Standing> board;
  for (const Standing& s : acc) {
    if (members_.member(s.member).active() && in_scope(members_.member(s.member))) {
      board.push_back(s);
    }
  }
  std::sort(board.begin(), board.end(), [](const Standing& a, const Standing& b) {
    return Ahead(a.score, a.reached_ms, a.member, b.score, b.reached_ms, b.member);
  });
  return board;
}

absl::StatusOr<std::vector<Points::Standing>> Points::BoardFor(const v1::BoardQuery& q,
                                                               int64_t now,
                                                               Window* w) const {
  if (!v1::Period_IsValid(q.period())) return absl::InvalidArgumentError("period: unknown");
  if (!v1::Metric_IsValid(q.metric())) return absl::InvalidArgumentError("metric: unknown");
  if (q.at_ms() < 0) return absl::InvalidArgumentError("at_ms: must not be negative");
  *w = calendar_.PeriodOf(q.period(), q.at_ms() == 0 ? now : q.at_ms());
  switch (q.scope()) {
    case v1::SCOPE_UNSPECIFIED:
    case v1::SCOPE_COMMUNITY:
      return Board(*w, q.metric(), [&](const membership::Member& m) { return Ranked(m); });
    case v1::SCOPE_GROUP: {
      std::optional<int32_t> g = members_.FindGroup(q.group());
      if (!g.has_value()) {
        return absl::NotFoundError(absl::StrCat("group: unknown group '", q.group(), "'"));
      }
      return Board(*w, q.metric(),
                   [&](const membership::Member& m) { return Ranked(m) && m.group == *g; });
    }
    case v1::SCOPE_TEAM: {
      const auto& names = config_.teams().names();
      auto it = std::find(names.begin(), names.end(), q.team());
      if (it == names.end()) {
        return absl::NotFoundError(absl::StrCat("team: unknown team '", q.team(), "'"));
      }
      const int32_t t = static_cast<int32_t>(it - names.begin());
      return Board(*w, q.metric(),
                   [&](const membership::Member& m) { return Ranked(m) && m.team == t; });
    }
    default:
      return absl::InvalidArgumentError("scope: unknown");
  }
}

absl::StatusOr<const LiveBoards::Board*> Points::LiveFor(const v1::BoardQuery& q, int64_t now,
                                                         Window* w) const {
  if (!v1::Period_IsValid(q.period())) return absl::InvalidArgumentError("period: unknown");
  if (!v1::Metric_IsValid(q.metric())) return absl::InvalidArgumentError("metric: unknown");
  if (q.at_ms() < 0) return absl::InvalidArgumentError("at_ms: must not be negative");
  *w = calendar_.PeriodOf(q.period(), q.at_ms() == 0 ? now : q.at_ms());
  int32_t instance = 0;
  switch (q.scope()) {
    case v1::SCOPE_UNSPECIFIED:
    case v1::SCOPE_COMMUNITY:
      break;
    case v1::SCOPE_GROUP: {
      std::optional<int32_t> g = members_.FindGroup(q.group());
      if (!g.has_value()) {
        return absl::NotFoundError(absl::StrCat("group: unknown group '", q.group(), "'"));
      }
      instance = *g;
      break;
    }
    case v1::SCOPE_TEAM: {
      const auto& names = config_.teams().names();
      auto it = std::find(names.begin(), names.end(), q.team());
      if (it == names.end()) {
        return absl::NotFoundError(absl::StrCat("team: unknown team '", q.team(), "'"));
      }
      instance = static_cast<int32_t>(it - names.begin());
      break;
    }
    default:
      return absl::InvalidArgumentError("scope: unknown");
  }
  return live_.Find(q.period(), q.metric(), q.scope(), instance, *w);
}

// Timers count periods from the first event the part sees.
void Points::StartTimers(int64_t now) {
  if (decay_percent_ > 0 && d_.decay_due == 0) {
    d_.decay_due = calendar_.DayStartMs(calendar_.Day(now) + decay_days_);
  }
  if (d_.started_ms != 0) return;
  d_.started_ms = std::max<int64_t>(now, 1);
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    const v1::AwardConfig& award = cfg_.awards(a);
    d_.award_due[a] = calendar_.PeriodOf(award.period(), now).end_ms;
    if (award.review_at_half_month()) d_.review_due[a] = ReviewAfter(now);
  }
  if (cfg_.has_team_contest()) {
    d_.team_due = calendar_.PeriodOf(cfg_.team_contest().period(), now).end_ms;
  }
  if (cfg_.has_elimination()) {
    d_.elimination_due = calendar_.PeriodOf(cfg_.elimination().period(), now).end_ms;
    const int64_t warn = cfg_.elimination().warn_before_seconds() * 1000;
    d_.elimination_warn = warn > 0 ? std::max(now, d_.elimination_due - warn) : 0;
  }
}

int64_t Points::ReviewAfter(int64_t ms) const {
  const Window half = calendar_.PeriodOf(v1::PERIOD_HALF_MONTH, ms);
  const Window month = calendar_.PeriodOf(v1::PERIOD_MONTH, ms);
  return half.end_ms < month.end_ms
             ? half.end_ms
             : calendar_.PeriodOf(v1::PERIOD_HALF_MONTH, month.end_ms).end_ms;
}

int64_t Points::DecayAfter(int64_t ms) const {
  int64_t day = calendar_.Day(d_.decay_due);
  const int64_t first = calendar_.Day(ms) + 1;  // the first day starting after ms
  if (day < first) day += (first - day + decay_days_ - 1) / decay_days_ * decay_days_;
  return calendar_.DayStartMs(day);
}

bool Points::EntriesSince(int64_t ms) const {
  return d_.ledger.FirstAt(ms) < d_.ledger.entries().size();
}

bool Points::DecayTakesNothing() const {
  for (MemberIndex m : d_.positive) {
    const int64_t balance = d_.ledger.Balance(m);
    if (balance / 100 * decay_percent_ + balance % 100 * decay_percent_ / 100 > 0) return false;
  }
  return true;
}

bool Points::EliminationIdle(Window w) const {
  const v1::PointsElimination& e = cfg_.elimination();
  // Without entries every score is 0: only lowest_n or a positive bar removes.
  if (e.lowest_n() == 0 && e.below_points() <= 0 && !EntriesSince(w.start_ms)) return true;
  for (MemberIndex m = 0; m < members_.member_count(); ++m) {
    const membership::Member& member = members_.member(m);
    if (member.active() && member.role == v1::ROLE_MEMBER) return false;
  }
  return true;
}

// A period end over a period without ledger entries awards, reviews and
// wins nothing; an elimination with nobody to remove and a decay that takes
// nothing change nothing either. Until the first timer that does act (or
// quiet_until) every such period end is skipped in one step, so a long gap
// costs the periods with activity, the way segments skips stale daily checks.
void Points::SkipQuietPeriods(int64_t now, int64_t quiet_until) {
  const auto due_now = [now](int64_t t) { return t != 0 && t <= now; };
  bool any_due = due_now(d_.team_due) || due_now(d_.elimination_due) ||
                 due_now(d_.elimination_warn) || due_now(d_.decay_due);
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    any_due = any_due || due_now(d_.award_due[a]) || due_now(d_.review_due[a]);
  }
  if (!any_due) return;

  int64_t horizon = quiet_until;
  const auto acts_at = [&horizon](int64_t t) {
    if (t != 0) horizon = std::min(horizon, t);
  };
  if (!d_.lots.empty()) acts_at(d_.lots.front().expire_ms);
  if (!d_.task_closes.empty()) acts_at(d_.task_closes.begin()->first);
  if (!d_.poll_closes.empty()) acts_at(d_.poll_closes.begin()->first);
  const auto idle = [this](v1::Period p, int64_t due) {
    return due != 0 && !EntriesSince(calendar_.PeriodOf(p, due - 1).start_ms);
  };
  std::vector<bool> award_idle(cfg_.awards_size()), review_idle(cfg_.awards_size());
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    // A period nobody scored in still revokes titles held while placed.
    award_idle[a] = idle(cfg_.awards(a).period(), d_.award_due[a]) && !AwardTitleHeld(a);
    review_idle[a] = idle(v1::PERIOD_MONTH, d_.review_due[a]);
    if (!award_idle[a]) acts_at(d_.award_due[a]);
    if (!review_idle[a]) acts_at(d_.review_due[a]);
  }
  const bool team_idle = cfg_.has_team_contest() && idle(cfg_.team_contest().period(), d_.team_due);
  if (!team_idle) acts_at(d_.team_due);
  const v1::PointsElimination& e = cfg_.elimination();
  const bool elimination_idle =
      d_.elimination_due != 0 &&
      EliminationIdle(calendar_.PeriodOf(e.period(), d_.elimination_due - 1));
  if (!elimination_idle) {
    acts_at(d_.elimination_warn);
    acts_at(d_.elimination_due);
  }
  const bool decay_idle = d_.decay_due != 0 && DecayTakesNothing();
  if (!decay_idle) acts_at(d_.decay_due);
  if (horizon <= now) return;

  // Each skipped timer stands at its first period end after the horizon.
  for (int a = 0; a < cfg_.awards_size(); ++a) {
    if (award_idle[a] && d_.award_due[a] <= horizon) {
      d_.award_due[a] = calendar_.PeriodOf(cfg_.awards(a).period(), horizon).end_ms;
    }
    if (review_idle[a] && d_.review_due[a] <= horizon) d_.review_due[a] = ReviewAfter(horizon);
  }
  if (team_idle && d_.team_due <= horizon) {
    d_.team_due = calendar_.PeriodOf(cfg_.team_contest().period(), horizon).end_ms;
  }
  if (elimination_idle && d_.elimination_due <= horizon) {
    d_.elimination_due = calendar_.PeriodOf(e.period(), horizon).end_ms;
    // A warning due by the horizon would have run, warning nobody.
    const int64_t warn = d_.elimination_due - e.warn_before_seconds() * 1000;
    d_.elimination_warn = e.warn_before_seconds() > 0 && warn > horizon ? warn : 0;
  }
  if (decay_idle && d_.decay_due <= horizon) d_.decay_due = DecayAfter(horizon);
}

std::vector<Points::Standing> Points::HeadOf(const LiveBoards::Board* b, size_t n, bool ties) {
  std::vector<Standing> head;
  if (b == nullptr || n == 0) return head;
  // With ties, fetch twice as many until the run tied with the n-th ends.
  for (size_t k = n;; k *= 2) {
    const std::vector<shequn::Leaderboard::Entry> top = b->board().Top(k);
    head.clear();
    for (const shequn::Leaderboard::Entry& e : top) {
      if (e.score <= 0) break;
      head.push_back({b->MemberOf(e.member), e.score, 0});
    }
    if (!ties || head.size() < k || head.back().score != head[n - 1].score) return head;
  }
}

std::optional<Points::Heads> Points::AwardHeads(int a, int64_t now) const {
  const v1::AwardConfig& award = cfg_.awards(a);
  const int64_t due = d_.award_due[a];
  if (due == 0 || due > now) return std::nullopt;
  const Window w = calendar_.PeriodOf(award.period(), due - 1);
  v1::Scope scope = award.scope();
  size_t boards = 1;
  if (scope == v1::SCOPE_GROUP) {
    boards = members_.group_count();
  } else if (scope == v1::SCOPE_TEAM) {
    boards = config_.teams().names_size();
  } else {
    scope = v1::SCOPE_COMMUNITY;
  }
  if (!live_.Covers(award.period(), award.metric(), scope, w)) return std::nullopt;
  Heads heads(boards);
  for (size_t i = 0; i < boards; ++i) {
    heads[i] = HeadOf(live_.Find(award.period(), award.metric(), scope,
                                 static_cast<int32_t>(i), w),
                      award.top_n(), award.include_ties());
  }
  return heads;
}

std::optional<Points::Heads> Points::ReviewHeads(int a, int64_t now) const {
  const v1::AwardConfig& award = cfg_.awards(a);
  const int64_t due = d_.review_due[a];
  if (due == 0 || due > now || d_.ledger.last_time_ms() >= due) return std::nullopt;
  // The month's board up to the review is the live month board: nothing
  // is dated at or after the review yet.
  const Window month = calendar_.PeriodOf(v1::PERIOD_MONTH, due - 1);
  if (!live_.Covers(v1::PERIOD_MONTH, award.metric(), v1::SCOPE_COMMUNITY, month)) {
    return std::nullopt;
  }
  return Heads{HeadOf(live_.Find(v1::PERIOD_MONTH, award.metric(), v1::SCOPE_COMMUNITY, 0, month),
                      award.top_n(), false)};
}

void Points::RunAward(int a, size_t cut, const Heads* live, v1::Outcome& out) {
  const v1::AwardConfig& award = cfg_.awards(a);
  const int64_t due = d_.award_due[a];
  const Window w = calendar_.PeriodOf(award.period(), due - 1);
  d_.award_due[a] = calendar_.PeriodOf(award.period(), due).end_ms;
  const std::string rule = absl::StrCat("points.awards[", a, "]");
  std::vector<std::pair<MemberIndex, uint32_t>> placed;  // (member, place from 1)
  auto award_board = [&](const std::vector<Standing>& board, absl::string_view group) {
    // Winners: the top N with a positive score, and with include_ties
    // everyone tied with the N-th.
    size_t n = 0;
    while (n < board.size() && board[n].score > 0 &&
           (n < award.top_n() ||
            (award.include_ties() && board[n].score == board[award.top_n() - 1].score))) {
      ++n;
    }
    if (n == 0) return;
    v1::Action& ann = AddAction(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, rule, "");
    ann.set_reason("award");
    ann.set_group(std::string(group));
    ann.set_text(absl::StrCat(award.name(), " ", Calendar::FormatDay(calendar_.Day(w.start_ms)),
                              " – ", Calendar::FormatDay(calendar_.Day(w.end_ms - 1))));
    for (size_t i = 0; i < n; ++i) ann.add_members(members_.member(board[i].member).id);
    for (size_t i = 0; i < n; ++i) {
      // Tied winners share a place when ties are included ("1224" ranking).
      size_t place = i;
      if (award.include_ties()) {
        while (place > 0 && board[place - 1].score == board[i].score) --place;
      }
      const MemberIndex m = board[i].member;
      if (award.points_by_place_size() > 0) {
        const int last = award.points_by_place_size() - 1;
        const int64_t points = award.points_by_place(std::min<int>(place, last));
        Credit(m, points, rule, award.name(), "", w.end_ms - 1, false, out);
      }
      if (!award.title().empty()) GrantTitle(m, award.title(), rule, out);
      placed.emplace_back(m, static_cast<uint32_t>(place) + 1);
      GrantAwardTitles(a, m, static_cast<uint32_t>(place) + 1, out);
      if (!award.prize().empty()) {
        v1::Action& prize = AddAction(out, v1::ACTION_KIND_GIVE_PRIZE, rule,
                                      members_.member(m).id);
        prize.set_text(award.prize());
        prize.set_amount_cents(award.prize_cents());
        prize.set_amount(static_cast<int64_t>(place) + 1);
        prize.set_group(GroupOf(m));
      }
    }
  };
  switch (award.scope()) {
    case v1::SCOPE_GROUP:
      for (int32_t g = 0; g < static_cast<int32_t>(members_.group_count()); ++g) {
        award_board(live != nullptr ? (*live)[g]
                                    : Board(
                                          w, award.metric(),
                                          [&](const membership::Member& m) {
                                            return Ranked(m) && m.group == g;
                                          },
                                          cut),
                    members_.group(g).id);
      }
      break;
    case v1::SCOPE_TEAM:
      for (int32_t t = 0; t < config_.teams().names_size(); ++t) {
        award_board(live != nullptr ? (*live)[t]
                                    : Board(
                                          w, award.metric(),
                                          [&](const membership::Member& m) {
                                            return Ranked(m) && m.team == t;
                                          },
                                          cut),
                    "");
      }
      break;
    default:
      award_board(live != nullptr ? (*live)[0]
                                  : Board(
                                        w, award.metric(),
                                        [&](const membership::Member& m) { return Ranked(m); },
                                        cut),
                  "");
  }
  RevokeAwardTitles(a, placed, out);
}

// The half-month review: the month's standings so far, announced, not awarded.
void Points::RunReview(int a, size_t cut, const Heads* live, v1::Outcome& out) {
  const v1::AwardConfig& award = cfg_.awards(a);
  const int64_t due = d_.review_due[a];
  const Window month = calendar_.PeriodOf(v1::PERIOD_MONTH, due - 1);
  d_.review_due[a] = calendar_.PeriodOf(v1::PERIOD_HALF_MONTH, month.end_ms).end_ms;
  const std::vector<Standing> board =
      live != nullptr ? (*live)[0]
                      : Board({month.start_ms, due}, award.metric(),
                              [&](const membership::Member& m) { return Ranked(m); }, cut);
  // As an award with no winner, a review with nobody ahead is not announced.
  if (board.empty() || board[0].score <= 0) return;
  v1::Action& ann =
      AddAction(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, absl::StrCat("points.awards[", a, "]"), "");
  ann.set_reason("award_review");
  ann.set_text(absl::StrCat(award.name(), " review at ",
                            Calendar::FormatDay(calendar_.Day(due))));
  for (size_t i = 0; i < board.size() && i < award.top_n() && board[i].score > 0; ++i) {
    ann.add_members(members_.member(board[i].member).id);
  }
}

std::vector<int64_t> Points::TeamTotals(Window w, size_t cut) const {
  std::vector<int64_t> totals(config_.teams().names_size(), 0);
  for (const Standing& s :
       Board(w, v1::METRIC_POINTS,
             [&](const membership::Member& m) { return Ranked(m) && m.team >= 0; }, cut)) {
    int64_t& t = totals[members_.member(s.member).team];
    t = SaturatingAdd(t, s.score);
  }
  return totals;
}

// The team with the most period points wins; a tie goes to the team listed
// first in teams.names. No team with positive points: no winner.
void Points::RunTeamContest(size_t cut, v1::Outcome& out) {
  const v1::TeamContest& tc = cfg_.team_contest();
  const int64_t due = d_.team_due;
  const Window w = calendar_.PeriodOf(tc.period(), due - 1);
  d_.team_due = calendar_.PeriodOf(tc.period(), due).end_ms;
  const std::vector<int64_t> totals = TeamTotals(w, cut);
  const auto best = std::max_element(totals.begin(), totals.end());
  if (best == totals.end() || *best <= 0) return;
  const int32_t team = static_cast<int32_t>(best - totals.begin());
  const std::string& name = config_.teams().names(team);
  v1::Action& ann = AddAction(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, "points.team_contest", "");
  ann.set_reason("team_contest");
  ann.set_text(name);
  ann.set_amount(*best);
  std::vector<MemberIndex> winners;
  for (MemberIndex m = 0; m < members_.member_count(); ++m) {
    const membership::Member& member = members_.member(m);
    if (member.active() && Ranked(member) && member.team == team) winners.push_back(m);
  }
  for (MemberIndex m : winners) ann.add_members(members_.member(m).id);
  if (!tc.prize().empty()) {
    v1::Action& prize = AddAction(out, v1::ACTION_KIND_GIVE_PRIZE, "points.team_contest", "");
    prize.set_text(absl::StrCat(tc.prize(), " (", name, ")"));
  }
  for (MemberIndex m : winners) {
    Credit(m, tc.winner_points(), "points.team_contest", "team_win", "", w.end_ms - 1, false,
           out);
    if (!tc.title().empty()) GrantTitle(m, tc.title(), "points.team_contest", out);
  }
}

// Active ROLE_MEMBER members, lowest first (the reverse of board order): the
// lowest_n, and everyone under below_points. A member who joined during the
// period counts (a bootcamp's first week counts), unless they joined too late
// to be warned: every removal was warned when warnings are on.
std::vector<Points::Standing> Points::EliminationCandidates(Window w, size_t cut,
                                                            int64_t* safe_score) const {
  const v1::PointsElimination& e = cfg_.elimination();
  const int64_t warn_ms = e.warn_before_seconds() * 1000;
  std::vector<Standing> board = Board(
      w, v1::METRIC_POINTS,
      [&](const membership::Member& m) {
        return m.role == v1::ROLE_MEMBER && m.joined_ms < w.end_ms - warn_ms;
      },
      cut);
  std::reverse(board.begin(), board.end());
  size_t n = 0;
  while (n < board.size() &&
         (n < e.lowest_n() || (e.has_below_points() && board[n].score < e.below_points()))) {
    ++n;
  }
  if (safe_score != nullptr) {
    *safe_score = 0;
    if (e.lowest_n() < board.size()) {  // else the lowest_n are everyone
      *safe_score = e.has_below_points() ? e.below_points() : INT64_MIN;
      if (e.lowest_n() > 0) {
        *safe_score = std::max(*safe_score, SaturatingAdd(board[e.lowest_n()].score, 1));
      }
    }
  }
  board.resize(n);
  return board;
}

v1::Action& Points::AddEliminationAction(v1::ActionKind kind, const Standing& s,
                                         v1::Outcome& out) const {
  v1::Action& a = AddAction(out, kind, "points.elimination", members_.member(s.member).id);
  a.set_reason("points_elimination");
  a.set_amount(s.score);
  a.set_group(GroupOf(s.member));
  return a;
}

void Points::RunEliminationWarning(int64_t now, size_t cut, v1::Outcome& out) {
  const v1::PointsElimination& e = cfg_.elimination();
  const Window w = calendar_.PeriodOf(e.period(), d_.elimination_due - 1);
  d_.elimination_warn = 0;
  int64_t safe_score = 0;
  for (const Standing& s : EliminationCandidates(w, cut, &safe_score)) {
    v1::Action& a = AddEliminationAction(v1::ACTION_KIND_ELIMINATION_WARNING, s, out);
    a.set_duration_seconds((d_.elimination_due - now) / 1000);
    v1::EliminationWarningDetail& detail = *a.mutable_elimination_warning();
    detail.set_score(s.score);
    detail.set_safe_score(safe_score);
    detail.set_deadline_ms(d_.elimination_due);
    a.set_text(absl::StrCat(s.score, " points this period; the period ends ",
                            Calendar::FormatDay(calendar_.Day(d_.elimination_due))));
  }
}

void Points::RunElimination(size_t cut, v1::Outcome& out) {
  const v1::PointsElimination& e = cfg_.elimination();
  const int64_t due = d_.elimination_due;
  const Window w = calendar_.PeriodOf(e.period(), due - 1);
  d_.elimination_due = calendar_.PeriodOf(e.period(), due).end_ms;
  d_.elimination_warn =
      e.warn_before_seconds() > 0 ? d_.elimination_due - e.warn_before_seconds() * 1000 : 0;
  for (const Standing& s : EliminationCandidates(w, cut)) {
    v1::Action& a = AddEliminationAction(v1::ACTION_KIND_REMOVE, s, out);
    a.set_text(absl::StrCat(s.score, " points this period"));
  }
}

}  // namespace shequn::points
