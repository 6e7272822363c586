// The inactivity purge (清理): a member silent for warn_after_days in a
// group with a purge is warned privately, and removed remove_after_days
// later unless they act in between. Every member the purge may reach has
// one timer keyed by when their next step is due, so an event costs
// O(log n) and a purge costs what is due, never a walk over the roster.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "membership/membership.h"
#include "membership/roster_status.h"

namespace shequn::membership {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
constexpr uint32_t kDefaultRemoveAfterDays = 3;

uint32_t RemoveAfterDays(const v1::InactivityPurge& p) {
  return p.has_remove_after_days() ? p.remove_after_days() : kDefaultRemoveAfterDays;
}

bool Exempt(const v1::InactivityPurge& p, v1::Role role) {
  if (role == v1::ROLE_OWNER) return true;
  if (p.exempt_roles_size() == 0) return IsStaff(role);
  return std::find(p.exempt_roles().begin(), p.exempt_roles().end(), role) !=
         p.exempt_roles().end();
}

std::string Notice(const v1::InactivityPurge& p) {
  if (!p.notice().empty()) return p.notice();
  return absl::StrCat("You have been silent for ", p.warn_after_days(),
                      " days; say something within ", RemoveAfterDays(p),
                      " days to stay in the group.");
}

}  // namespace

const v1::InactivityPurge* Membership::PurgeOf(int32_t g) const {
  const int32_t c = groups_[g].config;
  if (c < 0 || config_.groups(c).purge().warn_after_days() == 0) return nullptr;
  return &config_.groups(c).purge();
}

int64_t Membership::PurgeDue(const Member& m) const {
  if (!m.active()) return 0;
  const v1::InactivityPurge* p = PurgeOf(m.group);
  if (p == nullptr || Exempt(*p, m.role)) return 0;
  if (m.purge_warned_ms != 0) return m.purge_warned_ms + RemoveAfterDays(*p) * kDayMs;
  // Staff seated by the config have no clock until they first act.
  if (m.last_active_ms == 0) return 0;
  return m.last_active_ms + p->warn_after_days() * kDayMs;
}

void Membership::ArmPurge(MemberIndex m) {
  Member& member = members_[m];
  if (member.purge_due_ms != 0) purge_timers_.erase({member.purge_due_ms, m});
  member.purge_due_ms = PurgeDue(member);
  if (member.purge_due_ms != 0) purge_timers_.insert({member.purge_due_ms, m});
}

void Membership::Touch(const v1::Event& e) {
  std::optional<MemberIndex> m = Find(e.actor());
  if (!m.has_value() || !members_[*m].active()) return;
  Member& member = members_[*m];
  member.last_active_ms = e.time_ms();
  member.purge_warned_ms = 0;
  ArmPurge(*m);
}

void Membership::RunPurgeTimer(v1::Outcome& out) {
  const auto [due, m] = *purge_timers_.begin();
  Member& member = members_[m];
  const int32_t c = groups_[member.group].config;
  const v1::InactivityPurge& p = config_.groups(c).purge();
  const std::string at = absl::StrCat("groups[", c, "].purge");
  if (member.purge_warned_ms == 0) {
    member.purge_warned_ms = due;
    ArmPurge(m);
    v1::Action& warn = AddAction(out, v1::ACTION_KIND_WARN_PRIVATELY,
                                 absl::StrCat(at, ".warn_after_days"), member.id);
    warn.set_reason("purge.inactive");
    warn.set_group(groups_[member.group].id);
    warn.set_text(Notice(p));
    return;
  }
  v1::Action& remove = AddAction(out, v1::ACTION_KIND_REMOVE,
                                 absl::StrCat(at, ".remove_after_days"), member.id);
  remove.set_reason("purge.inactive");
  remove.set_group(groups_[member.group].id);
  Exit(m, due, v1::MEMBER_STATUS_REMOVED, "purge.inactive", false, out);
}

absl::StatusOr<v1::PurgePreview> Membership::PreviewPurge(absl::string_view group,
                                                          int64_t as_of_ms) const {
  std::optional<int32_t> g = FindGroup(group);
  if (!g.has_value()) return UnknownGroup("group", group);
  v1::PurgePreview preview;
  for (const auto& [due, m] : purge_timers_) {
    if (due > as_of_ms) break;
    const Member& member = members_[m];
    if (member.group != *g) continue;
    v1::PurgeStep* step = preview.add_steps();
    step->set_member(member.id);
    step->set_last_active_ms(member.last_active_ms);
    const bool warned = member.purge_warned_ms != 0;
    step->set_warn_ms(warned ? 0 : due);
    step->set_remove_ms(warned ? due : due + RemoveAfterDays(*PurgeOf(*g)) * kDayMs);
  }
  return preview;
}

}  // namespace shequn::membership
