/// @file pretrade/pretrade_analysis.hpp
/// @brief The pre-trade analysis as a library object: fitted once on a market's data, it
/// answers "if I buy or sell Q over horizon T now, what will it cost, how likely is it to
/// exceed my limit, and how should I slice it?" with a `pretrade_report` (numbers only, no
/// printing) for seven execution strategies. footprint-pretrade is this object plus a command
/// line and formatting. See docs/pretrade.md.
///
/// What `fit` calibrates, from one `impact_pipeline_result`:
/// - the statistical model of one market order's cost (`regression_impact_model<R>`, any
///   `ProbabilisticRegressor`), on the labelled orders;
/// - the transient-impact kernel, on the tape (`fit_propagator`: Bouchaud et al. 2004;
///   Busseti and Lillo 2012), G0 set to 0 (and said) when the data cannot measure it;
/// - the permanent impact, a square-root law on the metaorders (Toth et al. 2011), shrunk
///   toward its literature prior (`shrink_to_prior`), the prior alone when it cannot be fitted;
/// - the intraday volume profile of the tape, for the balanced strategy.
///
/// What `report` prices: each strategy's children with `forecast_schedule` (the book walk of
/// each child at arrival, the undecayed transient impact of the earlier ones, the permanent
/// impact of what is done, parameter and model uncertainty and price risk). The statistical
/// model enters as a correction to the book walk measured where it was trained: at the
/// median training order size q_ref, b = E[model cost of q_ref at arrival] - walk(q_ref),
/// floored at minus the half spread so that no market order is priced below zero. Size
/// therefore extrapolates through the book, not through a tree's last leaf; b carries what
/// the book cannot see (hidden liquidity, adverse selection, the state's effect on cost). Its
/// spread per schedule is the model's predictive sd at q_ref times sqrt(sum_j w_j^2) (w_j the
/// children's shares: the children's own noise, independent between children).
#pragma once

#include "footprint/book/book_walk.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/concepts.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/schedule_forecast.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/impact/impact_prior.hpp"
#include "footprint/impact/propagator_fit.hpp"
#include "footprint/impact/regression_impact_model.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/instrument.hpp"
#include "footprint/pretrade/detail/almgren_chriss_trajectory.hpp"
#include "footprint/pretrade/guardrails.hpp"
#include "footprint/pretrade/pretrade_report.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace footprint {

/// The pre-trade analysis: a statistical model of one market order's cost, the transient
/// kernel, the permanent law and the arrival book, fitted on one market's data; `report`
/// prices an order's strategies. See the file comment.
/// Thread safety: `report` is const and safe to call concurrently when R's predict is.
template <ProbabilisticRegressor R>
class pretrade_analysis {
 public:
  /// An unfitted analysis with a default-constructed regressor and default settings.
  pretrade_analysis() : pretrade_analysis(R{}) {}
  /// An unfitted analysis with default settings. @throws as the constructor below
  explicit pretrade_analysis(R regressor) : model_(std::move(regressor)) { check_params(); }
  /// An unfitted analysis. @throws invalid_argument for a setting out of range
  pretrade_analysis(R regressor, const pretrade_params& params) : model_(std::move(regressor)), params_(params) {
    check_params();
  }

 private:
  void check_params() const {
    constexpr std::string_view where = "footprint::pretrade_analysis";
    detail::require_positive(params_.child_interval_seconds, where, "child_interval_seconds");
    detail::require_at_least(params_.max_children, 2, where, "max_children");
    detail::require_at_least(params_.min_metaorders, 3, where, "min_metaorders");
    detail::require_positive(params_.profile_bin_seconds, where, "profile_bin_seconds");
    for (const double p : params_.pov_rates)
      detail::require_in(p, 0.0, 1.0, detail::bounds::open_closed, where, "pov_rates");
    if (params_.permanent_horizons.empty())
      throw invalid_argument(detail::concat(where, ": permanent_horizons is empty"));
    // forecast_schedule's range, checked here so that a saved analysis refuses it at load
    detail::require(params_.draws >= 100 && params_.draws <= 10'000'000, where, "draws", "in [100, 1e7]",
                    static_cast<double>(params_.draws));
  }

