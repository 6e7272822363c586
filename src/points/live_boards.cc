#include "points/live_boards.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "shequn/limits.h"

namespace shequn::points {
namespace {


v1::Period Norm(v1::Period p) { return p == v1::PERIOD_UNSPECIFIED ? v1::PERIOD_ALL_TIME : p; }
v1::Metric Norm(v1::Metric m) { return m == v1::METRIC_UNSPECIFIED ? v1::METRIC_POINTS : m; }
v1::Scope Norm(v1::Scope s) { return s == v1::SCOPE_UNSPECIFIED ? v1::SCOPE_COMMUNITY : s; }

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

uint64_t Tiebreak(uint64_t reached, MemberIndex m) { return (reached << 32) | m; }

// Whether entry `en` counts on a board of `metric`.
bool Counts(v1::Metric metric, const Entry& en) {
  return metric != v1::METRIC_ACTIVITY || (en.rule && en.amount > 0);
}

int64_t Scored(v1::Metric metric, int64_t score, const Entry& en) {
  return metric == v1::METRIC_ACTIVITY ? SaturatingAdd(score, 1)
                                       : SaturatingAdd(score, en.amount);
}

}  // namespace

uint32_t RankedRoleMask(const v1::PointsConfig& config) {
  uint32_t mask = 0;
  for (int r : config.ranked_roles()) mask |= 1u << r;
  if (config.ranked_roles_size() == 0) {
    for (v1::Role r : {v1::ROLE_MEMBER, v1::ROLE_TEAM_LEADER, v1::ROLE_KOL}) mask |= 1u << r;
  }
  return mask;
}

// ---------------------------------------------------------------- Board

std::optional<uint32_t> LiveBoards::Board::Local(MemberIndex m) const {
  if (identity_) {
    if (!board_.Score(m).has_value()) return std::nullopt;
    return m;
  }
  auto it = local_of_.find(m);
  if (it == local_of_.end()) return std::nullopt;
  return it->second;
}

uint32_t LiveBoards::Board::Acquire(MemberIndex m) {
  if (identity_) return m;
  if (auto it = local_of_.find(m); it != local_of_.end()) return it->second;
  uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    member_of_[id] = m;
  } else {
    id = static_cast<uint32_t>(member_of_.size());
    member_of_.push_back(m);
  }
  local_of_[m] = id;
  return id;
}

void LiveBoards::Board::Release(MemberIndex m) {
  if (identity_) {
    board_.Erase(m);
    return;
  }
  auto it = local_of_.find(m);
  if (it == local_of_.end()) return;
  board_.Erase(it->second);
  free_.push_back(it->second);
  local_of_.erase(it);
}

void LiveBoards::Board::Reset() {
  board_.Clear();
  member_of_.clear();
  local_of_.clear();
  free_.clear();
}

size_t LiveBoards::Board::MemoryBytes() const {
  return board_.MemoryBytes() + member_of_.capacity() * sizeof(MemberIndex) +
         local_of_.capacity() * (sizeof(std::pair<MemberIndex, uint32_t>) + 1) +
         free_.capacity() * sizeof(uint32_t);
}

// ---------------------------------------------------------------- config

absl::Status LiveBoards::ValidateConfig(const v1::CommunityConfig& config) {
  const auto& boards = config.points().live_boards();
  if (boards.size() > limits::kMaxLiveBoards) {
    return absl::InvalidArgumentError(
        absl::StrCat("points.live_boards: at most ", limits::kMaxLiveBoards, " boards"));
  }
  std::vector<std::tuple<int, int, int>> seen;
  for (int i = 0; i < boards.size(); ++i) {
    const v1::LiveBoard& b = boards[i];
    const std::string at = absl::StrCat("points.live_boards[", i, "]");
    if (!v1::Period_IsValid(b.period())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".period: unknown"));
    }
    if (!v1::Metric_IsValid(b.metric())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".metric: unknown"));
    }
    if (!v1::Scope_IsValid(b.scope())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".scope: unknown"));
    }
    if (Norm(b.scope()) == v1::SCOPE_TEAM && config.teams().names_size() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".scope: SCOPE_TEAM needs teams.names"));
    }
    std::tuple<int, int, int> key(Norm(b.period()), Norm(b.metric()), Norm(b.scope()));
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": duplicate live board"));
    }
    seen.push_back(key);
  }
  return absl::OkStatus();
}

