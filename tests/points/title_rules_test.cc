// Title rules (称号, points.titles): a title earned by a check-in streak,
// by tasks submitted or a named task, by an award place, or by balance, and
// lost with the streak or the place when held only while true.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/reseal.h"
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
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// kStart is 2026-03-01T00:00Z, 08:00 on 1 March in Shanghai.
constexpr absl::string_view kReadingClub = R"pb(
  id: "reading-club"
  time_zone: "Asia/Shanghai"
  groups { id: "club" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "host" role: ROLE_OWNER } }
  points {
    rules { built_in: POINT_RULE_KIND_CHECK_IN points: 10 }
    check_in { make_up_cards_per_month: 2 make_up_max_days_back: 3 }
    titles { title: "坚持之星" source: TITLE_SOURCE_STREAK min_count: 7 held_while_true: true }
    titles { title: "打卡达人" source: TITLE_SOURCE_STREAK min_count: 14 }
    titles { title: "百分会员" min_balance: 100 }
  }
)pb";

v1::Event CheckIn(Community& c, absl::string_view who, absl::string_view make_up = "") {
  v1::Event e = c.Make(who, "club");
  e.mutable_check_in()->set_text("read 30 pages");
  e.mutable_check_in()->set_make_up_day(std::string(make_up));
  return e;
}

// The title actions on `who` in `out`, as "+title" (granted) or "-title"
// (revoked), each with the day (0 = 1 March) it came on.
class TitleLog {
 public:
  void Add(int day, const v1::Outcome& out) {
    for (const v1::Action& a : out.actions()) {
      if (a.kind() != v1::ACTION_KIND_GRANT_TITLE && a.kind() != v1::ACTION_KIND_REVOKE_TITLE) {
        continue;
      }
      const absl::string_view sign = a.kind() == v1::ACTION_KIND_GRANT_TITLE ? "+" : "-";
      log_[a.member()].push_back(absl::StrCat("d", day, sign, a.title().title()));
      actions_.push_back(a);
    }
  }
  const std::vector<std::string>& Of(const std::string& who) { return log_[who]; }
  const std::vector<v1::Action>& actions() const { return actions_; }

 private:
  std::map<std::string, std::vector<std::string>> log_;
  std::vector<v1::Action> actions_;
};

TEST(ReadingClub, ASevenDayStreakEarnsTheStarAndAMissedDayTakesItAway) {
  Community club(ParseConfig(kReadingClub));
  for (auto who : {"alice", "bob"}) club.Join(who);
  TitleLog log;
  for (int day = 0; day < 21; ++day) {
    if (day > 0) log.Add(day, club.Advance(kDay));
    log.Add(day, club.Must(CheckIn(club, "alice")));
    if (day != 9) log.Add(day, club.Must(CheckIn(club, "bob")));  // bob misses 10 March
  }
  EXPECT_THAT(log.Of("alice"), ElementsAre("d6+坚持之星", "d9+百分会员", "d13+打卡达人"));
  // Bob's star goes at midnight ending 10 March, and comes back a week later.
  EXPECT_THAT(log.Of("bob"),
              ElementsAre("d6+坚持之星", "d10-坚持之星", "d10+百分会员", "d16+坚持之星"));

  // Every grant and revocation names its rule and why.
  const v1::Action& star = log.actions()[0];
  EXPECT_EQ(star.rule(), "points.titles[0]");
  EXPECT_EQ(star.reason(), "streak");
  EXPECT_EQ(star.title().source(), v1::TITLE_SOURCE_STREAK);
  EXPECT_EQ(star.title().reached(), 7);
  EXPECT_EQ(star.group(), "club");
  const v1::Action* lost = nullptr;
  for (const v1::Action& a : log.actions()) {
    if (a.kind() == v1::ACTION_KIND_REVOKE_TITLE) lost = &a;
  }
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->member(), "bob");
  EXPECT_EQ(lost->rule(), "points.titles[0]");
  EXPECT_EQ(lost->reason(), "streak_broken");
  EXPECT_EQ(lost->title().title(), "坚持之星");
  EXPECT_EQ(lost->due_ms(), kStart + 10 * kDay - 8 * kHour) << "local midnight";
  for (const v1::Action& a : log.actions()) {
    if (a.title().title() == "百分会员") {
      EXPECT_EQ(a.title().source(), v1::TITLE_SOURCE_BALANCE);
      EXPECT_EQ(a.title().reached(), 100);
    }
  }

  // Two quiet days: the star is lost, the milestones stay.
  v1::Outcome quiet = club.Advance(2 * kDay);
  EXPECT_EQ(Count(quiet, v1::ACTION_KIND_REVOKE_TITLE), 2);
  EXPECT_THAT(club.engine().PointsRecord("alice")->titles(), ElementsAre("打卡达人", "百分会员"));
  EXPECT_THAT(club.engine().PointsRecord("bob")->titles(), ElementsAre("百分会员"));
}

