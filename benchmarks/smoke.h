// The smoke run: ctest runs every benchmark program with
// SHEQUN_BENCH_SMOKE=1 (label benchmark-smoke), so a benchmark that no longer
// builds or runs fails the test command instead of rotting. Each program then
// works on a tiny data set for a few iterations; its numbers mean nothing and
// no test reads them. Measure with the bench preset, without the variable.
#ifndef SHEQUN_BENCHMARKS_SMOKE_H_
#define SHEQUN_BENCHMARKS_SMOKE_H_

#include <cstdlib>

namespace shequn_bench {

inline bool Smoke() {
  const char* v = std::getenv("SHEQUN_BENCH_SMOKE");
  return v != nullptr && v[0] == '1';
}

// `full` when measuring, `smoke` in the smoke run.
template <typename T>
T Sized(T full, T smoke) {
  return Smoke() ? smoke : full;
}

// A benchmark's minimum running time, in seconds.
inline double MinTime(double full) { return Sized(full, 0.001); }

}  // namespace shequn_bench

#endif  // SHEQUN_BENCHMARKS_SMOKE_H_
