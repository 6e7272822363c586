// Integrity of what the engine hands out and takes back: the seal that
// makes a snapshot cut short or changed refusable, the digest that tells a
// retried event from another event reusing its id, and the version check.
// Stateless and thread-safe.
#ifndef SHEQUN_SRC_ENGINE_INTEGRITY_H_
#define SHEQUN_SRC_ENGINE_INTEGRITY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/snapshot.pb.h"

namespace shequn {

// Sets the seal of `snapshot`, which has none yet: the length and CRC-32 of
// its deterministic serialisation. O(size), no copy of the bytes.
void Seal(v1::CommunitySnapshot& snapshot);

// The deterministic serialisation of `unsealed` followed by its seal: the
// bytes of the sealed snapshot, serialised once. O(size).
std::string SealedBytes(const v1::CommunitySnapshot& unsealed);

// OK when `snapshot` carries a seal, as its last field, that matches every
// byte before it; InvalidArgument "snapshot.seal: ..." otherwise. O(size),
// no copy of the bytes.
absl::Status CheckSeal(const v1::CommunitySnapshot& snapshot);

// OK when `version` ("MAJOR.MINOR.PATCH", the library that wrote a
// snapshot) is this library's or an older one; InvalidArgument
// "snapshot.shequn_version: ..." otherwise. O(|version|).
absl::Status CheckWriterVersion(absl::string_view version);

// CRC-32 of the event's deterministic serialisation. O(size of the event).
uint32_t EventDigest(const v1::Event& event);

}  // namespace shequn

#endif  // SHEQUN_SRC_ENGINE_INTEGRITY_H_
