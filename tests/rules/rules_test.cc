// Group rules (D-5): the ladder, decay, appeals, deposits, screening that
// resists evasion, floods, reports, mediation and the audit log.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::Find;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::kSecond;
using ::shequn::testing::Kinds;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

constexpr absl::string_view kBootcamp = R"pb(
  id: "camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles {
    staff { member_id: "coach" role: ROLE_OWNER }
    staff { member_id: "ta" role: ROLE_ADMIN }
    staff { member_id: "ta2" role: ROLE_ADMIN }
  }
  admission { deposit_cents: 5000 }
  rules {
    word_lists { category: "abuse" words: ["傻逼", "idiot", "滚蛋"] }
    word_lists { category: "advertising" words: ["加微信", "代购"] }
    word_lists { category: "indecent" words: ["cunt"] }
    whitelist: ["scunthorpe"]
    categories { category: "advertising" ladder { remove: true } }
  }
)pb";

class Camp : public ::testing::Test {
 protected:
  explicit Camp(absl::string_view config = kBootcamp) : c_(ParseConfig(config)) {
    for (const char* who : {"ann", "bob", "cat"}) {
      v1::Event e = c_.Make(who);
      e.mutable_apply()->set_deposit_paid_cents(5000);
      c_.Must(e);
    }
  }

  v1::Outcome Say(absl::string_view who, absl::string_view text, absl::string_view reply_to = "") {
    v1::Event e = c_.Make(who, "camp");
    e.mutable_message()->set_message_id(absl::StrCat("msg", ++messages_));
    e.mutable_message()->set_text(std::string(text));
    e.mutable_message()->set_reply_to(std::string(reply_to));
    return c_.Must(e);
  }

  std::string LastMessageId() const { return absl::StrCat("msg", messages_); }

  Community c_;
  int messages_ = 0;
};

TEST_F(Camp, TheThreeStrikeLadderWarnsThenMutesThenRemoves) {
  v1::Outcome first = Say("ann", "you idiot");
  EXPECT_THAT(Kinds(first), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_WARN_PRIVATELY));
  const v1::Action warn = MustFind(first, v1::ACTION_KIND_WARN_PRIVATELY);
  EXPECT_EQ(warn.rule(), "rules.ladder[0]");
  EXPECT_EQ(warn.category(), "abuse");
  EXPECT_EQ(warn.strike_count(), 1u);
  EXPECT_EQ(warn.text(), "idiot");
  ASSERT_EQ(warn.spans_size(), 1);
  EXPECT_EQ(warn.spans(0).begin(), 4u);
  EXPECT_EQ(warn.spans(0).end(), 9u);

  c_.Advance(kHour);
  v1::Outcome second = Say("ann", "滚蛋吧");
  const v1::Action mute = MustFind(second, v1::ACTION_KIND_MUTE, "ann");
  EXPECT_TRUE(Find(second, v1::ACTION_KIND_ANNOUNCE, "ann"));
  EXPECT_EQ(mute.rule(), "rules.ladder[1]");
  EXPECT_EQ(mute.duration_seconds(), 86400);
  EXPECT_EQ(mute.strike_count(), 2u);

  EXPECT_TRUE(Find(c_.Advance(2 * kDay), v1::ACTION_KIND_UNMUTE, "ann"));  // the mute ran out
  v1::Outcome third = Say("ann", "傻逼");
  const v1::Action removal = MustFind(third, v1::ACTION_KIND_REMOVE, "ann");
  EXPECT_EQ(removal.rule(), "rules.ladder[2]");
  EXPECT_EQ(removal.strike_count(), 3u);
  // Removed midway: the deposit is kept by the community.
  EXPECT_EQ(MustFind(third, v1::ACTION_KIND_FORFEIT_DEPOSIT, "ann").amount_cents(), 5000);
  EXPECT_EQ(c_.Member("ann").status(), v1::MEMBER_STATUS_REMOVED);
}

TEST_F(Camp, AMuteEndsOnItsOwnWhenTimeAdvances) {
  Say("bob", "idiot");
  Say("bob", "idiot!!");
  v1::Outcome before = c_.Advance(23 * kHour);
  EXPECT_FALSE(Find(before, v1::ACTION_KIND_UNMUTE, "bob"));
  v1::Outcome after = c_.Advance(2 * kHour);
  const std::optional<v1::Action> unmute = Find(after, v1::ACTION_KIND_UNMUTE, "bob");
  ASSERT_TRUE(unmute);
  EXPECT_EQ(unmute->rule(), "rules.mute_expiry");
}

