/// @file models/trees/gradient_boosting_booster_impl.hpp
/// @brief The boosting rounds of `gradient_boosting` (included by
/// gradient_boosting_fit_impl.hpp): `train_data`, what every model of one fit sees;
/// `booster`, the rounds of one model (the mean model or a quantile model), from the base
/// score to the ensemble; `booster_result`, what it gives.
#pragma once

#include "footprint/models/trees/gradient_boosting.hpp"

#include "footprint/detail/parallel.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/models/detail/tree_monotone.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// The training data as every model of one fit sees it.
struct gradient_boosting::train_data {
  const detail::binned_matrix* B = nullptr;
  const detail::bin_mapper* mapper = nullptr;
  const matrix_cref* X = nullptr;
  std::vector<double> y, w;         ///< per row of X
  std::vector<std::int32_t> rows;   ///< rows of X used for training (weight > 0)
  std::vector<index> valid_rows;    ///< rows of X held out (validation_fraction)
  const matrix_cref* Xv = nullptr;  ///< explicit validation set
  const vector_cref* yv = nullptr;
};

/// What training one model gives.
struct gradient_boosting::booster_result {
  tree_ensemble ensemble;
  std::vector<double> history;  ///< validation loss per round
  bool early_stopped = false;
  double train_loss = nan;
  std::vector<double> F;  ///< final training predictions (per row of X)
};

/// The boosting rounds of one model (loss and level), from the base score to the ensemble.
/// Round m draws from stream (seed, model_index * 0x100000001 + m): its rows, then its
/// features, then the grower's choices.
template <class>
class gradient_boosting::booster {
 public:
  booster(const gradient_boosting_params& p, const train_data& td, boosting_loss loss, double level,
          std::uint64_t model_index, int nt)
      : p_(p),
        td_(td),
        X_(*td.X),
        loss_(loss),
        level_(level),
        model_index_(model_index),
        nt_(nt),
        n_(X_.rows()),
        d_(X_.cols()),
        nrows_(static_cast<index>(td.rows.size())),
        has_valid_(td.Xv != nullptr || !td.valid_rows.empty()),
        nv_(td.Xv != nullptr ? td.Xv->rows() : static_cast<index>(td.valid_rows.size())),
        grower_(*td.B, *td.mapper, config(p, nt)) {}

  /// Runs every round (or until early stopping) and returns the model.
  booster_result run() {
    base_ = base_score();
    F_.assign(static_cast<std::size_t>(n_), base_);
    Fv_.assign(static_cast<std::size_t>(nv_), base_);
    gh_.resize(static_cast<std::size_t>(n_));
    in_sample_.assign(static_cast<std::size_t>(n_), 0);
    trees_.reserve(static_cast<std::size_t>(p_.n_estimators));
    for (index m = 0; m < p_.n_estimators; ++m) {
      if (loss_ == boosting_loss::huber) set_huber_delta();
      set_gradients();
      detail::xoshiro256ss rng(p_.seed, model_index_ * 0x100000001ULL + static_cast<std::uint64_t>(m));
      draw_rows(rng);
      draw_features(rng);
      grower_.set_max_features_node(
          p_.colsample_bynode < 1.0
              ? std::max<index>(
                    1, static_cast<index>(std::llround(p_.colsample_bynode * static_cast<double>(features_.size()))))
              : 0);
      detail::grown_tree g = grower_.grow(rows_, gh_, features_, rng);
      if (loss_ == boosting_loss::quantile) refit_quantile_leaves(g);
      for (tree_node& nd : g.nodes) nd.value *= p_.learning_rate;
      update_train(g);
      if (has_valid_) validate_round(m, g.nodes);
      trees_.emplace_back(std::move(g.nodes));
      if (has_valid_ && p_.early_stopping_rounds > 0 && m - best_round_ >= p_.early_stopping_rounds) {
        res_.early_stopped = true;
        break;
      }
    }
    return finish();
  }

 private:
  static detail::grower_config config(const gradient_boosting_params& p, int nt) {
    detail::grower_config cfg;
    cfg.policy = p.growth == tree_growth::depthwise ? detail::grow_policy::depthwise : detail::grow_policy::lossguide;
    cfg.max_depth = static_cast<int>(p.max_depth);
    cfg.max_leaves = p.max_leaves > 0 ? p.max_leaves : (p.growth == tree_growth::leafwise ? 31 : 0);
    cfg.lambda = p.lambda;
    cfg.alpha = p.alpha;
    cfg.min_split_gain = p.min_split_gain;
    cfg.min_child_weight = p.min_child_weight;
    cfg.min_samples_leaf = static_cast<double>(p.min_samples_leaf);
    cfg.min_samples_split = 2.0 * static_cast<double>(p.min_samples_leaf);
    cfg.monotone = &p.monotone_constraints;
    cfg.n_threads = nt;
    return cfg;
  }

