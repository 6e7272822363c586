// Rules settings where 0 is a choice, not "unset" (issue #21): an operator who
// writes 0 gets 0's documented meaning; one who writes nothing gets the default.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::kDay;
using ::shequn::testing::kSecond;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using Code = absl::StatusCode;

// A study group with a three-strike ladder; `rules` adds the setting tried.
v1::CommunityConfig StudyGroup(absl::string_view rules = "") {
  return MergedConfig({R"pb(
    id: "study"
    groups { id: "study" stage: FUNNEL_STAGE_RETENTION }
    roles { staff { member_id: "teacher" role: ROLE_OWNER } }
    rules {
      word_lists { category: "abuse" words: ["idiot"] }
      flood { max_repeats: 3 }
    }
  )pb",
                       absl::StrCat("rules { ", rules, " }")});
}

class ZeroSetting : public ::testing::Test {
 protected:
  void Open(absl::string_view rules) {
    c_ = std::make_unique<Community>(StudyGroup(rules));
    for (const char* who : {"ann", "bob", "cat", "dan"}) c_->Join(who);
  }

  v1::Outcome Say(absl::string_view who, absl::string_view text, absl::string_view reply_to = "") {
    v1::Event e = c_->Make(who, "study");
    e.mutable_message()->set_message_id(absl::StrCat("m", ++messages_));
    e.mutable_message()->set_text(std::string(text));
    e.mutable_message()->set_reply_to(std::string(reply_to));
    return c_->Must(e);
  }

  v1::Event Report(absl::string_view who, absl::string_view message_id) {
    v1::Event e = c_->Make(who, "study");
    e.mutable_report()->set_message_id(std::string(message_id));
    e.mutable_report()->set_reason("spam");
    return e;
  }

  std::string Last() const { return absl::StrCat("m", messages_); }

  std::unique_ptr<Community> c_;
  int messages_ = 0;
};

TEST_F(ZeroSetting, StrikesThatNeverExpireKeepCountingAYearLater) {
  Open("strike_expiry_seconds: 0");
  EXPECT_EQ(MustFind(Say("ann", "you idiot"), v1::ACTION_KIND_WARN_PRIVATELY).strike_count(), 1u);
  c_->Advance(400 * kDay);
  const v1::Outcome again = Say("ann", "idiot again");
  EXPECT_EQ(MustFind(again, v1::ACTION_KIND_MUTE, "ann").strike_count(), 2u);
}

TEST_F(ZeroSetting, UnsetStrikeExpiryIsThirtyDays) {
  Open("");
  Say("ann", "you idiot");
  c_->Advance(31 * kDay);
  EXPECT_EQ(MustFind(Say("ann", "idiot again"), v1::ACTION_KIND_WARN_PRIVATELY).strike_count(), 1u);
}

TEST_F(ZeroSetting, AReportThresholdOfZeroNeverHidesAMessage) {
  Open("report_threshold: 0");
  Say("ann", "buy my course");
  const std::string reported = Last();
  for (const char* who : {"bob", "cat", "dan"}) {
    const v1::Outcome out = c_->Must(Report(who, reported));
    EXPECT_EQ(Count(out, v1::ACTION_KIND_HIDE_MESSAGE), 0);
    EXPECT_EQ(Count(out, v1::ACTION_KIND_FLAG_FOR_ADMIN), 0);
  }
}

TEST_F(ZeroSetting, UnsetReportThresholdHidesAtTheThirdReporter) {
  Open("");
  Say("ann", "buy my course");
  const std::string reported = Last();
  c_->Must(Report("bob", reported));
  c_->Must(Report("cat", reported));
  EXPECT_EQ(Count(c_->Must(Report("dan", reported)), v1::ACTION_KIND_HIDE_MESSAGE), 1);
}

TEST_F(ZeroSetting, AMediationWindowOfZeroNeverMediates) {
  Open("mediation_window_seconds: 0");
  Say("ann", "the deadline is too tight");
  Say("bob", "you idiot", Last());
  const v1::Outcome back = Say("ann", "idiot yourself", Last());
  EXPECT_EQ(Count(back, v1::ACTION_KIND_MEDIATE), 0);
}

TEST_F(ZeroSetting, UnsetMediationWindowMediatesAQuarrel) {
  Open("");
  Say("ann", "the deadline is too tight");
  Say("bob", "you idiot", Last());
  EXPECT_EQ(Count(Say("ann", "idiot yourself", Last()), v1::ACTION_KIND_MEDIATE), 1);
}

TEST_F(ZeroSetting, ARepeatWindowOfZeroCountsRepeatsHoweverFarApart) {
  Open("flood { max_repeats: 3 repeat_window_seconds: 0 }");
  Say("ann", "daily reminder: homework due");
  c_->Advance(kDay);
  Say("ann", "daily reminder: homework due");
  c_->Advance(kDay);
  const v1::Outcome third = Say("ann", "daily reminder: homework due");
  EXPECT_EQ(MustFind(third, v1::ACTION_KIND_WARN_PRIVATELY, "ann").category(), "flooding");
}

TEST_F(ZeroSetting, UnsetRepeatWindowForgetsARepeatAfterTenMinutes) {
  Open("");
  for (int day = 0; day < 3; ++day) {
    EXPECT_EQ(Count(Say("ann", "daily reminder: homework due"), v1::ACTION_KIND_WARN_PRIVATELY), 0);
    c_->Advance(kDay);
  }
}

TEST_F(ZeroSetting, AMessageMemoryOfZeroForgetsAMessageOnceTheClockMoves) {
  Open("message_memory_seconds: 0");
  Say("ann", "buy my course");
  const std::string said = Last();
  c_->Advance(kSecond);
  Say("cat", "morning");  // any event moves the rules' clock on
  c_->ExpectRejected(Report("bob", said), Code::kNotFound, "report.message_id");
}

TEST_F(ZeroSetting, UnsetMessageMemoryStillKnowsAMessageSixDaysOn) {
  Open("");
  Say("ann", "buy my course");
  const std::string said = Last();
  c_->Advance(6 * kDay);
  c_->Must(Report("bob", said));
}

}  // namespace
}  // namespace shequn
