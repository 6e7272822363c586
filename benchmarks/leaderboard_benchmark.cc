// shequn::Leaderboard side by side with a Redis sorted set, in one run.
//
//   build/benchmarks/leaderboard_benchmark
//
// Both hold the same 1,000,000 members with the same starting scores, then:
//   increment  random member += random delta   (Redis: ZINCRBY, pipelined
//                                               in batches of 1000)
//   top10      the first ten with scores        (Redis: ZREVRANGE 0 9
//                                               WITHSCORES, batches of 100)
//   rank       a random member's rank           (Redis: ZREVRANK, batches of
//                                               1000)
// The engine rows do the same work through the public Engine API on an
// engine holding the same 1,000,000 members (admitted by Apply, each given
// their starting score by an operator adjust_points):
//   increment  Engine::Apply(adjust_points +delta) — validation, ledger
//              entry, AWARD_POINTS action, live board update, idempotency
//   top10      Engine::Leaderboard(all-time, 10) — a BoardPage proto
//   rank       Engine::Rank(all-time, member) — a BoardRow proto
// Pipelining is Redis's best case; the *_roundtrip rows show one command per
// round trip, which is what a bot answering "what's my rank?" pays. Every
// rate is wall-clock, so the Redis server's own time counts.
//
// Redis: $REDIS_URL (redis://host:port or unix:///path; the key
// "shequn:bench:leaderboard" is overwritten and deleted) or else a private
// `redis-server` child on a Unix socket, without persistence. If neither is
// available the Redis rows are skipped and the reason is printed.
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <malloc.h>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "shequn/engine.h"
#include "shequn/engine_testing.h"
#include "shequn/leaderboard.h"
#include "shequn/text_format.h"
#include "smoke.h"

