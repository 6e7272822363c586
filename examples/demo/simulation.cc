// The demo's simulation. A host's loop in miniature: a time-ordered queue
// of acts; each act builds an Event from what the host knows now, calls
// Step(event) (the timers due, then the event), and carries out (here: records)
// the actions. Some acts react to actions (a promotion suggestion becomes a
// move, a question draws an answer), so the queue grows as it runs.
#include "simulation.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "shequn/engine.h"
#include "shequn/text_format.h"

namespace demo {
namespace {

namespace v1 = shequn::v1;
using v1::Action;
using v1::Event;
using v1::Outcome;

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kStart = 1772294400000;  // 2026-03-01 00:00 UTC+8 (a Sunday)
constexpr int kUtcOffset = 8 * 3600;

// The community: a reading app's groups, from a lobby (acquisition) to the
// members' club (retention) and the ambassadors (sharing).
constexpr char kConfig[] = R"pb(
  id: "morning-readers"
  positioning {
    kind: COMMUNITY_KIND_PRODUCT
    why: "turn readers of the app into paying members"
    what: "read one book a month together"
    where: "WeChat"
    planned_life_days: 90
    planned_scale: 300
  }
  utc_offset_seconds: 28800
  groups { id: "lobby" name: "晨读社·新人群" stage: FUNNEL_STAGE_ACQUISITION capacity: 60 working_size: 50 }
  groups { id: "club" name: "晨读社·会员群" stage: FUNNEL_STAGE_RETENTION capacity: 200 working_size: 150 }
  groups { id: "ambassadors" name: "晨读社·分享官" stage: FUNNEL_STAGE_SHARING capacity: 60 }
  groups { id: "giveaway" name: "晨读社·送书活动群" stage: FUNNEL_STAGE_ACQUISITION capacity: 60 }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER nickname: "【晨读】阿青" group_id: "club" }
    staff { member_id: "admin" role: ROLE_ADMIN nickname: "【晨读】小林" group_id: "lobby" }
    staff { member_id: "ops" role: ROLE_ASSISTANT nickname: "【晨读】小助手" group_id: "lobby" }
    staff_nickname { prefix: "【晨读】" }
  }
  admission {
    require_rules_acceptance: true
    deposit_cents: 2000
    prescreen { attribute: "city" allowed_values: ["广州", "深圳", "珠海", "佛山", "东莞", "香港"] }
    overflow: OVERFLOW_POLICY_OPEN_GROUP
    entry_group_id: "lobby"
    community_quota: 220
  }
  ritual {
    steps: [RITUAL_STEP_ACCEPT_RULES, RITUAL_STEP_NICKNAME, RITUAL_STEP_INTRODUCTION]
    nickname { separator: "|" fields { name: "姓名" max_chars: 6 } fields { name: "职业" } fields { name: "城市" } }
    intro_fields: ["称呼", "家乡", "职业", "爱好"]
    welcome_message: "欢迎来到晨读社！请在两天内把群昵称改成 姓名|职业|城市 并做自我介绍。"
    deadline_seconds: 172800
    grace_seconds: 86400
  }
  rules {
    word_lists { category: "abuse" words: ["傻逼", "脑残", "滚蛋", "idiot"] }
    word_lists { category: "advertising" words: ["代购", "兼职刷单", "免费领取"] }
    detectors: ["url", "phone", "wechat", "qq"]
    categories { category: "advertising" ladder { ban: true } deposit_deduction_cents: 2000 }
    flood { max_messages: 8 window_seconds: 60 max_repeats: 3 }
    deposit_deduction_cents: 500
  }
  points {
    rules { kind: "check_in" points: 2 daily_cap: 2 }
    rules { kind: "on_topic_message" points: 1 daily_cap: 5 min_length: 6 }
    rules { kind: "answer" points: 4 daily_cap: 12 min_length: 10 }
    rules { kind: "share" points: 6 weekly_cap: 18 }
    rules { kind: "referral" points: 10 }
    rules { kind: "task_on_time" points: 10 }
    rules { kind: "task_late" points: 4 }
    rules { kind: "winning_proposal" points: 15 }
    check_in { streak_bonuses { days: 7 points: 10 repeat: true } make_up_cards_per_month: 1 }
    tasks { late_window_seconds: 86400 }
    awards { name: "monthly-top3" period: PERIOD_MONTH top_n: 3 points_by_place: [50, 30, 20] title: "月度之星" prize: "红包" prize_cents: 8800 review_at_half_month: true }
    titles { title: "老读者" min_balance: 200 }
  }
  segments {
    windows_days: [1, 7, 30]
    segments { name: "helpers" predicate { counter { name: "answers" op: COMPARISON_GE value: 3 } } }
    segments { name: "streakers" predicate { counter { name: "check_ins" window_days: 7 op: COMPARISON_GE value: 6 } } }
    segments {
      name: "fading-buyers"
      predicate { all {
        items { any { items { buyer_stage: BUYER_STAGE_PAYING } items { buyer_stage: BUYER_STAGE_REPEAT } } }
        items { any { items { tier: TIER_LURKER } items { tier: TIER_INACTIVE } } }
      } }
    }
    segments { name: "tagged-buyers" predicate { tag: "buyer" } }
    health {
      window_days: 7 min_participation_rate: 0.6 min_topic_participation: 0.4
      max_median_first_answer_seconds: 1800 min_shares_per_member: 0.2
      min_reactions_per_member: 2 max_messages_per_member_day: 30
    }
    dying { window_days: 7 max_participation_rate: 0.25 min_members: 5 }
  }
)pb";

enum class Persona { kTalker, kHelper, kLurker, kSpammer, kLeaver, kBuyer };

