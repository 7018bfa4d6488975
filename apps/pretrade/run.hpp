// footprint-pretrade: fitting one model and pricing the schedules with it. Included by each
// model_<name>.cpp, so that each model's code is compiled in its own translation unit.
#pragma once

#include "pretrade.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/execution/almgren_chriss.hpp>
#include <footprint/execution/schedule_cost.hpp>
#include <footprint/validation/metrics.hpp>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pretrade {

/// Held-out scores of a fitted model.
template <class Model>
metrics score(const std::string& name, const Model& model, const fp::matrix& X, const fp::vector& y) {
  const fp::vector pred = model.predict(X);
  const auto dists = model.predict_distribution(X);
  metrics m;
  m.model = name;
  m.rmse = fp::rmse(y, pred);
  m.mae = fp::mae(y, pred);
  m.r2 = fp::r2_score(y, pred);
  m.crps = fp::mean_crps(y, dists);
  m.coverage_90 = fp::interval_coverage(y, dists, 0.9);
  m.pinball_05 = fp::pinball_loss(y, dists, 0.05);
  m.pinball_95 = fp::pinball_loss(y, dists, 0.95);
  if constexpr (requires { fp::nlpd(y, dists); }) m.nlpd = fp::nlpd(y, dists);
  return m;
}

/// Fits `model` (the cost of one market order) on the earlier part of the data, scores it on
/// the later part beside the baselines, calibrates Almgren-Chriss on the metaorders and
/// prices four schedules of the order; then writes the report.
template <class Model>
int run(const options& o, double horizon_seconds, const source_data& src, progress& prog, Model model,
        const std::string& model_description) {
  const fp::impact_pipeline_result& r = src.result;
  const fp::market_state& state = r.state;
  const fp::side side = o.side == "buy" ? fp::side::buy : fp::side::sell;
  if (horizon_seconds > r.summary.span_seconds) {
    throw fp::invalid_argument(fp::detail::concat("--horizon ", o.horizon, " (", horizon_seconds,
                                                  " s) is longer than the data (", r.summary.span_seconds, " s)"));
  }
  if (!(state.mid > 0.0) || !(state.volatility > 0.0)) {
    throw fp::invalid_argument("the data ends without a two-sided book or a measurable volatility");
  }
  report rep{.o = &o, .src = &src, .model_description = model_description};
  rep.horizon_seconds = horizon_seconds;
  rep.adv = r.orders.daily_volume;
  rep.quantity = o.quantity.value_or(std::max(1.0, std::round(0.002 * rep.adv)));
  const double quantity = rep.quantity;
  const double adv = rep.adv;

  // 1. The cost model of one market order: fit on the earlier part, score on the later.
  prog.start("fitting the " + o.model + " model");
  const training_data t = make_training_data(r.orders, o.train_fraction);
  rep.t = &t;
  const auto train = t.split.train;
  const auto test = t.split.test;
  const scaler sc(t.X.middleRows(train.begin, train.size()));
  const fp::matrix Xs = sc.apply(t.X);
  const fp::matrix X_train = Xs.middleRows(train.begin, train.size());
  const fp::vector y_train = t.y.segment(train.begin, train.size());
  const fp::matrix X_test = Xs.middleRows(test.begin, test.size());
  const fp::vector y_test = t.y.segment(test.begin, test.size());
  const std::vector<metrics> base = baselines(X_train, y_train, X_test, y_test, o.model != "bayes");
  model.fit(X_train, y_train);
  rep.held_out = {score(o.model, model, X_test, y_test)};
  for (std::size_t k = 1; k < base.size(); ++k) rep.held_out.push_back(base[k]);  // the Bayesian model
  rep.held_out.push_back(base.front());                                          // OLS
  rep.baseline = base.front();
  // The forecast uses every row: refit on all of them, with the same scaling.
  model.fit(Xs, t.y);
  prog.done();

  // 2. Almgren-Chriss calibration on the metaorders.
  prog.start("calibrating Almgren-Chriss");
  rep.cal = fit_almgren_chriss(r.metaorders);
  prog.done();

  // 3. Child-order cost distributions at the arrival state (the end of the data).
  rep.arrival = arrival_features(src, t, rep.imputed);
  const double taken_depth = side == fp::side::buy ? state.ask_depth : state.bid_depth;
  const auto child_costs = [&](const fp::vector& trades) {
    fp::matrix rows(trades.size(), t.design.size());
    std::vector<double> row(static_cast<std::size_t>(t.design.size()));
    for (fp::index j = 0; j < trades.size(); ++j) {
      t.design.order_row(rep.arrival, side, std::max(trades[j], 1e-9 * quantity), taken_depth, adv, row);
      for (fp::index c = 0; c < t.design.size(); ++c) rows(j, c) = row[static_cast<std::size_t>(c)];
    }
    return model.predict_distribution(sc.apply(rows));
  };

  // 4. Almgren-Chriss parameters for the schedules. eta comes from the calibration when it
  //    is significantly positive; else from the model: the slope of a child's expected cost
  //    per share in its size, times the interval (h(v) = eta v = eta n / tau).
  const fp::index n = o.intervals;
  const double tau = horizon_seconds / static_cast<double>(n);
  rep.n = n;
  rep.tau = tau;
  const double gamma = std::max(rep.cal.gamma.value, 0.0);
  std::string eta_source = "calibration";
  double eta = rep.cal.eta.value;
  if (!(rep.cal.eta.robust_t_stat() > 2.0)) {
    eta_source = "model";
    fp::vector sizes(8);
    for (fp::index k = 0; k < 8; ++k) {
      sizes[k] = quantity / static_cast<double>(n) *
                 std::pow(4.0 * static_cast<double>(n), static_cast<double>(k) / 7.0) / 4.0;
    }
    const auto d = child_costs(sizes);
    fp::vector cost(8);
    for (fp::index k = 0; k < 8; ++k) cost[k] = static_cast<double>(mean(d[static_cast<std::size_t>(k)])) * state.mid * 1e-4;
    const double sx = sizes.mean(), sy = cost.mean();
    const double slope = ((sizes.array() - sx) * (cost.array() - sy)).sum() / (sizes.array() - sx).square().sum();
    eta = slope * tau;
  }
  if (!(eta > 0.5 * gamma * tau)) {
    // The discrete model needs eta_tilde = eta - gamma tau / 2 > 0.
    eta_source += " (raised to gamma tau: the model needs eta > gamma tau / 2)";
    eta = std::max(gamma * tau, 1e-12 * state.mid);
  }
  const double sigma_price = state.mid * state.volatility;
  const fp::almgren_chriss ac({.gamma = gamma,
                               .eta = eta,
                               .epsilon = std::max(rep.cal.epsilon.value, 0.0),
                               .sigma = sigma_price,
                               .lambda = 0.0,
                               .n_intervals = n,
                               .time_unit = std::chrono::seconds(1)});
  rep.gamma = gamma;
  rep.eta = eta;
  rep.eta_source = eta_source;
  rep.epsilon = ac.params().epsilon;
  rep.sigma_price = sigma_price;

  // 5. The schedules and their costs.
  prog.start("pricing the schedules");
  const auto add = [&](std::string name, std::string description, double lambda) {
    const fp::almgren_chriss m = ac.with_lambda(lambda);
    const fp::almgren_chriss_schedule s = m.schedule(quantity, horizon_seconds);
    schedule_result res{.name = std::move(name), .description = std::move(description), .lambda = lambda};
    res.half_life_seconds = lambda > 0.0 ? m.half_life(horizon_seconds) : fp::nan;
    res.trades = s.trades;
    res.times = s.times.head(n);
    res.holdings = s.holdings.tail(n);
    const auto dists = child_costs(res.trades);
    res.cost = fp::evaluate_schedule(
        res.trades, tau, std::span(dists),
        {.arrival_mid = state.mid, .gamma = gamma, .sigma = sigma_price, .threshold_bps = o.threshold_bps});
    rep.schedules.push_back(std::move(res));
  };
  add("aggressive", "front-loaded: Almgren-Chriss half-life T/10",
      ac.lambda_for_half_life(horizon_seconds, horizon_seconds / 10.0));
  add("balanced", "Almgren-Chriss half-life T/3", ac.lambda_for_half_life(horizon_seconds, horizon_seconds / 3.0));
  add("passive", "even over the horizon (TWAP, lambda = 0)", 0.0);
  add("optimal", "Almgren-Chriss optimum for --lambda", o.lambda);
  prog.done();

  // 6. Output: the JSON document (documented in docs/pretrade.md), then the text report.
  return write_report(rep);
}

}  // namespace pretrade
