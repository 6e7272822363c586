// Where a member stands on the roster, and the errors that say so, shared by
// the files of the membership part. Internal to src/membership/.
#ifndef SHEQUN_SRC_MEMBERSHIP_ROSTER_STATUS_H_
#define SHEQUN_SRC_MEMBERSHIP_ROSTER_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "membership/membership.h"

namespace shequn::membership {

inline bool IsStaff(v1::Role role) { return role != v1::ROLE_MEMBER; }

// Seated, waiting for a seat or waiting for approval.
inline bool InCommunity(v1::MemberStatus s) {
  return s == v1::MEMBER_STATUS_ACTIVE || s == v1::MEMBER_STATUS_WAITLISTED ||
         s == v1::MEMBER_STATUS_PENDING;
}

// The status as error messages name it, e.g. "gone (left)".
inline absl::string_view StatusName(v1::MemberStatus s) {
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

// FailedPrecondition "field: member 'id' is <status>, not active".
inline absl::Status NotActive(const Member& m, absl::string_view field) {
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": member '", m.id, "' is ", StatusName(m.status), ", not active"));
}

// NotFound "field: unknown member 'id'".
inline absl::Status UnknownMember(absl::string_view field, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(field, ": unknown member '", id, "'"));
}

// NotFound "field: unknown group 'id'".
inline absl::Status UnknownGroup(absl::string_view field, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(field, ": unknown group '", id, "'"));
}

}  // namespace shequn::membership

#endif  // SHEQUN_SRC_MEMBERSHIP_ROSTER_STATUS_H_
