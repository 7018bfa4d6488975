/// @file models/detail/tree_grower_partition.hpp
/// @brief Private: splitting a level's nodes in the histogram tree grower (tree_grower.hpp):
/// the stable partition of their rows (serially or over row chunks), the children's nodes,
/// and the children's histograms (the smaller built, the larger by subtraction).
#pragma once

#include "footprint/models/detail/tree_grower.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace footprint::detail {

template <class U>
std::int32_t basic_tree_grower<U>::partition(const split_info& s, std::int32_t begin, std::int32_t end,
                                             std::int32_t* left, std::int32_t* right) noexcept {
  const std::uint8_t* col = B_.column(s.feature);
  const std::int32_t* r = rows_.data();
  std::int32_t nl = 0;
  std::int32_t nr = 0;
  for (std::int32_t k = begin; k < end; ++k) {  // branch-free: write both sides
    const std::int32_t row = r[k];
    const std::uint8_t b = col[row];
    const bool go_left = b == bin_mapper::missing_bin ? s.default_left : b <= s.bin;
    left[nl] = row;
    right[nr] = row;
    nl += static_cast<std::int32_t>(go_left);
    nr += static_cast<std::int32_t>(!go_left);
  }
  return nl;
}

template <class U>
void basic_tree_grower<U>::partition_parallel(const std::vector<pending>& level, index total) {
  const int nt = cfg_.n_threads;
  const index chunk = std::max<index>(8'192, (total + 4 * nt - 1) / (4 * nt));
  chunks_.clear();
  for (std::size_t i = 0; i < level.size(); ++i) {
    for (index a = level[i].begin; a < level[i].end; a += chunk) {
      chunks_.push_back(part_chunk{i, static_cast<std::int32_t>(a),
                                   static_cast<std::int32_t>(std::min<index>(a + chunk, level[i].end)), 0});
    }
  }
  const auto n_chunks = static_cast<index>(chunks_.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (n_chunks > 1)
#endif
  for (index c = 0; c < n_chunks; ++c) {
    part_chunk& ch = chunks_[static_cast<std::size_t>(c)];
    const pending& p = level[ch.node];
    std::int32_t* left = ch.begin == p.begin ? rows_.data() + ch.begin : tmp_left_.data() + ch.begin;
    ch.n_left = partition(p.best, ch.begin, ch.end, left, tmp_right_.data() + ch.begin);
  }
  std::fill(n_left_.begin(), n_left_.end(), 0);
  for (const part_chunk& ch : chunks_) n_left_[ch.node] += ch.n_left;
  copy_at_.resize(chunks_.size());
  std::size_t node = level.size();
  std::int32_t lpos = 0;
  std::int32_t rpos = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    const part_chunk& ch = chunks_[c];
    if (ch.node != node) {
      node = ch.node;
      lpos = level[node].begin;
      rpos = level[node].begin + n_left_[node];
    }
    copy_at_[c] = {lpos, rpos};
    lpos += ch.n_left;
    rpos += (ch.end - ch.begin) - ch.n_left;
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (n_chunks > 1)
#endif
  for (index c = 0; c < n_chunks; ++c) {
    const part_chunk& ch = chunks_[static_cast<std::size_t>(c)];
    const auto [lp, rp] = copy_at_[static_cast<std::size_t>(c)];
    if (ch.begin != level[ch.node].begin) std::copy_n(tmp_left_.data() + ch.begin, ch.n_left, rows_.data() + lp);
    std::copy_n(tmp_right_.data() + ch.begin, (ch.end - ch.begin) - ch.n_left, rows_.data() + rp);
  }
}

template <class U>
void basic_tree_grower<U>::split_all(std::vector<pending>& level, std::vector<pending>& children, grown_tree& out) {
  partition_level(level);
  children.clear();
  children.reserve(2 * level.size());
  for (std::size_t i = 0; i < level.size(); ++i) add_children(level[i], n_left_[i], children, out);
  children_histograms(level, children);
}

template <class U>
void basic_tree_grower<U>::partition_level(const std::vector<pending>& level) {
  const int nt = cfg_.n_threads;
  index total = 0;
  for (const pending& p : level) total += p.end - p.begin;
  n_left_.resize(level.size());
  if (nt <= 1 || total < 32'768) {
    for (std::size_t i = 0; i < level.size(); ++i) {
      const pending& p = level[i];
      const std::int32_t nl = partition(p.best, p.begin, p.end, rows_.data() + p.begin, tmp_right_.data());
      std::copy_n(tmp_right_.data(), (p.end - p.begin) - nl, rows_.data() + p.begin + nl);
      n_left_[i] = nl;
    }
  } else {
    partition_parallel(level, total);
  }
}

template <class U>
void basic_tree_grower<U>::add_children(const pending& p, std::int32_t nl, std::vector<pending>& children,
                                        grown_tree& out) {
  const split_info& s = p.best;
  const std::int32_t nr = (p.end - p.begin) - nl;
  const auto left_id = static_cast<std::int32_t>(out.nodes.size());
  tree_node& nd = out.nodes[static_cast<std::size_t>(p.node)];
  nd.feature = s.feature;
  nd.threshold = s.missing_only ? std::numeric_limits<double>::max() : M_.upper(s.feature, s.bin);
  nd.left = left_id;
  nd.right = left_id + 1;
  nd.default_left = s.default_left;
  nd.gain = s.gain;

  pending L;
  pending R;
  L.node = left_id;
  R.node = left_id + 1;
  L.begin = p.begin;
  L.end = p.begin + nl;
  R.begin = L.end;
  R.end = p.end;
  L.depth = R.depth = p.depth + 1;
  // exact sums from the partition (not the histogram) keep leaf values independent of
  // whether the node was dense or sparse
  L.sum = s.left;
  R.sum = s.right;
  L.sum.c = nl;
  R.sum.c = nr;
  L.lo = R.lo = p.lo;
  L.hi = R.hi = p.hi;
  const int mono = monotone(s.feature);
  if (mono != 0) {
    const double mid = (s.wl + s.wr) / 2.0;
    if (mono > 0) {
      L.hi = std::min(L.hi, mid);
      R.lo = std::max(R.lo, mid);
    } else {
      L.lo = std::max(L.lo, mid);
      R.hi = std::min(R.hi, mid);
    }
  }
  for (pending* c : {&L, &R}) {
    out.nodes.emplace_back();
    out.range.emplace_back(c->begin, c->end);
    out.bounds.emplace_back(c->lo, c->hi);
    set_node_value(out.nodes.back(), *c);
  }
  children.push_back(std::move(L));
  children.push_back(std::move(R));
}

template <class U>
void basic_tree_grower<U>::children_histograms(std::vector<pending>& level, std::vector<pending>& children) {
  hist_jobs_.clear();
  for (std::size_t i = 0; i < level.size(); ++i) {
    pending& p = level[i];
    if (p.hist < 0) continue;
    pending& L = children[2 * i];
    pending& R = children[2 * i + 1];
    const bool again = splittable_depth(p.depth + 1);
    const bool need_l = again && L.end - L.begin >= cfg_.dense_min;
    const bool need_r = again && R.end - R.begin >= cfg_.dense_min;
    if (need_l || need_r) {
      pending& small = L.end - L.begin <= R.end - R.begin ? L : R;
      pending& large = L.end - L.begin <= R.end - R.begin ? R : L;
      small.hist = acquire();
      hist_jobs_.push_back(hist_job{small.hist, p.hist, small.begin, small.end});
      large.hist = p.hist;
    } else {
      release(p.hist);
    }
    p.hist = -1;
  }
  build_histograms();
  for (pending& c : children) {
    if (c.hist >= 0 && c.end - c.begin < cfg_.dense_min) {
      release(c.hist);
      c.hist = -1;
    }
  }
}

}  // namespace footprint::detail
