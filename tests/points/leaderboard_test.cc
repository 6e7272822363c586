#include "shequn/leaderboard.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shequn {
namespace {

using Entry = Leaderboard::Entry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Member ids as the engine would intern them.
constexpr uint32_t kAlice = 0;
constexpr uint32_t kBob = 1;
constexpr uint32_t kCarol = 2;
constexpr uint32_t kDan = 3;
constexpr uint32_t kErin = 4;

TEST(LeaderboardTest, MonthsTopThreeBreaksATieByWhoGotThereFirst) {
  Leaderboard board;
  ASSERT_TRUE(board.Add(kAlice, 30, /*tiebreak=*/100).ok());  // 30 on day 1
  ASSERT_TRUE(board.Add(kBob, 50, 110).ok());
  ASSERT_TRUE(board.Add(kCarol, 20, 105).ok());
  ASSERT_TRUE(board.Add(kDan, 10, 106).ok());
  ASSERT_TRUE(board.Add(kCarol, 10, 120).ok());  // Carol reaches 30 later

  EXPECT_THAT(board.Top(3), ElementsAre(Entry{kBob, 50, 0}, Entry{kAlice, 30, 1},
                                        Entry{kCarol, 30, 2}));
}

TEST(LeaderboardTest, EqualScoreAndTimeFallBackToTheLowerMemberId) {
  Leaderboard board;
  board.Set(kCarol, 40, 7);
  board.Set(kAlice, 40, 7);
  EXPECT_THAT(board.Top(2),
              ElementsAre(Entry{kAlice, 40, 0}, Entry{kCarol, 40, 1}));
}

TEST(LeaderboardTest, RankOfAMemberCountsEveryoneAhead) {
  Leaderboard board;
  board.Set(kAlice, 5, 1);
  board.Set(kBob, 80, 2);
  board.Set(kCarol, 42, 3);
  board.Set(kDan, 42, 4);

  EXPECT_EQ(board.Rank(kBob), 0u);
  EXPECT_EQ(board.Rank(kCarol), 1u);
  EXPECT_EQ(board.Rank(kDan), 2u);
  EXPECT_EQ(board.Rank(kAlice), 3u);
  EXPECT_EQ(board.Rank(kErin), std::nullopt);  // never scored
  EXPECT_EQ(board.Score(kCarol), 42);
  EXPECT_EQ(board.Score(kErin), std::nullopt);
}

TEST(LeaderboardTest, PageShowsTheMembersAroundMeAndStopsAtTheEnds) {
  Leaderboard board;
  for (uint32_t m = 0; m < 10; ++m) board.Set(m, 100 - 10 * m, 0);  // rank m

  EXPECT_THAT(board.Page(5, 2, 1),
              ElementsAre(Entry{3, 70, 3}, Entry{4, 60, 4}, Entry{5, 50, 5},
                          Entry{6, 40, 6}));
  EXPECT_THAT(board.Page(1, 3, 1),
              ElementsAre(Entry{0, 100, 0}, Entry{1, 90, 1}, Entry{2, 80, 2}));
  EXPECT_THAT(board.Page(9, 1, 5),
              ElementsAre(Entry{8, 20, 8}, Entry{9, 10, 9}));
  EXPECT_THAT(board.Page(42, 1, 1), IsEmpty());
}

TEST(LeaderboardTest, AMemberWhoLeftIsErasedAndEveryoneBelowMovesUp) {
  Leaderboard board;
  board.Set(kAlice, 90, 1);
  board.Set(kBob, 70, 2);
  board.Set(kCarol, 50, 3);

  EXPECT_TRUE(board.Erase(kAlice));
  EXPECT_FALSE(board.Erase(kAlice));  // already gone
  EXPECT_EQ(board.size(), 2u);
  EXPECT_EQ(board.Score(kAlice), std::nullopt);
  EXPECT_EQ(board.Rank(kBob), 0u);
  EXPECT_THAT(board.Top(5),
              ElementsAre(Entry{kBob, 70, 0}, Entry{kCarol, 50, 1}));
}

TEST(LeaderboardTest, DeductionsCanTakeAMemberBelowZero) {
  Leaderboard board;
  ASSERT_TRUE(board.Add(kAlice, 10, 1).ok());
  ASSERT_TRUE(board.Add(kBob, -25, 2).ok());  // a fine before any points
  ASSERT_TRUE(board.Add(kCarol, 0, 3).ok());  // inserted at 0
  ASSERT_TRUE(board.Add(kAlice, -40, 4).ok());

  EXPECT_EQ(board.Score(kAlice), -30);
  EXPECT_THAT(board.Top(3), ElementsAre(Entry{kCarol, 0, 0}, Entry{kBob, -25, 1},
                                        Entry{kAlice, -30, 2}));
}

TEST(LeaderboardTest, OverflowIsRefusedAndLeavesTheBoardUnchanged) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  Leaderboard board;
  board.Set(kAlice, kMax - 5, 1);
  board.Set(kBob, kMin + 5, 2);
  board.Set(kCarol, 0, 3);

