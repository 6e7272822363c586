// A word list's pinyin option: a gambling list with 赌博 on it also
// catches "dubo" and "du bo" written by someone dodging the filter, as
// whole Latin words only, and never a one-syllable word or initials.
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

Screener Make(std::vector<WordList> lists) {
  ScreenerOptions options;
  options.word_lists = std::move(lists);
  options.detectors.clear();
  absl::StatusOr<Screener> s = Screener::Create(options);
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

// "category:matched text=entry" per match, in order.
std::vector<std::string> Spans(const Screener& screener, std::string_view text) {
  std::vector<std::string> out;
  for (const ScreenMatch& m : screener.Screen(absl::string_view(text.data(), text.size())).matches) {
    out.push_back(std::string(m.category) + ":" +
                  std::string(text.substr(m.begin, m.end - m.begin)) + "=" +
                  std::string(screener.WordText(m.entry)));
  }
  return out;
}

WordList Gambling(bool pinyin) {
  WordList list{"gambling", {"赌博", "網賭", "赌", "六合彩"}};
  list.pinyin = pinyin;
  return list;
}

TEST(Pinyin, AGamblingWordWrittenInPinyinIsCaught) {
  const Screener screener = Make({Gambling(true)});
  EXPECT_THAT(Spans(screener, "一起来dubo吧"), ElementsAre("gambling:dubo=赌博"));
  EXPECT_THAT(Spans(screener, "come du bo tonight"), ElementsAre("gambling:du bo=赌博"));
  EXPECT_THAT(Spans(screener, "DuBo!"), ElementsAre("gambling:DuBo=赌博"));
  EXPECT_THAT(Spans(screener, "dǔ bó"), ElementsAre("gambling:dǔ bó=赌博"));
  EXPECT_THAT(Spans(screener, "d u b o"), ElementsAre("gambling:d u b o=赌博"));
  EXPECT_THAT(Spans(screener, "du-bo"), ElementsAre("gambling:du-bo=赌博"));
}

TEST(Pinyin, ATraditionalEntryReadsAsItsSimplifiedForm) {
  // 網賭 folds to 网赌 (wang du) before its reading is looked up.
  EXPECT_THAT(Spans(Make({Gambling(true)}), "wangdu 平台"),
              ElementsAre("gambling:wangdu=網賭"));
}

TEST(Pinyin, ThreeSyllablesJoinedSpacedOrMixed) {
  const Screener screener = Make({Gambling(true)});
  for (std::string_view text : {"liuhecai", "liu he cai", "liuhe cai", "liu hecai"}) {
    EXPECT_THAT(Spans(screener, text), ElementsAre("gambling:" + std::string(text) + "=六合彩"))
        << text;
  }
}

TEST(Pinyin, AnUmlautIsTypedAsVOrU) {
  const Screener screener = Make({{"indecent", {"美女"}, false, true}});
  EXPECT_THAT(Spans(screener, "meinv"), ElementsAre("indecent:meinv=美女"));
  EXPECT_THAT(Spans(screener, "mei nu"), ElementsAre("indecent:mei nu=美女"));
  EXPECT_THAT(Spans(screener, "měinǚ"), ElementsAre("indecent:měinǚ=美女"));
}

TEST(Pinyin, MatchesWholeLatinWordsOnly) {
  const Screener screener = Make({Gambling(true)});
  EXPECT_THAT(Spans(screener, "dubois was here"), IsEmpty());
  EXPECT_THAT(Spans(screener, "fondu boat"), IsEmpty());
  EXPECT_THAT(Spans(screener, "wang dub o"), IsEmpty());
}

TEST(Pinyin, EvenInASubstringList) {
  WordList list = Gambling(true);
  list.substring = true;
  EXPECT_THAT(Spans(Make({list}), "xdubox"), IsEmpty());
}

TEST(Pinyin, OneSyllableAndInitialsAreNotMatched) {
  const Screener screener = Make({Gambling(true)});
  EXPECT_THAT(Spans(screener, "merci du fond"), IsEmpty());  // 赌 is "du"
  EXPECT_THAT(Spans(screener, "the db is down"), IsEmpty());  // 赌博's initials
}

TEST(Pinyin, OffByDefault) {
  EXPECT_THAT(Spans(Make({Gambling(false)}), "dubo du bo"), IsEmpty());
}

TEST(Pinyin, OnlyTheListThatAsksForIt) {
  // Per word: the words wanting pinyin in a second list of the category.
  const Screener screener =
      Make({{"gambling", {"赌博", "下注"}}, {"gambling", {"赌博"}, false, true}});
  EXPECT_THAT(Spans(screener, "dubo xiazhu 下注"),
              ElementsAre("gambling:dubo=赌博", "gambling:下注=下注"));
}

TEST(Pinyin, SpellingsDoNotCountAsWords) {
  EXPECT_EQ(Make({Gambling(true)}).size(), Make({Gambling(false)}).size());
}

TEST(Pinyin, CjkStillMatchesAsWritten) {
  EXPECT_THAT(Spans(Make({Gambling(true)}), "网上赌博"),
              ElementsAre("gambling:赌=赌", "gambling:赌博=赌博"));
}

}  // namespace
}  // namespace shequn
