#include "screening/detectors.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace shequn::screening {
namespace {

bool IsHostChar(const FoldedChar& ch) {
  return ch.cls == CharClass::kLatin || ch.cls == CharClass::kDigit ||
         ch.c == U'-';
}

bool IsDot(char32_t c) {
  return c == U'.' || c == U'。' || c == U'点' || c == U'｡';
}

// After a host, these start a path ("a.com/x", "a.com:8080", "a.com?q").
bool StartsPath(char32_t c) { return c == U'/' || c == U':' || c == U'?'; }

bool IsAsciiGraph(char32_t c) { return c > 0x20 && c < 0x7F; }

// Top-level domains seen in chat spam. Left out: ones that are everyday
// words or pinyin after a full stop ("me", "in", "it", "wang", "ren").
constexpr std::string_view kTlds[] = {
    "com", "cn",  "net",  "org",  "io",   "cc",   "co",   "top",  "xyz",
    "vip", "info", "biz", "club", "site", "online", "shop", "app", "tv",
    "hk",  "tw",  "ly",   "gl",   "link", "live", "pro",  "store", "tech",
    "ltd", "icu", "asia", "mobi", "work", "fun"};

constexpr std::string_view kStrongTlds[] = {"com", "cn", "net", "org"};

// Sentence punctuation ends a number; other separators may sit inside one.
bool IsSentencePunct(char32_t c) {
  return c == U',' || c == U';' || c == U':' || c == U'!' || c == U'?' ||
         c == U'。' || c == U'、' || c == U'(' || c == U')';
}

// Characters that may sit between a trigger and its id: "微信号：", "vx是".
bool IsFiller(const FoldedChar& ch) {
  if (!IsWordClass(ch.cls)) return true;
  for (char32_t c : std::u32string_view(U"号是为加私聊码群")) {
    if (ch.c == c) return true;
  }
  return false;
}

bool IsTokenChar(const FoldedChar& ch) {
  return ch.cls == CharClass::kLatin || ch.cls == CharClass::kDigit ||
         ch.c == U'_' || ch.c == U'-';
}

}  // namespace

// ---- UrlDetector ------------------------------------------------------------

void UrlDetector::Start(const FoldedChar& ch) {
  state_ = State::kLabel;
  begin_ = ch.begin;
  valid_end_ = 0;
  labels_ = 1;
  scheme_ = false;
  spaced_ = false;
  label_len_ = 0;
  AppendLabel(ch);
}

bool UrlDetector::LabelIs(std::string_view s) const {
  return label_len_ == s.size() && std::memcmp(label_, s.data(), s.size()) == 0;
}

void UrlDetector::CloseLabel() {
  if (!scheme_ && labels_ < 2) return;  // a lone word: skip the TLD lookup
  const auto is_label = [this](std::string_view s) { return LabelIs(s); };
  const bool tld =
      spaced_ ? std::any_of(std::begin(kStrongTlds), std::end(kStrongTlds),
                            is_label)
              : std::any_of(std::begin(kTlds), std::end(kTlds), is_label);
  if (scheme_ || (labels_ >= 2 && tld)) valid_end_ = end_;
}

void UrlDetector::FeedSlow(const FoldedChar& ch, const MatchSink& sink) {
  switch (state_) {
    case State::kIdle:
      if (IsHostChar(ch)) Start(ch);
      return;
    case State::kLabel:
      if (IsHostChar(ch)) {
        AppendLabel(ch);
      } else if (IsDot(ch.c)) {
        CloseLabel();
        state_ = State::kDot;
      } else if (ch.c == U':' && labels_ == 1 &&
                 (LabelIs("http") || LabelIs("https"))) {
        state_ = State::kScheme;
      } else if (StartsPath(ch.c)) {
        CloseLabel();
        if (valid_end_ != end_) return Finish(sink);
        state_ = State::kPath;
        end_ = valid_end_ = ch.end;
      } else if (ch.cls == CharClass::kSpace) {
        CloseLabel();
        state_ = State::kLabelSpace;
      } else {
        Finish(sink);
      }
      return;
    case State::kLabelSpace:
      if (IsDot(ch.c)) {
        spaced_ = true;
        state_ = State::kDot;
      } else if (ch.cls != CharClass::kSpace) {
        Finish(sink);
        Feed(ch, sink);
      }
      return;
    case State::kDot:
      if (IsHostChar(ch)) {
        ++labels_;
        label_len_ = 0;
        state_ = State::kLabel;
        AppendLabel(ch);
      } else if (ch.cls == CharClass::kSpace) {
        spaced_ = true;
      } else {
        Finish(sink);
      }
      return;
    case State::kScheme:
      if (IsHostChar(ch)) {
        scheme_ = true;
        labels_ = 1;
        label_len_ = 0;
        state_ = State::kLabel;
        AppendLabel(ch);
      } else if (ch.c != U'/') {
        Finish(sink);
      }
      return;
    case State::kPath:
      if (IsAsciiGraph(ch.c)) {
        end_ = valid_end_ = ch.end;
      } else {
        Finish(sink);
      }
      return;
  }
}

void UrlDetector::Finish(const MatchSink& sink) {
  if (state_ == State::kLabel) CloseLabel();
  if (state_ != State::kIdle && valid_end_ != 0) {
    sink.Emit(MatchSource::kUrl, begin_, valid_end_);
  }
  state_ = State::kIdle;
}

