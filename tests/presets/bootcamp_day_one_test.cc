// The paid bootcamp preset on day one: the coach and the assistant post
// the course link and stay; students may share it; other shops are still
// removed.
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::Kinds;
using ::shequn::testing::ParseConfig;
using ::testing::IsEmpty;

v1::CommunityConfig Bootcamp() {
  std::ifstream in(absl::StrCat(SHEQUN_PRESETS_DIR, "/paid_bootcamp.textproto"));
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str());
}

class BootcampDayOne : public ::testing::Test {
 protected:
  BootcampDayOne() : c_(Bootcamp()) {
    v1::Event pay = c_.Make("ann");
    pay.mutable_apply()->set_accepted_rules(true);
    pay.mutable_apply()->set_fee_paid_cents(19900);
    pay.mutable_apply()->set_deposit_paid_cents(5000);
    c_.Must(pay);
  }

  v1::Outcome Say(absl::string_view who, absl::string_view text) {
    v1::Event e = c_.Make(who, "camp");
    e.mutable_message()->set_message_id(absl::StrCat("m", ++messages_));
    e.mutable_message()->set_text(std::string(text));
    return c_.Must(e);
  }

  Community c_;
  int messages_ = 0;
};

TEST_F(BootcampDayOne, TheCoachPostsTheCourseLinkAndStays) {
  EXPECT_THAT(Kinds(Say("coach", "今天的课程：https://course.example.com/week1")), IsEmpty());
  EXPECT_EQ(c_.Member("coach").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST_F(BootcampDayOne, TheAssistantPostsTheCourseLinkAndStays) {
  EXPECT_THAT(Kinds(Say("assistant", "https://course.example.com/week1 记得预习")), IsEmpty());
  EXPECT_EQ(c_.Member("assistant").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST_F(BootcampDayOne, TheAssistantEvenPostsAnotherSiteWithoutAStrike) {
  EXPECT_THAT(Kinds(Say("assistant", "参考资料 https://docs.other.org/guide")), IsEmpty());
  EXPECT_EQ(c_.engine().LiveStrikes("assistant").value(), 0u);
}

TEST_F(BootcampDayOne, AStudentSharesTheCourseLinkWithAClassmate) {
  EXPECT_THAT(Kinds(Say("ann", "作业在 https://course.example.com/week1/homework")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "www.course.example.com/week2 也有")), IsEmpty());
}

TEST_F(BootcampDayOne, AStudentPostingAnotherShopIsStillRemoved) {
  v1::Outcome out = Say("ann", "便宜网课 https://cheap-courses.cn/buy");
  EXPECT_TRUE(Find(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann"));
  EXPECT_TRUE(Find(out, v1::ACTION_KIND_REMOVE, "ann"));
}

TEST_F(BootcampDayOne, ALookalikeOfTheCourseDomainIsNotAllowed) {
  v1::Outcome out = Say("ann", "https://course.example.com.evil.cn/week1");
  EXPECT_TRUE(Find(out, v1::ACTION_KIND_REMOVE, "ann"));
  v1::Outcome again = Say("coach", "https://notcourse.example.com/x");
  EXPECT_THAT(Kinds(again), IsEmpty());  // the coach is staff: exempt anyway
}

}  // namespace
}  // namespace shequn
