#include "host.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <future>
#include <iostream>
#include <limits>
#include <sstream>
#include <optional>
#include <span>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "shequn/engine.h"
#include "shequn/limits.h"
#include "shequn/text_format.h"

namespace shequn::server {
namespace {

// `s` with `field: ` in front of its message, so a status names the request
// field it is about; OK stays OK.
absl::Status Prefixed(const absl::Status& s, absl::string_view field) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

bool IsIdByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

absl::StatusOr<v1::CommunityConfig> LoadPreset(const std::vector<std::string>& dirs,
                                               const std::string& name) {
  const bool plain = !name.empty() && name.size() <= 64 &&
                     std::all_of(name.begin(), name.end(),
                                 [](char c) { return IsIdByte(c) && c != '.'; });
  if (!plain) return absl::InvalidArgumentError(absl::StrCat("preset: '", name, "' is not a preset name"));
  for (const std::string& dir : dirs) {
    std::ifstream in(absl::StrCat(dir, "/", name, ".textproto"));
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    v1::CommunityConfig config;
    if (absl::Status parsed = ParseTextFormat(text.str(), &config); !parsed.ok()) {
      return absl::InternalError(
          absl::StrCat("preset: '", name, "' does not parse: ", parsed.message()));
    }
    return config;
  }
  return absl::NotFoundError(absl::StrCat("preset: no preset '", name, "' in ", absl::StrJoin(dirs, ", ")));
}

v1::StepRejection ToRejection(const absl::Status& s) {
  v1::StepRejection r;
  r.set_code(static_cast<int>(s.code()));
  r.set_message(std::string(s.message()));
  return r;
}

bool LoggableId(const v1::Event& e) {
  return !e.id().empty() && e.id().size() <= limits::kMaxIdBytes;
}

}  // namespace

// Compiled configs by their deterministic bytes, held weakly: compiled on
// the first community that needs one, freed with the last engine using it.
// Thread-safe (workers load communities at once); not on the event path.
class SharedConfigs {
 public:
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> Get(const v1::CommunityConfig& config) {
    const std::string key = SerializeDeterministic(config);
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = compiled_.find(key); it != compiled_.end()) {
      if (std::shared_ptr<const CompiledConfig> live = it->second.lock()) return live;
    }
    absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled = CompiledConfig::Compile(config);
    if (!compiled.ok()) return compiled.status();
    compiled_[key] = *compiled;
    if (compiled_.size() > 2 * live_at_last_sweep_ + 16) Sweep();
    return compiled;
  }

 private:
  // Drops the entries whose engines are all gone.
  void Sweep() {
    for (auto it = compiled_.begin(); it != compiled_.end();) {
      if (it->second.expired()) compiled_.erase(it++);
      else ++it;
    }
    live_at_last_sweep_ = compiled_.size();
  }

  std::mutex mu_;
  absl::flat_hash_map<std::string, std::weak_ptr<const CompiledConfig>> compiled_;
  size_t live_at_last_sweep_ = 0;
};

struct Host::Loaded {
  std::unique_ptr<Engine> engine;
  uint64_t seq = 0;           // last logged position
  uint64_t snapshot_seq = 0;  // position of the stored snapshot
  absl::Time snapshot_time;
  absl::Time used;
};

struct Host::Worker {
  std::unique_ptr<Store> store;
  // Touched by this worker's thread only.
  absl::flat_hash_map<std::string, Loaded> communities;
  // With the clock on: evicted communities that have a timer, and when it
  // falls due (INT64_MIN when not known yet, after a start: load to see).
  absl::flat_hash_map<std::string, int64_t> asleep;
  absl::Time last_tick;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  bool stopping = false;
  std::thread thread;

  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back(std::move(task));
    }
    cv.notify_one();
  }
};

Host::Host(StoreFactory stores, HostOptions options)
    : stores_(std::move(stores)),
      options_(std::move(options)),
      configs_(std::make_unique<SharedConfigs>()) {}

