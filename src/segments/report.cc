// Segments' read side: member facts (tier, buyer stage, Orbit level, RFM,
// seed score), operator segments and the Report.
#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "segments/predicate.h"
#include "segments/segments.h"

namespace shequn::segments {
namespace {

double Ratio(double a, double b) { return b <= 0 ? 0.0 : a / b; }

void AddTier(v1::TierCounts& t, v1::Tier tier) {
  switch (tier) {
    case v1::TIER_ACTIVE: t.set_active(t.active() + 1); break;
    case v1::TIER_MODERATE: t.set_moderate(t.moderate() + 1); break;
    case v1::TIER_LURKER: t.set_lurker(t.lurker() + 1); break;
    default: t.set_inactive(t.inactive() + 1); break;
  }
}

void AddStage(v1::FunnelCounts& f, v1::BuyerStage stage) {
  switch (stage) {
    case v1::BUYER_STAGE_REPEAT: f.set_repeat(f.repeat() + 1); break;
    case v1::BUYER_STAGE_PAYING: f.set_paying(f.paying() + 1); break;
    case v1::BUYER_STAGE_TRIAL: f.set_trial(f.trial() + 1); break;
    default: f.set_prospects(f.prospects() + 1); break;
  }
}

void AddLevel(v1::OrbitCounts& o, int level) {
  switch (level) {
    case 1: o.set_level1(o.level1() + 1); break;
    case 2: o.set_level2(o.level2() + 1); break;
    case 3: o.set_level3(o.level3() + 1); break;
    default: o.set_level4(o.level4() + 1); break;
  }
}

// 90-9-1: the top 1% of members (at least one) by messages. Sorts `msgs`.
void FillInequality(std::vector<uint32_t>& msgs, v1::Inequality* in) {
  std::sort(msgs.begin(), msgs.end(), std::greater<>());
  uint64_t total = 0;
  size_t posters = 0;
  for (uint32_t x : msgs) {
    total += x;
    posters += x > 0;
  }
  if (msgs.empty()) return;
  const size_t heavy = std::min(posters, std::max<size_t>(1, (msgs.size() + 99) / 100));
  uint64_t heavy_msgs = 0;
  for (size_t i = 0; i < heavy; ++i) heavy_msgs += msgs[i];
  in->set_lurker_share(Ratio(msgs.size() - posters, msgs.size()));
  in->set_heavy_share(Ratio(heavy, msgs.size()));
  in->set_intermittent_share(Ratio(posters - heavy, msgs.size()));
  in->set_heavy_message_share(Ratio(static_cast<double>(heavy_msgs), static_cast<double>(total)));
}

}  // namespace

// The facts a predicate asks about one member, as of a day.
class Facts : public MemberFacts {
 public:
  Facts(const Segments& s, MemberIndex m, uint32_t day, int64_t now)
      : s_(s), m_(m), day_(day), now_(now) {}
  uint32_t CounterIn(Counter c, int window) const override {
    return s_.d_.rings.Sum(m_, c, day_, window);
  }
  v1::Tier tier() const override { return s_.TierOf(m_, day_); }
  bool HasTag(absl::string_view tag) const override {
    auto it = s_.d_.tag_ids.find(tag);
    return it != s_.d_.tag_ids.end() && s_.d_.tags.contains({m_, it->second});
  }
  v1::Role role() const override { return s_.members_.member(m_).role; }
  int64_t points() const override { return s_.d_.hot[m_].points; }
  int64_t tenure_days() const override {
    const int64_t joined = s_.members_.member(m_).joined_ms;
    return joined <= 0 || now_ < joined ? 0 : (now_ - joined) / kDayMs;
  }
  v1::BuyerStage buyer_stage() const override { return s_.StageOf(m_); }
  absl::string_view group() const override {
    const int32_t g = s_.members_.member(m_).group;
    return g < 0 ? absl::string_view() : absl::string_view(s_.members_.group(g).id);
  }

