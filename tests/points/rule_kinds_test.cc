// Point rule kinds: the built-in acts are an enum (PointRule.built_in); the
// string kind names a custom act earned by Contribution events, and still
// takes a built-in's name as a deprecated alias. A custom kind that looks
// like a misspelt built-in would earn nothing, silently: it is refused with
// a did-you-mean unless the operator marks it custom.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAlone;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::HasSubstr;

v1::CommunityConfig Camp(absl::string_view points) {
  return MergedConfig({kOneGroup, kOwnerAlone, R"pb(id: "camp")pb", points});
}

v1::Event CheckIn(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who, "g");
  e.mutable_check_in()->set_text("ran 5 km");
  return e;
}

v1::Event Contribute(Community& c, absl::string_view who, absl::string_view kind) {
  v1::Event e = c.Make(who, "g");
  e.mutable_contribution()->set_kind(std::string(kind));
  e.mutable_contribution()->set_length(100);
  return e;
}

// The message of the status Engine::Create returns for `points`, or "ok".
std::string Refusal(absl::string_view points) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(Camp(points));
  return engine.ok() ? "ok" : std::string(engine.status().message());
}

TEST(RunningCamp, ACheckInRuleByItsBuiltInKindPays) {
  Community camp(Camp(R"pb(points { rules { built_in: POINT_RULE_KIND_CHECK_IN points: 5 } })pb"));
  camp.Join("ann");
  v1::Outcome out = camp.Must(CheckIn(camp, "ann"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_AWARD_POINTS, "ann").amount(), 5);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_AWARD_POINTS, "ann").reason(), "check_in");
}

TEST(RunningCamp, TheOldStringNameOfABuiltInStillPays) {
  Community camp(Camp(R"pb(points { rules { kind: "check_in" points: 5 } })pb"));
  camp.Join("ann");
  EXPECT_EQ(MustFind(camp.Must(CheckIn(camp, "ann")), v1::ACTION_KIND_AWARD_POINTS).amount(), 5);
}

TEST(RunningCamp, AMisspeltCheckInRuleIsRefusedWithADidYouMean) {
  EXPECT_THAT(Refusal(R"pb(points { rules { kind: "checkin" points: 5 } })pb"),
              HasSubstr("points.rules[0].kind: unknown kind 'checkin' (did you mean 'check_in'?)"));
  EXPECT_THAT(Refusal(R"pb(points {
                rules { kind: "share" points: 1 }
                rules { kind: "Meetup" points: 5 }
              })pb"),
              HasSubstr("points.rules[1].kind: unknown kind 'Meetup' (did you mean 'meetup'?)"));
  EXPECT_THAT(Refusal(R"pb(points { rules { kind: "referal" points: 5 } })pb"),
              HasSubstr("(did you mean 'referral'?)"));
}

TEST(RunningCamp, ACustomKindThatLooksLikeABuiltInIsKeptWhenMarkedCustom) {
  Community camp(Camp(R"pb(points { rules { kind: "checkin" custom: true points: 3 } })pb"));
  camp.Join("ann");
  EXPECT_EQ(MustFind(camp.Must(Contribute(camp, "ann", "checkin")), v1::ACTION_KIND_AWARD_POINTS)
                .amount(),
            3);
  // A built-in check-in is not what the rule pays for.
  EXPECT_EQ(testing::Count(camp.Must(CheckIn(camp, "ann")), v1::ACTION_KIND_AWARD_POINTS), 0);
}

TEST(RunningCamp, CustomKindsFarFromEveryBuiltInNeedNoMark) {
  Community camp(Camp(R"pb(points {
    rules { kind: "share" points: 2 }
    rules { kind: "meeting_notes" points: 4 }
    rules { kind: "answer" points: 6 }
  })pb"));
  camp.Join("ann");
  EXPECT_EQ(MustFind(camp.Must(Contribute(camp, "ann", "meeting_notes")),
                     v1::ACTION_KIND_AWARD_POINTS)
                .amount(),
            4);
}

TEST(RunningCamp, AContributionCannotClaimABuiltInAct) {
  Community camp(Camp(R"pb(points { rules { built_in: POINT_RULE_KIND_MEETUP points: 5 } })pb"));
  camp.Join("ann");
  camp.ExpectRejected(Contribute(camp, "ann", "meetup"), absl::StatusCode::kInvalidArgument,
                      "contribution.kind: 'meetup' is earned by its own event");
}

TEST(RunningCamp, AnAttendeeListedTwiceAtAMeetupIsPaidOnce) {
  Community camp(Camp(R"pb(points { rules { built_in: POINT_RULE_KIND_MEETUP points: 5 } })pb"));
  for (auto who : {"ann", "ben"}) camp.Join(who);
  v1::Event held = camp.Make("owner", "g");
  held.mutable_activity_held()->set_name("Sunday long run");
  held.mutable_activity_held()->set_offline(true);
  for (auto who : {"ann", "ben", "ann"}) held.mutable_activity_held()->add_attendees(who);
  v1::Outcome out = camp.Must(held);
  EXPECT_EQ(testing::Count(out, v1::ACTION_KIND_AWARD_POINTS), 2);
  EXPECT_EQ(*camp.engine().Balance("ann"), 5);
  EXPECT_EQ(*camp.engine().Balance("ben"), 5);
}

TEST(RunningCamp, ContradictoryKindsAreRefused) {
  EXPECT_THAT(
      Refusal(R"pb(points { rules { built_in: POINT_RULE_KIND_CHECK_IN kind: "meetup" points: 5 } })pb"),
      HasSubstr("points.rules[0].kind: 'meetup' contradicts built_in POINT_RULE_KIND_CHECK_IN"));
  EXPECT_EQ(Refusal(R"pb(points {
              rules { built_in: POINT_RULE_KIND_CHECK_IN kind: "check_in" points: 5 }
            })pb"),
            "ok");
  EXPECT_THAT(
      Refusal(R"pb(points { rules { built_in: POINT_RULE_KIND_CHECK_IN custom: true points: 5 } })pb"),
      HasSubstr("points.rules[0].custom"));
  EXPECT_THAT(Refusal(R"pb(points { rules { kind: "check_in" custom: true points: 5 } })pb"),
              HasSubstr("points.rules[0].custom: 'check_in' is a built-in kind"));
  EXPECT_THAT(Refusal(R"pb(points { rules { points: 5 } })pb"),
              HasSubstr("points.rules[0].kind: required"));
  EXPECT_THAT(Refusal(R"pb(points {
                rules { built_in: POINT_RULE_KIND_CHECK_IN points: 5 }
                rules { kind: "check_in" points: 7 }
              })pb"),
              HasSubstr("points.rules[1]: another rule for kind 'check_in'"));
  v1::CommunityConfig unknown = Camp(R"pb(points { rules { points: 5 } })pb");
  unknown.mutable_points()->mutable_rules(0)->set_built_in(static_cast<v1::PointRuleKind>(99));
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(unknown);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("points.rules[0].built_in: unknown value 99"));
}

}  // namespace
}  // namespace shequn
