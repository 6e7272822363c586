// CompiledConfig: a platform compiles a group config once and runs many
// groups' engines from it; each group keeps its own members and history.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shequn/screening.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kDay;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;

// The reading clubs a platform runs in every city: one rulebook.
constexpr absl::string_view kCityClub = R"pb(
  id: "city-club"
  groups { id: "club" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules { word_lists { category: "advertising" words: ["加微信", "代购"] } }
  ritual { steps: [RITUAL_STEP_INTRODUCTION] intro_fields: ["称呼"] deadline_seconds: 86400 }
)pb";

v1::Event Join(absl::string_view id, int64_t t, absl::string_view who) {
  v1::Event e;
  e.set_id(std::string(id));
  e.set_time_ms(t);
  e.set_actor(std::string(who));
  e.mutable_apply()->set_accepted_rules(true);
  e.mutable_apply()->set_nickname(std::string(who));
  return e;
}

v1::Event Post(absl::string_view id, int64_t t, absl::string_view who, absl::string_view text) {
  v1::Event e;
  e.set_id(std::string(id));
  e.set_time_ms(t);
  e.set_actor(std::string(who));
  e.set_group("club");
  e.mutable_message()->set_message_id(std::string(id));
  e.mutable_message()->set_text(std::string(text));
  return e;
}

constexpr int64_t kT0 = 1772323200000;

TEST(CompiledConfig, TwoCitiesShareOneRulebookButNotTheirMembers) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> rulebook =
      CompiledConfig::Compile(ParseConfig(kCityClub));
  ASSERT_TRUE(rulebook.ok()) << rulebook.status();
  auto beijing = Engine::Create(*rulebook);
  auto shanghai = Engine::Create(*rulebook);
  ASSERT_TRUE(beijing.ok() && shanghai.ok());
  ASSERT_TRUE((*beijing)->Step(Join("b1", kT0, "lin")).ok());
  absl::StatusOr<v1::Outcome> ad = (*beijing)->Step(Post("b2", kT0 + 1000, "lin", "要资料的加微信"));
  ASSERT_TRUE(ad.ok()) << ad.status();
  MustFind(*ad, v1::ACTION_KIND_HIDE_MESSAGE, "lin");

  EXPECT_TRUE((*beijing)->Member("lin").ok());
  EXPECT_EQ((*shanghai)->Member("lin").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(&(*beijing)->config(), &(*shanghai)->config()) << "one copy of the rulebook";
  EXPECT_EQ(&(*beijing)->config(), &(*rulebook)->config());
}

TEST(CompiledConfig, AnEngineFromItRunsExactlyAsOneFromTheConfig) {
  auto shared = Engine::Create(*CompiledConfig::Compile(ParseConfig(kCityClub)));
  auto own = Engine::Create(ParseConfig(kCityClub));
  ASSERT_TRUE(shared.ok() && own.ok());
  for (Engine* e : {shared->get(), own->get()}) {
    ASSERT_TRUE(e->Step(Join("j1", kT0, "lin")).ok());
    ASSERT_TRUE(e->Step(Join("j2", kT0 + 10, "tao")).ok());
    ASSERT_TRUE(e->Step(Post("p1", kT0 + 20, "tao", "代购请私聊")).ok());
    ASSERT_TRUE(e->AdvanceTo(kT0 + 2 * kDay).ok());  // both miss the ritual deadline
  }
  EXPECT_EQ((*shared)->SnapshotBytes(), (*own)->SnapshotBytes());
}

TEST(CompiledConfig, RestoreUnderTheSharedRulebookTakesTheCommunityBack) {
  std::shared_ptr<const CompiledConfig> rulebook = *CompiledConfig::Compile(ParseConfig(kCityClub));
  auto engine = *Engine::Create(rulebook);
  ASSERT_TRUE(engine->Step(Join("j1", kT0, "lin")).ok());
  const std::string bytes = engine->SnapshotBytes();
  engine.reset();
  v1::CommunitySnapshot snapshot;
  ASSERT_TRUE(snapshot.ParseFromString(bytes));
  absl::StatusOr<std::unique_ptr<Engine>> back = Engine::Restore(rulebook, snapshot);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ((*back)->SnapshotBytes(), bytes);
}

TEST(CompiledConfig, TheEngineKeepsTheRulebookAliveAfterTheHostLetsGo) {
  std::shared_ptr<const CompiledConfig> rulebook = *CompiledConfig::Compile(ParseConfig(kCityClub));
  auto engine = *Engine::Create(rulebook);
  rulebook.reset();
  ASSERT_TRUE(engine->Step(Join("j1", kT0, "lin")).ok());
  absl::StatusOr<v1::Outcome> ad = engine->Step(Post("p1", kT0 + 1, "lin", "加微信"));
  ASSERT_TRUE(ad.ok()) << ad.status();
  MustFind(*ad, v1::ACTION_KIND_HIDE_MESSAGE, "lin");
}

TEST(CompiledConfig, ABadConfigIsRefusedNamingTheFieldAndNoEngineStartsWithoutOne) {
  v1::CommunityConfig config = ParseConfig(kCityClub);
  config.add_groups()->set_id("club");
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> refused =
      CompiledConfig::Compile(config);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("groups[1].id"));

  EXPECT_EQ(Engine::Create(std::shared_ptr<const CompiledConfig>()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Engine::Restore(std::shared_ptr<const CompiledConfig>(), v1::CommunitySnapshot())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace shequn