 private:
  const Segments& s_;
  MemberIndex m_;
  uint32_t day_;
  int64_t now_;
};

v1::BuyerStage Segments::StageOf(MemberIndex m) const {
  auto it = d_.buyers.find(m);
  if (it == d_.buyers.end()) return v1::BUYER_STAGE_PROSPECT;
  const Buyer& b = it->second;
  if (b.paid >= 2) return v1::BUYER_STAGE_REPEAT;
  if (b.paid == 1) return v1::BUYER_STAGE_PAYING;
  if (b.trial >= 1) return v1::BUYER_STAGE_TRIAL;
  return v1::BUYER_STAGE_PROSPECT;
}

v1::Tier Segments::TierOf(MemberIndex m, uint32_t day) const {
  const int w = settings_.tiers.window_days();
  if (d_.rings.Sum(m, kTopics, day, w) >= settings_.tiers.active_min_topics()) return v1::TIER_ACTIVE;
  uint32_t follows = 0;
  for (Counter c : {kMessages, kReplies, kAnswers, kCheckIns, kShares, kEventsAttended}) {
    follows += d_.rings.Sum(m, c, day, w);
  }
  if (follows >= settings_.tiers.moderate_min_events()) return v1::TIER_MODERATE;
  if (d_.rings.ActedIn(m, day, settings_.longest)) return v1::TIER_LURKER;
  return v1::TIER_INACTIVE;
}

bool Segments::Contributor(MemberIndex m, uint32_t day) const {
  const int w = settings_.longest;
  const uint32_t given = d_.rings.Sum(m, kTopics, day, w) + d_.rings.Sum(m, kAnswers, day, w) +
                         d_.rings.Sum(m, kShares, day, w);
  return given > 0 && given >= d_.rings.Sum(m, kQuestions, day, w);
}

int Segments::OrbitLevel(MemberIndex m, uint32_t day) const {
  const double love = LoveAt(m, day);
  if (love >= settings_.orbit.level1_love()) return 1;
  if (love >= settings_.orbit.level2_love()) return 2;
  if (love > 0.5) return 3;
  return 4;
}

std::array<int, 3> Segments::Rfm(MemberIndex m, int64_t now) const {
  const Buyer& b = d_.buyers.at(m);
  const int64_t days = std::max<int64_t>(0, (now - b.last_purchase_ms) / kDayMs);
  std::array<int, 3> s = {1, 1, 1};
  for (int i = 3; i >= 0; --i) {
    if (days <= settings_.rfm.recency_days(i)) s[0] = 5 - i;
    if (b.paid >= settings_.rfm.frequency(i)) s[1] = 5 - i;
    if (b.monetary_cents >= settings_.rfm.monetary_cents(i)) s[2] = 5 - i;
  }
  return s;
}

double Segments::SeedScore(MemberIndex m, double* gain) const {
  double product_gain = 0;
  auto it = d_.buyers.find(m);
  if (it != d_.buyers.end() && !it->second.product.empty()) {
    const std::vector<double>& p = it->second.product;
    const double before = std::isnan(p[0]) ? 0.0 : p[0];
    double best = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 1; i < p.size(); ++i) {
      if (!std::isnan(p[i]) && (std::isnan(best) || p[i] > best)) best = p[i];
    }
    if (!std::isnan(best)) product_gain = best - before;
  }
  if (gain != nullptr) *gain = product_gain;
  return settings_.seed.in_group_weight() * d_.hot[m].first_days_events +
         settings_.seed.product_weight() * product_gain;
}

const v1::SegmentDefinition* Segments::FindSegment(absl::string_view name) const {
  for (const v1::SegmentDefinition& d : config_.segments().segments()) {
    if (d.name() == name) return &d;
  }
  return nullptr;
}

absl::StatusOr<std::vector<std::string>> Segments::SegmentMembers(absl::string_view name,
                                                                  int64_t as_of_ms) const {
  const v1::SegmentDefinition* d = FindSegment(name);
  if (d == nullptr) {
    return absl::NotFoundError(absl::StrCat("segment: unknown segment '", name, "'"));
  }
  const uint32_t day = DayOf(as_of_ms);
  std::vector<std::string> ids;
  for (MemberIndex m = 0; m < d_.hot.size(); ++m) {
    if (!members_.member(m).active()) continue;
    if (EvaluatePredicate(d->predicate(), Facts(*this, m, day, as_of_ms), settings_.longest)) {
      ids.push_back(members_.member(m).id);
    }
  }
  return ids;
}

