// Tasks: assignments with deadlines, on-time/late/missing counts,
// graduation eligibility (and graduation on completion, when configured)
// and results elimination (成果淘汰).
#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "base/actions.h"
#include "points/points.h"
#include "base/utf8.h"

namespace shequn::points {
absl::Status Points::CheckAssign(const v1::Event& e) const {
  if (auto s = members_.AuthorizeOperator(e, OperatorAct::kAssignTask, std::nullopt); !s.ok()) {
    return s;
  }
  const v1::TaskAssignment& t = e.assign_task();
  if (t.task_id().empty()) return absl::InvalidArgumentError("assign_task.task_id: required");
  if (d_.task_ids.contains(t.task_id())) {
    return absl::AlreadyExistsError(
        absl::StrCat("assign_task.task_id: task '", t.task_id(), "' already exists"));
  }
  if (t.deadline_ms() <= e.time_ms()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "assign_task.deadline_ms: ", t.deadline_ms(), " is not after the event time ",
        e.time_ms()));
  }
  if (t.deadline_ms() > INT64_MAX - cfg_.tasks().late_window_seconds() * 1000) {
    return absl::InvalidArgumentError("assign_task.deadline_ms: too far in the future");
  }
  if (!e.group().empty() && !members_.FindGroup(e.group()).has_value()) {
    return absl::NotFoundError(absl::StrCat("group: unknown group '", e.group(), "'"));
  }
  return absl::OkStatus();
}

absl::Status Points::CheckSubmit(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> m = members_.ActiveMember(e.actor(), "actor");
  if (!m.ok()) return m.status();
  const v1::TaskSubmission& s = e.submit_task();
  auto it = d_.task_ids.find(s.task_id());
  if (it == d_.task_ids.end()) {
    return absl::NotFoundError(
        absl::StrCat("submit_task.task_id: unknown task '", s.task_id(), "'"));
  }
  const Task& t = d_.tasks[it->second];
  if (t.closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("submit_task.task_id: task '", t.id, "' is closed"));
  }
  if (t.group != membership::kNoGroup && members_.member(*m).group != t.group) {
    return absl::FailedPreconditionError(absl::StrCat(
        "submit_task.task_id: task '", t.id, "' is for group '",
        members_.group(t.group).id, "'"));
  }
  if (t.submitted_set.contains(*m)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "submit_task.task_id: member '", e.actor(), "' already submitted '", t.id, "'"));
  }
  return absl::OkStatus();
}

void Points::ApplyAssign(const v1::Event& e, v1::Outcome& out) {
  const v1::TaskAssignment& a = e.assign_task();
  const uint32_t index = static_cast<uint32_t>(d_.tasks.size());
  Task& t = d_.tasks.emplace_back();
  t.id = a.task_id();
  t.title = a.title();
  t.group = e.group().empty() ? membership::kNoGroup : *members_.FindGroup(e.group());
  t.assigned_ms = e.time_ms();
  t.deadline_ms = a.deadline_ms();
  t.thesis = a.is_thesis();
  d_.task_ids[t.id] = index;
  d_.task_closes.insert({t.deadline_ms + cfg_.tasks().late_window_seconds() * 1000, index});
}

void Points::ApplySubmit(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  Task& t = d_.tasks[d_.task_ids.at(e.submit_task().task_id())];
  t.submitted.push_back(m);
  t.submitted_set.insert(m);
  MemberState& s = StateOf(m);
  const bool on_time = e.time_ms() <= t.deadline_ms;
  if (t.thesis) {
    s.thesis = true;
  } else if (on_time) {
    ++s.on_time;
  } else {
    ++s.late;
  }
  Earn(m, on_time ? "task_on_time" : "task_late", e.time_ms(), std::nullopt, e.id(), out);
  GrantTaskTitles(m, t.id, out);
  const v1::TasksConfig& tc = cfg_.tasks();
  if (tc.graduation_tasks() == 0 || s.graduation_announced ||
      s.on_time < tc.graduation_tasks() || (tc.require_thesis() && !s.thesis)) {
    return;
  }
  s.graduation_announced = true;
  v1::Action& a = AddAction(out, v1::ACTION_KIND_ANNOUNCE_RESULTS,
                            "points.tasks.graduation_tasks", e.actor());
  a.set_reason("graduation_eligible");
  a.set_amount(s.on_time);
  a.set_group(GroupOf(m));
  a.set_text(absl::StrCat(s.on_time, " tasks on time", s.thesis ? " and the thesis" : ""));
  // Staff who play along are announced but stay: graduation ends a learner's run.
  if (!tc.graduate_on_completion() || members_.member(m).role != v1::ROLE_MEMBER) return;
  // Membership carries the REMOVE out as a graduation (reason "graduated"),
  // as it does an operator's graduate.
  v1::Action& g = AddAction(out, v1::ACTION_KIND_REMOVE, "points.tasks.graduate_on_completion",
                            e.actor());
  g.set_reason(std::string(membership::kGraduatedReason));
  g.set_group(GroupOf(m));
}

// At close, every active ROLE_MEMBER who was in the community when the task
// was set (and in its group, if any) and did not submit counts one missing.
// A group's task walks that group's roster (the live boards' synced seats);
// a task of the whole community walks every member.
void Points::CloseTask(uint32_t index, int64_t now, v1::Outcome& out) {
  Task& t = d_.tasks[index];
  t.closed = true;
  if (t.group != membership::kNoGroup) {
    for (MemberIndex m : live_.Roster(t.group)) CountMissing(t, m, out);
    return;
  }
  for (MemberIndex m = 0; m < members_.member_count(); ++m) CountMissing(t, m, out);
}

void Points::CountMissing(const Task& t, MemberIndex m, v1::Outcome& out) {
  const uint32_t limit = cfg_.tasks().eliminate_after_missing();
  {
    const membership::Member& member = members_.member(m);
    if (!member.active() || member.role != v1::ROLE_MEMBER || member.joined_ms > t.assigned_ms ||
        (t.group != membership::kNoGroup && member.group != t.group) ||
        t.submitted_set.contains(m)) {
      return;
    }
    MemberState& s = StateOf(m);
    ++s.missing;
    if (limit == 0) return;
    if (s.missing >= limit) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_REMOVE,
                                "points.tasks.eliminate_after_missing", member.id);
      a.set_reason("results_elimination");
      a.set_group(GroupOf(m));
      a.set_amount(s.missing);
      a.set_text(absl::StrCat("missed ", s.missing, " tasks (last: ", t.id, ")"));
    } else if (s.missing + 1 == limit && !s.tasks_warned) {
      s.tasks_warned = true;
      v1::Action& a = AddAction(out, v1::ACTION_KIND_ELIMINATION_WARNING,
                                "points.tasks.eliminate_after_missing", member.id);
      a.set_reason("results_elimination");
      a.set_group(GroupOf(m));
      a.set_amount(s.missing);
      a.set_text(absl::StrCat("missed ", s.missing, " of ", limit,
                              " allowed tasks; one more and you are removed"));
    }
  }
}

}  // namespace shequn::points
