// Actions carry their due time and their kind's typed detail: a host reads
// `detail` instead of guessing what `amount` or `text` means for a kind,
// and carries out a catch-up AdvanceTo's actions each as of its own time.
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kHour;
using ::shequn::testing::ParseConfig;

// The detail each kind must carry (action.proto), checked against the flat
// fields it replaces.
void ExpectDetail(const v1::Action& a) {
  SCOPED_TRACE(a.ShortDebugString());
  switch (a.kind()) {
    case v1::ACTION_KIND_ADMIT:
      ASSERT_TRUE(a.has_admit());
      EXPECT_GT(a.admit().member_number(), 0u);
      EXPECT_EQ(a.admit().member_number(), a.amount());
      break;
    case v1::ACTION_KIND_WAITLIST:
      ASSERT_TRUE(a.has_waitlist());
      EXPECT_GE(a.waitlist().position(), 1u);
      break;
    case v1::ACTION_KIND_WELCOME:
    case v1::ACTION_KIND_REMIND:
    case v1::ACTION_KIND_REFUSE:
      ASSERT_TRUE(a.has_notice());
      EXPECT_EQ(a.notice().text(), a.text());
      break;
    case v1::ACTION_KIND_TAKE_DEPOSIT:
    case v1::ACTION_KIND_REFUND_DEPOSIT:
    case v1::ACTION_KIND_FORFEIT_DEPOSIT:
      ASSERT_TRUE(a.has_deposit());
      EXPECT_GT(a.deposit().cents(), 0);
      break;
    case v1::ACTION_KIND_SET_ROLE:
      ASSERT_TRUE(a.has_role());
      EXPECT_NE(a.role().role(), v1::ROLE_UNSPECIFIED);
      break;
    case v1::ACTION_KIND_ASSIGN_TEAM:
      ASSERT_TRUE(a.has_team());
      EXPECT_FALSE(a.team().team().empty());
      break;
    case v1::ACTION_KIND_AWARD_POINTS:
      ASSERT_TRUE(a.has_points());
      EXPECT_NE(a.points().points(), 0);
      break;
    default:
      break;
  }
}

using Detail = v1::Action::DetailCase;

