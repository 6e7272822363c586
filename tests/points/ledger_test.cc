// The ledger, point rules against farming, operator adjustments, titles,
// votes, bad input and snapshots (D-7.3, D-7.5).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAndAdmin;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;

v1::CommunityConfig ProductGroup() {
  return MergedConfig({kOneGroup, kOwnerAndAdmin, R"pb(
    id: "beta-testers"
    points {
      rules { kind: "answer" points: 10 daily_cap: 30 weekly_cap: 50 }
      rules { kind: "share" points: 16 repeat_percent: 50 min_length: 20 }
      rules { kind: "beta_feedback" points: 40 }
      rules { kind: "beta_feedback" points: 80 effective_from_ms: 1772582400000 }  # from 4 March
      titles { title: "资深测试" min_balance: 100 }
    }
  )pb"});
}

v1::Event Contribute(Community& c, absl::string_view who, absl::string_view kind,
                     uint32_t length = 100) {
  v1::Event e = c.Make(who, "g");
  e.mutable_contribution()->set_kind(std::string(kind));
  e.mutable_contribution()->set_length(length);
  return e;
}

int64_t Earned(const v1::Outcome& out) {
  int64_t sum = 0;
  for (const v1::Action& a : out.actions()) {
    if (a.kind() == v1::ACTION_KIND_AWARD_POINTS) sum += a.amount();
  }
  return sum;
}

TEST(ProductGroup, CapsAndDiminishingReturnsStopAFarmer) {
  Community group(ProductGroup());
  group.Advance(kDay);  // Monday 2 March: both days below are in one week
  group.Join("farmer");
  int64_t answers = 0;
  for (int i = 0; i < 10; ++i) answers += Earned(group.Must(Contribute(group, "farmer", "answer")));
  EXPECT_EQ(answers, 30) << "daily cap";
  int64_t shares = 0;
  for (int i = 0; i < 10; ++i) shares += Earned(group.Must(Contribute(group, "farmer", "share")));
  EXPECT_EQ(shares, 16 + 8 + 4 + 2 + 1) << "each repeat earns half";
  EXPECT_EQ(Earned(group.Must(Contribute(group, "farmer", "share", 5))), 0) << "too short";
  group.Advance(kDay);
  answers = 0;
  for (int i = 0; i < 10; ++i) answers += Earned(group.Must(Contribute(group, "farmer", "answer")));
  EXPECT_EQ(answers, 20) << "weekly cap: 50 a week";
  EXPECT_EQ(Earned(group.Must(Contribute(group, "farmer", "share"))), 16) << "a new day";
  EXPECT_EQ(*group.engine().Balance("farmer"), 30 + 31 + 20 + 16);
  // Capped acts leave no ledger entry and do not count as activity.
  EXPECT_EQ(group.engine().Ledger("farmer")->entries_size(), 3 + 5 + 2 + 1);
  v1::BoardQuery activity;
  activity.set_metric(v1::METRIC_ACTIVITY);
  EXPECT_EQ(group.engine().Rank(activity, "farmer")->score(), 11);
}

TEST(ProductGroup, ARuleChangeAppliesFromItsEffectiveTimeAndKeepsHistory) {
  Community group(ProductGroup());
  group.Join("tester");
  EXPECT_EQ(Earned(group.Must(Contribute(group, "tester", "beta_feedback"))), 40);
  group.Advance(3 * kDay);  // 4 March
  v1::Outcome out = group.Must(Contribute(group, "tester", "beta_feedback"));
  EXPECT_EQ(Earned(out), 80);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_AWARD_POINTS).rule(), "points.rules[3]");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_GRANT_TITLE, "tester").text(), "资深测试");
  v1::MemberLedger ledger = *group.engine().Ledger("tester");
  ASSERT_EQ(ledger.entries_size(), 2);
  EXPECT_EQ(ledger.entries(0).amount(), 40);
  EXPECT_EQ(ledger.entries(0).cause(), "points.rules[2]");
  EXPECT_EQ(ledger.balance(), 120);
}

