// The onboarding ritual (D-4): formats, reminders, removal, staff names.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kHour;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;

constexpr absl::string_view kRitual = R"pb(
  id: "growth-club"
  groups { id: "club" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "boss" role: ROLE_OWNER nickname: "【管理】老王" }
    staff_nickname { prefix: "【管理】" }
  }
  ritual {
    steps: [RITUAL_STEP_ACCEPT_RULES, RITUAL_STEP_NICKNAME, RITUAL_STEP_INTRODUCTION, RITUAL_STEP_HANDBOOK]
    nickname {
      separator: "|"
      fields { name: "姓名" max_chars: 4 }
      fields { name: "公司或职业" }
      fields { name: "所在城市" }
    }
    intro_fields: ["称呼", "家乡", "职业", "爱好"]
    welcome_message: "欢迎加入成长俱乐部！"
    handbook: "https://example.org/handbook"
    deadline_seconds: 86400
    grace_seconds: 43200
  }
)pb";

v1::Event Rename(Community& c, absl::string_view who, absl::string_view name) {
  v1::Event e = c.Make(who);
  e.mutable_rename()->set_nickname(std::string(name));
  return e;
}

v1::Event Introduce(Community& c, absl::string_view who, bool complete) {
  v1::Event e = c.Make(who);
  auto& f = *e.mutable_introduce()->mutable_fields();
  f["称呼"] = "小李";
  f["家乡"] = "成都";
  f["职业"] = "设计师";
  if (complete) f["爱好"] = "徒步";
  return e;
}

TEST(Ritual, ANewcomerIsWelcomedAndSentTheHandbook) {
  Community club(ParseConfig(kRitual));
  v1::Outcome out = club.Join("li", "小李");
  ASSERT_TRUE(Find(out, v1::ACTION_KIND_WELCOME, "li"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_WELCOME).text(), "欢迎加入成长俱乐部！");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_SEND_HANDBOOK, "li").text(),
            "https://example.org/handbook");
  EXPECT_GT(club.Member("li").number(), 0u);
  EXPECT_FALSE(club.Member("li").ritual().complete());
}

