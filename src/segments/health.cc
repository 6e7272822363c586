#include "segments/health.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace shequn::health {

void GroupDays::Resize(size_t groups) {
  if (groups > groups_.size()) groups_.resize(groups);
}

Day& GroupDays::At(int32_t g, uint32_t day) {
  Group& group = groups_[g];
  if (group.first_day == 0) group.first_day = day;
  if (day > group.last_day) {
    if (group.last_day == 0 || day - group.last_day >= kRing) {
      for (Day& d : group.days) d = Day();
    } else {
      for (uint32_t d = group.last_day + 1; d <= day; ++d) group.days[d % kRing] = Day();
    }
    group.last_day = day;
  }
  if (day + kRing <= group.last_day) {
    scratch_ = Day();
    return scratch_;
  }
  return group.days[day % kRing];
}

void GroupDays::SumInto(int32_t g, uint32_t as_of_day, int window, Day& sum) const {
  if (g < 0 || static_cast<size_t>(g) >= groups_.size()) return;
  const Group& group = groups_[g];
  if (group.last_day == 0 || window <= 0) return;
  // Days in (as_of - window, as_of] ∩ (last - ring, last] ∩ [0, ∞): near
  // day 0 the window reaches back before the first day there is.
  const int64_t hi = std::min<int64_t>(as_of_day, group.last_day);
  const int64_t lo = std::max({int64_t{as_of_day} - window + 1,
                               int64_t{group.last_day} - kRing + 1, int64_t{0}});
  for (int64_t d = lo; d <= hi; ++d) {
    const Day& day = group.days[d % kRing];
    for (int s = 0; s < kStatCount; ++s) sum.n[s] += day.n[s];
    sum.answer_seconds.insert(sum.answer_seconds.end(), day.answer_seconds.begin(),
                              day.answer_seconds.end());
  }
}

void GroupDays::Save(int32_t g, v1::GroupActivity* out) const {
  const Group& group = groups_[g];
  out->set_last_day(group.last_day);
  out->set_first_day(group.first_day);
  out->set_dying_alerted(group.dying_alerted);
  const google::protobuf::Descriptor* desc = v1::GroupDay::descriptor();
  for (const Day& day : group.days) {
    v1::GroupDay* d = out->add_days();
    const google::protobuf::Reflection* refl = d->GetReflection();
    for (int s = 0; s < kStatCount; ++s) {
      if (day.n[s] != 0) refl->SetUInt32(d, desc->FindFieldByNumber(StatField(s)), day.n[s]);
    }
    d->mutable_answer_seconds()->Add(day.answer_seconds.begin(), day.answer_seconds.end());
  }
}

absl::Status GroupDays::Load(int32_t g, const v1::GroupActivity& in) {
  if (in.days_size() != kRing) {
    return absl::InvalidArgumentError(absl::StrCat(
        "groups.days: expected ", kRing, " daily buckets, got ", in.days_size()));
  }
  if (in.last_day() > UINT16_MAX || in.first_day() > in.last_day()) {
    return absl::InvalidArgumentError("groups.last_day: out of range");
  }
  Group group;
  group.last_day = in.last_day();
  group.first_day = in.first_day();
  group.dying_alerted = in.dying_alerted();
  const google::protobuf::Descriptor* desc = v1::GroupDay::descriptor();
  for (int i = 0; i < kRing; ++i) {
    const v1::GroupDay& d = in.days(i);
    const google::protobuf::Reflection* refl = d.GetReflection();
    for (int s = 0; s < kStatCount; ++s) {
      group.days[i].n[s] = refl->GetUInt32(d, desc->FindFieldByNumber(StatField(s)));
    }
    group.days[i].answer_seconds.assign(d.answer_seconds().begin(), d.answer_seconds().end());
  }
  groups_[g] = std::move(group);
  return absl::OkStatus();
}

