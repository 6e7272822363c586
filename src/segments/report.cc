// Segments' read side: member facts (tier, buyer stage, Orbit level, RFM,
// seed score), operator segments and the Report.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "segments/predicate.h"
#include "segments/segments.h"

namespace shequn::segments {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

double Ratio(double a, double b) { return b <= 0 ? 0.0 : a / b; }

}  // namespace

// The facts a predicate asks about one member, as of a day.
class Facts : public MemberFacts {
 public:
  Facts(const Segments& s, MemberIndex m, uint32_t day, int64_t now)
      : s_(s), m_(m), day_(day), now_(now) {}
  uint32_t CounterIn(Counter c, int window) const override {
    return s_.rings_.Sum(m_, c, day_, window);
  }
  v1::Tier tier() const override { return s_.TierOf(m_, day_); }
  bool HasTag(absl::string_view tag) const override {
    auto it = s_.tag_ids_.find(tag);
    return it != s_.tag_ids_.end() && s_.tags_.contains({m_, it->second});
  }
  v1::Role role() const override { return s_.members_.member(m_).role; }
  int64_t points() const override { return s_.hot_[m_].points; }
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
  auto it = buyers_.find(m);
  if (it == buyers_.end()) return v1::BUYER_STAGE_PROSPECT;
  const Buyer& b = it->second;
  if (b.paid >= 2) return v1::BUYER_STAGE_REPEAT;
  if (b.paid == 1) return v1::BUYER_STAGE_PAYING;
  if (b.trial >= 1) return v1::BUYER_STAGE_TRIAL;
  return v1::BUYER_STAGE_PROSPECT;
}

v1::Tier Segments::TierOf(MemberIndex m, uint32_t day) const {
  const int w = settings_.tiers.window_days();
  if (rings_.Sum(m, kTopics, day, w) >= settings_.tiers.active_min_topics()) return v1::TIER_ACTIVE;
  uint32_t follows = 0;
  for (Counter c : {kMessages, kReplies, kAnswers, kCheckIns, kShares, kEventsAttended}) {
    follows += rings_.Sum(m, c, day, w);
  }
  if (follows >= settings_.tiers.moderate_min_events()) return v1::TIER_MODERATE;
  if (rings_.AnyIn(m, day, settings_.longest)) return v1::TIER_LURKER;
  return v1::TIER_INACTIVE;
}

bool Segments::Contributor(MemberIndex m, uint32_t day) const {
  const int w = settings_.longest;
  const uint32_t given = rings_.Sum(m, kTopics, day, w) + rings_.Sum(m, kAnswers, day, w) +
                         rings_.Sum(m, kShares, day, w);
  return given > 0 && given >= rings_.Sum(m, kQuestions, day, w);
}

int Segments::OrbitLevel(MemberIndex m, uint32_t day) const {
  const double love = LoveAt(m, day);
  if (love >= settings_.orbit.level1_love()) return 1;
  if (love >= settings_.orbit.level2_love()) return 2;
  if (love > 0.5) return 3;
  return 4;
}

std::array<int, 3> Segments::Rfm(MemberIndex m, int64_t now) const {
  const Buyer& b = buyers_.at(m);
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
  auto it = buyers_.find(m);
  if (it != buyers_.end() && !it->second.product.empty()) {
    const std::vector<double>& p = it->second.product;
    const double before = std::isnan(p[0]) ? 0.0 : p[0];
    double best = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 1; i < p.size(); ++i) {
      if (!std::isnan(p[i]) && (std::isnan(best) || p[i] > best)) best = p[i];
    }
    if (!std::isnan(best)) product_gain = best - before;
  }
  if (gain != nullptr) *gain = product_gain;
  return settings_.seed.in_group_weight() * hot_[m].first_days_events +
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
  for (MemberIndex m = 0; m < hot_.size(); ++m) {
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
  if (buyers_.contains(*m) && StageOf(*m) >= v1::BUYER_STAGE_PAYING) {
    const std::array<int, 3> r = Rfm(*m, as_of_ms);
    out.push_back(absl::StrCat("rfm:", r[0], "-", r[1], "-", r[2]));
  }
  for (auto it = tags_.lower_bound({*m, 0}); it != tags_.end() && it->first == *m; ++it) {
    out.push_back(absl::StrCat("tag:", tag_names_[it->second]));
  }
  if (members_.member(*m).active()) {
    const Facts facts(*this, *m, day, as_of_ms);
    for (const v1::SegmentDefinition& d : config_.segments().segments()) {
      if (EvaluatePredicate(d.predicate(), facts, settings_.longest)) out.push_back(d.name());
    }
  }
  return out;
}

