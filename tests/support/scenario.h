// Test support: a community on a clock, events built in a line, and
// matchers over outcomes, so scenario tests read like the domain.
#ifndef SHEQUN_TESTS_SUPPORT_SCENARIO_H_
#define SHEQUN_TESTS_SUPPORT_SCENARIO_H_

#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "shequn/engine.h"
#include "shequn/text_format.h"
#include "support/clock.h"

namespace shequn::testing {

inline v1::CommunityConfig ParseConfig(absl::string_view text) {
  v1::CommunityConfig config;
  const absl::Status parsed = ParseTextFormat(text, &config);
  EXPECT_TRUE(parsed.ok()) << parsed << "\n" << text;
  return config;
}

inline v1::Event ParseEvent(absl::string_view text) {
  v1::Event event;
  const absl::Status parsed = ParseTextFormat(text, &event);
  EXPECT_TRUE(parsed.ok()) << parsed << "\n" << text;
  return event;
}

// The kinds of an outcome's actions, in order.
inline std::vector<v1::ActionKind> Kinds(const v1::Outcome& out) {
  std::vector<v1::ActionKind> kinds;
  for (const v1::Action& a : out.actions()) kinds.push_back(a.kind());
  return kinds;
}

// A copy of the first action of `kind` on `member` (any member if empty).
inline std::optional<v1::Action> Find(const v1::Outcome& out, v1::ActionKind kind,
                                      absl::string_view member = "") {
  for (const v1::Action& a : out.actions()) {
    if (a.kind() == kind && (member.empty() || a.member() == member)) return a;
  }
  return std::nullopt;
}

// The first action of `kind` on `member` (any member if empty), for reading
// its fields. Where there is none the test fails at the caller's line, naming
// what was looked for and what the outcome holds, and reads an empty action:
// a missing action is a failure, not a crash.
inline v1::Action MustFind(const v1::Outcome& out, v1::ActionKind kind,
                           absl::string_view member = "",
                           std::source_location where = std::source_location::current()) {
  if (std::optional<v1::Action> found = Find(out, kind, member)) return *std::move(found);
  const std::string actions =
      absl::StrJoin(out.actions(), ", ", [](std::string* s, const v1::Action& a) {
        absl::StrAppend(s, v1::ActionKind_Name(a.kind()), "(", a.member(), ")");
      });
  ADD_FAILURE_AT(where.file_name(), where.line())
      << "no " << v1::ActionKind_Name(kind) << " on "
      << (member.empty() ? "any member" : absl::StrCat("'", member, "'"))
      << "; the outcome's actions: [" << actions << "]";
  return v1::Action();
}

inline int Count(const v1::Outcome& out, v1::ActionKind kind) {
  int n = 0;
  for (const v1::Action& a : out.actions()) n += a.kind() == kind;
  return n;
}

// A community on a clock. Every event gets a fresh id and the current time;
// Apply runs due timers first (as a host does) and keeps their actions.
class Community {
 public:
  explicit Community(v1::CommunityConfig config) {
    auto engine = Engine::Create(std::move(config));
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (engine.ok()) engine_ = *std::move(engine);
  }

  Engine& engine() { return *engine_; }
  // Swaps in another engine (e.g. one restored from a snapshot); the clock
  // and event ids carry on.
  void ReplaceEngine(std::unique_ptr<Engine> engine) { engine_ = std::move(engine); }
  int64_t now() const { return now_; }

  // An event from `actor` in `group`, stamped now, with a fresh id.
  v1::Event Make(absl::string_view actor, absl::string_view group = "") {
    v1::Event e;
    e.set_id(absl::StrCat("e", ++next_id_));
    e.set_time_ms(now_);
    e.set_actor(std::string(actor));
    e.set_group(std::string(group));
    return e;
  }

  absl::StatusOr<v1::Outcome> Apply(const v1::Event& e) {
    absl::StatusOr<v1::Outcome> timers = engine_->AdvanceTo(e.time_ms());
    if (!timers.ok()) return timers.status();
    timer_actions_.MergeFrom(*timers);
    return engine_->Apply(e);
  }

  // Step: the timers due before the event, then the event, in one call.
  absl::StatusOr<v1::Outcome> Step(const v1::Event& e) { return engine_->Step(e); }

  // Applies an event that must succeed.
  v1::Outcome Must(const v1::Event& e) {
    absl::StatusOr<v1::Outcome> out = Apply(e);
    EXPECT_TRUE(out.ok()) << out.status() << " for " << e.ShortDebugString();
    return out.ok() ? *out : v1::Outcome();
  }

  // Moves the clock on with no event and no clock tick: the timers due in
  // between wait for the next Step or Advance.
  void Wait(int64_t by_ms) { now_ += by_ms; }

  // Moves the clock on and runs the timers due; returns their actions.
  v1::Outcome Advance(int64_t by_ms) {
    now_ += by_ms;
    absl::StatusOr<v1::Outcome> out = engine_->AdvanceTo(now_);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::Outcome();
  }

  // An open application: accepted rules, with `nickname`.
  v1::Outcome Join(absl::string_view who, absl::string_view nickname = "",
                   absl::string_view group = "") {
    v1::Event e = Make(who, group);
    e.mutable_apply()->set_accepted_rules(true);
    e.mutable_apply()->set_nickname(std::string(nickname.empty() ? who : nickname));
    return Must(e);
  }

  v1::MemberRecord Member(absl::string_view id) {
    absl::StatusOr<v1::MemberRecord> m = engine_->Member(id);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : v1::MemberRecord();
  }

  // Expects `e` to fail with `code` and a message containing `field`, and
  // the state to be byte-identical afterwards, timers due before it unfired.
  void ExpectRejected(const v1::Event& e, absl::StatusCode code, absl::string_view field) {
    const std::string before = engine_->SnapshotBytes();
    absl::StatusOr<v1::Outcome> out = engine_->Step(e);
    ASSERT_FALSE(out.ok()) << "accepted: " << e.ShortDebugString();
    EXPECT_EQ(out.status().code(), code) << out.status();
    EXPECT_TRUE(absl::StrContains(out.status().message(), field))
        << out.status() << " does not name " << field;
    EXPECT_EQ(engine_->SnapshotBytes(), before) << "state changed by a rejected event";
  }

  const v1::Outcome& timer_actions() const { return timer_actions_; }

 private:
  std::unique_ptr<Engine> engine_;
  int64_t now_ = kStart;
  int next_id_ = 0;
  v1::Outcome timer_actions_;
};

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_SCENARIO_H_
