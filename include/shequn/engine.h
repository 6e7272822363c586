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
// Limits (shequn::limits below): every input has a stated bound, so a
// hostile host, config or snapshot costs time proportional to its size and
// never more. Past a bound the call returns InvalidArgument naming the field
// ("rename.nickname: 1048576 bytes, limit 256") and changes nothing; a full
// roster is ResourceExhausted. Bounds of the parts still to land (message
// text, word lists, segment predicates) are added with them.
//
// Thread-safety: an Engine is not thread-safe; const methods may run
// concurrently with each other but not with Apply/AdvanceTo/Restore. Engines
// share nothing, so a host shards communities across threads freely.
#ifndef SHEQUN_ENGINE_H_
#define SHEQUN_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn {

namespace limits {
// Ids: event id, actor, member and group references, group/team ids, tasks.
inline constexpr size_t kMaxIdBytes = 256;
// Short names: nicknames, channels, attribute keys and values, group names.
inline constexpr size_t kMaxNameBytes = 256;
// Free text: an introduction (all fields together), a reason, the welcome
// message, the handbook.
inline constexpr size_t kMaxTextBytes = 16 * 1024;
// Entries in one event's map or list: apply.attributes,
// apply.completed_tasks, introduce.fields.
inline constexpr int kMaxEventEntries = 64;
// A config: its serialised size, and the lengths of its lists.
inline constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;
inline constexpr int kMaxGroups = 10'000;  // configured and opened together
inline constexpr int kMaxStaff = 10'000;
inline constexpr int kMaxTeams = 1'000;
// Config lists of a few entries: prescreen requirements, intro fields,
// nickname fields; and the allowed values of one requirement.
inline constexpr int kMaxConfigEntries = 64;
inline constexpr int kMaxAllowedValues = 1'000;
// Distinct member ids one community remembers (past members included).
inline constexpr size_t kMaxMembers = 1'000'000;
// Times: 9999-12-31T23:59:59.999Z; durations: ten years; money: 10^12 cents.
inline constexpr int64_t kMaxTimeMs = 253'402'300'799'999;
inline constexpr int64_t kMaxDurationSeconds = 10LL * 365 * 24 * 3600;
inline constexpr int64_t kMaxCents = 1'000'000'000'000;
}  // namespace limits

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

  // Recomputes every derived count (group headcounts, team sizes, the
  // waitlist, ritual timers, the seen-id index) from the roster and compares
  // it with the live one. Internal naming the first mismatch. For tests and
  // fuzzers: a failure is a bug in shequn. O(state size).
  absl::Status CheckConsistency() const;

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
