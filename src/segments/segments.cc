// The segments part's core: construction, local days, the event checks and
// the queries the counting and the report share.
#include "segments/segments.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/field_errors.h"
#include "segments/predicate.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::segments {

Segments::Segments(const v1::CommunityConfig& config, const membership::Membership& members)
    : config_(config),
      members_(members),
      settings_(Resolve(config.segments())),
      declared_tags_(config.segments().tags()),
      d_(settings_.longest) {
  if (!config.time_zone().empty()) {
    absl::TimeZone zone;
    if (absl::LoadTimeZone(config.time_zone(), &zone)) zone_ = zone;
  }
  Grow();
  for (MemberIndex m = 0; m < d_.hot.size(); ++m) {
    const membership::Member& member = members_.member(m);
    SeeIn(d_, m, member.active() ? member.group : -1);
  }
}

void Segments::SeeIn(Data& data, MemberIndex m, int32_t g) {
  int32_t& seen = data.hot[m].group_seen;
  if (seen >= 0) data.rosters[seen].erase(m);
  seen = g;
  if (g < 0) return;
  if (data.rosters.size() <= static_cast<size_t>(g)) data.rosters.resize(g + 1);
  data.rosters[g].insert(m);
}

uint32_t Segments::DayOf(int64_t ms) const {
  int64_t offset_ms = int64_t{config_.utc_offset_seconds()} * 1000;
  if (zone_.has_value()) offset_ms = int64_t{zone_->At(absl::FromUnixMillis(ms)).offset} * 1000;
  const int64_t local = ms + offset_ms;
  int64_t day = local / kDayMs;
  if (local % kDayMs < 0) --day;
  return static_cast<uint32_t>(std::clamp<int64_t>(day, 1, UINT16_MAX));
}

int64_t Segments::StartOfDay(uint32_t day) const {
  const int64_t utc = int64_t{day} * kDayMs;
  int64_t offset_ms = int64_t{config_.utc_offset_seconds()} * 1000;
  if (zone_.has_value()) offset_ms = int64_t{zone_->At(absl::FromUnixMillis(utc)).offset} * 1000;
  return utc - offset_ms;
}

void Segments::Grow() {
  const size_t n = members_.member_count();
  if (d_.hot.size() < n) {
    d_.hot.resize(n);
    d_.rings.Resize(n);
  }
  d_.days.Resize(members_.group_count());
}

size_t Segments::bytes_per_member() const { return d_.rings.bytes_per_member() + sizeof(Hot); }

bool Segments::Handles(v1::Event::KindCase kind) {
  return kind == v1::Event::kReaction || kind == v1::Event::kPurchase ||
         kind == v1::Event::kProductActivity || kind == v1::Event::kTag ||
         kind == v1::Event::kActivityHeld;
}

