// Check-ins (打卡, D-7.1): streaks, streak bonuses, make-up cards and day
// boundaries in the community's time zone.
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
using ::shequn::testing::kMinute;
using ::shequn::testing::ParseConfig;

// kStart is 2026-03-01T00:00Z, 08:00 on 1 March in Shanghai.
constexpr absl::string_view kReadingCamp = R"pb(
  id: "reading-camp"
  time_zone: "Asia/Shanghai"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "host" role: ROLE_OWNER } }
  points {
    rules { kind: "check_in" points: 10 }
    check_in {
      streak_bonuses { days: 7 points: 50 repeat: true }
      make_up_cards_per_month: 2
      make_up_max_days_back: 3
    }
  }
)pb";

v1::Event CheckIn(Community& c, absl::string_view who, absl::string_view make_up = "") {
  v1::Event e = c.Make(who, "camp");
  e.mutable_check_in()->set_text("read 30 pages");
  e.mutable_check_in()->set_make_up_day(std::string(make_up));
  return e;
}

TEST(ReadingCamp, TwentyOneDaysOfCheckInsWithStreaksAndAMakeUpCard) {
  Community camp(ParseConfig(kReadingCamp));
  for (auto who : {"alice", "bob", "carol"}) camp.Join(who);
  int bonuses = 0;
  for (int day = 0; day < 21; ++day) {
    if (day > 0) camp.Advance(kDay);
    bonuses += Count(camp.Must(CheckIn(camp, "alice")), v1::ACTION_KIND_AWARD_POINTS) - 1;
    if (day != 9) camp.Must(CheckIn(camp, "bob"));  // bob forgets 10 March...
    if (day == 10) camp.Must(CheckIn(camp, "bob", "2026-03-10"));  // ...and makes it up
    if (day != 5) camp.Must(CheckIn(camp, "carol"));  // carol misses 6 March for good
  }
  EXPECT_EQ(bonuses, 3);  // days 7, 14 and 21

  v1::MemberPoints alice = *camp.engine().PointsRecord("alice");
  EXPECT_EQ(alice.check_ins(), 21);
  EXPECT_EQ(alice.current_streak(), 21);
  EXPECT_EQ(alice.longest_streak(), 21);
  EXPECT_EQ(alice.last_check_in_day(), "2026-03-21");
  EXPECT_EQ(alice.balance(), 21 * 10 + 3 * 50);

  v1::MemberPoints bob = *camp.engine().PointsRecord("bob");
  EXPECT_EQ(bob.current_streak(), 21) << "the make-up card bridged the gap";
  EXPECT_EQ(bob.balance(), 21 * 10 + 3 * 50);

  v1::MemberPoints carol = *camp.engine().PointsRecord("carol");
  EXPECT_EQ(carol.check_ins(), 20);
  EXPECT_EQ(carol.current_streak(), 15);
  EXPECT_EQ(carol.longest_streak(), 15);
  EXPECT_EQ(carol.balance(), 20 * 10 + 2 * 50);  // bonuses at 7 and 14 of the second run

  // Two days without a check-in break the streak.
  camp.Advance(2 * kDay);
  EXPECT_EQ(camp.engine().PointsRecord("alice")->current_streak(), 0);
  EXPECT_EQ(camp.engine().PointsRecord("alice")->longest_streak(), 21);

  // Every point is a ledger entry naming its rule.
  v1::MemberLedger ledger = *camp.engine().Ledger("alice");
  ASSERT_EQ(ledger.entries_size(), 24);
  EXPECT_EQ(ledger.entries(0).cause(), "points.rules[0]");
  EXPECT_EQ(ledger.entries(7).cause(), "points.check_in.streak_bonuses[0]");
  EXPECT_EQ(ledger.entries(7).reason(), "streak_7");
}

