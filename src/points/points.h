// The points part: ledger, point rules with caps, check-ins and
// streaks, tasks and results elimination, periodic awards, titles, polls,
// team contests, points elimination and leaderboards. Internal to the
// library; the engine is its only caller.
//
// The code is split by concern, one file each:
//   points.cc        dispatch, config validation, timers
//   points_snapshot.cc  snapshot save/load
//   earning.cc       point rules: effective rule, caps, diminishing, quality
//   checkins.cc      check-ins, streaks, streak bonuses, make-up cards
//   tasks.cc         assignments, submissions, deadlines, graduation, 成果淘汰
//   polls.cc         polls and votes
//   titles.cc        titles by hand, grant and revocation; operator adjustments
//   title_rules.cc   title rules: by balance, streak, tasks, award place
//   standings.cc     boards (the leaderboard seam), awards, team contest, 积分淘汰
//   queries.cc       read-only queries behind Engine (ledger, record, boards)
//   calendar.cc      local days and periods;  ledger.cc  the ledger
#ifndef SHEQUN_SRC_POINTS_POINTS_H_
#define SHEQUN_SRC_POINTS_POINTS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "membership/membership.h"
#include "points/calendar.h"
#include "points/ledger.h"
#include "points/live_boards.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/points.pb.h"

namespace shequn::points {

// The built-in acts' string aliases (PointRuleKind's comments), by enum
// value; [0] is empty.
std::span<const absl::string_view> BuiltInKindNames();
bool IsBuiltInKind(absl::string_view kind);
// The kind a rule is earned under: its built-in act's alias, or its custom kind.
absl::string_view RuleKindName(const v1::PointRule& r);

class Points {
 public:
  // Validates config.points; errors name the field path.
  static absl::Status ValidateConfig(const v1::CommunityConfig& config);

  // `config` and `members` must outlive this object; `members` is read only.
  Points(const v1::CommunityConfig& config,
         const membership::Membership& members);
  Points(const Points&) = delete;
  Points& operator=(const Points&) = delete;

  // The event kinds this part owns.
  static bool Handles(v1::Event::KindCase kind);
  // Everything that could make Apply(e) wrong, without changing anything.
  absl::Status Check(const v1::Event& e) const;
  // Applies a checked event this part owns.
  void Apply(const v1::Event& e, v1::Outcome& out);
  // Sees every applied event after its owner applied it, with the actions
  // so far; may add actions. Must not fail.
  void Observe(const v1::Event& e, v1::Outcome& out);

  std::optional<int64_t> NextDue() const;
  // Runs the timers due by `now`. The actions of `out` from `first_action`
  // on are the other parts' timers at `now` (their members are synced
  // first). Nothing outside points changes the roster or the ledger before
  // `quiet_until`: period ends that would change nothing up to then
  // (awards, reviews and team contests over periods without ledger
  // entries, eliminations with nobody to remove, decay that takes nothing)
  // are skipped at once, leaving each timer where running them one by one
  // would. So a long gap costs per timer that acts, not per period elapsed.
  //
  // What each timer costs, for n members on a board, W winners, S members
  // who scored in the period, P members with positive balances:
  //   award, review   O(boards × log n + W) from the live boards of the
  //                   period that ended (the default live boards include
  //                   every award's); O(members + E_w) per board for an
  //                   award whose board is not live
  //   period roll     O(min(S log n, n)) per live board, no ledger read
  //   decay           O(P log P); expiry O(lots due); streak breaks O(due)
  //   task close      O(members of the task's group) (every member for a
  //                   task of the whole community)
  //   team contest, points elimination  O(members + E_w) (ledger boards)
  //   award titles held_while_true  O(title rules × members)
  void RunDue(int64_t now, int64_t quiet_until, int first_action, v1::Outcome& out);

  // After an event or timers: brings the live boards in line with the roster
  // for `actor` and every member the actions of `out` from `first_action` on
  // name (admitted, left, removed, banned, moved, assigned a team).
  // Must not fail.
  void SyncMembers(const v1::Outcome& out, int first_action, absl::string_view actor,
                   int64_t now);

