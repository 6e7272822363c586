// Screener: builds one automaton over words, whitelist entries and detector
// triggers, then screens a text in one pass of FoldedCursor, feeding each
// character to the word automaton and to the two detectors that need the
// separators (UrlDetector, TokenDetector).
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/utf8.h"
#include "screening/aho_corasick.h"
#include "screening/detectors.h"
#include "screening/pinyin.h"
#include "screening/text_normalizer.h"
#include "shequn/screening.h"

namespace shequn {
namespace {

using screening::CharClass;
using screening::FoldedChar;

enum class EntryKind : uint8_t { kBanned, kAllowed, kTrigger };

// What a match's text must be made of, beyond the key: "ass" is not the
// number 455, and an all-digit entry ("1024") is not a word spelled in
// leetspeak.
enum class DigitRule : uint8_t { kAny, kNeedsLetter, kAllDigits };

// One automaton key: a banned word in one category, a whitelist word, or a
// detector trigger.
struct Entry {
  EntryKind kind;
  MatchSource trigger;  // kTrigger: kWeChat, kQq or kSolicitation
  bool lead;            // the match must start a word (Latin first letter)
  bool trail;           // the match must end a word (Latin last letter)
  DigitRule digits;
  uint16_t length;      // key characters, inner boundaries included
  uint32_t counts;      // into ScreenerData::counts, or kNoCounts
  uint32_t category;    // kBanned: index into ScreenerData::categories
  uint32_t word;        // kBanned: flattened word index
};
constexpr uint32_t kNoCounts = UINT32_MAX;
constexpr uint8_t kExactCount = 0x80;  // flag on a needed count

struct TriggerWord {
  std::string_view text;
  MatchSource source;
};

// Written as users type them; they are normalised like any word, so Latin
// triggers are whole words ("new xbox" is not "wx", "add media" not
// "add me") and "加 V" matches "加v".
constexpr TriggerWord kTriggers[] = {
    {"wx", MatchSource::kWeChat},        {"vx", MatchSource::kWeChat},
    {"v信", MatchSource::kWeChat},       {"微信", MatchSource::kWeChat},
    {"威信", MatchSource::kWeChat},      {"薇信", MatchSource::kWeChat},
    {"维信", MatchSource::kWeChat},      {"徽信", MatchSource::kWeChat},
    {"加v", MatchSource::kWeChat},       {"加vx", MatchSource::kWeChat},
    {"加薇", MatchSource::kWeChat},      {"加微", MatchSource::kWeChat},
    {"加我", MatchSource::kWeChat},      {"wechat", MatchSource::kWeChat},
    {"weixin", MatchSource::kWeChat},    {"wei xin", MatchSource::kWeChat},
    {"jia wo", MatchSource::kWeChat},    {"jiawo", MatchSource::kWeChat},
    {"qq", MatchSource::kQq},            {"q群", MatchSource::kQq},
    {"扣扣", MatchSource::kQq},          {"企鹅", MatchSource::kQq},
    {"企鹅号", MatchSource::kQq},        {"球球", MatchSource::kQq},
    {"加我", MatchSource::kSolicitation}, {"加好友", MatchSource::kSolicitation},
    {"私聊我", MatchSource::kSolicitation}, {"私信我", MatchSource::kSolicitation},
    {"私我", MatchSource::kSolicitation}, {"滴滴我", MatchSource::kSolicitation},
    {"联系我", MatchSource::kSolicitation}, {"扫码", MatchSource::kSolicitation},
    {"扫一扫", MatchSource::kSolicitation}, {"扫描二维码", MatchSource::kSolicitation},
    {"jia wo", MatchSource::kSolicitation}, {"add me", MatchSource::kSolicitation},
    {"dm me", MatchSource::kSolicitation}, {"pm me", MatchSource::kSolicitation},
    {"contact me", MatchSource::kSolicitation}, {"text me", MatchSource::kSolicitation},
    {"scan the qr", MatchSource::kSolicitation}, {"scan qr", MatchSource::kSolicitation},
    {"scan my qr", MatchSource::kSolicitation},
};

constexpr absl::string_view kDetectorNames[] = {
    kDetectorUrl, kDetectorPhone, kDetectorWeChat, kDetectorQq,
    kDetectorSolicitation, kDetectorEmail};

constexpr MatchSource kDetectorSources[] = {
    MatchSource::kUrl, MatchSource::kPhone, MatchSource::kWeChat,
    MatchSource::kQq, MatchSource::kSolicitation, MatchSource::kEmail};

// Bit per MatchSource, for the enabled-detector mask.
constexpr uint32_t Bit(MatchSource s) { return 1u << static_cast<int>(s); }

}  // namespace

struct screening::ScreenerData {
  screening::AhoCorasick automaton;
  std::vector<Entry> entries;            // indexed by automaton key
  std::vector<std::string> categories;   // never resized after Create
  uint32_t link_category = 0;
  uint32_t contact_category = 0;
  std::string word_text;                 // every configured word, joined
  std::vector<uint32_t> word_offsets;    // word i is [offsets[i], [i+1])
  uint32_t detectors = 0;                // Bit(source) per enabled detector
  uint32_t max_text_bytes = 0;
  size_t size = 0;                       // banned + allowed entries
  std::vector<uint8_t> counts;           // per key char, for keys with repeats
  std::vector<std::string> skipped;      // entries that normalise to nothing
};

namespace {

// ---- Building -------------------------------------------------------------

// Accumulates keys and entries while Create validates options.
class ImplBuilder {
 public:
  explicit ImplBuilder(screening::ScreenerData* impl) : impl_(impl) {}

