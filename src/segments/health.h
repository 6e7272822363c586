// Health: per-group daily statistics (KPIs), the health score against a
// group's declared standard, dying-group detection and
// cross-group risk.
//
// GroupDays keeps, per group, a ring of 32 daily buckets of counts plus the
// question → first-answer times of each day. Adding is O(1) (a day roll
// clears at most 32 buckets); a window sum is O(window + answers in it).
// Not thread-safe; owned by segments::Segments.
#ifndef SHEQUN_SRC_SEGMENTS_HEALTH_H_
#define SHEQUN_SRC_SEGMENTS_HEALTH_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "shequn/v1/report.pb.h"
#include "shequn/v1/segments.pb.h"

namespace shequn::health {

// Per-day counts of a group; the order of v1::GroupDay fields 1..19, then
// 21 (StatField).
enum Stat : uint8_t {
  kNewMembers, kLeavers, kMovedIn, kMovedOut, kGraduated,
  kMessages, kTopics, kReplies, kQuestions, kAnswered,
  kShares, kReactions, kEventsHeld,
  kPaidPurchases, kFirstPurchases, kRepeatPurchases,
  kViolations,  // messages and nicknames that broke a rule
  kFlareUps, kBans,
  kSanctions,   // warnings, mutes, deductions, bans and removals for them
  kStatCount,
};

// The v1::GroupDay field number that saves `s` (20 is answer_seconds).
constexpr int StatField(int s) { return s < kSanctions ? s + 1 : s + 2; }

struct Day {
  std::array<uint32_t, kStatCount> n{};
  std::vector<uint32_t> answer_seconds;
};

class GroupDays {
 public:
  static constexpr int kRing = 32;

  size_t size() const { return groups_.size(); }
  // Grows to `groups` groups.
  void Resize(size_t groups);
  // The bucket of group `g` for local `day`, rolling the ring forward.
  // Days older than the ring go to a scratch bucket that is not kept.
  Day& At(int32_t g, uint32_t day);
  void Add(int32_t g, uint32_t day, Stat s, uint32_t n = 1) { At(g, day).n[s] += n; }
  // Group `g`'s days in the `window` ending with `as_of_day`, summed; the
  // answer times are appended, unsorted.
  void SumInto(int32_t g, uint32_t as_of_day, int window, Day& sum) const;
  uint32_t first_day(int32_t g) const {
    return g >= 0 && static_cast<size_t>(g) < groups_.size() ? groups_[g].first_day : 0;
  }
  bool dying_alerted(int32_t g) const {
    return g >= 0 && static_cast<size_t>(g) < groups_.size() && groups_[g].dying_alerted;
  }
  void set_dying_alerted(int32_t g, bool v) { groups_[g].dying_alerted = v; }

  void Save(int32_t g, v1::GroupActivity* out) const;
  // Loads group `g`; InvalidArgument naming the field on a bad record.
  absl::Status Load(int32_t g, const v1::GroupActivity& in);

 private:
  struct Group {
    uint32_t last_day = 0;
    uint32_t first_day = 0;
    bool dying_alerted = false;
    std::array<Day, kRing> days;
  };
  std::vector<Group> groups_;
  Day scratch_;
};

// The nearest-rank percentile (0 < p ≤ 1) of `values` (sorted in place);
// -1 when empty. O(n log n).
int64_t Percentile(std::vector<uint32_t>& values, double p);

// A HealthStandard with every unset (zero) field at its default.
v1::HealthStandard ResolveStandard(const v1::HealthStandard& s);

// What a group did over a standard's window.
struct HealthInputs {
  uint32_t headcount = 0;
  double participation_rate = 0;
  double topic_participation = 0;
  uint32_t questions = 0;
  int64_t median_first_answer_seconds = -1;  // -1: none answered
  double shares_per_member = 0;
  double reactions_per_member = 0;
  double messages_per_member_day = 0;
};

// Scores `in` against a resolved standard: a check met scores 1, a missed
// one actual/target (target/actual for a maximum); score = mean × 100.
// A response-time check with no questions is met.
v1::Health ScoreHealth(const v1::HealthStandard& standard, const HealthInputs& in);

// Whether a group is dying, with a resolved DyingConfig.
bool IsDying(const v1::DyingConfig& dying, uint32_t headcount, double participation_rate,
             int64_t age_days);

// A group's risk on `as_of_day` (violations that day against the 7
// days before; flare-ups and bans over all 8). score =
// (violations + flare-ups + bans) × (violations + 1) / (baseline + 1).
v1::GroupRisk Risk(const GroupDays& days, int32_t g, uint32_t as_of_day,
                   const v1::RiskConfig& risk);

}  // namespace shequn::health

#endif  // SHEQUN_SRC_SEGMENTS_HEALTH_H_
