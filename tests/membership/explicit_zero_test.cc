// Membership settings where 0 is a choice, not "unset" (issue #21): no grace
// after the ritual reminder, removal at the purge warning, and an idempotency
// window of zero for a host that deduplicates its own events.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kSecond;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using Code = absl::StatusCode;

// A club whose newcomers must introduce themselves within a day.
v1::CommunityConfig Club(absl::string_view extra) {
  return MergedConfig({R"pb(
    id: "club"
    groups { id: "club" stage: FUNNEL_STAGE_RETENTION }
    roles { staff { member_id: "boss" role: ROLE_OWNER } }
    ritual {
      steps: [RITUAL_STEP_INTRODUCTION]
      intro_fields: ["称呼"]
      deadline_seconds: 86400
    }
  )pb",
                       extra});
}

TEST(ExplicitZero, NoGraceRemovesTheNewcomerAtTheReminder) {
  Community c(Club("ritual { grace_seconds: 0 }"));
  c.Join("lily");
  const v1::Outcome deadline = c.Advance(kDay);
  EXPECT_EQ(Count(deadline, v1::ACTION_KIND_REMIND), 1);
  const v1::Action removal = MustFind(deadline, v1::ACTION_KIND_REMOVE, "lily");
  EXPECT_EQ(removal.rule(), "ritual.grace_seconds");
  EXPECT_EQ(removal.due_ms(), c.now());
}

TEST(ExplicitZero, UnsetGraceGivesTheNewcomerAnotherDay) {
  Community c(Club(""));
  c.Join("lily");
  EXPECT_EQ(Count(c.Advance(kDay), v1::ACTION_KIND_REMOVE), 0);
  EXPECT_EQ(Count(c.Advance(kDay), v1::ACTION_KIND_REMOVE), 1);
}

TEST(ExplicitZero, RemoveAfterZeroDaysRemovesASilentMemberAtTheWarning) {
  Community c(MergedConfig({R"pb(
    id: "chat"
    groups { id: "chat" stage: FUNNEL_STAGE_RETENTION
             purge { warn_after_days: 7 remove_after_days: 0 } }
    roles { staff { member_id: "boss" role: ROLE_OWNER } }
  )pb"}));
  c.Join("ann");
  const v1::Outcome week = c.Advance(7 * kDay);
  EXPECT_EQ(Count(week, v1::ACTION_KIND_WARN_PRIVATELY), 1);
  EXPECT_EQ(MustFind(week, v1::ACTION_KIND_REMOVE, "ann").due_ms(), c.now());
  EXPECT_EQ(c.Member("ann").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST(ExplicitZero, AnIdempotencyWindowOfZeroRemembersOnlyTheCurrentMillisecond) {
  Community c(Club("idempotency_window_seconds: 0"));
  v1::Event hello = c.Make("lily");
  hello.mutable_apply()->set_accepted_rules(true);
  c.Must(hello);
  EXPECT_TRUE(c.Must(hello).duplicate());  // a retry at once is still recognised

  c.Advance(kSecond);
  c.Join("tom");
  // The id is forgotten; the retry is now simply in the past.
  c.ExpectRejected(hello, Code::kOutOfRange, "time_ms");
}

TEST(ExplicitZero, AnUnsetIdempotencyWindowRecognisesARetryAWeekLater) {
  Community c(Club(""));
  v1::Event hello = c.Make("lily");
  hello.mutable_apply()->set_accepted_rules(true);
  c.Must(hello);
  c.Advance(6 * kDay);
  c.Join("tom");
  const absl::StatusOr<v1::Outcome> retry = c.Step(hello);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate());
}

}  // namespace
}  // namespace shequn
