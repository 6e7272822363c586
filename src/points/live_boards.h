// Live boards: shequn::Leaderboards for the period in progress of each
// configured (period, metric, scope), kept in step with the ledger one entry
// at a time. Derived state: never saved, rebuilt from the ledger on Load.
// Internal to the points part.
//
// Order. Every board ranks as the ledger boards do (engine.h): score desc,
// then who reached it first, then first appearance. The Leaderboard tiebreak
// encodes the last two as (reached << 32 | member index), where `reached` is
// 0 for "no entry in the period, or an entry at the period start" and
// otherwise 1 + the index of the first ledger entry at the time of the
// member's last entry in the period: equal times give equal values and later
// times larger ones, so the order is exactly the ledger's. With the member in
// the tiebreak, a board may use any ids: group and team boards use small
// local ids, so each costs memory for its own members only.
//
// Membership. A board holds the active members of a ranked role
// (PointsConfig.ranked_roles) in its scope as they were at
// the last Sync(m); Points calls Sync for every member an event or timer
// named. A ledger entry updates the boards of the member's synced scope.
// The same synced seats give each group's roster (Roster), so a timer over
// a group's members walks that group only.
//
// Period rolls. Each board remembers the members whose score or tiebreak
// left (0, 0) in its period; when the period ends only they are set back
// to 0 (nobody has an entry in the new period yet), so a roll costs
// O(members who scored in the period × log n); when that is most of the
// board, one O(n) build of the zeroed board (no ledger entry to read).
#ifndef SHEQUN_SRC_POINTS_LIVE_BOARDS_H_
#define SHEQUN_SRC_POINTS_LIVE_BOARDS_H_

#include <cstdint>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "membership/membership.h"
#include "points/calendar.h"
#include "points/ledger.h"
#include "shequn/leaderboard.h"
#include "shequn/v1/config.pb.h"

namespace shequn::points {

// The roles ranked on boards and awards (PointsConfig.ranked_roles): bit r
// set when Role r is ranked. Default: ROLE_MEMBER, ROLE_TEAM_LEADER, ROLE_KOL.
uint32_t RankedRoleMask(const v1::PointsConfig& config);

class LiveBoards {
 public:
  // One board: a Leaderboard over local ids.
  class Board {
   public:
    explicit Board(bool identity) : identity_(identity) {}
    const shequn::Leaderboard& board() const { return board_; }
    // The local id of `m`, if on the board.
    std::optional<uint32_t> Local(MemberIndex m) const;
    MemberIndex MemberOf(uint32_t local) const { return identity_ ? local : member_of_[local]; }
    size_t MemoryBytes() const;

   private:
    friend class LiveBoards;
    uint32_t Acquire(MemberIndex m);
    void Release(MemberIndex m);
    void Reset();

    bool identity_;  // community boards: local id = member index
    shequn::Leaderboard board_;
    std::vector<MemberIndex> member_of_;                  // local -> member
    absl::flat_hash_map<MemberIndex, uint32_t> local_of_;  // member -> local
    std::vector<uint32_t> free_;                          // released local ids
  };

  // Validates config.points.live_boards; errors name the field.
  static absl::Status ValidateConfig(const v1::CommunityConfig& config);

  // All references must outlive this object.
  LiveBoards(const v1::CommunityConfig& config, const membership::Membership& members,
             const Calendar& calendar);
  LiveBoards(const LiveBoards&) = delete;
  LiveBoards& operator=(const LiveBoards&) = delete;

  // Rebuilds every board from `ledger` for the periods containing `now`, and
  // the synced membership from the roster. O(n + E) per spec.
  void Rebuild(const Ledger& ledger, int64_t now);
  // Starts the next period of the boards whose period ended by `now`
  // (the ledger has no entry dated in it yet). O(min(S log n, n)) per
  // board rolled, for the S members who scored in the period that ended
  // (past n/8 of them, one build of the zeroed board); else O(specs).
  void Roll(const Ledger& ledger, int64_t now);
  // After ledger entry `i` was posted (Roll(entry time) first). O(log n)
  // per live board of the member's scope.
  void OnEntry(const Ledger& ledger, size_t i);
  // Brings member m's place on the boards in line with the roster.
  // O(1) when unchanged, else O(L_m + log n) per live board.
  void Sync(const Ledger& ledger, MemberIndex m);

  // The live board answering a query for (period, metric, scope, instance)
  // over window `w`, or nullptr (not live, or not the period in progress).
  // instance: group index for SCOPE_GROUP, team index for SCOPE_TEAM.
  const Board* Find(v1::Period period, v1::Metric metric, v1::Scope scope, int32_t instance,
                    Window w) const;
  // Whether (period, metric, scope) is live over exactly `w`: then Find's
  // nullptr means an empty board. O(specs).
  bool Covers(v1::Period period, v1::Metric metric, v1::Scope scope, Window w) const;
  // The members synced as active in group `g` (any role), in member order.
  const absl::btree_set<MemberIndex>& Roster(int32_t g) const;

  size_t MemoryBytes() const;

 private:
  struct Spec {
    v1::Period period;
    v1::Metric metric;
    v1::Scope scope;
    Window window{0, 0};
    std::vector<Board> boards;  // community: 1; group/team: by index
    // The members off (0, 0) in this period (see "Period rolls").
    std::vector<MemberIndex> scored;
    std::vector<bool> marked;  // by member: in `scored`
  };
  struct Seat {
    bool present = false;  // active, any role
    bool active = false;   // active and of a ranked role
    int32_t group = membership::kNoGroup;
    int32_t team = -1;
    friend bool operator==(const Seat&, const Seat&) = default;
  };

  Seat SeatOf(MemberIndex m) const;
  // The board of `spec` for a member seated at `seat`, or nullptr.
  Board* BoardOf(Spec& spec, const Seat& seat);
  void RebuildSpec(Spec& spec, const Ledger& ledger, int64_t now);
  // Notes that m's standing on `spec` may be off (0, 0) this period.
  static void Mark(Spec& spec, MemberIndex m);
  // Moves m between the group rosters from seat `was` to seat `now`.
  void Reseat(MemberIndex m, const Seat& was, const Seat& now);
  // m's score and encoded tiebreak over spec's window, from the ledger.
  std::pair<int64_t, uint64_t> ScoreOf(const Spec& spec, const Ledger& ledger,
                                       MemberIndex m) const;

  const membership::Membership& members_;
  const Calendar& calendar_;
  uint32_t ranked_roles_;
  std::vector<Spec> specs_;
  std::vector<Seat> synced_;  // by member index
  std::vector<absl::btree_set<MemberIndex>> rosters_;  // by group: present members
  absl::btree_set<MemberIndex> none_;
  // The first ledger index of the run of entries at the last entry's time.
  int64_t run_time_ = -1;
  size_t run_first_ = 0;
};

}  // namespace shequn::points

#endif  // SHEQUN_SRC_POINTS_LIVE_BOARDS_H_
