// shequn::Engine — one community's rules, state and decisions.
//
// The host feeds events (what happened) and carries out the actions the
// engine returns (what to do). The engine does no I/O and reads no clock:
// time arrives only in events and in AdvanceTo().
//
//   auto engine = shequn::Engine::Create(config);          // validates config
//   absl::StatusOr<Outcome> out = (*engine)->Step(event);  // timers, then the event
//   if (out.ok()) host.Do(*out);   // actions in due order, each with its due_ms
//   else host.Log(out.status());   // rejected: nothing changed, no timer fired
//
// Guarantees:
//  * Deterministic: the same config and inputs give the same actions and a
//    byte-identical SnapshotBytes(); Restore-then-continue equals one run.
//  * Atomic: a call that returns an error changed nothing.
//  * Idempotent: an event id seen within the idempotency window returns an
//    Outcome with duplicate=true and changes nothing.
//  * Ordered: events must not go back in time (equal times are fine).
//
// Limits (shequn/limits.h): every input has a stated bound, so a hostile
// host, config or snapshot costs time proportional to its size and never
// more. Past a bound the call returns InvalidArgument naming the field
// ("rename.nickname: 1048576 bytes, limit 256") and changes nothing; a full
// roster is ResourceExhausted. Each Event field's bound is annotated in
// event.proto; Apply checks the whole event against them before any part
// sees it. Every string in events, configs and snapshots must be valid UTF-8.
//
// Thread-safety: an Engine is not thread-safe; const methods may run
// concurrently with each other but not with Step/Apply/AdvanceTo. Engines
// share nothing, so a host shards communities across threads freely.
#ifndef SHEQUN_ENGINE_H_
#define SHEQUN_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "shequn/export.h"
#include "shequn/limits.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/member.pb.h"
#include "shequn/v1/points.pb.h"
#include "shequn/v1/report.pb.h"
#include "shequn/v1/rules.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn {

class Screener;  // shequn/screening.h

// A community config validated once and compiled (its word lists built into
// a screener), immutable: engines created or restored from one
// CompiledConfig share it instead of each holding a copy and a screener of
// its own, so a platform running 100,000 groups under one config pays for it
// once. Thread-safe to share between engines on any threads (nothing in it
// changes); it lives as long as the last engine or holder.
class SHEQUN_EXPORT CompiledConfig {
 public:
  // Errors as Engine::Create's. O(size of config), most of it compiling the
  // word lists.
  static absl::StatusOr<std::shared_ptr<const CompiledConfig>> Compile(
      v1::CommunityConfig config);

  const v1::CommunityConfig& config() const { return config_; }
  const std::shared_ptr<const Screener>& screener() const { return screener_; }

 private:
  CompiledConfig(v1::CommunityConfig config, std::shared_ptr<const Screener> screener);
  v1::CommunityConfig config_;
  std::shared_ptr<const Screener> screener_;
};

