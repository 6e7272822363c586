// Periodic awards (D-7.4), leaderboards, team contests (D-2.4) and points
// elimination (积分淘汰, D-6.1).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAlone;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::ElementsAre;

v1::Event Share(Community& c, absl::string_view who, absl::string_view group = "g") {
  v1::Event e = c.Make(who, group);
  e.mutable_contribution()->set_kind("share");
  e.mutable_contribution()->set_length(200);
  return e;
}

std::vector<std::string> Members(const v1::Action& a) {
  return {a.members().begin(), a.members().end()};
}

std::vector<std::string> Rows(const v1::BoardPage& page) {
  std::vector<std::string> rows;
  for (const v1::BoardRow& r : page.rows()) rows.push_back(absl::StrCat(r.member(), ":", r.score()));
  return rows;
}

constexpr absl::string_view kFanGroup = R"pb(
  id: "fans"
  points {
    rules { kind: "share" points: 10 }
    awards {
      name: "monthly-top3"
      period: PERIOD_MONTH
      top_n: 3
      points_by_place: [ 100, 50, 30 ]
      title: "月度之星"
      prize: "red envelope"
      prize_cents: 8800
      review_at_half_month: true
    }
    awards { name: "monthly-top3-ties" period: PERIOD_MONTH top_n: 3 include_ties: true }
  }
)pb";

TEST(FanGroup, TheMonthsTopThreeWithATieForThirdPlace) {
  Community fans(MergedConfig({kOneGroup, kOwnerAlone, kFanGroup}));
  for (auto who : {"ann", "ben", "cat", "dov", "eli"}) fans.Join(who);
  auto shares = [&](absl::string_view who, int n) {
    for (int i = 0; i < n; ++i) fans.Must(Share(fans, who));
  };
  shares("ann", 5);
  shares("ben", 4);
  fans.Advance(kDay);
  shares("cat", 3);  // cat reaches 30 first...
  fans.Advance(kDay);
  shares("dov", 3);  // ...dov a day later
  shares("eli", 1);

  // The board (and rank, page) agree with the ledger at any time.
  v1::BoardQuery month;
  month.set_period(v1::PERIOD_MONTH);
  EXPECT_THAT(Rows(*fans.engine().Leaderboard(month, 3)),
              ElementsAre("ann:50", "ben:40", "cat:30"));
  EXPECT_EQ(fans.engine().Rank(month, "dov")->rank(), 3);
  EXPECT_THAT(Rows(*fans.engine().Page(month, "cat", 1, 1)),
              ElementsAre("ben:40", "cat:30", "dov:30"));

  // Reviewed at the half-month: standings announced, nothing awarded.
  v1::Outcome review = fans.Advance(15 * kDay - 2 * kDay);  // 16 March 00:00
  ASSERT_EQ(Count(review, v1::ACTION_KIND_ANNOUNCE_RESULTS), 1);
  EXPECT_EQ(MustFind(review, v1::ACTION_KIND_ANNOUNCE_RESULTS).reason(), "award_review");
  EXPECT_THAT(Members(MustFind(review, v1::ACTION_KIND_ANNOUNCE_RESULTS)),
              ElementsAre("ann", "ben", "cat"));
  EXPECT_EQ(Count(review, v1::ACTION_KIND_AWARD_POINTS), 0);

  // Awarded at month end (1 April 00:00 UTC).
  v1::Outcome awards = fans.Advance(16 * kDay);
  ASSERT_EQ(Count(awards, v1::ACTION_KIND_ANNOUNCE_RESULTS), 2);
  EXPECT_THAT(Members(awards.actions(0)), ElementsAre("ann", "ben", "cat"))
      << "the tie for third goes to whoever reached 30 first";
  EXPECT_EQ(MustFind(awards, v1::ACTION_KIND_AWARD_POINTS, "ann").amount(), 100);
  EXPECT_EQ(MustFind(awards, v1::ACTION_KIND_AWARD_POINTS, "ben").amount(), 50);
  EXPECT_EQ(MustFind(awards, v1::ACTION_KIND_AWARD_POINTS, "cat").amount(), 30);
  EXPECT_FALSE(Find(awards, v1::ACTION_KIND_AWARD_POINTS, "dov"));
  EXPECT_EQ(MustFind(awards, v1::ACTION_KIND_GRANT_TITLE, "cat").text(), "月度之星");
  EXPECT_EQ(MustFind(awards, v1::ACTION_KIND_GIVE_PRIZE, "ann").amount_cents(), 8800);
  EXPECT_EQ(Count(awards, v1::ACTION_KIND_GIVE_PRIZE), 3);
  // The second award includes ties: four winners.
  const v1::Action& with_ties = *std::find_if(
      awards.actions().begin(), awards.actions().end(), [](const v1::Action& a) {
        return a.kind() == v1::ACTION_KIND_ANNOUNCE_RESULTS && a.rule() == "points.awards[1]";
      });
  EXPECT_THAT(Members(with_ties), ElementsAre("ann", "ben", "cat", "dov"));

  // Award points are March's, dated its last millisecond: March's board has
  // them, April's starts at zero.
  month.set_at_ms(fans.now() - kHour);
  EXPECT_THAT(Rows(*fans.engine().Leaderboard(month, 1)), ElementsAre("ann:150"));
  month.set_at_ms(0);
  EXPECT_THAT(Rows(*fans.engine().Leaderboard(month, 1)), ElementsAre("ann:0"));
  EXPECT_EQ(*fans.engine().Balance("ann"), 150);
}

