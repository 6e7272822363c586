// Every way the foundation says no: bad configs, forbidden acts, bad events.
// Each names the field, and a rejected event leaves the state byte-identical.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kHour;
using ::shequn::testing::kOwnerDeputyAndAdmin;
using ::shequn::testing::kTwoStageFunnel;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

// Five staff seats (so a seat a case adds is roles.staff[5]): owner, deputy,
// admin, a second admin and an assistant.
v1::CommunityConfig Valid() {
  return MergedConfig({kTwoStageFunnel, kOwnerDeputyAndAdmin, R"pb(
    id: "c"
    roles {
      staff { member_id: "admin2" role: ROLE_ADMIN }
      staff { member_id: "helper" role: ROLE_ASSISTANT }
    }
    teams { names: ["red"] }
  )pb"});
}

struct ConfigCase {
  const char* name;
  const char* extra;  // text format merged over Valid()
  const char* field;
};

void PrintTo(const ConfigCase& c, std::ostream* os) { *os << c.name; }

class BadConfig : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(BadConfig, IsRefusedNamingTheField) {
  v1::CommunityConfig config = Valid();
  v1::CommunityConfig extra = ParseConfig(GetParam().extra);
  config.MergeFrom(extra);
  if (absl::string_view(GetParam().name) == "no_id") config.clear_id();
  if (absl::string_view(GetParam().name) == "no_groups") config.clear_groups();
  if (absl::string_view(GetParam().name) == "no_owner") config.mutable_roles()->clear_staff();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok()) << GetParam().name;
  EXPECT_EQ(engine.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(engine.status().message(), HasSubstr(GetParam().field));
}

INSTANTIATE_TEST_SUITE_P(
    EveryValidationError, BadConfig,
    ::testing::Values(
        ConfigCase{"no_id", "", "id: required"},
        ConfigCase{"no_groups", "", "groups: at least one"},
        ConfigCase{"group_without_id", "groups { stage: FUNNEL_STAGE_SHARING }", "groups[2].id"},
        ConfigCase{"duplicate_group", "groups { id: 'g1' stage: FUNNEL_STAGE_SHARING }",
                   "groups[2].id: duplicate"},
        ConfigCase{"group_without_stage", "groups { id: 'g3' }", "groups[2].stage"},
        ConfigCase{"working_size_over_capacity",
                   "groups { id: 'g3' stage: FUNNEL_STAGE_SHARING capacity: 10 working_size: 20 }",
                   "groups[2].working_size"},
        ConfigCase{"no_owner", "", "roles.staff: exactly one owner"},
        ConfigCase{"two_owners", "roles { staff { member_id: 'x' role: ROLE_OWNER } }",
                   "roles.staff: exactly one owner"},
        ConfigCase{"seat_without_member", "roles { staff { role: ROLE_ADMIN } }",
                   "roles.staff[5].member_id"},
        ConfigCase{"duplicate_seat", "roles { staff { member_id: 'admin' role: ROLE_KOL } }",
                   "roles.staff[5].member_id: duplicate"},
        ConfigCase{"member_seat", "roles { staff { member_id: 'm' role: ROLE_MEMBER } }",
                   "roles.staff[5].role"},
        ConfigCase{"seat_in_unknown_group",
                   "roles { staff { member_id: 'm' role: ROLE_KOL group_id: 'nope' } }",
                   "roles.staff[5].group_id"},
        ConfigCase{"staff_format_without_separator",
                   "roles { staff_nickname { fields { name: 'x' } } }",
                   "roles.staff_nickname.separator"},
        ConfigCase{"unspecified_threshold", "admission { thresholds: THRESHOLD_UNSPECIFIED }",
                   "admission.thresholds[0]"},
        ConfigCase{"threshold_twice",
                   "admission { thresholds: [THRESHOLD_INVITATION, THRESHOLD_INVITATION] }",
                   "admission.thresholds[1]: listed twice"},
        ConfigCase{"open_combined", "admission { thresholds: [THRESHOLD_OPEN, THRESHOLD_PAID] fee_cents: 1 }",
                   "OPEN cannot be combined"},
        ConfigCase{"paid_without_fee", "admission { thresholds: THRESHOLD_PAID }",
                   "admission.fee_cents"},
        ConfigCase{"task_without_name", "admission { thresholds: THRESHOLD_TASK }",
                   "admission.admission_task"},
        ConfigCase{"negative_deposit", "admission { deposit_cents: -1 }",
                   "admission.deposit_cents"},
        ConfigCase{"negative_fee", "admission { fee_cents: -5 }", "admission.fee_cents"},
        ConfigCase{"prescreen_without_attribute",
                   "admission { prescreen { allowed_values: 'x' } }",
                   "admission.prescreen[0].attribute"},
        ConfigCase{"prescreen_without_values", "admission { prescreen { attribute: 'city' } }",
                   "admission.prescreen[0].allowed_values"},
        ConfigCase{"unknown_entry_group", "admission { entry_group_id: 'zz' }",
                   "admission.entry_group_id"},
        ConfigCase{"unknown_step", "ritual { steps: RITUAL_STEP_UNSPECIFIED }", "ritual.steps[0]"},
        ConfigCase{"step_twice",
                   "ritual { steps: [RITUAL_STEP_ACCEPT_RULES, RITUAL_STEP_ACCEPT_RULES] }",
                   "ritual.steps[1]: listed twice"},
        ConfigCase{"nickname_step_without_format", "ritual { steps: RITUAL_STEP_NICKNAME }",
                   "ritual.nickname"},
        ConfigCase{"intro_step_without_fields", "ritual { steps: RITUAL_STEP_INTRODUCTION }",
                   "ritual.intro_fields"},
        ConfigCase{"handbook_step_without_handbook", "ritual { steps: RITUAL_STEP_HANDBOOK }",
                   "ritual.handbook"},
        ConfigCase{"negative_deadline", "ritual { deadline_seconds: -1 }",
                   "ritual.deadline_seconds"},
        ConfigCase{"negative_grace", "ritual { grace_seconds: -1 }", "ritual.grace_seconds"},
        ConfigCase{"field_without_name",
                   "ritual { nickname { separator: '|' fields { min_chars: 1 } } }",
                   "ritual.nickname.fields[0].name"},
        ConfigCase{"max_below_min",
                   "ritual { nickname { separator: '|' fields { name: 'n' min_chars: 5 max_chars: 2 } } }",
                   "ritual.nickname.fields[0].max_chars"},
        ConfigCase{"empty_team", "teams { names: '' }", "teams.names[1]"},
        ConfigCase{"duplicate_team", "teams { names: 'red' }", "teams.names[1]: duplicate"},
        ConfigCase{"team_min_over_max", "teams { min_size: 5 max_size: 2 }", "teams.min_size"},
        ConfigCase{"negative_window", "idempotency_window_seconds: -1",
                   "idempotency_window_seconds"},
        ConfigCase{"offset_too_far", "utc_offset_seconds: 90000", "utc_offset_seconds"},
        ConfigCase{"unknown_zone", "time_zone: 'Mars/Olympus_Mons'", "time_zone"}),
    [](const ::testing::TestParamInfo<ConfigCase>& info) { return info.param.name; });

class Forbidden : public ::testing::Test {
 protected:
  Forbidden() : c_(Valid()) {
    c_.Join("ann");
    c_.Join("bob");
  }
  v1::Event Remove(absl::string_view actor, absl::string_view target) {
    v1::Event e = c_.Make(actor);
    e.mutable_remove()->set_member(std::string(target));
    return e;
  }
  Community c_;
};

TEST_F(Forbidden, AMemberCannotRemoveAnyone) {
  c_.ExpectRejected(Remove("ann", "bob"), Code::kPermissionDenied, "actor: the role member may not remove");
}

TEST_F(Forbidden, AnAdminCannotRemoveTheOwnerOrAnotherAdmin) {
  c_.ExpectRejected(Remove("admin", "owner"), Code::kPermissionDenied, "member:");
  c_.ExpectRejected(Remove("admin", "admin2"), Code::kPermissionDenied,
                    "the role admin may not remove the role admin");
}

TEST_F(Forbidden, NobodyRemovesTheOwnerNorThemselves) {
  c_.ExpectRejected(Remove("deputy", "owner"), Code::kPermissionDenied, "member:");
  c_.ExpectRejected(Remove("owner", "owner"), Code::kPermissionDenied, "themselves");
}

TEST_F(Forbidden, AnAssistantCannotBanAndAMemberCannotApprove) {
  v1::Event ban = c_.Make("helper");
  ban.mutable_ban()->set_member("ann");
  c_.ExpectRejected(ban, Code::kPermissionDenied, "actor: the role assistant may not ban");
  v1::Event end = c_.Make("admin");
  end.mutable_end_community();
  c_.ExpectRejected(end, Code::kPermissionDenied, "only the owner");
  v1::Event role = c_.Make("admin");
  role.mutable_set_role()->set_member("ann");
  role.mutable_set_role()->set_role(v1::ROLE_ADMIN);
  c_.ExpectRejected(role, Code::kPermissionDenied, "set_role");
}

TEST_F(Forbidden, OwnershipIsNotHandedOutAndTheOwnerDoesNotLeave) {
  v1::Event role = c_.Make("owner");
  role.mutable_set_role()->set_member("ann");
  role.mutable_set_role()->set_role(v1::ROLE_OWNER);
  c_.ExpectRejected(role, Code::kInvalidArgument, "set_role.role");
  v1::Event leave = c_.Make("owner");
  leave.mutable_leave();
  c_.ExpectRejected(leave, Code::kFailedPrecondition, "owner cannot leave");
}

TEST_F(Forbidden, AnOwnerMayPromoteAMemberToAdmin) {
  v1::Event role = c_.Make("owner");
  role.mutable_set_role()->set_member("ann");
  role.mutable_set_role()->set_role(v1::ROLE_ADMIN);
  c_.Must(role);
  EXPECT_EQ(c_.Member("ann").role(), v1::ROLE_ADMIN);
  c_.Must(Remove("ann", "bob"));
  EXPECT_EQ(c_.Member("bob").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST(Events, DuplicatesChangeNothingAndSaySo) {
  Community c(Valid());
  v1::Event join = c.Make("ann");
  join.mutable_apply();
  c.Must(join);
  const std::string before = c.engine().SnapshotBytes();
  absl::StatusOr<v1::Outcome> again = c.engine().Apply(join);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->actions_size(), 0);
  EXPECT_EQ(c.engine().SnapshotBytes(), before);
}

TEST(Events, AnEventFromThePastIsRefused) {
  Community c(Valid());
  c.Advance(kHour);
  c.Join("ann");
  v1::Event old = c.Make("bob");
  old.mutable_apply();
  old.set_time_ms(c.now() - 1);
  c.ExpectRejected(old, Code::kOutOfRange, "time_ms");
  EXPECT_EQ(c.engine().AdvanceTo(c.now() - 5).status().code(), Code::kOutOfRange);
}

TEST(Events, MalformedEnvelopesNameTheField) {
  Community c(Valid());
  v1::Event no_id = c.Make("ann");
  no_id.mutable_apply();
  no_id.clear_id();
  c.ExpectRejected(no_id, Code::kInvalidArgument, "id: required");
  v1::Event no_actor = c.Make("");
  no_actor.mutable_apply();
  c.ExpectRejected(no_actor, Code::kInvalidArgument, "actor: required");
  c.ExpectRejected(c.Make("ann"), Code::kInvalidArgument, "kind:");
  v1::Event negative = c.Make("ann");
  negative.mutable_apply();
  negative.set_time_ms(-1);
  c.ExpectRejected(negative, Code::kInvalidArgument, "time_ms: -1 is outside 0..253402300799999");
}

TEST(Events, UnknownMembersAndGroupsAreNotFound) {
  Community c(Valid());
  v1::Event remove = c.Make("admin");
  remove.mutable_remove()->set_member("ghost");
  c.ExpectRejected(remove, Code::kNotFound, "remove.member: unknown member 'ghost'");
  v1::Event by_ghost = c.Make("ghost");
  by_ghost.mutable_rename()->set_nickname("boo");
  c.ExpectRejected(by_ghost, Code::kNotFound, "actor: unknown member");
  v1::Event to_nowhere = c.Make("ann", "g9");
  to_nowhere.mutable_apply();
  c.ExpectRejected(to_nowhere, Code::kNotFound, "group: unknown group 'g9'");
  v1::Event invited = c.Make("ann");
  invited.mutable_apply()->set_inviter("ghost");
  c.ExpectRejected(invited, Code::kNotFound, "apply.inviter");
  c.Join("ann");
  v1::Event move = c.Make("admin");
  move.mutable_move()->set_member("ann");
  move.mutable_move()->set_to_group("g9");
  c.ExpectRejected(move, Code::kNotFound, "move.to_group");
  v1::Event team = c.Make("ann");
  team.mutable_join_team()->set_team("blue");
  c.ExpectRejected(team, Code::kNotFound, "join_team.team");
  v1::Event approve = c.Make("admin");
  approve.mutable_approve()->set_member("ann");
  c.ExpectRejected(approve, Code::kFailedPrecondition, "not pending");
}

TEST(Events, InvalidUtf8IsRefusedWhereverItArrives) {
  Community c(Valid());
  v1::Event bad_name = c.Make("ann");
  bad_name.mutable_apply()->set_nickname("li\xff");
  c.ExpectRejected(bad_name, Code::kInvalidArgument, "apply.nickname: invalid UTF-8 at byte 2");
  v1::Event bad_city = c.Make("ann");
  (*bad_city.mutable_apply()->mutable_attributes())["city"] = "\xe6\x9d";
  c.ExpectRejected(bad_city, Code::kInvalidArgument, "apply.attributes[city]");
  c.Join("ann");
  v1::Event overlong = c.Make("ann");
  overlong.mutable_rename()->set_nickname("\xc0\xaf");
  c.ExpectRejected(overlong, Code::kInvalidArgument, "rename.nickname: invalid UTF-8 at byte 0");
  v1::Event surrogate = c.Make("ann");
  (*surrogate.mutable_introduce()->mutable_fields())["爱好"] = "\xed\xa0\x80";
  c.ExpectRejected(surrogate, Code::kInvalidArgument, "introduce.fields[爱好]");
  v1::Event bad_actor = c.Make("an\xffn");
  bad_actor.mutable_apply();
  c.ExpectRejected(bad_actor, Code::kInvalidArgument, "actor: invalid UTF-8");
}

}  // namespace
}  // namespace shequn
