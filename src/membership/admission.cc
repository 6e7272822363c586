// Admission: applications, approval and rejection, the thresholds, the
// community quota, overflow groups, the waitlist, the blacklist, and
// admitting a member to a seat.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/actions.h"
#include "base/field_errors.h"
#include "membership/membership.h"
#include "membership/roster_status.h"
#include "shequn/limits.h"

namespace shequn::membership {
namespace {

bool HasThreshold(const v1::AdmissionPolicy& a, v1::Threshold t) {
  return std::find(a.thresholds().begin(), a.thresholds().end(), t) !=
         a.thresholds().end();
}

// A member who may apply now: new, or out of the community but not banned.
bool MayApply(v1::MemberStatus s) {
  return s == v1::MEMBER_STATUS_UNSPECIFIED || s == v1::MEMBER_STATUS_LEFT ||
         s == v1::MEMBER_STATUS_REMOVED || s == v1::MEMBER_STATUS_REFUSED ||
         s == v1::MEMBER_STATUS_GRADUATED || s == v1::MEMBER_STATUS_BANNED;
}

}  // namespace

absl::Status Membership::CheckApply(const v1::Event& e) const {
  const v1::Application& a = e.apply();
  if (std::optional<MemberIndex> m = Find(e.actor());
      m.has_value() && !MayApply(members_[*m].status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "actor: member '", e.actor(), "' is already ",
        StatusName(members_[*m].status)));
  }
  if (!e.group().empty() && !FindGroup(e.group()).has_value()) {
    return UnknownGroup("group", e.group());
  }
  if (!Find(e.actor()).has_value() && members_.size() >= limits::kMaxMembers) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "actor: the roster is full (", limits::kMaxMembers, " member ids)"));
  }
  if (!a.inviter().empty() && !Find(a.inviter()).has_value()) {
    return UnknownMember("apply.inviter", a.inviter());
  }
  if (a.inviter() == e.actor()) return InvalidField("apply.inviter", "nobody invites themselves");
  return absl::OkStatus();
}

absl::Status Membership::CheckApprove(const v1::Event& e) const {
  const bool approve = e.has_approve();
  const absl::string_view id = approve ? e.approve().member() : e.reject().member();
  const absl::string_view field = approve ? "approve.member" : "reject.member";
  if (id.empty()) return InvalidField(field, "required");
  std::optional<MemberIndex> m = Find(id);
  if (!m.has_value()) return UnknownMember(field, id);
  if (members_[*m].status != v1::MEMBER_STATUS_PENDING) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": member '", id, "' is ", StatusName(members_[*m].status),
        ", not pending approval"));
  }
  return AuthorizeOperator(e, OperatorAct::kApprove, std::nullopt);
}

void Membership::ApplyApplication(const v1::Event& e, v1::Outcome& out) {
  const v1::Application& a = e.apply();
  const MemberIndex m = Intern(e.actor());
  Member& member = members_[m];
  if (member.status == v1::MEMBER_STATUS_BANNED) {
    AddAction(out, v1::ACTION_KIND_REFUSE, "blacklist", member.id)
        .set_reason("blacklist");
    return;
  }
  member.nickname = a.nickname();
  member.channel = a.channel();
  member.applied_ms = e.time_ms();
  member.attributes.assign(a.attributes().begin(), a.attributes().end());
  std::sort(member.attributes.begin(), member.attributes.end());
  member.inviter = a.inviter().empty() ? kNoMember : *Find(a.inviter());
  member.fee_paid_cents = a.fee_paid_cents();
  member.rules_accepted = a.accepted_rules();
  member.introduction_ok = member.handbook_ok = member.ritual_complete = false;
  member.exit_reason.clear();
  if (auto [rule, why] = FirstUnmetThreshold(e); !rule.empty()) {
    member.status = v1::MEMBER_STATUS_REFUSED;
    member.exit_reason = rule;
    v1::Action& refuse = AddAction(out, v1::ACTION_KIND_REFUSE, rule, member.id);
    refuse.set_reason(rule);
    refuse.set_text(why);
    return;
  }
  // The deposit is held from the application: a refused seat returns it.
  member.deposit_cents = config_.admission().deposit_cents();
  const int32_t wanted = EntryGroup(e);
  if (HasThreshold(config_.admission(), v1::THRESHOLD_APPLICATION)) {
    member.status = v1::MEMBER_STATUS_PENDING;
    member.group = wanted;
    AddAction(out, v1::ACTION_KIND_AWAIT_APPROVAL, "admission.thresholds.application",
              member.id)
        .set_group(groups_[wanted].id);
    return;
  }
  SeatOrQueue(m, wanted, e.time_ms(), out);
}

