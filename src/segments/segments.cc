#include "segments/segments.h"

namespace shequn::segments {

absl::Status Segments::ValidateConfig(const v1::CommunityConfig& config) {
  return absl::OkStatus();
}

Segments::Segments(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config), members_(members) {}

bool Segments::Handles(v1::Event::KindCase kind) { return false; }

absl::Status Segments::Check(const v1::Event& e) const {
  return absl::UnimplementedError("kind: not handled by the segments part yet");
}

void Segments::Apply(const v1::Event& e, v1::Outcome& out) {}

void Segments::Observe(const v1::Event& e, v1::Outcome& out) {}

std::optional<int64_t> Segments::NextDue() const { return std::nullopt; }

void Segments::RunDue(int64_t now, v1::Outcome& out) {}

void Segments::Save(v1::SegmentsState* state) const {}

absl::Status Segments::Load(const v1::SegmentsState& state) { return absl::OkStatus(); }

}  // namespace shequn::segments
