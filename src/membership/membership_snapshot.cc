// Snapshots of the membership part: Save writes the roster, Load validates a
// snapshot and replaces the roster with it, Verify recomputes the derived
// state and compares.
#include <algorithm>
#include <deque>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "membership/membership.h"
#include "membership/roster_status.h"
#include "shequn/limits.h"

namespace shequn::membership {
namespace {

// A snapshot's roster, built apart so that a bad snapshot changes nothing.
struct Loaded {
  std::vector<Group> groups;
  absl::flat_hash_map<std::string, int32_t> group_by_id;
  std::vector<Member> members;
  absl::flat_hash_map<std::string, MemberIndex> by_id;
  absl::flat_hash_map<uint32_t, MemberIndex> by_number;
  std::deque<MemberIndex> waitlist;
};

absl::Status CheckSizes(const v1::MembershipState& state) {
  if (state.groups_size() > limits::kMaxGroups) {
    return InvalidField("membership.groups", absl::StrCat(state.groups_size(), " groups, limit ",
                                                     limits::kMaxGroups));
  }
  if (static_cast<size_t>(state.members_size()) > limits::kMaxMembers) {
    return InvalidField("membership.members", absl::StrCat(state.members_size(), " members, limit ",
                                                       limits::kMaxMembers));
  }
  return absl::OkStatus();
}

absl::Status LoadGroups(const v1::MembershipState& state, const v1::CommunityConfig& config,
                        Loaded& loaded) {
  for (int i = 0; i < state.groups_size(); ++i) {
    const v1::GroupRecord& r = state.groups(i);
    if (r.id().empty() || !loaded.group_by_id.emplace(r.id(), i).second) {
      return InvalidField(absl::StrCat("membership.groups[", i, "].id"), "missing or duplicate");
    }
    if (r.capacity() == 0) {
      return InvalidField(absl::StrCat("membership.groups[", i, "].capacity"), "must be positive");
    }
    Group g;
    g.id = r.id();
    g.stage = r.stage();
    g.capacity = r.capacity();
    g.working_size = r.working_size();
    g.opened_from = r.opened_from();
    g.opened_ms = r.opened_ms();
    loaded.groups.push_back(std::move(g));
  }
  for (const v1::GroupConfig& g : config.groups()) {
    if (!loaded.group_by_id.contains(g.id())) {
      return InvalidField("membership.groups",
                     absl::StrCat("configured group '", g.id(), "' is missing"));
    }
  }
  return absl::OkStatus();
}

// The record's fields that need no lookup: all but the group, team and
// inviter.
Member MemberFromRecord(const v1::MemberRecord& r) {
  Member m;
  m.id = r.id();
  m.number = r.number();
  m.nickname = r.nickname();
  m.role = r.role();
  m.status = r.status();
  m.channel = r.channel();
  m.applied_ms = r.applied_ms();
  m.joined_ms = r.joined_ms();
  m.left_ms = r.left_ms();
  m.fee_paid_cents = r.fee_paid_cents();
  m.deposit_cents = r.deposit_cents();
  m.attributes.assign(r.attributes().begin(), r.attributes().end());
  std::sort(m.attributes.begin(), m.attributes.end());
  m.rules_accepted = r.ritual().rules_accepted();
  m.nickname_ok = r.ritual().nickname_ok();
  m.introduction_ok = r.ritual().introduction_ok();
  m.handbook_ok = r.ritual().handbook_ok();
  m.ritual_complete = r.ritual().complete();
  m.reminded = r.ritual().reminded();
  m.ritual_deadline_ms = r.ritual().deadline_ms();
  m.ritual_removal_ms = r.ritual().removal_ms();
  m.referrals = r.referrals();
  m.exit_reason = r.exit_reason();
  m.last_active_ms = r.last_active_ms();
  m.purge_warned_ms = r.purge_warned_ms();
  return m;
}

// Sets `m`'s group and team from record `r` at path `at`.
absl::Status PlaceMember(const v1::MemberRecord& r, const std::string& at,
                         const v1::CommunityConfig& config, const Loaded& loaded, Member& m) {
  if (!r.group().empty()) {
    auto g = loaded.group_by_id.find(r.group());
    if (g == loaded.group_by_id.end()) {
      return InvalidField(at + ".group", absl::StrCat("unknown group '", r.group(), "'"));
    }
    m.group = g->second;
  } else if (InCommunity(m.status)) {
    return InvalidField(at + ".group", "required for a member in the community");
  }
  if (r.team().empty()) return absl::OkStatus();
  const auto& names = config.teams().names();
  auto t = std::find(names.begin(), names.end(), r.team());
  if (t == names.end()) {
    return InvalidField(at + ".team", absl::StrCat("unknown team '", r.team(), "'"));
  }
  m.team = static_cast<int32_t>(t - names.begin());
  if (!InCommunity(m.status)) {
    return InvalidField(at + ".team", "only a member in the community is in a team");
  }
  return absl::OkStatus();
}

absl::Status LoadMember(const v1::MembershipState& state, int i,
                        const v1::CommunityConfig& config, Loaded& loaded) {
  const v1::MemberRecord& r = state.members(i);
  const std::string at = absl::StrCat("membership.members[", i, "]");
  if (r.id().empty() || !loaded.by_id.emplace(r.id(), i).second) {
    return InvalidField(at + ".id", "missing or duplicate");
  }
  if (!v1::Role_IsValid(r.role()) || r.role() == v1::ROLE_UNSPECIFIED) {
    return InvalidField(at + ".role", "unknown role");
  }
  if (!v1::MemberStatus_IsValid(r.status()) || r.status() == v1::MEMBER_STATUS_UNSPECIFIED) {
    return InvalidField(at + ".status", "unknown status");
  }
  if (r.number() >= state.next_number()) {
    return InvalidField(at + ".number", "not below next_number");
  }
  if (r.number() != 0 && !loaded.by_number.emplace(r.number(), i).second) {
    return InvalidField(at + ".number", absl::StrCat("number ", r.number(), " is held twice"));
  }
  for (const auto& [field, ms] : {std::pair<const char*, int64_t>{"last_active_ms",
                                                                  r.last_active_ms()},
                                  {"purge_warned_ms", r.purge_warned_ms()}}) {
    if (ms < 0 || ms > limits::kMaxTimeMs) {
      return InvalidField(absl::StrCat(at, ".", field),
                          absl::StrCat(ms, " is outside 0..", limits::kMaxTimeMs));
    }
  }
  Member m = MemberFromRecord(r);
  if (absl::Status s = PlaceMember(r, at, config, loaded, m); !s.ok()) return s;
  loaded.members.push_back(std::move(m));
  return absl::OkStatus();
}

// Inviters may come later in the snapshot than the members they invited.
absl::Status LinkInviters(const v1::MembershipState& state, Loaded& loaded) {
  for (int i = 0; i < state.members_size(); ++i) {
    const std::string& inviter = state.members(i).inviter();
    if (inviter.empty()) continue;
    auto it = loaded.by_id.find(inviter);
    if (it == loaded.by_id.end()) {
      return InvalidField(absl::StrCat("membership.members[", i, "].inviter"),
                     absl::StrCat("unknown member '", inviter, "'"));
    }
    loaded.members[i].inviter = it->second;
  }
  return absl::OkStatus();
}

absl::Status LoadMembers(const v1::MembershipState& state, const v1::CommunityConfig& config,
                         Loaded& loaded) {
  for (int i = 0; i < state.members_size(); ++i) {
    if (absl::Status s = LoadMember(state, i, config, loaded); !s.ok()) return s;
  }
  return LinkInviters(state, loaded);
}

// The waitlist holds each waitlisted member once, and nobody else.
absl::Status LoadWaitlist(const v1::MembershipState& state, Loaded& loaded) {
  std::vector<bool> queued(loaded.members.size(), false);
  for (int i = 0; i < state.waitlist_size(); ++i) {
    auto it = loaded.by_id.find(state.waitlist(i));
    if (it == loaded.by_id.end() ||
        loaded.members[it->second].status != v1::MEMBER_STATUS_WAITLISTED) {
      return InvalidField(absl::StrCat("membership.waitlist[", i, "]"), "not a waitlisted member");
    }
    if (queued[it->second]) {
      return InvalidField(absl::StrCat("membership.waitlist[", i, "]"), "listed twice");
    }
    queued[it->second] = true;
    loaded.waitlist.push_back(it->second);
  }
  for (size_t i = 0; i < loaded.members.size(); ++i) {
    if (loaded.members[i].status == v1::MEMBER_STATUS_WAITLISTED && !queued[i]) {
      return InvalidField(absl::StrCat("membership.members[", i, "].status"),
                     "waitlisted but not in the waitlist");
    }
  }
  return absl::OkStatus();
}

// When the ritual timer of `member` is due, or 0 when none runs.
int64_t RitualDue(const Member& member) {
  if (member.ritual_complete) return 0;
  return member.reminded ? member.ritual_removal_ms : member.ritual_deadline_ms;
}

// The derived state as the roster implies it.
struct Derived {
  std::vector<uint32_t> headcounts;  // by group
  std::vector<uint32_t> team_sizes;
  uint32_t active = 0;
  absl::btree_set<std::pair<int64_t, MemberIndex>> timers;
};

Derived Recount(const std::vector<Member>& members, size_t groups, size_t teams) {
  Derived d;
  d.headcounts.assign(groups, 0);
  d.team_sizes.assign(teams, 0);
  for (MemberIndex m = 0; m < members.size(); ++m) {
    const Member& member = members[m];
    if (member.team >= 0 && InCommunity(member.status)) ++d.team_sizes[member.team];
    if (!member.active()) continue;
    ++d.headcounts[member.group];
    ++d.active;
    if (const int64_t due = RitualDue(member); due > 0) d.timers.insert({due, m});
  }
  return d;
}

absl::Status Mismatch(absl::string_view what, uint64_t live, uint64_t recomputed) {
  return absl::InternalError(absl::StrCat("membership: ", what, " is ", live,
                                          ", the roster says ", recomputed));
}

}  // namespace

// ---------------------------------------------------------------- save

void Membership::Save(v1::MembershipState* state) const {
  state->set_next_number(next_number_);
  for (const Group& g : groups_) {
    v1::GroupRecord* r = state->add_groups();
    r->set_id(g.id);
    r->set_stage(g.stage);
    r->set_capacity(g.capacity);
    r->set_working_size(g.working_size);
    r->set_opened_from(g.opened_from);
    r->set_opened_ms(g.opened_ms);
  }
  for (MemberIndex m = 0; m < members_.size(); ++m) SaveMember(m, state->add_members());
  for (MemberIndex m : waitlist_) state->add_waitlist(members_[m].id);
}

void Membership::SaveMember(MemberIndex index, v1::MemberRecord* r) const {
  const Member& m = members_[index];
  r->set_id(m.id);
  r->set_number(m.number);
  r->set_nickname(m.nickname);
  r->set_role(m.role);
  r->set_status(m.status);
  if (m.group != kNoGroup) r->set_group(groups_[m.group].id);
  if (m.team >= 0) r->set_team(config_.teams().names(m.team));
  r->set_channel(m.channel);
  if (m.inviter != kNoMember) r->set_inviter(members_[m.inviter].id);
  r->set_applied_ms(m.applied_ms);
  r->set_joined_ms(m.joined_ms);
  r->set_left_ms(m.left_ms);
  r->set_fee_paid_cents(m.fee_paid_cents);
  r->set_deposit_cents(m.deposit_cents);
  for (const auto& [k, v] : m.attributes) (*r->mutable_attributes())[k] = v;
  v1::RitualProgress* p = r->mutable_ritual();
  p->set_rules_accepted(m.rules_accepted);
  p->set_nickname_ok(m.nickname_ok);
  p->set_introduction_ok(m.introduction_ok);
  p->set_handbook_ok(m.handbook_ok);
  p->set_complete(m.ritual_complete);
  p->set_reminded(m.reminded);
  p->set_deadline_ms(m.ritual_deadline_ms);
  p->set_removal_ms(m.ritual_removal_ms);
  r->set_referrals(m.referrals);
  r->set_exit_reason(m.exit_reason);
  r->set_last_active_ms(m.last_active_ms);
  r->set_purge_warned_ms(m.purge_warned_ms);
}

// ---------------------------------------------------------------- load

absl::Status Membership::Load(const v1::MembershipState& state) {
  Loaded loaded;
  if (absl::Status s = CheckSizes(state); !s.ok()) return s;
  if (absl::Status s = LoadGroups(state, config_, loaded); !s.ok()) return s;
  if (absl::Status s = LoadMembers(state, config_, loaded); !s.ok()) return s;
  if (absl::Status s = LoadWaitlist(state, loaded); !s.ok()) return s;
  members_ = std::move(loaded.members);
  groups_ = std::move(loaded.groups);
  by_id_ = std::move(loaded.by_id);
  by_number_ = std::move(loaded.by_number);
  group_by_id_ = std::move(loaded.group_by_id);
  waitlist_ = std::move(loaded.waitlist);
  next_number_ = state.next_number();
  RebuildDerived();
  return absl::OkStatus();
}

void Membership::RebuildDerived() {
  Derived d = Recount(members_, groups_.size(), config_.teams().names_size());
  opened_per_base_.clear();
  for (size_t g = 0; g < groups_.size(); ++g) {
    groups_[g].headcount = d.headcounts[g];
    if (!groups_[g].opened_from.empty()) ++opened_per_base_[groups_[g].opened_from];
  }
  team_sizes_ = std::move(d.team_sizes);
  active_count_ = d.active;
  timers_ = std::move(d.timers);
  LinkGroupConfigs();
  purge_timers_.clear();
  for (MemberIndex m = 0; m < members_.size(); ++m) {
    members_[m].purge_due_ms = 0;
    ArmPurge(m);
  }
}

void Membership::LinkGroupConfigs() {
  absl::flat_hash_map<absl::string_view, int32_t> configured;
  for (int i = 0; i < config_.groups_size(); ++i) configured.emplace(config_.groups(i).id(), i);
  for (Group& g : groups_) {
    auto it = configured.find(g.opened_from.empty() ? g.id : g.opened_from);
    g.config = it == configured.end() ? -1 : it->second;
  }
}

// ---------------------------------------------------------------- verify

absl::Status Membership::Verify() const {
  if (absl::Status s = VerifyIndexes(); !s.ok()) return s;
  for (MemberIndex m = 0; m < members_.size(); ++m) {
    if (absl::Status s = VerifyMember(m); !s.ok()) return s;
  }
  if (absl::Status s = VerifyCounts(); !s.ok()) return s;
  return VerifyWaitlist();
}

absl::Status Membership::VerifyIndexes() const {
  if (by_id_.size() != members_.size()) {
    return Mismatch("the member index size", by_id_.size(), members_.size());
  }
  if (group_by_id_.size() != groups_.size()) {
    return Mismatch("the group index size", group_by_id_.size(), groups_.size());
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    std::optional<int32_t> found = FindGroup(groups_[g].id);
    if (!found.has_value() || *found != static_cast<int32_t>(g)) {
      return absl::InternalError(
          absl::StrCat("membership: group '", groups_[g].id, "' is not indexed"));
    }
  }
  return absl::OkStatus();
}

// What the counts rest on: the member is indexed, seated in a group that
// exists, in a team only while in the community, and timed when due.
absl::Status Membership::VerifyMember(MemberIndex m) const {
  const Member& member = members_[m];
  std::optional<MemberIndex> found = Find(member.id);
  if (!found.has_value() || *found != m) {
    return absl::InternalError(
        absl::StrCat("membership: member '", member.id, "' is not indexed"));
  }
  if (InCommunity(member.status) &&
      (member.group < 0 || static_cast<size_t>(member.group) >= groups_.size())) {
    return absl::InternalError(
        absl::StrCat("membership: member '", member.id, "' is in the community without a group"));
  }
  if (member.team >= 0 &&
      (!InCommunity(member.status) || static_cast<size_t>(member.team) >= team_sizes_.size())) {
    return absl::InternalError(
        absl::StrCat("membership: member '", member.id, "' is in a team but not in the community"));
  }
  if (const int64_t due = RitualDue(member);
      member.active() && due > 0 && !timers_.contains({due, m})) {
    return absl::InternalError(
        absl::StrCat("membership: member '", member.id, "' has no ritual timer at ", due));
  }
  if (const int64_t due = PurgeDue(member);
      due != member.purge_due_ms || (due > 0 && !purge_timers_.contains({due, m}))) {
    return absl::InternalError(
        absl::StrCat("membership: member '", member.id, "' has no purge timer at ", due));
  }
  if (member.number != 0) {
    auto holder = by_number_.find(member.number);
    if (holder == by_number_.end() || holder->second != m) {
      return absl::InternalError(absl::StrCat("membership: number ", member.number,
                                              " of member '", member.id, "' is not indexed"));
    }
  }
  return absl::OkStatus();
}

absl::Status Membership::VerifyCounts() const {
  const Derived d = Recount(members_, groups_.size(), team_sizes_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (d.headcounts[g] != groups_[g].headcount) {
      return Mismatch(absl::StrCat("the headcount of group '", groups_[g].id, "'"),
                      groups_[g].headcount, d.headcounts[g]);
    }
  }
  for (size_t t = 0; t < d.team_sizes.size(); ++t) {
    if (d.team_sizes[t] != team_sizes_[t]) {
      return Mismatch(absl::StrCat("the size of team '", config_.teams().names(t), "'"),
                      team_sizes_[t], d.team_sizes[t]);
    }
  }
  if (d.active != active_count_) return Mismatch("the active count", active_count_, d.active);
  if (d.timers.size() != timers_.size()) {
    return Mismatch("the number of ritual timers", timers_.size(), d.timers.size());
  }
  const size_t purged = std::count_if(members_.begin(), members_.end(),
                                      [](const Member& m) { return m.purge_due_ms != 0; });
  if (purged != purge_timers_.size()) {
    return Mismatch("the number of purge timers", purge_timers_.size(), purged);
  }
  const size_t numbered = std::count_if(members_.begin(), members_.end(),
                                        [](const Member& m) { return m.number != 0; });
  if (numbered != by_number_.size()) {
    return Mismatch("the number index size", by_number_.size(), numbered);
  }
  return absl::OkStatus();
}

absl::Status Membership::VerifyWaitlist() const {
  const size_t waitlisted =
      std::count_if(members_.begin(), members_.end(), [](const Member& member) {
        return member.status == v1::MEMBER_STATUS_WAITLISTED;
      });
  if (waitlisted != waitlist_.size()) {
    return Mismatch("the waitlist length", waitlist_.size(), waitlisted);
  }
  std::vector<bool> queued(members_.size(), false);
  for (MemberIndex m : waitlist_) {
    if (m >= members_.size() || queued[m] ||
        members_[m].status != v1::MEMBER_STATUS_WAITLISTED) {
      return absl::InternalError("membership: the waitlist holds a member twice or one not waiting");
    }
    queued[m] = true;
  }
  return absl::OkStatus();
}

}  // namespace shequn::membership