  void Save(v1::PointsState* state) const;
  // Replaces the state; on error the state is unchanged. `now` is the
  // engine's last time: the live boards are rebuilt for its periods.
  absl::Status Load(const v1::PointsState& state, int64_t now = 0);

  // Heap bytes of the live boards (derived state). O(boards).
  size_t LiveBoardBytes() const { return live_.MemoryBytes(); }
  // Heap bytes of the ledger. O(1).
  size_t LedgerBytes() const { return d_.ledger.MemoryBytes(); }

  // Queries (see include/shequn/engine.h for their costs). `now` is the
  // engine's last time, used when a query leaves at_ms 0.
  int64_t Balance(MemberIndex m) const { return d_.ledger.Balance(m); }
  v1::MemberLedger LedgerOf(MemberIndex m) const;
  v1::MemberPoints RecordOf(MemberIndex m, int64_t now) const;
  absl::StatusOr<v1::BoardPage> Top(const v1::BoardQuery& q, uint32_t k,
                                    int64_t now) const;
  absl::StatusOr<v1::BoardPage> PageAround(const v1::BoardQuery& q,
                                           MemberIndex m, uint32_t before,
                                           uint32_t after, int64_t now) const;
  absl::StatusOr<v1::BoardPage> Teams(const v1::BoardQuery& q, int64_t now) const;
  absl::StatusOr<v1::PollResult> PollOf(absl::string_view poll_id) const;

 private:
  static constexpr uint32_t kAllRules = UINT32_MAX;

  // Per-(member, rule kind) cap and repeat counters.
  struct Counter {
    int64_t day = INT64_MIN;
    int64_t day_points = 0;
    uint32_t day_count = 0;
    int64_t last_amount = 0;
    int64_t week = INT64_MIN;
    int64_t week_points = 0;
  };

  struct MemberState {
    std::vector<int64_t> check_in_days;  // ascending local day numbers
    int64_t make_up_month = -1;
    uint32_t make_ups_used = 0;
    uint32_t on_time = 0;
    uint32_t late = 0;
    uint32_t missing = 0;
    bool thesis = false;
    bool graduation_announced = false;
    bool tasks_warned = false;
    std::vector<std::string> titles;  // sorted
    int64_t streak_break_ms = 0;  // derived: its entry in Data::streak_breaks; 0 = none
  };

  struct Task {
    std::string id;
    std::string title;
    int32_t group = membership::kNoGroup;  // kNoGroup: every group
    int64_t assigned_ms = 0;
    int64_t deadline_ms = 0;
    bool thesis = false;
    bool closed = false;
    std::vector<MemberIndex> submitted;             // in order
    absl::flat_hash_set<MemberIndex> submitted_set;  // derived
  };

  struct Poll {
    v1::PollOpening opening;
    std::string group;
    bool closed = false;
    std::vector<std::pair<MemberIndex, std::vector<uint32_t>>> ballots;
    absl::flat_hash_set<MemberIndex> voters;  // derived
    std::vector<uint32_t> tallies;
  };

  struct Lot {
    int64_t expire_ms;
    MemberIndex member;
    int64_t amount;
  };

  // The whole mutable state, so Load can build a new one and swap.
  struct Data {
    Ledger ledger;
    std::vector<MemberState> members;  // by MemberIndex, grown on demand
    absl::flat_hash_map<uint64_t, Counter> counters;
    std::vector<Task> tasks;
    absl::flat_hash_map<std::string, uint32_t> task_ids;   // derived
    absl::btree_set<std::pair<int64_t, uint32_t>> task_closes;  // derived
    std::vector<Poll> polls;
    absl::flat_hash_map<std::string, uint32_t> poll_ids;   // derived
    absl::btree_set<std::pair<int64_t, uint32_t>> poll_closes;  // derived
    std::deque<Lot> lots;
    std::vector<int64_t> award_due;   // per award; 0 = not started
    std::vector<int64_t> review_due;  // per award; 0 = none
    int64_t elimination_due = 0;
    int64_t elimination_warn = 0;
    int64_t team_due = 0;
    int64_t decay_due = 0;
    int64_t started_ms = 0;
    // Derived: when each member holding a held_while_true streak title
    // loses it unless they check in (see ArmStreakBreak).
    absl::btree_set<std::pair<int64_t, MemberIndex>> streak_breaks;
    // Derived: the members with a positive balance, whom decay takes from.
    absl::btree_set<MemberIndex> positive;
  };

