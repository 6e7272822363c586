// Text configs are read with their nesting bounded (shequn/text_format.h):
// a hostile config nested 10,000 deep is refused with a message naming the
// field, where protobuf's own text parser recursed until the stack ran out.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shequn/text_format.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::testing::HasSubstr;

// A community with one segment whose predicate is `depth` nots around a tag.
std::string NestedConfig(int depth) {
  std::string text =
      "id: \"deep\"\n"
      "groups { id: \"g\" stage: FUNNEL_STAGE_RETENTION }\n"
      "roles { staff { member_id: \"owner\" role: ROLE_OWNER } }\n"
      "segments { segments { name: \"deep\" predicate { ";
  for (int i = 0; i < depth; ++i) text += "not { ";
  text += "tag: \"vip\" ";
  for (int i = 0; i < depth + 3; ++i) text += "} ";
  return text;
}

TEST(TextFormat, AConfigNestedTenThousandDeepIsRefusedNamingTheField) {
  v1::CommunityConfig config;
  config.set_id("kept");
  const absl::Status s = ParseTextFormat(NestedConfig(10'000), &config);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("CommunityConfig: line 4 column "));
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("field 'not' nests deeper than ",
                                                  limits::kMaxNesting, " levels")));
  EXPECT_EQ(config.id(), "kept");  // a refused text changes nothing
}

TEST(TextFormat, NestingUpToTheLimitParsesAndThePredicateDepthIsTheEnginesToRefuse) {
  // Segments, the segment and its predicate are three nested messages.
  v1::CommunityConfig within;
  const absl::Status parsed = ParseTextFormat(NestedConfig(limits::kMaxNesting - 3), &within);
  ASSERT_TRUE(parsed.ok()) << parsed;
  const absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(within);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(),
              HasSubstr(absl::StrCat("nested deeper than ", limits::kMaxPredicateDepth)));

  v1::CommunityConfig past;
  EXPECT_THAT(ParseTextFormat(NestedConfig(limits::kMaxNesting - 2), &past).message(),
              HasSubstr("nests deeper than"));

  v1::CommunityConfig shallow;
  ASSERT_TRUE(ParseTextFormat(NestedConfig(3), &shallow).ok());
  EXPECT_TRUE(Engine::Create(shallow).ok());
}

TEST(TextFormat, ASyntaxErrorNamesTheLineAndColumn) {
  v1::CommunityConfig config;
  const absl::Status s = ParseTextFormat("id: \"x\"\ngroups { id: }\n", &config);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("CommunityConfig: line 2 column 14: "));
}

TEST(TextFormat, TheTextReplacesTheMessageRatherThanMergingIntoIt) {
  v1::CommunityConfig config;
  config.set_time_zone("Asia/Shanghai");
  ASSERT_TRUE(ParseTextFormat("id: \"new\"", &config).ok());
  EXPECT_EQ(config.id(), "new");
  EXPECT_EQ(config.time_zone(), "");
}

}  // namespace
}  // namespace shequn
