// Importing members who are already in a group (issue #21): a bot added to
// a running group records them as they are, silently, one event each.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::Kinds;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::ElementsAre;
using Code = absl::StatusCode;

// A paid group with a deposit, a ritual with a deadline and an ad filter:
// everything an applicant goes through and an imported member must not.
v1::CommunityConfig PaidGroupWithARitual() {
  return MergedConfig({R"pb(
    id: "running"
    groups { id: "chat" stage: FUNNEL_STAGE_RETENTION capacity: 500 }
    groups { id: "side" stage: FUNNEL_STAGE_RETENTION capacity: 2 }
    roles {
      staff { member_id: "owner" role: ROLE_OWNER group_id: "side" }
      staff { member_id: "admin" role: ROLE_ADMIN group_id: "chat" }
      staff { member_id: "helper" role: ROLE_ASSISTANT group_id: "chat" }
    }
    admission { thresholds: THRESHOLD_PAID fee_cents: 9900 deposit_cents: 2000 }
    ritual {
      steps: [RITUAL_STEP_NICKNAME, RITUAL_STEP_INTRODUCTION]
      nickname { separator: "|" fields { name: "姓名" } fields { name: "城市" } }
      intro_fields: ["爱好"]
      welcome_message: "欢迎！"
      handbook: "https://example.org/handbook"
      deadline_seconds: 86400
      grace_seconds: 3600
    }
    teams { names: ["red", "blue"] max_size: 2 }
    rules {
      word_lists { category: "advertising" words: ["加微信"] }
      categories { category: "advertising" ladder { remove: true } }
    }
  )pb"});
}

v1::Event Import(Community& c, absl::string_view actor, absl::string_view member,
                 absl::string_view group = "chat") {
  v1::Event e = c.Make(actor, group);
  e.mutable_import_member()->set_member(std::string(member));
  return e;
}

TEST(Import, ABotImportsA400MemberGroupSilentlyAndThenScreensItsFirstAd) {
  Community c(PaidGroupWithARitual());
  for (int i = 1; i <= 400; ++i) {
    v1::Event e = Import(c, "owner", absl::StrCat("m", i));
    e.mutable_import_member()->set_nickname(absl::StrCat("member ", i));
    const v1::Outcome out = c.Must(e);
    // Recorded, and nothing sent: no welcome, handbook, fee or deposit.
    ASSERT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_IMPORTED)) << i;
  }
  const v1::Action last = MustFind(c.Must(Import(c, "owner", "m401")), v1::ACTION_KIND_IMPORTED);
  EXPECT_EQ(last.admit().member_number(), 404u);  // after the three staff seats
  EXPECT_EQ(last.group(), "chat");

  // No ritual deadline was started: a week on, nobody is reminded or removed.
  const v1::Outcome week = c.Advance(7 * kDay);
  EXPECT_EQ(week.actions_size(), 0) << week.ShortDebugString();
  EXPECT_EQ(c.Member("m17").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_TRUE(c.Member("m17").ritual().complete());
  EXPECT_EQ(c.Member("m17").deposit_cents(), 0);

  v1::Event ad = c.Make("m17", "chat");
  ad.mutable_message()->set_message_id("first-ad");
  ad.mutable_message()->set_text("便宜代购，加微信 abc123");
  const v1::Outcome screened = c.Must(ad);
  EXPECT_EQ(MustFind(screened, v1::ACTION_KIND_HIDE_MESSAGE, "m17").message_id(), "first-ad");
  EXPECT_TRUE(Find(screened, v1::ACTION_KIND_REMOVE, "m17"));
}

TEST(Import, ImportedMembersArePresentButNotNewJoins) {
  Community c(PaidGroupWithARitual());
  for (int i = 1; i <= 5; ++i) c.Must(Import(c, "owner", absl::StrCat("m", i)));
  v1::Event pay = c.Make("newcomer");
  pay.mutable_apply()->set_fee_paid_cents(9900);
  pay.mutable_apply()->set_deposit_paid_cents(2000);
  c.Must(pay);
  const v1::Report r = c.engine().Report(c.now());
  for (const v1::GroupReport& g : r.groups()) {
    if (g.group() != "chat") continue;
    EXPECT_EQ(g.headcount(), 8u);  // two staff, five imported, one newcomer
    ASSERT_GT(g.periods_size(), 0);
    EXPECT_EQ(g.periods(0).new_members(), 1u);  // only the newcomer came
  }
}

