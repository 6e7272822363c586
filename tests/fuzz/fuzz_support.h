// Shared by the libFuzzer targets: the configs they run under, and checks
// that report a broken invariant as a crash (so libFuzzer saves the input).
#ifndef SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "shequn/engine.h"
#include "shequn/engine_testing.h"
#include "shequn/text_format.h"
#include "support/invariants.h"
#include "support/random_events.h"

namespace shequn::fuzz {

// Reports `what` and crashes: libFuzzer records the input that got here.
[[noreturn]] inline void Fail(absl::string_view what, absl::string_view detail = "") {
  std::fprintf(stderr, "shequn invariant broken: %.*s %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  __builtin_trap();
}

inline void Require(bool ok, absl::string_view what, absl::string_view detail = "") {
  if (!ok) Fail(what, detail);
}

// A status from a call that refused its input must be one of the documented
// refusals, with a message naming the field.
inline void RequireRefusal(const absl::Status& s, absl::string_view where) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnimplemented:
      break;
    default:
      Fail(where, s.ToString());
  }
  Require(!s.message().empty(), where, "a refusal without a message");
}

// Depth-limited like every text parse in the project: the config fuzzer's
// inputs may nest 10,000 levels.
inline bool ParseText(absl::string_view text, google::protobuf::Message* message) {
  return ParseTextFormat(text, message).ok();
}

// Protobuf logs parse failures (invalid UTF-8 in a string field) to stderr;
// a fuzzer meets thousands of them.
inline void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

// The communities the event and snapshot fuzzers run under.
inline const v1::CommunityConfig& BusyConfig() {
  static const v1::CommunityConfig* config = [] {
    auto* c = new v1::CommunityConfig;
    if (!ParseText(testing::kBusyCommunity, c)) Fail("kBusyCommunity does not parse");
    return c;
  }();
  return *config;
}

inline v1::CommunityConfig ParsedOrFail(absl::string_view text, absl::string_view name) {
  v1::CommunityConfig c;
  if (!ParseText(text, &c)) Fail(name, "does not parse");
  if (absl::Status s = Engine::Create(c).status(); !s.ok()) Fail(name, s.ToString());
  return c;
}

// kAllPartsCommunity: rules, points and segments all on.
inline const v1::CommunityConfig& AllPartsConfig() {
  static const v1::CommunityConfig* config =
      new v1::CommunityConfig(ParsedOrFail(testing::kAllPartsCommunity, "kAllPartsCommunity"));
  return *config;
}

// All parts behind an operator's approval, a waitlist and a quota, teams
// assigned by the engine, a handbook, a real time zone, two detectors only,
// and a points elimination that also removes whoever earned nothing.
inline const v1::CommunityConfig& GatedAllPartsConfig() {
  static const v1::CommunityConfig* config = [] {
    auto* c = new v1::CommunityConfig(AllPartsConfig());
    c->set_id("gated-all-parts");
    c->clear_utc_offset_seconds();
    c->set_time_zone("Asia/Shanghai");
    v1::AdmissionPolicy* a = c->mutable_admission();
    a->add_thresholds(v1::THRESHOLD_APPLICATION);
    a->set_overflow(v1::OVERFLOW_POLICY_WAITLIST);
    a->set_community_quota(9);
    c->mutable_teams()->set_assignment(v1::TEAM_ASSIGNMENT_SMALLEST);
    c->mutable_ritual()->set_handbook("群规手册：https://example.org/handbook");
    c->mutable_ritual()->add_steps(v1::RITUAL_STEP_HANDBOOK);
    c->mutable_rules()->add_detectors("url");
    c->mutable_rules()->add_detectors("qq");
    c->mutable_points()->mutable_elimination()->set_below_points(1);
    c->mutable_points()->clear_live_boards();  // the defaults: one per award
    if (absl::Status s = Engine::Create(*c).status(); !s.ok()) Fail("the gated all-parts config", s.ToString());
    return c;
  }();
  return *config;
}

