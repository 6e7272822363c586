// Who may do what: the authorisation matrix for operator events.
//
// Acts on a member (remove, ban, mute, move, set role…) need a managing role
// (owner, deputy owner, admin) that strictly outranks the target:
//
//   rank:  owner > deputy owner > admin > every other role
//
// so an admin cannot remove the owner or another admin, and nobody removes
// the owner. Importing a member is checked the same way against the role
// they are imported with: an admin imports members, assistants and other
// non-managing staff, not another admin; nobody imports an owner. Acts without a target member are allowed to the roles listed
// in AllowedRoles(). Pure functions: thread-safe, O(1).
#ifndef SHEQUN_AUTHORITY_H_
#define SHEQUN_AUTHORITY_H_

#include <optional>
#include <span>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "shequn/export.h"
#include "shequn/v1/common.pb.h"

namespace shequn {

enum class OperatorAct {
  kApprove,        // approve or reject an applicant
  kRemove,         // remove a member
  kBan,            // ban (blacklist) a member
  kUnban,          // lift a ban
  kMove,           // move a member to another group
  kSetRole,        // change a member's role (never to or from owner)
  kAssignTeam,     // put another member in a team
  kGraduate,       // graduate a member (refunds the deposit)
  kEndCommunity,   // end the community (refunds every deposit)
  kSanction,       // warn, mute or unmute by hand
  kRevokeStrike,   // revoke a strike on appeal
  kAdjustPoints,   // credit or debit points by hand (never to oneself)
  kGrantTitle,     // grant or revoke a title
  kAssignTask,     // set an assignment
  kOpenPoll,       // open or close a poll
  kTag,            // tag or untag a member
  kRecordActivity, // record a group activity held (lecture, meetup)
  kImportMember,   // record a member already in a group, with a role below one's own
  kDismissReports, // dismiss the reports that hid a message, and restore it
};

// Every act, for table-driven tests and documentation.
SHEQUN_EXPORT std::span<const OperatorAct> AllOperatorActs();

// The act's name, e.g. "remove".
SHEQUN_EXPORT absl::string_view OperatorActName(OperatorAct act);

// OK if `actor` may perform `act` on a member with role `target` (nullopt for
// acts without a target member); PermissionDenied otherwise, saying which
// role may. Acts on oneself are checked by the caller.
SHEQUN_EXPORT absl::Status Authorize(v1::Role actor, OperatorAct act,
                       std::optional<v1::Role> target);

// The role's short name, e.g. "admin".
SHEQUN_EXPORT absl::string_view RoleName(v1::Role role);

}  // namespace shequn

#endif  // SHEQUN_AUTHORITY_H_
