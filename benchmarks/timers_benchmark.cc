// The longest single AdvanceTo ("max pause") when timers come due in a big
// community, beside the time of 1,000 Apply calls measured in the same run:
//   - a daily per-group top-3 award at 1M members (2,000 groups of 500),
//   - the dying-group check at 1M members (some groups fall quiet),
//   - 30 daily steps with 200k members in 200 groups (the timers of a
//     busy learning community: per-group daily award, monthly award with
//     its review, tasks per group; and again with weekly decay).
// Times are this thread's CPU time. Each prints max_pause_ms (the longest
// AdvanceTo to a midnight), apply1000_ms (the median over the days of the
// time the day's first 1,000 Apply calls took: contributions, or messages
// for the dying check) and their ratio as counters; the 30 days also print
// max_step_ms, the longest Step among the day's traffic (a share that finds
// a task's deadline passed runs its close first). Every run starts with its
// members imported and the clock moved past their events' 7-day
// idempotency window; that AdvanceTo, which forgets one event id a member,
// is printed apart as idempotency_expiry_ms.
//   build/benchmarks/timers_benchmark
// Sizes are the benchmarks' arguments; the smoke run (smoke.h) uses tiny ones.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "shequn/engine.h"
#include "shequn/limits.h"
#include "shequn/text_format.h"
#include "smoke.h"

namespace {

using shequn::v1::Event;

constexpr int64_t kStart = 1772323200000;  // 2026-03-01 00:00 UTC, a midnight
constexpr int64_t kDayMs = 86'400'000;

// This thread's CPU time in milliseconds: on a shared machine the wall
// clock would count the time other programs had the core.
double CpuMs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double MsSince(double t0) { return CpuMs() - t0; }

// A community of `groups` groups of `per_group` members, imported by the
// owner (no ritual), with `points_and_segments` appended to its config.
class Community {
 public:
  Community(int groups, int per_group, absl::string_view points_and_segments)
      : groups_(groups), per_group_(per_group) {
    std::string text = R"pb(id: "bench"
                            roles { staff { member_id: "owner" role: ROLE_OWNER } })pb";
    for (int g = 0; g < groups; ++g) {
      absl::StrAppend(&text, " groups { id: \"g", g,
                      "\" stage: FUNNEL_STAGE_RETENTION capacity: ", per_group + 10, " }");
    }
    absl::StrAppend(&text, points_and_segments);
    shequn::v1::CommunityConfig config;
    if (!shequn::ParseTextFormat(text, &config).ok()) std::abort();
    absl::StatusOr<std::unique_ptr<shequn::Engine>> engine = shequn::Engine::Create(config);
    if (!engine.ok()) std::abort();
    engine_ = *std::move(engine);
    // The owner counts: a full community of 1M has one member fewer.
    size_t present = 1;
    for (int g = 0; g < groups; ++g) {
      for (int i = 0; i < per_group && present < shequn::limits::kMaxMembers; ++i, ++present) {
        Event e = Make("owner", g);
        e.mutable_import_member()->set_member(Member(g, i));
        Must(e);
      }
    }
    // The import events leave the 7-day idempotency window all at once:
    // that expiry is the engine's, not a timer's, and is timed apart.
    now_ += 8 * kDayMs;
    settle_ms_ = NextMidnight();
    actions_ = 0;
  }

  int members() const { return groups_ * per_group_; }
  int64_t now() const { return now_; }
  static std::string Member(int g, int i) { return absl::StrCat("m", g, "-", i); }

  Event Make(absl::string_view actor, int group) {
    Event e;
    e.set_id(absl::StrCat("e", ++next_id_));
    e.set_time_ms(now_);
    e.set_actor(std::string(actor));
    e.set_group(absl::StrCat("g", group));
    return e;
  }

  void Must(const Event& e) {
    absl::StatusOr<shequn::v1::Outcome> out = engine_->Step(e);
    if (out.ok()) return;
    std::fprintf(stderr, "%s: %s\n", e.ShortDebugString().c_str(),
                 std::string(out.status().message()).c_str());
    std::abort();
  }

