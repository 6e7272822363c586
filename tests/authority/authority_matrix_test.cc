// The authorisation matrix, written out: every operator act × every actor
// role (× every target role, for acts that manage a member) → allowed or
// PermissionDenied. The tables below are the specification; they are not
// derived from authority.cc's logic, so a change there that is not also made
// here fails.
//
// Then the same through the engine: each membership operator event, sent by
// each role, is accepted exactly when the table allows it, and a denial is
// PermissionDenied with the state byte-identical.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shequn/authority.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kOwnerDeputyAndAdmin;
using ::shequn::testing::kTwoStageFunnel;
using ::shequn::testing::MergedConfig;
using ::testing::HasSubstr;

// Columns of every table, in this order.
constexpr v1::Role kRoles[] = {
    v1::ROLE_OWNER,      v1::ROLE_DEPUTY_OWNER, v1::ROLE_ADMIN,
    v1::ROLE_ASSISTANT,  v1::ROLE_TEAM_LEADER,  v1::ROLE_KOL,
    v1::ROLE_LECTURER,   v1::ROLE_CUSTOMER_SERVICE, v1::ROLE_MEMBER,
};
constexpr int kRoleCount = sizeof(kRoles) / sizeof(kRoles[0]);

// Who may perform each act at all, one letter per role in kRoles order
// (Y allowed, N denied):      O D A As TL K L CS M
struct ActorRow {
  OperatorAct act;
  const char* allowed;
};
constexpr ActorRow kWhoMay[] = {
    {OperatorAct::kApprove,        "YYYYNNNYN"},
    {OperatorAct::kRemove,         "YYYNNNNNN"},
    {OperatorAct::kBan,            "YYYNNNNNN"},
    {OperatorAct::kUnban,          "YYNNNNNNN"},
    {OperatorAct::kMove,           "YYYYNNNNN"},
    {OperatorAct::kSetRole,        "YYNNNNNNN"},
    {OperatorAct::kAssignTeam,     "YYYYYNNNN"},
    {OperatorAct::kGraduate,       "YYYNNNNNN"},
    {OperatorAct::kEndCommunity,   "YNNNNNNNN"},
    {OperatorAct::kSanction,       "YYYNNNNNN"},
    {OperatorAct::kRevokeStrike,   "YYYNNNNNN"},
    {OperatorAct::kAdjustPoints,   "YYYNNNNNN"},
    {OperatorAct::kGrantTitle,     "YYYYNNNNN"},
    {OperatorAct::kAssignTask,     "YYYYYYYNN"},
    {OperatorAct::kOpenPoll,       "YYYYYYYNN"},
    {OperatorAct::kTag,            "YYYYYYYYN"},
    {OperatorAct::kRecordActivity, "YYYYYYYNN"},
    {OperatorAct::kImportMember,   "YYYNNNNNN"},
    {OperatorAct::kDismissReports, "YYYNNNNNN"},
};

