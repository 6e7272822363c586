// Hostile inputs: every limit in include/shequn/engine.h refuses what is past
// it with InvalidArgument naming the field, changes nothing, and answers
// promptly (these tests finish in well under a second each; no timing is
// asserted, a quadratic path would simply make them hang).
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "shequn/engine_testing.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kDay;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Code = absl::StatusCode;

const std::string kMegabyte(1 << 20, 'x');

v1::CommunityConfig Busy() { return ParseConfig(kBusyCommunity); }

void ExpectConfigRefused(const v1::CommunityConfig& config, absl::string_view field) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(config);
  ASSERT_FALSE(engine.ok()) << "accepted a config past a limit (" << field << ")";
  EXPECT_EQ(engine.status().code(), Code::kInvalidArgument) << engine.status();
  EXPECT_THAT(engine.status().message(), HasSubstr(field));
}

TEST(Limits, AConfigWithAHundredThousandGroupsIsRefused) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i < 100'000; ++i) {
    v1::GroupConfig* g = config.add_groups();
    g->set_id(absl::StrCat("g", i));
    g->set_stage(v1::FUNNEL_STAGE_ACQUISITION);
  }
  ExpectConfigRefused(config, "groups: 100002 entries, limit 10000");
}

TEST(Limits, TenThousandGroupsAreFine) {
  v1::CommunityConfig config = Busy();
  while (config.groups_size() < limits::kMaxGroups) {
    v1::GroupConfig* g = config.add_groups();
    g->set_id(absl::StrCat("g", config.groups_size()));
    g->set_stage(v1::FUNNEL_STAGE_SHARING);
  }
  EXPECT_TRUE(Engine::Create(config).ok());
}

TEST(Limits, AConfigWithAHundredThousandStaffIsRefused) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i < 100'000; ++i) {
    v1::StaffSeat* s = config.mutable_roles()->add_staff();
    s->set_member_id(absl::StrCat("s", i));
    s->set_role(v1::ROLE_ASSISTANT);
  }
  ExpectConfigRefused(config, "roles.staff: 100002 entries, limit 10000");
}

TEST(Limits, AnOversizedConfigIsRefusedBeforeItIsWalked) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i < 5; ++i) config.mutable_positioning()->mutable_why()->append(kMegabyte);
  ExpectConfigRefused(
      config, absl::StrCat("config: ", config.ByteSizeLong(), " bytes serialised, limit 4194304"));
}

