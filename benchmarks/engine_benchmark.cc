// Engine::Apply throughput for the events a busy community sees most, and
// the bytes of engine state each member costs.
//   build/benchmarks/engine_benchmark
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "shequn/engine.h"
#include "shequn/text_format.h"
#include "smoke.h"

namespace {

constexpr int64_t kStart = 1772323200000;

std::unique_ptr<shequn::Engine> NewEngine() {
  shequn::v1::CommunityConfig config;
  const absl::Status parsed = shequn::ParseTextFormat(R"pb(
    id: "bench"
    groups { id: "g" stage: FUNNEL_STAGE_ACQUISITION capacity: 500 }
    roles { staff { member_id: "owner" role: ROLE_OWNER } }
    admission { require_rules_acceptance: true overflow: OVERFLOW_POLICY_OPEN_GROUP }
    rules {
      word_lists { category: "abuse" words: ["傻逼", "idiot", "滚蛋", "废物"] }
      word_lists { category: "advertising" words: ["加微信", "代购", "兼职刷单"] }
      flood { max_messages: 20 window_seconds: 10 }
    }
    ritual {
      steps: [RITUAL_STEP_NICKNAME]
      nickname { separator: "|" fields { name: "姓名" } fields { name: "城市" } }
      deadline_seconds: 86400
    }
  )pb", &config);
  if (!parsed.ok()) std::abort();
  return *shequn::Engine::Create(config);
}

std::vector<shequn::v1::Event> Joins(int n) {
  std::vector<shequn::v1::Event> events(n);
  for (int i = 0; i < n; ++i) {
    events[i].set_id(absl::StrCat("j", i));
    events[i].set_time_ms(kStart + i);
    events[i].set_actor(absl::StrCat("member-", i));
    events[i].mutable_apply()->set_accepted_rules(true);
    events[i].mutable_apply()->set_nickname("李雷|杭州");
  }
  return events;
}

void BM_ApplyJoin(benchmark::State& state) {
  const std::vector<shequn::v1::Event> events = Joins(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = NewEngine();
    state.ResumeTiming();
    for (const auto& e : events) benchmark::DoNotOptimize(engine->Apply(e));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel("events/s = items_per_second");
}
BENCHMARK(BM_ApplyJoin)->Arg(shequn_bench::Sized(100000, 50))->Unit(benchmark::kMillisecond);

void BM_ApplyRename(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  auto engine = NewEngine();
  for (const auto& e : Joins(members)) (void)engine->Apply(e);
  shequn::v1::Event e;
  e.mutable_rename()->set_nickname("韩梅梅|北京");
  int64_t i = 0;
  for (auto _ : state) {
    e.set_id(absl::StrCat("r", i));
    e.set_time_ms(kStart + members + i);
    e.set_actor(absl::StrCat("member-", i % members));
    benchmark::DoNotOptimize(engine->Apply(e));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyRename)->Arg(shequn_bench::Sized(100000, 50));

// A chat line through admission checks, screening (words and the five
// detectors), flood control and every part's counters.
void BM_ApplyMessage(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  auto engine = NewEngine();
  for (const auto& e : Joins(members)) (void)engine->Apply(e);
  const char* lines[] = {"大家好，今天的作业我交了，第三题还是不太会", "has anyone read chapter 4 yet?",
                         "明天下午三点线上分享，记得准时参加哦", "thanks, that explanation helped a lot"};
  std::vector<std::string> groups;
  for (int m = 0; m < members; ++m) groups.push_back(engine->Member(absl::StrCat("member-", m))->group());
  shequn::v1::Event e;
  int64_t i = 0;
  for (auto _ : state) {
    const std::string& group = groups[i % members];
    e.set_id(absl::StrCat("m", i));
    e.set_time_ms(kStart + members + i);
    e.set_actor(absl::StrCat("member-", i % members));
    e.set_group(group);
    e.mutable_message()->set_message_id(absl::StrCat("msg", i));
    e.mutable_message()->set_text(lines[i % 4]);
    benchmark::DoNotOptimize(engine->Apply(e));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyMessage)->Arg(shequn_bench::Sized(100000, 50));

// The process's resident bytes, from /proc/self/statm.
size_t ResidentBytes() {
  size_t pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// Bytes per admitted member: resident growth while the members join (what the
// machine pays), and the heap the engine's state holds (events are freed).
void BM_BytesPerMember(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const std::vector<shequn::v1::Event> events = Joins(members);
    const size_t before = mallinfo2().uordblks;
    const size_t resident_before = ResidentBytes();
    auto engine = NewEngine();
    for (const auto& e : events) (void)engine->Apply(e);
    const size_t with_ids = mallinfo2().uordblks;
    state.counters["resident_bytes_per_member"] =
        static_cast<double>(ResidentBytes() - resident_before) / members;
    // Past the 7-day idempotency window the join ids are forgotten: what
    // remains is the members' own state.
    (void)engine->AdvanceTo(kStart + 8LL * 86400 * 1000);
    const size_t members_only = mallinfo2().uordblks;
    state.counters["bytes_per_member"] = static_cast<double>(members_only - before) / members;
    state.counters["with_event_ids"] = static_cast<double>(with_ids - before) / members;
  }
}
BENCHMARK(BM_BytesPerMember)->Arg(shequn_bench::Sized(200000, 50))->Iterations(1)->Unit(benchmark::kMillisecond);

// The paid-bootcamp preset (examples/presets), as a platform would run it
// in many groups.
shequn::v1::CommunityConfig Bootcamp() {
  std::ifstream in(SHEQUN_PRESET_DIR "/paid_bootcamp.textproto");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  shequn::v1::CommunityConfig config;
  if (!shequn::ParseTextFormat(text, &config).ok()) std::abort();
  return config;
}

// Per-engine fixed cost: many empty engines alive at once, each created
// from the config (its own copy and screener; arg shared = 0) or from one
// CompiledConfig (shared = 1). Resident growth and heap per engine; the
// shared row prints its ratio to the other.
double& OwnConfigResidentPerEngine() {
  static double bytes = 0;
  return bytes;
}

void BM_EmptyEngines(benchmark::State& state) {
  const bool shared = state.range(0) != 0;
  const int engines = static_cast<int>(state.range(1));
  const shequn::v1::CommunityConfig config = Bootcamp();
  for (auto _ : state) {
    std::vector<std::unique_ptr<shequn::Engine>> alive;
    alive.reserve(engines);
    malloc_trim(0);
    const size_t heap_before = mallinfo2().uordblks;
    const size_t resident_before = ResidentBytes();
    std::shared_ptr<const shequn::CompiledConfig> compiled;
    if (shared) compiled = *shequn::CompiledConfig::Compile(config);
    for (int i = 0; i < engines; ++i) {
      alive.push_back(shared ? *shequn::Engine::Create(compiled) : *shequn::Engine::Create(config));
    }
    const double resident = static_cast<double>(ResidentBytes() - resident_before) / engines;
    state.counters["resident_bytes_per_engine"] = resident;
    state.counters["heap_bytes_per_engine"] =
        static_cast<double>(mallinfo2().uordblks - heap_before) / engines;
    if (!shared) OwnConfigResidentPerEngine() = resident;
    if (shared && OwnConfigResidentPerEngine() > 0) {
      state.counters["vs_own_config"] = resident / OwnConfigResidentPerEngine();
    }
  }
}
BENCHMARK(BM_EmptyEngines)
    ->ArgNames({"shared", "engines"})
    ->Args({0, shequn_bench::Sized(10000, 20)})
    ->Args({1, shequn_bench::Sized(10000, 20)})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