  // One ranked member of a board.
  struct Standing {
    MemberIndex member;
    int64_t score;
    int64_t reached_ms;  // when the member reached the score in the window
  };
  // The head of each board a period end decides on (by group, team, or
  // [0] for the community), read off the live boards before they roll.
  using Heads = std::vector<std::vector<Standing>>;

  // --- earning.cc
  std::optional<uint32_t> KindIndex(absl::string_view kind) const;
  const v1::PointRule* RuleFor(uint32_t kind, int64_t time_ms, int* index) const;
  // What `m` would earn from `kind` now, without changing anything.
  int64_t Quote(MemberIndex m, uint32_t kind, int64_t time_ms,
                std::optional<size_t> length, int* rule_index) const;
  // Quotes, updates the counters and credits the amount (if any).
  int64_t Earn(MemberIndex m, absl::string_view kind, int64_t time_ms,
               std::optional<size_t> length, absl::string_view event_id,
               v1::Outcome& out);
  // Credits or debits `amount` to `m` with an AWARD_POINTS action and the
  // title thresholds it crosses. Skips silently what would overflow.
  void Credit(MemberIndex m, int64_t amount, absl::string_view cause,
              absl::string_view reason, absl::string_view event_id,
              int64_t time_ms, bool rule, v1::Outcome& out);
  void ExpireDue(int64_t now, v1::Outcome& out);
  // Every ledger post goes through here: rolls and updates the live boards.
  void Post(MemberIndex m, int64_t amount, absl::string_view cause, absl::string_view reason,
            absl::string_view event_id, int64_t time_ms, bool rule);
  // Points decay (PointsConfig.decay) due by `now`.
  void DecayDue(int64_t now, v1::Outcome& out);
  MemberState& StateOf(MemberIndex m);
  const MemberState& PeekState(MemberIndex m) const;
  std::string GroupOf(MemberIndex m) const;
  int64_t Stamp(int64_t now) const;

  // --- points_snapshot.cc
  void SaveLedger(v1::PointsState* state) const;
  void SaveMembers(v1::PointsState* state) const;
  v1::MemberPointsState SaveMember(MemberIndex m) const;
  static void SaveCounter(absl::string_view kind, const Counter& c, v1::RuleCounterState* rc);
  void SaveTasks(v1::PointsState* state) const;
  void SavePolls(v1::PointsState* state) const;
  void SaveTimers(v1::PointsState* state) const;
  absl::Status LoadLedger(const v1::PointsState& state, Ledger& ledger) const;
  absl::Status LoadMembers(const v1::PointsState& state, Data& data) const;
  static absl::Status LoadMember(const v1::MemberPointsState& ms, absl::string_view at,
                                 MemberState& s);
  void LoadCounters(const v1::MemberPointsState& ms, MemberIndex m,
                    absl::flat_hash_map<uint64_t, Counter>& counters) const;
  absl::Status LoadTasks(const v1::PointsState& state, Data& data) const;
  absl::Status LoadTask(const v1::TaskState& ts, absl::string_view at, Task& t) const;
  absl::Status LoadPolls(const v1::PointsState& state, Data& data) const;
  absl::Status LoadPoll(const v1::PollState& ps, absl::string_view at, Poll& p) const;
  absl::Status LoadExpiry(const v1::PointsState& state, std::deque<Lot>& lots) const;
  void LoadTimers(const v1::PointsState& state, Data& data) const;

  // --- checkins.cc
  absl::Status CheckCheckIn(const v1::Event& e) const;
  void ApplyCheckIn(const v1::Event& e, v1::Outcome& out);

  // --- tasks.cc
  absl::Status CheckAssign(const v1::Event& e) const;
  absl::Status CheckSubmit(const v1::Event& e) const;
  void ApplyAssign(const v1::Event& e, v1::Outcome& out);
  void ApplySubmit(const v1::Event& e, v1::Outcome& out);
  void CloseTask(uint32_t t, int64_t now, v1::Outcome& out);
  // One missing submission of `m` for closed task `t`, if m owed one.
  void CountMissing(const Task& t, MemberIndex m, v1::Outcome& out);

