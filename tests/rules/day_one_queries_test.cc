// What an operator asks the morning after: why was this applicant refused,
// how many strikes will she have next week, and how much the audit log
// keeps.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shequn/limits.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::SizeIs;

constexpr absl::string_view kNicknames = R"pb(
  id: "g"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    word_lists { category: "advertising" words: ["加微信"] }
    screen_nicknames: true
  }
)pb";

TEST(ApplicantNicknames, AnApplicantNamedLikeAnAdvertIsRefused) {
  Community c(ParseConfig(kNicknames));
  v1::Outcome out = c.Join("spammer", "加微信 abc12345");
  EXPECT_FALSE(Find(out, v1::ACTION_KIND_ADMIT, "spammer"));
  const v1::Action refuse = MustFind(out, v1::ACTION_KIND_REFUSE, "spammer");
  EXPECT_EQ(refuse.reason(), "rules.screen_nicknames");
  EXPECT_EQ(refuse.category(), "advertising");
  EXPECT_EQ(c.Member("spammer").status(), v1::MEMBER_STATUS_REFUSED);
}

TEST(ApplicantNicknames, AnApplicantWithAnOrdinaryNameIsAdmitted) {
  Community c(ParseConfig(kNicknames));
  EXPECT_TRUE(Find(c.Join("ann", "Ann | 上海"), v1::ACTION_KIND_ADMIT, "ann"));
}

TEST(ApplicantNicknames, WithoutNicknameScreeningTheApplicantIsAdmitted) {
  v1::CommunityConfig config = ParseConfig(kNicknames);
  config.mutable_rules()->set_screen_nicknames(false);
  Community c(config);
  EXPECT_TRUE(Find(c.Join("spammer", "加微信 abc12345"), v1::ACTION_KIND_ADMIT, "spammer"));
}

TEST(ApplicantNicknames, ARefusedApplicantMayApplyAgainWithAnotherName) {
  Community c(ParseConfig(kNicknames));
  c.Join("bob", "idiot bob");
  EXPECT_TRUE(Find(c.Join("bob", "Bob"), v1::ACTION_KIND_ADMIT, "bob"));
}

constexpr absl::string_view kGroup = R"pb(
  id: "g"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules {
    word_lists { category: "abuse" words: ["idiot", "傻逼"] }
    strike_expiry_seconds: 864000  # 10 days
    audit_retention_seconds: 2592000  # 30 days
  }
)pb";

v1::Outcome Post(Community& c, absl::string_view who, absl::string_view text) {
  static int n = 0;
  v1::Event e = c.Make(who, "g");
  e.mutable_message()->set_message_id(absl::StrCat("q", ++n));
  e.mutable_message()->set_text(std::string(text));
  return c.Must(e);
}

TEST(LiveStrikesAsOf, AStrikeLapsesOnTheDayItsExpiryComes) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  Post(c, "ann", "idiot");
  EXPECT_EQ(c.engine().LiveStrikes("ann").value(), 1u);
  EXPECT_EQ(c.engine().LiveStrikes("ann", c.now() + 9 * kDay).value(), 1u);
  EXPECT_EQ(c.engine().LiveStrikes("ann", c.now() + 11 * kDay).value(), 0u);
  // Before the last event reads as the last event.
  EXPECT_EQ(c.engine().LiveStrikes("ann", 0).value(), 1u);
  EXPECT_EQ(c.engine().LiveStrikes("ghost", c.now()).status().code(), absl::StatusCode::kNotFound);
}

TEST(AuditRetention, EntriesOlderThanTheRetentionAreGone) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  c.Join("bob");
  Post(c, "ann", "idiot");
  EXPECT_THAT(c.engine().Audit("ann").value(), SizeIs(1));
  c.Advance(31 * kDay);
  Post(c, "bob", "hello");
  EXPECT_THAT(c.engine().Audit("ann").value(), SizeIs(0));
  // Dropped from the snapshot too, once an entry is added after them.
  Post(c, "bob", "idiot");
  EXPECT_EQ(c.engine().Snapshot().rules().audit_size(), 1);
}

TEST(AuditRetention, ANegativeRetentionIsRefused) {
  v1::CommunityConfig config = ParseConfig(kGroup);
  config.mutable_rules()->set_audit_retention_seconds(-1);
  EXPECT_THAT(Engine::Create(config).status().message(),
              ::testing::HasSubstr("rules.audit_retention_seconds"));
}

TEST(AuditSize, AMegabyteOfInsultsKeepsAKilobyteInTheLog) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  std::string text;
  while (text.size() + 16 < limits::kMaxMessageBytes) text += "idiot 傻逼 ";
  Post(c, "ann", text);
  const std::vector<v1::AuditEntry> log = c.engine().Audit("ann").value();
  ASSERT_FALSE(log.empty());
  for (const v1::AuditEntry& entry : log) {
    EXPECT_LE(entry.matched().size(), limits::kMaxAuditTextBytes);
    EXPECT_LE(entry.spans_size(), limits::kMaxAuditSpans);
  }
  EXPECT_GT(log.front().matched().size(), 0u);
  EXPECT_LT(c.engine().Snapshot().rules().ByteSizeLong(), 16u * 1024);
}

}  // namespace
}  // namespace shequn
