// quickstart: a small community, three events, and what the engine decides.
// Build: cmake -S . -B build && cmake --build build -j2 && build/examples/quickstart
#include <iostream>

#include "google/protobuf/text_format.h"
#include "shequn/engine.h"

int main() {
  shequn::v1::CommunityConfig config;  // 1. the community (text format or JSON)
  google::protobuf::TextFormat::ParseFromString(R"pb(
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
  auto feed = [&](shequn::v1::Event e) {  // 3. events in, actions out
    auto timers = (*engine)->AdvanceTo(e.time_ms());  // reminders, removals, awards due
    if (timers.ok()) carry_out(*timers);
    auto outcome = (*engine)->Apply(e);
    if (!outcome.ok()) {
      std::cout << e.id() << " rejected: " << outcome.status() << "\n";
      return;
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
  std::cout << "members: " << (*engine)->Snapshot().membership().members_size() << "\n";
}
