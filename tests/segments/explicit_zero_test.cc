// Segments settings where 0 is a choice, not "unset" (issue #21): a seed score
// that ignores product data, a health check an operator switched off, and a
// risk alert on every day past the minimum.
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
using ::shequn::testing::MergedConfig;

v1::CommunityConfig Fans(absl::string_view segments) {
  return MergedConfig({R"pb(
    id: "fans"
    groups { id: "g1" stage: FUNNEL_STAGE_ACQUISITION }
    roles { staff { member_id: "owner" role: ROLE_OWNER } }
  )pb",
                       absl::StrCat("segments { ", segments, " }")});
}

void Post(Community& c, absl::string_view who, absl::string_view id) {
  v1::Event e = c.Make(who, "g1");
  e.mutable_message()->set_message_id(std::string(id));
  e.mutable_message()->set_text("你好");
  c.Must(e);
}

void Score(Community& c, absl::string_view who, absl::string_view checkpoint, double score) {
  v1::Event e = c.Make(who);
  e.mutable_product_activity()->set_checkpoint(std::string(checkpoint));
  e.mutable_product_activity()->set_score(score);
  c.Must(e);
}

// s1 talks three times; s2 talks once but gains 5 in the product.
v1::Report SeedRace(absl::string_view segments) {
  Community c(Fans(segments));
  for (const char* m : {"s1", "s2"}) c.Join(m);
  for (int i = 0; i < 3; ++i) Post(c, "s1", absl::StrCat("x", i));
  Post(c, "s2", "y");
  Score(c, "s2", "before", 2);
  Score(c, "s2", "2w", 7);
  c.Advance(8 * kDay);
  return c.engine().Report(c.now());
}

TEST(ExplicitZero, AProductWeightOfZeroRanksSeedsByWhatTheySaidInTheGroup) {
  const v1::Report r = SeedRace("seed { product_weight: 0 }");
  ASSERT_EQ(r.seed_candidates_size(), 2);
  EXPECT_EQ(r.seed_candidates(0).member(), "s1");
  EXPECT_DOUBLE_EQ(r.seed_candidates(0).score(), 3);
  EXPECT_DOUBLE_EQ(r.seed_candidates(1).score(), 1);
}

TEST(ExplicitZero, AnUnsetProductWeightCountsTheProductGain) {
  const v1::Report r = SeedRace("");
  ASSERT_EQ(r.seed_candidates_size(), 2);
  EXPECT_EQ(r.seed_candidates(0).member(), "s2");  // 1 + (7 − 2)
  EXPECT_DOUBLE_EQ(r.seed_candidates(0).score(), 6);
}

const v1::HealthCheck* Check(const v1::Report& r, absl::string_view name) {
  for (const v1::GroupReport& g : r.groups()) {
    if (g.group() != "g1") continue;
    for (const v1::HealthCheck& c : g.health().checks()) {
      if (c.name() == name) return &c;
    }
  }
  return nullptr;
}

TEST(ExplicitZero, AMinimumOfZeroSharesIsMetByAGroupThatSharesNothing) {
  Community c(Fans("health { min_shares_per_member: 0 }"));
  for (const char* m : {"a", "b", "d"}) c.Join(m);
  Post(c, "a", "hello");
  const v1::Report report = c.engine().Report(c.now());
  const v1::HealthCheck* shares = Check(report, "min_shares_per_member");
  ASSERT_NE(shares, nullptr);
  EXPECT_EQ(shares->target(), 0);
  EXPECT_TRUE(shares->met());
}

TEST(ExplicitZero, AnUnsetMinimumOfSharesIsMissedByAGroupThatSharesNothing) {
  Community c(Fans(""));
  for (const char* m : {"a", "b", "d"}) c.Join(m);
  Post(c, "a", "hello");
  const v1::Report report = c.engine().Report(c.now());
  const v1::HealthCheck* shares = Check(report, "min_shares_per_member");
  ASSERT_NE(shares, nullptr);
  EXPECT_DOUBLE_EQ(shares->target(), 0.1);
  EXPECT_FALSE(shares->met());
}

// One ban a day for eight days, then the count of alerts at the midnights.
int AlertsOverEightDaysOfOneBan(absl::string_view risk) {
  Community c(Fans(absl::StrCat("risk { min_violations: 1 ", risk, " }")));
  for (int i = 1; i <= 8; ++i) c.Join(absl::StrCat("m", i));
  int alerts = 0;
  for (int day = 1; day <= 8; ++day) {
    c.Advance(kHour);
    v1::Event ban = c.Make("owner");
    ban.mutable_ban()->set_member(absl::StrCat("m", day));
    c.Must(ban);
    alerts += Count(c.Advance(kDay - kHour), v1::ACTION_KIND_RISK_ALERT);
  }
  return alerts;
}

TEST(ExplicitZero, ASpikeRatioOfZeroAlertsOnEveryDayAtTheMinimum) {
  EXPECT_EQ(AlertsOverEightDaysOfOneBan("spike_ratio: 0"), 8);
}

TEST(ExplicitZero, AnUnsetSpikeRatioAlertsOnlyWhenTheDayBeatsThreeTimesTheWeek) {
  // The week's average is over seven days: one ban beats 3 × 0/7, 3 × 1/7 and
  // 3 × 2/7, and from the fourth day on (3 × 3/7 > 1) it is no spike.
  EXPECT_EQ(AlertsOverEightDaysOfOneBan(""), 3);
}

}  // namespace
}  // namespace shequn
