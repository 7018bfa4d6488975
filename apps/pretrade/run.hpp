// footprint-pretrade: fitting one model and pricing the schedules with it. Included by each
// model_<name>.cpp and baseline.cpp (which the build compiles as one unity unit).
#pragma once

#include "pretrade.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/io/pretrade_json.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>
#include <footprint/validation/metrics.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
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

/// Fits the pre-trade analysis with `model` on `r`, prices `order` into rep.analysis, and
/// saves the analysis when --save-model asks.
template <class Model>
void analyse(report& rep, Model model, const fp::impact_pipeline_result& r, const fp::pretrade_order& order,
             const fp::pretrade_model_scores& scores) {
  fp::pretrade_analysis<Model> analysis(std::move(model));
  analysis.fit(r);
  report_context& c = rep.ctx;
  c.kernel_fitted = analysis.kernel().has_value();
  if (c.kernel_fitted) {
    c.kernel_g0 = analysis.kernel()->g0.value;
    c.kernel_g_inf = analysis.kernel()->g_inf.value;
    c.kernel_trades = analysis.kernel()->trades;
  }
  c.kernel_message = analysis.kernel_message();
  c.permanent_horizon_seconds = std::chrono::duration<double>(analysis.permanent_horizon()).count();
  c.permanent_rows = analysis.permanent_rows();
  rep.analysis = analysis.report(order, scores);
  if (!rep.o->save_model_path.empty()) save_program(rep.o->save_model_path, c, fp::analysis_to_json_value(analysis));
}

/// Reads a saved analysis with regressor `Model` and prices `order` with it.
template <class Model>
fp::pretrade_report price_saved(const nlohmann::json& j, const std::string& source, const fp::pretrade_order& order,
                                const fp::pretrade_model_scores& scores) {
  return fp::analysis_from_json_value<Model>(j, source).report(order, scores);
}

/// Scores `model` (the cost of one market order) on the later part of the data beside the
/// baselines, fits the pre-trade analysis (the model on every order, the transient kernel,
/// the permanent law) and prices the strategies of the order; then writes the report.
template <class Model>
int run(const options& o, double horizon_seconds, const source_data& src, progress& prog, Model model,
        const std::string& model_description) {
  const fp::impact_pipeline_result& r = src.result;
  if (horizon_seconds > r.summary.span_seconds) {
    throw fp::invalid_argument(fp::detail::concat("--horizon ", o.horizon, " (", seconds_text(horizon_seconds),
                                                  " s) is longer than the data (", seconds_text(r.summary.span_seconds),
                                                  " s)"));
  }
  if (!(r.state.mid > 0.0) || !(r.state.volatility > 0.0)) {
    throw fp::invalid_argument("the data ends without a two-sided book or a measurable volatility");
  }
  report rep{.o = &o};
  report_context& c = rep.ctx;
  c.source_kind = src.kind;
  c.source_description = src.description;
  c.files = src.files;
  c.span_seconds = r.summary.span_seconds;
  c.events = r.summary.events;
  c.rows_skipped = r.summary.rows_skipped;
  c.market_orders = r.summary.market_orders;
  c.labelled_orders = r.orders.rows();
  c.metaorders = r.metaorders.rows();
  c.daily_volume = r.orders.daily_volume;
  c.lot_size = r.instrument.lot_size;
  c.dataset_features = r.orders.feature_names;
  c.model = o.model;
  c.model_description = model_description;

  // 1. Held out: the model and the baselines fitted on the earlier orders, scored on the later.
  prog.start("scoring the " + o.model + " model held out");
  const training_data t = make_training_data(r.orders, o.train_fraction);
  const auto train = t.split.train;
  const auto test = t.split.test;
  c.design_features = t.design.names();
  c.rows = static_cast<fp::index>(t.rows.size());
  c.excluded = t.excluded;
  c.train_rows = static_cast<fp::index>(train.size());
  c.test_rows = static_cast<fp::index>(test.size());
  const scaler sc(t.X.middleRows(train.begin, train.size()));
  const fp::matrix Xs = sc.apply(t.X);
  const fp::matrix X_train = Xs.middleRows(train.begin, train.size());
  const fp::vector y_train = t.y.segment(train.begin, train.size());
  const fp::matrix X_test = Xs.middleRows(test.begin, test.size());
  const fp::vector y_test = t.y.segment(test.begin, test.size());
  const std::vector<metrics> base = baselines(X_train, y_train, X_test, y_test, o.model != "bayes");
  Model held = model;
  held.fit(X_train, y_train);
  c.held_out = {score(o.model, held, X_test, y_test)};
  // the risk overlay's reference: the model's usual predictive sd, over its training rows
  std::vector<double> stds;
  for (const auto& d : held.predict_distribution(X_train)) stds.push_back(standard_deviation(d));
  std::nth_element(stds.begin(), stds.begin() + static_cast<std::ptrdiff_t>(stds.size() / 2), stds.end());
  const double median_std_bps = stds.empty() ? fp::nan : stds[stds.size() / 2];
  for (std::size_t k = 1; k < base.size(); ++k) c.held_out.push_back(base[k]);  // the Bayesian model
  c.held_out.push_back(base.front());                                           // OLS
  c.baseline = base.front();
  prog.done();

  // 2. The analysis: the model on every labelled order, the transient kernel on the tape, the
  //    permanent law on the metaorders (docs/pretrade.md); OLS instead when the model scored
  //    worse than it held out (the report's warning says so).
  const fp::pretrade_order order = make_order(o, horizon_seconds, c);
  const fp::pretrade_model_scores scores = model_scores(c);
  if (scores.crps_bps > scores.baseline_crps_bps) {
    c.priced_with = "ols (the " + o.model + " model scored worse held out)";
    c.priced_type = "ols";
    prog.start("fitting OLS (the fallback), the transient kernel and the permanent law; pricing the strategies");
    c.overlay = measure_overlay_reference(
        r, c, fp::nan, "priced with the OLS fallback, whose training sd was not measured: the sd check is off");
    analyse_with_ols(rep, r, order, scores);
  } else {
    c.priced_with = o.model;
    c.priced_type = o.model;
    prog.start("fitting the " + o.model + " model, the transient kernel and the permanent law; pricing the strategies");
    c.overlay = measure_overlay_reference(r, c, median_std_bps, "");
    analyse(rep, std::move(model), r, order, scores);
  }
  prog.done();

  // 3. --simulate: the strategies executed in the order-book simulator fitted on the same data.
  if (o.simulate > 0) {
    prog.start("fitting the order-book simulator and executing the strategies in it");
    simulate_strategies(rep);
    prog.done();
  }

  // 4. The risk overlay's verdict on each strategy (docs/risk-overlay.md).
  judge_strategies(rep);

  // 5. Output: the JSON document (documented in docs/pretrade.md), then the text report.
  return write_report(rep);
}

}  // namespace pretrade
