// shequn-server's throughput over loopback beside the in-process engine, in
// one run: events/s for single Step calls and 100-event StepBatch calls,
// with 1 and 2 worker threads, fsync on every commit (--sync full) and off
// (--sync normal); then the restart time with 1,000 communities.
//
//   build/benchmarks/server_throughput [EVENTS]   (default 16000)
//
// Eight communities (kAllPartsCommunity, seeded streams) and eight client
// threads, one per community. A plain program rather than Google Benchmark:
// each measurement is a whole server process. Results: RESULTS-server.md.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "google/protobuf/text_format.h"
#include "server/server_process.h"
#include "shequn/engine.h"
#include "shequn/v1/service.grpc.pb.h"
#include "shequn/text_format.h"
#include "support/random_events.h"

namespace {

using shequn::v1::Event;
using Clock = std::chrono::steady_clock;

constexpr int kCommunities = 8;
constexpr char kToken[] = "benchmark-token-0123456789";

shequn::v1::CommunityConfig Config() {
  shequn::v1::CommunityConfig config;
  if (!shequn::ParseTextFormat(shequn::testing::kAllPartsCommunity, &config).ok()) std::abort();
  return config;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

grpc::ClientContext* Authorized(grpc::ClientContext& ctx) {
  ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
  return &ctx;
}

// Runs `body(i)` on one thread per i in [0, n) and waits.
void OnThreads(int n, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (std::thread& t : threads) t.join();
}

bool Create(shequn::v1::Shequn::Stub& stub, const std::string& id) {
  shequn::v1::CreateCommunityRequest r;
  r.set_community_id(id);
  *r.mutable_config() = Config();
  shequn::v1::CommunityInfo info;
  grpc::ClientContext ctx;
  return stub.CreateCommunity(Authorized(ctx), r, &info).ok();
}

class Bench {
 public:
  explicit Bench(int events_each) {
    for (int c = 0; c < kCommunities; ++c) {
      streams_.push_back(shequn::testing::RandomStream(
          500 + c, events_each, shequn::testing::AllPartsMakers(), {.members = 40, .hostile = false}));
    }
    dir_ = std::filesystem::temp_directory_path() / ("shequn-bench-" + std::to_string(getpid()));
  }
  ~Bench() { std::filesystem::remove_all(dir_); }

  double InProcess() {
    const auto start = Clock::now();
    for (const auto& stream : streams_) {
      auto engine = *shequn::Engine::Create(Config());
      for (const Event& e : stream) engine->Step(e).IgnoreError();
    }
    return Total() / Seconds(start);
  }

  // events/s through a fresh server; batch 1 uses Step.
  double Server(int workers, const char* sync, int batch) {
    auto [server, stub] = Fresh({"--workers", std::to_string(workers), "--sync", sync});
    for (int c = 0; c < kCommunities; ++c) Create(*stub, "c" + std::to_string(c));
    const auto start = Clock::now();
    OnThreads(kCommunities, [&, stub = stub](int c) {
      const auto& stream = streams_[c];
      for (size_t i = 0; i < stream.size(); i += batch) {
        grpc::ClientContext ctx;
        if (batch == 1) {
          shequn::v1::StepRequest r;
          r.set_community_id("c" + std::to_string(c));
          *r.mutable_event() = stream[i];
          shequn::v1::StepResponse out;
          stub->Step(Authorized(ctx), r, &out);  // rejections are part of the stream
          continue;
        }
        shequn::v1::StepBatchRequest r;
        r.set_community_id("c" + std::to_string(c));
        for (size_t j = i; j < std::min(stream.size(), i + batch); ++j) *r.add_events() = stream[j];
        shequn::v1::StepBatchResponse out;
        if (!stub->StepBatch(Authorized(ctx), r, &out).ok()) std::abort();
      }
    });
    return Total() / Seconds(start);
  }

  // `communities` communities with `events` events each; after a SIGKILL,
  // the time until the server listens and until every community has answered.
  std::pair<double, double> Restart(int events, int communities) {
    auto [server, stub] = Fresh({"--workers", "2", "--sync", "normal"});
    OnThreads(kCommunities, [&, stub = stub](int t) {
      for (int c = t; c < communities; c += kCommunities) {
        const std::string id = "r" + std::to_string(c);
        Create(*stub, id);
        shequn::v1::StepBatchRequest r;
        r.set_community_id(id);
        for (int j = 0; j < events; ++j) *r.add_events() = streams_[c % kCommunities][j];
        shequn::v1::StepBatchResponse out;
        grpc::ClientContext ctx;
        stub->StepBatch(Authorized(ctx), r, &out);
      }
    });
    server->Kill();
    const auto start = Clock::now();
    const std::string address = server->Start();
    const double listening = Seconds(start);
    auto fresh = shequn::v1::Shequn::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    OnThreads(kCommunities, [&](int t) {
      for (int c = t; c < communities; c += kCommunities) {
        shequn::v1::CommunityRef r;
        r.set_community_id("r" + std::to_string(c));
        shequn::v1::SnapshotResponse out;
        grpc::ClientContext ctx;
        if (!fresh->GetSnapshot(Authorized(ctx), r, &out).ok()) std::abort();
      }
    });
    return {listening, Seconds(start)};
  }

 private:
  double Total() const { return static_cast<double>(kCommunities * streams_[0].size()); }

  std::pair<std::unique_ptr<shequn::testing::ServerProcess>, std::shared_ptr<shequn::v1::Shequn::Stub>>
  Fresh(std::vector<std::string> args) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string config = (dir_ / "tokens.conf").string();
    std::ofstream(config) << "token " << kToken << " write *\n";
    auto server = std::make_unique<shequn::testing::ServerProcess>(dir_.string(), config, std::move(args));
    const std::string address = server->Start();
    if (address.empty()) std::abort();
    std::shared_ptr<shequn::v1::Shequn::Stub> stub =
        shequn::v1::Shequn::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    return {std::move(server), stub};
  }

  std::vector<std::vector<Event>> streams_;
  std::filesystem::path dir_;
};

}  // namespace

// server_throughput [EVENTS [RESTART_COMMUNITIES]]: defaults 16,000 and
// 1,000 (RESULTS-server.md); the test command's smoke run passes small ones.
int main(int argc, char** argv) {
  const int events = argc > 1 ? std::atoi(argv[1]) : 16000;
  const int restarted = std::max(kCommunities, argc > 2 ? std::atoi(argv[2]) : 1000);
  Bench bench(std::max(100, events / kCommunities));
  std::printf("%d events, %d communities, %u cores\n\n", events, kCommunities,
              std::thread::hardware_concurrency());
  std::printf("| path | workers | sync | events/s |\n| --- | --- | --- | --- |\n");
  std::printf("| in-process Engine::Step | 1 thread | - | %.0f |\n", bench.InProcess());
  for (int workers : {1, 2}) {
    for (const char* sync : {"full", "normal"}) {
      std::printf("| gRPC Step | %d | %s | %.0f |\n", workers, sync, bench.Server(workers, sync, 1));
      std::printf("| gRPC StepBatch (100) | %d | %s | %.0f |\n", workers, sync,
                  bench.Server(workers, sync, 100));
      std::fflush(stdout);
    }
  }
  const auto [listening, loaded] = bench.Restart(100, restarted);
  std::printf("\nrestart after SIGKILL, %d communities of 100 events: listening after %.3f s, "
              "every community loaded after %.3f s\n", restarted, listening, loaded);
  return 0;
}