v1::Report Segments::BuildReport(int64_t as_of_ms, int64_t last_time_ms) const {
  const int64_t now = std::max(as_of_ms, last_time_ms);
  const uint32_t day = DayOf(now);
  const size_t groups = members_.group_count();
  const int nw = static_cast<int>(settings_.windows.size());

  // Windows asked of every member: the report's, then each group's health
  // window and the dying window.
  std::vector<int> windows = settings_.windows;
  std::vector<int> health_window(groups);
  std::vector<v1::HealthStandard> standards(groups);
  auto window_index = [&](int w) {
    auto it = std::find(windows.begin(), windows.end(), w);
    if (it != windows.end()) return static_cast<int>(it - windows.begin());
    windows.push_back(w);
    return static_cast<int>(windows.size()) - 1;
  };
  for (size_t g = 0; g < groups; ++g) {
    auto it = config_.segments().group_health().find(members_.group(static_cast<int32_t>(g)).id);
    standards[g] = it == config_.segments().group_health().end()
                       ? settings_.health
                       : health::ResolveStandard(it->second);
    health_window[g] = window_index(standards[g].window_days());
  }
  const int dying_w = window_index(settings_.dying.window_days());
  const size_t W = windows.size();

  struct Agg {
    std::vector<uint32_t> active, topical;
    v1::TierCounts tiers;
    v1::FunnelCounts funnel;
    v1::OrbitCounts orbit;
    uint32_t contributors = 0, headcount = 0;
    std::vector<uint32_t> messages;  // per member, longest window
  };
  std::vector<Agg> agg(groups + 1);  // the last is the community
  for (Agg& a : agg) {
    a.active.assign(W, 0);
    a.topical.assign(W, 0);
  }

  v1::Report r;
  r.set_community_id(config_.id());
  r.set_as_of_ms(now);
  r.set_as_of_day(day);
  for (int w : settings_.windows) r.add_windows_days(w);
  r.set_members_tracked(hot_.size());

  std::vector<std::pair<double, MemberIndex>> seeds, core;
  const v1::SegmentsConfig& sc = config_.segments();
  std::vector<uint32_t> segment_sizes(sc.segments_size(), 0);
  std::map<std::string, uint32_t> rfm;

  for (MemberIndex m = 0; m < hot_.size(); ++m) {
    const membership::Member& member = members_.member(m);
    if (!member.active()) continue;
    Agg* targets[2] = {&agg[member.group], &agg[groups]};
    const v1::Tier tier = TierOf(m, day);
    const v1::BuyerStage stage = StageOf(m);
    const int level = OrbitLevel(m, day);
    const bool contributor = Contributor(m, day);
    const uint32_t msgs = rings_.Sum(m, kMessages, day, settings_.longest);
    for (Agg* a : targets) {
      ++a->headcount;
      for (size_t w = 0; w < W; ++w) {
        if (rings_.AnyIn(m, day, windows[w])) ++a->active[w];
        if (rings_.Sum(m, kTopics, day, windows[w]) + rings_.Sum(m, kReplies, day, windows[w]) > 0) {
          ++a->topical[w];
        }
      }
      switch (tier) {
        case v1::TIER_ACTIVE: a->tiers.set_active(a->tiers.active() + 1); break;
        case v1::TIER_MODERATE: a->tiers.set_moderate(a->tiers.moderate() + 1); break;
        case v1::TIER_LURKER: a->tiers.set_lurker(a->tiers.lurker() + 1); break;
        default: a->tiers.set_inactive(a->tiers.inactive() + 1); break;
      }
      switch (stage) {
        case v1::BUYER_STAGE_REPEAT: a->funnel.set_repeat(a->funnel.repeat() + 1); break;
        case v1::BUYER_STAGE_PAYING: a->funnel.set_paying(a->funnel.paying() + 1); break;
        case v1::BUYER_STAGE_TRIAL: a->funnel.set_trial(a->funnel.trial() + 1); break;
        default: a->funnel.set_prospects(a->funnel.prospects() + 1); break;
      }
      switch (level) {
        case 1: a->orbit.set_level1(a->orbit.level1() + 1); break;
        case 2: a->orbit.set_level2(a->orbit.level2() + 1); break;
        case 3: a->orbit.set_level3(a->orbit.level3() + 1); break;
        default: a->orbit.set_level4(a->orbit.level4() + 1); break;
      }
      a->contributors += contributor;
      a->messages.push_back(msgs);
    }
    if (member.role == v1::ROLE_MEMBER) {
      seeds.emplace_back(-SeedScore(m, nullptr), m);
      if (level <= 2) core.emplace_back(-LoveAt(m, day), m);
    }
    if (stage >= v1::BUYER_STAGE_PAYING) {
      const std::array<int, 3> c = Rfm(m, now);
      ++rfm[absl::StrCat(c[0], "-", c[1], "-", c[2])];
    }
    if (sc.segments_size() > 0) {
      const Facts facts(*this, m, day, now);
      for (int i = 0; i < sc.segments_size(); ++i) {
        segment_sizes[i] += EvaluatePredicate(sc.segments(i).predicate(), facts, settings_.longest);
      }
    }
  }

  // Per group (and the community) KPIs.
  auto fill = [&](int32_t g, v1::GroupReport* gr) {
    const bool community = g < 0;
    Agg& a = agg[community ? groups : g];
    if (!community) {
      gr->set_group(members_.group(g).id);
      gr->set_stage(members_.group(g).stage);
    }
    gr->set_headcount(a.headcount);
    const uint32_t non_paying = a.funnel.prospects() + a.funnel.trial();
    for (int w = 0; w < nw; ++w) {
      health::Day sum;
      if (community) {
        for (size_t i = 0; i < groups; ++i) days_.SumInto(static_cast<int32_t>(i), day, windows[w], sum);
      } else {
        days_.SumInto(g, day, windows[w], sum);
      }
      v1::PeriodKpis* k = gr->add_periods();
      k->set_days(windows[w]);
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
      std::vector<uint32_t> times = sum.answer_seconds;
      k->set_median_first_answer_seconds(health::Percentile(times, 0.5));
      k->set_p90_first_answer_seconds(health::Percentile(times, 0.9));
      k->set_shares(sum.n[health::kShares]);
      k->set_reactions(sum.n[health::kReactions]);
      k->set_paid_purchases(sum.n[health::kPaidPurchases]);
      k->set_first_purchases(sum.n[health::kFirstPurchases]);
      k->set_repeat_purchases(sum.n[health::kRepeatPurchases]);
      k->set_conversion_rate(Ratio(sum.n[health::kFirstPurchases],
                                   sum.n[health::kFirstPurchases] + non_paying));
      k->set_violations(sum.n[health::kViolations]);
      k->set_flare_ups(sum.n[health::kFlareUps]);
      k->set_bans(sum.n[health::kBans]);
    }
    *gr->mutable_tiers() = a.tiers;
    gr->set_contributors(a.contributors);
    gr->set_takers(a.headcount - a.contributors);
    gr->set_contributor_ratio(Ratio(a.contributors, a.headcount));
    *gr->mutable_funnel() = a.funnel;
    gr->set_repurchase_rate(Ratio(a.funnel.repeat(), a.funnel.paying() + a.funnel.repeat()));
    *gr->mutable_orbit() = a.orbit;
    // 90-9-1: the top 1% of members (at least one) by messages.
    std::vector<uint32_t>& msgs = a.messages;
    std::sort(msgs.begin(), msgs.end(), std::greater<>());
    uint64_t total = 0;
    size_t posters = 0;
    for (uint32_t x : msgs) {
      total += x;
      posters += x > 0;
    }
    v1::Inequality* in = gr->mutable_inequality();
    if (!msgs.empty()) {
      const size_t heavy = std::min(posters, std::max<size_t>(1, (msgs.size() + 99) / 100));
      uint64_t heavy_msgs = 0;
      for (size_t i = 0; i < heavy; ++i) heavy_msgs += msgs[i];
      in->set_lurker_share(Ratio(msgs.size() - posters, msgs.size()));
      in->set_heavy_share(Ratio(heavy, msgs.size()));
      in->set_intermittent_share(Ratio(posters - heavy, msgs.size()));
      in->set_heavy_message_share(Ratio(static_cast<double>(heavy_msgs), static_cast<double>(total)));
    }
    if (community) return;
    // Health against the group's standard.
    const v1::HealthStandard& s = standards[g];
    const int hw = health_window[g];
    health::Day sum;
    days_.SumInto(g, day, s.window_days(), sum);
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
    const double dying_rate = Ratio(a.active[dying_w], a.headcount);
    const int64_t age = days_.first_day(g) == 0 ? 0 : int64_t{day} - days_.first_day(g) + 1;
    h.set_dying(health::IsDying(settings_.dying, a.headcount, dying_rate, age));
    *gr->mutable_health() = h;
    if (h.dying()) {
      v1::DyingGroup* d = r.add_dying_groups();
      d->set_group(members_.group(g).id);
      d->set_participation_rate(dying_rate);
      for (std::string& id : MigrationList(g)) d->add_members(std::move(id));
    }
  };
  fill(-1, r.mutable_community());
  for (size_t g = 0; g < groups; ++g) fill(static_cast<int32_t>(g), r.add_groups());

  // Seed candidates and core users, best first (ties in member order).
  const size_t seed_n = std::min<size_t>(settings_.seed.group_size(), seeds.size());
  std::partial_sort(seeds.begin(), seeds.begin() + seed_n, seeds.end());
  for (size_t i = 0; i < seed_n; ++i) {
    const MemberIndex m = seeds[i].second;
    v1::SeedCandidate* c = r.add_seed_candidates();
    double gain = 0;
    c->set_member(members_.member(m).id);
    c->set_group(members_.group(members_.member(m).group).id);
    c->set_score(SeedScore(m, &gain));
    c->set_first_days_events(hot_[m].first_days_events);
    c->set_product_gain(gain);
  }
  r.set_core_user_count(core.size());
  const size_t core_n = std::min<size_t>(settings_.list_limit, core.size());
  std::partial_sort(core.begin(), core.begin() + core_n, core.end());
  for (size_t i = 0; i < core_n; ++i) r.add_core_users(members_.member(core[i].second).id);

  for (int i = 0; i < sc.segments_size(); ++i) {
    v1::SegmentSize* s = r.add_segments();
    s->set_name(sc.segments(i).name());
    s->set_size(segment_sizes[i]);
  }
  for (const auto& [cell, n] : rfm) (*r.mutable_rfm_cells())[cell] = n;

  // Promotions along the funnel (D-1.3).
  const std::optional<int32_t> retention = FirstGroupOfStage(v1::FUNNEL_STAGE_RETENTION);
  const std::optional<int32_t> sharing = FirstGroupOfStage(v1::FUNNEL_STAGE_SHARING);
  for (auto it = buyers_.begin(); it != buyers_.end() && r.promotions_size() < int(settings_.list_limit); ++it) {
    const membership::Member& member = members_.member(it->first);
    if (!member.active() || member.role != v1::ROLE_MEMBER) continue;
    const v1::FunnelStage at = members_.group(member.group).stage;
    const v1::BuyerStage stage = StageOf(it->first);
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
    v1::Promotion* p = r.add_promotions();
    p->set_member(member.id);
    p->set_group(members_.group(member.group).id);
    p->set_target_group(members_.group(*to).id);
    p->set_reason(reason);
  }

  // Cross-group risk, riskiest first (D-10.2).
  std::vector<v1::GroupRisk> risks;
  for (size_t g = 0; g < groups; ++g) {
    v1::GroupRisk risk = health::Risk(days_, static_cast<int32_t>(g), day, settings_.risk);
    health::Day week;
    days_.SumInto(static_cast<int32_t>(g), day, 8, week);
    if (week.n[health::kViolations] + risk.flare_ups() + risk.bans() == 0) continue;
    risk.set_group(members_.group(static_cast<int32_t>(g)).id);
    risks.push_back(std::move(risk));
  }
  std::stable_sort(risks.begin(), risks.end(), [](const v1::GroupRisk& a, const v1::GroupRisk& b) {
    if (a.spike() != b.spike()) return a.spike();
    return a.score() > b.score();
  });
  for (v1::GroupRisk& risk : risks) *r.add_risk() = std::move(risk);
  return r;
}

}  // namespace shequn::segments
