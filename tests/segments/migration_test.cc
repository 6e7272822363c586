// The dying-group check names the group's customers and prospects to move:
// whoever is in the group on the night it is found dying, however they
// came (joined, moved in) and whoever left (moved out, left, promoted to
// staff) — the same list the report gives.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::Count;
using ::shequn::testing::kDay;
using ::shequn::testing::kHour;
using ::shequn::testing::MustFind;
using ::shequn::testing::ParseConfig;
using ::testing::ElementsAre;

constexpr absl::string_view kTwoShops = R"pb(
  id: "shops"
  groups { id: "old" stage: FUNNEL_STAGE_RETENTION }
  groups { id: "busy" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER group_id: "busy" } }
  admission { entry_group_id: "old" }
)pb";

void Buy(Community& c, absl::string_view who, int64_t cents, bool trial = false) {
  v1::Event e = c.Make(who);
  e.mutable_purchase()->set_order_id(absl::StrCat("o-", who, "-", cents, "-", c.now()));
  e.mutable_purchase()->set_amount_cents(cents);
  e.mutable_purchase()->set_trial(trial);
  c.Must(e);
}

void Move(Community& c, absl::string_view who, absl::string_view to) {
  v1::Event e = c.Make("owner");
  e.mutable_move()->set_member(std::string(who));
  e.mutable_move()->set_to_group(std::string(to));
  c.Must(e);
}

void Say(Community& c, absl::string_view who, absl::string_view group) {
  v1::Event e = c.Make(who, group);
  e.mutable_message()->set_message_id(e.id());
  e.mutable_message()->set_text("hello there");
  c.Must(e);
}

TEST(Migration, TheListIsWhoeverIsInTheDyingGroupThatNight) {
  Community c(ParseConfig(kTwoShops));
  for (const char* m : {"a", "b", "c", "d", "e", "f", "g"}) c.Join(m);
  Buy(c, "b", 9900);
  Buy(c, "b", 9900);  // a repeat buyer
  Buy(c, "d", 100, /*trial=*/true);
  Buy(c, "f", 9900);
  // Some go to the busy shop and one comes back; one leaves, one turns KOL.
  Move(c, "a", "busy");
  Move(c, "c", "busy");
  Move(c, "f", "busy");
  Move(c, "f", "old");
  v1::Event leave = c.Make("e");
  leave.mutable_leave();
  c.Must(leave);
  v1::Event kol = c.Make("owner");
  kol.mutable_set_role()->set_member("g");
  kol.mutable_set_role()->set_role(v1::ROLE_KOL);
  c.Must(kol);
  // A latecomer joins the old shop after the others.
  c.Join("h");
  // The busy shop talks every day; the old one says nothing.
  v1::Outcome found;
  for (int day = 0; day < 8 && Count(found, v1::ACTION_KIND_DYING_GROUP) == 0; ++day) {
    for (const char* m : {"a", "c"}) Say(c, m, "busy");
    found = c.Advance(kDay);
  }
  ASSERT_EQ(Count(found, v1::ACTION_KIND_DYING_GROUP), 1);
  const v1::Action dying = MustFind(found, v1::ACTION_KIND_DYING_GROUP);
  EXPECT_EQ(dying.group(), "old");
  // Repeat, paying, trial buyers, then prospects; staff, KOLs and leavers stay.
  EXPECT_THAT(dying.members(), ElementsAre("b", "f", "d", "h"));
  EXPECT_EQ(dying.amount(), 4);
  const v1::Report r = c.engine().Report(c.now());
  ASSERT_EQ(r.dying_groups_size(), 1);
  EXPECT_THAT(r.dying_groups(0).members(), ElementsAre("b", "f", "d", "h"));
}

}  // namespace
}  // namespace shequn
