#include "segments/segments.h"
#include "base/field_errors.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "segments/predicate.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::segments {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
constexpr int kMaxWindowDays = 31;
constexpr int64_t kMaxDurationDays = limits::kMaxDurationSeconds / 86'400;

// Orbit love per activity.
constexpr double kLoveMessage = 1, kLoveTopic = 2, kLoveAnswer = 2, kLoveShare = 3,
                 kLoveReactionGiven = 0.25, kLoveReactionReceived = 0.5, kLoveCheckIn = 1,
                 kLoveAttended = 2;

absl::Status CheckWindow(int32_t days, int longest, const std::string& path) {
  if (days < 0) return InvalidField(path, absl::StrCat("must not be negative, got ", days));
  if (days > longest) {
    return InvalidField(path, absl::StrCat("must be at most the longest window (", longest,
                                      " days), got ", days));
  }
  return absl::OkStatus();
}

bool IsViolation(v1::ActionKind k) {
  return k == v1::ACTION_KIND_WARN_PRIVATELY || k == v1::ACTION_KIND_MUTE ||
         k == v1::ACTION_KIND_HIDE_MESSAGE || k == v1::ACTION_KIND_DEDUCT_DEPOSIT ||
         k == v1::ACTION_KIND_BAN;
}

bool NamesMember(v1::ActionKind k) {
  return k == v1::ACTION_KIND_ADMIT || k == v1::ACTION_KIND_REMOVE ||
         k == v1::ACTION_KIND_BAN || k == v1::ACTION_KIND_MOVE;
}

Settings Resolve(const v1::SegmentsConfig& c) {
  Settings s;
  s.windows.assign(c.windows_days().begin(), c.windows_days().end());
  if (s.windows.empty()) s.windows = {1, 7, 30};
  s.longest = *std::max_element(s.windows.begin(), s.windows.end());
  s.tiers = c.tiers();
  if (s.tiers.window_days() == 0) s.tiers.set_window_days(std::min(7, s.longest));
  if (s.tiers.active_min_topics() == 0) s.tiers.set_active_min_topics(1);
  if (s.tiers.moderate_min_events() == 0) s.tiers.set_moderate_min_events(1);
  s.seed = c.seed();
  if (s.seed.first_days() == 0) s.seed.set_first_days(7);
  if (s.seed.in_group_weight() == 0) s.seed.set_in_group_weight(1);
  if (s.seed.product_weight() == 0) s.seed.set_product_weight(1);
  if (s.seed.group_size() == 0) s.seed.set_group_size(30);
  if (s.seed.checkpoints().empty()) {
    for (const char* cp : {"before", "2w", "1m"}) s.seed.add_checkpoints(cp);
  }
  s.orbit = c.orbit();
  if (s.orbit.half_life_days() == 0) s.orbit.set_half_life_days(30);
  if (s.orbit.level1_love() == 0) s.orbit.set_level1_love(40);
  if (s.orbit.level2_love() == 0) s.orbit.set_level2_love(10);
  s.rfm = c.rfm();
  if (s.rfm.recency_days().empty()) {
    for (int d : {7, 30, 90, 180}) s.rfm.add_recency_days(d);
  }
  if (s.rfm.frequency().empty()) {
    for (uint32_t f : {10, 5, 3, 2}) s.rfm.add_frequency(f);
  }
  if (s.rfm.monetary_cents().empty()) {
    for (int64_t m : {100000, 30000, 10000, 3000}) s.rfm.add_monetary_cents(m);
  }
  s.health = health::ResolveStandard(c.health());
  s.dying = c.dying();
  if (s.dying.window_days() == 0) s.dying.set_window_days(std::min(7, s.longest));
  if (s.dying.max_participation_rate() == 0) s.dying.set_max_participation_rate(0.1);
  if (s.dying.min_members() == 0) s.dying.set_min_members(3);
  s.risk = c.risk();
  if (s.risk.min_violations() == 0) s.risk.set_min_violations(5);
  if (s.risk.spike_ratio() == 0) s.risk.set_spike_ratio(3);
  s.list_limit = c.report_list_limit() == 0 ? 100 : c.report_list_limit();
  return s;
}

absl::Status ValidateHealth(const v1::HealthStandard& h, int longest, const std::string& at) {
  if (absl::Status s = CheckWindow(h.window_days(), longest, at + ".window_days"); !s.ok()) {
    return s;
  }
  const std::pair<double, const char*> fractions[] = {
      {h.min_participation_rate(), "min_participation_rate"},
      {h.min_topic_participation(), "min_topic_participation"}};
  for (const auto& [v, name] : fractions) {
    if (!(v >= 0 && v <= 1)) return InvalidField(absl::StrCat(at, ".", name), "must be in [0, 1]");
  }
  const std::pair<double, const char*> rates[] = {
      {h.min_shares_per_member(), "min_shares_per_member"},
      {h.min_reactions_per_member(), "min_reactions_per_member"},
      {h.max_messages_per_member_day(), "max_messages_per_member_day"}};
  for (const auto& [v, name] : rates) {
    if (!(v >= 0 && v <= 1e6)) return InvalidField(absl::StrCat(at, ".", name), "must be in [0, 1e6]");
  }
  return CheckRange(h.max_median_first_answer_seconds(), 0, limits::kMaxDurationSeconds,
                    at + ".max_median_first_answer_seconds");
}

}  // namespace

