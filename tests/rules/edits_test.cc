// Members edit and delete their messages: an edit is screened again like
// a new message; a deletion takes the message away but not what it counted.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

constexpr absl::string_view kGroup = R"pb(
  id: "g"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "owner" role: ROLE_OWNER }
    staff { member_id: "admin" role: ROLE_ADMIN }
  }
  rules { word_lists { category: "abuse" words: ["idiot"] } }
)pb";

class Edits : public ::testing::Test {
 protected:
  Edits() : c_(ParseConfig(kGroup)) {
    c_.Join("ann");
    c_.Join("bob");
  }

  v1::Outcome Say(absl::string_view who, absl::string_view id, absl::string_view text) {
    v1::Event e = c_.Make(who, "g");
    e.mutable_message()->set_message_id(std::string(id));
    e.mutable_message()->set_text(std::string(text));
    return c_.Must(e);
  }

  v1::Event Edit(absl::string_view who, absl::string_view id, absl::string_view text) {
    v1::Event e = c_.Make(who, "g");
    e.mutable_edit_message()->set_message_id(std::string(id));
    e.mutable_edit_message()->set_text(std::string(text));
    return e;
  }

  v1::Event Delete(absl::string_view who, absl::string_view id) {
    v1::Event e = c_.Make(who, "g");
    e.mutable_delete_message()->set_message_id(std::string(id));
    return e;
  }

  Community c_;
};

TEST_F(Edits, AnInsultEditedInIsHiddenAndCountsAStrike) {
  EXPECT_THAT(Kinds(Say("ann", "m1", "good morning")), IsEmpty());
  v1::Outcome out = c_.Must(Edit("ann", "m1", "good morning, idiot"));
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_WARN_PRIVATELY));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE).message_id(), "m1");
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_WARN_PRIVATELY).message_id(), "m1");
  EXPECT_EQ(c_.engine().LiveStrikes("ann").value(), 1u);
}

TEST_F(Edits, ACleanEditChangesNothing) {
  Say("ann", "m1", "good morning");
  EXPECT_THAT(Kinds(c_.Must(Edit("ann", "m1", "good morning all"))), IsEmpty());
  EXPECT_EQ(c_.engine().LiveStrikes("ann").value(), 0u);
}

TEST_F(Edits, EditingAnUnknownMessageIsNotFound) {
  c_.ExpectRejected(Edit("ann", "nope", "hi"), Code::kNotFound, "edit_message.message_id");
}

TEST_F(Edits, EditingAMessageWithoutAnIdIsRefused) {
  c_.ExpectRejected(Edit("ann", "", "hi"), Code::kInvalidArgument, "edit_message.message_id");
}

TEST_F(Edits, NobodyEditsSomeoneElsesMessageNotEvenAnAdmin) {
  Say("ann", "m1", "hello");
  c_.ExpectRejected(Edit("bob", "m1", "idiot"), Code::kPermissionDenied,
                    "edit_message.message_id: message 'm1' is by 'ann'");
  c_.ExpectRejected(Edit("admin", "m1", "hi"), Code::kPermissionDenied, "only its author");
}

TEST_F(Edits, AnAuthorDeletesTheirMessageAndItCanNoLongerBeEditedOrReported) {
  Say("ann", "m1", "hello");
  EXPECT_THAT(Kinds(c_.Must(Delete("ann", "m1"))), IsEmpty());
  c_.ExpectRejected(Edit("ann", "m1", "hi"), Code::kFailedPrecondition, "was deleted");
  c_.ExpectRejected(Delete("ann", "m1"), Code::kFailedPrecondition, "deleted already");
  v1::Event report = c_.Make("bob", "g");
  report.mutable_report()->set_message_id("m1");
  c_.ExpectRejected(report, Code::kFailedPrecondition, "report.message_id");
}

TEST_F(Edits, AnAdminDeletesAMembersMessage) {
  Say("ann", "m1", "hello");
  c_.Must(Delete("admin", "m1"));
  c_.ExpectRejected(Edit("ann", "m1", "hi"), Code::kFailedPrecondition, "was deleted");
}

TEST_F(Edits, AMemberCannotDeleteAnothersMessage) {
  Say("ann", "m1", "hello");
  c_.ExpectRejected(Delete("bob", "m1"), Code::kPermissionDenied,
                    "delete_message.message_id: message 'm1' is by 'ann'");
}

TEST_F(Edits, DeletingAnUnknownMessageIsNotFound) {
  c_.ExpectRejected(Delete("ann", "nope"), Code::kNotFound, "delete_message.message_id");
}

TEST_F(Edits, ADeletedMessageStillCountsInTheGroupsActivity) {
  Say("ann", "m1", "hello");
  Say("ann", "m2", "again");
  const uint32_t before = c_.engine().Report(c_.now()).community().periods(0).messages();
  c_.Must(Delete("ann", "m1"));
  EXPECT_EQ(c_.engine().Report(c_.now()).community().periods(0).messages(), before);
  EXPECT_EQ(before, 2u);
}

TEST_F(Edits, AStrikeStaysWhenTheMessageIsDeleted) {
  Say("ann", "m1", "idiot");
  c_.Must(Delete("ann", "m1"));
  EXPECT_EQ(c_.engine().LiveStrikes("ann").value(), 1u);
}

TEST_F(Edits, AMutedMembersEditIsHidden) {
  Say("ann", "m1", "hello");
  Say("ann", "m2", "idiot");
  Say("ann", "m3", "idiot");  // second strike: muted for a day
  v1::Outcome out = c_.Must(Edit("ann", "m1", "hello again"));
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann").reason(), "muted");
  c_.Advance(2 * kDay);
}

}  // namespace
}  // namespace shequn
