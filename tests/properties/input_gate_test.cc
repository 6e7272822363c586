// The input gate: every field of an Event is held to the bound annotated in
// event.proto (bounds.proto, shequn/limits.h). Walked reflectively, so a
// field added without a bound, or a bound the engine does not hold, fails
// here: each bound is tried at N-1, N and N+1, every signed number also at
// INT64_MIN, -1 and INT64_MAX, every unsigned one at its type's largest
// value, every enum at a value it does not declare; past the bound the event
// is refused with InvalidArgument naming the field, and the state is
// byte-identical. Bools alone carry no bound.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "shequn/v1/bounds.pb.h"
#include "support/random_events.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::ParseConfig;
using Code = absl::StatusCode;

// A field of Event, reached from the top: {kind message field, leaf} or
// {leaf} for the envelope.
struct Slot {
  std::vector<const FieldDescriptor*> chain;
  const FieldDescriptor* leaf() const { return chain.back(); }
  std::string path() const {
    std::string p;
    for (const FieldDescriptor* f : chain) absl::StrAppend(&p, p.empty() ? "" : ".", f->name());
    return p;
  }
};

std::vector<Slot> AllSlots() {
  std::vector<Slot> slots;
  const Descriptor* event = v1::Event::descriptor();
  for (int i = 0; i < event->field_count(); ++i) {
    const FieldDescriptor* f = event->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      slots.push_back({{f}});
      continue;
    }
    for (int j = 0; j < f->message_type()->field_count(); ++j) {
      slots.push_back({{f, f->message_type()->field(j)}});
    }
  }
  return slots;
}

v1::Bound BoundOf(const FieldDescriptor* f) { return f->options().GetExtension(v1::bound); }

// The message that holds the slot's leaf, created inside `e`.
Message* Holder(v1::Event& e, const Slot& slot) {
  Message* m = &e;
  for (size_t i = 0; i + 1 < slot.chain.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, slot.chain[i]);
  }
  return m;
}

// An event that carries `value` in the slot (the first element of a list,
// the value under key "k" of a map); every other field is plausible.
v1::Event WithString(Community& c, const Slot& slot, const std::string& value) {
  v1::Event e = c.Make("ann", "new");
  if (slot.chain.size() == 1) e.mutable_handbook_ack();
  Message* m = Holder(e, slot);
  const FieldDescriptor* f = slot.leaf();
  if (f->is_map()) {
    Message* entry = m->GetReflection()->AddMessage(m, f);
    entry->GetReflection()->SetString(entry, f->message_type()->map_key(), "k");
    entry->GetReflection()->SetString(entry, f->message_type()->map_value(), value);
  } else if (f->is_repeated()) {
    m->GetReflection()->AddString(m, f, value);
  } else {
    m->GetReflection()->SetString(m, f, value);
  }
  if (slot.path() == "id") e.set_id(value);
  if (slot.path() == "actor" && value.empty()) e.set_actor("ann");
  return e;
}

v1::Event WithInteger(Community& c, const Slot& slot, int64_t value) {
  v1::Event e = c.Make("ann", "new");
  if (slot.chain.size() == 1) e.mutable_handbook_ack();
  Message* m = Holder(e, slot);
  m->GetReflection()->SetInt64(m, slot.leaf(), value);
  return e;
}

// The slot's unsigned value (its first element, for a list).
v1::Event WithUnsigned(Community& c, const Slot& slot, uint64_t value) {
  v1::Event e = c.Make("ann", "new");
  Message* m = Holder(e, slot);
  const google::protobuf::Reflection* r = m->GetReflection();
  const FieldDescriptor* f = slot.leaf();
  const bool wide = f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
  if (f->is_repeated() && wide) r->AddUInt64(m, f, value);
  if (f->is_repeated() && !wide) r->AddUInt32(m, f, static_cast<uint32_t>(value));
  if (!f->is_repeated() && wide) r->SetUInt64(m, f, value);
  if (!f->is_repeated() && !wide) r->SetUInt32(m, f, static_cast<uint32_t>(value));
  return e;
}

