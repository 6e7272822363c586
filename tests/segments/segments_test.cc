// Segments, KPIs and health (D-8, D-9, D-10), with hand-checked numbers.
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kMinute;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::string_view kFanGroup = R"pb(
  id: "fans"
  groups { id: "g1" stage: FUNNEL_STAGE_ACQUISITION }
  groups { id: "vip" stage: FUNNEL_STAGE_RETENTION }
  groups { id: "ambassadors" stage: FUNNEL_STAGE_SHARING }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  segments {
    segments {
      name: "talkers"
      predicate {
        all {
          items { counter { counter: COUNTER_KIND_MESSAGES window_days: 7 op: COMPARISON_GE value: 2 } }
          items { not { tag: "watch" } }
        }
      }
    }
    segments {
      name: "customers"
      predicate {
        any {
          items { buyer_stage: BUYER_STAGE_PAYING }
          items { buyer_stage: BUYER_STAGE_REPEAT }
        }
      }
    }
  }
)pb";

// Posts a message in `group`; returns its message id.
std::string Post(Community& c, absl::string_view who, absl::string_view id,
                 bool topic = false, bool question = false, absl::string_view reply_to = "",
                 absl::string_view group = "g1") {
  v1::Event e = c.Make(who, group);
  v1::Message* m = e.mutable_message();
  m->set_message_id(std::string(id));
  m->set_text("你好");
  m->set_starts_topic(topic);
  m->set_is_question(question);
  m->set_reply_to(std::string(reply_to));
  c.Must(e);
  return std::string(id);
}

void React(Community& c, absl::string_view who, absl::string_view to, absl::string_view group = "g1") {
  v1::Event e = c.Make(who, group);
  e.mutable_reaction()->set_target_member(std::string(to));
  e.mutable_reaction()->set_emoji("👍");
  c.Must(e);
}

v1::Outcome Buy(Community& c, absl::string_view who, int64_t cents, bool trial = false) {
  v1::Event e = c.Make(who);
  e.mutable_purchase()->set_amount_cents(cents);
  e.mutable_purchase()->set_trial(trial);
  return c.Must(e);
}

const v1::GroupReport& GroupIn(const v1::Report& r, absl::string_view id) {
  for (const v1::GroupReport& g : r.groups()) {
    if (g.group() == id) return g;
  }
  ADD_FAILURE() << "no group " << id;
  return r.community();
}

const v1::PeriodKpis& Period(const v1::GroupReport& g, int days) {
  for (const v1::PeriodKpis& p : g.periods()) {
    if (p.days() == days) return p;
  }
  ADD_FAILURE() << "no period " << days;
  return g.periods(0);
}

