// Ledger conservation over seeded random streams of membership and points
// events, and of every part's events in kAllPartsCommunity (awards, decay,
// expiry, streak bonuses, polls, meetups, eliminations, long gaps, times near
// 1970 and 9999): every member's balance equals the sum of their ledger
// entries, after every event, and after a restore.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::AllPartsMakers;
using ::shequn::testing::Concat;
using ::shequn::testing::kAllPartsCommunity;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kDay;
using ::shequn::testing::MembershipMakers;
using ::shequn::testing::ParseConfig;
using ::shequn::testing::PointsMakers;
using ::shequn::testing::RandomStream;
using ::shequn::testing::StreamOptions;
using ::shequn::testing::WeightedMaker;

v1::CommunityConfig PointsCommunity() {
  v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  // No ritual deadline: members stay long enough to earn and lose points.
  config.mutable_ritual()->set_deadline_seconds(0);
  config.MergeFrom(ParseConfig(R"pb(
    points {
      rules { kind: "check_in" points: 2 daily_cap: 4 }
      rules { kind: "answer" points: 3 daily_cap: 15 min_length: 10 }
    }
  )pb"));
  return config;
}

// Empty when every member's balance is the sum of their entries.
std::string Unbalanced(const Engine& engine) {
  const v1::CommunitySnapshot snap = engine.Snapshot();
  for (const v1::MemberRecord& m : snap.membership().members()) {
    absl::StatusOr<int64_t> balance = engine.Balance(m.id());
    absl::StatusOr<v1::MemberLedger> ledger = engine.Ledger(m.id());
    if (!balance.ok() || !ledger.ok()) {
      return absl::StrCat(m.id(), ": ", balance.status().ToString(), " ",
                          ledger.status().ToString());
    }
    int64_t sum = 0;
    for (const v1::LedgerEntry& e : ledger->entries()) sum += e.amount();
    if (sum != *balance || ledger->balance() != *balance) {
      return absl::StrCat(m.id(), ": balance ", *balance, ", ledger says ", ledger->balance(),
                          ", entries sum to ", sum);
    }
  }
  return "";
}

// Feeds `events` as a host does, checking conservation after every tenth
// accepted event and atomicity after every rejected one, then once more
// after a restore. Returns the points credited or debited by actions.
void ExpectConservation(const v1::CommunityConfig& config, const std::vector<v1::Event>& events,
                        int* credited) {
  auto engine = Engine::Create(config);
  ASSERT_TRUE(engine.ok()) << engine.status();
  for (size_t i = 0; i < events.size(); ++i) {
    absl::StatusOr<v1::Outcome> timers = (*engine)->AdvanceTo(events[i].time_ms());
    const std::string before = (*engine)->SnapshotBytes();
    absl::StatusOr<v1::Outcome> out = (*engine)->Apply(events[i]);
    if (!out.ok()) {
      ASSERT_EQ((*engine)->SnapshotBytes(), before) << out.status();
      continue;
    }
    for (const absl::StatusOr<v1::Outcome>* o : {&timers, &out}) {
      if (!o->ok()) continue;
      for (const v1::Action& a : (*o)->actions()) *credited += a.kind() == v1::ACTION_KIND_AWARD_POINTS;
    }
    if (i % 10 == 0) ASSERT_EQ(Unbalanced(**engine), "") << "after event " << i;
  }
  ASSERT_EQ(Unbalanced(**engine), "");
  auto restored = Engine::Restore(config, (*engine)->Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(Unbalanced(**restored), "");
  EXPECT_EQ((*restored)->SnapshotBytes(), (*engine)->SnapshotBytes());
}

TEST(LedgerConservation, BalancesEqualTheSumOfEntriesAfterEveryEvent) {
  const v1::CommunityConfig config = PointsCommunity();
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    int credited = 0;
    ExpectConservation(config, RandomStream(seed, 2000, Concat(MembershipMakers(), PointsMakers())),
                       &credited);
    EXPECT_GT(credited, 10) << "the stream should move points";
  }
}

TEST(LedgerConservation, BalancesEqualTheSumOfEntriesWithEveryPartOn) {
  const v1::CommunityConfig config = ParseConfig(kAllPartsCommunity);
  const std::vector<WeightedMaker> makers = AllPartsMakers();
  const int64_t starts[] = {testing::kStart, 40 * kDay, limits::kMaxTimeMs - 400 * kDay};
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    const StreamOptions options = {
        .members = 30, .end_community = true, .start_ms = starts[seed - 1], .long_gaps = true};
    int credited = 0;
    ExpectConservation(config, RandomStream(seed, 3000, makers, options), &credited);
    EXPECT_GT(credited, 50) << "the stream should move points";
  }
}

}  // namespace
}  // namespace shequn
