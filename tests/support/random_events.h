// Seeded streams of plausible events for property tests and fuzzers.
//
// RandomEvents(seed, n): the original membership stream (kept as is: tests
// depend on its shape). RandomStream(seed, n, makers, options): a stream
// built from a table of weighted event makers, so each part adds its own
// event kinds (e.g. PointsMakers()) without touching the others; with
// options.hostile it also retries old events, goes back in time and sends
// invalid UTF-8, as a misbehaving host would.
//
// AllPartsMakers() drives every event kind of every part (membership,
// rules, points, segments) for kAllPartsCommunity, a config that turns every
// part on; options.start_ms and options.long_gaps put a stream near 1970,
// near year 9999, or across gaps of months and years.
//
// Free of GoogleTest: fuzzers and seed generators include it too.
#ifndef SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_
#define SHEQUN_TESTS_SUPPORT_RANDOM_EVENTS_H_

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "shequn/engine.h"
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
  int64_t start_ms = kStart;   // the first event's time
  // Now and then (one event in 100) the clock jumps days to a year ahead,
  // rarely ten years (never past limits::kMaxTimeMs), so timers run across
  // long gaps.
  bool long_gaps = false;
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
  // Any staff seat of kAllPartsCommunity (managers, an assistant, a
  // lecturer), or sometimes a member, who is refused.
  std::string Staff() {
    switch (Pick(8)) {
      case 0: case 1: return "admin";
      case 2: return "owner";
      case 3: return "helper";
      case 4: return "teacher";
      default: return Member();
    }
  }
  // A group a member is likely in: the entry group most often.
  std::string Group() {
    const int r = Pick(20);
    if (r < 10) return "new";
    if (r < 14) return "core";
    if (r < 16) return "new-2";
    switch (r) {
      case 16: return "share";
      case 17: return "new-3";
      case 18: return "";
      default: return "nowhere";
    }
  }
  // A fresh carrier message id for a message by `author`; the last few are
  // drawn on for replies, reports, reactions, contributions and sanctions.
  std::string NewMessageId(absl::string_view author) {
    recent_authors_[next_message_ % kRecent] = std::string(author);
    return absl::StrCat("msg", next_message_++);
  }
  // One of the last `within` (at most 32) message ids sent, or sometimes one
  // nobody sent.
  std::string RecentMessageId(int within = kRecent) {
    const int n = std::min({within, next_message_, kRecent});
    if (n == 0 || OneIn(8)) return absl::StrCat("msg-unknown-", Pick(5));
    return absl::StrCat("msg", next_message_ - 1 - Pick(n));
  }
  // One of the last few messages and its author, as {id, author}; or
  // sometimes an id nobody sent, with a member from the pool.
  std::pair<std::string, std::string> RecentMessage() {
    const int n = std::min(next_message_, kRecent);
    if (n == 0 || OneIn(8)) return {absl::StrCat("msg-unknown-", Pick(5)), Member()};
    const int k = next_message_ - 1 - Pick(n);
    return {absl::StrCat("msg", k), recent_authors_[k % kRecent]};
  }
  // The author of one of the last few messages (a moderator acts on who just
  // spoke), or a member from the pool.
  std::string RecentAuthor() {
    const int n = std::min(next_message_, kRecent);
    if (n == 0 || OneIn(4)) return Member();
    return recent_authors_[(next_message_ - 1 - Pick(n)) % kRecent];
  }
  // Notes a message the screening should catch, by `author`. Appeals go to
  // recent offenders, naming strike ids up to a third of the number of such
  // messages (about as many as the engine accepts and strikes).
  void NoteViolation(absl::string_view author) {
    recent_violators_[violations_++ % kRecent] = std::string(author);
  }
  std::string RecentViolator() {
    const int n = std::min(violations_, kRecent);
    if (n == 0 || OneIn(4)) return RecentAuthor();
    return recent_violators_[(violations_ - 1 - Pick(std::min(n, 2))) % kRecent];
  }
  int violations() const { return violations_; }
  // Notes a message a member reported; reports pile up on it (so the
  // threshold is reached) and managers dismiss them.
  void NoteReported(absl::string_view id) { last_reported_ = std::string(id); }
  // The message last reported, or a recent one when none was.
  std::string ReportedMessageId() {
    return last_reported_.empty() ? RecentMessageId(3) : last_reported_;
  }
  // Restarts the generator: a fuzzer lets each input choose every event's
  // details this way while the id pools carry on.
  void Reseed(uint32_t seed) { rng_.seed(seed); }
  const StreamOptions& options() const { return options_; }

 private:
  static constexpr int kRecent = 32;
  std::mt19937 rng_;
  StreamOptions options_;
  int next_message_ = 0;
  std::string recent_authors_[kRecent];
  int violations_ = 0;
  std::string recent_violators_[kRecent];
  std::string last_reported_;
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
         // One application in ten becomes an operator importing the
         // applicant: decided from what was drawn, drawing nothing more, so
         // every stream keeps the shape its tests were tuned on.
         if (e.id().back() != '7') return;
         v1::ImportMember im;
         im.set_member(e.actor());
         im.set_nickname(a->nickname());
         if (a->attributes().contains("city")) im.set_team("a");
         if (!a->inviter().empty()) im.set_number(7);
         if (!a->accepted_rules()) im.set_role(v1::ROLE_ADMIN);
         e.set_actor(a->deposit_paid_cents() == 0 ? "admin" : "owner");
         if (e.group().empty()) e.set_group("new");
         *e.mutable_import_member() = std::move(im);
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