namespace {

const uint32_t kMembers = shequn_bench::Sized<uint32_t>(1'000'000, 1'000);
const size_t kOps = shequn_bench::Sized<size_t>(1 << 20, 1 << 10);  // pre-drawn random operations, cycled (a power of two)
constexpr size_t kWriteBatch = 1000;
constexpr size_t kTopBatch = 100;
constexpr const char* kKey = "shequn:bench:leaderboard";

// The same random work for both sides, drawn once, outside any timing.
struct Workload {
  std::vector<int64_t> initial;   // starting score of each member
  std::vector<uint32_t> members;  // the member of op i
  std::vector<int64_t> deltas;    // the delta of op i
};

Workload MakeWorkload() {
  std::mt19937_64 rng(42);
  Workload w;
  w.initial.resize(kMembers);
  for (int64_t& s : w.initial) s = rng() % 100'000;
  w.members.resize(kOps);
  w.deltas.resize(kOps);
  for (size_t i = 0; i < kOps; ++i) {
    w.members[i] = rng() % kMembers;
    w.deltas[i] = 1 + rng() % 100;
  }
  return w;
}

// ---- a tiny RESP2 client over a blocking POSIX socket ---------------------

void AppendCommand(std::string* out, std::initializer_list<std::string_view> args) {
  *out += '*' + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    *out += '$' + std::to_string(a.size()) + "\r\n";
    out->append(a);
    *out += "\r\n";
  }
}

struct Reply {
  char type = 0;  // '+', '-', ':', '$', '*'
  int64_t integer = 0;
  std::string text;
  std::vector<Reply> elements;
};

class RespClient {
 public:
  // Connects to "unix:///path" or "redis://host:port"; nullopt on failure.
  static std::optional<RespClient> Connect(const std::string& url) {
    int fd = url.rfind("unix://", 0) == 0 ? ConnectUnix(url.substr(7))
                                          : ConnectTcp(url);
    if (fd < 0) return std::nullopt;
    return RespClient(fd);
  }
  RespClient(RespClient&& other) noexcept { *this = std::move(other); }
  RespClient& operator=(RespClient&& other) noexcept {
    std::swap(fd_, other.fd_);
    std::swap(buf_, other.buf_);
    std::swap(pos_, other.pos_);
    return *this;
  }
  RespClient(const RespClient&) = delete;
  ~RespClient() {
    if (fd_ >= 0) close(fd_);
  }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = write(fd_, bytes.data(), bytes.size());
      if (n <= 0) return false;
      bytes.remove_prefix(n);
    }
    return true;
  }

  Reply Read() {
    const std::string line = ReadLine();
    Reply r;
    r.type = line.empty() ? '-' : line[0];
    const std::string body = line.empty() ? "connection closed" : line.substr(1);
    if (r.type == '+' || r.type == '-') {
      r.text = body;
    } else if (r.type == ':') {
      r.integer = std::stoll(body);
    } else if (r.type == '$') {
      r.integer = std::stoll(body);
      if (r.integer >= 0) r.text = ReadExact(r.integer + 2).substr(0, r.integer);
    } else if (r.type == '*') {
      r.integer = std::stoll(body);
      for (int64_t i = 0; i < r.integer; ++i) r.elements.push_back(Read());
    }
    return r;
  }

  // Sends `pipeline` and reads `replies` replies; false on any error reply.
  bool RoundTrip(std::string_view pipeline, size_t replies) {
    if (!Send(pipeline)) return false;
    bool ok = true;
    for (size_t i = 0; i < replies; ++i) ok &= Read().type != '-';
    return ok;
  }

  Reply Command(std::initializer_list<std::string_view> args) {
    std::string cmd;
    AppendCommand(&cmd, args);
    if (!Send(cmd)) return Reply{'-', 0, "write failed", {}};
    return Read();
  }

 private:
  explicit RespClient(int fd) : fd_(fd) {}

  static int ConnectUnix(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) return -1;
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, path.size());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  static int ConnectTcp(std::string url) {
    if (url.rfind("redis://", 0) == 0) url = url.substr(8);
    const size_t colon = url.rfind(':');
    const std::string host = url.substr(0, colon);
    const std::string port =
        colon == std::string::npos ? "6379" : url.substr(colon + 1);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    const bool ok = connect(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    if (ok) return fd;
    close(fd);
    return -1;
  }

  bool Fill() {
    char chunk[1 << 16];
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n <= 0) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    buf_.append(chunk, n);
    return true;
  }

  std::string ReadLine() {
    size_t end;
    while ((end = buf_.find("\r\n", pos_)) == std::string::npos) {
      if (!Fill()) return "";
    }
    std::string line = buf_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return line;
  }

  std::string ReadExact(size_t n) {
    while (buf_.size() - pos_ < n) {
      if (!Fill()) return "";
    }
    std::string out = buf_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  int fd_ = -1;
  std::string buf_;
  size_t pos_ = 0;
};

// ---- a private redis-server child -------------------------------------------

bool OnPath(const char* program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    std::string file(dirs.substr(0, colon));
    file += '/';
    file += program;
    if (access(file.c_str(), X_OK) == 0) return true;
    dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
  }
  return false;
}

