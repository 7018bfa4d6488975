/// @file models/detail/tree_grower_split.hpp
/// @brief Private: split finding of the histogram tree grower (tree_grower.hpp): histograms
/// built in groups of features, the scan of a histogram for the best split, and the
/// evaluation of a level's nodes in parallel over (node, feature) tasks.
#pragma once

#include "footprint/models/detail/tree_grower.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace footprint::detail {

template <class U>
void basic_tree_grower<U>::build_group(std::vector<hist_bin>& hist, const std::int32_t* feats, int k,
                                       std::int32_t begin, std::int32_t end) const noexcept {
  hist_bin* H[4];
  const std::uint8_t* col[4];
  for (int q = 0; q < k; ++q) {
    H[q] = hist.data() + static_cast<std::size_t>(feats[q]) * n_slots;
    std::fill(H[q], H[q] + n_slots, hist_bin{});
    col[q] = B_.column(feats[q]);
  }
  const std::int32_t* r = rows_.data();
  const grad_pair* g = gh_;
  const auto add = [&](int q, std::int32_t row, const grad_pair& gp) noexcept {
    hist_bin& b = H[q][col[q][row]];
    b.g += gp.g;
    b.h += gp.h;
    b.c += 1.0;
  };
  if (k == 4) {
    for (std::int32_t kk = begin; kk < end; ++kk) {
      const std::int32_t row = r[kk];
      const grad_pair gp = g[row];
      add(0, row, gp);
      add(1, row, gp);
      add(2, row, gp);
      add(3, row, gp);
    }
  } else {
    for (std::int32_t kk = begin; kk < end; ++kk) {
      const std::int32_t row = r[kk];
      const grad_pair gp = g[row];
      for (int q = 0; q < k; ++q) add(q, row, gp);
    }
  }
}

template <class U>
void basic_tree_grower<U>::build_histograms() {
  const auto& feats = *features_;
  const auto nf = static_cast<index>(feats.size());
  const auto n_jobs = static_cast<index>(hist_jobs_.size());
  if (n_jobs == 0 || nf == 0) return;
  index work = 0;
  for (const hist_job& j : hist_jobs_) work += static_cast<index>(j.end - j.begin) * nf;
  const int nt = cfg_.n_threads;
  const bool par = nt > 1 && work >= 40'000 && (n_jobs > 1 || nf > 1);
  const index gsize = par ? std::clamp<index>((nf * n_jobs) / (2 * nt), 1, 4) : 4;
  const index groups = (nf + gsize - 1) / gsize;
  std::stable_sort(hist_jobs_.begin(), hist_jobs_.end(),
                   [](const hist_job& a, const hist_job& b) { return a.end - a.begin > b.end - b.begin; });
  const index n_tasks = n_jobs * groups;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (par)
#endif
  for (index t = 0; t < n_tasks; ++t) {
    const hist_job& j = hist_jobs_[static_cast<std::size_t>(t / groups)];
    const index g0 = (t % groups) * gsize;
    const auto k = static_cast<int>(std::min<index>(gsize, nf - g0));
    std::vector<hist_bin>& h = pool_[static_cast<std::size_t>(j.hist)];
    build_group(h, feats.data() + g0, k, j.begin, j.end);
    if (j.parent >= 0) {
      std::vector<hist_bin>& hp = pool_[static_cast<std::size_t>(j.parent)];
      for (int q = 0; q < k; ++q) {
        const auto off = static_cast<std::size_t>(feats[static_cast<std::size_t>(g0 + q)]) * n_slots;
        hist_bin* a = hp.data() + off;
        const hist_bin* b = h.data() + off;
        for (int s = 0; s < n_slots; ++s) a[s] -= b[s];
      }
    }
  }
  (void)par;
}