  absl::Status up = board.Add(kAlice, 6, 10);
  absl::Status down = board.Add(kBob, -6, 11);

  EXPECT_EQ(up.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(up.message(), HasSubstr("member 0"));
  EXPECT_EQ(down.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(down.message(), HasSubstr("member 1"));
  EXPECT_THAT(board.Top(3), ElementsAre(Entry{kAlice, kMax - 5, 0},
                                        Entry{kCarol, 0, 1},
                                        Entry{kBob, kMin + 5, 2}));
  EXPECT_TRUE(board.Add(kAlice, 5, 12).ok());  // exactly int64 max is fine
  EXPECT_EQ(board.Score(kAlice), kMax);
}

TEST(LeaderboardTest, AnUnchangedScoreKeepsWhenTheMemberGotThere) {
  Leaderboard board;
  board.Set(kAlice, 20, 5);
  board.Set(kBob, 20, 6);
  ASSERT_TRUE(board.Add(kAlice, 0, 9).ok());  // no change: still got there at 5
  board.Set(kAlice, 20, 9);

  EXPECT_EQ(board.Rank(kAlice), 0u);
}

TEST(LeaderboardTest, BuildRestoresABoardAndRefusesADuplicateMember) {
  Leaderboard board;
  std::vector<Leaderboard::Standing> standings = {
      {kCarol, 10, 3}, {kAlice, 30, 1}, {kBob, 30, 2}};
  ASSERT_TRUE(board.Build(standings).ok());
  EXPECT_THAT(board.Top(3), ElementsAre(Entry{kAlice, 30, 0}, Entry{kBob, 30, 1},
                                        Entry{kCarol, 10, 2}));

  standings.push_back({kAlice, 99, 4});
  absl::Status status = board.Build(standings);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("member 0"));
  EXPECT_EQ(board.size(), 3u);  // untouched
  EXPECT_EQ(board.Score(kAlice), 30);
}

TEST(LeaderboardTest, ClearEmptiesTheBoardForANewMonth) {
  Leaderboard board;
  for (uint32_t m = 0; m < 500; ++m) board.Set(m, m, m);
  board.Clear();
  EXPECT_TRUE(board.empty());
  EXPECT_THAT(board.Top(3), IsEmpty());
  EXPECT_EQ(board.Rank(7), std::nullopt);
  board.Set(7, 1, 1);
  EXPECT_THAT(board.Top(3), ElementsAre(Entry{7, 1, 0}));
}

TEST(LeaderboardTest, ACopyIsIndependent) {
  Leaderboard board;
  for (uint32_t m = 0; m < 300; ++m) board.Set(m, m, 0);
  Leaderboard copy = board;
  copy.Set(0, 1000, 1);
  EXPECT_EQ(board.Rank(0), 299u);
  EXPECT_EQ(copy.Rank(0), 0u);
}

TEST(LeaderboardTest, MemoryPerMemberIsAFewTensOfBytes) {
  Leaderboard board;
  std::vector<Leaderboard::Standing> standings;
  for (uint32_t m = 0; m < 100000; ++m) standings.push_back({m, m % 977, m});
  ASSERT_TRUE(board.Build(standings).ok());
  EXPECT_LT(board.MemoryBytes() / board.size(), 64u);
}

// ---- property test: the board against a brute-force sorted vector --------

class Model {
 public:
  void Set(uint32_t m, int64_t score, uint64_t tiebreak) {
    auto it = members_.find(m);
    if (it != members_.end() && it->second.first == score) return;
    members_[m] = {score, tiebreak};
  }
  bool Erase(uint32_t m) { return members_.erase(m) > 0; }
  std::optional<int64_t> Score(uint32_t m) const {
    auto it = members_.find(m);
    if (it == members_.end()) return std::nullopt;
    return it->second.first;
  }
  // Every member in board order, with ranks.
  std::vector<Entry> Sorted() const {
    std::vector<std::tuple<int64_t, uint64_t, uint32_t>> keys;
    for (const auto& [m, st] : members_) keys.emplace_back(-st.first, st.second, m);
    std::sort(keys.begin(), keys.end());
    std::vector<Entry> out;
    for (const auto& [neg, tb, m] : keys) {
      out.push_back({m, -neg, static_cast<uint32_t>(out.size())});
    }
    return out;
  }
  size_t size() const { return members_.size(); }

