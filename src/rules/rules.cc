#include "rules/rules.h"
#include "base/field_errors.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/actions.h"
#include "rules/rules_config.h"
#include "base/utf8.h"
#include "shequn/limits.h"

namespace shequn::rules {
namespace {

constexpr int64_t kMillis = 1000;
constexpr absl::string_view kFlooding = "flooding";
constexpr absl::string_view kOversize = "oversize";

// The rule a hide for `category` names: the config field that caught it.
absl::string_view HideRule(absl::string_view category) {
  if (category == kOversize) return "rules.max_attachment_bytes";
  if (category == kFlooding) return "rules.flood";
  return "rules.word_lists";
}

// FNV-1a: stable across processes, unlike absl::Hash, so it can be saved.
uint64_t StableHash(absl::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Higher is harsher; picks the category whose step hurts most.
int Severity(const v1::LadderStep& s) {
  if (s.ban()) return 5;
  if (s.remove()) return 4;
  if (s.mute_seconds() > 0) return 3;
  if (s.announce()) return 2;
  return 1;
}

const v1::LadderStep& StepAt(const std::vector<v1::LadderStep>& steps, uint32_t count) {
  return steps[std::min<size_t>(count, steps.size()) - 1];
}

// `text` cut to at most `limit` bytes, back to a UTF-8 boundary.
absl::string_view CutUtf8(absl::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// The host a link match names, in lower case: the scheme, the path and a
// port dropped, and the dots a link may be spelt with ('。', '点') read as
// '.'.
std::string LinkHost(absl::string_view link) {
  std::string host = absl::AsciiStrToLower(link);
  for (const std::string dot : {"\xe3\x80\x82", "\xe7\x82\xb9"}) {  // 。 点
    for (size_t at = host.find(dot); at != std::string::npos; at = host.find(dot, at)) {
      host.replace(at, dot.size(), ".");
    }
  }
  if (size_t scheme = host.find("://"); scheme != std::string::npos) host.erase(0, scheme + 3);
  host = host.substr(0, host.find_first_of("/:?#\\ "));
  absl::StripAsciiWhitespace(&host);
  return host;
}

// The last run of id characters (ASCII letters, digits, '_', '-', and
// full-width letters and digits folded) in a contact match, which is the id
// itself: "加微信 abc12345" gives "abc12345".
std::string LastIdRun(absl::string_view match) {
  std::string run;
  bool ended = false;
  for (size_t pos = 0, len = 0; pos < match.size(); pos += len) {
    char32_t c = text::DecodeUtf8(std::string_view(match.data(), match.size()), pos, &len);
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width forms
    const bool id = c < 0x80 && (absl::ascii_isalnum(static_cast<char>(c)) || c == '_' || c == '-');
    if (!id) {
      ended = true;
      continue;
    }
    if (ended) run.clear();
    ended = false;
    run.push_back(absl::ascii_tolower(static_cast<char>(c)));
  }
  return run;
}

// An email match as the address it spells, in lower case: "Dave2026 at
// qq dot com", "dave[at]qq(dot)com" and "dave＠qq。com" all give
// "dave2026@qq.com", which is how AccountKey folds an allowed address.
std::string EmailKey(absl::string_view match) {
  std::string spelled;  // id characters, '@', '.', and ' ' between words
  for (size_t pos = 0, len = 0; pos < match.size(); pos += len) {
    char32_t c = text::DecodeUtf8(std::string_view(match.data(), match.size()), pos, &len);
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width forms
    if (c == U'。' || c == U'点' || c == U'｡') c = U'.';
    if (c == U'艾') c = U'@';  // 艾特
    const bool kept = c < 0x80 && (absl::ascii_isalnum(static_cast<char>(c)) ||
                                   absl::string_view("@._%+-").find(static_cast<char>(c)) !=
                                       absl::string_view::npos);
    if (kept) {
      spelled.push_back(absl::ascii_tolower(static_cast<char>(c)));
    } else if (c != U'特') {
      spelled.push_back(' ');
    }
  }
  std::string key;
  for (absl::string_view word : absl::StrSplit(spelled, ' ', absl::SkipEmpty())) {
    absl::StrAppend(&key, word == "at" ? "@" : word == "dot" ? "." : word);
  }
  return key;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Screener>> Rules::CompileConfig(
    const v1::CommunityConfig& config) {
  if (absl::Status s = ValidateRulesConfig(config.rules()); !s.ok()) return s;
  absl::StatusOr<Screener> screener = Screener::Create(ScreenerOptionsFrom(config.rules()));
  if (!screener.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("rules.", screener.status().message()));
  }
  return std::make_shared<const Screener>(*std::move(screener));
}

Rules::Rules(const v1::CommunityConfig& config, const membership::Membership& members,
             std::shared_ptr<const Screener> screener)
    : config_(config), members_(members), eff_(config.rules()), screener_(std::move(screener)) {}

Rules::MemberRules& Rules::state(MemberIndex m) {
  if (m >= by_member_.size()) by_member_.resize(m + 1);
  return by_member_[m];
}

const Rules::MemberRules* Rules::find_state(MemberIndex m) const {
  return m < by_member_.size() ? &by_member_[m] : nullptr;
}

bool Rules::Handles(v1::Event::KindCase kind) {
  return kind == v1::Event::kMessage || kind == v1::Event::kReport ||
         kind == v1::Event::kSanction || kind == v1::Event::kRevokeStrike ||
         kind == v1::Event::kEditMessage || kind == v1::Event::kDeleteMessage ||
         kind == v1::Event::kDismissReports;
}

// ---------------------------------------------------------------- checks

absl::Status Rules::Check(const v1::Event& e) const {
  switch (e.kind_case()) {
    case v1::Event::kMessage: return CheckMessage(e);
    case v1::Event::kReport: return CheckReport(e);
    case v1::Event::kSanction: return CheckSanction(e);
    case v1::Event::kRevokeStrike: return CheckRevoke(e);
    case v1::Event::kEditMessage: return CheckEdit(e);
    case v1::Event::kDeleteMessage: return CheckDelete(e);
    case v1::Event::kDismissReports: return CheckDismiss(e);
    default: return absl::InternalError("rules: event kind not handled here");
  }
}

absl::Status Rules::CheckMessage(const v1::Event& e) const {
  if (absl::Status s = members_.ActorInGroup(e).status(); !s.ok()) return s;
  const v1::Message& msg = e.message();
  if (msg.message_id().empty()) return InvalidField("message.message_id", "required");
  if (FindMessage(msg.message_id()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("message.message_id: message '", msg.message_id(), "' was seen before"));
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckReport(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> reporter = members_.ActiveMember(e.actor(), "actor");
  if (!reporter.ok()) return reporter.status();
  const Remembered* msg = FindMessage(e.report().message_id());
  if (msg == nullptr) {
    return absl::NotFoundError(absl::StrCat("report.message_id: unknown or forgotten message '",
                                            e.report().message_id(), "'"));
  }
  if (msg->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("report.message_id: message '", msg->message_id, "' was deleted"));
  }
  if (msg->author == *reporter) {
    return InvalidField("report.message_id", "members cannot report their own message");
  }
  if (std::find(msg->reporters.begin(), msg->reporters.end(), *reporter) !=
      msg->reporters.end()) {
    return absl::AlreadyExistsError("report.message_id: this member reported it already");
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckSanction(const v1::Event& e) const {
  const v1::Sanction& s = e.sanction();
  if (s.kind() == v1::SANCTION_KIND_UNSPECIFIED) {
    return InvalidField("sanction.kind", "required (warn, mute or unmute)");
  }
  absl::StatusOr<MemberIndex> target = members_.ActiveMember(s.member(), "sanction.member");
  if (!target.ok()) return target.status();
  if (absl::Status st = members_.AuthorizeOperator(e, OperatorAct::kSanction, *target); !st.ok()) {
    return st;
  }
  if (!s.category().empty()) {
    if (absl::Status st = CheckCategory(config_.rules(), s.category(), "sanction.category");
        !st.ok()) {
      return st;
    }
  }
  if (s.kind() == v1::SANCTION_KIND_MUTE && s.duration_seconds() <= 0) {
    return InvalidField("sanction.duration_seconds", "must be positive for a mute");
  }
  const MemberRules* st = find_state(*target);
  if (s.kind() == v1::SANCTION_KIND_UNMUTE && (st == nullptr || st->mute_until_ms <= e.time_ms())) {
    return absl::FailedPreconditionError(
        absl::StrCat("sanction.member: member '", s.member(), "' is not muted"));
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckRevoke(const v1::Event& e) const {
  const v1::StrikeRevocation& r = e.revoke_strike();
  absl::StatusOr<MemberIndex> target = members_.ActiveMember(r.member(), "revoke_strike.member");
  if (!target.ok()) return target.status();
  if (absl::Status st = members_.AuthorizeOperator(e, OperatorAct::kRevokeStrike, *target);
      !st.ok()) {
    return st;
  }
  const MemberRules* st = find_state(*target);
  const bool live = st != nullptr &&
                    std::any_of(st->strikes.begin(), st->strikes.end(), [&](const v1::Strike& s) {
                      return s.id() == r.strike_id() && !s.revoked();
                    });
  if (!live) {
    return absl::NotFoundError(absl::StrCat("revoke_strike.strike_id: member '", r.member(),
                                            "' has no unrevoked strike ", r.strike_id()));
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckEdit(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> editor = members_.ActiveMember(e.actor(), "actor");
  if (!editor.ok()) return editor.status();
  const v1::MessageEdit& edit = e.edit_message();
  if (edit.message_id().empty()) return InvalidField("edit_message.message_id", "required");
  const Remembered* msg = FindMessage(edit.message_id());
  if (msg == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "edit_message.message_id: unknown or forgotten message '", edit.message_id(), "'"));
  }
  if (msg->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("edit_message.message_id: message '", msg->message_id, "' was deleted"));
  }
  if (msg->author != *editor) {
    return absl::PermissionDeniedError(absl::StrCat(
        "edit_message.message_id: message '", msg->message_id, "' is by '",
        members_.member(msg->author).id, "'; only its author may edit it"));
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckDelete(const v1::Event& e) const {
  absl::StatusOr<MemberIndex> actor = members_.ActiveMember(e.actor(), "actor");
  if (!actor.ok()) return actor.status();
  const v1::MessageDeletion& d = e.delete_message();
  if (d.message_id().empty()) return InvalidField("delete_message.message_id", "required");
  const Remembered* msg = FindMessage(d.message_id());
  if (msg == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "delete_message.message_id: unknown or forgotten message '", d.message_id(), "'"));
  }
  if (msg->deleted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "delete_message.message_id: message '", msg->message_id, "' was deleted already"));
  }
  if (msg->author == *actor) return absl::OkStatus();
  // Someone else's message: only staff who may sanction its author.
  if (absl::Status st = members_.AuthorizeOperator(e, OperatorAct::kSanction, msg->author);
      !st.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "delete_message.message_id: message '", msg->message_id, "' is by '",
        members_.member(msg->author).id, "'; only its author or a moderator may delete it (",
        st.message(), ")"));
  }
  return absl::OkStatus();
}

absl::Status Rules::CheckDismiss(const v1::Event& e) const {
  if (absl::Status st = members_.AuthorizeOperator(e, OperatorAct::kDismissReports, std::nullopt);
      !st.ok()) {
    return st;
  }
  const v1::ReportDismissal& d = e.dismiss_reports();
  if (d.message_id().empty()) return InvalidField("dismiss_reports.message_id", "required");
  const Remembered* msg = FindMessage(d.message_id());
  if (msg == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "dismiss_reports.message_id: unknown or forgotten message '", d.message_id(), "'"));
  }
  if (msg->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("dismiss_reports.message_id: message '", msg->message_id, "' was deleted"));
  }
  if (msg->hidden && !msg->hidden_by_reports) {
    return absl::FailedPreconditionError(
        absl::StrCat("dismiss_reports.message_id: message '", msg->message_id,
                     "' was hidden by the rules, not by reports"));
  }
  if (!msg->hidden) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dismiss_reports.message_id: message '", msg->message_id, "' is not hidden (reported by ",
        msg->reporters.size(), " of the ", eff_.report_threshold, " needed)"));
  }
  // Whoever was reported does not judge the reports.
  if (msg->author == *members_.Find(e.actor())) {
    return absl::PermissionDeniedError(
        "dismiss_reports.message_id: nobody may dismiss the reports on their own message");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- apply

void Rules::Apply(const v1::Event& e, v1::Outcome& out) {
  switch (e.kind_case()) {
    case v1::Event::kMessage: return ApplyMessage(e, out);
    case v1::Event::kReport: return ApplyReport(e, out);
    case v1::Event::kSanction: return ApplySanction(e, out);
    case v1::Event::kRevokeStrike: return ApplyRevoke(e, out);
    case v1::Event::kEditMessage: return ApplyEdit(e, out);
    case v1::Event::kDeleteMessage: return ApplyDelete(e);
    case v1::Event::kDismissReports: return ApplyDismiss(e, out);
    default: return;
  }
}

bool Rules::Allowed(const ScreenMatch& match, absl::string_view text) const {
  const absl::string_view matched = text.substr(match.begin, match.end - match.begin);
  switch (match.source) {
    case MatchSource::kUrl: return eff_.AllowedHost(LinkHost(matched));
    case MatchSource::kPhone: return eff_.AllowedAccount(AccountKey(NormalizeForScreening(matched)));
    case MatchSource::kWeChat:
    case MatchSource::kQq: return eff_.AllowedAccount(AccountKey(LastIdRun(matched)));
    case MatchSource::kEmail: return eff_.AllowedAccount(EmailKey(matched));
    default: return false;
  }
}

std::vector<Rules::Violation> Rules::Screen(absl::string_view text, v1::Role role) const {
  std::vector<Violation> found;
  if (text.empty()) return found;
  for (const ScreenMatch& m : screener_->Screen(text).matches) {
    if (eff_.Exempt(role, m.category) || Allowed(m, text)) continue;
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const Violation& v) { return v.category == m.category; });
    if (it == found.end()) {
      found.push_back({std::string(m.category), {}, ""});
      it = found.end() - 1;
    }
    v1::TextSpan span;
    span.set_begin(m.begin);
    span.set_end(m.end);
    if (it->spans.size() < limits::kMaxAuditSpans) it->spans.push_back(span);
    if (it->matched.size() >= limits::kMaxAuditTextBytes) continue;
    if (!it->matched.empty()) absl::StrAppend(&it->matched, " ");
    absl::StrAppend(&it->matched, text.substr(m.begin, m.end - m.begin));
    it->matched = std::string(CutUtf8(it->matched, limits::kMaxAuditTextBytes));
  }
  return found;
}