TEST(Limits, HostileConfigFields) {
  struct Case {
    const char* field;
    void (*mutate)(v1::CommunityConfig&);
  };
  const Case cases[] = {
      {"id: 300 bytes, limit 256", [](v1::CommunityConfig& c) { c.set_id(std::string(300, 'c')); }},
      {"groups[0].id", [](v1::CommunityConfig& c) { c.mutable_groups(0)->set_id(kMegabyte); }},
      {"groups[0].name", [](v1::CommunityConfig& c) { c.mutable_groups(0)->set_name(kMegabyte); }},
      {"roles.staff[0].member_id",
       [](v1::CommunityConfig& c) { c.mutable_roles()->mutable_staff(0)->set_member_id(kMegabyte); }},
      {"roles.staff[0].nickname",
       [](v1::CommunityConfig& c) { c.mutable_roles()->mutable_staff(0)->set_nickname(kMegabyte); }},
      {"teams.names: 1002 entries",
       [](v1::CommunityConfig& c) {
         for (int i = 0; i < 1000; ++i) c.mutable_teams()->add_names(absl::StrCat("t", i));
       }},
      {"teams.names[0]", [](v1::CommunityConfig& c) { c.mutable_teams()->set_names(0, kMegabyte); }},
      {"admission.prescreen: 65 entries",
       [](v1::CommunityConfig& c) {
         for (int i = 0; i < 65; ++i) {
           auto* p = c.mutable_admission()->add_prescreen();
           p->set_attribute("city");
           p->add_allowed_values("x");
         }
       }},
      {"admission.prescreen[0].allowed_values: 100000 entries",
       [](v1::CommunityConfig& c) {
         auto* p = c.mutable_admission()->add_prescreen();
         p->set_attribute("city");
         for (int i = 0; i < 100'000; ++i) p->add_allowed_values(absl::StrCat("v", i));
       }},
      {"admission.deposit_cents",
       [](v1::CommunityConfig& c) { c.mutable_admission()->set_deposit_cents(INT64_MAX); }},
      {"ritual.deadline_seconds",
       [](v1::CommunityConfig& c) { c.mutable_ritual()->set_deadline_seconds(INT64_MAX); }},
      {"ritual.grace_seconds",
       [](v1::CommunityConfig& c) { c.mutable_ritual()->set_grace_seconds(INT64_MAX / 1000); }},
      {"idempotency_window_seconds",
       [](v1::CommunityConfig& c) { c.set_idempotency_window_seconds(INT64_MAX); }},
      {"ritual.intro_fields: 100000 entries",
       [](v1::CommunityConfig& c) {
         for (int i = 0; i < 99'999; ++i) c.mutable_ritual()->add_intro_fields("f");
       }},
      {"ritual.handbook", [](v1::CommunityConfig& c) { c.mutable_ritual()->set_handbook(kMegabyte); }},
      {"ritual.welcome_message",
       [](v1::CommunityConfig& c) { c.mutable_ritual()->set_welcome_message(kMegabyte); }},
      {"ritual.nickname.fields: 1000 entries",
       [](v1::CommunityConfig& c) {
         auto* f = c.mutable_ritual()->mutable_nickname();
         f->clear_fields();
         for (int i = 0; i < 1000; ++i) f->add_fields()->set_name("n");
       }},
      {"ritual.nickname.separator",
       [](v1::CommunityConfig& c) { c.mutable_ritual()->mutable_nickname()->set_separator(kMegabyte); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    v1::CommunityConfig config = Busy();
    c.mutate(config);
    ExpectConfigRefused(config, c.field);
  }
}

class HostileEvent : public ::testing::Test {
 protected:
  HostileEvent() : c_(Busy()) {
    v1::Event join = c_.Make("ann");
    join.mutable_apply()->set_accepted_rules(true);
    join.mutable_apply()->set_nickname("安|杭州");
    join.mutable_apply()->set_deposit_paid_cents(500);
    c_.Must(join);
  }
  Community c_;
};

TEST_F(HostileEvent, OneMegabyteFieldsAreRefusedNamingTheField) {
  v1::Event apply = c_.Make("bob");
  apply.mutable_apply()->set_nickname(kMegabyte);
  c_.ExpectRejected(apply, Code::kInvalidArgument, "apply.nickname: 1048576 bytes, limit 256");

  v1::Event rename = c_.Make("ann");
  rename.mutable_rename()->set_nickname(kMegabyte);
  c_.ExpectRejected(rename, Code::kInvalidArgument, "rename.nickname: 1048576 bytes");

  v1::Event intro = c_.Make("ann");
  (*intro.mutable_introduce()->mutable_fields())["爱好"] = kMegabyte;
  c_.ExpectRejected(intro, Code::kInvalidArgument, "introduce.fields[爱好]: 1048576 bytes, limit 16384");
  v1::Event long_intro = c_.Make("ann");
  (*long_intro.mutable_introduce()->mutable_fields())["爱好"] = std::string(10'000, 'x');
  (*long_intro.mutable_introduce()->mutable_fields())["城市"] = std::string(10'000, 'x');
  c_.ExpectRejected(long_intro, Code::kInvalidArgument, "introduce.fields: 20012 bytes in all");

  v1::Event fields = c_.Make("ann");
  for (int i = 0; i < 100'000; ++i) {
    (*fields.mutable_introduce()->mutable_fields())[absl::StrCat("k", i)] = "v";
  }
  c_.ExpectRejected(fields, Code::kInvalidArgument, "introduce.fields: 100000 entries, limit 64");

  v1::Event attributes = c_.Make("bob");
  for (int i = 0; i < 100'000; ++i) {
    (*attributes.mutable_apply()->mutable_attributes())[absl::StrCat("k", i)] = "v";
  }
  c_.ExpectRejected(attributes, Code::kInvalidArgument, "apply.attributes: 100000 entries");

  v1::Event value = c_.Make("bob");
  (*value.mutable_apply()->mutable_attributes())["city"] = kMegabyte;
  c_.ExpectRejected(value, Code::kInvalidArgument, "apply.attributes[city]: 1048576 bytes");

  v1::Event tasks = c_.Make("bob");
  for (int i = 0; i < 100'000; ++i) tasks.mutable_apply()->add_completed_tasks("t");
  c_.ExpectRejected(tasks, Code::kInvalidArgument, "apply.completed_tasks: 100000 entries");

  v1::Event channel = c_.Make("bob");
  channel.mutable_apply()->set_channel(kMegabyte);
  c_.ExpectRejected(channel, Code::kInvalidArgument, "apply.channel");

  v1::Event money = c_.Make("bob");
  money.mutable_apply()->set_deposit_paid_cents(INT64_MAX);
  c_.ExpectRejected(money, Code::kInvalidArgument, "apply.deposit_paid_cents");

  v1::Event remove = c_.Make("admin");
  remove.mutable_remove()->set_member("ann");
  remove.mutable_remove()->set_reason(kMegabyte);
  c_.ExpectRejected(remove, Code::kInvalidArgument, "remove.reason: 1048576 bytes, limit 16384");

  v1::Event target = c_.Make("admin");
  target.mutable_ban()->set_member(kMegabyte);
  c_.ExpectRejected(target, Code::kInvalidArgument, "ban.member: 1048576 bytes, limit 256");

  v1::Event move = c_.Make("admin");
  move.mutable_move()->set_member("ann");
  move.mutable_move()->set_to_group(kMegabyte);
  c_.ExpectRejected(move, Code::kInvalidArgument, "move.to_group: 1048576 bytes");

  v1::Event team = c_.Make("ann");
  team.mutable_join_team()->set_team(kMegabyte);
  c_.ExpectRejected(team, Code::kInvalidArgument, "join_team.team: 1048576 bytes");
}

TEST_F(HostileEvent, OversizedEnvelopesAreRefused) {
  v1::Event id = c_.Make("ann");
  id.mutable_handbook_ack();
  id.set_id(kMegabyte);
  c_.ExpectRejected(id, Code::kInvalidArgument, "id: 1048576 bytes, limit 256");

  v1::Event actor = c_.Make(kMegabyte);
  actor.mutable_apply();
  c_.ExpectRejected(actor, Code::kInvalidArgument, "actor: 1048576 bytes, limit 256");

  v1::Event group = c_.Make("bob", kMegabyte);
  group.mutable_apply();
  c_.ExpectRejected(group, Code::kInvalidArgument, "group: 1048576 bytes");

  v1::Event far = c_.Make("ann");
  far.mutable_handbook_ack();
  far.set_time_ms(INT64_MAX);
  c_.ExpectRejected(far, Code::kInvalidArgument,
                    "time_ms: 9223372036854775807 is outside 0..253402300799999");
  const std::string before = c_.engine().SnapshotBytes();
  const absl::Status past_the_end = c_.engine().AdvanceTo(INT64_MAX).status();
  EXPECT_EQ(past_the_end.code(), Code::kInvalidArgument);
  EXPECT_THAT(past_the_end.message(),
              HasSubstr("time_ms: 9223372036854775807 is after 253402300799999"));
  EXPECT_EQ(c_.engine().SnapshotBytes(), before);
}

TEST_F(HostileEvent, ValuesAtTheLimitAreAccepted) {
  v1::Event rename = c_.Make("ann");
  rename.mutable_rename()->set_nickname(std::string(limits::kMaxNameBytes, 'n'));
  c_.Must(rename);
  v1::Event intro = c_.Make("ann");
  (*intro.mutable_introduce()->mutable_fields())["爱好"] =
      std::string(limits::kMaxTextBytes - std::string("爱好").size(), 'x');
  c_.Must(intro);
  v1::Event id = c_.Make("ann");
  id.set_id(std::string(limits::kMaxIdBytes, 'i'));
  id.mutable_handbook_ack();
  c_.Must(id);
}

TEST(Limits, HostileSnapshotsAreRefusedNamingTheField) {
  const v1::CommunityConfig config = Busy();
  auto engine = Engine::Create(config);
  ASSERT_TRUE(engine.ok());
  v1::CommunitySnapshot snap = (*engine)->Snapshot();
  snap.set_last_time_ms(-5);
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(), HasSubstr("snapshot.last_time_ms"));

  snap = (*engine)->Snapshot();
  for (int i = 0; i < 20'000; ++i) {
    v1::GroupRecord* g = snap.mutable_membership()->add_groups();
    g->set_id(absl::StrCat("x", i));
    g->set_capacity(1);
  }
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(),
              HasSubstr("snapshot.membership.groups: 20002 groups, limit 10000"));

  // A waitlisted member missing from the waitlist, or listed twice.
  snap = (*engine)->Snapshot();
  v1::MemberRecord* m = snap.mutable_membership()->add_members();
  m->set_id("w");
  m->set_role(v1::ROLE_MEMBER);
  m->set_status(v1::MEMBER_STATUS_WAITLISTED);
  m->set_group("new");
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(),
              HasSubstr("membership.members[2].status: waitlisted but not in the waitlist"));
  snap.mutable_membership()->add_waitlist("w");
  snap.mutable_membership()->add_waitlist("w");
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(),
              HasSubstr("membership.waitlist[1]: listed twice"));

  // A team for a member who has left.
  snap = (*engine)->Snapshot();
  m = snap.mutable_membership()->add_members();
  m->set_id("gone");
  m->set_role(v1::ROLE_MEMBER);
  m->set_status(v1::MEMBER_STATUS_LEFT);
  m->set_team("a");
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(),
              HasSubstr("membership.members[2].team"));
}

// The tag limit is met when the config is read: a community that lists its
// tags can never reach it at event time.
TEST(Limits, AConfigListingMoreTagsThanTheLimitIsRefused) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i <= limits::kMaxTags; ++i) config.mutable_segments()->add_tags(absl::StrCat("t", i));
  ExpectConfigRefused(config, absl::StrCat("segments.tags: ", limits::kMaxTags + 1,
                                           " tags, limit ", limits::kMaxTags));
  config.mutable_segments()->mutable_tags()->RemoveLast();
  EXPECT_TRUE(Engine::Create(config).ok());
}

