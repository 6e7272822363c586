// Every duration, points amount and sum of money in the rules, points and
// segments config has a stated bound: the bound itself is accepted, one past
// it, the type's largest value and a negative are refused with
// InvalidArgument naming the field. Unbounded, a ladder's INT64_MAX
// mute_seconds overflowed once turned into milliseconds: the host was told
// to mute for 9.2e18 s while the engine stored a mute that had already ended.
#include <cstdint>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;

// Every bound is shequn/limits.h's: one amount a rule names, and a total of
// many (a cap, a threshold, the largest adjustment).
constexpr int64_t kMaxAmount = limits::kMaxRulePoints;
constexpr int64_t kMaxTotal = limits::kMaxPoints;
constexpr int64_t kMaxDurationDays = limits::kMaxDurationDays;

// A community using every section the table touches, each field at an
// ordinary value.
constexpr absl::string_view kEverySection = R"pb(
  id: "bounds"
  groups { id: "new" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  teams { names: ["red", "blue"] }
  rules {
    ladder { warn: true }
    ladder { announce: true mute_seconds: 3600 }
    categories {
      category: "advertising"
      ladder { warn: true }
      ladder { warn: true mute_seconds: 60 }
      deposit_deduction_cents: 100
    }
    flood { max_messages: 10 window_seconds: 60 max_repeats: 3 repeat_window_seconds: 600 }
    strike_expiry_seconds: 2592000
    mediation_window_seconds: 600
    deposit_deduction_cents: 50
    message_memory_seconds: 604800
  }
  points {
    rules { kind: "share" points: 5 daily_cap: 20 weekly_cap: 50 effective_from_ms: 0 }
    member_daily_cap: 100
    check_in { streak_bonuses { days: 7 points: 10 } make_up_cards_per_month: 1 make_up_max_days_back: 7 }
    tasks { late_window_seconds: 86400 }
    awards {
      name: "weekly"
      period: PERIOD_WEEK
      top_n: 3
      points_by_place: [30, 20, 10]
      prize: "red envelope"
      prize_cents: 8800
    }
    titles { title: "regular" min_balance: 100 }
    elimination { period: PERIOD_MONTH lowest_n: 1 warn_before_seconds: 86400 }
    team_contest { period: PERIOD_WEEK winner_points: 20 }
    expiry { expire_after_days: 30 }
    max_adjustment: 1000
    decay { percent: 10 period_days: 7 }
  }
  segments {
    seed { first_days: 7 }
    rfm {
      recency_days: [7, 30, 90, 180]
      frequency: [10, 5, 3, 2]
      monetary_cents: [100000, 30000, 10000, 3000]
    }
    health { max_median_first_answer_seconds: 3600 }
    group_health {
      key: "new"
      value { max_median_first_answer_seconds: 1800 }
    }
  }
)pb";

// How a field is stored: it decides the largest value a host can send and
// whether a negative one can be sent at all.
enum class Width { kInt64, kInt32, kUint32 };

struct Bound {
  const char* path;
  int64_t min;
  int64_t max;
  Width width;
  void (*set)(v1::CommunityConfig& c, int64_t v);
};

