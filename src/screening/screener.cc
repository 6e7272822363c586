// Screener: builds one automaton over words, whitelist entries and detector
// triggers, then screens a text in one pass of FoldedCursor, feeding each
// character to the word automaton and to the two detectors that need the
// separators (UrlDetector, TokenDetector).
#include <algorithm>
#include <array>
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
#include "screening/text_normalizer.h"
#include "shequn/screening.h"

namespace shequn {
namespace {

using screening::CharClass;
using screening::FoldedChar;

enum class EntryKind : uint8_t { kBanned, kAllowed, kTrigger };

// One automaton key: a banned word in one category, a whitelist word, or a
// detector trigger.
struct Entry {
  EntryKind kind;
  MatchSource trigger;  // kTrigger: kWeChat, kQq or kSolicitation
  bool latin_start;     // kTrigger: must start on a word boundary
  bool latin_end;       // kTrigger: must not run into a following letter
  uint16_t length;      // code points in the key
  uint32_t category;    // kBanned: index into Impl::categories
  uint32_t word;        // kBanned: flattened word index
};

struct TriggerWord {
  std::string_view text;
  MatchSource source;
};

// Written as users type them; they are normalised like any word, so "qq"
// becomes "q" and "加 V" matches "加v".
constexpr TriggerWord kTriggers[] = {
    {"wx", MatchSource::kWeChat},           {"vx", MatchSource::kWeChat},
    {"v信", MatchSource::kWeChat},          {"微信", MatchSource::kWeChat},
    {"威信", MatchSource::kWeChat},         {"薇信", MatchSource::kWeChat},
    {"维信", MatchSource::kWeChat},
    {"加v", MatchSource::kWeChat},          {"加我", MatchSource::kWeChat},
    {"wechat", MatchSource::kWeChat},       {"weixin", MatchSource::kWeChat},
    {"qq", MatchSource::kQq},               {"q群", MatchSource::kQq},
    {"扣扣", MatchSource::kQq},             {"企鹅", MatchSource::kQq},
    {"加我", MatchSource::kSolicitation},   {"加好友", MatchSource::kSolicitation},
    {"私聊我", MatchSource::kSolicitation}, {"私信我", MatchSource::kSolicitation},
    {"私我", MatchSource::kSolicitation},   {"滴滴我", MatchSource::kSolicitation},
    {"联系我", MatchSource::kSolicitation}, {"扫码", MatchSource::kSolicitation},
    {"add me", MatchSource::kSolicitation}, {"dm me", MatchSource::kSolicitation},
    {"pm me", MatchSource::kSolicitation},  {"contact me", MatchSource::kSolicitation},
    {"text me", MatchSource::kSolicitation},
};

constexpr absl::string_view kDetectorNames[] = {
    kDetectorUrl, kDetectorPhone, kDetectorWeChat, kDetectorQq,
    kDetectorSolicitation};

constexpr MatchSource kDetectorSources[] = {
    MatchSource::kUrl, MatchSource::kPhone, MatchSource::kWeChat,
    MatchSource::kQq, MatchSource::kSolicitation};

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

