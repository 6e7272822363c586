// Smoke test for an installed shequn: the engine refuses an empty config,
// a config round-trips through the wire format, the authorisation matrix
// answers one question, and the version prints.
#include <cstdlib>
#include <iostream>
#include <string>

#include "shequn/authority.h"
#include "shequn/engine.h"
#include "shequn/v1/common.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/version.h"

int main() {
  // A config without an id is invalid: Create must say so, not crash.
  auto refused = shequn::Engine::Create(shequn::v1::CommunityConfig());
  if (refused.ok() || !absl::IsInvalidArgument(refused.status())) {
    std::cerr << "Engine::Create accepted an empty config\n";
    return EXIT_FAILURE;
  }

  shequn::v1::CommunityConfig config;
  config.set_id("test-package");
  config.set_time_zone("Asia/Shanghai");
  std::string bytes;
  shequn::v1::CommunityConfig parsed;
  if (!config.SerializeToString(&bytes) || !parsed.ParseFromString(bytes) ||
      parsed.id() != "test-package") {
    std::cerr << "CommunityConfig did not round-trip\n";
    return EXIT_FAILURE;
  }

  // Nobody removes the owner.
  absl::Status denied = shequn::Authorize(shequn::v1::ROLE_ADMIN,
                                          shequn::OperatorAct::kRemove,
                                          shequn::v1::ROLE_OWNER);
  if (denied.ok()) {
    std::cerr << "an admin was allowed to remove the owner\n";
    return EXIT_FAILURE;
  }

  std::cout << "shequn " << SHEQUN_VERSION << ": empty config refused ("
            << refused.status().message() << "); "
            << shequn::RoleName(shequn::v1::ROLE_OWNER) << " outranks "
            << shequn::RoleName(shequn::v1::ROLE_ADMIN) << "\n";
  return EXIT_SUCCESS;
}
