// Internal: the folding and classification behind screening.h's
// "Normalisation" paragraph; a cursor that walks a text in folded code
// points keeping each one's original byte span; and the key stream that
// turns those into what the word automaton reads (words joined or split,
// repeats merged, leetspeak digits read as letters).
#ifndef SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_
#define SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace shequn::screening {

// What a folded code point is to the matcher. The order is the generator's
// (examples/tools/make_fold_tables.cc).
enum class CharClass : uint8_t {
  kSpace,   // whitespace, controls, apostrophes ("who're" is two words)
  kPunct,   // punctuation, symbols, emoji, private use, invalid bytes
  kLatin,   // a-z (after folding)
  kDigit,   // 0-9 (after folding)
  kWord,    // CJK, kana, hangul and every other letter
  kStop,    // sentence punctuation: , ; : ! ? 。 、 ， and line breaks
  kIgnore,  // zero-width and format characters, combining marks
};

// A folded code point and its class, from the generated tables: OpenCC's
// traditional → simplified, ICU's NFKD less marks, lower case, ICU's
// confusable skeletons for look-alike letters, ICU's general categories.
// O(1): two array reads.
struct Folded {
  char32_t c;
  CharClass cls;
};
Folded Fold(char32_t c);

// The digit a Chinese numeral (一, 壹, 两, 幺, 〇; after folding) stands
// for, or -1 (Unihan_NumericValues). O(log 33).
int ChineseDigit(char32_t folded);

inline bool IsWordClass(CharClass k) {
  return k == CharClass::kLatin || k == CharClass::kDigit ||
         k == CharClass::kWord;
}

// One folded code point of a text with its original byte span.
struct FoldedChar {
  char32_t c = 0;      // folded; U+FFFD for an invalid byte
  uint32_t begin = 0;  // original byte span
  uint32_t end = 0;
  CharClass cls = CharClass::kSpace;
  bool invalid = false;  // an invalid UTF-8 byte
};

// The fold table's first 128 entries, inline for the cursor's ASCII path.
struct AsciiFolds {
  Folded entries[128];
  constexpr const Folded& operator[](unsigned i) const { return entries[i]; }
};
constexpr AsciiFolds MakeAsciiFolds() {
  AsciiFolds t{};
  for (char32_t c = 0; c < 128; ++c) {
    Folded& f = t.entries[c];
    f.c = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    f.cls = f.c >= 'a' && f.c <= 'z'   ? CharClass::kLatin
            : f.c >= '0' && f.c <= '9' ? CharClass::kDigit
            : std::u32string_view(U",;:!?\n\r").find(f.c) != std::u32string_view::npos
                ? CharClass::kStop
            : f.c <= 0x20 || f.c == 0x7F || f.c == '\'' ? CharClass::kSpace
                                         : CharClass::kPunct;
  }
  return t;
}
inline constexpr AsciiFolds kAsciiFolds = MakeAsciiFolds();

// Walks `text` one folded code point at a time. Allocation-free; `text`
// must outlive the cursor and be shorter than 4 GiB. Inline: it runs once
// per character of every screened text.
class FoldedCursor {
 public:
  explicit FoldedCursor(std::string_view text) : text_(text) {}

  // Fills *out and returns true, or returns false at the end. O(1).
  bool Next(FoldedChar* out) {
    if (pos_ >= text_.size()) return false;
    const auto byte = static_cast<unsigned char>(text_[pos_]);
    if (byte < 0x80) {  // most chat bytes are ASCII: one small table
      out->begin = pos_;
      out->end = ++pos_;
      out->invalid = false;
      out->c = kAsciiFolds[byte].c;
      out->cls = kAsciiFolds[byte].cls;
      return true;
    }
    DecodeMultibyte(out);
    return true;
  }

 private:
  void DecodeMultibyte(FoldedChar* out);

  std::string_view text_;
  uint32_t pos_ = 0;
};

// A character of the key stream, or a word boundary (c == kBoundary).
struct KeyChar {
  char32_t c = 0;
  uint32_t begin = 0;  // original byte span, repeats included
  uint32_t end = 0;
  uint32_t count = 1;  // adjacent equal letters merged into this one
  bool digit = false;  // a digit read as a letter ("w3chat")
  char32_t shown = 0;  // the folded character, before leetspeak
  // Joined to the character before across a gap ("s h", "w.e"): a word may
  // start here and the one before may end before it.
  bool joined = false;
};
inline constexpr char32_t kBoundary = 1;

