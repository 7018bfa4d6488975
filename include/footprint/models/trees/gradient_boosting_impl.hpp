/// @file models/trees/gradient_boosting_impl.hpp
/// @brief Definitions of `gradient_boosting` (included at the end of gradient_boosting.hpp):
/// parameter and state validation, the predictive distribution, and training, one boosting
/// round at a time (`gradient_boosting::booster`).
#pragma once

#include "footprint/models/trees/gradient_boosting.hpp"

#include "footprint/detail/parallel.hpp"
#include "footprint/detail/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

// ---------------------------------------------------------------------------------------
// Validation and state
// ---------------------------------------------------------------------------------------

inline void gradient_boosting::validate(const gradient_boosting_params& p, std::string_view where,
                                        std::string_view prefix) {
  const auto bad = [&](const char* field, const char* constraint, auto got) {
    throw invalid_argument(detail::concat(where, ": ", prefix, field, " must be ", constraint, " (got ", got, ")"));
  };
  const auto non_negative = [&](const char* field, double v) {
    if (!(v >= 0.0) || !std::isfinite(v)) bad(field, "finite and >= 0", v);
  };
  if (p.loss != boosting_loss::squared_error && p.loss != boosting_loss::huber && p.loss != boosting_loss::quantile) {
    bad("loss", "squared_error, huber or quantile", static_cast<int>(p.loss));
  }
  if (p.growth != tree_growth::depthwise && p.growth != tree_growth::leafwise)
    bad("growth", "depthwise or leafwise", static_cast<int>(p.growth));
  if (p.n_estimators < 1) bad("n_estimators", ">= 1", p.n_estimators);
  if (!(p.learning_rate > 0.0 && p.learning_rate <= 1.0)) bad("learning_rate", "in (0, 1]", p.learning_rate);
  if (p.max_depth < 0) bad("max_depth", ">= 0", p.max_depth);
  if (p.growth == tree_growth::depthwise && p.max_depth == 0)
    bad("max_depth", ">= 1 with depthwise growth", p.max_depth);
  if (p.max_leaves < 0 || p.max_leaves == 1) bad("max_leaves", "0 or >= 2", p.max_leaves);
  if (p.max_bins < 2 || p.max_bins > 255) bad("max_bins", "in [2, 255]", p.max_bins);
  non_negative("lambda", p.lambda);
  non_negative("alpha", p.alpha);
  non_negative("min_split_gain", p.min_split_gain);
  non_negative("min_child_weight", p.min_child_weight);
  if (p.min_samples_leaf < 1) bad("min_samples_leaf", ">= 1", p.min_samples_leaf);
  if (!(p.subsample > 0.0 && p.subsample <= 1.0)) bad("subsample", "in (0, 1]", p.subsample);
  if (!(p.colsample_bytree > 0.0 && p.colsample_bytree <= 1.0))
    bad("colsample_bytree", "in (0, 1]", p.colsample_bytree);
  if (!(p.colsample_bynode > 0.0 && p.colsample_bynode <= 1.0))
    bad("colsample_bynode", "in (0, 1]", p.colsample_bynode);
  if (!(p.quantile_alpha > 0.0 && p.quantile_alpha < 1.0)) bad("quantile_alpha", "in (0, 1)", p.quantile_alpha);
  if (!(p.huber_quantile > 0.0 && p.huber_quantile < 1.0)) bad("huber_quantile", "in (0, 1)", p.huber_quantile);
  for (int c : p.monotone_constraints) {
    if (c < -1 || c > 1) bad("monotone_constraints entries", "-1, 0 or 1", c);
  }
  for (std::size_t k = 0; k < p.quantile_levels.size(); ++k) {
    const double q = p.quantile_levels[k];
    if (!(q > 0.0 && q < 1.0)) bad("quantile_levels", "in (0, 1)", q);
    if (k > 0 && !(q > p.quantile_levels[k - 1])) bad("quantile_levels", "strictly increasing", q);
  }
  if (p.early_stopping_rounds < 0) bad("early_stopping_rounds", ">= 0", p.early_stopping_rounds);
  if (!(p.validation_fraction >= 0.0 && p.validation_fraction < 1.0))
    bad("validation_fraction", "in [0, 1)", p.validation_fraction);
  if (p.n_threads < 0) bad("n_threads", ">= 0", p.n_threads);
}

