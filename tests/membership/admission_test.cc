// Admission (D-3): thresholds, quota, overflow, blacklist, deposits, numbers.
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAlone;
using ::shequn::testing::kOwnerAndAdmin;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;

constexpr absl::string_view kBootcamp = R"pb(
  id: "writing-camp"
  positioning { kind: COMMUNITY_KIND_LEARNING why: "sell the course" fee_cents: 19900 }
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION capacity: 20 }
  roles { staff { member_id: "coach" role: ROLE_OWNER } staff { member_id: "ta" role: ROLE_ADMIN } }
  admission {
    thresholds: [THRESHOLD_INVITATION, THRESHOLD_PAID]
    require_rules_acceptance: true
    fee_cents: 19900
    deposit_cents: 5000
    overflow: OVERFLOW_POLICY_WAITLIST
  }
)pb";

v1::Event PaidApplication(Community& c, absl::string_view who, absl::string_view inviter) {
  v1::Event e = c.Make(who);
  v1::Application* a = e.mutable_apply();
  a->set_accepted_rules(true);
  a->set_inviter(std::string(inviter));
  a->set_fee_paid_cents(19900);
  a->set_deposit_paid_cents(5000);
  a->set_channel("referral");
  return e;
}

TEST(PaidBootcamp, InvitedPayingApplicantsFillTwentySeatsThenWait) {
  Community camp(ParseConfig(kBootcamp));
  // Two staff seats are taken already; 18 students fill the camp.
  for (int i = 1; i <= 18; ++i) {
    v1::Outcome out = camp.Must(PaidApplication(camp, absl::StrCat("s", i), "coach"));
    EXPECT_THAT(testing::Kinds(out),
                ElementsAre(v1::ACTION_KIND_ADMIT, v1::ACTION_KIND_TAKE_DEPOSIT,
                            v1::ACTION_KIND_RECORD_REFERRAL));
    EXPECT_EQ(MustFind(out, v1::ACTION_KIND_TAKE_DEPOSIT).amount_cents(), 5000);
  }
  v1::Outcome late = camp.Must(PaidApplication(camp, "s19", "s1"));
  ASSERT_TRUE(Find(late, v1::ACTION_KIND_WAITLIST, "s19"));
  EXPECT_EQ(MustFind(late, v1::ACTION_KIND_WAITLIST).amount(), 1);
  EXPECT_EQ(camp.Member("s19").status(), v1::MEMBER_STATUS_WAITLISTED);
  EXPECT_EQ(camp.Member("coach").referrals(), 18);

  // s3 quits midway: the deposit is forfeited and s19 takes the seat.
  v1::Event quit = camp.Make("s3");
  quit.mutable_leave();
  v1::Outcome out = camp.Must(quit);
  ASSERT_TRUE(Find(out, v1::ACTION_KIND_FORFEIT_DEPOSIT, "s3"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_FORFEIT_DEPOSIT, "s3").amount_cents(), 5000);
  ASSERT_TRUE(Find(out, v1::ACTION_KIND_ADMIT, "s19"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_ADMIT, "s19").rule(), "admission.waitlist");
  EXPECT_EQ(camp.Member("s19").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(camp.Member("s1").referrals(), 1);
}

TEST(PaidBootcamp, RefusesWithoutFeeInvitationOrRules) {
  Community camp(ParseConfig(kBootcamp));
  v1::Event unpaid = PaidApplication(camp, "cheap", "coach");
  unpaid.mutable_apply()->set_fee_paid_cents(100);
  EXPECT_EQ(MustFind(camp.Must(unpaid), v1::ACTION_KIND_REFUSE).reason(),
            "admission.thresholds.paid");

  v1::Event uninvited = PaidApplication(camp, "stranger", "");
  EXPECT_EQ(MustFind(camp.Must(uninvited), v1::ACTION_KIND_REFUSE).reason(),
            "admission.thresholds.invitation");

  v1::Event no_rules = PaidApplication(camp, "rebel", "coach");
  no_rules.mutable_apply()->set_accepted_rules(false);
  EXPECT_EQ(MustFind(camp.Must(no_rules), v1::ACTION_KIND_REFUSE).reason(),
            "admission.require_rules_acceptance");

  v1::Event no_deposit = PaidApplication(camp, "thrifty", "coach");
  no_deposit.mutable_apply()->set_deposit_paid_cents(0);
  EXPECT_EQ(MustFind(camp.Must(no_deposit), v1::ACTION_KIND_REFUSE).reason(),
            "admission.deposit_cents");
  EXPECT_EQ(camp.Member("thrifty").status(), v1::MEMBER_STATUS_REFUSED);
  EXPECT_EQ(camp.Member("thrifty").deposit_cents(), 0);
}

TEST(PaidBootcamp, GraduationRefundsTheDepositAndEndRefundsTheRest) {
  Community camp(ParseConfig(kBootcamp));
  camp.Must(PaidApplication(camp, "ann", "coach"));
  camp.Must(PaidApplication(camp, "bob", "coach"));
  v1::Event grad = camp.Make("coach");
  grad.mutable_graduate()->set_member("ann");
  v1::Outcome out = camp.Must(grad);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_REFUND_DEPOSIT, "ann").amount_cents(), 5000);
  EXPECT_EQ(camp.Member("ann").status(), v1::MEMBER_STATUS_GRADUATED);

  v1::Event end = camp.Make("coach");
  end.mutable_end_community();
  v1::Outcome ended = camp.Must(end);
  EXPECT_EQ(Count(ended, v1::ACTION_KIND_REFUND_DEPOSIT), 1);
  EXPECT_EQ(MustFind(ended, v1::ACTION_KIND_REFUND_DEPOSIT, "bob").amount_cents(), 5000);
  EXPECT_FALSE(camp.Apply(PaidApplication(camp, "late", "coach")).ok());
}

