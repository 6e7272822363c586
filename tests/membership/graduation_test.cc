// Graduation (结业): by an operator's act, or, when the camp chooses
// points.tasks.graduate_on_completion, at the submission that completes the
// required tasks, with the same actions in the same order.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Two seats, a deposit refunded at graduation, three required tasks.
constexpr absl::string_view kBootcamp = R"pb(
  id: "writing-bootcamp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION capacity: 2 }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission {
    require_rules_acceptance: true
    deposit_cents: 5000
    overflow: OVERFLOW_POLICY_WAITLIST
  }
  points {
    rules { built_in: POINT_RULE_KIND_TASK_ON_TIME points: 20 }
    tasks { graduation_tasks: 3 }
  }
)pb";

v1::CommunityConfig Bootcamp(bool graduate_on_completion) {
  v1::CommunityConfig config = ParseConfig(kBootcamp);
  config.mutable_points()->mutable_tasks()->set_graduate_on_completion(graduate_on_completion);
  return config;
}

v1::Event Apply(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who);
  e.mutable_apply()->set_accepted_rules(true);
  e.mutable_apply()->set_deposit_paid_cents(5000);
  return e;
}

v1::Event Assign(Community& c, absl::string_view id) {
  v1::Event e = c.Make("coach", "camp");
  e.mutable_assign_task()->set_task_id(std::string(id));
  e.mutable_assign_task()->set_deadline_ms(c.now() + 7 * kDay);
  return e;
}

v1::Event Submit(Community& c, absl::string_view who, absl::string_view task) {
  v1::Event e = c.Make(who, "camp");
  e.mutable_submit_task()->set_task_id(std::string(task));
  return e;
}

// The coach and Ann hold the two seats, Ben and Cat wait; Ann submits all
// three tasks.
// Returns the outcome of her third submission.
v1::Outcome AnnFinishes(Community& camp) {
  for (auto who : {"ann", "ben", "cat"}) camp.Must(Apply(camp, who));
  for (auto task : {"essay-1", "essay-2", "essay-3"}) camp.Must(Assign(camp, task));
  camp.Must(Submit(camp, "ann", "essay-1"));
  camp.Must(Submit(camp, "ann", "essay-2"));
  return camp.Must(Submit(camp, "ann", "essay-3"));
}

// The actions from the first of `kind` on, without the rule and the time
// (which say who decided and when, not what is done).
std::vector<std::string> From(const v1::Outcome& out, v1::ActionKind kind) {
  std::vector<std::string> actions;
  for (const v1::Action& a : out.actions()) {
    if (a.kind() != kind && actions.empty()) continue;
    v1::Action what = a;
    what.clear_rule();
    what.clear_due_ms();
    actions.push_back(what.ShortDebugString());
  }
  return actions;
}

TEST(Bootcamp, FinishingEveryRequiredTaskGraduatesTheMemberWhenTheCampSaysSo) {
  Community camp(Bootcamp(true));
  v1::Outcome done = AnnFinishes(camp);
  EXPECT_THAT(Kinds(done),
              ElementsAre(v1::ACTION_KIND_AWARD_POINTS, v1::ACTION_KIND_ANNOUNCE_RESULTS,
                          v1::ACTION_KIND_REMOVE, v1::ACTION_KIND_REFUND_DEPOSIT,
                          v1::ACTION_KIND_ADMIT, v1::ACTION_KIND_TAKE_DEPOSIT));
  const v1::Action graduated = MustFind(done, v1::ACTION_KIND_REMOVE, "ann");
  EXPECT_EQ(graduated.rule(), "points.tasks.graduate_on_completion");
  EXPECT_EQ(graduated.reason(), "graduated");
  EXPECT_EQ(graduated.group(), "camp");
  EXPECT_EQ(MustFind(done, v1::ACTION_KIND_REFUND_DEPOSIT, "ann").deposit().cents(), 5000);
  EXPECT_EQ(camp.Member("ann").status(), v1::MEMBER_STATUS_GRADUATED);
  // Her seat goes to the first who waited (the coach holds the other one).
  EXPECT_EQ(MustFind(done, v1::ACTION_KIND_ADMIT).member(), "ben");
  EXPECT_EQ(camp.Member("ben").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(camp.Member("cat").status(), v1::MEMBER_STATUS_WAITLISTED);
  camp.ExpectRejected(Submit(camp, "ann", "essay-1"), absl::StatusCode::kFailedPrecondition,
                      "actor");
}

TEST(Bootcamp, GraduationOnCompletionDoesWhatTheCoachWouldHaveDone) {
  Community automatic(Bootcamp(true));
  const v1::Outcome by_completion = AnnFinishes(automatic);

  Community by_hand(Bootcamp(false));
  const v1::Outcome eligible = AnnFinishes(by_hand);
  EXPECT_EQ(MustFind(eligible, v1::ACTION_KIND_ANNOUNCE_RESULTS, "ann").reason(),
            "graduation_eligible");
  EXPECT_FALSE(Find(eligible, v1::ACTION_KIND_REMOVE)) << "off by default: eligible only";
  EXPECT_EQ(by_hand.Member("ann").status(), v1::MEMBER_STATUS_ACTIVE);
  v1::Event graduate = by_hand.Make("coach");
  graduate.mutable_graduate()->set_member("ann");
  const v1::Outcome by_coach = by_hand.Must(graduate);

  EXPECT_EQ(From(by_completion, v1::ACTION_KIND_REMOVE), From(by_coach, v1::ACTION_KIND_REMOVE));
  EXPECT_EQ(automatic.Member("ann").ShortDebugString(),
            by_hand.Member("ann").ShortDebugString());
  EXPECT_EQ(automatic.Member("ben").ShortDebugString(),
            by_hand.Member("ben").ShortDebugString());
}

TEST(Bootcamp, StaffWhoDoTheTasksAreAnnouncedButStay) {
  Community camp(Bootcamp(true));
  for (auto task : {"essay-1", "essay-2", "essay-3"}) camp.Must(Assign(camp, task));
  camp.Must(Submit(camp, "coach", "essay-1"));
  camp.Must(Submit(camp, "coach", "essay-2"));
  v1::Outcome done = camp.Must(Submit(camp, "coach", "essay-3"));
  EXPECT_TRUE(Find(done, v1::ACTION_KIND_ANNOUNCE_RESULTS, "coach"));
  EXPECT_FALSE(Find(done, v1::ACTION_KIND_REMOVE));
  EXPECT_EQ(camp.Member("coach").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Bootcamp, GraduationOnCompletionNeedsToKnowWhatCompletionIs) {
  v1::CommunityConfig config = Bootcamp(true);
  config.mutable_points()->mutable_tasks()->set_graduation_tasks(0);
  EXPECT_THAT(std::string(Engine::Create(config).status().message()),
              HasSubstr("points.tasks.graduate_on_completion: needs graduation_tasks"));
}

}  // namespace
}  // namespace shequn
