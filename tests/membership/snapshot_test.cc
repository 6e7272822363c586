// Snapshot → Restore → continue equals one long run, byte for byte.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::ParseConfig;
using ::shequn::testing::RandomEvents;
using ::testing::HasSubstr;

// Runs `events` on `engine` as a host does: timers, then the event.
// Rejected events are part of the stream; only their effect (none) counts.
int Feed(Engine& engine, const std::vector<v1::Event>& events, size_t from, size_t to) {
  int accepted = 0;
  for (size_t i = from; i < to; ++i) {
    EXPECT_TRUE(engine.AdvanceTo(events[i].time_ms()).ok());
    accepted += engine.Apply(events[i]).ok();
  }
  return accepted;
}

TEST(Snapshot, RestoreThenContinueEqualsOneLongRun) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  const std::vector<v1::Event> events = RandomEvents(7, 2000);
  auto whole = Engine::Create(config);
  ASSERT_TRUE(whole.ok());
  EXPECT_GT(Feed(**whole, events, 0, events.size()), 500);

  for (size_t cut : {size_t{1}, size_t{333}, size_t{1000}, size_t{1999}}) {
    auto first = Engine::Create(config);
    ASSERT_TRUE(first.ok());
    Feed(**first, events, 0, cut);
    v1::CommunitySnapshot snap;
    ASSERT_TRUE(snap.ParseFromString((*first)->SnapshotBytes()));
    auto second = Engine::Restore(config, snap);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ((*second)->SnapshotBytes(), (*first)->SnapshotBytes()) << "cut " << cut;
    Feed(**second, events, cut, events.size());
    EXPECT_EQ((*second)->SnapshotBytes(), (*whole)->SnapshotBytes()) << "cut " << cut;
  }
}

TEST(Snapshot, TheSameStreamGivesTheSameBytes) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  const std::vector<v1::Event> events = RandomEvents(11, 1500);
  auto a = Engine::Create(config);
  auto b = Engine::Create(config);
  Feed(**a, events, 0, events.size());
  Feed(**b, events, 0, events.size());
  EXPECT_EQ((*a)->SnapshotBytes(), (*b)->SnapshotBytes());
}

TEST(Snapshot, ReplayingEveryEventTwiceChangesNothing) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  const std::vector<v1::Event> events = RandomEvents(5, 800);
  auto once = Engine::Create(config);
  auto twice = Engine::Create(config);
  Feed(**once, events, 0, events.size());
  for (const v1::Event& e : events) {
    ASSERT_TRUE((*twice)->AdvanceTo(e.time_ms()).ok());
    absl::StatusOr<v1::Outcome> first = (*twice)->Apply(e);
    absl::StatusOr<v1::Outcome> again = (*twice)->Apply(e);
    if (first.ok()) {
      ASSERT_TRUE(again.ok());
      EXPECT_TRUE(again->duplicate());
    }
  }
  EXPECT_EQ((*once)->SnapshotBytes(), (*twice)->SnapshotBytes());
}

TEST(Snapshot, ASnapshotOfAnotherCommunityIsRefused) {
  v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  auto engine = Engine::Create(config);
  const v1::CommunitySnapshot snap = (*engine)->Snapshot();
  config.set_id("other");
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config, snap);
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("snapshot.community_id"));
}

TEST(Snapshot, ACorruptSnapshotNamesTheBrokenRecord) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  auto engine = Engine::Create(config);
  v1::CommunitySnapshot snap = (*engine)->Snapshot();
  snap.mutable_membership()->mutable_members(1)->set_group("nowhere");
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("membership.members[1].group"));

  snap = (*engine)->Snapshot();
  snap.mutable_membership()->add_waitlist("owner");
  restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("membership.waitlist[0]"));
}

TEST(Snapshot, ANumberHeldTwiceOrAnActivityTimeOutOfRangeIsRefused) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  auto engine = Engine::Create(config);
  v1::CommunitySnapshot snap = (*engine)->Snapshot();
  snap.mutable_membership()->mutable_members(1)->set_number(
      snap.membership().members(0).number());
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("membership.members[1].number"));

  snap = (*engine)->Snapshot();
  snap.mutable_membership()->mutable_members(0)->set_last_active_ms(-1);
  restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("membership.members[0].last_active_ms"));

  snap = (*engine)->Snapshot();
  snap.mutable_membership()->mutable_members(0)->set_purge_warned_ms(limits::kMaxTimeMs + 1);
  restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("membership.members[0].purge_warned_ms"));
}

}  // namespace
}  // namespace shequn
