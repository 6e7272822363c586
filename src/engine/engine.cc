#include "shequn/engine.h"
#include "shequn/engine_testing.h"

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"
#include "membership/membership.h"
#include "points/points.h"
#include "rules/rules.h"
#include "segments/segments.h"
#include "base/actions.h"
#include "engine/field_gate.h"
#include "engine/integrity.h"
#include "shequn/limits.h"
#include "shequn/version.h"

namespace shequn {
namespace {

constexpr int64_t kDefaultIdempotencyWindowMs = 7 * 24 * 3600 * 1000LL;

absl::Status TooLong(absl::string_view field, size_t size, size_t limit) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", size, " bytes, limit ", limit));
}

// Validates the config and builds what its states share: the screener.
absl::StatusOr<std::shared_ptr<const Screener>> CompileCommunity(const v1::CommunityConfig& c) {
  // First, so no later check walks an oversized config.
  if (const size_t size = c.ByteSizeLong(); size > limits::kMaxConfigBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config: ", size, " bytes serialised, limit ", limits::kMaxConfigBytes));
  }
  if (absl::Status s = CheckUtf8Fields(c, ""); !s.ok()) return s;
  if (c.id().empty()) return absl::InvalidArgumentError("id: required");
  if (c.id().size() > limits::kMaxIdBytes) {
    return TooLong("id", c.id().size(), limits::kMaxIdBytes);
  }
  if (c.idempotency_window_seconds() < 0 ||
      c.idempotency_window_seconds() > limits::kMaxDurationSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "idempotency_window_seconds: ", c.idempotency_window_seconds(),
        " is outside 0..", limits::kMaxDurationSeconds));
  }
  if (c.utc_offset_seconds() < -limits::kMaxUtcOffsetSeconds ||
      c.utc_offset_seconds() > limits::kMaxUtcOffsetSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "utc_offset_seconds: ", c.utc_offset_seconds(), " is outside ±",
        limits::kMaxUtcOffsetSeconds, " (18 hours)"));
  }
  absl::TimeZone zone;
  if (!c.time_zone().empty() && !absl::LoadTimeZone(c.time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone: unknown time zone '", c.time_zone(), "'"));
  }
  if (absl::Status s = membership::Membership::ValidateConfig(c); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const Screener>> screener = rules::Rules::CompileConfig(c);
  if (!screener.ok()) return screener.status();
  if (absl::Status s = points::Points::ValidateConfig(c); !s.ok()) return s;
  if (absl::Status s = segments::Segments::ValidateConfig(c); !s.ok()) return s;
  return screener;
}

// What every event needs beyond its fields' bounds (CheckEventFields).
absl::Status ValidateEnvelope(const v1::Event& e) {
  if (e.actor().empty()) return absl::InvalidArgumentError("actor: required");
  if (e.kind_case() == v1::Event::KIND_NOT_SET) {
    return absl::InvalidArgumentError("kind: no event kind is set");
  }
  return absl::OkStatus();
}

absl::StatusOr<membership::MemberIndex> Known(const membership::Membership& members,
                                              absl::string_view id) {
  std::optional<membership::MemberIndex> m = members.Find(id);
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat("member: unknown member '", id, "'"));
  }
  return *m;
}

// Actions whose membership consequences the engine carries out when another
// part decides them.
bool ChangesMembership(v1::ActionKind kind) {
  return kind == v1::ACTION_KIND_REMOVE || kind == v1::ACTION_KIND_BAN ||
         kind == v1::ACTION_KIND_DEDUCT_DEPOSIT || kind == v1::ACTION_KIND_MOVE;
}

// What Restore checks of a snapshot before its records: that it belongs to
// `config`'s community, is valid UTF-8, whole (its seal), written by a
// version this one reads, and its clock is in range.
absl::Status CheckSnapshotWhole(const v1::CommunityConfig& config,
                                const v1::CommunitySnapshot& snapshot) {
  if (snapshot.community_id() != config.id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot.community_id: '", snapshot.community_id(),
        "' does not match config id '", config.id(), "'"));
  }
  // UTF-8 first: checking the seal serialises, and protobuf complains
  // about invalid strings when it does.
  if (absl::Status s = CheckUtf8Fields(snapshot, "snapshot."); !s.ok()) return s;
  if (absl::Status s = CheckSeal(snapshot); !s.ok()) return s;
  if (absl::Status s = CheckWriterVersion(snapshot.shequn_version()); !s.ok()) return s;
  if (snapshot.last_time_ms() < 0 || snapshot.last_time_ms() > limits::kMaxTimeMs) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot.last_time_ms: ", snapshot.last_time_ms(), " is outside 0..",
        limits::kMaxTimeMs));
  }
  return absl::OkStatus();
}

}  // namespace

