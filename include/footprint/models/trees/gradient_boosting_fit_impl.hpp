/// @file models/trees/gradient_boosting_fit_impl.hpp
/// @brief Training of `gradient_boosting` (included by gradient_boosting_impl.hpp):
/// `fit_impl` prepares the rows, bins and validation split, then a `booster` per model (the
/// mean model and each quantile model; gradient_boosting_booster_impl.hpp) runs the
/// boosting rounds.
#pragma once

#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/gradient_boosting_booster_impl.hpp"

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

// ---------------------------------------------------------------------------------------
// fit
// ---------------------------------------------------------------------------------------

template <class>
void gradient_boosting::check_fit(const std::string& where, const matrix_cref& X, const matrix_cref* Xv,
                                  const vector_cref* yv) const {
  const gradient_boosting_params& p = state_.params;
  if (!p.monotone_constraints.empty() && static_cast<index>(p.monotone_constraints.size()) != X.cols()) {
    throw dimension_mismatch(where, "monotone_constraints.size() must equal X.cols()", X.cols(),
                             static_cast<index>(p.monotone_constraints.size()));
  }
  if (Xv == nullptr) return;
  if (Xv->cols() != X.cols())
    throw dimension_mismatch(where, "X_valid.cols() must equal X.cols()", X.cols(), Xv->cols());
  if (yv->size() != Xv->rows())
    throw dimension_mismatch(where, "y_valid.size() must equal X_valid.rows()", Xv->rows(), yv->size());
  if (Xv->rows() == 0) throw invalid_argument(detail::concat(where, ": X_valid must have at least one row (got 0)"));
  detail::require_finite(*yv, where, "y_valid");
}

template <class>
void gradient_boosting::train_models(const train_data& td, int nt, booster_result& mean,
                                     std::vector<tree_ensemble>& qmodels) const {
  // the mean model and the quantile models are independent: with quantile models, the
  // threads take whole models (no synchronisation inside a fit, which small data sets
  // cannot amortise); alone, the mean model uses the threads inside its fit. (The
  // by-model loop is not entered otherwise: OpenMP regions nested in it, even an inactive
  // one, would start new threads every time instead of reusing the pool.)
  const gradient_boosting_params& p = state_.params;
  const std::size_t n_quantile = p.quantile_levels.size();
  const auto train_model = [&](std::size_t k, int threads) {
    if (k == 0) {
      mean = booster<>(p, td, p.loss, p.quantile_alpha, 0, threads).run();
    } else {
      qmodels[k - 1] = booster<>(p, td, boosting_loss::quantile, p.quantile_levels[k - 1], k, threads).run().ensemble;
    }
  };
  if (nt > 1 && n_quantile > 0) {
    detail::parallel_for_each_rethrow(n_quantile + 1, nt, [&](std::size_t k) { train_model(k, 1); });
  } else {
    for (std::size_t k = 0; k <= n_quantile; ++k) train_model(k, nt);
  }
}

template <class>
std::vector<double> gradient_boosting::residual_quantiles(const train_data& td, const std::vector<double>& F,
                                                          const std::vector<double>& levels) {
  std::vector<std::pair<double, double>> res;
  res.reserve(td.rows.size());
  for (std::int32_t r : td.rows) {
    const auto rr = static_cast<std::size_t>(r);
    res.emplace_back(td.y[rr] - F[rr], td.w[rr]);
  }
  std::sort(res.begin(), res.end());
  double total = 0.0;
  for (const auto& pr : res) total += pr.second;
  double acc = 0.0;
  std::size_t j = 0;
  std::vector<double> out;
  for (double lv : levels) {  // smallest residual with cumulative weight >= lv * total
    while (j + 1 < res.size() && (acc + res[j].second < lv * total || res[j].second <= 0.0)) acc += res[j++].second;
    out.push_back(res[j].first);
  }
  return out;
}

template <class>
fit_report gradient_boosting::fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                                       const matrix_cref* Xv, const vector_cref* yv) {
  const std::string where = detail::concat(name, "::fit");
  detail::check_tree_training_data(where, X, y, w);
  check_fit(where, X, Xv, yv);
  const gradient_boosting_params& p = state_.params;
  const index n = X.rows();
  const int nt = detail::resolve_threads(p.n_threads);
  train_data td;
  td.X = &X;
  td.y.assign(y.data(), y.data() + n);
  td.w.assign(static_cast<std::size_t>(n), 1.0);
  if (w != nullptr) {
    for (index i = 0; i < n; ++i) td.w[static_cast<std::size_t>(i)] = (*w)[i];
  }
  td.Xv = Xv;
  td.yv = yv;
  detail::xoshiro256ss split_rng(p.seed, 0xFFFFFFFFFFFFULL);
  for (index i = 0; i < n; ++i) {
    if (td.w[static_cast<std::size_t>(i)] <= 0.0) continue;
    if (Xv == nullptr && p.validation_fraction > 0.0 && split_rng.uniform() < p.validation_fraction) {
      td.valid_rows.push_back(i);
    } else {
      td.rows.push_back(static_cast<std::int32_t>(i));
    }
  }
  if (td.rows.empty())
    throw invalid_argument(detail::concat(where, ": no training rows left after the validation split"));
  detail::bin_mapper mapper;
  mapper.fit(X, static_cast<int>(p.max_bins), nt);
  const detail::binned_matrix B = mapper.transform(X, nt);
  td.B = &B;
  td.mapper = &mapper;

  booster_result mean;
  std::vector<tree_ensemble> qmodels(p.quantile_levels.size());
  train_models(td, nt, mean, qmodels);
  std::shared_ptr<const std::vector<double>> levels =
      p.quantile_levels.empty() ? residual_levels() : std::make_shared<const std::vector<double>>(p.quantile_levels);
  std::vector<double> resid_q =
      p.quantile_levels.empty() ? residual_quantiles(td, mean.F, *levels) : std::vector<double>{};

  fit_report report;
  report.status = mean.early_stopped ? fit_status::early_stopped : fit_status::converged;
  report.iterations = mean.ensemble.n_trees();
  report.final_loss = mean.train_loss;
  report.message = detail::concat(
      to_string(p.loss), " loss, ", mean.ensemble.n_trees(), " trees",
      mean.history.empty()
          ? std::string()
          : detail::concat(", best validation loss ", *std::min_element(mean.history.begin(), mean.history.end())));
  state_.n_features = X.cols();
  state_.mean = std::move(mean.ensemble);
  state_.quantile_models = std::move(qmodels);
  state_.levels = *levels;
  state_.residual_quantiles = std::move(resid_q);
  state_.validation_history = std::move(mean.history);
  levels_ = std::move(levels);
  fitted_ = true;
  return report;
}

}  // namespace footprint
