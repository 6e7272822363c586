// Every preset in examples/presets loads, validates and behaves as its
// header comment promises.
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::Contains;

v1::CommunityConfig Preset(absl::string_view name) {
  std::ifstream in(absl::StrCat(SHEQUN_PRESETS_DIR, "/", name, ".textproto"));
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str());
}

v1::Event Say(Community& c, absl::string_view who, absl::string_view group,
              absl::string_view text) {
  static int n = 0;
  v1::Event e = c.Make(who, group);
  e.mutable_message()->set_message_id(absl::StrCat("preset-msg-", ++n));
  e.mutable_message()->set_text(std::string(text));
  return e;
}

v1::Event Contribute(Community& c, absl::string_view who, absl::string_view group,
                     absl::string_view kind, uint32_t length) {
  v1::Event e = c.Make(who, group);
  e.mutable_contribution()->set_kind(std::string(kind));
  e.mutable_contribution()->set_length(length);
  return e;
}

TEST(Presets, ChineseCommunitiesCountTheirDaysInChinaTime) {
  for (const char* name : {"paid_bootcamp", "product_fan_group", "knowledge_community",
                           "resource_circle", "funnel_trio"}) {
    EXPECT_EQ(Preset(name).time_zone(), "Asia/Shanghai") << name;
    EXPECT_TRUE(Engine::Create(Preset(name)).ok()) << name;
  }
}

TEST(Presets, PaidBootcampAdmitsPayersSeatsThemInTeamsAndRemovesAdvertisers) {
  Community camp(Preset("paid_bootcamp"));
  v1::Event pay = camp.Make("ann");
  pay.mutable_apply()->set_accepted_rules(true);
  pay.mutable_apply()->set_fee_paid_cents(19900);
  pay.mutable_apply()->set_deposit_paid_cents(5000);
  v1::Outcome admitted = camp.Must(pay);
  EXPECT_TRUE(Find(admitted, v1::ACTION_KIND_ADMIT, "ann"));
  EXPECT_TRUE(Find(admitted, v1::ACTION_KIND_ASSIGN_TEAM, "ann"));
  EXPECT_TRUE(Find(admitted, v1::ACTION_KIND_SEND_HANDBOOK, "ann"));

  v1::Event free_rider = camp.Make("bob");
  free_rider.mutable_apply()->set_accepted_rules(true);
  EXPECT_EQ(MustFind(camp.Must(free_rider), v1::ACTION_KIND_REFUSE, "bob").reason(),
            "admission.thresholds.paid");

  v1::Event check_in = camp.Make("ann", "camp");
  check_in.mutable_check_in();
  EXPECT_EQ(MustFind(camp.Must(check_in), v1::ACTION_KIND_AWARD_POINTS, "ann").amount(), 2);

  v1::Outcome ad = camp.Must(Say(camp, "ann", "camp", "专业代购 加 微 信"));
  // The advertising fine takes the whole deposit, which removes her.
  EXPECT_EQ(MustFind(ad, v1::ACTION_KIND_DEDUCT_DEPOSIT, "ann").amount_cents(), 5000);
  EXPECT_TRUE(Find(ad, v1::ACTION_KIND_REMOVE, "ann"));
  EXPECT_FALSE(Find(ad, v1::ACTION_KIND_FORFEIT_DEPOSIT, "ann"));
}