TEST(ReadingClub, AMakeUpCardThatMendsTheStreakEarnsTheStarBack) {
  Community club(ParseConfig(kReadingClub));
  club.Join("carol");
  for (int day = 0; day < 7; ++day) {
    if (day > 0) club.Advance(kDay);
    club.Must(CheckIn(club, "carol"));
  }
  v1::Outcome missed = club.Advance(2 * kDay);  // 8 March missed, on 9 March now
  EXPECT_TRUE(Find(missed, v1::ACTION_KIND_REVOKE_TITLE, "carol"));
  v1::Outcome mended = club.Must(CheckIn(club, "carol", "2026-03-08"));
  EXPECT_EQ(MustFind(mended, v1::ACTION_KIND_GRANT_TITLE, "carol").title().reached(), 8);
  EXPECT_THAT(club.engine().PointsRecord("carol")->titles(), ElementsAre("坚持之星"));
}

TEST(ReadingClub, AStreakHeldAcrossASnapshotStillBreaks) {
  auto run = [](bool restore) {
    Community club(ParseConfig(kReadingClub));
    club.Join("dan");
    for (int day = 0; day < 8; ++day) {
      if (day > 0) club.Advance(kDay);
      club.Must(CheckIn(club, "dan"));
    }
    if (restore) {
      club.ReplaceEngine(*Engine::Restore(ParseConfig(kReadingClub), club.engine().Snapshot()));
    }
    v1::Outcome quiet = club.Advance(3 * kDay);
    EXPECT_TRUE(Find(quiet, v1::ACTION_KIND_REVOKE_TITLE, "dan")) << "restored: " << restore;
    return club.engine().SnapshotBytes();
  };
  EXPECT_EQ(run(false), run(true));
}

TEST(ReadingClub, ASnapshotWithACheckInDayPastTheCalendarIsRefused) {
  Community club(ParseConfig(kReadingClub));
  club.Join("dan");
  club.Must(CheckIn(club, "dan"));
  v1::CommunitySnapshot snap = club.engine().Snapshot();
  v1::MemberPointsState* dan = snap.mutable_points()->mutable_members(0);
  ASSERT_EQ(dan->member(), "dan");
  dan->set_check_in_days(0, INT64_MAX - 1);
  absl::StatusOr<std::unique_ptr<Engine>> restored =
      Engine::Restore(ParseConfig(kReadingClub), testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(std::string(restored.status().message()),
              HasSubstr("check_in_days: a day outside"));
}

TEST(ReadingClub, ATitleGrantedByHandIsTakenWithTheStreakToo) {
  Community club(ParseConfig(kReadingClub));
  club.Join("erin");
  club.Must(CheckIn(club, "erin"));
  v1::Event grant = club.Make("host");
  grant.mutable_title()->set_member("erin");
  grant.mutable_title()->set_title("坚持之星");
  club.Must(grant);
  v1::Outcome quiet = club.Advance(2 * kDay);
  EXPECT_EQ(MustFind(quiet, v1::ACTION_KIND_REVOKE_TITLE, "erin").reason(), "streak_broken");
  EXPECT_THAT(club.engine().PointsRecord("erin")->titles(), IsEmpty());
}

// ------------------------------------------------------------------ tasks

constexpr absl::string_view kWritingCamp = R"pb(
  id: "writing-camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  points {
    rules { built_in: POINT_RULE_KIND_TASK_ON_TIME points: 20 }
    titles { title: "作业达人" source: TITLE_SOURCE_TASKS min_count: 3 }
    titles { title: "开篇之作" source: TITLE_SOURCE_TASKS task_id: "essay-1" }
  }
)pb";

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

