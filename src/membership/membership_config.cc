// Validation of the membership parts of CommunityConfig.
#include "absl/container/flat_hash_set.h"
#include "base/field_errors.h"
#include "absl/strings/str_cat.h"
#include "membership/membership.h"
#include "membership/nickname.h"
#include "shequn/limits.h"

namespace shequn::membership {
namespace {

absl::Status TooLong(absl::string_view path, absl::string_view s, size_t limit) {
  if (s.size() <= limit) return absl::OkStatus();
  return InvalidField(path, absl::StrCat(s.size(), " bytes, limit ", limit));
}

absl::Status TooMany(absl::string_view path, int n, int limit) {
  if (n <= limit) return absl::OkStatus();
  return InvalidField(path, absl::StrCat(n, " entries, limit ", limit));
}

absl::Status ValidatePurge(const v1::InactivityPurge& p, const std::string& at) {
  for (const auto& [field, days] : {std::pair<const char*, uint32_t>{"warn_after_days",
                                                                     p.warn_after_days()},
                                    {"remove_after_days", p.remove_after_days()}}) {
    if (days > limits::kMaxPurgeDays) {
      return InvalidField(absl::StrCat(at, ".", field),
                          absl::StrCat(days, " days, limit ", limits::kMaxPurgeDays));
    }
  }
  if (absl::Status s = TooLong(at + ".notice", p.notice(), limits::kMaxTextBytes); !s.ok()) {
    return s;
  }
  if (absl::Status s = TooMany(at + ".exempt_roles", p.exempt_roles_size(),
                               limits::kMaxConfigEntries);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < p.exempt_roles_size(); ++i) {
    const v1::Role role = p.exempt_roles(i);
    if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
      return InvalidField(absl::StrCat(at, ".exempt_roles[", i, "]"), "unknown role");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateGroups(const v1::CommunityConfig& c) {
  if (c.groups_size() == 0) return InvalidField("groups", "at least one group is required");
  if (absl::Status s = TooMany("groups", c.groups_size(), limits::kMaxGroups); !s.ok()) return s;
  absl::flat_hash_set<absl::string_view> ids;
  for (int i = 0; i < c.groups_size(); ++i) {
    const v1::GroupConfig& g = c.groups(i);
    const std::string at = absl::StrCat("groups[", i, "]");
    if (g.id().empty()) return InvalidField(at + ".id", "required");
    if (absl::Status s = TooLong(at + ".id", g.id(), limits::kMaxIdBytes); !s.ok()) return s;
    if (absl::Status s = TooLong(at + ".name", g.name(), limits::kMaxNameBytes); !s.ok()) {
      return s;
    }
    if (!ids.insert(g.id()).second) {
      return InvalidField(at + ".id", absl::StrCat("duplicate group id '", g.id(), "'"));
    }
    if (g.stage() == v1::FUNNEL_STAGE_UNSPECIFIED) {
      return InvalidField(at + ".stage", "required (acquisition, retention or sharing)");
    }
    const uint32_t capacity = g.capacity() == 0 ? 500 : g.capacity();
    if (g.working_size() > capacity) {
      return InvalidField(at + ".working_size",
                     absl::StrCat(g.working_size(), " exceeds capacity ", capacity));
    }
    if (absl::Status s = ValidatePurge(g.purge(), at + ".purge"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateRoles(const v1::CommunityConfig& c,
                           const absl::flat_hash_set<absl::string_view>& groups) {
  absl::flat_hash_set<absl::string_view> ids;
  int owners = 0;
  if (absl::Status s = TooMany("roles.staff", c.roles().staff_size(), limits::kMaxStaff);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < c.roles().staff_size(); ++i) {
    const v1::StaffSeat& s = c.roles().staff(i);
    const std::string at = absl::StrCat("roles.staff[", i, "]");
    if (s.member_id().empty()) return InvalidField(at + ".member_id", "required");
    if (absl::Status st = TooLong(at + ".member_id", s.member_id(), limits::kMaxIdBytes);
        !st.ok()) {
      return st;
    }
    if (absl::Status st = TooLong(at + ".nickname", s.nickname(), limits::kMaxNameBytes);
        !st.ok()) {
      return st;
    }
    if (!ids.insert(s.member_id()).second) {
      return InvalidField(at + ".member_id",
                     absl::StrCat("duplicate member '", s.member_id(), "'"));
    }
    if (s.role() == v1::ROLE_UNSPECIFIED || s.role() == v1::ROLE_MEMBER) {
      return InvalidField(at + ".role", "a staff seat needs a staff role");
    }
    if (!v1::Role_IsValid(s.role())) return InvalidField(at + ".role", "unknown role");
    if (!s.group_id().empty() && !groups.contains(s.group_id())) {
      return InvalidField(at + ".group_id", absl::StrCat("unknown group '", s.group_id(), "'"));
    }
    owners += s.role() == v1::ROLE_OWNER;
  }
  if (owners != 1) {
    return InvalidField("roles.staff", absl::StrCat("exactly one owner is required, found ", owners));
  }
  return ValidateNicknameFormat(c.roles().staff_nickname(), "roles.staff_nickname");
}

absl::Status ValidateThresholds(const v1::AdmissionPolicy& a) {
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < a.thresholds_size(); ++i) {
    const std::string at = absl::StrCat("admission.thresholds[", i, "]");
    const v1::Threshold t = a.thresholds(i);
    if (t == v1::THRESHOLD_UNSPECIFIED || !v1::Threshold_IsValid(t)) {
      return InvalidField(at, "unknown threshold");
    }
    if (!seen.insert(t).second) return InvalidField(at, "listed twice");
    if (t == v1::THRESHOLD_OPEN && a.thresholds_size() > 1) {
      return InvalidField(at, "OPEN cannot be combined with another threshold");
    }
    if (t == v1::THRESHOLD_PAID && a.fee_cents() <= 0) {
      return InvalidField("admission.fee_cents", "must be positive for a PAID threshold");
    }
    if (t == v1::THRESHOLD_TASK && a.admission_task().empty()) {
      return InvalidField("admission.admission_task", "required for a TASK threshold");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAdmission(const v1::CommunityConfig& c,
                               const absl::flat_hash_set<absl::string_view>& groups) {
  const v1::AdmissionPolicy& a = c.admission();
  if (absl::Status s = ValidateThresholds(a); !s.ok()) return s;
  if (a.fee_cents() < 0) return InvalidField("admission.fee_cents", "must not be negative");
  if (a.deposit_cents() < 0) return InvalidField("admission.deposit_cents", "must not be negative");
  if (a.fee_cents() > limits::kMaxCents) {
    return InvalidField("admission.fee_cents", absl::StrCat("over the limit of ", limits::kMaxCents));
  }
  if (a.deposit_cents() > limits::kMaxCents) {
    return InvalidField("admission.deposit_cents",
                   absl::StrCat("over the limit of ", limits::kMaxCents));
  }
  if (absl::Status s = TooLong("admission.admission_task", a.admission_task(),
                               limits::kMaxIdBytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = TooMany("admission.prescreen", a.prescreen_size(),
                               limits::kMaxConfigEntries);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < a.prescreen_size(); ++i) {
    const std::string at = absl::StrCat("admission.prescreen[", i, "]");
    if (a.prescreen(i).attribute().empty()) return InvalidField(at + ".attribute", "required");
    if (a.prescreen(i).allowed_values_size() == 0) {
      return InvalidField(at + ".allowed_values", "at least one value is required");
    }
    if (absl::Status s = TooMany(at + ".allowed_values", a.prescreen(i).allowed_values_size(),
                                 limits::kMaxAllowedValues);
        !s.ok()) {
      return s;
    }
  }
  if (!v1::OverflowPolicy_IsValid(a.overflow())) {
    return InvalidField("admission.overflow", "unknown policy");
  }
  if (!a.entry_group_id().empty() && !groups.contains(a.entry_group_id())) {
    return InvalidField("admission.entry_group_id",
                   absl::StrCat("unknown group '", a.entry_group_id(), "'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRitual(const v1::OnboardingRitual& r) {
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < r.steps_size(); ++i) {
    const std::string at = absl::StrCat("ritual.steps[", i, "]");
    const v1::RitualStep step = r.steps(i);
    if (step == v1::RITUAL_STEP_UNSPECIFIED || !v1::RitualStep_IsValid(step)) {
      return InvalidField(at, "unknown step");
    }
    if (!seen.insert(step).second) return InvalidField(at, "listed twice");
    if (step == v1::RITUAL_STEP_NICKNAME && IsEmptyFormat(r.nickname())) {
      return InvalidField("ritual.nickname", "required for a NICKNAME step");
    }
    if (step == v1::RITUAL_STEP_INTRODUCTION && r.intro_fields_size() == 0) {
      return InvalidField("ritual.intro_fields", "required for an INTRODUCTION step");
    }
    if (step == v1::RITUAL_STEP_HANDBOOK && r.handbook().empty()) {
      return InvalidField("ritual.handbook", "required for a HANDBOOK step");
    }
  }
  if (r.deadline_seconds() < 0) return InvalidField("ritual.deadline_seconds", "must not be negative");
  if (r.grace_seconds() < 0) return InvalidField("ritual.grace_seconds", "must not be negative");
  if (r.deadline_seconds() > limits::kMaxDurationSeconds) {
    return InvalidField("ritual.deadline_seconds",
                   absl::StrCat("over the limit of ", limits::kMaxDurationSeconds));
  }
  if (r.grace_seconds() > limits::kMaxDurationSeconds) {
    return InvalidField("ritual.grace_seconds",
                   absl::StrCat("over the limit of ", limits::kMaxDurationSeconds));
  }
  if (absl::Status s = TooMany("ritual.intro_fields", r.intro_fields_size(),
                               limits::kMaxConfigEntries);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < r.intro_fields_size(); ++i) {
    if (absl::Status s = TooLong(absl::StrCat("ritual.intro_fields[", i, "]"), r.intro_fields(i),
                                 limits::kMaxNameBytes);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = TooLong("ritual.welcome_message", r.welcome_message(),
                               limits::kMaxTextBytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = TooLong("ritual.handbook", r.handbook(), limits::kMaxTextBytes); !s.ok()) {
    return s;
  }
  return ValidateNicknameFormat(r.nickname(), "ritual.nickname");
}

absl::Status ValidateTeams(const v1::TeamsConfig& t) {
  absl::flat_hash_set<absl::string_view> names;
  if (absl::Status s = TooMany("teams.names", t.names_size(), limits::kMaxTeams); !s.ok()) {
    return s;
  }
  for (int i = 0; i < t.names_size(); ++i) {
    const std::string at = absl::StrCat("teams.names[", i, "]");
    if (t.names(i).empty()) return InvalidField(at, "empty team name");
    if (absl::Status s = TooLong(at, t.names(i), limits::kMaxIdBytes); !s.ok()) return s;
    if (!names.insert(t.names(i)).second) {
      return InvalidField(at, absl::StrCat("duplicate team '", t.names(i), "'"));
    }
  }
  if (t.max_size() != 0 && t.min_size() > t.max_size()) {
    return InvalidField("teams.min_size", absl::StrCat(t.min_size(), " exceeds max_size ", t.max_size()));
  }
  if (!v1::TeamsFullPolicy_IsValid(t.when_full())) {
    return InvalidField("teams.when_full", "unknown policy");
  }
  if (t.assignment() == v1::TEAM_ASSIGNMENT_SMALLEST && t.names_size() == 0) {
    return InvalidField("teams.names", "required when teams are assigned");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Membership::ValidateConfig(const v1::CommunityConfig& c) {
  if (absl::Status s = ValidateGroups(c); !s.ok()) return s;
  absl::flat_hash_set<absl::string_view> groups;
  for (const v1::GroupConfig& g : c.groups()) groups.insert(g.id());
  if (absl::Status s = ValidateRoles(c, groups); !s.ok()) return s;
  if (absl::Status s = ValidateAdmission(c, groups); !s.ok()) return s;
  if (absl::Status s = ValidateRitual(c.ritual()); !s.ok()) return s;
  return ValidateTeams(c.teams());
}

}  // namespace shequn::membership
