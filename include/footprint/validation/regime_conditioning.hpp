/// @file validation/regime_conditioning.hpp
/// @brief `regime_conditioning_test`: does conditioning on a market regime improve held-out
/// probabilistic forecasts? A paired comparison of the CRPS of a Bayesian linear model
/// without and with the regime (one-hot columns), a permutation test against shuffled regime
/// labels, and the per-regime coverage of Mondrian against pooled split-conformal intervals.
/// `label_regimes` (models/clustering/regime_labels.hpp) gives the regime labels. See
/// docs/monitoring.md, "Regimes: does conditioning on them help?".
///
/// Includes Eigen/Dense and Boost.Math's normal and Student-t (through bayesian_linear).
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/mondrian_conformal.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// How `regime_conditioning_test` draws the labels of its null distribution.
enum class regime_shuffle : std::uint8_t {
  /// A uniform permutation of the labels within each part (training, test), independently:
  /// the exchangeable null. The default.
  within_parts,
  /// A rotation of each part's label sequence by a uniform random offset: keeps the
  /// regimes' run lengths (their persistence), so that a persistent label must beat
  /// persistent noise, not only iid noise (a cyclic-shift test for serially dependent
  /// labels; see docs/monitoring.md).
  circular_shift,
};

/// Name of a shuffle, e.g. "within_parts".
[[nodiscard]] constexpr std::string_view to_string(regime_shuffle s) noexcept {
  return s == regime_shuffle::within_parts ? "within_parts" : "circular_shift";
}

/// Parameters of `regime_conditioning_test`, validated by it.
struct regime_conditioning_params {
  /// Shuffles of the regime labels for the permutation p-value, >= 0 (0: no permutation
  /// test, the p-value is NaN).
  index n_permutations = 1000;
  std::uint64_t seed = 0;  ///< seed of the shuffles (footprint's xoshiro256**; stream r for shuffle r)
  regime_shuffle shuffle = regime_shuffle::within_parts;  ///< how the null's labels are drawn
  double confidence = 0.95;  ///< level of the confidence intervals of the mean difference, in (0, 1)
  double alpha = 0.1;        ///< miscoverage of the conformal intervals, in (0, 1): 0.1 for 90% intervals
  /// Share of the training rows (the last ones, in time order) that calibrate the conformal
  /// intervals; the model behind them is fitted on the rows before. In (0, 1).
  double calibration_fraction = 0.3;
  /// Standardize the columns of X by the training rows' mean and standard deviation before
  /// fitting (the evidence prior shares one weight precision across columns). A column
  /// constant in training is only centred.
  bool standardize = true;
  bayesian_linear_params model{};  ///< the base model's hyper-parameters (default: BayesianRidge's)
};

/// One regime's share of a `regime_conditioning_test`: its rows, its test rows' CRPS, and
/// the conformal intervals on its test rows.
struct regime_conditioning_regime {
  int regime = 0;                  ///< the label, in [0, n_regimes)
  index n_train = 0;               ///< training rows with this label
  index n_calibration = 0;         ///< of which conformal calibration rows
  index n_test = 0;                ///< test rows with this label
  double mean_crps_without = nan;  ///< mean CRPS of its test rows, base model, units of y (NaN: no test row)
  double mean_crps_with = nan;     ///< mean CRPS of its test rows, model with the regime, units of y
  double coverage_mondrian = nan;  ///< share of its test rows inside the Mondrian interval, [0, 1]
  double coverage_pooled = nan;    ///< share of its test rows inside the pooled interval, [0, 1]
  double width_mondrian = nan;     ///< the Mondrian interval's width, units of y (+inf: fallback)
  double width_pooled = nan;       ///< the pooled interval's width, units of y
  /// True when the regime has too few calibration rows for alpha (fewer than (1 - alpha) /
  /// alpha): its Mondrian interval is (-inf, +inf) (mondrian_fallback::infinite).
  bool mondrian_fallback = false;
};

