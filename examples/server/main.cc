// shequn-server: runs many communities behind a gRPC service
// (proto/shequn/v1/service.proto), keeping each one's event log and
// snapshots in DIR/shequn.db (SQLite, WAL).
//
//   shequn-server --data DIR [--port 7700] [--listen 127.0.0.1]
//                 [--config FILE] [--workers N] [--sync full|normal]
//                 [--snapshot-every N] [--snapshot-seconds T]
//                 [--evict-seconds T] [--presets DIR]
//                 [--clock on|off] [--clock-lag-ms N]
//
// Without --config it reads DIR/server.conf, writing one with a fresh demo
// token (write access to every community) on the first start and printing
// it. --port 0 picks a free port. It prints "listening on ADDRESS" once it
// accepts calls. SIGINT or SIGTERM stop it gracefully; a SIGKILL loses
// nothing acknowledged. --clock on runs every community's timers on the
// wall clock (host.h), lagging by --clock-lag-ms (2000).
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "access.h"
#include "grpc_service.h"
#include "host.h"
#include "sqlite_store.h"

namespace {

using shequn::server::SyncPolicy;

struct Flags {
  std::string data;
  std::string listen = "127.0.0.1";
  int port = 7700;
  std::string config;
  int workers = std::max(1u, std::thread::hardware_concurrency());
  SyncPolicy sync = SyncPolicy::kFull;
  int64_t snapshot_every = 1000;
  int64_t snapshot_seconds = 60;
  int64_t evict_seconds = 600;
  std::vector<std::string> presets;
  bool clock = false;
  int64_t clock_lag_ms = 2000;
};

constexpr char kUsage[] =
    "usage: shequn-server --data DIR [--port N] [--listen HOST] [--config FILE]\n"
    "                     [--workers N] [--sync full|normal] [--snapshot-every N]\n"
    "                     [--snapshot-seconds T] [--evict-seconds T] [--presets DIR]\n"
    "                     [--clock on|off] [--clock-lag-ms N]\n";

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string v = argv[i + 1];
    int64_t n = 0;
    const bool number = absl::SimpleAtoi(v, &n) && n >= 0;
    if (flag == "--data") f.data = v;
    else if (flag == "--listen") f.listen = v;
    else if (flag == "--config") f.config = v;
    else if (flag == "--presets") f.presets.push_back(v);
    else if (flag == "--sync" && (v == "full" || v == "normal"))
      f.sync = v == "full" ? SyncPolicy::kFull : SyncPolicy::kNormal;
    else if (flag == "--port" && number && n < 65536) f.port = static_cast<int>(n);
    else if (flag == "--workers" && number && n >= 1 && n <= 256) f.workers = static_cast<int>(n);
    else if (flag == "--snapshot-every" && number && n >= 1) f.snapshot_every = n;
    else if (flag == "--snapshot-seconds" && number && n >= 1) f.snapshot_seconds = n;
    else if (flag == "--evict-seconds" && number && n >= 1) f.evict_seconds = n;
    else if (flag == "--clock" && (v == "on" || v == "off")) f.clock = v == "on";
    else if (flag == "--clock-lag-ms" && number && n <= 3'600'000) f.clock_lag_ms = n;
    else return std::nullopt;
  }
  if (argc % 2 == 0 || f.data.empty()) return std::nullopt;
  return f;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string RandomToken() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char bytes[16] = {};
  urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  std::string hex;
  for (unsigned char b : bytes) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  return hex;
}

// The config to run with: --config, else DIR/server.conf, written with a
// demo token on the first start.
std::optional<shequn::server::ServerConfig> LoadConfig(const Flags& f) {
  std::string path = f.config.empty() ? f.data + "/server.conf" : f.config;
  std::optional<std::string> text = ReadFile(path);
  if (!text && f.config.empty()) {
    const std::string token = RandomToken();
    text = absl::StrCat("# shequn-server access (see examples/server/access.h)\n",
                        "token ", token, " write *\n");
    std::ofstream out(path);
    out << *text;
    if (!out) {
      std::cerr << path << ": cannot write\n";
      return std::nullopt;
    }
    std::cout << "demo token (write, every community): " << token << "\n"
              << "  kept in " << path << "\n";
  }
  if (!text) {
    std::cerr << path << ": cannot read\n";
    return std::nullopt;
  }
  auto config = shequn::server::ParseServerConfig(*text);
  if (!config.ok()) {
    std::cerr << path << ": " << config.status().message() << "\n";
    return std::nullopt;
  }
  return *std::move(config);
}

std::shared_ptr<grpc::ServerCredentials> Credentials(const shequn::server::ServerConfig& c) {
  if (c.tls_cert.empty()) return grpc::InsecureServerCredentials();
  std::optional<std::string> cert = ReadFile(c.tls_cert);
  std::optional<std::string> key = ReadFile(c.tls_key);
  if (!cert || !key) return nullptr;
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) {
    std::cerr << kUsage;
    return 1;
  }
  // Stop signals are taken by one thread (below), not by whichever runs.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::optional<shequn::server::ServerConfig> config = LoadConfig(*flags);
  if (!config) return 2;
  std::shared_ptr<grpc::ServerCredentials> credentials = Credentials(*config);
  if (!credentials) {
    std::cerr << "cannot read " << config->tls_cert << " or " << config->tls_key << "\n";
    return 2;
  }

  if (flags->presets.empty()) {
    for (absl::string_view dir : absl::StrSplit(SHEQUN_PRESET_DIRS, ':')) {
      flags->presets.emplace_back(dir);
    }
  }
  const std::string db = flags->data + "/shequn.db";
  const SyncPolicy sync = flags->sync;
  shequn::server::HostOptions options;
  options.workers = flags->workers;
  options.snapshot_every = static_cast<uint64_t>(flags->snapshot_every);
  options.snapshot_interval = absl::Seconds(flags->snapshot_seconds);
  options.evict_after = absl::Seconds(flags->evict_seconds);
  options.preset_dirs = flags->presets;
  options.clock = flags->clock;
  options.clock_lag = absl::Milliseconds(flags->clock_lag_ms);
  auto host = shequn::server::Host::Start(
      [db, sync] { return shequn::server::OpenSqliteStore(db, sync); }, options);
  if (!host.ok()) {
    std::cerr << host.status().message() << "\n";
    return 3;
  }
  shequn::server::Access access(config->tokens);
  std::unique_ptr<shequn::v1::Shequn::Service> service =
      shequn::server::MakeGrpcService(**host, access);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::StrCat(flags->listen, ":", flags->port), credentials, &port);
  builder.SetMaxReceiveMessageSize(16 << 20);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "cannot listen on " << flags->listen << ":" << flags->port << "\n";
    return 4;
  }
  std::cout << "listening on " << flags->listen << ":" << port << " (data " << flags->data
            << ", " << flags->workers << " workers, sync "
            << (sync == SyncPolicy::kFull ? "full" : "normal")
            << (flags->clock ? ", clock on" : "")
            << (config->tls_cert.empty() ? "" : ", TLS") << ")" << std::endl;

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  server->Wait();
  stopper.join();
  return 0;
}