// Every part on, but nothing that runs once per period (awards,
// elimination, team contest, decay): the clock may leap to year 9999 in one
// call without waiting for each period in between (a known slow path).
inline constexpr absl::string_view kSparseAllParts = R"pb(
  id: "sparse"
  groups { id: "new" stage: FUNNEL_STAGE_ACQUISITION capacity: 5 }
  groups { id: "core" stage: FUNNEL_STAGE_RETENTION capacity: 5 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER group_id: "core" }
    staff { member_id: "admin" role: ROLE_ADMIN }
    staff { member_id: "teacher" role: ROLE_LECTURER }
  }
  admission { overflow: OVERFLOW_POLICY_OPEN_GROUP }
  teams { names: ["a", "b"] }
  rules {
    word_lists { category: "abuse" words: ["傻逼", "idiot"] }
    detectors: ["none"]
    ladder { warn: true }
    ladder { ban: true }
    flood { max_repeats: 2 }
  }
  points {
    rules { kind: "check_in" points: 1 }
    rules { kind: "answer" points: 2 repeat_percent: 100 }
    rules { kind: "share" points: 5 min_length: 3 }
    rules { kind: "on_topic_message" points: 1 }
    rules { kind: "task_on_time" points: 3 }
    rules { kind: "meetup" points: 2 }
    check_in { make_up_cards_per_month: 1 }
    tasks { eliminate_after_missing: 2 }
    titles { title: "新星" min_balance: 5 }
    expiry { expire_after_days: 30 }
  }
  segments {
    windows_days: [1, 3]
    segments { name: "talkers" predicate { counter { name: "messages" value: 3 } } }
    segments { name: "new-and-quiet" predicate { all { items { tenure_days { op: COMPARISON_LT value: 3 } } items { tier: TIER_LURKER } } } }
    dying { disabled: true }
    risk { disabled: true }
  }
)pb";

inline const v1::CommunityConfig& SparseAllPartsConfig() {
  static const v1::CommunityConfig* config =
      new v1::CommunityConfig(ParsedOrFail(kSparseAllParts, "kSparseAllParts"));
  return *config;
}

// Whether the clock may leap across millennia under `config` in one call:
// nothing in it runs once per period.
inline bool LeapsAreCheap(const v1::CommunityConfig& config) {
  const v1::PointsConfig& p = config.points();
  return p.awards().empty() && !p.has_elimination() && !p.has_team_contest() &&
         p.decay().percent() == 0;
}

// `config` after a rule change an operator might make mid-stream, to restore
// a snapshot under: `which` picks new word lists, ladder and flood rules
// (bit 0), new point rules and fewer awards, with their title rules (bit 1), other windows and
// segments (bit 2). Groups and teams stay, so every snapshot still fits and
// Engine::Restore must accept it.
inline v1::CommunityConfig RuleChange(const v1::CommunityConfig& config, int which) {
  v1::CommunityConfig c = config;
  if (which & 1) {
    v1::RulesConfig* r = c.mutable_rules();
    // New abuse words; the other lists stay, since the categories name them.
    google::protobuf::RepeatedPtrField<v1::WordList> kept;
    for (const v1::WordList& list : r->word_lists()) {
      if (list.category() != "abuse") *kept.Add() = list;
    }
    r->mutable_word_lists()->Swap(&kept);
    v1::WordList* abuse = r->add_word_lists();
    abuse->set_category("abuse");
    for (const char* w : {"傻逼", "笨蛋", "idiot", "loser"}) abuse->add_words(w);
    r->clear_whitelist();
    r->clear_ladder();
    r->add_ladder()->set_mute_seconds(600);
    r->mutable_ladder(0)->set_announce(true);
    r->add_ladder()->set_ban(true);
    r->clear_flood();
    r->set_report_threshold(1);
    r->set_strike_expiry_seconds(3 * 86400);
  }
  if (which & 2) {
    v1::PointsConfig* p = c.mutable_points();
    v1::PointRule* share = p->add_rules();
    share->set_kind("share");
    share->set_points(7);
    share->set_effective_from_ms(testing::kStart + 90 * testing::kDay);
    if (p->awards_size() > 0) {
      const std::string dropped = p->awards(p->awards_size() - 1).name();
      p->mutable_awards()->RemoveLast();
      // Its title rules go with it, as the operator must: the config would
      // be refused naming them.
      google::protobuf::RepeatedPtrField<v1::TitleThreshold> kept;
      for (const v1::TitleThreshold& t : p->titles()) {
        if (t.award() != dropped) *kept.Add() = t;
      }
      p->mutable_titles()->Swap(&kept);
    }
    p->clear_decay();
    p->clear_live_boards();
    p->mutable_check_in()->clear_streak_bonuses();
  }
  if (which & 4) {
    v1::SegmentsConfig* s = c.mutable_segments();
    s->clear_windows_days();
    s->add_windows_days(1);
    s->add_windows_days(14);
    if (s->segments_size() > 0) s->mutable_segments()->RemoveLast();
    v1::SegmentDefinition* lurkers = s->add_segments();
    lurkers->set_name("lurkers-after-change");
    lurkers->mutable_predicate()->set_tier(v1::TIER_LURKER);
  }
  return c;
}

