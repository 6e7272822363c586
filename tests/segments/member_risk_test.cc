// Cross-group risk follows the member, not only the group: a spammer who
// leaves one group for the next after each ad is named in one RISK_ALERT
// once they have broken rules in three groups within a week, and listed in
// the report. Each violating message counts once, however many actions it
// led to and however often it is edited.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using Code = absl::StatusCode;

// A product's fan groups, one per city; ads are hidden and warned about.
constexpr absl::string_view kFanGroups = R"pb(
  id: "fans"
  groups { id: "beijing" stage: FUNNEL_STAGE_ACQUISITION }
  groups { id: "shanghai" stage: FUNNEL_STAGE_ACQUISITION }
  groups { id: "shenzhen" stage: FUNNEL_STAGE_ACQUISITION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules {
    word_lists { category: "advertising" words: ["代购", "刷单"] }
    categories { category: "advertising" ladder { warn: true } }
  }
)pb";

class FanGroups : public ::testing::Test {
 protected:
  explicit FanGroups(absl::string_view config = kFanGroups) : c_(ParseConfig(config)) {
    c_.Join("fan", "", "beijing");
  }

  v1::Outcome Post(absl::string_view who, absl::string_view group, absl::string_view text) {
    v1::Event e = c_.Make(who, group);
    e.mutable_message()->set_message_id(absl::StrCat("m", ++n_));
    e.mutable_message()->set_text(std::string(text));
    return c_.Must(e);
  }
  v1::Outcome Edit(absl::string_view who, absl::string_view id, absl::string_view text) {
    v1::Event e = c_.Make(who);
    e.mutable_edit_message()->set_message_id(std::string(id));
    e.mutable_edit_message()->set_text(std::string(text));
    return c_.Must(e);
  }
  // `who` leaves their group and joins `group`.
  void MoveOn(absl::string_view who, absl::string_view group) {
    c_.Wait(kHour);
    v1::Event leave = c_.Make(who);
    leave.mutable_leave();
    c_.Must(leave);
    c_.Join(who, "", group);
  }

  Community c_;
  int n_ = 0;
};

TEST_F(FanGroups, ASpammerWhoAdvertisesInThreeGroupsGetsOneAlertNamingThem) {
  c_.Join("spam", "", "beijing");
  Post("spam", "beijing", "代购 名牌包");
  // Edited into another ad: the same message, not a second violation.
  Edit("spam", "m1", "刷单 日结");
  MoveOn("spam", "shanghai");
  const v1::Outcome second = Post("spam", "shanghai", "代购 香水");
  EXPECT_EQ(Count(second, v1::ACTION_KIND_RISK_ALERT), 0) << "two groups are not yet a pattern";
  MoveOn("spam", "shenzhen");
  const v1::Outcome third = Post("spam", "shenzhen", "刷单 兼职");
  const v1::Action alert = MustFind(third, v1::ACTION_KIND_RISK_ALERT, "spam");
  EXPECT_EQ(alert.rule(), "segments.risk.member_min_groups");
  EXPECT_EQ(alert.group(), "shenzhen");
  ASSERT_TRUE(alert.has_risk());
  EXPECT_THAT(alert.risk().groups(), ElementsAre("beijing", "shanghai", "shenzhen"));
  EXPECT_EQ(alert.risk().violations(), 3u) << "three messages, each counted once";
  EXPECT_EQ(alert.risk().window_days(), 7u);
  // More ads the same week raise no second alert.
  EXPECT_EQ(Count(Post("spam", "shenzhen", "代购 手表"), v1::ACTION_KIND_RISK_ALERT), 0);

  // The report names them; the groups count each message once.
  const v1::Report report = c_.engine().Report(c_.now());
  ASSERT_EQ(report.member_risk_size(), 1);
  EXPECT_EQ(report.member_risk(0).member(), "spam");
  EXPECT_THAT(report.member_risk(0).groups(), ElementsAre("beijing", "shanghai", "shenzhen"));
  EXPECT_EQ(report.member_risk(0).violations(), 4u);
  EXPECT_EQ(report.community().periods(0).violations(), 4u);
}

TEST_F(FanGroups, ViolationsSpreadOverMoreThanTheWindowRaiseNoAlert) {
  c_.Join("slow", "", "beijing");
  Post("slow", "beijing", "代购");
  c_.Advance(4 * kDay);
  MoveOn("slow", "shanghai");
  Post("slow", "shanghai", "代购");
  c_.Advance(4 * kDay);
  MoveOn("slow", "shenzhen");
  EXPECT_EQ(Count(Post("slow", "shenzhen", "代购"), v1::ACTION_KIND_RISK_ALERT), 0);
  EXPECT_EQ(c_.engine().Report(c_.now()).member_risk_size(), 0);
}