template <class>
void gradient_boosting::validate_fitted(const gradient_boosting_state& s, std::string_view where) {
  const gradient_boosting_params& p = s.params;
  const auto fail = [&](const std::string& field, const std::string& what) {
    throw invalid_argument(detail::concat(where, ": ", field, " ", what));
  };
  if (s.n_features < 1 || s.n_features > 65535)
    fail("n_features", detail::concat("must be in [1, 65535] (got ", s.n_features, ")"));
  if (!p.monotone_constraints.empty() && static_cast<index>(p.monotone_constraints.size()) != s.n_features) {
    fail("params.monotone_constraints", detail::concat("must have n_features = ", s.n_features,
                                                       " entries or none (got ", p.monotone_constraints.size(), ")"));
  }
  const auto check_model = [&](const tree_ensemble& e, const std::string& field) {
    if (e.n_features() != s.n_features)
      fail(field, detail::concat("must have n_features = ", s.n_features, " (got ", e.n_features(), ")"));
    if (e.n_trees() < 1 || e.n_trees() > p.n_estimators) {
      fail(field,
           detail::concat("must have 1 to params.n_estimators = ", p.n_estimators, " trees (got ", e.n_trees(), ")"));
    }
    if (e.scale() != 1.0 || e.float_accumulation()) fail(field, "must have scale 1 and no float accumulation");
  };
  check_model(s.mean, "mean");
  if (s.quantile_models.size() != p.quantile_levels.size()) {
    fail("quantile_models", detail::concat("must have one model per params.quantile_levels entry (",
                                           p.quantile_levels.size(), ", got ", s.quantile_models.size(), ")"));
  }
  for (std::size_t k = 0; k < s.quantile_models.size(); ++k)
    check_model(s.quantile_models[k], detail::concat("quantile_models[", k, "]"));
  if (s.levels.empty()) fail("levels", "must not be empty");
  for (std::size_t k = 0; k < s.levels.size(); ++k) {
    const double v = s.levels[k];
    if (!(v > 0.0 && v < 1.0) || (k > 0 && !(v > s.levels[k - 1]))) {
      fail("levels", detail::concat("must increase strictly in (0, 1) (got ", v,
                                    k > 0 ? detail::concat(" after ", s.levels[k - 1]) : "", ")"));
    }
  }
  if (!p.quantile_levels.empty() && s.levels != p.quantile_levels) fail("levels", "must equal params.quantile_levels");
  const std::size_t n_residual = p.quantile_levels.empty() ? s.levels.size() : 0;
  if (s.residual_quantiles.size() != n_residual) {
    fail("residual_quantiles",
         detail::concat("must have ", n_residual, " entries (got ", s.residual_quantiles.size(), ")"));
  }
  for (std::size_t k = 0; k < s.residual_quantiles.size(); ++k) {
    const double v = s.residual_quantiles[k];
    if (!std::isfinite(v) || (k > 0 && v < s.residual_quantiles[k - 1])) {
      fail(detail::concat("residual_quantiles[", k, "]"),
           detail::concat("must be finite and non-decreasing (got ", v, ")"));
    }
  }
  if (static_cast<index>(s.validation_history.size()) > p.n_estimators) {
    fail("validation_history", detail::concat("must have at most params.n_estimators = ", p.n_estimators,
                                              " entries (got ", s.validation_history.size(), ")"));
  }
  for (std::size_t k = 0; k < s.validation_history.size(); ++k) {
    if (!std::isfinite(s.validation_history[k])) {
      fail(detail::concat("validation_history[", k, "]"),
           detail::concat("must be finite (got ", s.validation_history[k], ")"));
    }
  }
}

template <class>
gradient_boosting gradient_boosting::from_state(gradient_boosting_state state) {
  constexpr const char* where = "footprint::gradient_boosting::from_state";
  validate(state.params, where, "params.");
  validate_fitted(state, where);
  gradient_boosting m(state.params);
  m.levels_ = std::make_shared<const std::vector<double>>(state.levels);
  m.state_ = std::move(state);
  m.fitted_ = true;
  return m;
}

inline std::shared_ptr<const std::vector<double>> gradient_boosting::residual_levels() {
  return std::make_shared<const std::vector<double>>(std::vector<double>{0.01, 0.025, 0.05, 0.1, 0.15, 0.2,   0.25,
                                                                         0.3,  0.35,  0.4,  0.5, 0.6,  0.65,  0.7,
                                                                         0.75, 0.8,   0.85, 0.9, 0.95, 0.975, 0.99});
}

// ---------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------

template <class>
std::vector<quantile_distribution> gradient_boosting::distribution_rows(const detail::strided_rows& X) const {
  check_predict("predict_distribution", X.cols);
  vector mu(X.rows);
  state_.mean.predict_unchecked(X, mu, state_.params.n_threads);
  std::vector<quantile_distribution> out;
  out.reserve(static_cast<std::size_t>(X.rows));
  const std::size_t L = levels_->size();
  if (!state_.quantile_models.empty()) {
    matrix Q(X.rows, static_cast<index>(L));
    for (std::size_t k = 0; k < L; ++k) {
      vector col(X.rows);
      state_.quantile_models[k].predict_unchecked(X, col, state_.params.n_threads);
      Q.col(static_cast<index>(k)) = col;
    }
    for (index i = 0; i < X.rows; ++i) {
      std::vector<double> q(L);
      for (std::size_t k = 0; k < L; ++k) q[k] = Q(i, static_cast<index>(k));
      out.emplace_back(levels_, std::move(q), mu[i]);
    }
  } else {
    for (index i = 0; i < X.rows; ++i) {
      std::vector<double> q(L);
      for (std::size_t k = 0; k < L; ++k) q[k] = mu[i] + state_.residual_quantiles[k];
      out.emplace_back(levels_, std::move(q), mu[i]);
    }
  }
  return out;
}

template <class>
matrix gradient_boosting::predict_quantiles(matrix_cref X) const {
  const auto d = predict_distribution(X);
  matrix out(X.rows(), static_cast<index>(levels_->size()));
  for (index i = 0; i < X.rows(); ++i) {
    const auto& q = d[static_cast<std::size_t>(i)].quantiles();
    for (std::size_t k = 0; k < q.size(); ++k) out(i, static_cast<index>(k)) = q[k];
  }
  return out;
}

}  // namespace footprint

#include "footprint/models/trees/gradient_boosting_fit_impl.hpp"
