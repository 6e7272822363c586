// Leaving and the operator acts on a member: leave, remove, ban, unban,
// graduate, move and set role; what an exit releases (the ritual timers, the
// deposit, the team, the seat); and the end of the community.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "base/field_errors.h"
#include "membership/membership.h"
#include "membership/roster_status.h"

namespace shequn::membership {

absl::Status Membership::CheckLeave(const v1::Event& e) const {
  std::optional<MemberIndex> m = Find(e.actor());
  if (!m.has_value()) return UnknownMember("actor", e.actor());
  if (!InCommunity(members_[*m].status)) return NotActive(members_[*m], "actor");
  if (members_[*m].role == v1::ROLE_OWNER) {
    return absl::FailedPreconditionError("actor: the owner cannot leave the community");
  }
  return absl::OkStatus();
}

absl::Status Membership::CheckActOnMember(const v1::Event& e,
                                          absl::string_view id, OperatorAct act,
                                          absl::string_view field) const {
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) return UnknownMember(field, id);
  const Member& target = members_[*m];
  switch (act) {
    case OperatorAct::kRemove:
      if (!InCommunity(target.status)) return NotActive(target, field);
      break;
    case OperatorAct::kBan:
      if (target.status == v1::MEMBER_STATUS_BANNED) {
        return absl::FailedPreconditionError(
            absl::StrCat(field, ": member '", id, "' is already banned"));
      }
      break;
    case OperatorAct::kUnban:
      if (target.status != v1::MEMBER_STATUS_BANNED) {
        return absl::FailedPreconditionError(
            absl::StrCat(field, ": member '", id, "' is not banned"));
      }
      break;
    default:
      if (!target.active()) return NotActive(target, field);
  }
  return AuthorizeOperator(e, act, *m);
}

absl::Status Membership::CheckMove(const v1::Event& e) const {
  const v1::MoveMember& mv = e.move();
  if (absl::Status s = CheckActOnMember(e, mv.member(), OperatorAct::kMove, "move.member");
      !s.ok()) {
    return s;
  }
  std::optional<int32_t> to = FindGroup(mv.to_group());
  if (!to.has_value()) return UnknownGroup("move.to_group", mv.to_group());
  const Member& m = members_[*Find(mv.member())];
  if (m.group == *to) {
    return absl::FailedPreconditionError(
        absl::StrCat("move.to_group: member '", m.id, "' is already in '", mv.to_group(), "'"));
  }
  if (groups_[*to].headcount >= groups_[*to].capacity) {
    return absl::FailedPreconditionError(absl::StrCat(
        "move.to_group: group '", mv.to_group(), "' is full (", groups_[*to].capacity, ")"));
  }
  return absl::OkStatus();
}

absl::Status Membership::CheckSetRole(const v1::Event& e) const {
  const v1::RoleChange& rc = e.set_role();
  if (rc.role() == v1::ROLE_UNSPECIFIED) {
    return InvalidField("set_role.role", "required");
  }
  if (rc.role() == v1::ROLE_OWNER) {
    return InvalidField("set_role.role", "ownership cannot be given by set_role");
  }
  return CheckActOnMember(e, rc.member(), OperatorAct::kSetRole, "set_role.member");
}

void Membership::ApplyLeave(const v1::Event& e, v1::Outcome& out) {
  Exit(*Find(e.actor()), e.time_ms(), v1::MEMBER_STATUS_LEFT, "left", false, out);
}

void Membership::ApplyOperatorExit(const v1::Event& e, v1::Outcome& out) {
  const int64_t now = e.time_ms();
  if (e.has_unban()) {
    Member& member = members_[*Find(e.unban().member())];
    member.status = v1::MEMBER_STATUS_REMOVED;
    AddAction(out, v1::ACTION_KIND_LIFT_BAN, "operator.unban", member.id);
    return;
  }
  if (e.has_graduate()) {
    const MemberIndex m = *Find(e.graduate().member());
    v1::Action& a = AddAction(out, v1::ACTION_KIND_REMOVE, "operator.graduate", members_[m].id);
    a.set_reason(std::string(kGraduatedReason));
    if (members_[m].group != kNoGroup) a.set_group(groups_[members_[m].group].id);
    Exit(m, now, v1::MEMBER_STATUS_GRADUATED, kGraduatedReason, true, out);
    return;
  }
  const bool ban = e.has_ban();
  const std::string& id = ban ? e.ban().member() : e.remove().member();
  const std::string& why = ban ? e.ban().reason() : e.remove().reason();
  const MemberIndex m = *Find(id);
  v1::Action& a = AddAction(out, ban ? v1::ACTION_KIND_BAN : v1::ACTION_KIND_REMOVE,
                            ban ? "operator.ban" : "operator.remove", id);
  a.set_text(why);
  if (members_[m].group != kNoGroup) a.set_group(groups_[members_[m].group].id);
  Exit(m, now, ban ? v1::MEMBER_STATUS_BANNED : v1::MEMBER_STATUS_REMOVED,
       why.empty() ? (ban ? "banned" : "removed") : why, false, out);
}

void Membership::ApplyMove(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.move().member());
  const int32_t to = *FindGroup(e.move().to_group());
  v1::Action& a = AddAction(out, v1::ACTION_KIND_MOVE, "operator.move", members_[m].id);
  a.set_group(groups_[members_[m].group].id);
  a.set_target_group(groups_[to].id);
  MoveSeat(m, to, e.time_ms(), out);
}

void Membership::ApplySetRole(const v1::Event& e, v1::Outcome& out) {
  Member& member = members_[*Find(e.set_role().member())];
  member.role = e.set_role().role();
  ArmPurge(*Find(e.set_role().member()));
  v1::Action& a = AddAction(out, v1::ACTION_KIND_SET_ROLE, "operator.set_role", member.id);
  a.set_text(std::string(RoleName(member.role)));
  a.set_amount(member.role);
}

void Membership::Exit(MemberIndex m, int64_t now, v1::MemberStatus status,
                      absl::string_view reason, bool refund, v1::Outcome& out) {
  Member& member = members_[m];
  const v1::MemberStatus was = member.status;
  member.status = status;
  member.exit_reason = std::string(reason);
  member.left_ms = now;
  CancelTimer(m);
  ArmPurge(m);
  SettleDepositOnExit(member, was, refund, out);
  if (member.team >= 0) {
    --team_sizes_[member.team];
    member.team = -1;
  }
  if (was == v1::MEMBER_STATUS_WAITLISTED) {
    waitlist_.erase(std::find(waitlist_.begin(), waitlist_.end(), m));
    return;
  }
  if (was != v1::MEMBER_STATUS_ACTIVE) return;
  --groups_[member.group].headcount;
  --active_count_;
  SeatFromWaitlist(now, out);
}

void Membership::EndCommunity(absl::string_view rule, v1::Outcome& out) {
  for (Member& member : members_) {
    // No ritual runs on after the end: the deadlines go with the timers, so
    // a snapshot restored later does not bring them back.
    member.ritual_deadline_ms = member.ritual_removal_ms = 0;
    RefundDeposit(member, rule, out);
  }
  timers_.clear();
}

}  // namespace shequn::membership
