// Fuzzes the event loop of every part over structured inputs: a 16-byte
// header, then steps of 12 bytes, each one call (the encoding is at the end
// of this file). The header picks the config: membership only
// (kBusyCommunity or a gated variant) or rules, points and segments on too
// (kAllPartsCommunity, a gated variant in a real time zone, or a sparse one
// with no per-period timers), with or without a few numeric knobs tuned by
// the header's last 8 bytes; then the epoch (now, early 1970 or near year
// 9999) and the steps at which copies are restored. Up to kMaxSteps steps
// follow: events of every kind from support/random_events.h's
// AllPartsMakers() (the step picks the maker and its seed, and may swap in
// its own actor), messages and membership events decoded field by field,
// clock moves (minutes, months, years, a leap to year 9999 where that is
// cheap), retries, and every query with arbitrary arguments (times at both
// ends of int64 included). A custom mutator grows, shrinks and splices
// inputs by whole steps, so nearly every input is a run of well-shaped
// events that reaches deep state.
// Checked after every step:
//  * a rejected event or AdvanceTo leaves the snapshot byte-identical, and
//    its status is a documented refusal; a retried id is a duplicate and
//    changes nothing (the bytes before a call are taken only when no earlier
//    refusal left them known: fuzz::UnchangedByRefusals);
//  * Engine::CheckConsistency(), and every balance is the sum of its ledger;
//  * the spans actions mark in a message are non-empty and lie inside its
//    text;
// at a query step, every query answers with a documented status and the
// answers agree (a rank is the member's row on the board and on their page,
// a segment's members have it among their segments); every kRoundTripEvery
// steps and at the end (of an input that changed the state): the snapshot
// invariants (support/invariants.h), the
// snapshot's ledger and Snapshot → Restore → the same bytes. At a cut chosen
// by the header a copy restored under the same config runs beside the
// original, with the same outcomes and the same final bytes; at another a
// copy restored under a rule change (new word lists and ladder, point rules,
// windows) runs beside it under the same checks.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "shequn/engine_testing.h"

using namespace shequn;
using testing::kDay;
using testing::kHour;

namespace {

constexpr int kMaxSteps = 64;
// The snapshot invariants and Snapshot → Restore → the same bytes every this
// many steps, and at the end of an input that changed the state. A round
// trip costs about as much as twenty steps under the sanitizers.
constexpr int kRoundTripEvery = 32;

// Under a config with per-period timers, AdvanceTo still runs one period
// end per period for an award that pays points (they count for the next
// period, so it always has a winner) and for an elimination that still has
// members to remove: about a second per ten years under the sanitizers.
// Such a config's gaps cross at most kGapDaysPerInput days in all (the
// property tests run ten-year gaps); configs without per-period timers
// (fuzz::LeapsAreCheap) leap to year 9999 and gap freely.
constexpr int64_t kGapDaysPerInput = 1000;

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

const v1::CommunityConfig& BaseConfig(int which) {
  switch (which % 5) {
    case 0: return fuzz::BusyConfig();
    case 1: return GatedConfig();
    case 2: return fuzz::AllPartsConfig();
    case 3: return fuzz::GatedAllPartsConfig();
    default: return fuzz::SparseAllPartsConfig();
  }
}

std::string Id(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: return "owner";
    case 1: return "admin";
    case 2: return in.ConsumeRandomLengthString(12);
    case 3: return in.ConsumeBool() ? "helper" : "teacher";
    default: return absl::StrCat("m", in.ConsumeIntegralInRange<int>(0, 11));
  }
}

