#include "membership/membership.h"
#include "base/field_errors.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/actions.h"
#include "membership/nickname.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::membership {
namespace {

constexpr uint32_t kDefaultCapacity = 500;
constexpr int64_t kDefaultGraceSeconds = 86400;
constexpr int64_t kMillis = 1000;

bool HasThreshold(const v1::AdmissionPolicy& a, v1::Threshold t) {
  return std::find(a.thresholds().begin(), a.thresholds().end(), t) !=
         a.thresholds().end();
}

bool HasStep(const v1::OnboardingRitual& r, v1::RitualStep s) {
  return std::find(r.steps().begin(), r.steps().end(), s) != r.steps().end();
}

bool IsStaff(v1::Role role) { return role != v1::ROLE_MEMBER; }

// A member who may apply now: new, or out of the community but not banned.
bool MayApply(v1::MemberStatus s) {
  return s == v1::MEMBER_STATUS_UNSPECIFIED || s == v1::MEMBER_STATUS_LEFT ||
         s == v1::MEMBER_STATUS_REMOVED || s == v1::MEMBER_STATUS_REFUSED ||
         s == v1::MEMBER_STATUS_GRADUATED || s == v1::MEMBER_STATUS_BANNED;
}

bool InCommunity(v1::MemberStatus s) {
  return s == v1::MEMBER_STATUS_ACTIVE || s == v1::MEMBER_STATUS_WAITLISTED ||
         s == v1::MEMBER_STATUS_PENDING;
}

absl::string_view StatusName(v1::MemberStatus s) {
  switch (s) {
    case v1::MEMBER_STATUS_PENDING: return "pending approval";
    case v1::MEMBER_STATUS_WAITLISTED: return "waitlisted";
    case v1::MEMBER_STATUS_ACTIVE: return "active";
    case v1::MEMBER_STATUS_LEFT: return "gone (left)";
    case v1::MEMBER_STATUS_REMOVED: return "gone (removed)";
    case v1::MEMBER_STATUS_BANNED: return "banned";
    case v1::MEMBER_STATUS_GRADUATED: return "graduated";
    case v1::MEMBER_STATUS_REFUSED: return "refused";
    default: return "unknown";
  }
}

absl::Status NotActive(const Member& m, absl::string_view field) {
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": member '", m.id, "' is ", StatusName(m.status), ", not active"));
}

}  // namespace

Membership::Membership(const v1::CommunityConfig& config) : config_(config) {
  for (const v1::GroupConfig& g : config.groups()) {
    Group group;
    group.id = g.id();
    group.stage = g.stage();
    group.capacity = g.capacity() == 0 ? kDefaultCapacity : g.capacity();
    group.working_size = g.working_size();
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

absl::StatusOr<MemberIndex> Membership::ActiveMember(
    absl::string_view id, absl::string_view field) const {
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat(field, ": unknown member '", id, "'"));
  }
  if (!members_[*m].active()) return NotActive(members_[*m], field);
  return *m;
}

absl::StatusOr<MemberIndex> Membership::ActorInGroup(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> m = ActiveMember(e.actor(), "actor");
  if (!m.ok()) return m.status();
  if (e.group().empty()) return InvalidField("group", "required");
  std::optional<int32_t> g = FindGroup(e.group());
  if (!g.has_value()) {
    return absl::NotFoundError(absl::StrCat("group: unknown group '", e.group(), "'"));
  }
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

// ---------------------------------------------------------------- checks

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
    default:
      return absl::InternalError("membership: event kind not handled here");
  }
}

absl::Status Membership::CheckApply(const v1::Event& e) const {
  const v1::Application& a = e.apply();
  if (std::optional<MemberIndex> m = Find(e.actor());
      m.has_value() && !MayApply(members_[*m].status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "actor: member '", e.actor(), "' is already ",
        StatusName(members_[*m].status)));
  }
  if (!e.group().empty() && !FindGroup(e.group()).has_value()) {
    return absl::NotFoundError(absl::StrCat("group: unknown group '", e.group(), "'"));
  }
  if (!Find(e.actor()).has_value() && members_.size() >= limits::kMaxMembers) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "actor: the roster is full (", limits::kMaxMembers, " member ids)"));
  }
  if (!a.inviter().empty() && !Find(a.inviter()).has_value()) {
    return absl::NotFoundError(
        absl::StrCat("apply.inviter: unknown member '", a.inviter(), "'"));
  }
  if (a.inviter() == e.actor()) return InvalidField("apply.inviter", "nobody invites themselves");
  return absl::OkStatus();
}

absl::Status Membership::CheckApprove(const v1::Event& e) const {
  const bool approve = e.has_approve();
  const absl::string_view id = approve ? e.approve().member() : e.reject().member();
  const absl::string_view field = approve ? "approve.member" : "reject.member";
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat(field, ": unknown member '", id, "'"));
  }
  if (members_[*m].status != v1::MEMBER_STATUS_PENDING) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": member '", id, "' is ", StatusName(members_[*m].status),
        ", not pending approval"));
  }
  return AuthorizeOperator(e, OperatorAct::kApprove, std::nullopt);
}

absl::Status Membership::CheckLeave(const v1::Event& e) const {
  std::optional<MemberIndex> m = Find(e.actor());
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat("actor: unknown member '", e.actor(), "'"));
  }
  if (!InCommunity(members_[*m].status)) return NotActive(members_[*m], "actor");
  if (members_[*m].role == v1::ROLE_OWNER) {
    return absl::FailedPreconditionError("actor: the owner cannot leave the community");
  }
  return absl::OkStatus();
}

