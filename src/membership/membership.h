// Membership: the roster, roles, groups, admission, deposits, teams and the
// onboarding ritual. Internal to the library; the engine is
// its only caller.
//
// The code is split by concern, one file each:
//   membership.cc           construction, lookups, seats, the read-only roster
//                           API the other parts use, Check/Apply dispatch
//   admission.cc            apply, approve, reject: thresholds, quota, overflow
//                           groups, the waitlist, the blacklist, admitting
//   ritual.cc               the onboarding ritual, its reminders and removals,
//                           the staff nickname format (checked by nickname.cc)
//   exits.cc                leave, remove, ban, unban, graduate, move, set role,
//                           the end of the community
//   teams.cc                teams picked, assigned and given on admission,
//                           within teams.max_size
//   import.cc               members recorded as they already are
//   purge.cc                the inactivity purge: activity, warnings, removals
//   deposits.cc             deposits taken, refunded, forfeited and deducted
//   carry_out.cc            carrying out what other parts decided
//   membership_snapshot.cc  save, load and verify
//   membership_config.cc    ValidateConfig
//   roster_status.h         status tests and roster errors these files share
//   nickname.cc             nickname formats;  authority.cc  shequn/authority.h
#ifndef SHEQUN_SRC_MEMBERSHIP_MEMBERSHIP_H_
#define SHEQUN_SRC_MEMBERSHIP_MEMBERSHIP_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "shequn/authority.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/member.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn::membership {

// Dense index of a member, given on first appearance and never reused.
using MemberIndex = uint32_t;
inline constexpr MemberIndex kNoMember = UINT32_MAX;
inline constexpr int32_t kNoGroup = -1;
// The reason of a REMOVE that is a graduation, whichever part decided it:
// CarryOut ends such a removal as graduated, with the deposit refunded.
inline constexpr absl::string_view kGraduatedReason = "graduated";

struct Member {
  std::string id;
  std::string nickname;
  std::string channel;
  std::string exit_reason;
  std::vector<std::pair<std::string, std::string>> attributes;  // by key
  int64_t applied_ms = 0;
  int64_t joined_ms = 0;
  int64_t left_ms = 0;
  int64_t fee_paid_cents = 0;
  int64_t deposit_cents = 0;
  int64_t ritual_deadline_ms = 0;
  int64_t ritual_removal_ms = 0;
  int64_t last_active_ms = 0;   // the last event they acted in
  int64_t purge_warned_ms = 0;  // 0 = not warned
  int64_t purge_due_ms = 0;     // derived: their key in purge_timers_; 0 = none
  MemberIndex inviter = kNoMember;
  uint32_t number = 0;
  uint32_t referrals = 0;
  int32_t group = kNoGroup;  // while waitlisted: the group waited for
  int32_t team = -1;
  v1::Role role = v1::ROLE_MEMBER;
  v1::MemberStatus status = v1::MEMBER_STATUS_UNSPECIFIED;
  bool rules_accepted = false;
  bool nickname_ok = false;
  bool introduction_ok = false;
  bool handbook_ok = false;
  bool ritual_complete = false;
  bool reminded = false;

  bool active() const { return status == v1::MEMBER_STATUS_ACTIVE; }
};

struct Group {
  std::string id;
  std::string opened_from;
  int64_t opened_ms = 0;
  v1::FunnelStage stage = v1::FUNNEL_STAGE_UNSPECIFIED;
  uint32_t capacity = 0;
  uint32_t working_size = 0;
  uint32_t headcount = 0;  // derived: active members in the group
  // derived: the configured group whose settings (the purge) it follows:
  // itself, or the group it overflowed from; -1 when the config lost it.
  int32_t config = -1;
};

class Membership {
 public:
  // Validates the membership parts of `config` (groups, roles, admission,
  // ritual, teams); errors name the field path.
  static absl::Status ValidateConfig(const v1::CommunityConfig& config);

  // `config` must be valid and outlive this object. Seats the staff.
  explicit Membership(const v1::CommunityConfig& config);
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  // Recomputes the derived state (headcounts, team sizes, active count,
  // waitlist, timers, id indexes) and compares; Internal on a mismatch.
  absl::Status Verify() const;

  // Replaces the state with `state`; on error the state is unchanged.
  absl::Status Load(const v1::MembershipState& state);
  void Save(v1::MembershipState* state) const;
  // One member's record, as Save writes it. O(size of the record).
  void SaveMember(MemberIndex m, v1::MemberRecord* record) const;

  static bool Handles(v1::Event::KindCase kind);
  // Everything that could make Apply(e) wrong, without changing anything.
  absl::Status Check(const v1::Event& e) const;
  // Applies a checked event.
  void Apply(const v1::Event& e, v1::Outcome& out);

