/// @file impact/regression_impact_model.hpp
/// @brief A statistical regressor as an impact model: the composition `concepts.hpp`
/// promises. An order design (the arrival features seen from the order's side plus its size
/// features), mean imputation of missing features, standardisation, and any
/// `ProbabilisticRegressor`; `predict_cost(order, market_state)` prices an order from the
/// regressor's predictive distribution, so the composition is an `ImpactModel`.
///
/// The label it learns is the caller's choice: `shortfall_bps` (the whole cost of a market
/// order) or a cost relative to a structural part computed elsewhere (the book walk), so that
/// size extrapolates through the book and not through the regressor (see docs/pretrade.md).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/order_design.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `regression_impact_model::fit`.
struct regression_impact_params {
  std::string label = "shortfall_bps";  ///< the dataset label to learn, bps
  /// The dataset rows to fit on (e.g. a time split's training rows); empty: every row whose
  /// label is finite.
  std::vector<index> rows;
};

/// The fitted state of a `regression_impact_model` apart from its regressor (what
/// io/pretrade_json.hpp saves); `regression_impact_model::from_state` validates it.
struct regression_impact_state {
  std::vector<std::string> dataset_features;  ///< the dataset's feature names the design was built from
  std::string label;                          ///< the label learned
  vector mean;                                ///< (design columns) training means (the imputed values)
  vector scale;               ///< (design columns) training standard deviations (1 for a constant column); > 0
  double daily_volume = nan;  ///< the dataset's daily volume; finite, > 0
  double quantity_min = nan;  ///< the smallest training order; finite, > 0
  double quantity_max = nan;  ///< the largest; finite, >= quantity_min
};

/// A `ProbabilisticRegressor` composed with an order design, imputation and scaling: an
/// `ImpactModel`.
///
/// Fit: the design rows of the dataset's labelled orders; a feature that is NaN is replaced
/// by its column's training mean (imputation), then every column is standardised with the
/// training mean and standard deviation (1 for a constant column); the regressor is fitted on
/// the result. Predict: the same transformation of the order's design row (its arrival
/// features are `market_state::features`, in the dataset's order), then the regressor's
/// predictive distribution: expected_bps = its mean, std_bps = its standard deviation.
/// Thread safety: const members are safe to call concurrently when the regressor's are.
template <ProbabilisticRegressor R>
class regression_impact_model {
 public:
  /// An unfitted composition around `regressor` (its parameters are kept).
  explicit regression_impact_model(R regressor = R{}) : regressor_(std::move(regressor)) {}

