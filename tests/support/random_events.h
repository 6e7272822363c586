// Seeded streams of plausible events for property tests and fuzzers.
//
// RandomEvents(seed, n): the original membership stream (kept as is: tests
// depend on its shape). RandomStream(seed, n, makers, options): a stream
// built from a table of weighted event makers, so each part adds its own
// event kinds (e.g. PointsMakers()) without touching the others; with
// options.hostile it also retries old events, goes back in time and sends
// invalid UTF-8, as a misbehaving host would.
//
// Free of GoogleTest: fuzzers and seed generators include it too.
#ifndef SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_
#define SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_

#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "shequn/v1/event.pb.h"
#include "support/clock.h"

namespace shequn::testing {

// A config that exercises every membership feature at once.
inline constexpr absl::string_view kBusyCommunity = R"pb(
  id: "busy"
  groups { id: "new" stage: FUNNEL_STAGE_ACQUISITION capacity: 12 }
  groups { id: "core" stage: FUNNEL_STAGE_RETENTION capacity: 8 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER group_id: "core" }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
  admission { deposit_cents: 500 overflow: OVERFLOW_POLICY_OPEN_GROUP require_rules_acceptance: true }
  ritual {
    steps: [RITUAL_STEP_NICKNAME, RITUAL_STEP_INTRODUCTION]
    nickname { separator: "|" fields { name: "姓名" } fields { name: "城市" } }
    intro_fields: ["爱好"]
    deadline_seconds: 7200
    grace_seconds: 3600
  }
  teams { names: ["a", "b"] max_size: 6 }
)pb";

// Events for kBusyCommunity; some are invalid on purpose (unknown members,
// forbidden acts), as a real host's stream would be.
inline std::vector<v1::Event> RandomEvents(uint32_t seed, int count) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::vector<v1::Event> events;
  int64_t now = kStart;
  for (int i = 0; i < count; ++i) {
    now += pick(3) * kMinute * pick(40);
    v1::Event e;
    e.set_id(absl::StrCat("r", seed, "-", i));
    e.set_time_ms(now);
    const std::string who = absl::StrCat("m", pick(60));
    e.set_actor(who);
    switch (pick(10)) {
      case 0: case 1: case 2: {
        v1::Application* a = e.mutable_apply();
        a->set_accepted_rules(pick(8) != 0);
        a->set_deposit_paid_cents(pick(6) == 0 ? 0 : 500);
        a->set_nickname(pick(2) ? absl::StrCat("名", i, "|杭州") : who);
        break;
      }
      case 3: e.mutable_leave(); break;
      case 4: e.mutable_rename()->set_nickname(absl::StrCat("名", i, "|上海")); break;
      case 5: (*e.mutable_introduce()->mutable_fields())["爱好"] = "跑步"; break;
      case 6:
        e.set_actor(pick(3) ? "admin" : who);
        e.mutable_remove()->set_member(absl::StrCat("m", pick(60)));
        break;
      case 7:
        e.set_actor("owner");
        e.mutable_move()->set_member(absl::StrCat("m", pick(60)));
        e.mutable_move()->set_to_group(pick(2) ? "core" : "new");
        break;
      case 8: e.mutable_join_team()->set_team(pick(2) ? "a" : "b"); break;
      default:
        e.set_actor("admin");
        e.mutable_ban()->set_member(absl::StrCat("m", pick(60)));
        break;
    }
    events.push_back(std::move(e));
  }
  return events;
}

// ----------------------------------------------------------- RandomStream

struct StreamOptions {
  int members = 60;        // the actor pool: m0 .. m{members-1}
  bool hostile = true;     // retries, time going back, invalid UTF-8
  bool end_community = false;  // may the owner end the community mid-stream
};

// What a maker may draw on: the generator and the id pools.
class StreamContext {
 public:
  StreamContext(uint32_t seed, const StreamOptions& options)
      : rng_(seed), options_(options) {}
  // 0 .. n-1.
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool OneIn(int n) { return Pick(n) == 0; }
  // An ordinary member id from the pool.
  std::string Member() { return absl::StrCat("m", Pick(options_.members)); }
  // A staff id of kBusyCommunity, or sometimes a member (who is refused).
  std::string Operator() {
    switch (Pick(6)) {
      case 0: case 1: return "admin";
      case 2: case 3: return "owner";
      default: return Member();
    }
  }
  std::string OneOf(std::initializer_list<absl::string_view> choices) {
    return std::string(choices.begin()[Pick(static_cast<int>(choices.size()))]);
  }
  const StreamOptions& options() const { return options_; }

 private:
  std::mt19937 rng_;
  StreamOptions options_;
};

// Fills in one event's kind (and may change its actor or group); the id,
// time and a member actor are already set.
using EventMaker = void (*)(StreamContext& ctx, v1::Event& e);
struct WeightedMaker {
  const char* name;
  int weight;
  EventMaker make;
};

