// Internal: an Aho–Corasick automaton over code points, stored compactly.
//
// States are numbered in breadth-first order (the root and the states
// entered by a Latin symbol first, then the rest), so the hot shallow
// states sit together in memory. A state's edges are one slice of two
// parallel arrays (labels sorted, targets), found through edge_begin_;
// there is no map or vector per node. Per state: 17 bytes; per edge: 8
// bytes; per key: 4; per Latin-entered state another 128 bytes for its
// full row over the key stream's Latin symbols; plus a direct table for
// the root (4 bytes per code point up to the largest BMP label: 160 KiB
// once the keys include CJK).
#ifndef SHEQUN_SRC_SCREENING_AHO_CORASICK_H_
#define SHEQUN_SRC_SCREENING_AHO_CORASICK_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace shequn::screening {

class AhoCorasick {
 public:
  static constexpr uint32_t kRoot = 0;

  // Builds the automaton for `keys` (each non-empty); a match reports the
  // key's index. Equal keys each report their own index. O(L log L) for L
  // code points in all keys.
  static AhoCorasick Build(std::span<const std::u32string> keys);

  // The state after reading `c` in `state`. O(1) for the key stream's
  // Latin symbols (U+0001 and a-z) read in a state entered by one; else
  // amortised O(log edges) per character over a text (failure links are
  // followed at most as often as edges were taken).
  uint32_t Next(uint32_t state, char32_t c) const {
    return NextFlagged(state, c) & ~kMatchFlag;
  }

  // Next(), with kMatchFlag set if some key ends in the new state: saves
  // the Matches() read on the Latin path.
  static constexpr uint32_t kMatchFlag = 1u << 31;
  uint32_t NextFlagged(uint32_t state, char32_t c) const {
    if (state < latin_states_ && IsLatinSymbol(c)) {
      return latin_next_[size_t{state} * kLatinSymbols + LatinColumn(c)];
    }
    const uint32_t next = NextSparse(state, c);
    return matches_[next] ? next | kMatchFlag : next;
  }

  // Whether some key ends in `state`. O(1).
  bool Matches(uint32_t state) const { return matches_[state]; }

  // Calls fn(key index) for every key ending in `state`, longest first.
  // O(number of such keys).
  template <typename Fn>
  void ForEachMatch(uint32_t state, Fn&& fn) const {
    if (!HasOutput(state)) state = dict_[state];
    for (; state != kNone; state = dict_[state]) {
      for (uint32_t i = out_begin_[state]; i < out_begin_[state + 1]; ++i) {
        fn(out_[i]);
      }
    }
  }

  size_t MemoryBytes() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The Latin symbols: U+0001 (the key stream's word boundary) in column
  // 0, a-z in columns 1..26 of a 32-entry row.
  static constexpr char32_t kLatinBoundary = 1;
  static constexpr uint32_t kLatinSymbols = 32;
  static constexpr bool IsLatinSymbol(char32_t c) {
    return c == kLatinBoundary || (c >= 'a' && c <= 'z');
  }
  static constexpr uint32_t LatinColumn(char32_t c) {
    return c == kLatinBoundary ? 0 : c - ('a' - 1);
  }

  uint32_t NextSparse(uint32_t state, char32_t c) const;
  uint32_t Child(uint32_t state, char32_t c) const;
  bool HasOutput(uint32_t state) const {
    return out_begin_[state] != out_begin_[state + 1];
  }
  void BuildRootTable();
  void BuildLinks(const std::vector<uint32_t>& order);
  void BuildLatinRows();

  std::vector<uint32_t> edge_begin_;   // per state + 1: its edges' slice
  std::vector<char32_t> edge_label_;   // sorted within a state's slice
  std::vector<uint32_t> edge_target_;
  std::vector<uint32_t> fail_;         // longest proper suffix state
  std::vector<uint32_t> dict_;         // nearest suffix state with output
  std::vector<uint32_t> out_begin_;    // per state + 1: its keys' slice
  std::vector<uint32_t> out_;          // key indices
  // The root's transitions for BMP code points up to its largest label,
  // indexed directly: most characters of a text are read at the root,
  // whose edges are too many to search quickly.
  std::vector<uint32_t> root_next_;
  // A full transition row over the Latin symbols for the root and every
  // state entered by one (32 entries of 4 bytes), so that words of Latin
  // letters cost one table read per letter. These states are numbered
  // first, so a state's id is its row; states entered by another
  // character (CJK) take the sparse edges.
  uint32_t latin_states_ = 0;
  std::vector<uint32_t> latin_next_;
  std::vector<uint8_t> matches_;  // per state: some key ends here
};

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_AHO_CORASICK_H_
