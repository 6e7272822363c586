// Segments' snapshot: Save and Load of v1::SegmentsState.
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "segments/segments.h"
#include "shequn/limits.h"

namespace shequn::segments {
namespace {

absl::Status LoadTagNames(const v1::SegmentsState& state, std::vector<std::string>& names,
                          absl::flat_hash_map<std::string, uint32_t>& ids) {
  if (state.tags_size() > limits::kMaxTags) {
    return InvalidField("segments.tags",
                        absl::StrCat(state.tags_size(), " tags, limit ", limits::kMaxTags));
  }
  names.assign(state.tags().begin(), state.tags().end());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || !ids.emplace(names[i], i).second) {
      return InvalidField(absl::StrCat("segments.tags[", i, "]"), "empty or duplicate tag");
    }
  }
  return absl::OkStatus();
}

absl::Status LoadGroupDays(const v1::SegmentsState& state, const membership::Membership& members,
                           health::GroupDays& days) {
  days.Resize(members.group_count());
  for (int i = 0; i < state.groups_size(); ++i) {
    std::optional<int32_t> g = members.FindGroup(state.groups(i).group());
    if (!g.has_value()) return InvalidField(absl::StrCat("segments.groups[", i, "].group"), "unknown group");
    if (absl::Status s = days.Load(*g, state.groups(i)); !s.ok()) {
      return InvalidField(absl::StrCat("segments.groups[", i, "]"), s.message());
    }
  }
  return absl::OkStatus();
}

}  // namespace

void Segments::Save(v1::SegmentsState* state) const {
  state->set_ring_days(d_.rings.ring_days());
  state->set_next_check_ms(d_.next_check_ms);
  for (const std::string& t : d_.tag_names) state->add_tags(t);
  auto tag = d_.tags.begin();
  for (MemberIndex m = 0; m < d_.hot.size(); ++m) {
    const Hot& h = d_.hot[m];
    auto buyer = d_.buyers.find(m);
    const bool has_tags = tag != d_.tags.end() && tag->first == m;
    if (d_.rings.empty(m) && h.love == 0 && h.points == 0 && h.first_days_events == 0 &&
        buyer == d_.buyers.end() && !has_tags) {
      continue;
    }
    v1::MemberActivity* a = state->add_members();
    a->set_member(members_.member(m).id);
    if (!d_.rings.empty(m)) {
      a->set_last_day(d_.rings.last_day(m));
      a->set_buckets(d_.rings.Raw(m));
    }
    a->set_first_days_events(h.first_days_events);
    a->set_love(h.love);
    a->set_love_day(h.love_day);
    a->set_points(h.points);
    if (buyer != d_.buyers.end()) {
      const Buyer& b = buyer->second;
      a->set_paid_purchases(b.paid);
      a->set_trial_purchases(b.trial);
      a->set_monetary_cents(b.monetary_cents);
      a->set_last_purchase_ms(b.last_purchase_ms);
      a->mutable_product()->Add(b.product.begin(), b.product.end());
    }
    for (; tag != d_.tags.end() && tag->first == m; ++tag) a->add_tags(tag->second);
  }
  for (size_t g = 0; g < d_.days.size(); ++g) {
    v1::GroupActivity* ga = state->add_groups();
    ga->set_group(members_.group(static_cast<int32_t>(g)).id);
    d_.days.Save(static_cast<int32_t>(g), ga);
  }
  for (const auto& [id, q] : d_.questions) {
    v1::OpenQuestion* oq = state->add_questions();
    oq->set_message_id(id);
    oq->set_time_ms(q.time_ms);
    oq->set_asker(members_.member(q.asker).id);
    oq->set_group(members_.group(q.group).id);
    oq->set_answered(q.answered);
  }
  SaveMemberRisk(state);
}