const char* PersonaName(Persona p) {
  switch (p) {
    case Persona::kTalker: return "talker";
    case Persona::kHelper: return "helper";
    case Persona::kLurker: return "lurker";
    case Persona::kSpammer: return "spammer";
    case Persona::kLeaver: return "leaver";
    case Persona::kBuyer: return "buyer";
  }
  return "?";
}

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                            "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const std::vector<std::string> kGiven = {"小雨", "子涵", "浩然", "欣怡", "思远", "一诺", "晓峰", "静怡",
                                         "嘉豪", "雨桐", "梓萱", "俊杰", "佳琪", "明轩", "若曦", "天宇"};
const std::vector<std::string> kJobs = {"编辑", "设计师", "程序员", "教师", "学生", "会计", "产品经理", "医生"};
const std::vector<std::string> kCities = {"广州", "深圳", "珠海", "佛山", "东莞", "香港", "广州",
                                          "深圳", "广州", "深圳", "佛山", "东莞", "上海", "北京"};
const std::vector<std::string> kTopics = {
    "今天读完了第三章，作者对时间的看法很有意思", "推荐一本最近在读的《人类简史》，视角很宏大",
    "早起读书第十天，感觉专注力好了很多", "这周的共读进度大家跟上了吗",
    "读到一句话很喜欢：种一棵树最好的时间是十年前", "分享一下我做读书笔记的方法，先画思维导图"};
const std::vector<std::string> kQuestions = {
    "有人知道第五章那个概念怎么理解吗？", "读书笔记大家用什么软件记？", "App里的书签怎么同步到电脑上？",
    "这本书有没有更好的译本？", "每天读多久比较合适？"};
const std::vector<std::string> kReplies = {"同意，我也有同感", "谢谢分享！收藏了", "我觉得可以换个角度看",
                                           "哈哈确实如此", "学到了，明天试试", "这个观点很有启发"};
const std::vector<std::string> kAnswers = {
    "可以在App的书架里找到，点右上角下载就可以了", "这个概念其实是说长期习惯比短期冲刺更重要",
    "我用的是App自带的笔记功能，可以导出来", "推荐三联的译本，注释比较全，读起来顺",
    "每天半小时就够了，关键是坚持下来"};
const std::vector<std::string> kAbuse = {"你是不是脑残啊", "滚蛋吧你", "傻逼才这么想", "you idiot"};
const std::vector<std::string> kAds = {"代购名牌包包，价格优惠，私聊", "兼职刷单日赚三百，私聊详谈",
                                       "免 费 领 取 会员卡，名额有限", "代-购 化妆品 正品保证"};
const std::vector<std::string> kBooks = {"《百年孤独》", "《活着》", "《人类简史》"};

struct Person {
  std::string id, name, job, city;
  Persona persona = Persona::kLurker;
  bool active = false;
  bool banned = false;
  bool ritual_done = false;
  std::string group;
  int join_day = 0;
  int answers = 0;
  bool tagged_helper = false;
  int paid = 0;
  bool hothead = false;  // quarrels often: meets the whole strike ladder
  bool freeloader = false;  // came for the campaign's giveaway; soon silent
};

struct Posted {
  std::string id, author;
};

class Sim {
 public:
  Sim(uint32_t seed, int days) : rng_(seed), days_(days) {
    v1::CommunityConfig config;
    if (!shequn::ParseTextFormat(kConfig, &config).ok()) std::abort();
    auto engine = shequn::Engine::Create(config);
    if (!engine.ok()) {
      std::fprintf(stderr, "config: %s\n", std::string(engine.status().message()).c_str());
      std::abort();
    }
    engine_ = std::move(*engine);
    r_.seed = seed;
    r_.days = days;
    r_.community = "晨读社 (morning-readers)";
    for (const auto& g : engine_->config().groups()) r_.group_ids.push_back(g.id());
    end_ms_ = DayStart(days);
  }

  Result Run() {
    for (int d = 0; d < days_; ++d) {
      At(DayStart(d) + 30 * kSecond, [this, d] { PlanDay(d); });
      At(DayStart(d + 1) - 1, [this, d] { Sample(d); });
    }
    while (!queue_.empty()) {
      auto it = queue_.begin();
      now_ = it->first.first;
      std::function<void()> act = std::move(it->second);
      queue_.erase(it);
      act();
    }
    Finish();
    return std::move(r_);
  }