/// What `regime_conditioning_test` measured. Differences are "without minus with": positive
/// means the regime lowered the CRPS (helped).
struct regime_conditioning_result {
  index n_train = 0;               ///< training rows
  index n_test = 0;                ///< test rows
  index n_regimes = 0;             ///< K, labels in [0, K)
  index n_features = 0;            ///< columns of X (the base model's features)
  double mean_crps_without = nan;  ///< mean CRPS over the test rows, base model, units of y
  double mean_crps_with = nan;     ///< mean CRPS over the test rows, with the regime's one-hot columns, units of y
  double mean_difference = nan;    ///< mean of d_i = crps_without_i - crps_with_i, units of y; > 0: regimes help
  /// Standard error of the mean difference, sd(d) / sqrt(n_test), treating test rows as
  /// independent (the paired t-test's). Units of y.
  double standard_error = nan;
  double t_statistic = nan;  ///< mean_difference / standard_error
  double ci_low = nan;       ///< confidence interval of the mean difference, paired t with n_test - 1 df
  double ci_high = nan;      ///< upper end of that interval
  /// Newey-West (Bartlett kernel) standard error of the mean difference, with `hac_lag`
  /// lags: robust to autocorrelated d_i, as in the Diebold-Mariano test (Diebold and
  /// Mariano 1995; Newey and West 1987). Units of y.
  double standard_error_hac = nan;
  index hac_lag = 0;         ///< floor(4 (n_test / 100)^(2/9)) (Newey and West 1994's rule)
  double ci_low_hac = nan;   ///< normal confidence interval with standard_error_hac
  double ci_high_hac = nan;  ///< upper end of that interval
  double confidence = nan;   ///< level of both intervals
  index n_permutations = 0;  ///< shuffles run
  index n_at_least = 0;      ///< shuffles whose mean difference >= mean_difference
  /// (1 + n_at_least) / (1 + n_permutations), in (0, 1]; NaN when n_permutations = 0.
  double p_value = nan;
  double null_mean = nan;                           ///< mean of the shuffled mean differences, units of y
  double null_sd = nan;                             ///< their standard deviation
  double null_q95 = nan;                            ///< their 95% quantile (sorted, the ceil(0.95 n)-th)
  std::vector<double> null_differences;             ///< the n_permutations shuffled mean differences, in shuffle order
  vector crps_without;                              ///< (n_test) CRPS of each test row, base model
  vector crps_with;                                 ///< (n_test) CRPS of each test row, with the regime
  double alpha = nan;                               ///< the conformal intervals' miscoverage
  index n_calibration = 0;                          ///< conformal calibration rows (the last of the training rows)
  double coverage_mondrian = nan;                   ///< share of all test rows inside their Mondrian interval
  double coverage_pooled = nan;                     ///< share of all test rows inside the pooled interval
  std::vector<regime_conditioning_regime> regimes;  ///< one per label 0..K-1
};

namespace detail::regimes {

inline constexpr const char* test_name = "footprint::regime_conditioning_test";

inline void check_labels(std::span<const int> labels, index rows, index k, const char* what) {
  if (static_cast<index>(labels.size()) != rows) {
    throw dimension_mismatch(test_name, concat(what, ".size() must equal the rows of its X"), rows,
                             static_cast<index>(labels.size()));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= k) {
      throw invalid_argument(
          concat(test_name, ": ", what, " must be in [0, n_regimes = ", k, "); row ", i, " is ", labels[i]));
    }
  }
}

/// The design: the base columns (standardized by `centre` and `scale`), then with k > 1 the
/// one-hot columns of labels 1..k-1 (label 0 is the reference: the intercept is its level).
inline matrix design(const matrix_cref& X, const vector& centre, const vector& scale, std::span<const int> labels,
                     index k) {
  const index p = X.cols();
  matrix D = matrix::Zero(X.rows(), p + (k > 1 ? k - 1 : 0));
  for (index j = 0; j < p; ++j) D.col(j) = (X.col(j).array() - centre[j]) / scale[j];
  if (k > 1) {
    for (index i = 0; i < X.rows(); ++i) {
      const int c = labels[static_cast<std::size_t>(i)];
      if (c > 0) D(i, p + c - 1) = 1.0;
    }
  }
  return D;
}

/// CRPS per row of a fitted model's predictive distributions.
template <class = void>
vector crps_rows(const bayesian_linear& m, const matrix& D, const vector_cref& y) {
  const std::vector<location_scale_t> dist = m.predict_distribution(D);
  vector out(y.size());
  for (index i = 0; i < y.size(); ++i) out[i] = crps(dist[static_cast<std::size_t>(i)], y[i]);
  return out;
}