class SHEQUN_EXPORT Engine {
 public:
  // Validates `config` and returns an engine holding only its staff seats.
  // Errors are InvalidArgument naming the field path and the reason, e.g.
  // "groups[1].id: duplicate group id 'g1'". O(size of config), most of it
  // compiling the rules' word lists into a screener, once.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(
      v1::CommunityConfig config);
  // The same from a config compiled once and shared: no validation or
  // compiling, only the engine's own fixed cost, what its parts derive from
  // the config and their empty tables: about 23 KiB resident for the
  // paid-bootcamp preset, against 174 KiB for an engine that compiles its
  // own (engine_benchmark's BM_EmptyEngines).
  static absl::StatusOr<std::unique_ptr<Engine>> Create(
      std::shared_ptr<const CompiledConfig> config);

  // Rebuilds an engine from `config` and a snapshot written by Snapshot().
  // The config may differ from the one the snapshot was taken under (a rule
  // change); it must still describe every group and team the snapshot uses.
  // InvalidArgument, naming the field, for a snapshot that is not whole:
  // "snapshot.seal: ..." when it was cut short or changed after it was
  // written (its seal does not match), "snapshot.shequn_version: ..." when
  // a newer library or another major version wrote it, and for any record
  // that contradicts the rest. O(size of snapshot + size of config); the
  // screener is compiled once, as by Create.
  static absl::StatusOr<std::unique_ptr<Engine>> Restore(
      v1::CommunityConfig config, const v1::CommunitySnapshot& snapshot);
  // The same under a config compiled once and shared: O(size of snapshot).
  static absl::StatusOr<std::unique_ptr<Engine>> Restore(
      std::shared_ptr<const CompiledConfig> config, const v1::CommunitySnapshot& snapshot);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs what time alone made due up to the event's time (ritual deadlines,
  // mute expiries, period-end awards, alerts), then applies the event: one
  // atomic call. The Outcome lists the timers' actions first, in due order,
  // then the event's; its actions' due_ms never decrease. If the event is
  // rejected, nothing changes and no timer fires (the event is checked
  // against the state the timers leave, so a member removed at their
  // deadline a moment before cannot post). The errors are Apply's.
  // Cost: Apply's when no timer is due before the event. When one is, the
  // timers' own cost (AdvanceTo's, below), plus one copy of the state,
  // O(state) — at a million members far longer than the timers — kept
  // to undo them should the event be rejected (the undo reloads that copy;
  // the compiled screener is kept, not rebuilt); a host with a clock may call
  // AdvanceTo from its tick so events rarely find a timer due.
  absl::StatusOr<v1::Outcome> Step(const v1::Event& event);

  // Applies one event and returns the actions it calls for, without running
  // the timers due before it: for hosts that run timers themselves with
  // AdvanceTo(event.time_ms()) first. Step does both in one call.
  // Errors (nothing changes): InvalidArgument for a malformed event (names
  // the field), OutOfRange for an event before the last one,
  // NotFound for an unknown member or group, PermissionDenied for an
  // operator act the actor's role does not allow, FailedPrecondition for an
  // act the member's state does not allow (e.g. a member who already left
  // leaving again), AlreadyExists for a carrier id used twice (a message id,
  // a poll id, a second report of one message by one member) and for an
  // event id inside the idempotency window sent again with other content
  // (a retry must resend the same event; the same event is a duplicate). Applications
  // that fail a threshold are not errors: they return a REFUSE action.
  // Cost: O(size of the event) for the input gate and the event's digest
  // (one reflective walk, one serialisation), plus O(1) expected in the
  // parts for most events; the part headers state the exceptions.
  absl::StatusOr<v1::Outcome> Apply(const v1::Event& event);

  // Runs everything time alone triggers up to and including `time_ms`, for
  // a host's clock tick between events: ritual reminders and removals,
  // inactivity purges, mute expiries, period-end awards,
  // eliminations, health alerts. OutOfRange if `time_ms` is before the last
  // event.
  // Cost: what is due, not what exists, for n members:
  //   period-end awards and reviews   O(boards × log n + winners), read
  //     off the live boards (each award's board is live by default); a
  //     board's period roll O(min(S log n, n)) for the S members who
  //     scored in it (no ledger read);
  //   decay O(P log P) for P members with points; a group's task close
  //     O(that group's members);
  //   the dying-group check at midnight O(n) bytes read for participation,
  //     plus O(r log r) per group newly found dying with r members;
  //   team contests and points elimination O(n + entries in the period);
  //   award titles held_while_true O(title rules × n) at their award.
  // benchmarks/timers_benchmark prints the longest call ("max pause")
  // beside the time of 1,000 Apply calls.
  absl::StatusOr<v1::Outcome> AdvanceTo(int64_t time_ms);

  // The whole state, sealed: its last field holds the length and CRC-32 of
  // everything before it, so Restore refuses a copy that was cut short or
  // changed. O(state size).
  v1::CommunitySnapshot Snapshot() const;
  // Snapshot() serialised deterministically (map keys sorted), in one pass.
  std::string SnapshotBytes() const;

  // The config the engine runs under.
  const v1::CommunityConfig& config() const;
  // The time of the last event or AdvanceTo.
  int64_t last_time_ms() const;
  // When the earliest timer falls due (a ritual deadline, a purge, a mute
  // expiry, a period end, a task or poll close, the daily health check), or
  // nullopt when none is set: a host with a clock calls AdvanceTo once that
  // time has come instead of on every tick. O(1) in members: each part's
  // earliest timer and the config's award and review periods.
  std::optional<int64_t> NextDueMs() const;

  // ---- Membership. -------------------------------------------------------

  // One member's record, or NotFound. O(1) expected.
  absl::StatusOr<v1::MemberRecord> Member(absl::string_view member_id) const;

  // Who the inactivity purge of group `group_id` (config groups[i].purge)
  // would warn or remove by `as_of_ms` if nobody spoke until then, and
  // when, soonest first. `as_of_ms` is read as in Report. NotFound for an
  // unknown group. O(k) for the k purge steps of the whole community due by
  // then.
  absl::StatusOr<v1::PurgePreview> PurgePreview(absl::string_view group_id,
                                                int64_t as_of_ms) const;

  // ---- Rules. ------------------------------------------------------------

  // Why a member was sanctioned: every warning, notice, mute, removal,
  // deduction, forfeit, mediation and revocation about them within
  // rules.audit_retention_seconds (default 180 days) of the last event,
  // oldest first, each naming the rule, category, matched text (its first
  // limits::kMaxAuditTextBytes) and strike count.
  // NotFound for an unknown member. O(audit log size).
  absl::StatusOr<std::vector<v1::AuditEntry>> Audit(absl::string_view member_id) const;

  // Strikes of a member still counting at the last event (revoked and
  // expired ones do not). NotFound for an unknown member. O(strikes of the
  // member).
  absl::StatusOr<uint32_t> LiveStrikes(absl::string_view member_id) const;
  // As above, as of `as_of_ms` (like Report: a time before the last event
  // counts as the last event's), e.g. to tell a member when a strike lapses.
  absl::StatusOr<uint32_t> LiveStrikes(absl::string_view member_id, int64_t as_of_ms) const;

  // ---- Points, boards and polls. ------------------------------------------
  // Errors: NotFound for an unknown member, group, team or poll;
  // InvalidArgument for a malformed query. n = members on the board (active
  // members in its scope), N = members ever seen, E = ledger entries of the
  // queried period, L = all ledger entries, L_m = one member's entries.
  //
  // Board order, the same for every board, award and elimination:
  //   1. score, highest first;
  //   2. whoever reached that score in the period first (their last ledger
  //      entry of the period; no entries = reached at the period start);
  //   3. the member who first appeared in the community first.
  // Only active members of a ranked role are ranked (PointsConfig.ranked_roles:
  // by default members, team leaders and KOLs; staff are left out), on boards,
  // awards and team contests alike. Boards always agree with the ledger.
  // Entries a period end pays (award places, team-contest wins) are dated at
  // the last millisecond of the period they reward, so they count on that
  // period's boards and never on the next one's; each period end decides on
  // the ledger as the period left it.
  //
  // Live and ledger boards. The engine keeps a live board (an
  // order-statistic tree, shequn::Leaderboard) for the period in progress of
  // each PointsConfig.live_boards entry (default: all-time points for the
  // community, each group and each team, plus every award's period, metric
  // and scope). A query for one of those, in the period that holds the
  // engine's last event or timer, is answered from it:
  //   Leaderboard  O(log n + k)      Rank  O(log n)
  //   Page         O(log n + before + after)
  // Any other query (a past period, a board not configured live, or a new
  // period no event or timer has reached yet) is computed from the ledger,
  // with the same answer: O(log L + E + N log N).
  // Upkeep: each ledger entry costs O(log n) per live board of its member's
  // scope; a member who joins, leaves or moves costs O(L_m + log n) per live
  // board; the first event or timer of a new period resets that period's
  // boards in O(N + E). Live boards are derived: not in the snapshot, rebuilt
  // by Restore in O(N + L) per live board. Memory: about 50 bytes per ranked
  // member per live board (benchmarks/RESULTS-leaderboard.md).

  // The member's balance: the sum of their ledger. O(1).
  absl::StatusOr<int64_t> Balance(absl::string_view member) const;
  // The member's ledger entries, oldest first, and balance. O(L_m).
  absl::StatusOr<v1::MemberLedger> Ledger(absl::string_view member) const;
  // Balance, check-ins and streaks, tasks, titles, as of the last event.
  // O(check-ins + titles).
  absl::StatusOr<v1::MemberPoints> PointsRecord(absl::string_view member) const;
  // The same as of `as_of_ms`, read as Report reads its time (a time before
  // the last event is the last event's): current_streak is 0 once a day
  // before `as_of_ms` was missed. Timers do not run: expiry and decay due by
  // then show after AdvanceTo. Boards take their "as of" in BoardQuery.at_ms.
  absl::StatusOr<v1::MemberPoints> PointsRecord(absl::string_view member,
                                                int64_t as_of_ms) const;
  // The first `k` rows of the board. Live: O(log n + k); ledger:
  // O(log L + E + N log N).
  absl::StatusOr<v1::BoardPage> Leaderboard(const v1::BoardQuery& query,
                                            uint32_t k) const;
  // The member's row (rank and score) on the board. Live: O(log n);
  // ledger: O(log L + E + N log N).
  absl::StatusOr<v1::BoardRow> Rank(const v1::BoardQuery& query,
                                    absl::string_view member) const;
  // The member's row with up to `before` rows above and `after` below.
  // Live: O(log n + before + after); ledger: O(log L + E + N log N).
  absl::StatusOr<v1::BoardPage> Page(const v1::BoardQuery& query,
                                     absl::string_view member, uint32_t before,
                                     uint32_t after) const;
  // Teams ranked by their active members' points in the period; ties keep
  // the order of teams.names. query.scope and metric are ignored.
  // Always from the ledger: O(log L + E + N log N).
  absl::StatusOr<v1::BoardPage> TeamBoard(const v1::BoardQuery& query) const;
  // A poll's tallies (voters listed unless anonymous) and, once closed, its
  // winner: most votes, a tie going to the option listed first. O(ballots).
  absl::StatusOr<v1::PollResult> Poll(absl::string_view poll_id) const;

  // ---- Segments, KPIs and health. ----------------------------------------
  // Time arguments are "as of": a time before the last event is read as the
  // last event's time, one past limits::kMaxTimeMs as that time. Counters
  // reach back config.segments.windows_days.

  // Everything segments and health know as of `now_ms`: per-group and
  // community KPIs per window, tiers, contributors, funnel, Orbit levels,
  // 90-9-1, health scores, dying groups, seed candidates, core users,
  // operator segments' sizes, RFM cells, promotions and cross-group risk
  // (per group, and the members who broke rules in several groups:
  // Report.member_risk).
  // O(members × ring_days × (1 + segments) + groups × 32 + members with
  // recent violations × their groups) plus sorting.
  v1::Report Report(int64_t now_ms) const;

  // Members (ids, in order of first appearance) of the operator-defined
  // segment `name` (config.segments.segments), or NotFound.
  // O(members × predicate size × ring_days).
  absl::StatusOr<std::vector<std::string>> SegmentMembers(absl::string_view name,
                                                          int64_t now_ms) const;
  // The number of members in segment `name`, or NotFound. Same cost.
  absl::StatusOr<size_t> SegmentSize(absl::string_view name, int64_t now_ms) const;
  // The segments a member is in: built-in ("tier:active", "buyer:paying",
  // "orbit:2", "contributor"/"taker", "rfm:5-3-4", "tag:<tag>") then the
  // operator's, or NotFound. O(segments × predicate size × ring_days).
  absl::StatusOr<std::vector<std::string>> MemberSegments(absl::string_view member_id,
                                                          int64_t now_ms) const;

 private:
  friend class EngineTesting;  // shequn/engine_testing.h
  struct State;
  explicit Engine(std::unique_ptr<State> state);
  // The input gate, the id (digest, duplicate) and the checks every event
  // needs before a part sees it.
  absl::StatusOr<std::pair<uint32_t, bool>> Admit(const v1::Event& event) const;
  v1::CommunitySnapshot Unsealed() const;
  std::unique_ptr<State> state_;
};

// Serialises `message` deterministically (map entries in key order), so equal
// states give equal bytes.
SHEQUN_EXPORT std::string SerializeDeterministic(const google::protobuf::Message& message);

// `report` as JSON through protobuf's JSON mapping (proto field names,
// defaults included), or the mapping's error. O(size of the report).
SHEQUN_EXPORT absl::StatusOr<std::string> ReportToJson(const v1::Report& report);

}  // namespace shequn

#endif  // SHEQUN_ENGINE_H_
