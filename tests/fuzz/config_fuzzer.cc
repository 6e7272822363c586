// Fuzzes Engine::Create with arbitrary configs. An input starting with '#'
// is text format (the '#' line is a comment), anything else binary
// CommunityConfig. A refused config must be InvalidArgument naming a field;
// an accepted one must survive a few events, timers and a snapshot round
// trip with its invariants intact.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "shequn/engine_testing.h"

using namespace shequn;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  v1::CommunityConfig config;
  const bool parsed = input[0] == '#' ? fuzz::ParseText(input, &config)
                                      : config.ParseFromArray(data, static_cast<int>(size));
  if (!parsed) return 0;
  auto created = Engine::Create(config);
  if (!created.ok()) {
    fuzz::Require(created.status().code() == absl::StatusCode::kInvalidArgument,
                  "Create refused with a code other than InvalidArgument",
                  created.status().ToString());
    fuzz::Require(created.status().message().find(':') != absl::string_view::npos,
                  "Create's refusal names no field", created.status().ToString());
    return 0;
  }
  Engine& engine = **created;
  fuzz::Require(EngineTesting::CheckConsistency(engine).ok(), "a new engine is inconsistent");
  fuzz::Require(testing::MembershipViolation(config, engine.Snapshot()).empty(),
                "a new engine breaks an invariant",
                testing::MembershipViolation(config, engine.Snapshot()));

  // A newcomer's life under this config: apply, introduce, rename, timers.
  std::string owner;
  for (const v1::StaffSeat& s : config.roles().staff()) {
    if (s.role() == v1::ROLE_OWNER) owner = s.member_id();
  }
  const int64_t start = testing::kStart;
  int n = 0;
  auto apply = [&](v1::Event e, int64_t at) {
    e.set_id(absl::StrCat("cf", n++));
    e.set_time_ms(at);
    absl::StatusOr<v1::Outcome> timers = engine.AdvanceTo(at);
    fuzz::Require(timers.ok(), "AdvanceTo failed", timers.status().ToString());
    const std::string before = engine.SnapshotBytes();
    absl::StatusOr<v1::Outcome> out = engine.Apply(e);
    if (!out.ok()) {
      fuzz::RequireRefusal(out.status(), "Apply");
      fuzz::Require(engine.SnapshotBytes() == before, "a rejected event changed the state");
    }
  };
  v1::Event join;
  join.set_actor("newcomer");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_nickname("名|城");
  join.mutable_apply()->set_deposit_paid_cents(config.admission().deposit_cents());
  join.mutable_apply()->set_fee_paid_cents(config.admission().fee_cents());
  apply(join, start);
  v1::Event approve;
  approve.set_actor(owner);
  approve.mutable_approve()->set_member("newcomer");
  apply(approve, start + 1000);
  v1::Event intro;
  intro.set_actor("newcomer");
  for (const std::string& f : config.ritual().intro_fields()) {
    (*intro.mutable_introduce()->mutable_fields())[f] = "x";
  }
  apply(intro, start + 2000);
  if (config.teams().names_size() > 0) {
    v1::Event team;
    team.set_actor("newcomer");
    team.mutable_join_team()->set_team(config.teams().names(0));
    apply(team, start + 3000);
  }
  absl::StatusOr<v1::Outcome> later = engine.AdvanceTo(start + 400LL * 24 * 3600 * 1000);
  fuzz::Require(later.ok(), "AdvanceTo a year on failed", later.status().ToString());
  absl::Status consistent = EngineTesting::CheckConsistency(engine);
  fuzz::Require(consistent.ok(), "engine inconsistent", consistent.ToString());
  const std::string broken = testing::MembershipViolation(config, engine.Snapshot());
  fuzz::Require(broken.empty(), "invariant broken", broken);
  fuzz::RequireRoundTrip(engine);
  // The public Restore too (RequireRoundTrip shares the engine's screener).
  auto restored = Engine::Restore(config, engine.Snapshot());
  fuzz::Require(restored.ok() && (*restored)->SnapshotBytes() == engine.SnapshotBytes(),
                "Engine::Restore of the engine's own snapshot differs",
                restored.status().ToString());
  return 0;
}
