// shequn_fuzz_seeds OUT_DIR: writes seed inputs the fuzzers cannot easily
// find alone: real snapshots (OUT_DIR/snapshot/) of kBusyCommunity after
// seeded random streams, and binary configs (OUT_DIR/config/). The text
// configs in tests/fuzz/corpus/config/ are committed instead.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_support.h"

using namespace shequn;

namespace {

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out / "snapshot");
  std::filesystem::create_directories(out / "config");
  const v1::CommunityConfig& config = fuzz::BusyConfig();
  Write(out / "config" / "busy.bin", SerializeDeterministic(config));
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    auto engine = Engine::Create(config);
    if (!engine.ok()) return 1;
    const std::vector<v1::Event> events = testing::RandomStream(seed, 400);
    for (size_t i = 0; i < events.size(); ++i) {
      (void)(*engine)->AdvanceTo(events[i].time_ms());
      (void)(*engine)->Apply(events[i]);
      if (i % 100 == 0) {
        Write(out / "snapshot" / ("busy-" + std::to_string(seed) + "-" + std::to_string(i)),
              (*engine)->SnapshotBytes());
      }
    }
  }
  return 0;
}
