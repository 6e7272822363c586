// What a period end pays (award places, a team-contest win) belongs to the
// period it rewards: it is dated at that period's last millisecond, counts
// on its boards and never on the next period's, so an empty period has no
// winner and nobody wins again on last period's prize.
#include <string>
#include <vector>

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
using ::shequn::testing::kStart;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::ElementsAre;

v1::Event Share(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who, "g");
  e.mutable_contribution()->set_kind("share");
  e.mutable_contribution()->set_length(200);
  return e;
}

std::vector<std::string> Rows(const absl::StatusOr<v1::BoardPage>& page) {
  std::vector<std::string> rows;
  if (!page.ok()) return {std::string(page.status().message())};
  for (const v1::BoardRow& r : page->rows()) rows.push_back(absl::StrCat(r.member(), ":", r.score()));
  return rows;
}

std::vector<std::string> Members(const v1::Action& a) {
  return {a.members().begin(), a.members().end()};
}

constexpr absl::string_view kRunningClub = R"pb(
  id: "running-club"
  teams { names: [ "red", "blue" ] }
  points {
    rules { kind: "share" points: 10 }
    team_contest { period: PERIOD_WEEK winner_points: 20 }
  }
)pb";

TEST(RunningClub, AnEmptyWeekHasNoWinningTeam) {
  Community club(MergedConfig({kOneGroup, kOwnerAlone, kRunningClub}));
  club.Advance(kDay);  // Monday 2 March: the first contest week starts
  for (auto [who, team] : {std::pair{"r1", "red"}, {"r2", "red"}, {"b1", "blue"}}) {
    club.Join(who);
    v1::Event pick = club.Make(who, "g");
    pick.mutable_join_team()->set_team(team);
    club.Must(pick);
  }
  club.Must(Share(club, "r1"));
  club.Must(Share(club, "r2"));
  club.Must(Share(club, "b1"));

  v1::Outcome first = club.Advance(7 * kDay);  // Monday 9 March
  EXPECT_EQ(MustFind(first, v1::ACTION_KIND_ANNOUNCE_RESULTS).text(), "red");
  EXPECT_EQ(MustFind(first, v1::ACTION_KIND_AWARD_POINTS, "r1").amount(), 20);

  // The win is the week of 2 March's: red's total there includes it, the
  // new week starts at zero for everyone.
  v1::BoardQuery week;
  week.set_period(v1::PERIOD_WEEK);
  week.set_at_ms(club.now() - kHour);
  EXPECT_THAT(Rows(club.engine().TeamBoard(week)), ElementsAre("red:60", "blue:10"));
  week.set_at_ms(0);
  EXPECT_THAT(Rows(club.engine().TeamBoard(week)), ElementsAre("red:0", "blue:0"));
  const v1::MemberLedger ledger = *club.engine().Ledger("r1");
  EXPECT_EQ(ledger.entries(ledger.entries_size() - 1).time_ms(), kStart + 8 * kDay - 1)
      << "dated at the last millisecond of Sunday 8 March";

  // Three weeks without a share: nobody wins, nobody is paid.
  for (int w = 0; w < 3; ++w) {
    v1::Outcome quiet = club.Advance(7 * kDay);
    EXPECT_EQ(Count(quiet, v1::ACTION_KIND_ANNOUNCE_RESULTS), 0) << "week " << w;
    EXPECT_EQ(Count(quiet, v1::ACTION_KIND_AWARD_POINTS), 0) << "week " << w;
  }
  EXPECT_EQ(*club.engine().Balance("r1"), 30);
}

constexpr absl::string_view kFanGroup = R"pb(
  id: "fans"
  points {
    rules { kind: "share" points: 10 }
    awards { name: "monthly-top3" period: PERIOD_MONTH top_n: 3 points_by_place: [ 100, 50, 30 ] }
  }
)pb";

TEST(FanGroup, LastMonthsPrizesDoNotWinThisMonth) {
  Community fans(MergedConfig({kOneGroup, kOwnerAlone, kFanGroup}));
  for (auto who : {"ann", "ben", "cat", "dov", "eli"}) fans.Join(who);
  for (auto who : {"ann", "ann", "ann", "ben", "ben", "cat"}) fans.Must(Share(fans, who));

  v1::Outcome march = fans.Advance(31 * kDay);  // 1 April
  EXPECT_THAT(Members(MustFind(march, v1::ACTION_KIND_ANNOUNCE_RESULTS)),
              ElementsAre("ann", "ben", "cat"));
  // March's board shows the prizes; April's starts empty, live or not.
  v1::BoardQuery month;
  month.set_period(v1::PERIOD_MONTH);
  month.set_at_ms(fans.now() - kHour);
  EXPECT_THAT(Rows(fans.engine().Leaderboard(month, 3)),
              ElementsAre("ann:130", "ben:70", "cat:40"));
  month.set_at_ms(0);
  EXPECT_EQ(fans.engine().Leaderboard(month, 1)->rows(0).score(), 0);
  EXPECT_EQ(fans.engine().Rank(month, "ann")->score(), 0);

  // In April only dov shares, once: dov alone is April's winner, not the
  // three who did nothing but win March.
  fans.Advance(10 * kDay);
  fans.Must(Share(fans, "dov"));
  v1::Outcome april = fans.Advance(20 * kDay);  // 1 May
  ASSERT_EQ(Count(april, v1::ACTION_KIND_ANNOUNCE_RESULTS), 1);
  EXPECT_THAT(Members(MustFind(april, v1::ACTION_KIND_ANNOUNCE_RESULTS)), ElementsAre("dov"));
  EXPECT_EQ(MustFind(april, v1::ACTION_KIND_AWARD_POINTS, "dov").amount(), 100);
  EXPECT_FALSE(Find(april, v1::ACTION_KIND_AWARD_POINTS, "ann"));

  // And May, with nobody sharing, has no winner at all.
  v1::Outcome may = fans.Advance(31 * kDay);
  EXPECT_EQ(Count(may, v1::ACTION_KIND_ANNOUNCE_RESULTS), 0);
}

// A weekly award and a weekly team contest end together: the contest is
// decided on the shares of the week, not on the award's places paid at the
// same instant.
TEST(RunningClub, TheContestIsDecidedOnTheWeeksOwnPoints) {
  Community club(MergedConfig({kOneGroup, kOwnerAlone, kRunningClub, R"pb(
    points { awards { name: "weekly-top1" period: PERIOD_WEEK top_n: 1 points_by_place: [ 50 ] } }
  )pb"}));
  club.Advance(kDay);
  for (auto [who, team] : {std::pair{"r1", "red"}, {"r2", "red"}, {"b1", "blue"}}) {
    club.Join(who);
    v1::Event pick = club.Make(who, "g");
    pick.mutable_join_team()->set_team(team);
    club.Must(pick);
  }
  for (int i = 0; i < 3; ++i) club.Must(Share(club, "b1"));  // blue 30, the week's top member
  club.Must(Share(club, "r1"));
  club.Must(Share(club, "r2"));
  club.Must(Share(club, "r2"));  // red 30 too, reached later
  v1::Outcome end = club.Advance(7 * kDay);
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_AWARD_POINTS, "b1").amount(), 50);
  const v1::Action contest = *std::find_if(
      end.actions().begin(), end.actions().end(),
      [](const v1::Action& a) { return a.rule() == "points.team_contest"; });
  EXPECT_EQ(contest.text(), "red") << "a tie goes to the team listed first, b1's prize aside";
}

}  // namespace
}  // namespace shequn