TEST(ReadingCamp, MakeUpCardsAreLimited) {
  Community camp(ParseConfig(kReadingCamp));
  camp.Join("dan");
  camp.Advance(5 * kDay);  // 6 March
  camp.ExpectRejected(CheckIn(camp, "dan", "2026-03-02"), absl::StatusCode::kFailedPrecondition,
                      "more than 3 days back");
  camp.ExpectRejected(CheckIn(camp, "dan", "2026-03-06"), absl::StatusCode::kInvalidArgument,
                      "not before today");
  camp.ExpectRejected(CheckIn(camp, "dan", "3/5"), absl::StatusCode::kInvalidArgument,
                      "check_in.make_up_day");
  camp.Must(CheckIn(camp, "dan", "2026-03-05"));
  camp.ExpectRejected(CheckIn(camp, "dan", "2026-03-05"), absl::StatusCode::kFailedPrecondition,
                      "already checked in");
  camp.Must(CheckIn(camp, "dan", "2026-03-04"));
  camp.ExpectRejected(CheckIn(camp, "dan", "2026-03-03"), absl::StatusCode::kFailedPrecondition,
                      "used all 2 make-up cards");
  EXPECT_EQ(camp.engine().PointsRecord("dan")->current_streak(), 2);
  // Not before joining.
  camp.Join("eve");
  camp.ExpectRejected(CheckIn(camp, "eve", "2026-03-05"), absl::StatusCode::kFailedPrecondition,
                      "before member 'eve' joined");
}

TEST(ReadingCamp, TheDayTurnsAtMidnightInShanghaiNotUtc) {
  Community camp(ParseConfig(kReadingCamp));
  camp.Join("fay");
  // 15:59Z is 23:59 in Shanghai; 16:01Z is 00:01 the next day there.
  camp.Advance(15 * kHour + 59 * kMinute);
  camp.Must(CheckIn(camp, "fay"));
  camp.Advance(2 * kMinute);
  camp.Must(CheckIn(camp, "fay"));
  EXPECT_EQ(camp.engine().PointsRecord("fay")->current_streak(), 2);
  EXPECT_EQ(camp.engine().PointsRecord("fay")->last_check_in_day(), "2026-03-02");
  // 23 hours later it is 23:01 on 2 March in Shanghai (15:01Z): a new UTC
  // day, but the same local day, so no second check-in.
  camp.Advance(23 * kHour);
  camp.ExpectRejected(CheckIn(camp, "fay"), absl::StatusCode::kFailedPrecondition,
                      "already checked in on 2026-03-02");
}

TEST(ReadingCamp, TheRecordAsOfTheDayAfterTomorrowShowsTheStreakBroken) {
  Community camp(ParseConfig(kReadingCamp));
  camp.Join("alice");
  camp.Must(CheckIn(camp, "alice"));
  camp.Advance(kDay);
  camp.Must(CheckIn(camp, "alice"));
  EXPECT_EQ(camp.engine().PointsRecord("alice")->current_streak(), 2);
  EXPECT_EQ(camp.engine().PointsRecord("alice", camp.now() + kDay)->current_streak(), 2)
      << "tomorrow the streak is still alive";
  const v1::MemberPoints later = *camp.engine().PointsRecord("alice", camp.now() + 2 * kDay);
  EXPECT_EQ(later.current_streak(), 0);
  EXPECT_EQ(later.longest_streak(), 2);
  EXPECT_EQ(later.balance(), 20);
  // A time before the last event reads as the last event's.
  EXPECT_EQ(camp.engine().PointsRecord("alice", 0)->SerializeAsString(),
            camp.engine().PointsRecord("alice")->SerializeAsString());
  EXPECT_EQ(camp.engine().PointsRecord("nobody", camp.now()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ReadingCamp, NoCheckInBeforeJoining) {
  v1::CommunityConfig config = ParseConfig(kReadingCamp);
  config.mutable_admission()->add_thresholds(v1::THRESHOLD_APPLICATION);
  Community camp(config);
  v1::Event apply = camp.Make("gus");
  apply.mutable_apply()->set_accepted_rules(true);
  camp.Must(apply);  // pending approval
  camp.ExpectRejected(CheckIn(camp, "gus"), absl::StatusCode::kFailedPrecondition, "actor");
  camp.ExpectRejected(CheckIn(camp, "stranger"), absl::StatusCode::kNotFound, "actor");
}

}  // namespace
}  // namespace shequn
