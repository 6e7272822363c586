// The violations KPI counts the messages that broke a rule, once each; the
// warnings, mutes and fines for them are the sanctions KPI.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::ParseConfig;

constexpr absl::string_view kGroup = R"pb(
  id: "g"
  groups { id: "g" stage: FUNNEL_STAGE_RETENTION }
  roles { staff { member_id: "owner" role: ROLE_OWNER } }
  rules { word_lists { category: "abuse" words: ["idiot"] } }
)pb";

void Post(Community& c, absl::string_view who, absl::string_view text) {
  static int n = 0;
  v1::Event e = c.Make(who, "g");
  e.mutable_message()->set_message_id(absl::StrCat("k", ++n));
  e.mutable_message()->set_text(std::string(text));
  c.Must(e);
}

TEST(ViolationsKpi, FourBadMessagesAreFourViolationsAndTheirSanctionsCountApart) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  c.Join("bob");
  // Each: the first is hidden and warned, the second hidden, announced and muted.
  Post(c, "ann", "idiot");
  Post(c, "bob", "idiot");
  Post(c, "ann", "idiot");
  Post(c, "bob", "idiot");
  Post(c, "ann", "good morning");
  const v1::PeriodKpis kpis = c.engine().Report(c.now()).community().periods(0);
  EXPECT_EQ(kpis.violations(), 4u);
  EXPECT_EQ(kpis.sanctions(), 4u);  // two warnings, two mutes
}

TEST(ViolationsKpi, AMutedMembersHiddenMessagesAreNoViolations) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  Post(c, "ann", "idiot");
  Post(c, "ann", "idiot");  // muted for a day
  Post(c, "ann", "hello?");
  Post(c, "ann", "anyone?");
  EXPECT_EQ(c.engine().Report(c.now()).community().periods(0).violations(), 2u);
}

TEST(ViolationsKpi, TheCountsSurviveASnapshot) {
  Community c(ParseConfig(kGroup));
  c.Join("ann");
  Post(c, "ann", "idiot");
  Post(c, "ann", "idiot");
  auto restored = Engine::Restore(ParseConfig(kGroup), c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  const v1::PeriodKpis kpis = (*restored)->Report(c.now()).community().periods(0);
  EXPECT_EQ(kpis.violations(), 2u);
  EXPECT_EQ(kpis.sanctions(), 2u);
}

}  // namespace
}  // namespace shequn
