// Carrying out what another part decided about a member (REMOVE, BAN,
// DEDUCT_DEPOSIT, MOVE; a REMOVE with reason "graduated" is a graduation):
// the roster follows the action, and the action's consequences are appended
// to the outcome.
#include "membership/membership.h"
#include "membership/roster_status.h"

namespace shequn::membership {

void Membership::CarryOut(int action_index, int64_t now, v1::Outcome& out) {
  const v1::Action a = out.actions(action_index);
  std::optional<MemberIndex> m = Find(a.member());
  if (!m.has_value()) return;
  switch (a.kind()) {
    case v1::ACTION_KIND_REMOVE:
    case v1::ACTION_KIND_BAN: return CarryOutExit(a, *m, now, out);
    case v1::ACTION_KIND_DEDUCT_DEPOSIT: return DeductDeposit(a, action_index, *m, now, out);
    case v1::ACTION_KIND_MOVE: return CarryOutMove(a, *m, now, out);
    default: return;
  }
}

void Membership::CarryOutExit(const v1::Action& a, MemberIndex m, int64_t now,
                              v1::Outcome& out) {
  Member& member = members_[m];
  const bool ban = a.kind() == v1::ACTION_KIND_BAN;
  // Whatever another part decides, the owner stays: nobody removes the owner.
  if (member.role == v1::ROLE_OWNER) return;
  if (member.status == v1::MEMBER_STATUS_BANNED) return;
  if (!InCommunity(member.status)) {
    if (ban) member.status = v1::MEMBER_STATUS_BANNED;
    return;
  }
  // A graduation decided by points (tasks.graduate_on_completion) ends as an
  // operator's graduate does: graduated, deposit refunded.
  if (!ban && a.reason() == kGraduatedReason) {
    Exit(m, now, v1::MEMBER_STATUS_GRADUATED, kGraduatedReason, true, out);
    return;
  }
  Exit(m, now, ban ? v1::MEMBER_STATUS_BANNED : v1::MEMBER_STATUS_REMOVED,
       a.reason().empty() ? a.rule() : a.reason(), false, out);
}

void Membership::CarryOutMove(const v1::Action& a, MemberIndex m, int64_t now,
                              v1::Outcome& out) {
  const Member& member = members_[m];
  std::optional<int32_t> to = FindGroup(a.target_group());
  if (!member.active() || !to.has_value() || *to == member.group ||
      groups_[*to].headcount >= groups_[*to].capacity) {
    return;
  }
  MoveSeat(m, *to, now, out);
}

}  // namespace shequn::membership