TEST(Import, AMemberIsRecordedAsTheyAre) {
  Community c(PaidGroupWithARitual());
  const int64_t joined = c.now() - 90 * kDay;
  v1::Event e = Import(c, "admin", "wang");
  v1::ImportMember* im = e.mutable_import_member();
  im->set_nickname("老王|上海");
  im->set_role(v1::ROLE_TEAM_LEADER);
  im->set_joined_ms(joined);
  im->set_team("blue");
  im->set_number(120);
  im->set_channel("carrier");
  const v1::Outcome out = c.Must(e);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_IMPORTED, "wang").admit().member_number(), 120u);
  EXPECT_FALSE(Find(out, v1::ACTION_KIND_ASSIGN_TEAM));  // the team is theirs already

  const v1::MemberRecord wang = c.Member("wang");
  EXPECT_EQ(wang.nickname(), "老王|上海");
  EXPECT_EQ(wang.role(), v1::ROLE_TEAM_LEADER);
  EXPECT_EQ(wang.joined_ms(), joined);
  EXPECT_EQ(wang.team(), "blue");
  EXPECT_EQ(wang.number(), 120u);
  EXPECT_EQ(wang.group(), "chat");
  EXPECT_EQ(wang.channel(), "carrier");

  // Numbers handed out later continue above the largest imported one.
  v1::Event pay = c.Make("newcomer");
  pay.mutable_apply()->set_fee_paid_cents(9900);
  pay.mutable_apply()->set_deposit_paid_cents(2000);
  EXPECT_EQ(MustFind(c.Must(pay), v1::ACTION_KIND_ADMIT).admit().member_number(), 121u);
  // A smaller free number may still be imported.
  v1::Event old = Import(c, "owner", "li");
  old.mutable_import_member()->set_number(7);
  c.Must(old);
  EXPECT_EQ(c.Member("li").number(), 7u);
}

TEST(Import, WhenTeamsAreAssignedAnImportedMemberGetsTheSmallestTeam) {
  v1::CommunityConfig config = PaidGroupWithARitual();
  config.mutable_teams()->set_assignment(v1::TEAM_ASSIGNMENT_SMALLEST);
  Community c(config);
  c.Must(Import(c, "owner", "a"));
  const v1::Outcome b = c.Must(Import(c, "owner", "b"));
  EXPECT_EQ(MustFind(b, v1::ACTION_KIND_ASSIGN_TEAM, "b").rule(), "operator.import_member");
  EXPECT_NE(c.Member("a").team(), c.Member("b").team());
}

TEST(Import, CapacityDoesNotRefuseAnImportButLaterApplicantsFindTheGroupFull) {
  // Importing records who is there already; the carrier holds them. "side"
  // seats two and holds the owner.
  Community c(PaidGroupWithARitual());
  for (const char* who : {"a", "b"}) c.Must(Import(c, "owner", who, "side"));
  v1::Event pay = c.Make("newcomer", "side");
  pay.mutable_apply()->set_fee_paid_cents(9900);
  pay.mutable_apply()->set_deposit_paid_cents(2000);
  EXPECT_EQ(MustFind(c.Must(pay), v1::ACTION_KIND_REFUSE, "newcomer").reason(),
            "admission.quota");
}