  uint32_t Category(const std::string& name) {
    auto [it, inserted] = category_ids_.try_emplace(
        name, static_cast<uint32_t>(impl_->categories.size()));
    if (inserted) impl_->categories.push_back(name);
    return it->second;
  }

  // Normalises `text` into a key; errors name `path`. An entry that
  // normalises to nothing (an emoji, punctuation) is noted in `skipped`.
  // A `spelling` is another way to write an entry already added (its
  // pinyin): it does not count in size().
  absl::Status AddKey(std::string_view path, std::string_view text,
                      Entry entry, bool substring = false, bool spelling = false) {
    const absl::string_view at(path.data(), path.size());
    screening::EntryKey key;
    if (!screening::NormalizeKey(text, &key)) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": invalid UTF-8"));
    }
    // Whole-word edges: a boundary before a leading and after a trailing
    // Latin letter or digit; CJK edges and substring entries match anywhere.
    const auto is_alnum = [](char32_t c) { return c >= 'a' && c <= 'z'; };
    size_t first = 1, last = key.chars.size() - 1;  // drop the edge boundaries
    size_t letters = 0;
    for (size_t i = first; i < last; ++i) letters += key.chars[i] != screening::kBoundary;
    if (letters == 0) {
      impl_->skipped.push_back(absl::StrCat(at, ": empty after normalisation"));
      return absl::OkStatus();
    }
    if (letters > limits::kMaxWordCodePoints) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, ": ", letters, " code points after normalisation, limit ",
          limits::kMaxWordCodePoints));
    }
    entry.lead = !substring && is_alnum(key.chars[first]);
    entry.trail = !substring && is_alnum(key.chars[last - 1]);
    const std::u32string chars = key.chars.substr(first, last - first);
    // One key per (kind, key, category): repeats in a list count once.
    std::string id = absl::StrCat(static_cast<int>(entry.kind), ":",
                                  static_cast<int>(entry.trigger), ":",
                                  entry.category, ":");
    for (size_t i = first; i < last; ++i) {
      text::AppendUtf8(key.chars[i], &id);
      absl::StrAppend(&id, "*", key.counts[i]);
    }
    if (!seen_.insert(std::move(id)).second) return absl::OkStatus();
    bool any_digit = false, any_letter = false;
    for (size_t i = first; i < last; ++i) {
      if (!is_alnum(key.chars[i])) continue;
      (key.digits[i] ? any_digit : any_letter) = true;
    }
    entry.digits = !any_digit ? DigitRule::kNeedsLetter
                   : !any_letter ? DigitRule::kAllDigits
                                 : DigitRule::kAny;
    // Per key character: how many repeats it needs, kExactCount for a
    // digit ("词9x" is not "词99999x"). Stored only when some need more
    // than one or are exact.
    entry.counts = kNoCounts;
    if (any_digit || std::any_of(key.counts.begin() + first, key.counts.begin() + last,
                                 [](uint8_t n) { return n > 1; })) {
      entry.counts = static_cast<uint32_t>(impl_->counts.size());
      for (size_t i = first; i < last; ++i) {
        impl_->counts.push_back(key.counts[i] | (key.digits[i] ? kExactCount : 0));
      }
    }
    entry.length = static_cast<uint16_t>(chars.size());
    if (entry.kind != EntryKind::kTrigger && !spelling) ++impl_->size;
    keys_.push_back(chars);
    impl_->entries.push_back(entry);
    return absl::OkStatus();
  }

  // Adds the pinyin spellings of a CJK entry (WordList::pinyin) as whole
  // Latin words reporting `entry`; nothing for other entries. Spellings
  // longer than limits::kMaxWordCodePoints letters are left out.
  absl::Status AddPinyin(std::string_view path, std::string_view text, Entry entry) {
    screening::EntryKey key;
    if (!screening::NormalizeKey(text, &key) || key.chars.size() < 2) return absl::OkStatus();
    const std::u32string_view chars(key.chars.data() + 1, key.chars.size() - 2);
    for (const std::string& spelling : screening::PinyinSpellings(chars)) {
      const size_t letters = spelling.size() - std::count(spelling.begin(), spelling.end(), ' ');
      if (letters > limits::kMaxWordCodePoints) continue;
      if (absl::Status s = AddKey(path, spelling, entry, false, true); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  void Finish() { impl_->automaton = screening::AhoCorasick::Build(keys_); }

 private:
  screening::ScreenerData* impl_;
  absl::flat_hash_map<std::string, uint32_t> category_ids_;
  std::vector<std::u32string> keys_;
  absl::flat_hash_set<std::string> seen_;  // kind:trigger:category:key
};

absl::Status CheckCategory(const std::string& path, absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError(path + ": empty");
  if (name.size() > limits::kMaxCategoryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", name.size(), " bytes, limit ", limits::kMaxCategoryBytes));
  }
  if (text::FirstInvalidUtf8(name).has_value()) {
    return absl::InvalidArgumentError(path + ": invalid UTF-8");
  }
  return absl::OkStatus();
}

absl::Status AddDetectors(const std::vector<std::string>& names,
                          screening::ScreenerData* impl) {
  for (size_t i = 0; i < names.size(); ++i) {
    const auto* it = std::find(std::begin(kDetectorNames),
                               std::end(kDetectorNames), names[i]);
    if (it == std::end(kDetectorNames)) {
      std::string known;
      for (absl::string_view n : kDetectorNames) {
        absl::StrAppend(&known, known.empty() ? "" : ", ", n);
      }
      return absl::InvalidArgumentError(
          absl::StrCat("detectors[", i, "]: unknown detector '", names[i],
                       "' (known: ", known, ")"));
    }
    impl->detectors |= Bit(kDetectorSources[it - std::begin(kDetectorNames)]);
  }
  return absl::OkStatus();
}

absl::Status AddWords(const ScreenerOptions& options, ImplBuilder* builder,
                      screening::ScreenerData* impl) {
  impl->word_offsets.push_back(0);
  for (size_t l = 0; l < options.word_lists.size(); ++l) {
    const WordList& list = options.word_lists[l];
    const std::string path = absl::StrCat("word_lists[", l, "]");
    if (absl::Status s = CheckCategory(path + ".category", list.category);
        !s.ok()) {
      return s;
    }
    const uint32_t category = builder->Category(list.category);
    for (size_t w = 0; w < list.words.size(); ++w) {
      Entry entry{};
      entry.kind = EntryKind::kBanned;
      entry.category = category;
      entry.word = static_cast<uint32_t>(impl->word_offsets.size() - 1);
      const std::string at = absl::StrCat(path, ".words[", w, "]");
      if (absl::Status s = builder->AddKey(at, list.words[w], entry, list.substring);
          !s.ok()) {
        return s;
      }
      if (list.pinyin) {
        if (absl::Status s = builder->AddPinyin(at, list.words[w], entry); !s.ok()) return s;
      }
      impl->word_text += list.words[w];
      impl->word_offsets.push_back(
          static_cast<uint32_t>(impl->word_text.size()));
    }
  }
  return absl::OkStatus();
}

absl::Status AddWhitelistAndTriggers(const ScreenerOptions& options,
                                     ImplBuilder* builder) {
  for (size_t i = 0; i < options.whitelist.size(); ++i) {
    Entry entry{};
    entry.kind = EntryKind::kAllowed;
    if (absl::Status s = builder->AddKey(absl::StrCat("whitelist[", i, "]"),
                                         options.whitelist[i], entry);
        !s.ok()) {
      return s;
    }
  }
  for (const TriggerWord& t : kTriggers) {
    Entry entry{};
    entry.kind = EntryKind::kTrigger;
    entry.trigger = t.source;
    // The built-in table is valid; a failure here is a bug in kTriggers.
    if (absl::Status s = builder->AddKey("trigger", t.text, entry); !s.ok()) {
      return absl::InternalError(s.message());
    }
  }
  return absl::OkStatus();
}

size_t TotalEntries(const ScreenerOptions& options) {
  size_t total = options.whitelist.size();
  for (const WordList& list : options.word_lists) total += list.words.size();
  return total;
}

}  // namespace

absl::StatusOr<Screener> Screener::Create(const ScreenerOptions& options) {
  if (const size_t total = TotalEntries(options); total > limits::kMaxWords) {
    return absl::InvalidArgumentError(
        absl::StrCat("word_lists: ", total,
                     " words and whitelist entries, limit ", limits::kMaxWords));
  }
  if (options.max_text_bytes == 0 || options.max_text_bytes > limits::kMaxScreenedTextBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_text_bytes: ", options.max_text_bytes, ", must be in 1..",
        limits::kMaxScreenedTextBytes));
  }
  auto impl = std::make_unique<screening::ScreenerData>();
  impl->max_text_bytes = static_cast<uint32_t>(options.max_text_bytes);
  ImplBuilder builder(impl.get());
  for (auto [path, name, slot] :
       {std::make_tuple("link_category", &options.link_category,
                        &impl->link_category),
        std::make_tuple("contact_category", &options.contact_category,
                        &impl->contact_category)}) {
    if (absl::Status s = CheckCategory(path, *name); !s.ok()) return s;
    *slot = builder.Category(*name);
  }
  if (absl::Status s = AddDetectors(options.detectors, impl.get()); !s.ok()) {
    return s;
  }
  if (absl::Status s = AddWords(options, &builder, impl.get()); !s.ok()) {
    return s;
  }
  if (absl::Status s = AddWhitelistAndTriggers(options, &builder); !s.ok()) {
    return s;
  }
  builder.Finish();
  return Screener(std::move(impl));
}