// Acts that manage a member: rows are actors, columns targets (kRoles
// order). Nobody manages the owner; a manager only manages a junior manager.
struct TargetGrid {
  OperatorAct act;
  const char* rows[kRoleCount];
};
//                              target: O D A As TL K L CS M
constexpr const char* kByManagers[kRoleCount] = {
    /* owner          */ "NYYYYYYYY",
    /* deputy owner   */ "NNYYYYYYY",
    /* admin          */ "NNNYYYYYY",
    /* assistant      */ "NNNNNNNNN",
    /* team leader    */ "NNNNNNNNN",
    /* KOL            */ "NNNNNNNNN",
    /* lecturer       */ "NNNNNNNNN",
    /* cust. service  */ "NNNNNNNNN",
    /* member         */ "NNNNNNNNN",
};
constexpr TargetGrid kManaging[] = {
    {OperatorAct::kRemove, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNNNNNNN", "NNNNNNNNN",
                            "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    {OperatorAct::kBan, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNNNNNNN", "NNNNNNNNN",
                         "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    {OperatorAct::kSanction, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNNNNNNN", "NNNNNNNNN",
                              "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    {OperatorAct::kGraduate, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNNNNNNN", "NNNNNNNNN",
                              "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    // The target is the role a member is imported with: nobody imports an
    // owner, and a manager imports only junior managers.
    {OperatorAct::kImportMember, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNNNNNNN",
                                  "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN",
                                  "NNNNNNNNN"}},
    // Only the owner and deputies unban or change roles.
    {OperatorAct::kUnban, {"NYYYYYYYY", "NNYYYYYYY", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN",
                           "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    {OperatorAct::kSetRole, {"NYYYYYYYY", "NNYYYYYYY", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN",
                             "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
    // Assistants move members too, but no manager.
    {OperatorAct::kMove, {"NYYYYYYYY", "NNYYYYYYY", "NNNYYYYYY", "NNNYYYYYY", "NNNNNNNNN",
                          "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN", "NNNNNNNNN"}},
};

// Acts addressed to a member whose target's role does not matter (team,
// title, tag, points, strikes address anyone, seniors included): with any
// target the answer is the kWhoMay row.
constexpr OperatorAct kTargetBlind[] = {
    OperatorAct::kAssignTeam,   OperatorAct::kRevokeStrike, OperatorAct::kAdjustPoints,
    OperatorAct::kGrantTitle,   OperatorAct::kTag,
};
// Acts without a target member.
constexpr OperatorAct kUntargeted[] = {
    OperatorAct::kApprove,   OperatorAct::kEndCommunity, OperatorAct::kAssignTask,
    OperatorAct::kOpenPoll,  OperatorAct::kRecordActivity, OperatorAct::kDismissReports,
};

bool Allowed(char c) { return c == 'Y'; }

TEST(AuthorityMatrix, TheTablesCoverEveryActExactlyOnce) {
  std::multiset<OperatorAct> who, classified;
  for (const ActorRow& row : kWhoMay) who.insert(row.act);
  for (const TargetGrid& g : kManaging) classified.insert(g.act);
  for (OperatorAct act : kTargetBlind) classified.insert(act);
  for (OperatorAct act : kUntargeted) classified.insert(act);
  const std::multiset<OperatorAct> all(AllOperatorActs().begin(), AllOperatorActs().end());
  EXPECT_EQ(all.size(), std::set<OperatorAct>(all.begin(), all.end()).size());
  EXPECT_EQ(who, all) << "kWhoMay must list every OperatorAct once";
  EXPECT_EQ(classified, all) << "every act is managing, target-blind or untargeted";
  for (const ActorRow& row : kWhoMay) {
    EXPECT_EQ(std::string(row.allowed).size(), static_cast<size_t>(kRoleCount));
  }
}

TEST(AuthorityMatrix, EveryActByEveryRoleWithoutATarget) {
  for (const ActorRow& row : kWhoMay) {
    for (int a = 0; a < kRoleCount; ++a) {
      absl::Status s = Authorize(kRoles[a], row.act, std::nullopt);
      SCOPED_TRACE(absl::StrCat(OperatorActName(row.act), " by ", RoleName(kRoles[a])));
      if (Allowed(row.allowed[a])) {
        EXPECT_TRUE(s.ok()) << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
        EXPECT_THAT(s.message(), HasSubstr("actor: the role"));
      }
    }
    // A role the engine never hands out may do nothing.
    EXPECT_EQ(Authorize(v1::ROLE_UNSPECIFIED, row.act, std::nullopt).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(AuthorityMatrix, EveryManagingActByEveryRoleOnEveryRole) {
  for (const TargetGrid& grid : kManaging) {
    for (int a = 0; a < kRoleCount; ++a) {
      for (int t = 0; t < kRoleCount; ++t) {
        absl::Status s = Authorize(kRoles[a], grid.act, kRoles[t]);
        SCOPED_TRACE(absl::StrCat(RoleName(kRoles[a]), " ", OperatorActName(grid.act), " ",
                                  RoleName(kRoles[t])));
        if (Allowed(grid.rows[a][t])) {
          EXPECT_TRUE(s.ok()) << s;
        } else {
          EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
        }
      }
    }
  }
}

TEST(AuthorityMatrix, ManagingGridsAgreeWithWhoMayAndTheRankRule) {
  // Cross-checks between the hand-written tables: a row of a managing grid
  // is empty exactly when kWhoMay denies the actor, and for the acts only
  // managers do, the grid is the plain rank rule.
  std::map<OperatorAct, const char*> who;
  for (const ActorRow& row : kWhoMay) who[row.act] = row.allowed;
  for (const TargetGrid& grid : kManaging) {
    for (int a = 0; a < kRoleCount; ++a) {
      const bool any = std::string(grid.rows[a]).find('Y') != std::string::npos;
      EXPECT_EQ(any, Allowed(who[grid.act][a]))
          << OperatorActName(grid.act) << " by " << RoleName(kRoles[a]);
      if (Allowed(who[grid.act][a]) && a <= 2) {
        EXPECT_STREQ(grid.rows[a], kByManagers[a]) << OperatorActName(grid.act);
      }
    }
  }
}

TEST(AuthorityMatrix, TargetBlindActsIgnoreTheTargetsRole) {
  std::map<OperatorAct, const char*> who;
  for (const ActorRow& row : kWhoMay) who[row.act] = row.allowed;
  for (OperatorAct act : kTargetBlind) {
    for (int a = 0; a < kRoleCount; ++a) {
      for (int t = 0; t < kRoleCount; ++t) {
        absl::Status s = Authorize(kRoles[a], act, kRoles[t]);
        EXPECT_EQ(s.ok(), Allowed(who[act][a]))
            << RoleName(kRoles[a]) << " " << OperatorActName(act) << " " << RoleName(kRoles[t])
            << ": " << s;
        if (!s.ok()) EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
      }
    }
  }
}

// ------------------------------------------------------- through the engine

// One staff seat per role; applications need an operator's approval so
// approve/reject can be tried.
v1::CommunityConfig EveryRole() {
  return MergedConfig({kTwoStageFunnel, kOwnerDeputyAndAdmin, R"pb(
    id: "roles"
    roles {
      staff { member_id: "assistant" role: ROLE_ASSISTANT }
      staff { member_id: "leader" role: ROLE_TEAM_LEADER }
      staff { member_id: "kol" role: ROLE_KOL }
      staff { member_id: "lecturer" role: ROLE_LECTURER }
      staff { member_id: "service" role: ROLE_CUSTOMER_SERVICE }
    }
    admission { thresholds: THRESHOLD_APPLICATION }
    teams { names: ["red", "blue"] }
  )pb"});
}

// The actor holding each role in EveryRole() ("mem" is an approved member).
constexpr const char* kActorOf[kRoleCount] = {
    "owner", "deputy", "admin", "assistant", "leader", "kol", "lecturer", "service", "mem",
};

struct EngineCase {
  const char* name;
  OperatorAct act;
  // Fills the event's kind; the target is "target", an approved member,
  // except for approve/reject (pending) and unban (banned).
  void (*make)(v1::Event& e);
};

const EngineCase kEngineCases[] = {
    {"remove", OperatorAct::kRemove, [](v1::Event& e) { e.mutable_remove()->set_member("target"); }},
    {"ban", OperatorAct::kBan, [](v1::Event& e) { e.mutable_ban()->set_member("target"); }},
    {"unban", OperatorAct::kUnban, [](v1::Event& e) { e.mutable_unban()->set_member("target"); }},
    {"move", OperatorAct::kMove,
     [](v1::Event& e) {
       e.mutable_move()->set_member("target");
       e.mutable_move()->set_to_group("g2");
     }},
    {"set_role", OperatorAct::kSetRole,
     [](v1::Event& e) {
       e.mutable_set_role()->set_member("target");
       e.mutable_set_role()->set_role(v1::ROLE_KOL);
     }},
    {"join_team_for_another", OperatorAct::kAssignTeam,
     [](v1::Event& e) {
       e.mutable_join_team()->set_member("target");
       e.mutable_join_team()->set_team("red");
     }},
    {"graduate", OperatorAct::kGraduate,
     [](v1::Event& e) { e.mutable_graduate()->set_member("target"); }},
    {"end_community", OperatorAct::kEndCommunity, [](v1::Event& e) { e.mutable_end_community(); }},
    {"approve", OperatorAct::kApprove, [](v1::Event& e) { e.mutable_approve()->set_member("target"); }},
    {"reject", OperatorAct::kApprove, [](v1::Event& e) { e.mutable_reject()->set_member("target"); }},
    {"import_member", OperatorAct::kImportMember,
     [](v1::Event& e) {
       e.set_group("g2");
       e.mutable_import_member()->set_member("newcomer");
     }},
};

class EngineMatrix : public ::testing::TestWithParam<EngineCase> {};

TEST_P(EngineMatrix, EachRoleIsAllowedExactlyWhenTheTableSays) {
  const EngineCase& c = GetParam();
  const char* row = nullptr;
  for (const ActorRow& r : kWhoMay) {
    if (r.act == c.act) row = r.allowed;
  }
  ASSERT_NE(row, nullptr);
  for (int a = 0; a < kRoleCount; ++a) {
    SCOPED_TRACE(absl::StrCat(c.name, " by ", RoleName(kRoles[a])));
    Community community(EveryRole());
    for (const char* who : {"mem", "target"}) {
      community.Join(who);
      if (absl::string_view(who) == "target" && c.act == OperatorAct::kApprove) continue;
      v1::Event approve = community.Make("owner");
      approve.mutable_approve()->set_member(who);
      community.Must(approve);
    }
    if (c.act == OperatorAct::kUnban) {
      v1::Event ban = community.Make("owner");
      ban.mutable_ban()->set_member("target");
      community.Must(ban);
    }
    v1::Event e = community.Make(kActorOf[a]);
    c.make(e);
    if (Allowed(row[a])) {
      community.Must(e);
    } else {
      community.ExpectRejected(e, absl::StatusCode::kPermissionDenied, "actor: the role");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMembershipOperatorEvent, EngineMatrix,
                         ::testing::ValuesIn(kEngineCases),
                         [](const ::testing::TestParamInfo<EngineCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace shequn
