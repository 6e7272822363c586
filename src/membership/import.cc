// Importing: an operator records a member who is already in a carrier
// group, as they are. Nothing is sent to them (no welcome, handbook, ritual,
// fee or deposit): a bot added to a running group brings its members in one
// event each without spamming them. Capacity and the quota do not refuse an
// import, since it records who is there already.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "base/field_errors.h"
#include "membership/membership.h"
#include "membership/roster_status.h"
#include "shequn/limits.h"

namespace shequn::membership {
namespace {

v1::Role ImportedRole(const v1::ImportMember& im) {
  return im.role() == v1::ROLE_UNSPECIFIED ? v1::ROLE_MEMBER : im.role();
}

}  // namespace

absl::Status Membership::CheckImport(const v1::Event& e) const {
  const v1::ImportMember& im = e.import_member();
  absl::StatusOr<MemberIndex> actor = ActiveMember(e.actor(), "actor");
  if (!actor.ok()) return actor.status();
  if (im.member().empty()) return InvalidField("import_member.member", "required");
  const v1::Role role = ImportedRole(im);
  if (role == v1::ROLE_OWNER) {
    return InvalidField("import_member.role", "the owner is seated by roles.staff, not imported");
  }
  const v1::Role actor_role = members_[*actor].role;
  if (absl::Status s = Authorize(actor_role, OperatorAct::kImportMember, std::nullopt); !s.ok()) {
    return s;
  }
  if (!Authorize(actor_role, OperatorAct::kImportMember, role).ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("import_member.role: the role ", RoleName(actor_role),
                     " may not import a member with the role ", RoleName(role)));
  }
  if (e.group().empty()) return InvalidField("group", "required: the group the member is in");
  if (!FindGroup(e.group()).has_value()) return UnknownGroup("group", e.group());
  const std::optional<MemberIndex> existing = Find(im.member());
  if (existing.has_value()) {
    const Member& m = members_[*existing];
    if (InCommunity(m.status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "import_member.member: member '", m.id, "' is already ", StatusName(m.status)));
    }
    if (m.status == v1::MEMBER_STATUS_BANNED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "import_member.member: member '", m.id, "' is banned; lift the ban first"));
    }
  } else if (members_.size() >= limits::kMaxMembers) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "import_member.member: the roster is full (", limits::kMaxMembers, " member ids)"));
  }
  if (im.joined_ms() > e.time_ms()) {
    return InvalidField("import_member.joined_ms",
                        absl::StrCat(im.joined_ms(), " is after the event's time ", e.time_ms()));
  }
  if (absl::Status s = CheckImportNumber(im, existing); !s.ok()) return s;
  return CheckTeamPlace(im.team(), "import_member.team");
}

absl::Status Membership::CheckImportNumber(const v1::ImportMember& im,
                                           std::optional<MemberIndex> existing) const {
  const uint32_t number = im.number();
  if (number == 0) return absl::OkStatus();
  if (existing.has_value()) {
    const Member& m = members_[*existing];
    if (m.number != 0 && m.number != number) {
      return absl::FailedPreconditionError(absl::StrCat(
          "import_member.number: member '", m.id, "' already carries number ", m.number,
          "; numbers are never changed"));
    }
  }
  auto holder = by_number_.find(number);
  if (holder != by_number_.end() && holder->second != existing) {
    return absl::AlreadyExistsError(absl::StrCat("import_member.number: number ", number,
                                                 " is taken by member '",
                                                 members_[holder->second].id, "'"));
  }
  return absl::OkStatus();
}

void Membership::ApplyImport(const v1::Event& e, v1::Outcome& out) {
  const v1::ImportMember& im = e.import_member();
  const MemberIndex m = Intern(im.member());
  const int32_t g = *FindGroup(e.group());
  Member& member = members_[m];
  member.nickname = im.nickname();
  member.channel = im.channel();
  member.role = ImportedRole(im);
  member.status = v1::MEMBER_STATUS_ACTIVE;
  member.group = g;
  member.joined_ms = im.joined_ms() == 0 ? e.time_ms() : im.joined_ms();
  // Their silence is counted from the import: the engine never saw them
  // speak before, and a bulk import must not warn the whole group at once.
  member.last_active_ms = e.time_ms();
  member.purge_warned_ms = 0;
  member.inviter = kNoMember;
  member.attributes.clear();
  member.exit_reason.clear();
  member.fee_paid_cents = member.deposit_cents = 0;
  member.rules_accepted = member.nickname_ok = member.introduction_ok = member.handbook_ok =
      member.ritual_complete = true;
  member.reminded = false;
  member.ritual_deadline_ms = member.ritual_removal_ms = 0;
  if (member.number == 0) GiveNumber(m, im.number() == 0 ? next_number_ : im.number());
  ++groups_[g].headcount;
  ++active_count_;
  v1::Action& imported =
      AddAction(out, v1::ACTION_KIND_IMPORTED, "operator.import_member", member.id);
  imported.set_group(groups_[g].id);
  imported.set_amount(member.number);
  if (!im.team().empty()) {
    const auto& names = config_.teams().names();
    JoinTeam(m, static_cast<int32_t>(std::find(names.begin(), names.end(), im.team()) -
                                     names.begin()));
  }
  AutoAssignTeam(m, "operator.import_member", out);
  ArmPurge(m);
}

void Membership::GiveNumber(MemberIndex m, uint32_t number) {
  members_[m].number = number;
  by_number_.emplace(number, m);
  next_number_ = std::max(next_number_, number + 1);
}

}  // namespace shequn::membership