void Membership::RefuseApplicant(const v1::Event& e, absl::string_view rule,
                                 absl::string_view category, absl::string_view text,
                                 v1::Outcome& out) {
  Member& member = members_[Intern(e.actor())];
  if (member.status == v1::MEMBER_STATUS_BANNED) {
    AddAction(out, v1::ACTION_KIND_REFUSE, "blacklist", member.id).set_reason("blacklist");
    return;
  }
  member.nickname = e.apply().nickname();
  member.channel = e.apply().channel();
  member.applied_ms = e.time_ms();
  member.status = v1::MEMBER_STATUS_REFUSED;
  member.exit_reason = std::string(rule);
  v1::Action& refuse = AddAction(out, v1::ACTION_KIND_REFUSE, rule, member.id);
  refuse.set_reason(std::string(rule));
  refuse.set_category(std::string(category));
  refuse.set_text(std::string(text));
}

void Membership::ApplyDecision(const v1::Event& e, v1::Outcome& out) {
  if (e.has_approve()) {
    const MemberIndex m = *Find(e.approve().member());
    SeatOrQueue(m, members_[m].group, e.time_ms(), out);
    return;
  }
  const MemberIndex m = *Find(e.reject().member());
  Member& member = members_[m];
  member.status = v1::MEMBER_STATUS_REFUSED;
  member.exit_reason = e.reject().reason();
  member.deposit_cents = 0;
  v1::Action& refuse = AddAction(out, v1::ACTION_KIND_REFUSE, "operator.reject", member.id);
  refuse.set_reason("operator.reject");
  refuse.set_text(e.reject().reason());
}

std::pair<std::string, std::string> Membership::FirstUnmetThreshold(
    const v1::Event& e) const {
  const v1::AdmissionPolicy& policy = config_.admission();
  const v1::Application& a = e.apply();
  if (policy.require_rules_acceptance() && !a.accepted_rules()) {
    return {"admission.require_rules_acceptance", "the group rules were not accepted"};
  }
  for (int i = 0; i < policy.prescreen_size(); ++i) {
    const v1::AttributeRequirement& req = policy.prescreen(i);
    auto it = a.attributes().find(req.attribute());
    const bool ok = it != a.attributes().end() &&
                    std::find(req.allowed_values().begin(), req.allowed_values().end(),
                              it->second) != req.allowed_values().end();
    if (!ok) {
      return {absl::StrCat("admission.prescreen[", i, "]"),
              absl::StrCat(req.attribute(), " must be one of: ",
                           absl::StrJoin(req.allowed_values(), ", "))};
    }
  }
  if (HasThreshold(policy, v1::THRESHOLD_INVITATION)) {
    std::optional<MemberIndex> inviter = Find(a.inviter());
    if (!inviter.has_value() || !members_[*inviter].active()) {
      return {"admission.thresholds.invitation", "an invitation from an active member is required"};
    }
  }
  if (HasThreshold(policy, v1::THRESHOLD_PAID) && a.fee_paid_cents() < policy.fee_cents()) {
    return {"admission.thresholds.paid",
            absl::StrCat("fee of ", policy.fee_cents(), " cents not paid (", a.fee_paid_cents(), ")")};
  }
  if (HasThreshold(policy, v1::THRESHOLD_TASK) &&
      std::find(a.completed_tasks().begin(), a.completed_tasks().end(),
                policy.admission_task()) == a.completed_tasks().end()) {
    return {"admission.thresholds.task",
            absl::StrCat("task '", policy.admission_task(), "' not completed")};
  }
  if (a.deposit_paid_cents() < policy.deposit_cents()) {
    return {"admission.deposit_cents",
            absl::StrCat("deposit of ", policy.deposit_cents(), " cents not paid (",
                         a.deposit_paid_cents(), ")")};
  }
  return {};
}

int32_t Membership::EntryGroup(const v1::Event& e) const {
  if (!e.group().empty()) return *FindGroup(e.group());
  const std::string& entry = config_.admission().entry_group_id();
  if (!entry.empty()) return *FindGroup(entry);
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].stage == v1::FUNNEL_STAGE_ACQUISITION) return static_cast<int32_t>(g);
  }
  return 0;
}

Membership::Seat Membership::FindSeat(int32_t wanted) const {
  const uint32_t quota = config_.admission().community_quota();
  const v1::OverflowPolicy policy = config_.admission().overflow();
  const bool community_full = quota != 0 && active_count_ >= quota;
  // No seat helps a newcomer the engine cannot put in a team.
  if (TeamsFull()) {
    return {config_.teams().when_full() == v1::TEAMS_FULL_POLICY_WAITLIST ? Seat::kWaitlist
                                                                           : Seat::kRefuse,
            wanted, true};
  }
  if (!community_full && groups_[wanted].headcount < groups_[wanted].capacity) {
    return {Seat::kAdmit, wanted};
  }
  if (!community_full && policy == v1::OVERFLOW_POLICY_OPEN_GROUP) {
    // Any group of the same stage with a free seat, configured or opened
    // earlier, before a new one: that also refills groups that shrank.
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (groups_[g].stage == groups_[wanted].stage &&
          groups_[g].headcount < groups_[g].capacity) {
        return {Seat::kAdmit, static_cast<int32_t>(g)};
      }
    }
    // Past the group limit no group is opened: the applicant waits.
    if (groups_.size() < static_cast<size_t>(limits::kMaxGroups)) {
      return {Seat::kAdmit, kNoGroup};
    }
  }
  // A new group cannot help a full community, so OPEN_GROUP waits too.
  if (policy == v1::OVERFLOW_POLICY_WAITLIST || policy == v1::OVERFLOW_POLICY_OPEN_GROUP) {
    return {Seat::kWaitlist, wanted};
  }
  return {Seat::kRefuse, wanted};
}