 public:
  /// Fits the statistical model, the transient kernel and the permanent law on `r`, and keeps
  /// its instrument, arrival book and state, daily volume and volume profile.
  /// @throws invalid_argument when the data ends without a two-sided book, a positive mid or
  ///         volatility, or has too few labelled orders (as `regression_impact_model::fit`)
  template <class = void>
  void fit(const impact_pipeline_result& r) {
    constexpr std::string_view where = "footprint::pretrade_analysis::fit";
    if (!(r.state.mid > 0.0) || !(r.state.volatility > 0.0) || !std::isfinite(r.state.volatility))
      throw invalid_argument(detail::concat(where, ": the data ends without a positive mid and volatility (mid ",
                                            r.state.mid, ", volatility ", r.state.volatility, ")"));
    if (r.book.bid_levels() == 0 || r.book.ask_levels() == 0)
      throw invalid_argument(detail::concat(where, ": the data ends without a two-sided book"));
    r.instrument.validate(where);
    instrument_ = r.instrument;
    state_ = r.state;
    book_ = r.book;
    daily_volume_ = r.orders.daily_volume;
    session_seconds_ = r.orders.session_seconds;
    span_seconds_ = r.summary.span_seconds;
    detail::require_positive(daily_volume_, where, "daily_volume");
    detail::require_positive(session_seconds_, where, "session_seconds");

    // 1. The statistical model of one market order, and the median order it saw.
    (void)model_.fit(r.orders, params_.model);
    std::vector<double> q;
    const index label = r.orders.label_column(params_.model.label);
    for (index i = 0; i < r.orders.rows(); ++i)
      if (std::isfinite(r.orders.labels(i, label))) q.push_back(r.orders.quantity[i]);
    std::nth_element(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(q.size() / 2), q.end());
    reference_quantity_ = q[q.size() / 2];

    // 2. The transient kernel, on the tape.
    impact_ = schedule_impact_model{};
    impact_.daily_volume = daily_volume_;
    impact_.daily_volatility = state_.volatility * std::sqrt(session_seconds_);
    impact_.volatility = state_.volatility;
    kernel_message_.clear();
    try {
      kernel_ = fit_propagator(r.tape, daily_volume_, params_.kernel);
      impact_.transient = kernel_->model.params();
      impact_.transient.g_inf = 0.0;
      impact_.g0_std_error = std::isfinite(kernel_->g0.std_error) ? kernel_->g0.std_error : 0.0;
      impact_.scale_std_error = std::isfinite(kernel_->scale.std_error) ? kernel_->scale.std_error : 0.0;
      kernel_message_ = kernel_->report.message;
    } catch (const invalid_argument& e) {  // too little order flow
      no_kernel(e.what());
    } catch (const convergence_error& e) {  // a singular regression: the lagged flow collinear
      no_kernel(e.what());
    }

    // 3. The permanent law on the metaorders, shrunk toward its prior.
    permanent_horizon_ = params_.permanent_horizons.front();
    dataset_observations obs;
    for (const auto h : params_.permanent_horizons) {
      dataset_observation_params op;
      op.horizon = h;
      try {
        obs = to_impact_observations(r.metaorders, op);
      } catch (const invalid_argument&) {
        continue;  // the dataset has no label at this horizon
      }
      permanent_horizon_ = h;
      if (obs.observations.size() >= params_.min_metaorders) break;
    }
    permanent_rows_ = obs.observations.size();
    square_root_law law({.component = impact_component::permanent, .session_seconds = session_seconds_});
    try {
      if (permanent_rows_ < params_.min_metaorders)
        throw invalid_argument(detail::concat(permanent_rows_, " metaorders with a permanent label (fewer than ",
                                              params_.min_metaorders, ")"));
      (void)law.fit(obs.observations);
      impact_.permanent = shrink_to_prior(law, params_.prior);
    } catch (const std::exception& e) {  // not fitted: the prior alone
      vector estimate(2);
      estimate << params_.prior.y, params_.prior.delta;
      matrix cov = matrix::Identity(2, 2) * 1e12;
      impact_.permanent = shrink_to_prior(estimate, cov, params_.prior);
      impact_.permanent.message = detail::concat("the prior alone (the law could not be fitted: ", e.what(), ")");
      impact_.permanent.identified = false;
    }

    // 4. The depth profile beyond the visible levels: when the orders kept their arrival
    //    books, the median over them of the taken side's visible density (quantity per bps
    //    out to its last level), instead of each book's own: with few levels (LOBSTER level 1)
    //    one book's density is noise, and a momentarily thin top would price a block at
    //    hundreds of bps.
    impact_.book.density_per_bps = median_density(r.orders);

    // 5. The volume profile of the tape, from its first trade.
    profile_.clear();
    if (!r.tape.trades.empty() && span_seconds_ > 0.0) {
      data_start_ = r.tape.trades.front().time;
      const auto bin = std::chrono::nanoseconds{static_cast<std::int64_t>(params_.profile_bin_seconds * 1e9)};
      const auto bins = static_cast<index>(std::ceil(span_seconds_ / params_.profile_bin_seconds));
      profile_ = volume_profile(r.tape, data_start_, bin, std::max<index>(bins, 1));
    }
    fitted_ = true;
  }

