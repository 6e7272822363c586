// shequn-replay: applies an event log to a community config and prints what
// the engine decides, then the final state. How an operator tries a rule
// change on last month's log before going live, and how a bug report is
// reproduced: same config + same log = same output, byte for byte.
//
//   shequn-replay --config club.textproto --events march.jsonl
//   shequn-replay --config new-rules.json --events march.jsonl --actions-only --json
//   shequn-replay --config club.textproto --events april.jsonl \
//                 --snapshot-in march.snapshot --snapshot-out april.snapshot
//
// Config: text format, or JSON if the file name ends in .json.
// Events: one JSON Event per line (.jsonl or .json; blank lines and lines
// starting with # are skipped), or a text-format EventLog otherwise.
//
// Exit codes: 0 every event applied; 1 bad usage; 2 the config is unreadable
// or invalid; 3 the event log is unreadable; 4 some events were rejected
// (each is reported on stderr with its line, and the rest still applied);
// 5 a snapshot could not be read, restored or written.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "shequn/engine.h"
#include "shequn/text_format.h"

namespace {

using shequn::v1::Event;

enum Exit { kOk = 0, kUsage = 1, kBadConfig = 2, kBadLog = 3, kRejected = 4, kBadSnapshot = 5 };

struct Options {
  std::string config;
  std::string events;
  std::string snapshot_in;
  std::string snapshot_out;
  std::optional<int64_t> until_ms;
  bool actions_only = false;
  bool report_only = false;
  bool json = false;
};

struct LoggedEvent {
  Event event;
  int line;
};

constexpr char kUsageText[] =
    "usage: shequn-replay --config FILE [--events FILE] [--until UNIX_MS]\n"
    "                     [--snapshot-in FILE] [--snapshot-out FILE]\n"
    "                     [--actions-only | --report-only] [--json]\n";

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (arg == "--actions-only") { o.actions_only = true; continue; }
    if (arg == "--report-only") { o.report_only = true; continue; }
    if (arg == "--json") { o.json = true; continue; }
    if (!(v = value())) return std::nullopt;
    if (arg == "--config") o.config = *v;
    else if (arg == "--events") o.events = *v;
    else if (arg == "--snapshot-in") o.snapshot_in = *v;
    else if (arg == "--snapshot-out") o.snapshot_out = *v;
    else if (arg == "--until") {
      int64_t t;
      if (!absl::SimpleAtoi(*v, &t)) return std::nullopt;
      o.until_ms = t;
    } else {
      return std::nullopt;
    }
  }
  if (o.config.empty() || (o.actions_only && o.report_only)) return std::nullopt;
  return o;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsJson(const std::string& path) {
  return absl::EndsWith(path, ".json") || absl::EndsWith(path, ".jsonl");
}

std::optional<shequn::v1::CommunityConfig> LoadConfig(const std::string& path) {
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    std::cerr << path << ": cannot read\n";
    return std::nullopt;
  }
  shequn::v1::CommunityConfig config;
  if (IsJson(path)) {
    auto status = google::protobuf::util::JsonStringToMessage(*text, &config);
    if (!status.ok()) {
      std::cerr << path << ": " << status.message() << "\n";
      return std::nullopt;
    }
  } else if (absl::Status parsed = shequn::ParseTextFormat(*text, &config); !parsed.ok()) {
    std::cerr << path << ": " << parsed.message() << "\n";
    return std::nullopt;
  }
  return config;
}

std::optional<std::vector<LoggedEvent>> LoadEvents(const std::string& path) {
  std::vector<LoggedEvent> events;
  if (path.empty()) return events;
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    std::cerr << path << ": cannot read\n";
    return std::nullopt;
  }
  if (!IsJson(path)) {
    shequn::v1::EventLog log;
    if (absl::Status parsed = shequn::ParseTextFormat(*text, &log); !parsed.ok()) {
      std::cerr << path << ": " << parsed.message() << "\n";
      return std::nullopt;
    }
    for (int i = 0; i < log.events_size(); ++i) events.push_back({log.events(i), i + 1});
    return events;
  }
  std::istringstream lines(*text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    Event e;
    auto status = google::protobuf::util::JsonStringToMessage(line, &e);
    if (!status.ok()) {
      std::cerr << path << ":" << n << ": " << status.message() << "\n";
      return std::nullopt;
    }
    events.push_back({std::move(e), n});
  }
  return events;
}

