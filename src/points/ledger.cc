#include "points/ledger.h"

#include <algorithm>

namespace shequn::points {

bool Ledger::CanPost(MemberIndex m, int64_t amount) const {
  int64_t sum;
  return !__builtin_add_overflow(Balance(m), amount, &sum);
}

void Ledger::Post(MemberIndex m, int64_t amount, absl::string_view cause,
                  absl::string_view reason, absl::string_view event_id,
                  int64_t time_ms, bool rule) {
  if (m >= balance_.size()) {
    balance_.resize(m + 1, 0);
    by_member_.resize(m + 1);
  }
  Entry& e = entries_.emplace_back();
  e.time_ms = time_ms;
  e.amount = amount;
  e.member = m;
  e.cause = Intern(cause);
  e.reason = Intern(reason);
  e.rule = rule;
  e.event_id = std::string(event_id);
  balance_[m] += amount;
  by_member_[m].push_back(static_cast<uint32_t>(entries_.size() - 1));
}

size_t Ledger::FirstAt(int64_t time_ms) const {
  return std::partition_point(entries_.begin(), entries_.end(),
                              [&](const Entry& e) { return e.time_ms < time_ms; }) -
         entries_.begin();
}

size_t Ledger::MemoryBytes() const {
  size_t bytes = entries_.capacity() * sizeof(Entry) + balance_.capacity() * sizeof(int64_t) +
                 by_member_.capacity() * sizeof(std::vector<uint32_t>);
  for (const Entry& e : entries_) {
    if (e.event_id.capacity() > 15) bytes += e.event_id.capacity() + 1;
  }
  for (const std::vector<uint32_t>& v : by_member_) bytes += v.capacity() * sizeof(uint32_t);
  for (const std::string& s : strings_) bytes += s.capacity() + 1 + sizeof(s) * 2;
  return bytes;
}

uint32_t Ledger::Intern(absl::string_view s) {
  auto [it, inserted] = string_ids_.try_emplace(s, static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.emplace_back(s);
  return it->second;
}

}  // namespace shequn::points
