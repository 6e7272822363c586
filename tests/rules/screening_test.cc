// Screening as a group moderator meets it: ads dressed up to slip past a
// word list, contact details typed to dodge filters, innocent words that
// contain banned ones.
#include "shequn/screening.h"

#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shequn {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A moderator's typical setup: a few words per category, all detectors.
ScreenerOptions GroupOptions() {
  ScreenerOptions options;
  options.word_lists = {
      {"abuse", {"fuck", "cunt", "shit", "傻逼", "习"}},
      {"advertising", {"加微信", "wechat", "代购", "广告"}},
      {"gambling", {"赌博", "网赌"}},
  };
  options.whitelist = {"scunthorpe", "习惯", "学习"};
  return options;
}

Screener GroupScreener() {
  absl::StatusOr<Screener> screener = Screener::Create(GroupOptions());
  EXPECT_TRUE(screener.ok()) << screener.status();
  return *std::move(screener);
}

// What each match covers in the original text, as "category:source:text".
std::vector<std::string> Spans(std::string_view text, const ScreenResult& r) {
  std::vector<std::string> out;
  for (const ScreenMatch& m : r.matches) {
    out.push_back(std::string(m.category) + ":" +
                  std::string(MatchSourceName(m.source)) + ":" +
                  std::string(text.substr(m.begin, m.end - m.begin)));
  }
  return out;
}

TEST(Screening, SpacedOutWeChatAdIsCaughtAsWordAndId) {
  const Screener screener = GroupScreener();
  const std::string text = "想要的 加 微 信 abc123 哦";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("advertising:word:加 微 信",
                          "poaching:wechat:微 信 abc123"));
}

TEST(Screening, FullWidthPhoneNumberMapsToOriginalBytes) {
  const Screener screener = GroupScreener();
  const std::string text = "电话：１３８ ００１３ ８０００，随时打";
  const ScreenResult r = screener.Screen(text);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].source, MatchSource::kPhone);
  EXPECT_EQ(r.matches[0].category, "poaching");
  EXPECT_EQ(r.matches[0].begin, std::string("电话：").size());
  EXPECT_EQ(text.substr(r.matches[0].begin, r.matches[0].end - r.matches[0].begin),
            "１３８ ００１３ ８０００");
}

TEST(Screening, InternationalPhoneKeepsThePlus) {
  const Screener screener = GroupScreener();
  const std::string text = "call +86 138-0013-8000 now";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("poaching:phone:+86 138-0013-8000"));
}

// A '+' inside a number is a joiner like a dash; it used to take over the
// phone's start, so "+13818963288+" came back as the empty span 12..12 and
// "+86+13818963288" lost its "+86".
TEST(Screening, APlusAfterThePhoneLeavesItsStartAlone) {
  const Screener screener = GroupScreener();
  for (const std::string text : {"+13818963288+", "+13818963288+ok"}) {
    SCOPED_TRACE(text);
    const ScreenResult r = screener.Screen(text);
    ASSERT_EQ(r.matches.size(), 1u);
    EXPECT_EQ(r.matches[0].source, MatchSource::kPhone);
    EXPECT_EQ(r.matches[0].begin, 0u);
    EXPECT_EQ(r.matches[0].end, 12u);
  }
  std::string text = "+8613818963288 + ";
  EXPECT_THAT(Spans(text, screener.Screen(text)), ElementsAre("poaching:phone:+8613818963288"));
  text = "+86+13818963288";
  EXPECT_THAT(Spans(text, screener.Screen(text)), ElementsAre("poaching:phone:+86+13818963288"));
  text = "a+13818963288";
  EXPECT_THAT(Spans(text, screener.Screen(text)), ElementsAre("poaching:phone:+13818963288"));
  // A digit within three joiners carries the number on: fourteen digits are
  // not a mobile number.
  EXPECT_THAT(screener.Screen("+8613818963288 + 1").matches, IsEmpty());
}