  /// Prices `o`'s strategies at the arrival state (the end of the data).
  /// @param scores the model's held-out scores, for the guardrails (optional)
  /// @throws not_fitted before fit; invalid_argument for an order field out of range, an
  ///         order below one lot, or one whose expected costs overflow (inf or NaN: 10^300
  ///         shares); a huge order that does not overflow is priced, with `order_huge`
  [[nodiscard]] pretrade_report report(const pretrade_order& o, const pretrade_model_scores& scores = {}) const;

  /// Prices a given child schedule at a past arrival: what the engine expected for the
  /// children a metaorder actually traded (the backtest's question). As `report` prices a
  /// strategy, with the arrival book `book` and state `at` instead of the data's last: the
  /// model's correction b at q_ref read with `at`'s features (floored at minus the half
  /// spread), its spread scaled by sqrt(sum w_j^2), the fitted kernel, permanent law and
  /// volatility. `with_model = false` prices the structural engine alone (b = 0, no model spread).
  /// @param book the arrival book (both sides); @param at the arrival state (mid, spread and
  ///        the features the model reads); @param s the side; @param times, quantities as
  ///        `forecast_schedule`; @param p threshold, draws, seed, keep_draws
  /// @throws not_fitted before fit; invalid_argument as `forecast_schedule` and
  ///         `regression_impact_model::predict_cost`
  [[nodiscard]] schedule_forecast forecast_at(const price_level_book& book, const market_state& at, side s,
                                              vector_cref times, vector_cref quantities,
                                              const schedule_forecast_params& p, bool with_model = true) const {
    if (!fitted_) throw not_fitted("footprint::pretrade_analysis::forecast_at");
    schedule_impact_model m = impact_;
    m.model_bias_bps = 0.0;
    m.model_std_bps = 0.0;
    if (with_model) {
      const correction c = correction_at(book, at, s);
      m.model_bias_bps = c.bias_bps;
      m.model_std_bps = c.std_bps * std::sqrt((quantities / quantities.sum()).squaredNorm());
    }
    return forecast_schedule(book, s, times, quantities, m, p);
  }

  /// The fitted state apart from the regressor (`model().regressor()`), for saving.
  /// @throws not_fitted before fit
  [[nodiscard]] pretrade_analysis_state state() const {
    if (!fitted_) throw not_fitted("footprint::pretrade_analysis::state");
    return {.params = params_,
            .model = model_.state(),
            .instrument = instrument_,
            .state = state_,
            .book = book_,
            .daily_volume = daily_volume_,
            .session_seconds = session_seconds_,
            .span_seconds = span_seconds_,
            .reference_quantity = reference_quantity_,
            .impact = impact_,
            .kernel_message = kernel_message_,
            .permanent_horizon = permanent_horizon_,
            .permanent_rows = permanent_rows_,
            .profile = profile_,
            .data_start = data_start_};
  }

  /// A fitted analysis from a fitted regressor and the state (e.g. both read from a file):
  /// its reports equal the saved analysis's, bit for bit. `kernel()` is empty.
  /// @throws invalid_argument naming the field when the settings are out of range (as the
  ///         constructor), the model's state is inconsistent (as
  ///         `regression_impact_model::from_state`), the instrument is invalid, the book is
  ///         one-sided, the arrival mid, spread or volatility is not finite and positive, the
  ///         mid is not within the book's best bid and ask, the state's features do not match
  ///         the design, the permanent horizon is not > 0, or a volume, time or profile entry
  ///         is out of range
  [[nodiscard]] static pretrade_analysis from_state(R regressor, pretrade_analysis_state s);

  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// The statistical model of one market order.
  [[nodiscard]] const regression_impact_model<R>& model() const noexcept { return model_; }
  /// The fitted impact (bias and sd of the model 0: `report` sets them per order).
  [[nodiscard]] const schedule_impact_model& impact() const noexcept { return impact_; }
  /// The transient kernel's fit, when the data allowed one.
  [[nodiscard]] const std::optional<propagator_fit_result>& kernel() const noexcept { return kernel_; }
  /// What the kernel's fit said (or why there is none).
  [[nodiscard]] const std::string& kernel_message() const noexcept { return kernel_message_; }
  /// The metaorders' permanent label horizon used, and how many metaorders it kept.
  [[nodiscard]] std::chrono::nanoseconds permanent_horizon() const noexcept { return permanent_horizon_; }
  [[nodiscard]] index permanent_rows() const noexcept { return permanent_rows_; }
  [[nodiscard]] const pretrade_params& params() const noexcept { return params_; }