// The slot's enum value (its first element, for a list).
v1::Event WithEnum(Community& c, const Slot& slot, int value) {
  v1::Event e = c.Make("ann", "new");
  Message* m = Holder(e, slot);
  const google::protobuf::Reflection* r = m->GetReflection();
  if (slot.leaf()->is_repeated()) {
    r->AddEnumValue(m, slot.leaf(), value);
  } else {
    r->SetEnumValue(m, slot.leaf(), value);
  }
  return e;
}

std::string ElementPath(const Slot& slot) {
  const FieldDescriptor* f = slot.leaf();
  if (f->is_map()) return slot.path() + "[k]";
  if (f->is_repeated()) return slot.path() + "[0]";
  return slot.path();
}

size_t ByteLimit(v1::Bound b) {
  switch (b) {
    case v1::BOUND_ID: return limits::kMaxIdBytes;
    case v1::BOUND_NAME: return limits::kMaxNameBytes;
    case v1::BOUND_TEXT: return limits::kMaxTextBytes;
    case v1::BOUND_MESSAGE_TEXT: return limits::kMaxMessageBytes;
    default: return 0;
  }
}

std::pair<int64_t, int64_t> IntegerRange(v1::Bound b) {
  switch (b) {
    case v1::BOUND_TIME_MS: return {0, limits::kMaxTimeMs};
    case v1::BOUND_DURATION_SECONDS: return {0, limits::kMaxDurationSeconds};
    case v1::BOUND_CENTS: return {0, limits::kMaxCents};
    case v1::BOUND_POINTS: return {-limits::kMaxPoints, limits::kMaxPoints};
    case v1::BOUND_ATTACHMENT_BYTES: return {0, limits::kMaxAttachmentBytes};
    case v1::BOUND_CHARACTERS: return {0, limits::kMaxCharacters};
    case v1::BOUND_STRIKE_ID: return {0, limits::kMaxStrikeId};
    case v1::BOUND_MEMBER_NUMBER: return {0, limits::kMaxMemberNumber};
    case v1::BOUND_POLL_CHOICES: return {0, limits::kMaxPollOptions};
    case v1::BOUND_POLL_OPTION: return {0, limits::kMaxPollOptions - 1};
    default: return {0, 0};
  }
}

bool IsUnsigned(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
         f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
}

// Every field of `d` and of the messages it holds, at any depth, as a path
// from Event; a message type met again on the way is not walked twice.
void EveryField(const Descriptor* d, const std::string& prefix,
                std::vector<const Descriptor*>& seen,
                std::vector<std::pair<std::string, const FieldDescriptor*>>& out) {
  if (std::find(seen.begin(), seen.end(), d) != seen.end()) return;
  seen.push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = prefix + f->name();
    out.emplace_back(path, f);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) {
      EveryField(f->message_type(), path + ".", seen, out);
    }
  }
}

// The annotation a field of this type needs for the gate to hold it: a
// byte bound for a string, a range for an integer, BOUND_SCORE for a real.
// Empty when the type needs none (bools, enums, messages); "?" for a type
// the gate does not know, so adding one fails here.
std::string MissingBound(const FieldDescriptor* f) {
  const FieldDescriptor* value = f->is_map() ? f->message_type()->map_value() : f;
  const v1::Bound b = BoundOf(f);
  switch (value->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (value->type() == FieldDescriptor::TYPE_BYTES) return "";
      return ByteLimit(b) > 0 ? "" : "a byte bound (BOUND_ID, BOUND_NAME, BOUND_TEXT, ...)";
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto [lo, hi] = IntegerRange(b);
      return lo < hi ? "" : "a range (BOUND_TIME_MS, BOUND_CENTS, ...)";
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return b == v1::BOUND_SCORE ? "" : "BOUND_SCORE";
    case FieldDescriptor::CPPTYPE_BOOL:
    case FieldDescriptor::CPPTYPE_ENUM:
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "";
    default:
      return "?";
  }
}

