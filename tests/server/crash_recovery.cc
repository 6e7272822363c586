// The crash test: a client streams 100,000 events into 50 communities while
// shequn-server is killed with SIGKILL several times and restarted; the
// client resends every batch it has no answer for, and one answered batch
// in ten as if its answer had been lost. At the end each
// community's SnapshotBytes() equal an in-process run of the same events,
// and every answer the client got equals the in-process one: no
// acknowledged event was lost or applied twice.
//
// Repeatable: the events, batch sizes and kill points (counts of answered
// events) are seeded; what is killed mid-flight depends on timing, but the
// checked result does not.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "google/protobuf/text_format.h"
#include "shequn/engine.h"
#include "shequn/v1/service.grpc.pb.h"
#include "shequn/text_format.h"
#include "server/server_process.h"
#include "support/random_events.h"

namespace shequn {
namespace {

constexpr int kCommunities = 50;
constexpr int kEventsEach = 2000;
constexpr int kKills = 5;
constexpr int kClientThreads = 4;
constexpr int kMaxBatch = 40;
constexpr char kToken[] = "crash-test-token-0123456789";

// What the in-process engine answered for one event.
struct Expected {
  bool accepted = false;
  bool duplicate = false;
  int code = 0;
  std::string outcome;  // serialised, when accepted
};

struct Community {
  std::string id;
  std::vector<v1::Event> events;
  std::vector<Expected> expected;
  std::string final_snapshot;
};

std::vector<Community> InProcessRun() {
  v1::CommunityConfig config;
  EXPECT_TRUE(ParseTextFormat(testing::kAllPartsCommunity, &config).ok());
  std::vector<Community> out(kCommunities);
  for (int c = 0; c < kCommunities; ++c) {
    Community& community = out[c];
    community.id = "c" + std::to_string(c);
    community.events = testing::RandomStream(1000 + c, kEventsEach, testing::AllPartsMakers(),
                                             {.members = 40, .hostile = false});
    auto engine = *Engine::Create(config);
    for (const v1::Event& e : community.events) {
      absl::StatusOr<v1::Outcome> r = engine->Step(e);
      Expected x;
      x.accepted = r.ok();
      x.code = static_cast<int>(r.status().code());
      if (r.ok()) {
        x.duplicate = r->duplicate();
        x.outcome = SerializeDeterministic(*r);
      }
      community.expected.push_back(std::move(x));
    }
    community.final_snapshot = engine->SnapshotBytes();
  }
  return out;
}

// The client's view of the server: a stub that the killer replaces after
// each restart.
class Connection {
 public:
  void Connect(const std::string& address) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    std::lock_guard<std::mutex> lock(mu_);
    stub_ = v1::Shequn::NewStub(channel);
  }
  std::shared_ptr<v1::Shequn::Stub> stub() {
    std::lock_guard<std::mutex> lock(mu_);
    return stub_;
  }