 private:
  // No transient kernel could be fitted (`why`): G0 = 0, the impact all permanent.
  void no_kernel(const char* why) {
    kernel_.reset();
    impact_.transient =
        propagator_params{.kernel = propagator_kernel::exponential, .g0 = 0.0, .delta = params_.kernel.delta};
    kernel_message_ = detail::concat("no transient kernel (G0 = 0): ", why);
  }

  // The median visible density (quantity per bps from the mid to the last level) of the side
  // each order took, over the orders' arrival books; NaN when they were not kept.
  [[nodiscard]] static double median_density(const impact_dataset& d) {
    std::vector<double> rho;
    const index levels = d.arrival_books.cols() / 4;
    for (index i = 0; i < d.rows() && levels > 0; ++i) {
      const index price = d.side[static_cast<std::size_t>(i)] == side::buy ? 2 : 0;
      double quantity = 0.0, last = nan;
      for (index k = 0; k < levels && std::isfinite(d.arrival_books(i, 4 * k + price)); ++k) {
        quantity += d.arrival_books(i, 4 * k + price + 1);
        last = d.arrival_books(i, 4 * k + price);
      }
      const double distance = 1e4 * std::abs(last - d.arrival_mid[i]) / d.arrival_mid[i];
      if (quantity > 0.0 && distance > 0.0 && std::isfinite(distance)) rho.push_back(quantity / distance);
    }
    if (rho.empty()) return nan;
    std::nth_element(rho.begin(), rho.begin() + static_cast<std::ptrdiff_t>(rho.size() / 2), rho.end());
    return rho[rho.size() / 2];
  }

  // The model's cost of q_ref at the arrival (book, state) and its correction of the book walk.
  struct correction {
    double expected_bps, std_bps, walk_bps, bias_bps;
    bool floored;
  };
  [[nodiscard]] correction correction_at(const price_level_book& book, const market_state& at, side s) const {
    const cost_estimate mc = model_.predict_cost(order{.side = s, .quantity = reference_quantity_}, at);
    correction c{mc.expected_bps, mc.std_bps, walk_book(book, s, reference_quantity_).cost_bps, nan, false};
    c.bias_bps = c.expected_bps - c.walk_bps;
    const double half_spread_bps = 0.5e4 * at.spread / at.mid;
    if (std::isfinite(half_spread_bps) && c.bias_bps < -half_spread_bps) {
      c.bias_bps = -half_spread_bps;
      c.floored = true;
    }
    return c;
  }

  [[nodiscard]] schedule_forecast price(const pretrade_report& rep, const pretrade_order& o, const vector& times,
                                        const vector& quantities) const {
    schedule_impact_model m = rep.impact;
    const double total = quantities.sum();
    m.model_std_bps = rep.model_std_bps * std::sqrt((quantities / total).squaredNorm());
    return forecast_schedule(book_, o.side, times, quantities, m,
                             {.threshold_bps = o.threshold_bps, .draws = params_.draws, .seed = params_.seed});
  }

  regression_impact_model<R> model_;
  pretrade_params params_;
  bool fitted_ = false;
  footprint::instrument instrument_;
  market_state state_;
  price_level_book book_;
  double daily_volume_ = nan, session_seconds_ = nan, span_seconds_ = nan, reference_quantity_ = nan;
  schedule_impact_model impact_;
  std::optional<propagator_fit_result> kernel_;
  std::string kernel_message_;
  std::chrono::nanoseconds permanent_horizon_{0};
  index permanent_rows_ = 0;
  std::vector<double> profile_;
  std::chrono::nanoseconds data_start_{0};
};

}  // namespace footprint

#include "footprint/pretrade/pretrade_analysis_impl.hpp"