const Bound kBounds[] = {
    // rules
    {"rules.ladder[1].mute_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->mutable_ladder(1)->set_mute_seconds(v); }},
    {"rules.categories[0].ladder[1].mute_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_rules()->mutable_categories(0)->mutable_ladder(1)->set_mute_seconds(v);
     }},
    {"rules.categories[0].deposit_deduction_cents", 0, limits::kMaxCents, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_rules()->mutable_categories(0)->set_deposit_deduction_cents(v);
     }},
    {"rules.flood.window_seconds", 1, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->mutable_flood()->set_window_seconds(v); }},
    {"rules.flood.repeat_window_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_rules()->mutable_flood()->set_repeat_window_seconds(v);
     }},
    {"rules.strike_expiry_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->set_strike_expiry_seconds(v); }},
    {"rules.mediation_window_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->set_mediation_window_seconds(v); }},
    {"rules.message_memory_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->set_message_memory_seconds(v); }},
    {"rules.deposit_deduction_cents", 0, limits::kMaxCents, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_rules()->set_deposit_deduction_cents(v); }},
    // points
    {"points.rules[0].points", 1, kMaxAmount, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_rules(0)->set_points(v); }},
    {"points.rules[0].daily_cap", 0, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_rules(0)->set_daily_cap(v); }},
    {"points.rules[0].weekly_cap", 0, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_rules(0)->set_weekly_cap(v); }},
    {"points.rules[0].effective_from_ms", 0, limits::kMaxTimeMs, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_rules(0)->set_effective_from_ms(v);
     }},
    {"points.member_daily_cap", 0, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->set_member_daily_cap(v); }},
    {"points.check_in.streak_bonuses[0].days", 1, kMaxDurationDays, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_check_in()->mutable_streak_bonuses(0)->set_days(static_cast<uint32_t>(v));
     }},
    {"points.check_in.streak_bonuses[0].points", 1, kMaxAmount, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_check_in()->mutable_streak_bonuses(0)->set_points(v);
     }},
    {"points.check_in.make_up_max_days_back", 0, limits::kMaxMakeUpDays, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_check_in()->set_make_up_max_days_back(static_cast<uint32_t>(v));
     }},
    {"points.tasks.late_window_seconds", 0, limits::kMaxLateWindowSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_tasks()->set_late_window_seconds(v); }},
    {"points.awards[0].top_n", 1, limits::kMaxAwardPlaces, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_awards(0)->set_top_n(static_cast<uint32_t>(v));
     }},
    {"points.awards[0].points_by_place[1]", 0, kMaxAmount, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_awards(0)->set_points_by_place(1, v); }},
    {"points.awards[0].prize_cents", 0, limits::kMaxCents, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_awards(0)->set_prize_cents(v); }},
    {"points.titles[0].min_balance", 1, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_titles(0)->set_min_balance(v); }},
    // Period points go negative with deductions, and so may this threshold.
    {"points.elimination.below_points", -kMaxTotal, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_elimination()->set_below_points(v); }},
    {"points.elimination.warn_before_seconds", 0, limits::kMaxEliminationWarningSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_elimination()->set_warn_before_seconds(v);
     }},
    {"points.team_contest.winner_points", 0, kMaxAmount, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->mutable_team_contest()->set_winner_points(v); }},
    {"points.expiry.expire_after_days", 0, kMaxDurationDays, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_expiry()->set_expire_after_days(static_cast<uint32_t>(v));
     }},
    {"points.max_adjustment", 0, kMaxTotal, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_points()->set_max_adjustment(v); }},
    {"points.decay.percent", 0, 100, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_decay()->set_percent(static_cast<uint32_t>(v));
     }},
    {"points.decay.period_days", 0, kMaxDurationDays, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_points()->mutable_decay()->set_period_days(static_cast<uint32_t>(v));
     }},
    {"rules.flood.max_messages", 0, limits::kMaxFloodMessages, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_rules()->mutable_flood()->set_max_messages(static_cast<uint32_t>(v));
     }},
    {"utc_offset_seconds", -limits::kMaxUtcOffsetSeconds, limits::kMaxUtcOffsetSeconds,
     Width::kInt32,
     [](v1::CommunityConfig& c, int64_t v) { c.set_utc_offset_seconds(static_cast<int32_t>(v)); }},
    // segments
    {"segments.seed.group_size", 0, limits::kMaxSeedGroupSize, Width::kUint32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_segments()->mutable_seed()->set_group_size(static_cast<uint32_t>(v));
     }},
    {"segments.seed.first_days", 0, kMaxDurationDays, Width::kInt32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_segments()->mutable_seed()->set_first_days(static_cast<int32_t>(v));
     }},
    {"segments.rfm.recency_days[2]", 0, kMaxDurationDays, Width::kInt32,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_segments()->mutable_rfm()->set_recency_days(2, static_cast<int32_t>(v));
     }},
    {"segments.rfm.monetary_cents[0]", 0, limits::kMaxCents, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) { c.mutable_segments()->mutable_rfm()->set_monetary_cents(0, v); }},
    {"segments.health.max_median_first_answer_seconds", 0, limits::kMaxDurationSeconds, Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       c.mutable_segments()->mutable_health()->set_max_median_first_answer_seconds(v);
     }},
    {"segments.group_health[new].max_median_first_answer_seconds", 0, limits::kMaxDurationSeconds,
     Width::kInt64,
     [](v1::CommunityConfig& c, int64_t v) {
       (*c.mutable_segments()->mutable_group_health())["new"].set_max_median_first_answer_seconds(v);
     }},
};