struct Engine::State {
  State(v1::CommunityConfig c, std::shared_ptr<const Screener> s)
      : config(std::move(c)),
        screener(std::move(s)),
        membership(config),
        rules(config, membership, screener),
        points(config, membership),
        segments(config, membership) {
    window_ms = config.has_idempotency_window_seconds() ? config.idempotency_window_seconds() * 1000
                                                        : kDefaultIdempotencyWindowMs;
  }

  // Builds a state from a snapshot whose seal and version were checked;
  // `screener` was compiled from `config` (CompileCommunity).
  static absl::StatusOr<std::unique_ptr<State>> FromSnapshot(
      v1::CommunityConfig config, std::shared_ptr<const Screener> screener,
      const v1::CommunitySnapshot& snapshot);

  // What an event needs before any part looks at it: a new id (or the same
  // content as before: `duplicate`), time order, actor and kind, a community
  // that has not ended.
  absl::Status CheckIncoming(const v1::Event& e, uint32_t digest, bool& duplicate) const;
  absl::Status Check(const v1::Event& e) const;
  // Runs every timer due up to `time_ms`, earliest first.
  void RunTimers(int64_t time_ms, v1::Outcome& out);
  // Applies a checked event and remembers its id.
  void Commit(const v1::Event& e, uint32_t digest, v1::Outcome& out);
  void Dispatch(const v1::Event& e, v1::Outcome& out);
  void CarryOutFrom(int first_action, int64_t now, v1::Outcome& out);
  std::optional<int64_t> NextDue() const;
  void RunDue(int64_t due, int64_t until, v1::Outcome& out);
  void Remember(const v1::Event& e, uint32_t digest);
  void Forget(int64_t now);

  v1::CommunityConfig config;
  std::shared_ptr<const Screener> screener;  // built once from config
  membership::Membership membership;
  rules::Rules rules;
  points::Points points;
  segments::Segments segments;
  int64_t window_ms = 0;
  int64_t last_time_ms = 0;
  bool ended = false;
  // Event ids inside the idempotency window with their digests, and in
  // time order for forgetting.
  std::deque<std::pair<int64_t, std::string>> seen_order;
  absl::flat_hash_map<std::string, uint32_t> seen;
};

absl::Status Engine::State::Check(const v1::Event& e) const {
  if (membership::Membership::Handles(e.kind_case())) return membership.Check(e);
  if (rules::Rules::Handles(e.kind_case())) return rules.Check(e);
  if (points::Points::Handles(e.kind_case())) return points.Check(e);
  if (segments::Segments::Handles(e.kind_case())) return segments.Check(e);
  return absl::UnimplementedError(absl::StrCat(
      "kind: event kind ", e.kind_case(), " is not handled by this build"));
}

void Engine::State::Dispatch(const v1::Event& e, v1::Outcome& out) {
  if (membership::Membership::Handles(e.kind_case())) {
    // Rules screen an applicant's nickname before membership admits them.
    if (std::optional<rules::Rules::ApplicantRefusal> refusal = rules.ScreenApplicant(e)) {
      membership.RefuseApplicant(e, refusal->rule, refusal->category, refusal->matched, out);
    } else {
      membership.Apply(e, out);
    }
    if (e.has_end_community()) ended = true;
  } else if (rules::Rules::Handles(e.kind_case())) {
    rules.Apply(e, out);
  } else if (points::Points::Handles(e.kind_case())) {
    points.Apply(e, out);
  } else {
    segments.Apply(e, out);
  }
  membership.Touch(e);  // any act counts as activity for the purge
  CarryOutFrom(0, e.time_ms(), out);
  // Every part sees every event once its owner is done, in a fixed order.
  int first = out.actions_size();
  rules.Observe(e, out);
  CarryOutFrom(first, e.time_ms(), out);
  first = out.actions_size();
  points.Observe(e, out);
  CarryOutFrom(first, e.time_ms(), out);
  first = out.actions_size();
  segments.Observe(e, out);
  CarryOutFrom(first, e.time_ms(), out);
  points.SyncMembers(out, 0, e.actor(), e.time_ms());
}

