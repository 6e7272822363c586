// Staff run the points programme; they do not play in it. Boards, awards and
// team contests rank members, team leaders and KOLs by default
// (PointsConfig.ranked_roles), whoever else earns points.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

// The owner and an admin who share a lot, a KOL and a team leader who play
// along, and members.
constexpr absl::string_view kBookClub = R"pb(
  id: "book-club"
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
    staff { member_id: "kol" role: ROLE_KOL }
    staff { member_id: "lead" role: ROLE_TEAM_LEADER }
  }
  teams { names: [ "red" ] }
  points {
    rules { kind: "share" points: 10 }
    awards { name: "monthly-top3" period: PERIOD_MONTH top_n: 3 points_by_place: [ 30, 20, 10 ] }
    team_contest { period: PERIOD_MONTH winner_points: 5 }
  }
)pb";

Community BookClub(absl::string_view extra = "") {
  Community club(MergedConfig({kOneGroup, kBookClub, extra}));
  club.Join("ann");
  club.Join("ben");
  for (auto who : {"owner", "admin", "kol", "lead", "ann"}) {
    v1::Event pick = club.Make(who, "g");
    pick.mutable_join_team()->set_team("red");
    club.Must(pick);
  }
  for (int i = 0; i < 5; ++i) club.Must(Share(club, "owner"));
  for (int i = 0; i < 4; ++i) club.Must(Share(club, "admin"));
  for (int i = 0; i < 3; ++i) club.Must(Share(club, "kol"));
  for (int i = 0; i < 2; ++i) club.Must(Share(club, "lead"));
  club.Must(Share(club, "ann"));
  return club;
}

TEST(BookClub, TheOwnerAndAdminShareMostButTheBoardIsTheMembers) {
  Community club = BookClub();
  v1::BoardQuery month;
  month.set_period(v1::PERIOD_MONTH);
  EXPECT_THAT(Rows(club.engine().Leaderboard(month, 10)),
              ElementsAre("kol:30", "lead:20", "ann:10", "ben:0"));
  EXPECT_EQ(club.engine().Leaderboard(month, 10)->ranked(), 4);
  v1::BoardQuery all_time;  // live by default
  EXPECT_THAT(Rows(club.engine().Leaderboard(all_time, 1)), ElementsAre("kol:30"));
  EXPECT_THAT(club.engine().Rank(all_time, "owner").status().message(),
              HasSubstr("is not on this board"));
  EXPECT_THAT(club.engine().Page(month, "admin", 1, 1).status().message(),
              HasSubstr("is not on this board"));
  // The staff's points are theirs all the same.
  EXPECT_EQ(*club.engine().Balance("owner"), 50);
  // The team's total is its ranked members' points.
  EXPECT_THAT(Rows(club.engine().TeamBoard(month)), ElementsAre("red:60"));

  v1::Outcome end = club.Advance(31 * kDay);  // 1 April
  const v1::Action results = MustFind(end, v1::ACTION_KIND_ANNOUNCE_RESULTS);
  EXPECT_THAT(results.members(), ElementsAre("kol", "lead", "ann"));
  EXPECT_FALSE(Find(end, v1::ACTION_KIND_AWARD_POINTS, "owner"));
  EXPECT_FALSE(Find(end, v1::ACTION_KIND_AWARD_POINTS, "admin"));
  // The team wins; its staff are not paid for it.
  EXPECT_EQ(MustFind(end, v1::ACTION_KIND_AWARD_POINTS, "lead").amount(), 20);
  EXPECT_EQ(*club.engine().Balance("ann"), 10 + 10 + 5);
  EXPECT_EQ(*club.engine().Balance("admin"), 40);
}

TEST(BookClub, AMemberMadeAdminLeavesTheBoard) {
  Community club = BookClub();
  v1::Event promote = club.Make("owner", "g");
  promote.mutable_set_role()->set_member("ann");
  promote.mutable_set_role()->set_role(v1::ROLE_ADMIN);
  club.Must(promote);
  v1::BoardQuery all_time;
  EXPECT_THAT(Rows(club.engine().Leaderboard(all_time, 10)),
              ElementsAre("kol:30", "lead:20", "ben:0"));
  v1::BoardQuery month;
  month.set_period(v1::PERIOD_MONTH);
  EXPECT_THAT(Rows(club.engine().Leaderboard(month, 10)),
              ElementsAre("kol:30", "lead:20", "ben:0"));
}

TEST(BookClub, TheOperatorMayRankStaffToo) {
  Community club = BookClub(R"pb(points { ranked_roles: [ ROLE_MEMBER, ROLE_ADMIN ] })pb");
  v1::BoardQuery month;
  month.set_period(v1::PERIOD_MONTH);
  EXPECT_THAT(Rows(club.engine().Leaderboard(month, 10)),
              ElementsAre("admin:40", "ann:10", "ben:0"));
  v1::Outcome end = club.Advance(31 * kDay);
  EXPECT_THAT(MustFind(end, v1::ACTION_KIND_ANNOUNCE_RESULTS).members(),
              ElementsAre("admin", "ann"));
}

TEST(BookClub, AnUnknownRankedRoleIsRefused) {
  v1::CommunityConfig config = MergedConfig({kOneGroup, kBookClub});
  config.mutable_points()->add_ranked_roles(v1::ROLE_MEMBER);
  config.mutable_points()->add_ranked_roles(v1::ROLE_UNSPECIFIED);
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("points.ranked_roles[1]: unknown role"));
  config.mutable_points()->set_ranked_roles(1, static_cast<v1::Role>(42));
  engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("points.ranked_roles[1]"));
}

}  // namespace
}  // namespace shequn
