#include "rules/rules_config.h"
#include "base/field_errors.h"

#include "absl/strings/str_cat.h"
#include "shequn/limits.h"

namespace shequn::rules {
namespace {

constexpr int64_t kMillis = 1000;
constexpr int64_t kDaySeconds = 86400;

std::vector<v1::LadderStep> DefaultLadder() {
  std::vector<v1::LadderStep> steps(3);
  steps[0].set_warn(true);
  steps[1].set_announce(true);
  steps[1].set_mute_seconds(kDaySeconds);
  steps[2].set_remove(true);
  return steps;
}

int64_t Or(int64_t value, int64_t fallback) { return value == 0 ? fallback : value; }

absl::Status ValidateLadder(const google::protobuf::RepeatedPtrField<v1::LadderStep>& ladder,
                            absl::string_view path) {
  for (int i = 0; i < ladder.size(); ++i) {
    const v1::LadderStep& s = ladder[i];
    const std::string at = absl::StrCat(path, "[", i, "]");
    if (absl::Status st = CheckRange(s.mute_seconds(), 0, limits::kMaxDurationSeconds,
                                     at + ".mute_seconds");
        !st.ok()) {
      return st;
    }
    if (!s.warn() && !s.announce() && s.mute_seconds() == 0 && !s.remove() && !s.ban()) {
      return InvalidField(at, "a step must warn, announce, mute, remove or ban");
    }
  }
  return absl::OkStatus();
}

}  // namespace

EffectiveRules::EffectiveRules(const v1::RulesConfig& c)
    : ladder(c.ladder().empty() ? DefaultLadder()
                                : std::vector<v1::LadderStep>(c.ladder().begin(), c.ladder().end())),
      categories(c.categories().begin(), c.categories().end()),
      strike_expiry_ms(Or(c.strike_expiry_seconds(), 30 * kDaySeconds) * kMillis),
      mediation_window_ms(Or(c.mediation_window_seconds(), 600) * kMillis),
      message_memory_ms(Or(c.message_memory_seconds(), 7 * kDaySeconds) * kMillis),
      repeat_window_ms(Or(c.flood().repeat_window_seconds(), 600) * kMillis),
      deduction_cents(c.deposit_deduction_cents()),
      report_threshold(c.report_threshold() == 0 ? 3 : c.report_threshold()) {
  if (c.dispute_categories().empty()) {
    disputes.insert(std::string(kCategoryAbuse));
  } else {
    disputes.insert(c.dispute_categories().begin(), c.dispute_categories().end());
  }
}

LadderRef EffectiveRules::For(absl::string_view category) const {
  for (size_t i = 0; i < categories.size(); ++i) {
    const v1::CategoryRule& rule = categories[i];
    if (rule.category() != category) continue;
    LadderRef ref;
    ref.hide_only = rule.hide_only();
    ref.deduction_cents = Or(rule.deposit_deduction_cents(), deduction_cents);
    ref.deduction_path = rule.deposit_deduction_cents() == 0
                             ? "rules.deposit_deduction_cents"
                             : absl::StrCat("rules.categories[", i, "].deposit_deduction_cents");
    if (rule.ladder().empty()) {
      ref.steps = ladder;
      ref.path = "rules.ladder";
    } else {
      ref.steps.assign(rule.ladder().begin(), rule.ladder().end());
      ref.path = absl::StrCat("rules.categories[", i, "].ladder");
    }
    return ref;
  }
  return LadderRef{ladder, "rules.ladder", deduction_cents, "rules.deposit_deduction_cents",
                   false};
}

bool EffectiveRules::IsDispute(absl::string_view category) const {
  return disputes.contains(category);
}

ScreenerOptions ScreenerOptionsFrom(const v1::RulesConfig& c) {
  ScreenerOptions options;
  for (const v1::WordList& list : c.word_lists()) {
    options.word_lists.push_back(
        {list.category(), {list.words().begin(), list.words().end()}, list.substring()});
  }
  options.whitelist.assign(c.whitelist().begin(), c.whitelist().end());
  if (c.detectors_size() == 1 && c.detectors(0) == "none") {
    options.detectors.clear();
  } else if (!c.detectors().empty()) {
    options.detectors.assign(c.detectors().begin(), c.detectors().end());
  }
  if (!c.link_category().empty()) options.link_category = c.link_category();
  if (!c.contact_category().empty()) options.contact_category = c.contact_category();
  return options;
}

absl::Status ValidateRulesConfig(const v1::RulesConfig& c) {
  if (absl::Status s = ValidateLadder(c.ladder(), "rules.ladder"); !s.ok()) return s;
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < c.categories_size(); ++i) {
    const v1::CategoryRule& rule = c.categories(i);
    const std::string at = absl::StrCat("rules.categories[", i, "]");
    if (rule.category().empty()) return InvalidField(at + ".category", "required");
    if (!seen.insert(rule.category()).second) {
      return InvalidField(at + ".category", absl::StrCat("duplicate category '", rule.category(), "'"));
    }
    if (absl::Status s = CheckRange(rule.deposit_deduction_cents(), 0, limits::kMaxCents,
                                    at + ".deposit_deduction_cents");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ValidateLadder(rule.ladder(), at + ".ladder"); !s.ok()) return s;
  }
  const v1::FloodRule& f = c.flood();
  if (f.max_messages() > 1000) return InvalidField("rules.flood.max_messages", "at most 1000");
  if (f.max_messages() > 0 && f.window_seconds() <= 0) {
    return InvalidField("rules.flood.window_seconds", "must be positive when max_messages is set");
  }
  // Durations become milliseconds: past the limit they could overflow.
  const std::pair<int64_t, const char*> durations[] = {
      {f.window_seconds(), "rules.flood.window_seconds"},
      {f.repeat_window_seconds(), "rules.flood.repeat_window_seconds"},
      {c.strike_expiry_seconds(), "rules.strike_expiry_seconds"},
      {c.mediation_window_seconds(), "rules.mediation_window_seconds"},
      {c.message_memory_seconds(), "rules.message_memory_seconds"},
  };
  for (const auto& [value, path] : durations) {
    if (absl::Status s = CheckRange(value, 0, limits::kMaxDurationSeconds, path); !s.ok()) {
      return s;
    }
  }
  return CheckRange(c.deposit_deduction_cents(), 0, limits::kMaxCents,
                    "rules.deposit_deduction_cents");
}

}  // namespace shequn::rules
