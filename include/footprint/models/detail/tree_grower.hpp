/// @file models/detail/tree_grower.hpp
/// @brief Private: the histogram tree grower shared by `random_forest` and
/// `gradient_boosting` (Chen & Guestrin 2016, XGBoost `hist`; Ke et al. 2017, LightGBM).
///
/// Rows carry a gradient g and a hessian h; a leaf's value is the regularised Newton step
/// w = -T_alpha(G) / (H + lambda), clamped to the leaf's monotone bounds, and a split's gain
/// is score(L) + score(R) - score(parent) with score(G, H, w) = -(2 T_alpha(G) w + (H + lambda) w^2)
/// (= T_alpha(G)^2 / (H + lambda) unconstrained; Chen & Guestrin 2016 eq. 6-7). A random forest
/// with squared error is the special case g = -w y, h = w, lambda = alpha = 0: the leaf value
/// is the weighted mean and the gain the reduction of the weighted sum of squares.
///
/// Large nodes keep a dense (feature x 256 bin) histogram of (G, H, count); of two siblings
/// only the smaller is built and the larger is parent minus smaller (the subtraction trick).
/// Small nodes build per-feature sparse histograms over the bins they touch. Missing values
/// (bin 255) are tried on both sides; the better side becomes the default direction.
///
/// Depthwise growth works a level at a time (one parallel region per step and level, over
/// (node, feature group) or (node, row chunk) tasks); the other policies a node at a time.
///
/// Determinism: each (node, feature) histogram is summed in row order by one thread, the
/// stable partition of a node's rows is unique whatever the chunking, and ties between
/// splits go to the lower feature, then lower bin, so the tree does not depend on the
/// thread count.
#pragma once

#include "footprint/models/detail/tree_binning.hpp"
#include "footprint/models/detail/tree_common.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

namespace footprint::detail {

struct grad_pair {
  double g = 0.0;
  double h = 0.0;
};

struct hist_bin {
  double g = 0.0;
  double h = 0.0;
  double c = 0.0;
  hist_bin& operator+=(const hist_bin& o) noexcept {
    g += o.g;
    h += o.h;
    c += o.c;
    return *this;
  }
  hist_bin& operator-=(const hist_bin& o) noexcept {
    g -= o.g;
    h -= o.h;
    c -= o.c;
    return *this;
  }
  friend hist_bin operator-(hist_bin a, const hist_bin& b) noexcept { return a -= b; }
  friend hist_bin operator+(hist_bin a, const hist_bin& b) noexcept { return a += b; }
};

enum class grow_policy : std::uint8_t { depthwise, lossguide, depth_first };

struct grower_config {
  grow_policy policy = grow_policy::depthwise;
  int max_depth = 6;                           ///< <= 0: unlimited
  index max_leaves = 0;                        ///< <= 0: unlimited
  double lambda = 1.0;                         ///< L2 on leaf values
  double alpha = 0.0;                          ///< L1 on leaf values
  double min_split_gain = 0.0;                 ///< a split needs gain > this
  double min_child_weight = 0.0;               ///< each child's H >= this
  double min_samples_leaf = 1.0;               ///< each child's row count >= this
  double min_samples_split = 2.0;              ///< a node needs this many rows to split
  index max_features_node = 0;                 ///< features tried per node; <= 0: all the tree's features
  const std::vector<int>* monotone = nullptr;  ///< per feature in {-1, 0, 1}; null or empty: none
  int n_threads = 1;
  index dense_min = 2048;  ///< nodes with at least this many rows keep a dense histogram
};

/// A grown tree and where the in-sample rows ended up.
struct grown_tree {
  std::vector<tree_node> nodes;
  std::vector<std::int32_t> rows;                            ///< in-sample rows grouped by leaf
  std::vector<std::pair<std::int32_t, std::int32_t>> range;  ///< per node: [begin, end) in rows
  std::vector<std::pair<double, double>> bounds;             ///< per node: monotone bounds of the value
};

// A class template (with a parameter never given) so that its members are compiled only in
// translation units that grow trees, not in every one that includes a tree model.
template <class Unused = void>
class basic_tree_grower {
 public:
  static constexpr int n_slots = 256;