TEST(Tiers, ASmallGroupSortsIntoActiveModerateLurkerInactive) {
  Community c(ParseConfig(kFanGroup));
  for (const char* m : {"a", "b", "lurk", "quiet"}) c.Join(m);
  c.Advance(kHour);
  Post(c, "a", "m1", /*topic=*/true, /*question=*/true);  // starts a topic (and asks)
  Post(c, "b", "m2", false, false, "m1");                 // follows it (and answers)
  React(c, "lurk", "a");                                  // only reacts

  const v1::Report r = c.engine().Report(c.now());
  const v1::GroupReport& g1 = GroupIn(r, "g1");
  EXPECT_EQ(g1.headcount(), 5);  // a, b, lurk, quiet and the owner
  EXPECT_EQ(g1.tiers().active(), 1);
  EXPECT_EQ(g1.tiers().moderate(), 1);
  EXPECT_EQ(g1.tiers().lurker(), 1);
  EXPECT_EQ(g1.tiers().inactive(), 2);  // quiet and the owner
  // a gave a topic for a question asked (1 ≥ 1); b gave an answer.
  EXPECT_EQ(g1.contributors(), 2);
  EXPECT_EQ(g1.takers(), 3);
  EXPECT_DOUBLE_EQ(g1.contributor_ratio(), 0.4);
  // Participation today: a, b, lurk of 5.
  EXPECT_DOUBLE_EQ(Period(g1, 1).participation_rate(), 0.6);
  EXPECT_EQ(Period(g1, 1).messages(), 2);
  EXPECT_EQ(Period(g1, 1).reactions(), 1);
  EXPECT_EQ(Period(g1, 1).new_members(), 4);
  // 90-9-1: 3 of 5 never posted; the top 1% is one member with 1 of 2 messages.
  EXPECT_DOUBLE_EQ(g1.inequality().lurker_share(), 0.6);
  EXPECT_DOUBLE_EQ(g1.inequality().heavy_share(), 0.2);
  EXPECT_DOUBLE_EQ(g1.inequality().heavy_message_share(), 0.5);

  EXPECT_THAT(*c.engine().MemberSegments("a", c.now()),
              ::testing::IsSupersetOf({"tier:active", "buyer:prospect", "contributor"}));
  EXPECT_THAT(*c.engine().MemberSegments("lurk", c.now()), ::testing::Contains("tier:lurker"));

  // Eight days on, nobody did anything this week: the topic starter is a
  // lurker for the month, quiet stays inactive.
  c.Advance(8 * kDay);
  const v1::GroupReport later = GroupIn(c.engine().Report(c.now()), "g1");
  EXPECT_EQ(later.tiers().active(), 0);
  EXPECT_EQ(later.tiers().lurker(), 3);
  EXPECT_EQ(later.tiers().inactive(), 2);
}

TEST(Tiers, BeingReactedToIsNotTakingPart) {
  Community c(ParseConfig(kFanGroup));
  c.Join("ann");
  c.Join("bob");
  Post(c, "ann", "old-post");
  c.Advance(10 * kDay);
  React(c, "bob", "ann");
  const v1::GroupReport g1 = GroupIn(c.engine().Report(c.now()), "g1");
  // bob reacted (a lurker's act); ann only received it: inactive this week
  // and not counted as participating.
  EXPECT_EQ(g1.tiers().lurker(), 2);  // ann's post is within 30 days; bob reacted
  EXPECT_EQ(Period(g1, 7).active_members(), 1u);
}

TEST(Kpis, ChurnRateOverAWeek) {
  Community c(ParseConfig(kFanGroup));
  for (int i = 1; i <= 9; ++i) c.Join(absl::StrCat("m", i));
  c.Advance(8 * kDay);  // the joins fall out of the week
  v1::Event leave = c.Make("m1");
  leave.mutable_leave();
  c.Must(leave);
  v1::Event remove = c.Make("owner");
  remove.mutable_remove()->set_member("m2");
  c.Must(remove);
  c.Join("m10");

  const v1::PeriodKpis week = Period(GroupIn(c.engine().Report(c.now()), "g1"), 7);
  // 10 at the start of the week (owner + 9), 2 left, 1 joined: 9 now.
  EXPECT_EQ(week.new_members(), 1);
  EXPECT_EQ(week.leavers(), 2);
  EXPECT_EQ(week.members_at_start(), 10);
  EXPECT_DOUBLE_EQ(week.churn_rate(), 0.2);
  EXPECT_EQ(GroupIn(c.engine().Report(c.now()), "g1").headcount(), 9);
  // The community's week is the same (one group has everyone).
  const v1::PeriodKpis all = Period(c.engine().Report(c.now()).community(), 7);
  EXPECT_DOUBLE_EQ(all.churn_rate(), 0.2);
}