void Rules::Hide(const std::vector<Violation>& found, absl::string_view message_id,
                 const v1::Event& e, v1::Outcome& out) {
  v1::Action& hide =
      AddAction(out, v1::ACTION_KIND_HIDE_MESSAGE, HideRule(found.front().category), e.actor());
  hide.set_message_id(std::string(message_id));
  hide.set_group(GroupOf(e));
  hide.set_category(found.front().category);
  // A violation that is the message itself (no spans) hides it whole.
  const bool whole = std::any_of(found.begin(), found.end(),
                                 [](const Violation& v) { return v.spans.empty(); });
  if (whole) return;
  for (const Violation& v : found) {
    for (const v1::TextSpan& s : v.spans) *hide.add_spans() = s;
  }
}

std::optional<Rules::Violation> Rules::Flood(MemberIndex m, const v1::Message& msg, int64_t now) {
  const v1::FloodRule& rule = config_.rules().flood();
  MemberRules& st = state(m);
  std::optional<Violation> found;
  if (rule.max_messages() > 0) {
    const int64_t since = now - rule.window_seconds() * kMillis;
    std::erase_if(st.recent_ms, [&](int64_t t) { return t <= since; });
    st.recent_ms.push_back(now);
    if (st.recent_ms.size() > rule.max_messages()) {
      found = Violation{std::string(kFlooding), {}, absl::StrCat(st.recent_ms.size(),
                        " messages within ", rule.window_seconds(), " s")};
      st.recent_ms.clear();
    }
  }
  if (rule.max_repeats() > 0 && !msg.text().empty()) {
    const uint64_t h = StableHash(NormalizeForScreening(msg.text()));
    const bool again = h == st.last_text_hash &&
                       (eff_.repeat_window_ms == 0 || now - st.last_text_ms <= eff_.repeat_window_ms);
    st.repeats = again ? st.repeats + 1 : 1;
    st.last_text_hash = h;
    st.last_text_ms = now;
    if (st.repeats >= rule.max_repeats() && !found.has_value()) {
      found = Violation{std::string(kFlooding), {}, absl::StrCat("the same text ", st.repeats,
                        " times")};
      st.repeats = 0;
    }
  }
  return found;
}