std::string Group(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 6)) {
    case 0: return "new";
    case 1: return "core";
    case 2: return "new-2";
    case 3: return in.ConsumeRandomLengthString(8);
    case 4: return "share";
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

// ------------------------------------------------------------ the config

// A knob sets one numeric setting from the input; the tuned config is used
// only if Engine::Create accepts it. Durations stay within limits (rules
// durations past them overflow: a known bug, being fixed elsewhere).
using Knob = void (*)(FuzzedDataProvider&, v1::CommunityConfig&);

v1::LadderStep LadderStepFrom(FuzzedDataProvider& in) {
  v1::LadderStep s;
  s.set_warn(in.ConsumeBool());
  s.set_announce(in.ConsumeBool());
  if (in.ConsumeBool()) s.set_mute_seconds(in.ConsumeIntegralInRange<int64_t>(1, 3 * 86400));
  s.set_remove(in.ConsumeBool());
  s.set_ban(in.ConsumeIntegralInRange<int>(0, 3) == 0);
  return s;
}

const Knob kKnobs[] = {
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::FloodRule* f = c.mutable_rules()->mutable_flood();
      f->set_max_messages(in.ConsumeIntegralInRange<uint32_t>(0, 20));
      f->set_window_seconds(in.ConsumeIntegralInRange<int64_t>(1, 600));
      f->set_max_repeats(in.ConsumeIntegralInRange<uint32_t>(0, 5));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::RulesConfig* r = c.mutable_rules();
      r->set_report_threshold(in.ConsumeIntegralInRange<uint32_t>(0, 5));
      r->set_deposit_deduction_cents(in.ConsumeIntegralInRange<int64_t>(0, 1000));
      r->set_max_attachment_bytes(in.ConsumeIntegralInRange<uint64_t>(0, 1 << 24));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::RulesConfig* r = c.mutable_rules();
      r->clear_ladder();
      const int n = in.ConsumeIntegralInRange<int>(1, 4);
      for (int i = 0; i < n; ++i) *r->add_ladder() = LadderStepFrom(in);
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::RulesConfig* r = c.mutable_rules();
      r->set_strike_expiry_seconds(in.ConsumeIntegralInRange<int64_t>(0, limits::kMaxDurationSeconds));
      r->set_mediation_window_seconds(in.ConsumeIntegralInRange<int64_t>(0, 30 * 86400));
      r->set_message_memory_seconds(in.ConsumeIntegralInRange<int64_t>(0, 30 * 86400));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::PointsConfig* p = c.mutable_points();
      if (p->rules_size() == 0) return;
      v1::PointRule* r = p->mutable_rules(in.ConsumeIntegralInRange<int>(0, p->rules_size() - 1));
      r->set_points(in.ConsumeIntegralInRange<int64_t>(1, 1000));
      r->set_daily_cap(in.ConsumeIntegralInRange<int64_t>(0, 50));
      r->set_weekly_cap(in.ConsumeIntegralInRange<int64_t>(0, 200));
      r->set_repeat_percent(in.ConsumeIntegralInRange<uint32_t>(0, 100));
      r->set_min_length(in.ConsumeIntegralInRange<uint32_t>(0, 50));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::PointsConfig* p = c.mutable_points();
      p->set_member_daily_cap(in.ConsumeIntegralInRange<int64_t>(0, 100));
      p->set_max_adjustment(in.ConsumeIntegralInRange<int64_t>(0, 2'000'000));
      p->mutable_expiry()->set_expire_after_days(in.ConsumeIntegralInRange<uint32_t>(0, 90));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::PointsConfig* p = c.mutable_points();
      if (p->awards_size() == 0) return;
      v1::AwardConfig* a = p->mutable_awards(in.ConsumeIntegralInRange<int>(0, p->awards_size() - 1));
      a->set_top_n(in.ConsumeIntegralInRange<uint32_t>(1, 5));
      a->set_include_ties(in.ConsumeBool());
      a->set_metric(static_cast<v1::Metric>(in.ConsumeIntegralInRange<int>(0, 2)));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::PointsDecay* d = c.mutable_points()->mutable_decay();
      d->set_percent(in.ConsumeIntegralInRange<uint32_t>(0, 100));
      d->set_period_days(in.ConsumeIntegralInRange<uint32_t>(0, 30));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::PointsConfig* p = c.mutable_points();
      p->mutable_check_in()->set_make_up_cards_per_month(in.ConsumeIntegralInRange<uint32_t>(0, 3));
      p->mutable_check_in()->set_make_up_max_days_back(in.ConsumeIntegralInRange<uint32_t>(0, 10));
      v1::TasksConfig* t = p->mutable_tasks();
      t->set_eliminate_after_missing(in.ConsumeIntegralInRange<uint32_t>(0, 4));
      t->set_graduation_tasks(in.ConsumeIntegralInRange<uint32_t>(0, 3));
      t->set_late_window_seconds(in.ConsumeIntegralInRange<int64_t>(0, 3 * 86400));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      if (!c.points().has_elimination()) return;
      v1::PointsElimination* e = c.mutable_points()->mutable_elimination();
      e->set_lowest_n(in.ConsumeIntegralInRange<uint32_t>(0, 3));
      e->set_below_points(in.ConsumeIntegralInRange<int64_t>(0, 5));
      e->set_warn_before_seconds(in.ConsumeIntegralInRange<int64_t>(0, 31 * 86400));
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      static constexpr int32_t kWindows[][3] = {{1, 7, 30}, {1, 3, 0}, {7, 0, 0}, {2, 14, 31}};
      v1::SegmentsConfig* s = c.mutable_segments();
      s->clear_windows_days();
      for (int32_t w : kWindows[in.ConsumeIntegralInRange<int>(0, 3)]) {
        if (w != 0) s->add_windows_days(w);
      }
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      v1::SegmentsConfig* s = c.mutable_segments();
      s->mutable_tiers()->set_active_min_topics(in.ConsumeIntegralInRange<uint32_t>(0, 3));
      s->mutable_tiers()->set_moderate_min_events(in.ConsumeIntegralInRange<uint32_t>(0, 5));
      s->mutable_dying()->set_min_members(in.ConsumeIntegralInRange<uint32_t>(0, 5));
      s->mutable_dying()->set_max_participation_rate(in.ConsumeIntegralInRange<int>(0, 10) / 10.0);
      s->mutable_risk()->set_min_violations(in.ConsumeIntegralInRange<uint32_t>(0, 5));
      s->mutable_risk()->set_spike_ratio(in.ConsumeIntegralInRange<int>(0, 50) / 10.0);
    },
    [](FuzzedDataProvider& in, v1::CommunityConfig& c) {
      if (!c.time_zone().empty()) return;
      c.set_utc_offset_seconds(in.ConsumeIntegralInRange<int32_t>(-72, 72) * 900);
    },
};