/// Fits the model with the regime columns and returns the test rows' CRPS.
template <class = void>
vector crps_with_regime(const bayesian_linear_params& mp, const matrix_cref& X_train, const vector_cref& y_train,
                        std::span<const int> l_train, const matrix_cref& X_test, const vector_cref& y_test,
                        std::span<const int> l_test, index k, const vector& centre, const vector& scale) {
  bayesian_linear m(mp);
  (void)m.fit(design(X_train, centre, scale, l_train, k), y_train);
  return crps_rows(m, design(X_test, centre, scale, l_test, k), y_test);
}

}  // namespace detail::regimes

/// Does conditioning on a regime label improve held-out probabilistic forecasts?
///
/// 1. **Models.** A `bayesian_linear` (params.model; evidence mode by default, Gaussian
///    predictive) is fitted on the training rows twice: on X alone ("without"), and on X
///    plus K - 1 one-hot columns of the regime ("with"; label 0 is the reference level,
///    absorbed by the intercept, so the design is not collinear). The regime thus shifts the
///    forecast's mean; the predictive spread stays one per model. With `params.standardize`
///    the columns of X are standardized by the training rows' mean and standard deviation
///    (the one-hot columns stay 0/1).
/// 2. **Paired test.** On each test row i, CRPS_i of both predictive distributions (closed
///    form, Gneiting and Raftery 2007); d_i = CRPS_without_i - CRPS_with_i. Reported: both
///    means, mean(d), its standard error sd(d)/sqrt(n) with the paired-t confidence interval
///    (n - 1 degrees of freedom), and a Newey-West standard error and normal interval, which
///    stay honest when the d_i are autocorrelated, as time-ordered forecast errors are (the
///    Diebold-Mariano test; Diebold and Mariano 1995).
/// 3. **Permutation test** of H0 "the labels carry no information about y beyond X": the
///    labels are shuffled **within each part** (the training labels among the training rows,
///    the test labels among the test rows, independently), the "with" model refitted and
///    mean(d) recomputed, n_permutations times; p = (1 + #{shuffled >= observed}) / (1 +
///    n_permutations) (Phipson and Smyth 2010). Shuffling within each part keeps each
///    part's regime frequencies (a test period more volatile than the training period keeps
///    its share of volatile rows) and only breaks the link between a row and its label; the
///    null distribution also carries the cost of estimating K - 1 more coefficients, so a
///    regime must beat noise columns, not only zero. Shuffle r draws from xoshiro256**
///    stream (seed, r): same seed, same p-value. Regimes persist in time and shuffled labels
///    do not, so the shuffled null is too easy to beat when y drifts slowly (any persistent
///    label then captures some of the drift): `regime_shuffle::circular_shift` rotates each
///    part's labels instead, keeping their run lengths.
/// 4. **Mondrian conformal.** The base model is refitted on the training rows before the
///    last `calibration_fraction` of them; those last rows calibrate two split-conformal
///    intervals at miscoverage alpha with the absolute score |y - mu(x)|: one quantile per
///    regime (`mondrian_conformal`, fallback infinite) and one quantile over all rows (the
///    same class with a single category). Reported per regime: the coverage and width on
///    its test rows. The per-regime guarantee (Vovk, Gammerman and Shafer 2005, ch. 4) needs
///    rows exchangeable within the regime, which time order only approximates.
///
/// Rows are observations in time order: X_* is (n_*, n_features), y_* and regime_* have n_*
/// entries.
///
/// @param X_train      (n_train, n_features) training rows, finite, n_train >= n_regimes + 2
/// @param y_train      (n_train) outcomes, finite, in any units (bps for impact)
/// @param regime_train (n_train) labels in [0, n_regimes)
/// @param X_test       (n_test, n_features) test rows (after the training rows), finite, n_test >= 2
/// @param y_test       (n_test) outcomes, finite
/// @param regime_test  (n_test) labels in [0, n_regimes)
/// @param n_regimes    K >= 2
/// @param params       see regime_conditioning_params
/// @return the measurements (see regime_conditioning_result), no NaN except where documented
/// @throws footprint::dimension_mismatch when a y or a label vector's size differs from its
///         X's rows, or X_test.cols() != X_train.cols()
/// @throws footprint::invalid_argument for n_regimes < 2, a label outside [0, n_regimes), a
///         non-finite entry of X or y (naming its row and column), too few rows (n_train <
///         n_regimes + 2, n_test < 2, fewer than 2 fitting or calibration rows), or a
///         parameter out of range
/// @throws footprint::convergence_error from bayesian_linear (e.g. a constant y fitted exactly)
/// Complexity: (n_permutations + 3) fits, O(n_train (p + K)^2) each, and as many
/// predictions of the test rows.
template <class = void>
[[nodiscard]] regime_conditioning_result regime_conditioning_test(matrix_cref X_train, vector_cref y_train,
                                                                  std::span<const int> regime_train, matrix_cref X_test,
                                                                  vector_cref y_test, std::span<const int> regime_test,
                                                                  index n_regimes,
                                                                  const regime_conditioning_params& params = {}) {
  using detail::concat;
  const char* where = detail::regimes::test_name;
  if (n_regimes < 2) throw invalid_argument(concat(where, ": n_regimes must be >= 2 (got ", n_regimes, ")"));
  if (params.n_permutations < 0) {
    throw invalid_argument(concat(where, ": n_permutations must be >= 0 (got ", params.n_permutations, ")"));
  }
  detail::require_in(params.confidence, 0.0, 1.0, detail::bounds::open, where, "confidence");
  detail::require_in(params.alpha, 0.0, 1.0, detail::bounds::open, where, "alpha");
  detail::require_in(params.calibration_fraction, 0.0, 1.0, detail::bounds::open, where, "calibration_fraction");
  detail::check_X_y(concat(where, " (training rows)"), X_train, y_train, nullptr);
  detail::check_X_y(concat(where, " (test rows)"), X_test, y_test, nullptr);
  if (X_test.cols() != X_train.cols()) {
    throw dimension_mismatch(where, "X_test.cols() must equal X_train.cols()", X_train.cols(), X_test.cols());
  }
  detail::regimes::check_labels(regime_train, X_train.rows(), n_regimes, "regime_train");
  detail::regimes::check_labels(regime_test, X_test.rows(), n_regimes, "regime_test");
  const index n_train = X_train.rows();
  const index n_test = X_test.rows();
  const index p = X_train.cols();
  if (n_train < n_regimes + 2) {
    throw invalid_argument(
        concat(where, ": needs at least n_regimes + 2 = ", n_regimes + 2, " training rows (got ", n_train, ")"));
  }
  if (n_test < 2) throw invalid_argument(concat(where, ": needs at least 2 test rows (got ", n_test, ")"));
  const auto n_cal = static_cast<index>(std::floor(params.calibration_fraction * static_cast<double>(n_train)));
  const index n_fit = n_train - n_cal;
  if (n_cal < 2 || n_fit < 2) {
    throw invalid_argument(concat(where, ": calibration_fraction ", detail::format_number(params.calibration_fraction),
                                  " of ", n_train, " training rows leaves ", n_fit, " fitting and ", n_cal,
                                  " calibration rows (2 of each at least)"));
  }

  // Standardization by the training rows.
  vector centre = vector::Zero(p);
  vector scale = vector::Ones(p);
  if (params.standardize) {
    for (index j = 0; j < p; ++j) {
      centre[j] = X_train.col(j).mean();
      const double sd = std::sqrt((X_train.col(j).array() - centre[j]).square().mean());
      if (sd > 0.0 && std::isfinite(sd)) scale[j] = sd;
    }
  }

  regime_conditioning_result r;
  r.n_train = n_train;
  r.n_test = n_test;
  r.n_regimes = n_regimes;
  r.n_features = p;
  r.confidence = params.confidence;
  r.alpha = params.alpha;

  // 1-2. Without and with, and the paired differences.
  const std::vector<int> none_train(static_cast<std::size_t>(n_train), 0);
  const std::vector<int> none_test(static_cast<std::size_t>(n_test), 0);
  {
    bayesian_linear base(params.model);
    (void)base.fit(detail::regimes::design(X_train, centre, scale, none_train, 1), y_train);
    r.crps_without =
        detail::regimes::crps_rows(base, detail::regimes::design(X_test, centre, scale, none_test, 1), y_test);
  }
  r.crps_with = detail::regimes::crps_with_regime(params.model, X_train, y_train, regime_train, X_test, y_test,
                                                  regime_test, n_regimes, centre, scale);
  const vector d = r.crps_without - r.crps_with;
  const auto n = static_cast<double>(n_test);
  r.mean_crps_without = r.crps_without.mean();
  r.mean_crps_with = r.crps_with.mean();
  r.mean_difference = d.mean();
  const vector dc = d.array() - r.mean_difference;
  const double var = dc.squaredNorm() / (n - 1.0);
  r.standard_error = std::sqrt(var / n);
  r.t_statistic = r.standard_error > 0.0 ? r.mean_difference / r.standard_error : nan;
  const double upper = 0.5 + 0.5 * params.confidence;
  const double t_q = quantile(location_scale_t(n - 1.0, 0.0, 1.0), upper);
  r.ci_low = r.mean_difference - t_q * r.standard_error;
  r.ci_high = r.mean_difference + t_q * r.standard_error;
  // Newey-West: gamma_0 + 2 sum_l (1 - l/(L+1)) gamma_l, gamma_l = sum_t dc_t dc_{t-l} / n.
  r.hac_lag = std::min<index>(n_test - 1, static_cast<index>(std::floor(4.0 * std::pow(n / 100.0, 2.0 / 9.0))));
  double lrv = dc.squaredNorm() / n;
  for (index l = 1; l <= r.hac_lag; ++l) {
    const double g = dc.tail(n_test - l).dot(dc.head(n_test - l)) / n;
    lrv += 2.0 * (1.0 - static_cast<double>(l) / static_cast<double>(r.hac_lag + 1)) * g;
  }
  r.standard_error_hac = std::sqrt(std::max(lrv, 0.0) / n);
  const double z_q = quantile(location_scale_t(std::numeric_limits<double>::infinity(), 0.0, 1.0), upper);
  r.ci_low_hac = r.mean_difference - z_q * r.standard_error_hac;
  r.ci_high_hac = r.mean_difference + z_q * r.standard_error_hac;

  // 3. Permutations: shuffle the labels within each part, refit "with", recompute mean(d).
  r.n_permutations = params.n_permutations;
  if (params.n_permutations > 0) {
    std::vector<int> l_train(regime_train.begin(), regime_train.end());
    std::vector<int> l_test(regime_test.begin(), regime_test.end());
    r.null_differences.reserve(static_cast<std::size_t>(params.n_permutations));
    for (index s = 0; s < params.n_permutations; ++s) {
      detail::xoshiro256ss rng(params.seed, static_cast<std::uint64_t>(s));
      std::copy(regime_train.begin(), regime_train.end(), l_train.begin());
      std::copy(regime_test.begin(), regime_test.end(), l_test.begin());
      if (params.shuffle == regime_shuffle::within_parts) {
        rng.shuffle(std::span<int>(l_train));
        rng.shuffle(std::span<int>(l_test));
      } else {
        const auto a = static_cast<std::ptrdiff_t>(rng.below(l_train.size()));
        const auto b = static_cast<std::ptrdiff_t>(rng.below(l_test.size()));
        std::rotate(l_train.begin(), l_train.begin() + a, l_train.end());
        std::rotate(l_test.begin(), l_test.begin() + b, l_test.end());
      }
      const vector with = detail::regimes::crps_with_regime(params.model, X_train, y_train, l_train, X_test, y_test,
                                                            l_test, n_regimes, centre, scale);
      const double diff = (r.crps_without - with).mean();
      r.null_differences.push_back(diff);
      if (diff >= r.mean_difference) ++r.n_at_least;
    }
    r.p_value = static_cast<double>(1 + r.n_at_least) / static_cast<double>(1 + r.n_permutations);
    const double m =
        std::accumulate(r.null_differences.begin(), r.null_differences.end(), 0.0) / double(r.n_permutations);
    double ss = 0.0;
    for (double v : r.null_differences) ss += (v - m) * (v - m);
    r.null_mean = m;
    r.null_sd = r.n_permutations > 1 ? std::sqrt(ss / static_cast<double>(r.n_permutations - 1)) : 0.0;
    std::vector<double> sorted = r.null_differences;
    std::sort(sorted.begin(), sorted.end());
    const auto q = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(sorted.size())));
    r.null_q95 = sorted[std::max<std::size_t>(q, 1) - 1];
  }

  // 4. Mondrian against pooled split conformal: fit on the first n_fit training rows,
  // calibrate on the last n_cal.
  r.n_calibration = n_cal;
  const matrix D_fit = detail::regimes::design(X_train.topRows(n_fit), centre, scale, none_train, 1);
  const matrix D_cal = detail::regimes::design(X_train.bottomRows(n_cal), centre, scale, none_train, 1);
  const matrix D_test = detail::regimes::design(X_test, centre, scale, none_test, 1);
  bayesian_linear proper(params.model);
  (void)proper.fit(D_fit, y_train.head(n_fit));
  mondrian_conformal<bayesian_linear> mondrian(proper);
  mondrian_conformal<bayesian_linear> pooled(proper);
  const std::span<const int> cal_labels = regime_train.subspan(static_cast<std::size_t>(n_fit));
  (void)mondrian.fit(D_cal, y_train.tail(n_cal), cal_labels);
  (void)pooled.fit(D_cal, y_train.tail(n_cal),
                   std::span<const int>(none_train.data(), static_cast<std::size_t>(n_cal)));
  const matrix iv_m = mondrian.predict_interval(D_test, regime_test, params.alpha);
  const matrix iv_p = pooled.predict_interval(D_test, none_test, params.alpha);

  r.regimes.resize(static_cast<std::size_t>(n_regimes));
  std::vector<index> in_m(static_cast<std::size_t>(n_regimes), 0), in_p(static_cast<std::size_t>(n_regimes), 0);
  std::vector<double> sum_without(static_cast<std::size_t>(n_regimes), 0.0);
  std::vector<double> sum_with(static_cast<std::size_t>(n_regimes), 0.0);
  for (index k = 0; k < n_regimes; ++k) {
    regime_conditioning_regime& g = r.regimes[static_cast<std::size_t>(k)];
    g.regime = static_cast<int>(k);
    g.n_calibration = mondrian.n_calibration(static_cast<int>(k));
    g.mondrian_fallback = mondrian.uses_fallback(static_cast<int>(k), params.alpha);
    g.width_mondrian = 2.0 * mondrian.score_quantile(static_cast<int>(k), params.alpha);
    g.width_pooled = 2.0 * pooled.score_quantile(0, params.alpha);
  }
  for (int c : regime_train) ++r.regimes[static_cast<std::size_t>(c)].n_train;
  index all_m = 0;
  index all_p = 0;
  for (index i = 0; i < n_test; ++i) {
    const auto c = static_cast<std::size_t>(regime_test[static_cast<std::size_t>(i)]);
    ++r.regimes[c].n_test;
    const bool m_in = y_test[i] >= iv_m(i, 0) && y_test[i] <= iv_m(i, 1);
    const bool p_in = y_test[i] >= iv_p(i, 0) && y_test[i] <= iv_p(i, 1);
    in_m[c] += m_in;
    in_p[c] += p_in;
    all_m += m_in;
    all_p += p_in;
    sum_without[c] += r.crps_without[i];
    sum_with[c] += r.crps_with[i];
  }
  for (std::size_t k = 0; k < r.regimes.size(); ++k) {
    regime_conditioning_regime& g = r.regimes[k];
    if (g.n_test == 0) continue;
    const auto m = static_cast<double>(g.n_test);
    g.mean_crps_without = sum_without[k] / m;
    g.mean_crps_with = sum_with[k] / m;
    g.coverage_mondrian = static_cast<double>(in_m[k]) / m;
    g.coverage_pooled = static_cast<double>(in_p[k]) / m;
  }
  r.coverage_mondrian = static_cast<double>(all_m) / n;
  r.coverage_pooled = static_cast<double>(all_p) / n;
  return r;
}

}  // namespace footprint