// ------------------------------------------------------------- all parts

// kBusyCommunity's membership (with a lighter ritual, a sharing group, an
// assistant and a lecturer) and every other part turned on: screening
// (word lists per category, a whitelist, every detector), a four-step
// ladder with per-category overrides, flood and repeat control, oversize
// files, reports, mediation and deposit deductions; point rules for many
// kinds with caps, diminishing returns, quality hooks and a rule change
// mid-stream, check-ins with bonuses and make-up cards, tasks with
// graduation and results elimination, daily/weekly/half-month/monthly
// awards, titles by balance, streak, tasks and award place, points
// elimination, a team contest, expiry, decay and live boards; and segments with windows, tiers, seed and Orbit scores, RFM,
// predicate segments, health standards, dying groups and risk.
inline constexpr absl::string_view kAllPartsCommunity = R"pb(
  id: "all-parts"
  utc_offset_seconds: 28800
  groups { id: "new" stage: FUNNEL_STAGE_ACQUISITION capacity: 16 }
  groups { id: "core" stage: FUNNEL_STAGE_RETENTION capacity: 10 working_size: 8 }
  groups { id: "share" stage: FUNNEL_STAGE_SHARING capacity: 6 purge { warn_after_days: 20 remove_after_days: 10 } }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER group_id: "core" }
    staff { member_id: "admin" role: ROLE_ADMIN }
    staff { member_id: "helper" role: ROLE_ASSISTANT group_id: "core" }
    staff { member_id: "teacher" role: ROLE_LECTURER group_id: "core" }
  }
  admission { deposit_cents: 500 overflow: OVERFLOW_POLICY_OPEN_GROUP require_rules_acceptance: true }
  ritual {
    steps: [RITUAL_STEP_NICKNAME]
    nickname { separator: "|" fields { name: "姓名" } fields { name: "城市" } }
    deadline_seconds: 259200
    grace_seconds: 86400
  }
  teams { names: ["a", "b"] max_size: 8 min_size: 2 }
  rules {
    word_lists { category: "abuse" words: ["傻逼", "脑残", "滚蛋", "idiot", "stupid"] }
    word_lists { category: "advertising" words: ["代购", "兼职刷单", "优惠券", "加微信"] }
    word_lists { category: "off_topic" words: ["拼多多砍一刀"] }
    word_lists { category: "links" words: ["网盘链接"] }
    whitelist: ["scunthorpe"]
    link_category: "links"
    contact_category: "poaching"
    ladder { warn: true }
    ladder { announce: true mute_seconds: 3600 }
    ladder { announce: true mute_seconds: 86400 }
    ladder { remove: true }
    categories { category: "advertising" ladder { warn: true } ladder { remove: true } deposit_deduction_cents: 200 }
    categories { category: "poaching" ladder { warn: true } ladder { announce: true mute_seconds: 86400 } ladder { ban: true } }
    categories { category: "links" ladder { warn: true } ladder { announce: true mute_seconds: 600 } }
    categories { category: "off_topic" hide_only: true }
    flood { max_messages: 8 window_seconds: 60 max_repeats: 3 repeat_window_seconds: 600 }
    max_attachment_bytes: 20971520
    screen_nicknames: true
    strike_expiry_seconds: 604800
    report_threshold: 2
    mediation_window_seconds: 900
    deposit_deduction_cents: 100
    message_memory_seconds: 259200
    dispute_categories: ["abuse"]
  }
  points {
    rules { kind: "check_in" points: 2 daily_cap: 4 }
    rules { kind: "answer" points: 3 daily_cap: 15 min_length: 10 repeat_percent: 50 }
    rules { kind: "share" points: 10 weekly_cap: 30 min_length: 20 }
    rules { kind: "share" points: 12 weekly_cap: 36 min_length: 20 effective_from_ms: 1774915200000 }
    rules { kind: "on_topic_message" points: 1 daily_cap: 10 min_length: 4 }
    rules { kind: "referral" points: 5 }
    rules { kind: "task_on_time" points: 10 }
    rules { kind: "task_late" points: 4 }
    rules { kind: "meetup" points: 6 }
    rules { kind: "winning_proposal" points: 8 }
    rules { kind: "adopted_suggestion" points: 20 }
    rules { kind: "beta_feedback" points: 5 daily_cap: 10 }
    member_daily_cap: 60
    check_in {
      streak_bonuses { days: 3 points: 5 }
      streak_bonuses { days: 7 points: 10 repeat: true }
      make_up_cards_per_month: 2
      make_up_max_days_back: 3
    }
    tasks { late_window_seconds: 86400 eliminate_after_missing: 4 graduation_tasks: 2 require_thesis: true }
    awards { name: "daily-top" period: PERIOD_DAY metric: METRIC_ACTIVITY top_n: 1 points_by_place: [3] }
    awards { name: "weekly-top3" period: PERIOD_WEEK scope: SCOPE_GROUP top_n: 3 include_ties: true points_by_place: [10, 5, 2] title: "周冠军" }
    awards { name: "half-month-team" period: PERIOD_HALF_MONTH scope: SCOPE_TEAM top_n: 1 points_by_place: [5] }
    awards {
      name: "monthly-top3" period: PERIOD_MONTH top_n: 3 points_by_place: [50, 30, 20]
      title: "月度之星" prize: "红包" prize_cents: 8800 review_at_half_month: true
    }
    titles { title: "新星" min_balance: 20 }
    titles { title: "达人" min_balance: 100 }
    titles { title: "坚持之星" source: TITLE_SOURCE_STREAK min_count: 3 held_while_true: true }
    titles { title: "打卡达人" source: TITLE_SOURCE_STREAK min_count: 7 }
    titles { title: "作业达人" source: TITLE_SOURCE_TASKS min_count: 2 }
    titles { title: "首作" source: TITLE_SOURCE_TASKS task_id: "task3" }
    titles { title: "组冠军" source: TITLE_SOURCE_AWARD award: "weekly-top3" max_place: 1 held_while_true: true }
    titles { title: "月度榜首" source: TITLE_SOURCE_AWARD award: "monthly-top3" max_place: 1 }
    elimination { period: PERIOD_MONTH lowest_n: 1 warn_before_seconds: 259200 }
    team_contest { period: PERIOD_WEEK winner_points: 5 title: "冠军队" prize: "奶茶" }
    expiry { expire_after_days: 60 }
    max_adjustment: 500
    decay { percent: 10 period_days: 7 }
    live_boards {}
    live_boards { period: PERIOD_WEEK scope: SCOPE_GROUP }
    live_boards { period: PERIOD_MONTH metric: METRIC_ACTIVITY }
    live_boards { period: PERIOD_DAY scope: SCOPE_TEAM }
  }
  segments {
    windows_days: [1, 7, 30]
    tiers { window_days: 7 active_min_topics: 1 moderate_min_events: 2 }
    seed { first_days: 7 in_group_weight: 1 product_weight: 2 group_size: 10 checkpoints: ["before", "2w", "1m"] }
    orbit { half_life_days: 14 level1_love: 30 level2_love: 8 }
    rfm {
      recency_days: [7, 30, 90, 180]
      frequency: [6, 4, 2, 1]
      monetary_cents: [50000, 20000, 5000, 1000]
    }
    segments {
      name: "contributors"
      predicate { any { items { counter { name: "shares" value: 1 } }
                        items { counter { name: "answers" window_days: 7 value: 2 } } } }
    }
    segments {
      name: "quiet-buyers"
      predicate { all { items { not { tier: TIER_ACTIVE } } items { buyer_stage: BUYER_STAGE_PAYING } } }
    }
    segments {
      name: "vip"
      predicate { any { items { tag: "vip" }
                        items { points { op: COMPARISON_GT value: 50 } }
                        items { all { items { role: ROLE_MEMBER }
                                      items { tenure_days { op: COMPARISON_GE value: 14 } }
                                      items { group: "core" }
                                      items { counter { name: "messages" window_days: 1 op: COMPARISON_LT value: 30 } } } } } }
    }
    health {
      window_days: 7 min_participation_rate: 0.3 min_topic_participation: 0.1
      max_median_first_answer_seconds: 1800 min_shares_per_member: 0.1
      min_reactions_per_member: 0.5 max_messages_per_member_day: 40
    }
    group_health { key: "new" value { window_days: 1 min_participation_rate: 0.5 } }
    dying { window_days: 7 max_participation_rate: 0.2 min_members: 3 }
    risk { min_violations: 3 spike_ratio: 2 }
    report_list_limit: 20
  }
)pb";

