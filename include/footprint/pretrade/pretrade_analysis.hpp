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
    } catch (const invalid_argument& e) {
      kernel_.reset();
      impact_.transient =
          propagator_params{.kernel = propagator_kernel::exponential, .g0 = 0.0, .delta = params_.kernel.delta};
      kernel_message_ = detail::concat("no transient kernel (G0 = 0): ", e.what());
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

    // 4. The volume profile of the tape, from its first trade.
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
  /// @throws not_fitted before fit; invalid_argument for an order field out of range, or an
  ///         order below one lot
  [[nodiscard]] pretrade_report report(const pretrade_order& o, const pretrade_model_scores& scores = {}) const {
    constexpr std::string_view where = "footprint::pretrade_analysis::report";
    if (!fitted_) throw not_fitted(std::string(where));
    detail::require_positive(o.quantity, where, "quantity");
    detail::require_positive(o.horizon_seconds, where, "horizon_seconds");
    detail::require(std::isfinite(o.threshold_bps), where, "threshold_bps", "finite", o.threshold_bps);
    detail::require(std::isfinite(o.lambda) && o.lambda >= 0.0, where, "lambda", "finite and >= 0", o.lambda);
    detail::require(o.children == 0 || (o.children >= 1 && o.children <= 10000), where, "children",
                    "0 (automatic) or in [1, 10000]", static_cast<double>(o.children));
    const double lot = instrument_.lot_size;
    const double lots = std::round(o.quantity / lot);
    if (!(lots >= 1.0))
      throw invalid_argument(detail::concat(where, ": the order (", o.quantity, ") is below one lot (", lot, ")"));

    pretrade_report rep;
    rep.instrument = instrument_;
    rep.order = o;
    rep.order.quantity = lots * lot;
    rep.state = state_;
    rep.daily_volume = daily_volume_;
    const double X = rep.order.quantity, T = o.horizon_seconds;
    rep.notional = instrument_.notional(X, state_.mid);

    // The model's correction of the book walk, where the model was trained.
    const double half_spread_bps = 0.5e4 * state_.spread / state_.mid;
    const cost_estimate mc = model_.predict_cost(order{.side = o.side, .quantity = reference_quantity_}, state_);
    rep.reference_quantity = reference_quantity_;
    rep.model_expected_bps = mc.expected_bps;
    rep.model_std_bps = mc.std_bps;
    rep.book_walk_bps = walk_book(book_, o.side, reference_quantity_).cost_bps;
    double bias = mc.expected_bps - rep.book_walk_bps;
    if (std::isfinite(half_spread_bps) && bias < -half_spread_bps) {
      bias = -half_spread_bps;
      rep.bias_floored = true;
    }
    rep.model_bias_bps = bias;
    rep.impact = impact_;
    rep.impact.model_bias_bps = bias;
    rep.impact.model_std_bps = mc.std_bps;

    // Children: one per child_interval_seconds of the horizon (none smaller than a lot), so a
    // longer horizon means more, smaller children: each walks less of the book and leaves less
    // transient impact, while the permanent impact of the whole order does not depend on the
    // slicing (forecast_schedule).
    const double by_time = std::ceil(T / params_.child_interval_seconds);
    const index n =
        o.children > 0
            ? o.children
            : static_cast<index>(std::clamp(std::min(by_time, lots), 2.0, static_cast<double>(params_.max_children)));
    const double volume_rate = daily_volume_ / session_seconds_;
    // A schedule as a priced strategy: whole lots, its duration and participation, its cost.
    const auto priced = [&](std::string name, std::string description, const child_schedule& s, double half_life) {
      pretrade_strategy st;
      st.name = std::move(name);
      st.description = std::move(description);
      // Whole lots; a child rounded to nothing is not an order (a front-loaded trajectory's
      // tail), so it is dropped.
      const vector lots_of = round_to_lots(s.quantities, lot);
      const auto kept = static_cast<index>((lots_of.array() > 0.0).count());
      st.times.resize(kept);
      st.quantities.resize(kept);
      for (index j = 0, k = 0; j < lots_of.size(); ++j) {
        if (!(lots_of[j] > 0.0)) continue;
        st.times[k] = s.times[j];
        st.quantities[k++] = lots_of[j];
      }
      st.duration_seconds = s.horizon_seconds;
      st.half_life_seconds = half_life;
      st.participation = X / (volume_rate * st.duration_seconds);
      st.forecast = price(rep, o, st.times, st.quantities);
      st.total_currency = 1e-4 * st.forecast.expected_bps * rep.notional;
      return st;
    };
    const auto add = [&](std::string name, std::string description, const child_schedule& s, double half_life) {
      rep.strategies.push_back(priced(std::move(name), std::move(description), s, half_life));
    };

    add("aggressive", "front-loaded: Almgren-Chriss trajectory with half-life T/10",
        detail::almgren_chriss_trajectory(X, T, n, T / 10.0), T / 10.0);
    // Balanced: the data's intraday volume profile from the arrival's time of day (taken
    // modulo the session, so that a day's data ending at the close starts at the open).
    const double arrival_in_data = std::chrono::duration<double>(state_.time - data_start_).count();
    const double start = std::fmod(std::max(arrival_in_data, 0.0), session_seconds_);
    bool profiled = false;
    if (!profile_.empty() && start + T <= span_seconds_) {
      try {
        add("balanced", "the data's intraday volume profile over the horizon (VWAP-style)",
            volume_profile_schedule(X, T, n, profile_, params_.profile_bin_seconds, start), nan);
        profiled = true;
      } catch (const invalid_argument&) {}  // no volume over the window: below
    }
    if (!profiled) {
      add("balanced",
          "Almgren-Chriss trajectory with half-life T/3 (the data does not span the horizon's volume profile)",
          detail::almgren_chriss_trajectory(X, T, n, T / 3.0), T / 3.0);
    }
    add("passive", "even over the horizon (TWAP)", twap_schedule(X, T, n), nan);
    for (const double rate : params_.pov_rates) {
      // Children every child_interval_seconds, spread further apart when there would be more
      // than max_children.
      const double duration = X / (rate * volume_rate);
      const double interval =
          std::max(params_.child_interval_seconds, duration / static_cast<double>(params_.max_children));
      add(detail::concat("pov_", static_cast<int>(std::lround(100.0 * rate))),
          detail::concat(100.0 * rate, "% of the market's expected volume until done"),
          pov_schedule(X, rate, volume_rate, interval, params_.max_children), nan);
    }
    // Optimal: among Almgren-Chriss trajectories over T, the one with the least
    // E[cost] + lambda Var[cost] in currency under the full cost model.
    {
      std::optional<pretrade_strategy> best;
      double best_objective = std::numeric_limits<double>::infinity();
      std::vector<double> candidates = params_.optimal_half_lives;
      candidates.push_back(nan);  // TWAP
      for (const double fraction : candidates) {
        const double half_life = fraction * T;
        pretrade_strategy st = priced("optimal", "", detail::almgren_chriss_trajectory(X, T, n, half_life), half_life);
        const double sd = 1e-4 * st.forecast.std_bps * rep.notional;
        const double objective = st.total_currency + o.lambda * sd * sd;
        if (objective < best_objective) {
          best_objective = objective;
          best = std::move(st);
        }
      }
      best->description = std::isfinite(best->half_life_seconds)
                              ? detail::concat("Almgren-Chriss trajectory minimising E + lambda Var: half-life ",
                                               best->half_life_seconds, " s")
                              : std::string("Almgren-Chriss trajectory minimising E + lambda Var: TWAP");
      rep.strategies.push_back(std::move(*best));
    }

    // Guardrails.
    guardrail_inputs in;
    in.quantity = X;
    in.daily_volume = daily_volume_;
    in.lot_size = lot;
    in.largest_child = 0.0;
    for (const pretrade_strategy& st : rep.strategies)
      in.largest_child = std::max(in.largest_child, st.quantities.maxCoeff());
    in.visible_depth = walk_book(book_, o.side, in.largest_child).visible_quantity;
    std::tie(in.smallest_training_quantity, in.largest_training_quantity) = model_.quantity_range();
    in.horizon_seconds = T;
    in.data_seconds = span_seconds_;
    in.permanent_identified = impact_.permanent.identified;
    in.permanent_message = impact_.permanent.message;
    in.model = scores.model;
    in.model_crps = scores.crps_bps;
    in.baseline_crps = scores.baseline_crps_bps;
    in.coverage_90 = scores.coverage_90;
    in.coverage_rows = scores.rows;
    rep.warnings = check_guardrails(in, params_.limits);
    return rep;
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
  ///         state's features do not match the design, or a volume, time or profile entry is
  ///         out of range
  [[nodiscard]] static pretrade_analysis from_state(R regressor, pretrade_analysis_state s) {
    constexpr std::string_view where = "footprint::pretrade_analysis::from_state";
    pretrade_analysis a(R{}, s.params);
    a.model_ = regression_impact_model<R>::from_state(std::move(regressor), std::move(s.model));
    s.instrument.validate(where);
    if (s.book.bid_levels() == 0 || s.book.ask_levels() == 0)
      throw invalid_argument(detail::concat(where, ": book must be two-sided"));
    detail::require_positive(s.state.mid, where, "state.mid");
    detail::require_non_negative(s.state.spread, where, "state.spread");
    detail::require_positive(s.state.volatility, where, "state.volatility");
    detail::require_positive(s.daily_volume, where, "daily_volume");
    detail::require_positive(s.session_seconds, where, "session_seconds");
    detail::require_non_negative(s.span_seconds, where, "span_seconds");
    detail::require_positive(s.reference_quantity, where, "reference_quantity");
    detail::require_positive(s.impact.daily_volume, where, "impact.daily_volume");
    detail::require_positive(s.impact.daily_volatility, where, "impact.daily_volatility");
    detail::require_non_negative(s.impact.volatility, where, "impact.volatility");
    detail::require_non_negative(s.impact.g0_std_error, where, "impact.g0_std_error");
    detail::require_non_negative(s.impact.scale_std_error, where, "impact.scale_std_error");
    detail::require_at_least(s.permanent_rows, 0, where, "permanent_rows");
    for (std::size_t i = 0; i < s.profile.size(); ++i)
      detail::require_non_negative(s.profile[i], where, detail::concat("profile[", i, "]"));
    // The arrival features must be what the model reads: a report prices q_ref with them.
    (void)a.model_.predict_cost(order{.side = side::buy, .quantity = s.reference_quantity}, s.state);
    a.instrument_ = std::move(s.instrument);
    a.state_ = std::move(s.state);
    a.book_ = std::move(s.book);
    a.daily_volume_ = s.daily_volume;
    a.session_seconds_ = s.session_seconds;
    a.span_seconds_ = s.span_seconds;
    a.reference_quantity_ = s.reference_quantity;
    a.impact_ = std::move(s.impact);
    a.kernel_message_ = std::move(s.kernel_message);
    a.permanent_horizon_ = s.permanent_horizon;
    a.permanent_rows_ = s.permanent_rows;
    a.profile_ = std::move(s.profile);
    a.data_start_ = s.data_start;
    a.fitted_ = true;
    return a;
  }

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
