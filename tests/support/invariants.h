// Invariants every snapshot keeps, checked from the outside (the snapshot
// alone), for property tests and fuzzers. Engine::CheckConsistency() checks
// the derived state inside; these check what an integrator can see.
//
// Free of GoogleTest: each check returns "" when it holds, else what broke.
#ifndef SHEQUN_TESTS_SUPPORT_INVARIANTS_H_
#define SHEQUN_TESTS_SUPPORT_INVARIANTS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn::testing {

inline bool InCommunity(v1::MemberStatus s) {
  return s == v1::MEMBER_STATUS_ACTIVE || s == v1::MEMBER_STATUS_WAITLISTED ||
         s == v1::MEMBER_STATUS_PENDING;
}

// No member in two states at once, and the records agree with each other:
//  * every member id appears once, with one known status and role;
//  * a member in the community (pending, waitlisted, active) is in a group
//    that exists; group ids are unique;
//  * the waitlist is exactly the WAITLISTED members, each once;
//  * member numbers are unique, below next_number, and set once active;
//  * only a member in the community is in a team, and no team is over
//    teams.max_size when members pick teams;
//  * deposits are held only by members in the community, never negative,
//    and none once the community has ended;
//  * exactly one owner, and the owner is active;
//  * seen event ids are unique and in time order, none after last_time_ms.
inline std::string MembershipViolation(const v1::CommunityConfig& config,
                                       const v1::CommunitySnapshot& snap) {
  const v1::MembershipState& ms = snap.membership();
  absl::flat_hash_set<std::string> groups;
  for (const v1::GroupRecord& g : ms.groups()) {
    if (!groups.insert(g.id()).second) return absl::StrCat("group '", g.id(), "' twice");
  }
  absl::flat_hash_map<std::string, v1::MemberStatus> status;
  absl::flat_hash_set<uint32_t> numbers;
  absl::flat_hash_map<std::string, uint32_t> team_sizes;
  int owners = 0;
  for (const v1::MemberRecord& m : ms.members()) {
    const std::string who = absl::StrCat("member '", m.id(), "'");
    if (m.id().empty()) return "a member without an id";
    if (!status.emplace(m.id(), m.status()).second) return who + " appears twice";
    if (m.status() == v1::MEMBER_STATUS_UNSPECIFIED || !v1::MemberStatus_IsValid(m.status())) {
      return who + " has no status";
    }
    if (m.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(m.role())) return who + " has no role";
    if (InCommunity(m.status()) && !groups.contains(m.group())) {
      return absl::StrCat(who, " is in the community but in no known group ('", m.group(), "')");
    }
    if (m.number() != 0 && !numbers.insert(m.number()).second) {
      return absl::StrCat(who, " shares number ", m.number());
    }
    if (m.number() >= ms.next_number()) return who + " has a number not below next_number";
    if (m.status() == v1::MEMBER_STATUS_ACTIVE && m.number() == 0) return who + " is active unnumbered";
    if (!m.team().empty()) {
      if (!InCommunity(m.status())) return who + " is in a team but not in the community";
      ++team_sizes[m.team()];
    }
    if (m.deposit_cents() < 0) return who + " holds a negative deposit";
    if (m.deposit_cents() > 0 && !InCommunity(m.status())) {
      return who + " holds a deposit but is not in the community";
    }
    if (m.deposit_cents() > 0 && snap.ended()) return who + " holds a deposit after the end";
    if (m.role() == v1::ROLE_OWNER) {
      ++owners;
      if (m.status() != v1::MEMBER_STATUS_ACTIVE) return "the owner is not active";
    }
  }
  if (owners != 1) return absl::StrCat(owners, " owners");
  absl::flat_hash_set<std::string> waiting;
  for (const std::string& id : ms.waitlist()) {
    auto it = status.find(id);
    if (it == status.end() || it->second != v1::MEMBER_STATUS_WAITLISTED) {
      return absl::StrCat("waitlist holds '", id, "', who is not waitlisted");
    }
    if (!waiting.insert(id).second) return absl::StrCat("waitlist holds '", id, "' twice");
  }
  for (const auto& [id, s] : status) {
    if (s == v1::MEMBER_STATUS_WAITLISTED && !waiting.contains(id)) {
      return absl::StrCat("member '", id, "' is waitlisted but not in the waitlist");
    }
  }
  const uint32_t max = config.teams().max_size();
  if (max != 0 && config.teams().assignment() != v1::TEAM_ASSIGNMENT_SMALLEST) {
    for (const auto& [team, size] : team_sizes) {
      if (size > max) return absl::StrCat("team '", team, "' has ", size, " > ", max);
    }
  }
  absl::flat_hash_set<std::string> seen;
  int64_t previous = 0;
  for (const v1::SeenEvent& e : snap.seen()) {
    if (!seen.insert(e.id()).second) return absl::StrCat("seen '", e.id(), "' twice");
    if (e.time_ms() < previous || e.time_ms() > snap.last_time_ms()) {
      return absl::StrCat("seen '", e.id(), "' out of order");
    }
    previous = e.time_ms();
  }
  return "";
}

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_INVARIANTS_H_
