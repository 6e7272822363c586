// Read-only queries behind Engine's points section.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "points/points.h"

namespace shequn::points {
namespace {

void AddRow(v1::BoardPage& page, absl::string_view who, int64_t score, size_t rank) {
  v1::BoardRow* row = page.add_rows();
  row->set_member(std::string(who));
  row->set_score(score);
  row->set_rank(static_cast<uint32_t>(rank));
}

}  // namespace

v1::MemberLedger Points::LedgerOf(MemberIndex m) const {
  v1::MemberLedger out;
  out.set_member(members_.member(m).id);
  out.set_balance(d_.ledger.Balance(m));
  for (uint32_t i : d_.ledger.EntriesOf(m)) {
    const Entry& en = d_.ledger.entries()[i];
    v1::LedgerEntry* e = out.add_entries();
    e->set_member(out.member());
    e->set_amount(en.amount);
    e->set_cause(d_.ledger.Text(en.cause));
    e->set_reason(d_.ledger.Text(en.reason));
    e->set_event_id(en.event_id);
    e->set_time_ms(en.time_ms);
    e->set_rule(en.rule);
  }
  return out;
}

v1::MemberPoints Points::RecordOf(MemberIndex m, int64_t now) const {
  const MemberState& s = PeekState(m);
  v1::MemberPoints out;
  out.set_member(members_.member(m).id);
  out.set_balance(d_.ledger.Balance(m));
  out.set_check_ins(static_cast<uint32_t>(s.check_in_days.size()));
  uint32_t run = 0, longest = 0;
  for (size_t i = 0; i < s.check_in_days.size(); ++i) {
    run = i > 0 && s.check_in_days[i] == s.check_in_days[i - 1] + 1 ? run + 1 : 1;
    longest = std::max(longest, run);
  }
  out.set_longest_streak(longest);
  if (!s.check_in_days.empty()) {
    const int64_t last = s.check_in_days.back();
    out.set_last_check_in_day(Calendar::FormatDay(last));
    // The streak is alive while yesterday or today is checked in.
    out.set_current_streak(last >= calendar_.Day(now) - 1 ? run : 0);
  }
  out.set_tasks_on_time(s.on_time);
  out.set_tasks_late(s.late);
  out.set_tasks_missing(s.missing);
  out.set_thesis_submitted(s.thesis);
  const v1::TasksConfig& tc = cfg_.tasks();
  out.set_graduation_eligible(tc.graduation_tasks() > 0 && s.on_time >= tc.graduation_tasks() &&
                              (!tc.require_thesis() || s.thesis));
  for (const std::string& t : s.titles) out.add_titles(t);
  return out;
}

absl::StatusOr<v1::BoardPage> Points::Top(const v1::BoardQuery& q, uint32_t k,
                                          int64_t now) const {
  Window w;
  absl::StatusOr<const LiveBoards::Board*> live = LiveFor(q, now, &w);
  if (!live.ok()) return live.status();
  if (*live != nullptr) {  // the period in progress: O(log n + k)
    const LiveBoards::Board& b = **live;
    v1::BoardPage page;
    page.set_period_start_ms(w.start_ms);
    page.set_period_end_ms(w.end_ms);
    page.set_ranked(static_cast<uint32_t>(b.board().size()));
    for (const shequn::Leaderboard::Entry& e : b.board().Top(k)) {
      AddRow(page, members_.member(b.MemberOf(e.member)).id, e.score, e.rank);
    }
    return page;
  }
  absl::StatusOr<std::vector<Standing>> board = BoardFor(q, now, &w);
  if (!board.ok()) return board.status();
  v1::BoardPage page;
  page.set_period_start_ms(w.start_ms);
  page.set_period_end_ms(w.end_ms);
  page.set_ranked(static_cast<uint32_t>(board->size()));
  for (size_t i = 0; i < board->size() && i < k; ++i) {
    AddRow(page, members_.member((*board)[i].member).id, (*board)[i].score, i);
  }
  return page;
}

absl::StatusOr<v1::BoardPage> Points::PageAround(const v1::BoardQuery& q, MemberIndex m,
                                                 uint32_t before, uint32_t after,
                                                 int64_t now) const {
  Window w;
  absl::StatusOr<const LiveBoards::Board*> live = LiveFor(q, now, &w);
  if (!live.ok()) return live.status();
  if (*live != nullptr) {  // the period in progress: O(log n + before + after)
    const LiveBoards::Board& b = **live;
    const std::optional<uint32_t> local = b.Local(m);
    if (!local.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "member: '", members_.member(m).id, "' is not on this board (inactive or out of scope)"));
    }
    v1::BoardPage page;
    page.set_period_start_ms(w.start_ms);
    page.set_period_end_ms(w.end_ms);
    page.set_ranked(static_cast<uint32_t>(b.board().size()));
    for (const shequn::Leaderboard::Entry& e : b.board().Page(*local, before, after)) {
      AddRow(page, members_.member(b.MemberOf(e.member)).id, e.score, e.rank);
    }
    return page;
  }
  absl::StatusOr<std::vector<Standing>> board = BoardFor(q, now, &w);
  if (!board.ok()) return board.status();
  auto it = std::find_if(board->begin(), board->end(),
                         [&](const Standing& s) { return s.member == m; });
  if (it == board->end()) {
    return absl::NotFoundError(absl::StrCat("member: '", members_.member(m).id,
                                            "' is not on this board (inactive or out of scope)"));
  }
  const size_t at = it - board->begin();
  const size_t first = at >= before ? at - before : 0;
  const size_t last = std::min(board->size(), at + size_t{after} + 1);
  v1::BoardPage page;
  page.set_period_start_ms(w.start_ms);
  page.set_period_end_ms(w.end_ms);
  page.set_ranked(static_cast<uint32_t>(board->size()));
  for (size_t i = first; i < last; ++i) {
    AddRow(page, members_.member((*board)[i].member).id, (*board)[i].score, i);
  }
  return page;
}

absl::StatusOr<v1::BoardPage> Points::Teams(const v1::BoardQuery& q, int64_t now) const {
  if (!v1::Period_IsValid(q.period())) return absl::InvalidArgumentError("period: unknown");
  if (q.at_ms() < 0) return absl::InvalidArgumentError("at_ms: must not be negative");
  const Window w = calendar_.PeriodOf(q.period(), q.at_ms() == 0 ? now : q.at_ms());
  const std::vector<int64_t> totals = TeamTotals(w);
  std::vector<size_t> order(totals.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return totals[a] > totals[b]; });
  v1::BoardPage page;
  page.set_period_start_ms(w.start_ms);
  page.set_period_end_ms(w.end_ms);
  page.set_ranked(static_cast<uint32_t>(order.size()));
  for (size_t i = 0; i < order.size(); ++i) {
    AddRow(page, config_.teams().names(static_cast<int>(order[i])), totals[order[i]], i);
  }
  return page;
}

}  // namespace shequn::points