absl::Status CreateWith(const Bound& b, int64_t value) {
  v1::CommunityConfig config = ParseConfig(kEverySection);
  b.set(config, value);
  return Engine::Create(std::move(config)).status();
}

void ExpectRefused(const Bound& b, int64_t value) {
  const absl::Status s = CreateWith(b, value);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << b.path << " = " << value << ": " << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(absl::StrCat(b.path, ": ")))
      << b.path << " = " << value;
}

TEST(ConfigBounds, TheBaseConfigIsAccepted) {
  EXPECT_TRUE(Engine::Create(ParseConfig(kEverySection)).ok())
      << Engine::Create(ParseConfig(kEverySection)).status();
}

TEST(ConfigBounds, EachBoundIsAcceptedAndOnePastItIsRefusedNamingTheField) {
  for (const Bound& b : kBounds) {
    SCOPED_TRACE(b.path);
    EXPECT_TRUE(CreateWith(b, b.max).ok()) << CreateWith(b, b.max);
    EXPECT_TRUE(CreateWith(b, b.min).ok()) << CreateWith(b, b.min);
    ExpectRefused(b, b.max + 1);
    if (b.width != Width::kUint32 || b.min > 0) ExpectRefused(b, b.min - 1);
  }
}

TEST(ConfigBounds, TheLargestAndSmallestValuesOfEachTypeAreRefused) {
  for (const Bound& b : kBounds) {
    SCOPED_TRACE(b.path);
    switch (b.width) {
      case Width::kInt64:
        ExpectRefused(b, std::numeric_limits<int64_t>::max());
        ExpectRefused(b, std::numeric_limits<int64_t>::min());
        ExpectRefused(b, -1 - kMaxTotal);
        break;
      case Width::kInt32:
        ExpectRefused(b, std::numeric_limits<int32_t>::max());
        ExpectRefused(b, std::numeric_limits<int32_t>::min());
        if (b.min == 0) ExpectRefused(b, -1);
        break;
      case Width::kUint32:
        ExpectRefused(b, std::numeric_limits<uint32_t>::max());
        break;
    }
  }
}

TEST(ConfigBounds, TheMessageSaysTheValueAndTheLimit) {
  v1::CommunityConfig config = ParseConfig(kEverySection);
  config.mutable_rules()->mutable_ladder(1)->set_mute_seconds(INT64_MAX);
  EXPECT_EQ(Engine::Create(config).status().message(),
            "rules.ladder[1].mute_seconds: 9223372036854775807 is over the limit of 315360000");
  config.mutable_rules()->mutable_ladder(1)->set_mute_seconds(-5);
  EXPECT_EQ(Engine::Create(config).status().message(),
            "rules.ladder[1].mute_seconds: must not be negative, got -5");
  config = ParseConfig(kEverySection);
  config.mutable_points()->mutable_awards(0)->set_prize_cents(INT64_MAX);
  EXPECT_EQ(Engine::Create(config).status().message(),
            "points.awards[0].prize_cents: 9223372036854775807 is over the limit of 1000000000000");
}

// At the bound a ladder's mute still works: ten years from the violation.
TEST(ConfigBounds, ATenYearMuteEndsTenYearsLater) {
  v1::CommunityConfig config = ParseConfig(kEverySection);
  config.mutable_rules()->clear_ladder();
  config.mutable_rules()->add_ladder()->set_mute_seconds(limits::kMaxDurationSeconds);
  config.mutable_rules()->add_word_lists()->set_category("abuse");
  config.mutable_rules()->mutable_word_lists(0)->add_words("傻逼");
  testing::Community c(config);
  c.Join("ann");
  v1::Event insult = c.Make("ann", "new");
  insult.mutable_message()->set_message_id("m1");
  insult.mutable_message()->set_text("你是傻逼");
  const v1::Outcome out = c.Must(insult);
  const std::optional<v1::Action> mute = testing::Find(out, v1::ACTION_KIND_MUTE, "ann");
  ASSERT_TRUE(mute.has_value()) << out.ShortDebugString();
  EXPECT_EQ(mute->duration_seconds(), limits::kMaxDurationSeconds);
  const v1::RulesState rules = c.engine().Snapshot().rules();
  ASSERT_EQ(rules.members_size(), 1);
  EXPECT_EQ(rules.members(0).member(), "ann");
  EXPECT_EQ(rules.members(0).mute_until_ms(), c.now() + limits::kMaxDurationSeconds * 1000);
}

}  // namespace
}  // namespace shequn