TEST(Import, AMemberWhoLeftMayBeImportedBackWithTheirNumber) {
  Community c(PaidGroupWithARitual());
  c.Must(Import(c, "owner", "zhao"));
  const uint32_t number = c.Member("zhao").number();
  v1::Event leave = c.Make("zhao");
  leave.mutable_leave();
  c.Must(leave);
  c.Must(Import(c, "owner", "zhao"));
  EXPECT_EQ(c.Member("zhao").status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(c.Member("zhao").number(), number);
}

TEST(Import, RestoreAfterImportsEqualsOneRun) {
  Community c(PaidGroupWithARitual());
  for (int i = 1; i <= 20; ++i) {
    v1::Event e = Import(c, "owner", absl::StrCat("m", i));
    e.mutable_import_member()->set_number(100 + i);
    c.Must(e);
  }
  auto restored = Engine::Restore(PaidGroupWithARitual(), c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->SnapshotBytes(), c.engine().SnapshotBytes());
  c.ReplaceEngine(*std::move(restored));
  v1::Event taken = Import(c, "owner", "late");
  taken.mutable_import_member()->set_number(105);
  c.ExpectRejected(taken, Code::kAlreadyExists, "import_member.number");
}

// ------------------------------------------------------------------ errors

TEST(ImportErrors, AlreadyAMember) {
  Community c(PaidGroupWithARitual());
  c.Must(Import(c, "owner", "ann"));
  c.ExpectRejected(Import(c, "owner", "ann"), Code::kFailedPrecondition,
                   "import_member.member: member 'ann' is already active");
  c.ExpectRejected(Import(c, "owner", "admin"), Code::kFailedPrecondition,
                   "import_member.member");
}

TEST(ImportErrors, ABannedMemberIsNotImported) {
  Community c(PaidGroupWithARitual());
  c.Must(Import(c, "owner", "spammer"));
  v1::Event ban = c.Make("owner");
  ban.mutable_ban()->set_member("spammer");
  c.Must(ban);
  c.ExpectRejected(Import(c, "owner", "spammer"), Code::kFailedPrecondition,
                   "import_member.member: member 'spammer' is banned");
}

TEST(ImportErrors, ANumberTakenOrOutOfRange) {
  Community c(PaidGroupWithARitual());
  v1::Event first = Import(c, "owner", "ann");
  first.mutable_import_member()->set_number(9);
  c.Must(first);
  v1::Event again = Import(c, "owner", "bob");
  again.mutable_import_member()->set_number(9);
  c.ExpectRejected(again, Code::kAlreadyExists,
                   "import_member.number: number 9 is taken by member 'ann'");
  v1::Event staff = Import(c, "owner", "bob");
  staff.mutable_import_member()->set_number(1);  // the owner's
  c.ExpectRejected(staff, Code::kAlreadyExists, "import_member.number");
  v1::Event huge = Import(c, "owner", "bob");
  huge.mutable_import_member()->set_number(limits::kMaxMemberNumber + 1);
  c.ExpectRejected(huge, Code::kInvalidArgument, "import_member.number");
}

TEST(ImportErrors, ANumberNeverChanges) {
  Community c(PaidGroupWithARitual());
  c.Must(Import(c, "owner", "zhao"));
  v1::Event leave = c.Make("zhao");
  leave.mutable_leave();
  c.Must(leave);
  v1::Event back = Import(c, "owner", "zhao");
  back.mutable_import_member()->set_number(300);
  c.ExpectRejected(back, Code::kFailedPrecondition, "import_member.number");
}

TEST(ImportErrors, AnUnknownOrFullTeam) {
  Community c(PaidGroupWithARitual());
  v1::Event unknown = Import(c, "owner", "ann");
  unknown.mutable_import_member()->set_team("green");
  c.ExpectRejected(unknown, Code::kNotFound, "import_member.team: unknown team 'green'");
  for (const char* who : {"a", "b"}) {
    v1::Event e = Import(c, "owner", who);
    e.mutable_import_member()->set_team("red");
    c.Must(e);
  }
  v1::Event full = Import(c, "owner", "ann");
  full.mutable_import_member()->set_team("red");
  c.ExpectRejected(full, Code::kFailedPrecondition, "import_member.team: team 'red' is full (2)");
}

TEST(ImportErrors, ARoleAboveTheActorsOwn) {
  Community c(PaidGroupWithARitual());
  v1::Event admin = Import(c, "admin", "ann");
  admin.mutable_import_member()->set_role(v1::ROLE_ADMIN);
  c.ExpectRejected(admin, Code::kPermissionDenied,
                   "import_member.role: the role admin may not import a member with the role "
                   "admin");
  v1::Event deputy = Import(c, "admin", "ann");
  deputy.mutable_import_member()->set_role(v1::ROLE_DEPUTY_OWNER);
  c.ExpectRejected(deputy, Code::kPermissionDenied, "import_member.role");
  v1::Event owner = Import(c, "owner", "ann");
  owner.mutable_import_member()->set_role(v1::ROLE_OWNER);
  c.ExpectRejected(owner, Code::kInvalidArgument, "import_member.role");
  // The owner may import a deputy; an assistant may import nobody.
  v1::Event by_owner = Import(c, "owner", "ann");
  by_owner.mutable_import_member()->set_role(v1::ROLE_DEPUTY_OWNER);
  c.Must(by_owner);
  c.ExpectRejected(Import(c, "helper", "bob"), Code::kPermissionDenied,
                   "actor: the role assistant may not import_member");
}

TEST(ImportErrors, TheGroupAndTheJoinTime) {
  Community c(PaidGroupWithARitual());
  c.ExpectRejected(Import(c, "owner", "ann", ""), Code::kInvalidArgument, "group: required");
  c.ExpectRejected(Import(c, "owner", "ann", "nowhere"), Code::kNotFound,
                   "group: unknown group 'nowhere'");
  v1::Event future = Import(c, "owner", "ann");
  future.mutable_import_member()->set_joined_ms(c.now() + 1);
  c.ExpectRejected(future, Code::kInvalidArgument, "import_member.joined_ms");
  v1::Event nobody = Import(c, "owner", "");
  c.ExpectRejected(nobody, Code::kInvalidArgument, "import_member.member: required");
}

}  // namespace
}  // namespace shequn