TEST(Kpis, MedianAndP90FirstAnswerTime) {
  Community c(ParseConfig(kFanGroup));
  for (const char* m : {"asker", "helper", "other"}) c.Join(m);
  Post(c, "asker", "q1", true, true);
  Post(c, "asker", "q2", true, true);
  Post(c, "asker", "q3", true, true);
  Post(c, "asker", "q4", true, true);  // never answered
  c.Advance(5 * kMinute);
  Post(c, "asker", "r0", false, false, "q3");  // the asker's own follow-up: no answer
  c.Advance(5 * kMinute);
  Post(c, "helper", "r1", false, false, "q1");  // q1: 10 min
  Post(c, "other", "r1b", false, false, "q1");  // a second answer does not count
  c.Advance(20 * kMinute);
  Post(c, "other", "r2", false, false, "q2");  // q2: 30 min
  c.Advance(90 * kMinute);
  Post(c, "helper", "r3", false, false, "q3");  // q3: 2 h

  const v1::PeriodKpis day = Period(GroupIn(c.engine().Report(c.now()), "g1"), 1);
  EXPECT_EQ(day.questions(), 4);
  EXPECT_EQ(day.answered(), 3);
  EXPECT_EQ(day.median_first_answer_seconds(), 1800);  // of 600, 1800, 7200
  EXPECT_EQ(day.p90_first_answer_seconds(), 7200);
  // The health check compares the median with the default one hour: met.
  const v1::Health h = GroupIn(c.engine().Report(c.now()), "g1").health();
  bool seen = false;
  for (const v1::HealthCheck& check : h.checks()) {
    if (check.name() != "max_median_first_answer_seconds") continue;
    seen = true;
    EXPECT_TRUE(check.met());
    EXPECT_EQ(check.actual(), 1800);
  }
  EXPECT_TRUE(seen);
}

constexpr absl::string_view kShop = R"pb(
  id: "shop"
  groups { id: "old" stage: FUNNEL_STAGE_RETENTION }
  groups { id: "ambassadors" stage: FUNNEL_STAGE_SHARING }
  roles { staff { member_id: "owner" role: ROLE_OWNER group_id: "ambassadors" }
          staff { member_id: "cs" role: ROLE_CUSTOMER_SERVICE group_id: "old" } }
  admission { entry_group_id: "old" }
)pb";

TEST(Health, ADyingGroupIsFoundWithItsCustomersAndProspectsToMove) {
  Community c(ParseConfig(kShop));
  for (const char* m : {"p1", "c1", "t1", "c2"}) c.Join(m);
  Buy(c, "c1", 9900);
  Buy(c, "t1", 100, /*trial=*/true);
  Buy(c, "c2", 9900);
  // The second paid purchase makes c2 a repeat buyer: promote to sharing.
  const v1::Outcome second = Buy(c, "c2", 19900);
  ASSERT_TRUE(Find(second, v1::ACTION_KIND_SUGGEST_PROMOTION, "c2"));
  EXPECT_EQ(MustFind(second, v1::ACTION_KIND_SUGGEST_PROMOTION, "c2").target_group(),
            "ambassadors");

  // Nobody says anything: six midnights pass quietly (the group is young).
  c.Advance(6 * kDay);
  EXPECT_EQ(Count(c.timer_actions(), v1::ACTION_KIND_DYING_GROUP), 0);
  const v1::Outcome seventh = c.Advance(kDay);
  ASSERT_EQ(Count(seventh, v1::ACTION_KIND_DYING_GROUP), 1);
  const v1::Action dying = MustFind(seventh, v1::ACTION_KIND_DYING_GROUP);
  EXPECT_EQ(dying.group(), "old");
  EXPECT_EQ(dying.rule(), "segments.dying");
  // Customers first (repeat, paying, trial), then prospects; staff stay.
  EXPECT_THAT(dying.members(), ElementsAre("c2", "c1", "t1", "p1"));
  // Alerted once, not every night.
  EXPECT_EQ(Count(c.Advance(kDay), v1::ACTION_KIND_DYING_GROUP), 0);

  const v1::Report r = c.engine().Report(c.now());
  ASSERT_EQ(r.dying_groups_size(), 1);
  EXPECT_THAT(r.dying_groups(0).members(), ElementsAre("c2", "c1", "t1", "p1"));
  EXPECT_TRUE(GroupIn(r, "old").health().dying());
  EXPECT_FALSE(GroupIn(r, "ambassadors").health().dying());  // too small to judge
  EXPECT_EQ(GroupIn(r, "old").funnel().repeat(), 1);
  EXPECT_DOUBLE_EQ(GroupIn(r, "old").repurchase_rate(), 0.5);  // c2 of c1, c2
  EXPECT_EQ(r.rfm_cells().size(), 2u);

  // The group wakes up: two of six speak; a later lull alerts again.
  Post(c, "p1", "hi", true, false, "", "old");
  c.Advance(kDay);
  EXPECT_FALSE(GroupIn(c.engine().Report(c.now()), "old").health().dying());
}