std::string When(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// Each action at its own due time: an event's outcome starts with the timers
// that fell due before it.
void PrintActions(const shequn::v1::Outcome& out, const Options& o) {
  if (o.report_only) return;
  for (const shequn::v1::Action& a : out.actions()) {
    const int64_t time_ms = a.due_ms();
    if (o.json) {
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(a, &json);
      std::cout << "{\"time_ms\":\"" << time_ms << "\",\"event_id\":\"" << out.event_id()
                << "\",\"action\":" << json << "}\n";
      continue;
    }
    std::cout << When(time_ms) << "  " << (out.event_id().empty() ? "(time)" : out.event_id())
              << "  " << shequn::v1::ActionKind_Name(a.kind()).substr(12);
    if (!a.member().empty()) std::cout << "  member=" << a.member();
    if (!a.group().empty()) std::cout << "  group=" << a.group();
    if (!a.category().empty()) std::cout << "  category=" << a.category();
    if (a.strike_count() > 0) std::cout << "  strikes=" << a.strike_count();
    std::cout << "  rule=" << a.rule();
    if (!a.text().empty()) std::cout << "  \"" << a.text() << "\"";
    std::cout << "\n";
  }
}

void PrintReport(const shequn::Engine& engine, const Options& o) {
  if (o.actions_only) return;
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = !o.json;
  (void)google::protobuf::util::MessageToJsonString(engine.Report(engine.last_time_ms()), &json,
                                                    print);
  std::cout << json << (o.json ? "\n" : "");
}

bool WriteSnapshot(const shequn::Engine& engine, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << engine.SnapshotBytes();
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> o = ParseArgs(argc, argv);
  if (!o) {
    std::cerr << kUsageText;
    return kUsage;
  }
  std::optional<shequn::v1::CommunityConfig> config = LoadConfig(o->config);
  if (!config) return kBadConfig;
  absl::StatusOr<std::unique_ptr<shequn::Engine>> engine;
  if (o->snapshot_in.empty()) {
    engine = shequn::Engine::Create(*config);
    if (!engine.ok()) {
      std::cerr << o->config << ": " << engine.status().message() << "\n";
      return kBadConfig;
    }
  } else {
    shequn::v1::CommunitySnapshot snapshot;
    std::optional<std::string> bytes = ReadFile(o->snapshot_in);
    if (!bytes || !snapshot.ParseFromString(*bytes)) {
      std::cerr << o->snapshot_in << ": not a CommunitySnapshot\n";
      return kBadSnapshot;
    }
    engine = shequn::Engine::Restore(*config, snapshot);
    if (!engine.ok()) {
      std::cerr << o->snapshot_in << ": " << engine.status().message() << "\n";
      return engine.status().message().find("snapshot") == 0 ? kBadSnapshot : kBadConfig;
    }
  }
  std::optional<std::vector<LoggedEvent>> events = LoadEvents(o->events);
  if (!events) return kBadLog;

  int rejected = 0;
  for (const LoggedEvent& logged : *events) {
    const Event& e = logged.event;
    if (o->until_ms && e.time_ms() > *o->until_ms) break;
    absl::StatusOr<shequn::v1::Outcome> out = (*engine)->Step(e);
    if (!out.ok()) {
      ++rejected;
      std::cerr << o->events << ":" << logged.line << ": event '" << e.id()
                << "' rejected: " << out.status() << "\n";
      continue;
    }
    PrintActions(*out, *o);
  }
  if (o->until_ms && *o->until_ms > (*engine)->last_time_ms()) {
    absl::StatusOr<shequn::v1::Outcome> timers = (*engine)->AdvanceTo(*o->until_ms);
    if (timers.ok()) PrintActions(*timers, *o);
  }
  PrintReport(**engine, *o);
  if (!o->snapshot_out.empty() && !WriteSnapshot(**engine, o->snapshot_out)) {
    std::cerr << o->snapshot_out << ": cannot write\n";
    return kBadSnapshot;
  }
  return rejected > 0 ? kRejected : kOk;
}
