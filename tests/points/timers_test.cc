// The timers (period-end awards per group, team and community, half-month
// reviews, points elimination, decay, task closes and the dying-group check
// with its migration list) give the same actions whatever index serves them.
//
// A churning club of four groups and two teams runs six weeks of seeded
// random life: joins, leaves, moves, role changes, team picks, shares,
// check-ins, purchases, tasks with deadlines, long quiet stretches. Every
// action of every call is kept. The fingerprints below were recorded on the
// code that rebuilt each board from the ledger and walked every member at
// each timer (before the timers were made to cost only what is due); the
// rewrite must reproduce them action for action, and a run restored from a
// snapshot half-way must too.
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kMinute;
using ::shequn::testing::kStart;
using ::shequn::testing::ParseConfig;

constexpr absl::string_view kClub = R"pb(
  id: "club"
  groups { id: "north" stage: FUNNEL_STAGE_RETENTION capacity: 400 }
  groups { id: "south" stage: FUNNEL_STAGE_RETENTION capacity: 400 }
  groups { id: "east" stage: FUNNEL_STAGE_RETENTION capacity: 400 }
  groups { id: "west" stage: FUNNEL_STAGE_RETENTION capacity: 400 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER group_id: "north" }
    staff { member_id: "admin" role: ROLE_ADMIN group_id: "south" }
  }
  teams { names: [ "red", "blue" ] max_size: 400 }
  points {
    rules { kind: "share" points: 10 }
    rules { kind: "check_in" points: 5 }
    decay { percent: 10 period_days: 3 }
    tasks { eliminate_after_missing: 3 }
    awards { name: "daily" period: PERIOD_DAY scope: SCOPE_GROUP top_n: 3
             include_ties: true points_by_place: [ 30, 20, 10 ] prize: "badge" }
    awards { name: "team-week" period: PERIOD_WEEK scope: SCOPE_TEAM top_n: 1
             metric: METRIC_ACTIVITY }
    awards { name: "month" period: PERIOD_MONTH top_n: 2 review_at_half_month: true
             title: "star" }
    team_contest { period: PERIOD_WEEK winner_points: 5 }
    elimination { period: PERIOD_WEEK lowest_n: 1 below_points: 1
                  warn_before_seconds: 86400 }
  }
)pb";

const char* const kGroups[] = {"north", "south", "east", "west"};

