#include "screening/aho_corasick.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace shequn::screening {
namespace {

// A trie edge while building: parent, label, child (pre-BFS numbering).
struct TrieEdge {
  uint32_t parent;
  char32_t label;
  uint32_t child;
};

// Inserts every key into a trie kept as an edge list; returns the node
// count. `terminal` receives (node, key index) pairs.
uint32_t BuildTrie(std::span<const std::u32string> keys,
                   std::vector<TrieEdge>* edges,
                   std::vector<std::pair<uint32_t, uint32_t>>* terminal) {
  // (parent << 21 | label) identifies an edge: code points fit 21 bits.
  absl::flat_hash_map<uint64_t, uint32_t> child_of;
  uint32_t nodes = 1;
  for (uint32_t k = 0; k < keys.size(); ++k) {
    uint32_t node = AhoCorasick::kRoot;
    for (char32_t c : keys[k]) {
      const uint64_t id = (uint64_t{node} << 21) | c;
      auto [it, inserted] = child_of.try_emplace(id, nodes);
      if (inserted) {
        edges->push_back({node, c, nodes});
        ++nodes;
      }
      node = it->second;
    }
    terminal->emplace_back(node, k);
  }
  return nodes;
}

}  // namespace

AhoCorasick AhoCorasick::Build(std::span<const std::u32string> keys) {
  std::vector<TrieEdge> edges;
  std::vector<std::pair<uint32_t, uint32_t>> terminal;
  const uint32_t nodes = BuildTrie(keys, &edges, &terminal);

  // Group edges by parent, labels ascending, then renumber breadth-first.
  std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
    return std::tie(a.parent, a.label) < std::tie(b.parent, b.label);
  });
  std::vector<uint32_t> first_edge(nodes + 1, 0);
  for (const TrieEdge& e : edges) ++first_edge[e.parent + 1];
  for (uint32_t n = 0; n < nodes; ++n) first_edge[n + 1] += first_edge[n];

  // Breadth-first order (old ids), and which nodes a Latin symbol enters.
  std::vector<uint32_t> queue = {kRoot};
  queue.reserve(nodes);
  std::vector<bool> latin(nodes, false);
  latin[kRoot] = true;
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t old = queue[head];
    for (uint32_t e = first_edge[old]; e < first_edge[old + 1]; ++e) {
      queue.push_back(edges[e].child);
      latin[edges[e].child] = IsLatinSymbol(edges[e].label);
    }
  }
  // New ids: the root and the Latin-entered states first, so that their id
  // is their Latin row; then the others. Each group breadth-first.
  AhoCorasick ac;
  std::vector<uint32_t> new_id(nodes);
  uint32_t next_id = 0;
  for (uint32_t old : queue) {
    if (latin[old]) new_id[old] = next_id++;
  }
  ac.latin_states_ = next_id;
  for (uint32_t old : queue) {
    if (!latin[old]) new_id[old] = next_id++;
  }
  std::vector<uint32_t> old_of(nodes);
  for (uint32_t old = 0; old < nodes; ++old) old_of[new_id[old]] = old;
  ac.edge_begin_.reserve(nodes + 1);
  ac.edge_label_.reserve(edges.size());
  ac.edge_target_.reserve(edges.size());
  for (uint32_t n = 0; n < nodes; ++n) {
    const uint32_t old = old_of[n];
    ac.edge_begin_.push_back(static_cast<uint32_t>(ac.edge_label_.size()));
    for (uint32_t e = first_edge[old]; e < first_edge[old + 1]; ++e) {
      ac.edge_label_.push_back(edges[e].label);
      ac.edge_target_.push_back(new_id[edges[e].child]);
    }
  }
  ac.edge_begin_.push_back(static_cast<uint32_t>(ac.edge_label_.size()));

  for (auto& [node, key] : terminal) node = new_id[node];
  std::sort(terminal.begin(), terminal.end());
  ac.out_begin_.assign(nodes + 1, 0);
  ac.out_.reserve(terminal.size());
  for (const auto& [node, key] : terminal) {
    ++ac.out_begin_[node + 1];
    ac.out_.push_back(key);
  }
  for (uint32_t n = 0; n < nodes; ++n) ac.out_begin_[n + 1] += ac.out_begin_[n];

  std::vector<uint32_t> order(nodes);  // new ids, breadth-first
  for (uint32_t i = 0; i < nodes; ++i) order[i] = new_id[queue[i]];
  ac.BuildRootTable();
  ac.BuildLinks(order);
  ac.BuildLatinRows();
  return ac;
}