  // Normalises `text` into a key; errors name `path`.
  absl::Status AddKey(std::string_view path, std::string_view text,
                      Entry entry) {
    const absl::string_view at(path.data(), path.size());
    std::u32string key;
    if (!screening::NormalizeKey(text, &key)) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": invalid UTF-8"));
    }
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": empty after normalisation"));
    }
    if (key.size() > kMaxWordCodePoints) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, ": ", key.size(), " code points after normalisation, limit ",
          kMaxWordCodePoints));
    }
    // One key per (kind, key, category): repeats in a list count once.
    std::string id = absl::StrCat(static_cast<int>(entry.kind), ":",
                                  static_cast<int>(entry.trigger), ":",
                                  entry.category, ":");
    for (char32_t c : key) text::AppendUtf8(c, &id);
    if (!seen_.insert(std::move(id)).second) return absl::OkStatus();
    entry.length = static_cast<uint16_t>(key.size());
    entry.latin_start = screening::Classify(key.front()) != CharClass::kWord;
    entry.latin_end = screening::Classify(key.back()) == CharClass::kLatin;
    if (entry.kind != EntryKind::kTrigger) ++impl_->size;
    keys_.push_back(std::move(key));
    impl_->entries.push_back(entry);
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
  if (name.size() > kMaxCategoryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", name.size(), " bytes, limit ", kMaxCategoryBytes));
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
      if (absl::Status s = builder->AddKey(
              absl::StrCat(path, ".words[", w, "]"), list.words[w], entry);
          !s.ok()) {
        return s;
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
  if (const size_t total = TotalEntries(options); total > kMaxWords) {
    return absl::InvalidArgumentError(
        absl::StrCat("word_lists: ", total,
                     " words and whitelist entries, limit ", kMaxWords));
  }
  if (options.max_text_bytes == 0 || options.max_text_bytes > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_text_bytes: ", options.max_text_bytes, ", must be in 1..",
        UINT32_MAX));
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

size_t Screener::MemoryBytes() const {
  return sizeof(screening::ScreenerData) + impl_->automaton.MemoryBytes() +
         impl_->entries.capacity() * sizeof(Entry) +
         impl_->word_text.capacity() +
         impl_->word_offsets.capacity() * sizeof(uint32_t);
}

// ---- Screening ------------------------------------------------------------

namespace {

// Marks a whitelist hit in the match vector until FinishMatches drops it:
// every real match has a non-empty category.
constexpr absl::string_view kAllowedMarker{};

// A trigger whose end boundary is judged by the next character.
struct PendingTrigger {
  MatchSource source;
  bool latin_end;
  uint32_t begin;
  uint32_t end;
};

// One pass over a text: FoldedCursor → (UrlDetector, TokenDetector, word
// automaton). State is a few hundred bytes on the stack.
class Scan {
 public:
  Scan(const screening::ScreenerData& impl, std::vector<ScreenMatch>* out)
      : impl_(impl),
        sink_{out, impl.categories[impl.link_category],
              impl.categories[impl.contact_category], impl.detectors},
        out_(out) {}

  void Run(std::string_view text) {
    screening::FoldedCursor cursor(text);
    for (FoldedChar ch; cursor.Next(&ch);) Feed(ch);
    ResolvePending(nullptr);
    url_.Finish(sink_);
    tokens_.Finish(sink_);
  }

 private:
  // The automaton only needs the last kMaxWordCodePoints characters it read
  // to map a match back to its first byte.
  struct Seen {
    uint32_t begin;
    uint32_t gaps;  // characters so far that followed a separator
    bool boundary;  // a Latin key may start here ("new xbox" is not "wx")
  };
  static constexpr size_t kRing = kMaxWordCodePoints;

  void Feed(const FoldedChar& ch) {
    ResolvePending(&ch);
    const bool word_char = screening::IsWordClass(ch.cls);
    const bool accepted = filter_.Accept(ch);
    if (sink_.Enabled(MatchSource::kUrl)) url_.Feed(ch, sink_);
    tokens_.Feed(ch, word_char && !accepted, sink_);
    if (!word_char) {
      gap_ = true;
      return;
    }
    if (!accepted) return;  // a repeated letter: "f u u ck"
    const bool boundary = gap_ || !last_latin_;
    gaps_ += gap_ && count_ > 0;
    ring_[count_ % kRing] = {ch.begin, gaps_, boundary};
    ++count_;
    gap_ = false;
    last_latin_ = ch.cls != CharClass::kWord;
    state_ = impl_.automaton.Next(state_, ch.c);
    impl_.automaton.ForEachMatch(
        state_, [&](uint32_t key) { OnKey(impl_.entries[key], ch.end); });
  }

  void OnKey(const Entry& e, uint32_t end) {
    const Seen& first = ring_[(count_ - e.length) % kRing];
    // A Latin word spelled across separators must start a word: "s h i t"
    // is caught, but "I was hit" does not hide "shit".
    const bool spaced = gaps_ != first.gaps;
    if (e.kind != EntryKind::kTrigger && e.latin_start && spaced &&
        !first.boundary) {
      return;
    }
    switch (e.kind) {
      case EntryKind::kBanned:
        out_->push_back({impl_.categories[e.category], first.begin, end,
                         MatchSource::kWord, e.word});
        return;
      case EntryKind::kAllowed:
        out_->push_back({kAllowedMarker, first.begin, end, MatchSource::kWord, 0});
        return;
      case EntryKind::kTrigger:
        if ((e.latin_start && !first.boundary) || !sink_.Enabled(e.trigger) ||
            pending_count_ == pending_.size()) {
          return;
        }
        pending_[pending_count_++] = {e.trigger, e.latin_end, first.begin, end};
        return;
    }
  }

  // Confirms pending triggers unless `next` glues a letter onto a Latin
  // one ("add media" is not "add me"). nullptr: the text ended.
  void ResolvePending(const FoldedChar* next) {
    for (size_t i = 0; i < pending_count_; ++i) {
      const PendingTrigger& p = pending_[i];
      if (next != nullptr && p.latin_end && next->cls == CharClass::kLatin &&
          next->begin == p.end) {
        continue;
      }
      if (p.source == MatchSource::kSolicitation) {
        sink_.Emit(p.source, p.begin, p.end);
      } else {
        tokens_.Arm(p.source, p.begin, sink_);
      }
    }
    pending_count_ = 0;
  }

  const screening::ScreenerData& impl_;
  const screening::MatchSink sink_;
  std::vector<ScreenMatch>* out_;
  screening::UrlDetector url_;
  screening::TokenDetector tokens_;
  screening::KeyFilter filter_;
  uint32_t state_ = screening::AhoCorasick::kRoot;
  std::array<Seen, kRing> ring_;  // written before read: no need to zero
  uint64_t count_ = 0;
  uint32_t gaps_ = 0;
  bool gap_ = true;
  bool last_latin_ = false;
  // The trigger table lets at most two triggers end on one character
  // ("加我" is both wechat and solicitation); four is headroom.
  std::array<PendingTrigger, 4> pending_{};
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
}

ScreenResult Screener::Screen(absl::string_view text) const {
  ScreenResult result;
  Screen(text, &result);
  return result;
}

std::string NormalizeForScreening(absl::string_view text) {
  std::u32string key;
  screening::NormalizeKey({text.data(), text.size()}, &key);  // invalid bytes are skipped either way
  std::string out;
  for (char32_t c : key) text::AppendUtf8(c, &out);
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
  }
  return "unknown";
}

}  // namespace shequn