TEST(WritingCamp, TheFirstEssayAndThreeTasksEachEarnATitle) {
  Community camp(ParseConfig(kWritingCamp));
  for (auto who : {"ann", "ben"}) camp.Join(who);
  for (auto task : {"essay-1", "essay-2", "essay-3"}) camp.Must(Assign(camp, task));
  v1::Outcome first = camp.Must(Submit(camp, "ann", "essay-1"));
  const v1::Action named = MustFind(first, v1::ACTION_KIND_GRANT_TITLE, "ann");
  EXPECT_EQ(named.title().title(), "开篇之作");
  EXPECT_EQ(named.rule(), "points.titles[1]");
  EXPECT_EQ(named.title().source(), v1::TITLE_SOURCE_TASKS);
  EXPECT_EQ(named.title().task_id(), "essay-1");
  EXPECT_EQ(Count(camp.Must(Submit(camp, "ann", "essay-2")), v1::ACTION_KIND_GRANT_TITLE), 0);
  const v1::Action three =
      MustFind(camp.Must(Submit(camp, "ann", "essay-3")), v1::ACTION_KIND_GRANT_TITLE, "ann");
  EXPECT_EQ(three.title().title(), "作业达人");
  EXPECT_EQ(three.title().reached(), 3);

  // Ben skips the first essay: he never earns its title.
  camp.Must(Submit(camp, "ben", "essay-2"));
  camp.Must(Submit(camp, "ben", "essay-3"));
  EXPECT_THAT(camp.engine().PointsRecord("ben")->titles(), IsEmpty());
  EXPECT_THAT(camp.engine().PointsRecord("ann")->titles(), ElementsAre("作业达人", "开篇之作"));
}

// ------------------------------------------------------------------ awards

constexpr absl::string_view kFanClub = R"pb(
  id: "fan-club"
  points {
    rules { kind: "share" points: 10 }
    awards { name: "weekly-top3" period: PERIOD_WEEK top_n: 3 }
    titles {
      title: "周冠军"
      source: TITLE_SOURCE_AWARD
      award: "weekly-top3"
      max_place: 1
      held_while_true: true
    }
    titles { title: "上榜之星" source: TITLE_SOURCE_AWARD award: "weekly-top3" max_place: 3 }
  }
)pb";

v1::Event Share(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who, "g");
  e.mutable_contribution()->set_kind("share");
  return e;
}

void Shares(Community& c, absl::string_view who, int n) {
  for (int i = 0; i < n; ++i) c.Must(Share(c, who));
}

