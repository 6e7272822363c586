// Segments' counting: the events it owns (Apply), every other event and the
// actions it led to (Observe), per-member counters and Orbit love, group
// days, and the daily check at local midnight (RunDue).
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/actions.h"
#include "segments/segments.h"
#include "shequn/limits.h"

namespace shequn::segments {
namespace {

// Orbit love per activity.
constexpr double kLoveMessage = 1, kLoveTopic = 2, kLoveAnswer = 2, kLoveShare = 3,
                 kLoveReactionGiven = 0.25, kLoveReactionReceived = 0.5, kLoveCheckIn = 1,
                 kLoveAttended = 2;

// A sanction for breaking a rule: by the ladder, by hand, or a fine.
bool IsSanction(const v1::Action& a) {
  // Silence is not a violation: the purge warns privately too.
  if (a.reason() == "purge.inactive") return false;
  switch (a.kind()) {
    case v1::ACTION_KIND_WARN_PRIVATELY:
    case v1::ACTION_KIND_MUTE:
    case v1::ACTION_KIND_DEDUCT_DEPOSIT:
    case v1::ACTION_KIND_BAN: return true;
    case v1::ACTION_KIND_REMOVE: return a.strike_id() != 0;  // the ladder's, not a leave
    default: return false;
  }
}

// A hide by screening (a word list or detector, an oversize attachment,
// flooding), not one for a mute or after reports.
bool ScreeningHide(const v1::Action& a) {
  return a.kind() == v1::ACTION_KIND_HIDE_MESSAGE &&
         (a.rule() == "rules.word_lists" || a.rule() == "rules.max_attachment_bytes" ||
          a.rule() == "rules.flood");
}

// What a violation is counted by, once: the message screened (its hide
// and every step of its strike name it), else the strike (a nickname), else
// the member (a ban or warning by hand). Empty for actions that are not
// about a violation.
std::string ViolationKey(const v1::Action& a) {
  const bool screened = ScreeningHide(a);
  const bool struck = a.strike_id() != 0 && a.kind() != v1::ACTION_KIND_REVOKE_STRIKE &&
                      a.kind() != v1::ACTION_KIND_UNMUTE;
  if (!screened && !struck && !IsSanction(a)) return "";
  if (!a.message_id().empty()) return absl::StrCat("message ", a.message_id());
  if (a.strike_id() != 0) return absl::StrCat("strike ", a.strike_id());
  return absl::StrCat("member ", a.member());
}

bool NamesMember(v1::ActionKind k) {
  return k == v1::ACTION_KIND_ADMIT || k == v1::ACTION_KIND_REMOVE ||
         k == v1::ACTION_KIND_BAN || k == v1::ACTION_KIND_MOVE;
}

}  // namespace

void Segments::Count(MemberIndex m, int64_t now, Counter c, double love) {
  const uint32_t day = DayOf(now);
  d_.rings.Add(m, day, c);
  Engage(m, now, day, love);
}

void Segments::Engage(MemberIndex m, int64_t now, uint32_t day, double love) {
  Hot& h = d_.hot[m];
  h.love = LoveAt(m, day) + love;
  h.love_day = static_cast<uint16_t>(day);
  const membership::Member& member = members_.member(m);
  if (member.joined_ms > 0 && now < member.joined_ms + settings_.seed.first_days() * kDayMs &&
      h.first_days_events < UINT16_MAX) {
    ++h.first_days_events;
  }
}

int32_t Segments::GroupOf(MemberIndex m, const v1::Event& e) const {
  const membership::Member& member = members_.member(m);
  if (!e.group().empty()) {
    if (std::optional<int32_t> g = members_.FindGroup(e.group())) return *g;
  }
  return member.group;
}

void Segments::Apply(const v1::Event& e, v1::Outcome& out) {
  Grow();
  const int64_t now = e.time_ms();
  const uint32_t day = DayOf(now);
  const MemberIndex actor = *members_.Find(e.actor());
  switch (e.kind_case()) {
    case v1::Event::kReaction: {
      Count(actor, now, kReactionsGiven, kLoveReactionGiven);
      if (!e.reaction().target_member().empty()) {
        Count(*members_.Find(e.reaction().target_member()), now, kReactionsReceived,
              kLoveReactionReceived);
      }
      d_.days.Add(GroupOf(actor, e), day, health::kReactions);
      return;
    }
    case v1::Event::kPurchase:
      return ApplyPurchase(e, out);
    case v1::Event::kProductActivity: {
      Buyer& b = d_.buyers[actor];
      const int n = settings_.seed.checkpoints_size();
      b.product.resize(n, std::numeric_limits<double>::quiet_NaN());
      for (int i = 0; i < n; ++i) {
        if (settings_.seed.checkpoints(i) == e.product_activity().checkpoint()) {
          b.product[i] = e.product_activity().score();
        }
      }
      return;
    }
    case v1::Event::kTag: {
      const MemberIndex m = *members_.Find(e.tag().member());
      auto it = d_.tag_ids.find(e.tag().tag());
      if (e.tag().remove()) {
        if (it != d_.tag_ids.end()) d_.tags.erase({m, it->second});
        return;
      }
      if (it == d_.tag_ids.end()) {
        it = d_.tag_ids.emplace(e.tag().tag(), static_cast<uint32_t>(d_.tag_names.size())).first;
        d_.tag_names.push_back(e.tag().tag());
      }
      d_.tags.insert({m, it->second});
      return;
    }
    case v1::Event::kActivityHeld: {
      d_.days.Add(*members_.FindGroup(e.group()), day, health::kEventsHeld);
      absl::flat_hash_set<MemberIndex> once;
      for (const std::string& id : e.activity_held().attendees()) {
        const MemberIndex m = *members_.Find(id);
        if (once.insert(m).second) Count(m, now, kEventsAttended, kLoveAttended);
      }
      return;
    }
    default:
      return;
  }
}

void Segments::ApplyPurchase(const v1::Event& e, v1::Outcome& out) {
  RecordPurchase(*members_.Find(e.actor()), e.time_ms(), e.purchase().amount_cents(),
                 e.purchase().trial(), out);
}

void Segments::RecordPurchase(MemberIndex m, int64_t now, int64_t cents, bool trial,
                              v1::Outcome& out) {
  const uint32_t day = DayOf(now);
  Buyer& b = d_.buyers[m];
  if (b.monetary_cents <= limits::kMaxCents * 1000) b.monetary_cents += cents;
  b.last_purchase_ms = now;
  const membership::Member& member = members_.member(m);
  const int32_t g = member.active() ? member.group : -1;
  if (trial) {
    ++b.trial;
    return;
  }
  ++b.paid;
  if (g >= 0) {
    d_.days.Add(g, day, health::kPaidPurchases);
    d_.days.Add(g, day, b.paid == 1 ? health::kFirstPurchases : health::kRepeatPurchases);
  }
  if (g < 0 || member.role != v1::ROLE_MEMBER) return;
  // Promote along acquisition → retention → sharing.
  const v1::FunnelStage stage = members_.group(g).stage;
  std::optional<int32_t> to;
  const char* reason = "";
  if (b.paid == 1 && stage == v1::FUNNEL_STAGE_ACQUISITION) {
    to = FirstGroupOfStage(v1::FUNNEL_STAGE_RETENTION);
    reason = "paying";
  } else if (b.paid == 2 && stage == v1::FUNNEL_STAGE_RETENTION) {
    to = FirstGroupOfStage(v1::FUNNEL_STAGE_SHARING);
    reason = "repeat_buyer";
  }
  if (!to.has_value()) return;
  v1::Action& a = AddAction(out, v1::ACTION_KIND_SUGGEST_PROMOTION, "segments.funnel", member.id);
  a.set_group(members_.group(g).id);
  a.set_target_group(members_.group(*to).id);
  a.set_reason(reason);
}

void Segments::ObserveMessage(const v1::Event& e, MemberIndex m) {
  const v1::Message& msg = e.message();
  const int64_t now = e.time_ms();
  const uint32_t day = DayOf(now);
  const int32_t g = GroupOf(m, e);
  double love = kLoveMessage;
  d_.rings.Add(m, day, kMessages);
  d_.days.Add(g, day, health::kMessages);
  if (msg.starts_topic()) {
    d_.rings.Add(m, day, kTopics);
    d_.days.Add(g, day, health::kTopics);
    love += kLoveTopic;
  }
  if (!msg.reply_to().empty()) {
    d_.rings.Add(m, day, kReplies);
    d_.days.Add(g, day, health::kReplies);
    auto q = d_.questions.find(msg.reply_to());
    if (q != d_.questions.end() && q->second.asker != m) {
      d_.rings.Add(m, day, kAnswers);
      love += kLoveAnswer;
      if (!q->second.answered) {
        q->second.answered = true;
        health::Day& d = d_.days.At(q->second.group, day);
        ++d.n[health::kAnswered];
        d.answer_seconds.push_back(static_cast<uint32_t>(
            std::min<int64_t>((now - q->second.time_ms) / 1000, UINT32_MAX)));
      }
    }
  }
  if (msg.is_question()) {
    d_.rings.Add(m, day, kQuestions);
    d_.days.Add(g, day, health::kQuestions);
    if (!msg.message_id().empty() && g >= 0) {
      d_.questions.try_emplace(msg.message_id(), Question{now, m, g, false});
    }
  }
  // Love and first days once per message.
  Engage(m, now, day, love);
}

void Segments::Observe(const v1::Event& e, v1::Outcome& out) {
  Grow();
  StartClock(e.time_ms());
  const int64_t now = e.time_ms();
  std::optional<MemberIndex> actor = members_.Find(e.actor());
  if (actor.has_value()) {
    switch (e.kind_case()) {
      case v1::Event::kMessage:
        if (members_.member(*actor).active()) ObserveMessage(e, *actor);
        break;
      case v1::Event::kCheckIn:
        Count(*actor, now, kCheckIns, kLoveCheckIn);
        break;
      case v1::Event::kContribution: {
        std::optional<MemberIndex> who = *actor;
        if (!e.contribution().beneficiary().empty()) who = members_.Find(e.contribution().beneficiary());
        if (!who.has_value()) break;
        if (e.contribution().kind() == "share") {
          Count(*who, now, kShares, kLoveShare);
          const int32_t g = GroupOf(*who, e);
          if (g >= 0) d_.days.Add(g, DayOf(now), health::kShares);
        } else if (e.contribution().kind() == "answer" && e.contribution().message_id().empty()) {
          // An answer naming its message was counted when the reply came.
          Count(*who, now, kAnswers, kLoveAnswer);
        }
        break;
      }
      default:
        break;
    }
  }
  ObserveActions(now, out, 0, &out);
  if (actor.has_value()) Reconcile(*actor, now, out);
}

void Segments::ObserveTimers(int64_t now, const v1::Outcome& out, int first) {
  Grow();
  ObserveActions(now, out, first, nullptr);
}

void Segments::ObserveActions(int64_t now, const v1::Outcome& out, int first,
                              v1::Outcome* add) {
  const uint32_t day = DayOf(now);
  const int n = out.actions_size();
  // What the actions lead to goes to `add`; timers' consequences are dropped.
  v1::Outcome ignored;
  v1::Outcome& consequences = add != nullptr ? *add : ignored;
  std::vector<std::string> violations;  // counted in this outcome
  for (int i = first; i < n; ++i) {
    const v1::Action& a = out.actions(i);
    std::optional<MemberIndex> m = members_.Find(a.member());
    if (a.kind() == v1::ACTION_KIND_AWARD_POINTS && m.has_value()) {
      const int64_t p = int64_t{d_.hot[*m].points} + a.amount();
      d_.hot[*m].points = static_cast<int32_t>(std::clamp<int64_t>(p, INT32_MIN, INT32_MAX));
    }
    std::string key = ViolationKey(a);
    bool violation =
        !key.empty() && std::find(violations.begin(), violations.end(), key) == violations.end();
    if (violation) violations.push_back(std::move(key));
    const bool sanction = IsSanction(a);
    const bool flare = a.kind() == v1::ACTION_KIND_MEDIATE;
    if (violation || sanction || flare) {
      std::optional<int32_t> g = members_.FindGroup(a.group());
      if (!g.has_value() && m.has_value()) g = d_.hot[*m].group_seen;
      if (!g.has_value() && m.has_value()) g = members_.member(*m).group;
      if (g.has_value() && *g >= 0) {
        // Each violating message once, also across events (an edit).
        if (violation && m.has_value()) {
          violation = NoteMemberViolation(*m, *g, a.message_id(), now, add);
        }
        if (violation) d_.days.Add(*g, day, health::kViolations);
        if (sanction) d_.days.Add(*g, day, health::kSanctions);
        if (flare) d_.days.Add(*g, day, health::kFlareUps);
        if (a.kind() == v1::ACTION_KIND_BAN) d_.days.Add(*g, day, health::kBans);
      }
    }
    if (m.has_value() && a.kind() == v1::ACTION_KIND_IMPORTED) {
      // Present, but not a new join: growth counts who came, not who was there.
      SeeIn(d_, *m, members_.member(*m).group);
    }
    if (m.has_value() && NamesMember(a.kind())) Reconcile(*m, now, consequences);
    if (m.has_value() && a.kind() == v1::ACTION_KIND_ADMIT &&
        config_.admission().fee_counts_as_purchase() &&
        members_.member(*m).fee_paid_cents > 0) {
      RecordPurchase(*m, now, members_.member(*m).fee_paid_cents, false, consequences);
    }
  }
}

void Segments::Reconcile(MemberIndex m, int64_t now, v1::Outcome& out) {
  const membership::Member& member = members_.member(m);
  const int32_t want = member.active() ? member.group : -1;
  const int32_t have = d_.hot[m].group_seen;
  if (want == have) return;
  const uint32_t day = DayOf(now);
  SeeIn(d_, m, want);
  if (have >= 0 && want >= 0) {
    d_.days.Add(have, day, health::kMovedOut);
    d_.days.Add(want, day, health::kMovedIn);
  } else if (want >= 0) {
    d_.days.Add(want, day, health::kNewMembers);
  } else {
    d_.days.Add(have, day, member.status == v1::MEMBER_STATUS_GRADUATED ? health::kGraduated
                                                                      : health::kLeavers);
  }
  if (want >= 0) {
    const membership::Group& g = members_.group(want);
    if (g.working_size > 0 && g.headcount == g.working_size + 1) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_SUGGEST_SPLIT, "groups.working_size", "");
      a.set_group(g.id);
      a.set_amount(g.headcount);
    }
  }
}

