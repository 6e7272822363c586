// Smoke test for an installed shequn: builds a config, round-trips it through
// the wire format, asks the authorisation matrix one question, and prints the
// version. Uses only what exists in 0.1.0 (authority.h and the protos).
#include <cstdlib>
#include <iostream>
#include <string>

#include "shequn/authority.h"
#include "shequn/v1/common.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/version.h"

int main() {
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
  absl::Status status = shequn::Authorize(shequn::v1::ROLE_ADMIN,
                                          shequn::OperatorAct::kRemove,
                                          shequn::v1::ROLE_OWNER);
  if (status.ok()) {
    std::cerr << "an admin was allowed to remove the owner\n";
    return EXIT_FAILURE;
  }

  std::cout << "shequn " << SHEQUN_VERSION << ": "
            << shequn::RoleName(shequn::v1::ROLE_OWNER) << " outranks "
            << shequn::RoleName(shequn::v1::ROLE_ADMIN) << " ("
            << status.message() << ")\n";
  return EXIT_SUCCESS;
}