TEST_F(FanGroups, ThreeMembersInThreeGroupsAreNoMemberAlert) {
  c_.Join("a", "", "beijing");
  c_.Join("b", "", "shanghai");
  c_.Join("c", "", "shenzhen");
  EXPECT_EQ(Count(Post("a", "beijing", "代购"), v1::ACTION_KIND_RISK_ALERT), 0);
  EXPECT_EQ(Count(Post("b", "shanghai", "代购"), v1::ACTION_KIND_RISK_ALERT), 0);
  EXPECT_EQ(Count(Post("c", "shenzhen", "代购"), v1::ACTION_KIND_RISK_ALERT), 0);
  EXPECT_EQ(c_.engine().Report(c_.now()).member_risk_size(), 0);
}

TEST_F(FanGroups, TheTrackingSurvivesASnapshotAndTheAlertComesAfterRestore) {
  c_.Join("spam", "", "beijing");
  Post("spam", "beijing", "代购");
  MoveOn("spam", "shanghai");
  Post("spam", "shanghai", "代购");
  auto restored = Engine::Restore(ParseConfig(kFanGroups), c_.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  c_.ReplaceEngine(*std::move(restored));
  MoveOn("spam", "shenzhen");
  const v1::Action alert = MustFind(Post("spam", "shenzhen", "代购"), v1::ACTION_KIND_RISK_ALERT, "spam");
  EXPECT_EQ(alert.risk().groups_size(), 3);
}

TEST_F(FanGroups, TheRecordsAreDroppedOnceTheWindowHasPassed) {
  c_.Join("spam", "", "beijing");
  Post("spam", "beijing", "代购");
  const size_t with = c_.engine().Snapshot().segments().member_violations_size();
  EXPECT_EQ(with, 1u);
  c_.Advance(9 * kDay);
  EXPECT_EQ(c_.engine().Snapshot().segments().member_violations_size(), 0);
}

constexpr absl::string_view kTwoGroupsADay = R"pb(
  id: "fans"
  groups { id: "beijing" stage: FUNNEL_STAGE_ACQUISITION }
  groups { id: "shanghai" stage: FUNNEL_STAGE_ACQUISITION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules {
    word_lists { category: "advertising" words: ["代购"] }
    categories { category: "advertising" hide_only: true }
  }
  segments { risk { member_min_groups: 2 member_window_days: 1 } }
)pb";

class TwoGroupsADay : public FanGroups {
 protected:
  TwoGroupsADay() : FanGroups(kTwoGroupsADay) {}
};

TEST_F(TwoGroupsADay, TheOperatorSetsHowManyGroupsAndHowLong) {
  c_.Join("spam", "", "beijing");
  Post("spam", "beijing", "代购");
  MoveOn("spam", "shanghai");
  const v1::Action alert = MustFind(Post("spam", "shanghai", "代购"), v1::ACTION_KIND_RISK_ALERT, "spam");
  EXPECT_THAT(alert.risk().groups(), ElementsAre("beijing", "shanghai"));
  EXPECT_EQ(alert.risk().window_days(), 1u);
}

TEST(MemberRiskConfig, BadSettingsAreRefusedNamingTheField) {
  v1::CommunityConfig config = ParseConfig(kFanGroups);
  config.mutable_segments()->mutable_risk()->set_member_min_groups(1);
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(engine.status().message(), ::testing::HasSubstr("segments.risk.member_min_groups"));
  config = ParseConfig(kFanGroups);
  config.mutable_segments()->mutable_risk()->set_member_window_days(32);
  engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), ::testing::HasSubstr("segments.risk.member_window_days"));
  config.mutable_segments()->mutable_risk()->set_member_window_days(-1);
  EXPECT_FALSE(Engine::Create(config).ok());
}

TEST(MemberRiskSnapshot, ARecordNamingAnUnknownGroupIsRefused) {
  Community c(ParseConfig(kFanGroups));
  c.Join("spam", "", "beijing");
  v1::Event e = c.Make("spam", "beijing");
  e.mutable_message()->set_message_id("m1");
  e.mutable_message()->set_text("代购");
  c.Must(e);
  v1::CommunitySnapshot snapshot = c.engine().Snapshot();
  ASSERT_EQ(snapshot.segments().member_violations_size(), 1);
  snapshot.mutable_segments()->mutable_member_violations(0)->mutable_groups(0)->set_group("paris");
  absl::StatusOr<std::unique_ptr<Engine>> restored =
      Engine::Restore(ParseConfig(kFanGroups), testing::Resealed(snapshot));
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), ::testing::HasSubstr("member_violations[0].groups[0]"));
}

}  // namespace
}  // namespace shequn