  /// The weighted mean (squared error), median (Huber) or level-quantile (quantile loss) of y.
  double base_score() {
    double base = 0.0;
    if (loss_ == boosting_loss::squared_error) {
      double sw = 0.0;
      for (std::int32_t r : td_.rows) {
        base += td_.w[static_cast<std::size_t>(r)] * td_.y[static_cast<std::size_t>(r)];
        sw += td_.w[static_cast<std::size_t>(r)];
      }
      return base / sw;
    }
    for (std::int32_t r : td_.rows)
      scratch_.emplace_back(td_.y[static_cast<std::size_t>(r)], td_.w[static_cast<std::size_t>(r)]);
    return detail::weighted_quantile(scratch_, loss_ == boosting_loss::quantile ? level_ : 0.5);
  }

  /// Huber's delta for this round: the huber_quantile quantile of |y - F| (at least 1e-12).
  void set_huber_delta() {
    absres_.resize(td_.rows.size());
    for (std::size_t k = 0; k < td_.rows.size(); ++k) {
      const auto r = static_cast<std::size_t>(td_.rows[k]);
      absres_[k] = std::abs(td_.y[r] - F_[r]);
    }
    const auto q = static_cast<std::size_t>(std::floor(p_.huber_quantile * static_cast<double>(absres_.size() - 1)));
    std::nth_element(absres_.begin(), absres_.begin() + static_cast<std::ptrdiff_t>(q), absres_.end());
    delta_ = std::max(absres_[q], 1e-12);
  }

  /// Weighted gradients and hessians of the loss at F, per training row.
  void set_gradients() {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt_) if (nt_ > 1 && nrows_ > 10000)
#endif
    for (index k = 0; k < nrows_; ++k) {
      const auto r = static_cast<std::size_t>(td_.rows[static_cast<std::size_t>(k)]);
      const double wr = td_.w[r];
      const double res_r = F_[r] - td_.y[r];
      double g = 0.0;
      switch (loss_) {
        case boosting_loss::squared_error: g = res_r; break;
        case boosting_loss::huber: g = std::clamp(res_r, -delta_, delta_); break;
        case boosting_loss::quantile: g = F_[r] > td_.y[r] ? 1.0 - level_ : -level_; break;
      }
      gh_[r] = {wr * g, wr};
    }
  }

  /// The round's rows: each training row with probability subsample (at least one).
  void draw_rows(detail::xoshiro256ss& rng) {
    rows_.clear();
    if (p_.subsample < 1.0) {
      for (std::int32_t r : td_.rows) {
        if (rng.uniform() < p_.subsample) rows_.push_back(r);
      }
      if (rows_.empty()) rows_.push_back(td_.rows[static_cast<std::size_t>(rng.below32(td_.rows.size()))]);
    } else {
      rows_ = td_.rows;
    }
  }

  /// The round's features: colsample_bytree of them (at least one), increasing.
  void draw_features(detail::xoshiro256ss& rng) {
    const auto k_tree =
        std::max<index>(1, static_cast<index>(std::llround(p_.colsample_bytree * static_cast<double>(d_))));
    features_.resize(static_cast<std::size_t>(d_));
    for (index j = 0; j < d_; ++j) features_[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(j);
    if (k_tree < d_) {
      for (index i = 0; i < k_tree; ++i) {
        const auto j =
            static_cast<std::size_t>(i) + static_cast<std::size_t>(rng.below32(static_cast<std::uint64_t>(d_ - i)));
        std::swap(features_[static_cast<std::size_t>(i)], features_[j]);
      }
      features_.resize(static_cast<std::size_t>(k_tree));
      std::sort(features_.begin(), features_.end());
    }
  }

  /// Quantile loss: each leaf's value becomes the level-quantile of its rows' residuals,
  /// then the values are re-bounded for the monotone constraints.
  void refit_quantile_leaves(detail::grown_tree& g) {
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      if (!g.nodes[k].is_leaf()) continue;
      scratch_.clear();
      for (std::int32_t q = g.range[k].first; q < g.range[k].second; ++q) {
        const auto r = static_cast<std::size_t>(g.rows[static_cast<std::size_t>(q)]);
        scratch_.emplace_back(td_.y[r] - F_[r], td_.w[r]);
      }
      if (!scratch_.empty()) g.nodes[k].value = detail::weighted_quantile(scratch_, level_);
    }
    detail::enforce_monotone(g.nodes, p_.monotone_constraints);
  }

  /// Adds the tree to the training predictions F: the sampled rows through their leaves,
  /// the others (subsample < 1) by walking the tree.
  void update_train(const detail::grown_tree& g) {
    if (p_.subsample < 1.0) {
      std::fill(in_sample_.begin(), in_sample_.end(), 0);
      for (std::int32_t r : rows_) in_sample_[static_cast<std::size_t>(r)] = 1;
    }
    // leaves hold disjoint rows: updated in parallel, each row once
    const auto n_nodes = static_cast<index>(g.nodes.size());
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) num_threads(nt_) if (nt_ > 1 && nrows_ > 10000)
#endif
    for (index k = 0; k < n_nodes; ++k) {
      const tree_node& nd = g.nodes[static_cast<std::size_t>(k)];
      if (!nd.is_leaf()) continue;
      const double v = nd.value;
      const auto [first, last] = g.range[static_cast<std::size_t>(k)];
      for (std::int32_t q = first; q < last; ++q)
        F_[static_cast<std::size_t>(g.rows[static_cast<std::size_t>(q)])] += v;
    }
    if (p_.subsample < 1.0) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt_) if (nt_ > 1 && nrows_ > 10000)
