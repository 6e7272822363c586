// Activity counters per member over sliding windows of local days.
//
// Each member keeps one ring of daily buckets per counter (ring_days of
// them, the longest configured window): bucket of day d sits at
// d % ring_days. A bucket is one byte and saturates at 255 events a day.
// Adding is O(1) (a day roll clears at most ring_days bytes); a window sum
// reads at most ring_days bytes. All members share one flat array, so a
// member costs kCounterCount × ring_days + 2 bytes here (302 at 30 days).
// Not thread-safe; owned by Segments.
#ifndef SHEQUN_SRC_SEGMENTS_COUNTERS_H_
#define SHEQUN_SRC_SEGMENTS_COUNTERS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

#include "shequn/v1/segments.pb.h"

namespace shequn::segments {

// The counters a member has, in the order they are stored and named.
enum Counter : uint8_t {
  kMessages,
  kTopics,
  kReplies,
  kQuestions,
  kAnswers,
  kReactionsGiven,
  kReactionsReceived,
  kCheckIns,
  kShares,
  kEventsAttended,
  kCounterCount,
};

// "messages", "topics", … as used in segment predicates.
absl::string_view CounterName(int counter);
std::optional<Counter> CounterByName(absl::string_view name);
// Every name, comma-separated, for error messages.
std::string CounterNames();
// Every name, in counter order.
std::span<const absl::string_view> AllCounterNames();
// The counter a CounterKind names (COUNTER_KIND_MESSAGES is kMessages, …),
// or nullopt for UNSPECIFIED and unknown values.
std::optional<Counter> CounterOfKind(v1::CounterKind kind);

class ActivityRings {
 public:
  explicit ActivityRings(int ring_days) : ring_(ring_days) {}

  int ring_days() const { return ring_; }
  size_t size() const { return last_day_.size(); }
  // Grows to `members` members (never shrinks). Amortised O(1) per member.
  void Resize(size_t members);

  // Adds `n` to counter `c` of member `m` on local day `day` (saturating).
  void Add(uint32_t m, uint32_t day, Counter c, uint32_t n = 1);
  // Counter `c` summed over the `window` days ending with `as_of_day`.
  uint32_t Sum(uint32_t m, Counter c, uint32_t as_of_day, int window) const;
  // Whether the member did anything in that window: any counter but
  // reactions received.
  bool ActedIn(uint32_t m, uint32_t as_of_day, int window) const;

  uint32_t last_day(uint32_t m) const { return last_day_[m]; }
  bool empty(uint32_t m) const { return last_day_[m] == 0; }
  // The member's buckets, counter-major (kCounterCount × ring_days bytes).
  std::string Raw(uint32_t m) const;
  // Sets a member from Raw() bytes written with `saved_ring_days` buckets;
  // days outside this ring are dropped. False if the sizes do not match.
  bool SetRaw(uint32_t m, uint32_t last_day, absl::string_view raw, int saved_ring_days);

  size_t bytes_per_member() const { return kCounterCount * ring_ + sizeof(uint16_t); }

 private:
  uint8_t* row(uint32_t m) { return &buckets_[size_t{m} * kCounterCount * ring_]; }
  const uint8_t* row(uint32_t m) const { return &buckets_[size_t{m} * kCounterCount * ring_]; }
  void Roll(uint32_t m, uint32_t day);

  int ring_;
  std::vector<uint16_t> last_day_;  // 0 = never active
  std::vector<uint8_t> buckets_;
};

}  // namespace shequn::segments

#endif  // SHEQUN_SRC_SEGMENTS_COUNTERS_H_