int64_t Percentile(std::vector<uint32_t>& values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

v1::HealthStandard ResolveStandard(const v1::HealthStandard& s) {
  v1::HealthStandard r = s;
  if (r.window_days() == 0) r.set_window_days(7);
  if (!r.has_min_participation_rate()) r.set_min_participation_rate(0.3);
  if (!r.has_min_topic_participation()) r.set_min_topic_participation(0.1);
  if (r.max_median_first_answer_seconds() == 0) r.set_max_median_first_answer_seconds(3600);
  if (!r.has_min_shares_per_member()) r.set_min_shares_per_member(0.1);
  if (!r.has_min_reactions_per_member()) r.set_min_reactions_per_member(0.5);
  if (r.max_messages_per_member_day() == 0) r.set_max_messages_per_member_day(50);
  return r;
}

namespace {

double AddCheck(v1::Health& h, const char* name, double actual, double target, bool maximum) {
  v1::HealthCheck* c = h.add_checks();
  c->set_name(name);
  c->set_actual(actual);
  c->set_target(target);
  const bool met = maximum ? actual <= target : actual >= target;
  c->set_met(met);
  if (met) return 1.0;
  if (maximum) return actual <= 0 ? 0.0 : target / actual;
  return target <= 0 ? 1.0 : std::max(0.0, actual / target);
}

}  // namespace

v1::Health ScoreHealth(const v1::HealthStandard& s, const HealthInputs& in) {
  v1::Health h;
  double sum = 0;
  sum += AddCheck(h, "min_participation_rate", in.participation_rate,
                  s.min_participation_rate(), false);
  sum += AddCheck(h, "min_topic_participation", in.topic_participation,
                  s.min_topic_participation(), false);
  {
    v1::HealthCheck* c = h.add_checks();
    c->set_name("max_median_first_answer_seconds");
    c->set_actual(static_cast<double>(in.median_first_answer_seconds));
    c->set_target(static_cast<double>(s.max_median_first_answer_seconds()));
    double part;
    if (in.questions == 0) {
      part = 1;  // nothing asked: nothing left waiting
    } else if (in.median_first_answer_seconds < 0) {
      part = 0;  // asked, never answered
    } else if (in.median_first_answer_seconds <= s.max_median_first_answer_seconds()) {
      part = 1;
    } else {
      part = static_cast<double>(s.max_median_first_answer_seconds()) /
             static_cast<double>(in.median_first_answer_seconds);
    }
    c->set_met(part == 1);
    sum += part;
  }
  sum += AddCheck(h, "min_shares_per_member", in.shares_per_member, s.min_shares_per_member(),
                  false);
  sum += AddCheck(h, "min_reactions_per_member", in.reactions_per_member,
                  s.min_reactions_per_member(), false);
  sum += AddCheck(h, "max_messages_per_member_day", in.messages_per_member_day,
                  s.max_messages_per_member_day(), true);
  h.set_score(100.0 * sum / h.checks_size());
  return h;
}

bool IsDying(const v1::DyingConfig& dying, uint32_t headcount, double participation_rate,
             int64_t age_days) {
  return !dying.disabled() && headcount >= dying.min_members() &&
         age_days >= dying.window_days() &&
         participation_rate < dying.max_participation_rate();
}

v1::GroupRisk Risk(const GroupDays& days, int32_t g, uint32_t as_of_day,
                   const v1::RiskConfig& risk) {
  Day today, before, all;
  days.SumInto(g, as_of_day, 1, today);
  if (as_of_day > 0) days.SumInto(g, as_of_day - 1, 7, before);
  days.SumInto(g, as_of_day, 8, all);
  v1::GroupRisk r;
  const uint32_t v = today.n[kViolations];
  const double baseline = before.n[kViolations] / 7.0;
  r.set_violations_today(v);
  r.set_baseline_per_day(baseline);
  r.set_flare_ups(all.n[kFlareUps]);
  r.set_bans(all.n[kBans]);
  r.set_score(static_cast<double>(v + all.n[kFlareUps] + all.n[kBans]) * (v + 1) /
              (baseline + 1));
  r.set_spike(!risk.disabled() && v >= risk.min_violations() &&
              v >= risk.spike_ratio() * baseline);
  return r;
}

}  // namespace shequn::health
