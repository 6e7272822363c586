// The onboarding ritual: the welcome and handbook on admission, the
// steps (the group rules, the nickname format, the self-introduction, the
// handbook), the staff nickname format, and the reminder and
// removal of a member who has not finished in time.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/actions.h"
#include "base/field_errors.h"
#include "membership/membership.h"
#include "membership/nickname.h"
#include "membership/roster_status.h"

namespace shequn::membership {
namespace {

constexpr int64_t kDefaultGraceSeconds = 86400;
constexpr int64_t kMillis = 1000;

bool HasStep(const v1::OnboardingRitual& r, v1::RitualStep s) {
  return std::find(r.steps().begin(), r.steps().end(), s) != r.steps().end();
}

// Appends a reminder to `member` under `rule`, with `reason` for the host
// and `text` for the member.
v1::Action& Remind(v1::Outcome& out, absl::string_view rule, const Member& member,
                   absl::string_view reason, std::string text) {
  v1::Action& r = AddAction(out, v1::ACTION_KIND_REMIND, rule, member.id);
  r.set_reason(std::string(reason));
  r.set_text(std::move(text));
  return r;
}

}  // namespace

absl::Status Membership::CheckRename(const v1::Event& e) const {
  if (absl::Status s = ActiveMember(e.actor(), "actor").status(); !s.ok()) return s;
  if (e.rename().nickname().empty()) return InvalidField("rename.nickname", "required");
  return absl::OkStatus();
}

// The introduction's size, field by field and in all, is the input gate's
// (event.proto's `(total)` bound).
absl::Status Membership::CheckIntroduce(const v1::Event& e) const {
  return ActiveMember(e.actor(), "actor").status();
}

void Membership::ApplyRename(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.actor());
  Member& member = members_[m];
  member.nickname = e.rename().nickname();
  const v1::NicknameFormat& staff = config_.roles().staff_nickname();
  if (IsStaff(member.role)) {
    if (std::string why = NicknameMismatch(member.nickname, staff); !why.empty()) {
      Remind(out, "roles.staff_nickname", member, "nickname.staff_format",
             absl::StrCat("staff nickname ", why));
    }
    return;
  }
  if (!staff.prefix().empty() && absl::StartsWith(member.nickname, staff.prefix())) {
    Remind(out, "roles.staff_nickname", member, "nickname.staff_prefix",
           absl::StrCat("members may not use the staff prefix '", staff.prefix(), "'"));
  }
  if (!HasStep(config_.ritual(), v1::RITUAL_STEP_NICKNAME)) return;
  const std::string why = NicknameMismatch(member.nickname, config_.ritual().nickname());
  member.nickname_ok = why.empty();
  if (!member.nickname_ok) {
    Remind(out, "ritual.nickname", member, "nickname.format", absl::StrCat("nickname ", why));
  }
  UpdateRitual(m, out);
}

void Membership::ApplyIntroduce(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.actor());
  std::vector<absl::string_view> missing;
  for (const std::string& field : config_.ritual().intro_fields()) {
    auto it = e.introduce().fields().find(field);
    if (it == e.introduce().fields().end() || it->second.empty()) missing.push_back(field);
  }
  if (!missing.empty()) {
    Remind(out, "ritual.intro_fields", members_[m], "introduction.missing_fields",
           absl::StrCat("introduction lacks: ", absl::StrJoin(missing, ", ")));
    return;
  }
  members_[m].introduction_ok = true;
  UpdateRitual(m, out);
}

void Membership::ApplyHandbookAck(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *Find(e.actor());
  members_[m].handbook_ok = true;
  UpdateRitual(m, out);
}

void Membership::StartRitual(MemberIndex m, int64_t now, v1::Outcome& out) {
  const v1::OnboardingRitual& ritual = config_.ritual();
  Member& member = members_[m];
  member.reminded = false;
  member.ritual_deadline_ms = member.ritual_removal_ms = 0;
  if (!ritual.welcome_message().empty() || ritual.steps_size() > 0) {
    AddAction(out, v1::ACTION_KIND_WELCOME, "ritual.welcome_message", member.id)
        .set_text(ritual.welcome_message());
  }
  if (!ritual.handbook().empty()) {
    AddAction(out, v1::ACTION_KIND_SEND_HANDBOOK, "ritual.handbook", member.id)
        .set_text(ritual.handbook());
  }
  member.nickname_ok = NicknameMismatch(member.nickname, ritual.nickname()).empty();
  UpdateRitual(m, out);
  if (!member.ritual_complete && ritual.deadline_seconds() > 0) {
    member.ritual_deadline_ms = now + ritual.deadline_seconds() * kMillis;
    timers_.insert({member.ritual_deadline_ms, m});
  }
}

std::string Membership::MissingRitualSteps(const Member& m) const {
  std::vector<absl::string_view> missing;
  for (int step : config_.ritual().steps()) {
    switch (step) {
      case v1::RITUAL_STEP_ACCEPT_RULES:
        if (!m.rules_accepted) missing.push_back("accept the group rules");
        break;
      case v1::RITUAL_STEP_NICKNAME:
        if (!m.nickname_ok) missing.push_back("set the nickname format");
        break;
      case v1::RITUAL_STEP_INTRODUCTION:
        if (!m.introduction_ok) missing.push_back("post the self-introduction");
        break;
      case v1::RITUAL_STEP_HANDBOOK:
        if (!m.handbook_ok) missing.push_back("read the handbook");
        break;
    }
  }
  return absl::StrJoin(missing, "; ");
}

void Membership::UpdateRitual(MemberIndex m, v1::Outcome& out) {
  Member& member = members_[m];
  if (member.ritual_complete || !member.active()) return;
  if (!MissingRitualSteps(member).empty()) return;
  member.ritual_complete = true;
  CancelTimer(m);
  // Without steps there is no ritual to finish, so nothing to announce.
  if (config_.ritual().steps_size() == 0) return;
  AddAction(out, v1::ACTION_KIND_ONBOARDED, "ritual.steps", member.id)
      .set_group(groups_[member.group].id);
}

void Membership::CancelTimer(MemberIndex m) {
  Member& member = members_[m];
  timers_.erase({member.ritual_deadline_ms, m});
  timers_.erase({member.ritual_removal_ms, m});
}

// ---------------------------------------------------------------- timers

void Membership::RunRitualTimer(v1::Outcome& out) {
  const auto [due, m] = *timers_.begin();
  timers_.erase(timers_.begin());
  Member& member = members_[m];
  if (!member.active() || member.ritual_complete) return;
  if (!member.reminded) {
    member.reminded = true;
    const int64_t grace = config_.ritual().has_grace_seconds() ? config_.ritual().grace_seconds()
                                                               : kDefaultGraceSeconds;
    member.ritual_removal_ms = due + grace * kMillis;
    timers_.insert({member.ritual_removal_ms, m});
    Remind(out, "ritual.deadline_seconds", member, "ritual.incomplete",
           MissingRitualSteps(member))
        .set_group(groups_[member.group].id);
    return;
  }
  v1::Action& r = AddAction(out, v1::ACTION_KIND_REMOVE, "ritual.grace_seconds", member.id);
  r.set_reason("ritual.incomplete");
  r.set_text(MissingRitualSteps(member));
  r.set_group(groups_[member.group].id);
  Exit(m, due, v1::MEMBER_STATUS_REMOVED, "ritual.incomplete", false, out);
}

}  // namespace shequn::membership