TEST_F(Camp, AMutedMembersMessagesAreHidden) {
  Say("bob", "idiot");
  Say("bob", "idiot again");
  v1::Outcome muted = Say("bob", "hello everyone");
  EXPECT_THAT(Kinds(muted), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE));
  EXPECT_EQ(muted.actions(0).reason(), "muted");
  EXPECT_EQ(c_.engine().LiveStrikes("bob").value(), 2u);
}

TEST_F(Camp, StrikesDecayAfterThirtyDays) {
  Say("cat", "idiot");
  c_.Advance(31 * kDay);
  v1::Outcome later = Say("cat", "idiot");
  EXPECT_EQ(MustFind(later, v1::ACTION_KIND_WARN_PRIVATELY, "cat").strike_count(), 1u);
  EXPECT_FALSE(Find(later, v1::ACTION_KIND_MUTE));
}

TEST_F(Camp, AnAppealRevokesAStrikeLiftsItsMuteAndTheLadderRecomputes) {
  Say("ann", "idiot");
  v1::Outcome second = Say("ann", "idiot");
  const uint64_t strike = MustFind(second, v1::ACTION_KIND_MUTE).strike_id();
  v1::Event appeal = c_.Make("ta");
  appeal.mutable_revoke_strike()->set_member("ann");
  appeal.mutable_revoke_strike()->set_strike_id(strike);
  appeal.mutable_revoke_strike()->set_reason("quoting the troll, not insulting");
  v1::Outcome out = c_.Must(appeal);
  EXPECT_THAT(Kinds(out), ElementsAre(v1::ACTION_KIND_REVOKE_STRIKE, v1::ACTION_KIND_UNMUTE));
  EXPECT_EQ(out.actions(0).strike_count(), 1u);
  // The next violation is the second again, not the third.
  v1::Outcome next = Say("ann", "idiot");
  EXPECT_TRUE(Find(next, v1::ACTION_KIND_MUTE, "ann"));
  EXPECT_FALSE(Find(next, v1::ACTION_KIND_REMOVE, "ann"));
  v1::Event twice = appeal;
  twice.set_id("appeal-again");
  c_.ExpectRejected(twice, Code::kNotFound, "revoke_strike.strike_id");
}

TEST_F(Camp, RevokingAnUnknownStrikeIsNotFound) {
  v1::Event appeal = c_.Make("ta");
  appeal.mutable_revoke_strike()->set_member("ann");
  appeal.mutable_revoke_strike()->set_strike_id(99);
  c_.ExpectRejected(appeal, Code::kNotFound, "revoke_strike.strike_id");
}

TEST_F(Camp, AdvertisingWithSpacesOrAFullWidthPhoneIsRemovedAtOnce) {
  v1::Outcome spaced = Say("bob", "想要资料的 加 微 信 abc123");
  const v1::Action removal = MustFind(spaced, v1::ACTION_KIND_REMOVE, "bob");
  EXPECT_EQ(removal.rule(), "rules.categories[0].ladder[0]");
  EXPECT_EQ(removal.category(), "advertising");
  EXPECT_THAT(removal.text(), HasSubstr("加 微 信"));

  const std::string text = "联系我 １３８ ００１３ ８０００";
  v1::Outcome phone = Say("cat", text);
  const v1::Action hide = MustFind(phone, v1::ACTION_KIND_HIDE_MESSAGE, "cat");
  std::vector<std::string> masked;
  for (const v1::TextSpan& span : hide.spans()) {
    masked.push_back(text.substr(span.begin(), span.end() - span.begin()));
  }
  // "联系我" (contact me) is a solicitation; the number is caught whole.
  EXPECT_THAT(masked, ::testing::Contains("１３８ ００１３ ８０００"));
  EXPECT_EQ(MustFind(phone, v1::ACTION_KIND_WARN_PRIVATELY, "cat").category(), "poaching");
}