v1::CommunityConfig Tuned(FuzzedDataProvider& in, const v1::CommunityConfig& base) {
  v1::CommunityConfig c = base;
  const int n = in.ConsumeIntegralInRange<int>(1, 4);
  for (int i = 0; i < n; ++i) {
    kKnobs[in.ConsumeIntegralInRange<size_t>(0, std::size(kKnobs) - 1)](in, c);
  }
  return c;
}

int64_t Epoch(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 2: return in.ConsumeIntegralInRange<int64_t>(0, 60 * kDay);
    case 3: return limits::kMaxTimeMs - in.ConsumeIntegralInRange<int64_t>(0, 400 * kDay);
    default: return testing::kStart;
  }
}

// ------------------------------------------------------------ the events

// Membership events decoded field by field (hostile values included).
v1::Event MembershipEvent(FuzzedDataProvider& in) {
  v1::Event e;
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

// A message decoded field by field from the input.
v1::Event RawMessage(FuzzedDataProvider& in, testing::StreamContext& ctx) {
  v1::Event e;
  e.set_actor(Id(in));
  e.set_group(Group(in));
  v1::Message* m = e.mutable_message();
  m->set_message_id(in.ConsumeBool() ? ctx.NewMessageId(e.actor()) : ctx.RecentMessageId());
  m->set_kind(static_cast<v1::MessageKind>(in.ConsumeIntegralInRange<int>(-1, 7)));
  if (in.ConsumeBool()) {
    m->set_size_bytes((uint64_t{1} << in.ConsumeIntegralInRange<int>(0, 63)) - in.ConsumeBool());
  }
  if (in.ConsumeBool()) m->set_reply_to(ctx.RecentMessageId());
  m->set_starts_topic(in.ConsumeBool());
  m->set_is_question(in.ConsumeBool());
  m->set_on_topic(in.ConsumeBool());
  // A chat line from the streams' pool (abuse, ads, links, phone numbers,
  // questions), or the record's own bytes.
  ctx.Reseed(in.ConsumeIntegral<uint8_t>());
  m->set_text(in.ConsumeBool() ? testing::ChatText(ctx) : in.ConsumeRemainingBytesAsString());
  return e;
}

// An event from one of the makers, with the input's seed for its details.
// `id` first: a maker may draw on it.
v1::Event MadeEvent(FuzzedDataProvider& in, testing::StreamContext& ctx, const std::string& id,
                    int64_t at) {
  static const std::vector<testing::WeightedMaker>* makers =
      new std::vector<testing::WeightedMaker>(testing::AllPartsMakers());
  const testing::WeightedMaker& maker =
      (*makers)[in.ConsumeIntegralInRange<size_t>(0, makers->size() - 1)];
  ctx.Reseed(in.ConsumeIntegral<uint32_t>());
  v1::Event e;
  e.set_id(id);
  e.set_time_ms(at);
  e.set_actor(ctx.Member());
  maker.make(ctx, e);
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) e.set_actor(Id(in));
  return e;
}

// ------------------------------------------------------------ the checks

// What one call did, to compare the original and a restored copy.
std::string Trace(const absl::StatusOr<v1::Outcome>& out) {
  return out.ok() ? SerializeDeterministic(*out) : out.status().ToString();
}

// SHEQUN_FUZZ_VERBOSE=1 prints every call and its result (for replaying a
// crash input).
const bool kVerbose = std::getenv("SHEQUN_FUZZ_VERBOSE") != nullptr;

// Every span an action marks in `event`'s message lies inside its text.
void RequireSpansInText(const v1::Event& event, const v1::Outcome& out) {
  if (!event.has_message()) return;
  const size_t size = event.message().text().size();
  for (const v1::Action& a : out.actions()) {
    for (const v1::TextSpan& span : a.spans()) {
      fuzz::Require(span.begin() < span.end() && span.end() <= size,
                    "a span empty, inverted or outside the text", span.ShortDebugString());
    }
  }
}