TEST(ProductGroup, OperatorsAdjustWithAReasonButNeverForThemselves) {
  Community group(ProductGroup());
  group.Join("user");
  auto adjust = [&](absl::string_view actor, absl::string_view member, int64_t amount,
                    absl::string_view reason = "found a crash bug") {
    v1::Event e = group.Make(actor, "g");
    e.mutable_adjust_points()->set_member(std::string(member));
    e.mutable_adjust_points()->set_amount(amount);
    e.mutable_adjust_points()->set_reason(std::string(reason));
    return e;
  };
  v1::Outcome out = group.Must(adjust("admin", "user", 30));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_AWARD_POINTS, "user").rule(), "operator:admin");
  group.Must(adjust("admin", "user", -10, "duplicate report"));
  EXPECT_EQ(*group.engine().Balance("user"), 20);
  EXPECT_EQ(group.engine().Ledger("user")->entries(1).reason(), "duplicate report");

  using absl::StatusCode;
  group.ExpectRejected(adjust("admin", "admin", 10), StatusCode::kPermissionDenied, "themselves");
  group.ExpectRejected(adjust("user", "admin", 10), StatusCode::kPermissionDenied, "adjust_points");
  group.ExpectRejected(adjust("admin", "user", 10, ""), StatusCode::kInvalidArgument,
                       "adjust_points.reason");
  group.ExpectRejected(adjust("admin", "user", 0), StatusCode::kInvalidArgument,
                       "adjust_points.amount");
  group.ExpectRejected(adjust("admin", "user", -21), StatusCode::kFailedPrecondition,
                       "exceeds the balance 20");
  group.ExpectRejected(adjust("admin", "user", 5'000'000), StatusCode::kOutOfRange,
                       "adjust_points.amount");
  group.ExpectRejected(adjust("admin", "ghost", 10), StatusCode::kNotFound,
                       "adjust_points.member");
  v1::Event self = Contribute(group, "admin", "answer");
  self.mutable_contribution()->set_beneficiary("admin");
  group.ExpectRejected(self, StatusCode::kPermissionDenied, "contribution.beneficiary");
  group.ExpectRejected(Contribute(group, "user", "unknown"), StatusCode::kInvalidArgument,
                       "contribution.kind");
  group.ExpectRejected(Contribute(group, "user", "check_in"), StatusCode::kInvalidArgument,
                       "contribution.kind");
}

TEST(ProductGroup, AnOverflowingBalanceIsRejected) {
  v1::CommunityConfig config = ProductGroup();
  config.mutable_points()->set_max_adjustment(limits::kMaxPoints);
  Community group(config);
  group.Join("rich");
  v1::Event e = group.Make("owner", "g");
  e.mutable_adjust_points()->set_member("rich");
  e.mutable_adjust_points()->set_amount(INT64_MAX);
  e.mutable_adjust_points()->set_reason("jackpot");
  group.ExpectRejected(e, absl::StatusCode::kInvalidArgument,
                       "adjust_points.amount: 9223372036854775807 is outside "
                       "-1000000000000..1000000000000");
  e.mutable_adjust_points()->set_amount(limits::kMaxPoints);
  group.Must(e);
  // One event moves at most 10^12 points, so a balance reaches the top only
  // over millions of events; a restored ledger puts it there at once.
  v1::CommunitySnapshot snap = group.engine().Snapshot();
  v1::LedgerEntry* jackpot = snap.mutable_points()->mutable_ledger(0);
  ASSERT_EQ(jackpot->member(), "rich");
  jackpot->set_amount(INT64_MAX);
  absl::StatusOr<std::unique_ptr<Engine>> restored =
      Engine::Restore(config, testing::Resealed(snap));
  ASSERT_TRUE(restored.ok()) << restored.status();
  group.ReplaceEngine(*std::move(restored));
  e.set_id("again");
  e.mutable_adjust_points()->set_amount(1);
  group.ExpectRejected(e, absl::StatusCode::kOutOfRange, "overflow");
  // Rule points past the top are dropped, never wrapped.
  EXPECT_EQ(Earned(group.Must(Contribute(group, "rich", "answer"))), 0);
  EXPECT_EQ(*group.engine().Balance("rich"), INT64_MAX);
}

TEST(ProductGroup, ABadConfigIsRefusedNamingTheField) {
  for (auto [text, field] : std::vector<std::pair<std::string, std::string>>{
           {R"pb(rules { kind: "x" points: -5 })pb", "points.rules[0].points"},
           {R"pb(rules { kind: "x" points: 5 repeat_percent: 150 })pb", "points.rules[0].repeat_percent"},
           {R"pb(rules { kind: "x" points: 5 } rules { kind: "x" points: 6 })pb", "points.rules[1]"},
           {R"pb(awards { name: "a" period: PERIOD_ALL_TIME top_n: 3 })pb", "points.awards[0].period"},
           {R"pb(awards { name: "a" period: PERIOD_DAY })pb", "points.awards[0].top_n"},
           {R"pb(team_contest { period: PERIOD_WEEK })pb", "points.team_contest"},
           {R"pb(elimination { period: PERIOD_MONTH })pb", "points.elimination"},
       }) {
    v1::CommunityConfig config = ProductGroup();
    config.clear_points();
    ASSERT_TRUE(ParseTextFormat(text, config.mutable_points()).ok());
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
    ASSERT_FALSE(engine.ok()) << text;
    EXPECT_TRUE(absl::StrContains(engine.status().message(), field)) << engine.status();
  }
}