void Rules::ApplyMessage(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  const v1::Message& msg = e.message();
  ForgetOld(e.time_ms());
  Remembered& remembered = Remember(e, m);
  if (state(m).mute_until_ms > e.time_ms()) {
    remembered.hidden = true;
    v1::Action& hide = AddAction(out, v1::ACTION_KIND_HIDE_MESSAGE, "rules.mute", e.actor());
    hide.set_reason("muted");
    hide.set_message_id(msg.message_id());
    hide.set_group(e.group());
    return;
  }
  const v1::Role role = members_.member(m).role;
  std::vector<Violation> found = Screen(msg.text(), role);
  const uint64_t max_bytes = config_.rules().max_attachment_bytes();
  if (max_bytes > 0 && msg.size_bytes() > max_bytes && !eff_.Exempt(role, kOversize)) {
    found.push_back({std::string(kOversize), {},
                     absl::StrCat(msg.size_bytes(), " bytes, limit ", max_bytes)});
  }
  if (!eff_.Exempt(role, kFlooding)) {
    if (std::optional<Violation> flood = Flood(m, msg, e.time_ms()); flood.has_value()) {
      found.push_back(*std::move(flood));
    }
  }
  if (found.empty()) return;
  // Every violation hides the message, hide_only or laddered alike.
  remembered.hidden = true;
  Hide(found, msg.message_id(), e, out);
  std::erase_if(found, [&](const Violation& v) { return eff_.For(v.category).hide_only; });
  if (found.empty()) return;
  Sanction(m, found, e, out);
  Mediate(m, e, out);
}

