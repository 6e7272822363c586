#include "rules/rules.h"

namespace shequn::rules {

absl::Status Rules::ValidateConfig(const v1::CommunityConfig& config) {
  return absl::OkStatus();
}

Rules::Rules(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config), members_(members) {}

bool Rules::Handles(v1::Event::KindCase kind) { return false; }

absl::Status Rules::Check(const v1::Event& e) const {
  return absl::UnimplementedError("kind: not handled by the rules part yet");
}

void Rules::Apply(const v1::Event& e, v1::Outcome& out) {}

void Rules::Observe(const v1::Event& e, v1::Outcome& out) {}

std::optional<int64_t> Rules::NextDue() const { return std::nullopt; }

void Rules::RunDue(int64_t now, v1::Outcome& out) {}

void Rules::Save(v1::RulesState* state) const {}

absl::Status Rules::Load(const v1::RulesState& state) { return absl::OkStatus(); }

}  // namespace shequn::rules
