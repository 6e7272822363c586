// shequn::limits — every bound the engine holds its inputs to, in one place.
//
// Every input has a stated bound, so a hostile host, config or snapshot
// costs time proportional to its size and never more. Every bound lives
// here: the parts (and the screener) keep none of their own. Past a bound a call
// returns InvalidArgument naming the field and the bound
// ("rename.nickname: 1048576 bytes, limit 256") and changes nothing; a full
// roster is ResourceExhausted.
//
// Events: each field of shequn.v1.Event is annotated in event.proto with the
// bound it is held to (`[(shequn.v1.bound) = BOUND_NAME]`, see bounds.proto);
// the engine checks a whole event against them once, before any part sees
// it: strings and lists against their bounds, every integer (signed or not)
// against its range, every enum against its declared values. Only bools
// carry no bound. Configs and snapshots are checked by the parts that read
// them, against the same constants.
#ifndef SHEQUN_LIMITS_H_
#define SHEQUN_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace shequn::limits {

// ---- Strings, in bytes; every string must also be valid UTF-8. ----------
// Ids: event id, actor, member and group references, group/team ids, tasks,
// messages, polls, orders (BOUND_ID).
inline constexpr size_t kMaxIdBytes = 256;
// Short names: nicknames, channels, attribute keys and values, group names,
// titles, tags, categories, poll options (BOUND_NAME).
inline constexpr size_t kMaxNameBytes = 256;
// Free text: an introduction (all fields together), a reason, a poll
// question, a check-in note, the welcome message, the handbook (BOUND_TEXT).
inline constexpr size_t kMaxTextBytes = 16 * 1024;
// A chat message's text or a task's submitted content (BOUND_MESSAGE_TEXT).
inline constexpr size_t kMaxMessageBytes = size_t{1} << 20;
// A tag, in code points (also at most kMaxNameBytes).
inline constexpr size_t kMaxTagCodePoints = 64;

// ---- Numbers. ------------------------------------------------------------
// Times: 0 .. 9999-12-31T23:59:59.999Z in Unix milliseconds (BOUND_TIME_MS).
inline constexpr int64_t kMaxTimeMs = 253'402'300'799'999;
// Durations: 0 .. ten years (BOUND_DURATION_SECONDS), in configs too; a
// config's periods counted in days are held to the same ten years.
inline constexpr int64_t kMaxDurationSeconds = 10LL * 365 * 24 * 3600;
inline constexpr int64_t kMaxDurationDays = kMaxDurationSeconds / 86'400;
// Money: 0 .. 10^12 cents, ten billion in any currency (BOUND_CENTS).
inline constexpr int64_t kMaxCents = 1'000'000'000'000;
// Points moved by one event: -10^12 .. 10^12 (BOUND_POINTS). The points
// config may set a tighter bound (points.max_adjustment).
inline constexpr int64_t kMaxPoints = 1'000'000'000'000;
// Points one configured rule, award or title names: 0 .. 10^6.
inline constexpr int64_t kMaxRulePoints = 1'000'000;
// A host's score (product activity): finite, magnitude at most 10^12
// (BOUND_SCORE).
inline constexpr double kMaxScore = 1e12;
// An attachment's size in bytes: 0 .. 1 TiB (BOUND_ATTACHMENT_BYTES).
inline constexpr int64_t kMaxAttachmentBytes = int64_t{1} << 40;
// A length in characters the host measured (a contribution's): 0 .. as many
// as the longest message holds (BOUND_CHARACTERS).
inline constexpr int64_t kMaxCharacters = int64_t{1} << 20;
// A strike's number as Action.strike_id names it: 0 .. 2^53 - 1, the
// largest integer every JSON reader keeps exact (BOUND_STRIKE_ID).
inline constexpr int64_t kMaxStrikeId = (int64_t{1} << 53) - 1;

// ---- Events. -------------------------------------------------------------
// An event's serialised size; checked before anything else in it.
inline constexpr size_t kMaxEventBytes = 4 * 1024 * 1024;
// Entries in one event's repeated or map field: apply.attributes,
// apply.completed_tasks, introduce.fields, ... (BOUND_ENTRIES).
inline constexpr int kMaxEventEntries = 64;
// Options of one poll, and a vote's choices (BOUND_POLL_OPTIONS); how many
// a member may choose, 0 .. kMaxPollOptions (BOUND_POLL_CHOICES); an
// option's index, 0 .. kMaxPollOptions - 1 (BOUND_POLL_OPTION).
inline constexpr int kMaxPollOptions = 100;
// Members listed as attending one group activity (BOUND_ATTENDEES).
inline constexpr int kMaxAttendees = 10'000;

