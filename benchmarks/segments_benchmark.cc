// Segments and KPIs, shequn vs SQLite, over the same generated events.
//
// Both compute, as of the last day: activity tiers per group (D-8.1) and,
// per group and window (1, 7, 30 days), messages, topics, replies,
// reactions and active members (participation). shequn keeps its counters
// incrementally as events arrive and builds Engine::Report(); SQLite loads
// the events into an in-memory table with indexes on (member, day) and
// (grp, day) and answers with GROUP BY queries. Both checksums are printed
// so the answers can be compared.
//
//   build/benchmarks/segments_benchmark                       # 20k members, 1M events
//   SHEQUN_BENCH_MEMBERS=1000000 SHEQUN_BENCH_EVENTS=50000000 \
//     build/benchmarks/segments_benchmark                     # the issue's size
//
// A program of its own (not Google Benchmark's runner): one run, both
// timings, the ratio and shequn's bytes per member.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "segments/counters.h"
#include "shequn/engine.h"

namespace {

constexpr int64_t kDay = 24 * 3600 * 1000LL;
constexpr int64_t kStart = 1772323200000;  // 2026-03-01T00:00:00Z
constexpr int kDays = 30;
constexpr int kGroupSize = 500;

enum Kind { kPlain = 0, kTopic = 1, kReply = 2, kReaction = 4 };

struct Ev {
  uint32_t member;
  uint8_t day;
  uint8_t kind;
};

uint64_t Env(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// Deterministic skewed events: a few members post a lot (90-9-1-ish).
std::vector<Ev> Generate(uint32_t members, uint64_t events) {
  std::vector<Ev> out;
  out.reserve(events);
  uint64_t x = 88172645463325252ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (uint64_t i = 0; i < events; ++i) {
    const uint8_t day = static_cast<uint8_t>(i * kDays / events);
    const double u = static_cast<double>(next() % 1000000) / 1000000.0;
    const uint32_t m = static_cast<uint32_t>(u * u * u * members);  // skewed to low ids
    const uint32_t r = next() % 100;
    const uint8_t kind = r < 55 ? kPlain : r < 65 ? kTopic : r < 85 ? kReply : kReaction;
    out.push_back({m, day, kind});
  }
  return out;
}

struct Answer {
  std::map<std::string, uint64_t> sums;  // name → community total
  std::string Text() const {
    std::string s;
    for (const auto& [k, v] : sums) absl::StrAppend(&s, k, "=", v, " ");
    return s;
  }
};

Answer RunShequn(uint32_t members, const std::vector<Ev>& events, double* ingest_s,
                 double* query_s, double* bytes_per_member) {
  shequn::v1::CommunityConfig config;
  config.set_id("bench");
  config.set_idempotency_window_seconds(1);
  const uint32_t groups = (members + kGroupSize - 1) / kGroupSize;
  for (uint32_t g = 0; g < groups; ++g) {
    shequn::v1::GroupConfig* gc = config.add_groups();
    gc->set_id(absl::StrCat("g", g));
    gc->set_stage(shequn::v1::FUNNEL_STAGE_ACQUISITION);
    gc->set_capacity(kGroupSize + 1);
  }
  shequn::v1::StaffSeat* owner = config.mutable_roles()->add_staff();
  owner->set_member_id("owner");
  owner->set_role(shequn::v1::ROLE_OWNER);
  config.mutable_segments()->mutable_dying()->set_disabled(true);

  std::vector<std::string> ids(members), group_ids(groups);
  for (uint32_t m = 0; m < members; ++m) ids[m] = absl::StrCat("m", m);
  for (uint32_t g = 0; g < groups; ++g) group_ids[g] = absl::StrCat("g", g);

  const long rss_before = RssKb();
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<shequn::Engine>> created = shequn::Engine::Create(config);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    std::abort();
  }
  std::unique_ptr<shequn::Engine> engine = *std::move(created);
  shequn::v1::Event e;
  uint64_t n = 0;
  e.set_time_ms(kStart - 3600 * 1000);
  for (uint32_t m = 0; m < members; ++m) {
    e.set_id(absl::StrCat("j", ++n));
    e.set_actor(ids[m]);
    e.set_group(group_ids[m / kGroupSize]);
    e.mutable_apply()->set_accepted_rules(true);
    if (absl::StatusOr<shequn::v1::Outcome> o = engine->Apply(e); !o.ok()) {
      std::fprintf(stderr, "%s\n", o.status().ToString().c_str());
      std::abort();
    }
  }
  shequn::v1::Event msg;
  msg.mutable_message()->set_text("hi");
  shequn::v1::Event react;
  react.mutable_reaction()->set_emoji("+1");
  int day = -1;
  for (uint64_t i = 0; i < events.size(); ++i) {
    const Ev& ev = events[i];
    // Spread evenly over the days; floor(t / day) is ev.day.
    const int64_t t = kStart + static_cast<int64_t>(
        static_cast<unsigned __int128>(i) * (kDays * kDay) / events.size());
    if (ev.day != day) {
      day = ev.day;
      if (!engine->AdvanceTo(t).ok()) std::abort();  // the daily check
    }
    shequn::v1::Event& x = ev.kind == kReaction ? react : msg;
    x.set_id(absl::StrCat("e", ++n));
    x.set_time_ms(t);
    x.set_actor(ids[ev.member]);
    x.set_group(group_ids[ev.member / kGroupSize]);
    if (ev.kind != kReaction) {
      shequn::v1::Message* mm = x.mutable_message();
      mm->set_message_id(x.id());  // required since 0.3 (edits, deletions, reports)
      mm->set_starts_topic(ev.kind == kTopic);
      if (ev.kind == kReply) {
        mm->set_reply_to("x");
      } else {
        mm->clear_reply_to();
      }
    }
    if (absl::StatusOr<shequn::v1::Outcome> o = engine->Apply(x); !o.ok()) {
      std::fprintf(stderr, "%s\n", o.status().ToString().c_str());
      std::abort();
    }
  }
  *ingest_s = Seconds(t0);
  *bytes_per_member = (RssKb() - rss_before) * 1024.0 / members;

  const auto t1 = std::chrono::steady_clock::now();
  const shequn::v1::Report r = engine->Report(engine->last_time_ms());
  *query_s = Seconds(t1);

  Answer a;
  for (const shequn::v1::GroupReport& g : r.groups()) {
    if (g.group().empty()) continue;
    a.sums["tier_active"] += g.tiers().active();
    a.sums["tier_moderate"] += g.tiers().moderate();
    a.sums["tier_lurker"] += g.tiers().lurker();
    a.sums["tier_inactive"] += g.tiers().inactive() - (g.group() == "g0");  // the owner
    for (const shequn::v1::PeriodKpis& p : g.periods()) {
      const std::string w = absl::StrCat("w", p.days(), "_");
      a.sums[w + "messages"] += p.messages();
      a.sums[w + "topics"] += p.topics();
      a.sums[w + "replies"] += p.replies();
      a.sums[w + "reactions"] += p.reactions();
      a.sums[w + "active"] += p.active_members();
    }
  }
  return a;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::abort();
  }
}

