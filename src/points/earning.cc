// Point rules: the rule in force, caps, diminishing returns, quality hooks;
// credits with their actions; expiry.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "points/points.h"

namespace shequn::points {
namespace {

constexpr absl::string_view kBuiltInKinds[] = {
    "",       "check_in", "on_topic_message", "referral",
    "task_on_time", "task_late", "meetup",   "winning_proposal",
};
static_assert(std::size(kBuiltInKinds) == v1::PointRuleKind_ARRAYSIZE);

}  // namespace

std::span<const absl::string_view> BuiltInKindNames() { return kBuiltInKinds; }

bool IsBuiltInKind(absl::string_view kind) {
  return !kind.empty() && std::find(std::begin(kBuiltInKinds), std::end(kBuiltInKinds), kind) !=
                           std::end(kBuiltInKinds);
}

absl::string_view RuleKindName(const v1::PointRule& r) {
  if (r.built_in() == v1::POINT_RULE_KIND_UNSPECIFIED) return r.kind();
  return kBuiltInKinds[r.built_in()];
}

std::optional<uint32_t> Points::KindIndex(absl::string_view kind) const {
  auto it = std::lower_bound(kinds_.begin(), kinds_.end(), kind,
                             [](const std::string& a, absl::string_view b) { return a < b; });
  if (it == kinds_.end() || *it != kind) return std::nullopt;
  return static_cast<uint32_t>(it - kinds_.begin());
}

const v1::PointRule* Points::RuleFor(uint32_t kind, int64_t time_ms, int* index) const {
  const v1::PointRule* found = nullptr;
  for (int i : rules_by_kind_[kind]) {  // ascending effective time; few per kind
    if (cfg_.rules(i).effective_from_ms() > time_ms) break;
    found = &cfg_.rules(i);
    *index = i;
  }
  return found;
}

int64_t Points::Quote(MemberIndex m, uint32_t kind, int64_t time_ms,
                      std::optional<size_t> length, int* rule_index) const {
  const v1::PointRule* rule = RuleFor(kind, time_ms, rule_index);
  if (rule == nullptr) return 0;
  if (length.has_value() && *length < rule->min_length()) return 0;
  const int64_t day = calendar_.Day(time_ms);
  const int64_t week = Calendar::WeekOf(day);
  Counter c;
  if (auto it = d_.counters.find((uint64_t{m} << 32) | kind); it != d_.counters.end()) {
    c = it->second;
  }
  int64_t amount = rule->points();
  if (c.day == day && c.day_count > 0 && rule->repeat_percent() != 0 &&
      rule->repeat_percent() != 100) {
    amount = c.last_amount * rule->repeat_percent() / 100;
  }
  if (rule->daily_cap() > 0) {
    amount = std::min(amount, rule->daily_cap() - (c.day == day ? c.day_points : 0));
  }
  if (rule->weekly_cap() > 0) {
    amount = std::min(amount, rule->weekly_cap() - (c.week == week ? c.week_points : 0));
  }
  if (cfg_.member_daily_cap() > 0) {
    int64_t used = 0;
    if (auto it = d_.counters.find((uint64_t{m} << 32) | kAllRules);
        it != d_.counters.end() && it->second.day == day) {
      used = it->second.day_points;
    }
    amount = std::min(amount, cfg_.member_daily_cap() - used);
  }
  if (amount <= 0 || !d_.ledger.CanPost(m, amount)) return 0;
  return amount;
}

int64_t Points::Earn(MemberIndex m, absl::string_view kind, int64_t time_ms,
                     std::optional<size_t> length, absl::string_view event_id,
                     v1::Outcome& out) {
  std::optional<uint32_t> k = KindIndex(kind);
  if (!k.has_value()) return 0;
  int rule_index = -1;
  const int64_t amount = Quote(m, *k, time_ms, length, &rule_index);
  if (rule_index < 0) return 0;
  const v1::PointRule& rule = cfg_.rules(rule_index);
  if (length.has_value() && *length < rule.min_length()) return 0;  // not an act
  const int64_t day = calendar_.Day(time_ms);
  const int64_t week = Calendar::WeekOf(day);
  auto roll = [&](Counter& c) {
    if (c.day != day) c.day = day, c.day_points = 0, c.day_count = 0, c.last_amount = 0;
    if (c.week != week) c.week = week, c.week_points = 0;
  };
  Counter& c = d_.counters[(uint64_t{m} << 32) | *k];
  roll(c);
  c.last_amount = c.day_count == 0 || rule.repeat_percent() == 0 || rule.repeat_percent() == 100
                      ? rule.points()
                      : c.last_amount * rule.repeat_percent() / 100;
  ++c.day_count;
  c.day_points += amount;
  c.week_points += amount;
  if (cfg_.member_daily_cap() > 0) {
    Counter& all = d_.counters[(uint64_t{m} << 32) | kAllRules];
    roll(all);
    ++all.day_count;
    all.day_points += amount;
    all.week_points += amount;
  }
  if (amount > 0) {
    Credit(m, amount, absl::StrCat("points.rules[", rule_index, "]"), RuleKindName(rule), event_id,
           time_ms, /*rule=*/true, out);
  }
  return amount;
}

void Points::Credit(MemberIndex m, int64_t amount, absl::string_view cause,
                    absl::string_view reason, absl::string_view event_id, int64_t time_ms,
                    bool rule, v1::Outcome& out) {
  if (amount == 0 || !d_.ledger.CanPost(m, amount)) return;
  const int64_t at = Stamp(time_ms);
  Post(m, amount, cause, reason, event_id, at, rule);
  v1::Action& a = AddAction(out, v1::ACTION_KIND_AWARD_POINTS, cause, members_.member(m).id);
  a.set_amount(amount);
  a.set_reason(std::string(reason));
  a.set_group(GroupOf(m));
  if (amount > 0 && ttl_ms_ > 0) d_.lots.push_back({at + ttl_ms_, m, amount});
  if (amount > 0) GrantThresholdTitles(m, out);
}

// Lots expire in earning order; an expiry never takes a balance below zero.
void Points::ExpireDue(int64_t now, v1::Outcome& out) {
  while (!d_.lots.empty() && d_.lots.front().expire_ms <= now) {
    const Lot lot = d_.lots.front();
    d_.lots.pop_front();
    const int64_t take = std::min(lot.amount, d_.ledger.Balance(lot.member));
    if (take <= 0) continue;
    const int64_t at = Stamp(lot.expire_ms);
    Post(lot.member, -take, "points.expiry", "expired", "", at, false);
    v1::Action& a = AddAction(out, v1::ACTION_KIND_AWARD_POINTS, "points.expiry",
                              members_.member(lot.member).id);
    a.set_amount(-take);
    a.set_reason("expired");
    a.set_group(GroupOf(lot.member));
  }
}

}  // namespace shequn::points