absl::Status Membership::CheckRename(const v1::Event& e) const {
  if (absl::Status s = ActiveMember(e.actor(), "actor").status(); !s.ok()) return s;
  if (e.rename().nickname().empty()) return InvalidField("rename.nickname", "required");
  return absl::OkStatus();
}

absl::Status Membership::CheckIntroduce(const v1::Event& e) const {
  if (absl::Status s = ActiveMember(e.actor(), "actor").status(); !s.ok()) return s;
  const auto& fields = e.introduce().fields();
  size_t total = 0;
  for (const auto& [key, value] : fields) total += key.size() + value.size();
  if (total > limits::kMaxTextBytes) {
    return InvalidField("introduce.fields",
                   absl::StrCat(total, " bytes in all, limit ", limits::kMaxTextBytes));
  }
  return absl::OkStatus();
}

absl::Status Membership::CheckActOnMember(const v1::Event& e,
                                          absl::string_view id, OperatorAct act,
                                          absl::string_view field) const {
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat(field, ": unknown member '", id, "'"));
  }
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
  if (!to.has_value()) {
    return absl::NotFoundError(absl::StrCat("move.to_group: unknown group '", mv.to_group(), "'"));
  }
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
  if (rc.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(rc.role())) {
    return InvalidField("set_role.role", "required");
  }
  if (rc.role() == v1::ROLE_OWNER) {
    return InvalidField("set_role.role", "ownership cannot be given by set_role");
  }
  return CheckActOnMember(e, rc.member(), OperatorAct::kSetRole, "set_role.member");
}