constexpr absl::string_view kTeamContest = R"pb(
  id: "running-club"
  teams { names: [ "red", "blue" ] }
  points {
    rules { kind: "share" points: 10 }
    team_contest { period: PERIOD_WEEK winner_points: 20 title: "冠军队" prize: "team dinner" }
  }
)pb";

TEST(RunningClub, TheWeeksWinningTeamIsRewarded) {
  Community club(MergedConfig({kOneGroup, kOwnerAlone, kTeamContest}));
  // 2026-03-01 is a Sunday; the contest week is 2–8 March.
  club.Advance(kDay);
  for (auto [who, team] : {std::pair{"r1", "red"}, {"r2", "red"}, {"b1", "blue"}, {"b2", "blue"}}) {
    club.Join(who);
    v1::Event pick = club.Make(who, "g");
    pick.mutable_join_team()->set_team(team);
    club.Must(pick);
  }
  for (int i = 0; i < 3; ++i) club.Must(Share(club, "b1"));
  for (int i = 0; i < 2; ++i) club.Must(Share(club, "r1"));
  for (int i = 0; i < 2; ++i) club.Must(Share(club, "r2"));
  v1::BoardQuery week;
  week.set_period(v1::PERIOD_WEEK);
  EXPECT_THAT(Rows(*club.engine().TeamBoard(week)), ElementsAre("red:40", "blue:30"));
  week.set_scope(v1::SCOPE_TEAM);
  week.set_team("blue");
  EXPECT_THAT(Rows(*club.engine().Leaderboard(week, 5)), ElementsAre("b1:30", "b2:0"));

  v1::Outcome end = club.Advance(7 * kDay);  // Monday 9 March
  ASSERT_TRUE(Find(end, v1::ACTION_KIND_ANNOUNCE_RESULTS));
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_ANNOUNCE_RESULTS).text(), "red");
  EXPECT_THAT(Members(MustFind(end, v1::ACTION_KIND_ANNOUNCE_RESULTS)), ElementsAre("r1", "r2"));
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_AWARD_POINTS, "r1").amount(), 20);
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_GRANT_TITLE, "r2").text(), "冠军队");
  EXPECT_FALSE(Find(end, v1::ACTION_KIND_AWARD_POINTS, "b1"));
  EXPECT_EQ(Count(end, v1::ACTION_KIND_GIVE_PRIZE), 1);
}

constexpr absl::string_view kEliminationGroup = R"pb(
  id: "study-circle"
  points {
    rules { kind: "share" points: 10 }
    elimination { period: PERIOD_MONTH lowest_n: 1 below_points: 20 warn_before_seconds: 259200 }
  }
)pb";

TEST(StudyCircle, TheLowestAreWarnedThenRemovedAtMonthEnd) {
  Community circle(MergedConfig({kOneGroup, kOwnerAlone, kEliminationGroup}));
  for (auto who : {"top", "mid", "low", "idle"}) circle.Join(who);
  circle.Must(Share(circle, "low"));
  for (int i = 0; i < 2; ++i) circle.Must(Share(circle, "mid"));
  for (int i = 0; i < 5; ++i) circle.Must(Share(circle, "top"));
  circle.Advance(9 * kDay);
  circle.Join("late");  // joined mid-month: the first month counts
  circle.Must(Share(circle, "late"));
  v1::Outcome warn = circle.Advance(19 * kDay);  // 29 March: three days before the end
  EXPECT_EQ(Count(warn, v1::ACTION_KIND_ELIMINATION_WARNING), 3);
  EXPECT_TRUE(Find(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "idle"));
  EXPECT_TRUE(Find(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "low"));
  EXPECT_TRUE(Find(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "late"));
  circle.Advance(kDay);
  circle.Join("last");  // joined after the warnings: too late to be warned, exempt
  v1::Outcome end = circle.Advance(2 * kDay);  // 1 April
  EXPECT_EQ(Count(end, v1::ACTION_KIND_REMOVE), 3);
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_REMOVE, "low").reason(), "points_elimination");
  EXPECT_EQ(circle.Member("idle").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(circle.Member("late").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(circle.Member("mid").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(circle.Member("last").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(circle.Member("owner").status(), v1::MEMBER_STATUS_ACTIVE);
}

// PointsElimination counts the members who joined during the period: a
// bootcamp's first week counts for everyone who came in it.
TEST(Bootcamp, TheFirstWeekCountsForThoseWhoJoinedDuringIt) {
  Community camp(MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "bootcamp"
    points {
      rules { kind: "share" points: 10 }
      elimination { period: PERIOD_WEEK lowest_n: 1 }
    }
  )pb"}));
  // kStart is Sunday 1 March: the camp's first week ends at midnight.
  camp.Join("early");
  camp.Must(Share(camp, "early"));
  camp.Advance(12 * kHour);
  for (auto who : {"keen", "idle"}) camp.Join(who);
  for (int i = 0; i < 2; ++i) camp.Must(Share(camp, "keen"));
  v1::Outcome end = camp.Advance(12 * kHour);
  EXPECT_EQ(Count(end, v1::ACTION_KIND_REMOVE), 1);
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_REMOVE, "idle").reason(), "points_elimination");
  EXPECT_EQ(camp.Member("idle").status(), v1::MEMBER_STATUS_REMOVED);
}

}  // namespace
}  // namespace shequn
