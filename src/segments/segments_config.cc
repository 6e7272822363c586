// Segments' config: validation of config.segments and the settings resolved
// from it with every default applied.
#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "segments/predicate.h"
#include "segments/segments.h"
#include "shequn/limits.h"

namespace shequn::segments {
namespace {

absl::Status CheckWindow(int32_t days, int longest, const std::string& path) {
  if (days < 0) return InvalidField(path, absl::StrCat("must not be negative, got ", days));
  if (days > longest) {
    return InvalidField(path, absl::StrCat("must be at most the longest window (", longest,
                                      " days), got ", days));
  }
  return absl::OkStatus();
}

absl::Status ValidateWindows(const v1::SegmentsConfig& c) {
  for (int i = 0; i < c.windows_days_size(); ++i) {
    const int32_t w = c.windows_days(i);
    const std::string at = absl::StrCat("segments.windows_days[", i, "]");
    if (w <= 0) return InvalidField(at, absl::StrCat("a window must be at least 1 day, got ", w));
    if (w > limits::kMaxWindowDays) {
      return InvalidField(at, absl::StrCat("a window is at most ", limits::kMaxWindowDays, " days, got ", w));
    }
    for (int j = 0; j < i; ++j) {
      if (c.windows_days(j) == w) return InvalidField(at, absl::StrCat("duplicate window ", w));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSeed(const v1::SeedConfig& seed) {
  if (absl::Status st = CheckRange(seed.first_days(), 0, limits::kMaxDurationDays, "segments.seed.first_days");
      !st.ok()) {
    return st;
  }
  for (const auto& [v, name] : {std::pair{seed.in_group_weight(), "in_group_weight"},
                                std::pair{seed.product_weight(), "product_weight"}}) {
    if (!std::isfinite(v) || std::fabs(v) > limits::kMaxConfigFactor) {
      return InvalidField(absl::StrCat("segments.seed.", name),
                          absl::StrCat("must be finite, at most ", limits::kMaxConfigFactor));
    }
  }
  if (absl::Status st = CheckRange(seed.group_size(), 0, limits::kMaxSeedGroupSize,
                                   "segments.seed.group_size");
      !st.ok()) {
    return st;
  }
  absl::flat_hash_set<absl::string_view> seen;  // not pairwise: the list has no bound
  for (int i = 0; i < seed.checkpoints_size(); ++i) {
    const std::string at = absl::StrCat("segments.seed.checkpoints[", i, "]");
    if (seed.checkpoints(i).empty()) return InvalidField(at, "must not be empty");
    if (!seen.insert(seed.checkpoints(i)).second) return InvalidField(at, "duplicate");
  }
  return absl::OkStatus();
}

// `resolved` has the defaults applied, so the level order is checked as it
// will be used.
absl::Status ValidateOrbit(const v1::OrbitConfig& orbit, const v1::OrbitConfig& resolved) {
  if (!(orbit.half_life_days() >= 0 && orbit.half_life_days() <= limits::kMaxDurationDays)) {
    return InvalidField("segments.orbit.half_life_days",
                        absl::StrCat("must be in [0, ", limits::kMaxDurationDays, "]"));
  }
  if (!(orbit.level1_love() >= 0) || !(orbit.level2_love() >= 0) ||
      resolved.level1_love() < resolved.level2_love()) {
    return InvalidField("segments.orbit.level1_love",
                   "levels must be non-negative and level1_love ≥ level2_love");
  }
  return absl::OkStatus();
}

absl::Status ValidateRfm(const v1::RfmConfig& rfm) {
  if ((rfm.recency_days_size() != 0 && rfm.recency_days_size() != 4) ||
      (rfm.frequency_size() != 0 && rfm.frequency_size() != 4) ||
      (rfm.monetary_cents_size() != 0 && rfm.monetary_cents_size() != 4)) {
    return InvalidField("segments.rfm", "each threshold list has exactly 4 entries (or none)");
  }
  for (int i = 0; i < rfm.recency_days_size(); ++i) {
    if (absl::Status st = CheckRange(rfm.recency_days(i), 0, limits::kMaxDurationDays,
                                     absl::StrCat("segments.rfm.recency_days[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  for (int i = 0; i < rfm.monetary_cents_size(); ++i) {
    if (absl::Status st = CheckRange(rfm.monetary_cents(i), 0, limits::kMaxCents,
                                     absl::StrCat("segments.rfm.monetary_cents[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTags(const v1::SegmentsConfig& c) {
  if (c.tags_size() > limits::kMaxTags) {
    return InvalidField("segments.tags",
                        absl::StrCat(c.tags_size(), " tags, limit ", limits::kMaxTags));
  }
  // A set, not a pairwise comparison: at kMaxTags tags that was 2·10^9
  // comparisons, half a minute for one hostile config.
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < c.tags_size(); ++i) {
    const std::string at = absl::StrCat("segments.tags[", i, "]");
    if (c.tags(i).empty()) return InvalidField(at, "must not be empty");
    if (!seen.insert(c.tags(i)).second) {
      return InvalidField(at, absl::StrCat("duplicate tag '", c.tags(i), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDefinitions(const v1::SegmentsConfig& c, int longest) {
  const DeclaredTags tags(c.tags());
  // Names seen so far, hashed: a pairwise check was O(segments^2), and only
  // the config's size bounds the segments.
  absl::flat_hash_set<absl::string_view> names;
  for (int i = 0; i < c.segments_size(); ++i) {
    const v1::SegmentDefinition& d = c.segments(i);
    const std::string at = absl::StrCat("segments.segments[", i, "]");
    if (d.name().empty()) return InvalidField(at + ".name", "required");
    if (!names.insert(d.name()).second) {
      return InvalidField(at + ".name", absl::StrCat("duplicate segment '", d.name(), "'"));
    }
    if (!d.has_predicate()) return InvalidField(at + ".predicate", "required");
    if (absl::Status st = ValidatePredicate(d.predicate(), at + ".predicate", longest, tags); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
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
    if (!(v >= 0 && v <= limits::kMaxConfigFactor)) {
      return InvalidField(absl::StrCat(at, ".", name),
                          absl::StrCat("must be in [0, ", limits::kMaxConfigFactor, "]"));
    }
  }
  return CheckRange(h.max_median_first_answer_seconds(), 0, limits::kMaxDurationSeconds,
                    at + ".max_median_first_answer_seconds");
}

// The community's standard, then each group's own.
absl::Status ValidateHealthStandards(const v1::CommunityConfig& config, int longest) {
  const v1::SegmentsConfig& c = config.segments();
  if (absl::Status st = ValidateHealth(c.health(), longest, "segments.health"); !st.ok()) {
    return st;
  }
  for (const auto& [group, h] : c.group_health()) {
    bool known = false;
    for (const v1::GroupConfig& g : config.groups()) known = known || g.id() == group;
    const std::string at = absl::StrCat("segments.group_health[", group, "]");
    if (!known) return InvalidField(at, "unknown group");
    if (absl::Status st = ValidateHealth(h, longest, at); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status ValidateDyingAndRisk(const v1::SegmentsConfig& c, int longest) {
  if (absl::Status st = CheckWindow(c.dying().window_days(), longest, "segments.dying.window_days");
      !st.ok()) {
    return st;
  }
  if (!(c.dying().max_participation_rate() >= 0 && c.dying().max_participation_rate() <= 1)) {
    return InvalidField("segments.dying.max_participation_rate", "must be in [0, 1]");
  }
  if (!(c.risk().spike_ratio() >= 0 && c.risk().spike_ratio() <= limits::kMaxConfigFactor)) {
    return InvalidField("segments.risk.spike_ratio",
                        absl::StrCat("must be in [0, ", limits::kMaxConfigFactor, "]"));
  }
  const uint32_t groups = c.risk().member_min_groups();
  if (groups != 0 && (groups < 2 || groups > static_cast<uint32_t>(limits::kMaxGroups))) {
    return InvalidField("segments.risk.member_min_groups",
                        absl::StrCat(groups, " is not in 2..", limits::kMaxGroups));
  }
  const int32_t days = c.risk().member_window_days();
  if (days < 0 || days > limits::kMaxWindowDays) {
    return InvalidField("segments.risk.member_window_days",
                        absl::StrCat(days, " is not in 1..", limits::kMaxWindowDays));
  }
  return absl::OkStatus();
}

}  // namespace

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
  if (!s.seed.has_in_group_weight()) s.seed.set_in_group_weight(1);
  if (!s.seed.has_product_weight()) s.seed.set_product_weight(1);
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
  if (!s.risk.has_spike_ratio()) s.risk.set_spike_ratio(3);
  if (s.risk.member_min_groups() == 0) s.risk.set_member_min_groups(3);
  if (s.risk.member_window_days() == 0) s.risk.set_member_window_days(7);
  s.list_limit = c.report_list_limit() == 0 ? 100 : c.report_list_limit();
  return s;
}

absl::Status Segments::ValidateConfig(const v1::CommunityConfig& config) {
  const v1::SegmentsConfig& c = config.segments();
  if (absl::Status st = ValidateWindows(c); !st.ok()) return st;
  // The windows are valid: the other checks measure against the longest.
  const Settings s = Resolve(c);
  if (absl::Status st = CheckWindow(c.tiers().window_days(), s.longest, "segments.tiers.window_days");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = ValidateSeed(c.seed()); !st.ok()) return st;
  if (absl::Status st = ValidateOrbit(c.orbit(), s.orbit); !st.ok()) return st;
  if (absl::Status st = ValidateRfm(c.rfm()); !st.ok()) return st;
  if (absl::Status st = CheckRange(c.report_list_limit(), 0, limits::kMaxReportListLimit,
                                   "segments.report_list_limit");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = ValidateTags(c); !st.ok()) return st;
  if (absl::Status st = ValidateDefinitions(c, s.longest); !st.ok()) return st;
  if (absl::Status st = ValidateHealthStandards(config, s.longest); !st.ok()) return st;
  return ValidateDyingAndRisk(c, s.longest);
}

}  // namespace shequn::segments
