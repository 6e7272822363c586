// The smallest integrator that finds shequn through pkg-config only:
//   c++ -std=c++20 pkg_config_consumer.cc $(pkg-config --cflags --libs shequn)
#include <cstdio>
#include <string>

#include "shequn/authority.h"
#include "shequn/engine.h"
#include "shequn/v1/config.pb.h"
#include "shequn/version.h"

int main() {
  shequn::v1::CommunityConfig config;
  config.set_id("pkg-config-consumer");
  std::string bytes;
  if (!config.SerializeToString(&bytes)) return 1;
  shequn::v1::CommunityConfig parsed;
  if (!parsed.ParseFromString(bytes) || parsed.id() != config.id()) return 1;

  // An empty config has no id: the engine must refuse it.
  if (shequn::Engine::Create(shequn::v1::CommunityConfig()).ok()) return 1;

  absl::Status owner_removes_admin = shequn::Authorize(
      shequn::v1::ROLE_OWNER, shequn::OperatorAct::kRemove,
      shequn::v1::ROLE_ADMIN);
  if (!owner_removes_admin.ok()) return 1;

  std::printf("pkg-config consumer: shequn %s, %s\n", SHEQUN_VERSION,
              std::string(shequn::RoleName(shequn::v1::ROLE_OWNER)).c_str());
  return 0;
}
