// Polls and votes: options, open/close times, N votes per member,
// eligible roles, anonymous ballots, results and the winning proposer's points.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "absl/strings/str_join.h"
#include "base/actions.h"
#include "points/points.h"
#include "shequn/limits.h"

namespace shequn::points {
namespace {


}  // namespace

absl::Status Points::CheckOpenPoll(const v1::Event& e) const {
  if (auto s = members_.AuthorizeOperator(e, OperatorAct::kOpenPoll, std::nullopt); !s.ok()) {
    return s;
  }
  const v1::PollOpening& p = e.open_poll();
  if (p.poll_id().empty()) return absl::InvalidArgumentError("open_poll.poll_id: required");
  if (d_.poll_ids.contains(p.poll_id())) {
    return absl::AlreadyExistsError(
        absl::StrCat("open_poll.poll_id: poll '", p.poll_id(), "' already exists"));
  }
  if (p.options_size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("open_poll.options: need 2 to ", limits::kMaxPollOptions, " options"));
  }
  for (int i = 0; i < p.options_size(); ++i) {
    const std::string at = absl::StrCat("open_poll.options[", i, "]");
    if (p.options(i).empty()) return absl::InvalidArgumentError(absl::StrCat(at, ": empty"));
  }
  if (p.closes_ms() != 0 && p.closes_ms() <= e.time_ms()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "open_poll.closes_ms: ", p.closes_ms(), " is not after the event time ", e.time_ms()));
  }
  if (p.votes_per_member() > static_cast<uint32_t>(p.options_size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "open_poll.votes_per_member: ", p.votes_per_member(), " is more than the ",
        p.options_size(), " options"));
  }
  for (int i = 0; i < p.eligible_roles_size(); ++i) {
    if (p.eligible_roles(i) == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(p.eligible_roles(i))) {
      return absl::InvalidArgumentError(
          absl::StrCat("open_poll.eligible_roles[", i, "]: unknown role"));
    }
  }
  if (p.winner_points() < 0 || p.winner_points() > max_adjustment_) {
    return absl::OutOfRangeError(absl::StrCat(
        "open_poll.winner_points: ", p.winner_points(), " is outside [0, ", max_adjustment_, "]"));
  }
  if (p.option_proposers_size() != 0 && p.option_proposers_size() != p.options_size()) {
    return absl::InvalidArgumentError(
        "open_poll.option_proposers: one per option (or none) required");
  }
  for (int i = 0; i < p.option_proposers_size(); ++i) {
    const std::string& id = p.option_proposers(i);
    if (id.empty()) continue;
    const std::string at = absl::StrCat("open_poll.option_proposers[", i, "]");
    if (!members_.Find(id).has_value()) {
      return absl::NotFoundError(absl::StrCat(at, ": unknown member '", id, "'"));
    }
    if (id == e.actor() && p.winner_points() > 0) {
      return absl::PermissionDeniedError(
          absl::StrCat(at, ": nobody awards points to themselves"));
    }
  }
  return absl::OkStatus();
}

absl::Status Points::CheckClosePoll(const v1::Event& e) const {
  if (auto s = members_.AuthorizeOperator(e, OperatorAct::kOpenPoll, std::nullopt); !s.ok()) {
    return s;
  }
  auto it = d_.poll_ids.find(e.close_poll().poll_id());
  if (it == d_.poll_ids.end()) {
    return absl::NotFoundError(
        absl::StrCat("close_poll.poll_id: unknown poll '", e.close_poll().poll_id(), "'"));
  }
  if (d_.polls[it->second].closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("close_poll.poll_id: poll '", e.close_poll().poll_id(), "' is closed"));
  }
  return absl::OkStatus();
}

absl::Status Points::CheckVote(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> m = members_.ActiveMember(e.actor(), "actor");
  if (!m.ok()) return m.status();
  const v1::Vote& v = e.vote();
  auto it = d_.poll_ids.find(v.poll_id());
  if (it == d_.poll_ids.end()) {
    return absl::NotFoundError(absl::StrCat("vote.poll_id: unknown poll '", v.poll_id(), "'"));
  }
  const Poll& p = d_.polls[it->second];
  if (p.closed || (p.opening.closes_ms() != 0 && e.time_ms() >= p.opening.closes_ms())) {
    return absl::FailedPreconditionError(
        absl::StrCat("vote.poll_id: poll '", v.poll_id(), "' is closed"));
  }
  const auto& roles = p.opening.eligible_roles();
  const v1::Role role = members_.member(*m).role;
  if (!roles.empty() && std::find(roles.begin(), roles.end(), role) == roles.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "actor: role '", RoleName(role), "' may not vote in poll '", v.poll_id(), "'"));
  }
  if (p.voters.contains(*m)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "vote: member '", e.actor(), "' already voted in poll '", v.poll_id(), "'"));
  }
  if (v.options_size() == 0) return absl::InvalidArgumentError("vote.options: required");
  if (static_cast<uint32_t>(v.options_size()) > p.opening.votes_per_member()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vote.options: ", v.options_size(), " choices; poll '", v.poll_id(), "' allows ",
        p.opening.votes_per_member()));
  }
  for (int i = 0; i < v.options_size(); ++i) {
    if (v.options(i) >= static_cast<uint32_t>(p.opening.options_size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "vote.options[", i, "]: no option ", v.options(i), " (poll has ",
          p.opening.options_size(), ")"));
    }
    for (int j = 0; j < i; ++j) {
      if (v.options(j) == v.options(i)) {
        return absl::InvalidArgumentError(
            absl::StrCat("vote.options[", i, "]: option ", v.options(i), " chosen twice"));
      }
    }
  }
  return absl::OkStatus();
}

