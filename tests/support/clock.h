// Test support: the time units and the fixed start time every test uses.
// Free of GoogleTest so fuzzers and seed generators can include it.
#ifndef SHEQUN_TESTS_SUPPORT_CLOCK_H_
#define SHEQUN_TESTS_SUPPORT_CLOCK_H_

#include <cstdint>

namespace shequn::testing {

inline constexpr int64_t kSecond = 1000;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;
// 2026-03-01T00:00:00Z
inline constexpr int64_t kStart = 1772323200000;

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_CLOCK_H_
