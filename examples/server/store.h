// The server's storage interface: per community, an event log and the
// latest snapshot. SqliteStore (sqlite_store.h) is the embedded default; the
// cluster issue puts the same interface on NATS JetStream.
//
// One Store object is one connection and is not thread-safe: a worker
// thread owns its own, and readers (WatchActions, ListCommunities) open
// theirs. Implementations must let several connections to the same data work
// at once. Errors are Unavailable (the storage failed; retry) or DataLoss
// (what is stored does not read back).
#ifndef SHEQUN_EXAMPLES_SERVER_STORE_H_
#define SHEQUN_EXAMPLES_SERVER_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shequn::server {

// One logged event: accepted (code 0, its Outcome in `outcome`) or rejected
// by the engine (code and message). Rejections are logged so a retry gets
// the same answer even after later events changed the state. A run of the
// server clock is logged too (`clock_ms` set, no event, code 0), so a
// replay calls AdvanceTo where the clock did.
struct LogRow {
  uint64_t seq = 0;  // 1, 2, ... per community
  std::string event_id;
  std::string event;    // the Event, serialised deterministically
  std::string outcome;  // the Outcome when accepted
  int code = 0;
  std::string message;
  std::optional<int64_t> clock_ms;  // AdvanceTo(clock_ms) instead of an event
};

// The state as of log position `seq`, under `config` (a rule change stores
// a snapshot under the new config at the position it took effect).
struct StoredSnapshot {
  uint64_t seq = 0;
  std::string config;    // CommunityConfig
  std::string snapshot;  // Engine::SnapshotBytes()
};

enum class Presence { kUnknown, kLive, kDeleted };

struct CommunityListing {
  std::string id;
  uint64_t last_seq = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual absl::StatusOr<Presence> Find(absl::string_view community) = 0;
  // Registers a community with its first snapshot (seq 0).
  virtual absl::Status Create(absl::string_view community, const StoredSnapshot& first) = 0;
  // Drops the log and snapshots; the id stays taken (kDeleted).
  virtual absl::Status Delete(absl::string_view community) = 0;
  // Live communities in id order.
  virtual absl::StatusOr<std::vector<CommunityListing>> List() = 0;

  virtual absl::StatusOr<StoredSnapshot> LatestSnapshot(absl::string_view community) = 0;
  // Stores `s` and forgets older snapshots of the community.
  virtual absl::Status PutSnapshot(absl::string_view community, const StoredSnapshot& s) = 0;

  // Appends rows in one transaction (group commit): when it returns OK every
  // row is durable under the store's sync policy; on error none is.
  virtual absl::Status Append(absl::string_view community, std::span<const LogRow> rows) = 0;
  // Up to `limit` rows with seq > after_seq, in order.
  virtual absl::StatusOr<std::vector<LogRow>> ReadLog(absl::string_view community,
                                                      uint64_t after_seq, size_t limit) = 0;
  // The first row logged with this event id, if any.
  virtual absl::StatusOr<std::optional<LogRow>> FindEvent(absl::string_view community,
                                                          absl::string_view event_id) = 0;
};

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_STORE_H_
