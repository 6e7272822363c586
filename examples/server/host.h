// The transport-free core of shequn-server: many communities, each an
// Engine owned by one worker thread, durable through a Store.
//
// Communities are hashed onto N workers. Everything about a community (its
// events, queries, config changes) runs as a task on its worker's queue, so
// an engine is only ever touched by one thread and needs no lock. The
// caller's thread waits for the task's result.
//
// Durability: an event's result is appended to the log (one transaction per
// batch) before it is returned; a snapshot is stored every
// `snapshot_every` events or `snapshot_interval`, whichever comes first,
// and when an idle community is evicted. Loading a community (on its first
// call after a start or an eviction) is its latest snapshot plus a replay
// of the log after it. A retry of a logged event id returns the stored
// result, not a second application. Communities that run under the same
// config share one compiled copy of it (shequn::CompiledConfig).
//
// Time moves with events, as in the library, unless the server clock is on
// (HostOptions::clock): then about once a second each worker runs the
// timers that have fallen due in its communities (Engine::AdvanceTo), waking
// evicted ones whose timers are due, and logs each run like an event, so a
// replay repeats it and WatchActions streams its actions.
#ifndef SHEQUN_EXAMPLES_SERVER_HOST_H_
#define SHEQUN_EXAMPLES_SERVER_HOST_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "shequn/v1/service.pb.h"
#include "store.h"

namespace shequn::server {

struct HostOptions {
  // Worker threads; a community always runs on the same one. Default: 1
  // (shequn-server: the number of cores).
  int workers = 1;
  // A snapshot after this many logged events of a community. Default: 1000.
  uint64_t snapshot_every = 1000;
  // ... or this long after its last snapshot, if it logged anything since.
  // Default: 60 s.
  absl::Duration snapshot_interval = absl::Seconds(60);
  // A community not called for this long is snapshotted and unloaded.
  // Default: 10 min.
  absl::Duration evict_after = absl::Minutes(10);
  // Folders searched in order for "<preset>.textproto". Default: none.
  std::vector<std::string> preset_dirs;
  // The server clock (above). Off by default.
  bool clock = false;
  // The clock runs timers up to the wall clock minus this lag, so an event
  // stamped when it happened and delivered within the lag is not refused
  // as older than the community's time (OUT_OF_RANGE). Default: 2 s.
  absl::Duration clock_lag = absl::Seconds(2);
};

class SharedConfigs;  // host.cc

// Opens a new connection to the server's store; called once per worker
// and once per reader.
using StoreFactory = std::function<absl::StatusOr<std::unique_ptr<Store>>()>;

// Thread-safety: every public method may be called from any thread at
// once; each blocks until the community's worker has answered. The Host
// owns its workers and their store connections.
class Host {
 public:
  static constexpr size_t kMaxBatch = 1000;
  static constexpr uint32_t kMaxRows = 1000;

  // Starts the workers; fails if a worker cannot open the store.
  static absl::StatusOr<std::unique_ptr<Host>> Start(StoreFactory stores, HostOptions options);
  ~Host();  // finishes queued tasks, stops the workers
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  absl::StatusOr<v1::CommunityInfo> Create(const v1::CreateCommunityRequest& r);
  absl::StatusOr<v1::CommunityInfo> UpdateConfig(const v1::UpdateConfigRequest& r);
  absl::StatusOr<v1::ListCommunitiesResponse> List();
  absl::Status Delete(const std::string& community);

  absl::StatusOr<v1::StepResponse> Step(const v1::StepRequest& r);
  absl::StatusOr<v1::StepBatchResponse> StepBatch(const v1::StepBatchRequest& r);

  // Calls `send` for each accepted outcome after the requested positions,
  // then waits for new ones, until `send` returns false or `stop()` is true.
  absl::Status Watch(const v1::WatchActionsRequest& r,
                     const std::function<bool(const v1::WatchedOutcome&)>& send,
                     const std::function<bool()>& stop);

  // The engine's queries. Each runs on the community's worker.
  absl::StatusOr<v1::MemberRecord> Member(const v1::MemberQuery& q);
  absl::StatusOr<v1::AuditResponse> Audit(const v1::MemberQuery& q);
  absl::StatusOr<v1::StrikesResponse> Strikes(const v1::MemberQuery& q);
  absl::StatusOr<v1::MemberLedger> Ledger(const v1::MemberQuery& q);
  absl::StatusOr<v1::BoardPage> Leaderboard(const v1::BoardRequest& q);
  absl::StatusOr<v1::BoardRow> Rank(const v1::BoardRequest& q);
  absl::StatusOr<v1::BoardPage> Page(const v1::BoardRequest& q);
  absl::StatusOr<v1::PollResult> Poll(const v1::PollQuery& q);
  absl::StatusOr<v1::Report> Report(const v1::ReportQuery& q);
  absl::StatusOr<v1::MemberIds> SegmentMembers(const v1::SegmentQuery& q);
  absl::StatusOr<v1::MemberList> Search(const v1::SearchQuery& q);
  absl::StatusOr<v1::MemberList> Pending(const std::string& community);
  absl::StatusOr<v1::MemberList> Waitlist(const std::string& community);
  absl::StatusOr<v1::SnapshotResponse> Snapshot(const std::string& community);

  // InvalidArgument naming `community_id` unless `id` is 1 to 128 bytes of
  // [A-Za-z0-9_.-].
  static absl::Status CheckCommunityId(const std::string& id);

 private:
  struct Loaded;
  struct Worker;
  Host(StoreFactory stores, HostOptions options);
  // A worker's loop: its queued tasks, and a Tick about once a second.
  void RunWorker(Worker& w);
  void Tick(Worker& w, absl::Time now);
  // The server clock's part of a Tick: the due timers of the worker's
  // communities run up to `now` minus the lag. O(communities) checks, plus
  // the timers' own cost where one is due.
  void RunClock(Worker& w, absl::Time now);
  // The worker that owns `community`.
  Worker& WorkerOf(const std::string& community);

  // Runs `task` on the community's worker and waits for it.
  template <typename R>
  absl::StatusOr<R> OnWorker(const std::string& community,
                             std::function<absl::StatusOr<R>(Worker&)> task);
  // As OnWorker, with the community loaded (NotFound if unknown or deleted).
  template <typename R>
  absl::StatusOr<R> OnCommunity(const std::string& community,
                                std::function<absl::StatusOr<R>(Worker&, Loaded&)> task);

  StoreFactory stores_;
  HostOptions options_;
  // Communities under the same config (a preset's) share its compiled
  // form: one screener for all of them (CompiledConfig).
  std::unique_ptr<SharedConfigs> configs_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // Bumped after every append; watchers wait on it. Writers never lock.
  std::atomic<uint64_t> log_version_{0};
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
};

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_HOST_H_