std::optional<int64_t> Engine::State::NextDue() const {
  std::optional<int64_t> due;
  for (std::optional<int64_t> d : {membership.NextDue(), rules.NextDue(),
                                   points.NextDue(), segments.NextDue()}) {
    if (d.has_value() && (!due.has_value() || *d < *due)) due = d;
  }
  return due;
}

// Runs the parts' timers due at `due`, membership first, so a removal at a
// deadline happens before awards computed at the same instant.
void Engine::State::RunDue(int64_t due, int64_t until, v1::Outcome& out) {
  const int first_of_all = out.actions_size();
  int first = out.actions_size();
  membership.RunDue(due, out);
  CarryOutFrom(first, due, out);
  first = out.actions_size();
  rules.RunDue(due, out);
  CarryOutFrom(first, due, out);
  first = out.actions_size();
  // Until membership's next timer only points' own timers change the roster
  // or the ledger, so points may skip the period ends that change nothing.
  points.RunDue(due, std::min(until, membership.NextDue().value_or(until)), out);
  CarryOutFrom(first, due, out);
  // Segments count the other parts' timer actions (exits, sanctions).
  segments.ObserveTimers(due, out, first_of_all);
  first = out.actions_size();
  segments.RunDue(due, until, out);
  CarryOutFrom(first, due, out);
  points.SyncMembers(out, first_of_all, "", due);
}

void Engine::State::CarryOutFrom(int first_action, int64_t now, v1::Outcome& out) {
  // Consequences are appended as we go; those are membership's own and are
  // not carried out twice.
  const int decided = out.actions_size();
  for (int i = first_action; i < decided; ++i) {
    if (!ChangesMembership(out.actions(i).kind())) continue;
    const int consequences = out.actions_size();
    membership.CarryOut(i, now, out);
    rules.AuditConsequences(out.actions(i), out, consequences, now);
  }
}

void Engine::State::Remember(const v1::Event& e, uint32_t digest) {
  seen.emplace(e.id(), digest);
  seen_order.emplace_back(e.time_ms(), e.id());
}

void Engine::State::Forget(int64_t now) {
  while (!seen_order.empty() && seen_order.front().first < now - window_ms) {
    seen.erase(seen_order.front().second);
    seen_order.pop_front();
  }
}

