// A community left alone for thousands of years: one AdvanceTo over the gap
// does what a host calling AdvanceTo every day would have done, and no more.
// Period ends that change nothing (no ledger entries, nobody to remove) are
// skipped, so the gap costs the periods that had activity, not every day
// of 8,000 years.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "shequn/engine_testing.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::kDay;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAlone;
using ::shequn::testing::MergedConfig;

// Daily and monthly awards by activity, a half-month review, 10% daily
// decay and the default live boards (all-time, day and month).
v1::CommunityConfig QuietClub() {
  return MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "quiet-club"
    points {
      rules { kind: "share" points: 10 }
      awards {
        name: "daily-top3"
        period: PERIOD_DAY
        metric: METRIC_ACTIVITY
        top_n: 3
        points_by_place: [30, 20, 10]
      }
      awards {
        name: "monthly-star"
        period: PERIOD_MONTH
        metric: METRIC_ACTIVITY
        top_n: 1
        title: "月度之星"
        review_at_half_month: true
      }
      decay { percent: 10 period_days: 1 }
    }
    segments { dying { disabled: true } }
  )pb"});
}

constexpr int kMembers = 300;

void Share(Community& c, absl::string_view who, int times) {
  for (int i = 0; i < times; ++i) {
    v1::Event e = c.Make(who, "g");
    e.mutable_contribution()->set_kind("share");
    e.mutable_contribution()->set_length(100);
    c.Must(e);
  }
}

// Three hundred members join on 1 March 2026; ten share on the 1st, two on
// the 2nd, then nobody does anything again. Returns the midnight's actions.
v1::Outcome TwoBusyDays(Community& c) {
  for (int i = 0; i < kMembers; ++i) c.Join(absl::StrCat("m", i));
  Share(c, "m0", 3);
  Share(c, "m1", 2);
  for (int i = 2; i < 10; ++i) Share(c, absl::StrCat("m", i), 1);
  v1::Outcome midnight = c.Advance(kDay);
  Share(c, "m5", 2);
  Share(c, "m7", 1);
  return midnight;
}

std::vector<std::string> Actions(const v1::Outcome& out) {
  std::vector<std::string> actions;
  for (const v1::Action& a : out.actions()) actions.push_back(a.ShortDebugString());
  return actions;
}

int Announced(const v1::Outcome& out, absl::string_view reason, absl::string_view rule) {
  int n = 0;
  for (const v1::Action& a : out.actions()) {
    n += a.kind() == v1::ACTION_KIND_ANNOUNCE_RESULTS && a.reason() == reason && a.rule() == rule;
  }
  return n;
}

TEST(LongGap, EightThousandYearsInOneCallDoWhatDailyCallsDo) {
  // The host that calls AdvanceTo every day for 120 days: by then decay has
  // taken every balance below 10, where 10% floors to nothing.
  Community daily(QuietClub());
  v1::Outcome every_day = TwoBusyDays(daily);
  for (int d = 0; d < 120; ++d) every_day.MergeFrom(daily.Advance(kDay));

  Community gap(QuietClub());
  v1::Outcome all = TwoBusyDays(gap);
  absl::StatusOr<v1::Outcome> once = gap.engine().AdvanceTo(limits::kMaxTimeMs);
  ASSERT_TRUE(once.ok()) << once.status();
  all.MergeFrom(*once);

  // Awarded exactly for the periods with activity, at their own time:
  // 1 and 2 March for the daily award, March for the monthly one, and the
  // review of 16 March; nothing for the 2.9 million quiet days after.
  EXPECT_EQ(Announced(all, "award", "points.awards[0]"), 2);
  EXPECT_EQ(Announced(all, "award", "points.awards[1]"), 1);
  EXPECT_EQ(Announced(all, "award_review", "points.awards[1]"), 1);
  EXPECT_EQ(Actions(all), Actions(every_day));
  EXPECT_LT(once->actions_size(), 500);

  for (int i = 0; i < kMembers; ++i) {
    const std::string m = absl::StrCat("m", i);
    SCOPED_TRACE(m);
    const int64_t balance = *gap.engine().Balance(m);
    EXPECT_EQ(balance, *daily.engine().Balance(m));
    EXPECT_GE(balance, 0);
    EXPECT_LT(balance, 10);
  }
  EXPECT_EQ(*gap.engine().Balance("m0"), 9);  // 30 shared + 30 won, decayed daily
  // The live boards answer for the year 9999 as the ledger does.
  v1::BoardQuery all_time;
  absl::StatusOr<v1::BoardPage> top = gap.engine().Leaderboard(all_time, 3);
  ASSERT_TRUE(top.ok()) << top.status();
  EXPECT_EQ(top->rows(0).score(), *gap.engine().Balance(top->rows(0).member()));
  EXPECT_EQ(top->SerializeAsString(), daily.engine().Leaderboard(all_time, 3)->SerializeAsString());
  v1::BoardQuery today;
  today.set_period(v1::PERIOD_DAY);
  today.set_metric(v1::METRIC_ACTIVITY);
  EXPECT_EQ(gap.engine().Leaderboard(today, 1)->rows(0).score(), 0);
  v1::BoardQuery first_day = today;
  first_day.set_at_ms(testing::kStart);
  EXPECT_EQ(gap.engine().Leaderboard(first_day, 1)->rows(0).member(), "m0");
  EXPECT_TRUE(EngineTesting::CheckConsistency(gap.engine()).ok());

  // And the timers stand where daily calls would have left them.
  absl::StatusOr<v1::Outcome> catch_up = daily.engine().AdvanceTo(limits::kMaxTimeMs);
  ASSERT_TRUE(catch_up.ok());
  EXPECT_EQ(catch_up->actions_size(), 0) << catch_up->ShortDebugString();
  EXPECT_EQ(gap.engine().SnapshotBytes(), daily.engine().SnapshotBytes());
}