void Rules::Sanction(MemberIndex m, const std::vector<Violation>& found, const v1::Event& e,
                     v1::Outcome& out) {
  // The strike this violation would be, on its category's ladder.
  auto count_for = [&](const Violation& v) {
    const bool own = eff_.For(v.category).count_own_strikes;
    return (own ? LiveStrikes(m, v.category, e.time_ms()) : LiveStrikes(m, e.time_ms())) + 1;
  };
  // One strike per message: the category whose step is harshest decides.
  size_t pick = 0;
  for (size_t i = 1; i < found.size(); ++i) {
    if (Severity(StepAt(eff_.For(found[i].category).steps, count_for(found[i]))) >
        Severity(StepAt(eff_.For(found[pick].category).steps, count_for(found[pick])))) {
      pick = i;
    }
  }
  const Violation& v = found[pick];
  const uint32_t count = count_for(v);
  const LadderRef ladder = eff_.For(v.category);
  const size_t step_index = std::min<size_t>(count, ladder.steps.size()) - 1;
  const v1::LadderStep& step = ladder.steps[step_index];
  const std::string rule = absl::StrCat(ladder.path, "[", step_index, "]");
  MemberRules& st = state(m);
  v1::Strike& strike = st.strikes.emplace_back();
  strike.set_id(next_strike_id_++);
  strike.set_time_ms(e.time_ms());
  strike.set_category(v.category);
  strike.set_rule(rule);
  strike.set_event_id(e.id());
  const membership::Member& who = members_.member(m);
  const std::string message_id = e.has_message()        ? e.message().message_id()
                                 : e.has_edit_message() ? e.edit_message().message_id()
                                                        : "";
  const int first = out.actions_size();
  const std::string group = GroupOf(e);
  auto add = [&](v1::ActionKind kind, absl::string_view why) -> v1::Action& {
    v1::Action& a = AddAction(out, kind, why, who.id);
    a.set_category(v.category);
    a.set_group(group);
    a.set_strike_count(count);
    a.set_strike_id(strike.id());
    a.set_message_id(message_id);
    a.set_text(v.matched);
    for (const v1::TextSpan& s : v.spans) *a.add_spans() = s;
    return a;
  };
  // The owner runs the community: rules may warn them but never mute,
  // remove, ban or fine them, whatever the exemptions say.
  const bool owner = who.role == v1::ROLE_OWNER;
  const bool softened = owner && (step.mute_seconds() > 0 || step.remove() || step.ban());
  if (step.warn() || softened) add(v1::ACTION_KIND_WARN_PRIVATELY, rule);
  if (step.announce()) add(v1::ACTION_KIND_ANNOUNCE, rule);
  const bool exits = (step.remove() || step.ban()) && !owner;
  if (step.mute_seconds() > 0 && !exits && !owner) {
    add(v1::ACTION_KIND_MUTE, rule).set_duration_seconds(step.mute_seconds());
    strike.set_mute_until_ms(e.time_ms() + step.mute_seconds() * kMillis);
    Mute(m, strike.mute_until_ms());
  }
  // The deduction for this violation comes first, also on the step that
  // removes: the removal then forfeits only what is left.
  const int64_t deduction = owner ? 0 : std::min(ladder.deduction_cents, who.deposit_cents);
  if (deduction > 0) {
    // The engine takes it from the deposit and removes the member at zero.
    add(v1::ACTION_KIND_DEDUCT_DEPOSIT, ladder.deduction_path).set_amount_cents(deduction);
  }
  // A deduction that empties the deposit removes the member already.
  const bool emptied = deduction > 0 && deduction == who.deposit_cents;
  if (exits && (step.ban() || !emptied)) {
    add(step.ban() ? v1::ACTION_KIND_BAN : v1::ACTION_KIND_REMOVE, rule)
        .set_reason(absl::StrCat("strike ", count, ": ", v.category));
  }
  for (int i = first; i < out.actions_size(); ++i) Audit(out.actions(i), e, "");
}