// ------------------------------------------------------------------ timers

void Segments::StartClock(int64_t now) {
  if (d_.next_check_ms == 0) d_.next_check_ms = StartOfDay(DayOf(now) + 1);
}

std::optional<int64_t> Segments::NextDue() const {
  if (d_.next_check_ms == 0) return std::nullopt;
  return d_.next_check_ms;
}

void Segments::RunDue(int64_t now, int64_t until, v1::Outcome& out) {
  if (d_.next_check_ms == 0 || now < d_.next_check_ms) return;
  // In milliseconds, not days: local days stop counting past 2149.
  const int64_t skip_to = until - int64_t{settings_.longest + 1} * kDayMs;
  if (now < skip_to) {
    const int64_t midnight = StartOfDay(DayOf(skip_to));
    d_.next_check_ms = midnight > now ? midnight : skip_to;
    return;
  }
  Grow();
  const uint32_t today = DayOf(now);
  DailyCheck(today - 1, out);
  ForgetMemberRisk(now);
  d_.next_check_ms = StartOfDay(today + 1);
  if (d_.next_check_ms <= now) d_.next_check_ms = now + kDayMs;  // a zone's odd day
  // Questions older than the longest window are forgotten.
  const int64_t horizon = now - int64_t{settings_.longest} * kDayMs;
  for (auto it = d_.questions.begin(); it != d_.questions.end();) {
    it = it->second.time_ms < horizon ? d_.questions.erase(it) : std::next(it);
  }
}