absl::Status Host::CheckCommunityId(const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError("community_id: required");
  if (id.size() > 128) {
    return absl::InvalidArgumentError(absl::StrCat("community_id: ", id.size(), " bytes, limit 128"));
  }
  if (!std::all_of(id.begin(), id.end(), IsIdByte)) {
    return absl::InvalidArgumentError("community_id: only A-Z a-z 0-9 _ . - are allowed");
  }
  return absl::OkStatus();
}

// ---- Workers ---------------------------------------------------------------

namespace {

std::string ConfigBytes(const Engine& engine) { return SerializeDeterministic(engine.config()); }

// Stores a loaded community's state (L is Host::Loaded); keeps the old
// snapshot on failure, as the log still holds every event.
template <typename L>
absl::Status TakeSnapshot(Store& store, const std::string& id, L& l) {
  absl::Status s = store.PutSnapshot(id, {l.seq, ConfigBytes(*l.engine), l.engine->SnapshotBytes()});
  if (!s.ok()) {
    std::cerr << "shequn-server: snapshot of '" << id << "' failed: " << s << "\n";
    return s;
  }
  l.snapshot_seq = l.seq;
  l.snapshot_time = absl::Now();
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Host>> Host::Start(StoreFactory stores, HostOptions options) {
  if (options.workers < 1) return absl::InvalidArgumentError("workers: at least 1");
  std::unique_ptr<Host> host(new Host(std::move(stores), std::move(options)));
  for (int i = 0; i < host->options_.workers; ++i) {
    auto store = host->stores_();
    if (!store.ok()) return store.status();
    auto w = std::make_unique<Worker>();
    w->store = *std::move(store);
    w->last_tick = absl::Now();
    host->workers_.push_back(std::move(w));
  }
  if (host->options_.clock) {
    // Every community's timers run on the clock, loaded or not.
    absl::StatusOr<std::vector<CommunityListing>> listed = host->workers_[0]->store->List();
    if (!listed.ok()) return listed.status();
    for (const CommunityListing& c : *listed) {
      host->WorkerOf(c.id).asleep[c.id] = std::numeric_limits<int64_t>::min();
    }
  }
  for (auto& w : host->workers_) {
    w->thread = std::thread([self = host.get(), worker = w.get()] { self->RunWorker(*worker); });
  }
  return host;
}

void Host::RunWorker(Worker& w) {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(w.mu);
      w.cv.wait_for(lock, std::chrono::seconds(1), [&] { return w.stopping || !w.queue.empty(); });
      if (w.queue.empty() && w.stopping) return;
      if (!w.queue.empty()) {
        task = std::move(w.queue.front());
        w.queue.pop_front();
      }
    }
    if (task) task();
    const absl::Time now = absl::Now();
    if (now - w.last_tick < absl::Seconds(1)) continue;
    w.last_tick = now;
    Tick(w, now);
  }
}

// The clock's timers, time-based snapshots, and eviction of idle
// communities to their snapshot.
void Host::Tick(Worker& w, absl::Time now) {
  if (options_.clock) RunClock(w, now);
  std::vector<std::string> idle;
  for (auto& [id, l] : w.communities) {
    const bool dirty = l.seq > l.snapshot_seq;
    const bool evict = now - l.used >= options_.evict_after;
    if (dirty && (evict || now - l.snapshot_time >= options_.snapshot_interval)) {
      if (!TakeSnapshot(*w.store, id, l).ok()) continue;  // stays loaded; retried next tick
    }
    if (!evict) continue;
    idle.push_back(id);
    const std::optional<int64_t> due = l.engine->NextDueMs();
    if (options_.clock && due.has_value()) w.asleep[id] = *due;
  }
  for (const std::string& id : idle) w.communities.erase(id);
}

Host::Worker& Host::WorkerOf(const std::string& community) {
  return *workers_[std::hash<std::string>{}(community) % workers_.size()];
}

