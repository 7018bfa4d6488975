/// @file pretrade/pretrade_backtest.hpp
/// @brief `pretrade_backtest`: would the pre-trade report have been right? A walk forward
/// over the data's metaorders (same-side runs of market orders, the labelled metaorder
/// proxies): at each fold the engine is fitted on the data known before the fold (with an
/// embargo), then, for every metaorder of the fold, it prices the child sequence that was
/// actually traded at that metaorder's arrival book and state, and the prediction is scored
/// against the realized implementation shortfall, beside three baselines fitted on the same
/// window (the square-root law alone, linear Almgren-Chriss alone, the engine without its
/// statistical model). Conformal intervals and probabilities use the normalized residuals of
/// the metaorders tested before. See docs/validation.md.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/data/observed_before.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/pretrade/backtest_result.hpp"
#include "footprint/pretrade/detail/backtest_scores.hpp"
#include "footprint/pretrade/pretrade_analysis.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_calibrator.hpp"
#include "footprint/validation/walk_forward.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `pretrade_backtest`.
struct pretrade_backtest_params {
  pretrade_params engine{};  ///< the engine's settings (as footprint-pretrade's)
  index folds = 5;           ///< walk-forward test blocks, >= 1
  /// Share of the metaorders before the first test block (training only), in (0, 1).
  double initial_fraction = 0.4;
  /// When set, the test blocks start at the first metaorder arriving at or after this time
  /// instead of after `initial_fraction` (e.g. the start of a later session: a model fitted
  /// on one day, scored on another).
  std::optional<std::chrono::nanoseconds> test_start;
  /// Time between the end of a fold's training data and its first metaorder; >= 0. Labels
  /// still running at the cutoff are not known (`observed_before`).
  std::chrono::nanoseconds embargo = std::chrono::seconds{60};
  index min_children = 2;  ///< metaorders with fewer market orders are not tested; >= 1
  /// The limit of P(cost > threshold), bps; NaN (the default): the median realized cost of
  /// the metaorders before the first test block (so that P is informative on any market).
  double threshold_bps = nan;
  double alpha = 0.1;  ///< 1 - the intervals' coverage, in (0, 1)
  /// Metaorders tested (and finished) before one, needed for its conformal interval; >= 1.
  index min_calibration = 30;
  index draws = 1000;       ///< the engine's Monte Carlo draws per metaorder, in [100, 1e7]
  std::uint64_t seed = 42;  ///< their seed
  /// Participation (quantity / the training window's daily volume) bucket edges, increasing.
  std::vector<double> size_edges{1e-5, 1e-4, 1e-3};
  std::chrono::nanoseconds volatility_interval = std::chrono::seconds{10};  ///< as the pipeline's; > 0
};

/// The backtest of the pre-trade engine with regressor R (see the file comment).
/// Deterministic: the same data and settings give the same result.
template <ProbabilisticRegressor R>
class pretrade_backtest {
 public:
  /// @param prototype the regressor, unfitted (copied for each fold)
  /// @param params folds, embargo, threshold, alpha, draws, size buckets
  /// @throws invalid_argument naming the setting out of range
  explicit pretrade_backtest(R prototype = R{}, pretrade_backtest_params params = {})
      : prototype_(std::move(prototype)), params_(std::move(params)) {
    constexpr std::string_view where = "footprint::pretrade_backtest";
    detail::require_at_least(params_.folds, 1, where, "folds");
    detail::require_in(params_.initial_fraction, 0.0, 1.0, detail::bounds::open, where, "initial_fraction");
    detail::require(params_.embargo.count() >= 0, where, "embargo", ">= 0",
                    static_cast<double>(params_.embargo.count()));
    detail::require_at_least(params_.min_children, 1, where, "min_children");
    detail::require(!std::isinf(params_.threshold_bps), where, "threshold_bps", "finite or NaN (automatic)",
                    params_.threshold_bps);
    detail::require_in(params_.alpha, 0.0, 1.0, detail::bounds::open, where, "alpha");
    detail::require_at_least(params_.min_calibration, 1, where, "min_calibration");
    detail::require(params_.draws >= 100 && params_.draws <= 10'000'000, where, "draws", "in [100, 1e7]",
                    static_cast<double>(params_.draws));
    for (std::size_t k = 0; k < params_.size_edges.size(); ++k)
      detail::require(params_.size_edges[k] > 0.0 && (k == 0 || params_.size_edges[k] > params_.size_edges[k - 1]),
                      where, "size_edges", "positive and increasing", params_.size_edges[k]);
    (void)pretrade_analysis<R>(prototype_, params_.engine);  // validates the engine's settings
  }

