// Internal: the detectors that need a text's separators, fed one folded
// character at a time by the Screener's single pass. Each keeps O(1) state
// and allocates nothing; matches go to a MatchSink.
#ifndef SHEQUN_SRC_SCREENING_DETECTORS_H_
#define SHEQUN_SRC_SCREENING_DETECTORS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "screening/text_normalizer.h"
#include "shequn/screening.h"

namespace shequn::screening {

// Where detectors report: appends ScreenMatches for enabled sources.
struct MatchSink {
  std::vector<ScreenMatch>* out;
  absl::string_view link_category;
  absl::string_view contact_category;
  uint32_t enabled;  // bit (1 << MatchSource) per enabled detector

  bool Enabled(MatchSource s) const {
    return (enabled >> static_cast<int>(s)) & 1;
  }
  void Emit(MatchSource source, uint32_t begin, uint32_t end) const {
    if (!Enabled(source)) return;
    out->push_back({source == MatchSource::kUrl ? link_category
                                                : contact_category,
                    begin, end, source, 0});
  }
};

// Links: "http(s)://host/path", and hosts "a.b.tld" whose last label is a
// known top-level domain, followed by an optional path. Dots may be '.',
// '。' or '点'; spaces around a dot are allowed only before com/cn/net/org,
// so "I quit. Work" is not a link but "baidu . com" is. A host right after
// '@' is an address's or a Message-ID's, not a link.
class UrlDetector {
 public:
  // Inline for the two cases of most characters (a letter inside a label,
  // a character that cannot start a host while idle); the rest, an '@' and
  // what follows it (an address's host is not a link), is FeedSlow.
  void Feed(const FoldedChar& ch, const MatchSink& sink) {
    if (!last_at_ && !skipping_ && ch.c != U'@') {
      if (state_ == State::kLabel && ch.cls == CharClass::kLatin) {
        return AppendLabel(ch);
      }
      if (state_ == State::kIdle && ch.cls != CharClass::kLatin &&
          ch.cls != CharClass::kDigit && ch.c != U'-') {
        return;
      }
    }
    FeedSlow(ch, sink);
  }
  void Finish(const MatchSink& sink);

 private:
  enum class State : uint8_t { kIdle, kLabel, kLabelSpace, kDot, kScheme, kPath };

  void FeedSlow(const FoldedChar& ch, const MatchSink& sink);
  void Start(const FoldedChar& ch);
  void AppendLabel(const FoldedChar& ch) {
    // A TLD is letters only; anything else makes the label "too long".
    if (label_len_ < sizeof label_ && ch.cls == CharClass::kLatin) {
      label_[label_len_] = static_cast<char>(ch.c);
      ++label_len_;
    } else {
      label_len_ = sizeof label_ + 1;
    }
    end_ = ch.end;
  }
  void CloseLabel();
  bool LabelIs(std::string_view s) const;

  State state_ = State::kIdle;
  uint32_t begin_ = 0;
  uint32_t end_ = 0;        // end of the last host or path character
  uint32_t valid_end_ = 0;  // end of the longest prefix that is a link
  uint32_t labels_ = 0;
  bool scheme_ = false;     // "http://" seen: any host will do
  bool spaced_ = false;     // a space touched a dot
  char label_[7] = {};      // the current label, if it is short and letters
  uint8_t label_len_ = 0;   // > sizeof label_ when too long to be a TLD
  bool last_at_ = false;    // the character before was '@'
  bool skipping_ = false;   // in a host right after '@': not a link
};

// Tokens of [a-z0-9_-] (Chinese numerals count as digits): a digit or a
// lone character may be followed by up to 3 joiners (spaces, dots, symbols,
// emoji) before the token goes on, so "138 0013 8000", "一三八…" and
// "d a v e 2 0 2 6" are one token each. Reports Chinese mobile numbers (optionally +86/0086), WeChat's
// generated ids ("wxid_" + at least 3 more) anywhere, and, when armed by a
// wechat or qq trigger, the id that follows within 8 filler characters.
class TokenDetector {
 public:
  // Inline for the cases of most characters (a letter going on with a
  // token; while idle and unarmed, a space, a stop or a CJK character that
  // is no numeral); the rest is FeedSlow.
  void Feed(const FoldedChar& ch, const MatchSink& sink) {
    if (ch.cls == CharClass::kLatin && active_ && joiners_ == 0) {
      return ExtendToken(ch);
    }
    if (!active_ && armed_ == MatchSource::kWord &&
        (ch.cls == CharClass::kSpace || ch.cls == CharClass::kStop ||
         (ch.cls == CharClass::kWord && ChineseDigit(ch.c) < 0))) {
      return;
    }
    FeedSlow(ch, sink);
  }
  void Finish(const MatchSink& sink);

  // Starts looking for an id after a trigger that began at `begin`.
  void Arm(MatchSource source, uint32_t begin, const MatchSink& sink);

 private:
  static constexpr int kMaxJoiners = 3;
  static constexpr int kFillerBudget = 8;

