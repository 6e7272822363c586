#include "engine/field_gate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "google/protobuf/descriptor.h"
#include "shequn/limits.h"
#include "shequn/v1/bounds.pb.h"

namespace shequn {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

struct Range {
  int64_t lo;
  int64_t hi;
};

std::optional<Range> IntegerRange(v1::Bound b) {
  switch (b) {
    case v1::BOUND_TIME_MS: return Range{0, limits::kMaxTimeMs};
    case v1::BOUND_DURATION_SECONDS: return Range{0, limits::kMaxDurationSeconds};
    case v1::BOUND_CENTS: return Range{0, limits::kMaxCents};
    case v1::BOUND_POINTS: return Range{-limits::kMaxPoints, limits::kMaxPoints};
    case v1::BOUND_ATTACHMENT_BYTES: return Range{0, limits::kMaxAttachmentBytes};
    case v1::BOUND_CHARACTERS: return Range{0, limits::kMaxCharacters};
    case v1::BOUND_STRIKE_ID: return Range{0, limits::kMaxStrikeId};
    case v1::BOUND_MEMBER_NUMBER: return Range{0, limits::kMaxMemberNumber};
    case v1::BOUND_POLL_CHOICES: return Range{0, limits::kMaxPollOptions};
    case v1::BOUND_POLL_OPTION: return Range{0, limits::kMaxPollOptions - 1};
    default: return std::nullopt;
  }
}

std::optional<size_t> ByteLimit(v1::Bound b) {
  switch (b) {
    case v1::BOUND_ID: return limits::kMaxIdBytes;
    case v1::BOUND_NAME: return limits::kMaxNameBytes;
    case v1::BOUND_TEXT: return limits::kMaxTextBytes;
    case v1::BOUND_MESSAGE_TEXT: return limits::kMaxMessageBytes;
    default: return std::nullopt;
  }
}

int EntryLimit(v1::Bound b) {
  switch (b) {
    case v1::BOUND_POLL_OPTIONS: return limits::kMaxPollOptions;
    case v1::BOUND_ATTENDEES: return limits::kMaxAttendees;
    default: return limits::kMaxEventEntries;
  }
}

v1::Bound BoundOf(const FieldDescriptor* f) { return f->options().GetExtension(v1::bound); }

// Walks a message's set fields in field-number order. `bounded` applies the
// event annotations; without it only UTF-8 and nesting are checked.
class Gate {
 public:
  explicit Gate(bool bounded) : bounded_(bounded) {}

