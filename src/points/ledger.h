// The points ledger: every change of points, in time order. Balances are
// derived from it and kept alongside for O(1) reads. Internal.
#ifndef SHEQUN_SRC_POINTS_LEDGER_H_
#define SHEQUN_SRC_POINTS_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "membership/membership.h"

namespace shequn::points {

using membership::MemberIndex;

struct Entry {
  int64_t time_ms = 0;
  int64_t amount = 0;
  MemberIndex member = 0;
  uint32_t cause = 0;   // interned: rule path or "operator:<id>"
  uint32_t reason = 0;  // interned
  bool rule = false;    // caused by a point rule (an act)
  std::string event_id;
};

class Ledger {
 public:
  // True when `amount` can be posted to `m` without leaving int64.
  bool CanPost(MemberIndex m, int64_t amount) const;
  // Appends an entry; the caller checked CanPost. Amortised O(1).
  void Post(MemberIndex m, int64_t amount, absl::string_view cause,
            absl::string_view reason, absl::string_view event_id,
            int64_t time_ms, bool rule);

  int64_t Balance(MemberIndex m) const {
    return m < balance_.size() ? balance_[m] : 0;
  }
  const std::vector<Entry>& entries() const { return entries_; }
  // Indexes into entries() of member m's entries, oldest first.
  const std::vector<uint32_t>& EntriesOf(MemberIndex m) const {
    return m < by_member_.size() ? by_member_[m] : none_;
  }
  // Index of the first entry at or after `time_ms`. O(log n).
  size_t FirstAt(int64_t time_ms) const;
  // The time of the last entry, or 0.
  int64_t last_time_ms() const { return entries_.empty() ? 0 : entries_.back().time_ms; }
  const std::string& Text(uint32_t id) const { return strings_[id]; }
  // Approximate heap bytes held. O(members + strings).
  size_t MemoryBytes() const;

 private:
  uint32_t Intern(absl::string_view s);

  std::vector<Entry> entries_;
  std::vector<int64_t> balance_;                 // derived
  std::vector<std::vector<uint32_t>> by_member_; // derived
  std::vector<std::string> strings_;
  absl::flat_hash_map<std::string, uint32_t> string_ids_;
  std::vector<uint32_t> none_;
};

}  // namespace shequn::points

#endif  // SHEQUN_SRC_POINTS_LEDGER_H_