TEST(Segments, ACustomSegmentOfTalkersWithoutTheWatchTag) {
  Community c(ParseConfig(kFanGroup));
  for (const char* m : {"a", "b", "d"}) c.Join(m);
  for (int i = 0; i < 3; ++i) Post(c, "a", absl::StrCat("a", i));
  for (int i = 0; i < 2; ++i) Post(c, "b", absl::StrCat("b", i));
  Post(c, "d", "d0");
  EXPECT_THAT(*c.engine().SegmentMembers("talkers", c.now()), ElementsAre("a", "b"));

  v1::Event tag = c.Make("owner");
  tag.mutable_tag()->set_member("b");
  tag.mutable_tag()->set_tag("watch");
  c.Must(tag);
  EXPECT_THAT(*c.engine().SegmentMembers("talkers", c.now()), ElementsAre("a"));
  EXPECT_EQ(*c.engine().SegmentSize("talkers", c.now()), 1u);
  EXPECT_THAT(*c.engine().MemberSegments("b", c.now()), ::testing::Contains("tag:watch"));

  Buy(c, "d", 5000);
  const v1::Report r = c.engine().Report(c.now());
  ASSERT_EQ(r.segments_size(), 2);
  EXPECT_EQ(r.segments(0).name(), "talkers");
  EXPECT_EQ(r.segments(0).size(), 1);
  EXPECT_EQ(r.segments(1).name(), "customers");
  EXPECT_EQ(r.segments(1).size(), 1);
  // d paid in an acquisition group: promote to retention.
  ASSERT_EQ(r.promotions_size(), 1);
  EXPECT_EQ(r.promotions(0).target_group(), "vip");

  // The week slides past: nobody has two messages in 7 days any more.
  c.Advance(7 * kDay);
  EXPECT_TRUE(c.engine().SegmentMembers("talkers", c.now())->empty());
  EXPECT_EQ(c.engine().SegmentMembers("nope", c.now()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(Segments, SeedCandidatesRankFirstDaysPlusProductGain) {
  Community c(ParseConfig(kFanGroup));
  for (const char* m : {"s1", "s2", "s3"}) c.Join(m);
  for (int i = 0; i < 3; ++i) Post(c, "s1", absl::StrCat("x", i));  // 3 events
  Post(c, "s2", "y");                                                // 1 event
  for (auto [cp, score] : {std::pair{"before", 2.0}, std::pair{"2w", 7.0}, std::pair{"1m", 5.0}}) {
    v1::Event e = c.Make("s2");
    e.mutable_product_activity()->set_checkpoint(cp);
    e.mutable_product_activity()->set_score(score);
    c.Must(e);
  }
  c.Advance(8 * kDay);
  Post(c, "s3", "late");  // after the first days: does not count
  const v1::Report r = c.engine().Report(c.now());
  ASSERT_EQ(r.seed_candidates_size(), 3);
  EXPECT_EQ(r.seed_candidates(0).member(), "s2");  // 1 + (7 − 2) = 6
  EXPECT_DOUBLE_EQ(r.seed_candidates(0).score(), 6);
  EXPECT_EQ(r.seed_candidates(1).member(), "s1");  // 3
  EXPECT_EQ(r.seed_candidates(2).member(), "s3");  // 0
}

TEST(Risk, ABanSpikeRaisesAnAlertAndLeadsTheReport) {
  Community c(ParseConfig(kFanGroup));
  for (int i = 1; i <= 6; ++i) c.Join(absl::StrCat("m", i));
  c.Advance(kHour);
  for (int i = 1; i <= 5; ++i) {
    v1::Event ban = c.Make("owner");
    ban.mutable_ban()->set_member(absl::StrCat("m", i));
    c.Must(ban);
  }
  const v1::Report r = c.engine().Report(c.now());
  ASSERT_GE(r.risk_size(), 1);
  EXPECT_EQ(r.risk(0).group(), "g1");
  EXPECT_EQ(r.risk(0).violations_today(), 5);
  EXPECT_EQ(r.risk(0).bans(), 5);
  EXPECT_TRUE(r.risk(0).spike());
  const v1::Outcome midnight = c.Advance(kDay);
  ASSERT_TRUE(Find(midnight, v1::ACTION_KIND_RISK_ALERT));
  EXPECT_EQ(MustFind(midnight, v1::ACTION_KIND_RISK_ALERT).group(), "g1");
  EXPECT_EQ(MustFind(midnight, v1::ACTION_KIND_RISK_ALERT).amount(), 5);
}

// A community whose first events fall in the first days of 1970 (local day
// 1): the daily windows reach back before day 1. They used to index their
// day rings at negative days: the group ring crashed the midnight risk
// check, the member rings read memory outside the member's buckets.
TEST(Report, ACommunityStartedInJanuary1970CountsItsFirstDays) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  v1::SegmentDefinition* posters = config.mutable_segments()->add_segments();
  posters->set_name("posted_once_this_month");
  v1::CounterCondition* once = posters->mutable_predicate()->mutable_counter();
  once->set_name("messages");
  once->set_window_days(30);
  once->set_op(v1::COMPARISON_EQ);
  once->set_value(1);
  absl::StatusOr<std::unique_ptr<Engine>> created = Engine::Create(config);
  ASSERT_TRUE(created.ok()) << created.status();
  Engine& engine = **created;
  auto apply = [&engine](v1::Event e) {
    ASSERT_TRUE(engine.AdvanceTo(e.time_ms()).ok());
    absl::StatusOr<v1::Outcome> out = engine.Apply(e);
    ASSERT_TRUE(out.ok()) << out.status() << " for " << e.ShortDebugString();
  };
  auto make = [](absl::string_view id, int64_t time_ms, absl::string_view actor) {
    v1::Event e;
    e.set_id(std::string(id));
    e.set_time_ms(time_ms);
    e.set_actor(std::string(actor));
    e.set_group("g1");
    return e;
  };
  v1::Event join = make("join", 1000, "ann");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_nickname("ann");
  apply(join);
  for (auto [id, who, topic] : {std::tuple{"m1", "owner", false}, {"m2", "ann", true}}) {
    v1::Event post = make(id, 2000, who);
    post.mutable_message()->set_message_id(id);
    post.mutable_message()->set_text("你好");
    post.mutable_message()->set_starts_topic(topic);
    apply(post);
  }

  const int64_t later = 3 * kDay + 1000;
  absl::StatusOr<v1::Outcome> midnights = engine.AdvanceTo(later);
  ASSERT_TRUE(midnights.ok()) << midnights.status();
  EXPECT_EQ(midnights->actions_size(), 0) << midnights->ShortDebugString();

  const v1::Report r = engine.Report(later);
  EXPECT_EQ(r.as_of_day(), 3u);  // 1970-01-04; local days count from 1
  const v1::GroupReport& g1 = GroupIn(r, "g1");
  EXPECT_EQ(g1.headcount(), 2);  // the owner and ann
  for (int days : {7, 30}) {
    SCOPED_TRACE(days);
    const v1::PeriodKpis& p = Period(g1, days);
    EXPECT_EQ(p.new_members(), 1);
    EXPECT_EQ(p.members_at_start(), 1);
    EXPECT_EQ(p.messages(), 2);
    EXPECT_EQ(p.topics(), 1);
    EXPECT_EQ(p.active_members(), 2);
    EXPECT_EQ(Period(r.community(), days).messages(), 2);
  }
  EXPECT_EQ(Period(g1, 1).messages(), 0);
  EXPECT_EQ(Period(g1, 1).new_members(), 0);
  EXPECT_EQ(g1.tiers().active(), 1);    // ann started a topic this week
  EXPECT_EQ(g1.tiers().moderate(), 1);  // the owner posted
  EXPECT_DOUBLE_EQ(g1.inequality().heavy_message_share(), 0.5);
  EXPECT_TRUE(r.risk().empty());
  EXPECT_THAT(*engine.SegmentMembers("posted_once_this_month", later),
              ElementsAre("owner", "ann"));
}

TEST(BadInput, UnknownCounterAndBadWindowsAreRejectedAtCreate) {
  v1::CommunityConfig unknown = ParseConfig(kFanGroup);
  unknown.mutable_segments()->mutable_segments(0)->mutable_predicate()->mutable_all()
      ->mutable_items(0)->mutable_counter()->Clear();
  unknown.mutable_segments()->mutable_segments(0)->mutable_predicate()->mutable_all()
      ->mutable_items(0)->mutable_counter()->set_name("msgs");
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(unknown);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("segments.segments[0].predicate.all.items[0].counter.name: "
                        "unknown counter 'msgs'"));

  for (int bad : {0, -3}) {
    v1::CommunityConfig windows = ParseConfig(kFanGroup);
    windows.mutable_segments()->add_windows_days(7);
    windows.mutable_segments()->add_windows_days(bad);
    e = Engine::Create(windows);
    ASSERT_FALSE(e.ok());
    EXPECT_THAT(std::string(e.status().message()),
                HasSubstr(absl::StrCat("segments.windows_days[1]: a window must be at least 1 day, got ", bad)));
  }
  v1::CommunityConfig negative = ParseConfig(kFanGroup);
  negative.mutable_segments()->mutable_segments(0)->mutable_predicate()->mutable_all()
      ->mutable_items(0)->mutable_counter()->set_window_days(-1);
  e = Engine::Create(negative);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("counter.window_days: must be in 1..30"));

  v1::CommunityConfig tiers = ParseConfig(kFanGroup);
  tiers.mutable_segments()->mutable_tiers()->set_window_days(-7);
  e = Engine::Create(tiers);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("segments.tiers.window_days: must not be negative"));
}