// Every match of every detector is a non-empty span inside the text, over
// strings of numbers typed the ways phone numbers are: behind '+' or +86,
// between '+', spaces, dashes and letters.
TEST(Screening, MatchSpansAreNonEmptyAndInsideTheText) {
  const Screener screener = GroupScreener();
  constexpr std::string_view kBefore[] = {"", "+", "+86", "+86 ", "0086", "a", "wx"};
  constexpr std::string_view kAfter[] = {"", "+", "++", " + ", "+a", " ", "-", "a", "+1"};
  std::mt19937 random(20260301);  // fixed seed: the same strings every run
  int phones = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    const int numbers = 1 + static_cast<int>(random() % 3);
    for (int n = 0; n < numbers; ++n) {
      text += kBefore[random() % std::size(kBefore)];
      // Half of them mobile numbers (1 3..9 then 9 digits), the rest 1..14 digits.
      const bool mobile = random() % 2 == 0;
      const int digits = mobile ? 11 : 1 + static_cast<int>(random() % 14);
      for (int d = 0; d < digits; ++d) {
        char digit = static_cast<char>('0' + random() % 10);
        if (mobile && d == 0) digit = '1';
        if (mobile && d == 1) digit = static_cast<char>('3' + random() % 7);
        text += digit;
      }
      text += kAfter[random() % std::size(kAfter)];
    }
    for (const ScreenMatch& m : screener.Screen(text).matches) {
      phones += m.source == MatchSource::kPhone;
      EXPECT_LT(m.begin, m.end) << "'" << text << "' " << MatchSourceName(m.source);
      EXPECT_LE(m.end, text.size()) << "'" << text << "' " << MatchSourceName(m.source);
      if (m.source != MatchSource::kPhone || m.begin >= m.end || m.end > text.size()) continue;
      // A phone starts at its '+' or at its first digit.
      EXPECT_TRUE(text[m.begin] == '+' || absl::ascii_isdigit(text[m.begin])) << text;
    }
  }
  EXPECT_GT(phones, 100);  // the generator does make phone numbers
}

TEST(Screening, OrdinaryNumbersAreNotPhones) {
  const Screener screener = GroupScreener();
  EXPECT_THAT(screener.Screen("价格 100 元，库存 23800138000000 件").matches,
              IsEmpty());
}

TEST(Screening, DottedWechatIsCaught) {
  const Screener screener = GroupScreener();
  const std::string text = "my w.e.c.h.a.t is secret";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("advertising:word:w.e.c.h.a.t"));
}

TEST(Screening, CaseAndRepeatedLettersFold) {
  const Screener screener = GroupScreener();
  // Repeats belong to the match, adjacent or spelled out.
  const std::string text = "FuUuUuCKkk you and f u u c k k k";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("abuse:word:FuUuUuCKkk", "abuse:word:f u u c k k k"));
}

TEST(Screening, SpacedLatinWordMustStartAWord) {
  const Screener screener = GroupScreener();
  EXPECT_THAT(screener.Screen("I was hit by a car").matches, IsEmpty());
  const std::string text = "what a s h i t show";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("abuse:word:s h i t"));
}

TEST(Screening, TraditionalCharactersFoldToSimplified) {
  const Screener screener = GroupScreener();
  const std::string text = "發廣告的，網賭包贏，加維信 abc123";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("advertising:word:廣告", "gambling:word:網賭",
                          "poaching:wechat:維信 abc123"));
}

TEST(Screening, WhitelistKeepsInnocentWords) {
  const Screener screener = GroupScreener();
  EXPECT_THAT(screener.Screen("Scunthorpe United won").matches, IsEmpty());
  EXPECT_THAT(screener.Screen("好的学习习惯").matches, IsEmpty());
  // The same banned words outside a whitelisted word still match.
  const std::string text = "you cunt, 习 something";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("abuse:word:cunt", "abuse:word:习"));
}

TEST(Screening, WhitelistCanAllowAnOfficialLink) {
  ScreenerOptions options = GroupOptions();
  options.whitelist.push_back("shequn.com");
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok()) << screener.status();
  EXPECT_THAT(screener->Screen("docs at shequn.com").matches, IsEmpty());
  EXPECT_EQ(screener->Screen("buy at cheap.com").matches.size(), 1u);
}

TEST(Screening, LinksAreAdvertising) {
  const Screener screener = GroupScreener();
  const std::string text =
      "看这里 https://t.cn/AbC?x=1 还有 www.example.com/p 和 foo.xyz。谢谢";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("advertising:url:https://t.cn/AbC?x=1",
                          "advertising:url:www.example.com/p",
                          "advertising:url:foo.xyz"));
}

TEST(Screening, SpacedDomainIsALinkButSentencesAreNot) {
  const Screener screener = GroupScreener();
  const std::string text = "go to baidu . com";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("advertising:url:baidu . com"));
  EXPECT_THAT(screener.Screen("I quit. Work is hard. Mr. Wang agrees e.g. 1.5")
                  .matches,
              IsEmpty());
}

TEST(Screening, QqNumberAfterTrigger) {
  const Screener screener = GroupScreener();
  const std::string text = "有事加QQ号：12345678 谢谢";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("poaching:qq:QQ号：12345678"));
  const std::string text2 = "扣扣 987 654 321";
  EXPECT_THAT(Spans(text2, screener.Screen(text2)),
              ElementsAre("poaching:qq:扣扣 987 654 321"));
}