TEST(Presets, ProductFanGroupIsOpenRewardsSharesAndRemovesAdsAtOnce) {
  Community fans(Preset("product_fan_group"));
  EXPECT_TRUE(Find(fans.Join("ann"), v1::ACTION_KIND_ADMIT, "ann"));
  fans.Join("bob");
  EXPECT_EQ(MustFind(fans.Must(Contribute(fans, "ann", "fans-1", "share", 120)),
                     v1::ACTION_KIND_AWARD_POINTS, "ann").amount(), 5);
  // Too short to count: the farming hook.
  EXPECT_FALSE(Find(fans.Must(Contribute(fans, "ann", "fans-1", "share", 5)),
                    v1::ACTION_KIND_AWARD_POINTS));
  v1::Outcome poach = fans.Must(Say(fans, "bob", "fans-1", "想要内部价的加我 vx: shop8888"));
  EXPECT_TRUE(Find(poach, v1::ACTION_KIND_REMOVE, "bob"));
  v1::Event rename = fans.Make("ann");
  rename.mutable_rename()->set_nickname("垃圾产品受害者");
  EXPECT_TRUE(Find(fans.Must(rename), v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

TEST(Presets, KnowledgeCommunityApprovesPractitionersAndTracksContributors) {
  Community circle(Preset("knowledge_community"));
  v1::Event apply = circle.Make("ann");
  apply.mutable_apply()->set_accepted_rules(true);
  (*apply.mutable_apply()->mutable_attributes())["field"] = "design";
  EXPECT_TRUE(Find(circle.Must(apply), v1::ACTION_KIND_AWAIT_APPROVAL, "ann"));
  v1::Event approve = circle.Make("host");
  approve.mutable_approve()->set_member("ann");
  EXPECT_TRUE(Find(circle.Must(approve), v1::ACTION_KIND_ADMIT, "ann"));

  v1::Event cook = circle.Make("cook");
  cook.mutable_apply()->set_accepted_rules(true);
  (*cook.mutable_apply()->mutable_attributes())["field"] = "cooking";
  EXPECT_TRUE(Find(circle.Must(cook), v1::ACTION_KIND_REFUSE, "cook"));

  for (int i = 0; i < 2; ++i) circle.Must(Contribute(circle, "ann", "circle", "answer", 80));
  EXPECT_EQ(circle.engine().Balance("ann").value(), 10);
  v1::Outcome off = circle.Must(Say(circle, "ann", "circle", "帮我拼多多砍一刀"));
  EXPECT_TRUE(Find(off, v1::ACTION_KIND_HIDE_MESSAGE, "ann"));
  EXPECT_FALSE(Find(off, v1::ACTION_KIND_WARN_PRIVATELY, "ann"));  // hide only
}

TEST(Presets, ResourceCircleTakesOnlyInvitedApprovedMembersAndBansPoachers) {
  Community circle(Preset("resource_circle"));
  v1::Event stranger = circle.Make("stranger");
  stranger.mutable_apply()->set_accepted_rules(true);
  EXPECT_EQ(MustFind(circle.Must(stranger), v1::ACTION_KIND_REFUSE).reason(),
            "admission.thresholds.invitation");
  v1::Event invited = circle.Make("ann");
  invited.mutable_apply()->set_accepted_rules(true);
  invited.mutable_apply()->set_inviter("convener");
  EXPECT_TRUE(Find(circle.Must(invited), v1::ACTION_KIND_AWAIT_APPROVAL, "ann"));
  v1::Event approve = circle.Make("secretary");
  approve.mutable_approve()->set_member("ann");
  circle.Must(approve);
  v1::Outcome poach = circle.Must(Say(circle, "ann", "circle", "私聊我，加我微信 deal2026"));
  EXPECT_TRUE(Find(poach, v1::ACTION_KIND_BAN, "ann"));
  EXPECT_EQ(circle.Member("ann").status(), v1::MEMBER_STATUS_BANNED);
}

TEST(Presets, FunnelTrioLandsProspectsInAcquisitionAndFindsBuyersToPromote) {
  Community funnel(Preset("funnel_trio"));
  funnel.Join("ann");
  EXPECT_EQ(funnel.Member("ann").group(), "new");
  v1::Event buy = funnel.Make("ann", "new");
  buy.mutable_purchase()->set_order_id("o1");
  buy.mutable_purchase()->set_amount_cents(9900);
  funnel.Must(buy);
  absl::StatusOr<std::vector<std::string>> ready =
      funnel.engine().SegmentMembers("ready-for-retention", funnel.now());
  ASSERT_TRUE(ready.ok()) << ready.status();
  EXPECT_THAT(*ready, Contains("ann"));
  v1::Event promote = funnel.Make("ops");
  promote.mutable_move()->set_member("ann");
  promote.mutable_move()->set_to_group("buyers");
  funnel.Must(promote);
  EXPECT_EQ(funnel.Member("ann").group(), "buyers");
}

}  // namespace
}  // namespace shequn