  void FeedSlow(const FoldedChar& ch, const MatchSink& sink);
  void StartToken(const FoldedChar& ch);
  void ExtendToken(const FoldedChar& ch) {
    if (length_ < sizeof head_) head_[length_] = static_cast<char>(ch.c);
    ++length_;
    ++segment_;
    end_ = ch.end;
    joiners_ = 0;
    last_was_digit_ = ch.cls == CharClass::kDigit;
    if (last_was_digit_) {
      if (run_ == 0 && has_letter_) run_begin_ = ch.begin;
      if (run_ < sizeof prefix_) prefix_[run_] = static_cast<char>(ch.c);
      ++run_;
      ++digits_;
    } else if (ch.cls == CharClass::kLatin) {
      has_letter_ = true;
      run_ = 0;
    }
  }
  void EndToken(const MatchSink& sink);
  void FeedFiller(const FoldedChar& ch);
  bool IsMobile() const;
  bool IsFillerWord() const;

  // The current token.
  bool active_ = false;
  uint32_t begin_ = 0;
  uint32_t end_ = 0;
  uint32_t length_ = 0;  // token characters
  uint32_t digits_ = 0;
  bool has_letter_ = false;
  bool last_was_digit_ = false;
  int joiners_ = 0;      // joiners since the last token character
  uint32_t segment_ = 0; // token characters since the last joiners
  bool lone_before_gap_ = false;  // one character before the joiners
  uint32_t run_ = 0;       // digits since the last letter
  uint32_t run_begin_ = 0; // where they start
  char prefix_[6] = {};    // the first digits of the run
  char head_[5] = {};    // the first characters, for "wxid_"
  // The last '+' read. One right before the token belongs to a phone
  // number; one read later is a joiner inside the token and moves nothing.
  uint32_t plus_end_ = UINT32_MAX;
  uint32_t plus_begin_ = 0;
  uint32_t phone_begin_ = 0;  // the token's begin, or its leading '+'
  // Armed by a trigger.
  MatchSource armed_ = MatchSource::kWord;  // kWord: not armed
  uint32_t armed_begin_ = 0;
  int filler_left_ = 0;
};

// E-mail addresses, plain or spelled out to dodge filters, per
// screening.h's "email": a local part, an at ('@', "at", "(at)", "[at]",
// 艾特), a domain of at least two labels apart by dots ('.', '。', '点',
// "dot", "(dot)") ending in a known top-level domain. The match runs from
// the local part to the end of the top-level domain.
class EmailDetector {
 public:
  void Feed(const FoldedChar& ch, const MatchSink& sink);
  void Finish(const MatchSink& sink);

 private:
  enum class State : uint8_t {
    kIdle,
    kLocal,       // in a local part
    kLocalGap,    // spaces after it
    kAtWord,      // a word after those spaces: "at", or a new local part
    kBracket,     // "(at)" / "(dot)" after an opening bracket
    kAi,          // 艾, waiting for 特
    kDomainStart, // after the at, before the first label
    kLabel,       // in a domain label
    kLabelGap,    // spaces after a label
    kDotWord,     // a word after those spaces: "dot", or the end
    kDot,         // after a dot, before the next label
  };

  // A run of letters, digits and . _ % + - : a local part, a domain label,
  // or a word that may be "at" or "dot".
  struct Run {
    uint32_t begin = 0;
    uint32_t end = 0;
    uint32_t length = 0;
    bool id_like = false;  // a digit, or a symbol between letters
    bool symbol = false;   // the last character was a symbol
    bool letters = true;   // Latin letters only
    // A run of 6 or more digits next to a dot ("199705101952.MAA00756",
    // "1992Aug26.184221"): a mail or news Message-ID, not an address.
    bool message_id = false;
    bool after_dot = false;  // the digits being read follow a dot
    uint8_t digit_run = 0;   // digits in a row, capped
    char text[7] = {};     // the first characters: at, dot, a top-level domain
  };

  void Reset() { state_ = State::kIdle; }
  void StartLocal(const FoldedChar& ch);
  void BecomeLocal(const Run& run);
  void AfterLocal(const FoldedChar& ch);
  void StartBracket(bool dot);
  void FeedBracket(const FoldedChar& ch, const MatchSink& sink);
  void StartDomain(bool spelled, bool spaced);
  void StartLabel(const FoldedChar& ch);
  void CloseLabel();
  Run DomainAsLocal() const;
  void Emit(const MatchSink& sink);

  static void Extend(Run* run, const FoldedChar& ch);
  static bool Is(const Run& run, std::string_view word);
  static bool IsPrefixOf(const Run& run, std::string_view word);

  State state_ = State::kIdle;
  Run local_;            // the local part
  Run word_;             // kAtWord, kDotWord, kBracket: the word being read
  Run label_;            // the current domain label
  uint32_t gap_ = 0;     // spaces in the current gap
  bool bracket_dot_ = false;      // kBracket: expecting "dot", not "at"
  bool spaced_at_ = false;        // spaces before the at: need spaces after
  bool spelled_at_ = false;       // "at", "(at)", 艾特
  bool spelled_dot_ = false;      // "dot", "(dot)"
  bool spaced_dot_ = false;       // spaces around a dot
  bool dot_gap_allowed_ = false;  // kDot: spaces may follow this dot
  uint32_t labels_ = 0;
  uint32_t domain_begin_ = 0;     // where the first label starts
  uint32_t valid_end_ = 0;        // end of the longest address so far
};

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_DETECTORS_H_