void Rules::Mediate(MemberIndex m, const v1::Event& e, v1::Outcome& out) {
  if (eff_.mediation_window_ms == 0) return;
  const v1::Message& msg = e.message();
  const Remembered* replied = FindMessage(msg.reply_to());
  if (replied == nullptr || replied->deleted || replied->author == m) return;
  // Sanction has just recorded this message's strike.
  if (!eff_.IsDispute(state(m).strikes.back().category())) return;
  const MemberIndex other = replied->author;
  MemberRules& mine = state(m);
  mine.last_insult_target = other;
  mine.last_insult_ms = e.time_ms();
  const MemberRules& theirs = state(other);
  if (theirs.last_insult_target != m || e.time_ms() - theirs.last_insult_ms > eff_.mediation_window_ms) {
    return;
  }
  v1::Action& a = AddAction(out, v1::ACTION_KIND_MEDIATE, "rules.mediation_window_seconds",
                            members_.member(m).id);
  a.set_target_member(members_.member(other).id);
  a.set_group(e.group());
  a.set_message_id(msg.message_id());
  a.set_text("insults exchanged both ways: mediate privately with both sides");
  Audit(a, e, "");
}

void Rules::Mute(MemberIndex m, int64_t until) {
  MemberRules& st = state(m);
  mutes_.erase({st.mute_until_ms, m});
  st.mute_until_ms = std::max(st.mute_until_ms, until);
  mutes_.insert({st.mute_until_ms, m});
}

void Rules::ApplyReport(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex reporter = *members_.Find(e.actor());
  Remembered& msg = messages_[message_seq_.at(e.report().message_id()) - first_message_seq_];
  msg.reporters.push_back(reporter);
  if (msg.hidden || eff_.report_threshold == 0 || msg.reporters.size() < eff_.report_threshold) {
    return;
  }
  // Reports never strike by themselves: an admin decides, so false reports
  // cost the reported member nothing.
  msg.hidden = true;
  msg.hidden_by_reports = true;
  const std::string& author = members_.member(msg.author).id;
  for (v1::ActionKind kind : {v1::ACTION_KIND_HIDE_MESSAGE, v1::ACTION_KIND_FLAG_FOR_ADMIN}) {
    v1::Action& a = AddAction(out, kind, "rules.report_threshold", author);
    a.set_message_id(msg.message_id);
    a.set_group(msg.group);
    a.set_amount(static_cast<int64_t>(msg.reporters.size()));
    a.set_reason("reported");
    a.set_text(e.report().reason());
  }
}

void Rules::ApplySanction(const v1::Event& e, v1::Outcome& out) {
  const v1::Sanction& s = e.sanction();
  const MemberIndex m = *members_.Find(s.member());
  MemberRules& st = state(m);
  uint32_t count = LiveStrikes(m, e.time_ms());
  uint64_t strike_id = 0;
  if (s.strike()) {
    v1::Strike& strike = st.strikes.emplace_back();
    strike.set_id(strike_id = next_strike_id_++);
    strike.set_time_ms(e.time_ms());
    strike.set_category(s.category().empty() ? "manual" : s.category());
    strike.set_rule("operator.sanction");
    strike.set_event_id(e.id());
    ++count;
  }
  const v1::ActionKind kind = s.kind() == v1::SANCTION_KIND_WARN   ? v1::ACTION_KIND_WARN_PRIVATELY
                              : s.kind() == v1::SANCTION_KIND_MUTE ? v1::ACTION_KIND_MUTE
                                                                   : v1::ACTION_KIND_UNMUTE;
  v1::Action& a = AddAction(out, kind, "operator.sanction", s.member());
  a.set_text(s.reason());
  a.set_category(s.category());
  a.set_strike_count(count);
  a.set_strike_id(strike_id);
  a.set_group(e.group());
  if (kind == v1::ACTION_KIND_MUTE) {
    a.set_duration_seconds(s.duration_seconds());
    if (s.strike()) st.strikes.back().set_mute_until_ms(e.time_ms() + s.duration_seconds() * kMillis);
    Mute(m, e.time_ms() + s.duration_seconds() * kMillis);
  }
  if (kind == v1::ACTION_KIND_UNMUTE) {
    mutes_.erase({st.mute_until_ms, m});
    st.mute_until_ms = 0;
  }
  Audit(a, e, e.actor());
}

