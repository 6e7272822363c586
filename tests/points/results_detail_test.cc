// The typed details of points actions a bot host formats messages from: a
// poll's results (the winner and its votes) and an elimination warning
// (the member's score, what would be safe, the deadline).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/configs.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kDay;
using ::shequn::testing::kOneGroup;
using ::shequn::testing::kOwnerAlone;
using ::shequn::testing::kStart;
using ::shequn::testing::MergedConfig;
using ::shequn::testing::MustFind;

v1::Event Vote(Community& c, absl::string_view who, uint32_t option) {
  v1::Event e = c.Make(who, "g");
  e.mutable_vote()->set_poll_id("next-topic");
  e.mutable_vote()->add_options(option);
  return e;
}

v1::Event OpenPoll(Community& c) {
  v1::Event open = c.Make("owner", "g");
  v1::PollOpening* poll = open.mutable_open_poll();
  poll->set_poll_id("next-topic");
  poll->set_question("下期话题");
  for (auto o : {"growth loops", "pricing"}) poll->add_options(o);
  poll->set_closes_ms(c.now() + kDay);
  return open;
}

TEST(PmCircle, ThePollsResultsNameTheWinnerAndItsVotes) {
  Community circle(MergedConfig({kOneGroup, kOwnerAlone, R"pb(id: "pm-circle")pb"}));
  for (auto who : {"v1", "v2", "v3"}) circle.Join(who);
  circle.Must(OpenPoll(circle));
  circle.Must(Vote(circle, "v1", 1));
  circle.Must(Vote(circle, "v2", 1));
  circle.Must(Vote(circle, "v3", 0));
  v1::Outcome closed = circle.Advance(kDay);
  const v1::Action results = MustFind(closed, v1::ACTION_KIND_ANNOUNCE_RESULTS);
  ASSERT_TRUE(results.has_poll_results()) << results.ShortDebugString();
  EXPECT_EQ(results.poll_results().poll_id(), "next-topic");
  EXPECT_EQ(results.poll_results().winner(), 1);
  EXPECT_EQ(results.poll_results().winner_option(), "pricing");
  EXPECT_EQ(results.poll_results().winner_votes(), 2u);
  EXPECT_EQ(results.poll_results().voters(), 3u);
  EXPECT_EQ(results.poll_results().text(), results.text());
}

TEST(PmCircle, APollNobodyVotedInHasNoWinner) {
  Community circle(MergedConfig({kOneGroup, kOwnerAlone, R"pb(id: "pm-circle")pb"}));
  circle.Join("v1");
  circle.Must(OpenPoll(circle));
  const v1::Action results =
      MustFind(circle.Advance(kDay), v1::ACTION_KIND_ANNOUNCE_RESULTS);
  ASSERT_TRUE(results.has_poll_results());
  EXPECT_EQ(results.poll_results().winner(), -1);
  EXPECT_EQ(results.poll_results().winner_option(), "");
  EXPECT_EQ(results.poll_results().winner_votes(), 0u);
}

// A monthly elimination of the lowest one and everyone under 20 points,
// warned three days before the end.
constexpr absl::string_view kStudyCircle = R"pb(
  id: "study-circle"
  points {
    rules { kind: "share" points: 10 }
    elimination { period: PERIOD_MONTH lowest_n: 1 below_points: 20 warn_before_seconds: 259200 }
  }
)pb";

v1::Event Share(Community& c, absl::string_view who) {
  v1::Event e = c.Make(who, "g");
  e.mutable_contribution()->set_kind("share");
  e.mutable_contribution()->set_length(200);
  return e;
}

TEST(StudyCircle, TheWarningSaysTheScoreWhatWouldBeSafeAndTheDeadline) {
  Community circle(MergedConfig({kOneGroup, kOwnerAlone, kStudyCircle}));
  for (auto who : {"top", "mid", "low"}) circle.Join(who);
  circle.Must(Share(circle, "low"));
  for (int i = 0; i < 3; ++i) circle.Must(Share(circle, "mid"));
  for (int i = 0; i < 5; ++i) circle.Must(Share(circle, "top"));
  v1::Outcome warn = circle.Advance(28 * kDay);  // 29 March: three days before the end
  const v1::Action low = MustFind(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "low");
  ASSERT_TRUE(low.has_elimination_warning()) << low.ShortDebugString();
  EXPECT_EQ(low.elimination_warning().score(), 10);
  // Safe: more than mid's 30 (the lowest not at risk), and at least 20.
  EXPECT_EQ(low.elimination_warning().safe_score(), 31);
  EXPECT_EQ(low.elimination_warning().deadline_ms(), kStart + 31 * kDay);
  EXPECT_EQ(low.elimination_warning().seconds_left(), 3 * 86400);
  EXPECT_EQ(low.elimination_warning().text(), low.text());
}

TEST(StudyCircle, WhenTheBarIsHigherThanTheNextScoreTheBarIsWhatIsSafe) {
  Community circle(MergedConfig({kOneGroup, kOwnerAlone, kStudyCircle, R"pb(
    points { elimination { below_points: 100 } }
  )pb"}));
  for (auto who : {"top", "low"}) circle.Join(who);
  circle.Must(Share(circle, "top"));
  circle.Must(Share(circle, "top"));
  v1::Outcome warn = circle.Advance(28 * kDay);
  EXPECT_EQ(MustFind(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "low")
                .elimination_warning()
                .safe_score(),
            100);
  EXPECT_EQ(MustFind(warn, v1::ACTION_KIND_ELIMINATION_WARNING, "top")
                .elimination_warning()
                .safe_score(),
            100);
}

}  // namespace
}  // namespace shequn
