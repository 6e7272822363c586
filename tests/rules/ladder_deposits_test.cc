// The ladder with a deposit: the removing strike is fined like any other
// before the rest is forfeited; a category's own ladder may count only its
// own strikes.
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
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr absl::string_view kDepositCamp = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission { deposit_cents: 100 }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    word_lists { category: "advertising" words: ["代购"] }
    deposit_deduction_cents: 30
    categories {
      category: "advertising"
      count_own_strikes: true
      ladder { warn: true }
      ladder { remove: true }
    }
  }
)pb";

class DepositLadder : public ::testing::Test {
 protected:
  DepositLadder() : c_(ParseConfig(kDepositCamp)) {
    v1::Event e = c_.Make("ann");
    e.mutable_apply()->set_deposit_paid_cents(100);
    c_.Must(e);
  }

  v1::Outcome Say(absl::string_view text) {
    v1::Event e = c_.Make("ann", "camp");
    e.mutable_message()->set_message_id(absl::StrCat("m", ++messages_));
    e.mutable_message()->set_text(std::string(text));
    return c_.Must(e);
  }

  Community c_;
  int messages_ = 0;
};

TEST_F(DepositLadder, TheRemovingStrikeIsFinedThenTheRestIsForfeited) {
  Say("idiot");
  EXPECT_EQ(c_.Member("ann").deposit_cents(), 70);
  c_.Advance(2 * kDay);  // the second strike's mute has run out
  Say("idiot");
  EXPECT_EQ(c_.Member("ann").deposit_cents(), 40);
  c_.Advance(2 * kDay);
  v1::Outcome third = Say("idiot");
  EXPECT_EQ(MustFind(third, v1::ACTION_KIND_DEDUCT_DEPOSIT, "ann").amount_cents(), 30);
  EXPECT_TRUE(Find(third, v1::ACTION_KIND_REMOVE, "ann"));
  EXPECT_EQ(MustFind(third, v1::ACTION_KIND_FORFEIT_DEPOSIT, "ann").amount_cents(), 10);

  std::vector<std::pair<v1::ActionKind, int64_t>> money;
  const std::vector<v1::AuditEntry> audit = c_.engine().Audit("ann").value();
  for (const v1::AuditEntry& entry : audit) {
    if (entry.strike_count() == 3) money.emplace_back(entry.action(), entry.amount_cents());
  }
  EXPECT_THAT(money, ElementsAre(Pair(v1::ACTION_KIND_DEDUCT_DEPOSIT, 30),
                                 Pair(v1::ACTION_KIND_REMOVE, 0),
                                 Pair(v1::ACTION_KIND_FORFEIT_DEPOSIT, 10)));
}

TEST(DepositFine, AFineThatEmptiesTheDepositRemovesOnceWithNothingToForfeit) {
  Community small(ParseConfig(kDepositCamp));
  v1::Event e = small.Make("bob");
  e.mutable_apply()->set_deposit_paid_cents(100);
  small.Must(e);
  // The advertising ladder removes at its second strike; 30 + 30 + 30 leaves 10.
  auto say = [&](absl::string_view text, int n) {
    v1::Event m = small.Make("bob", "camp");
    m.mutable_message()->set_message_id(absl::StrCat("b", n));
    m.mutable_message()->set_text(std::string(text));
    return small.Must(m);
  };
  say("idiot", 1);
  say("idiot", 2);
  small.Advance(2 * kDay);
  say("代购", 3);  // advertising strike 1 of its own: a warning and a fine
  v1::Outcome last = say("代购", 4);  // only 10 left: the fine takes it and removes
  EXPECT_EQ(MustFind(last, v1::ACTION_KIND_DEDUCT_DEPOSIT, "bob").amount_cents(), 10);
  EXPECT_EQ(std::count_if(last.actions().begin(), last.actions().end(),
                          [](const v1::Action& a) { return a.kind() == v1::ACTION_KIND_REMOVE; }),
            1);
  EXPECT_FALSE(Find(last, v1::ACTION_KIND_FORFEIT_DEPOSIT, "bob"));
  EXPECT_EQ(small.Member("bob").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST_F(DepositLadder, AnAdvertisingLadderCountsOnlyAdvertisingStrikes) {
  Say("idiot");
  c_.Advance(2 * kDay);
  Say("idiot");
  c_.Advance(2 * kDay);
  // Two abuse strikes live, but this is the first advertising one: a warning.
  v1::Outcome ad = Say("代购");
  const v1::Action warn = MustFind(ad, v1::ACTION_KIND_WARN_PRIVATELY, "ann");
  EXPECT_EQ(warn.rule(), "rules.categories[0].ladder[0]");
  EXPECT_EQ(warn.strike_count(), 1u);
  EXPECT_FALSE(Find(ad, v1::ACTION_KIND_REMOVE, "ann"));
  EXPECT_EQ(c_.Member("ann").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST_F(DepositLadder, TheSecondAdvertisingStrikeRemovesWhateverTheAbuseCount) {
  Say("代购");
  v1::Outcome second = Say("代购");
  const v1::Action removal = MustFind(second, v1::ACTION_KIND_REMOVE, "ann");
  EXPECT_EQ(removal.rule(), "rules.categories[0].ladder[1]");
  EXPECT_EQ(removal.strike_count(), 2u);
}

constexpr absl::string_view kFreeOffTopic = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission { deposit_cents: 100 }
  rules {
    word_lists { category: "off_topic" words: ["砍一刀"] }
    deposit_deduction_cents: 30
    categories { category: "off_topic" deposit_deduction_cents: 0 ladder { warn: true } }
  }
)pb";

TEST(CategoryDeduction, AZeroDeductionForACategoryTakesNothing) {
  Community c(ParseConfig(kFreeOffTopic));
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_deposit_paid_cents(100);
  c.Must(join);
  v1::Event e = c.Make("ann", "camp");
  e.mutable_message()->set_message_id("m1");
  e.mutable_message()->set_text("帮我砍一刀");
  v1::Outcome out = c.Must(e);
  EXPECT_TRUE(Find(out, v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
  EXPECT_FALSE(Find(out, v1::ACTION_KIND_DEDUCT_DEPOSIT, "ann"));
  EXPECT_EQ(c.Member("ann").deposit_cents(), 100);
}

}  // namespace
}  // namespace shequn
