// Engine::Step: the timers due before an event, then the event, as one
// atomic call -- what a bot host calls for every event it sees.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;

// A club whose newcomers must introduce themselves within a day; the
// reminder comes at the deadline and removal twelve hours later.
constexpr absl::string_view kClub = R"pb(
  id: "reading-club"
  groups { id: "club" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  ritual {
    steps: [RITUAL_STEP_INTRODUCTION]
    intro_fields: ["称呼"]
    deadline_seconds: 86400
    grace_seconds: 43200
  }
)pb";

v1::Event Post(Community& c, absl::string_view who, absl::string_view id,
               absl::string_view text) {
  v1::Event e = c.Make(who, "club");
  e.mutable_message()->set_message_id(std::string(id));
  e.mutable_message()->set_text(std::string(text));
  return e;
}

v1::Event Introduce(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who);
  (*e.mutable_introduce()->mutable_fields())["称呼"] = std::string(who);
  return e;
}

TEST(Step, ACatchUpStepReturnsTheRemovalStampedWithItsDeadlineBeforeTheEventsOwnActions) {
  Community club(ParseConfig(kClub));
  club.Join("lily");
  club.Join("tom");
  club.Must(Introduce(club, "tom"));
  const int64_t joined = club.now();
  // Nobody writes for two days; then Tom posts and the bot calls Step once.
  club.Wait(2 * kDay);
  absl::StatusOr<v1::Outcome> out = club.Step(Post(club, "tom", "m1", "anyone reading?"));
  ASSERT_TRUE(out.ok()) << out.status();
  const v1::Action remind = MustFind(*out, v1::ACTION_KIND_REMIND, "lily");
  const v1::Action remove = MustFind(*out, v1::ACTION_KIND_REMOVE, "lily");
  EXPECT_EQ(remind.due_ms(), joined + kDay);
  EXPECT_EQ(remove.due_ms(), joined + kDay + 12 * kHour);
  EXPECT_EQ(out->actions(0).kind(), v1::ACTION_KIND_REMIND);
  int64_t previous = 0;
  for (const v1::Action& a : out->actions()) {
    EXPECT_GE(a.due_ms(), previous) << "actions out of due order";
    previous = a.due_ms();
  }
  EXPECT_EQ(club.Member("lily").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST(Step, ARejectedEventFiresNoTimer) {
  Community club(ParseConfig(kClub));
  club.Join("lily");
  club.Wait(2 * kDay);
  // An event from someone the engine never saw is refused; Lily's reminder
  // and removal, due long before it, stay unfired.
  club.ExpectRejected(Post(club, "ghost", "m1", "hello"), absl::StatusCode::kNotFound,
                      "actor");
  EXPECT_EQ(club.Member("lily").status(), v1::MEMBER_STATUS_ACTIVE);
  // The next call that reaches that time carries them out.
  v1::Outcome due = club.Advance(0);
  EXPECT_THAT(Kinds(due), ElementsAre(v1::ACTION_KIND_REMIND, v1::ACTION_KIND_REMOVE));
}

TEST(Step, AMemberRemovedAtTheirDeadlineCannotPostAMomentLaterAndNothingFires) {
  Community club(ParseConfig(kClub));
  club.Join("lily");
  club.Wait(2 * kDay);
  // Lily's removal fell due before her message: the message is checked
  // against the roster the timers leave, so it is refused -- and since it is
  // refused, the timers do not fire either.
  club.ExpectRejected(Post(club, "lily", "m1", "sorry, I was away"),
                      absl::StatusCode::kFailedPrecondition, "actor");
  EXPECT_EQ(club.Member("lily").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Step, AWaitlistedMemberSeatedByATimerRemovalMayActAtOnce) {
  Community club(ParseConfig(R"pb(
    id: "small-club"
    groups { id: "club" stage: FUNNEL_STAGE_RETENTION capacity: 2 }
    roles { staff { member_id: "owner" role: ROLE_OWNER } }
    admission { overflow: OVERFLOW_POLICY_WAITLIST }
    ritual {
      steps: [RITUAL_STEP_INTRODUCTION]
      intro_fields: ["称呼"]
      deadline_seconds: 3600
      grace_seconds: 3600
    }
  )pb"));
  club.Join("lily");  // the owner holds the other seat
  club.Join("tom");   // waitlisted
  EXPECT_EQ(club.Member("tom").status(), v1::MEMBER_STATUS_WAITLISTED);
  club.Wait(3 * kHour);
  // Lily's removal frees her seat for Tom before his introduction arrives.
  absl::StatusOr<v1::Outcome> out = club.Step(Introduce(club, "tom"));
  ASSERT_TRUE(out.ok()) << out.status();
  MustFind(*out, v1::ACTION_KIND_REMOVE, "lily");
  MustFind(*out, v1::ACTION_KIND_ADMIT, "tom");
  EXPECT_EQ(club.Member("tom").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Step, ADuplicateChangesNothingAndFiresNoTimer) {
  Community club(ParseConfig(kClub));
  club.Join("lily");
  club.Join("tom");
  club.Must(Introduce(club, "tom"));
  const v1::Event first = Post(club, "tom", "m1", "hi");
  ASSERT_TRUE(club.Step(first).ok());
  club.Wait(2 * kDay);
  const std::string before = club.engine().SnapshotBytes();
  absl::StatusOr<v1::Outcome> again = club.Step(first);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_TRUE(again->actions().empty());
  EXPECT_EQ(club.engine().SnapshotBytes(), before);
}

TEST(Step, StepGivesTheSameStateAsAdvanceToThenApply) {
  Community by_step(ParseConfig(kClub));
  Community by_two_calls(ParseConfig(kClub));
  for (Community* c : {&by_step, &by_two_calls}) {
    c->Join("lily");
    c->Join("tom");
    c->Must(Introduce(*c, "tom"));
    c->Wait(6 * kHour);
  }
  std::vector<v1::Event> events;
  for (int i = 0; i < 6; ++i) {
    by_two_calls.Wait(7 * kHour);
    events.push_back(Post(by_two_calls, "tom", absl::StrCat("m", i), "chapter notes"));
  }
  v1::Outcome stepped;
  for (const v1::Event& e : events) {
    absl::StatusOr<v1::Outcome> out = by_step.Step(e);
    ASSERT_TRUE(out.ok()) << out.status();
    stepped.MergeFrom(*out);
    by_two_calls.Must(e);
  }
  EXPECT_EQ(by_step.engine().SnapshotBytes(), by_two_calls.engine().SnapshotBytes());
  // The timers came back inside the Steps' outcomes, not lost.
  ASSERT_GT(by_two_calls.timer_actions().actions_size(), 0);
  for (const v1::Action& timer : by_two_calls.timer_actions().actions()) {
    const v1::Action found = MustFind(stepped, timer.kind(), timer.member());
    EXPECT_EQ(found.due_ms(), timer.due_ms()) << v1::ActionKind_Name(timer.kind());
  }
}

TEST(NextDue, AClockHostLearnsWhenTheNextTimerFallsDueAndWaitsTillThen) {
  Community club(ParseConfig(kClub));
  EXPECT_EQ(club.engine().NextDueMs(), std::nullopt) << "nobody joined: nothing to wait for";
  club.Join("lily");
  const int64_t joined = club.now();
  // The reminder comes at the deadline, then the removal twelve hours on.
  EXPECT_EQ(club.engine().NextDueMs(), joined + kDay);
  EXPECT_THAT(Kinds(club.Advance(kDay - 1)), ::testing::IsEmpty());
  EXPECT_EQ(club.engine().NextDueMs(), joined + kDay) << "nothing was due yet";
  EXPECT_THAT(Kinds(club.Advance(1)), ElementsAre(v1::ACTION_KIND_REMIND));
  EXPECT_EQ(club.engine().NextDueMs(), joined + kDay + 12 * kHour);
  club.Must(Introduce(club, "lily"));
  // She introduced herself: no removal; the next timer is the daily
  // community check at midnight.
  const std::optional<int64_t> next = club.engine().NextDueMs();
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(*next, joined + kDay + 12 * kHour);
  EXPECT_EQ(*next % kDay, 0);
}

}  // namespace
}  // namespace shequn
