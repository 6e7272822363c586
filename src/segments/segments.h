// The segments part and the owner of health: activity
// counters per member over sliding windows, tiers, contributors and takers,
// core and seed users, buyer stages, operator tags and segments, RFM and
// Orbit-style levels, and the Report. Internal to the library; the engine
// is its only caller.
//
// Costs: every event O(1) (a day roll clears at most ring_days bytes of a
// member and 32 buckets of a group), O(log members) when it moves a member
// between groups; the daily check at local midnight O(members + groups) for
// the participation count (each member's last active day, two bytes, read
// through the group rosters; only the recently active read more), plus
// O(r log r) per group newly found dying with r members (its migration list,
// read from the group's roster, not from every member ever seen); Report and segment queries O(members × ring_days ×
// segments) plus sorting the ranked lists. Memory per member: the counter
// rings (10 × ring_days + 2 bytes) plus 24 bytes of hot state; buyers,
// tags and product scores are kept only for members that have them.
// Not thread-safe.
//
// The code is split by concern, one file each:
//   segments.cc           construction, local days, checks of owned events,
//                         queries counting and the report share
//   counting.cc           Apply and Observe: counters, Orbit love, group days;
//                         the daily check (RunDue)
//   segments_config.cc    ValidateConfig and Resolve
//   segments_snapshot.cc  Save and Load
//   report.cc             member facts, segment queries, the Report
//   member_risk.cc        cross-group risk of members: violations per member
//                         within a window, the alert, the report rows
#ifndef SHEQUN_SRC_SEGMENTS_SEGMENTS_H_
#define SHEQUN_SRC_SEGMENTS_SEGMENTS_H_

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "segments/health.h"
#include "membership/membership.h"
#include "segments/counters.h"
#include "segments/predicate.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/report.pb.h"
#include "shequn/v1/segments.pb.h"

namespace shequn::segments {

using membership::MemberIndex;

// SegmentsConfig with every default applied.
struct Settings {
  std::vector<int> windows;  // ascending as configured
  int longest = 30;
  v1::TierThresholds tiers;
  v1::SeedConfig seed;
  v1::OrbitConfig orbit;
  v1::RfmConfig rfm;
  v1::HealthStandard health;
  v1::DyingConfig dying;
  v1::RiskConfig risk;
  uint32_t list_limit = 100;
};

// `c` with every default applied. Needs valid windows only: ValidateConfig
// resolves before it checks the rest.
Settings Resolve(const v1::SegmentsConfig& c);

// A day in milliseconds; local days are Segments::DayOf's.
inline constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

class Segments {
 public:
  // Validates config.segments; errors name the field path.
  static absl::Status ValidateConfig(const v1::CommunityConfig& config);

  // `config` and `members` must outlive this object; `members` is read only.
  Segments(const v1::CommunityConfig& config, const membership::Membership& members);
  Segments(const Segments&) = delete;
  Segments& operator=(const Segments&) = delete;

  // The event kinds this part owns: reaction, purchase, product_activity,
  // tag, activity_held.
  static bool Handles(v1::Event::KindCase kind);
  // Everything that could make Apply(e) wrong, without changing anything.
  absl::Status Check(const v1::Event& e) const;
  // Applies a checked event this part owns. O(1).
  void Apply(const v1::Event& e, v1::Outcome& out);
  // Sees every applied event after its owner applied it, with the actions
  // so far; may add actions. Must not fail. O(1 + actions).
  void Observe(const v1::Event& e, v1::Outcome& out);
  // Sees the actions other parts' timers added to `out` from `first` on
  // (ritual removals, sanctions), before RunDue. O(actions).
  void ObserveTimers(int64_t now, const v1::Outcome& out, int first);

  // The daily check (dying groups, risk spikes) at each local midnight.
  std::optional<int64_t> NextDue() const;
  // `until` is where AdvanceTo is heading: checks of days more than the
  // longest window before it are skipped, as they could only report the
  // past, so a long gap costs O(window) checks, not O(gap).
  void RunDue(int64_t now, int64_t until, v1::Outcome& out);

  void Save(v1::SegmentsState* state) const;
  // Replaces the state; on error the state is unchanged.
  absl::Status Load(const v1::SegmentsState& state);

  // The report as of `as_of_ms` (clamped to the last event's day at the
  // earliest). O(members × ring_days × (1 + segments)) + sorting.
  v1::Report BuildReport(int64_t as_of_ms, int64_t last_time_ms) const;
  // Members of the operator-defined segment `name`, in member order, and
  // NotFound for an unknown name. O(members × predicate size × ring_days).
  absl::StatusOr<std::vector<std::string>> SegmentMembers(absl::string_view name,
                                                          int64_t as_of_ms) const;
  // The named segments and built-in segments a member is in, e.g.
  // "tier:active", "buyer:paying", "orbit:2", "rfm:5-3-4", "contributor",
  // "seed_candidate" is not included (it is a ranking). O(segments × ring).
  absl::StatusOr<std::vector<std::string>> MemberSegments(absl::string_view member,
                                                          int64_t as_of_ms) const;

  // Members who broke a rule in at least risk.member_min_groups groups
  // within risk.member_window_days before `as_of_ms`, most groups first,
  // up to report_list_limit. O(members with recent violations × groups).
  std::vector<v1::MemberRisk> MemberRisks(int64_t as_of_ms) const;

  // Bytes this part holds per member (rings + hot state), for benchmarks.
  size_t bytes_per_member() const;

