/// @file validation/mondrian_conformal.hpp
/// @brief `mondrian_conformal<R>`: split conformal intervals with a separate calibration
/// quantile per category of rows (side, regime, venue, ...), so that coverage holds within
/// each category, not only on average (Vovk, Lindsay, Nouretdinov and Gammerman 2003;
/// Vovk, Gammerman and Shafer 2005, ch. 4; Bostrom and Johansson 2020). See
/// docs/validation.md, "Conformal calibration".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, concepts.hpp and the
/// checks. Include the model's own header for R.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_scores.hpp"
#include "footprint/validation/detail/conformal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// What `mondrian_conformal` does for a category with too few calibration rows for the
/// requested alpha (n_k < ceil((n_k + 1)(1 - alpha)), i.e. n_k < (1 - alpha) / alpha: fewer
/// than 9 rows at alpha = 0.1, 19 at 0.05), or with none.
enum class mondrian_fallback : std::uint8_t {
  /// The interval (-inf, +inf): the per-category guarantee holds (trivially). The default.
  infinite,
  /// The quantile of all calibration rows pooled: a finite interval, but only the pooled
  /// (marginal) guarantee, none within the category.
  pooled,
};

/// Name of a fallback, e.g. "infinite".
[[nodiscard]] constexpr std::string_view to_string(mondrian_fallback f) noexcept {
  return f == mondrian_fallback::infinite ? "infinite" : "pooled";
}

/// Parameters of `mondrian_conformal`, validated by its constructor.
struct mondrian_conformal_params {
  conformal_score score = conformal_score::absolute;  ///< absolute |y - mu| or normalized |y - mu| / sigma
  double sigma_floor = 0.0;                           ///< normalized: sigma raised to this floor, >= 0, units of y
  mondrian_fallback fallback = mondrian_fallback::infinite;  ///< a category with too few rows: infinite or pooled
};

/// Mondrian (category-conditional) split conformal prediction: the calibration rows are
/// split by an integer category (e.g. `static_cast<int>(side)`, a regime id), and each
/// category k gets its own calibration quantile Q_k, the ceil((n_k + 1)(1 - alpha))-th
/// smallest of its n_k scores (|y - mu(x)| or |y - mu(x)| / sigma(x), as `split_conformal`).
/// A new row of category k gets [mu(x) - Q_k s(x), mu(x) + Q_k s(x)].
///
/// Guarantee: if rows are exchangeable within each category, P(y in interval | category k)
/// >= 1 - alpha for every k (Vovk, Gammerman and Shafer 2005, ch. 4), where split
/// conformal only bounds the average over categories: pooled calibration under-covers a
/// category whose errors are larger than the rest's. The price is fewer calibration rows
/// per quantile. A category with n_k < (1 - alpha) / alpha calibration rows (or none) cannot
/// reach 1 - alpha from its own rows: `params.fallback` says what it gets, (-inf, +inf)
/// (`infinite`, the default, which keeps the guarantee) or the pooled quantile over every
/// category (`pooled`, finite but without the per-category guarantee).
///
/// Rows are observations: X is (n_samples, n_features), y and category have n_samples
/// entries. Thread safety: const member functions may run concurrently after `fit`.
/// @tparam R a ProbabilisticRegressor
template <ProbabilisticRegressor R>
class mondrian_conformal {
 public:
  /// @param model  the model, fitted on rows other than the calibration rows
  /// @param params score, sigma_floor (finite, >= 0), fallback
  /// @throws footprint::invalid_argument when sigma_floor is negative or not finite
  explicit mondrian_conformal(R model, mondrian_conformal_params params = {})
      : model_(std::move(model)), params_(params) {
    detail::require_non_negative(params_.sigma_floor, name, "sigma_floor");
  }

  /// Calibrates on held-out rows, one score list per category.
  /// @param X_cal    (n_cal, n_features) calibration rows, n_cal >= 1
  /// @param y_cal    (n_cal) outcomes, finite
  /// @param category (n_cal) each row's category, any int
  /// @return status `converged`, iterations = the number of categories, final_loss the mean score
  /// @throws footprint::not_fitted when the model is not fitted; footprint::dimension_mismatch
  ///         when y_cal.size() or category.size() differs from X_cal.rows();
  ///         footprint::invalid_argument on a non-finite y_cal, an empty X_cal or
  ///         (normalized) a sigma <= 0 after the floor
  fit_report fit(matrix_cref X_cal, vector_cref y_cal, std::span<const int> category) {
    const std::string where = detail::concat(name, "::fit");
    detail::conformal::check_calibration(model_, X_cal, y_cal, where);
    check_categories(where, category, X_cal.rows());
    vector mu;
    vector sigma;
    detail::conformal::location_scale(model_, X_cal, params_.score, params_.sigma_floor, mu, sigma, where);
    const index n = X_cal.rows();
    std::vector<std::pair<int, double>> rows(static_cast<std::size_t>(n));
    std::vector<double> pooled(static_cast<std::size_t>(n));
    double total = 0.0;
    for (index i = 0; i < n; ++i) {
      const double s = std::abs(y_cal[i] - mu[i]) / scale(sigma[i], i, where);
      rows[static_cast<std::size_t>(i)] = {category[static_cast<std::size_t>(i)], s};
      pooled[static_cast<std::size_t>(i)] = s;
      total += s;
    }
    std::sort(rows.begin(), rows.end());
    std::sort(pooled.begin(), pooled.end());
    std::vector<int> cats;
    std::vector<std::vector<double>> scores;
    for (const auto& [c, s] : rows) {
      if (cats.empty() || cats.back() != c) {
        cats.push_back(c);
        scores.emplace_back();
      }
      scores.back().push_back(s);  // sorted within the category: rows are sorted by (category, score)
    }
    categories_ = std::move(cats);
    scores_ = std::move(scores);
    pooled_ = std::move(pooled);
    n_features_ = X_cal.cols();
    fitted_ = true;
    return {fit_status::converged, static_cast<index>(categories_.size()), total / static_cast<double>(n), ""};
  }

