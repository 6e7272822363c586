// The inactivity purge (清理, issue #21): silent members are warned, then
// removed; speaking makes them safe; the owner and staff are never purged.
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
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

// "chat" purges after a week of silence plus three days; "quiet" never.
v1::CommunityConfig Purging(absl::string_view purge = "warn_after_days: 7 remove_after_days: 3") {
  return MergedConfig({absl::StrCat(R"pb(
    id: "purging"
    groups { id: "chat" stage: FUNNEL_STAGE_RETENTION purge { )pb", purge, R"pb( } }
    groups { id: "quiet" stage: FUNNEL_STAGE_RETENTION }
    roles {
      staff { member_id: "owner" role: ROLE_OWNER group_id: "chat" }
      staff { member_id: "admin" role: ROLE_ADMIN group_id: "chat" }
      staff { member_id: "helper" role: ROLE_ASSISTANT group_id: "chat" }
    }
    admission { deposit_cents: 1000 entry_group_id: "chat" }
  )pb")});
}

v1::Outcome Join(Community& c, absl::string_view who, absl::string_view group = "") {
  v1::Event e = c.Make(who, group);
  e.mutable_apply()->set_deposit_paid_cents(1000);
  return c.Must(e);
}

v1::Outcome Say(Community& c, absl::string_view who, absl::string_view group = "chat") {
  static int n = 0;
  v1::Event e = c.Make(who, group);
  e.mutable_message()->set_message_id(absl::StrCat("purge-msg-", ++n));
  e.mutable_message()->set_text("早上好");
  return c.Must(e);
}

TEST(Purge, ASilentMemberIsWarnedAfterAWeekAndRemovedThreeDaysLater) {
  Community c(Purging());
  Join(c, "ann");
  Join(c, "bob");
  c.Advance(5 * kDay);
  Say(c, "bob");

  const v1::Outcome week = c.Advance(2 * kDay);
  const v1::Action warn = MustFind(week, v1::ACTION_KIND_WARN_PRIVATELY, "ann");
  EXPECT_EQ(warn.rule(), "groups[0].purge.warn_after_days");
  EXPECT_EQ(warn.reason(), "purge.inactive");
  EXPECT_EQ(warn.group(), "chat");
  EXPECT_EQ(warn.notice().text(),
            "You have been silent for 7 days; say something within 3 days to stay in the group.");
  EXPECT_EQ(warn.due_ms(), c.now());
  EXPECT_FALSE(Find(week, v1::ACTION_KIND_WARN_PRIVATELY, "bob"));  // spoke on day 5

  const v1::Outcome later = c.Advance(3 * kDay);
  const v1::Action removal = MustFind(later, v1::ACTION_KIND_REMOVE, "ann");
  EXPECT_EQ(removal.rule(), "groups[0].purge.remove_after_days");
  EXPECT_EQ(removal.reason(), "purge.inactive");
  // A purge removal forfeits the deposit like any removal.
  EXPECT_EQ(MustFind(later, v1::ACTION_KIND_FORFEIT_DEPOSIT, "ann").deposit().cents(), 1000);
  EXPECT_EQ(c.Member("ann").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(c.Member("ann").exit_reason(), "purge.inactive");
  EXPECT_EQ(c.Member("bob").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Purge, AWarnedMemberWhoSpeaksIsSafeAgain) {
  Community c(Purging());
  Join(c, "ann");
  EXPECT_TRUE(Find(c.Advance(7 * kDay), v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
  c.Advance(kDay);
  Say(c, "ann");
  EXPECT_FALSE(Find(c.Advance(2 * kDay), v1::ACTION_KIND_REMOVE, "ann"));
  EXPECT_EQ(c.Member("ann").purge_warned_ms(), 0);
  // Silent again: a week after speaking, warned again.
  const v1::Outcome again = c.Advance(5 * kDay);
  EXPECT_EQ(MustFind(again, v1::ACTION_KIND_WARN_PRIVATELY, "ann").due_ms(),
            c.Member("ann").last_active_ms() + 7 * kDay);
}

TEST(Purge, AnyActCountsNotOnlyMessages) {
  Community c(Purging());
  Join(c, "ann");
  c.Advance(6 * kDay);
  v1::Event rename = c.Make("ann", "chat");
  rename.mutable_rename()->set_nickname("安");
  c.Must(rename);
  EXPECT_FALSE(Find(c.Advance(2 * kDay), v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

TEST(Purge, TheOwnerAndStaffAreNeverPurged) {
  Community c(Purging());
  Join(c, "ann");
  for (const char* staff : {"owner", "admin", "helper"}) Say(c, staff);
  const v1::Outcome month = c.Advance(30 * kDay);
  for (const char* staff : {"owner", "admin", "helper"}) {
    EXPECT_FALSE(Find(month, v1::ACTION_KIND_WARN_PRIVATELY, staff)) << staff;
    EXPECT_EQ(c.Member(staff).status(), v1::MEMBER_STATUS_ACTIVE) << staff;
  }
  EXPECT_EQ(c.Member("ann").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST(Purge, ExemptRolesReplaceTheDefaultButNeverExposeTheOwner) {
  Community c(Purging("warn_after_days: 7 exempt_roles: [ROLE_ADMIN]"));
  // Staff seated by the config start their clock when they first act.
  for (const char* staff : {"owner", "admin", "helper"}) Say(c, staff);
  const v1::Outcome week = c.Advance(7 * kDay);
  EXPECT_TRUE(Find(week, v1::ACTION_KIND_WARN_PRIVATELY, "helper"));
  EXPECT_FALSE(Find(week, v1::ACTION_KIND_WARN_PRIVATELY, "admin"));
  EXPECT_FALSE(Find(week, v1::ACTION_KIND_WARN_PRIVATELY, "owner"));
  // remove_after_days defaults to 3.
  EXPECT_TRUE(Find(c.Advance(3 * kDay), v1::ACTION_KIND_REMOVE, "helper"));
  EXPECT_EQ(c.Member("owner").status(), v1::MEMBER_STATUS_ACTIVE);
}

TEST(Purge, AMemberMadeStaffLeavesThePurgeAndAGroupWithoutOneNeverPurges) {
  Community c(Purging());
  Join(c, "ann");
  Join(c, "lin", "quiet");
  v1::Event promote = c.Make("owner");
  promote.mutable_set_role()->set_member("ann");
  promote.mutable_set_role()->set_role(v1::ROLE_KOL);
  c.Must(promote);
  const v1::Outcome month = c.Advance(30 * kDay);
  EXPECT_EQ(Count(month, v1::ACTION_KIND_WARN_PRIVATELY), 0);
  EXPECT_EQ(Count(month, v1::ACTION_KIND_REMOVE), 0);
}

TEST(Purge, ThePreviewSaysWhoWouldBeWarnedOrRemovedAndWhen) {
  Community c(Purging());
  const int64_t start = c.now();
  Join(c, "ann");
  c.Advance(2 * kDay);
  Join(c, "bob");
  Join(c, "lin", "quiet");

  absl::StatusOr<v1::PurgePreview> eight = c.engine().PurgePreview("chat", start + 8 * kDay);
  ASSERT_TRUE(eight.ok()) << eight.status();
  ASSERT_EQ(eight->steps_size(), 1) << eight->ShortDebugString();
  EXPECT_EQ(eight->steps(0).member(), "ann");
  EXPECT_EQ(eight->steps(0).last_active_ms(), start);
  EXPECT_EQ(eight->steps(0).warn_ms(), start + 7 * kDay);
  EXPECT_EQ(eight->steps(0).remove_ms(), start + 10 * kDay);

  absl::StatusOr<v1::PurgePreview> twelve = c.engine().PurgePreview("chat", start + 12 * kDay);
  ASSERT_TRUE(twelve.ok());
  ASSERT_EQ(twelve->steps_size(), 2);
  EXPECT_EQ(twelve->steps(1).member(), "bob");

  // Once warned, the preview shows only the removal still to come.
  c.Advance(6 * kDay);
  absl::StatusOr<v1::PurgePreview> warned = c.engine().PurgePreview("chat", start + 10 * kDay);
  ASSERT_TRUE(warned.ok());
  ASSERT_EQ(warned->steps_size(), 2);
  EXPECT_EQ(warned->steps(0).member(), "bob");
  EXPECT_EQ(warned->steps(0).warn_ms(), start + 9 * kDay);
  EXPECT_EQ(warned->steps(1).member(), "ann");
  EXPECT_EQ(warned->steps(1).warn_ms(), 0);
  EXPECT_EQ(warned->steps(1).remove_ms(), start + 10 * kDay);

  absl::StatusOr<v1::PurgePreview> none = c.engine().PurgePreview("quiet", start + 100 * kDay);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->steps_size(), 0);
  EXPECT_EQ(c.engine().PurgePreview("nowhere", start).status().code(), Code::kNotFound);
}

TEST(Purge, RestoreKeepsTheClocksAndTheWarnings) {
  Community c(Purging());
  Join(c, "ann");
  Join(c, "bob");
  c.Advance(7 * kDay);
  auto restored = Engine::Restore(Purging(), c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->SnapshotBytes(), c.engine().SnapshotBytes());
  c.ReplaceEngine(*std::move(restored));
  Say(c, "bob");
  const v1::Outcome later = c.Advance(3 * kDay);
  EXPECT_TRUE(Find(later, v1::ACTION_KIND_REMOVE, "ann"));
  EXPECT_FALSE(Find(later, v1::ACTION_KIND_REMOVE, "bob"));
}

TEST(Purge, ABadConfigNamesTheField) {
  for (const auto& [purge, field] : std::vector<std::pair<std::string, std::string>>{
           {"warn_after_days: 4000", "groups[0].purge.warn_after_days: 4000 days, limit 3650"},
           {"warn_after_days: 7 remove_after_days: 9999", "groups[0].purge.remove_after_days"},
           {"warn_after_days: 7 exempt_roles: [ROLE_UNSPECIFIED]",
            "groups[0].purge.exempt_roles[0]: unknown role"},
       }) {
    absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(Purging(purge));
    ASSERT_FALSE(e.ok()) << purge;
    EXPECT_EQ(e.status().code(), Code::kInvalidArgument);
    EXPECT_THAT(e.status().message(), HasSubstr(field));
  }
}

}  // namespace
}  // namespace shequn
