#include "rules/rules_config.h"
#include "base/field_errors.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/closest_name.h"
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

// Staff who run the group: their links and contacts are the group's own.
constexpr v1::Role kDefaultExempt[] = {v1::ROLE_OWNER,     v1::ROLE_DEPUTY_OWNER,
                                       v1::ROLE_ADMIN,     v1::ROLE_ASSISTANT,
                                       v1::ROLE_LECTURER,  v1::ROLE_CUSTOMER_SERVICE};

std::vector<v1::Role> ExemptRoles(const v1::RulesConfig& c) {
  if (!c.has_exempt()) return {std::begin(kDefaultExempt), std::end(kDefaultExempt)};
  std::vector<v1::Role> roles;
  for (int r : c.exempt().roles()) roles.push_back(static_cast<v1::Role>(r));
  return roles;
}

bool Contains(const google::protobuf::RepeatedField<int>& roles, v1::Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::Status ValidateExemption(const v1::Exemption& e, absl::string_view path) {
  for (int i = 0; i < e.roles_size(); ++i) {
    if (e.roles(i) == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(e.roles(i))) {
      return InvalidField(absl::StrCat(path, ".roles[", i, "]"), "unknown role");
    }
  }
  return absl::OkStatus();
}

bool DomainChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '.';
}