TEST(Names, TheDeprecatedCounterNameStillWorksAndASlipIsNamed) {
  // A config written for 0.2 names the counter by string; it still runs.
  v1::CommunityConfig old = ParseConfig(kFanGroup);
  v1::CounterCondition& talk = *old.mutable_segments()->mutable_segments(0)
                                    ->mutable_predicate()->mutable_all()
                                    ->mutable_items(0)->mutable_counter();
  talk.clear_counter();
  talk.set_name("messages");
  Community c(old);
  c.Join("a");
  Post(c, "a", "a0");
  Post(c, "a", "a1");
  EXPECT_THAT(*c.engine().SegmentMembers("talkers", c.now()), ElementsAre("a"));

  talk.set_name("message");
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(old);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("counter.name: unknown counter 'message' (did you mean 'messages'?)"));

  // Both set and naming different counters: which one was meant is unclear.
  talk.set_name("shares");
  talk.set_counter(v1::COUNTER_KIND_MESSAGES);
  e = Engine::Create(old);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("counter.name: 'shares' is not counter COUNTER_KIND_MESSAGES"));

  talk.clear_name();
  talk.clear_counter();
  e = Engine::Create(old);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("counter.counter: required"));
}

TEST(Names, DeclaredTagsCatchAMistypedTagInEventsAndSegments) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_segments()->add_tags("watch");
  config.mutable_segments()->add_tags("vip");
  Community c(config);
  c.Join("b");
  v1::Event tag = c.Make("owner");
  tag.mutable_tag()->set_member("b");
  tag.mutable_tag()->set_tag("wacth");
  c.ExpectRejected(tag, absl::StatusCode::kInvalidArgument,
                   "tag.tag: unknown tag 'wacth' (did you mean 'watch'?)");
  tag.mutable_tag()->set_tag("watch");
  c.Must(tag);

  v1::CommunityConfig typo = config;
  typo.mutable_segments()->mutable_segments(0)->mutable_predicate()->mutable_all()
      ->mutable_items(1)->mutable_not_()->set_tag("wach");
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(typo);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("items[1].not.tag: unknown tag 'wach' (did you mean 'watch'?)"));

  v1::CommunityConfig twice = config;
  twice.mutable_segments()->add_tags("vip");
  e = Engine::Create(twice);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("segments.tags[2]: duplicate tag 'vip'"));
}