 private:
  std::map<uint32_t, std::pair<int64_t, uint64_t>> members_;
};

void ExpectSameAsModel(const Leaderboard& board, const Model& model,
                       std::mt19937& rng) {
  const std::vector<Entry> all = model.Sorted();
  ASSERT_EQ(board.size(), all.size());
  ASSERT_EQ(board.Top(all.size() + 10), all);
  for (const Entry& e : all) ASSERT_EQ(board.Rank(e.member), e.rank);
  if (all.empty()) return;
  for (int i = 0; i < 20; ++i) {
    const Entry& mid = all[rng() % all.size()];
    const size_t before = rng() % 100;
    const size_t after = rng() % 100;
    const size_t first = mid.rank - std::min<size_t>(mid.rank, before);
    const size_t last = std::min(all.size() - 1, mid.rank + after);
    const std::vector<Entry> want(all.begin() + first, all.begin() + last + 1);
    ASSERT_EQ(board.Page(mid.member, before, after), want);
    const size_t k = rng() % 200;
    ASSERT_EQ(board.Top(k),
              std::vector<Entry>(all.begin(),
                                 all.begin() + std::min(k, all.size())));
  }
}

// Grows the board to ~18,000 members (a three-level tree), shrinks it to
// ~2,000 (merging nodes and dropping a level) and grows it again, with
// narrow score and tiebreak ranges so ties at every level of the order are
// common.
TEST(LeaderboardPropertyTest, MatchesABruteForceSortedVector) {
  std::mt19937 rng(20240601);
  Leaderboard board;
  Model model;
  constexpr uint32_t kIds = 20000;
  constexpr int kOpsPerPhase = 60000;
  const double erase_share[] = {0.05, 0.9, 0.1, 0.6};
  uint64_t now = 0;
  for (double erase : erase_share) {
    std::uniform_real_distribution<double> pick(0, 1);
    for (int op = 0; op < kOpsPerPhase; ++op) {
      const uint32_t m = rng() % kIds;
      const uint64_t tiebreak = (now++) / 16;  // shared by bursts of ops
      const double p = pick(rng);
      if (p < erase) {
        ASSERT_EQ(board.Erase(m), model.Erase(m));
      } else if (p < erase + (1 - erase) / 2) {
        const int64_t delta = static_cast<int64_t>(rng() % 21) - 8;
        ASSERT_TRUE(board.Add(m, delta, tiebreak).ok());
        model.Set(m, model.Score(m).value_or(0) + delta, tiebreak);
      } else {
        const int64_t score = static_cast<int64_t>(rng() % 200) - 50;
        board.Set(m, score, tiebreak);
        model.Set(m, score, tiebreak);
      }
      ASSERT_EQ(board.Score(m), model.Score(m));
      if (op % 5000 == 0) ExpectSameAsModel(board, model, rng);
    }
    ExpectSameAsModel(board, model, rng);
  }
}

TEST(LeaderboardPropertyTest, ABuiltBoardKeepsMatchingUnderUpdates) {
  std::mt19937 rng(7);
  std::vector<Leaderboard::Standing> standings;
  Model model;
  for (uint32_t m = 0; m < 10000; m += 1 + rng() % 3) {
    const int64_t score = rng() % 500;
    const uint64_t tiebreak = rng() % 50;
    standings.push_back({m, score, tiebreak});
    model.Set(m, score, tiebreak);
  }
  Leaderboard board;
  ASSERT_TRUE(board.Build(standings).ok());
  ExpectSameAsModel(board, model, rng);
  for (int op = 0; op < 30000; ++op) {
    const uint32_t m = rng() % 10000;
    if (rng() % 3 == 0) {
      ASSERT_EQ(board.Erase(m), model.Erase(m));
      continue;
    }
    const int64_t score = rng() % 500;
    board.Set(m, score, 100 + op);
    model.Set(m, score, 100 + op);
  }
  ExpectSameAsModel(board, model, rng);
}

}  // namespace
}  // namespace shequn