Answer RunSqlite(uint32_t members, const std::vector<Ev>& events, double* ingest_s,
                 double* query_s) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  const auto t0 = std::chrono::steady_clock::now();
  Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
  Exec(db, "CREATE TABLE members(member INTEGER PRIMARY KEY, grp INTEGER);"
           "CREATE TABLE events(member INTEGER, grp INTEGER, day INTEGER, kind INTEGER);");
  Exec(db, "BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO members VALUES(?,?)", -1, &ins, nullptr);
  for (uint32_t m = 0; m < members; ++m) {
    sqlite3_bind_int(ins, 1, m);
    sqlite3_bind_int(ins, 2, m / kGroupSize);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES(?,?,?,?)", -1, &ins, nullptr);
  for (const Ev& ev : events) {
    sqlite3_bind_int(ins, 1, ev.member);
    sqlite3_bind_int(ins, 2, ev.member / kGroupSize);
    sqlite3_bind_int(ins, 3, ev.day);
    sqlite3_bind_int(ins, 4, ev.kind);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  Exec(db, "CREATE INDEX ev_member_day ON events(member, day);"
           "CREATE INDEX ev_grp_day ON events(grp, day);");
  *ingest_s = Seconds(t0);

  const auto t1 = std::chrono::steady_clock::now();
  Answer a;
  const int as_of = kDays - 1;
  auto query = [&](const std::string& sql, const std::vector<std::string>& names) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
      std::abort();
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (size_t i = 0; i < names.size(); ++i) a.sums[names[i]] += sqlite3_column_int64(st, i + 1);
    }
    sqlite3_finalize(st);
  };
  // Tiers per group: active = a topic in 7 days; moderate = a message in 7
  // days; lurker = anything in 30 days; inactive = nothing.
  query(absl::StrCat(
            "WITH m7 AS (SELECT member, SUM(kind=1) AS topics, SUM(kind<=2) AS msgs FROM events "
            "WHERE day > ", as_of - 7, " GROUP BY member), "
            "m30 AS (SELECT DISTINCT member FROM events WHERE day > ", as_of - 30, ") "
            "SELECT m.grp, "
            "SUM(COALESCE(m7.topics,0) >= 1), "
            "SUM(COALESCE(m7.topics,0) = 0 AND COALESCE(m7.msgs,0) >= 1), "
            "SUM(COALESCE(m7.msgs,0) = 0 AND m30.member IS NOT NULL), "
            "SUM(COALESCE(m7.msgs,0) = 0 AND m30.member IS NULL) "
            "FROM members m LEFT JOIN m7 ON m7.member = m.member "
            "LEFT JOIN m30 ON m30.member = m.member GROUP BY m.grp"),
        {"tier_active", "tier_moderate", "tier_lurker", "tier_inactive"});
  for (int w : {1, 7, 30}) {
    const std::string p = absl::StrCat("w", w, "_");
    query(absl::StrCat("SELECT grp, SUM(kind<=2), SUM(kind=1), SUM(kind=2), SUM(kind=4), "
                       "COUNT(DISTINCT member) FROM events WHERE day > ", as_of - w,
                       " GROUP BY grp"),
          {p + "messages", p + "topics", p + "replies", p + "reactions", p + "active"});
  }
  *query_s = Seconds(t1);
  sqlite3_close(db);
  return a;
}

}  // namespace