  // --- polls.cc
  absl::Status CheckOpenPoll(const v1::Event& e) const;
  absl::Status CheckClosePoll(const v1::Event& e) const;
  absl::Status CheckVote(const v1::Event& e) const;
  void ApplyOpenPoll(const v1::Event& e, v1::Outcome& out);
  void ApplyVote(const v1::Event& e, v1::Outcome& out);
  void ClosePoll(uint32_t p, int64_t now, absl::string_view event_id,
                 v1::Outcome& out);
  v1::PollResult ResultOf(const Poll& poll) const;

  // --- titles.cc
  absl::Status CheckAdjust(const v1::Event& e) const;
  absl::Status CheckTitle(const v1::Event& e) const;
  absl::Status CheckContribution(const v1::Event& e) const;
  void ApplyAdjust(const v1::Event& e, v1::Outcome& out);
  void ApplyTitle(const v1::Event& e, v1::Outcome& out);
  void ApplyContribution(const v1::Event& e, v1::Outcome& out);
  bool HoldsTitle(MemberIndex m, absl::string_view title) const;
  // Grants `title` to `m` unless held: the GRANT_TITLE added, or nullptr.
  // The pointer is valid until `out` grows.
  v1::Action* GrantTitle(MemberIndex m, absl::string_view title, absl::string_view rule,
                         v1::Outcome& out);
  // Revokes `title` from `m` if held: the REVOKE_TITLE added, or nullptr.
  v1::Action* RevokeTitle(MemberIndex m, absl::string_view title, absl::string_view rule,
                          v1::Outcome& out);

  // --- title_rules.cc
  // Validates points.titles (awards named must exist in points.awards).
  static absl::Status ValidateTitles(const v1::PointsConfig& p);
  // Grants / revokes the title of rule `i`, with its TitleDetail.
  void GrantRuleTitle(MemberIndex m, int i, int64_t reached, v1::Outcome& out);
  void RevokeRuleTitle(MemberIndex m, int i, absl::string_view reason, v1::Outcome& out);
  // The rules each event or period end may satisfy. O(title rules).
  void GrantThresholdTitles(MemberIndex m, v1::Outcome& out);
  // `run`: the check-in run just extended; `current`: it reaches yesterday
  // or today.
  void GrantStreakTitles(MemberIndex m, uint32_t run, bool current, v1::Outcome& out);
  void GrantTaskTitles(MemberIndex m, absl::string_view task_id, v1::Outcome& out);
  // `place`: 1 = first.
  void GrantAwardTitles(int award, MemberIndex m, uint32_t place, v1::Outcome& out);
  // Revokes the held_while_true titles of `award` from every holder not in
  // `placed` (member, place) well enough. O(title rules × members).
  void RevokeAwardTitles(int award, const std::vector<std::pair<MemberIndex, uint32_t>>& placed,
                         v1::Outcome& out);
  // Whether anyone holds a held_while_true title of `award`: its period
  // end then acts even with nobody scoring. O(title rules × members).
  bool AwardTitleHeld(int award) const;
  // Whether `m` holds a held_while_true streak title.
  bool HoldsStreakTitle(MemberIndex m) const;
  // Keeps m's entry in streak_breaks in line with its titles and check-ins.
  // O(title rules × log titles + log members).
  void ArmStreakBreak(MemberIndex m);
  // Revokes the streak titles of the members whose streak broke by `now`.
  void BreakStreaks(int64_t now, v1::Outcome& out);

