// Fuzzes the event loop: a fixed valid config (kBusyCommunity, or a gated
// variant) and a stream of events and clock moves decoded from the input
// with FuzzedDataProvider. Checked after every step:
//  * a rejected event or AdvanceTo leaves the snapshot byte-identical, and
//    its status is a documented refusal;
//  * a retried event id is a duplicate and changes nothing;
// every 8 steps: Engine::CheckConsistency(), the snapshot invariants
// (support/invariants.h) and Snapshot → Restore → the same bytes; and at a
// cut point chosen by the input a restored copy runs the rest of the stream
// beside the original, with the same outcomes and the same final bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_support.h"

using namespace shequn;

namespace {

const v1::CommunityConfig& GatedConfig() {
  static const v1::CommunityConfig* config = [] {
    auto* c = new v1::CommunityConfig(fuzz::BusyConfig());
    c->set_id("gated");
    c->mutable_admission()->add_thresholds(v1::THRESHOLD_APPLICATION);
    c->mutable_admission()->set_overflow(v1::OVERFLOW_POLICY_WAITLIST);
    c->mutable_admission()->set_community_quota(9);
    c->mutable_teams()->set_assignment(v1::TEAM_ASSIGNMENT_SMALLEST);
    c->mutable_ritual()->set_handbook("h");
    c->mutable_ritual()->add_steps(v1::RITUAL_STEP_HANDBOOK);
    if (!Engine::Create(*c).ok()) fuzz::Fail("the gated config is invalid");
    return c;
  }();
  return *config;
}

std::string Id(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: return "owner";
    case 1: return "admin";
    case 2: return in.ConsumeRandomLengthString(12);
    default: return absl::StrCat("m", in.ConsumeIntegralInRange<int>(0, 11));
  }
}

std::string Group(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0: return "new";
    case 1: return "core";
    case 2: return "new-2";
    case 3: return in.ConsumeRandomLengthString(8);
    default: return "";
  }
}

std::string Text(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return "名|杭州";
    case 1: return "no-format";
    default: return in.ConsumeRandomLengthString(24);
  }
}

v1::Event MakeEvent(FuzzedDataProvider& in, int64_t time_ms, int n) {
  v1::Event e;
  e.set_id(absl::StrCat("f", n));
  e.set_time_ms(time_ms);
  e.set_actor(Id(in));
  e.set_group(Group(in));
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: {
      v1::Application* a = e.mutable_apply();
      a->set_accepted_rules(in.ConsumeBool());
      a->set_nickname(Text(in));
      a->set_deposit_paid_cents(in.ConsumeBool() ? 500 : in.ConsumeIntegral<int64_t>());
      if (in.ConsumeBool()) a->set_inviter(Id(in));
      if (in.ConsumeBool()) (*a->mutable_attributes())[Text(in)] = Text(in);
      break;
    }
    case 1: e.mutable_approve()->set_member(Id(in)); break;
    case 2: e.mutable_reject()->set_member(Id(in)); break;
    case 3: e.mutable_leave(); break;
    case 4: e.mutable_rename()->set_nickname(Text(in)); break;
    case 5: (*e.mutable_introduce()->mutable_fields())[in.ConsumeBool() ? "爱好" : Text(in)] = Text(in); break;
    case 6: e.mutable_handbook_ack(); break;
    case 7: e.mutable_remove()->set_member(Id(in)); break;
    case 8: e.mutable_ban()->set_member(Id(in)); break;
    case 9: e.mutable_unban()->set_member(Id(in)); break;
    case 10:
      e.mutable_move()->set_member(Id(in));
      e.mutable_move()->set_to_group(Group(in));
      break;
    case 11:
      e.mutable_set_role()->set_member(Id(in));
      e.mutable_set_role()->set_role(static_cast<v1::Role>(in.ConsumeIntegralInRange<int>(-1, 10)));
      break;
    case 12:
      e.mutable_join_team()->set_team(in.ConsumeBool() ? "a" : in.ConsumeBool() ? "b" : Text(in));
      if (in.ConsumeBool()) e.mutable_join_team()->set_member(Id(in));
      break;
    case 13: e.mutable_graduate()->set_member(Id(in)); break;
    case 14: e.mutable_end_community(); break;
    default: break;  // no kind: must be refused
  }
  return e;
}