absl::Status Segments::Check(const v1::Event& e) const {
  switch (e.kind_case()) {
    case v1::Event::kReaction: {
      if (absl::StatusOr<MemberIndex> m = members_.ActorInGroup(e); !m.ok()) return m.status();
      const v1::Reaction& r = e.reaction();
      if (!r.target_member().empty() && !members_.Find(r.target_member()).has_value()) {
        return absl::NotFoundError(
            absl::StrCat("reaction.target_member: unknown member '", r.target_member(), "'"));
      }
      return absl::OkStatus();
    }
    case v1::Event::kPurchase: {
      if (!members_.Find(e.actor()).has_value()) {
        return absl::NotFoundError(absl::StrCat("actor: unknown member '", e.actor(), "'"));
      }
      return absl::OkStatus();
    }
    case v1::Event::kProductActivity: {
      if (!members_.Find(e.actor()).has_value()) {
        return absl::NotFoundError(absl::StrCat("actor: unknown member '", e.actor(), "'"));
      }
      const v1::ProductActivity& p = e.product_activity();
      for (const std::string& cp : settings_.seed.checkpoints()) {
        if (cp == p.checkpoint()) return absl::OkStatus();
      }
      return InvalidField("product_activity.checkpoint",
                     absl::StrCat("unknown checkpoint '", p.checkpoint(),
                                  "' (see segments.seed.checkpoints)"));
    }
    case v1::Event::kTag: {
      const v1::TagChange& t = e.tag();
      std::optional<MemberIndex> target = members_.Find(t.member());
      if (!target.has_value()) {
        return absl::NotFoundError(
            absl::StrCat("tag.member: unknown member '", t.member(), "'"));
      }
      if (absl::Status s = ValidateTag(t.tag(), declared_tags_, "tag.tag"); !s.ok()) return s;
      if (text::CountCodePoints(t.tag()) > limits::kMaxTagCodePoints) {
        return InvalidField("tag.tag",
                            absl::StrCat("at most ", limits::kMaxTagCodePoints, " characters"));
      }
      // Only a community that lists no tags can get here: segments.tags is
      // held to the same limit.
      if (!t.remove() && !d_.tag_ids.contains(t.tag()) &&
          d_.tag_names.size() >= static_cast<size_t>(limits::kMaxTags)) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "tag.tag: '", t.tag(), "' would be distinct tag ", limits::kMaxTags + 1, ", limit ",
            limits::kMaxTags, " (list the tags in segments.tags)"));
      }
      return members_.AuthorizeOperator(e, OperatorAct::kTag, target);
    }
    case v1::Event::kActivityHeld: {
      if (absl::Status s = members_.AuthorizeOperator(e, OperatorAct::kRecordActivity,
                                                      std::nullopt);
          !s.ok()) {
        return s;
      }
      if (e.group().empty()) return InvalidField("group", "required");
      if (!members_.FindGroup(e.group()).has_value()) {
        return absl::NotFoundError(absl::StrCat("group: unknown group '", e.group(), "'"));
      }
      const v1::GroupActivityHeld& a = e.activity_held();
      for (int i = 0; i < a.attendees_size(); ++i) {
        if (!members_.Find(a.attendees(i)).has_value()) {
          return absl::NotFoundError(absl::StrCat("activity_held.attendees[", i,
                                                  "]: unknown member"));
        }
      }
      return absl::OkStatus();
    }
    default:
      return absl::UnimplementedError("kind: not handled by the segments part");
  }
}

double Segments::LoveAt(MemberIndex m, uint32_t day) const {
  const Hot& h = d_.hot[m];
  if (h.love == 0 || day <= h.love_day) return h.love;
  return h.love * std::exp2(-static_cast<double>(day - h.love_day) /
                            settings_.orbit.half_life_days());
}

std::optional<int32_t> Segments::FirstGroupOfStage(v1::FunnelStage stage) const {
  std::optional<int32_t> full;
  for (size_t g = 0; g < members_.group_count(); ++g) {
    const membership::Group& group = members_.group(static_cast<int32_t>(g));
    if (group.stage != stage) continue;
    if (group.headcount < group.capacity) return static_cast<int32_t>(g);
    if (!full.has_value()) full = static_cast<int32_t>(g);
  }
  return full;
}

std::vector<std::string> Segments::MigrationList(int32_t g) const {
  // Customers (paying, repeat, then trial buyers) first, then prospects; in
  // member order within each.
  std::vector<std::pair<int, MemberIndex>> order;
  if (g < 0 || static_cast<size_t>(g) >= d_.rosters.size()) return {};
  for (MemberIndex m : d_.rosters[g]) {
    const membership::Member& member = members_.member(m);
    if (!member.active() || member.group != g || member.role != v1::ROLE_MEMBER) continue;
    const v1::BuyerStage stage = StageOf(m);
    const int rank = stage == v1::BUYER_STAGE_REPEAT ? 0
                     : stage == v1::BUYER_STAGE_PAYING ? 1
                     : stage == v1::BUYER_STAGE_TRIAL ? 2 : 3;
    order.emplace_back(rank, m);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> ids;
  ids.reserve(order.size());
  for (const auto& [rank, m] : order) ids.push_back(members_.member(m).id);
  return ids;
}

}  // namespace shequn::segments
