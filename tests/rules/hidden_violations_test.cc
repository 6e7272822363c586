// Every message that breaks a rule is hidden, as an operator reads the
// config: a hide_only category hides and does nothing else; a laddered one
// hides and takes its ladder step. A violation that is the message itself
// (an oversize file, flooding) hides the whole message: no spans.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A paid bootcamp that caps files at 20 MB and only hides bigger ones: a
// course video shared by mistake is taken down, nobody is struck for it.
constexpr absl::string_view kHideOnlyCamp = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission { deposit_cents: 5000 }
  rules {
    word_lists { category: "off_topic" words: ["彩票"] }
    max_attachment_bytes: 20971520
    flood { max_messages: 3 window_seconds: 10 }
    categories { category: "oversize" hide_only: true }
    categories { category: "flooding" hide_only: true }
    categories { category: "off_topic" hide_only: true }
  }
)pb";

// The same bootcamp with the default three-strike ladder for every category.
constexpr absl::string_view kLadderCamp = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission { deposit_cents: 5000 }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    max_attachment_bytes: 20971520
    flood { max_messages: 3 window_seconds: 10 }
  }
)pb";

constexpr uint64_t kMb = 1 << 20;

class Bootcamp {
 public:
  explicit Bootcamp(absl::string_view config) : c_(ParseConfig(config)) {
    for (const char* who : {"ann", "bob"}) {
      v1::Event e = c_.Make(who);
      e.mutable_apply()->set_deposit_paid_cents(5000);
      c_.Must(e);
    }
  }

  v1::Outcome Post(absl::string_view who, absl::string_view text, uint64_t size_bytes = 0) {
    v1::Event e = c_.Make(who, "camp");
    e.mutable_message()->set_message_id(absl::StrCat("m", ++n_));
    e.mutable_message()->set_text(std::string(text));
    if (size_bytes > 0) {
      e.mutable_message()->set_kind(v1::MESSAGE_KIND_FILE);
      e.mutable_message()->set_size_bytes(size_bytes);
    }
    return c_.Must(e);
  }
  std::string last_id() const { return absl::StrCat("m", n_); }

  Community c_;
  int n_ = 0;
};

TEST(HiddenViolations, A200MbFileUnderAHideOnlyRuleIsHiddenWholeAndNobodyIsStruck) {
  Bootcamp camp(kHideOnlyCamp);
  const v1::Outcome out = camp.Post("ann", "week 3 recording", 200 * kMb);
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE));
  const v1::Action hide = MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann");
  EXPECT_EQ(hide.message_id(), camp.last_id());
  EXPECT_EQ(hide.category(), "oversize");
  EXPECT_EQ(hide.rule(), "rules.max_attachment_bytes");
  EXPECT_EQ(hide.group(), "camp");
  EXPECT_THAT(hide.spans(), IsEmpty()) << "the file itself is the violation: hide it whole";
  EXPECT_EQ(camp.c_.engine().LiveStrikes("ann").value(), 0u);
  // A file within the cap is left alone.
  EXPECT_THAT(Kinds(camp.Post("bob", "slides", 5 * kMb)), IsEmpty());
}

TEST(HiddenViolations, AnOversizeFileOnTheLadderIsHiddenAndTheMemberWarned) {
  Bootcamp camp(kLadderCamp);
  const v1::Outcome out = camp.Post("ann", "week 3 recording", 200 * kMb);
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_WARN_PRIVATELY));
  EXPECT_THAT(MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann").spans(), IsEmpty());
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_WARN_PRIVATELY, "ann").category(), "oversize");
  // The second is hidden too, and the ladder's second step mutes.
  const v1::Outcome again = camp.Post("ann", "week 4 recording", 300 * kMb);
  EXPECT_EQ(MustFind(again, v1::ACTION_KIND_HIDE_MESSAGE, "ann").message_id(), camp.last_id());
  EXPECT_EQ(Count(again, v1::ACTION_KIND_MUTE), 1);
}

TEST(HiddenViolations, TheFloodingMessageIsHiddenWholeHideOnlyOrLaddered) {
  for (absl::string_view config : {kHideOnlyCamp, kLadderCamp}) {
    Bootcamp camp(config);
    for (int i = 0; i < 3; ++i) EXPECT_THAT(Kinds(camp.Post("bob", absl::StrCat("q", i))), IsEmpty());
    const v1::Outcome fourth = camp.Post("bob", "q3");
    const v1::Action hide = MustFind(fourth, v1::ACTION_KIND_HIDE_MESSAGE, "bob");
    EXPECT_EQ(hide.category(), "flooding");
    EXPECT_EQ(hide.rule(), "rules.flood");
    EXPECT_THAT(hide.spans(), IsEmpty());
    const bool laddered = config == kLadderCamp;
    EXPECT_EQ(Count(fourth, v1::ACTION_KIND_WARN_PRIVATELY), laddered ? 1 : 0);
  }
}

TEST(HiddenViolations, AWordListMatchStillMasksOnlyItsSpans) {
  Bootcamp camp(kHideOnlyCamp);
  const v1::Outcome out = camp.Post("ann", "买彩票吗");
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE));
  const v1::Action hide = MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann");
  EXPECT_EQ(hide.rule(), "rules.word_lists");
  ASSERT_EQ(hide.spans_size(), 1);
  EXPECT_EQ(hide.spans(0).begin(), 3u);
  EXPECT_EQ(hide.spans(0).end(), 9u);
}

TEST(HiddenViolations, ABannedCaptionOnAnOversizeFileHidesTheWholeMessageOnce) {
  Bootcamp camp(kLadderCamp);
  const v1::Outcome out = camp.Post("ann", "idiot, watch this", 200 * kMb);
  EXPECT_EQ(Count(out, v1::ACTION_KIND_HIDE_MESSAGE), 1);
  EXPECT_THAT(MustFind(out, v1::ACTION_KIND_HIDE_MESSAGE, "ann").spans(), IsEmpty());
  EXPECT_EQ(Count(out, v1::ACTION_KIND_WARN_PRIVATELY), 1) << "one strike per message";
}

TEST(HiddenViolations, StaffExemptFromScreeningShareBigFilesUnhidden) {
  Bootcamp camp(kHideOnlyCamp);
  v1::Event e = camp.c_.Make("coach", "camp");
  e.mutable_message()->set_message_id("lecture");
  e.mutable_message()->set_kind(v1::MESSAGE_KIND_VIDEO);
  e.mutable_message()->set_size_bytes(500 * kMb);
  EXPECT_THAT(Kinds(camp.c_.Must(e)), IsEmpty());
}

TEST(HiddenViolations, AHiddenOversizeFileCountsAsOneViolation) {
  Bootcamp camp(kLadderCamp);
  camp.Post("ann", "recording", 200 * kMb);
  const v1::Report report = camp.c_.engine().Report(camp.c_.now());
  EXPECT_EQ(report.community().periods(0).violations(), 1u);
  EXPECT_EQ(report.community().periods(0).sanctions(), 1u);
}

}  // namespace
}  // namespace shequn