absl::Status Membership::CheckJoinTeam(const v1::Event& e) const {
  const v1::TeamChoice& tc = e.join_team();
  const auto& names = config_.teams().names();
  auto it = std::find(names.begin(), names.end(), tc.team());
  if (it == names.end()) {
    return absl::NotFoundError(absl::StrCat("join_team.team: unknown team '", tc.team(), "'"));
  }
  const absl::string_view who = tc.member().empty() ? e.actor() : tc.member();
  if (who == e.actor()) {
    if (config_.teams().assignment() == v1::TEAM_ASSIGNMENT_SMALLEST) {
      return absl::FailedPreconditionError(
          "join_team: teams are assigned by the engine, not picked");
    }
    if (absl::Status s = ActiveMember(who, "actor").status(); !s.ok()) return s;
  } else if (absl::Status s = CheckActOnMember(e, who, OperatorAct::kAssignTeam,
                                               "join_team.member");
             !s.ok()) {
    return s;
  }
  const size_t t = it - names.begin();
  if (members_[*Find(who)].team == static_cast<int32_t>(t)) {
    return absl::FailedPreconditionError(
        absl::StrCat("join_team.team: already in team '", tc.team(), "'"));
  }
  const uint32_t max = config_.teams().max_size();
  if (max != 0 && team_sizes_[t] >= max) {
    return absl::FailedPreconditionError(
        absl::StrCat("join_team.team: team '", tc.team(), "' is full (", max, ")"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- apply

void Membership::Apply(const v1::Event& e, v1::Outcome& out) {
  switch (e.kind_case()) {
    case v1::Event::kApply: return ApplyApplication(e, out);
    case v1::Event::kApprove:
    case v1::Event::kReject: return ApplyDecision(e, out);
    case v1::Event::kLeave: return ApplyLeave(e, out);
    case v1::Event::kRename: return ApplyRename(e, out);
    case v1::Event::kIntroduce: return ApplyIntroduce(e, out);
    case v1::Event::kHandbookAck: {
      const MemberIndex m = *Find(e.actor());
      members_[m].handbook_ok = true;
      return UpdateRitual(m, out);
    }
    case v1::Event::kRemove:
    case v1::Event::kBan:
    case v1::Event::kUnban:
    case v1::Event::kGraduate: return ApplyOperatorExit(e, out);
    case v1::Event::kMove: return ApplyMove(e, out);
    case v1::Event::kSetRole: return ApplySetRole(e, out);
    case v1::Event::kJoinTeam: return ApplyJoinTeam(e, out);
    case v1::Event::kEndCommunity: return EndCommunity("operator.end_community", out);
    default: return;
  }
}

std::pair<std::string, std::string> Membership::FirstUnmetThreshold(
    const v1::Event& e) const {
  const v1::AdmissionPolicy& policy = config_.admission();
  const v1::Application& a = e.apply();
  if (policy.require_rules_acceptance() && !a.accepted_rules()) {
    return {"admission.require_rules_acceptance", "the group rules were not accepted"};
  }
  for (int i = 0; i < policy.prescreen_size(); ++i) {
    const v1::AttributeRequirement& req = policy.prescreen(i);
    auto it = a.attributes().find(req.attribute());
    const bool ok = it != a.attributes().end() &&
                    std::find(req.allowed_values().begin(), req.allowed_values().end(),
                              it->second) != req.allowed_values().end();
    if (!ok) {
      return {absl::StrCat("admission.prescreen[", i, "]"),
              absl::StrCat(req.attribute(), " must be one of: ",
                           absl::StrJoin(req.allowed_values(), ", "))};
    }
  }
  if (HasThreshold(policy, v1::THRESHOLD_INVITATION)) {
    std::optional<MemberIndex> inviter = Find(a.inviter());
    if (!inviter.has_value() || !members_[*inviter].active()) {
      return {"admission.thresholds.invitation", "an invitation from an active member is required"};
    }
  }
  if (HasThreshold(policy, v1::THRESHOLD_PAID) && a.fee_paid_cents() < policy.fee_cents()) {
    return {"admission.thresholds.paid",
            absl::StrCat("fee of ", policy.fee_cents(), " cents not paid (", a.fee_paid_cents(), ")")};
  }
  if (HasThreshold(policy, v1::THRESHOLD_TASK) &&
      std::find(a.completed_tasks().begin(), a.completed_tasks().end(),
                policy.admission_task()) == a.completed_tasks().end()) {
    return {"admission.thresholds.task",
            absl::StrCat("task '", policy.admission_task(), "' not completed")};
  }
  if (a.deposit_paid_cents() < policy.deposit_cents()) {
    return {"admission.deposit_cents",
            absl::StrCat("deposit of ", policy.deposit_cents(), " cents not paid (",
                         a.deposit_paid_cents(), ")")};
  }
  return {};
}

int32_t Membership::EntryGroup(const v1::Event& e) const {
  if (!e.group().empty()) return *FindGroup(e.group());
  const std::string& entry = config_.admission().entry_group_id();
  if (!entry.empty()) return *FindGroup(entry);
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].stage == v1::FUNNEL_STAGE_ACQUISITION) return static_cast<int32_t>(g);
  }
  return 0;
}

void Membership::ApplyApplication(const v1::Event& e, v1::Outcome& out) {
  const v1::Application& a = e.apply();
  const MemberIndex m = Intern(e.actor());
  Member& member = members_[m];
  if (member.status == v1::MEMBER_STATUS_BANNED) {
    AddAction(out, v1::ACTION_KIND_REFUSE, "blacklist", member.id)
        .set_reason("blacklist");
    return;
  }
  member.nickname = a.nickname();
  member.channel = a.channel();
  member.applied_ms = e.time_ms();
  member.attributes.assign(a.attributes().begin(), a.attributes().end());
  std::sort(member.attributes.begin(), member.attributes.end());
  member.inviter = a.inviter().empty() ? kNoMember : *Find(a.inviter());
  member.fee_paid_cents = a.fee_paid_cents();
  member.rules_accepted = a.accepted_rules();
  member.introduction_ok = member.handbook_ok = member.ritual_complete = false;
  member.exit_reason.clear();
  if (auto [rule, why] = FirstUnmetThreshold(e); !rule.empty()) {
    member.status = v1::MEMBER_STATUS_REFUSED;
    member.exit_reason = rule;
    v1::Action& refuse = AddAction(out, v1::ACTION_KIND_REFUSE, rule, member.id);
    refuse.set_reason(rule);
    refuse.set_text(why);
    return;
  }
  // The deposit is held from the application: a refused seat returns it.
  member.deposit_cents = config_.admission().deposit_cents();
  const int32_t wanted = EntryGroup(e);
  if (HasThreshold(config_.admission(), v1::THRESHOLD_APPLICATION)) {
    member.status = v1::MEMBER_STATUS_PENDING;
    member.group = wanted;
    AddAction(out, v1::ACTION_KIND_AWAIT_APPROVAL, "admission.thresholds.application",
              member.id)
        .set_group(groups_[wanted].id);
    return;
  }
  SeatOrQueue(m, wanted, e.time_ms(), out);
}

void Membership::ApplyDecision(const v1::Event& e, v1::Outcome& out) {
  if (e.has_approve()) {
    const MemberIndex m = *Find(e.approve().member());
    SeatOrQueue(m, members_[m].group, e.time_ms(), out);
    return;
  }
  const MemberIndex m = *Find(e.reject().member());
  Member& member = members_[m];
  member.status = v1::MEMBER_STATUS_REFUSED;
  member.exit_reason = e.reject().reason();
  member.deposit_cents = 0;
  v1::Action& refuse = AddAction(out, v1::ACTION_KIND_REFUSE, "operator.reject", member.id);
  refuse.set_reason("operator.reject");
  refuse.set_text(e.reject().reason());
}

Membership::Seat Membership::FindSeat(int32_t wanted) const {
  const uint32_t quota = config_.admission().community_quota();
  const v1::OverflowPolicy policy = config_.admission().overflow();
  const bool community_full = quota != 0 && active_count_ >= quota;
  if (!community_full && groups_[wanted].headcount < groups_[wanted].capacity) {
    return {Seat::kAdmit, wanted};
  }
  if (!community_full && policy == v1::OVERFLOW_POLICY_OPEN_GROUP) {
    // Any group of the same stage with a free seat, configured or opened
    // earlier, before a new one: that also refills groups that shrank.
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (groups_[g].stage == groups_[wanted].stage &&
          groups_[g].headcount < groups_[g].capacity) {
        return {Seat::kAdmit, static_cast<int32_t>(g)};
      }
    }
    // Past the group limit no group is opened: the applicant waits.
    if (groups_.size() < static_cast<size_t>(limits::kMaxGroups)) {
      return {Seat::kAdmit, kNoGroup};
    }
  }
  // A new group cannot help a full community, so OPEN_GROUP waits too.
  if (policy == v1::OVERFLOW_POLICY_WAITLIST || policy == v1::OVERFLOW_POLICY_OPEN_GROUP) {
    return {Seat::kWaitlist, wanted};
  }
  return {Seat::kRefuse, wanted};
}