// A community that lists no tags (any tag) meets it at the first tag past it,
// refused naming the limit and the way out; a snapshot past it is refused.
TEST(Limits, ACommunityTaggingFreelyStopsAtTheTagLimit) {
  const v1::CommunityConfig config = Busy();
  auto engine = Engine::Create(config);
  ASSERT_TRUE(engine.ok());
  v1::CommunitySnapshot snap = (*engine)->Snapshot();
  for (int i = 0; i < limits::kMaxTags; ++i) snap.mutable_segments()->add_tags(absl::StrCat("t", i));
  absl::StatusOr<std::unique_ptr<Engine>> full = Engine::Restore(config, testing::Resealed(snap));
  ASSERT_TRUE(full.ok()) << full.status();
  Community c(config);
  c.ReplaceEngine(*std::move(full));
  v1::Event tag = c.Make("owner");
  tag.mutable_tag()->set_member("owner");
  tag.mutable_tag()->set_tag("t7");
  c.Must(tag);  // a tag already in use
  tag = c.Make("owner");
  tag.mutable_tag()->set_member("owner");
  tag.mutable_tag()->set_tag("one-too-many");
  c.ExpectRejected(tag, Code::kResourceExhausted,
                   absl::StrCat("tag.tag: 'one-too-many' would be distinct tag ",
                                limits::kMaxTags + 1, ", limit ", limits::kMaxTags));

  snap.mutable_segments()->add_tags("past");
  EXPECT_THAT(Engine::Restore(config, testing::Resealed(snap)).status().message(),
              HasSubstr(absl::StrCat("segments.tags: ", limits::kMaxTags + 1, " tags, limit ",
                                     limits::kMaxTags)));
}