Screener::Screener(std::unique_ptr<const screening::ScreenerData> impl) : impl_(std::move(impl)) {}
Screener::Screener(Screener&&) noexcept = default;
Screener& Screener::operator=(Screener&&) noexcept = default;
Screener::~Screener() = default;

absl::string_view Screener::WordText(uint32_t entry) const {
  if (entry + 1 >= impl_->word_offsets.size()) return {};
  const uint32_t begin = impl_->word_offsets[entry];
  return absl::string_view(impl_->word_text)
      .substr(begin, impl_->word_offsets[entry + 1] - begin);
}

size_t Screener::size() const { return impl_->size; }

const std::vector<std::string>& Screener::skipped() const { return impl_->skipped; }

size_t Screener::MemoryBytes() const {
  return sizeof(screening::ScreenerData) + impl_->automaton.MemoryBytes() +
         impl_->entries.capacity() * sizeof(Entry) +
         impl_->word_text.capacity() +
         impl_->word_offsets.capacity() * sizeof(uint32_t) +
         impl_->counts.capacity();
}

// ---- Screening ------------------------------------------------------------

namespace {

// Marks a whitelist hit in the match vector until FinishMatches drops it:
// every real match has a non-empty category.
constexpr absl::string_view kAllowedMarker{};

// Which detectors can find anything in a text, from its bytes: in ASCII
// text, an id or a phone number needs a digit or '_' ("wxid_"), and a link
// needs a '.' or a ':' ("http:"); the folding maps no ASCII byte to those,
// and other text may fold to them (full-width digits, '。'). A detector
// that cannot report is not run: none has any other effect.
// Whether "dot" appears in any case.
bool SpellsDot(std::string_view text) {
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    if ((text[i] | 0x20) == 'd' && (text[i + 1] | 0x20) == 'o' && (text[i + 2] | 0x20) == 't') {
      return true;
    }
  }
  return false;
}