// ------------------------------------------------------------------ config

absl::Status Segments::ValidateConfig(const v1::CommunityConfig& config) {
  const v1::SegmentsConfig& c = config.segments();
  for (int i = 0; i < c.windows_days_size(); ++i) {
    const int32_t w = c.windows_days(i);
    const std::string at = absl::StrCat("segments.windows_days[", i, "]");
    if (w <= 0) return InvalidField(at, absl::StrCat("a window must be at least 1 day, got ", w));
    if (w > kMaxWindowDays) {
      return InvalidField(at, absl::StrCat("a window is at most ", kMaxWindowDays, " days, got ", w));
    }
    for (int j = 0; j < i; ++j) {
      if (c.windows_days(j) == w) return InvalidField(at, absl::StrCat("duplicate window ", w));
    }
  }
  const Settings s = Resolve(c);
  if (absl::Status st = CheckWindow(c.tiers().window_days(), s.longest, "segments.tiers.window_days");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckRange(c.seed().first_days(), 0, kMaxDurationDays, "segments.seed.first_days");
      !st.ok()) {
    return st;
  }
  for (const auto& [v, name] : {std::pair{c.seed().in_group_weight(), "in_group_weight"},
                                std::pair{c.seed().product_weight(), "product_weight"}}) {
    if (!std::isfinite(v) || std::fabs(v) > 1e6) {
      return InvalidField(absl::StrCat("segments.seed.", name), "must be finite, at most 1e6");
    }
  }
  if (c.seed().group_size() > 10000) return InvalidField("segments.seed.group_size", "at most 10000");
  for (int i = 0; i < c.seed().checkpoints_size(); ++i) {
    const std::string at = absl::StrCat("segments.seed.checkpoints[", i, "]");
    if (c.seed().checkpoints(i).empty()) return InvalidField(at, "must not be empty");
    if (absl::Status st = CheckUtf8Field(c.seed().checkpoints(i), at); !st.ok()) return st;
    for (int j = 0; j < i; ++j) {
      if (c.seed().checkpoints(j) == c.seed().checkpoints(i)) return InvalidField(at, "duplicate");
    }
  }
  if (!(c.orbit().half_life_days() >= 0 && c.orbit().half_life_days() <= 3650)) {
    return InvalidField("segments.orbit.half_life_days", "must be in [0, 3650]");
  }
  if (!(c.orbit().level1_love() >= 0) || !(c.orbit().level2_love() >= 0) ||
      s.orbit.level1_love() < s.orbit.level2_love()) {
    return InvalidField("segments.orbit.level1_love",
                   "levels must be non-negative and level1_love ≥ level2_love");
  }
  if ((c.rfm().recency_days_size() != 0 && c.rfm().recency_days_size() != 4) ||
      (c.rfm().frequency_size() != 0 && c.rfm().frequency_size() != 4) ||
      (c.rfm().monetary_cents_size() != 0 && c.rfm().monetary_cents_size() != 4)) {
    return InvalidField("segments.rfm", "each threshold list has exactly 4 entries (or none)");
  }
  for (int i = 0; i < c.rfm().recency_days_size(); ++i) {
    if (absl::Status st = CheckRange(c.rfm().recency_days(i), 0, kMaxDurationDays,
                                     absl::StrCat("segments.rfm.recency_days[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  for (int i = 0; i < c.rfm().monetary_cents_size(); ++i) {
    if (absl::Status st = CheckRange(c.rfm().monetary_cents(i), 0, limits::kMaxCents,
                                     absl::StrCat("segments.rfm.monetary_cents[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  for (int i = 0; i < c.segments_size(); ++i) {
    const v1::SegmentDefinition& d = c.segments(i);
    const std::string at = absl::StrCat("segments.segments[", i, "]");
    if (d.name().empty()) return InvalidField(at + ".name", "required");
    if (absl::Status st = CheckUtf8Field(d.name(), at + ".name"); !st.ok()) return st;
    for (int j = 0; j < i; ++j) {
      if (c.segments(j).name() == d.name()) {
        return InvalidField(at + ".name", absl::StrCat("duplicate segment '", d.name(), "'"));
      }
    }
    if (!d.has_predicate()) return InvalidField(at + ".predicate", "required");
    if (absl::Status st = ValidatePredicate(d.predicate(), at + ".predicate", s.longest); !st.ok()) {
      return st;
    }
  }
  if (absl::Status st = ValidateHealth(c.health(), s.longest, "segments.health"); !st.ok()) {
    return st;
  }
  for (const auto& [group, h] : c.group_health()) {
    bool known = false;
    for (const v1::GroupConfig& g : config.groups()) known = known || g.id() == group;
    const std::string at = absl::StrCat("segments.group_health[", group, "]");
    if (!known) return InvalidField(at, "unknown group");
    if (absl::Status st = ValidateHealth(h, s.longest, at); !st.ok()) return st;
  }
  if (absl::Status st = CheckWindow(c.dying().window_days(), s.longest, "segments.dying.window_days");
      !st.ok()) {
    return st;
  }
  if (!(c.dying().max_participation_rate() >= 0 && c.dying().max_participation_rate() <= 1)) {
    return InvalidField("segments.dying.max_participation_rate", "must be in [0, 1]");
  }
  if (!(c.risk().spike_ratio() >= 0 && c.risk().spike_ratio() <= 1e6)) {
    return InvalidField("segments.risk.spike_ratio", "must be in [0, 1e6]");
  }
  return absl::OkStatus();
}

Segments::Segments(const v1::CommunityConfig& config, const membership::Membership& members)
    : config_(config),
      members_(members),
      settings_(Resolve(config.segments())),
      rings_(settings_.longest) {
  if (!config.time_zone().empty()) {
    absl::TimeZone zone;
    if (absl::LoadTimeZone(config.time_zone(), &zone)) zone_ = zone;
  }
  Grow();
  for (MemberIndex m = 0; m < hot_.size(); ++m) {
    const membership::Member& member = members_.member(m);
    hot_[m].group_seen = member.active() ? member.group : -1;
  }
}

uint32_t Segments::DayOf(int64_t ms) const {
  int64_t offset_ms = int64_t{config_.utc_offset_seconds()} * 1000;
  if (zone_.has_value()) offset_ms = int64_t{zone_->At(absl::FromUnixMillis(ms)).offset} * 1000;
  const int64_t local = ms + offset_ms;
  int64_t day = local / kDayMs;
  if (local % kDayMs < 0) --day;
  return static_cast<uint32_t>(std::clamp<int64_t>(day, 1, UINT16_MAX));
}

int64_t Segments::StartOfDay(uint32_t day) const {
  const int64_t utc = int64_t{day} * kDayMs;
  int64_t offset_ms = int64_t{config_.utc_offset_seconds()} * 1000;
  if (zone_.has_value()) offset_ms = int64_t{zone_->At(absl::FromUnixMillis(utc)).offset} * 1000;
  return utc - offset_ms;
}

void Segments::Grow() {
  const size_t n = members_.member_count();
  if (hot_.size() < n) {
    hot_.resize(n);
    rings_.Resize(n);
  }
  days_.Resize(members_.group_count());
}

size_t Segments::bytes_per_member() const { return rings_.bytes_per_member() + sizeof(Hot); }

// ------------------------------------------------------------------ events

bool Segments::Handles(v1::Event::KindCase kind) {
  return kind == v1::Event::kReaction || kind == v1::Event::kPurchase ||
         kind == v1::Event::kProductActivity || kind == v1::Event::kTag ||
         kind == v1::Event::kActivityHeld;
}

absl::Status Segments::Check(const v1::Event& e) const {
  switch (e.kind_case()) {
    case v1::Event::kReaction: {
      if (absl::StatusOr<MemberIndex> m = members_.ActorInGroup(e); !m.ok()) return m.status();
      const v1::Reaction& r = e.reaction();
      if (!r.target_member().empty() && !members_.Find(r.target_member()).has_value()) {
        return absl::NotFoundError(
            absl::StrCat("reaction.target_member: unknown member '", r.target_member(), "'"));
      }
      return absl::OkStatus();
    }
    case v1::Event::kPurchase: {
      if (!members_.Find(e.actor()).has_value()) {
        return absl::NotFoundError(absl::StrCat("actor: unknown member '", e.actor(), "'"));
      }
      return absl::OkStatus();
    }
    case v1::Event::kProductActivity: {
      if (!members_.Find(e.actor()).has_value()) {
        return absl::NotFoundError(absl::StrCat("actor: unknown member '", e.actor(), "'"));
      }
      const v1::ProductActivity& p = e.product_activity();
      for (const std::string& cp : settings_.seed.checkpoints()) {
        if (cp == p.checkpoint()) return absl::OkStatus();
      }
      return InvalidField("product_activity.checkpoint",
                     absl::StrCat("unknown checkpoint '", p.checkpoint(),
                                  "' (see segments.seed.checkpoints)"));
    }
    case v1::Event::kTag: {
      const v1::TagChange& t = e.tag();
      std::optional<MemberIndex> target = members_.Find(t.member());
      if (!target.has_value()) {
        return absl::NotFoundError(
            absl::StrCat("tag.member: unknown member '", t.member(), "'"));
      }
      if (t.tag().empty()) return InvalidField("tag.tag", "required");
      if (text::CountCodePoints(t.tag()) > limits::kMaxTagCodePoints) {
        return InvalidField("tag.tag",
                            absl::StrCat("at most ", limits::kMaxTagCodePoints, " characters"));
      }
      if (!t.remove() && !tag_ids_.contains(t.tag()) && tag_names_.size() >= UINT16_MAX) {
        return absl::ResourceExhaustedError("tag.tag: too many distinct tags (65535)");
      }
      return members_.AuthorizeOperator(e, OperatorAct::kTag, target);
    }
    case v1::Event::kActivityHeld: {
      if (absl::Status s = members_.AuthorizeOperator(e, OperatorAct::kRecordActivity,
                                                      std::nullopt);
          !s.ok()) {
        return s;
      }
      if (e.group().empty()) return InvalidField("group", "required");
      if (!members_.FindGroup(e.group()).has_value()) {
        return absl::NotFoundError(absl::StrCat("group: unknown group '", e.group(), "'"));
      }
      const v1::GroupActivityHeld& a = e.activity_held();
      for (int i = 0; i < a.attendees_size(); ++i) {
        if (!members_.Find(a.attendees(i)).has_value()) {
          return absl::NotFoundError(absl::StrCat("activity_held.attendees[", i,
                                                  "]: unknown member"));
        }
      }
      return absl::OkStatus();
    }
    default:
      return absl::UnimplementedError("kind: not handled by the segments part");
  }
}

void Segments::Count(MemberIndex m, int64_t now, Counter c, double love) {
  const uint32_t day = DayOf(now);
  rings_.Add(m, day, c);
  Hot& h = hot_[m];
  h.love = LoveAt(m, day) + love;
  h.love_day = static_cast<uint16_t>(day);
  const membership::Member& member = members_.member(m);
  if (member.joined_ms > 0 && now < member.joined_ms + settings_.seed.first_days() * kDayMs &&
      h.first_days_events < UINT16_MAX) {
    ++h.first_days_events;
  }
}

double Segments::LoveAt(MemberIndex m, uint32_t day) const {
  const Hot& h = hot_[m];
  if (h.love == 0 || day <= h.love_day) return h.love;
  return h.love * std::exp2(-static_cast<double>(day - h.love_day) /
                            settings_.orbit.half_life_days());
}

int32_t Segments::GroupOf(MemberIndex m, const v1::Event& e) const {
  const membership::Member& member = members_.member(m);
  if (!e.group().empty()) {
    if (std::optional<int32_t> g = members_.FindGroup(e.group())) return *g;
  }
  return member.group;
}

void Segments::Apply(const v1::Event& e, v1::Outcome& out) {
  Grow();
  const int64_t now = e.time_ms();
  const uint32_t day = DayOf(now);
  const MemberIndex actor = *members_.Find(e.actor());
  switch (e.kind_case()) {
    case v1::Event::kReaction: {
      Count(actor, now, kReactionsGiven, kLoveReactionGiven);
      if (!e.reaction().target_member().empty()) {
        Count(*members_.Find(e.reaction().target_member()), now, kReactionsReceived,
              kLoveReactionReceived);
      }
      days_.Add(GroupOf(actor, e), day, health::kReactions);
      return;
    }
    case v1::Event::kPurchase:
      return ApplyPurchase(e, out);
    case v1::Event::kProductActivity: {
      Buyer& b = buyers_[actor];
      const int n = settings_.seed.checkpoints_size();
      b.product.resize(n, std::numeric_limits<double>::quiet_NaN());
      for (int i = 0; i < n; ++i) {
        if (settings_.seed.checkpoints(i) == e.product_activity().checkpoint()) {
          b.product[i] = e.product_activity().score();
        }
      }
      return;
    }
    case v1::Event::kTag: {
      const MemberIndex m = *members_.Find(e.tag().member());
      auto it = tag_ids_.find(e.tag().tag());
      if (e.tag().remove()) {
        if (it != tag_ids_.end()) tags_.erase({m, it->second});
        return;
      }
      if (it == tag_ids_.end()) {
        it = tag_ids_.emplace(e.tag().tag(), static_cast<uint32_t>(tag_names_.size())).first;
        tag_names_.push_back(e.tag().tag());
      }
      tags_.insert({m, it->second});
      return;
    }
    case v1::Event::kActivityHeld: {
      days_.Add(*members_.FindGroup(e.group()), day, health::kEventsHeld);
      absl::flat_hash_set<MemberIndex> once;
      for (const std::string& id : e.activity_held().attendees()) {
        const MemberIndex m = *members_.Find(id);
        if (once.insert(m).second) Count(m, now, kEventsAttended, kLoveAttended);
      }
      return;
    }
    default:
      return;
  }
}

std::optional<int32_t> Segments::FirstGroupOfStage(v1::FunnelStage stage) const {
  std::optional<int32_t> full;
  for (size_t g = 0; g < members_.group_count(); ++g) {
    const membership::Group& group = members_.group(static_cast<int32_t>(g));
    if (group.stage != stage) continue;
    if (group.headcount < group.capacity) return static_cast<int32_t>(g);
    if (!full.has_value()) full = static_cast<int32_t>(g);
  }
  return full;
}

void Segments::ApplyPurchase(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  const uint32_t day = DayOf(e.time_ms());
  Buyer& b = buyers_[m];
  const v1::Purchase& p = e.purchase();
  if (b.monetary_cents <= limits::kMaxCents * 1000) b.monetary_cents += p.amount_cents();
  b.last_purchase_ms = e.time_ms();
  const membership::Member& member = members_.member(m);
  const int32_t g = member.active() ? member.group : -1;
  if (p.trial()) {
    ++b.trial;
    return;
  }
  ++b.paid;
  if (g >= 0) {
    days_.Add(g, day, health::kPaidPurchases);
    days_.Add(g, day, b.paid == 1 ? health::kFirstPurchases : health::kRepeatPurchases);
  }
  if (g < 0 || member.role != v1::ROLE_MEMBER) return;
  // D-1.3: promote along acquisition → retention → sharing.
  const v1::FunnelStage stage = members_.group(g).stage;
  std::optional<int32_t> to;
  const char* reason = "";
  if (b.paid == 1 && stage == v1::FUNNEL_STAGE_ACQUISITION) {
    to = FirstGroupOfStage(v1::FUNNEL_STAGE_RETENTION);
    reason = "paying";
  } else if (b.paid == 2 && stage == v1::FUNNEL_STAGE_RETENTION) {
    to = FirstGroupOfStage(v1::FUNNEL_STAGE_SHARING);
    reason = "repeat_buyer";
  }
  if (!to.has_value()) return;
  v1::Action& a = AddAction(out, v1::ACTION_KIND_SUGGEST_PROMOTION, "segments.funnel", member.id);
  a.set_group(members_.group(g).id);
  a.set_target_group(members_.group(*to).id);
  a.set_reason(reason);
}

void Segments::ObserveMessage(const v1::Event& e, MemberIndex m) {
  const v1::Message& msg = e.message();
  const int64_t now = e.time_ms();
  const uint32_t day = DayOf(now);
  const int32_t g = GroupOf(m, e);
  double love = kLoveMessage;
  rings_.Add(m, day, kMessages);
  days_.Add(g, day, health::kMessages);
  if (msg.starts_topic()) {
    rings_.Add(m, day, kTopics);
    days_.Add(g, day, health::kTopics);
    love += kLoveTopic;
  }
  if (!msg.reply_to().empty()) {
    rings_.Add(m, day, kReplies);
    days_.Add(g, day, health::kReplies);
    auto q = questions_.find(msg.reply_to());
    if (q != questions_.end() && q->second.asker != m) {
      rings_.Add(m, day, kAnswers);
      love += kLoveAnswer;
      if (!q->second.answered) {
        q->second.answered = true;
        health::Day& d = days_.At(q->second.group, day);
        ++d.n[health::kAnswered];
        d.answer_seconds.push_back(static_cast<uint32_t>(
            std::min<int64_t>((now - q->second.time_ms) / 1000, UINT32_MAX)));
      }
    }
  }
  if (msg.is_question()) {
    rings_.Add(m, day, kQuestions);
    days_.Add(g, day, health::kQuestions);
    if (!msg.message_id().empty() && g >= 0) {
      questions_.try_emplace(msg.message_id(), Question{now, m, g, false});
    }
  }
  // Love and first days once per message.
  Hot& h = hot_[m];
  h.love = LoveAt(m, day) + love;
  h.love_day = static_cast<uint16_t>(day);
  const membership::Member& member = members_.member(m);
  if (member.joined_ms > 0 && now < member.joined_ms + settings_.seed.first_days() * kDayMs &&
      h.first_days_events < UINT16_MAX) {
    ++h.first_days_events;
  }
}

void Segments::Observe(const v1::Event& e, v1::Outcome& out) {
  Grow();
  StartClock(e.time_ms());
  const int64_t now = e.time_ms();
  std::optional<MemberIndex> actor = members_.Find(e.actor());
  if (actor.has_value()) {
    switch (e.kind_case()) {
      case v1::Event::kMessage:
        if (members_.member(*actor).active()) ObserveMessage(e, *actor);
        break;
      case v1::Event::kCheckIn:
        Count(*actor, now, kCheckIns, kLoveCheckIn);
        break;
      case v1::Event::kContribution: {
        std::optional<MemberIndex> who = *actor;
        if (!e.contribution().beneficiary().empty()) who = members_.Find(e.contribution().beneficiary());
        if (!who.has_value()) break;
        if (e.contribution().kind() == "share") {
          Count(*who, now, kShares, kLoveShare);
          const int32_t g = GroupOf(*who, e);
          if (g >= 0) days_.Add(g, DayOf(now), health::kShares);
        } else if (e.contribution().kind() == "answer" && e.contribution().message_id().empty()) {
          // An answer naming its message was counted when the reply came.
          Count(*who, now, kAnswers, kLoveAnswer);
        }
        break;
      }
      default:
        break;
    }
  }
  ObserveActions(now, out, 0, &out);
  if (actor.has_value()) Reconcile(*actor, now, out);
}

void Segments::ObserveTimers(int64_t now, const v1::Outcome& out, int first) {
  Grow();
  ObserveActions(now, out, first, nullptr);
}

void Segments::ObserveActions(int64_t now, const v1::Outcome& out, int first,
                              v1::Outcome* add) {
  const uint32_t day = DayOf(now);
  const int n = out.actions_size();
  for (int i = first; i < n; ++i) {
    const v1::Action& a = out.actions(i);
    std::optional<MemberIndex> m = members_.Find(a.member());
    if (a.kind() == v1::ACTION_KIND_AWARD_POINTS && m.has_value()) {
      const int64_t p = int64_t{hot_[*m].points} + a.amount();
      hot_[*m].points = static_cast<int32_t>(std::clamp<int64_t>(p, INT32_MIN, INT32_MAX));
    }
    const bool violation = IsViolation(a.kind());
    const bool flare = a.kind() == v1::ACTION_KIND_MEDIATE;
    if (violation || flare) {
      std::optional<int32_t> g = members_.FindGroup(a.group());
      if (!g.has_value() && m.has_value()) g = hot_[*m].group_seen;
      if (!g.has_value() && m.has_value()) g = members_.member(*m).group;
      if (g.has_value() && *g >= 0) {
        if (violation) days_.Add(*g, day, health::kViolations);
        if (flare) days_.Add(*g, day, health::kFlareUps);
        if (a.kind() == v1::ACTION_KIND_BAN) days_.Add(*g, day, health::kBans);
      }
    }
    if (m.has_value() && NamesMember(a.kind())) {
      if (add != nullptr) {
        Reconcile(*m, now, *add);
      } else {
        v1::Outcome ignored;
        Reconcile(*m, now, ignored);
      }
    }
  }
}

void Segments::Reconcile(MemberIndex m, int64_t now, v1::Outcome& out) {
  const membership::Member& member = members_.member(m);
  const int32_t want = member.active() ? member.group : -1;
  const int32_t have = hot_[m].group_seen;
  if (want == have) return;
  const uint32_t day = DayOf(now);
  hot_[m].group_seen = want;
  if (have >= 0 && want >= 0) {
    days_.Add(have, day, health::kMovedOut);
    days_.Add(want, day, health::kMovedIn);
  } else if (want >= 0) {
    days_.Add(want, day, health::kNewMembers);
  } else {
    days_.Add(have, day, member.status == v1::MEMBER_STATUS_GRADUATED ? health::kGraduated
                                                                      : health::kLeavers);
  }
  if (want >= 0) {
    const membership::Group& g = members_.group(want);
    if (g.working_size > 0 && g.headcount == g.working_size + 1) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_SUGGEST_SPLIT, "groups.working_size", "");
      a.set_group(g.id);
      a.set_amount(g.headcount);
    }
  }
}

// ------------------------------------------------------------------ timers

void Segments::StartClock(int64_t now) {
  if (next_check_ms_ == 0) next_check_ms_ = StartOfDay(DayOf(now) + 1);
}

std::optional<int64_t> Segments::NextDue() const {
  if (next_check_ms_ == 0) return std::nullopt;
  return next_check_ms_;
}

void Segments::RunDue(int64_t now, int64_t until, v1::Outcome& out) {
  if (next_check_ms_ == 0 || now < next_check_ms_) return;
  // In milliseconds, not days: local days stop counting past 2149.
  const int64_t skip_to = until - int64_t{settings_.longest + 1} * kDayMs;
  if (now < skip_to) {
    const int64_t midnight = StartOfDay(DayOf(skip_to));
    next_check_ms_ = midnight > now ? midnight : skip_to;
    return;
  }
  Grow();
  const uint32_t today = DayOf(now);
  DailyCheck(today - 1, out);
  next_check_ms_ = StartOfDay(today + 1);
  if (next_check_ms_ <= now) next_check_ms_ = now + kDayMs;  // a zone's odd day
  // Questions older than the longest window are forgotten.
  const int64_t horizon = now - int64_t{settings_.longest} * kDayMs;
  for (auto it = questions_.begin(); it != questions_.end();) {
    it = it->second.time_ms < horizon ? questions_.erase(it) : std::next(it);
  }
}

void Segments::DailyCheck(uint32_t as_of_day, v1::Outcome& out) {
  const std::vector<uint32_t> active = ActiveByGroup(as_of_day, settings_.dying.window_days());
  for (size_t gi = 0; gi < members_.group_count(); ++gi) {
    const int32_t g = static_cast<int32_t>(gi);
    const membership::Group& group = members_.group(g);
    const double rate = group.headcount == 0 ? 0.0 : double(active[g]) / group.headcount;
    const int64_t age = days_.first_day(g) == 0 ? 0 : int64_t{as_of_day} - days_.first_day(g) + 1;
    const bool dying = health::IsDying(settings_.dying, group.headcount, rate, age);
    if (dying && !days_.dying_alerted(g)) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_DYING_GROUP, "segments.dying", "");
      a.set_group(group.id);
      a.set_text(absl::StrCat(active[g], " of ", group.headcount, " members active in ",
                              settings_.dying.window_days(),
                              " days; move its customers and prospects to a fresh group"));
      for (std::string& id : MigrationList(g)) a.add_members(std::move(id));
      a.set_amount(a.members_size());
    }
    days_.set_dying_alerted(g, dying);
    const v1::GroupRisk risk = health::Risk(days_, g, as_of_day, settings_.risk);
    if (risk.spike()) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_RISK_ALERT, "segments.risk", "");
      a.set_group(group.id);
      a.set_amount(risk.violations_today());
      a.set_text(absl::StrCat(risk.violations_today(), " violations against ",
                              risk.baseline_per_day(), " a day before"));
    }
  }
}