TEST(Limits, TheSegmentsFactorsAndHalfLifeAreBounded) {
  const struct {
    const char* field;
    void (*set)(v1::CommunityConfig&, double);
  } cases[] = {
      {"segments.seed.in_group_weight",
       [](v1::CommunityConfig& c, double v) { c.mutable_segments()->mutable_seed()->set_in_group_weight(v); }},
      {"segments.seed.product_weight",
       [](v1::CommunityConfig& c, double v) { c.mutable_segments()->mutable_seed()->set_product_weight(v); }},
      {"segments.health.min_shares_per_member",
       [](v1::CommunityConfig& c, double v) {
         c.mutable_segments()->mutable_health()->set_min_shares_per_member(v);
       }},
      {"segments.risk.spike_ratio",
       [](v1::CommunityConfig& c, double v) { c.mutable_segments()->mutable_risk()->set_spike_ratio(v); }},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.field);
    v1::CommunityConfig config = Busy();
    k.set(config, limits::kMaxConfigFactor);
    EXPECT_TRUE(Engine::Create(config).ok()) << Engine::Create(config).status();
    k.set(config, std::nextafter(limits::kMaxConfigFactor, 2 * limits::kMaxConfigFactor));
    ExpectConfigRefused(config, k.field);
  }
  v1::CommunityConfig config = Busy();
  config.mutable_segments()->mutable_orbit()->set_half_life_days(limits::kMaxDurationDays);
  EXPECT_TRUE(Engine::Create(config).ok());
  config.mutable_segments()->mutable_orbit()->set_half_life_days(limits::kMaxDurationDays + 0.5);
  ExpectConfigRefused(config, "segments.orbit.half_life_days");
}

