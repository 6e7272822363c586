// Contact details the way Chinese groups write them: spaced ids, phone and
// QQ numbers in Chinese numerals, circled and full-width digits, and the
// solicitation phrasings.
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

std::vector<std::string> Spans(std::string_view text) {
  static const Screener* screener = [] {
    absl::StatusOr<Screener> s = Screener::Create(ScreenerOptions{});
    EXPECT_TRUE(s.ok()) << s.status();
    return new Screener(*std::move(s));
  }();
  std::vector<std::string> out;
  for (const ScreenMatch& m : screener->Screen(absl::string_view(text.data(), text.size())).matches) {
    out.push_back(std::string(MatchSourceName(m.source)) + ":" +
                  std::string(text.substr(m.begin, m.end - m.begin)));
  }
  return out;
}

TEST(Contacts, AnIdSpelledWithSpacesAfterASpacedTrigger) {
  EXPECT_THAT(Spans("加 v x ： d a v e 2 0 2 6 8 8"),
              ElementsAre("wechat:加 v x ： d a v e 2 0 2 6 8 8"));
  EXPECT_THAT(Spans("微 信 d a v e 2 0 2 6"), ElementsAre("wechat:微 信 d a v e 2 0 2 6"));
}

TEST(Contacts, HomophoneTriggers) {
  EXPECT_THAT(Spans("加薇 lily_88"), ElementsAre("wechat:加薇 lily_88"));
  EXPECT_THAT(Spans("微♥信 kk123456"), ElementsAre("wechat:微♥信 kk123456"));
  EXPECT_THAT(Spans("my wechat is dave2026"), ElementsAre("wechat:wechat is dave2026"));
  EXPECT_THAT(Spans("企鹅号：5201314"), ElementsAre("qq:企鹅号：5201314"));
}

TEST(Contacts, APhoneNumberInChineseNumerals) {
  EXPECT_THAT(Spans("电话一三八一二三四五六七八找我"), ElementsAre("phone:一三八一二三四五六七八"));
  EXPECT_THAT(Spans("打壹叁捌壹贰叁肆伍陆柒捌"), ElementsAre("phone:壹叁捌壹贰叁肆伍陆柒捌"));
  EXPECT_THAT(Spans("手机1三8一2三4五6七8"), ElementsAre("phone:1三8一2三4五6七8"));
}

TEST(Contacts, APhoneNumberSplitByDashesAndSpaces) {
  EXPECT_THAT(Spans("call 172 - 9814 - 2262 now"), ElementsAre("phone:172 - 9814 - 2262"));
  EXPECT_THAT(Spans("①③⑧①②③④⑤⑥⑦⑧"), ElementsAre("phone:①③⑧①②③④⑤⑥⑦⑧"));
}

TEST(Contacts, AQqNumberInChineseNumerals) {
  EXPECT_THAT(Spans("扣扣五二零一三一四"), ElementsAre("qq:扣扣五二零一三一四"));
}

TEST(Contacts, ScanTheQrCode) {
  EXPECT_THAT(Spans("scan the qr code to join"), ElementsAre("solicitation:scan the qr"));
  EXPECT_THAT(Spans("扫一扫进群"), ElementsAre("solicitation:扫一扫"));
}

TEST(Contacts, AnEmailAddressIsAContactDetail) {
  EXPECT_THAT(Spans("mail me at dave2026@qq.com"), ElementsAre("email:dave2026@qq.com"));
  EXPECT_THAT(Spans("邮箱：dave2026@163.com，随时联系"), ElementsAre("email:dave2026@163.com"));
  EXPECT_THAT(Spans("write to john.smith+deals@mail.example.co today"),
              ElementsAre("email:john.smith+deals@mail.example.co"));
}

TEST(Contacts, AnEmailAddressSpelledOutToDodgeFilters) {
  EXPECT_THAT(Spans("dave2026 at qq dot com"), ElementsAre("email:dave2026 at qq dot com"));
  EXPECT_THAT(Spans("John at Gmail dot com"), ElementsAre("email:John at Gmail dot com"));
  EXPECT_THAT(Spans("dave[at]163[dot]com"), ElementsAre("email:dave[at]163[dot]com"));
  EXPECT_THAT(Spans("dave (at) qq (dot) com"), ElementsAre("email:dave (at) qq (dot) com"));
  EXPECT_THAT(Spans("dave2026 at qq.com"), ElementsAre("email:dave2026 at qq.com"));
  EXPECT_THAT(Spans("dave2026艾特qq点com"), ElementsAre("email:dave2026艾特qq点com"));
}

