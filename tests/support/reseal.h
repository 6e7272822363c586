// Tests that tamper with a snapshot's records (to see Restore name the bad
// one) reseal it first, as a tool that edits snapshots on purpose would:
// without a matching seal Restore stops at "snapshot.seal". The seal is the
// length and zlib CRC-32 of the deterministic serialisation without it
// (proto/shequn/v1/snapshot.proto). Free of GoogleTest.
#ifndef SHEQUN_TESTS_SUPPORT_RESEAL_H_
#define SHEQUN_TESTS_SUPPORT_RESEAL_H_

#include <zlib.h>

#include <string>

#include "shequn/engine.h"

namespace shequn::testing {

inline v1::CommunitySnapshot Resealed(v1::CommunitySnapshot snapshot) {
  snapshot.clear_seal();
  const std::string bytes = SerializeDeterministic(snapshot);
  snapshot.mutable_seal()->set_bytes(bytes.size());
  snapshot.mutable_seal()->set_crc32(static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()))));
  return snapshot;
}

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SUPPORT_RESEAL_H_