int32_t Membership::OpenOverflowGroup(int32_t from, int64_t now, v1::Outcome& out) {
  Group g;
  const std::string& base =
      groups_[from].opened_from.empty() ? groups_[from].id : groups_[from].opened_from;
  // Groups are never removed and each took the smallest free suffix, so
  // every suffix below count + 2 is taken: start there.
  uint32_t& opened = opened_per_base_[base];
  uint64_t n = uint64_t{opened} + 2;
  while (group_by_id_.contains(absl::StrCat(base, "-", n))) ++n;
  ++opened;
  g.id = absl::StrCat(base, "-", n);
  g.opened_from = base;
  g.opened_ms = now;
  g.stage = groups_[from].stage;
  g.capacity = groups_[from].capacity;
  g.working_size = groups_[from].working_size;
  const int32_t index = static_cast<int32_t>(groups_.size());
  group_by_id_.emplace(g.id, index);
  v1::Action& open = AddAction(out, v1::ACTION_KIND_OPEN_GROUP, "admission.overflow", "");
  open.set_group(base);
  open.set_target_group(g.id);
  open.set_amount(g.capacity);
  groups_.push_back(std::move(g));
  return index;
}

void Membership::SeatOrQueue(MemberIndex m, int32_t wanted, int64_t now, v1::Outcome& out) {
  Seat seat = FindSeat(wanted);
  Member& member = members_[m];
  switch (seat.kind) {
    case Seat::kAdmit:
      if (seat.group == kNoGroup) seat.group = OpenOverflowGroup(wanted, now, out);
      Admit(m, seat.group, now, "admission", out);
      return;
    case Seat::kWaitlist: {
      member.status = v1::MEMBER_STATUS_WAITLISTED;
      member.group = wanted;
      waitlist_.push_back(m);
      v1::Action& w = AddAction(out, v1::ACTION_KIND_WAITLIST, "admission.overflow", member.id);
      w.set_group(groups_[wanted].id);
      w.set_amount(static_cast<int64_t>(waitlist_.size()));
      return;
    }
    case Seat::kRefuse: {
      member.status = v1::MEMBER_STATUS_REFUSED;
      member.exit_reason = "admission.quota";
      member.deposit_cents = 0;
      v1::Action& r = AddAction(out, v1::ACTION_KIND_REFUSE, "admission.overflow", member.id);
      r.set_reason("admission.quota");
      r.set_group(groups_[wanted].id);
      r.set_text(absl::StrCat("group '", groups_[wanted].id, "' is full"));
      return;
    }
  }
}

void Membership::Admit(MemberIndex m, int32_t g, int64_t now, absl::string_view rule,
                       v1::Outcome& out) {
  Member& member = members_[m];
  if (member.number == 0) member.number = next_number_++;
  member.status = v1::MEMBER_STATUS_ACTIVE;
  member.group = g;
  member.joined_ms = now;
  ++groups_[g].headcount;
  ++active_count_;
  v1::Action& admit = AddAction(out, v1::ACTION_KIND_ADMIT, rule, member.id);
  admit.set_group(groups_[g].id);
  admit.set_amount(member.number);
  if (member.deposit_cents > 0) {
    AddAction(out, v1::ACTION_KIND_TAKE_DEPOSIT, "admission.deposit_cents", member.id)
        .set_amount_cents(member.deposit_cents);
  }
  if (member.inviter != kNoMember) {
    ++members_[member.inviter].referrals;
    AddAction(out, v1::ACTION_KIND_RECORD_REFERRAL, "admission.referral", member.id)
        .set_target_member(members_[member.inviter].id);
  }
  if (config_.teams().assignment() == v1::TEAM_ASSIGNMENT_SMALLEST && member.team < 0) {
    const auto smallest = std::min_element(team_sizes_.begin(), team_sizes_.end());
    member.team = static_cast<int32_t>(smallest - team_sizes_.begin());
    ++*smallest;
    AddAction(out, v1::ACTION_KIND_ASSIGN_TEAM, "teams.assignment", member.id)
        .set_text(config_.teams().names(member.team));
  }
  StartRitual(m, now, out);
}

void Membership::StartRitual(MemberIndex m, int64_t now, v1::Outcome& out) {
  const v1::OnboardingRitual& ritual = config_.ritual();
  Member& member = members_[m];
  member.reminded = false;
  member.ritual_deadline_ms = member.ritual_removal_ms = 0;
  if (!ritual.welcome_message().empty() || ritual.steps_size() > 0) {
    AddAction(out, v1::ACTION_KIND_WELCOME, "ritual.welcome_message", member.id)
        .set_text(ritual.welcome_message());
  }
  if (!ritual.handbook().empty()) {
    AddAction(out, v1::ACTION_KIND_SEND_HANDBOOK, "ritual.handbook", member.id)
        .set_text(ritual.handbook());
  }
  member.nickname_ok = NicknameMismatch(member.nickname, ritual.nickname()).empty();
  UpdateRitual(m, out);
  if (!member.ritual_complete && ritual.deadline_seconds() > 0) {
    member.ritual_deadline_ms = now + ritual.deadline_seconds() * kMillis;
    timers_.insert({member.ritual_deadline_ms, m});
  }
}

std::string Membership::MissingRitualSteps(const Member& m) const {
  std::vector<absl::string_view> missing;
  for (int step : config_.ritual().steps()) {
    switch (step) {
      case v1::RITUAL_STEP_ACCEPT_RULES:
        if (!m.rules_accepted) missing.push_back("accept the group rules");
        break;
      case v1::RITUAL_STEP_NICKNAME:
        if (!m.nickname_ok) missing.push_back("set the nickname format");
        break;
      case v1::RITUAL_STEP_INTRODUCTION:
        if (!m.introduction_ok) missing.push_back("post the self-introduction");
        break;
      case v1::RITUAL_STEP_HANDBOOK:
        if (!m.handbook_ok) missing.push_back("read the handbook");
        break;
    }
  }
  return absl::StrJoin(missing, "; ");
}

void Membership::UpdateRitual(MemberIndex m, v1::Outcome& out) {
  Member& member = members_[m];
  if (member.ritual_complete || !member.active()) return;
  if (!MissingRitualSteps(member).empty()) return;
  member.ritual_complete = true;
  CancelTimer(m);
}