TEST(BadInput, BadSegmentEventsChangeNothing) {
  Community c(ParseConfig(kFanGroup));
  c.Join("a");
  c.Join("b");
  v1::Event react = c.Make("a", "g1");
  react.mutable_reaction()->set_target_member("ghost");
  c.ExpectRejected(react, absl::StatusCode::kNotFound, "reaction.target_member");

  v1::Event buy = c.Make("a");
  buy.mutable_purchase()->set_amount_cents(-5);
  c.ExpectRejected(buy, absl::StatusCode::kInvalidArgument, "purchase.amount_cents");

  v1::Event product = c.Make("a");
  product.mutable_product_activity()->set_checkpoint("3w");
  c.ExpectRejected(product, absl::StatusCode::kInvalidArgument, "product_activity.checkpoint");
  product.mutable_product_activity()->set_checkpoint("2w");
  product.mutable_product_activity()->set_score(std::nan(""));
  c.ExpectRejected(product, absl::StatusCode::kInvalidArgument, "product_activity.score");

  v1::Event tag = c.Make("a");  // a member cannot tag
  tag.mutable_tag()->set_member("b");
  tag.mutable_tag()->set_tag("vip");
  c.ExpectRejected(tag, absl::StatusCode::kPermissionDenied, "");
  tag.set_actor("owner");
  tag.mutable_tag()->set_tag("");
  c.ExpectRejected(tag, absl::StatusCode::kInvalidArgument, "tag.tag");

  v1::Event held = c.Make("owner", "g1");
  held.mutable_activity_held()->add_attendees("nobody");
  c.ExpectRejected(held, absl::StatusCode::kNotFound, "activity_held.attendees[0]");
  held.set_group("nowhere");
  c.ExpectRejected(held, absl::StatusCode::kNotFound, "group");
}