LiveBoards::LiveBoards(const v1::CommunityConfig& config, const membership::Membership& members,
                       const Calendar& calendar)
    : members_(members), calendar_(calendar), ranked_roles_(RankedRoleMask(config.points())) {
  auto add = [&](v1::Period p, v1::Metric m, v1::Scope s) {
    p = Norm(p), m = Norm(m), s = Norm(s);
    for (const Spec& spec : specs_) {
      if (spec.period == p && spec.metric == m && spec.scope == s) return;
    }
    specs_.push_back(Spec{p, m, s, {0, 0}, {}, {}, {}});
  };
  const v1::PointsConfig& cfg = config.points();
  if (cfg.live_boards_size() > 0) {
    for (const v1::LiveBoard& b : cfg.live_boards()) add(b.period(), b.metric(), b.scope());
  } else {
    add(v1::PERIOD_ALL_TIME, v1::METRIC_POINTS, v1::SCOPE_COMMUNITY);
    add(v1::PERIOD_ALL_TIME, v1::METRIC_POINTS, v1::SCOPE_GROUP);
    if (config.teams().names_size() > 0) {
      add(v1::PERIOD_ALL_TIME, v1::METRIC_POINTS, v1::SCOPE_TEAM);
    }
    for (const v1::AwardConfig& a : cfg.awards()) {
      add(a.period(), a.metric(), a.scope());
      if (a.review_at_half_month()) add(v1::PERIOD_MONTH, a.metric(), v1::SCOPE_COMMUNITY);
    }
  }
  for (Spec& spec : specs_) {
    if (spec.scope == v1::SCOPE_COMMUNITY) spec.boards.emplace_back(/*identity=*/true);
  }
}

// ---------------------------------------------------------------- upkeep

LiveBoards::Seat LiveBoards::SeatOf(MemberIndex m) const {
  const membership::Member& member = members_.member(m);
  if (!member.active()) return Seat{};
  return Seat{true, ((ranked_roles_ >> member.role) & 1) != 0, member.group, member.team};
}

void LiveBoards::Mark(Spec& spec, MemberIndex m) {
  if (spec.marked.size() <= m) spec.marked.resize(m + 1);
  if (spec.marked[m]) return;
  spec.marked[m] = true;
  spec.scored.push_back(m);
}

void LiveBoards::Reseat(MemberIndex m, const Seat& was, const Seat& now) {
  if (was.present == now.present && was.group == now.group) return;
  if (was.present && was.group >= 0) rosters_[was.group].erase(m);
  if (!now.present || now.group < 0) return;
  if (rosters_.size() <= static_cast<size_t>(now.group)) rosters_.resize(now.group + 1);
  rosters_[now.group].insert(m);
}

LiveBoards::Board* LiveBoards::BoardOf(Spec& spec, const Seat& seat) {
  if (!seat.active) return nullptr;
  int32_t instance = 0;
  if (spec.scope == v1::SCOPE_GROUP) instance = seat.group;
  if (spec.scope == v1::SCOPE_TEAM) instance = seat.team;
  if (instance < 0) return nullptr;
  while (spec.boards.size() <= static_cast<size_t>(instance)) {
    spec.boards.emplace_back(/*identity=*/false);
  }
  return &spec.boards[instance];
}

void LiveBoards::Rebuild(const Ledger& ledger, int64_t now) {
  synced_.assign(members_.member_count(), Seat{});
  rosters_.clear();
  for (MemberIndex m = 0; m < synced_.size(); ++m) {
    synced_[m] = SeatOf(m);
    Reseat(m, Seat{}, synced_[m]);
  }
  for (Spec& spec : specs_) RebuildSpec(spec, ledger, now);
  const std::vector<Entry>& entries = ledger.entries();
  if (entries.empty()) {
    run_time_ = -1;
    run_first_ = 0;
  } else {
    run_time_ = entries.back().time_ms;
    run_first_ = ledger.FirstAt(run_time_);
  }
}