  // A contribution worth points from member i of group g, a millisecond on.
  // Refused (and still timed) when the tasks removed that member.
  void Share(int g, int i) {
    ++now_;
    Event e = Make(Member(g, i), g);
    e.mutable_contribution()->set_kind("share");
    e.mutable_contribution()->set_length(120);
    const double t0 = CpuMs();
    benchmark::DoNotOptimize(engine_->Step(e));
    max_step_ = std::max(max_step_, MsSince(t0));
  }

  // `n` shares by random members of the groups [0, active_groups); returns
  // the milliseconds the first 1,000 took (the Apply figure).
  double Traffic(int n, int active_groups) {
    double first_thousand = 0;
    const double t0 = CpuMs();
    for (int k = 0; k < n; ++k) {
      Share(static_cast<int>(rng_() % active_groups), static_cast<int>(rng_() % per_group_));
      if (k + 1 == 1000) first_thousand = MsSince(t0);
    }
    return first_thousand;
  }

  // AdvanceTo the next local midnight; returns its milliseconds.
  double NextMidnight() {
    now_ = (now_ / kDayMs + 1) * kDayMs;
    const double t0 = CpuMs();
    absl::StatusOr<shequn::v1::Outcome> out = engine_->AdvanceTo(now_);
    const double ms = MsSince(t0);
    if (!out.ok()) std::abort();
    actions_ += out->actions_size();
    for (const shequn::v1::Action& a : out->actions()) listed_ += a.members_size();
    return ms;
  }

  shequn::Engine& engine() { return *engine_; }
  int64_t actions() const { return actions_; }
  int64_t listed() const { return listed_; }
  // The longest Step among the shares: one that finds a timer due (a task
  // closing mid-day) runs it too.
  double max_step() const { return max_step_; }
  // The AdvanceTo past the imports' idempotency window (1 event a member).
  double settle_ms() const { return settle_ms_; }

 private:
  int groups_;
  int per_group_;
  std::unique_ptr<shequn::Engine> engine_;
  int64_t now_ = kStart + 8 * 3'600'000;
  int next_id_ = 0;
  std::mt19937 rng_{42};
  int64_t actions_ = 0;
  int64_t listed_ = 0;
  double max_step_ = 0;
  double settle_ms_ = 0;
};

// The median of the days' figures for 1,000 Apply calls.
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

void Report(benchmark::State& state, const Community& c, double max_pause,
            const std::vector<double>& applies) {
  const double apply1000 = Median(applies);
  state.counters["members"] = c.members();
  state.counters["idempotency_expiry_ms"] = c.settle_ms();
  state.counters["max_pause_ms"] = max_pause;
  state.counters["apply1000_ms"] = apply1000;
  state.counters["pause_per_apply1000"] = apply1000 > 0 ? max_pause / apply1000 : 0;
}

constexpr absl::string_view kDailyGroupAward = R"pb(
  points {
    rules { kind: "share" points: 10 }
    awards { name: "daily-top3" period: PERIOD_DAY scope: SCOPE_GROUP top_n: 3
             points_by_place: [ 30, 20, 10 ] }
  }
  segments { dying { disabled: true } }
)pb";

// args: groups, members per group, shares per day.
void BM_DailyGroupAward(benchmark::State& state) {
  const int groups = static_cast<int>(state.range(0));
  Community c(groups, static_cast<int>(state.range(1)), kDailyGroupAward);
  double max_pause = 0;
  std::vector<double> applies;
  for (auto _ : state) {
    for (int day = 0; day < 3; ++day) {
      applies.push_back(c.Traffic(static_cast<int>(state.range(2)), groups));
      max_pause = std::max(max_pause, c.NextMidnight());
    }
  }
  if (c.actions() == 0) state.SkipWithError("no award was announced");
  Report(state, c, max_pause, applies);
}
BENCHMARK(BM_DailyGroupAward)
    ->Args({shequn_bench::Sized(2000, 4), shequn_bench::Sized(500, 25),
            shequn_bench::Sized(20000, 1000)})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

constexpr absl::string_view kDying = R"pb(
  segments { dying { window_days: 7 max_participation_rate: 0.1 } }
)pb";

