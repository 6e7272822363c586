// shequn::EngineTesting — test hooks of shequn::Engine, for shequn's own
// tests, fuzzers and benchmarks. Not part of the API a host builds on: it
// may change in any release. Same thread-safety as Engine's const methods.
#ifndef SHEQUN_ENGINE_TESTING_H_
#define SHEQUN_ENGINE_TESTING_H_

#include <cstddef>

#include "absl/status/status.h"
#include "shequn/engine.h"
#include "shequn/export.h"

namespace shequn {

class SHEQUN_EXPORT EngineTesting {
 public:
  // Recomputes every derived count (group headcounts, team sizes, the
  // waitlist, ritual timers, the seen-id index) from the roster and
  // compares it with the live one. Internal naming the first mismatch: a
  // failure is a bug in shequn. O(state size).
  static absl::Status CheckConsistency(const Engine& engine);

  // Approximate heap bytes held by the points part: the ledger and the live
  // boards. O(members + ledger entries).
  static size_t PointsMemoryBytes(const Engine& engine);
};

}  // namespace shequn

#endif  // SHEQUN_ENGINE_TESTING_H_