struct DetectorNeeds {
  bool tokens;
  bool urls;
  bool emails;
};
DetectorNeeds Needs(std::string_view text) {
  // Eight bytes at a time while they are ASCII (no carry crosses a byte).
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  const auto has_byte = [](uint64_t w, unsigned char b) {
    const uint64_t v = w ^ (kOnes * b);
    return ((v - kOnes) & ~v & kHigh) != 0;
  };
  bool digit = false, dot = false, at = false;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, sizeof w);
    if ((w & kHigh) != 0) return {true, true, true};
    const uint64_t from_0 = w + kOnes * (0x80 - '0');   // high bit: >= '0'
    const uint64_t past_9 = w + kOnes * (0x80 - '9' - 1);  // high bit: > '9'
    digit |= (from_0 & ~past_9 & kHigh) != 0 || has_byte(w, '_');
    dot |= has_byte(w, '.') || has_byte(w, ':');
    at |= has_byte(w, '@');
  }
  for (; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) return {true, true, true};
    digit |= static_cast<unsigned char>(b - '0') < 10 || b == '_';
    dot |= b == '.' || b == ':';
    at |= b == '@';
  }
  // An ASCII address has an '@' or a dot, or spells the dot out ("dave at
  // qq dot com").
  return {digit, dot, at || dot || SpellsDot(text)};
}

