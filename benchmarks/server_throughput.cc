// shequn-server's throughput over loopback beside the in-process engine, in
// one run: events/s for single Step calls and 100-event StepBatch calls,
// with 1 and 2 worker threads, fsync on every commit (--sync full) and off
// (--sync normal), each with its ratio to the in-process engine; then the
// restart time with 1,000 communities.
//
//   build/examples/server/server_throughput
//
// Eight communities (kAllPartsCommunity, seeded streams; a share of the
// events rejected on purpose) and eight client threads, one per community,
// through shequn::server::Client. Each run is a fresh server process and
// data folder, started outside the timed part. Sizes: SHEQUN_BENCH_EVENTS
// (16,000 events in all) and SHEQUN_BENCH_RESTARTED (1,000 communities);
// the test command's smoke run uses tiny ones. Results: RESULTS-server.md.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "client.h"
#include "server/server_process.h"
#include "shequn/engine.h"
#include "shequn/text_format.h"
#include "smoke.h"
#include "support/random_events.h"

namespace {

using shequn::server::Client;
using shequn::v1::Event;
using Clock = std::chrono::steady_clock;

constexpr int kCommunities = 8;
constexpr char kToken[] = "benchmark-token-0123456789";

int FromEnv(const char* name, int full, int smoke) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : shequn_bench::Sized(full, smoke);
}

shequn::v1::CommunityConfig Config() {
  shequn::v1::CommunityConfig config;
  if (!shequn::ParseTextFormat(shequn::testing::kAllPartsCommunity, &config).ok()) std::abort();
  return config;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Runs `body(i)` on one thread per i in [0, n) and waits.
void OnThreads(int n, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (std::thread& t : threads) t.join();
}

std::string Community(int c) { return "c" + std::to_string(c); }

// The eight communities' event streams, made once.
const std::vector<std::vector<Event>>& Streams() {
  static const auto* streams = [] {
    const int each = std::max(100, FromEnv("SHEQUN_BENCH_EVENTS", 16000, 800) / kCommunities);
    auto* s = new std::vector<std::vector<Event>>;
    for (int c = 0; c < kCommunities; ++c) {
      s->push_back(shequn::testing::RandomStream(500 + c, each, shequn::testing::AllPartsMakers(),
                                                 {.members = 40, .hostile = false}));
    }
    return s;
  }();
  return *streams;
}

double TotalEvents() { return static_cast<double>(kCommunities * Streams()[0].size()); }

// Every community's stream through its own engine, one thread.
double InProcessSeconds() {
  const auto start = Clock::now();
  for (const auto& stream : Streams()) {
    auto engine = *shequn::Engine::Create(Config());
    for (const Event& e : stream) engine->Step(e).IgnoreError();
  }
  return Seconds(start);
}

// The in-process rate the server rows are compared with: BM_InProcess's,
// or measured on first use when that benchmark is filtered out.
double& MeasuredInProcessRate() {
  static double rate = 0;
  return rate;
}

double InProcessRate() {
  if (MeasuredInProcessRate() == 0) MeasuredInProcessRate() = TotalEvents() / InProcessSeconds();
  return MeasuredInProcessRate();
}

// A fresh server process over a fresh data folder, and a client of it.
class FreshServer {
 public:
  explicit FreshServer(std::vector<std::string> args)
      : dir_(std::filesystem::temp_directory_path() /
             ("shequn-bench-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string config = (dir_ / "tokens.conf").string();
    std::ofstream(config) << "token " << kToken << " write *\n";
    process_ = std::make_unique<shequn::testing::ServerProcess>(dir_.string(), config, std::move(args));
    Connect();
  }
  ~FreshServer() {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }

  Client& client() { return *client_; }
  // SIGKILL, then a start over the same data folder.
  void Restart() {
    process_->Kill();
    Connect();
  }

 private:
  void Connect() {
    const std::string address = process_->Start();
    if (address.empty()) std::abort();
    client_ = std::make_unique<Client>(address, kToken);
  }

  std::filesystem::path dir_;
  std::unique_ptr<shequn::testing::ServerProcess> process_;
  std::unique_ptr<Client> client_;
};

void CreateCommunity(Client& client, const std::string& id) {
  shequn::v1::CreateCommunityRequest r;
  r.set_community_id(id);
  *r.mutable_config() = Config();
  if (!client.CreateCommunity(r).ok()) std::abort();
}

void BM_InProcess(benchmark::State& state) {
  double seconds = 0;
  for (auto _ : state) {
    const double elapsed = InProcessSeconds();
    seconds += elapsed;
    state.SetIterationTime(elapsed);
  }
  MeasuredInProcessRate() = TotalEvents() * static_cast<double>(state.iterations()) / seconds;
  state.counters["events_per_s"] = MeasuredInProcessRate();
}

// Args: workers, fsync (1: --sync full), events per call (1: Step).
void BM_Server(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const bool fsync = state.range(1) != 0;
  const size_t batch = static_cast<size_t>(state.range(2));
  double seconds = 0;
  for (auto _ : state) {
    FreshServer server({"--workers", std::to_string(workers), "--sync", fsync ? "full" : "normal"});
    for (int c = 0; c < kCommunities; ++c) CreateCommunity(server.client(), Community(c));
    const auto start = Clock::now();
    OnThreads(kCommunities, [&](int c) {
      const std::vector<Event>& stream = Streams()[c];
      for (size_t i = 0; i < stream.size(); i += batch) {
        if (batch == 1) {
          server.client().Step(Community(c), stream[i]).IgnoreError();  // refusals are in the stream
          continue;
        }
        const size_t n = std::min(batch, stream.size() - i);
        if (!server.client().StepBatch(Community(c), {stream.data() + i, n}).ok()) std::abort();
      }
    });
    const double elapsed = Seconds(start);
    seconds += elapsed;
    state.SetIterationTime(elapsed);
  }
  const double rate = TotalEvents() * static_cast<double>(state.iterations()) / seconds;
  state.counters["events_per_s"] = rate;
  state.counters["vs_in_process"] = rate / InProcessRate();
}

// Arg: communities of 100 events each. After a SIGKILL: the time until the
// server listens (listening_s) and until every community answered (the
// iteration's time).
void BM_Restart(benchmark::State& state) {
  const int communities = static_cast<int>(state.range(0));
  double listening = 0;
  for (auto _ : state) {
    FreshServer server({"--workers", "2", "--sync", "normal"});
    OnThreads(kCommunities, [&](int t) {
      for (int c = t; c < communities; c += kCommunities) {
        const std::string id = "r" + std::to_string(c);
        CreateCommunity(server.client(), id);
        const std::vector<Event>& stream = Streams()[c % kCommunities];
        server.client().StepBatch(id, {stream.data(), std::min<size_t>(100, stream.size())}).IgnoreError();
      }
    });
    const auto start = Clock::now();
    server.Restart();
    listening = Seconds(start);
    OnThreads(kCommunities, [&](int t) {
      for (int c = t; c < communities; c += kCommunities) {
        if (!server.client().SnapshotBytes("r" + std::to_string(c)).ok()) std::abort();
      }
    });
    state.SetIterationTime(Seconds(start));
  }
  state.counters["listening_s"] = listening;
  state.counters["communities"] = communities;
}

BENCHMARK(BM_InProcess)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Server)
    ->ArgNames({"workers", "fsync", "batch"})
    ->ArgsProduct({{1, 2}, {1, 0}, {1, 100}})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Restart)
    ->ArgNames({"communities"})
    ->Arg(FromEnv("SHEQUN_BENCH_RESTARTED", 1000, 16))
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
