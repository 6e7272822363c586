// Operator acts on points: adjustments, titles (称号) by hand (and the
// grant and revocation every title goes through), and contributions the
// host recognised. Title rules are in title_rules.cc.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "base/actions.h"
#include "points/points.h"
#include "base/utf8.h"

namespace shequn::points {

absl::Status Points::CheckAdjust(const v1::Event& e) const {
  const v1::PointsAdjustment& a = e.adjust_points();
  absl::StatusOr<MemberIndex> m = members_.ActiveMember(a.member(), "adjust_points.member");
  if (!m.ok()) return m.status();
  if (auto s = members_.AuthorizeOperator(e, OperatorAct::kAdjustPoints, *m); !s.ok()) return s;
  if (a.reason().empty()) return absl::InvalidArgumentError("adjust_points.reason: required");
  if (a.amount() == 0) return absl::InvalidArgumentError("adjust_points.amount: must not be 0");
  if (a.amount() < -max_adjustment_ || a.amount() > max_adjustment_) {
    return absl::OutOfRangeError(absl::StrCat("adjust_points.amount: ", a.amount(),
                                              " is outside ±", max_adjustment_,
                                              " (points.max_adjustment)"));
  }
  const int64_t balance = d_.ledger.Balance(*m);
  if (!d_.ledger.CanPost(*m, a.amount())) {
    return absl::OutOfRangeError(absl::StrCat("adjust_points.amount: ", a.amount(),
                                              " would overflow the balance ", balance));
  }
  if (a.amount() < 0 && balance + a.amount() < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "adjust_points.amount: a debit of ", -a.amount(), " exceeds the balance ", balance,
        " of member '", a.member(), "'"));
  }
  return absl::OkStatus();
}

void Points::ApplyAdjust(const v1::Event& e, v1::Outcome& out) {
  const v1::PointsAdjustment& a = e.adjust_points();
  Credit(*members_.Find(a.member()), a.amount(), absl::StrCat("operator:", e.actor()),
         a.reason(), e.id(), e.time_ms(), false, out);
}

absl::Status Points::CheckTitle(const v1::Event& e) const {
  const v1::TitleChange& t = e.title();
  absl::StatusOr<MemberIndex> m = members_.ActiveMember(t.member(), "title.member");
  if (!m.ok()) return m.status();
  if (auto s = members_.AuthorizeOperator(e, OperatorAct::kGrantTitle, *m); !s.ok()) return s;
  if (t.title().empty()) return absl::InvalidArgumentError("title.title: required");
  const bool held = HoldsTitle(*m, t.title());
  if (t.revoke() && !held) {
    return absl::FailedPreconditionError(absl::StrCat(
        "title.title: member '", t.member(), "' does not hold '", t.title(), "'"));
  }
  if (!t.revoke() && held) {
    return absl::FailedPreconditionError(absl::StrCat(
        "title.title: member '", t.member(), "' already holds '", t.title(), "'"));
  }
  return absl::OkStatus();
}

void Points::ApplyTitle(const v1::Event& e, v1::Outcome& out) {
  const v1::TitleChange& t = e.title();
  const MemberIndex m = *members_.Find(t.member());
  const std::string rule = absl::StrCat("operator:", e.actor());
  if (t.revoke()) {
    RevokeTitle(m, t.title(), rule, out);
  } else {
    GrantTitle(m, t.title(), rule, out);
  }
}

bool Points::HoldsTitle(MemberIndex m, absl::string_view title) const {
  const std::vector<std::string>& titles = PeekState(m).titles;
  return std::binary_search(titles.begin(), titles.end(), title);
}

v1::Action* Points::GrantTitle(MemberIndex m, absl::string_view title, absl::string_view rule,
                               v1::Outcome& out) {
  std::vector<std::string>& titles = StateOf(m).titles;
  auto it = std::lower_bound(titles.begin(), titles.end(), title);
  if (it != titles.end() && *it == title) return nullptr;
  titles.insert(it, std::string(title));
  ArmStreakBreak(m);
  v1::Action& a = AddAction(out, v1::ACTION_KIND_GRANT_TITLE, rule, members_.member(m).id);
  a.set_text(std::string(title));
  a.set_group(GroupOf(m));
  return &a;
}

v1::Action* Points::RevokeTitle(MemberIndex m, absl::string_view title, absl::string_view rule,
                                v1::Outcome& out) {
  if (!HoldsTitle(m, title)) return nullptr;
  std::vector<std::string>& titles = StateOf(m).titles;
  titles.erase(std::lower_bound(titles.begin(), titles.end(), title));
  ArmStreakBreak(m);
  v1::Action& a = AddAction(out, v1::ACTION_KIND_REVOKE_TITLE, rule, members_.member(m).id);
  a.set_text(std::string(title));
  a.set_group(GroupOf(m));
  return &a;
}

absl::Status Points::CheckContribution(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> actor = members_.ActorInGroup(e);
  if (!actor.ok()) return actor.status();
  const v1::Contribution& c = e.contribution();
  if (c.kind().empty()) return absl::InvalidArgumentError("contribution.kind: required");
  if (IsBuiltInKind(c.kind())) {  // earned by an event of its own
    return absl::InvalidArgumentError(absl::StrCat(
        "contribution.kind: '", c.kind(), "' is earned by its own event, not a contribution"));
  }
  if (!KindIndex(c.kind()).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("contribution.kind: no point rule for '", c.kind(), "' (points.rules)"));
  }
  if (c.beneficiary().empty()) return absl::OkStatus();
  if (c.beneficiary() == e.actor()) {
    return absl::PermissionDeniedError(
        "contribution.beneficiary: nobody awards points to themselves");
  }
  absl::StatusOr<MemberIndex> b = members_.ActiveMember(c.beneficiary(), "contribution.beneficiary");
  if (!b.ok()) return b.status();
  return members_.AuthorizeOperator(e, OperatorAct::kAdjustPoints, *b);
}

void Points::ApplyContribution(const v1::Event& e, v1::Outcome& out) {
  const v1::Contribution& c = e.contribution();
  const MemberIndex m = *members_.Find(c.beneficiary().empty() ? e.actor() : c.beneficiary());
  Earn(m, c.kind(), e.time_ms(), static_cast<size_t>(c.length()), e.id(), out);
}

}  // namespace shequn::points