// One pass over a text: FoldedCursor → KeyStream → word automaton, and the
// folded characters to the detectors that need separators (UrlDetector,
// TokenDetector). State is a few kilobytes on the stack.
class Scan {
 public:
  Scan(const screening::ScreenerData& impl, std::vector<ScreenMatch>* out)
      : impl_(impl),
        sink_{out, impl.categories[impl.link_category],
              impl.categories[impl.contact_category], impl.detectors},
        out_(out) {}

  void Run(std::string_view text) {
    const DetectorNeeds needs = Needs(text);
    tokens_on_ = needs.tokens;
    const bool urls = needs.urls && sink_.Enabled(MatchSource::kUrl);
    const bool emails = needs.emails && sink_.Enabled(MatchSource::kEmail);
    screening::FoldedCursor cursor(text);
    for (FoldedChar ch; cursor.Next(&ch);) {
      // A Latin trigger is confirmed by the boundary this character opens,
      // so it arms the id detector before the character; a CJK trigger
      // ends on this character and arms it after.
      keys_.Feed(ch, *this);
      if (urls) url_.Feed(ch, sink_);
      if (emails) emails_.Feed(ch, sink_);
      if (!tokens_on_) continue;
      tokens_.Feed(ch, sink_);
      if (deferred_.source != MatchSource::kWord) {
        tokens_.Arm(deferred_.source, deferred_.begin, sink_);
        deferred_.source = MatchSource::kWord;
      }
    }
    keys_.Finish(static_cast<uint32_t>(text.size()), *this);
    if (urls) url_.Finish(sink_);
    if (emails) emails_.Finish(sink_);
    if (tokens_on_) tokens_.Finish(sink_);
  }

