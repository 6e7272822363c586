// Internal: the folding and classification behind screening.h's
// "Normalisation" paragraph, and a cursor that walks a text in folded code
// points while keeping each one's original byte span.
#ifndef SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_
#define SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace shequn::screening {

// What a folded code point is to the matcher. Word matching sees only
// kLatin, kDigit and kWord; kSpace and kPunct are separators it drops.
enum class CharClass : uint8_t {
  kSpace,  // whitespace, zero-width characters, variation selectors
  kPunct,  // punctuation, symbols, emoji, combining marks, invalid bytes
  kLatin,  // a-z (after folding)
  kDigit,  // 0-9 (after folding)
  kWord,   // CJK, kana, hangul and every other letter
};

// Full-width → ASCII, U+3000 → ' ', circled/mathematical letters and digits
// → ASCII, A-Z → a-z, traditional → simplified (curated table). O(log 741).
char32_t FoldCodePoint(char32_t c);

// Class of an already folded code point. O(1).
CharClass Classify(char32_t c);

inline bool IsWordClass(CharClass k) {
  return k == CharClass::kLatin || k == CharClass::kDigit ||
         k == CharClass::kWord;
}

// One folded code point of a text. Four-byte fields first, so copies move
// whole words (the cursor copies one per character).
struct FoldedChar {
  char32_t c = 0;       // folded; U+FFFD for an invalid byte
  uint32_t begin = 0;   // original byte span; for a Latin letter it also
  uint32_t end = 0;     // covers the same letter repeated right after it
  uint32_t count = 1;   // code points merged into this one ("uuu": 3)
  CharClass cls = CharClass::kSpace;
  bool invalid = false;  // an invalid UTF-8 byte
};

// Walks `text` one folded code point at a time. Adjacent repeats of a
// Latin letter come back as one FoldedChar ("uuu"); nothing else merges.
// Allocation-free; `text` must outlive the cursor and be shorter than
// 4 GiB. Inline: it runs once per character of every screened text.
class FoldedCursor {
 public:
  explicit FoldedCursor(std::string_view text) : text_(text) {}

  // Fills *out and returns true, or returns false at the end. O(1) per byte.
  bool Next(FoldedChar* out) {
    if (has_ahead_) {
      *out = ahead_;
      has_ahead_ = false;
    } else if (pos_ < text_.size()) {
      Decode(pos_, out);
    } else {
      return false;
    }
    pos_ = out->end;
    if (out->cls != CharClass::kLatin) return true;
    // Swallow adjacent repeats so a match on "fuck" in "fuckkkk" masks all.
    while (pos_ < text_.size()) {
      Decode(pos_, &ahead_);
      if (ahead_.c != out->c) {
        has_ahead_ = true;
        break;
      }
      out->end = pos_ = ahead_.end;
      ++out->count;
    }
    return true;
  }

 private:
  // Decodes and folds the code point at `pos` into *out.
  void Decode(uint32_t pos, FoldedChar* out) const {
    const auto byte = static_cast<unsigned char>(text_[pos]);
    if (byte >= 0x80) return DecodeMultibyte(pos, out);
    out->begin = pos;  // most chat bytes are ASCII: no decoder, no tables
    out->end = pos + 1;
    out->count = 1;
    out->invalid = false;
    out->c = byte >= 'A' && byte <= 'Z' ? byte + ('a' - 'A') : byte;
    out->cls = out->c >= 'a' && out->c <= 'z'   ? CharClass::kLatin
               : out->c >= '0' && out->c <= '9' ? CharClass::kDigit
               : out->c <= 0x20 || out->c == 0x7F ? CharClass::kSpace
                                                  : CharClass::kPunct;
  }
  void DecodeMultibyte(uint32_t pos, FoldedChar* out) const;

  std::string_view text_;
  uint32_t pos_ = 0;
  // The character after the last one returned, when looking for repeats
  // already decoded it.
  FoldedChar ahead_;
  bool has_ahead_ = false;
};

// Picks the characters word matching sees: word-class characters, less a
// Latin letter that repeats the previous one ("f u u ck" → "fuck"). Digits
// and CJK never collapse: "哈哈" and "妈妈" are words, not evasions.
// Screened text and word lists go through the same filter, so they agree.
class KeyFilter {
 public:
  bool Accept(const FoldedChar& ch);

 private:
  char32_t last_ = 0;
};

// Appends the matching key of `text` to *key (KeyFilter over FoldedCursor).
// Returns false if `text` has invalid UTF-8; the bad bytes are skipped.
bool NormalizeKey(std::string_view text, std::u32string* key);

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_TEXT_NORMALIZER_H_