Host::~Host() {
  for (auto& w : workers_) {
    {
      std::lock_guard<std::mutex> lock(w->mu);
      w->stopping = true;
    }
    w->cv.notify_one();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

template <typename R>
absl::StatusOr<R> Host::OnWorker(const std::string& community,
                                 std::function<absl::StatusOr<R>(Worker&)> task) {
  if (absl::Status s = CheckCommunityId(community); !s.ok()) return s;
  Worker& w = WorkerOf(community);
  std::promise<absl::StatusOr<R>> done;
  std::future<absl::StatusOr<R>> result = done.get_future();
  w.Post([&] { done.set_value(task(w)); });
  return result.get();
}

namespace {

// Loads `id` into the worker's map: the latest snapshot, then the log after
// it replayed (each replayed outcome must equal the logged one).
template <typename L>
absl::StatusOr<L*> LoadInto(Store& store, SharedConfigs& configs,
                            absl::flat_hash_map<std::string, L>& map, const std::string& id) {
  if (auto it = map.find(id); it != map.end()) {
    it->second.used = absl::Now();
    return &it->second;
  }
  absl::StatusOr<Presence> presence = store.Find(id);
  if (!presence.ok()) return presence.status();
  if (*presence == Presence::kUnknown) {
    return absl::NotFoundError(absl::StrCat("community_id: unknown community '", id, "'"));
  }
  if (*presence == Presence::kDeleted) {
    return absl::NotFoundError(absl::StrCat("community_id: community '", id, "' was deleted"));
  }
  absl::StatusOr<StoredSnapshot> stored = store.LatestSnapshot(id);
  if (!stored.ok()) return stored.status();
  v1::CommunityConfig config;
  v1::CommunitySnapshot snapshot;
  if (!config.ParseFromString(stored->config) || !snapshot.ParseFromString(stored->snapshot)) {
    return absl::DataLossError(absl::StrCat("store: community '", id, "': snapshot does not parse"));
  }
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled = configs.Get(config);
  if (!compiled.ok()) return Prefixed(compiled.status(), absl::StrCat("store: community '", id, "'"));
  auto engine = Engine::Restore(*std::move(compiled), snapshot);
  if (!engine.ok()) return Prefixed(engine.status(), absl::StrCat("store: community '", id, "'"));
  L l;
  l.engine = *std::move(engine);
  l.seq = l.snapshot_seq = stored->seq;
  l.snapshot_time = l.used = absl::Now();
  for (;;) {
    absl::StatusOr<std::vector<LogRow>> rows = store.ReadLog(id, l.seq, 1000);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) break;
    for (const LogRow& row : *rows) {
      l.seq = row.seq;
      if (row.code != 0) continue;
      v1::Event event;
      if (!row.clock_ms.has_value() && !event.ParseFromString(row.event)) {
        return absl::DataLossError(absl::StrCat("store: '", id, "' seq ", row.seq, ": event does not parse"));
      }
      absl::StatusOr<v1::Outcome> out =
          row.clock_ms.has_value() ? l.engine->AdvanceTo(*row.clock_ms) : l.engine->Step(event);
      if (!out.ok() || SerializeDeterministic(*out) != row.outcome) {
        return absl::DataLossError(
            absl::StrCat("store: '", id, "' seq ", row.seq, ": replay differs from the log"));
      }
    }
  }
  return &map.emplace(id, std::move(l)).first->second;
}

}  // namespace

template <typename R>
absl::StatusOr<R> Host::OnCommunity(const std::string& community,
                                    std::function<absl::StatusOr<R>(Worker&, Loaded&)> task) {
  return OnWorker<R>(community, [&](Worker& w) -> absl::StatusOr<R> {
    absl::StatusOr<Loaded*> l = LoadInto(*w.store, *configs_, w.communities, community);
    if (!l.ok()) return l.status();
    return task(w, **l);
  });
}

// ---- The server clock --------------------------------------------------------

namespace {

// Runs a loaded community's timers up to `time_ms` and logs the run; the
// store's error means the engine ran ahead of the log (reload it).
template <typename L>
absl::Status RunTimers(Store& store, const std::string& id, L& l, int64_t time_ms) {
  absl::StatusOr<v1::Outcome> out = l.engine->AdvanceTo(time_ms);
  if (!out.ok()) return out.status();
  LogRow row{l.seq + 1, "", "", SerializeDeterministic(*out), 0, "", time_ms};
  if (absl::Status s = store.Append(id, {&row, 1}); !s.ok()) return s;
  l.seq = row.seq;
  return absl::OkStatus();
}

}  // namespace

void Host::RunClock(Worker& w, absl::Time now) {
  const int64_t until = absl::ToUnixMillis(now - options_.clock_lag);
  std::vector<std::string> waking;
  for (const auto& [id, due] : w.asleep) {
    if (due <= until) waking.push_back(id);
  }
  for (const std::string& id : waking) {
    w.asleep.erase(id);
    absl::StatusOr<Loaded*> l = LoadInto(*w.store, *configs_, w.communities, id);
    if (l.ok() || l.status().code() == absl::StatusCode::kNotFound) continue;  // deleted
    std::cerr << "shequn-server: clock: cannot load '" << id << "': " << l.status() << "\n";
    w.asleep[id] = std::numeric_limits<int64_t>::min();  // tried again next tick
  }
  std::vector<std::string> failed;
  bool logged = false;
  for (auto& [id, l] : w.communities) {
    const std::optional<int64_t> due = l.engine->NextDueMs();
    if (!due.has_value() || *due > until || until < l.engine->last_time_ms()) continue;
    if (absl::Status s = RunTimers(*w.store, id, l, until); !s.ok()) {
      std::cerr << "shequn-server: clock: '" << id << "': " << s << "\n";
      failed.push_back(id);
      continue;
    }
    logged = true;
  }
  for (const std::string& id : failed) {  // reloaded from the log next tick
    w.communities.erase(id);
    w.asleep[id] = std::numeric_limits<int64_t>::min();
  }
  if (!logged) return;
  log_version_.fetch_add(1);
  watch_cv_.notify_all();
}

// ---- Communities -----------------------------------------------------------

absl::StatusOr<v1::CommunityInfo> Host::Create(const v1::CreateCommunityRequest& r) {
  v1::CommunityConfig config;
  switch (r.source_case()) {
    case v1::CreateCommunityRequest::kConfig:
      config = r.config();
      break;
    case v1::CreateCommunityRequest::kPreset: {
      absl::StatusOr<v1::CommunityConfig> preset = LoadPreset(options_.preset_dirs, r.preset());
      if (!preset.ok()) return preset.status();
      config = *std::move(preset);
      break;
    }
    default:
      return absl::InvalidArgumentError("config: a config or a preset name is required");
  }
  const std::string& id = r.community_id();
  return OnWorker<v1::CommunityInfo>(id, [&](Worker& w) -> absl::StatusOr<v1::CommunityInfo> {
    absl::StatusOr<Presence> presence = w.store->Find(id);
    if (!presence.ok()) return presence.status();
    if (*presence == Presence::kLive) {
      return absl::AlreadyExistsError(absl::StrCat("community_id: community '", id, "' exists"));
    }
    if (*presence == Presence::kDeleted) {
      return absl::AlreadyExistsError(
          absl::StrCat("community_id: community '", id, "' was deleted; ids are not reused"));
    }
    absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled = configs_->Get(config);
    if (!compiled.ok()) return Prefixed(compiled.status(), "config");
    auto engine = Engine::Create(*std::move(compiled));
    if (!engine.ok()) return Prefixed(engine.status(), "config");
    Loaded l;
    l.engine = *std::move(engine);
    if (absl::Status s = w.store->Create(id, {0, ConfigBytes(*l.engine), l.engine->SnapshotBytes()});
        !s.ok()) {
      return s;
    }
    l.snapshot_time = l.used = absl::Now();
    w.communities.insert_or_assign(id, std::move(l));
    v1::CommunityInfo info;
    info.set_community_id(id);
    return info;
  });
}

absl::StatusOr<v1::CommunityInfo> Host::UpdateConfig(const v1::UpdateConfigRequest& r) {
  return OnCommunity<v1::CommunityInfo>(
      r.community_id(), [&](Worker& w, Loaded& l) -> absl::StatusOr<v1::CommunityInfo> {
        absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled = configs_->Get(r.config());
        if (!compiled.ok()) return Prefixed(compiled.status(), "config");
        auto engine = Engine::Restore(*std::move(compiled), l.engine->Snapshot());
        if (!engine.ok()) return Prefixed(engine.status(), "config");
        const StoredSnapshot s{l.seq, ConfigBytes(**engine), (*engine)->SnapshotBytes()};
        if (absl::Status st = w.store->PutSnapshot(r.community_id(), s); !st.ok()) return st;
        l.engine = *std::move(engine);
        l.snapshot_seq = l.seq;
        l.snapshot_time = absl::Now();
        v1::CommunityInfo info;
        info.set_community_id(r.community_id());
        info.set_last_seq(l.seq);
        return info;
      });
}

absl::StatusOr<v1::ListCommunitiesResponse> Host::List() {
  auto store = stores_();
  if (!store.ok()) return store.status();
  auto listed = (*store)->List();
  if (!listed.ok()) return listed.status();
  v1::ListCommunitiesResponse out;
  for (const CommunityListing& c : *listed) {
    v1::CommunityInfo* info = out.add_communities();
    info->set_community_id(c.id);
    info->set_last_seq(c.last_seq);
  }
  return out;
}

absl::Status Host::Delete(const std::string& community) {
  return OnWorker<bool>(community, [&](Worker& w) -> absl::StatusOr<bool> {
           absl::StatusOr<Loaded*> l = LoadInto(*w.store, *configs_, w.communities, community);
           if (!l.ok() && l.status().code() == absl::StatusCode::kNotFound) return l.status();
           if (absl::Status s = w.store->Delete(community); !s.ok()) return s;
           w.communities.erase(community);
           w.asleep.erase(community);
           return true;
         })
      .status();
}

// ---- Events ----------------------------------------------------------------

namespace {

// Applies `events` in order to a loaded community and logs them in one
// append. Returns the per-event results, or the store's error (then the
// community must be reloaded: the engine is ahead of the log).
template <typename L>
absl::StatusOr<std::vector<v1::StepResult>> ApplyAndLog(Store& store, const std::string& id, L& l,
                                                        const google::protobuf::RepeatedPtrField<v1::Event>& events) {
  std::vector<v1::StepResult> results(events.size());
  std::vector<LogRow> rows;
  absl::flat_hash_map<std::string, size_t> in_batch;  // event id -> rows index
  uint64_t next = l.seq;
  for (int i = 0; i < events.size(); ++i) {
    const v1::Event& event = events[i];
    v1::StepResult& result = results[i];
    if (!LoggableId(event)) {
      absl::StatusOr<v1::Outcome> out = l.engine->Step(event);
      if (out.ok()) *result.mutable_outcome() = *std::move(out);
      else *result.mutable_rejection() = ToRejection(out.status());
      continue;
    }
    std::optional<LogRow> logged;
    if (auto it = in_batch.find(event.id()); it != in_batch.end()) {
      logged = rows[it->second];
    } else {
      absl::StatusOr<std::optional<LogRow>> found = store.FindEvent(id, event.id());
      if (!found.ok()) return found.status();
      logged = *std::move(found);
    }
    std::string bytes = SerializeDeterministic(event);
    if (logged) {
      if (logged->event != bytes) {
        *result.mutable_rejection() = ToRejection(absl::AlreadyExistsError(absl::StrCat(
            "event.id: '", event.id(), "' was logged at seq ", logged->seq,
            " with other content; a retry must resend the same event")));
        continue;
      }
      result.set_seq(logged->seq);
      if (logged->code != 0) {
        result.mutable_rejection()->set_code(logged->code);
        result.mutable_rejection()->set_message(logged->message);
        continue;
      }
      result.mutable_outcome()->ParseFromString(logged->outcome);
      result.mutable_outcome()->set_duplicate(true);
      continue;
    }
    absl::StatusOr<v1::Outcome> out = l.engine->Step(event);
    LogRow row{++next, event.id(), std::move(bytes), "", 0, ""};
    if (out.ok()) {
      row.outcome = SerializeDeterministic(*out);
      *result.mutable_outcome() = *std::move(out);
    } else {
      row.code = static_cast<int>(out.status().code());
      row.message = std::string(out.status().message());
      *result.mutable_rejection() = ToRejection(out.status());
    }
    result.set_seq(row.seq);
    in_batch[event.id()] = rows.size();
    rows.push_back(std::move(row));
  }
  if (absl::Status s = store.Append(id, rows); !s.ok()) return s;
  l.seq = next;
  return results;
}

}  // namespace

absl::StatusOr<v1::StepBatchResponse> Host::StepBatch(const v1::StepBatchRequest& r) {
  if (static_cast<size_t>(r.events_size()) > kMaxBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: ", r.events_size(), " events, limit ", kMaxBatch));
  }
  const std::string& id = r.community_id();
  return OnCommunity<v1::StepBatchResponse>(
      id, [&](Worker& w, Loaded& l) -> absl::StatusOr<v1::StepBatchResponse> {
        auto results = ApplyAndLog(*w.store, id, l, r.events());
        if (!results.ok()) {
          w.communities.erase(id);  // the engine ran ahead of the log: reload it
          return results.status();
        }
        log_version_.fetch_add(1);
        watch_cv_.notify_all();
        if (l.seq - l.snapshot_seq >= options_.snapshot_every) {
          TakeSnapshot(*w.store, id, l).IgnoreError();
        }
        v1::StepBatchResponse out;
        for (v1::StepResult& result : *results) *out.add_results() = std::move(result);
        return out;
      });
}

absl::StatusOr<v1::StepResponse> Host::Step(const v1::StepRequest& r) {
  v1::StepBatchRequest batch;
  batch.set_community_id(r.community_id());
  *batch.add_events() = r.event();
  absl::StatusOr<v1::StepBatchResponse> out = StepBatch(batch);
  if (!out.ok()) return out.status();
  const v1::StepResult& result = out->results(0);
  if (result.has_rejection()) {
    return absl::Status(static_cast<absl::StatusCode>(result.rejection().code()),
                        result.rejection().message());
  }
  v1::StepResponse response;
  *response.mutable_outcome() = result.outcome();
  response.set_seq(result.seq());
  return response;
}

absl::Status Host::Watch(const v1::WatchActionsRequest& r,
                         const std::function<bool(const v1::WatchedOutcome&)>& send,
                         const std::function<bool()>& stop) {
  if (r.communities().empty()) return absl::InvalidArgumentError("communities: at least one");
  auto store = stores_();
  if (!store.ok()) return store.status();
  std::vector<std::pair<std::string, uint64_t>> positions;
  for (const v1::WatchFrom& from : r.communities()) {
    if (absl::Status s = CheckCommunityId(from.community_id()); !s.ok()) return s;
    absl::StatusOr<Presence> presence = (*store)->Find(from.community_id());
    if (!presence.ok()) return presence.status();
    if (*presence != Presence::kLive) {
      return absl::NotFoundError(
          absl::StrCat("community_id: no community '", from.community_id(), "'"));
    }
    positions.emplace_back(from.community_id(), from.after_seq());
  }
  while (!stop()) {
    const uint64_t version = log_version_.load();
    bool more = false;
    for (auto& [id, pos] : positions) {
      absl::StatusOr<std::vector<LogRow>> rows = (*store)->ReadLog(id, pos, 500);
      if (!rows.ok()) return rows.status();
      for (const LogRow& row : *rows) {
        pos = row.seq;
        more = true;
        if (row.code != 0) continue;
        v1::WatchedOutcome w;
        w.mutable_outcome()->ParseFromString(row.outcome);
        // A clock run that only moved time is logged for the replay but
        // not worth a watcher's attention.
        if (row.clock_ms.has_value() && w.outcome().actions().empty()) continue;
        w.set_community_id(id);
        w.set_seq(row.seq);
        w.set_clock_ms(row.clock_ms.value_or(0));
        if (!send(w)) return absl::OkStatus();
      }
    }
    if (more) continue;
    std::unique_lock<std::mutex> lock(watch_mu_);
    watch_cv_.wait_for(lock, std::chrono::milliseconds(200),
                       [&] { return log_version_.load() != version; });
  }
  return absl::OkStatus();
}

// ---- Queries ---------------------------------------------------------------

absl::StatusOr<v1::MemberRecord> Host::Member(const v1::MemberQuery& q) {
  return OnCommunity<v1::MemberRecord>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::MemberRecord> {
        auto m = l.engine->Member(q.member_id());
        if (!m.ok()) return Prefixed(m.status(), "member_id");
        return m;
      });
}