  /// Intervals at miscoverage alpha, each with its category's quantile: (n_samples, 2),
  /// column 0 the lower and column 1 the upper bound, units of y; a category with too few
  /// calibration rows gets (-inf, +inf) or the pooled quantile's interval (`params.fallback`).
  /// @param X        (n_samples, n_features())
  /// @param category (n_samples) each row's category
  /// @param alpha    miscoverage level in (0, 1)
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when
  ///         category.size() != X.rows(); footprint::invalid_argument for alpha outside
  ///         (0, 1) or (normalized) a sigma <= 0 after the floor; whatever the model throws
  [[nodiscard]] matrix predict_interval(matrix_cref X, std::span<const int> category, double alpha) const {
    const std::string where = detail::concat(name, "::predict_interval");
    detail::require_fitted(fitted_, where);
    check_categories(where, category, X.rows());
    detail::conformal::check_alpha(alpha, where);
    vector mu;
    vector sigma;
    detail::conformal::location_scale(model_, X, params_.score, params_.sigma_floor, mu, sigma, where);
    matrix out(X.rows(), 2);
    for (index i = 0; i < X.rows(); ++i) {
      const double w = quantile(category[static_cast<std::size_t>(i)], alpha) * scale(sigma[i], i, where);
      out(i, 0) = mu[i] - w;
      out(i, 1) = mu[i] + w;
    }
    return out;
  }

  /// The calibration quantile of one category at miscoverage alpha, after the fallback:
  /// +inf (infinite fallback) or the pooled quantile when the category has too few rows.
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside (0, 1)
  [[nodiscard]] double score_quantile(int category, double alpha) const {
    const std::string where = detail::concat(name, "::score_quantile");
    detail::require_fitted(fitted_, where);
    detail::conformal::check_alpha(alpha, where);
    return quantile(category, alpha);
  }

  /// True when the category has too few calibration rows (or none) for alpha, so that it
  /// gets the fallback. @throws as score_quantile
  [[nodiscard]] bool uses_fallback(int category, double alpha) const {
    const std::string where = detail::concat(name, "::uses_fallback");
    detail::require_fitted(fitted_, where);
    detail::conformal::check_alpha(alpha, where);
    const std::vector<double>* s = find(category);
    return s == nullptr ||
           detail::conformal::rank(static_cast<index>(s->size()), alpha) > static_cast<index>(s->size());
  }

  /// Calibration rows of a category (0 for a category not seen, or before fit).
  [[nodiscard]] index n_calibration(int category) const noexcept {
    const std::vector<double>* s = find(category);
    return s == nullptr ? 0 : static_cast<index>(s->size());
  }
  /// The categories seen in calibration, sorted (empty before fit).
  [[nodiscard]] const std::vector<int>& categories() const noexcept { return categories_; }
  /// True after a successful fit (calibration).
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Columns of the calibration rows (0 before fit).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The parameters.
  [[nodiscard]] const mondrian_conformal_params& params() const noexcept { return params_; }
  /// The model.
  [[nodiscard]] const R& model() const noexcept { return model_; }

 private:
  static constexpr const char* name = "footprint::mondrian_conformal";

  static void check_categories(const std::string& where, std::span<const int> category, index rows) {
    if (static_cast<index>(category.size()) != rows) {
      throw dimension_mismatch(where, "category.size() must equal X.rows()", rows, static_cast<index>(category.size()));
    }
  }

  [[nodiscard]] double scale(double sigma, index i, std::string_view where) const {
    if (params_.score == conformal_score::absolute) return 1.0;
    return detail::conformal::scale(sigma, params_.sigma_floor, i, where);
  }

  /// The sorted scores of a category, or nullptr for a category not seen.
  [[nodiscard]] const std::vector<double>* find(int category) const noexcept {
    const auto it = std::lower_bound(categories_.begin(), categories_.end(), category);
    if (it == categories_.end() || *it != category) return nullptr;
    return &scores_[static_cast<std::size_t>(it - categories_.begin())];
  }

  /// Q_k, or the fallback (alpha already checked).
  [[nodiscard]] double quantile(int category, double alpha) const noexcept {
    const std::vector<double>* s = find(category);
    if (s != nullptr && detail::conformal::rank(static_cast<index>(s->size()), alpha) <= static_cast<index>(s->size()))
      return detail::conformal::sorted_quantile(*s, alpha);
    return params_.fallback == mondrian_fallback::pooled ? detail::conformal::sorted_quantile(pooled_, alpha)
                                                         : detail::conformal::inf;
  }

  R model_;
  mondrian_conformal_params params_;
  std::vector<int> categories_;              ///< sorted, distinct
  std::vector<std::vector<double>> scores_;  ///< per category, sorted
  std::vector<double> pooled_;               ///< every calibration score, sorted
  index n_features_ = 0;
  bool fitted_ = false;
};

}  // namespace footprint