void Membership::CancelTimer(MemberIndex m) {
  Member& member = members_[m];
  timers_.erase({member.ritual_deadline_ms, m});
  timers_.erase({member.ritual_removal_ms, m});
}

void Membership::ApplyLeave(const v1::Event& e, v1::Outcome& out) {
  Exit(*Find(e.actor()), e.time_ms(), v1::MEMBER_STATUS_LEFT, "left", false, out);
}

void Membership::ApplyRename(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.actor());
  Member& member = members_[m];
  member.nickname = e.rename().nickname();
  const v1::NicknameFormat& staff = config_.roles().staff_nickname();
  if (IsStaff(member.role)) {
    if (std::string why = NicknameMismatch(member.nickname, staff); !why.empty()) {
      v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, "roles.staff_nickname", member.id);
      r.set_reason("nickname.staff_format");
      r.set_text(absl::StrCat("staff nickname ", why));
    }
    return;
  }
  if (!staff.prefix().empty() && absl::StartsWith(member.nickname, staff.prefix())) {
    v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, "roles.staff_nickname", member.id);
    r.set_reason("nickname.staff_prefix");
    r.set_text(absl::StrCat("members may not use the staff prefix '", staff.prefix(), "'"));
  }
  if (!HasStep(config_.ritual(), v1::RITUAL_STEP_NICKNAME)) return;
  const std::string why = NicknameMismatch(member.nickname, config_.ritual().nickname());
  member.nickname_ok = why.empty();
  if (!member.nickname_ok) {
    v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, "ritual.nickname", member.id);
    r.set_reason("nickname.format");
    r.set_text(absl::StrCat("nickname ", why));
  }
  UpdateRitual(m, out);
}

void Membership::ApplyIntroduce(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.actor());
  std::vector<absl::string_view> missing;
  for (const std::string& field : config_.ritual().intro_fields()) {
    auto it = e.introduce().fields().find(field);
    if (it == e.introduce().fields().end() || it->second.empty()) missing.push_back(field);
  }
  if (!missing.empty()) {
    v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, "ritual.intro_fields", members_[m].id);
    r.set_reason("introduction.missing_fields");
    r.set_text(absl::StrCat("introduction lacks: ", absl::StrJoin(missing, ", ")));
    return;
  }
  members_[m].introduction_ok = true;
  UpdateRitual(m, out);
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
    AddAction(out, v1::ACTION_KIND_REMOVE, "operator.graduate", members_[m].id)
        .set_reason("graduated");
    Exit(m, now, v1::MEMBER_STATUS_GRADUATED, "graduated", true, out);
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

void Membership::Exit(MemberIndex m, int64_t now, v1::MemberStatus status,
                      absl::string_view reason, bool refund, v1::Outcome& out) {
  Member& member = members_[m];
  const v1::MemberStatus was = member.status;
  member.status = status;
  member.exit_reason = std::string(reason);
  member.left_ms = now;
  CancelTimer(m);
  if (member.deposit_cents > 0 && InCommunity(was)) {
    // Only a seated member has forfeited anything by leaving midway.
    const bool give_back = refund || was != v1::MEMBER_STATUS_ACTIVE;
    AddAction(out, give_back ? v1::ACTION_KIND_REFUND_DEPOSIT : v1::ACTION_KIND_FORFEIT_DEPOSIT,
              give_back ? "admission.deposit_cents.refund" : "admission.deposit_cents.forfeit",
              member.id)
        .set_amount_cents(member.deposit_cents);
    member.deposit_cents = 0;
  }
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

void Membership::SeatFromWaitlist(int64_t now, v1::Outcome& out) {
  // The first waiting member who now fits takes the seat; with a community
  // quota that may be someone waiting for another group of the same stage.
  for (auto it = waitlist_.begin(); it != waitlist_.end(); ++it) {
    const Seat seat = FindSeat(members_[*it].group);
    if (seat.kind != Seat::kAdmit || seat.group == kNoGroup) continue;
    const MemberIndex m = *it;
    waitlist_.erase(it);
    Admit(m, seat.group, now, "admission.waitlist", out);
    return;
  }
}

void Membership::ApplyMove(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.move().member());
  Member& member = members_[m];
  const int32_t from = member.group;
  const int32_t to = *FindGroup(e.move().to_group());
  v1::Action& a = AddAction(out, v1::ACTION_KIND_MOVE, "operator.move", member.id);
  a.set_group(groups_[from].id);
  a.set_target_group(groups_[to].id);
  --groups_[from].headcount;
  ++groups_[to].headcount;
  member.group = to;
  SeatFromWaitlist(e.time_ms(), out);
}

void Membership::ApplySetRole(const v1::Event& e, v1::Outcome& out) {
  Member& member = members_[*Find(e.set_role().member())];
  member.role = e.set_role().role();
  v1::Action& a = AddAction(out, v1::ACTION_KIND_SET_ROLE, "operator.set_role", member.id);
  a.set_text(std::string(RoleName(member.role)));
  a.set_amount(member.role);
}

void Membership::ApplyJoinTeam(const v1::Event& e, v1::Outcome& out) {
  const v1::TeamChoice& tc = e.join_team();
  const std::string& who = tc.member().empty() ? e.actor() : tc.member();
  Member& member = members_[*Find(who)];
  const auto& names = config_.teams().names();
  const int32_t t = static_cast<int32_t>(std::find(names.begin(), names.end(), tc.team()) -
                                         names.begin());
  if (member.team >= 0) --team_sizes_[member.team];
  member.team = t;
  ++team_sizes_[t];
  AddAction(out, v1::ACTION_KIND_ASSIGN_TEAM,
            who == e.actor() ? "teams.member_picks" : "operator.assign_team", member.id)
      .set_text(tc.team());
}