TEST(Contacts, AnEmailAddressWithFullWidthOrSpacedSigns) {
  EXPECT_THAT(Spans("dave2026＠qq。com"), ElementsAre("email:dave2026＠qq。com"));
  EXPECT_THAT(Spans("ｄａｖｅ２０２６＠ｑｑ．ｃｏｍ"), ElementsAre("email:ｄａｖｅ２０２６＠ｑｑ．ｃｏｍ"));
  EXPECT_THAT(Spans("dave2026 @ qq . com"), ElementsAre("email:dave2026 @ qq . com"));
  EXPECT_THAT(Spans("dave\u200b2026@qq.com"), ElementsAre("email:dave\u200b2026@qq.com"));
}

TEST(Contacts, AnEmailDomainIsNotAlsoALink) {
  // The url detector alone reports "qq.com"; beside the address it would be
  // a second violation for one contact detail.
  EXPECT_THAT(Spans("dave2026@qq.com"), ElementsAre("email:dave2026@qq.com"));
  EXPECT_THAT(Spans("see www.qq.com or dave@qq.com"),
              ElementsAre("url:www.qq.com", "email:dave@qq.com"));
}

TEST(Contacts, AnIdBeforeTheAddressIsStillReported) {
  EXPECT_THAT(Spans("my wechat is dave2026@qq.com"),
              ElementsAre("wechat:wechat is dave2026", "email:dave2026@qq.com"));
}

TEST(Contacts, OrdinaryTextWithAtSignsIsNotAnEmail) {
  EXPECT_THAT(Spans("@someone can you look"), IsEmpty());     // a mention
  EXPECT_THAT(Spans("thanks @bob.net for that"), IsEmpty());  // a mention, spaced before only
  EXPECT_THAT(Spans("if (a@b) return x@y.z;"), IsEmpty());    // no top-level domain
  EXPECT_THAT(Spans("ssh root@localhost"), IsEmpty());
  EXPECT_THAT(Spans("write to me@uni.edu"), IsEmpty());       // not a top-level domain it knows
  EXPECT_THAT(Spans("-- Larry Wall in <199705101952.MAA00756@wall.org>"), IsEmpty());
  EXPECT_THAT(Spans("in <1992Aug26.184221.29627@netlabs.com>"), IsEmpty());  // Message-IDs
  EXPECT_THAT(Spans("QQ邮箱 123456789@qq.com"), ElementsAre("email:123456789@qq.com"));
  EXPECT_THAT(Spans("I met her@home. Then we ate"), IsEmpty());  // no address here
}

TEST(Contacts, OrdinaryTextWithAtIsNotAnEmail) {
  EXPECT_THAT(Spans("we met at noon. Dot the i"), IsEmpty());
  EXPECT_THAT(Spans("look at google.com today"), ElementsAre("url:google.com"));
  EXPECT_THAT(Spans("at the station dot"), IsEmpty());
}

TEST(Contacts, OrdinaryChineseNumbersAreNotPhones) {
  EXPECT_THAT(Spans("一五一十地说了三四遍"), IsEmpty());
}

// The screener skips the id and link detectors for an ASCII message whose
// bytes rule them out (no digit or '_'; no '.' or ':'), reading eight bytes
// at a time. Whatever the digit's or dot's place in those eight-byte
// steps, a contact is still found; with none, plain English is clean.
TEST(Contacts, FoundWhereverTheDigitOrDotFalls) {
  for (size_t pad = 0; pad < 17; ++pad) {
    const std::string lead(pad, ' ');
    EXPECT_THAT(Spans(lead + "call 13800138000"), ElementsAre("phone:13800138000"))
        << pad;
    EXPECT_THAT(Spans(lead + "wx dave_x"), IsEmpty()) << pad;  // an id needs a digit
    EXPECT_THAT(Spans(lead + "my id wxid_abcdef"), ElementsAre("wechat:wxid_abcdef"))
        << pad;
    EXPECT_THAT(Spans(lead + "see cheap-deals.com"), ElementsAre("url:cheap-deals.com"))
        << pad;
    EXPECT_THAT(Spans(lead + "go http://t"), ElementsAre("url:http://t")) << pad;
    EXPECT_THAT(Spans(lead + "see you at the meetup tonight"), IsEmpty()) << pad;
  }
}

}  // namespace
}  // namespace shequn