  // KeyStream's sink. Inlined into the key stream, so the key character is
  // never stored whole and read back (a wide read of narrow stores stalls).
  [[gnu::always_inline]] void Key(const screening::KeyChar& k) {
    if (pending_count_ != 0) ConfirmPending(k);
    RingChar& slot = ring_.items[count_++ % kRing];
    slot.c = k.c;
    slot.begin = k.begin;
    slot.end = k.end;
    slot.count = k.count;
    slot.digit = k.digit;
    slot.joined = k.joined;
    const uint32_t next = impl_.automaton.NextFlagged(state_, k.c);
    state_ = next & ~screening::AhoCorasick::kMatchFlag;
    if (next == state_) return;
    impl_.automaton.ForEachMatch(
        state_, [&](uint32_t key) { OnKey(key, false); });
  }
  void Repeat(uint32_t end) {
    RingChar& last = ring_.items[(count_ - 1) % kRing];
    ++last.count;
    last.end = end;
    if (!impl_.automaton.Matches(state_)) return;
    // A key ending in a letter may need more of it ("ass" in "asss").
    impl_.automaton.ForEachMatch(
        state_, [&](uint32_t key) { OnKey(key, true); });
  }

 private:
  // Keys hold at most limits::kMaxWordCodePoints characters and a boundary between
  // each: the ring keeps the last kRing key characters.
  static constexpr size_t kRing = 256;

  // A match of a whole-word key waiting for the character after it.
  struct Pending {
    uint32_t key;
    uint64_t first;
  };

  // What the checks read of a key character: KeyChar less `shown`.
  struct RingChar {
    char32_t c;
    uint32_t begin;
    uint32_t end;
    uint32_t count;
    bool digit;
    bool joined;
  };

  const RingChar& At(uint64_t i) const { return ring_.items[i % kRing]; }

  // Does the text under the key have the letters, digits and repeats the
  // entry asks for? `repeat`: only newly, as the last letter grew.
  bool Holds(const Entry& e, uint64_t first, bool repeat) const {
    const uint64_t last = first + e.length - 1;
    if (e.counts != kNoCounts) {
      for (uint32_t i = 0; i < e.length; ++i) {
        const uint8_t need = impl_.counts[e.counts + i];
        const uint32_t have = At(first + i).count;
        if ((need & kExactCount) ? have != (need & ~kExactCount) : have < need) {
          return false;
        }
      }
    }
    if (repeat) {
      const uint32_t need =
          e.counts == kNoCounts ? 1 : impl_.counts[e.counts + e.length - 1] & ~kExactCount;
      if (At(last).count != need) return false;
    }
    if (e.digits == DigitRule::kAny) return true;
    bool letter = false;
    for (uint64_t i = first; i <= last; ++i) {
      letter |= At(i).c != screening::kBoundary && !At(i).digit;
    }
    return letter == (e.digits == DigitRule::kNeedsLetter);
  }

