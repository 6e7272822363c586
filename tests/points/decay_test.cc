// Points decay (PointsConfig.decay): a share of every positive balance is
// taken at each decay boundary, as ledger entries; history is never rewritten.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAndAdmin;
using ::shequn::testing::kStart;
using ::shequn::testing::MergedConfig;

v1::CommunityConfig Decaying() {
  return MergedConfig({kOneGroup, kOwnerAndAdmin, R"pb(
    id: "fans"
    points { decay { percent: 10 period_days: 7 } }
  )pb"});
}

v1::Event Adjust(Community& c, absl::string_view member, int64_t amount) {
  v1::Event e = c.Make("admin", "g");
  e.mutable_adjust_points()->set_member(std::string(member));
  e.mutable_adjust_points()->set_amount(amount);
  e.mutable_adjust_points()->set_reason("launch bonus");
  return e;
}

int64_t Balance(Community& c, absl::string_view m) { return *c.engine().Balance(m); }

TEST(PointsDecay, TenPercentAWeekIsTakenAtEachBoundaryFlooredAsLedgerEntries) {
  Community fans(Decaying());  // starts Sunday 1 March 2026, 00:00 UTC
  fans.Join("ann");
  fans.Join("bo");
  fans.Join("cy");
  fans.Must(Adjust(fans, "ann", 1000));
  fans.Must(Adjust(fans, "bo", 55));
  fans.Must(Adjust(fans, "cy", 9));

  v1::Outcome first = fans.Advance(7 * kDay - kHour);
  EXPECT_EQ(Balance(fans, "ann"), 1000) << "not before the boundary";
  first = fans.Advance(kHour);  // 8 March 00:00: the first boundary
  EXPECT_EQ(Balance(fans, "ann"), 900);   // 1000 - 100
  EXPECT_EQ(Balance(fans, "bo"), 50);     // 55 - floor(5.5)
  EXPECT_EQ(Balance(fans, "cy"), 9);      // floor(0.9) = 0: nothing taken
  ASSERT_NE(testing::Find(first, v1::ACTION_KIND_AWARD_POINTS, "ann"), std::nullopt);
  EXPECT_EQ(testing::MustFind(first, v1::ACTION_KIND_AWARD_POINTS, "ann").amount(), -100);
  EXPECT_EQ(testing::MustFind(first, v1::ACTION_KIND_AWARD_POINTS, "ann").reason(), "decay");

  fans.Advance(14 * kDay);  // two more boundaries: 15 and 22 March
  EXPECT_EQ(Balance(fans, "ann"), 729);   // 900 - 90 = 810; 810 - 81 = 729
  EXPECT_EQ(Balance(fans, "bo"), 41);     // 50 - 5 = 45; 45 - floor(4.5) = 41

  const v1::MemberLedger ann = *fans.engine().Ledger("ann");
  ASSERT_EQ(ann.entries_size(), 4);
  EXPECT_EQ(ann.entries(0).amount(), 1000) << "history is kept";
  EXPECT_EQ(ann.entries(1).amount(), -100);
  EXPECT_EQ(ann.entries(1).cause(), "points.decay");
  EXPECT_EQ(ann.entries(1).reason(), "decay");
  EXPECT_EQ(ann.entries(1).time_ms(), kStart + 7 * kDay);
  EXPECT_EQ(ann.entries(3).time_ms(), kStart + 21 * kDay);

  // The all-time board follows the balances.
  v1::BoardQuery all;
  const v1::BoardPage top = *fans.engine().Leaderboard(all, 3);
  ASSERT_EQ(top.rows_size(), 3);
  EXPECT_EQ(top.rows(0).member(), "ann");
  EXPECT_EQ(top.rows(0).score(), 729);
  EXPECT_EQ(top.rows(1).score(), 41);
  EXPECT_EQ(top.rows(2).score(), 9);
}

TEST(PointsDecay, RestoreThenContinueEqualsOneRun) {
  auto run = [](bool restore) {
    Community fans(Decaying());
    fans.Join("ann");
    fans.Must(Adjust(fans, "ann", 777));
    fans.Advance(10 * kDay);
    std::unique_ptr<Engine> restored;
    if (restore) restored = *Engine::Restore(Decaying(), fans.engine().Snapshot());
    Engine& e = restore ? *restored : fans.engine();
    EXPECT_TRUE(e.AdvanceTo(kStart + 30 * kDay).ok());
    return std::make_pair(e.SnapshotBytes(), *e.Balance("ann"));
  };
  const auto one = run(false);
  const auto two = run(true);
  EXPECT_EQ(one.first, two.first);
  // 777 -> 700 (77) -> 630 (70) -> 567 (63) -> 511 (56): 8, 15, 22, 29 March.
  EXPECT_EQ(one.second, 511);
}

TEST(PointsDecay, BadSettingsNameTheField) {
  v1::CommunityConfig c = Decaying();
  c.mutable_points()->mutable_decay()->set_percent(101);
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(c);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), ::testing::HasSubstr("points.decay.percent"));
  c = Decaying();
  c.mutable_points()->mutable_decay()->set_period_days(5000);
  e = Engine::Create(c);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), ::testing::HasSubstr("points.decay.period_days"));
}

TEST(PointsDecay, OffByDefault) {
  v1::CommunityConfig c = Decaying();
  c.mutable_points()->clear_decay();
  Community fans(c);
  fans.Join("ann");
  fans.Must(Adjust(fans, "ann", 1000));
  fans.Advance(90 * kDay);
  EXPECT_EQ(Balance(fans, "ann"), 1000);
}

}  // namespace
}  // namespace shequn