// A report's lists are as long as the operator asks, up to the limit: an
// operator who asks for four billion core users is told which field is wrong.
TEST(Limits, AReportListLimitPastTheLimitIsRefusedNamingTheField) {
  v1::CommunityConfig config = Busy();
  config.mutable_segments()->set_report_list_limit(limits::kMaxReportListLimit);
  EXPECT_TRUE(Engine::Create(config).ok()) << Engine::Create(config).status();
  config.mutable_segments()->set_report_list_limit(limits::kMaxReportListLimit + 1);
  ExpectConfigRefused(config, absl::StrCat("segments.report_list_limit: ",
                                           limits::kMaxReportListLimit + 1,
                                           " is over the limit of ", limits::kMaxReportListLimit));
  config.mutable_segments()->set_report_list_limit(UINT32_MAX);
  ExpectConfigRefused(config, absl::StrCat("segments.report_list_limit: ", UINT32_MAX,
                                           " is over the limit of ", limits::kMaxReportListLimit));
}

// Segment names and seed checkpoints are checked for duplicates through a
// set: 100,000 segments (a pairwise check made 5·10^9 comparisons) and
// 100,000 checkpoints are refused at the first duplicate, at once.
TEST(Limits, AHundredThousandSegmentsAreCheckedForDuplicatesInLinearTime) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i < 100'000; ++i) {
    v1::SegmentDefinition* seg = config.mutable_segments()->add_segments();
    seg->set_name(absl::StrCat("s", i));
    seg->mutable_predicate()->set_tag(absl::StrCat("t", i % 100));
  }
  EXPECT_TRUE(Engine::Create(config).ok()) << Engine::Create(config).status();
  config.mutable_segments()->add_segments()->set_name("s99999");
  ExpectConfigRefused(config, "segments.segments[100000].name: duplicate segment 's99999'");

  v1::CommunityConfig seeded = Busy();
  for (int i = 0; i < 100'000; ++i) {
    seeded.mutable_segments()->mutable_seed()->add_checkpoints(absl::StrCat("c", i));
  }
  EXPECT_TRUE(Engine::Create(seeded).ok()) << Engine::Create(seeded).status();
  seeded.mutable_segments()->mutable_seed()->add_checkpoints("c0");
  ExpectConfigRefused(seeded, "segments.seed.checkpoints[100000]: duplicate");
}