TEST(RegionalGroup, RefusesNonLocalsAndAdmitsLocals) {
  Community city(MergedConfig({kOwnerAlone, R"pb(
    id: "hangzhou-parents"
    groups { id: "hz" stage: FUNNEL_STAGE_ACQUISITION }
    admission {
      thresholds: THRESHOLD_OPEN
      prescreen { attribute: "city" allowed_values: ["杭州", "Hangzhou"] }
    }
  )pb"}));
  v1::Event local = city.Make("mei");
  (*local.mutable_apply()->mutable_attributes())["city"] = "杭州";
  EXPECT_TRUE(Find(city.Must(local), v1::ACTION_KIND_ADMIT, "mei"));

  v1::Event visitor = city.Make("lei");
  (*visitor.mutable_apply()->mutable_attributes())["city"] = "上海";
  std::optional<v1::Action> refused = Find(city.Must(visitor), v1::ACTION_KIND_REFUSE, "lei");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason(), "admission.prescreen[0]");
  EXPECT_THAT(refused->text(), ::testing::HasSubstr("city"));

  v1::Event silent = city.Make("anon");
  silent.mutable_apply();
  EXPECT_TRUE(Find(city.Must(silent), v1::ACTION_KIND_REFUSE, "anon"));
}

TEST(Overflow, FiveHundredAndOneOpensASecondGroupOfTheSameStage) {
  Community big(ParseConfig(R"pb(
    id: "fans"
    groups { id: "fans-1" stage: FUNNEL_STAGE_ACQUISITION capacity: 500 }
    groups { id: "vip" stage: FUNNEL_STAGE_RETENTION capacity: 500 }
    roles { staff { member_id: "owner" role: ROLE_OWNER group_id: "vip" } }
    admission { overflow: OVERFLOW_POLICY_OPEN_GROUP }
  )pb"));
  for (int i = 0; i < 500; ++i) big.Join(absl::StrCat("fan", i));
  EXPECT_EQ(big.Member("fan499").group(), "fans-1");
  v1::Outcome out = big.Join("fan500");
  std::optional<v1::Action> open = Find(out, v1::ACTION_KIND_OPEN_GROUP);
  ASSERT_TRUE(open);
  EXPECT_EQ(open->target_group(), "fans-1-2");
  EXPECT_EQ(open->amount(), 500);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_ADMIT, "fan500").group(), "fans-1-2");
  // The next newcomer fills the new group; no third group yet.
  v1::Outcome next = big.Join("fan501");
  EXPECT_FALSE(Find(next, v1::ACTION_KIND_OPEN_GROUP));
  EXPECT_EQ(big.Member("fan501").group(), "fans-1-2");
  v1::MembershipState state = big.engine().Snapshot().membership();
  ASSERT_EQ(state.groups_size(), 3);
  EXPECT_EQ(state.groups(2).stage(), v1::FUNNEL_STAGE_ACQUISITION);
  EXPECT_EQ(state.groups(2).opened_from(), "fans-1");
}

TEST(Quota, RefusePolicyTurnsAwayTheThirdApplicant) {
  Community small(ParseConfig(R"pb(
    id: "salon"
    groups { id: "g" stage: FUNNEL_STAGE_RETENTION capacity: 3 }
    roles { staff { member_id: "host" role: ROLE_OWNER } }
    admission { overflow: OVERFLOW_POLICY_REFUSE }
  )pb"));
  small.Join("a");
  small.Join("b");
  std::optional<v1::Action> refused = Find(small.Join("c"), v1::ACTION_KIND_REFUSE, "c");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason(), "admission.quota");
}