absl::StatusOr<std::vector<std::string>> Segments::MemberSegments(absl::string_view member,
                                                                  int64_t as_of_ms) const {
  std::optional<MemberIndex> m = members_.Find(member);
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat("member: unknown member '", member, "'"));
  }
  const uint32_t day = DayOf(as_of_ms);
  std::vector<std::string> out;
  static constexpr const char* kTiers[] = {"", "active", "moderate", "lurker", "inactive"};
  static constexpr const char* kStages[] = {"", "prospect", "trial", "paying", "repeat"};
  out.push_back(absl::StrCat("tier:", kTiers[TierOf(*m, day)]));
  out.push_back(absl::StrCat("buyer:", kStages[StageOf(*m)]));
  out.push_back(absl::StrCat("orbit:", OrbitLevel(*m, day)));
  out.push_back(Contributor(*m, day) ? "contributor" : "taker");
  if (d_.buyers.contains(*m) && StageOf(*m) >= v1::BUYER_STAGE_PAYING) {
    const std::array<int, 3> r = Rfm(*m, as_of_ms);
    out.push_back(absl::StrCat("rfm:", r[0], "-", r[1], "-", r[2]));
  }
  for (auto it = d_.tags.lower_bound({*m, 0}); it != d_.tags.end() && it->first == *m; ++it) {
    out.push_back(absl::StrCat("tag:", d_.tag_names[it->second]));
  }
  if (members_.member(*m).active()) {
    const Facts facts(*this, *m, day, as_of_ms);
    for (const v1::SegmentDefinition& d : config_.segments().segments()) {
      if (EvaluatePredicate(d.predicate(), facts, settings_.longest)) out.push_back(d.name());
    }
  }
  return out;
}

// Builds one Report: a pass over the members tallies every group and the
// community, then each section is filled from the tallies, in the order
// BuildReport calls them.
class ReportBuilder {
 public:
  ReportBuilder(const Segments& s, int64_t now);

  void AddHeader();
  void TallyMembers();
  void AddCommunity();
  // Per group: KPIs and health against the group's standard.
  void AddGroups();
  // After AddGroups: the groups whose health says dying.
  void AddDyingGroups();
  void AddSeedCandidates();
  void AddCoreUsers();
  void AddSegmentSizes();
  void AddRfm();
  void AddPromotions();
  void AddRisk();
  v1::Report Take() { return std::move(r_); }

 private:
  // One group's (or the community's) members, counted.
  struct Tally {
    std::vector<uint32_t> active, topical;  // by window asked
    v1::TierCounts tiers;
    v1::FunnelCounts funnel;
    v1::OrbitCounts orbit;
    uint32_t contributors = 0, headcount = 0;
    std::vector<uint32_t> messages;  // per member, longest window
  };

  // The index of window `w` in windows_, adding it if new.
  int WindowIndex(int w);
  v1::HealthStandard StandardOf(int32_t g) const;
  void TallyMember(MemberIndex m);
  void TallyWindows(MemberIndex m, Tally& a) const;
  void TallySegments(MemberIndex m);
  // What the community and every group report alike; `g` < 0: the community.
  void FillCounts(int32_t g, Tally& a, v1::GroupReport* gr) const;
  void FillKpis(health::Day& sum, const Tally& a, size_t w, v1::PeriodKpis* k) const;
  void FillMix(const Tally& a, v1::GroupReport* gr) const;
  v1::Health HealthOf(int32_t g) const;
  double DyingRate(int32_t g) const;
  // The group days of `g` (< 0: every group) over `window` days.
  health::Day SumDays(int32_t g, int window) const;