  basic_tree_grower(const binned_matrix& B, const bin_mapper& M, const grower_config& cfg)
      : B_(B), M_(M), cfg_(cfg), scratch_(static_cast<std::size_t>(std::max(1, cfg.n_threads)) * n_slots) {}

  /// Features tried per node from now on (<= 0: all the tree's features).
  void set_max_features_node(index k) noexcept { cfg_.max_features_node = k; }

  /// Grows one tree on `rows` (in-sample rows, any order; usually increasing) with per-row
  /// gradients `gh` (indexed by row), trying the features in `features` (increasing).
  ///
  /// Depthwise growth handles a whole depth at once: the rows of every node of the level are
  /// partitioned, the histograms of all their children are built, and the children are
  /// evaluated, each step in one parallel region over (node, chunk or feature) tasks. The
  /// other policies take one node at a time through the same steps. Node numbering, random
  /// draws and every sum are those of a serial run in queue order.
  grown_tree grow(std::vector<std::int32_t> rows, const std::vector<grad_pair>& gh,
                  const std::vector<std::int32_t>& features, xoshiro256ss& rng) {
    grown_tree out;
    std::vector<pending> level = start(std::move(rows), gh, features, out);
    evaluate_all(level, rng);
    if (cfg_.policy == grow_policy::depthwise) {
      grow_depthwise(level, out, rng);
    } else {
      grow_by_node(level, out, rng);
    }
    out.rows = std::move(rows_);
    return out;
  }

 private:
  struct split_info {
    double gain = -std::numeric_limits<double>::infinity();
    std::int32_t feature = -1;
    int bin = 0;  ///< rows with bin <= this go left (non-missing)
    bool default_left = true;
    bool missing_only = false;  ///< all non-missing left, missing right
    hist_bin left, right;
    double wl = 0.0, wr = 0.0;
  };
  struct pending {
    std::int32_t node = 0;
    std::int32_t begin = 0, end = 0;
    int depth = 0;
    hist_bin sum;
    double lo = 0.0, hi = 0.0;
    int hist = -1;
    split_info best;
  };
  /// Build the histogram `hist` over rows [begin, end); then, when `parent` >= 0, subtract it
  /// from the parent's (which becomes the sibling's).
  struct hist_job {
    int hist = -1;
    int parent = -1;
    std::int32_t begin = 0, end = 0;
  };
  /// Rows [begin, end) of node `node` (an index into the level) for the partition.
  struct part_chunk {
    std::size_t node = 0;
    std::int32_t begin = 0, end = 0;
    std::int32_t n_left = 0;
  };
  struct eval_job {
    pending* p = nullptr;
    const std::vector<std::int32_t>* cand = nullptr;
    std::size_t first = 0;  ///< its candidates' results start here in eval_results_
  };

  [[nodiscard]] bool splittable_depth(int depth) const noexcept {
    return cfg_.max_depth <= 0 || depth < cfg_.max_depth;
  }

