/// @file models/trees/random_forest_impl.hpp
/// @brief Definitions of `random_forest` (included at the end of random_forest.hpp):
/// parameter and state validation, the quantile-forest distribution, and training.
#pragma once

#include "footprint/models/trees/random_forest.hpp"

#include "footprint/detail/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

// ---------------------------------------------------------------------------------------
// Validation and state
// ---------------------------------------------------------------------------------------

inline void random_forest::validate(const random_forest_params& p, std::string_view where, std::string_view prefix) {
  const auto bad = [&](const char* field, const char* constraint, auto got) {
    throw invalid_argument(detail::concat(where, ": ", prefix, field, " must be ", constraint, " (got ", got, ")"));
  };
  if (p.n_estimators < 1) bad("n_estimators", ">= 1", p.n_estimators);
  if (!(p.max_samples > 0.0 && p.max_samples <= 1.0)) bad("max_samples", "in (0, 1]", p.max_samples);
  if (!(p.max_features > 0.0 && p.max_features <= 1.0)) bad("max_features", "in (0, 1]", p.max_features);
  if (p.max_depth < 0) bad("max_depth", ">= 0", p.max_depth);
  if (p.min_samples_split < 2) bad("min_samples_split", ">= 2", p.min_samples_split);
  if (p.min_samples_leaf < 1) bad("min_samples_leaf", ">= 1", p.min_samples_leaf);
  if (p.max_leaves < 0 || p.max_leaves == 1) bad("max_leaves", "0 or >= 2", p.max_leaves);
  if (!(p.min_impurity_decrease >= 0.0) || !std::isfinite(p.min_impurity_decrease)) {
    bad("min_impurity_decrease", "finite and >= 0", p.min_impurity_decrease);
  }
  if (p.max_bins < 2 || p.max_bins > 255) bad("max_bins", "in [2, 255]", p.max_bins);
  if (p.n_threads < 0) bad("n_threads", ">= 0", p.n_threads);
}

template <class>
void random_forest::validate_fitted(const random_forest_state& s, std::string_view where) {
  const random_forest_params& p = s.params;
  const auto fail = [&](const std::string& field, const std::string& what) {
    throw invalid_argument(detail::concat(where, ": ", field, " ", what));
  };
  if (s.n_features < 1 || s.n_features > 65535)
    fail("n_features", detail::concat("must be in [1, 65535] (got ", s.n_features, ")"));
  const tree_ensemble& e = s.ensemble;
  if (e.n_features() != s.n_features)
    fail("ensemble", detail::concat("must have n_features = ", s.n_features, " (got ", e.n_features(), ")"));
  if (e.n_trees() != p.n_estimators) {
    fail("ensemble",
         detail::concat("must have params.n_estimators = ", p.n_estimators, " trees (got ", e.n_trees(), ")"));
  }
  if (e.base_score() != 0.0 || e.scale() != 1.0 / static_cast<double>(p.n_estimators) || e.float_accumulation()) {
    fail("ensemble", "must have base score 0, scale 1 / n_estimators and no float accumulation");
  }
  if (p.quantile_forest) {
    if (s.y.empty()) fail("y", "must hold the training targets (quantile_forest)");
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i]))
        fail(detail::concat("y[", i, "]"), detail::concat("must be finite (got ", s.y[i], ")"));
    }
    validate_leaves(s, where);
  } else if (!s.y.empty() || !s.leaves.empty()) {
    fail(s.y.empty() ? "leaves" : "y", "must be empty without quantile_forest");
  }
  if (!p.oob_score) {
    if (s.oob_prediction.size() != 0 || !std::isnan(s.oob_mse) || !std::isnan(s.oob_r2)) {
      fail("oob_prediction", "must be empty (and oob_mse, oob_r2 NaN) without oob_score");
    }
    return;
  }
  if (p.quantile_forest && s.oob_prediction.size() != static_cast<index>(s.y.size())) {
    fail("oob_prediction",
         detail::concat("must have y.size() = ", s.y.size(), " entries (got ", s.oob_prediction.size(), ")"));
  }
  for (index i = 0; i < s.oob_prediction.size(); ++i) {
    if (std::isinf(s.oob_prediction[i]))
      fail(detail::concat("oob_prediction[", i, "]"), "must be finite or NaN (got inf)");
  }
  if (!(std::isnan(s.oob_mse) || (std::isfinite(s.oob_mse) && s.oob_mse >= 0.0))) {
    fail("oob_mse", detail::concat("must be finite and >= 0, or NaN (got ", s.oob_mse, ")"));
  }
  if (!(std::isnan(s.oob_r2) || (std::isfinite(s.oob_r2) && s.oob_r2 <= 1.0))) {
    fail("oob_r2", detail::concat("must be finite and <= 1, or NaN (got ", s.oob_r2, ")"));
  }
}