// ---- TokenDetector ----------------------------------------------------------

void TokenDetector::StartToken(const FoldedChar& ch) {
  active_ = true;
  begin_ = ch.begin;
  length_ = digits_ = run_ = segment_ = 0;
  has_letter_ = false;
  lone_before_gap_ = false;
  joiners_ = 0;
  phone_begin_ = ch.begin == plus_end_ ? plus_begin_ : ch.begin;
  ExtendToken(ch);
}

// The token's last run of digits is 1[3-9] + 9 digits, optionally behind
// 86 or 0086 ("vx13800138000" ends in one).
bool TokenDetector::IsMobile() const {
  const uint32_t digits = run_;
  const auto mobile_at = [this](uint32_t i) {
    return prefix_[i] == '1' && prefix_[i + 1] >= '3' && prefix_[i + 1] <= '9';
  };
  const std::string_view p(prefix_, std::min<uint32_t>(digits, sizeof prefix_));
  return (digits == 11 && mobile_at(0)) ||
         (digits == 13 && p.starts_with("86") && mobile_at(2)) ||
         (digits == 15 && p.starts_with("0086") && mobile_at(4));
}

void TokenDetector::EndToken(const MatchSink& sink) {
  if (!active_) return;
  active_ = false;
  if (IsMobile()) {
    sink.Emit(MatchSource::kPhone, has_letter_ ? run_begin_ : phone_begin_, end_);
  }
  const bool wechat_id = has_letter_ ? length_ >= 6 && length_ <= 20 && digits_ > 0
                                     : digits_ >= 5 && digits_ <= 15;
  const bool qq_number = !has_letter_ && digits_ >= 5 && digits_ <= 11;
  if ((armed_ == MatchSource::kWeChat && wechat_id) ||
      (armed_ == MatchSource::kQq && qq_number)) {
    sink.Emit(armed_, armed_begin_, end_);
  } else if (length_ >= 8 && std::string_view(head_, sizeof head_) == "wxid_") {
    sink.Emit(MatchSource::kWeChat, begin_, end_);
  } else if (IsFillerWord() && (filler_left_ -= length_) >= 0) {
    return;  // "my wechat is dave2026": still armed
  }
  armed_ = MatchSource::kWord;
}

// English words between a trigger and its id: "wechat is", "qq id:".
bool TokenDetector::IsFillerWord() const {
  if (has_letter_ == false || digits_ > 0 || length_ > 2) return false;
  const std::string_view word(head_, length_);
  return word == "is" || word == "id" || word == "at" || word == "me" || word == "no";
}

void TokenDetector::FeedFiller(const FoldedChar& ch) {
  if (armed_ == MatchSource::kWord) return;
  if (!IsFiller(ch) || --filler_left_ < 0) armed_ = MatchSource::kWord;
}

void TokenDetector::FeedSlow(const FoldedChar& raw, const MatchSink& sink) {
  if (raw.cls == CharClass::kIgnore) return;  // invisible: joins, breaks nothing
  FoldedChar ch = raw;
  if (const int digit = ch.cls == CharClass::kWord ? ChineseDigit(ch.c) : -1;
      digit >= 0) {
    ch.c = U'0' + digit;  // 一三八 and 壹叁捌 are digits of an id
    ch.cls = CharClass::kDigit;
  }
  if (ch.c == U'+') {
    plus_begin_ = ch.begin;
    plus_end_ = ch.end;
  }
  if (ch.c == U'-' && active_ && last_was_digit_ && !has_letter_ &&
      joiners_ < kMaxJoiners) {
    // A dash in a number is a joiner like a space: "172 - 9814 - 2262".
    if (joiners_ == 0) lone_before_gap_ = segment_ == 1;
    ++joiners_;
    return;
  }
  if (IsTokenChar(ch)) {
    // After joiners a token goes on with a digit after digits ("138 0013")
    // or after a lone character ("d a v e 2 0 2 6").
    if (active_ && joiners_ > 0 &&
        !(ch.cls == CharClass::kDigit && last_was_digit_) && !lone_before_gap_) {
      EndToken(sink);
    }
    if (!active_) return StartToken(ch);
    if (joiners_ > 0) segment_ = 0;
    return ExtendToken(ch);
  }
  // Digits join across spaces and symbols ("138-0013"), a lone character
  // across spaces only ("a+138…" is a letter and a phone number).
  const bool joiner =
      active_ && joiners_ < kMaxJoiners &&
      ((last_was_digit_ && (ch.cls == CharClass::kSpace ||
                            (ch.cls == CharClass::kPunct && !IsSentencePunct(ch.c)))) ||
       (segment_ == 1 && ch.cls == CharClass::kSpace));
  if (joiner) {
    if (joiners_ == 0) lone_before_gap_ = segment_ == 1;
    ++joiners_;
    return;
  }
  EndToken(sink);
  FeedFiller(ch);
}

void TokenDetector::Arm(MatchSource source, uint32_t begin,
                        const MatchSink& sink) {
  EndToken(sink);
  // "加 v x": 加vx and vx end together; the id belongs to the longer one.
  if (armed_ == source && filler_left_ == kFillerBudget && begin > armed_begin_) return;
  armed_ = source;
  armed_begin_ = begin;
  filler_left_ = kFillerBudget;
}

void TokenDetector::Finish(const MatchSink& sink) { EndToken(sink); }

}  // namespace shequn::screening