  [[nodiscard]] double thresholded(double G) const noexcept {
    if (G > cfg_.alpha) return G - cfg_.alpha;
    if (G < -cfg_.alpha) return G + cfg_.alpha;
    return 0.0;
  }
  [[nodiscard]] double weight(const hist_bin& s, double lo, double hi) const noexcept {
    const double den = s.h + cfg_.lambda;
    const double w = den > 0.0 ? -thresholded(s.g) / den : 0.0;
    return std::clamp(w, lo, hi);
  }
  [[nodiscard]] double score(const hist_bin& s, double w) const noexcept {
    return -(2.0 * thresholded(s.g) * w + (s.h + cfg_.lambda) * w * w);
  }
  void set_node_value(tree_node& nd, const pending& p) const noexcept {
    nd.value = weight(p.sum, p.lo, p.hi);
    nd.cover = p.sum.h;
  }
  [[nodiscard]] bool can_split(const pending& p) const noexcept {
    if (cfg_.max_depth > 0 && p.depth >= cfg_.max_depth) return false;
    if (p.sum.c < cfg_.min_samples_split || p.sum.c < 2.0 * cfg_.min_samples_leaf) return false;
    if (p.sum.h < 2.0 * cfg_.min_child_weight) return false;
    if (p.best.feature < 0) return false;
    const double parent = std::abs(score(p.sum, weight(p.sum, p.lo, p.hi)));
    return p.best.gain > cfg_.min_split_gain && p.best.gain > 1e-12 * parent && p.best.gain > 0.0;
  }
  [[nodiscard]] int monotone(std::int32_t f) const noexcept {
    if (cfg_.monotone == nullptr || cfg_.monotone->empty()) return 0;
    return (*cfg_.monotone)[static_cast<std::size_t>(f)];
  }

  int acquire() {
    if (!free_.empty()) {
      const int id = free_.back();
      free_.pop_back();
      return id;
    }
    pool_.emplace_back(static_cast<std::size_t>(n_hist_features_) * n_slots);
    return static_cast<int>(pool_.size()) - 1;
  }
  void release(int id) {
    if (id >= 0) free_.push_back(id);
  }

  /// Histograms of up to four features in one pass over the rows (shared loads of the

  void drop_unsplittable(std::vector<pending>& v) {
    std::size_t k = 0;
    for (pending& p : v) {
      if (can_split(p)) {
        if (&v[k] != &p) v[k] = std::move(p);
        ++k;
      } else {
        release(p.hist);
      }
    }
    v.resize(k);
  }

  /// Runs `hist_jobs_`: every job's histogram over the tree's features, in groups of up to

  /// Takes the rows, gradients and features of a new tree; returns its root (with its
  /// histogram when it is large), the first node of `out`.
  std::vector<pending> start(std::vector<std::int32_t> rows, const std::vector<grad_pair>& gh,
                             const std::vector<std::int32_t>& features, grown_tree& out);
  /// Splits a level at a time (up to max_leaves leaves) until no node can split.
  void grow_depthwise(std::vector<pending>& level, grown_tree& out, xoshiro256ss& rng);
  /// Splits one node at a time, the last pushed (depth_first) or the best gain (lossguide).
  void grow_by_node(std::vector<pending>& level, grown_tree& out, xoshiro256ss& rng);

  // ---- split finding (tree_grower_split.hpp)

  /// Histograms of up to four features in one pass over the rows (shared loads of the
  /// row index and gradient).
  void build_group(std::vector<hist_bin>& hist, const std::int32_t* feats, int k, std::int32_t begin,
                   std::int32_t end) const noexcept;
  /// Runs `hist_jobs_`: every job's histogram over the tree's features, in groups of up to
  /// four features per task (fewer when there are too few tasks to keep the threads busy),
  /// largest jobs first. Each (job, feature) histogram is summed in row order by one thread.
  void build_histograms();
  /// Best split of feature f from its histogram H (bins listed in `order`, increasing).
  void scan(split_info& best, std::int32_t f, const hist_bin* H, const std::uint8_t* order, int n_listed,
            const pending& p) const noexcept;
  /// Finds the best split of every node in `v` (in place, `pending::best`). Candidate
  /// features are drawn in node order from `rng`; the work runs in one parallel region over
  /// (node, feature) tasks (from a dense histogram, or from the rows for small nodes),
  /// and each node keeps the best feature in feature order (ties to the lower feature).
  void evaluate_all(std::vector<pending>& v, xoshiro256ss& rng);
  /// Resets p.best and returns the features to try at p (null when p cannot split): all
  /// the tree's features, or max_features_node of them drawn from `rng` into cand_pool_[slot].
  const std::vector<std::int32_t>* candidates(pending& p, xoshiro256ss& rng, std::size_t slot = 0);
  /// Best split of feature f at node p: from the node's dense histogram when it has one,
  /// else from its rows through `scratch` (256 zeroed slots, left zeroed).
  void evaluate_feature(const pending& p, std::int32_t f, hist_bin* scratch, split_info& s) const noexcept {
    if (p.hist >= 0) {
      evaluate_dense(p, f, s);
    } else {
      evaluate_sparse(p, f, scratch, s);
    }
  }
  /// Best split of feature f at node p from the node's dense histogram.
  void evaluate_dense(const pending& p, std::int32_t f, split_info& s) const noexcept;
  /// Best split of feature f at node p from a sparse histogram of the bins its rows touch,
  /// built in `H` (256 zeroed slots, left zeroed).
  void evaluate_sparse(const pending& p, std::int32_t f, hist_bin* H, split_info& s) const noexcept;

