#include "base/actions.h"

namespace shequn {

void Finish(v1::Action& a, int64_t due_ms) {
  a.set_due_ms(due_ms);
  switch (a.kind()) {
    case v1::ACTION_KIND_ADMIT:
    case v1::ACTION_KIND_IMPORTED:
      a.mutable_admit()->set_member_number(static_cast<uint32_t>(a.amount()));
      return;
    case v1::ACTION_KIND_WAITLIST:
      a.mutable_waitlist()->set_position(static_cast<uint32_t>(a.amount()));
      return;
    case v1::ACTION_KIND_REFUSE:
    case v1::ACTION_KIND_WELCOME:
    case v1::ACTION_KIND_SEND_HANDBOOK:
    case v1::ACTION_KIND_REMIND:
    case v1::ACTION_KIND_WARN_PRIVATELY:
    case v1::ACTION_KIND_ANNOUNCE:
    case v1::ACTION_KIND_DYING_GROUP:
    case v1::ACTION_KIND_UNMUTE:
    case v1::ACTION_KIND_REVOKE_STRIKE:
      a.mutable_notice()->set_text(a.text());
      return;
    case v1::ACTION_KIND_REMOVE:
    case v1::ACTION_KIND_BAN:
      a.mutable_exit()->set_notice(a.text());
      a.mutable_exit()->set_missed_tasks(static_cast<uint32_t>(a.amount()));
      return;
    case v1::ACTION_KIND_OPEN_GROUP:
      a.mutable_open_group()->set_capacity(static_cast<uint32_t>(a.amount()));
      return;
    case v1::ACTION_KIND_SUGGEST_SPLIT:
      a.mutable_split()->set_headcount(static_cast<uint32_t>(a.amount()));
      return;
    case v1::ACTION_KIND_RISK_ALERT:
      a.mutable_risk()->set_violations(static_cast<uint32_t>(a.amount()));
      a.mutable_risk()->set_notice(a.text());
      return;
    case v1::ACTION_KIND_RESTORE_MESSAGE:
      a.mutable_restore()->set_dismissed_reports(static_cast<uint32_t>(a.amount()));
      a.mutable_restore()->set_reason(a.text());
      return;
    case v1::ACTION_KIND_HIDE_MESSAGE:
    case v1::ACTION_KIND_FLAG_FOR_ADMIN:
      // Only a hide after reports carries values beyond the envelope.
      if (a.amount() == 0 && a.text().empty()) return;
      a.mutable_reports()->set_reporters(static_cast<uint32_t>(a.amount()));
      a.mutable_reports()->set_reason(a.text());
      return;
    case v1::ACTION_KIND_ANNOUNCE_RESULTS:
      if (a.has_poll_results()) {  // the rest was filled where the poll closed
        a.mutable_poll_results()->set_text(a.text());
        return;
      }
      a.mutable_notice()->set_text(a.text());
      return;
    case v1::ACTION_KIND_ELIMINATION_WARNING:  // the rest was filled where it was built
      a.mutable_elimination_warning()->set_text(a.text());
      a.mutable_elimination_warning()->set_seconds_left(a.duration_seconds());
      return;
    case v1::ACTION_KIND_TAKE_DEPOSIT:
    case v1::ACTION_KIND_REFUND_DEPOSIT:
    case v1::ACTION_KIND_FORFEIT_DEPOSIT:
    case v1::ACTION_KIND_DEDUCT_DEPOSIT:
      a.mutable_deposit()->set_cents(a.amount_cents());
      return;
    case v1::ACTION_KIND_SET_ROLE:
      a.mutable_role()->set_role(static_cast<v1::Role>(a.amount()));
      return;
    case v1::ACTION_KIND_ASSIGN_TEAM:
      a.mutable_team()->set_team(a.text());
      return;
    case v1::ACTION_KIND_MUTE:
      a.mutable_mute()->set_duration_seconds(a.duration_seconds());
      a.mutable_mute()->set_until_ms(due_ms + a.duration_seconds() * 1000);
      a.mutable_mute()->set_notice(a.text());
      return;
    case v1::ACTION_KIND_AWARD_POINTS:
      a.mutable_points()->set_points(a.amount());
      return;
    case v1::ACTION_KIND_GRANT_TITLE:
    case v1::ACTION_KIND_REVOKE_TITLE:
      a.mutable_title()->set_title(a.text());
      return;
    case v1::ACTION_KIND_GIVE_PRIZE:
      a.mutable_prize()->set_prize(a.text());
      a.mutable_prize()->set_cents(a.amount_cents());
      a.mutable_prize()->set_place(static_cast<uint32_t>(a.amount()));
      return;
    default:
      return;
  }
}

}  // namespace shequn