absl::StatusOr<v1::AuditResponse> Host::Audit(const v1::MemberQuery& q) {
  return OnCommunity<v1::AuditResponse>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::AuditResponse> {
        auto entries = l.engine->Audit(q.member_id());
        if (!entries.ok()) return Prefixed(entries.status(), "member_id");
        v1::AuditResponse out;
        for (v1::AuditEntry& e : *entries) *out.add_entries() = std::move(e);
        return out;
      });
}

absl::StatusOr<v1::StrikesResponse> Host::Strikes(const v1::MemberQuery& q) {
  return OnCommunity<v1::StrikesResponse>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::StrikesResponse> {
        auto strikes = l.engine->LiveStrikes(q.member_id());
        if (!strikes.ok()) return Prefixed(strikes.status(), "member_id");
        v1::StrikesResponse out;
        out.set_live_strikes(*strikes);
        return out;
      });
}

absl::StatusOr<v1::MemberLedger> Host::Ledger(const v1::MemberQuery& q) {
  return OnCommunity<v1::MemberLedger>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::MemberLedger> {
        auto ledger = l.engine->Ledger(q.member_id());
        if (!ledger.ok()) return Prefixed(ledger.status(), "member_id");
        return ledger;
      });
}

namespace {

absl::Status CheckRows(absl::string_view field, uint32_t n) {
  if (n <= Host::kMaxRows) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", n, ", limit ", Host::kMaxRows));
}

}  // namespace