template <class U>
void basic_tree_grower<U>::scan(split_info& best, std::int32_t f, const hist_bin* H, const std::uint8_t* order,
                                int n_listed, const pending& p) const noexcept {
  const hist_bin& M = H[bin_mapper::missing_bin];
  const double parent_score = score(p.sum, weight(p.sum, p.lo, p.hi));
  const int mono = monotone(f);
  // plain Newton gains when neither L1, monotone constraints nor bounds are in play
  const bool plain = cfg_.alpha == 0.0 && mono == 0 && std::isinf(p.lo) && std::isinf(p.hi);
  const double lambda = cfg_.lambda;
  const auto consider = [&](const hist_bin& L, const hist_bin& R, int bin, bool default_left, bool missing_only)
      __attribute__((always_inline)) {
    if (L.c < cfg_.min_samples_leaf || R.c < cfg_.min_samples_leaf) return;
    if (L.h < cfg_.min_child_weight || R.h < cfg_.min_child_weight) return;
    if (L.c <= 0.0 || R.c <= 0.0) return;
    double gain = 0.0;
    double wl = 0.0;
    double wr = 0.0;
    if (plain) {
      const double dl = L.h + lambda;
      const double dr = R.h + lambda;
      if (!(dl > 0.0) || !(dr > 0.0)) return;
      gain = L.g * L.g / dl + R.g * R.g / dr - parent_score;
      if (!(gain > best.gain)) return;
      wl = -L.g / dl;
      wr = -R.g / dr;
    } else {
      wl = weight(L, p.lo, p.hi);
      wr = weight(R, p.lo, p.hi);
      if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) return;
      gain = score(L, wl) + score(R, wr) - parent_score;
    }
    if (gain > best.gain) {
      best.gain = gain;
      best.feature = f;
      best.bin = bin;
      best.default_left = default_left;
      best.missing_only = missing_only;
      best.left = L;
      best.right = R;
      best.wl = wl;
      best.wr = wr;
    }
  };
  hist_bin acc;
  const bool has_missing = M.c > 0.0;
  for (int t = 0; t + 1 < n_listed; ++t) {
    acc += H[order[t]];
    const hist_bin right = p.sum - acc - M;
    if (has_missing) {
      consider(acc, right + M, order[t], false, false);
      consider(acc + M, right, order[t], true, false);
    } else {
      consider(acc, right, order[t], acc.h >= right.h, false);
    }
  }
  if (has_missing && n_listed > 0) consider(p.sum - M, M, 254, false, true);
}

template <class U>
void basic_tree_grower<U>::evaluate_all(std::vector<pending>& v, xoshiro256ss& rng) {
  if (cfg_.n_threads <= 1) {  // one node after the other, no task lists
    for (std::size_t i = 0; i < v.size(); ++i) {
      pending& p = v[i];
      const std::vector<std::int32_t>* cand = candidates(p, rng);
      if (cand == nullptr) continue;
      for (std::int32_t f : *cand) {
        split_info s;
        evaluate_feature(p, f, scratch_.data(), s);
        if (s.gain > p.best.gain) p.best = s;
      }
    }
    return;
  }
  eval_jobs_.clear();
  eval_tasks_.clear();
  if (cand_pool_.size() < v.size()) cand_pool_.resize(v.size());  // no reallocation below
  std::size_t total = 0;
  index work = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    pending& p = v[i];
    const std::vector<std::int32_t>* cand = candidates(p, rng, i);
    if (cand == nullptr) continue;
    const auto job = static_cast<std::int32_t>(eval_jobs_.size());
    eval_jobs_.push_back(eval_job{&p, cand, total});
    total += cand->size();
    // a task per (node, candidate); the work is counted in row-features (a scan of a
    // dense histogram costs about 2,000)
    for (std::size_t t = 0; t < cand->size(); ++t) eval_tasks_.emplace_back(job, static_cast<std::int32_t>(t));
    work += (p.hist >= 0 ? 2'000 : static_cast<index>(p.end - p.begin)) * static_cast<index>(cand->size());
  }
  if (eval_jobs_.empty()) return;
  eval_results_.assign(total, split_info{});
  const int nt = cfg_.n_threads;
  const auto n_tasks = static_cast<index>(eval_tasks_.size());
  const bool par = n_tasks > 1 && work >= 20'000;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt) if (par)
#endif
  for (index t = 0; t < n_tasks; ++t) {
    const auto [job, c] = eval_tasks_[static_cast<std::size_t>(t)];
    const eval_job& e = eval_jobs_[static_cast<std::size_t>(job)];
    const auto q = static_cast<std::size_t>(c);
#ifdef _OPENMP
    const auto tid = static_cast<std::size_t>(omp_get_thread_num());
#else
    const std::size_t tid = 0;
#endif
    evaluate_feature(*e.p, (*e.cand)[q], scratch_.data() + tid * n_slots, eval_results_[e.first + q]);
  }
  (void)par;
  (void)nt;
  for (const eval_job& e : eval_jobs_) {
    for (std::size_t q = 0; q < e.cand->size(); ++q) {
      const split_info& s = eval_results_[e.first + q];
      if (s.gain > e.p->best.gain) e.p->best = s;
    }
  }
}