void LiveBoards::Roll(const Ledger& ledger, int64_t now) {
  for (Spec& spec : specs_) {
    if (now < spec.window.end_ms) continue;
    // When most of the board scored, one O(n) build of the all-zero board
    // (already in board order) beats resetting them one by one.
    if (spec.scored.size() > synced_.size() / 8) {
      RebuildSpec(spec, ledger, now);
      continue;
    }
    spec.window = calendar_.PeriodOf(spec.period, now);
    for (MemberIndex m : spec.scored) {
      spec.marked[m] = false;
      Board* b = m < synced_.size() ? BoardOf(spec, synced_[m]) : nullptr;
      if (b == nullptr) continue;
      if (const std::optional<uint32_t> local = b->Local(m)) {
        // Set keeps the tiebreak of an unmoved score: a member at 0 who
        // reached it during the period must lose that too.
        b->board_.Erase(*local);
        b->board_.Set(*local, 0, Tiebreak(0, m));
      }
    }
    spec.scored.clear();
  }
}

void LiveBoards::RebuildSpec(Spec& spec, const Ledger& ledger, int64_t now) {
  const Window w = calendar_.PeriodOf(spec.period, now);
  spec.window = w;
  struct Acc {
    int64_t score = 0;
    uint64_t reached = 0;
  };
  std::vector<Acc> acc(synced_.size());
  const std::vector<Entry>& entries = ledger.entries();
  size_t first = 0;
  for (size_t i = ledger.FirstAt(w.start_ms); i < entries.size() && entries[i].time_ms < w.end_ms;
       ++i) {
    const Entry& en = entries[i];
    if (i == 0 || entries[i - 1].time_ms != en.time_ms) first = i;
    if (!Counts(spec.metric, en) || en.member >= acc.size()) continue;
    acc[en.member].score = Scored(spec.metric, acc[en.member].score, en);
    acc[en.member].reached = en.time_ms == w.start_ms ? 0 : first + 1;
  }
  std::vector<std::vector<shequn::Leaderboard::Standing>> standings(spec.boards.size());
  for (Board& b : spec.boards) b.Reset();
  spec.scored.clear();
  spec.marked.clear();
  for (MemberIndex m = 0; m < synced_.size(); ++m) {
    Board* b = BoardOf(spec, synced_[m]);
    if (b == nullptr) continue;
    const size_t at = b - spec.boards.data();
    if (standings.size() <= at) standings.resize(at + 1);
    standings[at].push_back({b->Acquire(m), acc[m].score, Tiebreak(acc[m].reached, m)});
    if (acc[m].score != 0 || acc[m].reached != 0) Mark(spec, m);
  }
  for (size_t i = 0; i < spec.boards.size() && i < standings.size(); ++i) {
    // Ids are unique by construction, so Build cannot fail.
    spec.boards[i].board_.Build(standings[i]).IgnoreError();
  }
}

std::pair<int64_t, uint64_t> LiveBoards::ScoreOf(const Spec& spec, const Ledger& ledger,
                                                 MemberIndex m) const {
  const std::vector<uint32_t>& mine = ledger.EntriesOf(m);
  const std::vector<Entry>& entries = ledger.entries();
  size_t from = mine.size();
  while (from > 0 && entries[mine[from - 1]].time_ms >= spec.window.start_ms) --from;
  int64_t score = 0;
  int64_t reached_ms = spec.window.start_ms;
  for (size_t j = from; j < mine.size(); ++j) {
    const Entry& en = entries[mine[j]];
    if (en.time_ms >= spec.window.end_ms) break;
    if (!Counts(spec.metric, en)) continue;
    score = Scored(spec.metric, score, en);
    reached_ms = en.time_ms;
  }
  const uint64_t reached =
      reached_ms == spec.window.start_ms ? 0 : ledger.FirstAt(reached_ms) + 1;
  return {score, Tiebreak(reached, m)};
}