// With every one of the 65,535 tags declared, a segment per tag and a tag
// event are checked against a hashed set, not the list (that was
// segments × tags comparisons at config time, and a copy of the list per
// TagChange).
TEST(Limits, AllSixtyFiveThousandDeclaredTagsAreLookedUpNotScanned) {
  v1::CommunityConfig config = Busy();
  for (int i = 0; i < limits::kMaxTags; ++i) {
    config.mutable_segments()->add_tags(absl::StrCat("t", i));
    v1::SegmentDefinition* seg = config.mutable_segments()->add_segments();
    seg->set_name(absl::StrCat("s", i));
    seg->mutable_predicate()->set_tag(absl::StrCat("t", i));
  }
  Community c(config);
  v1::Event tag = c.Make("owner");
  tag.mutable_tag()->set_member("owner");
  tag.mutable_tag()->set_tag(absl::StrCat("t", limits::kMaxTags - 1));
  c.Must(tag);
  tag = c.Make("owner");
  tag.mutable_tag()->set_member("owner");
  tag.mutable_tag()->set_tag("t65535x");
  c.ExpectRejected(tag, Code::kInvalidArgument, "tag.tag: unknown tag 't65535x'");
}

TEST(Limits, OverflowGroupsStopAtTheGroupLimitAndApplicantsWait) {
  // Capacity one per group: every applicant would open a group. Past
  // kMaxGroups the community waitlists instead.
  v1::CommunityConfig config = Busy();
  config.mutable_groups(0)->set_capacity(1);
  config.mutable_groups(0)->set_working_size(0);
  config.mutable_ritual()->Clear();
  config.mutable_admission()->set_deposit_cents(0);
  while (config.groups_size() < limits::kMaxGroups - 2) {
    v1::GroupConfig* g = config.add_groups();
    g->set_id(absl::StrCat("g", config.groups_size()));
    g->set_stage(v1::FUNNEL_STAGE_SHARING);
    g->set_capacity(1);
  }
  Community c(config);
  c.Join("a1");  // takes the one seat in "new"
  c.Join("a2");  // opens new-2
  c.Join("a3");  // opens new-3: the group limit is reached
  v1::Outcome out = c.Join("a4");
  EXPECT_EQ(testing::Count(out, v1::ACTION_KIND_WAITLIST), 1);
  EXPECT_EQ(c.Member("a4").status(), v1::MEMBER_STATUS_WAITLISTED);
  EXPECT_TRUE(EngineTesting::CheckConsistency(c.engine()).ok());
}

