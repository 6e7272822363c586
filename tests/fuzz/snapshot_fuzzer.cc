// Fuzzes Engine::Restore with arbitrary CommunitySnapshot bytes under the
// fixed kBusyCommunity config (seeds: real snapshots written by
// shequn_fuzz_seeds). Restore must return a status, never crash; a refusal
// must name the field. An input refused as it is is restored again
// resealed, so mutations reach the record checks behind the seal. A
// restored engine must be consistent, round-trip to the same bytes, and
// survive every member leaving, being removed and the clock running on,
// with every refused call changing nothing.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "shequn/engine_testing.h"
#include "support/reseal.h"

using namespace shequn;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::CommunitySnapshot snap;
  if (!snap.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto restored = Engine::Restore(fuzz::BusyConfig(), snap);
  if (!restored.ok()) {
    fuzz::Require(restored.status().code() == absl::StatusCode::kInvalidArgument,
                  "Restore refused with a code other than InvalidArgument",
                  restored.status().ToString());
    // Nearly every mutation breaks the seal: reseal to reach the checks of
    // the records behind it.
    restored = Engine::Restore(fuzz::BusyConfig(), testing::Resealed(snap));
    if (!restored.ok()) {
      fuzz::Require(restored.status().code() == absl::StatusCode::kInvalidArgument,
                    "Restore refused a resealed snapshot with a code other than "
                    "InvalidArgument",
                    restored.status().ToString());
      return 0;
    }
  }
  Engine& engine = **restored;
  absl::Status consistent = EngineTesting::CheckConsistency(engine);
  fuzz::Require(consistent.ok(), "restored engine inconsistent", consistent.ToString());
  fuzz::RequireRoundTrip(engine);

  // Drive the restored state: whatever it holds, calls either work or are
  // refused without effect.
  const v1::CommunitySnapshot state = engine.Snapshot();
  int64_t now = engine.last_time_ms();
  int n = 0;
  auto apply = [&](v1::Event e) {
    e.set_id(absl::StrCat("sf", n++));
    e.set_time_ms(now);
    const std::string before = engine.SnapshotBytes();
    absl::StatusOr<v1::Outcome> out = engine.Apply(e);
    if (!out.ok()) {
      fuzz::RequireRefusal(out.status(), "Apply");
      fuzz::Require(engine.SnapshotBytes() == before, "a refused event changed the state",
                    out.status().ToString());
    }
  };
  int members = 0;
  for (const v1::MemberRecord& m : state.membership().members()) {
    if (++members > 32) break;
    v1::Event e;
    e.set_actor(m.id());
    switch (members % 4) {
      case 0: e.mutable_leave(); break;
      case 1:
        e.set_actor("owner");
        e.mutable_remove()->set_member(m.id());
        break;
      case 2:
        e.set_actor("owner");
        e.mutable_move()->set_member(m.id());
        e.mutable_move()->set_to_group("core");
        break;
      default: e.mutable_join_team()->set_team("a"); break;
    }
    apply(e);
    v1::Event again;
    again.set_actor(m.id());
    again.mutable_apply()->set_accepted_rules(true);
    again.mutable_apply()->set_nickname("名|城");
    again.mutable_apply()->set_deposit_paid_cents(500);
    apply(again);
  }
  if (now <= limits::kMaxTimeMs - 30 * testing::kDay) {
    now += 30 * testing::kDay;
    absl::StatusOr<v1::Outcome> later = engine.AdvanceTo(now);
    fuzz::Require(later.ok(), "AdvanceTo failed", later.status().ToString());
  }
  v1::Event end;
  end.set_actor("owner");
  end.mutable_end_community();
  apply(end);
  consistent = EngineTesting::CheckConsistency(engine);
  fuzz::Require(consistent.ok(), "engine inconsistent after driving", consistent.ToString());
  fuzz::RequireRoundTrip(engine);
  return 0;
}