void LiveBoards::OnEntry(const Ledger& ledger, size_t i) {
  const Entry& en = ledger.entries()[i];
  if (en.time_ms != run_time_) {
    run_time_ = en.time_ms;
    run_first_ = i;
  }
  if (en.member >= synced_.size() || !synced_[en.member].active) return;
  const Seat seat = synced_[en.member];
  for (Spec& spec : specs_) {
    // A period end's entry is dated in the period it rewards, after the
    // boards rolled to the next one.
    if (!Counts(spec.metric, en) || en.time_ms < spec.window.start_ms) continue;
    Board* b = BoardOf(spec, seat);
    if (b == nullptr) continue;
    const std::optional<uint32_t> local = b->Local(en.member);
    if (!local.has_value()) continue;  // not synced yet; Sync will place them
    const int64_t old = *b->board_.Score(*local);
    const int64_t score = Scored(spec.metric, old, en);
    const uint64_t reached = en.time_ms == spec.window.start_ms ? 0 : run_first_ + 1;
    // Set keeps the old tiebreak when the score does not move (saturated);
    // the ledger boards still count the entry as the time it was reached.
    if (score == old) b->board_.Erase(*local);
    b->board_.Set(*local, score, Tiebreak(reached, en.member));
    Mark(spec, en.member);
  }
}

void LiveBoards::Sync(const Ledger& ledger, MemberIndex m) {
  const Seat now = SeatOf(m);
  if (m >= synced_.size()) synced_.resize(m + 1);
  const Seat was = synced_[m];
  if (now == was) return;
  synced_[m] = now;
  Reseat(m, was, now);
  for (Spec& spec : specs_) {
    if (Board* b = BoardOf(spec, was)) b->Release(m);
    if (Board* b = BoardOf(spec, now)) {
      const auto [score, tiebreak] = ScoreOf(spec, ledger, m);
      b->board_.Set(b->Acquire(m), score, tiebreak);
      if (score != 0 || (tiebreak >> 32) != 0) Mark(spec, m);
    }
  }
}

// ---------------------------------------------------------------- queries

const LiveBoards::Board* LiveBoards::Find(v1::Period period, v1::Metric metric, v1::Scope scope,
                                          int32_t instance, Window w) const {
  static_assert(sizeof(MemberIndex) == 4);
  period = Norm(period), metric = Norm(metric), scope = Norm(scope);
  for (const Spec& spec : specs_) {
    if (spec.period != period || spec.metric != metric || spec.scope != scope) continue;
    if (spec.window.start_ms != w.start_ms || spec.window.end_ms != w.end_ms) return nullptr;
    if (instance < 0 || static_cast<size_t>(instance) >= spec.boards.size()) return nullptr;
    return &spec.boards[instance];
  }
  return nullptr;
}

bool LiveBoards::Covers(v1::Period period, v1::Metric metric, v1::Scope scope,
                        Window w) const {
  period = Norm(period), metric = Norm(metric), scope = Norm(scope);
  for (const Spec& spec : specs_) {
    if (spec.period == period && spec.metric == metric && spec.scope == scope) {
      return spec.window.start_ms == w.start_ms && spec.window.end_ms == w.end_ms;
    }
  }
  return false;
}

const absl::btree_set<MemberIndex>& LiveBoards::Roster(int32_t g) const {
  if (g < 0 || static_cast<size_t>(g) >= rosters_.size()) return none_;
  return rosters_[g];
}

size_t LiveBoards::MemoryBytes() const {
  size_t bytes = synced_.capacity() * sizeof(Seat);
  for (const auto& roster : rosters_) bytes += roster.size() * sizeof(MemberIndex) * 2;
  for (const Spec& spec : specs_) {
    for (const Board& b : spec.boards) bytes += b.MemoryBytes() + sizeof(Board);
    bytes += spec.scored.capacity() * sizeof(MemberIndex) + spec.marked.capacity() / 8;
  }
  return bytes;
}

}  // namespace shequn::points
