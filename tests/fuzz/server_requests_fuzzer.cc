// Drives shequn-server's core (examples/server/host.h) with requests
// decoded from the input, as its gRPC layer hands them over: the input is
// records of [kind: 1 byte][length: 2 bytes, little-endian][a serialised
// request], each parsed as the kind's request message and called on a host
// with a fresh SQLite store and the community "c" (every part on).
//
// Invariants: no crash, no sanitizer report, and a call the host refuses
// changes nothing (community "c" has the same snapshot bytes after it).
// Built only with the server (default stage); corpus/server_requests holds
// valid request sequences to start from.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "host.h"
#include "sqlite_store.h"
#include "support/random_events.h"
#include "shequn/text_format.h"

namespace {

using shequn::server::Host;

std::string SnapshotOf(Host& host) {
  auto s = host.Snapshot("c");
  return s.ok() ? s->snapshot() : std::string(s.status().message());
}

// Parses `bytes` as M; aims an empty community id at "c".
template <typename M>
bool Decode(const std::string& bytes, M& m) {
  if (!m.ParseFromString(bytes)) return false;
  if (m.community_id().empty()) m.set_community_id("c");
  return true;
}

// Runs one decoded call; returns its status (OK for a parse failure, which
// the transport refuses before the host sees anything).
absl::Status Call(Host& host, uint8_t kind, const std::string& bytes) {
  namespace v1 = shequn::v1;
  switch (kind % 8) {
    case 0: {
      v1::StepBatchRequest r;
      return Decode(bytes, r) ? host.StepBatch(r).status() : absl::OkStatus();
    }
    case 1: {
      v1::StepRequest r;
      return Decode(bytes, r) ? host.Step(r).status() : absl::OkStatus();
    }
    case 2: {
      v1::CreateCommunityRequest r;
      return Decode(bytes, r) ? host.Create(r).status() : absl::OkStatus();
    }
    case 3: {
      v1::UpdateConfigRequest r;
      return Decode(bytes, r) ? host.UpdateConfig(r).status() : absl::OkStatus();
    }
    case 4: {
      v1::BoardRequest r;
      if (!Decode(bytes, r)) return absl::OkStatus();
      host.Leaderboard(r).IgnoreError();
      host.Page(r).IgnoreError();
      return host.Rank(r).status();
    }
    case 5: {
      v1::SearchQuery r;
      return Decode(bytes, r) ? host.Search(r).status() : absl::OkStatus();
    }
    case 6: {
      v1::MemberQuery r;
      if (!Decode(bytes, r)) return absl::OkStatus();
      host.Audit(r).IgnoreError();
      host.Strikes(r).IgnoreError();
      host.Ledger(r).IgnoreError();
      return host.Member(r).status();
    }
    default: {
      v1::ReportQuery r;
      return Decode(bytes, r) ? host.Report(r).status() : absl::OkStatus();
    }
  }
}

}  // namespace

// Protobuf logs every request it parses with invalid UTF-8 in a string
// field; a fuzzer sends thousands.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("shequn-requests-fuzz-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "shequn.db").string();
  {
    shequn::server::HostOptions options;
    options.snapshot_every = 7;  // snapshots and reloads happen inside one input too
    auto host = Host::Start(
        [db] { return shequn::server::OpenSqliteStore(db, shequn::server::SyncPolicy::kNormal); },
        options);
    if (!host.ok()) std::abort();
    shequn::v1::CreateCommunityRequest create;
    create.set_community_id("c");
    if (!shequn::ParseTextFormat(shequn::testing::kAllPartsCommunity, create.mutable_config()).ok()) {
      std::abort();
    }
    if (!(*host)->Create(create).ok()) std::abort();

    size_t at = 0;
    for (int calls = 0; calls < 64 && at + 3 <= size; ++calls) {
      const uint8_t kind = data[at];
      const size_t length = std::min<size_t>(data[at + 1] | (data[at + 2] << 8), size - at - 3);
      const std::string bytes(reinterpret_cast<const char*>(data + at + 3), length);
      at += 3 + length;
      const std::string before = SnapshotOf(**host);
      if (!Call(**host, kind, bytes).ok() && SnapshotOf(**host) != before) std::abort();
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
