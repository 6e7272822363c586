#include "points/points.h"

namespace shequn::points {

absl::Status Points::ValidateConfig(const v1::CommunityConfig& config) {
  return absl::OkStatus();
}

Points::Points(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config), members_(members) {}

bool Points::Handles(v1::Event::KindCase kind) { return false; }

absl::Status Points::Check(const v1::Event& e) const {
  return absl::UnimplementedError("kind: not handled by the points part yet");
}

void Points::Apply(const v1::Event& e, v1::Outcome& out) {}

void Points::Observe(const v1::Event& e, v1::Outcome& out) {}

std::optional<int64_t> Points::NextDue() const { return std::nullopt; }

void Points::RunDue(int64_t now, v1::Outcome& out) {}

void Points::Save(v1::PointsState* state) const {}

absl::Status Points::Load(const v1::PointsState& state) { return absl::OkStatus(); }

}  // namespace shequn::points