absl::StatusOr<std::unique_ptr<Engine::State>> Engine::State::FromSnapshot(
    v1::CommunityConfig config, std::shared_ptr<const Screener> screener,
    const v1::CommunitySnapshot& snapshot) {
  auto state = std::make_unique<State>(std::move(config), std::move(screener));
  if (absl::Status s = state->membership.Load(snapshot.membership()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot.", s.message()));
  }
  if (absl::Status s = state->rules.Load(snapshot.rules()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot.", s.message()));
  }
  if (absl::Status s = state->points.Load(snapshot.points(), snapshot.last_time_ms()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot.", s.message()));
  }
  if (absl::Status s = state->segments.Load(snapshot.segments()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot.", s.message()));
  }
  int64_t previous = 0;
  for (int i = 0; i < snapshot.seen_size(); ++i) {
    const v1::SeenEvent& s = snapshot.seen(i);
    if (s.id().empty() || s.id().size() > limits::kMaxIdBytes || s.time_ms() < previous || s.time_ms() > snapshot.last_time_ms() ||
        state->seen.contains(s.id())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "snapshot.seen[", i, "]: empty, oversized, duplicate or out-of-order event id"));
    }
    previous = s.time_ms();
    state->seen.emplace(s.id(), s.digest());
    state->seen_order.emplace_back(s.time_ms(), s.id());
  }
  state->last_time_ms = snapshot.last_time_ms();
  state->ended = snapshot.ended();
  return state;
}

Engine::Engine(std::unique_ptr<State> state) : state_(std::move(state)) {}
Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(v1::CommunityConfig config) {
  absl::StatusOr<std::shared_ptr<const Screener>> screener = CompileCommunity(config);
  if (!screener.ok()) return screener.status();
  return std::unique_ptr<Engine>(
      new Engine(std::make_unique<State>(std::move(config), *std::move(screener))));
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Restore(
    v1::CommunityConfig config, const v1::CommunitySnapshot& snapshot) {
  absl::StatusOr<std::shared_ptr<const Screener>> screener = CompileCommunity(config);
  if (!screener.ok()) return screener.status();
  if (absl::Status s = CheckSnapshotWhole(config, snapshot); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<State>> state =
      State::FromSnapshot(std::move(config), *std::move(screener), snapshot);
  if (!state.ok()) return state.status();
  return std::unique_ptr<Engine>(new Engine(*std::move(state)));
}

absl::Status Engine::State::CheckIncoming(const v1::Event& e, uint32_t digest,
                                          bool& duplicate) const {
  if (auto seen_at = seen.find(e.id()); seen_at != seen.end()) {
    if (seen_at->second != digest) {
      return absl::AlreadyExistsError(absl::StrCat(
          "id: event '", e.id(),
          "' was applied before with other content; a retry must resend the same event"));
    }
    duplicate = true;
    return absl::OkStatus();
  }
  if (e.time_ms() < last_time_ms) {
    return absl::OutOfRangeError(absl::StrCat(
        "time_ms: ", e.time_ms(), " is before the last event at ", last_time_ms));
  }
  if (absl::Status st = ValidateEnvelope(e); !st.ok()) return st;
  if (ended) return absl::FailedPreconditionError("the community has ended");
  return absl::OkStatus();
}

void Engine::State::RunTimers(int64_t time_ms, v1::Outcome& out) {
  for (std::optional<int64_t> due = NextDue(); due.has_value() && *due <= time_ms;
       due = NextDue()) {
    const int first = out.actions_size();
    RunDue(*due, time_ms, out);
    for (int i = first; i < out.actions_size(); ++i) Finish(*out.mutable_actions(i), *due);
  }
}

void Engine::State::Commit(const v1::Event& e, uint32_t digest, v1::Outcome& out) {
  // The parts read the event's own outcome from its first action, so the
  // timers' actions before it in `out` are neither carried out nor counted
  // twice.
  v1::Outcome own;
  Dispatch(e, own);
  for (v1::Action& a : *own.mutable_actions()) {
    Finish(a, e.time_ms());
    out.mutable_actions()->Add(std::move(a));
  }
  Remember(e, digest);
  last_time_ms = e.time_ms();
  Forget(last_time_ms);
}

absl::StatusOr<std::pair<uint32_t, bool>> Engine::Admit(const v1::Event& event) const {
  if (event.id().empty()) return absl::InvalidArgumentError("id: required");
  if (absl::Status st = CheckEventFields(event); !st.ok()) return st;
  const uint32_t digest = EventDigest(event);
  bool duplicate = false;
  if (absl::Status st = state_->CheckIncoming(event, digest, duplicate); !st.ok()) return st;
  return std::make_pair(digest, duplicate);
}

absl::StatusOr<v1::Outcome> Engine::Apply(const v1::Event& event) {
  absl::StatusOr<std::pair<uint32_t, bool>> admitted = Admit(event);
  if (!admitted.ok()) return admitted.status();
  v1::Outcome out;
  out.set_event_id(event.id());
  if (admitted->second) {
    out.set_duplicate(true);
    return out;
  }
  if (absl::Status st = state_->Check(event); !st.ok()) return st;
  state_->Commit(event, admitted->first, out);
  return out;
}

absl::StatusOr<v1::Outcome> Engine::Step(const v1::Event& event) {
  const std::optional<int64_t> due = state_->NextDue();
  if (!due.has_value() || *due > event.time_ms()) return Apply(event);
  absl::StatusOr<std::pair<uint32_t, bool>> admitted = Admit(event);
  if (!admitted.ok()) return admitted.status();
  v1::Outcome out;
  out.set_event_id(event.id());
  if (admitted->second) {
    out.set_duplicate(true);
    return out;
  }
  // The event is checked against the state the timers leave, and a rejection
  // must leave no timer fired: keep the state to go back to.
  v1::CommunitySnapshot before = Unsealed();
  state_->RunTimers(event.time_ms(), out);
  if (absl::Status st = state_->Check(event); !st.ok()) {
    absl::StatusOr<std::unique_ptr<State>> restored =
        State::FromSnapshot(state_->config, state_->screener, before);
    if (!restored.ok()) {
      return absl::InternalError(absl::StrCat("the state before the timers would not reload: ",
                                              restored.status().message()));
    }
    state_ = *std::move(restored);
    return st;
  }
  state_->Commit(event, admitted->first, out);
  return out;
}

absl::StatusOr<v1::Outcome> Engine::AdvanceTo(int64_t time_ms) {
  State& s = *state_;
  if (time_ms < s.last_time_ms) {
    return absl::OutOfRangeError(absl::StrCat(
        "time_ms: ", time_ms, " is before the last event at ", s.last_time_ms));
  }
  if (time_ms > limits::kMaxTimeMs) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_ms: ", time_ms, " is after ", limits::kMaxTimeMs));
  }
  v1::Outcome out;
  s.RunTimers(time_ms, out);
  s.last_time_ms = time_ms;
  s.Forget(time_ms);
  return out;
}

v1::CommunitySnapshot Engine::Unsealed() const {
  const State& s = *state_;
  v1::CommunitySnapshot snap;
  snap.set_community_id(s.config.id());
  snap.set_last_time_ms(s.last_time_ms);
  for (const auto& [time, id] : s.seen_order) {
    v1::SeenEvent* e = snap.add_seen();
    e->set_id(id);
    e->set_time_ms(time);
    e->set_digest(s.seen.at(id));
  }
  s.membership.Save(snap.mutable_membership());
  s.rules.Save(snap.mutable_rules());
  s.points.Save(snap.mutable_points());
  s.segments.Save(snap.mutable_segments());
  snap.set_shequn_version(SHEQUN_VERSION);
  snap.set_ended(s.ended);
  return snap;
}

v1::CommunitySnapshot Engine::Snapshot() const {
  v1::CommunitySnapshot snap = Unsealed();
  Seal(snap);
  return snap;
}

std::string Engine::SnapshotBytes() const { return SealedBytes(Unsealed()); }

absl::StatusOr<v1::MemberRecord> Engine::Member(absl::string_view member_id) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member_id);
  if (!m.ok()) return m.status();
  v1::MemberRecord record;
  state_->membership.SaveMember(*m, &record);
  return record;
}

absl::StatusOr<v1::PurgePreview> Engine::PurgePreview(absl::string_view group_id,
                                                      int64_t as_of_ms) const {
  return state_->membership.PreviewPurge(
      group_id, std::clamp(as_of_ms, state_->last_time_ms, limits::kMaxTimeMs));
}

absl::StatusOr<std::vector<v1::AuditEntry>> Engine::Audit(absl::string_view member_id) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member_id);
  if (!m.ok()) return m.status();
  return state_->rules.AuditOf(*m, state_->last_time_ms);
}

