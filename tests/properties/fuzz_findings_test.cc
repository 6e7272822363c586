// Regressions for what the fuzzers found (tests/fuzz). Each names the
// fuzzer and what broke.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/invariants.h"
#include "shequn/engine_testing.h"
#include "support/random_events.h"
#include "support/reseal.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kDay;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;

// events_fuzzer: ending the community dropped the ritual timers but kept the
// deadlines, so a snapshot restored after the end brought the timers back
// and reminded and removed members of an ended community.
TEST(FuzzFindings, NoRitualRunsOnAfterTheEndEvenAfterARestore) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  Community c(config);
  v1::Event join = c.Make("m3", "core");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_nickname("名|杭州");
  join.mutable_apply()->set_deposit_paid_cents(500);
  c.Must(join);
  c.Advance(testing::kHour);
  v1::Event end = c.Make("owner");
  end.mutable_end_community();
  c.Must(end);
  EXPECT_TRUE(EngineTesting::CheckConsistency(c.engine()).ok()) << EngineTesting::CheckConsistency(c.engine());
  auto restored = Engine::Restore(config, c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  absl::StatusOr<v1::Outcome> later = (*restored)->AdvanceTo(c.now() + 2 * kDay);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->actions_size(), 0) << later->ShortDebugString();
  EXPECT_EQ(c.Advance(2 * kDay).actions_size(), 0);
  EXPECT_EQ((*restored)->SnapshotBytes(), c.engine().SnapshotBytes());
}

// config_fuzzer: a text-format config may carry invalid UTF-8 in a string
// ("\304lumni"); it was accepted, and Snapshot() then wrote bytes that do
// not parse back. Every string field of a config, a snapshot and an event id
// must be valid UTF-8.
TEST(FuzzFindings, InvalidUtf8AnywhereInAConfigIsRefusedNamingTheField) {
  v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  config.mutable_groups(1)->set_id("\xc4lumni");
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(engine.status().message(), HasSubstr("groups[1].id: invalid UTF-8 at byte 0"));

  config = ParseConfig(kBusyCommunity);
  config.mutable_ritual()->mutable_nickname()->mutable_fields(1)->set_name("城\xff");
  engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("ritual.nickname.fields[1].name: invalid UTF-8"));
}

TEST(FuzzFindings, InvalidUtf8InASnapshotOrAnEventIdIsRefused) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  Community c(config);
  v1::CommunitySnapshot snap = c.engine().Snapshot();
  snap.mutable_membership()->mutable_members(1)->set_nickname("\xe6\x9d");
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config, snap);
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(),
              HasSubstr("snapshot.membership.members[1].nickname: invalid UTF-8"));

  v1::Event e = c.Make("owner");
  e.set_id("id\xff");
  e.mutable_handbook_ack();
  c.ExpectRejected(e, absl::StatusCode::kInvalidArgument, "id: invalid UTF-8");
}

// snapshot_fuzzer: a snapshot whose daily health check was due in 2026 but
// whose clock stood thousands of years later made AdvanceTo run the check
// once for every day in between. Days older than the longest window are now
// skipped: a long gap costs a few checks, and the recent ones still run.
TEST(FuzzFindings, ALongGapRunsOnlyTheDailyChecksThatStillMatter) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  Community c(config);
  c.Join("m1");
  c.Advance(kDay);
  v1::CommunitySnapshot snap = c.engine().Snapshot();
  ASSERT_GT(snap.segments().next_check_ms(), 0);
  snap.set_last_time_ms(limits::kMaxTimeMs - 40 * kDay);
  auto restored = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_TRUE(restored.ok()) << restored.status();
  absl::StatusOr<v1::Outcome> later = (*restored)->AdvanceTo(limits::kMaxTimeMs - 10 * kDay);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_GT((*restored)->Snapshot().segments().next_check_ms(), limits::kMaxTimeMs - 10 * kDay);

  // A live community left alone for ten years comes back in one call.
  absl::StatusOr<v1::Outcome> decade = c.engine().AdvanceTo(c.now() + 3650 * kDay);
  ASSERT_TRUE(decade.ok()) << decade.status();
}

// events_fuzzer: Report "as of" a time near INT64_MAX overflowed the day
// arithmetic in segments. As-of times past year 9999 read as its last
// instant, like a report of that moment.
TEST(FuzzFindings, AReportAsOfTheEndOfTimeIsTheReportOfYear9999) {
  Community c(ParseConfig(kBusyCommunity));
  c.Join("m1");
  const v1::Report at_the_end = c.engine().Report(limits::kMaxTimeMs);
  for (int64_t later : {limits::kMaxTimeMs + 1, INT64_MAX - 1, INT64_MAX}) {
    EXPECT_EQ(SerializeDeterministic(c.engine().Report(later)),
              SerializeDeterministic(at_the_end));
    absl::StatusOr<std::vector<std::string>> segments =
        c.engine().MemberSegments("m1", later);
    ASSERT_TRUE(segments.ok()) << segments.status();
  }
}

}  // namespace
}  // namespace shequn