absl::StatusOr<v1::BoardPage> Host::Leaderboard(const v1::BoardRequest& q) {
  if (absl::Status s = CheckRows("k", q.k()); !s.ok()) return s;
  return OnCommunity<v1::BoardPage>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::BoardPage> {
        auto page = l.engine->Leaderboard(q.query(), q.k() == 0 ? 10 : q.k());
        if (!page.ok()) return Prefixed(page.status(), "query");
        return page;
      });
}

absl::StatusOr<v1::BoardRow> Host::Rank(const v1::BoardRequest& q) {
  return OnCommunity<v1::BoardRow>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::BoardRow> {
        auto row = l.engine->Rank(q.query(), q.member_id());
        if (!row.ok()) return Prefixed(row.status(), "query");
        return row;
      });
}

absl::StatusOr<v1::BoardPage> Host::Page(const v1::BoardRequest& q) {
  if (absl::Status s = CheckRows("before", q.before()); !s.ok()) return s;
  if (absl::Status s = CheckRows("after", q.after()); !s.ok()) return s;
  return OnCommunity<v1::BoardPage>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::BoardPage> {
        auto page = l.engine->Page(q.query(), q.member_id(), q.before(), q.after());
        if (!page.ok()) return Prefixed(page.status(), "query");
        return page;
      });
}

