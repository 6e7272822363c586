// Rules: screening messages and nicknames, the strike ladder with decay,
// sanctions by hand, member reports and their dismissal, flood control,
// mute expiry and mediation. Internal; the engine is its only caller.
#ifndef SHEQUN_SRC_RULES_RULES_H_
#define SHEQUN_SRC_RULES_RULES_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "membership/membership.h"
#include "rules/rules_config.h"
#include "shequn/screening.h"
#include "shequn/v1/action.pb.h"
#include "shequn/v1/config.pb.h"
#include "shequn/v1/event.pb.h"
#include "shequn/v1/rules.pb.h"

namespace shequn::rules {

using membership::MemberIndex;

class Rules {
 public:
  // Validates config.rules and builds its screener, once per config: an
  // engine's states share it (a rolled-back Step rebuilds the state, not the
  // automaton). Errors name the field, e.g.
  // "rules.word_lists[2].words[17]: empty after normalisation".
  static absl::StatusOr<std::shared_ptr<const Screener>> CompileConfig(
      const v1::CommunityConfig& config);

  // `config` must be valid and `screener` built from it by CompileConfig;
  // `config` and `members` must outlive this object.
  Rules(const v1::CommunityConfig& config, const membership::Membership& members,
        std::shared_ptr<const Screener> screener);
  Rules(const Rules&) = delete;
  Rules& operator=(const Rules&) = delete;

  // What refuses an applicant whose nickname breaks the rules: the rule, the
  // category and the matched text.
  struct ApplicantRefusal {
    std::string rule;
    std::string category;
    std::string matched;
  };

  static bool Handles(v1::Event::KindCase kind);
  absl::Status Check(const v1::Event& e) const;
  void Apply(const v1::Event& e, v1::Outcome& out);
  // Screens nicknames on rename when configured.
  void Observe(const v1::Event& e, v1::Outcome& out);
  // For an `apply` event that passed membership's Check: the refusal when
  // rules.screen_nicknames is on and the applicant's nickname breaks a
  // rule they are not exempt from; nullopt to let membership decide.
  // O(|nickname|).
  std::optional<ApplicantRefusal> ScreenApplicant(const v1::Event& e) const;
  // Audits what membership did in carrying out `cause`, one of rules'
  // sanctions (`consequences` are the outcome's actions from index
  // `first`): a deposit forfeited on removal gets its own entry. O(new
  // actions).
  void AuditConsequences(const v1::Action& cause, const v1::Outcome& consequences, int first,
                         int64_t now);

  // Mute expiries.
  std::optional<int64_t> NextDue() const;
  void RunDue(int64_t now, v1::Outcome& out);

  void Save(v1::RulesState* state) const;
  absl::Status Load(const v1::RulesState& state);

  // The audit entries about `m` still within their retention at `now`,
  // oldest first. O(audit log size).
  std::vector<v1::AuditEntry> AuditOf(MemberIndex m, int64_t now) const;
  // Strikes of `m` still counting at `now`. O(strikes of m).
  uint32_t LiveStrikes(MemberIndex m, int64_t now) const;
  // As above, counting only strikes of `category`. O(strikes of m).
  uint32_t LiveStrikes(MemberIndex m, absl::string_view category, int64_t now) const;

 private:
  struct MemberRules {
    std::vector<v1::Strike> strikes;
    std::vector<int64_t> recent_ms;  // flood window, oldest first
    int64_t mute_until_ms = 0;
    uint64_t last_text_hash = 0;
    int64_t last_text_ms = 0;
    uint32_t repeats = 0;
    MemberIndex last_insult_target = membership::kNoMember;
    int64_t last_insult_ms = 0;
  };
  struct Remembered {
    std::string message_id;
    MemberIndex author;
    std::string group;
    int64_t time_ms;
    std::vector<MemberIndex> reporters;
    bool hidden = false;
    bool deleted = false;
    bool hidden_by_reports = false;  // at the threshold; a manager may restore it
  };
  // A violation found in one message or nickname.
  struct Violation {
    std::string category;
    std::vector<v1::TextSpan> spans;
    std::string matched;
  };

  absl::Status CheckMessage(const v1::Event& e) const;
  absl::Status CheckReport(const v1::Event& e) const;
  absl::Status CheckSanction(const v1::Event& e) const;
  absl::Status CheckRevoke(const v1::Event& e) const;
  absl::Status CheckEdit(const v1::Event& e) const;
  absl::Status CheckDelete(const v1::Event& e) const;
  absl::Status CheckDismiss(const v1::Event& e) const;

  void ApplyMessage(const v1::Event& e, v1::Outcome& out);
  void ApplyReport(const v1::Event& e, v1::Outcome& out);
  void ApplySanction(const v1::Event& e, v1::Outcome& out);
  void ApplyRevoke(const v1::Event& e, v1::Outcome& out);
  void ApplyEdit(const v1::Event& e, v1::Outcome& out);
  void ApplyDelete(const v1::Event& e);
  // Shows a message reports hid again and clears its reports.
  void ApplyDismiss(const v1::Event& e, v1::Outcome& out);

  // The violations in `text` that a member with `role` is not exempt from,
  // links to allowed domains and allowed account ids left out.
  std::vector<Violation> Screen(absl::string_view text, v1::Role role) const;
  // True when `match` (in `text`) is a link to an allowed domain or an
  // allowed account id.
  bool Allowed(const ScreenMatch& match, absl::string_view text) const;
  // Hides message `message_id` in the event's group for the violations
  // found: the spans matched, or the whole message when any violation is
  // the message itself (oversize, flooding).
  void Hide(const std::vector<Violation>& found, absl::string_view message_id,
            const v1::Event& e, v1::Outcome& out);
  std::optional<Violation> Flood(MemberIndex m, const v1::Message& msg, int64_t now);
  // Records a strike and carries out the ladder step it reaches.
  void Sanction(MemberIndex m, const std::vector<Violation>& found, const v1::Event& e,
                v1::Outcome& out);
  void Mediate(MemberIndex m, const v1::Event& e, v1::Outcome& out);
  void Mute(MemberIndex m, int64_t until);
  void Audit(const v1::Action& a, const v1::Event& e, absl::string_view by);
  void AddAudit(const v1::Action& a, int64_t time_ms, absl::string_view event_id,
                absl::string_view by);
  // Drops a few entries past their retention at `now`.
  void ForgetOldAudit(int64_t now);
  Remembered& Remember(const v1::Event& e, MemberIndex author);
  void ForgetOld(int64_t now);
  const Remembered* FindMessage(absl::string_view id) const;
  // The group an event happened in: an edit's is its message's.
  std::string GroupOf(const v1::Event& e) const;
  MemberRules& state(MemberIndex m);
  const MemberRules* find_state(MemberIndex m) const;

  const v1::CommunityConfig& config_;
  const membership::Membership& members_;
  const EffectiveRules eff_;
  std::shared_ptr<const Screener> screener_;  // never null
  std::vector<MemberRules> by_member_;
  std::deque<Remembered> messages_;
  uint64_t first_message_seq_ = 0;  // sequence number of messages_.front()
  absl::flat_hash_map<std::string, uint64_t> message_seq_;
  std::deque<v1::AuditEntry> audit_;
  absl::btree_set<std::pair<int64_t, MemberIndex>> mutes_;  // derived
  uint64_t next_strike_id_ = 1;
};

}  // namespace shequn::rules

#endif  // SHEQUN_SRC_RULES_RULES_H_