void Rules::ApplyRevoke(const v1::Event& e, v1::Outcome& out) {
  const v1::StrikeRevocation& r = e.revoke_strike();
  const MemberIndex m = *members_.Find(r.member());
  MemberRules& st = state(m);
  auto strike = std::find_if(st.strikes.begin(), st.strikes.end(),
                             [&](const v1::Strike& s) { return s.id() == r.strike_id(); });
  strike->set_revoked(true);
  v1::Action& a = AddAction(out, v1::ACTION_KIND_REVOKE_STRIKE, "operator.revoke_strike", r.member());
  a.set_strike_id(r.strike_id());
  a.set_strike_count(LiveStrikes(m, e.time_ms()));
  a.set_category(strike->category());
  a.set_text(r.reason());
  Audit(a, e, e.actor());
  // A mute that this strike caused and that still runs is lifted with it.
  if (strike->mute_until_ms() > e.time_ms() && st.mute_until_ms == strike->mute_until_ms()) {
    mutes_.erase({st.mute_until_ms, m});
    st.mute_until_ms = 0;
    v1::Action& unmute = AddAction(out, v1::ACTION_KIND_UNMUTE, "operator.revoke_strike", r.member());
    unmute.set_strike_id(r.strike_id());
    Audit(unmute, e, e.actor());
  }
}

void Rules::ApplyEdit(const v1::Event& e, v1::Outcome& out) {
  const MemberIndex m = *members_.Find(e.actor());
  const v1::MessageEdit& edit = e.edit_message();
  Remembered& msg = messages_[message_seq_.at(edit.message_id()) - first_message_seq_];
  if (state(m).mute_until_ms > e.time_ms()) {
    msg.hidden = true;
    msg.hidden_by_reports = false;  // the rules hide it now: no dismissal shows it
    v1::Action& hide = AddAction(out, v1::ACTION_KIND_HIDE_MESSAGE, "rules.mute", e.actor());
    hide.set_reason("muted");
    hide.set_message_id(edit.message_id());
    hide.set_group(msg.group);
    return;
  }
  std::vector<Violation> found = Screen(edit.text(), members_.member(m).role);
  if (found.empty()) return;
  msg.hidden = true;
  msg.hidden_by_reports = false;
  Hide(found, edit.message_id(), e, out);
  std::erase_if(found, [&](const Violation& v) { return eff_.For(v.category).hide_only; });
  if (found.empty()) return;
  Sanction(m, found, e, out);
}

void Rules::ApplyDelete(const v1::Event& e) {
  messages_[message_seq_.at(e.delete_message().message_id()) - first_message_seq_].deleted = true;
}

void Rules::ApplyDismiss(const v1::Event& e, v1::Outcome& out) {
  const v1::ReportDismissal& d = e.dismiss_reports();
  Remembered& msg = messages_[message_seq_.at(d.message_id()) - first_message_seq_];
  const size_t dismissed = msg.reporters.size();
  // Cleared, so the dismissed reports never count towards the threshold again.
  msg.reporters.clear();
  msg.hidden = false;
  msg.hidden_by_reports = false;
  v1::Action& a = AddAction(out, v1::ACTION_KIND_RESTORE_MESSAGE, "operator.dismiss_reports",
                            members_.member(msg.author).id);
  a.set_message_id(msg.message_id);
  a.set_group(msg.group);
  a.set_amount(static_cast<int64_t>(dismissed));
  a.set_text(d.reason());
  Audit(a, e, e.actor());
}

std::optional<Rules::ApplicantRefusal> Rules::ScreenApplicant(const v1::Event& e) const {
  if (!e.has_apply() || !config_.rules().screen_nicknames()) return std::nullopt;
  std::optional<MemberIndex> m = members_.Find(e.actor());
  const v1::Role role = m.has_value() ? members_.member(*m).role : v1::ROLE_MEMBER;
  std::vector<Violation> found = Screen(e.apply().nickname(), role);
  std::erase_if(found, [&](const Violation& v) { return eff_.For(v.category).hide_only; });
  if (found.empty()) return std::nullopt;
  return ApplicantRefusal{"rules.screen_nicknames", found.front().category,
                          found.front().matched};
}

void Rules::Observe(const v1::Event& e, v1::Outcome& out) {
  if (!e.has_rename() || !config_.rules().screen_nicknames()) return;
  std::optional<MemberIndex> m = members_.Find(e.actor());
  if (!m.has_value() || !members_.member(*m).active()) return;
  std::vector<Violation> found = Screen(e.rename().nickname(), members_.member(*m).role);
  std::erase_if(found, [&](const Violation& v) { return eff_.For(v.category).hide_only; });
  if (found.empty()) return;
  v1::Action& remind = AddAction(out, v1::ACTION_KIND_REMIND, "rules.screen_nicknames", e.actor());
  remind.set_reason("nickname.banned_words");
  remind.set_category(found.front().category);
  remind.set_text(found.front().matched);
  Sanction(*m, found, e, out);
}

// ---------------------------------------------------------------- state

uint32_t Rules::LiveStrikes(MemberIndex m, absl::string_view category, int64_t now) const {
  const MemberRules* st = find_state(m);
  if (st == nullptr) return 0;
  const int64_t expiry = eff_.strike_expiry_ms;
  return static_cast<uint32_t>(std::count_if(
      st->strikes.begin(), st->strikes.end(), [&](const v1::Strike& s) {
        return !s.revoked() && (expiry == 0 || s.time_ms() > now - expiry) &&
               s.category() == category;
      }));
}