// One long run versus a run restored from a snapshot halfway.
void FirstHalf(Community& c) {
  for (const char* m : {"a", "b", "c", "d"}) c.Join(m);
  Post(c, "a", "q", true, true);
  c.Advance(3 * kMinute);
  Post(c, "b", "r", false, false, "q");
  React(c, "c", "b");
  Buy(c, "d", 12300);
  v1::Event tag = c.Make("owner");
  tag.mutable_tag()->set_member("c");
  tag.mutable_tag()->set_tag("watch");
  c.Must(tag);
  v1::Event held = c.Make("owner", "g1");
  held.mutable_activity_held()->set_name("live");
  held.mutable_activity_held()->add_attendees("a");
  c.Must(held);
  c.Advance(2 * kDay);
}

void SecondHalf(Community& c) {
  Post(c, "c", "q2", true, true);
  c.Advance(kHour);
  Post(c, "a", "r2", false, false, "q2");
  v1::Event leave = c.Make("b");
  leave.mutable_leave();
  c.Must(leave);
  c.Advance(9 * kDay);
  Buy(c, "d", 100);
}

TEST(Determinism, RestoreThenContinueEqualsOneLongRun) {
  Community one(ParseConfig(kFanGroup));
  FirstHalf(one);
  SecondHalf(one);

  Community half(ParseConfig(kFanGroup));
  FirstHalf(half);
  absl::StatusOr<std::unique_ptr<Engine>> restored =
      Engine::Restore(ParseConfig(kFanGroup), half.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE((*restored)->SnapshotBytes() == half.engine().SnapshotBytes());
  half.ReplaceEngine(*std::move(restored));
  SecondHalf(half);
  EXPECT_TRUE(one.engine().SnapshotBytes() == half.engine().SnapshotBytes());
  EXPECT_EQ(SerializeDeterministic(one.engine().Report(one.now())),
            SerializeDeterministic(half.engine().Report(half.now())));
}

TEST(Report, RendersAsJsonThroughProtobufsMapping) {
  Community c(ParseConfig(kFanGroup));
  c.Join("a");
  Post(c, "a", "m", true);
  absl::StatusOr<std::string> json = ReportToJson(c.engine().Report(c.now()));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"churn_rate\""));
  EXPECT_THAT(*json, HasSubstr("\"community_id\":\"fans\""));
  v1::Report back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  EXPECT_EQ(back.groups_size(), 3);
}

