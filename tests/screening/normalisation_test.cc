// Each normalisation the screener applies, shown by the original-text span
// of the match it makes possible.
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shequn/screening.h"

namespace shequn {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Screener& Words() {
  static const Screener* screener = [] {
    ScreenerOptions options;
    options.word_lists = {{"abuse", {"fuck", "shit", "傻逼"}},
                          {"advertising", {"wechat", "加微信", "网赌"}}};
    options.detectors.clear();
    absl::StatusOr<Screener> s = Screener::Create(options);
    EXPECT_TRUE(s.ok()) << s.status();
    return new Screener(*std::move(s));
  }();
  return *screener;
}

std::vector<std::string> Spans(std::string_view text) {
  std::vector<std::string> out;
  for (const ScreenMatch& m : Words().Screen(absl::string_view(text.data(), text.size())).matches) {
    out.push_back(std::string(m.category) + ":" + std::string(text.substr(m.begin, m.end - m.begin)));
  }
  return out;
}

TEST(Normalisation, TraditionalCharactersFoldThroughOpenCC) {
  EXPECT_THAT(Spans("來玩網賭嗎"), ElementsAre("advertising:網賭"));
  EXPECT_THAT(Spans("快加微信"), ElementsAre("advertising:加微信"));
}

TEST(Normalisation, CyrillicAndGreekLookAlikesFoldToLatin) {
  EXPECT_THAT(Spans("add my wесhаt"), ElementsAre("advertising:wесhаt"));  // Cyrillic е, с, а
  EXPECT_THAT(Spans("what the fυcκ"), ElementsAre("abuse:fυcκ"));           // Greek υ, κ
}

TEST(Normalisation, AccentsCircledFullWidthAndMathLettersFold) {
  EXPECT_THAT(Spans("oh fück"), ElementsAre("abuse:fück"));
  EXPECT_THAT(Spans("ⓦⓔⓒⓗⓐⓣ me"), ElementsAre("advertising:ⓦⓔⓒⓗⓐⓣ"));
  EXPECT_THAT(Spans("𝔀𝓮𝓬𝓱𝓪𝓽 me"), ElementsAre("advertising:𝔀𝓮𝓬𝓱𝓪𝓽"));
  EXPECT_THAT(Spans("ＳＨＩＴ"), ElementsAre("abuse:ＳＨＩＴ"));
}

TEST(Normalisation, InvisibleCharactersAndCombiningMarksAreSkipped) {
  EXPECT_THAT(Spans("f\u200Bu\u200Dck"), ElementsAre("abuse:f\u200Bu\u200Dck"));
  EXPECT_THAT(Spans("s\u0301h\u0308it"), ElementsAre("abuse:s\u0301h\u0308it"));
  EXPECT_THAT(Spans("傻\u200B逼"), ElementsAre("abuse:傻\u200B逼"));
}

TEST(Normalisation, EmojiBetweenLettersJoin) {
  EXPECT_THAT(Spans("sh💩it"), ElementsAre("abuse:sh💩it"));
  EXPECT_THAT(Spans("加😊微😊信"), ElementsAre("advertising:加😊微😊信"));
}

TEST(Normalisation, LeetspeakDigitsInsideWords) {
  EXPECT_THAT(Spans("my w3ch4t"), ElementsAre("advertising:w3ch4t"));
}

TEST(Normalisation, ApostrophesSplitWords) {
  EXPECT_THAT(Spans("who're you"), IsEmpty());
}

}  // namespace
}  // namespace shequn