  const Segments& s_;
  const int64_t now_;
  const uint32_t day_;
  const size_t groups_;
  // Windows asked of every member: the report's, then each group's health
  // window and the dying window.
  std::vector<int> windows_;
  std::vector<v1::HealthStandard> standards_;  // by group
  std::vector<int> health_window_;             // by group, into windows_
  int dying_window_ = 0;                       // into windows_
  std::vector<Tally> tallies_;                 // by group; the last is the community
  std::vector<std::pair<double, MemberIndex>> seeds_, core_;
  std::vector<uint32_t> segment_sizes_;  // by segment definition
  std::map<std::string, uint32_t> rfm_;
  v1::Report r_;
};

ReportBuilder::ReportBuilder(const Segments& s, int64_t now)
    : s_(s),
      now_(now),
      day_(s.DayOf(now)),
      groups_(s.members_.group_count()),
      windows_(s.settings_.windows),
      standards_(groups_),
      health_window_(groups_),
      segment_sizes_(s.config_.segments().segments_size(), 0) {
  for (size_t g = 0; g < groups_; ++g) {
    standards_[g] = StandardOf(static_cast<int32_t>(g));
    health_window_[g] = WindowIndex(standards_[g].window_days());
  }
  dying_window_ = WindowIndex(s.settings_.dying.window_days());
  tallies_.resize(groups_ + 1);
  for (Tally& a : tallies_) {
    a.active.assign(windows_.size(), 0);
    a.topical.assign(windows_.size(), 0);
  }
}

int ReportBuilder::WindowIndex(int w) {
  auto it = std::find(windows_.begin(), windows_.end(), w);
  if (it != windows_.end()) return static_cast<int>(it - windows_.begin());
  windows_.push_back(w);
  return static_cast<int>(windows_.size()) - 1;
}

v1::HealthStandard ReportBuilder::StandardOf(int32_t g) const {
  const v1::SegmentsConfig& sc = s_.config_.segments();
  auto it = sc.group_health().find(s_.members_.group(g).id);
  return it == sc.group_health().end() ? s_.settings_.health : health::ResolveStandard(it->second);
}

void ReportBuilder::AddHeader() {
  r_.set_community_id(s_.config_.id());
  r_.set_as_of_ms(now_);
  r_.set_as_of_day(day_);
  for (int w : s_.settings_.windows) r_.add_windows_days(w);
  r_.set_members_tracked(s_.d_.hot.size());
}

void ReportBuilder::TallyMembers() {
  for (MemberIndex m = 0; m < s_.d_.hot.size(); ++m) {
    if (s_.members_.member(m).active()) TallyMember(m);
  }
}

void ReportBuilder::TallyMember(MemberIndex m) {
  const membership::Member& member = s_.members_.member(m);
  const v1::Tier tier = s_.TierOf(m, day_);
  const v1::BuyerStage stage = s_.StageOf(m);
  const int level = s_.OrbitLevel(m, day_);
  const bool contributor = s_.Contributor(m, day_);
  const uint32_t msgs = s_.d_.rings.Sum(m, kMessages, day_, s_.settings_.longest);
  for (Tally* a : {&tallies_[member.group], &tallies_[groups_]}) {
    ++a->headcount;
    TallyWindows(m, *a);
    AddTier(a->tiers, tier);
    AddStage(a->funnel, stage);
    AddLevel(a->orbit, level);
    a->contributors += contributor;
    a->messages.push_back(msgs);
  }
  if (member.role == v1::ROLE_MEMBER) {
    seeds_.emplace_back(-s_.SeedScore(m, nullptr), m);
    if (level <= 2) core_.emplace_back(-s_.LoveAt(m, day_), m);
  }
  if (stage >= v1::BUYER_STAGE_PAYING) {
    const std::array<int, 3> c = s_.Rfm(m, now_);
    ++rfm_[absl::StrCat(c[0], "-", c[1], "-", c[2])];
  }
  TallySegments(m);
}

