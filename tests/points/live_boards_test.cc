// Live boards (the period in progress, kept in shequn::Leaderboards) answer
// exactly as boards computed from the ledger: a seeded random community with
// joins, leaves, removals, bans, moves, team changes, contributions,
// check-ins, adjustments, expiry and decay over several weeks and months.
#include <random>
#include <string>
#include <vector>

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

// Two groups that overflow into new ones, two teams, no ritual: members come,
// go, move and change teams all the time.
constexpr absl::string_view kChurning = R"pb(
  id: "churn"
  groups { id: "new" stage: FUNNEL_STAGE_ACQUISITION capacity: 25 }
  groups { id: "core" stage: FUNNEL_STAGE_RETENTION capacity: 20 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER group_id: "core" }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
  admission { overflow: OVERFLOW_POLICY_OPEN_GROUP }
  teams { names: ["a", "b"] max_size: 30 }
)pb";

constexpr absl::string_view kPoints = R"pb(
  rules { kind: "answer" points: 10 daily_cap: 40 }
  rules { kind: "share" points: 16 repeat_percent: 50 }
  rules { kind: "check_in" points: 5 }
  check_in { streak_bonuses { days: 3 points: 7 repeat: true } }
  expiry { expire_after_days: 20 }
  decay { percent: 10 period_days: 9 }
  awards { name: "weekly" period: PERIOD_WEEK top_n: 2 points_by_place: [30, 10] scope: SCOPE_GROUP }
  awards { name: "monthly" period: PERIOD_MONTH metric: METRIC_ACTIVITY top_n: 1 include_ties: true review_at_half_month: true }
)pb";

v1::CommunityConfig Config(bool live) {
  v1::CommunityConfig c = ParseConfig(kChurning);
  v1::PointsConfig p;
  EXPECT_TRUE(ParseTextFormat(kPoints, &p).ok());
  *c.mutable_points() = p;
  if (live) {
    // Every period, metric and scope live (30 boards).
    for (v1::Period period : {v1::PERIOD_DAY, v1::PERIOD_WEEK, v1::PERIOD_HALF_MONTH,
                              v1::PERIOD_MONTH, v1::PERIOD_ALL_TIME}) {
      for (v1::Metric metric : {v1::METRIC_POINTS, v1::METRIC_ACTIVITY}) {
        for (v1::Scope scope : {v1::SCOPE_COMMUNITY, v1::SCOPE_GROUP, v1::SCOPE_TEAM}) {
          v1::LiveBoard* b = c.mutable_points()->add_live_boards();
          b->set_period(period);
          b->set_metric(metric);
          b->set_scope(scope);
        }
      }
    }
  } else {
    // One live board nobody queries: everything else comes from the ledger.
    v1::LiveBoard* b = c.mutable_points()->add_live_boards();
    b->set_period(v1::PERIOD_DAY);
    b->set_metric(v1::METRIC_ACTIVITY);
    b->set_scope(v1::SCOPE_TEAM);
  }
  return c;
}

std::string Show(const absl::StatusOr<v1::BoardPage>& page) {
  return page.ok() ? page->ShortDebugString() : std::string(page.status().message());
}

// Every board query both engines can answer, compared.
void ExpectSameBoards(const Engine& live, const Engine& ledger, int64_t at_ms,
                      const std::string& where) {
  std::vector<v1::BoardQuery> queries;
  for (v1::Period period : {v1::PERIOD_UNSPECIFIED, v1::PERIOD_DAY, v1::PERIOD_WEEK,
                            v1::PERIOD_HALF_MONTH, v1::PERIOD_MONTH, v1::PERIOD_ALL_TIME}) {
    for (v1::Metric metric : {v1::METRIC_POINTS, v1::METRIC_ACTIVITY}) {
      v1::BoardQuery q;
      q.set_period(period);
      q.set_metric(metric);
      q.set_at_ms(at_ms);
      queries.push_back(q);
      for (const std::string& g : {"new", "core", "new-2", "core-2"}) {
        q.set_scope(v1::SCOPE_GROUP);
        q.set_group(g);
        queries.push_back(q);
      }
      q.clear_group();
      if (!(period == v1::PERIOD_DAY && metric == v1::METRIC_ACTIVITY)) {
        for (const std::string& t : {"a", "b"}) {
          q.set_scope(v1::SCOPE_TEAM);
          q.set_team(t);
          queries.push_back(q);
        }
      }
    }
  }
  for (const v1::BoardQuery& q : queries) {
    const std::string what = absl::StrCat(where, " query ", q.ShortDebugString());
    ASSERT_EQ(Show(live.Leaderboard(q, 1000)), Show(ledger.Leaderboard(q, 1000))) << what;
    ASSERT_EQ(Show(live.Leaderboard(q, 3)), Show(ledger.Leaderboard(q, 3))) << what;
    for (int i = 0; i < 60; ++i) {
      const std::string m = absl::StrCat("m", i);
      ASSERT_EQ(Show(live.Page(q, m, 2, 3)), Show(ledger.Page(q, m, 2, 3))) << what << " " << m;
      absl::StatusOr<v1::BoardRow> a = live.Rank(q, m), b = ledger.Rank(q, m);
      ASSERT_EQ(a.ok(), b.ok()) << what << " " << m;
      if (a.ok()) ASSERT_EQ(a->ShortDebugString(), b->ShortDebugString()) << what << " " << m;
    }
  }
}

class Pair {
 public:
  Pair() : live_(*Engine::Create(Config(true))), ledger_(*Engine::Create(Config(false))) {}

