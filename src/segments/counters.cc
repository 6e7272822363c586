#include "segments/counters.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/str_join.h"

namespace shequn::segments {
namespace {

constexpr std::array<absl::string_view, kCounterCount> kNames = {
    "messages",        "topics",    "replies", "questions", "answers",
    "reactions_given", "reactions_received", "check_ins", "shares",
    "events_attended"};

}  // namespace

absl::string_view CounterName(int counter) { return kNames[counter]; }

std::optional<Counter> CounterByName(absl::string_view name) {
  for (int c = 0; c < kCounterCount; ++c) {
    if (kNames[c] == name) return static_cast<Counter>(c);
  }
  return std::nullopt;
}

std::string CounterNames() { return absl::StrJoin(kNames, ", "); }

std::span<const absl::string_view> AllCounterNames() { return kNames; }

std::optional<Counter> CounterOfKind(v1::CounterKind kind) {
  const int c = static_cast<int>(kind) - 1;
  if (c < 0 || c >= kCounterCount) return std::nullopt;
  return static_cast<Counter>(c);
}

void ActivityRings::Resize(size_t members) {
  if (members <= last_day_.size()) return;
  last_day_.resize(members, 0);
  buckets_.resize(members * kCounterCount * ring_, 0);
}

void ActivityRings::Roll(uint32_t m, uint32_t day) {
  const uint32_t last = last_day_[m];
  if (day <= last) return;
  uint8_t* r = row(m);
  if (last == 0 || day - last >= static_cast<uint32_t>(ring_)) {
    std::memset(r, 0, size_t{kCounterCount} * ring_);
  } else {
    for (uint32_t d = last + 1; d <= day; ++d) {
      for (int c = 0; c < kCounterCount; ++c) r[c * ring_ + d % ring_] = 0;
    }
  }
  last_day_[m] = static_cast<uint16_t>(day);
}

void ActivityRings::Add(uint32_t m, uint32_t day, Counter c, uint32_t n) {
  Roll(m, day);
  const uint32_t last = last_day_[m];
  if (day + ring_ <= last) return;  // older than the ring
  uint8_t& b = row(m)[c * ring_ + day % ring_];
  b = static_cast<uint8_t>(std::min<uint32_t>(255, b + n));
}

uint32_t ActivityRings::Sum(uint32_t m, Counter c, uint32_t as_of_day, int window) const {
  const uint32_t last = last_day_[m];
  if (last == 0 || window <= 0) return 0;
  // Days in (as_of - window, as_of] ∩ (last - ring, last] ∩ [0, ∞): near
  // day 0 the window reaches back before the first day there is.
  const int64_t hi = std::min<int64_t>(as_of_day, last);
  const int64_t lo = std::max({int64_t{as_of_day} - window + 1, int64_t{last} - ring_ + 1,
                               int64_t{0}});
  uint32_t sum = 0;
  const uint8_t* r = row(m) + c * ring_;
  for (int64_t d = lo; d <= hi; ++d) sum += r[d % ring_];
  return sum;
}

bool ActivityRings::ActedIn(uint32_t m, uint32_t as_of_day, int window) const {
  // Nothing since before the window: no bucket to read (as Sum finds).
  const uint32_t last = last_day_[m];
  if (last == 0 || int64_t{last} < int64_t{as_of_day} - window + 1) return false;
  for (int c = 0; c < kCounterCount; ++c) {
    // Being reacted to is something others did.
    if (c == kReactionsReceived) continue;
    if (Sum(m, static_cast<Counter>(c), as_of_day, window) > 0) return true;
  }
  return false;
}

std::string ActivityRings::Raw(uint32_t m) const {
  const uint8_t* r = row(m);
  return std::string(reinterpret_cast<const char*>(r), size_t{kCounterCount} * ring_);
}

bool ActivityRings::SetRaw(uint32_t m, uint32_t last_day, absl::string_view raw,
                           int saved_ring_days) {
  if (saved_ring_days <= 0 ||
      raw.size() != size_t{kCounterCount} * static_cast<size_t>(saved_ring_days)) {
    return false;
  }
  uint8_t* r = row(m);
  std::memset(r, 0, size_t{kCounterCount} * ring_);
  last_day_[m] = static_cast<uint16_t>(last_day);
  const int keep = std::min(ring_, saved_ring_days);
  for (int64_t d = int64_t{last_day} - keep + 1; d <= last_day; ++d) {
    if (d < 0) continue;
    for (int c = 0; c < kCounterCount; ++c) {
      r[c * ring_ + d % ring_] = static_cast<uint8_t>(raw[c * saved_ring_days + d % saved_ring_days]);
    }
  }
  return true;
}

}  // namespace shequn::segments