TEST(Screening, GeneratedWeChatIdIsCaughtWithoutTrigger) {
  const Screener screener = GroupScreener();
  const std::string text = "the id is wxid_abc123 ok";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("poaching:wechat:wxid_abc123"));
}

TEST(Screening, LatinTriggersNeedWordBoundaries) {
  const Screener screener = GroupScreener();
  EXPECT_THAT(screener.Screen("new xbox 123456 for sale").matches, IsEmpty());
  EXPECT_THAT(screener.Screen("add media files").matches, IsEmpty());
  // A trigger glued to a number is no word of its own; the number is
  // still a phone.
  const std::string text = "vx13800138000";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("poaching:phone:13800138000"));
}

TEST(Screening, SolicitationIsPoaching) {
  const Screener screener = GroupScreener();
  const std::string text = "有兴趣的私 聊 我, or just DM me";
  EXPECT_THAT(Spans(text, screener.Screen(text)),
              ElementsAre("poaching:solicitation:私 聊 我",
                          "poaching:solicitation:DM me"));
}

TEST(Screening, DetectorsCanBeTurnedOffAndRecategorised) {
  ScreenerOptions options = GroupOptions();
  options.detectors = {std::string(kDetectorUrl)};
  options.link_category = "links";
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok()) << screener.status();
  const std::string text = "a.com 13800138000 加我";
  EXPECT_THAT(Spans(text, screener->Screen(text)), ElementsAre("links:url:a.com"));
}

TEST(Screening, WordEntryPointsBackToTheConfiguredWord) {
  const Screener screener = GroupScreener();
  const ScreenResult r = screener.Screen("网 赌");
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(screener.WordText(r.matches[0].entry), "网赌");
  EXPECT_EQ(screener.WordText(999), "");
}

TEST(Screening, SameWordInTwoCategoriesReportsBoth) {
  ScreenerOptions options;
  options.word_lists = {{"abuse", {"垃圾", "垃圾"}}, {"off_topic", {"垃圾"}}};
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok()) << screener.status();
  EXPECT_EQ(screener->size(), 2u);
  const std::string text = "真垃圾";
  EXPECT_THAT(Spans(text, screener->Screen(text)),
              ElementsAre("abuse:word:垃圾", "off_topic:word:垃圾"));
}

TEST(Screening, MaskReplacesMergedSpans) {
  const Screener screener = GroupScreener();
  const std::string text = "滚，傻逼！加 微 信 abc123 好吗";
  // "加 微 信" (word) and "微 信 abc123" (id) overlap: one mask.
  EXPECT_EQ(Mask(text, screener.Screen(text).matches), "滚，***！*** 好吗");
  EXPECT_EQ(Mask(text, {}, "#"), text);
  const ScreenMatch outside{"abuse", 5, 999, MatchSource::kWord, 0};
  EXPECT_EQ(Mask("short", {&outside, 1}), "short");
}

TEST(Screening, InvalidUtf8IsToleratedAndSeparates) {
  const Screener screener = GroupScreener();
  const std::string text = "fu\xff\xfe" "ck \xe4\xbd 傻\xc0逼 \xed\xa0\x80";
  const ScreenResult r = screener.Screen(text);
  EXPECT_THAT(Spans(text, r), ElementsAre("abuse:word:fu\xff\xfe" "ck",
                                          "abuse:word:傻\xc0逼"));
}

TEST(Screening, MegabyteMessageIsTruncatedAndFlagged) {
  ScreenerOptions options = GroupOptions();
  options.max_text_bytes = 1 << 20;
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok());
  // A word ending right at the limit is found; one past it is not looked at.
  std::string text(options.max_text_bytes - 5, 'a');
  text += " fuck 傻逼";
  const ScreenResult r = screener->Screen(text);
  EXPECT_TRUE(r.truncated);
  EXPECT_THAT(Spans(text, r), ElementsAre("abuse:word:fuck"));

  // Cut inside a multi-byte character: backs up to its first byte.
  options.max_text_bytes = 8;
  screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok());
  const ScreenResult cut = screener->Screen("傻逼傻逼");  // 12 bytes
  EXPECT_TRUE(cut.truncated);
  EXPECT_THAT(Spans("傻逼傻逼", cut), ElementsAre("abuse:word:傻逼"));
}

TEST(Screening, MegabyteMessageUnderTheLimitIsScreenedWhole) {
  ScreenerOptions options = GroupOptions();
  options.max_text_bytes = 2 << 20;
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok());
  std::string text;
  while (text.size() < (1 << 20)) text += "今天天气不错 good morning ";
  text += "网赌";
  const ScreenResult r = screener->Screen(text);
  EXPECT_FALSE(r.truncated);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].end, text.size());
}

