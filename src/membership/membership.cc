// The core of the membership part: seating the staff, lookups, seats, the
// read-only roster API the other parts use, and dispatching each event to
// the concern that checks and applies it.
#include "membership/membership.h"

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "membership/roster_status.h"

namespace shequn::membership {
namespace {

constexpr uint32_t kDefaultCapacity = 500;

}  // namespace

Membership::Membership(const v1::CommunityConfig& config) : config_(config) {
  for (const v1::GroupConfig& g : config.groups()) {
    Group group;
    group.id = g.id();
    group.stage = g.stage();
    group.capacity = g.capacity() == 0 ? kDefaultCapacity : g.capacity();
    group.working_size = g.working_size();
    group.config = static_cast<int32_t>(groups_.size());
    group_by_id_.emplace(group.id, static_cast<int32_t>(groups_.size()));
    groups_.push_back(std::move(group));
  }
  team_sizes_.assign(config.teams().names_size(), 0);
  for (const v1::StaffSeat& s : config.roles().staff()) {
    const MemberIndex m = Intern(s.member_id());
    Member& member = members_[m];
    member.role = s.role();
    member.nickname = s.nickname();
    member.status = v1::MEMBER_STATUS_ACTIVE;
    by_number_.emplace(next_number_, m);
    member.number = next_number_++;
    member.rules_accepted = member.nickname_ok = member.introduction_ok =
        member.handbook_ok = member.ritual_complete = true;
    member.group = s.group_id().empty() ? 0 : *FindGroup(s.group_id());
    ++groups_[member.group].headcount;
    ++active_count_;
  }
}

MemberIndex Membership::Intern(absl::string_view id) {
  auto [it, inserted] =
      by_id_.try_emplace(id, static_cast<MemberIndex>(members_.size()));
  if (inserted) {
    members_.emplace_back();
    members_.back().id = std::string(id);
  }
  return it->second;
}

std::optional<MemberIndex> Membership::Find(absl::string_view id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<int32_t> Membership::FindGroup(absl::string_view id) const {
  auto it = group_by_id_.find(id);
  if (it == group_by_id_.end()) return std::nullopt;
  return it->second;
}

void Membership::MoveSeat(MemberIndex m, int32_t to, int64_t now, v1::Outcome& out) {
  Member& member = members_[m];
  --groups_[member.group].headcount;
  ++groups_[to].headcount;
  member.group = to;
  ArmPurge(m);
  SeatFromWaitlist(now, out);
}

// ------------------------------------------------- the read-only roster API

absl::StatusOr<MemberIndex> Membership::ActiveMember(
    absl::string_view id, absl::string_view field) const {
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) return UnknownMember(field, id);
  if (!members_[*m].active()) return NotActive(members_[*m], field);
  return *m;
}

absl::StatusOr<MemberIndex> Membership::ActorInGroup(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> m = ActiveMember(e.actor(), "actor");
  if (!m.ok()) return m.status();
  if (e.group().empty()) return InvalidField("group", "required");
  std::optional<int32_t> g = FindGroup(e.group());
  if (!g.has_value()) return UnknownGroup("group", e.group());
  const Member& member = members_[*m];
  if (!IsStaff(member.role) && member.group != *g) {
    return absl::FailedPreconditionError(absl::StrCat(
        "group: member '", member.id, "' is in group '",
        groups_[member.group].id, "', not '", e.group(), "'"));
  }
  return m;
}

absl::Status Membership::AuthorizeOperator(
    const v1::Event& e, OperatorAct act,
    std::optional<MemberIndex> target) const {
  absl::StatusOr<MemberIndex> actor = ActiveMember(e.actor(), "actor");
  if (!actor.ok()) return actor.status();
  std::optional<v1::Role> target_role;
  if (target.has_value()) {
    if (*target == *actor && act != OperatorAct::kAssignTeam &&
        act != OperatorAct::kTag) {
      return absl::PermissionDeniedError(absl::StrCat(
          "member: nobody may ", OperatorActName(act), " themselves"));
    }
    target_role = members_[*target].role;
  }
  return Authorize(members_[*actor].role, act, target_role);
}

// ---------------------------------------------------------------- timers

std::optional<int64_t> Membership::NextDue() const {
  std::optional<int64_t> due;
  if (!timers_.empty()) due = timers_.begin()->first;
  if (!purge_timers_.empty() && (!due.has_value() || purge_timers_.begin()->first < *due)) {
    due = purge_timers_.begin()->first;
  }
  return due;
}

void Membership::RunDue(int64_t now, v1::Outcome& out) {
  // Ritual and purge timers in one time order, the ritual's first at a tie.
  for (;;) {
    const bool ritual = !timers_.empty() && timers_.begin()->first <= now;
    const bool purge = !purge_timers_.empty() && purge_timers_.begin()->first <= now;
    if (!ritual && !purge) return;
    if (ritual && (!purge || timers_.begin()->first <= purge_timers_.begin()->first)) {
      RunRitualTimer(out);
    } else {
      RunPurgeTimer(out);
    }
  }
}

// ---------------------------------------------------------------- dispatch

bool Membership::Handles(v1::Event::KindCase kind) {
  switch (kind) {
    case v1::Event::kApply:
    case v1::Event::kApprove:
    case v1::Event::kReject:
    case v1::Event::kLeave:
    case v1::Event::kRename:
    case v1::Event::kIntroduce:
    case v1::Event::kHandbookAck:
    case v1::Event::kRemove:
    case v1::Event::kBan:
    case v1::Event::kUnban:
    case v1::Event::kMove:
    case v1::Event::kSetRole:
    case v1::Event::kJoinTeam:
    case v1::Event::kGraduate:
    case v1::Event::kEndCommunity:
    case v1::Event::kImportMember:
      return true;
    default:
      return false;
  }
}

absl::Status Membership::Check(const v1::Event& e) const {
  switch (e.kind_case()) {
    case v1::Event::kApply: return CheckApply(e);
    case v1::Event::kApprove:
    case v1::Event::kReject: return CheckApprove(e);
    case v1::Event::kLeave: return CheckLeave(e);
    case v1::Event::kRename: return CheckRename(e);
    case v1::Event::kIntroduce: return CheckIntroduce(e);
    case v1::Event::kHandbookAck:
      return ActiveMember(e.actor(), "actor").status();
    case v1::Event::kRemove:
      return CheckActOnMember(e, e.remove().member(), OperatorAct::kRemove,
                              "remove.member");
    case v1::Event::kBan:
      return CheckActOnMember(e, e.ban().member(), OperatorAct::kBan, "ban.member");
    case v1::Event::kUnban:
      return CheckActOnMember(e, e.unban().member(), OperatorAct::kUnban,
                              "unban.member");
    case v1::Event::kGraduate:
      return CheckActOnMember(e, e.graduate().member(), OperatorAct::kGraduate,
                              "graduate.member");
    case v1::Event::kMove: return CheckMove(e);
    case v1::Event::kSetRole: return CheckSetRole(e);
    case v1::Event::kJoinTeam: return CheckJoinTeam(e);
    case v1::Event::kEndCommunity:
      return AuthorizeOperator(e, OperatorAct::kEndCommunity, std::nullopt);
    case v1::Event::kImportMember: return CheckImport(e);
    default:
      return absl::InternalError("membership: event kind not handled here");
  }
}

void Membership::Apply(const v1::Event& e, v1::Outcome& out) {
  switch (e.kind_case()) {
    case v1::Event::kApply: return ApplyApplication(e, out);
    case v1::Event::kApprove:
    case v1::Event::kReject: return ApplyDecision(e, out);
    case v1::Event::kLeave: return ApplyLeave(e, out);
    case v1::Event::kRename: return ApplyRename(e, out);
    case v1::Event::kIntroduce: return ApplyIntroduce(e, out);
    case v1::Event::kHandbookAck: return ApplyHandbookAck(e, out);
    case v1::Event::kRemove:
    case v1::Event::kBan:
    case v1::Event::kUnban:
    case v1::Event::kGraduate: return ApplyOperatorExit(e, out);
    case v1::Event::kMove: return ApplyMove(e, out);
    case v1::Event::kSetRole: return ApplySetRole(e, out);
    case v1::Event::kJoinTeam: return ApplyJoinTeam(e, out);
    case v1::Event::kEndCommunity: return EndCommunity("operator.end_community", out);
    case v1::Event::kImportMember: return ApplyImport(e, out);
    default: return;
  }
}

}  // namespace shequn::membership
