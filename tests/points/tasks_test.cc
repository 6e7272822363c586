// Tasks (D-7.2), graduation and results elimination (成果淘汰, D-6.1).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;

constexpr absl::string_view kBootcamp = R"pb(
  id: "copywriting-bootcamp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION capacity: 20 }
  roles { staff { member_id: "coach" role: ROLE_OWNER } staff { member_id: "ta" role: ROLE_ASSISTANT } }
  points {
    rules { kind: "task_on_time" points: 20 }
    rules { kind: "task_late" points: 5 }
    tasks {
      late_window_seconds: 43200
      eliminate_after_missing: 3
      graduation_tasks: 3
      require_thesis: true
    }
  }
)pb";

v1::Event Assign(Community& c, absl::string_view id, int64_t deadline, bool thesis = false) {
  v1::Event e = c.Make("coach", "camp");
  e.mutable_assign_task()->set_task_id(std::string(id));
  e.mutable_assign_task()->set_title(absl::StrCat("assignment ", id));
  e.mutable_assign_task()->set_deadline_ms(deadline);
  e.mutable_assign_task()->set_is_thesis(thesis);
  return e;
}

v1::Event Submit(Community& c, absl::string_view who, absl::string_view task) {
  v1::Event e = c.Make(who, "camp");
  e.mutable_submit_task()->set_task_id(std::string(task));
  e.mutable_submit_task()->set_content("my homework");
  return e;
}

TEST(Bootcamp, MissingThreeAssignmentsEliminatesAfterAWarning) {
  Community camp(ParseConfig(kBootcamp));
  for (auto who : {"diligent", "tardy", "slacker"}) camp.Join(who);
  v1::Outcome timers;
  for (int week = 1; week <= 3; ++week) {
    const std::string task = absl::StrCat("week", week);
    camp.Must(Assign(camp, task, camp.now() + 6 * kDay));
    camp.Advance(kDay);
    EXPECT_EQ(MustFind(camp.Must(Submit(camp, "diligent", task)),
                       v1::ACTION_KIND_AWARD_POINTS).amount(), 20);
    camp.Advance(5 * kDay + 6 * kHour);  // past the deadline, inside the late window
    EXPECT_EQ(MustFind(camp.Must(Submit(camp, "tardy", task)),
                       v1::ACTION_KIND_AWARD_POINTS).amount(), 5);
    timers = camp.Advance(kDay);  // the task closes
    if (week == 2) {
      ASSERT_TRUE(Find(timers, v1::ACTION_KIND_ELIMINATION_WARNING, "slacker"));
      EXPECT_EQ(MustFind(timers, v1::ACTION_KIND_ELIMINATION_WARNING, "slacker").amount(), 2);
    }
  }
  ASSERT_TRUE(Find(timers, v1::ACTION_KIND_REMOVE, "slacker"));
  EXPECT_EQ(MustFind(timers, v1::ACTION_KIND_REMOVE, "slacker").reason(), "results_elimination");
  EXPECT_EQ(MustFind(timers, v1::ACTION_KIND_REMOVE, "slacker").rule(),
            "points.tasks.eliminate_after_missing");
  EXPECT_EQ(camp.Member("slacker").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_FALSE(Find(timers, v1::ACTION_KIND_REMOVE, "tardy"));
  EXPECT_FALSE(Find(timers, v1::ACTION_KIND_REMOVE, "ta")) << "staff are not counted";

  v1::MemberPoints tardy = *camp.engine().PointsRecord("tardy");
  EXPECT_EQ(tardy.tasks_late(), 3);
  EXPECT_EQ(tardy.tasks_missing(), 0);

  // The thesis completes diligent's graduation requirements.
  camp.Must(Assign(camp, "thesis", camp.now() + 14 * kDay, /*thesis=*/true));
  v1::Outcome out = camp.Must(Submit(camp, "diligent", "thesis"));
  ASSERT_TRUE(Find(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, "diligent"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, "diligent").reason(),
            "graduation_eligible");
  v1::MemberPoints diligent = *camp.engine().PointsRecord("diligent");
  EXPECT_EQ(diligent.tasks_on_time(), 3);
  EXPECT_TRUE(diligent.thesis_submitted());
  EXPECT_TRUE(diligent.graduation_eligible());
  EXPECT_FALSE(camp.engine().PointsRecord("tardy")->graduation_eligible());
}

TEST(Bootcamp, BadSubmissionsAndAssignmentsChangeNothing) {
  Community camp(ParseConfig(kBootcamp));
  camp.Join("stu");
  camp.Must(Assign(camp, "t1", camp.now() + kDay));
  camp.ExpectRejected(Assign(camp, "t1", camp.now() + kDay), absl::StatusCode::kAlreadyExists,
                      "assign_task.task_id");
  camp.ExpectRejected(Assign(camp, "t2", camp.now()), absl::StatusCode::kInvalidArgument,
                      "assign_task.deadline_ms");
  v1::Event by_member = Assign(camp, "t3", camp.now() + kDay);
  by_member.set_actor("stu");
  camp.ExpectRejected(by_member, absl::StatusCode::kPermissionDenied, "assign_task");
  camp.ExpectRejected(Submit(camp, "stu", "nope"), absl::StatusCode::kNotFound,
                      "submit_task.task_id");
  camp.Must(Submit(camp, "stu", "t1"));
  camp.ExpectRejected(Submit(camp, "stu", "t1"), absl::StatusCode::kFailedPrecondition,
                      "already submitted");
  camp.Advance(2 * kDay);
  camp.Join("newbie");
  camp.ExpectRejected(Submit(camp, "newbie", "t1"), absl::StatusCode::kFailedPrecondition,
                      "is closed");
}

}  // namespace
}  // namespace shequn