  // ---- splitting (tree_grower_partition.hpp)

  /// Stable partition of rows_[begin, end) by split s: the left rows to `left`, the right
  /// rows to `right` (either may alias rows_ at or before `begin`); returns the left count.
  std::int32_t partition(const split_info& s, std::int32_t begin, std::int32_t end, std::int32_t* left,
                         std::int32_t* right) noexcept;
  /// The partition of every node of `level` in parallel over row chunks (`total` rows in
  /// all); sets n_left_. Chunk c of a node keeps its left rows in place when it starts the
  /// node, else in tmp_left_; its right rows go to tmp_right_; then each chunk copies its
  /// parts to their places, left parts before right parts, in chunk order.
  void partition_parallel(const std::vector<pending>& level, index total);
  /// Splits every node of `level` (their `best` splits) into `children` (left, right, in
  /// level order): a stable partition of each node's rows, in parallel over chunks; the
  /// children's tree nodes; and their histograms (the smaller child's built, the larger's
  /// by subtraction from the parent's), for children that may split again.
  void split_all(std::vector<pending>& level, std::vector<pending>& children, grown_tree& out);
  /// The stable partition of every node's rows, serially or over row chunks; sets n_left_.
  void partition_level(const std::vector<pending>& level);
  /// Turns p's tree node into its split and appends its two children (nl rows go left),
  /// with their values and monotone bounds, to `out` and `children`.
  void add_children(const pending& p, std::int32_t nl, std::vector<pending>& children, grown_tree& out);
  /// The children's histograms: the smaller child's built, the larger's the parent's minus
  /// it; none for children that cannot split again or are small.
  void children_histograms(std::vector<pending>& level, std::vector<pending>& children);