// ---- Configs. ------------------------------------------------------------
// A config: its serialised size, and the lengths of its lists.
inline constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;
inline constexpr int kMaxGroups = 10'000;  // configured and opened together
inline constexpr int kMaxStaff = 10'000;
inline constexpr int kMaxTeams = 1'000;
// Config lists of a few entries: prescreen requirements, intro fields,
// nickname fields; and the allowed values of one requirement.
inline constexpr int kMaxConfigEntries = 64;
inline constexpr int kMaxAllowedValues = 1'000;
// Live leaderboards kept by the points part (points.live_boards).
inline constexpr int kMaxLiveBoards = 32;
// Tasks a title rule may ask a member to submit (points.titles[i].min_count).
inline constexpr uint32_t kMaxTitleTasks = 10'000;
// Activity windows of the segments part, in days (segments.windows_days).
inline constexpr int kMaxWindowDays = 31;
// Nesting of a segment predicate (and/or/not).
inline constexpr int kMaxPredicateDepth = 32;
// Nesting of any config, event or snapshot message, so no parse or check
// recurses without bound. Protobuf's binary and JSON parsers hold this
// limit (100) themselves; protobuf 3.21's text parser has none by default,
// so text is read through shequn::ParseTextFormat (shequn/text_format.h),
// which sets it; the engine's checks hold it again on the parsed message.
inline constexpr int kMaxNesting = 100;
// The fixed offset from UTC of a community without a time zone
// (utc_offset_seconds): ±18 hours, as ISO 8601 and absl allow.
inline constexpr int32_t kMaxUtcOffsetSeconds = 18 * 3600;
// The places one periodic award pays (points.awards[i].top_n): 1 .. 10^4.
inline constexpr int kMaxAwardPlaces = 10'000;
// How far back a missed check-in may be made up, in days
// (points.check_in.make_up_max_days_back), and how late a task may be
// submitted (points.tasks.late_window_seconds): a year.
inline constexpr int kMaxMakeUpDays = 366;
inline constexpr int64_t kMaxLateWindowSeconds = 366LL * 86'400;
// How long before an elimination its warning goes out
// (points.elimination.warn_before_seconds): a month.
inline constexpr int64_t kMaxEliminationWarningSeconds = 31LL * 86'400;
// Messages a flood rule counts in its window (rules.flood.max_messages).
inline constexpr int kMaxFloodMessages = 1'000;
// A factor a config names: the segments' seed weights, per-member health
// rates and the risk spike ratio are finite, at most 10^6.
inline constexpr double kMaxConfigFactor = 1e6;
// The group size a seed-user score is measured against
// (segments.seed.group_size).
inline constexpr int kMaxSeedGroupSize = 10'000;
// The longest list a Report carries (segments.report_list_limit): a
// report lists up to this many seed candidates, core users, ... each.
inline constexpr uint32_t kMaxReportListLimit = 10'000;

// ---- Screening (shequn/screening.h; InvalidArgument at Screener::Create).
// Words plus whitelist entries of one screener, in total.
inline constexpr size_t kMaxWords = 200'000;
// Letters of one word after normalisation.
inline constexpr size_t kMaxWordCodePoints = 64;
// Bytes of a category name.
inline constexpr size_t kMaxCategoryBytes = 64;
// ScreenerOptions::max_text_bytes: a match's offsets are 32-bit.
inline constexpr size_t kMaxScreenedTextBytes = UINT32_MAX;

// ---- State. --------------------------------------------------------------
// Distinct member ids one community remembers (past members included).
inline constexpr size_t kMaxMembers = 1'000'000;
// Distinct tags one community uses (segments.tags, and the tags its
// TagChange events name), held like the roster: a config listing more is
// refused (InvalidArgument) and so is a snapshot holding more; a community
// that lists its tags can never reach it, and one that lists none (any tag)
// is refused a new tag past it, at the event, with ResourceExhausted naming
// tag.tag, as a full roster refuses a newcomer.
inline constexpr int kMaxTags = 65'535;
// The largest member number (编号) an imported member may carry; numbers the
// engine hands out continue above the largest one imported.
inline constexpr uint32_t kMaxMemberNumber = 100'000'000;
// The inactivity purge's periods, in days (groups[i].purge): ten years.
inline constexpr uint32_t kMaxPurgeDays = 3650;
// What one audit entry keeps of the text that matched: its first
// kMaxAuditTextBytes bytes (cut back to a UTF-8 boundary) and its first
// kMaxAuditSpans spans, so a 1 MiB message costs the log about 2 KiB per
// sanction, not megabytes. The actions themselves carry the same cut.
inline constexpr size_t kMaxAuditTextBytes = 1024;
inline constexpr int kMaxAuditSpans = 64;
// Audit entries past their retention dropped per event, at most: the log
// shrinks back under its retention without a walk over it at one instant.
inline constexpr int kMaxAuditDropsPerEvent = 8;
// Violating messages one member's cross-group risk remembers within
// segments.risk.member_window_days (for counting an edited message once).
inline constexpr size_t kMaxRiskViolationsPerMember = 64;

}  // namespace shequn::limits

#endif  // SHEQUN_LIMITS_H_