std::vector<std::string> Segments::MigrationList(int32_t g) const {
  // Customers (paying, repeat, then trial buyers) first, then prospects; in
  // member order within each.
  std::vector<std::pair<int, MemberIndex>> order;
  for (MemberIndex m = 0; m < hot_.size(); ++m) {
    const membership::Member& member = members_.member(m);
    if (!member.active() || member.group != g || member.role != v1::ROLE_MEMBER) continue;
    const v1::BuyerStage stage = StageOf(m);
    const int rank = stage == v1::BUYER_STAGE_REPEAT ? 0
                     : stage == v1::BUYER_STAGE_PAYING ? 1
                     : stage == v1::BUYER_STAGE_TRIAL ? 2 : 3;
    order.emplace_back(rank, m);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> ids;
  ids.reserve(order.size());
  for (const auto& [rank, m] : order) ids.push_back(members_.member(m).id);
  return ids;
}

std::vector<uint32_t> Segments::ActiveByGroup(uint32_t as_of_day, int window) const {
  std::vector<uint32_t> active(members_.group_count(), 0);
  for (MemberIndex m = 0; m < hot_.size(); ++m) {
    const membership::Member& member = members_.member(m);
    if (!member.active()) continue;
    if (rings_.ActedIn(m, as_of_day, window)) ++active[member.group];
  }
  return active;
}

// ------------------------------------------------------------------- state

void Segments::Save(v1::SegmentsState* state) const {
  state->set_ring_days(rings_.ring_days());
  state->set_next_check_ms(next_check_ms_);
  for (const std::string& t : tag_names_) state->add_tags(t);
  auto tag = tags_.begin();
  for (MemberIndex m = 0; m < hot_.size(); ++m) {
    const Hot& h = hot_[m];
    auto buyer = buyers_.find(m);
    const bool has_tags = tag != tags_.end() && tag->first == m;
    if (rings_.empty(m) && h.love == 0 && h.points == 0 && h.first_days_events == 0 &&
        buyer == buyers_.end() && !has_tags) {
      continue;
    }
    v1::MemberActivity* a = state->add_members();
    a->set_member(members_.member(m).id);
    if (!rings_.empty(m)) {
      a->set_last_day(rings_.last_day(m));
      a->set_buckets(rings_.Raw(m));
    }
    a->set_first_days_events(h.first_days_events);
    a->set_love(h.love);
    a->set_love_day(h.love_day);
    a->set_points(h.points);
    if (buyer != buyers_.end()) {
      const Buyer& b = buyer->second;
      a->set_paid_purchases(b.paid);
      a->set_trial_purchases(b.trial);
      a->set_monetary_cents(b.monetary_cents);
      a->set_last_purchase_ms(b.last_purchase_ms);
      a->mutable_product()->Add(b.product.begin(), b.product.end());
    }
    for (; tag != tags_.end() && tag->first == m; ++tag) a->add_tags(tag->second);
  }
  for (size_t g = 0; g < days_.size(); ++g) {
    v1::GroupActivity* ga = state->add_groups();
    ga->set_group(members_.group(static_cast<int32_t>(g)).id);
    days_.Save(static_cast<int32_t>(g), ga);
  }
  for (const auto& [id, q] : questions_) {
    v1::OpenQuestion* oq = state->add_questions();
    oq->set_message_id(id);
    oq->set_time_ms(q.time_ms);
    oq->set_asker(members_.member(q.asker).id);
    oq->set_group(members_.group(q.group).id);
    oq->set_answered(q.answered);
  }
}

absl::Status Segments::Load(const v1::SegmentsState& state) {
  // Build everything aside; swap in only when all of it is valid.
  const size_t n = members_.member_count();
  ActivityRings rings(settings_.longest);
  rings.Resize(n);
  std::vector<Hot> hot(n);
  absl::btree_map<MemberIndex, Buyer> buyers;
  absl::btree_set<std::pair<MemberIndex, uint32_t>> tags;
  std::vector<std::string> tag_names(state.tags().begin(), state.tags().end());
  absl::flat_hash_map<std::string, uint32_t> tag_ids;
  for (size_t i = 0; i < tag_names.size(); ++i) {
    if (tag_names[i].empty() || !tag_ids.emplace(tag_names[i], i).second) {
      return InvalidField(absl::StrCat("segments.tags[", i, "]"), "empty or duplicate tag");
    }
  }
  std::optional<MemberIndex> previous;
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberActivity& a = state.members(i);
    const std::string at = absl::StrCat("segments.members[", i, "]");
    std::optional<MemberIndex> m = members_.Find(a.member());
    if (!m.has_value()) return InvalidField(at + ".member", "unknown member");
    if (previous.has_value() && *m <= *previous) return InvalidField(at + ".member", "out of order");
    previous = m;
    if (a.last_day() > UINT16_MAX || a.love_day() > UINT16_MAX) {
      return InvalidField(at + ".last_day", "out of range");
    }
    if (!a.buckets().empty() &&
        !rings.SetRaw(*m, a.last_day(), a.buckets(), state.ring_days())) {
      return InvalidField(at + ".buckets", "size does not match ring_days");
    }
    if (!std::isfinite(a.love()) || a.love() < 0) return InvalidField(at + ".love", "out of range");
    Hot& h = hot[*m];
    h.love = a.love();
    h.love_day = static_cast<uint16_t>(a.love_day());
    h.points = static_cast<int32_t>(std::clamp<int64_t>(a.points(), INT32_MIN, INT32_MAX));
    h.first_days_events = static_cast<uint16_t>(std::min<uint32_t>(a.first_days_events(), UINT16_MAX));
    if (a.paid_purchases() || a.trial_purchases() || a.monetary_cents() || a.product_size()) {
      Buyer& b = buyers[*m];
      b.paid = a.paid_purchases();
      b.trial = a.trial_purchases();
      b.monetary_cents = a.monetary_cents();
      b.last_purchase_ms = a.last_purchase_ms();
      b.product.assign(a.product().begin(), a.product().end());
      if (!b.product.empty()) {
        b.product.resize(settings_.seed.checkpoints_size(), std::numeric_limits<double>::quiet_NaN());
      }
    }
    for (uint32_t t : a.tags()) {
      if (t >= tag_names.size()) return InvalidField(at + ".tags", "unknown tag number");
      tags.insert({*m, t});
    }
  }
  for (MemberIndex m = 0; m < n; ++m) {
    const membership::Member& member = members_.member(m);
    hot[m].group_seen = member.active() ? member.group : -1;
  }
  health::GroupDays days;
  days.Resize(members_.group_count());
  for (int i = 0; i < state.groups_size(); ++i) {
    std::optional<int32_t> g = members_.FindGroup(state.groups(i).group());
    if (!g.has_value()) return InvalidField(absl::StrCat("segments.groups[", i, "].group"), "unknown group");
    if (absl::Status s = days.Load(*g, state.groups(i)); !s.ok()) {
      return InvalidField(absl::StrCat("segments.groups[", i, "]"), s.message());
    }
  }
  absl::btree_map<std::string, Question> questions;
  for (int i = 0; i < state.questions_size(); ++i) {
    const v1::OpenQuestion& q = state.questions(i);
    std::optional<MemberIndex> asker = members_.Find(q.asker());
    std::optional<int32_t> g = members_.FindGroup(q.group());
    if (!asker.has_value() || !g.has_value() || q.message_id().empty()) {
      return InvalidField(absl::StrCat("segments.questions[", i, "]"), "unknown asker or group");
    }
    questions[q.message_id()] = Question{q.time_ms(), *asker, *g, q.answered()};
  }
  if (state.next_check_ms() < 0) return InvalidField("segments.next_check_ms", "negative");
  rings_ = std::move(rings);
  hot_ = std::move(hot);
  buyers_ = std::move(buyers);
  tags_ = std::move(tags);
  tag_names_ = std::move(tag_names);
  tag_ids_ = std::move(tag_ids);
  days_ = std::move(days);
  questions_ = std::move(questions);
  next_check_ms_ = state.next_check_ms();
  return absl::OkStatus();
}

}  // namespace shequn::segments