// The detail each kind may carry (action.proto); an empty list: the envelope
// says everything. A kind missing here fails EveryKindHasADeclaredDetail.
const absl::flat_hash_map<v1::ActionKind, std::vector<Detail>>& DetailsOf() {
  static const auto* table = new absl::flat_hash_map<v1::ActionKind, std::vector<Detail>>{
      {v1::ACTION_KIND_ADMIT, {v1::Action::kAdmit}},
      {v1::ACTION_KIND_REFUSE, {v1::Action::kNotice}},
      {v1::ACTION_KIND_WAITLIST, {v1::Action::kWaitlist}},
      {v1::ACTION_KIND_AWAIT_APPROVAL, {}},
      {v1::ACTION_KIND_OPEN_GROUP, {v1::Action::kOpenGroup}},
      {v1::ACTION_KIND_WELCOME, {v1::Action::kNotice}},
      {v1::ACTION_KIND_SEND_HANDBOOK, {v1::Action::kNotice}},
      {v1::ACTION_KIND_REMIND, {v1::Action::kNotice}},
      {v1::ACTION_KIND_REMOVE, {v1::Action::kExit}},
      {v1::ACTION_KIND_BAN, {v1::Action::kExit}},
      {v1::ACTION_KIND_MOVE, {}},
      {v1::ACTION_KIND_TAKE_DEPOSIT, {v1::Action::kDeposit}},
      {v1::ACTION_KIND_REFUND_DEPOSIT, {v1::Action::kDeposit}},
      {v1::ACTION_KIND_FORFEIT_DEPOSIT, {v1::Action::kDeposit}},
      {v1::ACTION_KIND_DEDUCT_DEPOSIT, {v1::Action::kDeposit}},
      {v1::ACTION_KIND_SET_ROLE, {v1::Action::kRole}},
      {v1::ACTION_KIND_ASSIGN_TEAM, {v1::Action::kTeam}},
      {v1::ACTION_KIND_RECORD_REFERRAL, {}},
      {v1::ACTION_KIND_LIFT_BAN, {}},
      {v1::ACTION_KIND_ONBOARDED, {}},
      {v1::ACTION_KIND_IMPORTED, {v1::Action::kAdmit}},
      {v1::ACTION_KIND_WARN_PRIVATELY, {v1::Action::kNotice}},
      {v1::ACTION_KIND_ANNOUNCE, {v1::Action::kNotice}},
      {v1::ACTION_KIND_MUTE, {v1::Action::kMute}},
      {v1::ACTION_KIND_UNMUTE, {v1::Action::kNotice}},
      {v1::ACTION_KIND_HIDE_MESSAGE, {v1::Action::kReports}},
      {v1::ACTION_KIND_FLAG_FOR_ADMIN, {v1::Action::kReports}},
      {v1::ACTION_KIND_MEDIATE, {}},
      {v1::ACTION_KIND_REVOKE_STRIKE, {v1::Action::kNotice}},
      {v1::ACTION_KIND_RESTORE_MESSAGE, {v1::Action::kRestore}},
      {v1::ACTION_KIND_AWARD_POINTS, {v1::Action::kPoints}},
      {v1::ACTION_KIND_GRANT_TITLE, {v1::Action::kTitle}},
      {v1::ACTION_KIND_REVOKE_TITLE, {v1::Action::kTitle}},
      {v1::ACTION_KIND_GIVE_PRIZE, {v1::Action::kPrize}},
      {v1::ACTION_KIND_ELIMINATION_WARNING, {v1::Action::kEliminationWarning}},
      {v1::ACTION_KIND_ANNOUNCE_RESULTS, {v1::Action::kNotice, v1::Action::kPollResults}},
      {v1::ACTION_KIND_SUGGEST_PROMOTION, {}},
      {v1::ACTION_KIND_DYING_GROUP, {v1::Action::kNotice}},
      {v1::ACTION_KIND_RISK_ALERT, {v1::Action::kRisk}},
      {v1::ACTION_KIND_SUGGEST_SPLIT, {v1::Action::kSplit}},
  };
  return *table;
}

// True when one of the deprecated flat fields holds a value.
bool FillsDeprecatedFields(const v1::Action& a) {
  return a.amount() != 0 || a.amount_cents() != 0 || a.duration_seconds() != 0 ||
         !a.text().empty();
}

TEST(ActionDetail, EveryKindHasADeclaredDetail) {
  const google::protobuf::EnumDescriptor* kinds = v1::ActionKind_descriptor();
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::ActionKind>(kinds->value(i)->number());
    if (kind == v1::ACTION_KIND_UNSPECIFIED) continue;
    EXPECT_TRUE(DetailsOf().contains(kind))
        << kinds->value(i)->name() << ": say in action.proto and in this table which detail it carries";
  }
}

