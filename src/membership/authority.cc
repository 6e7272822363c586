#include "shequn/authority.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace shequn {
namespace {

using v1::Role;

constexpr std::array kActs = {
    OperatorAct::kApprove,      OperatorAct::kRemove,
    OperatorAct::kBan,          OperatorAct::kUnban,
    OperatorAct::kMove,         OperatorAct::kSetRole,
    OperatorAct::kAssignTeam,   OperatorAct::kGraduate,
    OperatorAct::kEndCommunity, OperatorAct::kSanction,
    OperatorAct::kRevokeStrike, OperatorAct::kAdjustPoints,
    OperatorAct::kGrantTitle,   OperatorAct::kAssignTask,
    OperatorAct::kOpenPoll,     OperatorAct::kTag,
    OperatorAct::kRecordActivity, OperatorAct::kImportMember,
    OperatorAct::kDismissReports,
};

// Lower is more senior. Only owner, deputy owner and admin manage members.
int Rank(Role role) {
  switch (role) {
    case v1::ROLE_OWNER: return 0;
    case v1::ROLE_DEPUTY_OWNER: return 1;
    case v1::ROLE_ADMIN: return 2;
    default: return 3;
  }
}

bool IsManager(Role role) { return Rank(role) <= 2; }

bool IsStaff(Role role) {
  return role != v1::ROLE_MEMBER && role != v1::ROLE_UNSPECIFIED;
}

// Which roles may perform an act, before any rank check against a target.
bool RoleMay(Role actor, OperatorAct act) {
  switch (act) {
    case OperatorAct::kEndCommunity:
      return actor == v1::ROLE_OWNER;
    case OperatorAct::kUnban:
    case OperatorAct::kSetRole:
      return Rank(actor) <= 1;
    case OperatorAct::kRemove:
    case OperatorAct::kBan:
    case OperatorAct::kSanction:
    case OperatorAct::kRevokeStrike:
    case OperatorAct::kAdjustPoints:
    case OperatorAct::kGraduate:
    case OperatorAct::kImportMember:
    case OperatorAct::kDismissReports:
      return IsManager(actor);
    case OperatorAct::kApprove:
      return IsManager(actor) || actor == v1::ROLE_ASSISTANT ||
             actor == v1::ROLE_CUSTOMER_SERVICE;
    case OperatorAct::kMove:
    case OperatorAct::kGrantTitle:
      return IsManager(actor) || actor == v1::ROLE_ASSISTANT;
    case OperatorAct::kAssignTeam:
      return IsManager(actor) || actor == v1::ROLE_ASSISTANT ||
             actor == v1::ROLE_TEAM_LEADER;
    case OperatorAct::kAssignTask:
    case OperatorAct::kOpenPoll:
    case OperatorAct::kRecordActivity:
      return IsManager(actor) || actor == v1::ROLE_ASSISTANT ||
             actor == v1::ROLE_LECTURER || actor == v1::ROLE_TEAM_LEADER ||
             actor == v1::ROLE_KOL;
    case OperatorAct::kTag:
      return IsStaff(actor);
  }
  return false;
}

absl::string_view WhoMay(OperatorAct act) {
  switch (act) {
    case OperatorAct::kEndCommunity: return "the owner";
    case OperatorAct::kUnban:
    case OperatorAct::kSetRole: return "the owner or a deputy owner";
    case OperatorAct::kApprove:
      return "a manager, an assistant or customer service";
    case OperatorAct::kMove:
    case OperatorAct::kGrantTitle: return "a manager or an assistant";
    case OperatorAct::kAssignTeam:
      return "a manager, an assistant or a team leader";
    case OperatorAct::kAssignTask:
    case OperatorAct::kOpenPoll:
    case OperatorAct::kRecordActivity:
      return "a manager, assistant, lecturer, team leader or KOL";
    case OperatorAct::kTag: return "any staff role";
    default: return "a manager (owner, deputy owner or admin)";
  }
}

}  // namespace

std::span<const OperatorAct> AllOperatorActs() { return kActs; }

absl::string_view OperatorActName(OperatorAct act) {
  switch (act) {
    case OperatorAct::kApprove: return "approve";
    case OperatorAct::kRemove: return "remove";
    case OperatorAct::kBan: return "ban";
    case OperatorAct::kUnban: return "unban";
    case OperatorAct::kMove: return "move";
    case OperatorAct::kSetRole: return "set_role";
    case OperatorAct::kAssignTeam: return "assign_team";
    case OperatorAct::kGraduate: return "graduate";
    case OperatorAct::kEndCommunity: return "end_community";
    case OperatorAct::kSanction: return "sanction";
    case OperatorAct::kRevokeStrike: return "revoke_strike";
    case OperatorAct::kAdjustPoints: return "adjust_points";
    case OperatorAct::kGrantTitle: return "grant_title";
    case OperatorAct::kAssignTask: return "assign_task";
    case OperatorAct::kOpenPoll: return "open_poll";
    case OperatorAct::kTag: return "tag";
    case OperatorAct::kRecordActivity: return "record_activity";
    case OperatorAct::kImportMember: return "import_member";
    case OperatorAct::kDismissReports: return "dismiss_reports";
  }
  return "unknown";
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case v1::ROLE_OWNER: return "owner";
    case v1::ROLE_DEPUTY_OWNER: return "deputy owner";
    case v1::ROLE_ADMIN: return "admin";
    case v1::ROLE_ASSISTANT: return "assistant";
    case v1::ROLE_TEAM_LEADER: return "team leader";
    case v1::ROLE_KOL: return "KOL";
    case v1::ROLE_LECTURER: return "lecturer";
    case v1::ROLE_CUSTOMER_SERVICE: return "customer service";
    case v1::ROLE_MEMBER: return "member";
    default: return "unspecified";
  }
}

absl::Status Authorize(Role actor, OperatorAct act,
                       std::optional<Role> target) {
  if (!RoleMay(actor, act)) {
    return absl::PermissionDeniedError(
        absl::StrCat("actor: the role ", RoleName(actor), " may not ",
                     OperatorActName(act), "; only ", WhoMay(act), " may"));
  }
  if (!target.has_value()) return absl::OkStatus();
  // Rank applies only to acts that manage a member: team, title, tag and
  // points acts may address anyone, including seniors.
  bool manages = act == OperatorAct::kRemove || act == OperatorAct::kBan ||
                 act == OperatorAct::kUnban || act == OperatorAct::kMove ||
                 act == OperatorAct::kSetRole ||
                 act == OperatorAct::kSanction ||
                 act == OperatorAct::kGraduate ||
                 act == OperatorAct::kImportMember;
  if (manages && Rank(actor) >= Rank(*target) && IsManager(*target)) {
    return absl::PermissionDeniedError(
        absl::StrCat("member: the role ", RoleName(actor), " may not ",
                     OperatorActName(act), " the role ", RoleName(*target)));
  }
  if (manages && *target == v1::ROLE_OWNER) {
    return absl::PermissionDeniedError(absl::StrCat(
        "member: nobody may ", OperatorActName(act), " the owner"));
  }
  return absl::OkStatus();
}

}  // namespace shequn
