// Teams: picked by a member, assigned by an operator, or given by the
// engine on admission or import (the smallest team first); teams.max_size
// holds on every path.
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
  return CheckTeamPlace(tc.team(), "join_team.team");
}

absl::Status Membership::CheckTeamPlace(absl::string_view team, absl::string_view field) const {
  const v1::TeamsConfig& teams = config_.teams();
  if (team.empty()) {
    if (!TeamsFull()) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": every team is full (teams.max_size ", teams.max_size(), ")"));
  }
  auto it = std::find(teams.names().begin(), teams.names().end(), team);
  if (it == teams.names().end()) {
    return absl::NotFoundError(absl::StrCat(field, ": unknown team '", team, "'"));
  }
  const uint32_t max = teams.max_size();
  if (max != 0 && team_sizes_[it - teams.names().begin()] >= max) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": team '", team, "' is full (", max, ")"));
  }
  return absl::OkStatus();
}

bool Membership::TeamsFull() const {
  const uint32_t max = config_.teams().max_size();
  if (config_.teams().assignment() != v1::TEAM_ASSIGNMENT_SMALLEST || max == 0) return false;
  return std::all_of(team_sizes_.begin(), team_sizes_.end(),
                     [max](uint32_t size) { return size >= max; });
}

void Membership::JoinTeam(MemberIndex m, int32_t t) {
  Member& member = members_[m];
  if (member.team >= 0) --team_sizes_[member.team];
  member.team = t;
  ++team_sizes_[t];
}

void Membership::ApplyJoinTeam(const v1::Event& e, v1::Outcome& out) {
  const v1::TeamChoice& tc = e.join_team();
  const std::string& who = tc.member().empty() ? e.actor() : tc.member();
  const MemberIndex m = *Find(who);
  const auto& names = config_.teams().names();
  JoinTeam(m, static_cast<int32_t>(std::find(names.begin(), names.end(), tc.team()) -
                                   names.begin()));
  AddAction(out, v1::ACTION_KIND_ASSIGN_TEAM,
            who == e.actor() ? "teams.member_picks" : "operator.assign_team", members_[m].id)
      .set_text(tc.team());
}

void Membership::AutoAssignTeam(MemberIndex m, absl::string_view rule, v1::Outcome& out) {
  if (config_.teams().assignment() != v1::TEAM_ASSIGNMENT_SMALLEST || members_[m].team >= 0) {
    return;
  }
  // Callers checked TeamsFull() first, so the smallest team has a place.
  const auto smallest = std::min_element(team_sizes_.begin(), team_sizes_.end());
  JoinTeam(m, static_cast<int32_t>(smallest - team_sizes_.begin()));
  AddAction(out, v1::ACTION_KIND_ASSIGN_TEAM, rule, members_[m].id)
      .set_text(config_.teams().names(members_[m].team));
}

}  // namespace shequn::membership