// Runs one call on `engine`, checking that a refusal or a duplicate changes
// nothing when `unchanged` (the engine's) is given; returns its trace.
std::string Step(Engine& engine, const v1::Event* event, int64_t advance_to,
                 fuzz::UnchangedByRefusals* unchanged) {
  if (unchanged != nullptr) unchanged->Before();
  absl::StatusOr<v1::Outcome> out =
      event != nullptr ? engine.Apply(*event) : engine.AdvanceTo(advance_to);
  if (kVerbose) {
    std::fprintf(stderr, "%s\n  -> %s\n",
                 event != nullptr ? event->ShortDebugString().substr(0, 400).c_str()
                                  : absl::StrCat("AdvanceTo(", advance_to, ")").c_str(),
                 out.ok() ? out->ShortDebugString().substr(0, 400).c_str()
                          : out.status().ToString().c_str());
  }
  if (unchanged == nullptr) return Trace(out);
  if (!out.ok()) {
    fuzz::RequireRefusal(out.status(), event != nullptr ? "Apply" : "AdvanceTo");
    unchanged->RequireUnchanged("a refused call changed the state", out.status().ToString());
  } else if (out->duplicate()) {
    fuzz::Require(out->actions_size() == 0, "a duplicate acted");
    unchanged->RequireUnchanged("a duplicate changed the state");
  } else {
    unchanged->Accepted();
    if (event != nullptr) RequireSpansInText(*event, *out);
  }
  return Trace(out);
}

// `ids`: everyone who may be a member (staff seats and every actor so far).
void RequireEveryStep(const Engine& engine, const std::vector<std::string>& ids) {
  absl::Status s = EngineTesting::CheckConsistency(engine);
  fuzz::Require(s.ok(), "engine inconsistent", s.ToString());
  for (const std::string& id : ids) fuzz::RequireBalanceAddsUp(engine, id);
}

void RequireInvariants(const Engine& engine) {
  absl::Status s = EngineTesting::CheckConsistency(engine);
  fuzz::Require(s.ok(), "engine inconsistent", s.ToString());
  const v1::CommunitySnapshot snap = engine.Snapshot();
  fuzz::RequireLedgerConserved(engine, snap);
  const std::string broken = testing::MembershipViolation(engine.config(), snap);
  fuzz::Require(broken.empty(), "snapshot invariant broken", broken);
}

// One round of queries, with arguments from the input.
struct Queries {
  std::string member;
  v1::BoardQuery board;
  uint32_t k = 0, before = 0, after = 0;
  std::string poll;
  std::string segment;
  int64_t as_of = 0;
};

// A time at either end of int64, or any.
int64_t EdgeTime(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: return INT64_MAX - in.ConsumeIntegralInRange<int64_t>(0, kDay);
    case 1: return INT64_MIN + in.ConsumeIntegralInRange<int64_t>(0, kDay);
    default: return in.ConsumeIntegral<int64_t>();
  }
}

Queries DecodeQueries(FuzzedDataProvider& in, const Engine& engine) {
  Queries q;
  q.member = Id(in);
  const int64_t now = engine.last_time_ms();
  q.board.set_period(static_cast<v1::Period>(in.ConsumeIntegralInRange<int>(-1, 6)));
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: break;
    case 1: q.board.set_at_ms(now); break;
    case 2: q.board.set_at_ms(now - in.ConsumeIntegralInRange<int64_t>(0, 400 * kDay)); break;
    default: q.board.set_at_ms(EdgeTime(in)); break;
  }
  q.board.set_metric(static_cast<v1::Metric>(in.ConsumeIntegralInRange<int>(-1, 3)));
  q.board.set_scope(static_cast<v1::Scope>(in.ConsumeIntegralInRange<int>(-1, 4)));
  q.board.set_group(Group(in));
  q.board.set_team(in.ConsumeBool() ? "a" : in.ConsumeBool() ? "b" : Text(in));
  const auto count = [&] {
    return in.ConsumeIntegralInRange<int>(0, 15) == 0 ? in.ConsumeIntegral<uint32_t>()
                                                      : in.ConsumeIntegralInRange<uint32_t>(0, 20);
  };
  q.k = count();
  q.before = count();
  q.after = count();
  q.poll = in.ConsumeBool() ? absl::StrCat("poll", in.ConsumeIntegralInRange<int>(0, 8))
                            : in.ConsumeRandomLengthString(8);
  const auto& segments = engine.config().segments().segments();
  q.segment = segments.empty() || in.ConsumeBool()
                  ? in.ConsumeRandomLengthString(8)
                  : segments[in.ConsumeIntegralInRange<int>(0, segments.size() - 1)].name();
  q.as_of = in.ConsumeBool() ? now + in.ConsumeIntegralInRange<int64_t>(-kDay, 40 * kDay)
                             : EdgeTime(in);
  return q;
}