uint32_t Rules::LiveStrikes(MemberIndex m, int64_t now) const {
  const MemberRules* st = find_state(m);
  if (st == nullptr) return 0;
  const int64_t expiry = eff_.strike_expiry_ms;
  return static_cast<uint32_t>(std::count_if(
      st->strikes.begin(), st->strikes.end(),
      [&](const v1::Strike& s) { return !s.revoked() && (expiry == 0 || s.time_ms() > now - expiry); }));
}

void Rules::Audit(const v1::Action& a, const v1::Event& e, absl::string_view by) {
  AddAudit(a, e.time_ms(), e.id(), by);
}

void Rules::AddAudit(const v1::Action& a, int64_t time_ms, absl::string_view event_id,
                     absl::string_view by) {
  ForgetOldAudit(time_ms);
  v1::AuditEntry& entry = audit_.emplace_back();
  entry.set_time_ms(time_ms);
  entry.set_event_id(std::string(event_id));
  entry.set_member(a.member());
  entry.set_action(a.kind());
  entry.set_rule(a.rule());
  entry.set_category(a.category());
  entry.set_strike_count(a.strike_count());
  entry.set_strike_id(a.strike_id());
  entry.set_message_id(a.message_id());
  for (int i = 0; i < a.spans_size() && i < limits::kMaxAuditSpans; ++i) {
    *entry.add_spans() = a.spans(i);
  }
  entry.set_matched(std::string(CutUtf8(a.text(), limits::kMaxAuditTextBytes)));
  entry.set_by(std::string(by));
  entry.set_amount_cents(a.amount_cents());
}

void Rules::ForgetOldAudit(int64_t now) {
  for (int i = 0; i < limits::kMaxAuditDropsPerEvent && !audit_.empty() &&
                  audit_.front().time_ms() < now - eff_.audit_retention_ms;
       ++i) {
    audit_.pop_front();
  }
}

void Rules::AuditConsequences(const v1::Action& cause, const v1::Outcome& consequences,
                              int first, int64_t now) {
  const bool ours = cause.strike_id() != 0 && absl::StartsWith(cause.rule(), "rules.") &&
                    (cause.kind() == v1::ACTION_KIND_REMOVE || cause.kind() == v1::ACTION_KIND_BAN ||
                     cause.kind() == v1::ACTION_KIND_DEDUCT_DEPOSIT);
  if (!ours) return;
  // The event that caused it is the one the cause's own entry names.
  std::string event_id;
  for (auto it = audit_.rbegin(); it != audit_.rend(); ++it) {
    if (it->strike_id() == cause.strike_id()) {
      event_id = it->event_id();
      break;
    }
  }
  for (int i = first; i < consequences.actions_size(); ++i) {
    const v1::Action& a = consequences.actions(i);
    if (a.member() != cause.member()) continue;
    if (a.kind() != v1::ACTION_KIND_FORFEIT_DEPOSIT && a.kind() != v1::ACTION_KIND_REMOVE) continue;
    v1::Action entry = a;
    entry.set_strike_id(cause.strike_id());
    entry.set_strike_count(cause.strike_count());
    if (entry.category().empty()) entry.set_category(cause.category());
    AddAudit(entry, now, event_id, "");
  }
}

std::vector<v1::AuditEntry> Rules::AuditOf(MemberIndex m, int64_t now) const {
  std::vector<v1::AuditEntry> entries;
  const std::string& id = members_.member(m).id;
  for (const v1::AuditEntry& a : audit_) {
    if (a.member() == id && a.time_ms() >= now - eff_.audit_retention_ms) entries.push_back(a);
  }
  return entries;
}

Rules::Remembered& Rules::Remember(const v1::Event& e, MemberIndex author) {
  message_seq_[e.message().message_id()] = first_message_seq_ + messages_.size();
  return messages_.emplace_back(
      Remembered{e.message().message_id(), author, e.group(), e.time_ms(), {}, false, false, false});
}

void Rules::ForgetOld(int64_t now) {
  const int64_t memory = eff_.message_memory_ms;
  while (!messages_.empty() && messages_.front().time_ms < now - memory) {
    message_seq_.erase(messages_.front().message_id);
    messages_.pop_front();
    ++first_message_seq_;
  }
}

std::string Rules::GroupOf(const v1::Event& e) const {
  if (!e.has_edit_message()) return e.group();
  const Remembered* msg = FindMessage(e.edit_message().message_id());
  return msg == nullptr ? e.group() : msg->group;
}

const Rules::Remembered* Rules::FindMessage(absl::string_view id) const {
  auto it = message_seq_.find(id);
  if (it == message_seq_.end()) return nullptr;
  return &messages_[it->second - first_message_seq_];
}

std::optional<int64_t> Rules::NextDue() const {
  if (mutes_.empty()) return std::nullopt;
  return mutes_.begin()->first;
}

void Rules::RunDue(int64_t now, v1::Outcome& out) {
  while (!mutes_.empty() && mutes_.begin()->first <= now) {
    const auto [until, m] = *mutes_.begin();
    mutes_.erase(mutes_.begin());
    by_member_[m].mute_until_ms = 0;
    if (!members_.member(m).active()) continue;
    v1::Action& a = AddAction(out, v1::ACTION_KIND_UNMUTE, "rules.mute_expiry",
                              members_.member(m).id);
    a.set_reason("mute expired");
  }
}

