#include "shequn/leaderboard.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace shequn {
namespace {

// True if the key (score, tiebreak, member) ranks ahead of key `b`: the
// board's total order. Split out so a leaf's columns compare without
// assembling a Key.
template <typename K>
bool KeyBefore(int64_t score, uint64_t tiebreak, uint32_t member, const K& b) {
  if (score != b.score) return score > b.score;
  if (tiebreak != b.tiebreak) return tiebreak < b.tiebreak;
  return member < b.member;
}

template <typename K>
bool Before(const K& a, const K& b) {
  return KeyBefore(a.score, a.tiebreak, a.member, b);
}

}  // namespace

Leaderboard::Leaderboard() { Clear(); }

// ---- small node helpers ---------------------------------------------------

namespace {

// The position of the first entry of `leaf` that does not rank ahead of
// `key` (where `key` is, or would go).
template <typename LeafT, typename K>
uint32_t LowerBound(const LeafT& leaf, const K& key) {
  uint32_t lo = 0;
  uint32_t hi = leaf.n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (KeyBefore(leaf.score[mid], leaf.tiebreak[mid], leaf.member[mid], key)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The child of `inner` whose range holds `key`.
template <typename InnerT, typename K>
uint32_t Route(const InnerT& inner, const K& key) {
  uint32_t lo = 1;
  uint32_t hi = inner.n;
  while (lo < hi) {  // first i >= 1 with key before sep[i]
    uint32_t mid = (lo + hi) / 2;
    if (Before(key, inner.sep[mid])) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo - 1;
}

template <typename LeafT, typename K>
void PutKey(LeafT& leaf, uint32_t i, const K& key) {
  leaf.score[i] = key.score;
  leaf.tiebreak[i] = key.tiebreak;
  leaf.member[i] = key.member;
}

template <typename LeafT>
void ShiftEntries(LeafT& leaf, uint32_t from, int by) {
  auto shift = [&](auto* column) {
    std::copy(column + from, column + leaf.n, column + from + by);
  };
  if (by > 0) {  // overlapping ranges moving right: copy from the end
    auto shift_back = [&](auto* column) {
      std::copy_backward(column + from, column + leaf.n,
                         column + leaf.n + by);
    };
    shift_back(leaf.score);
    shift_back(leaf.tiebreak);
    shift_back(leaf.member);
  } else {
    shift(leaf.score);
    shift(leaf.tiebreak);
    shift(leaf.member);
  }
  leaf.n += by;
}

template <typename LeafT, typename K>
void InsertAt(LeafT& leaf, uint32_t pos, const K& key) {
  ShiftEntries(leaf, pos, 1);
  PutKey(leaf, pos, key);
}

template <typename InnerT>
uint32_t Total(const InnerT& inner) {
  return std::accumulate(inner.count, inner.count + inner.n, uint32_t{0});
}

}  // namespace

// ---- public API -----------------------------------------------------------

absl::Status Leaderboard::Add(uint32_t member, int64_t delta,
                              uint64_t tiebreak) {
  if (!Contains(member)) {
    Set(member, delta, tiebreak);
    return absl::OkStatus();
  }
  int64_t score;
  if (__builtin_add_overflow(slots_[member].score, delta, &score)) {
    return absl::OutOfRangeError(
        absl::StrCat("member ", member, ": score ", slots_[member].score,
                     " + ", delta, " overflows int64"));
  }
  Set(member, score, tiebreak);
  return absl::OkStatus();
}

void Leaderboard::Set(uint32_t member, int64_t score, uint64_t tiebreak) {
  if (Contains(member)) {
    if (slots_[member].score == score) return;  // keeps when they got there
    Remove(KeyOf(member));
  } else if (member >= slots_.size()) {
    slots_.resize(size_t{member} + 1);
    present_.resize(size_t{member} + 1);
  }
  slots_[member] = {score, tiebreak};
  present_[member] = true;
  Insert(KeyOf(member));
}

bool Leaderboard::Erase(uint32_t member) {
  if (!Contains(member)) return false;
  Remove(KeyOf(member));
  present_[member] = false;
  return true;
}

void Leaderboard::Clear() {
  slots_.clear();
  present_.clear();
  leaves_.clear();
  inners_.clear();
  free_leaves_.clear();
  free_inners_.clear();
  root_ = NewLeaf();
  height_ = 0;
  size_ = 0;
}

absl::Status Leaderboard::Build(absl::Span<const Standing> standings) {
  uint32_t max_id = 0;
  for (const Standing& s : standings) max_id = std::max(max_id, s.member);
  std::vector<bool> seen(standings.empty() ? 0 : size_t{max_id} + 1);
  for (const Standing& s : standings) {
    if (seen[s.member]) {
      return absl::InvalidArgumentError(
          absl::StrCat("member ", s.member, " appears twice in Build"));
    }
    seen[s.member] = true;
  }
  std::vector<Key> keys;
  keys.reserve(standings.size());
  for (const Standing& s : standings) {
    keys.push_back({s.score, s.tiebreak, s.member});
  }
  auto before = [](const Key& a, const Key& b) { return Before(a, b); };
  if (!std::is_sorted(keys.begin(), keys.end(), before)) {
    std::sort(keys.begin(), keys.end(), before);
  }

  Clear();
  if (keys.empty()) return absl::OkStatus();
  slots_.resize(size_t{max_id} + 1);
  present_ = std::move(seen);
  for (const Key& k : keys) slots_[k.member] = {k.score, k.tiebreak};

  // Leaves 3/4 full leave room to grow before the first splits; sizes are
  // spread evenly so none starts below the minimum fill.
  const size_t n = keys.size();
  const size_t target = kLeafCap * 3 / 4;
  const size_t num_leaves = (n + target - 1) / target;
  std::vector<Split> level;
  level.reserve(num_leaves);
  for (size_t l = 0; l < num_leaves; ++l) {
    const size_t begin = n * l / num_leaves;
    const size_t end = n * (l + 1) / num_leaves;
    const uint32_t idx = NewLeaf();
    Leaf& leaf = leaves_[idx];
    for (size_t i = begin; i < end; ++i) PutKey(leaf, i - begin, keys[i]);
    leaf.n = end - begin;
    if (l > 0) leaves_[idx - 1].next = idx;
    level.push_back({keys[begin], idx, static_cast<uint32_t>(end - begin)});
  }
  BuildLevels(std::move(level));
  size_ = n;
  return absl::OkStatus();
}

std::optional<int64_t> Leaderboard::Score(uint32_t member) const {
  if (!Contains(member)) return std::nullopt;
  return slots_[member].score;
}

std::optional<uint32_t> Leaderboard::Rank(uint32_t member) const {
  if (!Contains(member)) return std::nullopt;
  const Key key = KeyOf(member);
  uint32_t rank = 0;
  uint32_t node = root_;
  for (int h = height_; h > 0; --h) {
    const Inner& inner = inners_[node];
    const uint32_t i = Route(inner, key);
    rank = std::accumulate(inner.count, inner.count + i, rank);
    node = inner.child[i];
  }
  return rank + LowerBound(leaves_[node], key);
}

std::vector<Leaderboard::Entry> Leaderboard::Top(size_t k) const {
  return Collect(0, std::min(k, size_));
}

std::vector<Leaderboard::Entry> Leaderboard::Page(uint32_t member,
                                                  size_t before,
                                                  size_t after) const {
  const std::optional<uint32_t> rank = Rank(member);
  if (!rank) return {};
  const size_t first = *rank - std::min<size_t>(*rank, before);
  const size_t last = *rank + std::min<size_t>(size_ - 1 - *rank, after);
  return Collect(first, last - first + 1);
}

size_t Leaderboard::MemoryBytes() const {
  // A deque of node-sized blocks: one allocation (~16 bytes of malloc
  // overhead) per node plus an 8-byte pointer to it.
  constexpr size_t kPerBlock = 16 + 8;
  return slots_.capacity() * sizeof(Slot) + present_.capacity() / 8 +
         leaves_.size() * (sizeof(Leaf) + kPerBlock) +
         inners_.size() * (sizeof(Inner) + kPerBlock) +
         (free_leaves_.capacity() + free_inners_.capacity()) *
             sizeof(uint32_t);
}

// ---- internals -------------------------------------------------------------

bool Leaderboard::Contains(uint32_t member) const {
  return member < present_.size() && present_[member];
}

Leaderboard::Key Leaderboard::KeyOf(uint32_t member) const {
  return {slots_[member].score, slots_[member].tiebreak, member};
}

uint32_t Leaderboard::NewLeaf() {
  if (!free_leaves_.empty()) {
    const uint32_t idx = free_leaves_.back();
    free_leaves_.pop_back();
    leaves_[idx] = Leaf();
    return idx;
  }
  leaves_.emplace_back();
  return leaves_.size() - 1;
}

uint32_t Leaderboard::NewInner() {
  if (!free_inners_.empty()) {
    const uint32_t idx = free_inners_.back();
    free_inners_.pop_back();
    inners_[idx] = Inner();
    return idx;
  }
  inners_.emplace_back();
  return inners_.size() - 1;
}

void Leaderboard::Insert(const Key& key) {
  const std::optional<Split> split = InsertInto(root_, height_, key);
  ++size_;
  if (!split) return;
  // The root split: grow the tree by one level.
  const uint32_t idx = NewInner();
  Inner& root = inners_[idx];
  root.n = 2;
  root.child[0] = root_;
  root.count[0] = size_ - split->count;
  root.child[1] = split->node;
  root.count[1] = split->count;
  root.sep[1] = split->sep;
  root_ = idx;
  ++height_;
}

std::optional<Leaderboard::Split> Leaderboard::InsertInto(uint32_t node,
                                                          int height,
                                                          const Key& key) {
  if (height == 0) return InsertIntoLeaf(node, key);
  return InsertIntoInner(node, height, key);
}

std::optional<Leaderboard::Split> Leaderboard::InsertIntoLeaf(uint32_t idx,
                                                              const Key& key) {
  const uint32_t pos = LowerBound(leaves_[idx], key);
  if (leaves_[idx].n < kLeafCap) {
    InsertAt(leaves_[idx], pos, key);
    return std::nullopt;
  }
  const uint32_t right_idx = NewLeaf();  // may move leaves_: index after this
  Leaf& left = leaves_[idx];
  Leaf& right = leaves_[right_idx];
  constexpr uint32_t kHalf = kLeafCap / 2;
  std::copy(left.score + kHalf, left.score + kLeafCap, right.score);
  std::copy(left.tiebreak + kHalf, left.tiebreak + kLeafCap, right.tiebreak);
  std::copy(left.member + kHalf, left.member + kLeafCap, right.member);
  right.n = kLeafCap - kHalf;
  left.n = kHalf;
  right.next = left.next;
  left.next = right_idx;
  if (pos <= kHalf) {
    InsertAt(left, pos, key);
  } else {
    InsertAt(right, pos - kHalf, key);
  }
  return Split{{right.score[0], right.tiebreak[0], right.member[0]},
               right_idx, right.n};
}

std::optional<Leaderboard::Split> Leaderboard::InsertIntoInner(
    uint32_t idx, int height, const Key& key) {
  const uint32_t i = Route(inners_[idx], key);
  ++inners_[idx].count[i];
  const std::optional<Split> split =
      InsertInto(inners_[idx].child[i], height - 1, key);
  if (!split) return std::nullopt;
  inners_[idx].count[i] -= split->count;

  auto put_child = [&split](Inner& inner, uint32_t at) {
    std::copy_backward(inner.child + at, inner.child + inner.n,
                       inner.child + inner.n + 1);
    std::copy_backward(inner.count + at, inner.count + inner.n,
                       inner.count + inner.n + 1);
    std::copy_backward(inner.sep + at, inner.sep + inner.n,
                       inner.sep + inner.n + 1);
    inner.child[at] = split->node;
    inner.count[at] = split->count;
    inner.sep[at] = split->sep;
    ++inner.n;
  };
  if (inners_[idx].n < kInnerCap) {
    put_child(inners_[idx], i + 1);
    return std::nullopt;
  }
  const uint32_t right_idx = NewInner();  // may move inners_: index after this
  Inner& left = inners_[idx];
  Inner& right = inners_[right_idx];
  constexpr uint32_t kHalf = kInnerCap / 2;
  std::copy(left.child + kHalf, left.child + kInnerCap, right.child);
  std::copy(left.count + kHalf, left.count + kInnerCap, right.count);
  std::copy(left.sep + kHalf, left.sep + kInnerCap, right.sep);
  right.n = kInnerCap - kHalf;
  left.n = kHalf;
  // right.sep[0] separates the halves; the new child never lands at
  // right[0] (it goes to left[kHalf] instead), so it stays valid.
  if (i + 1 <= kHalf) {
    put_child(left, i + 1);
  } else {
    put_child(right, i + 1 - kHalf);
  }
  return Split{right.sep[0], right_idx, Total(right)};
}

void Leaderboard::Remove(const Key& key) {
  RemoveFrom(root_, height_, key);
  --size_;
  if (height_ == 0 || inners_[root_].n > 1) return;
  // The root has one child left: shrink the tree by one level.
  free_inners_.push_back(root_);
  root_ = inners_[root_].child[0];
  --height_;
}

void Leaderboard::RemoveFrom(uint32_t node, int height, const Key& key) {
  if (height == 0) {
    Leaf& leaf = leaves_[node];
    ShiftEntries(leaf, LowerBound(leaf, key) + 1, -1);
    return;
  }
  Inner& inner = inners_[node];
  const uint32_t i = Route(inner, key);
  --inner.count[i];
  RemoveFrom(inner.child[i], height - 1, key);
  // Below a quarter full (not the textbook half) a node borrows from or
  // merges with a sibling, so a member whose score bounces across a node
  // boundary does not merge and split on every update.
  const uint32_t min = (height == 1 ? kLeafCap : kInnerCap) / 4;
  if (NodeSize(inner.child[i], height - 1) < min) {
    FixUnderflow(node, i, height - 1);
  }
}

uint32_t Leaderboard::NodeSize(uint32_t node, int height) const {
  return height == 0 ? leaves_[node].n : inners_[node].n;
}

void Leaderboard::FixUnderflow(uint32_t parent, uint32_t i, int child_height) {
  if (inners_[parent].n < 2) return;  // no sibling (only a shrinking root)
  const uint32_t left = i > 0 ? i - 1 : i;
  if (child_height == 0) {
    RebalanceLeaves(parent, left);
  } else {
    RebalanceInners(parent, left);
  }
}

// Children `left` and `left + 1` of `parent` are leaves, one underfull:
// merge them if they fit in one, otherwise split their entries evenly.
void Leaderboard::RebalanceLeaves(uint32_t parent, uint32_t left) {
  Inner& p = inners_[parent];
  Leaf& a = leaves_[p.child[left]];
  Leaf& b = leaves_[p.child[left + 1]];
  Key all[2 * kLeafCap];
  const uint32_t total = a.n + b.n;
  for (uint32_t i = 0; i < a.n; ++i) {
    all[i] = {a.score[i], a.tiebreak[i], a.member[i]};
  }
  for (uint32_t i = 0; i < b.n; ++i) {
    all[a.n + i] = {b.score[i], b.tiebreak[i], b.member[i]};
  }
  const uint32_t to_a = total <= kLeafCap ? total : total / 2;
  for (uint32_t i = 0; i < to_a; ++i) PutKey(a, i, all[i]);
  for (uint32_t i = to_a; i < total; ++i) PutKey(b, i - to_a, all[i]);
  a.n = to_a;
  b.n = total - to_a;
  p.count[left] = a.n;
  p.count[left + 1] = b.n;
  if (b.n > 0) {
    p.sep[left + 1] = all[to_a];
    return;
  }
  a.next = b.next;
  free_leaves_.push_back(p.child[left + 1]);
  DropChild(parent, left + 1);
}

// As RebalanceLeaves, for two inner children. The parent's separator
// between them becomes the separator of b's first child in the combined run.
void Leaderboard::RebalanceInners(uint32_t parent, uint32_t left) {
  Inner& p = inners_[parent];
  Inner& a = inners_[p.child[left]];
  Inner& b = inners_[p.child[left + 1]];
  struct ChildRef {
    uint32_t child;
    uint32_t count;
    Key sep;
  };
  ChildRef all[2 * kInnerCap];
  const uint32_t total = a.n + b.n;
  for (uint32_t i = 0; i < a.n; ++i) {
    all[i] = {a.child[i], a.count[i], a.sep[i]};
  }
  for (uint32_t i = 0; i < b.n; ++i) {
    all[a.n + i] = {b.child[i], b.count[i], i == 0 ? p.sep[left + 1] : b.sep[i]};
  }
  const uint32_t to_a = total <= kInnerCap ? total : total / 2;
  auto put = [&all](Inner& node, uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to; ++i) {
      node.child[i - from] = all[i].child;
      node.count[i - from] = all[i].count;
      node.sep[i - from] = all[i].sep;
    }
    node.n = to - from;
  };
  put(a, 0, to_a);
  put(b, to_a, total);
  p.count[left] = Total(a);
  p.count[left + 1] = Total(b);
  if (b.n > 0) {
    p.sep[left + 1] = all[to_a].sep;
    return;
  }
  free_inners_.push_back(p.child[left + 1]);
  DropChild(parent, left + 1);
}

void Leaderboard::DropChild(uint32_t parent, uint32_t i) {
  Inner& p = inners_[parent];
  std::copy(p.child + i + 1, p.child + p.n, p.child + i);
  std::copy(p.count + i + 1, p.count + p.n, p.count + i);
  std::copy(p.sep + i + 1, p.sep + p.n, p.sep + i);
  --p.n;
}

Leaderboard::Cursor Leaderboard::Select(uint32_t rank) const {
  uint32_t node = root_;
  for (int h = height_; h > 0; --h) {
    const Inner& inner = inners_[node];
    uint32_t i = 0;
    while (rank >= inner.count[i]) rank -= inner.count[i++];
    node = inner.child[i];
  }
  return {node, rank};
}

// `count` entries from `first_rank` on; the caller keeps them on the board.
std::vector<Leaderboard::Entry> Leaderboard::Collect(size_t first_rank,
                                                     size_t count) const {
  std::vector<Entry> out;
  if (count == 0) return out;
  out.reserve(count);
  Cursor at = Select(static_cast<uint32_t>(first_rank));
  for (size_t r = first_rank; out.size() < count; ++r) {
    if (at.pos == leaves_[at.leaf].n) at = {leaves_[at.leaf].next, 0};
    const Leaf& leaf = leaves_[at.leaf];
    out.push_back({leaf.member[at.pos], leaf.score[at.pos],
                   static_cast<uint32_t>(r)});
    ++at.pos;
  }
  return out;
}

// Stacks inner levels over `level` (one Split per node, in board order)
// until a single root remains.
void Leaderboard::BuildLevels(std::vector<Split> level) {
  const size_t target = kInnerCap * 3 / 4;
  height_ = 0;
  while (level.size() > 1) {
    const size_t n = level.size();
    const size_t num = (n + target - 1) / target;
    std::vector<Split> up;
    up.reserve(num);
    for (size_t g = 0; g < num; ++g) {
      const size_t begin = n * g / num;
      const size_t end = n * (g + 1) / num;
      const uint32_t idx = NewInner();
      Inner& inner = inners_[idx];
      for (size_t i = begin; i < end; ++i) {
        inner.child[i - begin] = level[i].node;
        inner.count[i - begin] = level[i].count;
        inner.sep[i - begin] = level[i].sep;
      }
      inner.n = end - begin;
      up.push_back({level[begin].sep, idx, Total(inner)});
    }
    level = std::move(up);
    ++height_;
  }
  root_ = level[0].node;
}

}  // namespace shequn