// Chat as it reads in a group: ordinary sentences in Chinese and English,
// and the ones screening is for: banned words (some disguised), links,
// phone numbers, WeChat and QQ ids, "add me" solicitations; sometimes long.
// Sets *violation when the text is one screening should catch.
inline std::string ChatText(StreamContext& c, bool* violation = nullptr) {
  const int kind = c.Pick(22);
  if (violation != nullptr) *violation = kind <= 4;
  switch (kind) {
    case 0:
      return c.OneOf({"你这个傻逼", "脑残吧你", "滚蛋", "you idiot", "that's so stupid",
                      "傻 逼", "ＩＤＩＯＴ", "i d i o t", "滚~蛋"});
    case 1:
      return c.OneOf({"代购日本化妆品，私聊", "兼职刷单日赚300", "领优惠券啦", "拼多多砍一刀帮我",
                      "加 微 信 领资料"});
    case 2:
      return c.OneOf({"详情见 https://shop.example.com/item?id=3", "buy at cheap.com now",
                      "www.taobao.com 搜店铺", "官方文档 http://docs.example.org/start"});
    case 3:
      return c.OneOf({"我的电话 13812345678", "call me +86 138 1234 5678", "电话：021-64881234",
                      "加我微信 wxid_abc123", "vx: hello_2024", "威信 zhang-san88",
                      "有事加QQ号：12345678 谢谢", "扣扣 987 654 321", "qq 1234567890"});
    case 4:
      return c.OneOf({"想要资料的加我好友", "私聊我领取", "add me on telegram for the files"});
    case 5: {
      std::string text;
      const int n = 10 + c.Pick(150);
      for (int i = 0; i < n; ++i) absl::StrAppend(&text, "今天的分享很有收获，记录一下要点。");
      if (c.OneIn(3)) absl::StrAppend(&text, " idiot");
      return text;
    }
    case 6: return "";
    case 7: case 8: case 9:
      return c.OneOf({"有人知道怎么报名吗？", "How do I submit the task?", "第二周的直播回放在哪里？",
                      "这个 bug 怎么解决？"});
    default:
      return c.OneOf({"大家早上好！今天继续打卡 💪", "这个方法我试过了，效果不错",
                      "周末有人一起去爬山吗", "谢谢分享，学到了",
                      "Good morning everyone, day 12 of the challenge",
                      "Has anyone tried the new release? The sync is much faster.",
                      "Thanks for sharing, this helped a lot", "好的学习习惯需要坚持",
                      "Scunthorpe United won 3-1 last night", "价格 100 元，库存 23 件",
                      "I was hit by a car but I'm fine now", "收到，明天交作业"});
  }
}