class InputGate : public ::testing::Test {
 protected:
  InputGate() : c_(ParseConfig(kBusyCommunity)) {
    v1::Event join = c_.Make("ann");
    join.mutable_apply()->set_accepted_rules(true);
    join.mutable_apply()->set_nickname("安|杭州");
    join.mutable_apply()->set_deposit_paid_cents(500);
    c_.Must(join);
  }

  // Within the bound: whatever else the engine says, it is not the bound.
  void ExpectWithin(const v1::Event& e, const std::string& path) {
    absl::StatusOr<v1::Outcome> out = c_.Apply(e);
    if (out.ok()) return;
    const std::string message(out.status().message());
    const bool names_the_bound = absl::StartsWith(message, absl::StrCat(path, ": ")) &&
                                 (absl::StrContains(message, "limit") ||
                                  absl::StrContains(message, "is outside"));
    EXPECT_FALSE(names_the_bound) << out.status();
  }

  Community c_;
};

// Every scalar at any depth: strings, signed and unsigned integers and reals
// need a bound the gate holds for their type; enums are held to their
// declared values (below); bools alone need nothing.
TEST(InputGateAnnotations, EveryScalarOfAnEventHasABoundTheGateHolds) {
  std::vector<const Descriptor*> seen;
  std::vector<std::pair<std::string, const FieldDescriptor*>> fields;
  EveryField(v1::Event::descriptor(), "", seen, fields);
  int unsigned_fields = 0;
  for (const auto& [path, f] : fields) {
    const std::string missing = MissingBound(f);
    EXPECT_EQ(missing, "") << path << " (" << f->cpp_type_name()
                           << ") needs [(shequn.v1.bound) = ...] in event.proto: " << missing;
    unsigned_fields += IsUnsigned(f);
  }
  EXPECT_GE(fields.size(), 100u);
  EXPECT_GE(unsigned_fields, 6);  // size_bytes, strike_id, length, votes, options, number
}

TEST_F(InputGate, EveryStringIsHeldToItsBoundInBytes) {
  int checked = 0;
  for (const Slot& slot : AllSlots()) {
    const size_t limit = ByteLimit(BoundOf(slot.leaf()));
    if (limit == 0) continue;
    SCOPED_TRACE(slot.path());
    const std::string at = ElementPath(slot);
    c_.ExpectRejected(WithString(c_, slot, std::string(limit + 1, 'a')), Code::kInvalidArgument,
                      absl::StrCat(at, ": ", limit + 1, " bytes, limit ", limit));
    ExpectWithin(WithString(c_, slot, std::string(limit, 'b')), at);
    ExpectWithin(WithString(c_, slot, std::string(limit - 1, 'c')), at);
    ++checked;
  }
  EXPECT_GE(checked, 60);
}

TEST_F(InputGate, EveryStringMustBeValidUtf8) {
  for (const Slot& slot : AllSlots()) {
    if (ByteLimit(BoundOf(slot.leaf())) == 0) continue;
    SCOPED_TRACE(slot.path());
    c_.ExpectRejected(WithString(c_, slot, "ok\xff"), Code::kInvalidArgument,
                      absl::StrCat(ElementPath(slot), ": invalid UTF-8 at byte 2"));
  }
}

TEST_F(InputGate, AMapKeyIsANameAndValidUtf8) {
  v1::Event long_key = c_.Make("bob");
  (*long_key.mutable_apply()->mutable_attributes())[std::string(257, 'k')] = "v";
  c_.ExpectRejected(long_key, Code::kInvalidArgument, "apply.attributes key: 257 bytes, limit 256");
  v1::Event bad_key = c_.Make("ann");
  (*bad_key.mutable_introduce()->mutable_fields())["\xc3"] = "v";
  c_.ExpectRejected(bad_key, Code::kInvalidArgument, "introduce.fields key: invalid UTF-8");
}