TEST(Limits, ThousandsOfOverflowGroupsOpenInLinearTime) {
  // Each applicant overflows into a group of its own: the name of the next
  // group is found without probing every earlier one.
  v1::CommunityConfig config = Busy();
  config.mutable_groups(0)->set_capacity(1);
  config.mutable_ritual()->Clear();
  config.mutable_admission()->set_deposit_cents(0);
  Community c(config);
  for (int i = 0; i < 3000; ++i) c.Join(absl::StrCat("a", i));
  EXPECT_EQ(c.Member("a2999").group(), "new-3001");  // the admin holds "new"
  EXPECT_TRUE(EngineTesting::CheckConsistency(c.engine()).ok());
  // A restored engine names the next group the same way.
  auto restored = Engine::Restore(config, c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  v1::Event join = c.Make("late");
  join.mutable_apply()->set_accepted_rules(true);
  absl::StatusOr<v1::Outcome> live = c.engine().Apply(join);
  absl::StatusOr<v1::Outcome> again = (*restored)->Apply(join);
  ASSERT_TRUE(live.ok() && again.ok());
  EXPECT_EQ(SerializeDeterministic(*live), SerializeDeterministic(*again));
  EXPECT_EQ(c.Member("late").group(), "new-3002");
}

TEST(Limits, HostileRulesAndSegmentsInputsAreBoundedOrRefused) {
  // A 100,000-word list builds (screening takes up to 200,000 words).
  v1::CommunityConfig config = Busy();
  config.mutable_ritual()->set_deadline_seconds(0);
  auto* list = config.mutable_rules()->add_word_lists();
  list->set_category("abuse");
  for (int i = 0; i < 100'000; ++i) list->add_words(absl::StrCat("词", i, "x"));
  Community c(config);
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_nickname("安|杭州");
  join.mutable_apply()->set_deposit_paid_cents(500);
  c.Must(join);
  const std::string group = c.Member("ann").group();
  // A 1 MB message is screened in one pass; a 2 MiB one is refused.
  v1::Event big = c.Make("ann", group);
  big.mutable_message()->set_message_id("big");
  big.mutable_message()->set_text(std::string(1'000'000, 'a') + "词99999x");
  absl::StatusOr<v1::Outcome> out = c.Apply(big);
  ASSERT_TRUE(out.ok()) << out.status();
  // The word at the very end is found: hidden, and a first warning.
  EXPECT_THAT(testing::Kinds(*out),
              ElementsAre(v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_WARN_PRIVATELY));
  const v1::Action hide = testing::MustFind(*out, v1::ACTION_KIND_HIDE_MESSAGE, "ann");
  EXPECT_EQ(hide.category(), "abuse");
  EXPECT_EQ(hide.message_id(), "big");
  ASSERT_EQ(hide.spans_size(), 1);
  EXPECT_EQ(hide.spans(0).begin(), 1'000'000);
  EXPECT_EQ(hide.spans(0).end(), 1'000'000 + std::string("词99999x").size());
  EXPECT_EQ(testing::MustFind(*out, v1::ACTION_KIND_WARN_PRIVATELY, "ann").strike_count(), 1u);
  v1::Event huge = c.Make("ann", group);
  huge.mutable_message()->set_message_id("huge");
  huge.mutable_message()->set_text(std::string(2 << 20, 'a'));
  c.ExpectRejected(huge, Code::kInvalidArgument, "message.text: 2097152 bytes, limit 1048576");

  // A segment predicate nested 1,000 deep is refused, not recursed into.
  v1::CommunityConfig deep = Busy();
  v1::SegmentDefinition* seg = deep.mutable_segments()->add_segments();
  seg->set_name("deep");
  v1::Predicate* p = seg->mutable_predicate();
  for (int i = 0; i < 1000; ++i) p = p->mutable_not_();
  p->set_tag("x");
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(deep);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kInvalidArgument) << engine.status();
  const std::string refusal(engine.status().message());
  EXPECT_THAT(refusal, StartsWith("segments.segments[0].predicate.not.not"));
  EXPECT_THAT(refusal, EndsWith(": nested deeper than 100"));
}

TEST(Limits, ALongStreamStaysFast) {
  // 20,000 events through a busy community: linear work, no blow-up.
  auto engine = Engine::Create(Busy());
  ASSERT_TRUE(engine.ok());
  const std::vector<v1::Event> events = testing::RandomStream(99, 20'000);
  int accepted = 0;
  for (const v1::Event& e : events) {
    // The stream is hostile: a clock that went back is refused, nothing else.
    const absl::Status timers = (*engine)->AdvanceTo(e.time_ms()).status();
    if (!timers.ok()) EXPECT_EQ(timers.code(), Code::kOutOfRange) << timers;
    accepted += (*engine)->Apply(e).ok();
  }
  EXPECT_GT(accepted, 1000);
  EXPECT_TRUE(EngineTesting::CheckConsistency(**engine).ok());
}

}  // namespace
}  // namespace shequn