  // --- standings.cc
  // THE LEADERBOARD SEAM: every active member passing `in_scope` with their
  // `metric` over `w`, in board order. O(E_w + n log n) for E_w ledger
  // entries in the window and n members. Swap for shequn::Leaderboard here.
  // Only entries before index `upto` count: a period end decides on the
  // ledger as it stood before its own entries (dated inside the period).
  template <typename InScope>
  std::vector<Standing> Board(Window w, v1::Metric metric, InScope in_scope,
                              size_t upto = SIZE_MAX) const;
  // Whether `m`'s role is ranked on boards and awards (PointsConfig.ranked_roles).
  bool Ranked(const membership::Member& m) const { return (ranked_roles_ >> m.role) & 1; }
  absl::StatusOr<std::vector<Standing>> BoardFor(const v1::BoardQuery& q,
                                                 int64_t now, Window* w) const;
  // The live board for `q`, or nullptr when q is not live (then use
  // BoardFor); errors as BoardFor.
  absl::StatusOr<const LiveBoards::Board*> LiveFor(const v1::BoardQuery& q, int64_t now,
                                                  Window* w) const;
  void StartTimers(int64_t now);
  // The first half-month review (the 16th, local) after `ms`.
  int64_t ReviewAfter(int64_t ms) const;
  // The first decay boundary after `ms`, on the grid decay_due is on.
  int64_t DecayAfter(int64_t ms) const;
  // Whether the ledger has an entry at or after `ms`. O(log L).
  bool EntriesSince(int64_t ms) const;
  // Whether decay would take nothing from anyone now. O(members with a
  // positive balance).
  bool DecayTakesNothing() const;
  // Whether the elimination over `w` would warn or remove nobody, and go on
  // doing so for later periods without new entries or members. O(members).
  bool EliminationIdle(Window w) const;
  // See RunDue. O(awards), plus O(members) when a period timer is due.
  void SkipQuietPeriods(int64_t now, int64_t quiet_until);
  // Period ends run on the ledger's first `cut` entries (see Board) and date
  // their entries at the last instant of the period they reward.
  // `live`: the award's boards read by AwardHeads, or null to compute them
  // from the ledger.
  void RunAward(int a, size_t cut, const Heads* live, v1::Outcome& out);
  void RunReview(int a, size_t cut, const Heads* live, v1::Outcome& out);
  // The first members of `b` (null: empty) in board order: the first `n`
  // and, with `ties`, everyone tied with the n-th; stops at the first
  // score <= 0. O(log n + what it returns).
  static std::vector<Standing> HeadOf(const LiveBoards::Board* b, size_t n, bool ties);
  // The heads award `a` (or its review) due by `now` decides on, when its
  // boards are live over the period that ends; else nullopt.
  // O(boards × log n + winners).
  std::optional<Heads> AwardHeads(int a, int64_t now) const;
  std::optional<Heads> ReviewHeads(int a, int64_t now) const;
  void RunTeamContest(size_t cut, v1::Outcome& out);
  // Who would be removed over `w`, lowest first; `safe_score` (if given)
  // gets the fewest points that would be safe as the board stands (see
  // EliminationWarningDetail.safe_score).
  std::vector<Standing> EliminationCandidates(Window w, size_t cut,
                                              int64_t* safe_score = nullptr) const;
  // An action of `kind` about `s` in the points elimination.
  v1::Action& AddEliminationAction(v1::ActionKind kind, const Standing& s,
                                   v1::Outcome& out) const;
  void RunEliminationWarning(int64_t now, size_t cut, v1::Outcome& out);
  void RunElimination(size_t cut, v1::Outcome& out);
  std::vector<int64_t> TeamTotals(Window w, size_t cut = SIZE_MAX) const;

  const v1::CommunityConfig& config_;
  const v1::PointsConfig& cfg_;
  const membership::Membership& members_;
  Calendar calendar_;
  std::vector<std::string> kinds_;                  // sorted distinct rule kinds
  std::vector<std::vector<int>> rules_by_kind_;     // rule indexes by effective time
  int64_t ttl_ms_ = 0;
  int64_t max_adjustment_ = 0;
  uint32_t decay_percent_ = 0;
  uint32_t ranked_roles_ = 0;  // bit r set: Role r is ranked
  int64_t decay_days_ = 0;
  bool has_streak_holds_ = false;  // some streak title is held_while_true
  MemberState empty_;
  Data d_;
  LiveBoards live_;  // derived from d_.ledger and the roster
};

}  // namespace shequn::points

#endif  // SHEQUN_SRC_POINTS_POINTS_H_