// Membership events for kBusyCommunity.
inline std::vector<WeightedMaker> MembershipMakers() {
  return {
      {"apply", 8,
       [](StreamContext& c, v1::Event& e) {
         v1::Application* a = e.mutable_apply();
         a->set_accepted_rules(!c.OneIn(8));
         a->set_deposit_paid_cents(c.OneIn(6) ? 0 : 500);
         a->set_nickname(c.Pick(2) ? absl::StrCat("名", c.Pick(100), "|杭州") : e.actor());
         if (c.OneIn(5)) a->set_inviter(c.Member());
         if (c.OneIn(6)) e.set_group(c.OneOf({"new", "core", "new-2", "nowhere"}));
         if (c.OneIn(4)) (*a->mutable_attributes())["city"] = c.OneOf({"杭州", "上海"});
       }},
      {"leave", 3, [](StreamContext&, v1::Event& e) { e.mutable_leave(); }},
      {"rename", 3,
       [](StreamContext& c, v1::Event& e) {
         e.mutable_rename()->set_nickname(
             c.Pick(3) ? absl::StrCat("名", c.Pick(100), "|上海") : "no-format");
       }},
      {"introduce", 3,
       [](StreamContext& c, v1::Event& e) {
         (*e.mutable_introduce()->mutable_fields())[c.OneIn(4) ? "职业" : "爱好"] = "跑步";
       }},
      {"handbook_ack", 1, [](StreamContext&, v1::Event& e) { e.mutable_handbook_ack(); }},
      {"remove", 3,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_remove()->set_member(c.OneIn(10) ? c.Operator() : c.Member());
       }},
      {"ban", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_ban()->set_member(c.Member());
       }},
      {"unban", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_unban()->set_member(c.Member());
       }},
      {"move", 3,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_move()->set_member(c.Member());
         e.mutable_move()->set_to_group(c.OneOf({"new", "core", "new-2", "new-3"}));
       }},
      {"set_role", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_set_role()->set_member(c.Member());
         e.mutable_set_role()->set_role(static_cast<v1::Role>(1 + c.Pick(9)));
       }},
      {"join_team", 3,
       [](StreamContext& c, v1::Event& e) {
         e.mutable_join_team()->set_team(c.OneOf({"a", "b", "c"}));
         if (c.OneIn(3)) {
           e.set_actor(c.Operator());
           e.mutable_join_team()->set_member(c.Member());
         }
       }},
      {"graduate", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.mutable_graduate()->set_member(c.Member());
       }},
      {"approve_or_reject", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         if (c.Pick(2)) {
           e.mutable_approve()->set_member(c.Member());
         } else {
           e.mutable_reject()->set_member(c.Member());
         }
       }},
      {"end_community", 1,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.options().end_community && c.OneIn(50) ? "owner" : "admin");
         e.mutable_end_community();
       }},
  };
}

// Points events for a config with points rules "check_in" and "answer":
// check-ins, answers, and hand adjustments (by staff, by members who may
// not, to oneself, with absurd amounts).
inline std::vector<WeightedMaker> PointsMakers() {
  return {
      {"check_in", 4,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.OneOf({"new", "core", "new-2"}));
         e.mutable_check_in();
       }},
      {"answer", 3,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.OneOf({"new", "core", "new-2"}));
         v1::Contribution* a = e.mutable_contribution();
         a->set_kind("answer");
         a->set_length(static_cast<uint32_t>(c.Pick(40)));
       }},
      {"adjust_points", 3,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Operator());
         e.set_group(c.OneOf({"new", "core"}));
         v1::PointsAdjustment* p = e.mutable_adjust_points();
         p->set_member(c.OneIn(10) ? e.actor() : c.Member());
         p->set_amount(c.OneIn(20) ? INT64_MAX : c.Pick(41) - 20);
         p->set_reason(c.OneIn(10) ? "" : "hand");
       }},
  };
}

// `a` then `b`: RandomStream(seed, n, Concat(MembershipMakers(), PointsMakers())).
inline std::vector<WeightedMaker> Concat(std::vector<WeightedMaker> a,
                                         const std::vector<WeightedMaker>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::vector<v1::Event> RandomStream(
    uint32_t seed, int count,
    const std::vector<WeightedMaker>& makers = MembershipMakers(),
    StreamOptions options = {}) {
  StreamContext c(seed, options);
  int total = 0;
  for (const WeightedMaker& m : makers) total += m.weight;
  std::vector<v1::Event> events;
  events.reserve(count);
  int64_t now = kStart;
  for (int i = 0; i < count; ++i) {
    if (options.hostile && !events.empty() && c.OneIn(30)) {
      events.push_back(events[c.Pick(static_cast<int>(events.size()))]);  // a retry
      continue;
    }
    now += c.Pick(3) * kMinute * c.Pick(40);
    v1::Event e;
    e.set_id(absl::StrCat("s", seed, "-", i));
    e.set_time_ms(options.hostile && c.OneIn(50) ? now - kHour : now);
    e.set_actor(c.Member());
    int r = c.Pick(total);
    for (const WeightedMaker& m : makers) {
      if (r < m.weight) {
        m.make(c, e);
        break;
      }
      r -= m.weight;
    }
    if (options.hostile && c.OneIn(100) && e.has_rename()) {
      e.mutable_rename()->set_nickname("bad\xff");
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_