int32_t Membership::OpenOverflowGroup(int32_t from, int64_t now, v1::Outcome& out) {
  Group g;
  const std::string& base =
      groups_[from].opened_from.empty() ? groups_[from].id : groups_[from].opened_from;
  // Groups are never removed and each took the smallest free suffix, so
  // every suffix below count + 2 is taken: start there.
  uint32_t& opened = opened_per_base_[base];
  uint64_t n = uint64_t{opened} + 2;
  while (group_by_id_.contains(absl::StrCat(base, "-", n))) ++n;
  ++opened;
  g.id = absl::StrCat(base, "-", n);
  g.opened_from = base;
  g.opened_ms = now;
  g.stage = groups_[from].stage;
  g.capacity = groups_[from].capacity;
  g.working_size = groups_[from].working_size;
  g.config = groups_[from].config;
  const int32_t index = static_cast<int32_t>(groups_.size());
  group_by_id_.emplace(g.id, index);
  v1::Action& open = AddAction(out, v1::ACTION_KIND_OPEN_GROUP, "admission.overflow", "");
  open.set_group(base);
  open.set_target_group(g.id);
  open.set_amount(g.capacity);
  groups_.push_back(std::move(g));
  return index;
}

void Membership::SeatOrQueue(MemberIndex m, int32_t wanted, int64_t now, v1::Outcome& out) {
  Seat seat = FindSeat(wanted);
  Member& member = members_[m];
  switch (seat.kind) {
    case Seat::kAdmit:
      if (seat.group == kNoGroup) seat.group = OpenOverflowGroup(wanted, now, out);
      Admit(m, seat.group, now, "admission", out);
      return;
    case Seat::kWaitlist: {
      member.status = v1::MEMBER_STATUS_WAITLISTED;
      member.group = wanted;
      waitlist_.push_back(m);
      v1::Action& w = AddAction(out, v1::ACTION_KIND_WAITLIST,
                                seat.teams_full ? "teams.when_full" : "admission.overflow",
                                member.id);
      w.set_group(groups_[wanted].id);
      w.set_amount(static_cast<int64_t>(waitlist_.size()));
      return;
    }
    case Seat::kRefuse: {
      const char* reason = seat.teams_full ? "teams.full" : "admission.quota";
      member.status = v1::MEMBER_STATUS_REFUSED;
      member.exit_reason = reason;
      member.deposit_cents = 0;
      v1::Action& r = AddAction(out, v1::ACTION_KIND_REFUSE,
                                seat.teams_full ? "teams.when_full" : "admission.overflow",
                                member.id);
      r.set_reason(reason);
      r.set_group(groups_[wanted].id);
      r.set_text(seat.teams_full
                     ? absl::StrCat("every team is full (", config_.teams().max_size(), ")")
                     : absl::StrCat("group '", groups_[wanted].id, "' is full"));
      return;
    }
  }
}

void Membership::SeatFromWaitlist(int64_t now, v1::Outcome& out) {
  // The first waiting member who now fits takes the seat; with a community
  // quota that may be someone waiting for another group of the same stage.
  for (auto it = waitlist_.begin(); it != waitlist_.end(); ++it) {
    const Seat seat = FindSeat(members_[*it].group);
    if (seat.kind != Seat::kAdmit || seat.group == kNoGroup) continue;
    const MemberIndex m = *it;
    waitlist_.erase(it);
    Admit(m, seat.group, now, "admission.waitlist", out);
    return;
  }
}

void Membership::Admit(MemberIndex m, int32_t g, int64_t now, absl::string_view rule,
                       v1::Outcome& out) {
  Member& member = members_[m];
  if (member.number == 0) GiveNumber(m, next_number_);
  member.status = v1::MEMBER_STATUS_ACTIVE;
  member.group = g;
  member.joined_ms = member.last_active_ms = now;
  member.purge_warned_ms = 0;
  ++groups_[g].headcount;
  ++active_count_;
  v1::Action& admit = AddAction(out, v1::ACTION_KIND_ADMIT, rule, member.id);
  admit.set_group(groups_[g].id);
  admit.set_amount(member.number);
  TakeDeposit(member, out);
  if (member.inviter != kNoMember) {
    ++members_[member.inviter].referrals;
    AddAction(out, v1::ACTION_KIND_RECORD_REFERRAL, "admission.referral", member.id)
        .set_target_member(members_[member.inviter].id);
  }
  AutoAssignTeam(m, "teams.assignment", out);
  StartRitual(m, now, out);
  ArmPurge(m);
}

}  // namespace shequn::membership