absl::StatusOr<uint32_t> Engine::LiveStrikes(absl::string_view member_id) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member_id);
  if (!m.ok()) return m.status();
  return state_->rules.LiveStrikes(*m, state_->last_time_ms);
}

absl::StatusOr<uint32_t> Engine::LiveStrikes(absl::string_view member_id, int64_t as_of_ms) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member_id);
  if (!m.ok()) return m.status();
  return state_->rules.LiveStrikes(
      *m, std::clamp(as_of_ms, state_->last_time_ms, limits::kMaxTimeMs));
}

// ---- Points, boards and polls.

absl::StatusOr<int64_t> Engine::Balance(absl::string_view member) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member);
  if (!m.ok()) return m.status();
  return state_->points.Balance(*m);
}

absl::StatusOr<v1::MemberLedger> Engine::Ledger(absl::string_view member) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member);
  if (!m.ok()) return m.status();
  return state_->points.LedgerOf(*m);
}

absl::StatusOr<v1::MemberPoints> Engine::PointsRecord(absl::string_view member) const {
  return PointsRecord(member, state_->last_time_ms);
}

absl::StatusOr<v1::MemberPoints> Engine::PointsRecord(absl::string_view member,
                                                      int64_t as_of_ms) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member);
  if (!m.ok()) return m.status();
  // As Report reads its time (AsOf, below).
  return state_->points.RecordOf(*m, std::clamp(as_of_ms, state_->last_time_ms, limits::kMaxTimeMs));
}

absl::StatusOr<v1::BoardPage> Engine::Leaderboard(const v1::BoardQuery& query,
                                                  uint32_t k) const {
  return state_->points.Top(query, k, state_->last_time_ms);
}