template <typename T>
bool Answered(const absl::StatusOr<T>& answer, absl::string_view query) {
  if (!answer.ok()) fuzz::RequireRefusal(answer.status(), query);
  return answer.ok();
}

void RequireRanked(const v1::BoardPage& page, absl::string_view board) {
  for (int i = 0; i < page.rows_size(); ++i) {
    const v1::BoardRow& row = page.rows(i);
    fuzz::Require(i == 0 || row.rank() == page.rows(i - 1).rank() + 1, board, "ranks not consecutive");
    fuzz::Require(i == 0 || row.score() <= page.rows(i - 1).score(), board, "scores not in order");
    fuzz::Require(row.rank() < page.ranked(), board, "a rank past the board's size");
  }
}

// Every query answers with a documented status, and the answers agree:
// a balance is the sum of the ledger, a member's rank is their row on the
// board and on their page, a segment's size is its members' count and each
// of them has the segment among theirs.
void RequireQueriesAgree(const Engine& engine, const Queries& q) {
  if (auto m = engine.Member(q.member); Answered(m, "Member")) {
    fuzz::Require(m->id() == q.member, "Member answers for someone else", q.member);
  }
  if (auto audit = engine.Audit(q.member); Answered(audit, "Audit")) {
    for (size_t i = 1; i < audit->size(); ++i) {
      fuzz::Require((*audit)[i - 1].time_ms() <= (*audit)[i].time_ms(), "the audit is out of order");
    }
  }
  Answered(engine.LiveStrikes(q.member), "LiveStrikes");
  fuzz::RequireBalanceAddsUp(engine, q.member);
  const auto top = engine.Leaderboard(q.board, q.k);
  if (Answered(top, "Leaderboard")) {
    fuzz::Require(static_cast<uint32_t>(top->rows_size()) <= q.k, "more rows than asked for");
    RequireRanked(*top, "Leaderboard");
  }
  const auto rank = engine.Rank(q.board, q.member);
  if (Answered(rank, "Rank") && top.ok() && rank->rank() < static_cast<uint32_t>(top->rows_size())) {
    const v1::BoardRow& row = top->rows(static_cast<int>(rank->rank()));
    fuzz::Require(row.member() == q.member && row.score() == rank->score(),
                  "Rank and Leaderboard disagree", q.board.ShortDebugString());
  }
  if (auto page = engine.Page(q.board, q.member, q.before, q.after); Answered(page, "Page")) {
    RequireRanked(*page, "Page");
    fuzz::Require(page->rows_size() > 0 &&
                      static_cast<uint64_t>(page->rows_size()) <= uint64_t{q.before} + q.after + 1,
                  "a page of the wrong size");
    const bool found = std::any_of(page->rows().begin(), page->rows().end(),
                                   [&](const v1::BoardRow& r) { return r.member() == q.member; });
    fuzz::Require(found, "a member's page does not hold the member", q.member);
    fuzz::Require(rank.ok(), "Page answers but Rank does not", rank.status().ToString());
  }
  if (auto teams = engine.TeamBoard(q.board); Answered(teams, "TeamBoard")) {
    RequireRanked(*teams, "TeamBoard");
  }
  if (auto poll = engine.Poll(q.poll); Answered(poll, "Poll")) {
    uint64_t votes = 0;
    for (const v1::PollOption& o : poll->options()) votes += o.votes();
    fuzz::Require(poll->voters() <= votes, "more voters than votes", q.poll);
    fuzz::Require(!poll->closed() || (poll->winner() >= -1 && poll->winner() < poll->options_size()),
                  "a winner that is no option", q.poll);
  }
  const auto json = ReportToJson(engine.Report(q.as_of));
  fuzz::Require(json.ok(), "a report does not print as JSON", json.status().ToString());
  const auto members = engine.SegmentMembers(q.segment, q.as_of);
  if (auto size = engine.SegmentSize(q.segment, q.as_of); Answered(size, "SegmentSize")) {
    fuzz::Require(members.ok() && members->size() == *size, "SegmentSize is not the members' count");
  }
  const auto segments = engine.MemberSegments(q.member, q.as_of);
  if (Answered(members, "SegmentMembers") && Answered(segments, "MemberSegments")) {
    const bool in_segment = std::find(members->begin(), members->end(), q.member) != members->end();
    const bool listed = std::find(segments->begin(), segments->end(), q.segment) != segments->end();
    fuzz::Require(in_segment == listed, "SegmentMembers and MemberSegments disagree",
                  absl::StrCat(q.member, " in ", q.segment));
  }
}

