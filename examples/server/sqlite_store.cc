#include "sqlite_store.h"

#include <sqlite3.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace shequn::server {
namespace {

constexpr char kSchema[] = R"sql(
  CREATE TABLE IF NOT EXISTS communities(
    id TEXT PRIMARY KEY, deleted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS log(
    community TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL,
    event BLOB NOT NULL, outcome BLOB NOT NULL, code INTEGER NOT NULL,
    message TEXT NOT NULL, clock_ms INTEGER, PRIMARY KEY(community, seq)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS log_by_event_id ON log(community, event_id, seq);
  CREATE TABLE IF NOT EXISTS snapshots(
    community TEXT NOT NULL, seq INTEGER NOT NULL, config BLOB NOT NULL,
    snapshot BLOB NOT NULL, PRIMARY KEY(community, seq)) WITHOUT ROWID;
)sql";

// A prepared statement, finalised when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // TEXT columns (ids, messages), so the database reads plainly in sqlite3.
  Statement& Bind(absl::string_view text) {
    Check(sqlite3_bind_text(stmt_, ++arg_, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  // BLOB columns (serialised protos).
  Statement& BindBlob(absl::string_view bytes) {
    Check(sqlite3_bind_blob(stmt_, ++arg_, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& BindInt(int64_t v) {
    Check(sqlite3_bind_int64(stmt_, ++arg_, v));
    return *this;
  }
  // NULL when absent.
  Statement& BindOptional(const std::optional<int64_t>& v) {
    Check(v ? sqlite3_bind_int64(stmt_, ++arg_, *v) : sqlite3_bind_null(stmt_, ++arg_));
    return *this;
  }
  // Ready to run again with new arguments.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    arg_ = 0;
  }
  // SQLITE_ROW: a row is ready; SQLITE_DONE: no more. Errors become status().
  int Step() {
    if (rc_ != SQLITE_OK) return rc_;
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc_ = rc;
    return rc;
  }
  absl::Status Run() {
    Step();
    return status();
  }
  std::string Text(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<int64_t> Optional(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Int(col);
  }
  absl::Status status() const {
    if (rc_ == SQLITE_OK) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat("store: ", sqlite3_errmsg(db_)));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && rc_ == SQLITE_OK) rc_ = rc;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  int arg_ = 0;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override { sqlite3_close(db_); }

  absl::Status Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) == SQLITE_OK) return absl::OkStatus();
    absl::Status s = absl::UnavailableError(absl::StrCat("store: ", error ? error : "?"));
    sqlite3_free(error);
    return s;
  }

  absl::StatusOr<Presence> Find(absl::string_view community) override {
    Statement q(db_, "SELECT deleted FROM communities WHERE id = ?");
    q.Bind(community);
    const int rc = q.Step();
    if (!q.status().ok()) return q.status();
    if (rc != SQLITE_ROW) return Presence::kUnknown;
    return q.Int(0) ? Presence::kDeleted : Presence::kLive;
  }

  absl::Status Create(absl::string_view community, const StoredSnapshot& first) override {
    return InTransaction([&]() -> absl::Status {
      Statement q(db_, "INSERT INTO communities(id) VALUES (?)");
      if (absl::Status s = q.Bind(community).Run(); !s.ok()) return s;
      return InsertSnapshot(community, first);
    });
  }

  absl::Status Delete(absl::string_view community) override {
    return InTransaction([&]() -> absl::Status {
      for (const char* sql : {"DELETE FROM log WHERE community = ?",
                              "DELETE FROM snapshots WHERE community = ?",
                              "UPDATE communities SET deleted = 1 WHERE id = ?"}) {
        Statement q(db_, sql);
        if (absl::Status s = q.Bind(community).Run(); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<CommunityListing>> List() override {
    Statement q(db_,
                "SELECT id, (SELECT IFNULL(MAX(seq), 0) FROM log WHERE community = id) "
                "FROM communities WHERE deleted = 0 ORDER BY id");
    std::vector<CommunityListing> out;
    while (q.Step() == SQLITE_ROW) out.push_back({q.Text(0), static_cast<uint64_t>(q.Int(1))});
    if (!q.status().ok()) return q.status();
    return out;
  }

  absl::StatusOr<StoredSnapshot> LatestSnapshot(absl::string_view community) override {
    Statement q(db_,
                "SELECT seq, config, snapshot FROM snapshots WHERE community = ? "
                "ORDER BY seq DESC LIMIT 1");
    q.Bind(community);
    const int rc = q.Step();
    if (!q.status().ok()) return q.status();
    if (rc != SQLITE_ROW) {
      return absl::DataLossError(absl::StrCat("store: community '", community, "' has no snapshot"));
    }
    return StoredSnapshot{static_cast<uint64_t>(q.Int(0)), q.Text(1), q.Text(2)};
  }

  absl::Status PutSnapshot(absl::string_view community, const StoredSnapshot& s) override {
    return InTransaction([&]() -> absl::Status {
      if (absl::Status st = InsertSnapshot(community, s); !st.ok()) return st;
      Statement q(db_, "DELETE FROM snapshots WHERE community = ? AND seq < ?");
      return q.Bind(community).BindInt(static_cast<int64_t>(s.seq)).Run();
    });
  }

  absl::Status Append(absl::string_view community, std::span<const LogRow> rows) override {
    if (rows.empty()) return absl::OkStatus();
    return InTransaction([&]() -> absl::Status {
      Statement q(db_,
                  "INSERT INTO log(community, seq, event_id, event, outcome, code, message, "
                  "clock_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      for (const LogRow& r : rows) {
        q.Reset();
        q.Bind(community).BindInt(static_cast<int64_t>(r.seq)).Bind(r.event_id).BindBlob(r.event)
            .BindBlob(r.outcome).BindInt(r.code).Bind(r.message).BindOptional(r.clock_ms);
        if (absl::Status s = q.Run(); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<LogRow>> ReadLog(absl::string_view community, uint64_t after_seq,
                                              size_t limit) override {
    Statement q(db_,
                "SELECT seq, event_id, event, outcome, code, message, clock_ms FROM log "
                "WHERE community = ? AND seq > ? ORDER BY seq LIMIT ?");
    q.Bind(community).BindInt(static_cast<int64_t>(after_seq)).BindInt(static_cast<int64_t>(limit));
    std::vector<LogRow> out;
    while (q.Step() == SQLITE_ROW) out.push_back(Row(q));
    if (!q.status().ok()) return q.status();
    return out;
  }

  absl::StatusOr<std::optional<LogRow>> FindEvent(absl::string_view community,
                                                  absl::string_view event_id) override {
    Statement q(db_,
                "SELECT seq, event_id, event, outcome, code, message, clock_ms FROM log "
                "WHERE community = ? AND event_id = ? AND clock_ms IS NULL ORDER BY seq LIMIT 1");
    q.Bind(community).Bind(event_id);
    const int rc = q.Step();
    if (!q.status().ok()) return q.status();
    if (rc != SQLITE_ROW) return std::optional<LogRow>();
    return std::optional<LogRow>(Row(q));
  }

 private:
  static LogRow Row(const Statement& q) {
    return LogRow{static_cast<uint64_t>(q.Int(0)), q.Text(1), q.Text(2), q.Text(3),
                  static_cast<int>(q.Int(4)), q.Text(5), q.Optional(6)};
  }

  absl::Status InsertSnapshot(absl::string_view community, const StoredSnapshot& s) {
    Statement q(db_, "INSERT OR REPLACE INTO snapshots(community, seq, config, snapshot) VALUES (?, ?, ?, ?)");
    return q.Bind(community).BindInt(static_cast<int64_t>(s.seq)).BindBlob(s.config).BindBlob(s.snapshot).Run();
  }

  template <typename F>
  absl::Status InTransaction(F body) {
    if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status s = body();
    if (s.ok()) s = Exec("COMMIT");
    if (!s.ok()) Exec("ROLLBACK").IgnoreError();
    return s;
  }

  sqlite3* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SyncPolicy sync) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("store: cannot open ", path, ": ", db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  auto store = std::make_unique<SqliteStore>(db);
  // Writers on other connections wait their turn rather than fail.
  sqlite3_busy_timeout(db, 30000);
  const char* pragmas = sync == SyncPolicy::kFull
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
  if (absl::Status s = store->Exec(pragmas); !s.ok()) return s;
  if (absl::Status s = store->Exec(kSchema); !s.ok()) return s;
  return store;
}

}  // namespace shequn::server
