// The segments part. Internal to the library; the engine is its only caller.
#ifndef SHEQUN_SRC_SEGMENTS_SEGMENTS_H_
#define SHEQUN_SRC_SEGMENTS_SEGMENTS_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "membership/membership.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/segments.pb.h"

namespace shequn::segments {

class Segments {
 public:
  // Validates config.segments; errors name the field path.
  static absl::Status ValidateConfig(const v1::CommunityConfig& config);

  // `config` and `members` must outlive this object; `members` is read only.
  Segments(const v1::CommunityConfig& config,
         const membership::Membership& members);
  Segments(const Segments&) = delete;
  Segments& operator=(const Segments&) = delete;

  // The event kinds this part owns.
  static bool Handles(v1::Event::KindCase kind);
  // Everything that could make Apply(e) wrong, without changing anything.
  absl::Status Check(const v1::Event& e) const;
  // Applies a checked event this part owns.
  void Apply(const v1::Event& e, v1::Outcome& out);
  // Sees every applied event after its owner applied it, with the actions
  // so far; may add actions. Must not fail.
  void Observe(const v1::Event& e, v1::Outcome& out);

  std::optional<int64_t> NextDue() const;
  void RunDue(int64_t now, v1::Outcome& out);

  void Save(v1::SegmentsState* state) const;
  // Replaces the state; on error the state is unchanged.
  absl::Status Load(const v1::SegmentsState& state);

 private:
  const v1::CommunityConfig& config_;
  const membership::Membership& members_;
};

}  // namespace shequn::segments

#endif  // include guard