 private:
  std::mutex mu_;
  std::shared_ptr<v1::Shequn::Stub> stub_;
};

void Authorize(grpc::ClientContext& ctx) {
  ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
}

// Compares one answer with the in-process one; empty when they agree.
std::string Disagreement(const Expected& x, const v1::StepResult& got) {
  if (!x.accepted) {
    if (got.has_rejection() && got.rejection().code() == x.code) return "";
    return "expected a rejection with code " + std::to_string(x.code) + ", got " + got.ShortDebugString();
  }
  if (!got.has_outcome()) return "expected an outcome, got " + got.ShortDebugString();
  if (x.duplicate) return got.outcome().duplicate() ? "" : "expected a duplicate";
  v1::Outcome outcome = got.outcome();
  outcome.set_duplicate(false);  // a resent batch gets the stored outcome back
  return SerializeDeterministic(outcome) == x.outcome ? "" : "outcome differs";
}

TEST(CrashRecovery, KilledServerLosesNoAcknowledgedEventAndAppliesNoneTwice) {
  const std::vector<Community> communities = InProcessRun();

  const std::string dir = ::testing::TempDir() + "shequn-crash-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string config = dir + "/tokens.conf";
  std::ofstream(config) << "token " << kToken << " write *\n";
  testing::ServerProcess server(dir, config,
                                {"--workers", "2", "--sync", "normal", "--snapshot-every", "300"});
  Connection connection;
  std::string address = server.Start();
  ASSERT_FALSE(address.empty());
  connection.Connect(address);

  for (const Community& c : communities) {
    v1::CreateCommunityRequest r;
    r.set_community_id(c.id);
    EXPECT_TRUE(ParseTextFormat(testing::kAllPartsCommunity, r.mutable_config()).ok());
    grpc::ClientContext ctx;
    Authorize(ctx);
    v1::CommunityInfo info;
    ASSERT_TRUE(connection.stub()->CreateCommunity(&ctx, r, &info).ok());
  }

  // Kill points: counts of answered events, seeded.
  std::mt19937 rng(25);
  std::vector<int> kill_at;
  for (int i = 0; i < kKills; ++i) kill_at.push_back(5000 + rng() % (kCommunities * kEventsEach - 10000));
  std::sort(kill_at.begin(), kill_at.end());

  std::atomic<int> answered{0};
  std::atomic<int> resent{0};
  std::atomic<int> stored_answers{0};  // answered from the log to a resent batch
  std::mutex progress_mu;
  std::condition_variable progress;
  std::mutex failures_mu;
  std::vector<std::string> failures;

  // Sends until the server answers: a call without an answer may or may
  // not have been logged, so the same batch goes again.
  auto send = [&](const v1::StepBatchRequest& r) {
    v1::StepBatchResponse response;
    for (;;) {
      grpc::ClientContext ctx;
      Authorize(ctx);
      if (connection.stub()->StepBatch(&ctx, r, &response).ok()) return response;
      ++resent;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  auto check = [&](const Community& community, size_t first, const v1::StepBatchResponse& response) {
    for (int i = 0; i < response.results_size(); ++i) {
      const v1::StepResult& got = response.results(i);
      const Expected& x = community.expected[first + i];
      if (got.outcome().duplicate() && !x.duplicate) ++stored_answers;
      std::string why = Disagreement(x, got);
      if (why.empty()) continue;
      std::lock_guard<std::mutex> lock(failures_mu);
      failures.push_back(community.id + " event " + std::to_string(first + i) + ": " + why);
    }
  };
  auto client = [&](int t) {
    for (int c = t; c < kCommunities; c += kClientThreads) {
      const Community& community = communities[c];
      std::mt19937 rng(c);
      for (size_t next = 0; next < community.events.size();) {
        const size_t n = std::min<size_t>(1 + rng() % kMaxBatch, community.events.size() - next);
        v1::StepBatchRequest r;
        r.set_community_id(community.id);
        for (size_t i = next; i < next + n; ++i) *r.add_events() = community.events[i];
        v1::StepBatchResponse response = send(r);
        ASSERT_EQ(response.results_size(), static_cast<int>(n));
        check(community, next, response);
        // One batch in ten goes again, as after a lost answer: the stored
        // answers come back, nothing is applied twice.
        if (rng() % 10 == 0) check(community, next, send(r));
        next += n;
        answered += static_cast<int>(n);
        progress.notify_all();
      }
    }
  };
  std::vector<std::thread> clients;
  for (int t = 0; t < kClientThreads; ++t) clients.emplace_back(client, t);

  for (int at : kill_at) {
    {
      std::unique_lock<std::mutex> lock(progress_mu);
      progress.wait(lock, [&] { return answered.load() >= at; });
    }
    server.Kill();
    address = server.Start();
    ASSERT_FALSE(address.empty());
    connection.Connect(address);
  }
  for (std::thread& t : clients) t.join();

  EXPECT_EQ(answered.load(), kCommunities * kEventsEach);
  EXPECT_TRUE(failures.empty()) << failures.size() << " answers differ, first: " << failures[0];
  EXPECT_GT(stored_answers.load(), 0);

  // Once more from the disk alone: every community from its snapshot and log.
  server.Kill();
  address = server.Start();
  ASSERT_FALSE(address.empty());
  connection.Connect(address);
  for (const Community& c : communities) {
    v1::CommunityRef r;
    r.set_community_id(c.id);
    v1::SnapshotResponse snapshot;
    grpc::ClientContext ctx;
    Authorize(ctx);
    ASSERT_TRUE(connection.stub()->GetSnapshot(&ctx, r, &snapshot).ok());
    EXPECT_TRUE(snapshot.snapshot() == c.final_snapshot) << c.id << ": state differs from the in-process run";
  }
  std::printf("crash test: %d kills, %d calls without an answer resent, %d events answered from the log\n", kKills,
              resent.load(), stored_answers.load());
  server.Kill();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shequn
