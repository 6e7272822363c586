// Fuzzes Engine::Restore with arbitrary CommunitySnapshot bytes, under the
// config the snapshot's community id names (kBusyCommunity, membership
// only, for any other id; kAllPartsCommunity, its gated variant and the
// sparse one turn rules, points and segments on). Seeds: real snapshots of
// every part's state written by shequn_fuzz_seeds. Restore must return a
// status, never crash; a refusal must name the field. An input refused as
// it is is restored again resealed, so mutations reach each part's record
// checks behind the seal. A restored engine must be consistent, round-trip
// to the same bytes, and survive its first members leaving, being removed,
// a short stream of every part's events and the clock running on, with
// every refused call changing nothing (fuzz::UnchangedByRefusals: the
// bytes before a call are taken only when no refusal left them known).
// Restores with EngineTesting::Restore
// (Engine::Restore sharing a screener built once per config).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz_support.h"
#include "shequn/engine_testing.h"
#include "support/reseal.h"

using namespace shequn;

namespace {

// An engine under the config `community_id` names, built once per config:
// inputs restore with EngineTesting::Restore, Engine::Restore's checks and
// records without validating the fixed config and building its screener
// again for every input.
const Engine& ModelFor(absl::string_view community_id) {
  static const auto* models = [] {
    auto* m = new std::vector<std::unique_ptr<Engine>>;
    for (const v1::CommunityConfig* c : {&fuzz::BusyConfig(), &fuzz::AllPartsConfig(),
                                         &fuzz::GatedAllPartsConfig(), &fuzz::SparseAllPartsConfig()}) {
      auto created = Engine::Create(*c);
      if (!created.ok()) fuzz::Fail("a fixed config is refused", created.status().ToString());
      m->push_back(*std::move(created));
    }
    return m;
  }();
  for (const auto& model : *models) {
    if (model->config().id() == community_id) return *model;
  }
  return *models->front();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::CommunitySnapshot snap;
  if (!snap.ParseFromArray(data, static_cast<int>(size))) return 0;
  const Engine& model = ModelFor(snap.community_id());
  const v1::CommunityConfig& config = model.config();
  auto restored = EngineTesting::Restore(model, snap);
  if (!restored.ok()) {
    fuzz::Require(restored.status().code() == absl::StatusCode::kInvalidArgument,
                  "Restore refused with a code other than InvalidArgument",
                  restored.status().ToString());
    // Nearly every mutation breaks the seal: reseal to reach the checks of
    // the records behind it.
    restored = EngineTesting::Restore(model, testing::Resealed(snap));
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
  fuzz::UnchangedByRefusals unchanged(engine);
  auto apply = [&](v1::Event e) {
    e.set_id(absl::StrCat("sf", n++));
    e.set_time_ms(now);
    unchanged.Before();
    absl::StatusOr<v1::Outcome> out = engine.Apply(e);
    if (!out.ok()) {
      fuzz::RequireRefusal(out.status(), "Apply");
      unchanged.RequireUnchanged("a refused event changed the state", out.status().ToString());
    } else {
      unchanged.Accepted();
    }
  };
  int members = 0;
  for (const v1::MemberRecord& m : state.membership().members()) {
    if (++members > 12) break;
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
  // Every part's events (only membership's under kBusyCommunity), drawn
  // from the input's size.
  static const auto* all_parts = new std::vector<testing::WeightedMaker>(testing::AllPartsMakers());
  static const auto* membership = new std::vector<testing::WeightedMaker>(testing::MembershipMakers());
  const auto& makers = config.id() == fuzz::BusyConfig().id() ? *membership : *all_parts;
  testing::StreamContext ctx(static_cast<uint32_t>(size), {.members = 16});
  for (int i = 0; i < 12; ++i) {
    v1::Event e;
    e.set_id(absl::StrCat("sf", n));  // a maker may draw on it
    e.set_actor(ctx.Member());
    makers[ctx.Pick(static_cast<int>(makers.size()))].make(ctx, e);
    apply(e);
  }
  if (now <= limits::kMaxTimeMs - 30 * testing::kDay) {
    now += 30 * testing::kDay;
    absl::StatusOr<v1::Outcome> later = engine.AdvanceTo(now);
    fuzz::Require(later.ok(), "AdvanceTo failed", later.status().ToString());
    unchanged.Accepted();
  }
  v1::Event end;
  end.set_actor("owner");
  end.mutable_end_community();
  apply(end);
  consistent = EngineTesting::CheckConsistency(engine);
  fuzz::Require(consistent.ok(), "engine inconsistent after driving", consistent.ToString());
  fuzz::RequireRoundTrip(engine, unchanged.KnownBytes());
  return 0;
}