  void OnKey(uint32_t key, bool repeat) {
    const Entry& e = impl_.entries[key];
    const uint64_t first = count_ - e.length;
    // A whole word starts after a boundary or where a spelling joined on.
    if (e.lead && At(first - 1).c != screening::kBoundary && !At(first).joined) {
      return;
    }
    if (e.trail) {  // judged by the next key character
      if (!repeat && pending_count_ < pending_.size()) {
        pending_[pending_count_++] = {key, first};
      }
      return;
    }
    if (Holds(e, first, repeat)) Report(e, first);
  }

  // A whole word ends before a boundary or before a joined-on character.
  void ConfirmPending(const screening::KeyChar& next) {
    const bool ends = next.c == screening::kBoundary || next.joined;
    for (size_t i = 0; i < pending_count_; ++i) {
      const Entry& e = impl_.entries[pending_[i].key];
      if (ends && Holds(e, pending_[i].first, false)) Report(e, pending_[i].first);
    }
    pending_count_ = 0;
  }

  void Report(const Entry& e, uint64_t first) {
    const uint32_t begin = At(first).begin;
    const uint32_t end = At(first + e.length - 1).end;
    switch (e.kind) {
      case EntryKind::kBanned:
        out_->push_back({impl_.categories[e.category], begin, end,
                         MatchSource::kWord, e.word});
        return;
      case EntryKind::kAllowed:
        out_->push_back({kAllowedMarker, begin, end, MatchSource::kWord, 0});
        return;
      case EntryKind::kTrigger:
        if (!sink_.Enabled(e.trigger)) return;
        if (e.trigger == MatchSource::kSolicitation) {
          sink_.Emit(e.trigger, begin, end);
        } else if (!tokens_on_) {
          return;  // no id can follow in this text
        } else if (e.trail) {
          tokens_.Arm(e.trigger, begin, sink_);
        } else {
          deferred_ = {e.trigger, begin};
        }
        return;
    }
  }

  const screening::ScreenerData& impl_;
  const screening::MatchSink sink_;
  std::vector<ScreenMatch>* out_;
  screening::KeyStream keys_;
  screening::UrlDetector url_;
  screening::EmailDetector emails_;
  screening::TokenDetector tokens_;
  bool tokens_on_ = true;  // Needs(text).tokens
  uint32_t state_ = screening::AhoCorasick::kRoot;
  // Written before read, so left uninitialised: clearing 5 KiB per call
  // cost more than screening a short message.
  struct Ring {
    Ring() {}  // NOLINT: leaves `items` uninitialised on purpose
    union {
      RingChar items[kRing];
    };
  } ring_;
  uint64_t count_ = 0;
  struct {
    MatchSource source = MatchSource::kWord;  // kWord: none
    uint32_t begin = 0;
  } deferred_;  // a trigger that ended on the character being read
  // Whole-word matches ending on the last key character. One word can end
  // several keys (categories, whitelist, triggers); more than 32 at once
  // are dropped.
  std::array<Pending, 32> pending_;
  size_t pending_count_ = 0;
};

// Drops whitelist markers and every match inside one, and sorts the rest
// by (begin, end, source, entry, category). In place: O(m log m).
void FinishMatches(std::vector<ScreenMatch>* matches) {
  const auto key = [](const ScreenMatch& m) {
    return std::make_tuple(m.begin, !m.category.empty(), m.end,
                           static_cast<int>(m.source), m.entry, m.category);
  };
  std::sort(matches->begin(), matches->end(),
            [&](const ScreenMatch& a, const ScreenMatch& b) {
              return key(a) < key(b);
            });
  // Markers sort first among equal begins, so when a match is reached every
  // marker that starts at or before it has been seen.
  uint32_t allowed_end = 0;
  size_t kept = 0;
  for (const ScreenMatch& m : *matches) {
    if (m.category.empty()) {
      allowed_end = std::max(allowed_end, m.end);
    } else if (m.end > allowed_end) {
      (*matches)[kept++] = m;
    }
  }
  matches->resize(kept);
}

