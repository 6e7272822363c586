// Day one of a bot host: staff are not screened, anyone may post the
// community's own accounts, and the owner is never removed, banned or
// muted by the rules. (The bootcamp's course link: tests/presets.)
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::string_view kFanGroup = R"pb(
  id: "fans"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
    staff { member_id: "kol" role: ROLE_KOL }
  }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    categories { category: "poaching" ladder { remove: true } }
    allowed_account_ids: ["brand_cs01", "+86 138-0013-8000", "12345678", "Help@Brand.com"]
  }
)pb";

class FanGroup : public ::testing::Test {
 protected:
  explicit FanGroup(absl::string_view config = kFanGroup) : c_(ParseConfig(config)) {
    c_.Join("ann");
  }

  v1::Outcome Say(absl::string_view who, absl::string_view text) {
    v1::Event e = c_.Make(who, "g");
    e.mutable_message()->set_message_id(absl::StrCat("m", ++messages_));
    e.mutable_message()->set_text(std::string(text));
    return c_.Must(e);
  }

  Community c_;
  int messages_ = 0;
};

TEST_F(FanGroup, AMemberPassesOnTheBrandsCustomerServiceWeChat) {
  EXPECT_THAT(Kinds(Say("ann", "有问题加微信 brand_cs01 找客服")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "客服电话 138 0013 8000")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "官方QQ: 12345678")), IsEmpty());
}

TEST_F(FanGroup, AMemberPassesOnTheBrandsSupportAddressHoweverItIsSpelt) {
  EXPECT_THAT(Kinds(Say("ann", "write to help@brand.com")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "客服邮箱 HELP＠BRAND。COM")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "help at brand dot com")), IsEmpty());
  EXPECT_THAT(Kinds(Say("ann", "help [at] brand [dot] com")), IsEmpty());
}

TEST_F(FanGroup, AMemberPostingTheirOwnEmailIsRemoved) {
  v1::Outcome out = Say("ann", "私下交易 mail me: ann2026 at qq dot com");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_REMOVE, "ann").category(), "poaching");
}

TEST_F(FanGroup, AMemberPostingTheirOwnWeChatIsRemoved) {
  v1::Outcome out = Say("ann", "想要内部价加微信 shop8888");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_REMOVE, "ann").category(), "poaching");
}

TEST_F(FanGroup, AnAccountThatOnlyEndsLikeAnAllowedOneIsNotAllowed) {
  EXPECT_TRUE(Find(Say("ann", "加微信 xbrand_cs01"), v1::ACTION_KIND_REMOVE, "ann"));
}

TEST_F(FanGroup, AKolIsNotStaffByDefaultAndIsScreened) {
  EXPECT_TRUE(Find(Say("kol", "you idiot"), v1::ACTION_KIND_WARN_PRIVATELY, "kol"));
}

constexpr absl::string_view kStaffScreenedForAbuse = R"pb(
  id: "fans"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
    staff { member_id: "kol" role: ROLE_KOL }
  }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    exempt { roles: [ROLE_OWNER, ROLE_ADMIN, ROLE_KOL] }
    categories { category: "abuse" exempt {} ladder { warn: true } ladder { remove: true } }
  }
)pb";

class StaffScreenedForAbuse : public FanGroup {
 protected:
  StaffScreenedForAbuse() : FanGroup(kStaffScreenedForAbuse) {}
};

TEST_F(StaffScreenedForAbuse, AnAdminWhoInsultsIsWarnedThenRemoved) {
  EXPECT_TRUE(Find(Say("admin", "idiot"), v1::ACTION_KIND_WARN_PRIVATELY, "admin"));
  EXPECT_TRUE(Find(Say("admin", "idiot"), v1::ACTION_KIND_REMOVE, "admin"));
}

TEST_F(StaffScreenedForAbuse, TheCommunitysExemptionStillCoversLinks) {
  EXPECT_THAT(Kinds(Say("kol", "我的文章 https://blog.example.org/post")), IsEmpty());
  EXPECT_TRUE(Find(Say("ann", "我的店 https://blog.example.org/post"),
                   v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

TEST_F(StaffScreenedForAbuse, TheOwnerWhoInsultsIsWarnedButNeverRemoved) {
  for (int i = 0; i < 4; ++i) {
    v1::Outcome out = Say("owner", "idiot");
    EXPECT_TRUE(Find(out, v1::ACTION_KIND_HIDE_MESSAGE, "owner"));
    EXPECT_TRUE(Find(out, v1::ACTION_KIND_WARN_PRIVATELY, "owner"));
    EXPECT_FALSE(Find(out, v1::ACTION_KIND_REMOVE, "owner"));
    EXPECT_FALSE(Find(out, v1::ACTION_KIND_BAN, "owner"));
    EXPECT_FALSE(Find(out, v1::ACTION_KIND_MUTE, "owner"));
  }
  EXPECT_EQ(c_.Member("owner").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(StaffConfig, AnExemptionNamingNoRealRoleIsRefused) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_rules()->mutable_exempt()->add_roles(v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.exempt.roles[0]"));
  config = ParseConfig(kFanGroup);
  config.mutable_rules()->mutable_categories(0)->mutable_exempt()->add_roles(static_cast<v1::Role>(99));
  EXPECT_THAT(Engine::Create(config).status().message(),
              HasSubstr("rules.categories[0].exempt.roles[0]: unknown role"));
}

TEST(StaffConfig, AnAllowedDomainWithASchemeIsRefused) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_rules()->add_allowed_domains("https://course.example.com/");
  absl::Status s = Engine::Create(config).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("rules.allowed_domains[0]: 'https://course.example.com/' is "
                                     "not a domain"));
  config = ParseConfig(kFanGroup);
  config.mutable_rules()->add_allowed_domains("Example.COM");
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.allowed_domains[0]"));
}

TEST(StaffConfig, AnEmptyAllowedAccountIsRefused) {
  v1::CommunityConfig config = ParseConfig(kFanGroup);
  config.mutable_rules()->add_allowed_account_ids("  ");
  EXPECT_THAT(Engine::Create(config).status().message(),
              HasSubstr("rules.allowed_account_ids[4]"));
}

}  // namespace
}  // namespace shequn