TEST_F(Camp, TheWhitelistKeepsAnInnocentWord) {
  v1::Outcome town = Say("ann", "I grew up in Scunthorpe");
  EXPECT_EQ(town.actions_size(), 0);
  EXPECT_TRUE(Find(Say("ann", "what a cunt"), v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

TEST_F(Camp, ReportsFromThreeMembersHideAndFlagWithoutAStrike) {
  Say("ann", "this is a perfectly fine message");
  const std::string id = LastMessageId();
  auto report = [&](const char* who) {
    v1::Event e = c_.Make(who);
    e.mutable_report()->set_message_id(id);
    e.mutable_report()->set_reason("rude");
    return e;
  };
  EXPECT_EQ(c_.Must(report("bob")).actions_size(), 0);
  EXPECT_EQ(c_.Must(report("cat")).actions_size(), 0);
  v1::Outcome third = c_.Must(report("ta"));
  EXPECT_THAT(Kinds(third), ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_FLAG_FOR_ADMIN));
  EXPECT_EQ(third.actions(1).amount(), 3);
  EXPECT_EQ(third.actions(1).member(), "ann");
  EXPECT_EQ(c_.engine().LiveStrikes("ann").value(), 0u);
  c_.ExpectRejected(report("bob"), Code::kAlreadyExists, "report.message_id");
  c_.ExpectRejected(report("ann"), Code::kInvalidArgument, "own message");
  v1::Event unknown = report("bob");
  unknown.mutable_report()->set_message_id("nope");
  c_.ExpectRejected(unknown, Code::kNotFound, "report.message_id");
}

TEST_F(Camp, InsultsBothWaysRaiseMediation) {
  Say("ann", "I think the deadline is too tight");
  const std::string opening = LastMessageId();
  Say("bob", "you idiot", opening);
  v1::Outcome back = Say("ann", "滚蛋", LastMessageId());
  const std::optional<v1::Action> mediate = Find(back, v1::ACTION_KIND_MEDIATE);
  ASSERT_TRUE(mediate);
  EXPECT_EQ(mediate->member(), "ann");
  EXPECT_EQ(mediate->target_member(), "bob");
  EXPECT_EQ(mediate->rule(), "rules.mediation_window_seconds");
  // Both were still struck: mediation comes on top of the ladder.
  EXPECT_TRUE(Find(back, v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

TEST_F(Camp, TheAuditLogSaysWhyAMemberWasMuted) {
  Say("cat", "idiot");
  Say("cat", "傻逼");
  absl::StatusOr<std::vector<v1::AuditEntry>> log = c_.engine().Audit("cat");
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);  // warning, notice, mute
  const v1::AuditEntry& mute = log->back();
  EXPECT_EQ(mute.action(), v1::ACTION_KIND_MUTE);
  EXPECT_EQ(mute.rule(), "rules.ladder[1]");
  EXPECT_EQ(mute.category(), "abuse");
  EXPECT_EQ(mute.matched(), "傻逼");
  EXPECT_EQ(mute.strike_count(), 2u);
  EXPECT_EQ(mute.message_id(), LastMessageId());
  EXPECT_EQ(c_.engine().Audit("ghost").status().code(), Code::kNotFound);
}

TEST_F(Camp, OperatorsSanctionByHandWithinTheirRank) {
  v1::Event mute = c_.Make("ta");
  mute.mutable_sanction()->set_member("bob");
  mute.mutable_sanction()->set_kind(v1::SANCTION_KIND_MUTE);
  mute.mutable_sanction()->set_duration_seconds(600);
  mute.mutable_sanction()->set_strike(true);
  mute.mutable_sanction()->set_category("off_topic");
  v1::Outcome out = c_.Must(mute);
  EXPECT_EQ(MustFind(out, v1::ACTION_KIND_MUTE, "bob").strike_count(), 1u);
  EXPECT_EQ(c_.engine().Audit("bob")->back().by(), "ta");

  v1::Event by_member = mute;
  by_member.set_id("by-member");
  by_member.set_actor("ann");
  c_.ExpectRejected(by_member, Code::kPermissionDenied, "actor: the role member may not sanction");
  v1::Event on_admin = mute;
  on_admin.set_id("on-admin");
  on_admin.mutable_sanction()->set_member("ta2");
  c_.ExpectRejected(on_admin, Code::kPermissionDenied, "member:");
  v1::Event forever = mute;
  forever.set_id("forever");
  forever.mutable_sanction()->set_duration_seconds(0);
  c_.ExpectRejected(forever, Code::kInvalidArgument, "sanction.duration_seconds");
  v1::Event unmute = c_.Make("ta");
  unmute.mutable_sanction()->set_member("cat");
  unmute.mutable_sanction()->set_kind(v1::SANCTION_KIND_UNMUTE);
  c_.ExpectRejected(unmute, Code::kFailedPrecondition, "not muted");
}

TEST_F(Camp, BadMessagesAreRefusedAndChangeNothing) {
  v1::Event bad = c_.Make("ann", "camp");
  bad.mutable_message()->set_message_id("m-bad");
  bad.mutable_message()->set_text("hi \xff there");
  c_.ExpectRejected(bad, Code::kInvalidArgument, "message.text: invalid UTF-8 at byte 3");
  v1::Event huge = c_.Make("ann", "camp");
  huge.mutable_message()->set_message_id("m-huge");
  huge.mutable_message()->set_text(std::string((1 << 20) + 1, 'a'));
  c_.ExpectRejected(huge, Code::kInvalidArgument, "message.text: 1048577 bytes");
  v1::Event no_id = c_.Make("ann", "camp");
  no_id.mutable_message()->set_text("hi");
  c_.ExpectRejected(no_id, Code::kInvalidArgument, "message.message_id: required");
  v1::Event stranger = c_.Make("nobody", "camp");
  stranger.mutable_message()->set_message_id("m-x");
  c_.ExpectRejected(stranger, Code::kNotFound, "actor: unknown member");
  Say("ann", "hello");
  v1::Event again = c_.Make("ann", "camp");
  again.mutable_message()->set_message_id(LastMessageId());
  c_.ExpectRejected(again, Code::kAlreadyExists, "message.message_id");
}

TEST_F(Camp, AOneMegabyteMessageIsScreenedToTheEnd) {
  std::string text(1 << 20, 'a');
  text.replace(text.size() - 6, 6, " idiot");
  EXPECT_TRUE(Find(Say("ann", text), v1::ACTION_KIND_WARN_PRIVATELY, "ann"));
}

constexpr absl::string_view kDepositCamp = R"pb(
  id: "deposit-camp"
  groups { id: "camp" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  admission { deposit_cents: 5000 }
  rules {
    word_lists { category: "abuse" words: ["idiot"] }
    ladder { warn: true }
    deposit_deduction_cents: 2000
  }
)pb";

class DepositCamp : public Camp {
 protected:
  DepositCamp() : Camp(kDepositCamp) {}
};

TEST_F(DepositCamp, EachViolationCostsDepositAndAnEmptyDepositRemoves) {
  v1::Outcome one = Say("ann", "idiot");
  EXPECT_EQ(MustFind(one, v1::ACTION_KIND_DEDUCT_DEPOSIT, "ann").amount_cents(), 2000);
  EXPECT_EQ(MustFind(one, v1::ACTION_KIND_DEDUCT_DEPOSIT).rule(), "rules.deposit_deduction_cents");
  Say("ann", "idiot");
  EXPECT_EQ(c_.Member("ann").deposit_cents(), 1000);
  v1::Outcome three = Say("ann", "idiot");
  // Only what is left can be taken; then the member is out.
  EXPECT_EQ(MustFind(three, v1::ACTION_KIND_DEDUCT_DEPOSIT, "ann").amount_cents(), 1000);
  const std::optional<v1::Action> removal = Find(three, v1::ACTION_KIND_REMOVE, "ann");
  ASSERT_TRUE(removal);
  EXPECT_EQ(removal->reason(), "deposit.exhausted");
  EXPECT_EQ(c_.Member("ann").status(), v1::MEMBER_STATUS_REMOVED);
  EXPECT_FALSE(Find(three, v1::ACTION_KIND_FORFEIT_DEPOSIT, "ann"));
}

constexpr absl::string_view kFloodGroup = R"pb(
  id: "fans"
  groups { id: "camp" stage: FUNNEL_STAGE_ACQUISITION }
  roles { staff { member_id: "coach" role: ROLE_OWNER } }
  rules {
    flood { max_messages: 5 window_seconds: 10 max_repeats: 3 }
    max_attachment_bytes: 10485760
  }
)pb";

class FloodGroup : public Camp {
 protected:
  FloodGroup() : Camp(kFloodGroup) {}
};

TEST_F(FloodGroup, SixMessagesInTenSecondsIsFlooding) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Say("ann", absl::StrCat("line ", i)).actions_size(), 0);
    c_.Advance(kSecond);
  }
  v1::Outcome sixth = Say("ann", "line 5");
  EXPECT_EQ(MustFind(sixth, v1::ACTION_KIND_WARN_PRIVATELY, "ann").category(), "flooding");
  // A calm pace is fine.
  for (int i = 0; i < 8; ++i) {
    c_.Advance(3 * kSecond);
    EXPECT_EQ(Say("bob", absl::StrCat("thought ", i)).actions_size(), 0);
  }
}