// An e-mail address's domain is not also a link: drops url matches lying
// inside an email match ("qq.com" in "dave2026@qq.com"). `matches` sorted
// by begin; in place, O(m).
void DropLinksInsideEmails(std::vector<ScreenMatch>* matches) {
  std::vector<ScreenMatch>& all = *matches;
  uint32_t email_end = 0;  // the furthest end of an email begun so far
  size_t kept = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const ScreenMatch m = all[i];
    if (m.source == MatchSource::kEmail) email_end = std::max(email_end, m.end);
    bool inside = m.source == MatchSource::kUrl && m.end <= email_end;
    // An email beginning where the link does sorts after it.
    for (size_t j = i + 1; m.source == MatchSource::kUrl && !inside && j < all.size() &&
                           all[j].begin == m.begin;
         ++j) {
      inside = all[j].source == MatchSource::kEmail && m.end <= all[j].end;
    }
    if (!inside) all[kept++] = m;
  }
  all.resize(kept);
}

// The longest prefix of at most `limit` bytes that does not split a UTF-8
// sequence (a cut sequence would read as invalid bytes).
std::string_view CutAtBoundary(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit;
  for (int i = 0; i < 3 && cut > 0 &&
                  (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80;
       ++i) {
    --cut;
  }
  return text.substr(0, cut);
}

}  // namespace

void Screener::Screen(absl::string_view text, ScreenResult* result) const {
  result->matches.clear();
  result->truncated = text.size() > impl_->max_text_bytes;
  Scan(*impl_, &result->matches)
      .Run(CutAtBoundary({text.data(), text.size()}, impl_->max_text_bytes));
  FinishMatches(&result->matches);
  if (impl_->detectors & Bit(MatchSource::kEmail)) DropLinksInsideEmails(&result->matches);
}

ScreenResult Screener::Screen(absl::string_view text) const {
  ScreenResult result;
  Screen(text, &result);
  return result;
}

std::string NormalizeForScreening(absl::string_view text) {
  screening::EntryKey key;
  screening::NormalizeKey({text.data(), text.size()}, &key);  // invalid bytes are skipped either way
  std::string out;
  for (size_t i = 0; i < key.chars.size(); ++i) {
    if (key.chars[i] == screening::kBoundary) {
      if (i > 0 && i + 1 < key.chars.size()) out += ' ';
      continue;
    }
    const char32_t shown = key.digits[i] ? key.shown[i] : key.chars[i];
    for (uint8_t n = 0; n < key.counts[i]; ++n) text::AppendUtf8(shown, &out);
  }
  return out;
}

std::string Mask(absl::string_view text, absl::Span<const ScreenMatch> matches,
                 absl::string_view mask) {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  spans.reserve(matches.size());
  for (const ScreenMatch& m : matches) {
    if (m.begin < m.end && m.end <= text.size()) spans.emplace_back(m.begin, m.end);
  }
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    const uint32_t begin = spans[i].first;
    uint32_t end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= end; ++i) {
      end = std::max(end, spans[i].second);
    }
    absl::StrAppend(&out, text.substr(pos, begin - pos), mask);
    pos = end;
  }
  absl::StrAppend(&out, text.substr(pos));
  return out;
}

absl::string_view MatchSourceName(MatchSource source) {
  switch (source) {
    case MatchSource::kWord:
      return "word";
    case MatchSource::kUrl:
      return kDetectorUrl;
    case MatchSource::kPhone:
      return kDetectorPhone;
    case MatchSource::kWeChat:
      return kDetectorWeChat;
    case MatchSource::kQq:
      return kDetectorQq;
    case MatchSource::kSolicitation:
      return kDetectorSolicitation;
    case MatchSource::kEmail:
      return kDetectorEmail;
  }
  return "unknown";
}

}  // namespace shequn
