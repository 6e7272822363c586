// Test support: the parts of a community config that many tests share (the
// groups and the staff seats), so a test writes out only the sections it is
// about: MergedConfig({kOneGroup, kOwnerAlone, R"pb(id: "fans" points {...})pb"}).
#ifndef SHEQUN_TESTS_SUPPORT_CONFIGS_H_
#define SHEQUN_TESTS_SUPPORT_CONFIGS_H_

#include <initializer_list>

#include "absl/strings/string_view.h"
#include "shequn/v1/config.pb.h"
#include "support/scenario.h"

namespace shequn::testing {

// Groups.

// One retention group, "g": for tests that are not about the funnel.
inline constexpr absl::string_view kOneGroup = R"pb(
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
)pb";

// The funnel's first two stages: "g1" (acquisition) and "g2" (retention).
inline constexpr absl::string_view kTwoStageFunnel = R"pb(
  groups { id: "g1" stage: FUNNEL_STAGE_ACQUISITION }
  groups { id: "g2" stage: FUNNEL_STAGE_RETENTION }
)pb";

// Staff seats.

// The owner, "owner", is the only staff.
inline constexpr absl::string_view kOwnerAlone = R"pb(
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
)pb";

// The owner, "owner", and an admin, "admin".
inline constexpr absl::string_view kOwnerAndAdmin = R"pb(
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
)pb";

// The seats that may manage others: the owner "owner", a deputy owner
// "deputy" and an admin "admin", in that order (roles.staff[0..2]).
inline constexpr absl::string_view kOwnerDeputyAndAdmin = R"pb(
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "deputy" role: ROLE_DEPUTY_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
)pb";

// A config from text-format parts merged in order: groups and staff seats
// add up in the order given (so field indices in error messages follow it),
// and a later scalar wins.
inline v1::CommunityConfig MergedConfig(std::initializer_list<absl::string_view> parts) {
  v1::CommunityConfig config;
  for (absl::string_view part : parts) config.MergeFrom(ParseConfig(part));
  return config;
}

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_CONFIGS_H_
