// quickstart: a small community, three events, and what the engine decides.
// Build: cmake -S . -B build && cmake --build build -j2 && build/examples/quickstart
#include <iostream>

#include "shequn/engine.h"
#include "shequn/text_format.h"

int main() {
  shequn::v1::CommunityConfig config;  // 1. the community (text format or JSON)
  absl::Status parsed = shequn::ParseTextFormat(R"pb(
    id: "reading-club"
    groups { id: "club" stage: FUNNEL_STAGE_RETENTION capacity: 500 }
    roles { staff { member_id: "owner" role: ROLE_OWNER } }
    admission { require_rules_acceptance: true deposit_cents: 2000 }
    ritual {
      steps: [RITUAL_STEP_NICKNAME]
      nickname { separator: "|" fields { name: "姓名" } fields { name: "城市" } }
      welcome_message: "欢迎！请把群昵称改为 姓名|城市"
      deadline_seconds: 86400
    }
  )pb", &config);
  if (!parsed.ok()) {
    std::cerr << parsed << "\n";
    return 1;
  }

  auto engine = shequn::Engine::Create(config);  // 2. validates the config
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }

  int64_t now = 1772323200000;  // Unix milliseconds, from your host's clock
  auto carry_out = [](const shequn::v1::Outcome& out) {  // your bot does these
    for (const auto& action : out.actions()) {
      std::cout << action.due_ms() << " " << shequn::v1::ActionKind_Name(action.kind())
                << " " << action.member() << " (" << action.rule() << ")\n";
    }
  };
  auto feed = [&](const shequn::v1::Event& e) {  // 3. events in, actions out
    auto outcome = (*engine)->Step(e);  // timers due before it (reminders,
    if (!outcome.ok()) {                // removals, awards), then the event
      std::cout << e.id() << " rejected: " << outcome.status() << "\n";
      return;  // rejected: nothing changed, no timer fired
    }
    carry_out(*outcome);
  };

  shequn::v1::Event join;
  join.set_id("evt-1");
  join.set_time_ms(now);
  join.set_actor("lily");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_deposit_paid_cents(2000);
  feed(join);

  shequn::v1::Event rename;  // the newcomer fixes their nickname
  rename.set_actor("lily");
  rename.set_id("evt-2");
  rename.set_time_ms(now += 60000);
  rename.mutable_rename()->set_nickname("Lily|杭州");
  feed(rename);
  feed(join);  // a retry: seen before, so nothing happens again

  shequn::v1::Event late;  // two days later: Tom joins; Lily's deadline passed
  late.set_id("evt-3");
  late.set_time_ms(now += 2 * 86400000LL);
  late.set_actor("tom");
  late.mutable_apply()->set_accepted_rules(true);
  late.mutable_apply()->set_deposit_paid_cents(2000);
  feed(late);
  std::cout << "members: " << (*engine)->Snapshot().membership().members_size() << "\n";
}