#endif
      for (index k = 0; k < nrows_; ++k) {
        const auto r = static_cast<std::size_t>(td_.rows[static_cast<std::size_t>(k)]);
        if (in_sample_[r] == 0) F_[r] += detail::tree_row_value(g.nodes, X_, static_cast<index>(r));
      }
    }
  }

  /// Adds the tree to the validation predictions and records the round's validation loss.
  void validate_round(index m, const std::vector<tree_node>& nodes) {
    const matrix_cref* Xv = td_.Xv;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nt_) if (nt_ > 1 && nv_ > 10000)
#endif
    for (index k = 0; k < nv_; ++k) {
      const bool explicit_set = Xv != nullptr;
      Fv_[static_cast<std::size_t>(k)] += detail::tree_row_value(
          nodes, explicit_set ? *Xv : X_, explicit_set ? k : td_.valid_rows[static_cast<std::size_t>(k)]);
    }
    const auto valid_y = [&](index k) {
      return Xv != nullptr ? (*td_.yv)[k]
                           : td_.y[static_cast<std::size_t>(td_.valid_rows[static_cast<std::size_t>(k)])];
    };
    const double val = detail::deterministic_sum(nv_, nt_,
                                                 [&](index k) {
                                                   return row_loss(loss_, level_, delta_ > 0.0 ? delta_ : 1.0,
                                                                   valid_y(k), Fv_[static_cast<std::size_t>(k)]);
                                                 }) /
                       static_cast<double>(nv_);
    res_.history.push_back(val);
    if (val < best_val_) {
      best_val_ = val;
      best_round_ = m;
    }
  }

  /// Drops the trees after the best round (early stopping) and builds the result.
  booster_result finish() {
    if (res_.early_stopped) {
      // roll back the training predictions of the dropped trees
      for (std::size_t t = static_cast<std::size_t>(best_round_) + 1; t < trees_.size(); ++t) {
        for (std::int32_t r : td_.rows)
          F_[static_cast<std::size_t>(r)] -= detail::tree_row_value(trees_[t].nodes(), X_, r);
      }
      trees_.resize(static_cast<std::size_t>(best_round_) + 1);
    }
    double sw = 0.0;
    double sl = 0.0;
    for (std::int32_t r : td_.rows) {
      const auto rr = static_cast<std::size_t>(r);
      sl += td_.w[rr] * row_loss(loss_, level_, delta_ > 0.0 ? delta_ : 1.0, td_.y[rr], F_[rr]);
      sw += td_.w[rr];
    }
    res_.train_loss = sl / sw;
    res_.ensemble = tree_ensemble(std::move(trees_), base_, d_);
    res_.F = std::move(F_);
    return std::move(res_);
  }

  /// Loss of one row (per unit weight).
  static double row_loss(boosting_loss loss, double level, double delta, double y, double f) noexcept {
    const double r = y - f;
    switch (loss) {
      case boosting_loss::squared_error: return 0.5 * r * r;
      case boosting_loss::huber: return std::abs(r) <= delta ? 0.5 * r * r : delta * (std::abs(r) - 0.5 * delta);
      case boosting_loss::quantile: return r >= 0.0 ? level * r : (level - 1.0) * r;
    }
    return 0.0;
  }

  const gradient_boosting_params& p_;
  const train_data& td_;
  const matrix_cref& X_;
  boosting_loss loss_;
  double level_;
  std::uint64_t model_index_;
  int nt_;
  index n_, d_, nrows_;
  bool has_valid_;
  index nv_;
  detail::tree_grower grower_;
  double base_ = 0.0;
  double delta_ = 0.0;
  std::vector<double> F_, Fv_;  ///< training and validation predictions
  std::vector<detail::grad_pair> gh_;
  std::vector<std::int32_t> rows_, features_;
  std::vector<char> in_sample_;
  std::vector<double> absres_;
  std::vector<std::pair<double, double>> scratch_;
  std::vector<regression_tree> trees_;
  double best_val_ = std::numeric_limits<double>::infinity();
  index best_round_ = 0;
  booster_result res_;
};

}  // namespace footprint