// ---------------------------------------------------------------- timers

std::optional<int64_t> Membership::NextDue() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

void Membership::RunDue(int64_t now, v1::Outcome& out) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    const auto [due, m] = *timers_.begin();
    timers_.erase(timers_.begin());
    Member& member = members_[m];
    if (!member.active() || member.ritual_complete) continue;
    if (!member.reminded) {
      member.reminded = true;
      const int64_t grace = config_.ritual().grace_seconds() == 0
                                ? kDefaultGraceSeconds
                                : config_.ritual().grace_seconds();
      member.ritual_removal_ms = due + grace * kMillis;
      timers_.insert({member.ritual_removal_ms, m});
      v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, "ritual.deadline_seconds", member.id);
      r.set_reason("ritual.incomplete");
      r.set_text(MissingRitualSteps(member));
      r.set_group(groups_[member.group].id);
      continue;
    }
    v1::Action& r = AddAction(out, v1::ACTION_KIND_REMOVE, "ritual.grace_seconds", member.id);
    r.set_reason("ritual.incomplete");
    r.set_text(MissingRitualSteps(member));
    r.set_group(groups_[member.group].id);
    Exit(m, due, v1::MEMBER_STATUS_REMOVED, "ritual.incomplete", false, out);
  }
}

// ------------------------------------------------- decisions of other parts

void Membership::CarryOut(int action_index, int64_t now, v1::Outcome& out) {
  const v1::Action a = out.actions(action_index);
  std::optional<MemberIndex> m = Find(a.member());
  if (!m.has_value()) return;
  Member& member = members_[*m];
  switch (a.kind()) {
    case v1::ACTION_KIND_REMOVE:
    case v1::ACTION_KIND_BAN: {
      const bool ban = a.kind() == v1::ACTION_KIND_BAN;
      if (member.status == v1::MEMBER_STATUS_BANNED) return;
      if (!InCommunity(member.status)) {
        if (ban) member.status = v1::MEMBER_STATUS_BANNED;
        return;
      }
      Exit(*m, now, ban ? v1::MEMBER_STATUS_BANNED : v1::MEMBER_STATUS_REMOVED,
           a.reason().empty() ? a.rule() : a.reason(), false, out);
      return;
    }
    case v1::ACTION_KIND_DEDUCT_DEPOSIT: {
      const int64_t taken = std::min(a.amount_cents(), member.deposit_cents);
      out.mutable_actions(action_index)->set_amount_cents(taken);
      member.deposit_cents -= taken;
      const bool had_deposit = config_.admission().deposit_cents() > 0;
      if (had_deposit && member.deposit_cents == 0 && member.active()) {
        v1::Action& r = AddAction(out, v1::ACTION_KIND_REMOVE, "admission.deposit_cents",
                                  member.id);
        r.set_reason("deposit.exhausted");
        r.set_category(a.category());
        r.set_group(groups_[member.group].id);
        Exit(*m, now, v1::MEMBER_STATUS_REMOVED, "deposit.exhausted", false, out);
      }
      return;
    }
    case v1::ACTION_KIND_MOVE: {
      std::optional<int32_t> to = FindGroup(a.target_group());
      if (!member.active() || !to.has_value() || *to == member.group ||
          groups_[*to].headcount >= groups_[*to].capacity) {
        return;
      }
      const int32_t from = member.group;
      --groups_[from].headcount;
      ++groups_[*to].headcount;
      member.group = *to;
      SeatFromWaitlist(now, out);
      return;
    }
    default:
      return;
  }
}

void Membership::EndCommunity(absl::string_view rule, v1::Outcome& out) {
  for (Member& member : members_) {
    // No ritual runs on after the end: the deadlines go with the timers, so
    // a snapshot restored later does not bring them back.
    member.ritual_deadline_ms = member.ritual_removal_ms = 0;
    if (member.deposit_cents <= 0) continue;
    AddAction(out, v1::ACTION_KIND_REFUND_DEPOSIT, rule, member.id)
        .set_amount_cents(member.deposit_cents);
    member.deposit_cents = 0;
  }
  timers_.clear();
}

// ---------------------------------------------------------------- snapshot

void Membership::Save(v1::MembershipState* state) const {
  state->set_next_number(next_number_);
  for (const Group& g : groups_) {
    v1::GroupRecord* r = state->add_groups();
    r->set_id(g.id);
    r->set_stage(g.stage);
    r->set_capacity(g.capacity);
    r->set_working_size(g.working_size);
    r->set_opened_from(g.opened_from);
    r->set_opened_ms(g.opened_ms);
  }
  for (MemberIndex m = 0; m < members_.size(); ++m) SaveMember(m, state->add_members());
  for (MemberIndex m : waitlist_) state->add_waitlist(members_[m].id);
}

