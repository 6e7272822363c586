// Whatever happens in the group, nothing removes, bans or mutes the owner:
// not the ladder, not a deposit running out, not another operator.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::AllPartsMakers;
using ::shequn::testing::ChatText;
using ::shequn::testing::kAllPartsCommunity;
using ::shequn::testing::ParseConfig;
using ::shequn::testing::RandomStream;
using ::shequn::testing::StreamContext;
using ::shequn::testing::WeightedMaker;

// AllPartsMakers() with the owner often posting, insulting, advertising and
// flooding, and operators often trying to remove, ban and mute the owner.
std::vector<WeightedMaker> OwnerUnderFire() {
  std::vector<WeightedMaker> makers = AllPartsMakers();
  makers.push_back({"owner_posts", 30, [](StreamContext& c, v1::Event& e) {
                      e.set_actor("owner");
                      e.set_group(c.OneIn(4) ? c.Group() : "core");
                      v1::Message* m = e.mutable_message();
                      m->set_message_id(c.NewMessageId("owner"));
                      m->set_text(c.OneIn(3) ? c.OneOf({"傻逼", "代购 加微信 abc12345",
                                                        "https://shop.example.cn/x 13800138000",
                                                        "刷屏刷屏刷屏"})
                                             : ChatText(c));
                      if (c.OneIn(5)) m->set_size_bytes(30'000'000);
                    }});
  makers.push_back({"against_owner", 6, [](StreamContext& c, v1::Event& e) {
                      e.set_actor(c.Staff());
                      switch (c.Pick(3)) {
                        case 0: e.mutable_remove()->set_member("owner"); break;
                        case 1: e.mutable_ban()->set_member("owner"); break;
                        default:
                          e.mutable_sanction()->set_member("owner");
                          e.mutable_sanction()->set_kind(v1::SANCTION_KIND_MUTE);
                          e.mutable_sanction()->set_duration_seconds(3600);
                          e.mutable_sanction()->set_strike(true);
                      }
                    }});
  return makers;
}

bool HitsOwner(const v1::Outcome& out, std::string* what) {
  for (const v1::Action& a : out.actions()) {
    const bool exits = a.kind() == v1::ACTION_KIND_REMOVE || a.kind() == v1::ACTION_KIND_BAN ||
                       a.kind() == v1::ACTION_KIND_MUTE;
    if (exits && a.member() == "owner") {
      *what = a.ShortDebugString();
      return true;
    }
  }
  return false;
}

class OwnerProtection : public ::testing::TestWithParam<bool> {};

TEST_P(OwnerProtection, NoActionEverRemovesBansOrMutesTheOwner) {
  v1::CommunityConfig config = ParseConfig(kAllPartsCommunity);
  // Unexempted, the owner's messages reach every rung of every ladder.
  if (GetParam()) config.mutable_rules()->mutable_exempt();
  int owner_strikes = 0;
  for (uint32_t seed : {11u, 12u, 13u}) {
    auto created = Engine::Create(config);
    ASSERT_TRUE(created.ok()) << created.status();
    Engine& engine = **created;
    for (const v1::Event& e : RandomStream(seed, 1500, OwnerUnderFire(), {.members = 20})) {
      std::string what;
      absl::StatusOr<v1::Outcome> timers = engine.AdvanceTo(e.time_ms());
      if (timers.ok()) ASSERT_FALSE(HitsOwner(*timers, &what)) << what;
      absl::StatusOr<v1::Outcome> out = engine.Apply(e);
      if (out.ok()) ASSERT_FALSE(HitsOwner(*out, &what)) << what << " after " << e.ShortDebugString();
    }
    ASSERT_EQ(engine.Member("owner")->status(), v1::MEMBER_STATUS_ACTIVE);
    owner_strikes += static_cast<int>(engine.LiveStrikes("owner", engine.last_time_ms()).value());
    const std::vector<v1::AuditEntry> audit = engine.Audit("owner").value();
    for (const v1::AuditEntry& entry : audit) {
      owner_strikes += entry.strike_count() > 0;
    }
  }
  // The stream did reach the owner when nobody is exempt.
  if (GetParam()) EXPECT_GT(owner_strikes, 0);
}

INSTANTIATE_TEST_SUITE_P(Exemptions, OwnerProtection, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "NobodyExempt" : "DefaultStaffExempt";
                         });

}  // namespace
}  // namespace shequn