TEST_F(InputGate, EveryNumberIsHeldToItsRangeAndToTheExtremes) {
  int checked = 0;
  for (const Slot& slot : AllSlots()) {
    const v1::Bound bound = BoundOf(slot.leaf());
    const auto [lo, hi] = IntegerRange(bound);
    if (lo == hi || IsUnsigned(slot.leaf())) continue;
    SCOPED_TRACE(slot.path());
    const std::string at = slot.path();
    for (int64_t past : {hi + 1, std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min(), lo - 1}) {
      c_.ExpectRejected(WithInteger(c_, slot, past), Code::kInvalidArgument,
                        absl::StrCat(at, ": ", past, " is outside ", lo, "..", hi));
    }
    for (int64_t within : {lo, lo + 1, hi - 1, hi}) {
      if (at == "time_ms") continue;  // an event may not go back in time
      ExpectWithin(WithInteger(c_, slot, within), at);
    }
    if (lo == 0) {
      c_.ExpectRejected(WithInteger(c_, slot, -1), Code::kInvalidArgument,
                        absl::StrCat(at, ": -1 is outside 0.."));
    }
    ++checked;
  }
  EXPECT_GE(checked, 9);
}

TEST_F(InputGate, EveryUnsignedNumberIsHeldToItsRangeAndToItsTypesLargestValue) {
  int checked = 0;
  for (const Slot& slot : AllSlots()) {
    const FieldDescriptor* f = slot.leaf();
    if (!IsUnsigned(f)) continue;
    SCOPED_TRACE(slot.path());
    const auto [lo, hi] = IntegerRange(BoundOf(f));
    ASSERT_LT(lo, hi) << "no range";
    const std::string at = ElementPath(slot);
    const uint64_t largest = f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64
                                 ? std::numeric_limits<uint64_t>::max()
                                 : std::numeric_limits<uint32_t>::max();
    for (uint64_t past : {static_cast<uint64_t>(hi) + 1, largest}) {
      c_.ExpectRejected(WithUnsigned(c_, slot, past), Code::kInvalidArgument,
                        absl::StrCat(at, ": ", past, " is outside ", lo, "..", hi));
    }
    for (int64_t within : {lo, lo + 1, hi - 1, hi}) {
      ExpectWithin(WithUnsigned(c_, slot, static_cast<uint64_t>(within)), at);
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST_F(InputGate, EveryEnumMustBeAValueItsTypeDeclares) {
  int checked = 0;
  for (const Slot& slot : AllSlots()) {
    const FieldDescriptor* f = slot.leaf();
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) continue;
    SCOPED_TRACE(slot.path());
    const std::string at = ElementPath(slot);
    for (int undeclared : {1000, -1, std::numeric_limits<int32_t>::max()}) {
      ASSERT_EQ(f->enum_type()->FindValueByNumber(undeclared), nullptr);
      c_.ExpectRejected(WithEnum(c_, slot, undeclared), Code::kInvalidArgument,
                        absl::StrCat(at, ": ", undeclared, " is not a declared ",
                                     f->enum_type()->name()));
    }
    for (int i = 0; i < f->enum_type()->value_count(); ++i) {
      const std::string message(
          c_.Apply(WithEnum(c_, slot, f->enum_type()->value(i)->number())).status().message());
      EXPECT_THAT(message, ::testing::Not(::testing::HasSubstr("is not a declared")));
    }
    ++checked;
  }
  EXPECT_GE(checked, 4);  // role, import_member.role, message.kind, sanction.kind, ...
}

TEST_F(InputGate, AListsStringsTogetherAreHeldToTheirTotal) {
  v1::Event intro = c_.Make("ann");
  auto& fields = *intro.mutable_introduce()->mutable_fields();
  fields["a"] = std::string(limits::kMaxTextBytes / 2, 'x');
  fields["b"] = std::string(limits::kMaxTextBytes / 2, 'y');
  c_.ExpectRejected(intro, Code::kInvalidArgument,
                    absl::StrCat("introduce.fields: ", limits::kMaxTextBytes + 2,
                                 " bytes in all, limit ", limits::kMaxTextBytes));
  // mutable_fields() again: the reflective view of a map read since is
  // brought up to date only by the mutable accessor.
  (*intro.mutable_introduce()->mutable_fields())["b"].resize(limits::kMaxTextBytes / 2 - 2);
  ExpectWithin(intro, "introduce.fields");
}

TEST_F(InputGate, AScoreIsAFiniteNumberWithinItsBound) {
  auto with_score = [&](double score) {
    v1::Event e = c_.Make("ann");
    e.mutable_product_activity()->set_score(score);
    e.mutable_product_activity()->set_checkpoint("before");
    return e;
  };
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(),
                     std::nextafter(limits::kMaxScore, 2 * limits::kMaxScore),
                     -std::nextafter(limits::kMaxScore, 2 * limits::kMaxScore)}) {
    c_.ExpectRejected(with_score(bad), Code::kInvalidArgument, "product_activity.score: ");
  }
  ExpectWithin(with_score(limits::kMaxScore), "product_activity.score");
  ExpectWithin(with_score(-limits::kMaxScore), "product_activity.score");
}