// The engines one input drives: the original, a copy restored under the same
// config (compared with it) and one restored under a rule change, each
// checked engine with its refusal check.
struct Engines {
  std::unique_ptr<Engine> original;
  fuzz::UnchangedByRefusals original_unchanged;
  std::unique_ptr<Engine> copy;
  std::unique_ptr<Engine> changed;
  std::unique_ptr<fuzz::UnchangedByRefusals> changed_unchanged;
  std::vector<std::string> ids;  // who may be a member: staff and every actor

  explicit Engines(std::unique_ptr<Engine> fresh)
      : original(std::move(fresh)), original_unchanged(*original) {}

  void Change(std::unique_ptr<Engine> engine) {
    changed = std::move(engine);
    changed_unchanged = std::make_unique<fuzz::UnchangedByRefusals>(*changed);
  }

  // The round trip of the original, from the bytes its refusal check holds
  // when they are current.
  std::unique_ptr<Engine> RoundTrip() {
    return fuzz::RequireRoundTrip(*original, original_unchanged.KnownBytes());
  }

  void Run(const v1::Event* event, int64_t advance_to) {
    if (event != nullptr && std::find(ids.begin(), ids.end(), event->actor()) == ids.end()) {
      ids.push_back(event->actor());
    }
    const std::string a = Step(*original, event, advance_to, &original_unchanged);
    // The copy answers as the original did, so the original's checks hold
    // for it; its bytes are compared at the end.
    if (copy) {
      fuzz::Require(a == Step(*copy, event, advance_to, nullptr),
                    "a restored copy diverged from the original");
    }
    if (changed) Step(*changed, event, advance_to, changed_unchanged.get());
    RequireEveryStep(*original, ids);
    if (changed) RequireEveryStep(*changed, ids);
  }
};

// ------------------------------------------------------------ the encoding

// An input is a header of kHeaderBytes, then steps of kStepBytes each (a
// short tail is ignored). The header picks the config and its tuning, the
// epoch and the steps at which copies are restored; a step's first byte
// picks what it does and the rest decode its arguments, so every step is one
// well-shaped call over a small pool of members, groups and messages, and
// the custom mutator below grows, shrinks and splices inputs by whole steps.
constexpr size_t kHeaderBytes = 16;
constexpr size_t kStepBytes = 12;

// What inputs with one header start from, built once: the config, an
// engine created under it (its screener is shared by every engine an input
// restores, which is most of an engine's cost), its empty snapshot, and
// engines under each rule change for the copies restored under one.
struct Start {
  v1::CommunityConfig config;
  std::unique_ptr<Engine> model;
  v1::CommunitySnapshot empty;
  std::unique_ptr<Engine> changed[8];

  // The engine an input drives, fresh.
  std::unique_ptr<Engine> Fresh() const {
    auto fresh = EngineTesting::Restore(*model, empty);
    fuzz::Require(fresh.ok(), "an empty engine does not restore", fresh.status().ToString());
    return *std::move(fresh);
  }

  // `engine` restored under rule change `which` (1..7), checked. Its round
  // trip waits for the end of the input.
  std::unique_ptr<Engine> RestoreUnderChange(int which, const Engine& engine) {
    if (changed[which] == nullptr) {
      auto created = Engine::Create(fuzz::RuleChange(config, which));
      fuzz::Require(created.ok(), "a rule change is refused", created.status().ToString());
      changed[which] = *std::move(created);
    }
    auto restored = EngineTesting::Restore(*changed[which], engine.Snapshot());
    fuzz::Require(restored.ok(), "a snapshot does not restore under a rule change",
                  restored.status().ToString());
    RequireInvariants(**restored);
    return *std::move(restored);
  }
};

// The start of a header: base config (byte 0, low 7 bits) tuned by bytes
// 8..15 when byte 0's top bit is set. Cached per distinct config.
Start& StartOf(const uint8_t* header) {
  static auto* cache = new absl::flat_hash_map<std::string, std::unique_ptr<Start>>;
  const uint8_t shape = header[0];
  const std::string key = (shape & 0x80)
                              ? std::string(reinterpret_cast<const char*>(header), 1) +
                                    std::string(reinterpret_cast<const char*>(header + 8), 8)
                              : std::string(1, static_cast<char>(shape % 5));
  if (auto it = cache->find(key); it != cache->end()) return *it->second;
  if (cache->size() >= 64) cache->clear();  // each holds a few screeners
  auto start = std::make_unique<Start>();
  start->config = BaseConfig(shape & 0x7f);
  auto created = Engine::Create(start->config);
  if (shape & 0x80) {
    FuzzedDataProvider knobs(header + 8, 8);
    v1::CommunityConfig tuned = Tuned(knobs, start->config);
    if (auto t = Engine::Create(tuned); t.ok()) {  // else a tuning it refuses
      start->config = std::move(tuned);
      created = std::move(t);
    }
  }
  fuzz::Require(created.ok(), "the fixed config is refused", created.status().ToString());
  start->model = *std::move(created);
  start->empty = start->model->Snapshot();
  RequireInvariants(*start->model);
  fuzz::RequireRoundTrip(*start->model);
  return *cache->emplace(key, std::move(start)).first->second;
}

