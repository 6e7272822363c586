// Team bounds on every path (issue #21): the engine's assignment, a
// member's pick, an operator's assignment and an import all stop at
// teams.max_size; a full set of teams refuses or waitlists as configured.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAndAdmin;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

// Two teams of two, assigned by the engine.
v1::CommunityConfig TwoTeamsOfTwo(absl::string_view when_full = "") {
  return MergedConfig({kOneGroup, kOwnerAndAdmin, R"pb(
    id: "camp"
    teams { names: ["red", "blue"] max_size: 2 assignment: TEAM_ASSIGNMENT_SMALLEST }
  )pb", when_full});
}

TEST(TeamBounds, ATeamOfTwoNeverGetsAThirdAndTheFifthApplicantIsRefused) {
  Community c(TwoTeamsOfTwo());
  for (const char* who : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(Find(c.Join(who), v1::ACTION_KIND_ASSIGN_TEAM, who)) << who;
  }
  const v1::Action refused = MustFind(c.Join("e"), v1::ACTION_KIND_REFUSE, "e");
  EXPECT_EQ(refused.rule(), "teams.when_full");
  EXPECT_EQ(refused.reason(), "teams.full");
  EXPECT_EQ(refused.notice().text(), "every team is full (2)");
  int red = 0, blue = 0;
  for (const char* who : {"a", "b", "c", "d"}) {
    red += c.Member(who).team() == "red";
    blue += c.Member(who).team() == "blue";
  }
  EXPECT_EQ(red, 2);
  EXPECT_EQ(blue, 2);
  EXPECT_EQ(c.Member("e").status(), v1::MEMBER_STATUS_REFUSED);
}

TEST(TeamBounds, AWaitlistedApplicantTakesTheTeamPlaceThatFrees) {
  Community c(TwoTeamsOfTwo(R"pb(teams { when_full: TEAMS_FULL_POLICY_WAITLIST })pb"));
  for (const char* who : {"a", "b", "c", "d"}) c.Join(who);
  const v1::Action waiting = MustFind(c.Join("e"), v1::ACTION_KIND_WAITLIST, "e");
  EXPECT_EQ(waiting.rule(), "teams.when_full");
  EXPECT_EQ(c.Member("e").status(), v1::MEMBER_STATUS_WAITLISTED);

  const std::string freed = c.Member("c").team();
  v1::Event leave = c.Make("c");
  leave.mutable_leave();
  const v1::Outcome out = c.Must(leave);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_ADMIT, "e").rule(), "admission.waitlist");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_ASSIGN_TEAM, "e").team().team(), freed);
}

TEST(TeamBounds, AnOperatorCannotAssignAMemberToAFullTeam) {
  v1::CommunityConfig config =
      MergedConfig({kOneGroup, kOwnerAndAdmin, R"pb(
        id: "camp"
        teams { names: ["red", "blue"] max_size: 2 }
      )pb"});
  Community c(config);
  for (const char* who : {"a", "b", "c"}) c.Join(who);
  for (const char* who : {"a", "b"}) {
    v1::Event assign = c.Make("admin");
    assign.mutable_join_team()->set_member(who);
    assign.mutable_join_team()->set_team("red");
    c.Must(assign);
  }
  v1::Event third = c.Make("admin");
  third.mutable_join_team()->set_member("c");
  third.mutable_join_team()->set_team("red");
  c.ExpectRejected(third, Code::kFailedPrecondition, "join_team.team: team 'red' is full (2)");
  v1::Event pick = c.Make("c");
  pick.mutable_join_team()->set_team("red");
  c.ExpectRejected(pick, Code::kFailedPrecondition, "join_team.team: team 'red' is full (2)");
}

TEST(TeamBounds, AnImportIntoFullTeamsIsRefused) {
  Community c(TwoTeamsOfTwo());
  for (const char* who : {"a", "b", "c", "d"}) c.Join(who);
  v1::Event e = c.Make("owner", "g");
  e.mutable_import_member()->set_member("late");
  c.ExpectRejected(e, Code::kFailedPrecondition,
                   "import_member.team: every team is full (teams.max_size 2)");
}

TEST(TeamBounds, AnUnknownWhenFullPolicyIsRefused) {
  v1::CommunityConfig config = TwoTeamsOfTwo();
  config.mutable_teams()->set_when_full(static_cast<v1::TeamsFullPolicy>(9));
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(config);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), HasSubstr("teams.when_full: unknown policy"));
}

}  // namespace
}  // namespace shequn
