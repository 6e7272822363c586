// shequn_fuzz_seeds OUT_DIR: writes seed inputs the fuzzers cannot easily
// find alone: real snapshots (OUT_DIR/snapshot/) taken along seeded random
// streams, and binary configs (OUT_DIR/config/). The snapshots hold every
// part's state: kBusyCommunity after membership streams, and the all-parts
// configs (kAllPartsCommunity, its gated variant, the sparse one) after
// AllPartsMakers() streams that fill the roster, strikes and hidden
// messages, ledgers, tasks, polls and boards, and the segments' counters;
// snapshot_fuzzer restores each under the config its community id names.
// The text configs in tests/fuzz/corpus/config/ are committed instead.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_support.h"

using namespace shequn;

namespace {

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Runs `events` under `config`, writing a snapshot every 100 events to
// `dir`/<community id>-<seed>-<event>.
bool WriteSnapshots(const std::filesystem::path& dir, const v1::CommunityConfig& config,
                    const std::vector<v1::Event>& events, uint32_t seed) {
  auto engine = Engine::Create(config);
  if (!engine.ok()) return false;
  for (size_t i = 0; i < events.size(); ++i) {
    (void)(*engine)->Step(events[i]);
    if (i % 100 == 0 || i + 1 == events.size()) {
      Write(dir / (config.id() + "-" + std::to_string(seed) + "-" + std::to_string(i)),
            (*engine)->SnapshotBytes());
    }
  }
  return true;
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
    if (!WriteSnapshots(out / "snapshot", config, testing::RandomStream(seed, 400), seed)) return 1;
  }
  const std::vector<testing::WeightedMaker> makers = testing::AllPartsMakers();
  for (const v1::CommunityConfig* c : {&fuzz::AllPartsConfig(), &fuzz::GatedAllPartsConfig(),
                                       &fuzz::SparseAllPartsConfig()}) {
    for (uint32_t seed = 1; seed <= 2; ++seed) {
      const std::vector<v1::Event> events =
          testing::RandomStream(seed, 600, makers, {.members = 16, .hostile = false});
      if (!WriteSnapshots(out / "snapshot", *c, events, seed)) return 1;
    }
  }
  return 0;
}