absl::StatusOr<v1::BoardRow> Engine::Rank(const v1::BoardQuery& query,
                                          absl::string_view member) const {
  absl::StatusOr<v1::BoardPage> page = Page(query, member, 0, 0);
  if (!page.ok()) return page.status();
  return page->rows(0);
}

absl::StatusOr<v1::BoardPage> Engine::Page(const v1::BoardQuery& query,
                                           absl::string_view member, uint32_t before,
                                           uint32_t after) const {
  absl::StatusOr<membership::MemberIndex> m = Known(state_->membership, member);
  if (!m.ok()) return m.status();
  return state_->points.PageAround(query, *m, before, after, state_->last_time_ms);
}

absl::StatusOr<v1::BoardPage> Engine::TeamBoard(const v1::BoardQuery& query) const {
  return state_->points.Teams(query, state_->last_time_ms);
}

absl::StatusOr<v1::PollResult> Engine::Poll(absl::string_view poll_id) const {
  return state_->points.PollOf(poll_id);
}

absl::StatusOr<std::unique_ptr<Engine>> EngineTesting::Restore(
    const Engine& like, const v1::CommunitySnapshot& snapshot) {
  const Engine::State& model = *like.state_;
  if (absl::Status s = CheckSnapshotWhole(model.config, snapshot); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<Engine::State>> state =
      Engine::State::FromSnapshot(model.config, model.screener, snapshot);
  if (!state.ok()) return state.status();
  return std::unique_ptr<Engine>(new Engine(*std::move(state)));
}

size_t EngineTesting::PointsMemoryBytes(const Engine& engine) {
  const Engine::State& s = *engine.state_;
  return s.points.LedgerBytes() + s.points.LiveBoardBytes();
}

absl::Status EngineTesting::CheckConsistency(const Engine& engine) {
  const Engine::State& s = *engine.state_;
  if (s.seen.size() != s.seen_order.size()) {
    return absl::InternalError(absl::StrCat("seen: ", s.seen.size(), " ids indexed, ",
                                            s.seen_order.size(), " in order"));
  }
  int64_t previous = 0;
  for (const auto& [time, id] : s.seen_order) {
    if (!s.seen.contains(id) || time < previous || time > s.last_time_ms) {
      return absl::InternalError(absl::StrCat("seen: event '", id, "' out of order or unindexed"));
    }
    previous = time;
  }
  return s.membership.Verify();
}

const v1::CommunityConfig& Engine::config() const { return state_->config; }
int64_t Engine::last_time_ms() const { return state_->last_time_ms; }

// --- Segments, KPIs and health ---

namespace {

// An "as of" time: never before the last event, never past year 9999.
int64_t AsOf(int64_t now_ms, int64_t last_time_ms) {
  return std::clamp(now_ms, last_time_ms, limits::kMaxTimeMs);
}

}  // namespace

v1::Report Engine::Report(int64_t now_ms) const {
  return state_->segments.BuildReport(AsOf(now_ms, state_->last_time_ms), state_->last_time_ms);
}

absl::StatusOr<std::vector<std::string>> Engine::SegmentMembers(absl::string_view name,
                                                                int64_t now_ms) const {
  return state_->segments.SegmentMembers(name, AsOf(now_ms, state_->last_time_ms));
}

absl::StatusOr<size_t> Engine::SegmentSize(absl::string_view name, int64_t now_ms) const {
  absl::StatusOr<std::vector<std::string>> m = SegmentMembers(name, now_ms);
  if (!m.ok()) return m.status();
  return m->size();
}

absl::StatusOr<std::vector<std::string>> Engine::MemberSegments(absl::string_view member_id,
                                                                int64_t now_ms) const {
  return state_->segments.MemberSegments(member_id, AsOf(now_ms, state_->last_time_ms));
}

absl::StatusOr<std::string> ReportToJson(const v1::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  // From the deterministic bytes: printed from the message itself, map
  // entries (rfm_cells) would come out in hash order, differently each run.
  constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com";
  const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          std::string(kTypeUrlPrefix), google::protobuf::DescriptorPool::generated_pool()));
  std::string json;
  google::protobuf::util::Status s = google::protobuf::util::BinaryToJsonString(
      resolver.get(), absl::StrCat(kTypeUrlPrefix, "/", v1::Report::descriptor()->full_name()),
      SerializeDeterministic(report), &json, options);
  if (!s.ok()) return absl::InternalError(absl::StrCat("report: ", s.ToString()));
  return json;
}

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace shequn