absl::StatusOr<v1::PollResult> Host::Poll(const v1::PollQuery& q) {
  return OnCommunity<v1::PollResult>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::PollResult> {
        auto poll = l.engine->Poll(q.poll_id());
        if (!poll.ok()) return Prefixed(poll.status(), "poll_id");
        return poll;
      });
}

absl::StatusOr<v1::Report> Host::Report(const v1::ReportQuery& q) {
  return OnCommunity<v1::Report>(q.community_id(),
                                 [&](Worker&, Loaded& l) -> absl::StatusOr<v1::Report> {
                                   return l.engine->Report(q.now_ms());
                                 });
}

absl::StatusOr<v1::MemberIds> Host::SegmentMembers(const v1::SegmentQuery& q) {
  return OnCommunity<v1::MemberIds>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::MemberIds> {
        auto members = l.engine->SegmentMembers(q.segment(), q.now_ms());
        if (!members.ok()) return Prefixed(members.status(), "segment");
        v1::MemberIds out;
        for (std::string& m : *members) out.add_member_ids(std::move(m));
        return out;
      });
}

// Search, pending and waitlist read the membership state of a snapshot:
// O(members), for operators' screens rather than every event.
absl::StatusOr<v1::MemberList> Host::Search(const v1::SearchQuery& q) {
  if (absl::Status s = CheckRows("limit", q.limit()); !s.ok()) return s;
  const uint32_t limit = q.limit() == 0 ? 100 : q.limit();
  return OnCommunity<v1::MemberList>(
      q.community_id(), [&](Worker&, Loaded& l) -> absl::StatusOr<v1::MemberList> {
        v1::MemberList out;
        const v1::CommunitySnapshot snapshot = l.engine->Snapshot();
        for (const v1::MemberRecord& m : snapshot.membership().members()) {
          if (static_cast<uint32_t>(out.members_size()) >= limit) break;
          if (!absl::StartsWith(m.nickname(), q.nickname_prefix())) continue;
          if (q.number() != 0 && m.number() != q.number()) continue;
          if (!q.group().empty() && m.group() != q.group()) continue;
          if (q.status() != v1::MEMBER_STATUS_UNSPECIFIED && m.status() != q.status()) continue;
          *out.add_members() = m;
        }
        return out;
      });
}