TEST(Screening, ReusedResultIsClearedEachCall) {
  const Screener screener = GroupScreener();
  ScreenResult r;
  screener.Screen("傻逼", &r);
  ASSERT_EQ(r.matches.size(), 1u);
  screener.Screen("hello", &r);
  EXPECT_THAT(r.matches, IsEmpty());
  EXPECT_FALSE(r.truncated);
}

TEST(Screening, NormalizeForScreeningShowsTheKey) {
  // Words are apart by one space; repeats are kept, so the key shows how
  // many there were.
  EXPECT_EQ(NormalizeForScreening("Ｆ.u.U.u.c k"), "fuuuck");
  EXPECT_EQ(NormalizeForScreening("加 微 信"), "加微信");
  EXPECT_EQ(NormalizeForScreening("維信①③⑧"), "维信 138");
  EXPECT_EQ(NormalizeForScreening("妈妈 1 0 0"), "妈妈 100");
  // A zero-width space joins, an emoji between letters joins too.
  EXPECT_EQ(NormalizeForScreening("b\xe2\x80\x8bo\xf0\x9f\x98\x80ok"), "book");
}

// ---- Builder errors name the entry --------------------------------------

absl::Status CreateError(const ScreenerOptions& options) {
  return Screener::Create(options).status();
}

TEST(ScreeningConfig, AnEntryEmptyAfterNormalisationIsSkipped) {
  ScreenerOptions options = GroupOptions();
  options.word_lists[2].words.push_back(" *** ");
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok()) << screener.status();
  EXPECT_THAT(screener->skipped(),
              ElementsAre("word_lists[2].words[2]: empty after normalisation"));
  EXPECT_EQ(screener->Screen("去网赌").matches.size(), 1u);
}

TEST(ScreeningConfig, InvalidUtf8Word) {
  ScreenerOptions options = GroupOptions();
  options.word_lists[0].words[4] = "bad\xff";
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("word_lists[0].words[4]: invalid UTF-8"));
}

TEST(ScreeningConfig, WordTooLong) {
  ScreenerOptions options = GroupOptions();
  std::string word;
  for (int i = 0; i < 70; ++i) word += i % 2 ? "a" : "b";
  options.whitelist.push_back(word);
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("whitelist[3]: 70 code points after normalisation, "
                        "limit 64"));
}

TEST(ScreeningConfig, AnEmptyWhitelistEntryIsSkipped) {
  ScreenerOptions options = GroupOptions();
  options.whitelist.insert(options.whitelist.begin(), "");
  absl::StatusOr<Screener> screener = Screener::Create(options);
  ASSERT_TRUE(screener.ok()) << screener.status();
  EXPECT_THAT(screener->skipped(),
              ElementsAre("whitelist[0]: empty after normalisation"));
}

TEST(ScreeningConfig, BadCategories) {
  ScreenerOptions options = GroupOptions();
  options.word_lists[1].category = "";
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("word_lists[1].category: empty"));
  options = GroupOptions();
  options.word_lists[0].category = std::string(65, 'x');
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("word_lists[0].category: 65 bytes, limit 64"));
  options = GroupOptions();
  options.word_lists[0].category = "\xff";
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("word_lists[0].category: invalid UTF-8"));
  options = GroupOptions();
  options.contact_category = "";
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("contact_category: empty"));
  options = GroupOptions();
  options.link_category = "";
  EXPECT_THAT(CreateError(options).message(), HasSubstr("link_category: empty"));
}

TEST(ScreeningConfig, UnknownDetector) {
  ScreenerOptions options = GroupOptions();
  options.detectors = {"url", "fax"};
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("detectors[1]: unknown detector 'fax' (known: url, "
                        "phone, wechat, qq, solicitation, email)"));
}

TEST(ScreeningConfig, TooManyWords) {
  ScreenerOptions options;
  options.word_lists = {{"abuse", std::vector<std::string>(limits::kMaxWords, "x")}};
  options.whitelist = {"y"};
  EXPECT_THAT(CreateError(options).message(),
              HasSubstr("word_lists: 200001 words and whitelist entries, "
                        "limit 200000"));
}

TEST(ScreeningConfig, MaxTextBytesZero) {
  ScreenerOptions options = GroupOptions();
  options.max_text_bytes = 0;
  EXPECT_THAT(CreateError(options).message(), HasSubstr("max_text_bytes: 0"));
}

}  // namespace
}  // namespace shequn
