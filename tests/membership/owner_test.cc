// The owner is never removed by anything membership does (issue #21): not a
// deposit running out, not the ritual, not the purge, not another part's
// removal carried out.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;

// Deposits deducted per violation, advertisers removed at once, a ritual
// with a deadline and a purge after a week.
constexpr absl::string_view kStrictCamp = R"pb(
  id: "strict"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION purge { warn_after_days: 7 } }
  roles {
    staff { member_id: "coach" role: ROLE_OWNER }
    staff { member_id: "ta" role: ROLE_ADMIN }
  }
  admission { deposit_cents: 2000 }
  ritual {
    steps: [RITUAL_STEP_INTRODUCTION]
    intro_fields: ["爱好"]
    deadline_seconds: 3600
    grace_seconds: 3600
  }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    word_lists { category: "advertising" words: ["加微信"] }
    categories { category: "advertising" ladder { remove: true } }
    ladder { warn: true }
    deposit_deduction_cents: 2000
  }
)pb";

v1::Outcome Say(Community& c, absl::string_view who, absl::string_view text) {
  static int n = 0;
  v1::Event e = c.Make(who, "camp");
  e.mutable_message()->set_message_id(absl::StrCat("owner-msg-", ++n));
  e.mutable_message()->set_text(std::string(text));
  return c.Must(e);
}

TEST(Owner, ADeductionFromAnEmptyDepositRemovesNeitherTheOwnerNorStaff) {
  Community c(ParseConfig(kStrictCamp));
  Say(c, "coach", "you idiot");
  Say(c, "ta", "you idiot");
  EXPECT_EQ(c.Member("coach").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(c.Member("ta").status(), v1::MEMBER_STATUS_ACTIVE);

  // A member's deposit still runs out and removes them.
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_deposit_paid_cents(2000);
  c.Must(join);
  EXPECT_EQ(MustFind(Say(c, "ann", "you idiot"), v1::ACTION_KIND_REMOVE, "ann").reason(),
            "deposit.exhausted");
}

TEST(Owner, ARemovalAnotherPartDecidesLeavesTheOwnerOnTheRoster) {
  Community c(ParseConfig(kStrictCamp));
  Say(c, "coach", "加微信 coach123");
  EXPECT_EQ(c.Member("coach").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(c.Member("coach").group(), "camp");
}

TEST(Owner, NeitherTheRitualNorThePurgeEverReachesTheOwner) {
  Community c(ParseConfig(kStrictCamp));
  EXPECT_TRUE(c.Member("coach").ritual().complete());
  Say(c, "coach", "大家好");  // starts the owner's clock, were the owner purged
  const v1::Outcome quarter = c.Advance(90 * kDay);
  EXPECT_FALSE(Find(quarter, v1::ACTION_KIND_REMIND, "coach"));
  EXPECT_FALSE(Find(quarter, v1::ACTION_KIND_WARN_PRIVATELY, "coach"));
  EXPECT_FALSE(Find(quarter, v1::ACTION_KIND_REMOVE, "coach"));
  EXPECT_EQ(c.Member("coach").status(), v1::MEMBER_STATUS_ACTIVE);
}

}  // namespace
}  // namespace shequn