// The local day (UTC+8, kAllPartsCommunity's offset) `days_back` before
// `time_ms`, as YYYY-MM-DD.
inline std::string LocalDayBefore(int64_t time_ms, int days_back) {
  const absl::CivilDay day =
      absl::ToCivilDay(absl::FromUnixMillis(time_ms), absl::FixedTimeZone(8 * 3600));
  return absl::FormatCivilTime(day - days_back);
}

// Rules events: messages of every kind, reports and their dismissal,
// sanctions by hand and appeals.
inline std::vector<WeightedMaker> RulesMakers() {
  return {
      {"message", 14,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         v1::Message* m = e.mutable_message();
         m->set_message_id(c.OneIn(40) ? c.RecentMessageId() : c.NewMessageId(e.actor()));
         bool violation = false;
         m->set_text(ChatText(c, &violation));
         if (violation) c.NoteViolation(e.actor());
         if (c.OneIn(6)) {
           m->set_kind(static_cast<v1::MessageKind>(1 + c.Pick(6)));
           m->set_size_bytes(c.OneIn(5) ? 30'000'000 + c.Pick(1000) : 1000 + c.Pick(5'000'000));
         }
         if (c.OneIn(4)) m->set_reply_to(c.RecentMessageId());
         m->set_starts_topic(c.OneIn(6));
         m->set_is_question(c.OneIn(6) || absl::EndsWith(m->text(), "？") ||
                            absl::EndsWith(m->text(), "?"));
         m->set_on_topic(c.OneIn(3));
         if (c.options().hostile && c.OneIn(100)) m->set_text("坏\xe6\x9d");
         if (c.OneIn(60)) m->set_message_id("");
       }},
      {"flood", 2,  // the same line again and again
       [](StreamContext& c, v1::Event& e) {
         e.set_group("new");
         e.mutable_message()->set_message_id(c.NewMessageId(e.actor()));
         e.mutable_message()->set_text("刷屏刷屏刷屏");
       }},
      {"report", 4,
       [](StreamContext& c, v1::Event& e) {
         e.mutable_report()->set_message_id(c.OneIn(2) ? c.ReportedMessageId() : c.RecentMessageId(3));
         e.mutable_report()->set_reason(c.OneOf({"广告", "骂人", "spam", ""}));
         c.NoteReported(e.report().message_id());
       }},
      {"sanction", 3,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         e.set_group(c.Group());
         v1::Sanction* s = e.mutable_sanction();
         s->set_member(c.OneIn(12) ? c.Staff() : c.RecentAuthor());
         s->set_kind(static_cast<v1::SanctionKind>(c.OneIn(20) ? c.Pick(5) : 1 + c.Pick(3)));
         s->set_duration_seconds(c.OneIn(10) ? -c.Pick(100) : 60 * (1 + c.Pick(3 * 24 * 60)));
         s->set_reason(c.OneOf({"刷屏", "人身攻击", "off-topic again", ""}));
         s->set_strike(c.Pick(2));
         s->set_category(c.OneOf({"abuse", "advertising", "flooding", "links", "", "off_topic"}));
       }},
      {"edit_message", 3,  // mostly by the author, sometimes by someone else
       [](StreamContext& c, v1::Event& e) {
         auto [id, author] = c.RecentMessage();
         if (!c.OneIn(5)) e.set_actor(author);
         v1::MessageEdit* edit = e.mutable_edit_message();
         edit->set_message_id(c.OneIn(40) ? "" : id);
         bool violation = false;
         edit->set_text(ChatText(c, &violation));
         if (violation) c.NoteViolation(e.actor());
       }},
      {"delete_message", 2,  // by the author, a moderator or someone else
       [](StreamContext& c, v1::Event& e) {
         auto [id, author] = c.RecentMessage();
         const int who = c.Pick(4);
         if (who < 2) e.set_actor(author);
         if (who == 2) e.set_actor(c.Staff());
         e.mutable_delete_message()->set_message_id(id);
       }},
      {"dismiss_reports", 2,
       [](StreamContext& c, v1::Event& e) {
         // False reports go to a manager; now and then to someone who may not.
         e.set_actor(c.OneIn(5) ? c.Staff() : c.OneOf({"admin", "owner"}));
         v1::ReportDismissal* d = e.mutable_dismiss_reports();
         d->set_message_id(c.OneIn(30) ? "" : c.ReportedMessageId());
         d->set_reason(c.OneOf({"误报", "not spam: a course link", ""}));
       }},
      {"revoke_strike", 4,
       [](StreamContext& c, v1::Event& e) {
         // Appeals go to a manager; now and then to someone who may not.
         e.set_actor(c.OneIn(5) ? c.Staff() : c.OneOf({"admin", "owner"}));
         v1::StrikeRevocation* r = e.mutable_revoke_strike();
         r->set_member(c.RecentViolator());
         r->set_strike_id(static_cast<uint64_t>(1 + c.Pick(1 + c.violations() / 3)));
         r->set_reason(c.OneOf({"申诉通过", "appeal upheld", ""}));
       }},
  };
}

