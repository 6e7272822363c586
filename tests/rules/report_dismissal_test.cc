// A message hidden because members reported it is not hidden for good: a
// manager who finds the reports false dismisses them, the message is shown
// again, the reports stop counting, and the audit log says who did it.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

constexpr absl::string_view kStudyGroup = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "coach" role: ROLE_OWNER }
    staff { member_id: "ta" role: ROLE_ADMIN }
    staff { member_id: "helper" role: ROLE_ASSISTANT }
  }
  rules {
    word_lists { category: "advertising" words: ["代购"] }
    categories { category: "advertising" hide_only: true }
  }
)pb";

class StudyGroup : public ::testing::Test {
 protected:
  StudyGroup() : c_(ParseConfig(kStudyGroup)) {
    for (const char* who : {"ann", "bob", "cat", "dan"}) c_.Join(who);
  }

  void Post(absl::string_view who, absl::string_view id, absl::string_view text) {
    v1::Event e = c_.Make(who, "camp");
    e.mutable_message()->set_message_id(std::string(id));
    e.mutable_message()->set_text(std::string(text));
    c_.Must(e);
  }
  v1::Event Report(absl::string_view who, absl::string_view id) {
    v1::Event e = c_.Make(who);
    e.mutable_report()->set_message_id(std::string(id));
    e.mutable_report()->set_reason("looks like an ad");
    return e;
  }
  v1::Event Dismiss(absl::string_view who, absl::string_view id) {
    v1::Event e = c_.Make(who);
    e.mutable_dismiss_reports()->set_message_id(std::string(id));
    e.mutable_dismiss_reports()->set_reason("a link to our own course page");
    return e;
  }
  // Three members report `id`: it is hidden and flagged.
  void ReportedAway(absl::string_view id) {
    for (const char* who : {"bob", "cat", "dan"}) c_.Must(Report(who, id));
  }

  Community c_;
};

TEST_F(StudyGroup, AFalseReportDismissedByAnAdminRestoresTheMessage) {
  Post("ann", "notes", "week 2 notes are on the course page");
  ReportedAway("notes");
  const v1::Outcome out = c_.Must(Dismiss("ta", "notes"));
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_RESTORE_MESSAGE));
  const v1::Action restore = MustFind(out, v1::ACTION_KIND_RESTORE_MESSAGE, "ann");
  EXPECT_EQ(restore.message_id(), "notes");
  EXPECT_EQ(restore.group(), "camp");
  EXPECT_EQ(restore.rule(), "operator.dismiss_reports");
  ASSERT_TRUE(restore.has_restore());
  EXPECT_EQ(restore.restore().dismissed_reports(), 3u);
  EXPECT_EQ(restore.restore().reason(), "a link to our own course page");
  EXPECT_EQ(c_.engine().LiveStrikes("ann").value(), 0u);

  // The audit log says who restored it and why.
  absl::StatusOr<std::vector<v1::AuditEntry>> audit = c_.engine().Audit("ann");
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_FALSE(audit->empty());
  const v1::AuditEntry& entry = audit->back();
  EXPECT_EQ(entry.action(), v1::ACTION_KIND_RESTORE_MESSAGE);
  EXPECT_EQ(entry.by(), "ta");
  EXPECT_EQ(entry.message_id(), "notes");
  EXPECT_EQ(entry.matched(), "a link to our own course page");
}

TEST_F(StudyGroup, DismissedReportsDoNotCountAgain) {
  Post("ann", "notes", "week 2 notes are on the course page");
  ReportedAway("notes");
  c_.Must(Dismiss("coach", "notes"));
  // Two fresh reports are two, not five: the message stays up.
  EXPECT_THAT(Kinds(c_.Must(Report("bob", "notes"))), IsEmpty());
  EXPECT_THAT(Kinds(c_.Must(Report("cat", "notes"))), IsEmpty());
  // A third hides it again, and it can be restored again.
  EXPECT_THAT(Kinds(c_.Must(Report("dan", "notes"))),
              ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_FLAG_FOR_ADMIN));
  c_.Must(Dismiss("ta", "notes"));
}

TEST_F(StudyGroup, OnlyAManagerDismissesAndNeverOnTheirOwnMessage) {
  Post("ann", "notes", "week 2 notes");
  ReportedAway("notes");
  c_.ExpectRejected(Dismiss("helper", "notes"), Code::kPermissionDenied, "actor: the role");
  c_.ExpectRejected(Dismiss("bob", "notes"), Code::kPermissionDenied, "actor: the role");
  Post("ta", "mine", "office hours moved");
  ReportedAway("mine");
  c_.ExpectRejected(Dismiss("ta", "mine"), Code::kPermissionDenied, "own message");
  c_.Must(Dismiss("coach", "mine"));
}

TEST_F(StudyGroup, DismissingWhatReportsDidNotHideIsRefusedNamingTheField) {
  Post("ann", "fine", "hello all");
  c_.ExpectRejected(Dismiss("ta", "nope"), Code::kNotFound, "dismiss_reports.message_id");
  c_.ExpectRejected(Dismiss("ta", ""), Code::kInvalidArgument, "dismiss_reports.message_id");
  // Reported twice, below the threshold of three: not hidden.
  c_.Must(Report("bob", "fine"));
  c_.Must(Report("cat", "fine"));
  c_.ExpectRejected(Dismiss("ta", "fine"), Code::kFailedPrecondition, "dismiss_reports.message_id");
  // Hidden by the rules, not by reports: reports cannot be dismissed into showing it.
  Post("ann", "ad", "代购 cheap bags");
  ReportedAway("ad");
  c_.ExpectRejected(Dismiss("ta", "ad"), Code::kFailedPrecondition, "hidden by the rules");
  // Restored once: there is nothing left to dismiss.
  Post("ann", "notes", "week 2 notes");
  ReportedAway("notes");
  c_.Must(Dismiss("ta", "notes"));
  c_.ExpectRejected(Dismiss("ta", "notes"), Code::kFailedPrecondition, "is not hidden");
  // Deleted by its author: gone, not restorable.
  Post("ann", "gone", "oops");
  ReportedAway("gone");
  v1::Event del = c_.Make("ann");
  del.mutable_delete_message()->set_message_id("gone");
  c_.Must(del);
  c_.ExpectRejected(Dismiss("ta", "gone"), Code::kFailedPrecondition, "was deleted");
}

TEST_F(StudyGroup, AMessageHiddenByReportsIsStillRestorableAfterASnapshot) {
  Post("ann", "notes", "week 2 notes");
  ReportedAway("notes");
  auto restored = Engine::Restore(ParseConfig(kStudyGroup), c_.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  c_.ReplaceEngine(*std::move(restored));
  c_.ExpectRejected(Report("bob", "notes"), Code::kAlreadyExists, "report.message_id");
  EXPECT_THAT(Kinds(c_.Must(Dismiss("ta", "notes"))), ElementsAre(v1::ACTION_KIND_RESTORE_MESSAGE));
}

}  // namespace
}  // namespace shequn
