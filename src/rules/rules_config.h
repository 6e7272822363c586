// RulesConfig with its defaults filled in, and its validation.
#ifndef SHEQUN_SRC_RULES_RULES_CONFIG_H_
#define SHEQUN_SRC_RULES_RULES_CONFIG_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "shequn/screening.h"
#include "shequn/v1/rules.pb.h"

namespace shequn::rules {

// The ladder that applies to a category, and the config path naming it.
struct LadderRef {
  std::vector<v1::LadderStep> steps;
  std::string path;  // e.g. "rules.ladder" or "rules.categories[0].ladder"
  int64_t deduction_cents = 0;
  std::string deduction_path;  // the config field the deduction comes from
  bool hide_only = false;
};

// RulesConfig with every default applied. Cheap to copy.
struct EffectiveRules {
  explicit EffectiveRules(const v1::RulesConfig& config);

  // The ladder for `category`: the category's own, else the community's.
  LadderRef For(absl::string_view category) const;
  bool IsDispute(absl::string_view category) const;

  std::vector<v1::LadderStep> ladder;
  std::vector<v1::CategoryRule> categories;
  absl::flat_hash_set<std::string> disputes;
  int64_t strike_expiry_ms;
  int64_t mediation_window_ms;
  int64_t message_memory_ms;
  int64_t repeat_window_ms;
  int64_t deduction_cents;
  uint32_t report_threshold;
};

// The screener's options from the config (no validation).
ScreenerOptions ScreenerOptionsFrom(const v1::RulesConfig& config);

// Validates everything but the screener's word lists.
absl::Status ValidateRulesConfig(const v1::RulesConfig& config);

}  // namespace shequn::rules

#endif  // SHEQUN_SRC_RULES_RULES_CONFIG_H_