void Membership::SaveMember(MemberIndex index, v1::MemberRecord* r) const {
  const Member& m = members_[index];
  r->set_id(m.id);
  r->set_number(m.number);
  r->set_nickname(m.nickname);
  r->set_role(m.role);
  r->set_status(m.status);
  if (m.group != kNoGroup) r->set_group(groups_[m.group].id);
  if (m.team >= 0) r->set_team(config_.teams().names(m.team));
  r->set_channel(m.channel);
  if (m.inviter != kNoMember) r->set_inviter(members_[m.inviter].id);
  r->set_applied_ms(m.applied_ms);
  r->set_joined_ms(m.joined_ms);
  r->set_left_ms(m.left_ms);
  r->set_fee_paid_cents(m.fee_paid_cents);
  r->set_deposit_cents(m.deposit_cents);
  for (const auto& [k, v] : m.attributes) (*r->mutable_attributes())[k] = v;
  v1::RitualProgress* p = r->mutable_ritual();
  p->set_rules_accepted(m.rules_accepted);
  p->set_nickname_ok(m.nickname_ok);
  p->set_introduction_ok(m.introduction_ok);
  p->set_handbook_ok(m.handbook_ok);
  p->set_complete(m.ritual_complete);
  p->set_reminded(m.reminded);
  p->set_deadline_ms(m.ritual_deadline_ms);
  p->set_removal_ms(m.ritual_removal_ms);
  r->set_referrals(m.referrals);
  r->set_exit_reason(m.exit_reason);
}

absl::Status Membership::Load(const v1::MembershipState& state) {
  // Build into fresh containers so a bad snapshot leaves this object as it was.
  if (state.groups_size() > limits::kMaxGroups) {
    return InvalidField("membership.groups", absl::StrCat(state.groups_size(), " groups, limit ",
                                                     limits::kMaxGroups));
  }
  if (static_cast<size_t>(state.members_size()) > limits::kMaxMembers) {
    return InvalidField("membership.members", absl::StrCat(state.members_size(), " members, limit ",
                                                       limits::kMaxMembers));
  }
  std::vector<Group> groups;
  absl::flat_hash_map<std::string, int32_t> group_by_id;
  for (int i = 0; i < state.groups_size(); ++i) {
    const v1::GroupRecord& r = state.groups(i);
    if (r.id().empty() || !group_by_id.emplace(r.id(), i).second) {
      return InvalidField(absl::StrCat("membership.groups[", i, "].id"), "missing or duplicate");
    }
    if (r.capacity() == 0) {
      return InvalidField(absl::StrCat("membership.groups[", i, "].capacity"), "must be positive");
    }
    Group g;
    g.id = r.id();
    g.stage = r.stage();
    g.capacity = r.capacity();
    g.working_size = r.working_size();
    g.opened_from = r.opened_from();
    g.opened_ms = r.opened_ms();
    groups.push_back(std::move(g));
  }
  for (const v1::GroupConfig& g : config_.groups()) {
    if (!group_by_id.contains(g.id())) {
      return InvalidField("membership.groups",
                     absl::StrCat("configured group '", g.id(), "' is missing"));
    }
  }
  std::vector<Member> members;
  absl::flat_hash_map<std::string, MemberIndex> by_id;
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberRecord& r = state.members(i);
    const std::string at = absl::StrCat("membership.members[", i, "]");
    if (r.id().empty() || !by_id.emplace(r.id(), i).second) {
      return InvalidField(at + ".id", "missing or duplicate");
    }
    if (!v1::Role_IsValid(r.role()) || r.role() == v1::ROLE_UNSPECIFIED) {
      return InvalidField(at + ".role", "unknown role");
    }
    if (!v1::MemberStatus_IsValid(r.status()) || r.status() == v1::MEMBER_STATUS_UNSPECIFIED) {
      return InvalidField(at + ".status", "unknown status");
    }
    if (r.number() >= state.next_number()) {
      return InvalidField(at + ".number", "not below next_number");
    }
    Member m;
    m.id = r.id();
    m.number = r.number();
    m.nickname = r.nickname();
    m.role = r.role();
    m.status = r.status();
    if (!r.group().empty()) {
      auto g = group_by_id.find(r.group());
      if (g == group_by_id.end()) {
        return InvalidField(at + ".group", absl::StrCat("unknown group '", r.group(), "'"));
      }
      m.group = g->second;
    } else if (InCommunity(m.status)) {
      return InvalidField(at + ".group", "required for a member in the community");
    }
    if (!r.team().empty()) {
      const auto& names = config_.teams().names();
      auto t = std::find(names.begin(), names.end(), r.team());
      if (t == names.end()) {
        return InvalidField(at + ".team", absl::StrCat("unknown team '", r.team(), "'"));
      }
      m.team = static_cast<int32_t>(t - names.begin());
      if (!InCommunity(m.status)) {
        return InvalidField(at + ".team", "only a member in the community is in a team");
      }
    }
    m.channel = r.channel();
    m.applied_ms = r.applied_ms();
    m.joined_ms = r.joined_ms();
    m.left_ms = r.left_ms();
    m.fee_paid_cents = r.fee_paid_cents();
    m.deposit_cents = r.deposit_cents();
    m.attributes.assign(r.attributes().begin(), r.attributes().end());
    std::sort(m.attributes.begin(), m.attributes.end());
    m.rules_accepted = r.ritual().rules_accepted();
    m.nickname_ok = r.ritual().nickname_ok();
    m.introduction_ok = r.ritual().introduction_ok();
    m.handbook_ok = r.ritual().handbook_ok();
    m.ritual_complete = r.ritual().complete();
    m.reminded = r.ritual().reminded();
    m.ritual_deadline_ms = r.ritual().deadline_ms();
    m.ritual_removal_ms = r.ritual().removal_ms();
    m.referrals = r.referrals();
    m.exit_reason = r.exit_reason();
    members.push_back(std::move(m));
  }
  for (int i = 0; i < state.members_size(); ++i) {
    const std::string& inviter = state.members(i).inviter();
    if (inviter.empty()) continue;
    auto it = by_id.find(inviter);
    if (it == by_id.end()) {
      return InvalidField(absl::StrCat("membership.members[", i, "].inviter"),
                     absl::StrCat("unknown member '", inviter, "'"));
    }
    members[i].inviter = it->second;
  }
  std::deque<MemberIndex> waitlist;
  std::vector<bool> queued(members.size(), false);
  for (int i = 0; i < state.waitlist_size(); ++i) {
    auto it = by_id.find(state.waitlist(i));
    if (it == by_id.end() || members[it->second].status != v1::MEMBER_STATUS_WAITLISTED) {
      return InvalidField(absl::StrCat("membership.waitlist[", i, "]"), "not a waitlisted member");
    }
    if (queued[it->second]) {
      return InvalidField(absl::StrCat("membership.waitlist[", i, "]"), "listed twice");
    }
    queued[it->second] = true;
    waitlist.push_back(it->second);
  }
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].status == v1::MEMBER_STATUS_WAITLISTED && !queued[i]) {
      return InvalidField(absl::StrCat("membership.members[", i, "].status"),
                     "waitlisted but not in the waitlist");
    }
  }
  members_ = std::move(members);
  groups_ = std::move(groups);
  by_id_ = std::move(by_id);
  group_by_id_ = std::move(group_by_id);
  waitlist_ = std::move(waitlist);
  next_number_ = state.next_number();
  RebuildDerived();
  return absl::OkStatus();
}