void ReportBuilder::TallyWindows(MemberIndex m, Tally& a) const {
  const ActivityRings& rings = s_.d_.rings;
  for (size_t w = 0; w < windows_.size(); ++w) {
    if (rings.ActedIn(m, day_, windows_[w])) ++a.active[w];
    if (rings.Sum(m, kTopics, day_, windows_[w]) + rings.Sum(m, kReplies, day_, windows_[w]) > 0) {
      ++a.topical[w];
    }
  }
}

void ReportBuilder::TallySegments(MemberIndex m) {
  const v1::SegmentsConfig& sc = s_.config_.segments();
  if (sc.segments_size() == 0) return;
  const Facts facts(s_, m, day_, now_);
  for (int i = 0; i < sc.segments_size(); ++i) {
    segment_sizes_[i] += EvaluatePredicate(sc.segments(i).predicate(), facts, s_.settings_.longest);
  }
}

void ReportBuilder::AddCommunity() { FillCounts(-1, tallies_[groups_], r_.mutable_community()); }

void ReportBuilder::AddGroups() {
  for (size_t gi = 0; gi < groups_; ++gi) {
    const int32_t g = static_cast<int32_t>(gi);
    v1::GroupReport* gr = r_.add_groups();
    gr->set_group(s_.members_.group(g).id);
    gr->set_stage(s_.members_.group(g).stage);
    FillCounts(g, tallies_[g], gr);
    *gr->mutable_health() = HealthOf(g);
  }
}

void ReportBuilder::FillCounts(int32_t g, Tally& a, v1::GroupReport* gr) const {
  gr->set_headcount(a.headcount);
  for (size_t w = 0; w < s_.settings_.windows.size(); ++w) {
    health::Day sum = SumDays(g, windows_[w]);
    FillKpis(sum, a, w, gr->add_periods());
  }
  FillMix(a, gr);
  FillInequality(a.messages, gr->mutable_inequality());
}

void ReportBuilder::FillKpis(health::Day& sum, const Tally& a, size_t w,
                             v1::PeriodKpis* k) const {
  k->set_days(windows_[w]);
  k->set_new_members(sum.n[health::kNewMembers]);
  k->set_leavers(sum.n[health::kLeavers]);
  k->set_moved_in(sum.n[health::kMovedIn]);
  k->set_moved_out(sum.n[health::kMovedOut]);
  k->set_graduated(sum.n[health::kGraduated]);
  const int64_t start = int64_t{a.headcount} - sum.n[health::kNewMembers] -
                        sum.n[health::kMovedIn] + sum.n[health::kLeavers] +
                        sum.n[health::kMovedOut] + sum.n[health::kGraduated];
  k->set_members_at_start(static_cast<uint32_t>(std::max<int64_t>(0, start)));
  k->set_churn_rate(Ratio(sum.n[health::kLeavers], static_cast<double>(k->members_at_start())));
  k->set_active_members(a.active[w]);
  k->set_participation_rate(Ratio(a.active[w], a.headcount));
  k->set_events_held(sum.n[health::kEventsHeld]);
  k->set_messages(sum.n[health::kMessages]);
  k->set_topics(sum.n[health::kTopics]);
  k->set_replies(sum.n[health::kReplies]);
  k->set_topic_participation(Ratio(a.topical[w], a.headcount));
  k->set_questions(sum.n[health::kQuestions]);
  k->set_answered(sum.n[health::kAnswered]);
  k->set_median_first_answer_seconds(health::Percentile(sum.answer_seconds, 0.5));
  k->set_p90_first_answer_seconds(health::Percentile(sum.answer_seconds, 0.9));
  k->set_shares(sum.n[health::kShares]);
  k->set_reactions(sum.n[health::kReactions]);
  k->set_paid_purchases(sum.n[health::kPaidPurchases]);
  k->set_first_purchases(sum.n[health::kFirstPurchases]);
  k->set_repeat_purchases(sum.n[health::kRepeatPurchases]);
  const uint32_t non_paying = a.funnel.prospects() + a.funnel.trial();
  k->set_conversion_rate(Ratio(sum.n[health::kFirstPurchases],
                               sum.n[health::kFirstPurchases] + non_paying));
  k->set_violations(sum.n[health::kViolations]);
  k->set_sanctions(sum.n[health::kSanctions]);
  k->set_flare_ups(sum.n[health::kFlareUps]);
  k->set_bans(sum.n[health::kBans]);
}