void Rules::Save(v1::RulesState* state) const {
  state->set_next_strike_id(next_strike_id_);
  for (MemberIndex m = 0; m < by_member_.size(); ++m) {
    const MemberRules& st = by_member_[m];
    if (st.strikes.empty() && st.recent_ms.empty() && st.mute_until_ms == 0 &&
        st.last_text_hash == 0 && st.last_insult_ms == 0) {
      continue;
    }
    v1::MemberRulesRecord* r = state->add_members();
    r->set_member(members_.member(m).id);
    for (const v1::Strike& s : st.strikes) *r->add_strikes() = s;
    r->set_mute_until_ms(st.mute_until_ms);
    for (int64_t t : st.recent_ms) r->add_recent_message_ms(t);
    r->set_last_text_hash(st.last_text_hash);
    r->set_repeats(st.repeats);
    r->set_last_text_ms(st.last_text_ms);
    if (st.last_insult_target != membership::kNoMember) {
      r->set_last_insult_target(members_.member(st.last_insult_target).id);
    }
    r->set_last_insult_ms(st.last_insult_ms);
  }
  for (const Remembered& msg : messages_) {
    v1::RememberedMessage* r = state->add_messages();
    r->set_message_id(msg.message_id);
    r->set_author(members_.member(msg.author).id);
    r->set_group(msg.group);
    r->set_time_ms(msg.time_ms);
    for (MemberIndex rep : msg.reporters) r->add_reporters(members_.member(rep).id);
    r->set_hidden(msg.hidden);
    r->set_deleted(msg.deleted);
    r->set_hidden_by_reports(msg.hidden_by_reports);
  }
  for (const v1::AuditEntry& a : audit_) *state->add_audit() = a;
}

absl::Status Rules::Load(const v1::RulesState& state) {
  auto member = [&](absl::string_view id, absl::string_view path) -> absl::StatusOr<MemberIndex> {
    std::optional<MemberIndex> m = members_.Find(id);
    if (!m.has_value()) {
      return InvalidField(path, absl::StrCat("unknown member '", id, "'"));
    }
    return *m;
  };
  std::vector<MemberRules> by_member;
  absl::btree_set<std::pair<int64_t, MemberIndex>> mutes;
  for (int i = 0; i < state.members_size(); ++i) {
    const v1::MemberRulesRecord& r = state.members(i);
    const std::string at = absl::StrCat("rules.members[", i, "]");
    absl::StatusOr<MemberIndex> m = member(r.member(), at + ".member");
    if (!m.ok()) return m.status();
    if (*m >= by_member.size()) by_member.resize(*m + 1);
    MemberRules& st = by_member[*m];
    st.strikes.assign(r.strikes().begin(), r.strikes().end());
    for (const v1::Strike& s : st.strikes) {
      if (s.id() == 0 || s.id() >= state.next_strike_id()) {
        return InvalidField(at + ".strikes", "strike id outside 1..next_strike_id");
      }
    }
    st.recent_ms.assign(r.recent_message_ms().begin(), r.recent_message_ms().end());
    st.mute_until_ms = r.mute_until_ms();
    st.last_text_hash = r.last_text_hash();
    st.repeats = r.repeats();
    st.last_text_ms = r.last_text_ms();
    if (!r.last_insult_target().empty()) {
      absl::StatusOr<MemberIndex> t = member(r.last_insult_target(), at + ".last_insult_target");
      if (!t.ok()) return t.status();
      st.last_insult_target = *t;
    }
    st.last_insult_ms = r.last_insult_ms();
    if (st.mute_until_ms > 0) mutes.insert({st.mute_until_ms, *m});
  }
  std::deque<Remembered> messages;
  absl::flat_hash_map<std::string, uint64_t> seq;
  for (int i = 0; i < state.messages_size(); ++i) {
    const v1::RememberedMessage& r = state.messages(i);
    const std::string at = absl::StrCat("rules.messages[", i, "]");
    absl::StatusOr<MemberIndex> author = member(r.author(), at + ".author");
    if (!author.ok()) return author.status();
    if (r.message_id().empty() || !seq.emplace(r.message_id(), i).second) {
      return InvalidField(at + ".message_id", "missing or duplicate");
    }
    if (r.hidden_by_reports() && !r.hidden()) {
      return InvalidField(at + ".hidden_by_reports", "set on a message that is not hidden");
    }
    Remembered msg{r.message_id(), *author, r.group(), r.time_ms(), {}, r.hidden(), r.deleted(),
                   r.hidden_by_reports()};
    for (const std::string& rep : r.reporters()) {
      absl::StatusOr<MemberIndex> who = member(rep, at + ".reporters");
      if (!who.ok()) return who.status();
      msg.reporters.push_back(*who);
    }
    messages.push_back(std::move(msg));
  }
  by_member_ = std::move(by_member);
  mutes_ = std::move(mutes);
  messages_ = std::move(messages);
  message_seq_ = std::move(seq);
  first_message_seq_ = 0;
  audit_.assign(state.audit().begin(), state.audit().end());
  next_strike_id_ = state.next_strike_id() == 0 ? 1 : state.next_strike_id();
  return absl::OkStatus();
}

}  // namespace shequn::rules
