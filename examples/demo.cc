// demo: 30 days of a regional writing community, simulated through the real
// engine from a seed. A few hundred applicants arrive; some are not local,
// some skip the rules or the deposit, some never finish the ritual, some
// leave. Prints what the engine decided. Usage: demo [seed]
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "shequn/engine.h"

namespace {

using shequn::v1::Action;
using shequn::v1::Event;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 1440 * kMinute;
constexpr int64_t kStart = 1772323200000;  // 2026-03-01 00:00 UTC

constexpr char kConfig[] = R"pb(
  id: "writers-south"
  positioning { kind: COMMUNITY_KIND_LEARNING why: "seed users for a writing app" planned_life_days: 90 }
  groups { id: "intake" stage: FUNNEL_STAGE_ACQUISITION capacity: 120 working_size: 100 }
  groups { id: "studio" stage: FUNNEL_STAGE_RETENTION capacity: 60 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER nickname: "【管理】阿青" group_id: "studio" }
    staff { member_id: "admin" role: ROLE_ADMIN nickname: "【管理】小林" }
    staff_nickname { prefix: "【管理】" }
  }
  admission {
    require_rules_acceptance: true
    deposit_cents: 3000
    prescreen { attribute: "city" allowed_values: ["广州", "深圳", "珠海", "佛山", "东莞"] }
    overflow: OVERFLOW_POLICY_OPEN_GROUP
    community_quota: 130
  }
  ritual {
    steps: [RITUAL_STEP_ACCEPT_RULES, RITUAL_STEP_NICKNAME, RITUAL_STEP_INTRODUCTION]
    nickname { separator: "|" fields { name: "姓名" max_chars: 6 } fields { name: "职业" } fields { name: "城市" } }
    intro_fields: ["称呼", "家乡", "职业", "爱好"]
    welcome_message: "欢迎来到南方写作社！请在两天内改好群昵称并做自我介绍。"
    deadline_seconds: 172800
    grace_seconds: 86400
  }
)pb";

const std::vector<std::string> kCities = {"广州", "深圳", "珠海", "佛山", "东莞", "上海", "北京"};

class Simulation {
 public:
  explicit Simulation(uint32_t seed) : rng_(seed) {
    shequn::v1::CommunityConfig config;
    google::protobuf::TextFormat::ParseFromString(kConfig, &config);
    engine_ = *shequn::Engine::Create(config);
  }

  void Run(int days, int applicants_per_day) {
    for (int day = 0; day < days; ++day) {
      const int arrivals = applicants_per_day + Pick(6);
      for (int i = 0; i < arrivals; ++i) Apply(kStart + day * kDay + (i * 60 + Pick(50)) * kMinute);
      FollowUps(day);
    }
    auto last = engine_->AdvanceTo(kStart + (days + 4) * kDay);
    if (last.ok()) Tally(*last);
  }

  void Print() const {
    const auto snap = engine_->Snapshot();
    std::cout << "南方写作社 — 30 simulated days (seed-deterministic)\n\n";
    std::cout << "applications   " << applications_ << "\n";
    for (const auto& [kind, n] : counts_) std::cout << "  " << kind << "  " << n << "\n";
    std::cout << "\nrefused, by reason:\n";
    for (const auto& [why, n] : refusals_) std::cout << "  " << why << "  " << n << "\n";
    std::cout << "\ngroups at the end:\n";
    std::map<std::string, int> active;
    int ritual_done = 0;
    for (const auto& m : snap.membership().members()) {
      if (m.status() != shequn::v1::MEMBER_STATUS_ACTIVE) continue;
      ++active[m.group()];
      ritual_done += m.ritual().complete();
    }
    for (const auto& g : snap.membership().groups()) {
      std::cout << "  " << g.id() << (g.opened_from().empty() ? "" : " (opened by overflow)")
                << "  " << active[g.id()] << "/" << g.capacity() << "\n";
    }
    std::cout << "\nritual completed by " << ritual_done << " active members; "
              << removed_for_ritual_ << " removed for not finishing it\n";
    std::cout << "waitlist at the end: " << snap.membership().waitlist_size() << "\n";
    std::cout << "events the engine rejected as invalid: " << rejected_ << "\n";
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % n); }

  Event Make(const std::string& actor, int64_t time) {
    Event e;
    e.set_id(absl::StrCat("ev", ++next_id_));
    e.set_time_ms(time);
    e.set_actor(actor);
    return e;
  }

  void Feed(const Event& e) {
    auto timers = engine_->AdvanceTo(e.time_ms());
    if (timers.ok()) Tally(*timers);
    auto out = engine_->Apply(e);
    if (out.ok()) Tally(*out);
    rejected_ += !out.ok();
  }

  void Tally(const shequn::v1::Outcome& out) {
    for (const Action& a : out.actions()) {
      ++counts_[shequn::v1::ActionKind_Name(a.kind()).substr(12)];
      if (a.kind() == shequn::v1::ACTION_KIND_REFUSE) ++refusals_[a.reason()];
      if (a.kind() == shequn::v1::ACTION_KIND_ADMIT) joined_.push_back(a.member());
      if (a.kind() == shequn::v1::ACTION_KIND_REMOVE && a.reason() == "ritual.incomplete") {
        ++removed_for_ritual_;
      }
    }
  }

  void Apply(int64_t time) {
    const std::string who = absl::StrCat("u", ++next_user_);
    Event e = Make(who, time);
    auto* a = e.mutable_apply();
    a->set_accepted_rules(Pick(10) != 0);
    a->set_deposit_paid_cents(Pick(12) == 0 ? 0 : 3000);
    a->set_channel(Pick(3) == 0 ? "referral" : "official-account");
    (*a->mutable_attributes())["city"] = kCities[Pick(kCities.size())];
    a->set_nickname(who);
    ++applications_;
    Feed(e);
  }

  // Newcomers rename and introduce themselves (or not); a few leave.
  void FollowUps(int day) {
    int64_t evening = kStart + day * kDay + 1200 * kMinute;
    std::vector<std::string> today;
    today.swap(joined_);
    for (const std::string& who : today) {
      evening += 3 * kMinute;
      if (Pick(10) < 7) {
        Event r = Make(who, evening);
        r.mutable_rename()->set_nickname(absl::StrCat("作者", who, "|编辑|深圳"));
        Feed(r);
      }
      if (Pick(10) < 8) {
        Event i = Make(who, evening + kMinute);
        auto& f = *i.mutable_introduce()->mutable_fields();
        f["称呼"] = who;
        f["家乡"] = "潮汕";
        f["职业"] = "编辑";
        f["爱好"] = "散文";
        Feed(i);
      }
      if (Pick(25) == 0) {
        Event l = Make(who, evening + 2 * kMinute);
        l.mutable_leave();
        Feed(l);
      }
    }
  }

  std::mt19937 rng_;
  std::unique_ptr<shequn::Engine> engine_;
  int next_id_ = 0;
  int next_user_ = 0;
  int applications_ = 0;
  int removed_for_ritual_ = 0;
  int rejected_ = 0;
  std::vector<std::string> joined_;
  std::map<std::string, int> counts_;
  std::map<std::string, int> refusals_;
};

}  // namespace

int main(int argc, char** argv) {
  const uint32_t seed = argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 42;
  Simulation sim(seed);
  sim.Run(30, 12);
  sim.Print();
}