  const binned_matrix& B_;
  const bin_mapper& M_;
  grower_config cfg_;
  std::vector<std::int32_t> rows_, tmp_left_, tmp_right_;
  const grad_pair* gh_ = nullptr;  ///< gradients indexed by row (the caller's array)
  const std::vector<std::int32_t>* features_ = nullptr;
  std::vector<std::vector<std::int32_t>> cand_pool_;
  std::vector<eval_job> eval_jobs_;
  std::vector<std::pair<std::int32_t, std::int32_t>> eval_tasks_;  ///< (job, candidate)
  std::vector<split_info> eval_results_;
  std::vector<hist_job> hist_jobs_;
  std::vector<part_chunk> chunks_;
  std::vector<std::int32_t> n_left_;
  std::vector<std::pair<std::int32_t, std::int32_t>> copy_at_;
  std::vector<std::vector<hist_bin>> pool_;
  std::vector<int> free_;
  std::vector<hist_bin> scratch_;
  index n_hist_features_ = 0;
};

/// The histogram tree grower (see the file comment).
using tree_grower = basic_tree_grower<>;

// ---------------------------------------------------------------------------------------

template <class U>
std::vector<typename basic_tree_grower<U>::pending> basic_tree_grower<U>::start(
    std::vector<std::int32_t> rows, const std::vector<grad_pair>& gh, const std::vector<std::int32_t>& features,
    grown_tree& out) {
  rows_ = std::move(rows);
  const auto n = static_cast<std::int32_t>(rows_.size());
  gh_ = gh.data();
  tmp_left_.resize(rows_.size());
  tmp_right_.resize(rows_.size());
  features_ = &features;
  n_hist_features_ = B_.cols;
  pool_.clear();
  free_.clear();

  std::vector<pending> level(1);
  pending& root = level[0];
  root.node = 0;
  root.begin = 0;
  root.end = n;
  root.depth = 0;
  for (std::int32_t k = 0; k < n; ++k) {
    root.sum.g += gh_[rows_[static_cast<std::size_t>(k)]].g;
    root.sum.h += gh_[rows_[static_cast<std::size_t>(k)]].h;
  }
  root.sum.c = n;
  root.lo = -std::numeric_limits<double>::infinity();
  root.hi = std::numeric_limits<double>::infinity();
  out.nodes.emplace_back();
  out.range.emplace_back(0, n);
  out.bounds.emplace_back(root.lo, root.hi);
  set_node_value(out.nodes[0], root);
  if (n >= cfg_.dense_min && splittable_depth(0)) {
    root.hist = acquire();
    hist_jobs_.assign(1, hist_job{root.hist, -1, 0, n});
    build_histograms();
  }
  return level;
}

template <class U>
void basic_tree_grower<U>::grow_depthwise(std::vector<pending>& level, grown_tree& out, xoshiro256ss& rng) {
  index n_leaves = 1;
  std::vector<pending> children;
  drop_unsplittable(level);
  while (!level.empty()) {
    if (cfg_.max_leaves > 0) {
      if (n_leaves >= cfg_.max_leaves) break;
      const auto keep =
          static_cast<std::size_t>(std::min<index>(static_cast<index>(level.size()), cfg_.max_leaves - n_leaves));
      for (std::size_t i = keep; i < level.size(); ++i) release(level[i].hist);
      level.resize(keep);
    }
    n_leaves += static_cast<index>(level.size());
    split_all(level, children, out);
    evaluate_all(children, rng);
    drop_unsplittable(children);
    std::swap(level, children);
  }
  for (pending& p : level) release(p.hist);
}

template <class U>
void basic_tree_grower<U>::grow_by_node(std::vector<pending>& level, grown_tree& out, xoshiro256ss& rng) {
  index n_leaves = 1;
  std::vector<pending> children;
  std::deque<pending> queue;
  drop_unsplittable(level);
  for (pending& p : level) queue.push_back(std::move(p));
  std::vector<pending> one(1);
  while (!queue.empty()) {
    if (cfg_.max_leaves > 0 && n_leaves >= cfg_.max_leaves) break;
    if (cfg_.policy == grow_policy::depth_first) {
      one[0] = std::move(queue.back());
      queue.pop_back();
    } else {
      std::size_t best = 0;
      for (std::size_t i = 1; i < queue.size(); ++i) {
        if (queue[i].best.gain > queue[best].best.gain) best = i;
      }
      one[0] = std::move(queue[best]);
      queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(best));
    }
    ++n_leaves;
    split_all(one, children, out);
    evaluate_all(children, rng);
    drop_unsplittable(children);
    if (cfg_.policy == grow_policy::depth_first) {  // left is popped first
      for (auto it = children.rbegin(); it != children.rend(); ++it) queue.push_back(std::move(*it));
    } else {
      for (pending& c : children) queue.push_back(std::move(c));
    }
  }
}

}  // namespace footprint::detail

#include "footprint/models/detail/tree_grower_partition.hpp"
#include "footprint/models/detail/tree_grower_split.hpp"
