// The committed fuzz seed configs stay valid as the schema grows: each
// parses and Engine::Create accepts it (a refused seed would only teach the
// config fuzzer the error path).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

TEST(FuzzSeeds, EveryCommittedConfigSeedIsAccepted) {
  const std::filesystem::path dir =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus" / "config";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    // Only the hand-written seeds: tests/fuzz.sh adds the inputs the fuzzer
    // found, named by their hash, and a refused config is a fine one there.
    if (entry.path().extension() != ".textproto") continue;
    SCOPED_TRACE(entry.path().string());
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_EQ(text.str().substr(0, 1), "#") << "text seeds start with '#'";
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Engine::Create(testing::ParseConfig(text.str()));
    EXPECT_TRUE(engine.ok()) << engine.status();
    ++seeds;
  }
  EXPECT_GE(seeds, 3);
}

}  // namespace
}  // namespace shequn