// FNV-1a over the actions' text: a stable fingerprint of a run.
uint64_t Fnv(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A seeded life of the club; Run(n) applies the next n steps.
class Club {
 public:
  explicit Club(uint32_t seed) : rng_(seed), engine_(*Engine::Create(ParseConfig(kClub))) {}

  void Run(int steps) {
    for (int i = 0; i < steps; ++i) Step();
  }

  // Continues on an engine restored from this one's snapshot.
  void Restore() {
    v1::CommunitySnapshot snap;
    ASSERT_TRUE(snap.ParseFromString(engine_->SnapshotBytes()));
    absl::StatusOr<std::unique_ptr<Engine>> again = Engine::Restore(ParseConfig(kClub), snap);
    ASSERT_TRUE(again.ok()) << again.status();
    ASSERT_EQ((*again)->SnapshotBytes(), engine_->SnapshotBytes());
    engine_ = *std::move(again);
  }

  uint64_t fingerprint() const { return hash_; }
  // How many actions of `kind` (with `reason`, if given) the run produced.
  int Count(v1::ActionKind kind, const std::string& reason = "") const {
    auto it = counts_.find(absl::StrCat(v1::ActionKind_Name(kind), "/", reason));
    int n = it == counts_.end() ? 0 : it->second;
    if (reason.empty()) {
      for (const auto& [key, c] : counts_) {
        if (key != absl::StrCat(v1::ActionKind_Name(kind), "/") &&
            key.rfind(absl::StrCat(v1::ActionKind_Name(kind), "/"), 0) == 0) {
          n += c;
        }
      }
    }
    return n;
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }

  std::string Someone() { return absl::StrCat("m", Pick(std::max(joined_, 1))); }

  v1::Event Make(absl::string_view actor, absl::string_view group = "") {
    v1::Event e;
    e.set_id(absl::StrCat("e", ++next_id_));
    e.set_time_ms(now_);
    e.set_actor(std::string(actor));
    e.set_group(std::string(group));
    return e;
  }

  void Keep(const v1::Outcome& out) {
    for (const v1::Action& a : out.actions()) {
      hash_ = Fnv(hash_, a.ShortDebugString());
      ++counts_[absl::StrCat(v1::ActionKind_Name(a.kind()), "/", a.reason())];
    }
  }

  void Send(const v1::Event& e) {
    absl::StatusOr<v1::Outcome> out = engine_->Step(e);
    hash_ = Fnv(hash_, out.ok() ? "ok" : std::string(out.status().message()));
    if (out.ok()) Keep(*out);
  }

  // Quiet days in some groups let them die; busy hours keep others alive.
  void Step() {
    const uint32_t roll = Pick(100);
    const std::string group = kGroups[Pick(quiet_ ? 1 : 4)];
    if (roll < 12) {
      v1::Event e = Make(absl::StrCat("m", joined_++), group);
      e.mutable_apply()->set_accepted_rules(true);
      e.mutable_apply()->set_nickname(absl::StrCat("member", joined_));
      Send(e);
    } else if (roll < 40) {
      v1::Event e = Make(Someone(), group);
      e.mutable_contribution()->set_kind("share");
      e.mutable_contribution()->set_length(100);
      Send(e);
    } else if (roll < 52) {
      v1::Event e = Make(Someone(), group);
      e.mutable_check_in();
      Send(e);
    } else if (roll < 56) {
      v1::Event e = Make("owner");
      e.mutable_move()->set_member(Someone());
      e.mutable_move()->set_to_group(kGroups[Pick(4)]);
      Send(e);
    } else if (roll < 58) {
      Send([&] {
        v1::Event e = Make(Someone());
        e.mutable_leave();
        return e;
      }());
    } else if (roll < 60) {
      v1::Event e = Make("owner");
      e.mutable_set_role()->set_member(Someone());
      e.mutable_set_role()->set_role(Pick(2) == 0 ? v1::ROLE_KOL : v1::ROLE_MEMBER);
      Send(e);
    } else if (roll < 64) {
      v1::Event e = Make(Someone());
      e.mutable_join_team()->set_team(Pick(2) == 0 ? "red" : "blue");
      Send(e);
    } else if (roll < 68) {
      v1::Event e = Make(Someone(), group);
      e.mutable_purchase()->set_order_id(absl::StrCat("o", next_id_));
      e.mutable_purchase()->set_amount_cents(Pick(2) == 0 ? 100 : 9900);
      e.mutable_purchase()->set_trial(Pick(3) == 0);
      Send(e);
    } else if (roll < 70) {
      v1::Event e = Make("owner", Pick(3) == 0 ? "" : group);
      e.mutable_assign_task()->set_task_id(absl::StrCat("t", ++tasks_));
      e.mutable_assign_task()->set_deadline_ms(now_ + (1 + Pick(3)) * kDay);
      Send(e);
    } else if (roll < 82 && tasks_ > 0) {
      v1::Event e = Make(Someone(), group);
      e.mutable_submit_task()->set_task_id(absl::StrCat("t", 1 + Pick(tasks_)));
      e.mutable_submit_task()->set_content("done");
      Send(e);
    } else if (roll < 98) {
      now_ += Pick(180) * kMinute;
    } else {
      // A clock tick over a long stretch: every timer due in between runs.
      now_ += kDay + Pick(3) * kDay;
      quiet_ = !quiet_;
      absl::StatusOr<v1::Outcome> out = engine_->AdvanceTo(now_);
      ASSERT_TRUE(out.ok()) << out.status();
      Keep(*out);
    }
  }

  std::mt19937 rng_;
  std::unique_ptr<Engine> engine_;
  int64_t now_ = kStart;
  int next_id_ = 0;
  int joined_ = 0;
  int tasks_ = 0;
  bool quiet_ = false;
  uint64_t hash_ = 14695981039346656037ull;
  std::map<std::string, int> counts_;
};

TEST(Timers, SixWeeksOfAChurningClubGiveTheRecordedActions) {
  Club club(7);
  club.Run(3000);
  // The run exercises every timer.
  EXPECT_GT(club.Count(v1::ACTION_KIND_ANNOUNCE_RESULTS, "award"), 40);
  EXPECT_GT(club.Count(v1::ACTION_KIND_ANNOUNCE_RESULTS, "award_review"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_ANNOUNCE_RESULTS, "team_contest"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_GIVE_PRIZE), 40);
  EXPECT_GT(club.Count(v1::ACTION_KIND_AWARD_POINTS, "decay"), 40);
  EXPECT_GT(club.Count(v1::ACTION_KIND_ELIMINATION_WARNING, "points_elimination"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_REMOVE, "points_elimination"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_ELIMINATION_WARNING, "results_elimination"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_REMOVE, "results_elimination"), 0);
  EXPECT_GT(club.Count(v1::ACTION_KIND_DYING_GROUP), 0);
  EXPECT_EQ(club.fingerprint(), 15191701545001093707u);
}

TEST(Timers, ARunRestoredHalfWayGivesTheSameActions) {
  Club straight(11), restored(11);
  straight.Run(3000);
  restored.Run(1500);
  restored.Restore();
  restored.Run(1500);
  EXPECT_EQ(restored.fingerprint(), straight.fingerprint());
  EXPECT_EQ(straight.fingerprint(), 3025762148801641634u);
}

}  // namespace
}  // namespace shequn
