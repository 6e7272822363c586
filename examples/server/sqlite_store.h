// The embedded default Store: one SQLite database in WAL mode. Writers from
// several connections take turns (BEGIN IMMEDIATE, waiting up to the busy
// timeout); readers never block them.
#ifndef SHEQUN_EXAMPLES_SERVER_SQLITE_STORE_H_
#define SHEQUN_EXAMPLES_SERVER_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store.h"

namespace shequn::server {

// kFull: every commit is fsynced (synchronous=FULL): an acknowledged event
// survives a power cut. kNormal: the WAL is fsynced at checkpoints only
// (synchronous=NORMAL): it survives the server's crash, not the machine's.
enum class SyncPolicy { kFull, kNormal };

// Opens (creating if needed) the database at `path`: one connection.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SyncPolicy sync);

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_SQLITE_STORE_H_