class RedisChild {
 public:
  // Starts redis-server on a fresh Unix socket; empty url() on failure.
  RedisChild() {
    socket_ = "/tmp/shequn-leaderboard-bench-" + std::to_string(getpid()) + ".sock";
    pid_ = fork();
    if (pid_ == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      execlp("redis-server", "redis-server", "--port", "0", "--unixsocket",
             socket_.c_str(), "--unixsocketperm", "700", "--save", "",
             "--appendonly", "no", "--loglevel", "warning",
             static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  RedisChild(const RedisChild&) = delete;
  ~RedisChild() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    unlink(socket_.c_str());
  }
  std::string url() const { return pid_ > 0 ? "unix://" + socket_ : ""; }

 private:
  pid_t pid_ = -1;
  std::string socket_;
};

std::optional<RespClient> ConnectWithRetry(const std::string& url) {
  for (int attempt = 0; attempt < 100; ++attempt) {  // up to ~5 s to start
    if (auto client = RespClient::Connect(url)) return client;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

int64_t UsedMemory(RespClient& redis) {
  const std::string info = redis.Command({"INFO", "memory"}).text;
  const size_t at = info.find("used_memory:");
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + 12));
}

// ---- the run --------------------------------------------------------------

struct Context {
  Workload work;
  shequn::Leaderboard board;
  std::optional<RespClient> redis;
  std::string redis_note;              // why Redis is skipped, if it is
  std::vector<std::string> increments;  // pre-encoded ZINCRBY batches
  std::vector<std::string> ranks;       // pre-encoded ZREVRANK batches
  std::string tops;                     // kTopBatch ZREVRANGE commands
  std::string top_one;
  double shequn_load_s = 0, redis_load_s = 0;
  double shequn_bytes = 0, shequn_built_bytes = 0, redis_bytes = 0;
  // The engine side.
  std::unique_ptr<shequn::Engine> engine;
  int64_t engine_time = 0;
  double engine_admit_s = 0, engine_points_s = 0;
  double engine_points_bytes = 0, engine_heap_bytes = 0;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

void LoadShequn(Context& c) {
  std::vector<shequn::Leaderboard::Standing> standings(kMembers);
  for (uint32_t m = 0; m < kMembers; ++m) standings[m] = {m, c.work.initial[m], 0};
  shequn::Leaderboard built;
  if (!built.Build(standings).ok()) std::abort();
  c.shequn_built_bytes = double(built.MemoryBytes()) / kMembers;

  // One Set per member in id order, as the engine interns members when they
  // first appear; their scores, and so the tree positions, are random.
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t m = 0; m < kMembers; ++m) c.board.Set(m, c.work.initial[m], 0);
  c.shequn_load_s = Seconds(start);
  c.shequn_bytes = double(c.board.MemoryBytes()) / kMembers;
}

// ---- the engine side ---------------------------------------------------------

constexpr int64_t kEngineStart = 1772323200000;  // 1 March 2026
constexpr int64_t kForget = 8LL * 86'400'000;      // past the idempotency window

// Bytes malloc has handed out, including big blocks it mmapped.
size_t HeapBytes() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

std::string MemberId(uint32_t m) { return absl::StrCat("m", m); }

// An open community: one group seating everyone, staff to adjust points, the
// all-time community board live (the Redis-shaped work; the default config
// would also keep the group's board).
std::unique_ptr<shequn::Engine> NewEngine() {
  shequn::v1::CommunityConfig config;
  const bool ok = shequn::ParseTextFormat(R"pb(
    id: "bench"
    groups { id: "g" stage: FUNNEL_STAGE_RETENTION capacity: 1000100 }
    roles { staff { member_id: "owner" role: ROLE_OWNER } staff { member_id: "admin" role: ROLE_ADMIN } }
    points { max_adjustment: 1000000 live_boards { period: PERIOD_ALL_TIME } }
  )pb", &config).ok();
  absl::StatusOr<std::unique_ptr<shequn::Engine>> engine = shequn::Engine::Create(config);
  if (!ok || !engine.ok()) std::abort();
  return *std::move(engine);
}

shequn::v1::Event Adjustment(Context& c, uint64_t n, uint32_t m, int64_t amount) {
  shequn::v1::Event e;
  e.set_id(absl::StrCat("a", n));
  e.set_time_ms(c.engine_time);
  e.set_actor("admin");
  e.set_group("g");
  e.mutable_adjust_points()->set_member(MemberId(m));
  e.mutable_adjust_points()->set_amount(amount);
  e.mutable_adjust_points()->set_reason("bench");
  return e;
}

void LoadEngine(Context& c) {
  const size_t heap0 = HeapBytes();
  c.engine = NewEngine();
  c.engine_time = kEngineStart;
  auto start = std::chrono::steady_clock::now();
  shequn::v1::Event join;
  join.set_group("g");
  join.mutable_apply()->set_accepted_rules(true);
  for (uint32_t m = 0; m < kMembers; ++m) {
    join.set_id(absl::StrCat("j", m));
    join.set_time_ms(c.engine_time);
    join.set_actor(MemberId(m));
    join.mutable_apply()->set_nickname(MemberId(m));
    if (absl::StatusOr<shequn::v1::Outcome> out = c.engine->Apply(join); !out.ok()) {
      std::fprintf(stderr, "admitting %u: %s\n", m, std::string(out.status().message()).c_str());
      std::abort();
    }
  }
  c.engine_admit_s = Seconds(start);
  c.engine_time += kForget;
  if (!c.engine->AdvanceTo(c.engine_time).ok()) std::abort();
  start = std::chrono::steady_clock::now();
  for (uint32_t m = 0; m < kMembers; ++m) {
    if (c.work.initial[m] == 0) continue;
    if (absl::StatusOr<shequn::v1::Outcome> out =
            c.engine->Apply(Adjustment(c, m, m, c.work.initial[m]));
        !out.ok()) {
      std::fprintf(stderr, "scoring %u: %s\n", m, std::string(out.status().message()).c_str());
      std::abort();
    }
  }
  c.engine_points_s = Seconds(start);
  c.engine_time += kForget;  // forget the event ids: what is left is state
  if (!c.engine->AdvanceTo(c.engine_time).ok()) std::abort();
  c.engine_points_bytes = double(shequn::EngineTesting::PointsMemoryBytes(*c.engine)) / kMembers;
  c.engine_heap_bytes = double(HeapBytes() - heap0) / kMembers;
}

bool LoadRedis(Context& c) {
  RespClient& r = *c.redis;
  r.Command({"DEL", kKey});
  const int64_t before = UsedMemory(r);
  const auto start = std::chrono::steady_clock::now();
  std::string batch;
  for (uint32_t m0 = 0; m0 < kMembers; m0 += kWriteBatch) {
    batch.clear();
    for (uint32_t m = m0; m < m0 + kWriteBatch && m < kMembers; ++m) {
      AppendCommand(&batch, {"ZADD", kKey, std::to_string(c.work.initial[m]),
                             std::to_string(m)});
    }
    if (!r.RoundTrip(batch, kWriteBatch)) return false;
  }
  c.redis_load_s = Seconds(start);
  c.redis_bytes = double(UsedMemory(r) - before) / kMembers;

  for (size_t op = 0; op < kOps; op += kWriteBatch) {
    std::string inc, rank;
    for (size_t i = op; i < op + kWriteBatch; ++i) {
      const std::string member = std::to_string(c.work.members[i]);
      AppendCommand(&inc, {"ZINCRBY", kKey, std::to_string(c.work.deltas[i]), member});
      AppendCommand(&rank, {"ZREVRANK", kKey, member});
    }
    c.increments.push_back(std::move(inc));
    c.ranks.push_back(std::move(rank));
  }
  AppendCommand(&c.top_one, {"ZREVRANGE", kKey, "0", "9", "WITHSCORES"});
  for (size_t i = 0; i < kTopBatch; ++i) c.tops += c.top_one;
  return r.Command({"ZCARD", kKey}).integer == kMembers;
}

void ConnectRedis(Context& c, std::optional<RedisChild>& child) {
  if (shequn_bench::Smoke()) {
    c.redis_note = "a smoke run (SHEQUN_BENCH_SMOKE=1) leaves Redis alone";
    return;
  }
  std::string url;
  if (const char* env = std::getenv("REDIS_URL")) {
    url = env;
  } else if (OnPath("redis-server")) {
    child.emplace();
    url = child->url();
  } else {
    c.redis_note = "redis-server not found on PATH and REDIS_URL not set";
    return;
  }
  c.redis = ConnectWithRetry(url);
  if (!c.redis) {
    c.redis_note = "could not connect to " + url;
    return;
  }
  if (!LoadRedis(c)) {
    c.redis.reset();
    c.redis_note = "loading the sorted set into " + url + " failed";
  }
}

// Times `batches` (each `per_batch` replies) with a wall clock, so the
// Redis server's own work counts.
template <typename Batches>
void RunRedis(benchmark::State& state, RespClient& redis, const Batches& batches,
              size_t per_batch) {
  size_t next = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = redis.RoundTrip(batches(next++), per_batch);
    state.SetIterationTime(Seconds(start));
    if (!ok) state.SkipWithError("redis returned an error");
  }
  state.SetItemsProcessed(state.iterations() * per_batch);
}

void Register(Context& c) {
  benchmark::RegisterBenchmark("increment/shequn", [&c](benchmark::State& st) {
    size_t i = 0;
    uint64_t tick = 1;
    for (auto _ : st) {
      const size_t op = i++ & (kOps - 1);
      benchmark::DoNotOptimize(c.board.Add(c.work.members[op], c.work.deltas[op], tick++));
    }
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime();
  benchmark::RegisterBenchmark("top10/shequn", [&c](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(c.board.Top(10));
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime();
  benchmark::RegisterBenchmark("rank/shequn", [&c](benchmark::State& st) {
    size_t i = 0;
    for (auto _ : st) {
      benchmark::DoNotOptimize(c.board.Rank(c.work.members[i++ & (kOps - 1)]));
    }
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime();
  benchmark::RegisterBenchmark("increment/engine", [&c](benchmark::State& st) {
    size_t i = 0;
    shequn::v1::Event e = Adjustment(c, 0, 0, 1);
    for (auto _ : st) {
      const size_t op = i & (kOps - 1);
      e.set_id(absl::StrCat("i", i++));
      e.mutable_adjust_points()->set_member(MemberId(c.work.members[op]));
      e.mutable_adjust_points()->set_amount(c.work.deltas[op]);
      if (!c.engine->Apply(e).ok()) st.SkipWithError("Apply failed");
    }
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime()->MinTime(shequn_bench::MinTime(2.0));
  shequn::v1::BoardQuery all_time;
  all_time.set_period(shequn::v1::PERIOD_ALL_TIME);
  benchmark::RegisterBenchmark("top10/engine", [&c, all_time](benchmark::State& st) {
    for (auto _ : st) {
      absl::StatusOr<shequn::v1::BoardPage> page = c.engine->Leaderboard(all_time, 10);
      if (!page.ok() || page->rows_size() != 10) st.SkipWithError("Leaderboard failed");
      benchmark::DoNotOptimize(page);
    }
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime();
  benchmark::RegisterBenchmark("rank/engine", [&c, all_time](benchmark::State& st) {
    size_t i = 0;
    for (auto _ : st) {
      const std::string id = MemberId(c.work.members[i++ & (kOps - 1)]);
      absl::StatusOr<shequn::v1::BoardRow> row = c.engine->Rank(all_time, id);
      if (!row.ok()) st.SkipWithError("Rank failed");
      benchmark::DoNotOptimize(row);
    }
    st.SetItemsProcessed(st.iterations());
  })->UseRealTime();
  if (!c.redis) return;
  RespClient& r = *c.redis;
  benchmark::RegisterBenchmark("increment/redis", [&](benchmark::State& st) {
    RunRedis(st, r, [&](size_t n) -> std::string_view {
      return c.increments[n % c.increments.size()];
    }, kWriteBatch);
  })->UseManualTime();
  benchmark::RegisterBenchmark("top10/redis", [&](benchmark::State& st) {
    RunRedis(st, r, [&](size_t) -> std::string_view { return c.tops; }, kTopBatch);
  })->UseManualTime();
  benchmark::RegisterBenchmark("top10/redis_roundtrip", [&](benchmark::State& st) {
    RunRedis(st, r, [&](size_t) -> std::string_view { return c.top_one; }, 1);
  })->UseManualTime();
  benchmark::RegisterBenchmark("rank/redis", [&](benchmark::State& st) {
    RunRedis(st, r, [&](size_t n) -> std::string_view {
      return c.ranks[n % c.ranks.size()];
    }, kWriteBatch);
  })->UseManualTime();
  benchmark::RegisterBenchmark("rank/redis_roundtrip", [&](benchmark::State& st) {
    RunRedis(st, r, [&](size_t n) -> std::string_view {
      std::string_view batch = c.ranks[n % c.ranks.size()];
      return batch.substr(0, batch.find("*3", 1));  // its first command
    }, 1);
  })->UseManualTime();
}

// Prints each run as usual and keeps its items/s for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  SummaryReporter() : ConsoleReporter(OO_None) {}  // plain text, for logs
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      std::string name = run.benchmark_name();
      name = name.substr(0, name.find('/', name.find('/') + 1));  // op/side
      rate[name] = it->second;
    }
  }
  std::map<std::string, double> rate;
};

void PrintSummary(const Context& c, const std::map<std::string, double>& rate) {
  auto get = [&rate](const std::string& name) {
    auto it = rate.find(name);
    return it == rate.end() ? 0.0 : it->second;
  };
  std::printf("\nLeaderboard, %u members (ops/s; ratio = shequn / redis)\n", kMembers);
  std::printf("%-28s %14s %14s %10s\n", "operation", "shequn", "redis", "ratio");
  for (const char* op : {"increment", "top10", "rank"}) {
    const double s = get(std::string(op) + "/shequn");
    const double r = get(std::string(op) + "/redis");
    std::printf("%-28s %14.0f %14.0f %9.1fx\n", op, s, r, r > 0 ? s / r : 0.0);
    const double rt = get(std::string(op) + "/redis_roundtrip");
    if (rt > 0) {
      std::printf("%-28s %14.0f %14.0f %9.1fx\n",
                  (std::string(op) + " (redis 1 per trip)").c_str(), s, rt, s / rt);
    }
  }
  const double load_s = kMembers / c.shequn_load_s;
  const double load_r = c.redis_load_s > 0 ? kMembers / c.redis_load_s : 0;
  std::printf("%-28s %14.0f %14.0f %9.1fx\n", "load 1M (one insert each)", load_s,
              load_r, load_r > 0 ? load_s / load_r : 0.0);
  std::printf("%-28s %14.1f %14.1f %9.2fx\n", "bytes per member", c.shequn_bytes,
              c.redis_bytes, c.redis_bytes > 0 ? c.shequn_bytes / c.redis_bytes : 0.0);
  std::printf("%-28s %14.1f\n", "bytes per member (Build)", c.shequn_built_bytes);

  std::printf("\nEngine, %u members (ops/s; ratio = engine / redis)\n", kMembers);
  std::printf("%-40s %14s %14s %10s\n", "operation", "engine", "redis", "ratio");
  for (const auto& [op, what] : {std::pair{"increment", "Apply(adjust_points) vs ZINCRBY"},
                                 {"top10", "Leaderboard(k=10) vs ZREVRANGE"},
                                 {"rank", "Rank vs ZREVRANK"}}) {
    const double e = get(std::string(op) + "/engine");
    const double r = get(std::string(op) + "/redis");
    std::printf("%-40s %14.0f %14.0f %9.1fx\n", what, e, r, r > 0 ? e / r : 0.0);
    const double rt = get(std::string(op) + "/redis_roundtrip");
    if (rt > 0) {
      std::printf("%-40s %14.0f %14.0f %9.1fx\n", (std::string(op) + " (redis 1 per trip)").c_str(),
                  e, rt, e / rt);
    }
  }
  std::printf("%-40s %14.0f\n", "admit 1M by Apply (members/s)", kMembers / c.engine_admit_s);
  std::printf("%-40s %14.0f\n", "starting scores by Apply (events/s)",
              kMembers / c.engine_points_s);
  std::printf("%-40s %14.1f\n", "points bytes per member (ledger+board)", c.engine_points_bytes);
  std::printf("%-40s %14.1f\n", "engine heap bytes per member (all)", c.engine_heap_bytes);
  if (!c.redis) std::printf("Redis skipped: %s\n", c.redis_note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Context c;
  c.work = MakeWorkload();
  LoadShequn(c);
  LoadEngine(c);
  std::optional<RedisChild> child;
  ConnectRedis(c, child);
  if (!c.redis) std::printf("Redis skipped: %s\n", c.redis_note.c_str());
  Register(c);
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  PrintSummary(c, reporter.rate);
  if (c.redis && std::getenv("REDIS_URL")) c.redis->Command({"DEL", kKey});
  benchmark::Shutdown();
  return 0;
}