// The points events PointsMakers() leaves out: make-up check-ins,
// contributions of several kinds (some by an operator for someone else),
// tasks and submissions, polls, votes and titles.
inline std::vector<WeightedMaker> MorePointsMakers() {
  return {
      {"make_up_check_in", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         v1::CheckIn* ci = e.mutable_check_in();
         ci->set_make_up_day(c.OneIn(10) ? c.OneOf({"2026-13-45", "yesterday", "2026-3-1"})
                                         : LocalDayBefore(e.time_ms(), c.Pick(6)));
         if (c.Pick(2)) ci->set_text(c.OneOf({"补卡：昨天出差了", "make-up for Monday"}));
       }},
      {"contribution", 5,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         v1::Contribution* k = e.mutable_contribution();
         k->set_kind(c.OneOf({"share", "share", "answer", "adopted_suggestion", "beta_feedback",
                              "meetup", "unknown_kind", "check_in", ""}));
         if (c.Pick(2)) k->set_message_id(c.RecentMessageId());
         k->set_length(static_cast<uint32_t>(c.Pick(400)));
         if (c.OneIn(4)) {
           e.set_actor(c.Staff());
           k->set_beneficiary(c.Member());
         }
       }},
      {"assign_task", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         e.set_group(c.OneIn(3) ? c.Group() : "");
         v1::TaskAssignment* t = e.mutable_assign_task();
         t->set_task_id(absl::StrCat("task", c.Pick(12)));
         t->set_title(c.OneOf({"第一周作业：读书笔记", "Week 2: a short essay", "结营论文"}));
         switch (c.Pick(10)) {
           case 0: t->set_deadline_ms(e.time_ms() - kHour); break;
           case 1: t->set_deadline_ms(std::numeric_limits<int64_t>::max() - c.Pick(1000)); break;
           default: t->set_deadline_ms(e.time_ms() + kHour * (1 + c.Pick(7 * 24))); break;
         }
         t->set_is_thesis(c.OneIn(5));
       }},
      {"submit_task", 4,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         e.mutable_submit_task()->set_task_id(absl::StrCat("task", c.Pick(12)));
         e.mutable_submit_task()->set_content(c.OneOf({"已完成，见附件", "https://docs.example.org/essay", ""}));
       }},
      {"open_poll", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         e.set_group(c.Group());
         v1::PollOpening* p = e.mutable_open_poll();
         p->set_poll_id(absl::StrCat("poll", c.Pick(8)));
         p->set_question(c.OneOf({"下周的分享主题选哪个？", "Which day suits the meetup?", ""}));
         const int options = c.OneIn(15) ? c.Pick(2) : 2 + c.Pick(3);
         for (int i = 0; i < options; ++i) {
           p->add_options(c.OneIn(30) ? "" : c.OneOf({"AI 工具", "读书会", "Saturday", "Sunday", "户外"}));
           p->add_option_proposers(c.OneIn(3) ? "" : c.Member());
         }
         if (c.OneIn(10)) p->add_option_proposers(c.Member());
         p->set_closes_ms(c.Pick(2) ? e.time_ms() + kHour * (1 + c.Pick(72)) : 0);
         p->set_votes_per_member(static_cast<uint32_t>(c.Pick(4)));
         if (c.OneIn(4)) p->add_eligible_roles(v1::ROLE_MEMBER);
         if (c.OneIn(20)) p->add_eligible_roles(v1::ROLE_UNSPECIFIED);
         p->set_anonymous(c.OneIn(3));
         p->set_winner_points(c.OneIn(15) ? 1'000'000 : c.Pick(30));
       }},
      {"vote", 5,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         v1::Vote* v = e.mutable_vote();
         v->set_poll_id(absl::StrCat("poll", c.Pick(8)));
         const int n = c.OneIn(12) ? 0 : 1 + c.Pick(2);
         for (int i = 0; i < n; ++i) v->add_options(static_cast<uint32_t>(c.Pick(5)));
       }},
      {"close_poll", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         e.mutable_close_poll()->set_poll_id(absl::StrCat("poll", c.Pick(8)));
       }},
      {"title", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         v1::TitleChange* t = e.mutable_title();
         t->set_member(c.Member());
         t->set_title(c.OneOf({"新星", "坚持之星", "月度之星", "helper", ""}));
         t->set_revoke(c.OneIn(3));
       }},
  };
}