absl::Status ValidateAllowLists(const v1::RulesConfig& c) {
  if (c.allowed_domains_size() > limits::kMaxAllowedValues) {
    return InvalidField("rules.allowed_domains",
                        absl::StrCat(c.allowed_domains_size(), " entries, limit ",
                                     limits::kMaxAllowedValues));
  }
  for (int i = 0; i < c.allowed_domains_size(); ++i) {
    const std::string& d = c.allowed_domains(i);
    const std::string at = absl::StrCat("rules.allowed_domains[", i, "]");
    if (d.empty() || d.size() > limits::kMaxNameBytes) {
      return InvalidField(at, absl::StrCat("must be 1..", limits::kMaxNameBytes, " bytes"));
    }
    if (!std::all_of(d.begin(), d.end(), DomainChar) || d.front() == '.' || d.back() == '.' ||
        d.find('.') == std::string::npos) {
      return InvalidField(at, absl::StrCat("'", d,
                                           "' is not a domain in lower case without a scheme "
                                           "or a path, e.g. 'course.example.com'"));
    }
  }
  if (c.allowed_account_ids_size() > limits::kMaxAllowedValues) {
    return InvalidField("rules.allowed_account_ids",
                        absl::StrCat(c.allowed_account_ids_size(), " entries, limit ",
                                     limits::kMaxAllowedValues));
  }
  for (int i = 0; i < c.allowed_account_ids_size(); ++i) {
    const std::string& id = c.allowed_account_ids(i);
    if (AccountKey(id).empty() || id.size() > limits::kMaxIdBytes) {
      return InvalidField(absl::StrCat("rules.allowed_account_ids[", i, "]"),
                          absl::StrCat("must be 1..", limits::kMaxIdBytes,
                                       " bytes with a letter or digit"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDetectors(const v1::RulesConfig& c) {
  for (int i = 0; i < c.detector_kinds_size(); ++i) {
    const int d = c.detector_kinds(i);
    const std::string at = absl::StrCat("rules.detector_kinds[", i, "]");
    if (d == v1::DETECTOR_UNSPECIFIED || !v1::Detector_IsValid(d)) {
      return InvalidField(at, "unknown detector");
    }
    if (d == v1::DETECTOR_NONE && c.detector_kinds_size() > 1) {
      return InvalidField(at, "DETECTOR_NONE must be the only entry");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCategoryNames(const v1::RulesConfig& c) {
  for (int i = 0; i < c.categories_size(); ++i) {
    if (absl::Status s = CheckCategory(c, c.categories(i).category(),
                                       absl::StrCat("rules.categories[", i, "].category"));
        !s.ok()) {
      return s;
    }
  }
  if (!c.link_category().empty()) {
    if (absl::Status s = CheckCategory(c, c.link_category(), "rules.link_category"); !s.ok()) {
      return s;
    }
  }
  if (!c.contact_category().empty()) {
    if (absl::Status s = CheckCategory(c, c.contact_category(), "rules.contact_category");
        !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < c.dispute_categories_size(); ++i) {
    if (absl::Status s = CheckCategory(c, c.dispute_categories(i),
                                       absl::StrCat("rules.dispute_categories[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

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
      strike_expiry_ms(c.has_strike_expiry_seconds() ? c.strike_expiry_seconds() * kMillis
                                                     : 30 * kDaySeconds * kMillis),
      mediation_window_ms(c.has_mediation_window_seconds() ? c.mediation_window_seconds() * kMillis
                                                           : 600 * kMillis),
      message_memory_ms(c.has_message_memory_seconds() ? c.message_memory_seconds() * kMillis
                                                       : 7 * kDaySeconds * kMillis),
      repeat_window_ms(c.flood().has_repeat_window_seconds()
                           ? c.flood().repeat_window_seconds() * kMillis
                           : 600 * kMillis),
      deduction_cents(c.deposit_deduction_cents()),
      report_threshold(c.has_report_threshold() ? c.report_threshold() : 3),
      exempt_roles(ExemptRoles(c)),
      allowed_domains(c.allowed_domains().begin(), c.allowed_domains().end()),
      audit_retention_ms(Or(c.audit_retention_seconds(), 180 * kDaySeconds) * kMillis) {
  for (const std::string& id : c.allowed_account_ids()) allowed_accounts.insert(AccountKey(id));
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
    ref.count_own_strikes = rule.count_own_strikes();
    ref.deduction_cents =
        rule.has_deposit_deduction_cents() ? rule.deposit_deduction_cents() : deduction_cents;
    ref.deduction_path = !rule.has_deposit_deduction_cents()
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
                   false, false};
}

bool EffectiveRules::IsDispute(absl::string_view category) const {
  return disputes.contains(category);
}

bool EffectiveRules::Exempt(v1::Role role, absl::string_view category) const {
  for (const v1::CategoryRule& rule : categories) {
    if (rule.category() == category && rule.has_exempt()) {
      return Contains(rule.exempt().roles(), role);
    }
  }
  return std::find(exempt_roles.begin(), exempt_roles.end(), role) != exempt_roles.end();
}

bool EffectiveRules::AllowedHost(absl::string_view host) const {
  for (const std::string& d : allowed_domains) {
    if (host == d) return true;
    if (host.size() > d.size() && absl::EndsWith(host, d) &&
        host[host.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

bool EffectiveRules::AllowedAccount(absl::string_view id) const {
  return allowed_accounts.contains(id);
}

std::vector<std::string> BuiltInCategoryNames() {
  std::vector<std::string> names;
  const google::protobuf::EnumDescriptor* d = v1::BuiltInCategory_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() == v1::CATEGORY_UNSPECIFIED) continue;
    names.push_back(absl::AsciiStrToLower(absl::StripPrefix(d->value(i)->name(), "CATEGORY_")));
  }
  return names;
}

absl::Status CheckCategory(const v1::RulesConfig& config, absl::string_view category,
                           absl::string_view path) {
  const std::vector<std::string> built_in = BuiltInCategoryNames();
  std::vector<absl::string_view> known(built_in.begin(), built_in.end());
  for (const v1::WordList& list : config.word_lists()) {
    if (std::find(known.begin(), known.end(), list.category()) == known.end()) {
      known.push_back(list.category());
    }
  }
  if (std::find(known.begin(), known.end(), category) != known.end()) return absl::OkStatus();
  std::string why = absl::StrCat("unknown category '", category, "'");
  if (std::optional<absl::string_view> near = ClosestName(category, known)) {
    absl::StrAppend(&why, " (did you mean '", *near, "'?)");
  } else {
    absl::StrAppend(&why, " (known: ", absl::StrJoin(known, ", "), ")");
  }
  return InvalidField(path, why);
}

std::string AccountKey(absl::string_view id) {
  const bool phone = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isdigit(c) || c == '+' || c == '-' || c == ' ';
  });
  std::string key;
  for (char c : id) {
    if (phone ? absl::ascii_isdigit(c) : !absl::ascii_isspace(c)) key.push_back(absl::ascii_tolower(c));
  }
  if (!phone) return key;
  if (absl::StartsWith(key, "0086")) return key.substr(4);
  if (key.size() > 11 && absl::StartsWith(key, "86")) return key.substr(2);
  return key;
}

ScreenerOptions ScreenerOptionsFrom(const v1::RulesConfig& c) {
  ScreenerOptions options;
  for (const v1::WordList& list : c.word_lists()) {
    options.word_lists.push_back({list.category(),
                                  {list.words().begin(), list.words().end()},
                                  list.substring(), list.pinyin()});
  }
  options.whitelist.assign(c.whitelist().begin(), c.whitelist().end());
  if (!c.detector_kinds().empty()) {
    options.detectors.clear();
    for (int d : c.detector_kinds()) {
      if (d == v1::DETECTOR_NONE || d == v1::DETECTOR_UNSPECIFIED || !v1::Detector_IsValid(d)) {
        continue;
      }
      options.detectors.push_back(absl::AsciiStrToLower(
          absl::StripPrefix(v1::Detector_Name(static_cast<v1::Detector>(d)), "DETECTOR_")));
    }
  } else if (c.detectors_size() == 1 && c.detectors(0) == "none") {
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
  if (absl::Status s = ValidateDetectors(c); !s.ok()) return s;
  if (absl::Status s = ValidateCategoryNames(c); !s.ok()) return s;
  if (absl::Status s = ValidateExemption(c.exempt(), "rules.exempt"); !s.ok()) return s;
  if (absl::Status s = ValidateAllowLists(c); !s.ok()) return s;
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
    if (absl::Status s = ValidateExemption(rule.exempt(), at + ".exempt"); !s.ok()) return s;
  }
  const v1::FloodRule& f = c.flood();
  if (absl::Status s = CheckRange(f.max_messages(), 0, limits::kMaxFloodMessages,
                                  "rules.flood.max_messages");
      !s.ok()) {
    return s;
  }
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
      {c.audit_retention_seconds(), "rules.audit_retention_seconds"},
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