TEST(Ritual, CompletingEveryStepBeforeTheDeadlineKeepsTheMember) {
  Community club(ParseConfig(kRitual));
  club.Join("li", "小李");
  club.Advance(kHour);
  club.Must(Rename(club, "li", "李雷|设计师|成都"));
  club.Must(Introduce(club, "li", true));
  v1::Event ack = club.Make("li");
  ack.mutable_handbook_ack();
  const v1::Action onboarded = MustFind(club.Must(ack), v1::ACTION_KIND_ONBOARDED, "li");
  EXPECT_EQ(onboarded.rule(), "ritual.steps");
  EXPECT_EQ(onboarded.group(), "club");
  EXPECT_TRUE(club.Member("li").ritual().complete());
  v1::Outcome later = club.Advance(3 * 24 * kHour);
  EXPECT_EQ(later.actions_size(), 0);
  EXPECT_EQ(club.Member("li").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Ritual, TheOnboardedNoticeComesOnceAndOnlyWhenTheLastStepIsDone) {
  Community club(ParseConfig(kRitual));
  EXPECT_FALSE(Find(club.Join("li", "小李"), v1::ACTION_KIND_ONBOARDED));
  EXPECT_FALSE(Find(club.Must(Rename(club, "li", "李雷|设计师|成都")),
                    v1::ACTION_KIND_ONBOARDED));
  EXPECT_FALSE(Find(club.Must(Introduce(club, "li", true)), v1::ACTION_KIND_ONBOARDED));
  v1::Event ack = club.Make("li");
  ack.mutable_handbook_ack();
  EXPECT_EQ(Count(club.Must(ack), v1::ACTION_KIND_ONBOARDED), 1);
  EXPECT_FALSE(Find(club.Must(Rename(club, "li", "李雷|画家|成都")),
                    v1::ACTION_KIND_ONBOARDED));
}

TEST(Ritual, ACommunityWithoutARitualSendsNoOnboardedNotice) {
  Community club(ParseConfig(R"pb(
    id: "plain"
    groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
    roles { staff { member_id: "owner" role: ROLE_OWNER } }
  )pb"));
  EXPECT_FALSE(Find(club.Join("li"), v1::ACTION_KIND_ONBOARDED));
  EXPECT_TRUE(club.Member("li").ritual().complete());
}

TEST(Ritual, ANewcomerWhoNeverRenamesIsRemindedThenRemoved) {
  Community club(ParseConfig(kRitual));
  club.Join("wang", "wang");
  club.Must(Introduce(club, "wang", true));
  v1::Event ack = club.Make("wang");
  ack.mutable_handbook_ack();
  club.Must(ack);

  v1::Outcome day1 = club.Advance(24 * kHour);
  std::optional<v1::Action> remind = Find(day1, v1::ACTION_KIND_REMIND, "wang");
  ASSERT_TRUE(remind);
  EXPECT_EQ(remind->rule(), "ritual.deadline_seconds");
  EXPECT_EQ(remind->text(), "set the nickname format");
  EXPECT_EQ(club.Member("wang").status(), v1::MEMBER_STATUS_ACTIVE);

  v1::Outcome grace = club.Advance(12 * kHour);
  std::optional<v1::Action> removed = Find(grace, v1::ACTION_KIND_REMOVE, "wang");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->reason(), "ritual.incomplete");
  EXPECT_EQ(removed->group(), "club");
  EXPECT_EQ(club.Member("wang").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(club.Member("wang").exit_reason(), "ritual.incomplete");
}

TEST(Ritual, RenamingDuringTheGracePeriodSavesTheMember) {
  Community club(ParseConfig(kRitual));
  club.Join("zhao", "zhao");
  club.Must(Introduce(club, "zhao", true));
  v1::Event ack = club.Make("zhao");
  ack.mutable_handbook_ack();
  club.Must(ack);
  EXPECT_TRUE(Find(club.Advance(24 * kHour), v1::ACTION_KIND_REMIND, "zhao"));
  club.Must(Rename(club, "zhao", "赵四|厨师|沈阳"));
  EXPECT_FALSE(Find(club.Advance(24 * kHour), v1::ACTION_KIND_REMOVE, "zhao"));
  EXPECT_EQ(club.Member("zhao").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Ritual, NicknamesAreCheckedFieldByFieldInCharacters) {
  Community club(ParseConfig(kRitual));
  club.Join("li", "小李");
  // Four Chinese characters are 12 bytes but within max_chars: 4.
  EXPECT_FALSE(Find(club.Must(Rename(club, "li", "欧阳娜娜|演员|北京")),
                    v1::ACTION_KIND_REMIND));
  EXPECT_TRUE(club.Member("li").ritual().nickname_ok());

  v1::Outcome too_long = club.Must(Rename(club, "li", "欧阳娜娜娜|演员|北京"));
  ASSERT_TRUE(Find(too_long, v1::ACTION_KIND_REMIND, "li"));
  EXPECT_THAT(MustFind(too_long, v1::ACTION_KIND_REMIND).text(), HasSubstr("姓名"));
  EXPECT_FALSE(club.Member("li").ritual().nickname_ok());

  v1::Outcome missing = club.Must(Rename(club, "li", "小李||北京"));
  EXPECT_THAT(MustFind(missing, v1::ACTION_KIND_REMIND).text(), HasSubstr("公司或职业"));
}

TEST(Ritual, ANicknameWithoutItsCityIsToldTheCityIsMissing) {
  Community club(ParseConfig(kRitual));
  club.Join("li", "小李");
  v1::Outcome two = club.Must(Rename(club, "li", "小李|设计师"));
  EXPECT_EQ(MustFind(two, v1::ACTION_KIND_REMIND, "li").text(),
            "nickname 所在城市 missing (format 姓名|公司或职业|所在城市)");
  v1::Outcome one = club.Must(Rename(club, "li", "小李"));
  EXPECT_THAT(MustFind(one, v1::ACTION_KIND_REMIND, "li").text(),
              HasSubstr("公司或职业, 所在城市 missing"));
  v1::Outcome four = club.Must(Rename(club, "li", "小李|设计师|成都|四川"));
  EXPECT_THAT(MustFind(four, v1::ACTION_KIND_REMIND, "li").text(),
              HasSubstr("1 field(s) too many"));
  EXPECT_FALSE(club.Member("li").ritual().nickname_ok());
}

TEST(Ritual, AnIncompleteIntroductionNamesTheMissingFields) {
  Community club(ParseConfig(kRitual));
  club.Join("li", "小李");
  v1::Outcome out = club.Must(Introduce(club, "li", false));
  std::optional<v1::Action> remind = Find(out, v1::ACTION_KIND_REMIND, "li");
  ASSERT_TRUE(remind);
  EXPECT_THAT(remind->text(), HasSubstr("爱好"));
  EXPECT_FALSE(club.Member("li").ritual().introduction_ok());
}

TEST(StaffNames, StaffUseTheirFormatAndMembersMayNotImpersonateThem) {
  Community club(ParseConfig(kRitual));
  v1::Outcome staff = club.Must(Rename(club, "boss", "老王"));
  ASSERT_TRUE(Find(staff, v1::ACTION_KIND_REMIND, "boss"));
  EXPECT_EQ(MustFind(staff, v1::ACTION_KIND_REMIND).reason(), "nickname.staff_format");
  EXPECT_FALSE(Find(club.Must(Rename(club, "boss", "【管理】老王")), v1::ACTION_KIND_REMIND));

  club.Join("li", "小李");
  v1::Outcome fake = club.Must(Rename(club, "li", "【管理】李|客服|北京"));
  std::optional<v1::Action> remind = Find(fake, v1::ACTION_KIND_REMIND, "li");
  ASSERT_TRUE(remind);
  EXPECT_EQ(remind->reason(), "nickname.staff_prefix");
}

}  // namespace
}  // namespace shequn