// Segments events: reactions, purchases, product use, operator tags and
// activities held (offline ones earn the attendees "meetup" points).
inline std::vector<WeightedMaker> SegmentsMakers() {
  return {
      {"reaction", 5,
       [](StreamContext& c, v1::Event& e) {
         e.set_group(c.Group());
         v1::Reaction* r = e.mutable_reaction();
         r->set_message_id(c.RecentMessageId());
         if (c.Pick(4)) r->set_target_member(c.OneIn(10) ? "ghost" : c.Member());
         r->set_emoji(c.OneOf({"👍", "❤️", "😂", "+1"}));
       }},
      {"purchase", 3,
       [](StreamContext& c, v1::Event& e) {
         v1::Purchase* p = e.mutable_purchase();
         p->set_order_id(absl::StrCat("order", c.Pick(1000)));
         p->set_amount_cents(c.OneIn(20) ? -1 : c.OneIn(30) ? 2'000'000'000'000 : c.Pick(60000));
         p->set_product(c.OneOf({"年度会员", "训练营", "trial pack", ""}));
         p->set_trial(c.OneIn(4));
       }},
      {"product_activity", 2,
       [](StreamContext& c, v1::Event& e) {
         v1::ProductActivity* p = e.mutable_product_activity();
         p->set_score(c.OneIn(25) ? std::numeric_limits<double>::quiet_NaN()
                                  : c.OneIn(25) ? 1e13 : c.Pick(1000) / 10.0);
         p->set_checkpoint(c.OneOf({"before", "2w", "1m", "3m"}));
       }},
      {"tag", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         v1::TagChange* t = e.mutable_tag();
         t->set_member(c.OneIn(10) ? c.Staff() : c.Member());
         t->set_tag(c.OneOf({"vip", "潜力", "seed", "kol-candidate", ""}));
         t->set_remove(c.OneIn(4));
       }},
      {"activity_held", 2,
       [](StreamContext& c, v1::Event& e) {
         e.set_actor(c.Staff());
         e.set_group(c.OneOf({"new", "core", "share", "new-2", ""}));
         v1::GroupActivityHeld* a = e.mutable_activity_held();
         a->set_name(c.OneOf({"周三读书会", "Friday AMA", "线下见面会"}));
         a->set_offline(c.Pick(2));
         const int n = c.Pick(6);
         for (int i = 0; i < n; ++i) a->add_attendees(c.OneIn(15) ? "ghost" : c.Member());
       }},
  };
}

