#include "segments/predicate.h"
#include "base/field_errors.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/closest_name.h"
#include "shequn/limits.h"

namespace shequn::segments {
namespace {

bool Compare(int64_t actual, v1::Comparison op, int64_t value) {
  switch (op) {
    case v1::COMPARISON_GT: return actual > value;
    case v1::COMPARISON_LE: return actual <= value;
    case v1::COMPARISON_LT: return actual < value;
    case v1::COMPARISON_EQ: return actual == value;
    default: return actual >= value;
  }
}

absl::Status ValidateComparison(v1::Comparison op, const std::string& path) {
  if (!v1::Comparison_IsValid(op)) return InvalidField(path, absl::StrCat("unknown comparison ", op));
  return absl::OkStatus();
}

absl::Status ValidateCounter(const v1::CounterCondition& c, const std::string& at) {
  if (c.counter() != v1::COUNTER_KIND_UNSPECIFIED) {
    const std::optional<Counter> kind = CounterOfKind(c.counter());
    if (!kind.has_value()) {
      return InvalidField(at + ".counter", absl::StrCat("unknown counter kind ", c.counter()));
    }
    if (!c.name().empty() && CounterByName(c.name()) != kind) {
      return InvalidField(at + ".name", absl::StrCat("'", c.name(), "' is not counter ",
                                                     v1::CounterKind_Name(c.counter())));
    }
    return absl::OkStatus();
  }
  if (c.name().empty()) return InvalidField(at + ".counter", "required");
  if (!CounterByName(c.name()).has_value()) {
    return InvalidField(at + ".name", absl::StrCat("unknown counter '", c.name(), "'",
                                                   DidYouMean(c.name(), AllCounterNames()),
                                                   " (known: ", CounterNames(), ")"));
  }
  return absl::OkStatus();
}

// A condition that passed ValidateCounter.
Counter CounterOf(const v1::CounterCondition& c) {
  if (std::optional<Counter> kind = CounterOfKind(c.counter())) return *kind;
  return *CounterByName(c.name());
}

}  // namespace

DeclaredTags::DeclaredTags(const google::protobuf::RepeatedPtrField<std::string>& tags)
    : list_(tags.begin(), tags.end()), set_(list_.begin(), list_.end()) {}

bool DeclaredTags::Allows(absl::string_view tag) const {
  return set_.empty() || set_.contains(tag);
}

absl::Status ValidateTag(absl::string_view tag, const DeclaredTags& declared,
                         const std::string& path) {
  if (tag.empty()) return InvalidField(path, "must not be empty");
  if (declared.Allows(tag)) return absl::OkStatus();
  return InvalidField(path, absl::StrCat("unknown tag '", tag, "'", DidYouMean(tag, declared.list()),
                                         " (segments.tags lists the tags)"));
}

absl::Status ValidatePredicate(const v1::Predicate& p, const std::string& path,
                               int max_window_days, const DeclaredTags& tags, int depth) {
  if (depth > limits::kMaxPredicateDepth) return InvalidField(path, absl::StrCat("nested deeper than ", limits::kMaxPredicateDepth, " levels"));
  switch (p.is_case()) {
    case v1::Predicate::kAll:
    case v1::Predicate::kAny: {
      const bool all = p.is_case() == v1::Predicate::kAll;
      const auto& items = all ? p.all().items() : p.any().items();
      const std::string list = absl::StrCat(path, all ? ".all" : ".any");
      if (items.empty()) return InvalidField(list, "needs at least one item");
      for (int i = 0; i < items.size(); ++i) {
        if (absl::Status s = ValidatePredicate(items[i], absl::StrCat(list, ".items[", i, "]"),
                                               max_window_days, tags, depth + 1);
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    }
    case v1::Predicate::kNot:
      return ValidatePredicate(p.not_(), absl::StrCat(path, ".not"), max_window_days, tags,
                               depth + 1);
    case v1::Predicate::kCounter: {
      const v1::CounterCondition& c = p.counter();
      const std::string at = absl::StrCat(path, ".counter");
      if (absl::Status s = ValidateCounter(c, at); !s.ok()) return s;
      if (c.window_days() < 0 || c.window_days() > max_window_days) {
        return InvalidField(absl::StrCat(at, ".window_days"),
                       absl::StrCat("must be in 1..", max_window_days,
                                    " (the longest window), or 0 for the longest; got ",
                                    c.window_days()));
      }
      return ValidateComparison(c.op(), absl::StrCat(at, ".op"));
    }
    case v1::Predicate::kTier:
      if (p.tier() == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(p.tier())) {
        return InvalidField(absl::StrCat(path, ".tier"), "must be a tier");
      }
      return absl::OkStatus();
    case v1::Predicate::kTag:
      return ValidateTag(p.tag(), tags, absl::StrCat(path, ".tag"));
    case v1::Predicate::kRole:
      if (p.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(p.role())) {
        return InvalidField(absl::StrCat(path, ".role"), "must be a role");
      }
      return absl::OkStatus();
    case v1::Predicate::kPoints:
      return ValidateComparison(p.points().op(), absl::StrCat(path, ".points.op"));
    case v1::Predicate::kTenureDays:
      return ValidateComparison(p.tenure_days().op(), absl::StrCat(path, ".tenure_days.op"));
    case v1::Predicate::kBuyerStage:
      if (p.buyer_stage() == v1::BUYER_STAGE_UNSPECIFIED || !v1::BuyerStage_IsValid(p.buyer_stage())) {
        return InvalidField(absl::StrCat(path, ".buyer_stage"), "must be a buyer stage");
      }
      return absl::OkStatus();
    case v1::Predicate::kGroup:
      if (p.group().empty()) return InvalidField(absl::StrCat(path, ".group"), "must not be empty");
      return absl::OkStatus();
    case v1::Predicate::IS_NOT_SET:
      break;
  }
  return InvalidField(path, "no condition is set");
}

bool EvaluatePredicate(const v1::Predicate& p, const MemberFacts& m, int default_window_days) {
  switch (p.is_case()) {
    case v1::Predicate::kAll:
      for (const v1::Predicate& q : p.all().items()) {
        if (!EvaluatePredicate(q, m, default_window_days)) return false;
      }
      return true;
    case v1::Predicate::kAny:
      for (const v1::Predicate& q : p.any().items()) {
        if (EvaluatePredicate(q, m, default_window_days)) return true;
      }
      return false;
    case v1::Predicate::kNot:
      return !EvaluatePredicate(p.not_(), m, default_window_days);
    case v1::Predicate::kCounter: {
      const v1::CounterCondition& c = p.counter();
      const int window = c.window_days() == 0 ? default_window_days : c.window_days();
      return Compare(m.CounterIn(CounterOf(c), window), c.op(), c.value());
    }
    case v1::Predicate::kTier: return m.tier() == p.tier();
    case v1::Predicate::kTag: return m.HasTag(p.tag());
    case v1::Predicate::kRole: return m.role() == p.role();
    case v1::Predicate::kPoints: return Compare(m.points(), p.points().op(), p.points().value());
    case v1::Predicate::kTenureDays:
      return Compare(m.tenure_days(), p.tenure_days().op(), p.tenure_days().value());
    case v1::Predicate::kBuyerStage: return m.buyer_stage() == p.buyer_stage();
    case v1::Predicate::kGroup: return m.group() == p.group();
    case v1::Predicate::IS_NOT_SET: return false;
  }
  return false;
}

}  // namespace shequn::segments