TEST(FanClub, TheWeeksChampionHoldsTheCrownUntilAnotherWeekIsWon) {
  Community fans(MergedConfig({kOneGroup, kOwnerAlone, kFanClub}));
  for (auto who : {"amy", "bea", "cal"}) fans.Join(who);
  // Sunday 1 March: the first week ends at midnight.
  Shares(fans, "amy", 3);
  Shares(fans, "bea", 2);
  v1::Outcome week1 = fans.Advance(kDay);
  const v1::Action crown = MustFind(week1, v1::ACTION_KIND_GRANT_TITLE, "amy");
  EXPECT_EQ(crown.title().title(), "周冠军");
  EXPECT_EQ(crown.rule(), "points.titles[0]");
  EXPECT_EQ(crown.reason(), "award");
  EXPECT_EQ(crown.title().award(), "weekly-top3");
  EXPECT_EQ(crown.title().reached(), 1);
  EXPECT_EQ(MustFind(week1, v1::ACTION_KIND_GRANT_TITLE, "bea").title().title(), "上榜之星");
  EXPECT_EQ(Count(week1, v1::ACTION_KIND_GRANT_TITLE), 3);  // amy twice, bea once

  Shares(fans, "bea", 4);
  Shares(fans, "amy", 1);
  v1::Outcome week2 = fans.Advance(7 * kDay);
  EXPECT_EQ(MustFind(week2, v1::ACTION_KIND_GRANT_TITLE, "bea").title().title(), "周冠军");
  const v1::Action lost = MustFind(week2, v1::ACTION_KIND_REVOKE_TITLE, "amy");
  EXPECT_EQ(lost.title().title(), "周冠军");
  EXPECT_EQ(lost.reason(), "award_not_placed");
  EXPECT_THAT(fans.engine().PointsRecord("amy")->titles(), ElementsAre("上榜之星"));

  // A week nobody scores in has no champion: bea's crown goes too, also
  // when one catch-up runs past the week's end (quiet weeks are skipped
  // only while no crown is held).
  v1::Outcome week3 = fans.Advance(7 * kDay + kHour);
  EXPECT_EQ(MustFind(week3, v1::ACTION_KIND_REVOKE_TITLE, "bea").title().title(), "周冠军");
  EXPECT_THAT(fans.engine().PointsRecord("bea")->titles(), ElementsAre("上榜之星"));
  // With no crown left, the quiet weeks that follow take nothing more.
  EXPECT_EQ(Count(fans.Advance(21 * kDay), v1::ACTION_KIND_REVOKE_TITLE), 0);
}

// ------------------------------------------------------------------ config

std::string Refusal(absl::string_view titles) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(MergedConfig(
      {kOneGroup, kOwnerAlone,
       R"pb(id: "fan-club" points { awards { name: "weekly-top3" period: PERIOD_WEEK top_n: 3 } })pb",
       titles}));
  return engine.ok() ? "ok" : std::string(engine.status().message());
}

TEST(TitleRules, MistakesAreRefusedNamingTheField) {
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "冠军" source: TITLE_SOURCE_AWARD
                                              award: "weekly-top" max_place: 1 } })pb"),
              HasSubstr("points.titles[0].award: unknown award 'weekly-top' "
                        "(did you mean 'weekly-top3'?)"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "冠军" source: TITLE_SOURCE_AWARD
                                              award: "weekly-top3" max_place: 4 } })pb"),
              HasSubstr("points.titles[0].max_place: 4 is over the limit of 3"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "冠军" source: TITLE_SOURCE_AWARD
                                              award: "weekly-top3" } })pb"),
              HasSubstr("points.titles[0].max_place: must be at least 1"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "富翁" min_balance: 100
                                              held_while_true: true } })pb"),
              HasSubstr("points.titles[0].held_while_true: a balance title is a milestone"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "星" source: TITLE_SOURCE_STREAK
                                              min_count: 7 min_balance: 5 } })pb"),
              HasSubstr("points.titles[0].min_balance: not used by a streak title"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "星" source: TITLE_SOURCE_STREAK } })pb"),
              HasSubstr("points.titles[0].min_count: must be at least 1"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "作" source: TITLE_SOURCE_TASKS
                                              min_count: 3 task_id: "t1" } })pb"),
              HasSubstr("points.titles[0].min_count: set min_count or task_id, not both"));
  EXPECT_THAT(Refusal(R"pb(points { titles { title: "作" source: TITLE_SOURCE_TASKS
                                              min_count: 3 award: "weekly-top3" } })pb"),
              HasSubstr("points.titles[0].award: not used by a tasks title"));
  EXPECT_THAT(Refusal(R"pb(points { titles { source: TITLE_SOURCE_STREAK min_count: 3 } })pb"),
              HasSubstr("points.titles[0].title: required"));
  v1::CommunityConfig unknown = ParseConfig(kWritingCamp);
  unknown.mutable_points()->mutable_titles(0)->set_source(static_cast<v1::TitleSource>(9));
  EXPECT_THAT(std::string(Engine::Create(unknown).status().message()),
              HasSubstr("points.titles[0].source: unknown value 9"));
  EXPECT_EQ(Refusal(R"pb(points { titles { title: "老会员" min_balance: 1000 } })pb"), "ok")
      << "a 0.2 balance title still reads the same";
}

}  // namespace
}  // namespace shequn