 private:
  // ------------------------------------------------------------ plumbing
  uint32_t Pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool Chance(double p) { return static_cast<double>(rng_() % 1000000) < p * 1e6; }
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng_() % (hi - lo)); }
  template <typename T>
  const T& OneOf(const std::vector<T>& v) { return v[Pick(v.size())]; }
  static int64_t DayStart(int d) { return kStart + d * kDay; }
  int Today() const { return static_cast<int>((now_ - kStart) / kDay); }

  // Schedules `act` at `t` (never before now: events go forward in time).
  void At(int64_t t, std::function<void()> act) {
    t = std::max(t, now_);
    if (t >= end_ms_) return;
    queue_.emplace(std::make_pair(t, seq_++), std::move(act));
  }

  Event Make(const std::string& actor, const std::string& group) {
    Event e;
    e.set_id(absl::StrCat("e", ++next_event_));
    e.set_time_ms(now_);
    e.set_actor(actor);
    if (!group.empty()) e.set_group(group);
    return e;
  }

  // Step, as a host does: the timers due, then the event. nullptr when the
  // engine refused the event (counted by status code) or saw it before.
  const Outcome* Feed(const Event& e) {
    absl::StatusOr<Outcome> out = engine_->Step(e);
    if (!out.ok()) {
      ++r_.rejected_by_code[absl::StatusCodeToString(out.status().code())];
      // DEMO_DEBUG=1 shows each refused event and why.
      if (std::getenv("DEMO_DEBUG") != nullptr) {
        std::fprintf(stderr, "%s: %s\n", e.ShortDebugString().c_str(), out.status().ToString().c_str());
      }
      return nullptr;
    }
    if (out->duplicate()) {
      ++r_.duplicates;
      return nullptr;
    }
    ++r_.events_applied;
    last_event_ = e;
    last_ = std::move(*out);
    Tally(last_);
    return &last_;
  }

  Person* Find(const std::string& id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &people_[it->second];
  }

  // Carries out (records) what the engine decided.
  void Tally(const Outcome& out) {
    for (const Action& a : out.actions()) {
      ++r_.actions;
      Person* p = Find(a.member());
      if (a.strike_id() != 0 && strikes_.insert(a.strike_id()).second) {
        ++r_.violations_by_category[a.category()];
      }
      switch (a.kind()) {
        case v1::ACTION_KIND_ADMIT:
          if (p == nullptr) break;
          p->active = true;
          p->group = a.group();
          p->join_day = Today();
          if (a.rule() == "admission.waitlist") ++r_.seated_from_waitlist;
          Onboard(*p);
          break;
        case v1::ACTION_KIND_OPEN_GROUP:
          r_.groups_opened.push_back(a.target_group());
          r_.group_ids.push_back(a.target_group());
          break;
        case v1::ACTION_KIND_REMIND: ++r_.ritual_reminded; break;
        case v1::ACTION_KIND_REMOVE:
          if (p != nullptr) p->active = false;
          if (a.reason() == "ritual.incomplete") {
            ++r_.ritual_removed;
          } else if (absl::StartsWith(a.rule(), "rules.") || a.reason() == "deposit.exhausted") {
            Sanction("remove");
          }
          break;
        case v1::ACTION_KIND_BAN:
          if (p != nullptr) {
            p->active = false;
            p->banned = true;
            // A banned spammer tries again a few days later.
            const size_t i = by_id_[p->id];
            if (p->persona == Persona::kSpammer && Chance(0.5)) {
              At(now_ + Between(2 * kDay, 5 * kDay), [this, i] { Reapply(people_[i]); });
            }
          }
          Sanction("ban");
          break;
        case v1::ACTION_KIND_WARN_PRIVATELY: Sanction("warn"); break;
        case v1::ACTION_KIND_MUTE: Sanction("mute"); break;
        case v1::ACTION_KIND_HIDE_MESSAGE: ++r_.hidden_messages; break;
        case v1::ACTION_KIND_MEDIATE: ++r_.mediations; break;
        case v1::ACTION_KIND_MOVE:
          if (p != nullptr) p->group = a.target_group();
          ++r_.moves;
          break;
        case v1::ACTION_KIND_SUGGEST_PROMOTION: {
          ++r_.promotions_suggested;
          const std::string member = a.member(), to = a.target_group();
          At(now_ + Between(10 * kMinute, 3 * kHour), [this, member, to] {
            Event e = Make("ops", "");
            e.mutable_move()->set_member(member);
            e.mutable_move()->set_to_group(to);
            Feed(e);
          });
          break;
        }
        case v1::ACTION_KIND_DYING_GROUP:
          r_.dying_alerts.push_back(absl::StrCat(Date(now_), " ", a.group()));
          break;
        case v1::ACTION_KIND_RISK_ALERT: ++r_.risk_alerts; break;
        case v1::ACTION_KIND_SUGGEST_SPLIT: ++r_.split_suggestions; break;
        case v1::ACTION_KIND_GRANT_TITLE: ++r_.titles_granted; break;
        case v1::ACTION_KIND_ANNOUNCE_RESULTS:
          if (a.reason() == "award") {
            r_.awards.push_back(absl::StrCat(a.text(), ": ", absl::StrJoin(a.members(), ", ")));
          }
          break;
        default: break;
      }
    }
  }

  void Sanction(const std::string& kind) {
    ++r_.sanctions[kind];
    if (kind == "warn") ++cur_.warn;
    if (kind == "mute") ++cur_.mute;
    if (kind == "remove") ++cur_.remove;
    if (kind == "ban") ++cur_.ban;
  }

  static std::string Date(int64_t t) {
    return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(t), absl::FixedTimeZone(kUtcOffset));
  }

  // ------------------------------------------------------------ members
  Persona Draw(bool campaign) {
    // Weights: talker, helper, lurker, spammer, leaver, buyer.
    static const int kNormal[] = {15, 10, 33, 6, 12, 24};
    static const int kCampaign[] = {4, 0, 70, 8, 15, 3};
    const int* w = campaign ? kCampaign : kNormal;
    int x = static_cast<int>(Pick(100));
    for (int i = 0; i < 6; ++i) {
      if (x < w[i]) return static_cast<Persona>(i);
      x -= w[i];
    }
    return Persona::kLurker;
  }

  void NewApplicant(bool campaign) {
    Person p;
    p.id = absl::StrFormat("u%04d", people_.size() + 1);
    p.persona = Draw(campaign);
    p.name = OneOf(kSurnames) + OneOf(kGiven);
    p.job = OneOf(kJobs);
    p.city = OneOf(kCities);
    p.hothead = p.persona == Persona::kTalker && Chance(0.25);
    p.freeloader = campaign;
    by_id_[p.id] = people_.size();
    ++r_.personas[PersonaName(p.persona)];
    const size_t index = people_.size();
    people_.push_back(std::move(p));
    At(DayStart(Today()) + Between(8 * kHour, 22 * kHour), [this, index] { Apply(people_[index]); });
  }

  std::string RandomActive(const std::string& group, const std::string& not_this) {
    auto it = roster_.find(group);
    if (it == roster_.end() || it->second.empty()) return "";
    const std::string& id = OneOf(it->second);
    const Person* p = Find(id);
    return (id == not_this || p == nullptr || !p->active || p->group != group) ? "" : id;
  }

  void Apply(Person& p) {
    // The giveaway campaign has its own acquisition group.
    Event e = Make(p.id, p.freeloader ? "giveaway" : "");
    v1::Application& a = *e.mutable_apply();
    a.set_nickname(p.name);
    a.set_accepted_rules(p.persona == Persona::kSpammer || Chance(0.94));
    a.set_deposit_paid_cents(Chance(0.92) ? 2000 : 0);
    (*a.mutable_attributes())["city"] = p.city;
    if (Chance(0.25)) {
      const std::string inviter = RandomActive(Chance(0.5) ? "lobby" : "club", p.id);
      if (!inviter.empty()) a.set_inviter(inviter);
      a.set_channel("referral");
    } else {
      a.set_channel(Chance(0.6) ? "official-account" : "app");
    }
    ++r_.applications;
    const Outcome* out = Feed(e);
    if (out == nullptr) {
      ++r_.rejected_applications;
      return;
    }
    for (const Action& x : out->actions()) {
      if (x.member() != p.id) continue;
      if (x.kind() == v1::ACTION_KIND_ADMIT) ++r_.admitted;
      if (x.kind() == v1::ACTION_KIND_WAITLIST) ++r_.waitlisted;
      if (x.kind() == v1::ACTION_KIND_REFUSE) {
        ++r_.refused;
        ++r_.refused_by_reason[x.reason()];
      }
    }
  }

  // A banned applicant tries again: the engine says no.
  void Reapply(Person& p) {
    Event e = Make(p.id, "");
    e.mutable_apply()->set_nickname(p.name);
    e.mutable_apply()->set_accepted_rules(true);
    e.mutable_apply()->set_deposit_paid_cents(2000);
    (*e.mutable_apply()->mutable_attributes())["city"] = "深圳";
    ++r_.applications;
    const Outcome* out = Feed(e);
    if (out == nullptr) {
      ++r_.rejected_applications;
      return;
    }
    for (const Action& x : out->actions()) {
      if (x.kind() == v1::ACTION_KIND_REFUSE) {
        ++r_.refused;
        ++r_.refused_by_reason[x.reason()];
      }
      if (x.kind() == v1::ACTION_KIND_ADMIT) ++r_.admitted;
      if (x.kind() == v1::ACTION_KIND_WAITLIST) ++r_.waitlisted;
    }
  }

  // What a newcomer does after being admitted: the ritual (or not), and the
  // personality's big moments (leaving, spamming, buying).
  void Onboard(Person& p) {
    const size_t i = by_id_[p.id];
    static const double kDiligence[] = {0.92, 0.97, 0.72, 0.9, 0.75, 0.92};
    const bool diligent = Chance(kDiligence[static_cast<int>(p.persona)]);
    if (diligent || Chance(0.5)) {
      const bool sloppy = Chance(0.08);
      At(now_ + Between(10 * kMinute, 30 * kHour), [this, i, sloppy] {
        Person& q = people_[i];
        if (sloppy) Rename(q, q.name);  // no format: the engine says what is missing
        Rename(q, absl::StrCat(q.name, "|", q.job, "|", q.city));
      });
    }
    if (diligent) {
      At(now_ + Between(20 * kMinute, 40 * kHour), [this, i] { Introduce(people_[i]); });
    }
    const int64_t t = now_;
    switch (p.persona) {
      case Persona::kLeaver:
        At(t + Between(2 * kDay, 20 * kDay), [this, i] { Leave(people_[i]); });
        break;
      case Persona::kSpammer:
        At(t + Between(kDay, 8 * kDay) + Between(9 * kHour, 21 * kHour), [this, i] { Spam(people_[i]); });
        break;
      case Persona::kBuyer: {
        if (Chance(0.5)) At(t + Between(kDay, 6 * kDay), [this, i] { Buy(people_[i], true); });
        if (Chance(0.85)) {
          const int64_t first = t + Between(3 * kDay, 25 * kDay);
          At(first, [this, i] { Buy(people_[i], false); });
          if (Chance(0.55)) At(first + Between(10 * kDay, 40 * kDay), [this, i] { Buy(people_[i], false); });
        }
        break;
      }
      default:
        if (Chance(0.04)) At(t + Between(5 * kDay, 30 * kDay), [this, i] { Leave(people_[i]); });
        break;
    }
  }

  void Rename(Person& p, const std::string& nickname) {
    if (!p.active) return;
    Event e = Make(p.id, p.group);
    e.mutable_rename()->set_nickname(nickname);
    if (Feed(e) != nullptr) CheckRitual(p);
  }

  void Introduce(Person& p) {
    if (!p.active) return;
    Event e = Make(p.id, p.group);
    auto& f = *e.mutable_introduce()->mutable_fields();
    f["称呼"] = p.name;
    f["家乡"] = p.city;
    f["职业"] = p.job;
    f["爱好"] = "读书";
    if (Feed(e) != nullptr) CheckRitual(p);
  }

  void CheckRitual(Person& p) {
    if (p.ritual_done) return;
    auto rec = engine_->Member(p.id);
    if (rec.ok() && rec->ritual().complete()) {
      p.ritual_done = true;
      ++r_.ritual_completed;
    }
  }

  void Leave(Person& p) {
    if (!p.active) return;
    Event e = Make(p.id, p.group);
    e.mutable_leave();
    if (Feed(e) != nullptr) {
      p.active = false;
      ++r_.left;
    }
  }

  void Buy(Person& p, bool trial) {
    if (!p.active) return;
    Event e = Make(p.id, p.group);
    v1::Purchase& b = *e.mutable_purchase();
    b.set_order_id(absl::StrCat("o", ++next_order_));
    b.set_trial(trial);
    b.set_amount_cents(trial ? 990 : 19900);
    b.set_product(trial ? "体验卡" : "年度会员");
    if (Feed(e) == nullptr) return;
    ++r_.purchases;
    if (trial || p.paid++ > 0) return;
    const std::string id = p.id;
    At(now_ + 5 * kMinute, [this, id] {
      Event t = Make("ops", "");
      t.mutable_tag()->set_member(id);
      t.mutable_tag()->set_tag("buyer");
      Feed(t);
    });
  }

  // ------------------------------------------------------------ messages
  std::string Post(Person& p, const std::string& text, bool topic, bool question,
                   const std::string& reply_to = "", bool on_topic = true) {
    if (!p.active) return "";
    Event e = Make(p.id, p.group);
    v1::Message& m = *e.mutable_message();
    m.set_message_id(absl::StrCat("m", ++next_message_));
    m.set_text(text);
    m.set_starts_topic(topic);
    m.set_is_question(question);
    m.set_on_topic(on_topic);
    if (!reply_to.empty()) m.set_reply_to(reply_to);
    if (Feed(e) == nullptr) return "";
    ++cur_.messages;
    auto& recent = recent_[p.group];
    recent.push_back({m.message_id(), p.id});
    if (recent.size() > 30) recent.erase(recent.begin());
    return m.message_id();
  }

  // An ordinary message; it may draw reactions and, for a question, an answer.
  void Chat(Person& p) {
    if (!p.active) return;
    const std::string group = p.group;
    const auto& recent = recent_[group];
    std::string id;
    bool question = false;
    if (!recent.empty() && Chance(0.4)) {
      const Posted& to = recent[Pick(recent.size())];
      id = Post(p, OneOf(kReplies), false, false, to.id);
    } else if (Chance(0.25)) {
      question = true;
      id = Post(p, OneOf(kQuestions), true, true);
    } else {
      id = Post(p, OneOf(kTopics), true, false);
    }
    if (id.empty()) return;
    const std::string author = p.id;
    const int reactions = Chance(0.5) ? 1 + static_cast<int>(Pick(3)) : 0;
    for (int k = 0; k < reactions; ++k) {
      At(now_ + Between(kMinute, kHour), [this, group, id, author] {
        const std::string who = RandomActive(group, author);
        Person* q = Find(who);
        if (q == nullptr || (q->persona == Persona::kLurker && Chance(0.85))) return;
        Event e = Make(who, group);
        e.mutable_reaction()->set_message_id(id);
        e.mutable_reaction()->set_target_member(author);
        e.mutable_reaction()->set_emoji("👍");
        Feed(e);
      });
    }
    if (question && Chance(0.85)) {
      At(now_ + Between(3 * kMinute, 150 * kMinute), [this, group, id, author] { Answer(group, id, author); });
    }
  }

  void Answer(const std::string& group, const std::string& question, const std::string& asker) {
    // A helper answers when one is around; otherwise anyone may.
    std::string who;
    for (int tries = 0; tries < 6 && who.empty(); ++tries) {
      who = RandomActive(group, asker);
      if (Person* q = Find(who); q != nullptr && q->persona != Persona::kHelper && tries < 5) who.clear();
    }
    Person* q = Find(who);
    if (q == nullptr) return;
    const std::string text = OneOf(kAnswers);
    const std::string id = Post(*q, text, false, false, question);
    if (id.empty()) return;
    Event e = Make(who, group);
    e.mutable_contribution()->set_kind("answer");
    e.mutable_contribution()->set_message_id(id);
    e.mutable_contribution()->set_length(static_cast<uint32_t>(text.size() / 3));
    if (Feed(e) != nullptr && ++q->answers >= 5 && !q->tagged_helper) {
      q->tagged_helper = true;
      Event t = Make("owner", "");
      t.mutable_tag()->set_member(who);
      t.mutable_tag()->set_tag("helper");
      Feed(t);
    }
  }

  void Share(Person& p) {
    const std::string id = Post(p, absl::StrCat("分享一篇读书笔记：", OneOf(kBooks), "里最打动我的三段话"),
                                true, false);
    if (id.empty()) return;
    Event e = Make(p.id, p.group);
    e.mutable_contribution()->set_kind("share");
    e.mutable_contribution()->set_message_id(id);
    e.mutable_contribution()->set_length(300);
    Feed(e);
  }

  // A talker loses their temper; sometimes the other side answers in kind.
  void Quarrel(Person& p) {
    const auto& recent = recent_[p.group];
    if (!p.active || recent.empty()) return;
    const Posted to = recent[Pick(recent.size())];
    if (to.author == p.id) return;
    if (Post(p, OneOf(kAbuse), false, false, to.id, false).empty()) return;
    if (Chance(0.4)) {
      const std::string mine = recent_[p.group].back().id;
      const std::string other = to.author;
      At(now_ + Between(kMinute, 5 * kMinute), [this, other, mine] {
        if (Person* q = Find(other)) Post(*q, OneOf(kAbuse), false, false, mine, false);
      });
    }
  }

  void Spam(Person& p) {
    if (!p.active) return;
    if (Chance(0.3)) {  // flooding: the same line over and over
      for (int k = 0; k < 4; ++k) {
        const size_t i = by_id_[p.id];
        At(now_ + k * 5 * kSecond, [this, i] { Post(people_[i], "接龙接龙接龙！！", false, false, "", false); });
      }
      return;
    }
    if (Chance(0.3)) {
      Post(p, "想换个更好的群吗 加我 wxid_ab12cd34ef 拉你", false, false, "", false);
      return;
    }
    Post(p, OneOf(kAds), false, false, "", false);
  }

  void CheckIn(Person& p) {
    if (!p.active) return;
    Event e = Make(p.id, p.group);
    e.mutable_check_in()->set_text("今日已读");
    if (Feed(e) != nullptr) ++cur_.check_ins;
  }

  // ------------------------------------------------------------ the day
  double Interest(const Person& p, int day) const {
    static const double kTau[] = {45, 80, 20, 30, 20, 60};
    double tau = kTau[static_cast<int>(p.persona)];
    if (p.group == "club" || p.group == "ambassadors") tau *= 3;
    if (p.freeloader) tau = 6;
    return std::exp(-(day - p.join_day) / tau);
  }

  void PlanDay(int d) {
    // The roster the day's acts pick partners from.
    roster_.clear();
    for (const Person& p : people_) {
      if (p.active) roster_[p.group].push_back(p.id);
    }
    // Applicants: a steady trickle, a giveaway campaign on days 9-11, fewer late on.
    int arrivals = d < 60 ? 4 + static_cast<int>(Pick(4)) : 2 + static_cast<int>(Pick(3));
    for (int k = 0; k < arrivals; ++k) NewApplicant(false);
    if (d >= 9 && d <= 11) {
      for (int k = 0; k < 25; ++k) NewApplicant(true);
    }
    const int64_t day = DayStart(d);
    for (size_t i = 0; i < people_.size(); ++i) {
      const Person& p = people_[i];
      if (!p.active) continue;
      const double interest = Interest(p, d);
      int messages = 0;
      double check_in = 0, share = 0;
      switch (p.persona) {
        case Persona::kTalker:
          messages = static_cast<int>(std::lround(interest * (2 + Pick(6)))) + (Chance(0.3) ? 1 : 0);
          check_in = 0.55;
          if (Chance(p.hothead ? 0.08 : 0.01)) At(day + Between(12 * kHour, 23 * kHour), [this, i] { Quarrel(people_[i]); });
          share = 0.05;
          break;
        case Persona::kHelper:
          messages = static_cast<int>(std::lround(interest * (1 + Pick(3))));
          check_in = 0.9;
          share = 0.2;
          break;
        case Persona::kBuyer:
          messages = static_cast<int>(std::lround(interest * Pick(4)));
          check_in = 0.6;
          share = p.paid > 0 ? 0.1 : 0.03;
          break;
        case Persona::kLurker:
          messages = Chance(0.05 * interest + 0.005) ? 1 : 0;
          check_in = 0.04;
          break;
        case Persona::kLeaver:
          messages = Chance(0.3 * interest) ? 1 : 0;
          check_in = 0.25;
          break;
        case Persona::kSpammer:
          messages = Chance(0.3) ? 1 : 0;
          check_in = 0.05;
          break;
      }
      for (int k = 0; k < messages; ++k) {
        At(day + Between(7 * kHour, 23 * kHour), [this, i] { Chat(people_[i]); });
      }
      if (p.freeloader) check_in *= interest;
      if (Chance(check_in * (0.4 + 0.6 * interest))) {
        At(day + Between(6 * kHour, 9 * kHour), [this, i] { CheckIn(people_[i]); });
      }
      if (Chance(share * interest)) {
        At(day + Between(19 * kHour, 23 * kHour), [this, i] { Share(people_[i]); });
      }
    }
    if (d % 7 == 1) PlanWeeklyTask(d);
    if (d % 7 == 3) PlanLecture(d);
    if (d == 19) PlanPoll(d);
    PlanMistakes(d);
  }

  // Mondays: the week's reading task, due Sunday 22:00, a day's grace after.
  void PlanWeeklyTask(int d) {
    const std::string task = absl::StrCat("week-", d / 7 + 1);
    const int64_t deadline = DayStart(d + 6) + 22 * kHour;
    At(DayStart(d) + 9 * kHour, [this, task, deadline] {
      Event e = Make("owner", "");
      e.mutable_assign_task()->set_task_id(task);
      e.mutable_assign_task()->set_title("本周读书笔记");
      e.mutable_assign_task()->set_deadline_ms(deadline);
      Feed(e);
    });
    static const double kDiligence[] = {0.4, 0.85, 0.05, 0.0, 0.1, 0.35};
    for (size_t i = 0; i < people_.size(); ++i) {
      const Person& p = people_[i];
      if (!p.active || !Chance(kDiligence[static_cast<int>(p.persona)])) continue;
      At(DayStart(d) + Between(10 * kHour, 7 * kDay + 20 * kHour), [this, i, task] {
        Person& q = people_[i];
        if (!q.active) return;
        Event e = Make(q.id, q.group);
        e.mutable_submit_task()->set_task_id(task);
        e.mutable_submit_task()->set_content("读书笔记：本周读了两章，记录了五个要点。");
        Feed(e);
      });
    }
  }

  // Wednesdays: a lecture in the members' club.
  void PlanLecture(int d) {
    At(DayStart(d) + 20 * kHour, [this] {
      Event e = Make("owner", "club");
      v1::GroupActivityHeld& a = *e.mutable_activity_held();
      a.set_name("周三读书分享会");
      for (const Person& p : people_) {
        if (p.active && p.group == "club" && Chance(0.45)) a.add_attendees(p.id);
      }
      Feed(e);
    });
  }

  // A poll on next month's book, proposed by helpers; closes a week later.
  void PlanPoll(int d) {
    At(DayStart(d) + 10 * kHour, [this, d] {
      Event e = Make("owner", "");
      v1::PollOpening& o = *e.mutable_open_poll();
      o.set_poll_id("april-book");
      o.set_question("四月共读哪本书？");
      o.set_closes_ms(DayStart(d + 7) + 20 * kHour);
      std::vector<std::string> proposers;
      for (const Person& p : people_) {
        if (p.active && p.persona == Persona::kHelper && proposers.size() < kBooks.size()) {
          proposers.push_back(p.id);
        }
      }
      for (size_t k = 0; k < kBooks.size(); ++k) {
        o.add_options(kBooks[k]);
        if (proposers.size() == kBooks.size()) o.add_option_proposers(proposers[k]);
      }
      Feed(e);
    });
    for (size_t i = 0; i < people_.size(); ++i) {
      const Person& p = people_[i];
      if (!p.active || p.persona == Persona::kSpammer || !Chance(0.55)) continue;
      const uint32_t choice = Pick(10) < 5 ? 1 : Pick(3);
      At(DayStart(d) + Between(11 * kHour, 6 * kDay), [this, i, choice] {
        Person& q = people_[i];
        if (!q.active) return;
        Event e = Make(q.id, q.group);
        e.mutable_vote()->set_poll_id("april-book");
        e.mutable_vote()->add_options(choice);
        Feed(e);
      });
    }
  }

  // Bad input on purpose: the engine must refuse it and change nothing.
  void PlanMistakes(int d) {
    const int64_t t = DayStart(d) + Between(9 * kHour, 21 * kHour);
    if (d % 5 == 0) {  // a member tries to mute someone: PERMISSION_DENIED
      At(t, [this] {
        for (const Person& p : people_) {
          if (!p.active) continue;
          for (const Person& q : people_) {
            if (!q.active || q.id == p.id) continue;
            Event e = Make(p.id, p.group);
            e.mutable_sanction()->set_member(q.id);
            e.mutable_sanction()->set_kind(v1::SANCTION_KIND_MUTE);
            e.mutable_sanction()->set_duration_seconds(3600);
            Feed(e);
            return;
          }
        }
      });
    }
    if (d % 7 == 2) {  // someone the engine never saw posts: NOT_FOUND
      At(t + kMinute, [this, d] {
        Event e = Make(absl::StrCat("ghost-", d), "lobby");
        e.mutable_message()->set_message_id(absl::StrCat("ghost-msg-", d));
        e.mutable_message()->set_text("有人吗");
        Feed(e);
      });
    }
    if (d % 6 == 4) {  // the host retries the last event: a duplicate
      At(t + 2 * kMinute, [this] {
        if (last_event_.id().empty()) return;
        Feed(last_event_);
      });
    }
    if (d % 9 == 5) {  // a message claimed for the wrong group: FAILED_PRECONDITION
      At(t + 3 * kMinute, [this] {
        for (Person& p : people_) {
          if (!p.active || p.group != "lobby") continue;
          Event e = Make(p.id, "ambassadors");
          e.mutable_message()->set_message_id(absl::StrCat("m", ++next_message_));
          e.mutable_message()->set_text("发错群了");
          Feed(e);
          return;
        }
      });
    }
  }

  void Sample(int d) {
    if (auto timers = engine_->AdvanceTo(now_); timers.ok()) Tally(*timers);
    const v1::Report rep = engine_->Report(now_);
    cur_.day = d;
    cur_.date = Date(DayStart(d));
    cur_.headcount = rep.community().headcount();
    cur_.active = rep.community().tiers().active();
    cur_.moderate = rep.community().tiers().moderate();
    cur_.lurker = rep.community().tiers().lurker();
    cur_.inactive = rep.community().tiers().inactive();
    for (const v1::GroupReport& g : rep.groups()) {
      if (g.headcount() > 0) cur_.health[g.group()] = g.health().score();
    }
    r_.samples.push_back(std::move(cur_));
    cur_ = DaySample{};
  }

  void Finish() {
    const int64_t end = end_ms_ - 1;
    v1::BoardQuery all_time;
    if (auto board = engine_->Leaderboard(all_time, 10); board.ok()) {
      for (const v1::BoardRow& row : board->rows()) {
        BoardEntry b;
        b.rank = row.rank() + 1;
        b.member = row.member();
        b.score = row.score();
        if (const Person* p = Find(row.member())) {
          b.name = p->name;
          b.persona = PersonaName(p->persona);
        } else {
          b.name = "staff";
          b.persona = "staff";
        }
        r_.leaderboard.push_back(std::move(b));
      }
    }
    const v1::Report rep = engine_->Report(end);
    const v1::CommunitySnapshot snap = engine_->Snapshot();
    r_.waitlist_at_end = snap.membership().waitlist_size();
    std::map<std::string, const v1::GroupRecord*> records;
    for (const v1::GroupRecord& g : snap.membership().groups()) records[g.id()] = &g;
    for (const v1::GroupReport& g : rep.groups()) {
      GroupRow row;
      row.id = g.group();
      row.stage = v1::FunnelStage_Name(g.stage()).substr(13);
      row.headcount = g.headcount();
      row.health = g.health().score();
      row.dying = g.health().dying();
      for (const v1::PeriodKpis& k : g.periods()) {
        if (k.days() == 7) row.participation = k.participation_rate();
      }
      if (auto it = records.find(g.group()); it != records.end()) {
        row.capacity = it->second->capacity();
        row.opened_from = it->second->opened_from();
      }
      r_.groups.push_back(std::move(row));
    }
    for (const v1::SegmentSize& s : rep.segments()) r_.segments[s.name()] = s.size();
    r_.core_users = rep.core_user_count();
    if (auto poll = engine_->Poll("april-book"); poll.ok()) {
      r_.poll = poll->question();
      if (poll->closed() && poll->winner() >= 0) {
        const v1::PollOption& w = poll->options(poll->winner());
        absl::StrAppend(&r_.poll, " -> ", w.text(), " (", w.votes(), " of ", poll->voters(), " votes)");
      } else {
        absl::StrAppend(&r_.poll, " (open, ", poll->voters(), " votes)");
      }
    }
  }

  std::mt19937 rng_;
  int days_;
  int64_t end_ms_ = 0;
  std::unique_ptr<shequn::Engine> engine_;
  std::map<std::pair<int64_t, uint64_t>, std::function<void()>> queue_;
  uint64_t seq_ = 0;
  int64_t now_ = 0;
  uint64_t next_event_ = 0, next_message_ = 0, next_order_ = 0;
  std::vector<Person> people_;
  std::map<std::string, size_t> by_id_;
  std::map<std::string, std::vector<std::string>> roster_;  // group -> active ids, at day start
  std::map<std::string, std::vector<Posted>> recent_;       // group -> recent messages
  std::set<uint64_t> strikes_;
  Event last_event_;
  Outcome last_;
  DaySample cur_;
  Result r_;
};