  absl::Status Walk(const Message& m, const std::string& prefix, int depth) const {
    if (depth > limits::kMaxNesting) {
      return InvalidField(prefix.empty() ? "message" : prefix.substr(0, prefix.size() - 1),
                          absl::StrCat("nested deeper than ", limits::kMaxNesting));
    }
    const Reflection* r = m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(m, &fields);
    for (const FieldDescriptor* f : fields) {
      const std::string path = absl::StrCat(prefix, f->name());
      if (absl::Status s = Field(m, f, path, depth); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Field(const Message& m, const FieldDescriptor* f, const std::string& path,
                     int depth) const {
    const Reflection* r = m.GetReflection();
    if (!f->is_repeated()) return Value(m, f, -1, path, depth);
    const int n = r->FieldSize(m, f);
    if (bounded_) {
      const int limit = EntryLimit(f->options().GetExtension(v1::entries));
      if (n > limit) return InvalidField(path, absl::StrCat(n, " entries, limit ", limit));
    }
    if (f->is_map()) {
      if (absl::Status s = Map(m, f, path, depth); !s.ok()) return s;
    }
    for (int i = 0; i < n && !f->is_map(); ++i) {
      if (absl::Status s = Value(m, f, i, absl::StrCat(path, "[", i, "]"), depth); !s.ok()) {
        return s;
      }
    }
    // Each entry first, so the message names the one too long if there is one.
    return bounded_ ? Total(m, f, path) : absl::OkStatus();
  }

  // Element `i` of a repeated field, or the singular field when i < 0.
  absl::Status Value(const Message& m, const FieldDescriptor* f, int i,
                     const std::string& path, int depth) const {
    const Reflection* r = m.GetReflection();
    const bool rep = i >= 0;
    const v1::Bound bound = bounded_ ? BoundOf(f) : v1::BOUND_UNSPECIFIED;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Walk(rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), path + ".",
                    depth + 1);
      case FieldDescriptor::CPPTYPE_STRING: {
        if (f->type() == FieldDescriptor::TYPE_BYTES) return absl::OkStatus();
        std::string scratch;
        const std::string& s = rep ? r->GetRepeatedStringReference(m, f, i, &scratch)
                                   : r->GetStringReference(m, f, &scratch);
        return String(s, bound, path);
      }
      case FieldDescriptor::CPPTYPE_INT64:
        return Integer(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f), bound, path);
      case FieldDescriptor::CPPTYPE_INT32:
        return Integer(rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f), bound, path);
      case FieldDescriptor::CPPTYPE_UINT64:
        return Unsigned(rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f), bound, path);
      case FieldDescriptor::CPPTYPE_UINT32:
        return Unsigned(rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f), bound, path);
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return Real(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f), bound, path);
      case FieldDescriptor::CPPTYPE_ENUM:
        if (!bounded_) return absl::OkStatus();  // a config's parts name the value
        return Declared(rep ? r->GetRepeatedEnumValue(m, f, i) : r->GetEnumValue(m, f), f,
                        path);
      default:
        return absl::OkStatus();
    }
  }

  // Map entries in key order, so the first error named is always the same.
  absl::Status Map(const Message& m, const FieldDescriptor* f, const std::string& path,
                   int depth) const {
    const Reflection* r = m.GetReflection();
    const Descriptor* entry = f->message_type();
    const FieldDescriptor* key_field = entry->map_key();
    const FieldDescriptor* value_field = entry->map_value();
    if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return absl::OkStatus();
    std::vector<std::pair<std::string, const Message*>> entries;
    const int n = r->FieldSize(m, f);
    entries.reserve(n);
    for (int i = 0; i < n; ++i) {
      const Message& e = r->GetRepeatedMessage(m, f, i);
      entries.emplace_back(e.GetReflection()->GetString(e, key_field), &e);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    const v1::Bound key_bound = bounded_ ? v1::BOUND_NAME : v1::BOUND_UNSPECIFIED;
    for (const auto& [key, e] : entries) {
      if (absl::Status s = String(key, key_bound, path + " key"); !s.ok()) return s;
      const std::string at = absl::StrCat(path, "[", key, "]");
      const v1::Bound bound = bounded_ ? BoundOf(f) : v1::BOUND_UNSPECIFIED;
      const Reflection* er = e->GetReflection();
      if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (absl::Status s = Walk(er->GetMessage(*e, value_field), at + ".", depth + 1);
            !s.ok()) {
          return s;
        }
      } else if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        if (absl::Status s = String(er->GetString(*e, value_field), bound, at); !s.ok()) {
          return s;
        }
      }
    }
    return absl::OkStatus();
  }

  static absl::Status String(absl::string_view s, v1::Bound bound, absl::string_view path) {
    if (std::optional<size_t> limit = ByteLimit(bound); limit && s.size() > *limit) {
      return InvalidField(path, absl::StrCat(s.size(), " bytes, limit ", *limit));
    }
    return CheckUtf8Field(s, path);
  }

  // The `(total)` bound: the bytes of all of a list's strings (a map's keys
  // and values) together.
  static absl::Status Total(const Message& m, const FieldDescriptor* f, absl::string_view path) {
    const std::optional<size_t> limit = ByteLimit(f->options().GetExtension(v1::total));
    if (!limit) return absl::OkStatus();
    const Reflection* r = m.GetReflection();
    size_t bytes = 0;
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      if (!f->is_map()) {
        bytes += r->GetRepeatedString(m, f, i).size();
        continue;
      }
      const Message& e = r->GetRepeatedMessage(m, f, i);
      const Descriptor* entry = f->message_type();
      bytes += e.GetReflection()->GetString(e, entry->map_key()).size() +
               e.GetReflection()->GetString(e, entry->map_value()).size();
    }
    if (bytes <= *limit) return absl::OkStatus();
    return InvalidField(path, absl::StrCat(bytes, " bytes in all, limit ", *limit));
  }

  static absl::Status Unsigned(uint64_t v, v1::Bound bound, absl::string_view path) {
    const std::optional<Range> range = IntegerRange(bound);
    if (!range || v <= static_cast<uint64_t>(range->hi)) return absl::OkStatus();
    return InvalidField(path, absl::StrCat(v, " is outside ", range->lo, "..", range->hi));
  }

  // Proto3 enums are open: a number no value declares parses, and must stop here.
  static absl::Status Declared(int v, const FieldDescriptor* f, absl::string_view path) {
    if (f->enum_type()->FindValueByNumber(v) != nullptr) return absl::OkStatus();
    return InvalidField(path, absl::StrCat(v, " is not a declared ", f->enum_type()->name()));
  }

  static absl::Status Integer(int64_t v, v1::Bound bound, absl::string_view path) {
    const std::optional<Range> range = IntegerRange(bound);
    if (!range || (v >= range->lo && v <= range->hi)) return absl::OkStatus();
    return InvalidField(path, absl::StrCat(v, " is outside ", range->lo, "..", range->hi));
  }

  static absl::Status Real(double v, v1::Bound bound, absl::string_view path) {
    if (bound != v1::BOUND_SCORE) return absl::OkStatus();
    if (std::isfinite(v) && std::fabs(v) <= limits::kMaxScore) return absl::OkStatus();
    return InvalidField(path, absl::StrCat(v, " is not a finite number within ±",
                                           limits::kMaxScore));
  }

  bool bounded_;
};

}  // namespace

absl::Status CheckEventFields(const v1::Event& event) {
  if (const size_t size = event.ByteSizeLong(); size > limits::kMaxEventBytes) {
    return InvalidField("event", absl::StrCat(size, " bytes serialised, limit ",
                                              limits::kMaxEventBytes));
  }
  return Gate(/*bounded=*/true).Walk(event, "", 0);
}

absl::Status CheckUtf8Fields(const google::protobuf::Message& message,
                             absl::string_view prefix) {
  return Gate(/*bounded=*/false).Walk(message, std::string(prefix), 0);
}

}  // namespace shequn
