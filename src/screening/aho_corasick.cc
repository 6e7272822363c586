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

  AhoCorasick ac;
  std::vector<uint32_t> bfs_id(nodes);
  std::vector<uint32_t> queue = {kRoot};  // old ids in BFS order
  queue.reserve(nodes);
  bfs_id[kRoot] = kRoot;
  ac.edge_begin_.reserve(nodes + 1);
  ac.edge_label_.reserve(edges.size());
  ac.edge_target_.reserve(edges.size());
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t old = queue[head];
    ac.edge_begin_.push_back(static_cast<uint32_t>(ac.edge_label_.size()));
    for (uint32_t e = first_edge[old]; e < first_edge[old + 1]; ++e) {
      bfs_id[edges[e].child] = static_cast<uint32_t>(queue.size());
      queue.push_back(edges[e].child);
      ac.edge_label_.push_back(edges[e].label);
      ac.edge_target_.push_back(bfs_id[edges[e].child]);
    }
  }
  ac.edge_begin_.push_back(static_cast<uint32_t>(ac.edge_label_.size()));

  for (auto& [node, key] : terminal) node = bfs_id[node];
  std::sort(terminal.begin(), terminal.end());
  ac.out_begin_.assign(nodes + 1, 0);
  ac.out_.reserve(terminal.size());
  for (const auto& [node, key] : terminal) {
    ++ac.out_begin_[node + 1];
    ac.out_.push_back(key);
  }
  for (uint32_t n = 0; n < nodes; ++n) ac.out_begin_[n + 1] += ac.out_begin_[n];

  ac.BuildRootTable();
  ac.BuildLinks();
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

// States are in BFS order, so a state's failure target (shallower) is
// always final before the state's children need it.
void AhoCorasick::BuildLinks() {
  const uint32_t states = static_cast<uint32_t>(edge_begin_.size() - 1);
  fail_.assign(states, kRoot);
  dict_.assign(states, kNone);
  for (uint32_t s = 0; s < states; ++s) {
    if (s != kRoot) {
      const uint32_t f = fail_[s];
      dict_[s] = HasOutput(f) ? f : dict_[f];
    }
    for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e) {
      const uint32_t t = edge_target_[e];
      fail_[t] = s == kRoot ? kRoot : Next(fail_[s], edge_label_[e]);
    }
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

uint32_t AhoCorasick::Next(uint32_t state, char32_t c) const {
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
          dict_.size() + out_begin_.size() + out_.size() + root_next_.size()) *
             sizeof(uint32_t) +
         edge_label_.size() * sizeof(char32_t);
}

}  // namespace shequn::screening