  /// Fits on a labelled dataset of market orders.
  /// @param d a dataset with arrival and size features (`impact_pipeline_result::orders`)
  /// @param p the label and the rows
  /// @return the regressor's fit report
  /// @throws invalid_argument for an unknown label, a row out of range, fewer than 2 rows
  ///         with a finite label, or a column with no finite value; as the regressor's fit
  template <class = void>
  fit_report fit(const impact_dataset& d, const regression_impact_params& p = {}) {
    constexpr std::string_view where = "footprint::regression_impact_model::fit";
    const index label = d.label_column(p.label);
    std::vector<index> rows;
    if (p.rows.empty()) {
      for (index i = 0; i < d.rows(); ++i)
        if (std::isfinite(d.labels(i, label))) rows.push_back(i);
    } else {
      for (index i : p.rows) {
        if (i < 0 || i >= d.rows())
          throw invalid_argument(detail::concat(where, ": row ", i, " is out of range [0, ", d.rows(), ")"));
        if (std::isfinite(d.labels(i, label))) rows.push_back(i);
      }
    }
    if (rows.size() < 2) {
      throw invalid_argument(
          detail::concat(where, ": needs at least 2 rows with a finite '", p.label, "' (got ", rows.size(), ")"));
    }
    order_design design(d.feature_names);
    matrix X = design.rows(d, rows);
    vector y(static_cast<index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) y[static_cast<index>(r)] = d.labels(rows[r], label);
    mean_.resize(X.cols());
    scale_.resize(X.cols());
    for (index c = 0; c < X.cols(); ++c) {
      double sum = 0.0, n = 0.0;
      for (index i = 0; i < X.rows(); ++i) {
        if (!std::isfinite(X(i, c))) continue;
        sum += X(i, c);
        n += 1.0;
      }
      if (n == 0.0) {
        throw invalid_argument(detail::concat(where, ": the design column '",
                                              design.names()[static_cast<std::size_t>(c)], "' has no finite value"));
      }
      const double m = sum / n;
      double ss = 0.0;
      for (index i = 0; i < X.rows(); ++i) {
        if (!std::isfinite(X(i, c))) X(i, c) = m;  // imputation by the training mean
        ss += (X(i, c) - m) * (X(i, c) - m);
      }
      const double sd = std::sqrt(ss / static_cast<double>(X.rows()));
      mean_[c] = m;
      scale_[c] = sd > 0.0 ? sd : 1.0;
      X.col(c) = ((X.col(c).array() - m) / scale_[c]).matrix();
    }
    quantity_min_ = quantity_max_ = d.quantity[rows.front()];
    for (index i : rows) {
      quantity_min_ = std::min(quantity_min_, d.quantity[i]);
      quantity_max_ = std::max(quantity_max_, d.quantity[i]);
    }
    const fit_report report = regressor_.fit(X, y);
    design_ = std::move(design);
    dataset_features_ = d.feature_names;
    daily_volume_ = d.daily_volume;
    label_ = p.label;
    return report;
  }

  /// The cost of a market order of o.quantity in state s (`ImpactModel`; the horizon is not
  /// used: this model prices one market order).
  /// @param o side buy or sell, quantity > 0
  /// @param s `features` = the arrival features (the dataset's arrival columns, in order;
  ///        NaN allowed: imputed), `ask_depth` / `bid_depth` the best-quote depths
  /// @return expected_bps = the predictive mean, std_bps = its standard deviation;
  ///         temporary and permanent NaN
  /// @throws not_fitted before fit; dimension_mismatch for a wrong number of features;
  ///         invalid_argument for a quantity <= 0 or a side that is neither
  [[nodiscard]] cost_estimate predict_cost(const order& o, const market_state& s) const {
    const vector x = design_row(o, s);
    const auto dist = regressor_.predict_distribution(x.transpose());
    return cost_estimate{.expected_bps = static_cast<double>(mean(dist[0])),
                         .std_bps = static_cast<double>(standard_deviation(dist[0]))};
  }

  /// The predictive distribution of the order's cost (bps), as `predict_cost` computes it.
  /// @throws as predict_cost
  [[nodiscard]] typename R::distribution_type predict_distribution(const order& o, const market_state& s) const {
    const vector x = design_row(o, s);
    return regressor_.predict_distribution(x.transpose())[0];
  }

  /// The fitted state apart from the regressor (for saving). @throws not_fitted before fit
  [[nodiscard]] regression_impact_state state() const {
    require_fitted("state");
    return {.dataset_features = dataset_features_,
            .label = label_,
            .mean = mean_,
            .scale = scale_,
            .daily_volume = daily_volume_,
            .quantity_min = quantity_min_,
            .quantity_max = quantity_max_};
  }

