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
#include "shequn/v1/common.pb.h"
#include "shequn/v1/rules.pb.h"

namespace shequn::rules {

// The ladder that applies to a category, and the config path naming it.
struct LadderRef {
  std::vector<v1::LadderStep> steps;
  std::string path;  // e.g. "rules.ladder" or "rules.categories[0].ladder"
  int64_t deduction_cents = 0;
  std::string deduction_path;  // the config field the deduction comes from
  bool hide_only = false;
  bool count_own_strikes = false;  // the ladder counts this category's strikes only
};

// RulesConfig with every default applied. Cheap to copy.
struct EffectiveRules {
  explicit EffectiveRules(const v1::RulesConfig& config);

  // The ladder for `category`: the category's own, else the community's.
  LadderRef For(absl::string_view category) const;
  bool IsDispute(absl::string_view category) const;
  // True when a member with `role` is not screened for `category`: the
  // category's exemption if it has one, else the community's. O(roles).
  bool Exempt(v1::Role role, absl::string_view category) const;
  // True when `host` (lower case) is an allowed domain or a subdomain of
  // one. O(allowed domains).
  bool AllowedHost(absl::string_view host) const;
  // True when `id` (as AccountKey folds it) is an allowed account. O(1).
  bool AllowedAccount(absl::string_view id) const;

  std::vector<v1::LadderStep> ladder;
  std::vector<v1::CategoryRule> categories;
  absl::flat_hash_set<std::string> disputes;
  int64_t strike_expiry_ms;     // 0 = strikes never expire
  int64_t mediation_window_ms;  // 0 = no mediation
  int64_t message_memory_ms;
  int64_t repeat_window_ms;     // 0 = repeats count however far apart
  int64_t deduction_cents;
  uint32_t report_threshold;  // 0 = reports never hide
  std::vector<v1::Role> exempt_roles;
  std::vector<std::string> allowed_domains;
  absl::flat_hash_set<std::string> allowed_accounts;  // folded by AccountKey
  int64_t audit_retention_ms;
};

// The names of the built-in categories (BuiltInCategory in rules.proto):
// "abuse", "advertising", ..., "manual". O(built-ins).
std::vector<std::string> BuiltInCategoryNames();

// OK when `category` is a built-in category or one of `config`'s word
// lists; else InvalidArgument "path: unknown category 'advertisment' (did
// you mean 'advertising'?)". O(word lists).
absl::Status CheckCategory(const v1::RulesConfig& config, absl::string_view category,
                           absl::string_view path);

// An account id as allow lists compare it: ASCII lower case, and a phone
// number (digits, '+', '-', spaces) as its digits without a leading 86 or
// 0086. O(|id|).
std::string AccountKey(absl::string_view id);

// The screener's options from the config (no validation).
ScreenerOptions ScreenerOptionsFrom(const v1::RulesConfig& config);

// Validates everything but the screener's word lists.
absl::Status ValidateRulesConfig(const v1::RulesConfig& config);

}  // namespace shequn::rules

#endif  // SHEQUN_SRC_RULES_RULES_CONFIG_H_
