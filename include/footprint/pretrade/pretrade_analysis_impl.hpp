/// @file pretrade/pretrade_analysis_impl.hpp
/// @brief Definitions of `pretrade_analysis::report` and `pretrade_analysis::from_state`
/// (included by pretrade_analysis.hpp; not a public header of its own).
#pragma once

#include "footprint/pretrade/pretrade_analysis.hpp"

namespace footprint {

template <ProbabilisticRegressor R>
pretrade_report pretrade_analysis<R>::report(const pretrade_order& o, const pretrade_model_scores& scores) const {
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
  const correction c = correction_at(book_, state_, o.side);
  rep.reference_quantity = reference_quantity_;
  rep.model_expected_bps = c.expected_bps;
  rep.model_std_bps = c.std_bps;
  rep.book_walk_bps = c.walk_bps;
  rep.bias_floored = c.floored;
  const double bias = c.bias_bps;
  rep.model_bias_bps = bias;
  rep.impact = impact_;
  rep.impact.model_bias_bps = bias;
  rep.impact.model_std_bps = c.std_bps;

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
    // Over exactly Q / (p v), in equal children as the horizon-bound strategies are cut: one
    // per child_interval_seconds but no more than the order's lots, at least 2 and at most
    // max_children. (Children every child_interval_seconds, the last one the rest, sent an
    // order shorter than one interval as a single market order: POV 5%, 10% and 20% the same
    // strategy, at a participation of none of them.)
    const double duration = X / (rate * volume_rate);
    const double pov_children = std::clamp(std::min(std::ceil(duration / params_.child_interval_seconds), lots), 2.0,
                                           static_cast<double>(params_.max_children));
    const auto pov_n = static_cast<index>(pov_children);
    add(detail::concat("pov_", static_cast<int>(std::lround(100.0 * rate))),
        detail::concat(100.0 * rate, "% of the market's expected volume until done"),
        pov_schedule(X, rate, volume_rate, duration / pov_children, pov_n), nan);
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
      // The first candidate stands while no objective compares (NaN, or +inf when an order's
      // notional overflows): best is never empty.
      if (!best || objective < best_objective) {
        best_objective = std::isnan(objective) ? std::numeric_limits<double>::infinity() : objective;
        best = std::move(st);
      }
    }
    best->description = std::isfinite(best->half_life_seconds)
                            ? detail::concat("Almgren-Chriss trajectory minimising E + lambda Var: half-life ",
                                             best->half_life_seconds, " s")
                            : std::string("Almgren-Chriss trajectory minimising E + lambda Var: TWAP");
    rep.strategies.push_back(std::move(*best));
  }

  // An order whose costs overflow (10^300 shares) has no report: every figure would be inf
  // or NaN. Orders that are merely huge are priced, with the order_huge warning.
  for (const pretrade_strategy& st : rep.strategies) {
    if (std::isfinite(st.forecast.expected_bps) && std::isfinite(st.total_currency)) continue;
    char text[200];
    std::snprintf(text, sizeof text, "the order of %.4g (%.4g times the daily volume) makes the %s strategy's", X,
                  X / daily_volume_, st.name.c_str());
    throw invalid_argument(detail::concat(where, ": ", text, " expected cost overflow (", st.forecast.expected_bps,
                                          " bps): check the quantity and its unit"));
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
  in.transient_g0 = impact_.transient.g0;
  in.transient_g0_std_error = impact_.g0_std_error;
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

template <ProbabilisticRegressor R>
pretrade_analysis<R> pretrade_analysis<R>::from_state(R regressor, pretrade_analysis_state s) {
  constexpr std::string_view where = "footprint::pretrade_analysis::from_state";
  pretrade_analysis a(R{}, s.params);
  a.model_ = regression_impact_model<R>::from_state(std::move(regressor), std::move(s.model));
  s.instrument.validate(where);
  if (s.book.bid_levels() == 0 || s.book.ask_levels() == 0)
    throw invalid_argument(detail::concat(where, ": book must be two-sided"));
  detail::require_positive(s.state.mid, where, "state.mid");
  // The arrival mid is the book's: between its best bid and best ask (a mid of 1e300 against
  // a book at 100 priced the order's notional at 1e299).
  {
    const double bid = s.book.best_bid(), ask = s.book.best_ask(), slack = 1e-9 * (bid + ask);
    if (!(s.state.mid >= bid - slack && s.state.mid <= ask + slack))
      throw invalid_argument(detail::concat(where, ": state.mid ", s.state.mid, " is not within the book's best bid ",
                                            bid, " and best ask ", ask));
  }
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
  if (!(s.permanent_horizon.count() > 0))
    throw invalid_argument(
        detail::concat(where, ": permanent_horizon must be > 0 (got ", s.permanent_horizon.count(), " ns)"));
  for (std::size_t i = 0; i < s.profile.size(); ++i)
    detail::require_non_negative(s.profile[i], where, detail::concat("profile[", i, "]"));
  // report measures the arrival from data_start in int64 nanoseconds: no overflow.
  const std::int64_t t = s.state.time.count(), t0 = s.data_start.count();
  if ((t0 < 0 && t > std::numeric_limits<std::int64_t>::max() + t0) ||
      (t0 > 0 && t < std::numeric_limits<std::int64_t>::min() + t0))
    throw invalid_argument(
        detail::concat(where, ": state.time - data_start overflows 64-bit nanoseconds (", t, " - ", t0, ")"));
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

}  // namespace footprint