// Turns folded characters into the key stream, per screening.h's "Words":
//  * a piece is a run of letters and digits; pieces of Latin letters and
//    digits ("alnum") joined by punctuation without a space ("w.e.c.h.a.t",
//    "sh*it") or made of single letters apart by spaces ("s h i t") read as
//    one word; otherwise a boundary separates them;
//  * CJK pieces join across spaces and symbols ("加 微 信"), never across
//    sentence punctuation ("成，人");
//  * a boundary also stands between CJK and alnum, and at both ends;
//  * digits in alnum words read as letters (0→o 1→i 3→e 4→a 5→s 7→t ...);
//  * a letter equal to the one before it in the same word merges into it
//    (Sink::Repeat), so "fuuuck" is f,u×3,c,k (so do digits: "a55" is
//    a,s×2; the matcher holds a digit's count exact).
// Sink: void Key(const KeyChar&); void Repeat(uint32_t end).
// O(1) per character, no allocation.
class KeyStream {
 public:
  template <typename Sink>
  void Feed(const FoldedChar& ch, Sink& sink) {
    if (ch.cls == CharClass::kLatin && gap_ == Gap::kNone && piece_len_ > 0 &&
        last_alnum_ && !held_) {  // most characters: a letter inside a word
      ++piece_len_;
      last_letter_ = true;
      Emit(KeyChar{ch.c, ch.begin, ch.end, 1, false, ch.c, false}, sink);
      return;
    }
    switch (ch.cls) {
      case CharClass::kIgnore:
        return;
      case CharClass::kSpace:
      case CharClass::kPunct:
      case CharClass::kStop: {
        ReleaseHeld(sink);
        const Gap g = ch.cls == CharClass::kStop    ? Gap::kStop
                      : ch.cls == CharClass::kSpace ? Gap::kSpace
                                                    : Gap::kJoiner;
        if (g > gap_) gap_ = g;
        return;
      }
      default:
        break;
    }
    const bool alnum = ch.cls != CharClass::kWord;
    if (held_) {  // the held letter has company: a word, not a spelling
      held_ = false;
      Boundary(held_char_.begin, sink);
      held_char_.joined = false;
      Emit(held_char_, sink);
      piece_len_ = 1;
    }
    KeyChar key{alnum ? Leet(ch.c) : ch.c, ch.begin, ch.end, 1,
                ch.cls == CharClass::kDigit, ch.c, false};
    if (piece_len_ > 0 && gap_ == Gap::kNone) {  // inside a piece
      if (alnum != last_alnum_) {
        Boundary(ch.begin, sink);
        piece_len_ = 0;  // "说A V": the A is a piece of its own
      }
      ++piece_len_;
    } else {
      const bool single = piece_len_ == 1;
      const bool letter = ch.cls == CharClass::kLatin;
      const Gap gap = gap_;
      gap_ = Gap::kNone;
      const bool was_letter = last_letter_;
      piece_len_ = 1;
      last_letter_ = letter;
      if (!started_ || gap == Gap::kStop || alnum != last_alnum_) {
        Boundary(ch.begin, sink);
      } else if (alnum && gap == Gap::kSpace) {
        if (single && letter && was_letter) {
          held_ = true;  // "s h": decided by what follows the "h"
          held_char_ = key;
          held_char_.joined = true;
          last_alnum_ = alnum;
          return;
        }
        if (!(single && !letter && !was_letter)) {
          Boundary(ch.begin, sink);
        } else {
          key.joined = true;
        }
      } else {
        key.joined = true;
      }
    }
    last_alnum_ = alnum;
    last_letter_ = ch.cls == CharClass::kLatin;
    Emit(key, sink);
  }

  template <typename Sink>
  void Finish(uint32_t end, Sink& sink) {
    ReleaseHeld(sink);
    Boundary(end, sink);
  }

  // The letter a digit stands for in leetspeak.
  static char32_t Leet(char32_t c) {
    if (c < '0' || c > '9') return c;
    return U"oizeasgtbg"[c - '0'];
  }

 private:
  enum class Gap : uint8_t { kNone, kJoiner, kSpace, kStop };

  template <typename Sink>
  void ReleaseHeld(Sink& sink) {
    if (!held_) return;
    held_ = false;
    Emit(held_char_, sink);
  }

  // Boundary and Emit are inlined with the sink, so a key character goes
  // from here to the sink in registers.
  template <typename Sink>
  [[gnu::always_inline]] void Boundary(uint32_t at, Sink& sink) {
    started_ = true;
    if (last_key_ == kBoundary) return;
    last_key_ = kBoundary;
    sink.Key(KeyChar{kBoundary, at, at, 1, false, kBoundary, false});
  }

  template <typename Sink>
  [[gnu::always_inline]] void Emit(const KeyChar& key, Sink& sink) {
    started_ = true;
    if (key.c == last_key_ && key.c >= 'a' && key.c <= 'z') {
      sink.Repeat(key.end);
      return;
    }
    last_key_ = key.c;
    sink.Key(key);
  }

  Gap gap_ = Gap::kNone;
  uint32_t piece_len_ = 0;   // characters in the current (or last) piece
  bool last_alnum_ = false;  // the last word character was alnum
  bool last_letter_ = false; // ... and a Latin letter
  bool started_ = false;     // the leading boundary was sent
  bool held_ = false;
  KeyChar held_char_;
  char32_t last_key_ = 0;
};

// The key of `text` as an entry of a word list: its key characters
// (boundaries included), and per character its merge count and whether it
// was a digit. Returns false if `text` has invalid UTF-8.
struct EntryKey {
  std::u32string chars;
  std::basic_string<uint8_t> counts;  // capped at 127
  std::basic_string<bool> digits;
  std::u32string shown;  // before leetspeak
};
bool NormalizeKey(std::string_view text, EntryKey* key);

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_
