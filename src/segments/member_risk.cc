// Segments' cross-group risk of members: the member who breaks rules in
// one group after another. Each member with a violation within
// risk.member_window_days keeps the groups they broke a rule in (each with
// its latest violation) and their recent violating messages (at most
// limits::kMaxRiskViolationsPerMember, so an edit is not counted twice);
// the daily check drops what the window left behind.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/actions.h"
#include "base/field_errors.h"
#include "segments/segments.h"
#include "shequn/limits.h"

namespace shequn::segments {

int64_t Segments::MemberRiskWindowMs() const {
  return int64_t{settings_.risk.member_window_days()} * kDayMs;
}

void Segments::ExpireMemberRisk(MemberRisk& r, int64_t since) {
  std::erase_if(r.groups, [&](const auto& g) { return g.second <= since; });
  while (!r.recent.empty() && r.recent.front().first <= since) r.recent.pop_front();
}

bool Segments::NoteMemberViolation(MemberIndex m, int32_t g, const std::string& message_id,
                                   int64_t now, v1::Outcome* alerts) {
  MemberRisk& r = d_.member_risk[m];
  const int64_t since = now - MemberRiskWindowMs();
  ExpireMemberRisk(r, since);
  // A message already counted (an edit that breaks a rule again) is not a
  // new violation.
  const bool again = !message_id.empty() &&
                     std::any_of(r.recent.begin(), r.recent.end(),
                                 [&](const auto& v) { return v.second == message_id; });
  if (again) return false;
  r.recent.emplace_back(now, message_id);
  if (r.recent.size() > limits::kMaxRiskViolationsPerMember) r.recent.pop_front();
  std::erase_if(r.groups, [&](const auto& seen) { return seen.first == g; });
  r.groups.emplace_back(g, now);
  const bool across = r.groups.size() >= settings_.risk.member_min_groups();
  const bool quiet = r.alerted_ms == 0 || r.alerted_ms <= since;
  if (alerts == nullptr || settings_.risk.disabled() || !across || !quiet) return true;
  r.alerted_ms = now;
  std::vector<std::string> groups;
  for (const auto& [group, last_ms] : r.groups) groups.push_back(members_.group(group).id);
  v1::Action& a = AddAction(*alerts, v1::ACTION_KIND_RISK_ALERT, "segments.risk.member_min_groups",
                            members_.member(m).id);
  a.set_group(members_.group(g).id);
  a.set_amount(static_cast<int64_t>(r.recent.size()));
  a.set_text(absl::StrCat(members_.member(m).id, " broke rules in ", groups.size(), " groups within ",
                          settings_.risk.member_window_days(), " days: ",
                          absl::StrJoin(groups, ", ")));
  v1::RiskDetail* detail = a.mutable_risk();
  for (std::string& id : groups) detail->add_groups(std::move(id));
  detail->set_window_days(settings_.risk.member_window_days());
  return true;
}

void Segments::ForgetMemberRisk(int64_t now) {
  const int64_t since = now - MemberRiskWindowMs();
  for (auto it = d_.member_risk.begin(); it != d_.member_risk.end();) {
    ExpireMemberRisk(it->second, since);
    const bool spent = it->second.groups.empty() && it->second.alerted_ms <= since;
    it = spent ? d_.member_risk.erase(it) : std::next(it);
  }
}

std::vector<v1::MemberRisk> Segments::MemberRisks(int64_t as_of_ms) const {
  const int64_t since = as_of_ms - MemberRiskWindowMs();
  std::vector<v1::MemberRisk> rows;
  for (const auto& [m, r] : d_.member_risk) {
    v1::MemberRisk row;
    for (const auto& [g, last_ms] : r.groups) {
      if (last_ms <= since || last_ms > as_of_ms) continue;
      row.add_groups(members_.group(g).id);
      row.set_last_violation_ms(std::max(row.last_violation_ms(), last_ms));
    }
    if (static_cast<uint32_t>(row.groups_size()) < settings_.risk.member_min_groups()) continue;
    row.set_member(members_.member(m).id);
    row.set_violations(static_cast<uint32_t>(
        std::count_if(r.recent.begin(), r.recent.end(), [&](const auto& v) {
          return v.first > since && v.first <= as_of_ms;
        })));
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const v1::MemberRisk& a, const v1::MemberRisk& b) {
    if (a.groups_size() != b.groups_size()) return a.groups_size() > b.groups_size();
    return a.member() < b.member();
  });
  if (rows.size() > settings_.list_limit) rows.resize(settings_.list_limit);
  return rows;
}

void Segments::SaveMemberRisk(v1::SegmentsState* state) const {
  for (const auto& [m, r] : d_.member_risk) {
    v1::MemberViolations* out = state->add_member_violations();
    out->set_member(members_.member(m).id);
    for (const auto& [g, last_ms] : r.groups) {
      v1::GroupViolation* gv = out->add_groups();
      gv->set_group(members_.group(g).id);
      gv->set_last_ms(last_ms);
    }
    for (const auto& [time_ms, message_id] : r.recent) {
      v1::RecentViolation* rv = out->add_recent();
      rv->set_time_ms(time_ms);
      rv->set_message_id(message_id);
    }
    out->set_alerted_ms(r.alerted_ms);
  }
}

absl::Status Segments::LoadMemberRisk(const v1::SegmentsState& state, Data& data) const {
  for (int i = 0; i < state.member_violations_size(); ++i) {
    const v1::MemberViolations& in = state.member_violations(i);
    const std::string at = absl::StrCat("segments.member_violations[", i, "]");
    std::optional<MemberIndex> m = members_.Find(in.member());
    if (!m.has_value()) return InvalidField(at + ".member", "unknown member");
    if (data.member_risk.contains(*m)) return InvalidField(at + ".member", "listed twice");
    if (in.recent_size() > static_cast<int>(limits::kMaxRiskViolationsPerMember)) {
      return InvalidField(at + ".recent", absl::StrCat("more than ",
                                                       limits::kMaxRiskViolationsPerMember));
    }
    MemberRisk r;
    for (int j = 0; j < in.groups_size(); ++j) {
      std::optional<int32_t> g = members_.FindGroup(in.groups(j).group());
      const bool twice = g.has_value() && std::any_of(r.groups.begin(), r.groups.end(),
                                                      [&](const auto& seen) { return seen.first == *g; });
      if (!g.has_value() || twice) {
        return InvalidField(absl::StrCat(at, ".groups[", j, "].group"), "unknown or repeated group");
      }
      r.groups.emplace_back(*g, in.groups(j).last_ms());
    }
    for (const v1::RecentViolation& v : in.recent()) r.recent.emplace_back(v.time_ms(), v.message_id());
    r.alerted_ms = in.alerted_ms();
    data.member_risk.emplace(*m, std::move(r));
  }
  return absl::OkStatus();
}

}  // namespace shequn::segments