// Tiers, contributors and takers, buyer stages and Orbit levels.
void ReportBuilder::FillMix(const Tally& a, v1::GroupReport* gr) const {
  *gr->mutable_tiers() = a.tiers;
  gr->set_contributors(a.contributors);
  gr->set_takers(a.headcount - a.contributors);
  gr->set_contributor_ratio(Ratio(a.contributors, a.headcount));
  *gr->mutable_funnel() = a.funnel;
  gr->set_repurchase_rate(Ratio(a.funnel.repeat(), a.funnel.paying() + a.funnel.repeat()));
  *gr->mutable_orbit() = a.orbit;
}

health::Day ReportBuilder::SumDays(int32_t g, int window) const {
  health::Day sum;
  if (g >= 0) {
    s_.d_.days.SumInto(g, day_, window, sum);
    return sum;
  }
  for (size_t i = 0; i < groups_; ++i) s_.d_.days.SumInto(static_cast<int32_t>(i), day_, window, sum);
  return sum;
}

v1::Health ReportBuilder::HealthOf(int32_t g) const {
  const Tally& a = tallies_[g];
  const v1::HealthStandard& s = standards_[g];
  const int hw = health_window_[g];
  health::Day sum = SumDays(g, s.window_days());
  health::HealthInputs hi;
  hi.headcount = a.headcount;
  hi.participation_rate = Ratio(a.active[hw], a.headcount);
  hi.topic_participation = Ratio(a.topical[hw], a.headcount);
  hi.questions = sum.n[health::kQuestions];
  hi.median_first_answer_seconds = health::Percentile(sum.answer_seconds, 0.5);
  hi.shares_per_member = Ratio(sum.n[health::kShares], a.headcount);
  hi.reactions_per_member = Ratio(sum.n[health::kReactions], a.headcount);
  hi.messages_per_member_day = Ratio(sum.n[health::kMessages], double(a.headcount) * s.window_days());
  v1::Health h = health::ScoreHealth(s, hi);
  const int64_t age = s_.d_.days.first_day(g) == 0 ? 0 : int64_t{day_} - s_.d_.days.first_day(g) + 1;
  h.set_dying(health::IsDying(s_.settings_.dying, a.headcount, DyingRate(g), age));
  return h;
}

double ReportBuilder::DyingRate(int32_t g) const {
  return Ratio(tallies_[g].active[dying_window_], tallies_[g].headcount);
}

void ReportBuilder::AddDyingGroups() {
  for (size_t gi = 0; gi < groups_; ++gi) {
    const int32_t g = static_cast<int32_t>(gi);
    if (!r_.groups(g).health().dying()) continue;
    v1::DyingGroup* d = r_.add_dying_groups();
    d->set_group(s_.members_.group(g).id);
    d->set_participation_rate(DyingRate(g));
    for (std::string& id : s_.MigrationList(g)) d->add_members(std::move(id));
  }
}

// Best first, ties in member order.
void ReportBuilder::AddSeedCandidates() {
  const size_t seed_n = std::min<size_t>(s_.settings_.seed.group_size(), seeds_.size());
  std::partial_sort(seeds_.begin(), seeds_.begin() + seed_n, seeds_.end());
  for (size_t i = 0; i < seed_n; ++i) {
    const MemberIndex m = seeds_[i].second;
    v1::SeedCandidate* c = r_.add_seed_candidates();
    double gain = 0;
    c->set_member(s_.members_.member(m).id);
    c->set_group(s_.members_.group(s_.members_.member(m).group).id);
    c->set_score(s_.SeedScore(m, &gain));
    c->set_first_days_events(s_.d_.hot[m].first_days_events);
    c->set_product_gain(gain);
  }
}