void Segments::DailyCheck(uint32_t as_of_day, v1::Outcome& out) {
  const std::vector<uint32_t> active = ActiveByGroup(as_of_day, settings_.dying.window_days());
  for (size_t gi = 0; gi < members_.group_count(); ++gi) {
    const int32_t g = static_cast<int32_t>(gi);
    const membership::Group& group = members_.group(g);
    const double rate = group.headcount == 0 ? 0.0 : double(active[g]) / group.headcount;
    const int64_t age = d_.days.first_day(g) == 0 ? 0 : int64_t{as_of_day} - d_.days.first_day(g) + 1;
    const bool dying = health::IsDying(settings_.dying, group.headcount, rate, age);
    if (dying && !d_.days.dying_alerted(g)) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_DYING_GROUP, "segments.dying", "");
      a.set_group(group.id);
      a.set_text(absl::StrCat(active[g], " of ", group.headcount, " members active in ",
                              settings_.dying.window_days(),
                              " days; move its customers and prospects to a fresh group"));
      for (std::string& id : MigrationList(g)) a.add_members(std::move(id));
      a.set_amount(a.members_size());
    }
    d_.days.set_dying_alerted(g, dying);
    const v1::GroupRisk risk = health::Risk(d_.days, g, as_of_day, settings_.risk);
    if (risk.spike()) {
      v1::Action& a = AddAction(out, v1::ACTION_KIND_RISK_ALERT, "segments.risk", "");
      a.set_group(group.id);
      a.set_amount(risk.violations_today());
      a.set_text(absl::StrCat(risk.violations_today(), " violations against ",
                              risk.baseline_per_day(), " a day before"));
    }
  }
}

// Walks the group rosters and reads each member's last active day (two
// bytes); only those active in the window have their record read.
std::vector<uint32_t> Segments::ActiveByGroup(uint32_t as_of_day, int window) const {
  std::vector<uint32_t> active(members_.group_count(), 0);
  for (size_t g = 0; g < d_.rosters.size() && g < active.size(); ++g) {
    for (MemberIndex m : d_.rosters[g]) {
      if (!d_.rings.ActedIn(m, as_of_day, window)) continue;
      const membership::Member& member = members_.member(m);
      if (member.active() && member.group == static_cast<int32_t>(g)) ++active[g];
    }
  }
  return active;
}

}  // namespace shequn::segments
