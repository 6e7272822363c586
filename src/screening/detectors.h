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
// so "I quit. Work" is not a link but "baidu . com" is.
class UrlDetector {
 public:
  // Inline for the two cases of most characters (a letter inside a label,
  // a character that cannot start a host while idle); the rest is FeedSlow.
  void Feed(const FoldedChar& ch, const MatchSink& sink) {
    if (state_ == State::kLabel && ch.cls == CharClass::kLatin) {
      return AppendLabel(ch);
    }
    if (state_ == State::kIdle && ch.cls != CharClass::kLatin &&
        ch.cls != CharClass::kDigit && ch.c != U'-') {
      return;
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

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_DETECTORS_H_