TEST_F(FloodGroup, TheSameTextThreeTimesIsFlooding) {
  EXPECT_EQ(Say("cat", "buy now").actions_size(), 0);
  c_.Advance(kHour / 60);
  EXPECT_EQ(Say("cat", "Buy now!").actions_size(), 0);
  c_.Advance(kHour / 60);
  EXPECT_EQ(MustFind(Say("cat", "BUY  NOW"), v1::ACTION_KIND_WARN_PRIVATELY, "cat").category(),
            "flooding");
}

TEST_F(FloodGroup, AnOversizeFileIsAViolation) {
  v1::Event e = c_.Make("ann", "camp");
  e.mutable_message()->set_message_id("file1");
  e.mutable_message()->set_kind(v1::MESSAGE_KIND_FILE);
  e.mutable_message()->set_size_bytes(50 << 20);
  EXPECT_EQ(MustFind(c_.Must(e), v1::ACTION_KIND_WARN_PRIVATELY, "ann").category(), "oversize");
}

TEST(RulesConfig, AMalformedWordListNamesTheEntry) {
  v1::CommunityConfig config = ParseConfig(kBootcamp);
  config.mutable_rules()->mutable_word_lists(1)->add_words("bad\xff");
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("rules.word_lists[1].words[2]"));

  config = ParseConfig(kBootcamp);
  config.mutable_rules()->add_detectors("fax");
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.detectors[0]"));
  config = ParseConfig(kBootcamp);
  config.mutable_rules()->add_ladder();
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.ladder[0]"));
  config = ParseConfig(kBootcamp);
  config.mutable_rules()->mutable_flood()->set_max_messages(5);
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.flood.window_seconds"));
  config = ParseConfig(kBootcamp);
  config.mutable_rules()->add_categories()->set_category("advertising");
  EXPECT_THAT(Engine::Create(config).status().message(),
              HasSubstr("rules.categories[1].category: duplicate"));
  config = ParseConfig(kBootcamp);
  config.mutable_rules()->set_strike_expiry_seconds(-1);
  EXPECT_THAT(Engine::Create(config).status().message(), HasSubstr("rules.strike_expiry_seconds"));
}

}  // namespace
}  // namespace shequn

