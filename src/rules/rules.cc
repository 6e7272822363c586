#include "rules/rules.h"

#include "text/utf8.h"

namespace shequn::rules {

absl::Status Rules::ValidateConfig(const v1::CommunityConfig& config) {
  return absl::OkStatus();
}

Rules::Rules(const v1::CommunityConfig& config,
               const membership::Membership& members)
    : config_(config), members_(members) {}

// TEMPORARY (segments issue): accept messages so segments can count them.
// The rules part replaces this file.
bool Rules::Handles(v1::Event::KindCase kind) { return kind == v1::Event::kMessage; }

absl::Status Rules::Check(const v1::Event& e) const {
  if (!e.has_message()) {
    return absl::UnimplementedError("kind: not handled by the rules part yet");
  }
  if (absl::StatusOr<membership::MemberIndex> m = members_.ActorInGroup(e); !m.ok()) {
    return m.status();
  }
  if (text::FirstInvalidUtf8(e.message().text()).has_value()) {
    return absl::InvalidArgumentError("message.text: invalid UTF-8");
  }
  return absl::OkStatus();
}

void Rules::Apply(const v1::Event& e, v1::Outcome& out) {}

void Rules::Observe(const v1::Event& e, v1::Outcome& out) {}

std::optional<int64_t> Rules::NextDue() const { return std::nullopt; }

void Rules::RunDue(int64_t now, v1::Outcome& out) {}

void Rules::Save(v1::RulesState* state) const {}

absl::Status Rules::Load(const v1::RulesState& state) { return absl::OkStatus(); }

}  // namespace shequn::rules
