// Teams: picked by a member, assigned by an operator, or given by the
// engine on admission (the smallest team first).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "membership/membership.h"

namespace shequn::membership {

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

void Membership::AutoAssignTeam(MemberIndex m, v1::Outcome& out) {
  Member& member = members_[m];
  if (config_.teams().assignment() != v1::TEAM_ASSIGNMENT_SMALLEST || member.team >= 0) {
    return;
  }
  const auto smallest = std::min_element(team_sizes_.begin(), team_sizes_.end());
  member.team = static_cast<int32_t>(smallest - team_sizes_.begin());
  ++*smallest;
  AddAction(out, v1::ACTION_KIND_ASSIGN_TEAM, "teams.assignment", member.id)
      .set_text(config_.teams().names(member.team));
}

}  // namespace shequn::membership
