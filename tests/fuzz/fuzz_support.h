// Shared by the libFuzzer targets: the configs they run under, and checks
// that report a broken invariant as a crash (so libFuzzer saves the input).
#ifndef SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "shequn/engine.h"
#include "support/invariants.h"
#include "support/random_events.h"

namespace shequn::fuzz {

// Reports `what` and crashes: libFuzzer records the input that got here.
[[noreturn]] inline void Fail(absl::string_view what, absl::string_view detail = "") {
  std::fprintf(stderr, "shequn invariant broken: %.*s %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  __builtin_trap();
}

inline void Require(bool ok, absl::string_view what, absl::string_view detail = "") {
  if (!ok) Fail(what, detail);
}

// A status from a call that refused its input must be one of the documented
// refusals, with a message naming the field.
inline void RequireRefusal(const absl::Status& s, absl::string_view where) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnimplemented:
      break;
    default:
      Fail(where, s.ToString());
  }
  Require(!s.message().empty(), where, "a refusal without a message");
}

class SilentErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, int, const std::string&) override {}
  void AddWarning(int, int, const std::string&) override {}
};

inline bool ParseText(absl::string_view text, google::protobuf::Message* message) {
  SilentErrors errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  return parser.ParseFromString(std::string(text), message);
}

// Protobuf logs parse failures (invalid UTF-8 in a string field) to stderr;
// a fuzzer meets thousands of them.
inline void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

// The communities the event and snapshot fuzzers run under.
inline const v1::CommunityConfig& BusyConfig() {
  static const v1::CommunityConfig* config = [] {
    auto* c = new v1::CommunityConfig;
    if (!ParseText(testing::kBusyCommunity, c)) Fail("kBusyCommunity does not parse");
    return c;
  }();
  return *config;
}

// Snapshot → Restore → SnapshotBytes must give the same bytes, and the
// restored engine must be consistent. Returns the restored engine.
inline std::unique_ptr<Engine> RequireRoundTrip(const Engine& engine) {
  const std::string bytes = engine.SnapshotBytes();
  v1::CommunitySnapshot snap;
  Require(snap.ParseFromString(bytes), "a snapshot does not parse back");
  auto restored = Engine::Restore(engine.config(), snap);
  Require(restored.ok(), "a snapshot does not restore", restored.status().ToString());
  Require((*restored)->SnapshotBytes() == bytes, "restore changed the snapshot bytes");
  absl::Status s = (*restored)->CheckConsistency();
  Require(s.ok(), "restored engine inconsistent", s.ToString());
  return *std::move(restored);
}

}  // namespace shequn::fuzz

#endif  // SHEQUN_TESTS_FUZZ_FUZZ_SUPPORT_H_