// args: groups, members per group, groups that fall quiet. In the others
// one member in 25 talks each day (a fifth of them within the week); after
// a week the quiet ones are found dying, each with its whole roster to move.
void BM_DyingGroupCheck(benchmark::State& state) {
  const int groups = static_cast<int>(state.range(0));
  const int per_group = static_cast<int>(state.range(1));
  const int quiet = static_cast<int>(state.range(2));
  Community c(groups, per_group, kDying);
  double max_pause = 0;
  std::vector<double> applies;
  // A group's age counts from its first activity: the quiet ones said hello.
  for (int g = 0; g < quiet; ++g) {
    Event e = c.Make(Community::Member(g, 0), g);
    e.mutable_message()->set_message_id(e.id());
    e.mutable_message()->set_text("hello");
    c.Must(e);
  }
  for (auto _ : state) {
    for (int day = 0; day < 8; ++day) {
      const double t0 = CpuMs();
      int sent = 0;
      for (int g = quiet; g < groups; ++g) {
        for (int i = day % 5; i < per_group; i += 5 * 5) {
          ++sent;
          Event e = c.Make(Community::Member(g, i), g);
          e.mutable_message()->set_message_id(e.id());
          e.mutable_message()->set_text("morning all");
          c.Must(e);
          if (sent == 1000) applies.push_back(MsSince(t0));
        }
      }
      max_pause = std::max(max_pause, c.NextMidnight());
    }
  }
  if (c.listed() < int64_t{quiet} * per_group) state.SkipWithError("the quiet groups were not found");
  state.counters["listed"] = static_cast<double>(c.listed());
  Report(state, c, max_pause, applies);
}
BENCHMARK(BM_DyingGroupCheck)
    ->Args({shequn_bench::Sized(2000, 4), shequn_bench::Sized(500, 25),
            shequn_bench::Sized(20, 2)})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

constexpr absl::string_view kBootcamp = R"pb(
  points {
    rules { kind: "share" points: 10 }
    tasks { eliminate_after_missing: 3 }
    awards { name: "daily-top3" period: PERIOD_DAY scope: SCOPE_GROUP top_n: 3
             points_by_place: [ 30, 20, 10 ] }
    awards { name: "monthly" period: PERIOD_MONTH top_n: 3 review_at_half_month: true
             points_by_place: [ 300, 200, 100 ] }
  }
)pb";

// Weekly decay: every member with points loses 5% at once, one
// AWARD_POINTS action each, so its day costs O(members with points).
constexpr absl::string_view kDecay = "points { decay { percent: 5 period_days: 7 } }";

// `config` with `extra` merged in.
std::string Merged(absl::string_view config, absl::string_view extra) {
  shequn::v1::CommunityConfig a, b;
  if (!shequn::ParseTextFormat(config, &a).ok() || !shequn::ParseTextFormat(extra, &b).ok()) {
    std::abort();
  }
  a.MergeFrom(b);
  return a.ShortDebugString();
}

// args: groups, members per group, shares per day, decay (1) or not (0).
// Each day a task is set in one group, due the next day.
void BM_ThirtyDailySteps(benchmark::State& state) {
  const int groups = static_cast<int>(state.range(0));
  Community c(groups, static_cast<int>(state.range(1)),
              state.range(3) != 0 ? Merged(kBootcamp, kDecay) : std::string(kBootcamp));
  double max_pause = 0;
  std::vector<double> applies;
  for (auto _ : state) {
    for (int day = 0; day < 30; ++day) {
      Event task = c.Make("owner", day % groups);
      task.mutable_assign_task()->set_task_id(absl::StrCat("t", day));
      task.mutable_assign_task()->set_deadline_ms(c.now() + kDayMs);
      c.Must(task);
      applies.push_back(c.Traffic(static_cast<int>(state.range(2)), groups));
      max_pause = std::max(max_pause, c.NextMidnight());
    }
  }
  state.counters["max_step_ms"] = c.max_step();
  Report(state, c, max_pause, applies);
}
BENCHMARK(BM_ThirtyDailySteps)
    ->Args({shequn_bench::Sized(200, 4), shequn_bench::Sized(1000, 25),
            shequn_bench::Sized(20000, 1000), 0})
    ->Args({shequn_bench::Sized(200, 4), shequn_bench::Sized(1000, 25),
            shequn_bench::Sized(20000, 1000), 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