template <class U>
const std::vector<std::int32_t>* basic_tree_grower<U>::candidates(pending& p, xoshiro256ss& rng, std::size_t slot) {
  p.best = split_info{};
  if (!splittable_depth(p.depth)) return nullptr;
  if (p.sum.c < cfg_.min_samples_split || p.sum.c < 2.0 * cfg_.min_samples_leaf) return nullptr;
  if (cfg_.max_features_node <= 0 || cfg_.max_features_node >= static_cast<index>(features_->size())) return features_;
  if (cand_pool_.size() <= slot) cand_pool_.resize(slot + 1);
  std::vector<std::int32_t>& c = cand_pool_[slot];
  c = *features_;
  const auto k = static_cast<std::size_t>(cfg_.max_features_node);
  for (std::size_t a = 0; a < k; ++a) {
    const std::size_t b = a + static_cast<std::size_t>(rng.below32(c.size() - a));
    std::swap(c[a], c[b]);
  }
  c.resize(k);
  std::sort(c.begin(), c.end());
  return &c;
}

template <class U>
void basic_tree_grower<U>::evaluate_dense(const pending& p, std::int32_t f, split_info& s) const noexcept {
  const hist_bin* H = pool_[static_cast<std::size_t>(p.hist)].data() + static_cast<std::size_t>(f) * n_slots;
  std::uint8_t order[n_slots] = {};  // zeroed: silences a false maybe-uninitialized
  int n_listed = 0;
  const int nb = M_.n_bins(f);
  for (int b = 0; b < nb; ++b) {
    if (H[b].c > 0.0) order[n_listed++] = static_cast<std::uint8_t>(b);
  }
  scan(s, f, H, order, n_listed, p);
}

template <class U>
void basic_tree_grower<U>::evaluate_sparse(const pending& p, std::int32_t f, hist_bin* H,
                                           split_info& s) const noexcept {
  const std::uint8_t* col = B_.column(f);
  std::uint8_t order[n_slots] = {};  // zeroed: silences a false maybe-uninitialized
  int n_listed = 0;
  bool missing = false;
  for (std::int32_t k = p.begin; k < p.end; ++k) {
    const std::int32_t row = rows_[static_cast<std::size_t>(k)];
    const std::uint8_t b = col[row];
    hist_bin& hb = H[b];
    if (hb.c == 0.0) {
      if (b == bin_mapper::missing_bin) {
        missing = true;
      } else {
        order[n_listed++] = b;
      }
    }
    hb.g += gh_[row].g;
    hb.h += gh_[row].h;
    hb.c += 1.0;
  }
  if (n_listed > 1) {
    // bins in increasing order: sort a few, or sweep the range they span
    const auto [mn, mx] = std::minmax_element(order, order + n_listed);
    const int lo = *mn;
    const int hi = *mx;
    if ((hi - lo) > 8 * n_listed) {
      std::sort(order, order + n_listed);
    } else {
      int k = 0;
      for (int b = lo; b <= hi; ++b) {
        if (H[b].c > 0.0) order[k++] = static_cast<std::uint8_t>(b);
      }
    }
  }
  scan(s, f, H, order, n_listed, p);
  for (int t = 0; t < n_listed; ++t) H[order[t]] = hist_bin{};
  if (missing) H[bin_mapper::missing_bin] = hist_bin{};
}

}  // namespace footprint::detail