  [[nodiscard]] const pretrade_backtest_params& params() const noexcept { return params_; }

  /// Runs the walk forward on `r` (one instrument's history, in time order).
  /// @param r a pipeline result whose datasets kept their arrival books
  ///        (`arrival_book_levels` > 0), with the metaorders' `n_children`
  /// @return the tested metaorders, the folds and each method's scores
  /// @throws invalid_argument when the arrival books were not kept, the metaorders do not
  ///         match the orders, or there are fewer metaorders than folds + 1
  [[nodiscard]] backtest_result run(const impact_pipeline_result& r) const {
    constexpr std::string_view where = "footprint::pretrade_backtest::run";
    const impact_dataset& meta = r.metaorders;
    if (meta.arrival_books.cols() == 0 || r.orders.arrival_books.cols() == 0)
      throw invalid_argument(detail::concat(
          where, ": the datasets did not keep their arrival books (set arrival_book_levels > 0 when building them)"));
    const index children_col = meta.feature_column("n_children");
    const index nf = static_cast<index>(r.orders.X.cols()) - static_cast<index>(size_feature_names.size());
    // The first market order of each metaorder: they are consecutive runs of the orders.
    std::vector<index> first(static_cast<std::size_t>(meta.rows()) + 1, 0);
    for (index i = 0; i < meta.rows(); ++i)
      first[static_cast<std::size_t>(i) + 1] =
          first[static_cast<std::size_t>(i)] + static_cast<index>(meta.X(i, children_col));
    if (first.back() != r.orders.rows())
      throw invalid_argument(detail::concat(where, ": the metaorders hold ", first.back(),
                                            " market orders, the orders dataset ", r.orders.rows(),
                                            " (not built from the same orders)"));
    const index n = meta.rows();
    index initial = std::max<index>(1, static_cast<index>(params_.initial_fraction * static_cast<double>(n)));
    if (params_.test_start) {
      initial = static_cast<index>(std::lower_bound(meta.times.begin(), meta.times.end(), *params_.test_start) -
                                   meta.times.begin());
      if (initial == 0)
        throw invalid_argument(detail::concat(where, ": no metaorder arrives before test_start (",
                                              params_.test_start->count(), " ns) to train on"));
    }
    if (n - initial < params_.folds)
      throw invalid_argument(
          detail::concat(where, ": ", n, " metaorders leave ", n - initial, " to test in ", params_.folds, " folds"));
    const walk_forward splits(n, {.n_splits = params_.folds, .test_size = (n - initial) / params_.folds});

    const vector realized = meta.label("shortfall_bps");
    double threshold = params_.threshold_bps;
    if (std::isnan(threshold)) {
      std::vector<double> before;
      for (index i = 0; i < initial; ++i)
        if (std::isfinite(realized[i]) && meta.X(i, children_col) >= static_cast<double>(params_.min_children))
          before.push_back(realized[i]);
      if (before.empty())
        throw invalid_argument(detail::concat(where, ": no metaorder of at least min_children (", params_.min_children,
                                              ") market orders before the first test block has a realized cost, "
                                              "to set the threshold from (lower min_children, or give threshold_bps)"));
      std::nth_element(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(before.size() / 2), before.end());
      threshold = before[before.size() / 2];
    }
    backtest_result out;
    out.threshold_bps = threshold;
    out.alpha = params_.alpha;
    out.size_edges = params_.size_edges;
    std::vector<std::chrono::nanoseconds> ends;  // each tested metaorder's end, for the conformal step
    for (const cv_split& s : splits) {
      backtest_fold fold;
      fold.fold = s.id;
      fold.cutoff = meta.times[static_cast<std::size_t>(s.test.front())] - params_.embargo;
      out.candidates += static_cast<index>(s.test.size());
      const std::optional<window> w = fit_window(r, fold, threshold);
      for (const index i : s.test) {
        const auto ui = static_cast<std::size_t>(i);
        const index nc = static_cast<index>(meta.X(i, children_col));
        if (nc < params_.min_children) {
          ++out.skipped_small;
          continue;
        }
        price_level_book book = meta.arrival_book(i);
        if (!std::isfinite(realized[i]) || book.bid_levels() == 0 || book.ask_levels() == 0) {
          ++out.skipped_unlabelled;
          continue;
        }
        if (!w) continue;  // the fold could not be fitted: counted in its message
        backtest_metaorder m;
        m.row = i;
        m.fold = s.id;
        m.time = meta.times[ui];
        m.side = meta.side[ui];
        m.quantity = meta.quantity[i];
        m.participation = m.quantity / w->daily_volume;
        m.children = nc;
        m.duration_seconds = std::chrono::duration<double>(meta.durations[ui]).count();
        m.realized_bps = realized[i];
        vector times(nc), quantities(nc);
        for (index k = 0; k < nc; ++k) {
          const index o = first[ui] + k;
          times[k] = std::chrono::duration<double>(r.orders.times[static_cast<std::size_t>(o)] - m.time).count();
          quantities[k] = r.orders.quantity[o];
        }
        market_state at;
        at.time = m.time;
        at.mid = meta.arrival_mid[i];
        at.spread = book.ask_price(0) - book.bid_price(0);
        at.bid_depth = book.bid_quantity(0);
        at.ask_depth = book.ask_quantity(0);
        at.volatility = w->volatility;
        at.volume_rate = w->volume_rate;
        at.features = meta.X.row(i).head(nf).transpose();
        predict(*w, book, at, m, times, quantities);
        out.metaorders.push_back(std::move(m));
        ends.push_back(meta.times[ui] + meta.durations[ui]);
        ++fold.tested;
      }
      out.folds.push_back(std::move(fold));
    }

    // Conformal, walk-forward: each metaorder's interval and P from the normalized residuals
    // of the metaorders tested before it that had finished by its arrival (split conformal
    // with the normalized score and the split conformal predictive system:
    // `conformal_calibrator`).
    std::vector<double> ys, mus, sds;
    for (std::size_t m = 0; m < backtest_methods; ++m) {
      for (std::size_t j = 0; j < out.metaorders.size(); ++j) {
        backtest_prediction& p = out.metaorders[j].predictions[m];
        ys.clear();
        mus.clear();
        sds.clear();
        for (std::size_t i = 0; i < j; ++i) {
          if (ends[i] > out.metaorders[j].time) continue;
          ys.push_back(out.metaorders[i].realized_bps);
          mus.push_back(out.metaorders[i].predictions[m].mean_bps);
          sds.push_back(out.metaorders[i].predictions[m].std_bps);
        }
        if (static_cast<index>(ys.size()) < params_.min_calibration) continue;
        const auto view = [](const std::vector<double>& v) {
          return Eigen::Map<const vector>(v.data(), static_cast<index>(v.size()));
        };
        conformal_calibrator cal({.score = conformal_score::normalized});
        (void)cal.fit(view(ys), view(mus), view(sds));
        const auto [low, high] = cal.predict_interval_row(p.mean_bps, p.std_bps, params_.alpha);
        if (std::isfinite(low) && std::isfinite(high)) {
          p.conformal_low = low;
          p.conformal_high = high;
        }
        p.conformal_exceedance = cal.exceedance_probability_row(p.mean_bps, p.std_bps, threshold);
      }
      out.methods[m] = detail::score_method(out.metaorders, m, threshold, params_.size_edges);
    }
    for (const backtest_metaorder& o : out.metaorders) {
      const backtest_prediction& p = o.predictions[0];
      out.engine_scores.push_back((o.realized_bps - p.mean_bps) / p.std_bps);
    }
    return out;
  }

