// Operator-defined segments: predicates over a member's counters,
// tier, tags, role, points, tenure, buyer stage and group.
//
// ValidatePredicate checks a config predicate once; EvaluatePredicate then
// cannot fail. Evaluation is O(size of the predicate × ring_days).
#ifndef SHEQUN_SRC_SEGMENTS_PREDICATE_H_
#define SHEQUN_SRC_SEGMENTS_PREDICATE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "segments/counters.h"
#include "shequn/v1/common.pb.h"
#include "shequn/v1/segments.pb.h"

namespace shequn::segments {

// What a predicate may ask about one member.
class MemberFacts {
 public:
  virtual ~MemberFacts() = default;
  virtual uint32_t CounterIn(Counter c, int window_days) const = 0;
  virtual v1::Tier tier() const = 0;
  virtual bool HasTag(absl::string_view tag) const = 0;
  virtual v1::Role role() const = 0;
  virtual int64_t points() const = 0;
  virtual int64_t tenure_days() const = 0;
  virtual v1::BuyerStage buyer_stage() const = 0;
  virtual absl::string_view group() const = 0;
};

// The tags a config declares (segments.tags; none: any tag), hashed so a
// tag is checked in O(1) whatever their number, and kept in order for the
// suggestion an unknown tag gets. Views into `tags`, which must outlive it.
class DeclaredTags {
 public:
  explicit DeclaredTags(const google::protobuf::RepeatedPtrField<std::string>& tags);

  // True when none are declared or `tag` is one of them. O(|tag|).
  bool Allows(absl::string_view tag) const;
  std::span<const absl::string_view> list() const { return list_; }

 private:
  std::vector<absl::string_view> list_;
  absl::flat_hash_set<absl::string_view> set_;
};

// OK, or InvalidArgument naming `path` and the fault: an unset case, an
// unknown counter, a window outside 1..max_window_days, a tag `tags` does
// not allow, nesting deeper than the limit.
absl::Status ValidatePredicate(const v1::Predicate& p, const std::string& path,
                               int max_window_days, const DeclaredTags& tags, int depth = 0);

// OK when `tag` is not empty and `declared` allows it; else InvalidArgument
// naming `path` and the closest declared tag.
absl::Status ValidateTag(absl::string_view tag, const DeclaredTags& declared,
                         const std::string& path);

// `p` must have passed ValidatePredicate. A counter window of 0 means
// `default_window_days`.
bool EvaluatePredicate(const v1::Predicate& p, const MemberFacts& m,
                       int default_window_days);

}  // namespace shequn::segments

#endif  // SHEQUN_SRC_SEGMENTS_PREDICATE_H_
