#include "engine/integrity.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/field_errors.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "shequn/engine.h"
#include "shequn/version.h"
#include "zlib.h"

namespace shequn {
namespace {

uint32_t Crc32(uint32_t crc, absl::string_view bytes) {
  // zlib takes lengths as uInt.
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), size_t{1} << 30);
    crc = static_cast<uint32_t>(
        crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n)));
    bytes.remove_prefix(n);
  }
  return crc;
}

// Takes a serialisation in pieces and sums all but its last `holdback`
// bytes, which it keeps: the seal at the end of a sealed snapshot.
class CrcSink : public google::protobuf::io::CopyingOutputStream {
 public:
  explicit CrcSink(size_t holdback) : holdback_(holdback) {}

  bool Write(const void* data, int size) override {
    held_.append(static_cast<const char*>(data), size);
    if (held_.size() > holdback_) {
      const size_t n = held_.size() - holdback_;
      crc_ = Crc32(crc_, absl::string_view(held_).substr(0, n));
      bytes_ += n;
      held_.erase(0, n);
    }
    return true;
  }

  uint64_t bytes() const { return bytes_; }
  uint32_t crc() const { return crc_; }
  const std::string& held() const { return held_; }

 private:
  size_t holdback_;
  std::string held_;
  uint64_t bytes_ = 0;
  uint32_t crc_ = 0;
};

void Measure(const google::protobuf::Message& m, CrcSink& sink) {
  google::protobuf::io::CopyingOutputStreamAdaptor adaptor(&sink);
  {
    google::protobuf::io::CodedOutputStream coded(&adaptor);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  adaptor.Flush();
}

// The bytes a seal adds at the end of a snapshot: its field, serialised.
std::string SealField(const v1::SnapshotSeal& seal) {
  v1::CommunitySnapshot only_seal;
  *only_seal.mutable_seal() = seal;
  return SerializeDeterministic(only_seal);
}

v1::SnapshotSeal SealOf(uint64_t bytes, uint32_t crc) {
  v1::SnapshotSeal seal;
  seal.set_bytes(bytes);
  seal.set_crc32(crc);
  return seal;
}

std::optional<std::tuple<int, int, int>> ParseVersion(absl::string_view v) {
  std::vector<absl::string_view> parts = absl::StrSplit(v, '.');
  int n[3];
  if (parts.size() != 3) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (!absl::SimpleAtoi(parts[i], &n[i]) || n[i] < 0) return std::nullopt;
  }
  return std::make_tuple(n[0], n[1], n[2]);
}

}  // namespace

void Seal(v1::CommunitySnapshot& snapshot) {
  CrcSink sink(0);
  Measure(snapshot, sink);
  *snapshot.mutable_seal() = SealOf(sink.bytes(), sink.crc());
}

std::string SealedBytes(const v1::CommunitySnapshot& unsealed) {
  std::string bytes = SerializeDeterministic(unsealed);
  // Field 1000 is the highest: appending it gives the sealed message's
  // deterministic serialisation.
  bytes += SealField(SealOf(bytes.size(), Crc32(0, bytes)));
  return bytes;
}

absl::Status CheckSeal(const v1::CommunitySnapshot& snapshot) {
  if (!snapshot.has_seal()) {
    return InvalidField("snapshot.seal",
                        "missing: the snapshot is cut short, or was not written by "
                        "Engine::Snapshot of shequn 0.2 or later");
  }
  const std::string tail = SealField(snapshot.seal());
  CrcSink sink(tail.size());
  Measure(snapshot, sink);
  if (sink.held() != tail) {
    return InvalidField("snapshot.seal", "not the last field: the snapshot carries fields "
                                         "this library does not know");
  }
  if (sink.bytes() != snapshot.seal().bytes() || sink.crc() != snapshot.seal().crc32()) {
    return InvalidField("snapshot.seal",
                        absl::StrCat("the snapshot's ", sink.bytes(), " bytes (CRC-32 ",
                                     sink.crc(), ") do not match its seal (",
                                     snapshot.seal().bytes(), " bytes, CRC-32 ",
                                     snapshot.seal().crc32(), "): it was cut short or changed"));
  }
  return absl::OkStatus();
}

absl::Status CheckWriterVersion(absl::string_view version) {
  const auto theirs = ParseVersion(version);
  if (!theirs.has_value()) {
    return InvalidField("snapshot.shequn_version",
                        absl::StrCat("'", version, "' is not a version MAJOR.MINOR.PATCH"));
  }
  const auto ours = std::make_tuple(SHEQUN_VERSION_MAJOR, SHEQUN_VERSION_MINOR,
                                    SHEQUN_VERSION_PATCH);
  if (std::get<0>(*theirs) != std::get<0>(ours) || *theirs > ours) {
    return InvalidField("snapshot.shequn_version",
                        absl::StrCat("written by shequn ", version, "; this is shequn ",
                                     SHEQUN_VERSION, ", which reads snapshots of ",
                                     SHEQUN_VERSION_MAJOR, ".x up to its own version"));
  }
  return absl::OkStatus();
}

uint32_t EventDigest(const v1::Event& event) {
  return Crc32(0, SerializeDeterministic(event));
}

}  // namespace shequn
