// shequn::Engine — one community's rules, state and decisions.
//
// The host feeds events (what happened) and carries out the actions the
// engine returns (what to do). The engine does no I/O and reads no clock:
// time arrives only in events and in AdvanceTo().
//
//   auto engine = shequn::Engine::Create(config);          // validates config
//   engine->AdvanceTo(event.time_ms());                    // timers first
//   absl::StatusOr<Outcome> out = engine->Apply(event);    // then the event
//   for (const Action& a : out->actions()) host.Do(a);
//
// Guarantees:
//  * Deterministic: the same config and inputs give the same actions and a
//    byte-identical SnapshotBytes(); Restore-then-continue equals one run.
//  * Atomic: a call that returns an error changed nothing.
//  * Idempotent: an event id seen within the idempotency window returns an
//    Outcome with duplicate=true and changes nothing.
//  * Ordered: events must not go back in time (equal times are fine).
//
// Thread-safety: an Engine is not thread-safe; const methods may run
// concurrently with each other but not with Apply/AdvanceTo/Restore. Engines
// share nothing, so a host shards communities across threads freely.
#ifndef SHEQUN_ENGINE_H_
#define SHEQUN_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/rules.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn {

class Engine {
 public:
  // Validates `config` and returns an engine holding only its staff seats.
  // Errors are InvalidArgument naming the field path and the reason, e.g.
  // "groups[1].id: duplicate group id 'g1'". O(size of config).
  static absl::StatusOr<std::unique_ptr<Engine>> Create(
      v1::CommunityConfig config);

  // Rebuilds an engine from `config` and a snapshot written by Snapshot().
  // The config may differ from the one the snapshot was taken under (a rule
  // change); it must still describe every group and team the snapshot uses.
  // O(size of snapshot).
  static absl::StatusOr<std::unique_ptr<Engine>> Restore(
      v1::CommunityConfig config, const v1::CommunitySnapshot& snapshot);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies one event and returns the actions it calls for. Does not run
  // timers: call AdvanceTo(event.time_ms()) first for those.
  // Errors (nothing changes): InvalidArgument for a malformed event (names
  // the field), OutOfRange for an event before the last one,
  // NotFound for an unknown member or group, PermissionDenied for an
  // operator act the actor's role does not allow, FailedPrecondition for an
  // act the member's state does not allow (e.g. a banned applicant).
  // O(1) expected for most events; the part headers state the exceptions.
  absl::StatusOr<v1::Outcome> Apply(const v1::Event& event);

  // Runs everything time alone triggers up to and including `time_ms`:
  // ritual reminders and removals, mute expiries, period-end awards,
  // eliminations, health alerts. OutOfRange if `time_ms` is before the last
  // event. O(k log n) for k timers due.
  absl::StatusOr<v1::Outcome> AdvanceTo(int64_t time_ms);

  // The whole state. O(state size).
  v1::CommunitySnapshot Snapshot() const;
  // Snapshot() serialised deterministically (map keys sorted).
  std::string SnapshotBytes() const;

  // One member's record, or NotFound. O(1) expected.
  absl::StatusOr<v1::MemberRecord> Member(absl::string_view member_id) const;

  // Why a member was sanctioned: every warning, notice, mute, removal,
  // deduction, mediation and revocation about them, oldest first, each
  // naming the rule, category, matched text and strike count.
  // NotFound for an unknown member. O(audit log size).
  absl::StatusOr<std::vector<v1::AuditEntry>> Audit(absl::string_view member_id) const;

  // Strikes of a member still counting now (revoked and expired ones do
  // not). NotFound for an unknown member. O(strikes of the member).
  absl::StatusOr<uint32_t> LiveStrikes(absl::string_view member_id) const;

  const v1::CommunityConfig& config() const;
  int64_t last_time_ms() const;

 private:
  struct State;
  explicit Engine(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Serialises `message` deterministically (map entries in key order), so equal
// states give equal bytes.
std::string SerializeDeterministic(const google::protobuf::Message& message);

}  // namespace shequn

#endif  // SHEQUN_ENGINE_H_