// ------------------------------------------------------------------ votes

constexpr absl::string_view kTopicVote = R"pb(
  id: "pm-circle"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "host" role: ROLE_OWNER } }
)pb";

TEST(PmCircle, TheWinningTopicsProposerGetsPoints) {
  Community circle(ParseConfig(kTopicVote));
  for (auto who : {"p1", "p2", "v1", "v2", "v3"}) circle.Join(who);
  v1::Event open = circle.Make("host", "g");
  v1::PollOpening* poll = open.mutable_open_poll();
  poll->set_poll_id("next-topic");
  poll->set_question("下期话题");
  for (auto o : {"growth loops", "pricing"}) poll->add_options(o);
  for (auto p : {"p1", "p2"}) poll->add_option_proposers(p);
  poll->set_closes_ms(circle.now() + 2 * kDay);
  poll->set_winner_points(30);
  circle.Must(open);

  auto vote = [&](absl::string_view who, std::vector<uint32_t> options) {
    v1::Event e = circle.Make(who, "g");
    e.mutable_vote()->set_poll_id("next-topic");
    for (uint32_t o : options) e.mutable_vote()->add_options(o);
    return e;
  };
  circle.Must(vote("v1", {1}));
  circle.Must(vote("v2", {1}));
  circle.Must(vote("v3", {0}));
  using absl::StatusCode;
  circle.ExpectRejected(vote("v1", {0}), StatusCode::kFailedPrecondition, "already voted");
  circle.ExpectRejected(vote("p1", {0, 1}), StatusCode::kInvalidArgument, "vote.options");
  circle.ExpectRejected(vote("p1", {2}), StatusCode::kInvalidArgument, "vote.options[0]");
  circle.ExpectRejected(vote("nobody", {0}), StatusCode::kNotFound, "actor");
  EXPECT_EQ(circle.engine().Poll("next-topic")->options(1).votes(), 2);

  v1::Outcome closed = circle.Advance(2 * kDay);
  ASSERT_TRUE(Find(closed, v1::ACTION_KIND_ANNOUNCE_RESULTS));
  EXPECT_EQ(MustFind(closed, v1::ACTION_KIND_ANNOUNCE_RESULTS).amount(), 1);
  EXPECT_EQ(MustFind(closed, v1::ACTION_KIND_AWARD_POINTS, "p2").amount(), 30);
  EXPECT_EQ(*circle.engine().Balance("p2"), 30);
  EXPECT_EQ(circle.engine().Poll("next-topic")->winner(), 1);
  EXPECT_THAT(circle.engine().Poll("next-topic")->options(1).voters(),
              ::testing::ElementsAre("v1", "v2"));
  circle.ExpectRejected(vote("p1", {0}), StatusCode::kFailedPrecondition, "is closed");

  v1::Event self = circle.Make("host", "g");
  *self.mutable_open_poll() = *poll;
  self.mutable_open_poll()->set_poll_id("self");
  self.mutable_open_poll()->set_closes_ms(circle.now() + kDay);
  self.mutable_open_poll()->set_option_proposers(0, "host");
  circle.ExpectRejected(self, StatusCode::kPermissionDenied, "themselves");
  self.mutable_open_poll()->set_winner_points(-1);
  circle.ExpectRejected(self, StatusCode::kOutOfRange, "open_poll.winner_points");
}

// --------------------------------------------------------------- snapshots

constexpr absl::string_view kEverything = R"pb(
  id: "everything"
  time_zone: "Asia/Shanghai"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "host" role: ROLE_OWNER } }
  teams { names: [ "red", "blue" ] assignment: TEAM_ASSIGNMENT_SMALLEST }
  points {
    rules { kind: "check_in" points: 5 }
    rules { kind: "share" points: 10 daily_cap: 25 repeat_percent: 50 }
    rules { kind: "task_on_time" points: 20 }
    member_daily_cap: 40
    check_in { streak_bonuses { days: 3 points: 7 repeat: true } make_up_cards_per_month: 1 }
    tasks { eliminate_after_missing: 3 }
    awards { name: "weekly" period: PERIOD_WEEK top_n: 2 points_by_place: [ 9, 4 ] title: "周冠军" }
    awards { name: "monthly" period: PERIOD_MONTH top_n: 1 review_at_half_month: true }
    titles { title: "百分" min_balance: 100 }
    team_contest { period: PERIOD_WEEK winner_points: 3 }
    elimination { period: PERIOD_WEEK lowest_n: 1 warn_before_seconds: 86400 }
    expiry { expire_after_days: 10 }
  }
)pb";

