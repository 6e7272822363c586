// The one input gate: every string, number (signed or not), enum and list of
// an incoming message checked reflectively against the bounds in
// shequn/limits.h, before any part reads it. Errors are InvalidArgument naming the field path
// ("open_poll.options[3]: 300 bytes, limit 256") and the bound.
//
// Map fields are checked in key order, so the first error reported is the
// same on every run. Stateless and thread-safe.
#ifndef SHEQUN_SRC_ENGINE_FIELD_GATE_H_
#define SHEQUN_SRC_ENGINE_FIELD_GATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "shequn/v1/event.pb.h"

namespace shequn {

// An event: its serialised size (limits::kMaxEventBytes) first, then every
// field against its `(shequn.v1.bound)`, `(shequn.v1.entries)` and
// `(shequn.v1.total)` annotations (an unannotated list holds at most
// limits::kMaxEventEntries entries), every enum against its declared
// values, every string as UTF-8, and the nesting depth. Required fields
// and what the values mean are the parts' business. O(size of the event).
absl::Status CheckEventFields(const v1::Event& event);

// A config or snapshot: every string field valid UTF-8, nesting at most
// limits::kMaxNesting deep; paths start with `prefix` ("snapshot.").
// Such a string would make Snapshot() bytes that do not parse back, and
// actions a host cannot read. O(size of the message).
absl::Status CheckUtf8Fields(const google::protobuf::Message& message,
                             absl::string_view prefix);

}  // namespace shequn

#endif  // SHEQUN_SRC_ENGINE_FIELD_GATE_H_
