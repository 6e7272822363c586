// shequn::EngineTesting — test hooks of shequn::Engine, for shequn's own
// tests, fuzzers and benchmarks. Not part of the API a host builds on: it
// may change in any release. Same thread-safety as Engine's const methods.
#ifndef SHEQUN_ENGINE_TESTING_H_
#define SHEQUN_ENGINE_TESTING_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

  // Engine::Restore(like.config(), snapshot), the same checks and the same
  // engine, but the config is not validated again and the restored engine
  // shares `like`'s compiled screener (immutable; `like` may go first)
  // instead of building its own: for fuzzers and property tests that start
  // thousands of engines from a few configs (building a screener is most of
  // an empty engine's cost). O(size of snapshot).
  static absl::StatusOr<std::unique_ptr<Engine>> Restore(const Engine& like,
                                                         const v1::CommunitySnapshot& snapshot);

  // Approximate heap bytes held by the points part: the ledger and the live
  // boards. O(members + ledger entries).
  static size_t PointsMemoryBytes(const Engine& engine);
};

}  // namespace shequn

#endif  // SHEQUN_ENGINE_TESTING_H_