// What one call did, to compare the original and a restored copy.
std::string Trace(const absl::StatusOr<v1::Outcome>& out) {
  return out.ok() ? SerializeDeterministic(*out) : out.status().ToString();
}

// SHEQUN_FUZZ_VERBOSE=1 prints every call and its result (for replaying a
// crash input).
const bool kVerbose = std::getenv("SHEQUN_FUZZ_VERBOSE") != nullptr;

// Runs one call on `engine`, checking atomicity; returns its trace.
std::string Step(Engine& engine, const v1::Event* event, int64_t advance_to) {
  const std::string before = engine.SnapshotBytes();
  absl::StatusOr<v1::Outcome> out =
      event != nullptr ? engine.Apply(*event) : engine.AdvanceTo(advance_to);
  if (kVerbose) {
    std::fprintf(stderr, "%s\n  -> %s\n",
                 event != nullptr ? event->ShortDebugString().c_str()
                                  : absl::StrCat("AdvanceTo(", advance_to, ")").c_str(),
                 out.ok() ? out->ShortDebugString().c_str() : out.status().ToString().c_str());
  }
  if (!out.ok()) {
    fuzz::RequireRefusal(out.status(), event != nullptr ? "Apply" : "AdvanceTo");
    fuzz::Require(engine.SnapshotBytes() == before, "a refused call changed the state",
                  out.status().ToString());
  } else if (out->duplicate()) {
    fuzz::Require(out->actions_size() == 0 && engine.SnapshotBytes() == before,
                  "a duplicate changed the state or acted");
  }
  return Trace(out);
}

void RequireInvariants(const Engine& engine) {
  absl::Status s = engine.CheckConsistency();
  fuzz::Require(s.ok(), "engine inconsistent", s.ToString());
  const std::string broken = testing::MembershipViolation(engine.config(), engine.Snapshot());
  fuzz::Require(broken.empty(), "snapshot invariant broken", broken);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const v1::CommunityConfig& config = in.ConsumeBool() ? GatedConfig() : fuzz::BusyConfig();
  auto created = Engine::Create(config);
  fuzz::Require(created.ok(), "the fixed config is refused");
  std::unique_ptr<Engine> engine = *std::move(created);
  std::unique_ptr<Engine> copy;  // restored at the cut, then run beside
  const int cut = in.ConsumeIntegralInRange<int>(0, 64);
  std::vector<v1::Event> sent;
  int64_t now = testing::kStart;
  for (int step = 0; step < 512 && in.remaining_bytes() > 0; ++step) {
    if (step == cut) copy = fuzz::RequireRoundTrip(*engine);
    const int op = in.ConsumeIntegralInRange<int>(0, 9);
    std::string a, b;
    if (op == 0) {
      // The clock moves on (sometimes a long way, sometimes back).
      const int64_t to = now + in.ConsumeIntegralInRange<int64_t>(-60'000, 3 * testing::kDay);
      if (to >= now) now = to;
      a = Step(*engine, nullptr, to);
      if (copy) b = Step(*copy, nullptr, to);
    } else if (op == 1 && !sent.empty()) {
      // A host retries an event it sent before.
      const v1::Event& e = sent[in.ConsumeIntegralInRange<size_t>(0, sent.size() - 1)];
      a = Step(*engine, &e, 0);
      if (copy) b = Step(*copy, &e, 0);
    } else {
      now += in.ConsumeIntegralInRange<int64_t>(0, testing::kHour);
      const int64_t at = in.ConsumeIntegralInRange<int>(0, 31) == 0 ? now - testing::kMinute : now;
      sent.push_back(MakeEvent(in, at, step));
      a = Step(*engine, &sent.back(), 0);
      if (copy) b = Step(*copy, &sent.back(), 0);
    }
    if (copy) fuzz::Require(a == b, "a restored copy diverged from the original");
    if (step % 8 == 7) {
      RequireInvariants(*engine);
      fuzz::RequireRoundTrip(*engine);
    }
  }
  RequireInvariants(*engine);
  fuzz::RequireRoundTrip(*engine);
  if (copy) {
    fuzz::Require(copy->SnapshotBytes() == engine->SnapshotBytes(),
                  "restore-then-continue differs from one run");
  }
  return 0;
}
