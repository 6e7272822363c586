// Deposits (押金): held from the application and taken on admission;
// refunded on graduation, at the end of the community and to a member who
// goes before being seated; forfeited by a seated member who leaves or is
// removed (by an operator, the ladder, the ritual or the purge alike);
// deducted by other parts' decisions, which remove the member when the
// deposit runs out.
#include <algorithm>

#include "base/actions.h"
#include "membership/membership.h"
#include "membership/roster_status.h"

namespace shequn::membership {
namespace {

// Ends the hold on `member`'s deposit, if any, with an action of `kind` (a
// refund or a forfeit) for the amount.
void Release(Member& member, v1::ActionKind kind, absl::string_view rule, v1::Outcome& out) {
  if (member.deposit_cents <= 0) return;
  AddAction(out, kind, rule, member.id).set_amount_cents(member.deposit_cents);
  member.deposit_cents = 0;
}

}  // namespace

void Membership::TakeDeposit(const Member& member, v1::Outcome& out) {
  if (member.deposit_cents <= 0) return;
  AddAction(out, v1::ACTION_KIND_TAKE_DEPOSIT, "admission.deposit_cents", member.id)
      .set_amount_cents(member.deposit_cents);
}

void Membership::RefundDeposit(Member& member, absl::string_view rule, v1::Outcome& out) {
  Release(member, v1::ACTION_KIND_REFUND_DEPOSIT, rule, out);
}

void Membership::SettleDepositOnExit(Member& member, v1::MemberStatus was, bool refund,
                                     v1::Outcome& out) {
  if (!InCommunity(was)) return;
  // Only a seated member has forfeited anything by leaving midway.
  if (refund || was != v1::MEMBER_STATUS_ACTIVE) {
    RefundDeposit(member, "admission.deposit_cents.refund", out);
  } else {
    Release(member, v1::ACTION_KIND_FORFEIT_DEPOSIT, "admission.deposit_cents.forfeit", out);
  }
}

void Membership::DeductDeposit(const v1::Action& a, int action_index, MemberIndex m,
                               int64_t now, v1::Outcome& out) {
  Member& member = members_[m];
  const int64_t taken = std::min(a.amount_cents(), member.deposit_cents);
  out.mutable_actions(action_index)->set_amount_cents(taken);
  member.deposit_cents -= taken;
  // Only a deduction that empties a deposit removes: staff and imported
  // members hold none, and the owner is never removed.
  if (taken == 0 || member.deposit_cents != 0 || !member.active() ||
      member.role == v1::ROLE_OWNER) {
    return;
  }
  v1::Action& r = AddAction(out, v1::ACTION_KIND_REMOVE, "admission.deposit_cents", member.id);
  r.set_reason("deposit.exhausted");
  r.set_category(a.category());
  r.set_group(groups_[member.group].id);
  Exit(m, now, v1::MEMBER_STATUS_REMOVED, "deposit.exhausted", false, out);
}

}  // namespace shequn::membership