 private:
  friend class Facts;
  friend class ReportBuilder;
  struct Hot {
    double love = 0;              // Orbit love as of love_day
    int32_t points = 0;           // seen in AWARD_POINTS actions
    int32_t group_seen = -1;      // the group last seen active in
    uint16_t love_day = 0;
    uint16_t first_days_events = 0;
  };
  struct Buyer {
    uint32_t paid = 0;
    uint32_t trial = 0;
    int64_t monetary_cents = 0;
    int64_t last_purchase_ms = 0;
    std::vector<double> product;  // by checkpoint; NaN = not reported
  };
  // A member's violations within risk.member_window_days.
  struct MemberRisk {
    std::vector<std::pair<int32_t, int64_t>> groups;  // group, latest violation; oldest first
    std::deque<std::pair<int64_t, std::string>> recent;  // time, message id; oldest first
    int64_t alerted_ms = 0;  // the last alert naming them
  };
  struct Question {
    int64_t time_ms = 0;
    MemberIndex asker = 0;
    int32_t group = 0;
    bool answered = false;
  };

  // The whole mutable state, so Load can build a new one and swap.
  struct Data {
    explicit Data(int ring_days) : rings(ring_days) {}
    ActivityRings rings;
    std::vector<Hot> hot;
    absl::btree_map<MemberIndex, Buyer> buyers;
    absl::btree_set<std::pair<MemberIndex, uint32_t>> tags;
    std::vector<std::string> tag_names;
    absl::flat_hash_map<std::string, uint32_t> tag_ids;  // derived
    absl::btree_map<std::string, Question> questions;
    health::GroupDays days;
    int64_t next_check_ms = 0;
    absl::btree_map<MemberIndex, MemberRisk> member_risk;
    // Derived: by group, the members whose group_seen it is, in member
    // order (rebuilt from the roster on Load, never saved).
    std::vector<absl::btree_set<MemberIndex>> rosters;
  };

  // --- segments.cc
  uint32_t DayOf(int64_t ms) const;
  int64_t StartOfDay(uint32_t day) const;
  void Grow();
  double LoveAt(MemberIndex m, uint32_t day) const;
  std::optional<int32_t> FirstGroupOfStage(v1::FunnelStage stage) const;
  // Group `g`'s customers and prospects to move (see DYING_GROUP).
  // O(r log r) for the r members seen in the group.
  std::vector<std::string> MigrationList(int32_t g) const;
  // Records that member `m` is seen in group `g` (-1: in none) in
  // data.hot and data.rosters. O(log members).
  static void SeeIn(Data& data, MemberIndex m, int32_t g);

  // --- counting.cc
  // Counts one activity of member `m` on `day`: counter, love, first days.
  void Count(MemberIndex m, int64_t now, Counter c, double love);
  // Adds `love` to member `m` on `day` and, in the member's first days,
  // one event to the seed score.
  void Engage(MemberIndex m, int64_t now, uint32_t day, double love);
  int32_t GroupOf(MemberIndex m, const v1::Event& e) const;
  void Reconcile(MemberIndex m, int64_t now, v1::Outcome& out);
  void ObserveActions(int64_t now, const v1::Outcome& out, int first, v1::Outcome* add);
  void ObserveMessage(const v1::Event& e, MemberIndex m);
  void ApplyPurchase(const v1::Event& e, v1::Outcome& out);
  // A purchase by `m` of `cents` at `now`: buyer stages, the group's
  // purchase counters, and a promotion along the funnel.
  void RecordPurchase(MemberIndex m, int64_t now, int64_t cents, bool trial, v1::Outcome& out);
  void StartClock(int64_t now);
  void DailyCheck(uint32_t as_of_day, v1::Outcome& out);
  // Participation of every group over `window` days: active members.
  std::vector<uint32_t> ActiveByGroup(uint32_t as_of_day, int window) const;

  // --- member_risk.cc
  int64_t MemberRiskWindowMs() const;
  static void ExpireMemberRisk(MemberRisk& r, int64_t since);
  // Notes a violation of `m` in group `g` (message `message_id`, empty for
  // none) at `now`; false when that message was counted already. When it
  // makes `g` the member_min_groups-th group within the window, adds a
  // RISK_ALERT naming the member to `alerts` (if not null), once per
  // window. O(recent violations of m + their groups).
  bool NoteMemberViolation(MemberIndex m, int32_t g, const std::string& message_id, int64_t now,
                           v1::Outcome* alerts);
  // Drops violations past the window and members left with none. O(members
  // with recent violations).
  void ForgetMemberRisk(int64_t now);
  void SaveMemberRisk(v1::SegmentsState* state) const;
  absl::Status LoadMemberRisk(const v1::SegmentsState& state, Data& data) const;

  // --- report.cc (with the classes Facts and ReportBuilder)
  int OrbitLevel(MemberIndex m, uint32_t day) const;
  v1::BuyerStage StageOf(MemberIndex m) const;
  v1::Tier TierOf(MemberIndex m, uint32_t day) const;
  bool Contributor(MemberIndex m, uint32_t day) const;
  std::array<int, 3> Rfm(MemberIndex m, int64_t now) const;
  double SeedScore(MemberIndex m, double* gain) const;
  const v1::SegmentDefinition* FindSegment(absl::string_view name) const;

  // --- segments_snapshot.cc
  absl::Status LoadMembers(const v1::SegmentsState& state, Data& data) const;
  absl::Status LoadMember(const v1::MemberActivity& a, MemberIndex m, const std::string& at,
                          int ring_days, Data& data) const;
  absl::Status LoadQuestions(const v1::SegmentsState& state, Data& data) const;

  const v1::CommunityConfig& config_;
  const membership::Membership& members_;
  Settings settings_;
  DeclaredTags declared_tags_;  // views into config_
  std::optional<absl::TimeZone> zone_;
  Data d_;
};

}  // namespace shequn::segments

#endif  // SHEQUN_SRC_SEGMENTS_SEGMENTS_H_
