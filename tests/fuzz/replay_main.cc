// A main() for a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput
// once on each input file, so ctest replays the committed corpus and the
// past crash inputs with any compiler, the same inputs every time.
//
//   NAME_fuzz_replay [--if-present=PATH]... PATH...
//
// A PATH is a file or a folder (every file under it, recursively); it must
// exist. --if-present=PATH is read only when it exists: a target's
// regressions folder exists only once it has crashed (git keeps no empty
// folders). Inputs run in sorted path order, each from a buffer of exactly
// its size so ASan sees any read past the end. No input at all is an
// error: it means the paths are wrong, not that the target is fine.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Optional in libFuzzer's interface, so weak: null when the target has none.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIfPresent = "--if-present=";

// Appends the files at `path` (itself, or those under it) to `inputs`.
bool Collect(const fs::path& path, bool required, std::vector<fs::path>* inputs) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    if (!required) return true;
    std::fprintf(stderr, "no such file or folder: %s\n", path.c_str());
    return false;
  }
  if (!fs::is_directory(path)) {
    inputs->push_back(path);
    return true;
  }
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) inputs->push_back(entry.path());
  }
  return true;
}

bool Run(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // Printed first: if the input crashes, this is the last line before the report.
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), bytes.size());
  auto data = std::make_unique<uint8_t[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), data.get());
  LLVMFuzzerTestOneInput(data.get(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool optional = arg.substr(0, kIfPresent.size()) == kIfPresent;
    if (!Collect(optional ? arg.substr(kIfPresent.size()) : arg, !optional, &inputs)) return 2;
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [--if-present=PATH]... PATH...: no inputs found\n", argv[0]);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& input : inputs) {
    if (!Run(input)) return 2;
  }
  std::printf("%s: ran %zu inputs\n", fs::path(argv[0]).filename().c_str(), inputs.size());
  return 0;
}
