// A seeded stream of plausible membership events for property tests:
// applications (some paid, invited, local), leaves, renames, removals,
// bans, moves, intros, with time moving forward.
#ifndef SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_
#define SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "shequn/v1/event.pb.h"
#include "support/scenario.h"

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

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_