absl::Status Segments::Load(const v1::SegmentsState& state) {
  // Build everything aside; swap in only when all of it is valid.
  Data data(settings_.longest);
  if (absl::Status s = LoadTagNames(state, data.tag_names, data.tag_ids); !s.ok()) return s;
  if (absl::Status s = LoadMembers(state, data); !s.ok()) return s;
  if (absl::Status s = LoadGroupDays(state, members_, data.days); !s.ok()) return s;
  if (absl::Status s = LoadQuestions(state, data); !s.ok()) return s;
  if (absl::Status s = LoadMemberRisk(state, data); !s.ok()) return s;
  if (state.next_check_ms() < 0) return InvalidField("segments.next_check_ms", "negative");
  data.next_check_ms = state.next_check_ms();
  d_ = std::move(data);
  return absl::OkStatus();
}

absl::Status Segments::LoadMembers(const v1::SegmentsState& state, Data& data) const {
  const size_t n = members_.member_count();
  data.rings.Resize(n);
  data.hot.resize(n);
  std::optional<MemberIndex> previous;
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberActivity& a = state.members(i);
    const std::string at = absl::StrCat("segments.members[", i, "]");
    std::optional<MemberIndex> m = members_.Find(a.member());
    if (!m.has_value()) return InvalidField(at + ".member", "unknown member");
    if (previous.has_value() && *m <= *previous) return InvalidField(at + ".member", "out of order");
    previous = m;
    if (absl::Status s = LoadMember(a, *m, at, state.ring_days(), data); !s.ok()) return s;
  }
  for (MemberIndex m = 0; m < n; ++m) {
    const membership::Member& member = members_.member(m);
    SeeIn(data, m, member.active() ? member.group : -1);
  }
  return absl::OkStatus();
}

absl::Status Segments::LoadMember(const v1::MemberActivity& a, MemberIndex m,
                                  const std::string& at, int ring_days, Data& data) const {
  if (a.last_day() > UINT16_MAX || a.love_day() > UINT16_MAX) {
    return InvalidField(at + ".last_day", "out of range");
  }
  if (!a.buckets().empty() && !data.rings.SetRaw(m, a.last_day(), a.buckets(), ring_days)) {
    return InvalidField(at + ".buckets", "size does not match ring_days");
  }
  if (!std::isfinite(a.love()) || a.love() < 0) return InvalidField(at + ".love", "out of range");
  Hot& h = data.hot[m];
  h.love = a.love();
  h.love_day = static_cast<uint16_t>(a.love_day());
  h.points = static_cast<int32_t>(std::clamp<int64_t>(a.points(), INT32_MIN, INT32_MAX));
  h.first_days_events = static_cast<uint16_t>(std::min<uint32_t>(a.first_days_events(), UINT16_MAX));
  if (a.paid_purchases() || a.trial_purchases() || a.monetary_cents() || a.product_size()) {
    Buyer& b = data.buyers[m];
    b.paid = a.paid_purchases();
    b.trial = a.trial_purchases();
    b.monetary_cents = a.monetary_cents();
    b.last_purchase_ms = a.last_purchase_ms();
    b.product.assign(a.product().begin(), a.product().end());
    if (!b.product.empty()) {
      b.product.resize(settings_.seed.checkpoints_size(), std::numeric_limits<double>::quiet_NaN());
    }
  }
  for (uint32_t t : a.tags()) {
    if (t >= data.tag_names.size()) return InvalidField(at + ".tags", "unknown tag number");
    data.tags.insert({m, t});
  }
  return absl::OkStatus();
}

absl::Status Segments::LoadQuestions(const v1::SegmentsState& state, Data& data) const {
  for (int i = 0; i < state.questions_size(); ++i) {
    const v1::OpenQuestion& q = state.questions(i);
    std::optional<MemberIndex> asker = members_.Find(q.asker());
    std::optional<int32_t> g = members_.FindGroup(q.group());
    if (!asker.has_value() || !g.has_value() || q.message_id().empty()) {
      return InvalidField(absl::StrCat("segments.questions[", i, "]"), "unknown asker or group");
    }
    data.questions[q.message_id()] = Question{q.time_ms(), *asker, *g, q.answered()};
  }
  return absl::OkStatus();
}

}  // namespace shequn::segments