// An elimination that still has members to remove is a period end that
// matters: it goes on removing the lowest two every month, month by month,
// until nobody is left; only then is the rest of the gap skipped.
TEST(LongGap, EliminationGoesOnUntilNobodyIsLeftThenTheGapIsSkipped) {
  const v1::CommunityConfig study_circle = MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "study-circle"
    points {
      rules { kind: "share" points: 10 }
      elimination { period: PERIOD_MONTH lowest_n: 2 warn_before_seconds: 259200 }
      awards { name: "monthly" period: PERIOD_MONTH top_n: 1 review_at_half_month: true title: "star" }
    }
    segments { dying { disabled: true } }
  )pb"});
  Community daily(study_circle);
  Community gap(study_circle);
  for (Community* c : {&daily, &gap}) {
    for (int i = 0; i < 20; ++i) c->Join(absl::StrCat("m", i));
    Share(*c, "m3", 2);
  }
  v1::Outcome every_day;
  for (int d = 0; d < 400; ++d) every_day.MergeFrom(daily.Advance(kDay));
  absl::StatusOr<v1::Outcome> once = gap.engine().AdvanceTo(limits::kMaxTimeMs);
  ASSERT_TRUE(once.ok()) << once.status();

  // Ten month ends, March to December 2026, remove two each, each warned
  // three days before; at 0 points the later arrivals go first, so m0 is
  // the last one left.
  EXPECT_EQ(Count(*once, v1::ACTION_KIND_REMOVE), 20);
  EXPECT_EQ(Count(*once, v1::ACTION_KIND_ELIMINATION_WARNING), 20);
  EXPECT_EQ(testing::MustFind(*once, v1::ACTION_KIND_REMOVE).member(), "m19");
  EXPECT_EQ(once->actions(once->actions_size() - 1).member(), "m0");
  EXPECT_EQ(gap.Member("m3").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(gap.Member("owner").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(Actions(*once), Actions(every_day));
  ASSERT_TRUE(daily.engine().AdvanceTo(limits::kMaxTimeMs).ok());
  EXPECT_EQ(gap.engine().SnapshotBytes(), daily.engine().SnapshotBytes());
}

// An award by points pays points; they are dated in the period they reward,
// so the next period, empty, has no winner: one award for the one busy week,
// none for the eight thousand years after, in one call or week by week.
TEST(LongGap, AnAwardsOwnPointsNeverWinTheNextEmptyPeriod) {
  const v1::CommunityConfig weekly_club = MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "weekly-club"
    points {
      rules { kind: "share" points: 10 }
      awards { name: "weekly-top1" period: PERIOD_WEEK top_n: 1 points_by_place: [ 50 ] }
      team_contest { period: PERIOD_WEEK winner_points: 20 }
    }
    teams { names: [ "red", "blue" ] }
    segments { dying { disabled: true } }
  )pb"});
  Community weekly(weekly_club);
  Community gap(weekly_club);
  for (Community* c : {&weekly, &gap}) {
    c->Join("ann");
    v1::Event pick = c->Make("ann", "g");
    pick.mutable_join_team()->set_team("red");
    c->Must(pick);
    Share(*c, "ann", 1);
  }
  v1::Outcome week_by_week;
  for (int w = 0; w < 10; ++w) week_by_week.MergeFrom(weekly.Advance(7 * kDay));
  absl::StatusOr<v1::Outcome> once = gap.engine().AdvanceTo(limits::kMaxTimeMs);
  ASSERT_TRUE(once.ok()) << once.status();

  EXPECT_EQ(Announced(week_by_week, "award", "points.awards[0]"), 1);
  EXPECT_EQ(Announced(week_by_week, "team_contest", "points.team_contest"), 1);
  EXPECT_EQ(Announced(*once, "award", "points.awards[0]"), 1);
  EXPECT_EQ(Announced(*once, "team_contest", "points.team_contest"), 1);
  EXPECT_EQ(Actions(*once), Actions(week_by_week));
  EXPECT_EQ(*gap.engine().Balance("ann"), 10 + 50 + 20);
}

}  // namespace
}  // namespace shequn
