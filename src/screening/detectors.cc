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

bool IsAlnum(const FoldedChar& ch) {
  return ch.cls == CharClass::kLatin || ch.cls == CharClass::kDigit;
}

// Besides letters and digits, what a local part may hold ("john.smith",
// "dave_88", "a+news"). '.' also separates domain labels.
bool IsLocalSymbol(char32_t c) {
  return c == U'.' || c == U'_' || c == U'%' || c == U'+' || c == U'-';
}

// Brackets around a spelled at or dot: "(at)", "[dot]". Full-width （）
// fold to ( ).
bool IsOpenBracket(char32_t c) { return c == U'(' || c == U'[' || c == U'{' || c == U'<'; }
bool IsCloseBracket(char32_t c) { return c == U')' || c == U']' || c == U'}' || c == U'>'; }

// Spaces allowed in a row around an at or a dot ("dave2026 @ qq . com").
constexpr uint32_t kMaxEmailGap = 3;

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
  const bool after_at = last_at_;
  last_at_ = ch.c == U'@';
  if (skipping_) {  // the host of "dave@qq.com" or a Message-ID
    if (IsHostChar(ch) || IsDot(ch.c)) return;
    skipping_ = false;
  }
  switch (state_) {
    case State::kIdle:
      if (!IsHostChar(ch)) return;
      if (after_at) {
        skipping_ = true;
      } else {
        Start(ch);
      }
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

// ---- EmailDetector ----------------------------------------------------------

void EmailDetector::Extend(Run* run, const FoldedChar& ch) {
  if (run->length == 0) {
    *run = Run{};
    run->begin = ch.begin;
  }
  const bool symbol = IsLocalSymbol(ch.c);
  if (ch.cls == CharClass::kDigit || (run->symbol && !symbol)) run->id_like = true;
  if (ch.cls == CharClass::kDigit) {
    if (run->digit_run < 8) ++run->digit_run;
  } else {
    run->message_id |= ch.c == U'.' && (run->digit_run >= 8 ||
                                        (run->digit_run >= 6 && run->after_dot));
    run->after_dot = ch.c == U'.';
    run->digit_run = 0;
  }
  run->symbol = symbol;
  run->letters &= ch.cls == CharClass::kLatin;
  if (run->length < sizeof run->text) run->text[run->length] = static_cast<char>(ch.c);
  ++run->length;
  run->end = ch.end;
}

bool EmailDetector::Is(const Run& run, std::string_view word) {
  return run.letters && run.length == word.size() &&
         std::memcmp(run.text, word.data(), word.size()) == 0;
}

bool EmailDetector::IsPrefixOf(const Run& run, std::string_view word) {
  return run.letters && run.length <= word.size() &&
         std::memcmp(run.text, word.data(), run.length) == 0;
}

void EmailDetector::StartLocal(const FoldedChar& ch) {
  local_ = Run{};
  Extend(&local_, ch);
  state_ = State::kLocal;
}

void EmailDetector::BecomeLocal(const Run& run) {
  local_ = run;
  state_ = State::kLocal;
}

void EmailDetector::StartBracket(bool dot) {
  word_ = Run{};
  bracket_dot_ = dot;
  gap_ = 0;
  state_ = State::kBracket;
}

void EmailDetector::StartDomain(bool spelled, bool spaced) {
  spelled_at_ = spelled;
  spaced_at_ = spaced;
  spelled_dot_ = spaced_dot_ = false;
  labels_ = 0;
  valid_end_ = 0;
  gap_ = 0;
  state_ = State::kDomainStart;
}

void EmailDetector::StartLabel(const FoldedChar& ch) {
  label_ = Run{};
  Extend(&label_, ch);
  if (labels_ == 0) domain_begin_ = ch.begin;
  ++labels_;
  state_ = State::kLabel;
}

// The label just read ends the address if it is a top-level domain. After
// a spelled at ("look at google.com") the dots must be spelled too, or the
// local part look like an id ("dave2026 at qq.com"), else it is a phrase.
void EmailDetector::CloseLabel() {
  if (labels_ < 2 || !label_.letters) return;
  const auto is_label = [this](std::string_view s) { return Is(label_, s); };
  const bool tld =
      spaced_dot_ ? std::any_of(std::begin(kStrongTlds), std::end(kStrongTlds), is_label)
                  : std::any_of(std::begin(kTlds), std::end(kTlds), is_label);
  if (!tld || local_.message_id || (spelled_at_ && !spelled_dot_ && !local_.id_like)) return;
  valid_end_ = label_.end;
}

// The labels read so far as a local part: after "mail me at", the at of
// "dave2026@qq.com" or "john.smith at gmail dot com" shows them to be one.
// Only while no address has been found (valid_end_ == 0).
EmailDetector::Run EmailDetector::DomainAsLocal() const {
  Run run = label_;
  run.begin = domain_begin_;
  run.id_like |= labels_ > 1;
  return run;
}

void EmailDetector::Emit(const MatchSink& sink) {
  if (valid_end_ != 0) sink.Emit(MatchSource::kEmail, local_.begin, valid_end_);
  valid_end_ = 0;
}

void EmailDetector::Feed(const FoldedChar& ch, const MatchSink& sink) {
  if (ch.cls == CharClass::kIgnore) return;  // invisible: joins, breaks nothing
  switch (state_) {
    case State::kIdle:
      if (IsAlnum(ch)) StartLocal(ch);
      return;
    case State::kLocal:
      if (IsAlnum(ch) || IsLocalSymbol(ch.c)) return Extend(&local_, ch);
      if (ch.c == U'@') return StartDomain(false, false);
      if (ch.cls == CharClass::kSpace) {
        gap_ = 1;
        state_ = State::kLocalGap;
        return;
      }
      return AfterLocal(ch);
    case State::kLocalGap:
      if (ch.cls == CharClass::kSpace) {
        if (++gap_ > kMaxEmailGap) Reset();
        return;
      }
      if (ch.c == U'@') return StartDomain(false, true);
      if (IsAlnum(ch)) {
        word_ = Run{};
        Extend(&word_, ch);
        if (!IsPrefixOf(word_, "at")) return BecomeLocal(word_);
        state_ = State::kAtWord;
        return;
      }
      return AfterLocal(ch);
    case State::kAtWord:
      if (IsAlnum(ch) || IsLocalSymbol(ch.c)) {
        Extend(&word_, ch);
        if (!IsPrefixOf(word_, "at")) BecomeLocal(word_);
        return;
      }
      if (ch.cls == CharClass::kSpace && Is(word_, "at")) return StartDomain(true, true);
      BecomeLocal(word_);
      return Feed(ch, sink);
    case State::kBracket:
      return FeedBracket(ch, sink);
    case State::kAi:
      if (ch.c == U'特') return StartDomain(true, false);
      Reset();
      return Feed(ch, sink);
    case State::kDomainStart:
      if (ch.cls == CharClass::kSpace) {
        if (++gap_ > kMaxEmailGap) Reset();
        return;
      }
      if (!IsAlnum(ch)) return Reset();
      // "rt @user.com": an at with a space before it and none after is a
      // mention, not an address.
      if (spaced_at_ && !spelled_at_ && gap_ == 0) return StartLocal(ch);
      return StartLabel(ch);
    case State::kLabel:
      if (IsAlnum(ch) || ch.c == U'-') return Extend(&label_, ch);
      CloseLabel();
      if (IsDot(ch.c)) {
        dot_gap_allowed_ = false;
        gap_ = 0;
        state_ = State::kDot;
        return;
      }
      if (ch.cls == CharClass::kSpace) {
        gap_ = 1;
        state_ = State::kLabelGap;
        return;
      }
      if (IsOpenBracket(ch.c)) return StartBracket(true);
      if (valid_end_ == 0 && (ch.c == U'@' || ch.c == U'艾' || IsLocalSymbol(ch.c))) {
        BecomeLocal(DomainAsLocal());
        return Feed(ch, sink);
      }
      Emit(sink);
      return Reset();
    case State::kLabelGap:
      if (ch.cls == CharClass::kSpace) {
        if (++gap_ > kMaxEmailGap) Finish(sink);
        return;
      }
      if (IsDot(ch.c)) {
        spaced_dot_ = dot_gap_allowed_ = true;
        gap_ = 0;
        state_ = State::kDot;
        return;
      }
      if (IsOpenBracket(ch.c)) return StartBracket(true);
      if (valid_end_ == 0 && (ch.c == U'@' || ch.c == U'艾')) {
        local_ = DomainAsLocal();
        if (ch.c == U'@') return StartDomain(false, true);
        state_ = State::kAi;
        return;
      }
      if (IsAlnum(ch)) {
        word_ = Run{};
        Extend(&word_, ch);
        if (IsPrefixOf(word_, "dot")) {
          state_ = State::kDotWord;
        } else if (IsPrefixOf(word_, "at") && valid_end_ == 0) {
          local_ = DomainAsLocal();
          state_ = State::kAtWord;
        } else {
          Emit(sink);
          BecomeLocal(word_);
        }
        return;
      }
      Finish(sink);
      return;
    case State::kDotWord:
      if (IsAlnum(ch) || IsLocalSymbol(ch.c)) {
        Extend(&word_, ch);
        if (!IsPrefixOf(word_, "dot")) {
          Emit(sink);
          BecomeLocal(word_);
        }
        return;
      }
      if (ch.cls == CharClass::kSpace && Is(word_, "dot")) {
        spelled_dot_ = dot_gap_allowed_ = true;
        gap_ = 1;
        state_ = State::kDot;
        return;
      }
      Emit(sink);
      BecomeLocal(word_);
      return Feed(ch, sink);
    case State::kDot:
      if (IsAlnum(ch)) return StartLabel(ch);
      if (ch.cls == CharClass::kSpace && dot_gap_allowed_ && ++gap_ <= kMaxEmailGap) return;
      return Finish(sink);
  }
}

// After a local part: an at in brackets or 艾特, else no address here.
void EmailDetector::AfterLocal(const FoldedChar& ch) {
  if (IsOpenBracket(ch.c)) return StartBracket(false);
  if (ch.c == U'艾') {
    state_ = State::kAi;
    return;
  }
  Reset();
}

// "(at)" after a local part, "(dot)" after a label; spaces inside allowed.
void EmailDetector::FeedBracket(const FoldedChar& ch, const MatchSink& sink) {
  const std::string_view want = bracket_dot_ ? "dot" : "at";
  if (ch.cls == CharClass::kLatin) {
    Extend(&word_, ch);
    if (IsPrefixOf(word_, want)) return;
    if (bracket_dot_ && valid_end_ == 0 && IsPrefixOf(word_, "at")) {
      local_ = DomainAsLocal();  // "mail me at dave[at]qq[dot]com"
      bracket_dot_ = false;
      return;
    }
    // "(about": a word, which may be the next local part.
    if (bracket_dot_) Emit(sink);
    return BecomeLocal(word_);
  }
  if (ch.cls == CharClass::kSpace && ++gap_ <= kMaxEmailGap) return;
  if (IsCloseBracket(ch.c) && Is(word_, want)) {
    if (!bracket_dot_) return StartDomain(true, false);
    spelled_dot_ = dot_gap_allowed_ = true;
    gap_ = 0;
    state_ = State::kDot;
    return;
  }
  if (bracket_dot_) Emit(sink);
  Reset();
  Feed(ch, sink);
}

void EmailDetector::Finish(const MatchSink& sink) {
  if (state_ == State::kLabel) CloseLabel();
  Emit(sink);
  Reset();
}

}  // namespace shequn::screening