// One step: `op` and the decoder over the step's other bytes.
void RunStep(Engines& engines, uint8_t op, FuzzedDataProvider& in, int step, bool leaps,
             int64_t& now, int64_t& gap_days_left, testing::StreamContext& ctx,
             std::vector<v1::Event>& sent) {
  op %= 16;
  if (op <= 2) {
    // The clock moves on: minutes (sometimes back), months or ten years,
    // a leap to year 9999, or past the last instant there is.
    int64_t to = now;
    if (op == 0) {
      to = now + in.ConsumeIntegralInRange<int64_t>(-60'000, 3 * kDay);
    } else if (op == 1) {
      int64_t days = in.ConsumeIntegralInRange<int64_t>(1, in.ConsumeBool() ? 400 : 3650);
      days = std::min(days, gap_days_left);
      gap_days_left -= days;
      to = std::min(now + days * kDay, limits::kMaxTimeMs);
    } else {
      to = leaps ? limits::kMaxTimeMs - in.ConsumeIntegralInRange<int64_t>(0, 30 * kDay)
                 : limits::kMaxTimeMs + in.ConsumeIntegralInRange<int64_t>(1, 1000);
    }
    if (to >= now && to <= limits::kMaxTimeMs) now = to;
    engines.Run(nullptr, to);
    return;
  }
  if (op == 3 && !sent.empty()) {
    // A host retries an event it sent before.
    engines.Run(&sent[in.ConsumeIntegralInRange<size_t>(0, sent.size() - 1)], 0);
    return;
  }
  if (op == 4) {
    const Queries q = DecodeQueries(in, *engines.original);
    if (kVerbose) {
      std::fprintf(stderr, "queries for '%s' as of %lld, board %s\n", q.member.c_str(),
                   static_cast<long long>(q.as_of), q.board.ShortDebugString().c_str());
    }
    RequireQueriesAgree(*engines.original, q);
    if (engines.changed) RequireQueriesAgree(*engines.changed, q);
    return;
  }
  now = std::min(now + in.ConsumeIntegralInRange<int64_t>(0, kHour), limits::kMaxTimeMs);
  const int64_t at = in.ConsumeIntegralInRange<int>(0, 31) == 0 ? now - testing::kMinute : now;
  const std::string id = absl::StrCat("f", step);
  v1::Event e = op == 5   ? MembershipEvent(in)
                : op == 6 ? RawMessage(in, ctx)
                          : MadeEvent(in, ctx, id, at);
  e.set_id(id);
  e.set_time_ms(at);
  sent.push_back(std::move(e));
  engines.Run(&sent.back(), 0);
}

// The header's and steps' records, kept whole by the mutator below.
struct Records {
  uint8_t* data;
  size_t count;  // steps
  uint8_t* Step(size_t i) const { return data + kHeaderBytes + i * kStepBytes; }
};

size_t Steps(size_t size) {
  return size < kHeaderBytes ? 0 : (size - kHeaderBytes) / kStepBytes;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

// libFuzzer's own byte mutator; absent (null) in the replay build, which
// never mutates.
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t* data, size_t size,
                                                         size_t max_size);

// Mutates by whole records: one record's bytes (by libFuzzer's mutator, size
// kept), a step inserted (new, or a copy of another), erased, repeated
// (floods, retries) or two swapped. An input of the old shape is cut to
// whole records first.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  std::minstd_rand rng(seed);
  if (max_size < kHeaderBytes + kStepBytes) return LLVMFuzzerMutate(data, size, max_size);
  if (size < kHeaderBytes) {
    std::fill(data + size, data + kHeaderBytes, 0);
    size = kHeaderBytes;
  }
  const size_t room = std::min<size_t>(Steps(max_size), kMaxSteps);
  Records r{data, std::min(Steps(size), room)};
  const auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto mutate_record = [&](uint8_t* record, size_t bytes) {
    uint8_t scratch[kHeaderBytes];
    std::copy(record, record + bytes, scratch);
    const size_t got = LLVMFuzzerMutate(scratch, bytes, bytes);
    std::fill(scratch + got, scratch + bytes, 0);
    std::copy(scratch, scratch + bytes, record);
  };
  // The header one time in 32: a new config costs an Engine::Create.
  switch (r.count == 0 ? 1 : pick(32) == 0 ? 0 : 1 + pick(7)) {
    case 0:
      mutate_record(data, kHeaderBytes);
      break;
    case 1:
    case 2:  // a new step, or a copy of one, somewhere
      if (r.count < room) {
        const size_t at = pick(r.count + 1);
        std::copy_backward(r.Step(at), r.Step(r.count), r.Step(r.count + 1));
        if (r.count > 0 && pick(2) == 0) {
          const size_t from = pick(r.count + 1);
          if (from != at) std::copy(r.Step(from), r.Step(from) + kStepBytes, r.Step(at));
        } else {
          for (size_t i = 0; i < kStepBytes; ++i) r.Step(at)[i] = static_cast<uint8_t>(rng());
        }
        ++r.count;
        break;
      }
      [[fallthrough]];
    case 3:  // a step erased
      if (r.count > 1) {
        const size_t at = pick(r.count);
        std::copy(r.Step(at + 1), r.Step(r.count), r.Step(at));
        --r.count;
        break;
      }
      [[fallthrough]];
    case 4:  // a run of steps repeated right after itself
      if (r.count < room) {
        const size_t at = pick(r.count);
        const size_t n = std::min({1 + pick(4), r.count - at, room - r.count});
        std::copy_backward(r.Step(at + n), r.Step(r.count), r.Step(r.count + n));
        std::copy(r.Step(at), r.Step(at + n), r.Step(at + n));
        r.count += n;
        break;
      }
      [[fallthrough]];
    case 5: {  // two steps swapped
      const size_t a = pick(r.count), b = pick(r.count);
      std::swap_ranges(r.Step(a), r.Step(a) + kStepBytes, r.Step(b));
      if (a != b) break;
      [[fallthrough]];
    }
    default:
      mutate_record(r.Step(pick(r.count)), kStepBytes);
  }
  return kHeaderBytes + r.count * kStepBytes;
}