std::string Percent(double x) { return absl::StrFormat("%.1f%%", 100 * x); }

std::string JoinCounts(const std::map<std::string, int>& m) {
  std::vector<std::string> parts;
  for (const auto& [k, n] : m) parts.push_back(absl::StrCat(k, " ", n));
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

}  // namespace

Result Simulate(uint32_t seed, int days) { return Sim(seed, days).Run(); }

std::string TextSummary(const Result& r, const std::string& html_path) {
  std::string s;
  absl::StrAppend(&s, r.community, " - shequn demo, seed ", r.seed, ", ", r.days, " days\n");
  absl::StrAppend(&s, "applicants by personality: ", JoinCounts(r.personas), "\n");
  absl::StrAppend(&s, "admission: ", r.applications, " applications: ", r.admitted, " admitted, ",
                  r.waitlisted, " waitlisted, ", r.refused, " refused, ", r.rejected_applications,
                  " rejected by the engine\n");
  absl::StrAppend(&s, "  refused, by reason: ", JoinCounts(r.refused_by_reason), "\n");
  absl::StrAppend(&s, "  groups opened: ", r.groups_opened.size(),
                  r.groups_opened.empty() ? "" : absl::StrCat(" (", absl::StrJoin(r.groups_opened, ", "), ")"),
                  "\n");
  absl::StrAppend(&s, "  seated from the waitlist: ", r.seated_from_waitlist,
                  "; still waiting at the end: ", r.waitlist_at_end, "\n");
  absl::StrAppend(&s, "ritual: ", r.ritual_completed, " completed, ", r.ritual_reminded, " reminded, ",
                  r.ritual_removed, " removed for not finishing it\n");
  absl::StrAppend(&s, "left on their own: ", r.left, "\n");
  const auto count = [&](const char* k) {
    auto it = r.sanctions.find(k);
    return it == r.sanctions.end() ? 0 : it->second;
  };
  absl::StrAppend(&s, "sanctions: warn ", count("warn"), ", mute ", count("mute"), ", remove ", count("remove"),
                  ", ban ", count("ban"), "\n");
  absl::StrAppend(&s, "  violations, by category: ", JoinCounts(r.violations_by_category),
                  "; mediations ", r.mediations, "; messages hidden ", r.hidden_messages, "\n");
  absl::StrAppend(&s, "funnel: ", r.purchases, " purchases, ", r.promotions_suggested,
                  " promotions suggested, ", r.moves, " members moved\n");
  for (const std::string& a : r.awards) absl::StrAppend(&s, "award: ", a, "\n");
  if (!r.poll.empty()) absl::StrAppend(&s, "poll: ", r.poll, "\n");
  std::vector<std::string> top;
  for (size_t i = 0; i < r.leaderboard.size() && i < 3; ++i) {
    const BoardEntry& b = r.leaderboard[i];
    top.push_back(absl::StrCat(b.rank, ". ", b.member, " ", b.name, " (", b.persona, ") ", b.score));
  }
  absl::StrAppend(&s, "top 3: ", top.empty() ? "none" : absl::StrJoin(top, "; "), "\n");
  std::vector<std::string> dying;
  for (const GroupRow& g : r.groups) {
    if (g.dying) dying.push_back(absl::StrCat(g.id, " (participation ", Percent(g.participation), ")"));
  }
  absl::StrAppend(&s, "dying groups: ", dying.empty() ? "none" : absl::StrJoin(dying, ", "), "\n");
  absl::StrAppend(&s, "  dying-group alerts: ",
                  r.dying_alerts.empty() ? "none" : absl::StrJoin(r.dying_alerts, ", "), "\n");
  int rejected = 0;
  for (const auto& [code, n] : r.rejected_by_code) rejected += n;
  absl::StrAppend(&s, "events: ", r.events_applied, " applied, ", r.duplicates, " duplicates ignored, ",
                  rejected, " rejected (", JoinCounts(r.rejected_by_code), ")\n");
  absl::StrAppend(&s, "html: ", html_path, "\n");
  return s;
}

}  // namespace demo
