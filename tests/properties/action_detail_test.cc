// Actions carry their due time and their kind's typed detail: a host reads
// `detail` instead of guessing what `amount` or `text` means for a kind,
// and carries out a catch-up AdvanceTo's actions each as of its own time.
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kHour;
using ::shequn::testing::ParseConfig;

// The detail each kind must carry (action.proto), checked against the flat
// fields it replaces.
void ExpectDetail(const v1::Action& a) {
  SCOPED_TRACE(a.ShortDebugString());
  switch (a.kind()) {
    case v1::ACTION_KIND_ADMIT:
      ASSERT_TRUE(a.has_admit());
      EXPECT_GT(a.admit().member_number(), 0u);
      EXPECT_EQ(a.admit().member_number(), a.amount());
      break;
    case v1::ACTION_KIND_WAITLIST:
      ASSERT_TRUE(a.has_waitlist());
      EXPECT_GE(a.waitlist().position(), 1u);
      break;
    case v1::ACTION_KIND_WELCOME:
    case v1::ACTION_KIND_REMIND:
    case v1::ACTION_KIND_REFUSE:
      ASSERT_TRUE(a.has_notice());
      EXPECT_EQ(a.notice().text(), a.text());
      break;
    case v1::ACTION_KIND_TAKE_DEPOSIT:
    case v1::ACTION_KIND_REFUND_DEPOSIT:
    case v1::ACTION_KIND_FORFEIT_DEPOSIT:
      ASSERT_TRUE(a.has_deposit());
      EXPECT_GT(a.deposit().cents(), 0);
      break;
    case v1::ACTION_KIND_SET_ROLE:
      ASSERT_TRUE(a.has_role());
      EXPECT_NE(a.role().role(), v1::ROLE_UNSPECIFIED);
      break;
    case v1::ACTION_KIND_ASSIGN_TEAM:
      ASSERT_TRUE(a.has_team());
      EXPECT_FALSE(a.team().team().empty());
      break;
    case v1::ACTION_KIND_AWARD_POINTS:
      ASSERT_TRUE(a.has_points());
      EXPECT_NE(a.points().points(), 0);
      break;
    default:
      break;
  }
}

TEST(ActionDetail, EveryActionOfARandomStreamCarriesItsDetailAndDueTime) {
  auto engine = Engine::Create(ParseConfig(kBusyCommunity));
  ASSERT_TRUE(engine.ok());
  int seen = 0;
  for (const v1::Event& e : testing::RandomStream(7, 400, testing::MembershipMakers())) {
    const int64_t before = (*engine)->last_time_ms();
    absl::StatusOr<v1::Outcome> timers = (*engine)->AdvanceTo(e.time_ms());
    if (timers.ok()) {
      int64_t previous = before;
      for (const v1::Action& a : timers->actions()) {
        EXPECT_GE(a.due_ms(), previous) << "timer actions out of due order";
        EXPECT_LE(a.due_ms(), e.time_ms());
        previous = a.due_ms();
        ExpectDetail(a);
        ++seen;
      }
    }
    absl::StatusOr<v1::Outcome> out = (*engine)->Apply(e);
    if (!out.ok()) continue;
    for (const v1::Action& a : out->actions()) {
      EXPECT_EQ(a.due_ms(), e.time_ms());
      ExpectDetail(a);
      ++seen;
    }
  }
  EXPECT_GT(seen, 100);
}

TEST(ActionDetail, ACatchUpAdvanceToDatesTheReminderAndTheRemovalApart) {
  // The ritual reminds two hours after joining and removes an hour later.
  Community c(ParseConfig(kBusyCommunity));
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_deposit_paid_cents(500);
  v1::Outcome admitted = c.Must(join);
  const std::optional<v1::Action> admit = testing::Find(admitted, v1::ACTION_KIND_ADMIT, "ann");
  ASSERT_TRUE(admit.has_value());
  EXPECT_EQ(admit->admit().member_number(), 3u);  // the owner and the admin hold 1 and 2
  const std::optional<v1::Action> deposit =
      testing::Find(admitted, v1::ACTION_KIND_TAKE_DEPOSIT, "ann");
  ASSERT_TRUE(deposit.has_value());
  EXPECT_EQ(deposit->deposit().cents(), 500);

  // The bot was offline for a day: one AdvanceTo hands back both, each
  // dated when it fell due, not when the bot came back.
  v1::Outcome later = c.Advance(24 * kHour);
  const std::optional<v1::Action> remind = testing::Find(later, v1::ACTION_KIND_REMIND, "ann");
  const std::optional<v1::Action> remove = testing::Find(later, v1::ACTION_KIND_REMOVE, "ann");
  ASSERT_TRUE(remind.has_value() && remove.has_value()) << later.ShortDebugString();
  EXPECT_EQ(remind->due_ms(), join.time_ms() + 2 * kHour);
  EXPECT_EQ(remove->due_ms(), join.time_ms() + 3 * kHour);
  EXPECT_FALSE(remind->notice().text().empty());
}

}  // namespace
}  // namespace shequn