namespace shequn {
namespace {

// A busy afternoon of messages, reports and appeals, restored at every
// tenth event, ends byte-identical to the uninterrupted run.
TEST(RulesSnapshot, RestoreAnywhereEqualsOneRun) {
  const v1::CommunityConfig config = testing::ParseConfig(kBootcamp);
  std::vector<v1::Event> events;
  const char* texts[] = {"hello", "idiot", "加 微 信 abc", "fine", "傻逼", "scunthorpe"};
  const char* people[] = {"ann", "bob", "cat", "dan"};
  int64_t t = testing::kStart;
  for (int i = 0; i < 4; ++i) {
    v1::Event e;
    e.set_id(absl::StrCat("join", i));
    e.set_time_ms(t);
    e.set_actor(people[i]);
    e.mutable_apply()->set_deposit_paid_cents(5000);
    events.push_back(e);
  }
  for (int i = 0; i < 120; ++i) {
    t += (i % 7) * testing::kHour;
    v1::Event e;
    e.set_id(absl::StrCat("ev", i));
    e.set_time_ms(t);
    e.set_actor(people[i % 4]);
    e.set_group("camp");
    if (i % 9 == 4) {
      e.mutable_report()->set_message_id(absl::StrCat("m", i - 1));
    } else {
      e.mutable_message()->set_message_id(absl::StrCat("m", i));
      e.mutable_message()->set_text(texts[(i * 5) % 6]);
      if (i > 0) e.mutable_message()->set_reply_to(absl::StrCat("m", i - 1));
    }
    events.push_back(e);
  }
  auto feed = [](Engine& engine, const std::vector<v1::Event>& all, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      ASSERT_TRUE(engine.AdvanceTo(all[i].time_ms()).ok());
      (void)engine.Apply(all[i]);
    }
  };
  auto whole = *Engine::Create(config);
  feed(*whole, events, 0, events.size());
  ASSERT_GT(whole->Snapshot().rules().audit_size(), 5);
  for (size_t cut = 0; cut < events.size(); cut += 10) {
    auto first = *Engine::Create(config);
    feed(*first, events, 0, cut);
    v1::CommunitySnapshot snap;
    ASSERT_TRUE(snap.ParseFromString(first->SnapshotBytes()));
    auto second = Engine::Restore(config, snap);
    ASSERT_TRUE(second.ok()) << second.status();
    feed(**second, events, cut, events.size());
    EXPECT_EQ((*second)->SnapshotBytes(), whole->SnapshotBytes()) << "cut " << cut;
  }
}

}  // namespace
}  // namespace shequn
