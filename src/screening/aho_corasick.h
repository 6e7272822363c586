// Internal: an Aho–Corasick automaton over code points, stored compactly.
//
// States are numbered in breadth-first order, so the hot shallow states sit
// together in memory. A state's edges are one slice of two parallel arrays
// (labels sorted, targets), found through edge_begin_; there is no map or
// vector per node. Per state: 16 bytes; per edge: 8 bytes; per key: 4;
// plus a direct table for the root (4 bytes per code point up to the
// largest BMP label: 160 KiB once the keys include CJK).
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

  // The state after reading `c` in `state`. Amortised O(log edges) per
  // character over a text (failure links are followed at most as often as
  // edges were taken).
  uint32_t Next(uint32_t state, char32_t c) const;

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

  uint32_t Child(uint32_t state, char32_t c) const;
  bool HasOutput(uint32_t state) const {
    return out_begin_[state] != out_begin_[state + 1];
  }
  void BuildRootTable();
  void BuildLinks();

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
};

}  // namespace shequn::screening

#endif  // SHEQUN_SRC_SCREENING_AHO_CORASICK_H_