// Best first, ties in member order.
void ReportBuilder::AddCoreUsers() {
  r_.set_core_user_count(core_.size());
  const size_t core_n = std::min<size_t>(s_.settings_.list_limit, core_.size());
  std::partial_sort(core_.begin(), core_.begin() + core_n, core_.end());
  for (size_t i = 0; i < core_n; ++i) r_.add_core_users(s_.members_.member(core_[i].second).id);
}

void ReportBuilder::AddSegmentSizes() {
  const v1::SegmentsConfig& sc = s_.config_.segments();
  for (int i = 0; i < sc.segments_size(); ++i) {
    v1::SegmentSize* s = r_.add_segments();
    s->set_name(sc.segments(i).name());
    s->set_size(segment_sizes_[i]);
  }
}

void ReportBuilder::AddRfm() {
  for (const auto& [cell, n] : rfm_) (*r_.mutable_rfm_cells())[cell] = n;
}

// Promotions along the funnel.
void ReportBuilder::AddPromotions() {
  const membership::Membership& members = s_.members_;
  const std::optional<int32_t> retention = s_.FirstGroupOfStage(v1::FUNNEL_STAGE_RETENTION);
  const std::optional<int32_t> sharing = s_.FirstGroupOfStage(v1::FUNNEL_STAGE_SHARING);
  const int limit = int(s_.settings_.list_limit);
  for (auto it = s_.d_.buyers.begin(); it != s_.d_.buyers.end() && r_.promotions_size() < limit; ++it) {
    const membership::Member& member = members.member(it->first);
    if (!member.active() || member.role != v1::ROLE_MEMBER) continue;
    const v1::FunnelStage at = members.group(member.group).stage;
    const v1::BuyerStage stage = s_.StageOf(it->first);
    std::optional<int32_t> to;
    const char* reason = "";
    if (at == v1::FUNNEL_STAGE_ACQUISITION && stage >= v1::BUYER_STAGE_PAYING) {
      to = retention;
      reason = "paying";
    } else if (at == v1::FUNNEL_STAGE_RETENTION && stage == v1::BUYER_STAGE_REPEAT) {
      to = sharing;
      reason = "repeat_buyer";
    }
    if (!to.has_value()) continue;
    v1::Promotion* p = r_.add_promotions();
    p->set_member(member.id);
    p->set_group(members.group(member.group).id);
    p->set_target_group(members.group(*to).id);
    p->set_reason(reason);
  }
}

// Cross-group risk, riskiest first.
void ReportBuilder::AddRisk() {
  std::vector<v1::GroupRisk> risks;
  for (size_t gi = 0; gi < groups_; ++gi) {
    const int32_t g = static_cast<int32_t>(gi);
    v1::GroupRisk risk = health::Risk(s_.d_.days, g, day_, s_.settings_.risk);
    const health::Day week = SumDays(g, 8);
    if (week.n[health::kViolations] + risk.flare_ups() + risk.bans() == 0) continue;
    risk.set_group(s_.members_.group(g).id);
    risks.push_back(std::move(risk));
  }
  std::stable_sort(risks.begin(), risks.end(), [](const v1::GroupRisk& a, const v1::GroupRisk& b) {
    if (a.spike() != b.spike()) return a.spike();
    return a.score() > b.score();
  });
  for (v1::GroupRisk& risk : risks) *r_.add_risk() = std::move(risk);
}

v1::Report Segments::BuildReport(int64_t as_of_ms, int64_t last_time_ms) const {
  const int64_t now = std::max(as_of_ms, last_time_ms);
  ReportBuilder b(*this, now);
  b.AddHeader();
  b.TallyMembers();
  b.AddCommunity();
  b.AddGroups();
  b.AddDyingGroups();
  b.AddSeedCandidates();
  b.AddCoreUsers();
  b.AddSegmentSizes();
  b.AddRfm();
  b.AddPromotions();
  b.AddRisk();
  v1::Report report = b.Take();
  for (v1::MemberRisk& row : MemberRisks(now)) *report.add_member_risk() = std::move(row);
  return report;
}

}  // namespace shequn::segments