  // Applies to both; both must agree on the outcome, whatever it is.
  void Apply(const v1::Event& e) {
    absl::StatusOr<v1::Outcome> t1 = live_->AdvanceTo(e.time_ms());
    absl::StatusOr<v1::Outcome> t2 = ledger_->AdvanceTo(e.time_ms());
    ASSERT_TRUE(t1.ok() && t2.ok());
    ASSERT_EQ(t1->ShortDebugString(), t2->ShortDebugString());
    absl::StatusOr<v1::Outcome> a = live_->Apply(e);
    absl::StatusOr<v1::Outcome> b = ledger_->Apply(e);
    ASSERT_EQ(a.ok(), b.ok()) << e.ShortDebugString();
    if (a.ok()) ASSERT_EQ(a->ShortDebugString(), b->ShortDebugString());
    if (a.ok()) ++applied_;
  }
  int applied() const { return applied_; }

 private:
  int applied_ = 0;

 public:

  // Restores the live engine from its own snapshot (boards are rebuilt).
  void Reload() {
    v1::CommunitySnapshot snap = live_->Snapshot();
    absl::StatusOr<std::unique_ptr<Engine>> again = Engine::Restore(Config(true), snap);
    ASSERT_TRUE(again.ok()) << again.status();
    live_ = *std::move(again);
  }

  Engine& live() { return *live_; }
  Engine& ledger() { return *ledger_; }

 private:
  std::unique_ptr<Engine> live_;
  std::unique_ptr<Engine> ledger_;
};

// Events for members m0..m59, sent to the group the member is in: joins,
// leaves, removals, bans, moves and team changes among points events.
v1::Event RandomEvent(const Engine& engine, std::mt19937& rng, int64_t now, int i) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::string who = absl::StrCat("m", pick(60));
  v1::Event e;
  e.set_id(absl::StrCat("p", i));
  e.set_time_ms(now);
  e.set_actor(who);
  if (absl::StatusOr<v1::MemberRecord> r = engine.Member(who); r.ok()) e.set_group(r->group());
  switch (pick(20)) {
    case 0: case 1: case 2: case 3: case 4:
      e.mutable_apply()->set_accepted_rules(true);
      e.mutable_apply()->set_nickname(who);
      break;
    case 5: e.mutable_leave(); break;
    case 6:
      e.set_actor("admin");
      e.mutable_remove()->set_member(who);
      break;
    case 7:
      if (pick(3) != 0) return RandomEvent(engine, rng, now, i);
      e.set_actor("admin");
      e.mutable_ban()->set_member(who);
      break;
    case 8: case 9:
      e.set_actor("owner");
      e.mutable_move()->set_member(who);
      e.mutable_move()->set_to_group(pick(3) == 0 ? "new-2" : pick(2) ? "core" : "new");
      break;
    case 10: e.mutable_join_team()->set_team(pick(2) ? "a" : "b"); break;
    case 11: case 12:
      e.mutable_check_in()->set_text("done");
      break;
    case 13: case 14:
      e.set_actor("admin");
      e.mutable_adjust_points()->set_member(who);
      e.mutable_adjust_points()->set_amount(pick(3) == 0 ? -pick(20) - 1 : pick(50) + 1);
      e.mutable_adjust_points()->set_reason("by hand");
      break;
    default:
      e.mutable_contribution()->set_kind(pick(2) ? "answer" : "share");
      e.mutable_contribution()->set_length(100);
      break;
  }
  return e;
}

class LiveBoardsProperty : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LiveBoardsProperty, LiveBoardsAnswerAsTheLedgerDoes) {
  const uint32_t seed = GetParam();
  Pair pair;
  std::mt19937 rng(seed);
  int64_t now = kStart;
  for (int step = 0; step < 1200; ++step) {
    // Time moves by minutes, sometimes by days: ~10 weeks in all.
    now += rng() % 7 == 0 ? static_cast<int64_t>(rng() % 3) * kDay + kHour
                          : static_cast<int64_t>(rng() % 90) * kMinute;
    pair.Apply(RandomEvent(pair.live(), rng, now, step));
    if (step % 97 == 0) {
      ExpectSameBoards(pair.live(), pair.ledger(), 0, absl::StrCat("step ", step));
      ExpectSameBoards(pair.live(), pair.ledger(), now - 8 * kDay, absl::StrCat("past ", step));
      ASSERT_EQ(pair.live().SnapshotBytes(), pair.ledger().SnapshotBytes());
    }
    if (step % 250 == 125) pair.Reload();
    if (::testing::Test::HasFatalFailure()) return;
  }
  // The stream did what it should: most events applied, a full board.
  EXPECT_GT(pair.applied(), 400);
  EXPECT_GT(pair.live().Leaderboard(v1::BoardQuery(), 1)->ranked(), 20u);
  // A period boundary with no event yet: answers still agree.
  ASSERT_TRUE(pair.live().AdvanceTo(now + 40 * kDay).ok());
  ASSERT_TRUE(pair.ledger().AdvanceTo(now + 40 * kDay).ok());
  ExpectSameBoards(pair.live(), pair.ledger(), 0, "after timers");
  ASSERT_EQ(pair.live().SnapshotBytes(), pair.ledger().SnapshotBytes());
}

INSTANTIATE_TEST_SUITE_P(Seeds, LiveBoardsProperty, ::testing::Values(1u, 2u, 3u, 4u));

}  // namespace
}  // namespace shequn