 private:
  // One fold's fitted methods.
  struct window {
    pretrade_analysis<R> engine;
    double daily_volume, daily_volatility, volatility, volume_rate, threshold_bps;
    double root_y, root_std;                      // square-root law: Y and the residual sd, bps
    double ac_gamma, ac_eta, ac_epsilon, ac_std;  // Almgren-Chriss, quote currency per share; sd in bps
  };

  // Fits every method on the data known at fold.cutoff; nullopt (and the fold's message) when
  // one cannot be fitted.
  [[nodiscard]] std::optional<window> fit_window(const impact_pipeline_result& r, backtest_fold& fold,
                                                 double threshold) const {
    try {
      const impact_pipeline_result train = observed_before(r, fold.cutoff, params_.volatility_interval);
      fold.train_orders = static_cast<index>(train.orders.complete_rows("shortfall_bps").size());
      fold.train_metaorders = static_cast<index>(train.metaorders.complete_rows("shortfall_bps").size());
      fold.daily_volume = train.orders.daily_volume;
      window w{pretrade_analysis<R>(prototype_, params_.engine),
               train.orders.daily_volume,
               nan,
               train.state.volatility,
               train.state.volume_rate,
               threshold,
               nan,
               nan,
               nan,
               nan,
               nan,
               nan};
      w.engine.fit(train);
      w.daily_volatility = w.engine.impact().daily_volatility;
      // The square-root law through the origin on the window's metaorders: y = Y x,
      // x = 1e4 sigma_d sqrt(Q / V).
      const impact_dataset& d = train.metaorders;
      const vector y = d.label("shortfall_bps");
      double sxy = 0.0, sxx = 0.0;
      std::vector<std::pair<double, double>> xy;
      for (index i = 0; i < d.rows(); ++i) {
        if (!std::isfinite(y[i])) continue;
        const double x = 1e4 * w.daily_volatility * std::sqrt(d.quantity[i] / w.daily_volume);
        xy.emplace_back(x, y[i]);
        sxy += x * y[i];
        sxx += x * x;
      }
      if (xy.size() < 3 || !(sxx > 0.0))
        throw invalid_argument(
            detail::concat(xy.size(), " metaorders with a known cost (the square-root law needs 3)"));
      w.root_y = sxy / sxx;
      double ss = 0.0;
      for (const auto& [x, v] : xy) ss += (v - w.root_y * x) * (v - w.root_y * x);
      w.root_std = std::sqrt(ss / static_cast<double>(xy.size() - 1));
      // Linear Almgren-Chriss on the same metaorders, at the engine's permanent horizon.
      dataset_observation_params op;
      op.horizon = w.engine.permanent_horizon();
      const dataset_observations obs = to_impact_observations(d, op);
      almgren_chriss_calibration ac;
      (void)ac.fit(obs.observations);
      w.ac_gamma = ac.gamma().value;
      w.ac_eta = ac.eta().value;
      w.ac_epsilon = ac.epsilon().value;
      ss = 0.0;
      index k = 0;
      for (index i = 0; i < d.rows(); ++i) {
        if (!std::isfinite(y[i])) continue;
        const double e =
            y[i] - almgren_chriss_bps(w, d.quantity[i],
                                      std::chrono::duration<double>(d.durations[static_cast<std::size_t>(i)]).count(),
                                      d.arrival_mid[i]);
        ss += e * e;
        ++k;
      }
      w.ac_std = std::sqrt(ss / static_cast<double>(std::max<index>(k - 1, 1)));
      if (!(w.root_std > 0.0) || !(w.ac_std > 0.0)) throw invalid_argument("a baseline's residual spread is 0");
      return w;
    } catch (const invalid_argument& e) {
      fold.message = e.what();
      return std::nullopt;
    }
  }