  // Notes that the actor of applied event `e` acted now: an active member's
  // purge clock starts over, and a warned member is safe again. The engine
  // calls it for every applied event. O(log n).
  void Touch(const v1::Event& e);

  // Refuses the applicant of `apply` event `e` (which passed Check) for a
  // reason another part found, e.g. rules' nickname screening: REFUSE names
  // `rule`, `category` and the matched `text`; the member is recorded as
  // refused (a banned applicant is refused for the blacklist as usual).
  void RefuseApplicant(const v1::Event& e, absl::string_view rule, absl::string_view category,
                       absl::string_view text, v1::Outcome& out);

  // Ritual and purge timers, earliest first. O(log n) per timer run.
  std::optional<int64_t> NextDue() const;
  void RunDue(int64_t now, v1::Outcome& out);

  // Who the purge of group `group` would warn or remove by `as_of_ms`, and
  // when, soonest first; NotFound for an unknown group. O(k) for the k purge
  // timers of the whole community due by then.
  absl::StatusOr<v1::PurgePreview> PreviewPurge(absl::string_view group,
                                                int64_t as_of_ms) const;

  // Carries out a decision another part made (REMOVE, BAN, DEDUCT_DEPOSIT,
  // MOVE) and appends its consequences: forfeited deposits, a seat for the
  // next waitlisted member, a removal when a deposit runs out. May lower
  // the action's amount to what is actually held.
  void CarryOut(int action_index, int64_t now, v1::Outcome& out);

  // Refunds every deposit when the community ends.
  void EndCommunity(absl::string_view rule, v1::Outcome& out);

  // Lookups, O(1) expected.
  std::optional<MemberIndex> Find(absl::string_view id) const;
  const Member& member(MemberIndex m) const { return members_[m]; }
  size_t member_count() const { return members_.size(); }
  const Group& group(int32_t g) const { return groups_[g]; }
  size_t group_count() const { return groups_.size(); }
  std::optional<int32_t> FindGroup(absl::string_view id) const;

  // The active member named `id`, or NotFound/FailedPrecondition naming
  // `field`.
  absl::StatusOr<MemberIndex> ActiveMember(absl::string_view id,
                                           absl::string_view field) const;
  // The event's actor, active and allowed to act in the event's group (a
  // member in their own group, staff anywhere).
  absl::StatusOr<MemberIndex> ActorInGroup(const v1::Event& e) const;
  // OK when the event's actor may perform `act` on `target` (if any).
  absl::Status AuthorizeOperator(const v1::Event& e, OperatorAct act,
                                 std::optional<MemberIndex> target) const;

 private:
  struct Seat {
    enum Kind { kAdmit, kWaitlist, kRefuse } kind;
    int32_t group;
    bool teams_full = false;  // no team has a place: teams.when_full decided
  };

  // --- membership.cc
  MemberIndex Intern(absl::string_view id);
  // Moves active member `m` to group `to` and gives the freed seat to the
  // waitlist.
  void MoveSeat(MemberIndex m, int32_t to, int64_t now, v1::Outcome& out);

  // --- admission.cc
  absl::Status CheckApply(const v1::Event& e) const;
  absl::Status CheckApprove(const v1::Event& e) const;
  void ApplyApplication(const v1::Event& e, v1::Outcome& out);
  void ApplyDecision(const v1::Event& e, v1::Outcome& out);
  // The first unmet admission condition as (reason, detail), or empty.
  std::pair<std::string, std::string> FirstUnmetThreshold(
      const v1::Event& e) const;
  int32_t EntryGroup(const v1::Event& e) const;
  Seat FindSeat(int32_t wanted) const;
  int32_t OpenOverflowGroup(int32_t from, int64_t now, v1::Outcome& out);
  void SeatOrQueue(MemberIndex m, int32_t wanted, int64_t now,
                   v1::Outcome& out);
  void SeatFromWaitlist(int64_t now, v1::Outcome& out);
  void Admit(MemberIndex m, int32_t g, int64_t now, absl::string_view rule,
             v1::Outcome& out);

  // --- ritual.cc
  absl::Status CheckRename(const v1::Event& e) const;
  absl::Status CheckIntroduce(const v1::Event& e) const;
  void ApplyRename(const v1::Event& e, v1::Outcome& out);
  void ApplyIntroduce(const v1::Event& e, v1::Outcome& out);
  void ApplyHandbookAck(const v1::Event& e, v1::Outcome& out);
  void StartRitual(MemberIndex m, int64_t now, v1::Outcome& out);
  void RunRitualTimer(v1::Outcome& out);
  void UpdateRitual(MemberIndex m, v1::Outcome& out);
  std::string MissingRitualSteps(const Member& m) const;
  void CancelTimer(MemberIndex m);

