// Word semantics a moderator can predict: Latin words match whole words,
// folding never crosses a word boundary, repeats never shorten a banned word
// into a common one; CJK words match anywhere but not across a sentence.
// Every test checks the original-text span of each match.
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

Screener Make(std::vector<WordList> lists, std::vector<std::string> whitelist = {}) {
  ScreenerOptions options;
  options.word_lists = std::move(lists);
  options.whitelist = std::move(whitelist);
  options.detectors.clear();
  absl::StatusOr<Screener> s = Screener::Create(options);
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

// "category:matched text" per match, in order.
std::vector<std::string> Spans(const Screener& screener, std::string_view text) {
  std::vector<std::string> out;
  for (const ScreenMatch& m : screener.Screen(absl::string_view(text.data(), text.size())).matches) {
    out.push_back(std::string(m.category) + ":" +
                  std::string(text.substr(m.begin, m.end - m.begin)));
  }
  return out;
}

Screener Profanity() {
  return Make({{"abuse", {"ass", "shit", "smut", "butt", "coon", "xx", "fuck"}},
               {"advertising", {"wechat", "wx"}}});
}

TEST(Words, ARepeatedLetterDoesNotJoinTwoWords) {
  EXPECT_THAT(Spans(Profanity(), "add my new wechat abc123"),
              ElementsAre("advertising:wechat"));
}

TEST(Words, AListWordAfterAWordEndingInItsFirstLetterIsCaught) {
  EXPECT_THAT(Spans(Profanity(), "this is smut"), ElementsAre("abuse:smut"));
  EXPECT_THAT(Spans(Profanity(), "this shit"), ElementsAre("abuse:shit"));
}

TEST(Words, DottedLettersReadAsOneWord) {
  EXPECT_THAT(Spans(Profanity(), "follow w.e.c.h.a.t for deals"),
              ElementsAre("advertising:w.e.c.h.a.t"));
}

TEST(Words, SpelledOutLettersReadAsOneWord) {
  EXPECT_THAT(Spans(Profanity(), "you s h i t"), ElementsAre("abuse:s h i t"));
  EXPECT_THAT(Spans(Profanity(), "how wx abc12345"), ElementsAre("advertising:wx"));
}

TEST(Words, OrdinaryWordsAroundASpaceAreNotJoined) {
  EXPECT_THAT(Spans(Profanity(), "I was hit"), IsEmpty());
  EXPECT_THAT(Spans(Profanity(), "it has been a S-class day"), IsEmpty());
}

TEST(Words, ALatinEntryDoesNotMatchInsideALongerWord) {
  EXPECT_THAT(Spans(Profanity(), "the class will assume a buttress"), IsEmpty());
}

TEST(Words, RepeatsNeverShortenABannedWordIntoACommonOne) {
  EXPECT_THAT(Spans(Profanity(), "as it was, but a con, x marks it"), IsEmpty());
}

TEST(Words, RepeatedLettersInsideAWordStillMatch) {
  EXPECT_THAT(Spans(Profanity(), "fuuuuck you asssss"),
              ElementsAre("abuse:fuuuuck", "abuse:asssss"));
}

TEST(Words, ASubstringListMatchesInsideWords) {
  const Screener s = Make({{"abuse", {"ass"}, /*substring=*/true}}, {"class"});
  EXPECT_THAT(Spans(s, "kickass class"), ElementsAre("abuse:ass"));
}

TEST(Words, LeetspeakDigitsInsideAWordAreLetters) {
  EXPECT_THAT(Spans(Profanity(), "add my w3ch4t or sh1t"),
              ElementsAre("advertising:w3ch4t", "abuse:sh1t"));
}

TEST(Words, ANumberIsNotLeetspeak) {
  EXPECT_THAT(Spans(Profanity(), "room 455"), IsEmpty());
  EXPECT_THAT(Spans(Profanity(), "a55 kicked"), ElementsAre("abuse:a55"));
}

TEST(Words, DigitsInAnEntryKeepTheirCount) {
  const Screener s = Make({{"spam", {"词9x", "词99x"}}});
  EXPECT_THAT(Spans(s, "买词99x"), ElementsAre("spam:词99x"));
}

TEST(Words, CjkEntriesMatchAnywhereButNotAcrossSentencePunctuation) {
  const Screener s = Make({{"indecent", {"成人"}}, {"advertising", {"加微信"}}});
  EXPECT_THAT(Spans(s, "未成人片"), ElementsAre("indecent:成人"));
  EXPECT_THAT(Spans(s, "长大成，人要自立"), IsEmpty());
  EXPECT_THAT(Spans(s, "快加 微 信"), ElementsAre("advertising:加 微 信"));
  EXPECT_THAT(Spans(s, "加微♥信"), ElementsAre("advertising:加微♥信"));
}

TEST(Words, MultiWordEntriesMatchWordByWord) {
  const Screener s = Make({{"indecent", {"blow job"}}});
  EXPECT_THAT(Spans(s, "a blow  job here"), ElementsAre("indecent:blow  job"));
  EXPECT_THAT(Spans(s, "a blowjob"), IsEmpty());
}

TEST(Words, AnEntryThatNormalisesToNothingIsSkippedNotRefused) {
  ScreenerOptions options;
  options.word_lists = {{"abuse", {"🖕", "shit", "!!!"}}};
  absl::StatusOr<Screener> s = Screener::Create(options);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->skipped(),
              ElementsAre("word_lists[0].words[0]: empty after normalisation",
                          "word_lists[0].words[2]: empty after normalisation"));
  EXPECT_EQ(s->Screen("oh shit").matches.size(), 1u);
}

TEST(Words, NormalisedFormShowsWordsAndRepeats) {
  EXPECT_EQ(NormalizeForScreening("Hello  W.o.r.l.d"), "hello world");
  EXPECT_EQ(NormalizeForScreening("s h i t"), "shit");
  EXPECT_EQ(NormalizeForScreening("維信"), "维信");
}

}  // namespace
}  // namespace shequn