TEST(Report, TheSameReportPrintsTheSameJson) {
  // Map entries (RFM cells) printed in hash order differed from run to run.
  v1::Report report;
  for (int i = 0; i < 50; ++i) (*report.mutable_rfm_cells())[absl::StrCat(i % 5, "-", i)] = i;
  v1::Report reversed;
  for (int i = 49; i >= 0; --i) (*reversed.mutable_rfm_cells())[absl::StrCat(i % 5, "-", i)] = i;
  absl::StatusOr<std::string> a = ReportToJson(report);
  absl::StatusOr<std::string> b = ReportToJson(reversed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_LT(a->find("\"0-0\""), a->find("\"0-10\""));
}

TEST(Funnel, APaidAdmissionCountsAsAPurchaseWhenTheOperatorSaysSo) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_admission()->add_thresholds(v1::THRESHOLD_PAID);
  config.mutable_admission()->set_fee_cents(9900);
  config.mutable_admission()->set_fee_counts_as_purchase(true);
  Community c(config);
  v1::Event pay = c.Make("ann");
  pay.mutable_apply()->set_fee_paid_cents(9900);
  const v1::Outcome admitted = c.Must(pay);
  // The fee is her first purchase: the funnel suggests the buyers' group.
  const v1::Action promote = MustFind(admitted, v1::ACTION_KIND_SUGGEST_PROMOTION, "ann");
  EXPECT_EQ(promote.target_group(), "vip");
  EXPECT_EQ(promote.reason(), "paying");
  const v1::Report report = c.engine().Report(c.now());
  const v1::GroupReport& g1 = GroupIn(report, "g1");
  EXPECT_EQ(Period(g1, 1).paid_purchases(), 1);
  EXPECT_EQ(Period(g1, 1).first_purchases(), 1);
  EXPECT_THAT(*c.engine().MemberSegments("ann", c.now()), ::testing::Contains("buyer:paying"));
  // A purchase after it is her second.
  Buy(c, "ann", 5000);
  EXPECT_EQ(Period(GroupIn(c.engine().Report(c.now()), "g1"), 1).repeat_purchases(), 1);
}

TEST(Funnel, ByDefaultTheAdmissionFeeIsNotAPurchase) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_admission()->add_thresholds(v1::THRESHOLD_PAID);
  config.mutable_admission()->set_fee_cents(9900);
  Community c(config);
  v1::Event pay = c.Make("ann");
  pay.mutable_apply()->set_fee_paid_cents(9900);
  EXPECT_FALSE(Find(c.Must(pay), v1::ACTION_KIND_SUGGEST_PROMOTION));
  EXPECT_EQ(Period(GroupIn(c.engine().Report(c.now()), "g1"), 1).paid_purchases(), 0);
}

}  // namespace
}  // namespace shequn