  // --- exits.cc
  absl::Status CheckLeave(const v1::Event& e) const;
  absl::Status CheckActOnMember(const v1::Event& e, absl::string_view member,
                                OperatorAct act, absl::string_view field) const;
  absl::Status CheckMove(const v1::Event& e) const;
  absl::Status CheckSetRole(const v1::Event& e) const;
  void ApplyLeave(const v1::Event& e, v1::Outcome& out);
  void ApplyOperatorExit(const v1::Event& e, v1::Outcome& out);
  void ApplyMove(const v1::Event& e, v1::Outcome& out);
  void ApplySetRole(const v1::Event& e, v1::Outcome& out);
  void Exit(MemberIndex m, int64_t now, v1::MemberStatus status,
            absl::string_view reason, bool refund, v1::Outcome& out);

  // --- teams.cc
  absl::Status CheckJoinTeam(const v1::Event& e) const;
  void ApplyJoinTeam(const v1::Event& e, v1::Outcome& out);
  // Puts newly admitted `m` in the smallest team with a place when the
  // engine assigns teams and `m` has none. `rule` names who decided.
  void AutoAssignTeam(MemberIndex m, absl::string_view rule, v1::Outcome& out);
  // True when the engine assigns teams and every team is at max_size.
  // O(teams).
  bool TeamsFull() const;
  // OK when `team` (empty: one the engine picks) can take one more member;
  // errors name `field`.
  absl::Status CheckTeamPlace(absl::string_view team, absl::string_view field) const;
  void JoinTeam(MemberIndex m, int32_t t);

  // --- import.cc
  absl::Status CheckImport(const v1::Event& e) const;
  absl::Status CheckImportNumber(const v1::ImportMember& im,
                                 std::optional<MemberIndex> existing) const;
  void ApplyImport(const v1::Event& e, v1::Outcome& out);
  void GiveNumber(MemberIndex m, uint32_t number);

  // --- purge.cc
  // The purge settings of group `g`, or null when it has none.
  const v1::InactivityPurge* PurgeOf(int32_t g) const;
  // When `m`'s purge step is due under the config; 0 = never.
  int64_t PurgeDue(const Member& m) const;
  // Puts `m`'s purge timer where PurgeDue says, after any change to their
  // status, group, role or activity. O(log n).
  void ArmPurge(MemberIndex m);
  void RunPurgeTimer(v1::Outcome& out);

  // --- deposits.cc
  static void TakeDeposit(const Member& member, v1::Outcome& out);
  static void RefundDeposit(Member& member, absl::string_view rule,
                            v1::Outcome& out);
  // Settles the deposit of a member leaving with status `was`: refunded
  // when `refund` or when not yet seated, else forfeited.
  static void SettleDepositOnExit(Member& member, v1::MemberStatus was,
                                  bool refund, v1::Outcome& out);
  // Deducts action `a` (outcome action `action_index`) from `m`'s deposit,
  // lowering it to what is held, and removes `m` when the deposit runs out.
  void DeductDeposit(const v1::Action& a, int action_index, MemberIndex m,
                     int64_t now, v1::Outcome& out);

  // --- carry_out.cc
  void CarryOutExit(const v1::Action& a, MemberIndex m, int64_t now,
                    v1::Outcome& out);
  void CarryOutMove(const v1::Action& a, MemberIndex m, int64_t now,
                    v1::Outcome& out);

  // --- membership_snapshot.cc
  absl::Status VerifyIndexes() const;
  absl::Status VerifyMember(MemberIndex m) const;
  absl::Status VerifyCounts() const;
  absl::Status VerifyWaitlist() const;
  void RebuildDerived();
  // Resolves each group's `config` index from the config by id.
  void LinkGroupConfigs();

  const v1::CommunityConfig& config_;
  std::vector<Member> members_;
  std::vector<Group> groups_;
  absl::flat_hash_map<std::string, MemberIndex> by_id_;
  absl::flat_hash_map<std::string, int32_t> group_by_id_;
  std::vector<uint32_t> team_sizes_;   // derived
  // derived: groups opened from each base group, so the next overflow name
  // is found in O(1) instead of probing base-2, base-3, ... each time.
  absl::flat_hash_map<std::string, uint32_t> opened_per_base_;
  std::deque<MemberIndex> waitlist_;
  absl::btree_set<std::pair<int64_t, MemberIndex>> timers_;  // derived
  // derived: (due, member) of every member the purge may warn or remove.
  absl::btree_set<std::pair<int64_t, MemberIndex>> purge_timers_;
  // derived: who carries each member number; numbers are never reused.
  absl::flat_hash_map<uint32_t, MemberIndex> by_number_;
  uint32_t next_number_ = 1;
  uint32_t active_count_ = 0;  // derived
};

}  // namespace shequn::membership

#endif  // SHEQUN_SRC_MEMBERSHIP_MEMBERSHIP_H_