  /// A fitted composition from a fitted regressor and the state (e.g. both read from a file).
  /// @throws invalid_argument when the regressor is not fitted, the design cannot be built
  ///         from `dataset_features`, mean and scale do not have one entry per design column,
  ///         a mean is not finite, a scale not finite and > 0, or the volume or the quantity
  ///         range is not finite and positive; the message names the field
  [[nodiscard]] static regression_impact_model from_state(R regressor, regression_impact_state s) {
    constexpr std::string_view where = "footprint::regression_impact_model::from_state";
    if (!regressor.is_fitted()) throw invalid_argument(detail::concat(where, ": the regressor is not fitted"));
    order_design design(s.dataset_features);
    const auto sized = [&](const char* field, const vector& v) {
      if (v.size() != design.size()) {
        throw invalid_argument(detail::concat(where, ": ", field, " has ", v.size(), " entries (the design has ",
                                              design.size(), " columns)"));
      }
    };
    sized("mean", s.mean);
    sized("scale", s.scale);
    if (!s.mean.allFinite()) throw invalid_argument(detail::concat(where, ": mean must be finite"));
    if (!(s.scale.allFinite() && (s.scale.array() > 0.0).all()))
      throw invalid_argument(detail::concat(where, ": scale must be finite and > 0"));
    detail::require_positive(s.daily_volume, where, "daily_volume");
    detail::require_positive(s.quantity_min, where, "quantity_min");
    detail::require(std::isfinite(s.quantity_max) && s.quantity_max >= s.quantity_min, where, "quantity_max",
                    "finite and >= quantity_min", s.quantity_max);
    regression_impact_model m(std::move(regressor));
    m.design_ = std::move(design);
    m.dataset_features_ = std::move(s.dataset_features);
    m.label_ = std::move(s.label);
    m.mean_ = std::move(s.mean);
    m.scale_ = std::move(s.scale);
    m.daily_volume_ = s.daily_volume;
    m.quantity_min_ = s.quantity_min;
    m.quantity_max_ = s.quantity_max;
    return m;
  }

  /// True after fit.
  [[nodiscard]] bool is_fitted() const noexcept { return design_.has_value(); }
  /// The fitted regressor. @throws not_fitted before fit
  [[nodiscard]] const R& regressor() const {
    require_fitted("regressor");
    return regressor_;
  }
  /// The label learned. @throws not_fitted before fit
  [[nodiscard]] const std::string& label() const {
    require_fitted("label");
    return label_;
  }
  /// The design's column names. @throws not_fitted before fit
  [[nodiscard]] const std::vector<std::string>& feature_names() const {
    require_fitted("feature_names");
    return design_->names();
  }
  /// Training means and standard deviations of the design columns, shape (n_features).
  /// @throws not_fitted before fit
  [[nodiscard]] std::pair<const vector&, const vector&> scaling() const {
    require_fitted("scaling");
    return {mean_, scale_};
  }
  /// The smallest and largest order quantity the model was fitted on (outside it, the
  /// regressor extrapolates). @throws not_fitted before fit
  [[nodiscard]] std::pair<double, double> quantity_range() const {
    require_fitted("quantity_range");
    return {quantity_min_, quantity_max_};
  }

 private:
  void require_fitted(const char* fn) const {
    if (!is_fitted()) throw not_fitted(detail::concat("footprint::regression_impact_model::", fn));
  }

  [[nodiscard]] vector design_row(const order& o, const market_state& s) const {
    constexpr std::string_view where = "footprint::regression_impact_model::predict_cost";
    require_fitted("predict_cost");
    detail::require_positive(o.quantity, where, "order quantity");
    if (static_cast<index>(s.features.size()) != design_->arrival_features()) {
      throw dimension_mismatch(std::string(where), "market_state features must equal the dataset's arrival features",
                               design_->arrival_features(), s.features.size());
    }
    const double taken = o.side == side::buy ? s.ask_depth : s.bid_depth;
    std::vector<double> row(static_cast<std::size_t>(design_->size()));
    design_->order_row(std::span<const double>(s.features.data(), static_cast<std::size_t>(s.features.size())), o.side,
                       o.quantity, taken, daily_volume_, row);
    vector x(design_->size());
    for (index c = 0; c < x.size(); ++c) {
      const double v = row[static_cast<std::size_t>(c)];
      x[c] = ((std::isfinite(v) ? v : mean_[c]) - mean_[c]) / scale_[c];
    }
    return x;
  }

  R regressor_;
  std::optional<order_design> design_;
  std::vector<std::string> dataset_features_;
  vector mean_, scale_;
  double daily_volume_ = nan;
  double quantity_min_ = nan, quantity_max_ = nan;
  std::string label_;
};

}  // namespace footprint