// The member's balance is the sum of their ledger entries, whichever way it
// is read: Balance, Ledger (its entries and its balance) and PointsRecord.
// Returns the balance, or nullopt for an id the engine does not know.
inline std::optional<int64_t> RequireBalanceAddsUp(const Engine& engine, absl::string_view id) {
  absl::StatusOr<int64_t> balance = engine.Balance(id);
  if (!balance.ok()) {
    Require(balance.status().code() == absl::StatusCode::kNotFound, "Balance refused",
            balance.status().ToString());
    return std::nullopt;
  }
  absl::StatusOr<v1::MemberLedger> ledger = engine.Ledger(id);
  absl::StatusOr<v1::MemberPoints> record = engine.PointsRecord(id);
  Require(ledger.ok() && record.ok(), "a member's points cannot be read", id);
  int64_t sum = 0;
  int64_t previous = INT64_MIN;
  for (const v1::LedgerEntry& e : ledger->entries()) {
    Require(e.member() == id, "a ledger holds another member's entry", id);
    Require(e.time_ms() >= previous, "a ledger is out of time order", id);
    previous = e.time_ms();
    Require(!__builtin_add_overflow(sum, e.amount(), &sum), "a ledger sum overflows", id);
  }
  Require(sum == *balance && ledger->balance() == *balance && record->balance() == *balance,
          "a balance is not the sum of the ledger",
          absl::StrCat(id, ": balance ", *balance, ", ledger ", ledger->balance(), ", entries ",
                       sum, ", record ", record->balance()));
  return *balance;
}

// RequireBalanceAddsUp for every member, and `snap` (the engine's
// Snapshot()) agrees with the ledger. O(state).
inline void RequireLedgerConserved(const Engine& engine, const v1::CommunitySnapshot& snap) {
  absl::flat_hash_map<std::string, int64_t> sums;
  for (const v1::LedgerEntry& e : snap.points().ledger()) {
    int64_t& sum = sums[e.member()];
    Require(!__builtin_add_overflow(sum, e.amount(), &sum), "a ledger sum overflows", e.member());
  }
  for (const v1::MemberRecord& m : snap.membership().members()) {
    const std::optional<int64_t> balance = RequireBalanceAddsUp(engine, m.id());
    Require(balance.has_value(), "a member in the snapshot is unknown", m.id());
    const auto it = sums.find(m.id());
    Require((it == sums.end() ? 0 : it->second) == *balance,
            "a balance is not the sum of the snapshot's ledger", m.id());
  }
}

// Checks that every call an engine refuses, and every retry it answers as a
// duplicate, leaves its state byte-identical, serialising the state before
// a call only when its bytes are not already known. After a refusal they
// are the bytes before it (that is the check), so in a run of refusals each
// call costs one snapshot, not two; only a call that changed the state
// makes the next call take them afresh. Fuzz inputs are mostly refusals
// (events by strangers, unknown targets), and SnapshotBytes was most of
// their cost. One per engine; the engine must outlive it.
class UnchangedByRefusals {
 public:
  explicit UnchangedByRefusals(const Engine& engine) : engine_(engine) {}

  // Call before each call on the engine.
  void Before() {
    if (known_) return;
    bytes_ = engine_.SnapshotBytes();
    known_ = true;
  }
  // After a call the engine accepted that may have changed its state.
  void Accepted() {
    known_ = false;
    ++accepted_;
  }
  // After a call the engine refused, or answered as a duplicate: its state
  // must be what it was before the call.
  void RequireUnchanged(absl::string_view what, absl::string_view detail = "") const {
    Require(known_, "UnchangedByRefusals: Before() was not called");
    Require(engine_.SnapshotBytes() == bytes_, what, detail);
  }
  // The engine's bytes, when no call changed them since they were taken.
  const std::string* KnownBytes() const { return known_ ? &bytes_ : nullptr; }
  // Calls accepted so far: 0 means the engine holds the state it started with.
  int accepted() const { return accepted_; }

 private:
  const Engine& engine_;
  std::string bytes_;
  bool known_ = false;
  int accepted_ = 0;
};

// Snapshot → Restore → SnapshotBytes must give the same bytes, and the
// restored engine must be consistent. Returns the restored engine. Restores
// with EngineTesting::Restore (Engine::Restore sharing the engine's
// screener): the same checks, without rebuilding the screener each time.
// `known`: the engine's SnapshotBytes() when the caller holds them already.
inline std::unique_ptr<Engine> RequireRoundTrip(const Engine& engine,
                                                const std::string* known = nullptr) {
  const std::string bytes = known != nullptr ? *known : engine.SnapshotBytes();
  v1::CommunitySnapshot snap;
  Require(snap.ParseFromString(bytes), "a snapshot does not parse back");
  auto restored = EngineTesting::Restore(engine, snap);
  Require(restored.ok(), "a snapshot does not restore", restored.status().ToString());
  Require((*restored)->SnapshotBytes() == bytes, "restore changed the snapshot bytes");
  absl::Status s = EngineTesting::CheckConsistency(**restored);
  Require(s.ok(), "restored engine inconsistent", s.ToString());
  return *std::move(restored);
}

}  // namespace shequn::fuzz

#endif  // SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_