// A host reading only `detail` and the envelope loses nothing: no action,
// of any kind a stream of every event kind produces, keeps a value only in
// the deprecated fields, and each carries a detail its kind declares.
TEST(ActionDetail, NoActionKeepsAValueOnlyInTheDeprecatedFields) {
  absl::flat_hash_set<v1::ActionKind> kinds_seen;
  const std::pair<absl::string_view, std::vector<testing::WeightedMaker>> streams[] = {
      {testing::kBusyCommunity, testing::MembershipMakers()},
      {testing::kAllPartsCommunity, testing::AllPartsMakers()},
  };
  for (const auto& [config, makers] : streams) {
    for (uint32_t seed : {11u, 12u, 13u}) {
      auto engine = Engine::Create(ParseConfig(config));
      ASSERT_TRUE(engine.ok()) << engine.status();
      for (const v1::Event& e : testing::RandomStream(seed, 600, makers, {.members = 30})) {
        absl::StatusOr<v1::Outcome> out = (*engine)->Step(e);
        if (!out.ok()) continue;
        for (const v1::Action& a : out->actions()) {
          kinds_seen.insert(a.kind());
          const std::vector<Detail>& allowed = DetailsOf().at(a.kind());
          if (FillsDeprecatedFields(a)) {
            EXPECT_NE(a.detail_case(), v1::Action::DETAIL_NOT_SET)
                << "only deprecated fields: " << a.ShortDebugString();
          }
          if (a.detail_case() != v1::Action::DETAIL_NOT_SET) {
            EXPECT_THAT(allowed, ::testing::Contains(a.detail_case())) << a.ShortDebugString();
          }
        }
      }
    }
  }
  // The streams reach most kinds, so the check above means something.
  EXPECT_GE(kinds_seen.size(), 25u);
}

TEST(ActionDetail, EveryActionOfARandomStreamCarriesItsDetailAndDueTime) {
  auto engine = Engine::Create(ParseConfig(kBusyCommunity));
  ASSERT_TRUE(engine.ok());
  int seen = 0;
  for (const v1::Event& e : testing::RandomStream(7, 400, testing::MembershipMakers())) {
    const int64_t before = (*engine)->last_time_ms();
    absl::StatusOr<v1::Outcome> timers = (*engine)->AdvanceTo(e.time_ms());
    if (timers.ok()) {
      int64_t previous = before;
      for (const v1::Action& a : timers->actions()) {
        EXPECT_GE(a.due_ms(), previous) << "timer actions out of due order";
        EXPECT_LE(a.due_ms(), e.time_ms());
        previous = a.due_ms();
        ExpectDetail(a);
        ++seen;
      }
    }
    absl::StatusOr<v1::Outcome> out = (*engine)->Apply(e);
    if (!out.ok()) continue;
    for (const v1::Action& a : out->actions()) {
      EXPECT_EQ(a.due_ms(), e.time_ms());
      ExpectDetail(a);
      ++seen;
    }
  }
  EXPECT_GT(seen, 100);
}

TEST(ActionDetail, ACatchUpAdvanceToDatesTheReminderAndTheRemovalApart) {
  // The ritual reminds two hours after joining and removes an hour later.
  Community c(ParseConfig(kBusyCommunity));
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_deposit_paid_cents(500);
  v1::Outcome admitted = c.Must(join);
  const std::optional<v1::Action> admit = testing::Find(admitted, v1::ACTION_KIND_ADMIT, "ann");
  ASSERT_TRUE(admit.has_value());
  EXPECT_EQ(admit->admit().member_number(), 3u);  // the owner and the admin hold 1 and 2
  const std::optional<v1::Action> deposit =
      testing::Find(admitted, v1::ACTION_KIND_TAKE_DEPOSIT, "ann");
  ASSERT_TRUE(deposit.has_value());
  EXPECT_EQ(deposit->deposit().cents(), 500);

  // The bot was offline for a day: one AdvanceTo hands back both, each
  // dated when it fell due, not when the bot came back.
  v1::Outcome later = c.Advance(24 * kHour);
  const std::optional<v1::Action> remind = testing::Find(later, v1::ACTION_KIND_REMIND, "ann");
  const std::optional<v1::Action> remove = testing::Find(later, v1::ACTION_KIND_REMOVE, "ann");
  ASSERT_TRUE(remind.has_value() && remove.has_value()) << later.ShortDebugString();
  EXPECT_EQ(remind->due_ms(), join.time_ms() + 2 * kHour);
  EXPECT_EQ(remove->due_ms(), join.time_ms() + 3 * kHour);
  EXPECT_FALSE(remind->notice().text().empty());
}

}  // namespace
}  // namespace shequn