int main() {
  const uint32_t members = static_cast<uint32_t>(Env("SHEQUN_BENCH_MEMBERS", 20000));
  const uint64_t events = Env("SHEQUN_BENCH_EVENTS", 1000000);
  std::printf("segments_benchmark: %u members, %llu events over %d days, groups of %d\n",
              members, static_cast<unsigned long long>(events), kDays, kGroupSize);
  const std::vector<Ev> evs = Generate(members, events);

  double s_ingest = 0, s_query = 0, q_ingest = 0, q_query = 0, bytes = 0;
  const Answer shequn = RunShequn(members, evs, &s_ingest, &s_query, &bytes);
  const Answer sqlite = RunSqlite(members, evs, &q_ingest, &q_query);

  std::printf("shequn: ingest %.2f s (%.0f ns/event incl. engine dispatch), report %.3f s\n",
              s_ingest, s_ingest * 1e9 / (events + members), s_query);
  std::printf("sqlite: load+index %.2f s, queries %.3f s\n", q_ingest, q_query);
  std::printf("ratio sqlite/shequn: queries %.1fx, total %.2fx\n", q_query / s_query,
              (q_ingest + q_query) / (s_ingest + s_query));
  std::printf("shequn bytes per member: %.0f (engine RSS growth / members); segments rings %zu + 24 hot\n",
              bytes, shequn::segments::ActivityRings(30).bytes_per_member());
  std::printf("shequn answer: %s\nsqlite answer: %s\n", shequn.Text().c_str(), sqlite.Text().c_str());
  const bool same = shequn.sums == sqlite.sums;
  std::printf("answers %s\n", same ? "MATCH" : "DIFFER");
  return same ? 0 : 1;
}