namespace shequn::points {

void Points::Post(MemberIndex m, int64_t amount, absl::string_view cause,
                  absl::string_view reason, absl::string_view event_id, int64_t time_ms,
                  bool rule) {
  live_.Roll(d_.ledger, time_ms);
  const bool was_positive = d_.ledger.Balance(m) > 0;
  d_.ledger.Post(m, amount, cause, reason, event_id, time_ms, rule);
  live_.OnEntry(d_.ledger, d_.ledger.entries().size() - 1);
  if (const bool positive = d_.ledger.Balance(m) > 0; positive != was_positive) {
    if (positive) {
      d_.positive.insert(m);
    } else {
      d_.positive.erase(m);
    }
  }
}

// At each decay boundary every positive balance loses decay.percent of
// itself, floored; a member at 0 or below is left alone. O(P log P) for
// the P members with a positive balance (Data::positive), in member order.
void Points::DecayDue(int64_t now, v1::Outcome& out) {
  while (d_.decay_due != 0 && d_.decay_due <= now) {
    const int64_t due = d_.decay_due;
    d_.decay_due = calendar_.DayStartMs(calendar_.Day(due) + decay_days_);
    const int64_t at = Stamp(due);
    const int64_t p = decay_percent_;
    // A copy: a decay to 0 (100%) leaves the set.
    const std::vector<MemberIndex> holders(d_.positive.begin(), d_.positive.end());
    for (MemberIndex m : holders) {
      const int64_t balance = d_.ledger.Balance(m);
      const int64_t take = balance / 100 * p + balance % 100 * p / 100;  // floor, no overflow
      if (take <= 0) continue;
      Post(m, -take, "points.decay", "decay", "", at, false);
      v1::Action& a = AddAction(out, v1::ACTION_KIND_AWARD_POINTS, "points.decay",
                                members_.member(m).id);
      a.set_amount(-take);
      a.set_reason("decay");
      a.set_group(GroupOf(m));
    }
  }
}

}  // namespace shequn::points