TEST_F(InputGate, EveryListIsHeldToItsNumberOfEntries) {
  int checked = 0;
  for (const Slot& slot : AllSlots()) {
    const FieldDescriptor* f = slot.leaf();
    if (!f->is_repeated()) continue;
    SCOPED_TRACE(slot.path());
    const v1::Bound entries = f->options().GetExtension(v1::entries);
    const int limit = entries == v1::BOUND_POLL_OPTIONS ? limits::kMaxPollOptions
                      : entries == v1::BOUND_ATTENDEES  ? limits::kMaxAttendees
                                                        : limits::kMaxEventEntries;
    auto with_entries = [&](int n) {
      v1::Event e = c_.Make("ann", "new");
      Message* m = Holder(e, slot);
      const google::protobuf::Reflection* r = m->GetReflection();
      for (int i = 0; i < n; ++i) {
        if (f->is_map()) {
          Message* entry = r->AddMessage(m, f);
          entry->GetReflection()->SetString(entry, f->message_type()->map_key(),
                                            absl::StrCat("k", i));
          entry->GetReflection()->SetString(entry, f->message_type()->map_value(), "v");
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          r->AddString(m, f, absl::StrCat("m", i));
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
          r->AddUInt32(m, f, 0);
        } else {
          r->AddEnumValue(m, f, v1::ROLE_MEMBER);
        }
      }
      return e;
    };
    c_.ExpectRejected(with_entries(limit + 1), Code::kInvalidArgument,
                      absl::StrCat(slot.path(), ": ", limit + 1, " entries, limit ", limit));
    ExpectWithin(with_entries(limit), slot.path());
    ExpectWithin(with_entries(limit - 1), slot.path());
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST_F(InputGate, AnOversizedEventIsRefusedBeforeItsFieldsAreRead) {
  v1::Event e = c_.Make("ann", "new");
  e.mutable_message()->set_message_id("big");
  e.mutable_message()->set_text(std::string(limits::kMaxEventBytes, 'a'));
  c_.ExpectRejected(e, Code::kInvalidArgument, "event: ");
  c_.ExpectRejected(e, Code::kInvalidArgument, absl::StrCat("limit ", limits::kMaxEventBytes));
}

// Regressions: these were kept in state at any size.
TEST_F(InputGate, AMessageIdAndAPollQuestionHaveBounds) {
  v1::Event message = c_.Make("ann", "new");
  message.mutable_message()->set_message_id(std::string(1 << 20, 'm'));
  message.mutable_message()->set_text("hello");
  c_.ExpectRejected(message, Code::kInvalidArgument,
                    "message.message_id: 1048576 bytes, limit 256");
  v1::Event poll = c_.Make("owner");
  poll.mutable_open_poll()->set_poll_id("p");
  poll.mutable_open_poll()->set_question(std::string(1 << 20, 'q'));
  poll.mutable_open_poll()->add_options("yes");
  poll.mutable_open_poll()->add_options("no");
  c_.ExpectRejected(poll, Code::kInvalidArgument,
                    "open_poll.question: 1048576 bytes, limit 16384");
}

}  // namespace
}  // namespace shequn
