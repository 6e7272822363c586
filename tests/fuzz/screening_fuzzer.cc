// Fuzzes shequn::Screener: arbitrary text through a fixed screener (word
// lists in several scripts, a whitelist, every detector), and, when the
// first byte is odd, a screener built from word lists taken from the input.
// Create must return a status, never crash; Screen must report sorted,
// in-bounds matches naming a known category, agree with the reusing
// overload, and Mask must cover exactly the text outside the matches.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>

#include "fuzz_support.h"
#include "shequn/screening.h"

using namespace shequn;

namespace {

const Screener& FixedScreener() {
  static const Screener* screener = [] {
    ScreenerOptions options;
    options.word_lists.push_back({"abuse", {"傻逼", "fuck", "shit", "cunt", "混蛋"}});
    options.word_lists.push_back({"advertising", {"代购", "刷单", "优惠券", "兼职日结"}});
    options.word_lists.push_back({"political", {"习", "敏感词"}});
    options.whitelist = {"scunthorpe", "习惯", "学习"};
    absl::StatusOr<Screener> s = Screener::Create(options);
    if (!s.ok()) fuzz::Fail("the fixed screener is refused", s.status().ToString());
    return new Screener(*std::move(s));
  }();
  return *screener;
}

void CheckScreen(const Screener& screener, absl::string_view text) {
  ScreenResult result = screener.Screen(text);
  ScreenResult reused;
  reused.matches.resize(3);
  screener.Screen(text, &reused);
  fuzz::Require(result.matches == reused.matches && result.truncated == reused.truncated,
                "the reusing Screen overload disagrees");
  const ScreenMatch* previous = nullptr;
  for (const ScreenMatch& m : result.matches) {
    fuzz::Require(m.begin < m.end && m.end <= text.size(), "a match outside the text");
    fuzz::Require(!m.category.empty(), "a match without a category");
    if (m.source == MatchSource::kWord) {
      fuzz::Require(!screener.WordText(m.entry).empty(), "a word match with no word");
    }
    if (previous != nullptr) {
      fuzz::Require(std::tie(previous->begin, previous->end, previous->source, previous->entry) <=
                        std::tie(m.begin, m.end, m.source, m.entry),
                    "matches out of order");
    }
    previous = &m;
  }
  const std::string masked = Mask(text, result.matches, "#");
  fuzz::Require(masked.size() <= text.size() + result.matches.size(), "Mask grew the text");
  if (result.matches.empty()) fuzz::Require(masked == text, "Mask changed an unmatched text");
  (void)NormalizeForScreening(text);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    CheckScreen(FixedScreener(), absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    return 0;
  }
  FuzzedDataProvider in(data + 1, size - 1);
  ScreenerOptions options;
  const int lists = in.ConsumeIntegralInRange<int>(0, 3);
  for (int l = 0; l < lists; ++l) {
    WordList list;
    list.category = in.ConsumeBool() ? "abuse" : in.ConsumeRandomLengthString(8);
    const int words = in.ConsumeIntegralInRange<int>(0, 8);
    for (int w = 0; w < words; ++w) list.words.push_back(in.ConsumeRandomLengthString(16));
    options.word_lists.push_back(std::move(list));
  }
  const int whitelist = in.ConsumeIntegralInRange<int>(0, 3);
  for (int w = 0; w < whitelist; ++w) options.whitelist.push_back(in.ConsumeRandomLengthString(16));
  if (in.ConsumeBool()) options.detectors.resize(in.ConsumeIntegralInRange<size_t>(0, 5));
  if (in.ConsumeBool()) options.max_text_bytes = in.ConsumeIntegralInRange<size_t>(1, 256);
  absl::StatusOr<Screener> screener = Screener::Create(options);
  if (!screener.ok()) {
    fuzz::Require(screener.status().code() == absl::StatusCode::kInvalidArgument,
                  "Create refused with a code other than InvalidArgument",
                  screener.status().ToString());
    return 0;
  }
  const std::string text = in.ConsumeRemainingBytesAsString();
  CheckScreen(*screener, text);
  return 0;
}