// Every event kind of every part, for kAllPartsCommunity. Members the
// rules and the points part remove apply again, so the stream keeps a
// community to act in.
inline std::vector<WeightedMaker> AllPartsMakers() {
  std::vector<WeightedMaker> makers = Concat(
      Concat(Concat(Concat(MembershipMakers(), PointsMakers()), RulesMakers()), MorePointsMakers()),
      SegmentsMakers());
  makers.push_back({"apply_again", 8, [](StreamContext& c, v1::Event& e) {
                      v1::Application* a = e.mutable_apply();
                      a->set_accepted_rules(true);
                      a->set_deposit_paid_cents(500);
                      a->set_nickname(absl::StrCat("名", c.Pick(100), "|杭州"));
                      if (c.OneIn(4)) a->set_inviter(c.Member());
                    }});
  return makers;
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
  int64_t now = options.start_ms;
  for (int i = 0; i < count; ++i) {
    if (options.hostile && !events.empty() && c.OneIn(30)) {
      events.push_back(events[c.Pick(static_cast<int>(events.size()))]);  // a retry
      continue;
    }
    now += c.Pick(3) * kMinute * c.Pick(40);
    if (options.long_gaps && c.OneIn(100)) {
      const int most_days = c.OneIn(8) ? 3650 : c.OneIn(3) ? 400 : 60;
      now += kDay * (1 + c.Pick(most_days));
    }
    now = std::min(now, limits::kMaxTimeMs);
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