// A deterministic month of community life, one event per step.
v1::Event Step(int i, const std::vector<std::string>& people) {
  v1::Event e;
  e.set_id(absl::StrCat("s", i));
  e.set_time_ms(testing::kStart + i * 3 * kHour);
  e.set_group("g");
  const std::string& who = people[i % people.size()];
  e.set_actor(who);
  switch (i % 9) {
    case 0:
      if (i < 40) {
        e.set_actor(absl::StrCat("m", i));
        e.mutable_apply()->set_accepted_rules(true);
      } else {
        e.mutable_check_in();
      }
      break;
    case 1: case 2: case 5: e.mutable_contribution()->set_kind("share"); break;
    case 3: e.mutable_check_in(); break;
    case 4:
      if (i % 36 != 4) {
        e.mutable_check_in();
        break;
      }
      e.set_actor("host");
      e.mutable_assign_task()->set_task_id(absl::StrCat("t", i));
      e.mutable_assign_task()->set_deadline_ms(e.time_ms() + 2 * kDay);
      break;
    case 6:
      if ((i - 2) % 36 == 4) {
        e.mutable_submit_task()->set_task_id(absl::StrCat("t", i - 2));
      } else {
        e.mutable_contribution()->set_kind("share");
      }
      break;
    case 7:
      e.set_actor("host");
      e.mutable_adjust_points()->set_member(who);
      e.mutable_adjust_points()->set_amount(3);
      e.mutable_adjust_points()->set_reason("helpful");
      break;
    default:
      e.set_actor("host");
      e.mutable_open_poll()->set_poll_id(absl::StrCat("p", i));
      e.mutable_open_poll()->add_options("a");
      e.mutable_open_poll()->add_options("b");
      e.mutable_open_poll()->add_option_proposers(who);
      e.mutable_open_poll()->add_option_proposers("");
      e.mutable_open_poll()->set_closes_ms(e.time_ms() + kDay);
      e.mutable_open_poll()->set_winner_points(6);
  }
  return e;
}

// Applies steps [from, to) as a host does; rejected steps (e.g. someone
// already removed) are skipped the same way in every run.
void RunSteps(Engine& engine, int from, int to, std::string* log) {
  const std::vector<std::string> people = {"m0", "m9", "m18", "m27", "m36"};
  for (int i = from; i < to; ++i) {
    v1::Event e = Step(i, people);
    absl::StatusOr<v1::Outcome> timers = engine.AdvanceTo(e.time_ms());
    ASSERT_TRUE(timers.ok()) << timers.status();
    absl::StrAppend(log, timers->ShortDebugString(), "\n");
    absl::StatusOr<v1::Outcome> out = engine.Apply(e);
    absl::StrAppend(log, out.ok() ? out->ShortDebugString() : out.status().ToString(), "\n");
    if (e.has_submit_task() || e.has_vote()) {
      absl::StatusOr<v1::Outcome> again = engine.Apply(e);  // a retry changes nothing
      ASSERT_TRUE(!out.ok() || (again.ok() && again->duplicate()));
    }
  }
}

TEST(Snapshots, RestoreThenContinueEqualsOneLongRun) {
  constexpr int kSteps = 320;  // 40 days
  auto one = Engine::Create(ParseConfig(kEverything));
  ASSERT_TRUE(one.ok());
  std::string log_one;
  RunSteps(**one, 0, kSteps, &log_one);

  for (int cut : {45, 130, 251}) {
    auto first = Engine::Create(ParseConfig(kEverything));
    ASSERT_TRUE(first.ok());
    std::string log_two;
    RunSteps(**first, 0, cut, &log_two);
    v1::CommunitySnapshot snap;
    ASSERT_TRUE(snap.ParseFromString((*first)->SnapshotBytes()));
    auto second = Engine::Restore(ParseConfig(kEverything), snap);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ((*second)->SnapshotBytes(), (*first)->SnapshotBytes()) << "cut " << cut;
    RunSteps(**second, cut, kSteps, &log_two);
    EXPECT_EQ((*second)->SnapshotBytes(), (*one)->SnapshotBytes()) << "cut " << cut;
    EXPECT_EQ(log_two, log_one) << "cut " << cut;
  }
  // The run exercised the points part.
  v1::CommunitySnapshot end = (*one)->Snapshot();
  EXPECT_GT(end.points().ledger_size(), 100);
  EXPECT_GT(end.points().polls_size(), 10);
  EXPECT_GT(end.points().tasks_size(), 5);
  EXPECT_NE(log_one.find("ACTION_KIND_GRANT_TITLE"), std::string::npos);

  EXPECT_NE(log_one.find("points_elimination"), std::string::npos);
  EXPECT_NE(log_one.find("results_elimination"), std::string::npos);
  EXPECT_NE(log_one.find("points.expiry"), std::string::npos);
}

}  // namespace
}  // namespace shequn