absl::Status Membership::Verify() const {
  auto mismatch = [](absl::string_view what, uint64_t live, uint64_t recomputed) {
    return absl::InternalError(absl::StrCat("membership: ", what, " is ", live,
                                            ", the roster says ", recomputed));
  };
  if (by_id_.size() != members_.size()) {
    return mismatch("the member index size", by_id_.size(), members_.size());
  }
  if (group_by_id_.size() != groups_.size()) {
    return mismatch("the group index size", group_by_id_.size(), groups_.size());
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    std::optional<int32_t> found = FindGroup(groups_[g].id);
    if (!found.has_value() || *found != static_cast<int32_t>(g)) {
      return absl::InternalError(
          absl::StrCat("membership: group '", groups_[g].id, "' is not indexed"));
    }
  }
  std::vector<uint32_t> headcounts(groups_.size(), 0);
  std::vector<uint32_t> team_sizes(team_sizes_.size(), 0);
  uint32_t active = 0;
  size_t waitlisted = 0;
  size_t timers = 0;
  for (MemberIndex m = 0; m < members_.size(); ++m) {
    const Member& member = members_[m];
    std::optional<MemberIndex> found = Find(member.id);
    if (!found.has_value() || *found != m) {
      return absl::InternalError(
          absl::StrCat("membership: member '", member.id, "' is not indexed"));
    }
    if (InCommunity(member.status) &&
        (member.group < 0 || static_cast<size_t>(member.group) >= groups_.size())) {
      return absl::InternalError(
          absl::StrCat("membership: member '", member.id, "' is in the community without a group"));
    }
    if (member.team >= 0) {
      if (!InCommunity(member.status) || static_cast<size_t>(member.team) >= team_sizes.size()) {
        return absl::InternalError(
            absl::StrCat("membership: member '", member.id, "' is in a team but not in the community"));
      }
      ++team_sizes[member.team];
    }
    waitlisted += member.status == v1::MEMBER_STATUS_WAITLISTED;
    if (!member.active()) continue;
    ++headcounts[member.group];
    ++active;
    if (member.ritual_complete) continue;
    const int64_t due = member.reminded ? member.ritual_removal_ms : member.ritual_deadline_ms;
    if (due > 0) {
      ++timers;
      if (!timers_.contains({due, m})) {
        return absl::InternalError(
            absl::StrCat("membership: member '", member.id, "' has no ritual timer at ", due));
      }
    }
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (headcounts[g] != groups_[g].headcount) {
      return mismatch(absl::StrCat("the headcount of group '", groups_[g].id, "'"),
                      groups_[g].headcount, headcounts[g]);
    }
  }
  for (size_t t = 0; t < team_sizes.size(); ++t) {
    if (team_sizes[t] != team_sizes_[t]) {
      return mismatch(absl::StrCat("the size of team '", config_.teams().names(t), "'"),
                      team_sizes_[t], team_sizes[t]);
    }
  }
  if (active != active_count_) return mismatch("the active count", active_count_, active);
  if (timers != timers_.size()) return mismatch("the number of ritual timers", timers_.size(), timers);
  if (waitlisted != waitlist_.size()) {
    return mismatch("the waitlist length", waitlist_.size(), waitlisted);
  }
  std::vector<bool> queued(members_.size(), false);
  for (MemberIndex m : waitlist_) {
    if (m >= members_.size() || queued[m] ||
        members_[m].status != v1::MEMBER_STATUS_WAITLISTED) {
      return absl::InternalError("membership: the waitlist holds a member twice or one not waiting");
    }
    queued[m] = true;
  }
  return absl::OkStatus();
}

void Membership::RebuildDerived() {
  team_sizes_.assign(config_.teams().names_size(), 0);
  timers_.clear();
  active_count_ = 0;
  opened_per_base_.clear();
  for (Group& g : groups_) {
    g.headcount = 0;
    if (!g.opened_from.empty()) ++opened_per_base_[g.opened_from];
  }
  for (MemberIndex m = 0; m < members_.size(); ++m) {
    const Member& member = members_[m];
    if (member.team >= 0 && InCommunity(member.status)) ++team_sizes_[member.team];
    if (!member.active()) continue;
    ++groups_[member.group].headcount;
    ++active_count_;
    if (member.ritual_complete) continue;
    const int64_t due = member.reminded ? member.ritual_removal_ms : member.ritual_deadline_ms;
    if (due > 0) timers_.insert({due, m});
  }
}

}  // namespace shequn::membership