template <class>
void random_forest::validate_leaves(const random_forest_state& s, std::string_view where) {
  const auto fail = [&](const std::string& field, const std::string& what) {
    throw invalid_argument(detail::concat(where, ": ", field, " ", what));
  };
  if (static_cast<index>(s.leaves.size()) != s.ensemble.n_trees()) {
    fail("leaves",
         detail::concat("must have one entry per tree (", s.ensemble.n_trees(), ", got ", s.leaves.size(), ")"));
  }
  for (std::size_t t = 0; t < s.leaves.size(); ++t) {
    const random_forest_leaf_samples& ls = s.leaves[t];
    const auto& nodes = s.ensemble.trees()[t].nodes();
    const std::string at = detail::concat("leaves[", t, "]");
    if (ls.begin.size() != nodes.size() + 1 || ls.begin.front() != 0) {
      fail(at + ".begin", detail::concat("must have n_nodes + 1 = ", nodes.size() + 1, " entries starting at 0"));
    }
    for (std::size_t k = 0; k + 1 < ls.begin.size(); ++k) {
      const std::int32_t len = ls.begin[k + 1] - ls.begin[k];
      if (len < 0) fail(detail::concat(at, ".begin[", k + 1, "]"), "must not decrease");
      if (nodes[k].is_leaf() && len == 0)
        fail(detail::concat(at, ".begin[", k + 1, "]"), detail::concat("leaves node ", k, " (a leaf) without rows"));
      if (!nodes[k].is_leaf() && len != 0)
        fail(detail::concat(at, ".begin[", k + 1, "]"), detail::concat("gives node ", k, " (internal) rows"));
    }
    if (static_cast<std::size_t>(ls.begin.back()) != ls.row.size() || ls.weight.size() != ls.row.size()) {
      fail(at, detail::concat("row and weight must have begin.back() = ", ls.begin.back(), " entries (got ",
                              ls.row.size(), " and ", ls.weight.size(), ")"));
    }
    for (std::size_t k = 0; k < ls.row.size(); ++k) {
      if (ls.row[k] < 0 || static_cast<std::size_t>(ls.row[k]) >= s.y.size()) {
        fail(detail::concat(at, ".row[", k, "]"),
             detail::concat("must be in [0, ", s.y.size(), ") (got ", ls.row[k], ")"));
      }
      if (!(ls.weight[k] > 0.0) || !std::isfinite(ls.weight[k])) {
        fail(detail::concat(at, ".weight[", k, "]"), detail::concat("must be finite and > 0 (got ", ls.weight[k], ")"));
      }
    }
  }
}

template <class>
random_forest random_forest::from_state(random_forest_state state) {
  constexpr const char* where = "footprint::random_forest::from_state";
  validate(state.params, where, "params.");
  validate_fitted(state, where);
  random_forest m(state.params);
  m.state_ = std::move(state);
  m.fitted_ = true;
  return m;
}

// ---------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------

template <class>
std::vector<empirical_distribution> random_forest::distribution_rows(const detail::strided_rows& X) const {
  check_predict("predict_distribution", X.cols);
  if (!state_.params.quantile_forest) {
    throw invalid_argument(detail::concat(name, "::predict_distribution: needs quantile_forest = true at fit"));
  }
  std::vector<empirical_distribution> out(static_cast<std::size_t>(X.rows));
  const int nt = detail::resolve_threads(state_.params.n_threads);
  const index d = state_.n_features;
  const std::vector<random_forest_leaf_samples>& leaves = state_.leaves;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1 && X.rows > 16)
#endif
  {
    std::vector<double> row(static_cast<std::size_t>(d));
    std::vector<std::pair<double, double>> points;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 16)
#endif
    for (index i = 0; i < X.rows; ++i) {
      for (index j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] = X(i, j);
      points.clear();
      const double inv_t = 1.0 / static_cast<double>(leaves.size());
      for (std::size_t t = 0; t < leaves.size(); ++t) {
        const std::int32_t leaf = state_.ensemble.leaf_index(static_cast<index>(t), row);
        const random_forest_leaf_samples& ls = leaves[t];
        const std::int32_t b = ls.begin[static_cast<std::size_t>(leaf)];
        const std::int32_t e = ls.begin[static_cast<std::size_t>(leaf) + 1];
        double total = 0.0;
        for (std::int32_t k = b; k < e; ++k) total += ls.weight[static_cast<std::size_t>(k)];
        for (std::int32_t k = b; k < e; ++k) {
          points.emplace_back(state_.y[static_cast<std::size_t>(ls.row[static_cast<std::size_t>(k)])],
                              inv_t * ls.weight[static_cast<std::size_t>(k)] / total);
        }
      }
      out[static_cast<std::size_t>(i)] = empirical_distribution(points);
    }
  }
  (void)nt;
  return out;
}

