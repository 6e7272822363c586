// Closed sets are enums and open sets are checked against the config: a
// misspelt category is refused with a suggestion instead of silently doing
// nothing.
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

constexpr absl::string_view kGroup = R"pb(
  id: "g"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    word_lists { category: "spoilers" words: ["结局是"] }
  }
)pb";

std::string CreateError(const v1::CommunityConfig& config) {
  return std::string(Engine::Create(config).status().message());
}

TEST(CategoryNames, AMisspeltCategoryRuleIsRefusedWithASuggestion) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_categories()->set_category("advertisment");
  EXPECT_EQ(CreateError(config),
            "rules.categories[0].category: unknown category 'advertisment' (did you mean "
            "'advertising'?)");
}

TEST(CategoryNames, FloodInsteadOfFloodingIsRefused) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_categories()->set_category("flood");
  EXPECT_THAT(CreateError(config), HasSubstr("(did you mean 'flooding'?)"));
}

TEST(CategoryNames, AWordListsOwnCategoryIsKnown) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_categories()->set_category("spoilers");
  config.mutable_rules()->add_dispute_categories("spoilers");
  EXPECT_TRUE(Engine::Create(config).ok());
  config.mutable_rules()->add_categories()->set_category("spoiler");
  EXPECT_THAT(CreateError(config), HasSubstr("(did you mean 'spoilers'?)"));
}

TEST(CategoryNames, EveryPlaceThatNamesACategoryIsChecked) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->set_link_category("ads");
  EXPECT_THAT(CreateError(config), HasSubstr("rules.link_category: unknown category 'ads'"));
  config = ParseConfig(kGroup);
  config.mutable_rules()->set_contact_category("poching");
  EXPECT_THAT(CreateError(config),
              HasSubstr("rules.contact_category: unknown category 'poching' (did you mean "
                        "'poaching'?)"));
  config = ParseConfig(kGroup);
  config.mutable_rules()->add_dispute_categories("abuse");
  config.mutable_rules()->add_dispute_categories("abus");
  EXPECT_THAT(CreateError(config), HasSubstr("rules.dispute_categories[1]"));
}

TEST(CategoryNames, AnUnrelatedNameListsTheKnownOnes) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_categories()->set_category("zzzzzzzzzzzz");
  EXPECT_THAT(CreateError(config), HasSubstr("(known: abuse, "));
}

TEST(CategoryNames, ASanctionByHandWithAMisspeltCategoryIsRefused) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  v1::Event e = c.Make("admin");
  e.mutable_sanction()->set_member("ann");
  e.mutable_sanction()->set_kind(v1::SANCTION_KIND_WARN);
  e.mutable_sanction()->set_category("spoilrs");
  c.ExpectRejected(e, absl::StatusCode::kInvalidArgument,
                   "sanction.category: unknown category 'spoilrs' (did you mean 'spoilers'?)");
  e.mutable_sanction()->set_category("spoilers");
  EXPECT_EQ(MustFind(c.Must(e), v1::ACTION_KIND_WARN_PRIVATELY, "ann").category(), "spoilers");
}

v1::Outcome Post(Community& c, absl::string_view text) {
  static int n = 0;
  v1::Event e = c.Make("ann", "g");
  e.mutable_message()->set_message_id(absl::StrCat("m", ++n));
  e.mutable_message()->set_text(std::string(text));
  return c.Must(e);
}

TEST(Detectors, AGroupThatOnlyWatchesLinksLetsPhoneNumbersThrough) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_detector_kinds(v1::DETECTOR_URL);
  Community c(config);
  c.Join("ann");
  EXPECT_THAT(Kinds(Post(c, "我的电话 13800138000")), IsEmpty());
  EXPECT_TRUE(Find(Post(c, "https://shop.example.cn/buy"), v1::ACTION_KIND_HIDE_MESSAGE, "ann"));
}

TEST(Detectors, NoneTurnsEveryDetectorOff) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_detector_kinds(v1::DETECTOR_NONE);
  Community c(config);
  c.Join("ann");
  EXPECT_THAT(Kinds(Post(c, "https://shop.example.cn/buy 13800138000")), IsEmpty());
}

TEST(Detectors, TheOldNamesStillWorkForOneVersion) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_detectors("phone");
  Community c(config);
  c.Join("ann");
  EXPECT_THAT(Kinds(Post(c, "https://shop.example.cn/buy")), IsEmpty());
  EXPECT_TRUE(Find(Post(c, "13800138000"), v1::ACTION_KIND_HIDE_MESSAGE, "ann"));
}

TEST(Detectors, NoneAmongOthersOrAnUnknownDetectorIsRefused) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->add_detector_kinds(v1::DETECTOR_URL);
  config.mutable_rules()->add_detector_kinds(v1::DETECTOR_NONE);
  EXPECT_THAT(CreateError(config),
              HasSubstr("rules.detector_kinds[1]: DETECTOR_NONE must be the only entry"));
  config = ParseConfig(kGroup);
  config.mutable_rules()->add_detector_kinds(v1::DETECTOR_UNSPECIFIED);
  EXPECT_THAT(CreateError(config), HasSubstr("rules.detector_kinds[0]: unknown detector"));
}

}  // namespace
}  // namespace shequn