  // Almgren-Chriss's shortfall of Q over T (continuous limit, as the calibration reads it):
  // epsilon + eta Q / T + gamma Q per unit, in bps of the arrival mid; no eta term when T = 0.
  [[nodiscard]] static double almgren_chriss_bps(const window& w, double q, double t, double mid) {
    const double per_unit = w.ac_epsilon + (t > 0.0 ? w.ac_eta * q / t : 0.0) + w.ac_gamma * q;
    return 1e4 * per_unit / mid;
  }

  void predict(const window& w, const price_level_book& book, const market_state& at, backtest_metaorder& m,
               const vector& times, const vector& quantities) const {
    const double t = w.threshold_bps;
    const schedule_forecast_params fp{
        .threshold_bps = t, .draws = params_.draws, .seed = params_.seed, .keep_draws = true};
    const auto idx = [](backtest_method k) { return static_cast<std::size_t>(k); };
    const schedule_forecast engine = w.engine.forecast_at(book, at, m.side, times, quantities, fp, true);
    m.predictions[idx(backtest_method::engine)] = detail::prediction_from_draws(engine.draws, m.realized_bps, t);
    const schedule_forecast structural = w.engine.forecast_at(book, at, m.side, times, quantities, fp, false);
    m.predictions[idx(backtest_method::structural_only)] =
        detail::prediction_from_draws(structural.draws, m.realized_bps, t);
    const double root = w.root_y * 1e4 * w.daily_volatility * std::sqrt(m.quantity / w.daily_volume);
    m.predictions[idx(backtest_method::square_root)] =
        detail::prediction_from_normal(root, w.root_std, m.realized_bps, t);
    const double ac = almgren_chriss_bps(w, m.quantity, m.duration_seconds, at.mid);
    m.predictions[idx(backtest_method::almgren_chriss)] =
        detail::prediction_from_normal(ac, w.ac_std, m.realized_bps, t);
  }

  R prototype_;
  pretrade_backtest_params params_;
};

}  // namespace footprint