template <class>
matrix random_forest::predict_quantiles(matrix_cref X, std::span<const double> levels) const {
  for (double p : levels) {
    if (!(p >= 0.0 && p <= 1.0))
      detail::require_in(p, 0.0, 1.0, detail::bounds::closed, detail::concat(name, "::predict_quantiles"), "levels");
  }
  const auto d = predict_distribution(X);
  matrix out(X.rows(), static_cast<index>(levels.size()));
  for (index i = 0; i < X.rows(); ++i) {
    for (std::size_t k = 0; k < levels.size(); ++k)
      out(i, static_cast<index>(k)) = quantile(d[static_cast<std::size_t>(i)], levels[k]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// fit
// ---------------------------------------------------------------------------------------

template <class>
detail::grower_config random_forest::grower_settings(const vector_cref* w, index n, index d) const {
  const random_forest_params& p = state_.params;
  detail::grower_config cfg;
  cfg.policy = p.max_leaves > 0 ? detail::grow_policy::lossguide : detail::grow_policy::depth_first;
  cfg.max_depth = static_cast<int>(p.max_depth);
  cfg.max_leaves = p.max_leaves;
  cfg.lambda = 0.0;
  cfg.alpha = 0.0;
  cfg.min_child_weight = 0.0;
  cfg.min_samples_leaf = static_cast<double>(p.min_samples_leaf);
  cfg.min_samples_split = static_cast<double>(p.min_samples_split);
  cfg.max_features_node = std::max<index>(1, static_cast<index>(std::llround(p.max_features * static_cast<double>(d))));
  cfg.n_threads = 1;
  double w_total = 0.0;
  for (index i = 0; i < n; ++i) w_total += w != nullptr ? (*w)[i] : 1.0;
  cfg.min_split_gain = p.min_impurity_decrease * w_total;
  return cfg;
}

template <class>
void random_forest::draw_bag(detail::xoshiro256ss& rng, index n, std::vector<std::uint32_t>& count,
                             std::vector<index>& perm) const {
  const random_forest_params& p = state_.params;
  const auto m = std::max<index>(1, static_cast<index>(std::llround(p.max_samples * static_cast<double>(n))));
  std::fill(count.begin(), count.end(), 0U);
  if (p.bootstrap) {
    for (index k = 0; k < m; ++k) ++count[static_cast<std::size_t>(rng.below32(static_cast<std::uint64_t>(n)))];
  } else if (m == n) {
    std::fill(count.begin(), count.end(), 1U);
  } else {
    perm.resize(static_cast<std::size_t>(n));
    for (index i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
    for (index k = 0; k < m; ++k) {
      const auto j = static_cast<index>(k + static_cast<index>(rng.below32(static_cast<std::uint64_t>(n - k))));
      std::swap(perm[static_cast<std::size_t>(k)], perm[static_cast<std::size_t>(j)]);
      count[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = 1U;
    }
  }
}

template <class>
random_forest::grown_forest random_forest::grow(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                                                int nt) const {
  const random_forest_params& p = state_.params;
  const index n = X.rows();
  const index d = X.cols();
  detail::bin_mapper mapper;
  mapper.fit(X, static_cast<int>(p.max_bins), nt);
  const detail::binned_matrix B = mapper.transform(X, nt);
  const detail::grower_config cfg = grower_settings(w, n, d);
  const auto T = static_cast<std::size_t>(p.n_estimators);
  grown_forest out;
  out.trees.resize(T);
  out.leaves.resize(p.quantile_forest ? T : 0);
  out.in_bag.resize(p.oob_score ? T : 0);
  const std::size_t words = (static_cast<std::size_t>(n) + 63) / 64;
  std::vector<std::int32_t> features(static_cast<std::size_t>(d));
  for (index j = 0; j < d; ++j) features[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(j);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1 && T > 1)
#endif
  {
    detail::tree_grower grower(B, mapper, cfg);
    std::vector<detail::grad_pair> gh(static_cast<std::size_t>(n));
    std::vector<std::uint32_t> count(static_cast<std::size_t>(n));
    std::vector<std::int32_t> rows;
    std::vector<index> perm;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (std::size_t t = 0; t < T; ++t) {
      detail::xoshiro256ss rng(p.seed, t);
      draw_bag(rng, n, count, perm);
      rows.clear();
      for (index i = 0; i < n; ++i) {
        const auto c = static_cast<double>(count[static_cast<std::size_t>(i)]);
        const double wi = c * (w != nullptr ? (*w)[i] : 1.0);
        if (wi > 0.0) {
          rows.push_back(static_cast<std::int32_t>(i));
          gh[static_cast<std::size_t>(i)] = {-wi * y[i], wi};
        }
      }
      if (p.oob_score) {
        auto& bits = out.in_bag[t];
        bits.assign(words, 0U);
        for (std::int32_t r : rows)
          bits[static_cast<std::size_t>(r) / 64] |= std::uint64_t{1} << (static_cast<unsigned>(r) % 64U);
      }
      detail::grown_tree g = grower.grow(rows, gh, features, rng);
      if (p.quantile_forest) {
        random_forest_leaf_samples& ls = out.leaves[t];
        ls.begin.assign(g.nodes.size() + 1, 0);
        for (std::size_t k = 0; k < g.nodes.size(); ++k) {
          const auto len = g.nodes[k].is_leaf() ? g.range[k].second - g.range[k].first : 0;
          ls.begin[k + 1] = ls.begin[k] + len;
        }
        ls.row.resize(static_cast<std::size_t>(ls.begin.back()));
        ls.weight.resize(ls.row.size());
        for (std::size_t k = 0; k < g.nodes.size(); ++k) {
          if (!g.nodes[k].is_leaf()) continue;
          auto at = static_cast<std::size_t>(ls.begin[k]);
          for (std::int32_t q = g.range[k].first; q < g.range[k].second; ++q) {
            const std::int32_t r = g.rows[static_cast<std::size_t>(q)];
            ls.row[at] = r;
            ls.weight[at] = gh[static_cast<std::size_t>(r)].h;
            ++at;
          }
        }
      }
      out.trees[t] = regression_tree(std::move(g.nodes));
    }
  }
  return out;
}

template <class>
void random_forest::out_of_bag(const tree_ensemble& ens, const matrix_cref& X, const vector_cref& y,
                               const std::vector<std::vector<std::uint64_t>>& in_bag, int nt,
                               random_forest_state& s) const {
  const index n = X.rows();
  const index d = X.cols();
  const std::size_t T = in_bag.size();
  vector oob = vector::Constant(n, nan);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1)
#endif
  {
    std::vector<double> row(static_cast<std::size_t>(d));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (index i = 0; i < n; ++i) {
      for (index j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] = X(i, j);
      double sum = 0.0;
      index k = 0;
      for (std::size_t t = 0; t < T; ++t) {
        if ((in_bag[t][static_cast<std::size_t>(i) / 64] >> (static_cast<unsigned>(i) % 64U) & 1U) != 0U) continue;
        sum += ens.trees()[t].predict_row(row);
        ++k;
      }
      if (k > 0) oob[i] = sum / static_cast<double>(k);
    }
  }
  (void)nt;
  double sse = 0.0;
  double sy = 0.0;
  double sw = 0.0;
  for (index i = 0; i < n; ++i) {
    if (std::isnan(oob[i])) continue;
    sse += (y[i] - oob[i]) * (y[i] - oob[i]);
    sy += y[i];
    sw += 1.0;
  }
  if (sw > 0.0) {
    s.oob_mse = sse / sw;
    const double ybar = sy / sw;
    double sst = 0.0;
    for (index i = 0; i < n; ++i) {
      if (!std::isnan(oob[i])) sst += (y[i] - ybar) * (y[i] - ybar);
    }
    s.oob_r2 = sst > 0.0 ? 1.0 - sse / sst : nan;
  }
  s.oob_prediction = std::move(oob);
}

template <class>
fit_report random_forest::fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
  detail::check_tree_training_data(detail::where_t{name, "fit"}, X, y, w);
  const random_forest_params& p = state_.params;
  const int nt = detail::resolve_threads(p.n_threads);
  grown_forest g = grow(X, y, w, nt);
  const auto T = static_cast<index>(g.trees.size());
  random_forest_state next;
  next.params = p;
  next.n_features = X.cols();
  next.ensemble = tree_ensemble(std::move(g.trees), 0.0, X.cols(), 1.0 / static_cast<double>(T));
  fit_report report;
  report.status = fit_status::converged;
  report.iterations = T;
  if (p.oob_score) {
    out_of_bag(next.ensemble, X, y, g.in_bag, nt, next);
    report.final_loss = next.oob_mse;
    report.message = detail::concat("out-of-bag MSE ", next.oob_mse, ", R^2 ", next.oob_r2);
  } else {
    report.message = "final_loss is the out-of-bag MSE when oob_score = true";
  }
  next.leaves = std::move(g.leaves);
  if (p.quantile_forest) next.y.assign(y.data(), y.data() + X.rows());
  state_ = std::move(next);
  fitted_ = true;
  return report;
}

}  // namespace footprint