// Splices at a step boundary: the first input's header and leading steps,
// then the second's trailing steps.
extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  const size_t room = std::min<size_t>(Steps(max_size), kMaxSteps);
  if (size1 < kHeaderBytes || room == 0) return 0;
  const size_t n1 = std::min(Steps(size1), room), n2 = Steps(size2);
  const size_t keep = rng() % (n1 + 1);
  const size_t from = n2 == 0 ? 0 : rng() % n2;
  const size_t take = std::min(n2 - from, room - keep);
  std::copy(data1, data1 + kHeaderBytes + keep * kStepBytes, out);
  const uint8_t* tail = data2 + kHeaderBytes + from * kStepBytes;
  std::copy(tail, tail + take * kStepBytes, out + kHeaderBytes + keep * kStepBytes);
  return kHeaderBytes + (keep + take) * kStepBytes;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeaderBytes) return 0;
  Start& start = StartOf(data);
  const v1::CommunityConfig& config = start.config;
  Engines engines(start.Fresh());
  for (const v1::StaffSeat& seat : config.roles().staff()) engines.ids.push_back(seat.member_id());
  FuzzedDataProvider header(data + 1, 7);
  int64_t now = Epoch(header);
  // Steps at which the copies are restored; 0 = none.
  const int cut = header.ConsumeIntegralInRange<int>(0, kMaxSteps);
  const int change_at = header.ConsumeIntegralInRange<int>(0, kMaxSteps);
  const int change = header.ConsumeIntegralInRange<int>(1, 7);
  const bool leaps = fuzz::LeapsAreCheap(config);
  int64_t gap_days_left = leaps ? INT64_MAX : kGapDaysPerInput;
  testing::StreamContext ctx(0, {.members = 12});
  std::vector<v1::Event> sent;
  const int steps = static_cast<int>(std::min<size_t>(Steps(size), kMaxSteps));
  for (int step = 0; step < steps; ++step) {
    if (step == cut && cut != 0) engines.copy = engines.RoundTrip();
    if (step == change_at && change_at != 0) {
      engines.Change(start.RestoreUnderChange(change, *engines.original));
    }
    const uint8_t* record = data + kHeaderBytes + step * kStepBytes;
    FuzzedDataProvider in(record + 1, kStepBytes - 1);
    RunStep(engines, record[0], in, step, leaps, now, gap_days_left, ctx, sent);
    if (step % kRoundTripEvery == kRoundTripEvery - 1) {
      RequireInvariants(*engines.original);
      engines.RoundTrip();
    }
  }
  // An input the engine refused throughout left it as Fresh() made it,
  // whose round trip StartOf checked.
  if (engines.original_unchanged.accepted() > 0) {
    RequireInvariants(*engines.original);
    engines.RoundTrip();
  }
  if (engines.copy) {
    const std::string* known = engines.original_unchanged.KnownBytes();
    fuzz::Require(engines.copy->SnapshotBytes() ==
                      (known != nullptr ? *known : engines.original->SnapshotBytes()),
                  "restore-then-continue differs from one run");
  }
  if (engines.changed) {
    RequireInvariants(*engines.changed);
    fuzz::RequireRoundTrip(*engines.changed);
  }
  return 0;
}