void Points::ApplyOpenPoll(const v1::Event& e, v1::Outcome& out) {
  const uint32_t index = static_cast<uint32_t>(d_.polls.size());
  Poll& p = d_.polls.emplace_back();
  p.opening = e.open_poll();
  if (p.opening.votes_per_member() == 0) p.opening.set_votes_per_member(1);
  p.group = e.group();
  p.tallies.assign(p.opening.options_size(), 0);
  d_.poll_ids[p.opening.poll_id()] = index;
  if (p.opening.closes_ms() != 0) d_.poll_closes.insert({p.opening.closes_ms(), index});
}

void Points::ApplyVote(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  Poll& p = d_.polls[d_.poll_ids.at(e.vote().poll_id())];
  std::vector<uint32_t> options(e.vote().options().begin(), e.vote().options().end());
  for (uint32_t o : options) ++p.tallies[o];
  if (p.opening.anonymous()) options.clear();
  p.ballots.emplace_back(m, std::move(options));
  p.voters.insert(m);
}

// The winner is the option with the most votes; a tie goes to the option
// listed first. No votes: no winner.
void Points::ClosePoll(uint32_t index, int64_t now, absl::string_view event_id,
                       v1::Outcome& out) {
  Poll& p = d_.polls[index];
  p.closed = true;
  if (p.opening.closes_ms() != 0) d_.poll_closes.erase({p.opening.closes_ms(), index});
  const v1::PollResult result = ResultOf(p);
  const std::string rule = absl::StrCat("polls[", p.opening.poll_id(), "]");
  v1::Action& a = AddAction(out, v1::ACTION_KIND_ANNOUNCE_RESULTS, rule, "");
  a.set_reason("poll_results");
  a.set_group(p.group);
  a.set_amount(result.winner());
  v1::PollResultsDetail& detail = *a.mutable_poll_results();
  detail.set_poll_id(p.opening.poll_id());
  detail.set_winner(result.winner());
  detail.set_voters(result.voters());
  if (result.winner() >= 0) {
    detail.set_winner_option(result.options(result.winner()).text());
    detail.set_winner_votes(result.options(result.winner()).votes());
  }
  std::vector<std::string> lines;
  for (const v1::PollOption& o : result.options()) {
    lines.push_back(absl::StrCat(o.text(), ": ", o.votes()));
  }
  a.set_text(absl::StrCat(p.opening.question(), " — ", absl::StrJoin(lines, "; ")));
  if (result.winner() < 0) return;
  const std::string& proposer = result.options(result.winner()).proposer();
  std::optional<MemberIndex> m = members_.Find(proposer);
  if (proposer.empty() || !m.has_value() || !members_.member(*m).active()) return;
  a.add_members(proposer);
  if (p.opening.winner_points() > 0) {
    Credit(*m, p.opening.winner_points(), rule, "winning_proposal", event_id, now, false, out);
  } else {
    Earn(*m, "winning_proposal", now, std::nullopt, event_id, out);
  }
}

v1::PollResult Points::ResultOf(const Poll& p) const {
  v1::PollResult r;
  r.set_poll_id(p.opening.poll_id());
  r.set_question(p.opening.question());
  r.set_closed(p.closed);
  r.set_voters(static_cast<uint32_t>(p.ballots.size()));
  int winner = -1;
  for (int i = 0; i < p.opening.options_size(); ++i) {
    v1::PollOption* o = r.add_options();
    o->set_text(p.opening.options(i));
    o->set_votes(p.tallies[i]);
    if (i < p.opening.option_proposers_size()) o->set_proposer(p.opening.option_proposers(i));
    if (p.tallies[i] > 0 && (winner < 0 || p.tallies[i] > p.tallies[winner])) winner = i;
  }
  if (!p.opening.anonymous()) {
    for (const auto& [m, options] : p.ballots) {
      for (uint32_t o : options) r.mutable_options(o)->add_voters(members_.member(m).id);
    }
  }
  r.set_winner(p.closed ? winner : -1);
  return r;
}

absl::StatusOr<v1::PollResult> Points::PollOf(absl::string_view poll_id) const {
  auto it = d_.poll_ids.find(poll_id);
  if (it == d_.poll_ids.end()) {
    return absl::NotFoundError(absl::StrCat("poll_id: unknown poll '", poll_id, "'"));
  }
  return ResultOf(d_.polls[it->second]);
}

}  // namespace shequn::points