void AhoCorasick::BuildRootTable() {
  char32_t max_label = 0;
  for (uint32_t e = edge_begin_[kRoot]; e < edge_begin_[kRoot + 1]; ++e) {
    if (edge_label_[e] < 0x10000) max_label = std::max(max_label, edge_label_[e]);
  }
  root_next_.assign(max_label + 1, kRoot);
  for (uint32_t e = edge_begin_[kRoot]; e < edge_begin_[kRoot + 1]; ++e) {
    if (edge_label_[e] <= max_label) root_next_[edge_label_[e]] = edge_target_[e];
  }
}

// Taken in breadth-first `order`, a state's failure target (shallower) is
// always final before the state's children need it.
void AhoCorasick::BuildLinks(const std::vector<uint32_t>& order) {
  const uint32_t states = static_cast<uint32_t>(edge_begin_.size() - 1);
  fail_.assign(states, kRoot);
  dict_.assign(states, kNone);
  for (const uint32_t s : order) {
    if (s != kRoot) {
      const uint32_t f = fail_[s];
      dict_[s] = HasOutput(f) ? f : dict_[f];
    }
    for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e) {
      const uint32_t t = edge_target_[e];
      fail_[t] = s == kRoot ? kRoot : NextSparse(fail_[s], edge_label_[e]);
    }
  }
}

// Rows for the root and every state entered by a Latin symbol (ids below
// latin_states_), each filled through the failure links.
void AhoCorasick::BuildLatinRows() {
  const uint32_t states = static_cast<uint32_t>(edge_begin_.size() - 1);
  matches_.assign(states, 0);
  for (uint32_t s = 0; s < states; ++s) {
    matches_[s] = HasOutput(s) || dict_[s] != kNone;
  }
  const auto flagged = [this](uint32_t next) {
    return matches_[next] ? next | kMatchFlag : next;
  };
  latin_next_.assign(size_t{latin_states_} * kLatinSymbols, kRoot);
  for (uint32_t s = 0; s < latin_states_; ++s) {
    uint32_t* row = latin_next_.data() + size_t{s} * kLatinSymbols;
    row[LatinColumn(kLatinBoundary)] = flagged(NextSparse(s, kLatinBoundary));
    for (char32_t c = 'a'; c <= 'z'; ++c) row[LatinColumn(c)] = flagged(NextSparse(s, c));
  }
}

uint32_t AhoCorasick::Child(uint32_t state, char32_t c) const {
  const char32_t* first = edge_label_.data() + edge_begin_[state];
  const char32_t* last = edge_label_.data() + edge_begin_[state + 1];
  // Deep states have one or two edges: a scan beats a binary search there.
  if (last - first <= 8) {
    for (const char32_t* p = first; p != last; ++p) {
      if (*p == c) return edge_target_[p - edge_label_.data()];
    }
    return kNone;
  }
  const char32_t* p = std::lower_bound(first, last, c);
  return p != last && *p == c ? edge_target_[p - edge_label_.data()] : kNone;
}

uint32_t AhoCorasick::NextSparse(uint32_t state, char32_t c) const {
  for (; state != kRoot; state = fail_[state]) {
    const uint32_t child = Child(state, c);
    if (child != kNone) return child;
  }
  if (c < root_next_.size()) return root_next_[c];
  const uint32_t child = Child(kRoot, c);
  return child == kNone ? kRoot : child;
}

size_t AhoCorasick::MemoryBytes() const {
  return (edge_begin_.size() + edge_target_.size() + fail_.size() +
          dict_.size() + out_begin_.size() + out_.size() + root_next_.size() +
          latin_next_.size()) *
             sizeof(uint32_t) +
         matches_.size() +
         edge_label_.size() * sizeof(char32_t);
}

}  // namespace shequn::screening