absl::StatusOr<v1::MemberList> Host::Pending(const std::string& community) {
  v1::SearchQuery q;
  q.set_community_id(community);
  q.set_status(v1::MEMBER_STATUS_PENDING);
  q.set_limit(kMaxRows);
  absl::StatusOr<v1::MemberList> out = Search(q);
  if (!out.ok()) return out;
  std::stable_sort(out->mutable_members()->begin(), out->mutable_members()->end(),
                   [](const v1::MemberRecord& a, const v1::MemberRecord& b) {
                     return a.applied_ms() < b.applied_ms();
                   });
  return out;
}

absl::StatusOr<v1::MemberList> Host::Waitlist(const std::string& community) {
  return OnCommunity<v1::MemberList>(
      community, [&](Worker&, Loaded& l) -> absl::StatusOr<v1::MemberList> {
        v1::MemberList out;
        const v1::CommunitySnapshot snapshot = l.engine->Snapshot();
        for (const std::string& id : snapshot.membership().waitlist()) {
          auto m = l.engine->Member(id);
          if (m.ok()) *out.add_members() = *std::move(m);
        }
        return out;
      });
}

absl::StatusOr<v1::SnapshotResponse> Host::Snapshot(const std::string& community) {
  return OnCommunity<v1::SnapshotResponse>(
      community, [&](Worker&, Loaded& l) -> absl::StatusOr<v1::SnapshotResponse> {
        v1::SnapshotResponse out;
        out.set_snapshot(l.engine->SnapshotBytes());
        out.set_last_seq(l.seq);
        return out;
      });
}

}  // namespace shequn::server