TEST(Blacklist, ABannedMemberCannotComeBackButALeaverCan) {
  Community c(MergedConfig({kOwnerAndAdmin, R"pb(
    id: "c"
    groups { id: "g" stage: FUNNEL_STAGE_ACQUISITION }
  )pb"}));
  c.Join("spammer");
  c.Join("shy");
  const uint32_t shy_number = c.Member("shy").number();
  v1::Event ban = c.Make("admin");
  ban.mutable_ban()->set_member("spammer");
  ban.mutable_ban()->set_reason("advertising");
  EXPECT_TRUE(Find(c.Must(ban), v1::ACTION_KIND_BAN, "spammer"));
  std::optional<v1::Action> refused = Find(c.Join("spammer"), v1::ACTION_KIND_REFUSE, "spammer");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason(), "blacklist");

  v1::Event leave = c.Make("shy");
  leave.mutable_leave();
  c.Must(leave);
  c.Join("newbie");
  EXPECT_TRUE(Find(c.Join("shy"), v1::ACTION_KIND_ADMIT, "shy"));
  // 编号 are never reused: shy keeps theirs, newbie got a fresh one.
  EXPECT_EQ(c.Member("shy").number(), shy_number);
  EXPECT_GT(c.Member("newbie").number(), shy_number);

  v1::Event unban = c.Make("owner");
  unban.mutable_unban()->set_member("spammer");
  c.Must(unban);
  EXPECT_TRUE(Find(c.Join("spammer"), v1::ACTION_KIND_ADMIT, "spammer"));
}

TEST(Application, AnAdminApprovesOrRejects) {
  Community c(MergedConfig({kOneGroup, kOwnerAndAdmin, R"pb(
    id: "c"
    admission { thresholds: THRESHOLD_APPLICATION }
  )pb"}));
  EXPECT_TRUE(Find(c.Join("ann"), v1::ACTION_KIND_AWAIT_APPROVAL, "ann"));
  EXPECT_TRUE(Find(c.Join("bob"), v1::ACTION_KIND_AWAIT_APPROVAL, "bob"));
  v1::Event approve = c.Make("admin");
  approve.mutable_approve()->set_member("ann");
  EXPECT_TRUE(Find(c.Must(approve), v1::ACTION_KIND_ADMIT, "ann"));
  v1::Event reject = c.Make("admin");
  reject.mutable_reject()->set_member("bob");
  reject.mutable_reject()->set_reason("not in the industry");
  EXPECT_EQ(MustFind(c.Must(reject), v1::ACTION_KIND_REFUSE, "bob").text(),
            "not in the industry");
  EXPECT_EQ(c.Member("bob").status(), v1::MEMBER_STATUS_REFUSED);
}

TEST(Task, ApplicantsMustHaveDoneTheEntryTask) {
  Community c(MergedConfig({kOwnerAlone, R"pb(
    id: "c"
    groups { id: "g" stage: FUNNEL_STAGE_ACQUISITION }
    admission { thresholds: THRESHOLD_TASK admission_task: "share-poster" }
  )pb"}));
  v1::Event done = c.Make("ann");
  done.mutable_apply()->add_completed_tasks("share-poster");
  EXPECT_TRUE(Find(c.Must(done), v1::ACTION_KIND_ADMIT, "ann"));
  EXPECT_EQ(MustFind(c.Join("bob"), v1::ACTION_KIND_REFUSE, "bob").reason(),
            "admission.thresholds.task");
}

TEST(Funnel, AnAssistantPromotesACustomerIntoTheRetentionGroup) {
  Community c(ParseConfig(R"pb(
    id: "brand"
    groups { id: "new" stage: FUNNEL_STAGE_ACQUISITION }
    groups { id: "buyers" stage: FUNNEL_STAGE_RETENTION }
    groups { id: "fans" stage: FUNNEL_STAGE_SHARING }
    roles { staff { member_id: "boss" role: ROLE_OWNER } staff { member_id: "xiaozhu" role: ROLE_ASSISTANT } }
  )pb"));
  c.Join("ann");
  EXPECT_EQ(c.Member("ann").group(), "new");
  v1::Event move = c.Make("xiaozhu");
  move.mutable_move()->set_member("ann");
  move.mutable_move()->set_to_group("buyers");
  std::optional<v1::Action> moved = Find(c.Must(move), v1::ACTION_KIND_MOVE, "ann");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->group(), "new");
  EXPECT_EQ(moved->target_group(), "buyers");
  EXPECT_EQ(c.Member("ann").group(), "buyers");
}

TEST(Teams, MembersPickTeamsUpToTheirSize) {
  Community c(MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "c"
    teams { names: ["red", "blue"] max_size: 1 }
  )pb"}));
  c.Join("ann");
  c.Join("bob");
  v1::Event pick = c.Make("ann");
  pick.mutable_join_team()->set_team("red");
  EXPECT_EQ(MustFind(c.Must(pick), v1::ACTION_KIND_ASSIGN_TEAM, "ann").text(), "red");
  v1::Event full = c.Make("bob");
  full.mutable_join_team()->set_team("red");
  c.ExpectRejected(full, absl::StatusCode::kFailedPrecondition, "join_team.team");
  EXPECT_EQ(c.Member("ann").team(), "red");
}

TEST(Teams, AssignedTeamsStayBalanced) {
  Community c(MergedConfig({kOneGroup, kOwnerAlone, R"pb(
    id: "c"
    teams { names: ["red", "blue", "green"] assignment: TEAM_ASSIGNMENT_SMALLEST }
  )pb"}));
  for (int i = 0; i < 6; ++i) c.Join(absl::StrCat("m", i));
  std::map<std::string, int> sizes;
  for (int i = 0; i < 6; ++i) ++sizes[c.Member(absl::StrCat("m", i)).team()];
  EXPECT_EQ(sizes, (std::map<std::string, int>{{"blue", 2}, {"green", 2}, {"red", 2}}));
}

}  // namespace
}  // namespace shequn
