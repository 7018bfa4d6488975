// footprint-pretrade: the report, as text and as JSON (docs/pretrade.md documents both).
#include "pretrade.hpp"

#include "../common/program.hpp"

#include <footprint/detail/random.hpp>
#include <footprint/pretrade/calibrate_report.hpp>
#include <footprint/version.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace pretrade {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json estimate_json(const fp::parameter_estimate& e) {
  return ordered_json{{"value", e.value}, {"std_error", e.std_error}, {"robust_std_error", e.robust_std_error}};
}

ordered_json metrics_json(const metrics& m) {
  return ordered_json{{"model", m.model},
                      {"rmse_bps", m.rmse},
                      {"mae_bps", m.mae},
                      {"r2", m.r2},
                      {"crps_bps", m.crps},
                      {"nlpd", std::isfinite(m.nlpd) ? ordered_json(m.nlpd) : ordered_json()},
                      {"coverage_90", m.coverage_90},
                      {"pinball_05_bps", m.pinball_05},
                      {"pinball_95_bps", m.pinball_95}};
}

// The expected cost of walking a synthetic book (levels of L (1 +- noise) shares, one tick
// apart) with q shares, in ticks per share beyond the best quote, averaged over 4,000 books.
double synthetic_walk_ticks(double q, const fp::synthetic_market_params& m) {
  fp::detail::xoshiro256ss rng(7);
  double total = 0.0;
  constexpr int books = 4000;
  for (int b = 0; b < books; ++b) {
    double left = q, cost = 0.0;
    for (fp::index level = 0; left > 0.0; ++level) {
      const double u = rng.uniform_open();
      const double size = level < m.levels ? m.depth_per_level * (1.0 + m.depth_noise * (2.0 * u - 1.0)) : left;
      const double take = std::min(left, size);
      cost += take * static_cast<double>(level);
      left -= take;
    }
    total += cost / q;
  }
  return total / books;
}

// The true expected cost of a strategy in the synthetic market, bps of the arrival mid:
// temporary = half a tick plus the book walk of each child plus the planted transient impact
// of the earlier children (beta per share, decaying with decay_seconds); permanent = gamma on
// the quantity before each child.
std::pair<double, double> synthetic_truth(const fp::pretrade_strategy& s, double mid) {
  const fp::synthetic_market_params& m = synthetic_market;
  const double total = s.quantities.sum();
  double temp = 0.0, perm = 0.0, done = 0.0;
  for (fp::index j = 0; j < s.quantities.size(); ++j) {
    const double n = s.quantities[j];
    if (n > 0) {
      double transient = 0.0;
      for (fp::index k = 0; k < j; ++k)
        transient += m.beta * s.quantities[k] * std::exp(-(s.times[j] - s.times[k]) / m.decay_seconds);
      temp += n / total * ((0.5 + synthetic_walk_ticks(n, m)) * m.tick + transient);
      perm += n / total * m.gamma * done;
    }
    done += n;
  }
  return {1e4 * temp / mid, 1e4 * perm / mid};
}

}  // namespace

namespace {

// --calibration: the residuals footprint-backtest saved, applied to the report.
void calibrate(fp::pretrade_report& a, const std::string& path) {
  std::ifstream f(path);
  if (!f) throw fp::data_error(path, 0, 0, "", "cannot open the calibration file");
  ordered_json j;
  try {
    j = ordered_json::parse(f);
  } catch (const ordered_json::exception& e) {
    throw fp::data_error(path, 0, 0, "", std::string("not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("kind", std::string()) != "conformal_calibration")
    throw fp::data_error(path, 0, 0, "kind", "not a conformal calibration (footprint-backtest --save-calibration)");
  if (j.contains("symbol") && j["symbol"].is_string() && j["symbol"].get<std::string>() != a.instrument.symbol)
    throw fp::data_error(
        path, 0, 0, "symbol",
        "calibrated on " + j["symbol"].get<std::string>() + ", the order is on " + a.instrument.symbol);
  // The residuals calibrate the report's 90% intervals: a file made for another level is not
  // this report's calibration.
  if (j.contains("alpha") && !(j["alpha"].is_number() && j["alpha"].get<double>() == 0.1))
    throw fp::data_error(path, 0, 0, "alpha", "the report's intervals are 90% (alpha 0.1); got " + j["alpha"].dump());
  if (!j.contains("scores") || !j["scores"].is_array())
    throw fp::data_error(path, 0, 0, "scores", "missing or not an array");
  std::vector<double> scores;
  for (std::size_t i = 0; i < j["scores"].size(); ++i) {
    const ordered_json& v = j["scores"][i];
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw fp::data_error(path, 0, 0, "scores[" + std::to_string(i) + "]", "not a finite number");
    scores.push_back(v.get<double>());
  }
  try {
    fp::calibrate_report(a, scores, path);
  } catch (const fp::invalid_argument& e) {
    throw fp::data_error(path, 0, 0, "scores", e.what());
  }
}

}  // namespace

int write_report(const report& in) {
  report rep = in;  // --calibration changes the intervals and P
  if (!rep.o->calibration_path.empty()) calibrate(rep.analysis, rep.o->calibration_path);
  const options& o = *rep.o;
  const report_context& c = rep.ctx;
  const fp::pretrade_report& a = rep.analysis;
  const fp::market_state& state = a.state;
  const fp::instrument& ins = a.instrument;
  const double quantity = a.order.quantity, horizon_seconds = a.order.horizon_seconds, adv = a.daily_volume;
  const std::string unit(fp::to_string(ins.quantity_unit));
  const bool synthetic = c.source_kind == "synthetic";

  // Arrival features that are undefined now (the model imputes their training mean).
  std::vector<std::string> imputed;
  for (std::size_t j = 0; j < c.dataset_features.size() && static_cast<fp::index>(j) < state.features.size(); ++j)
    if (!std::isfinite(state.features[static_cast<fp::index>(j)])) imputed.push_back(c.dataset_features[j]);
  const auto feature = [&](const std::string& name) {
    for (std::size_t j = 0; j < c.dataset_features.size() && static_cast<fp::index>(j) < state.features.size(); ++j)
      if (c.dataset_features[j] == name) return state.features[static_cast<fp::index>(j)];
    return fp::nan;
  };
  const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(); };

  ordered_json doc;
  doc["footprint_version"] = std::string(fp::version_string);
  doc["source"] = {{"kind", c.source_kind},
                   {"description", c.source_description},
                   {"files", c.files},
                   {"span_seconds", c.span_seconds},
                   {"events", c.events},
                   {"rows_skipped", c.rows_skipped},
                   {"market_orders", c.market_orders},
                   {"labelled_orders", c.labelled_orders},
                   {"metaorders", c.metaorders},
                   {"daily_volume", adv},
                   {"loaded_from", rep.loaded_from.empty() ? ordered_json() : ordered_json(rep.loaded_from)}};
  doc["instrument"] = {{"symbol", ins.symbol},       {"venue", ins.venue},
                       {"quantity_unit", unit},      {"lot_size", ins.lot_size},
                       {"tick_size", ins.tick_size}, {"contract_multiplier", ins.contract_multiplier},
                       {"inverse", ins.inverse},     {"quote_currency", ins.quote_currency}};
  doc["order"] = {{"side", o.side},
                  {"quantity", quantity},
                  {"quantity_unit", unit},
                  {"notional", a.notional},
                  {"horizon_seconds", horizon_seconds},
                  {"threshold_bps", a.order.threshold_bps},
                  {"participation", quantity / adv},
                  {"lambda", a.order.lambda}};
  doc["market_state"] = {{"time_ns", state.time.count()},
                         {"mid", state.mid},
                         {"spread", state.spread},
                         {"spread_bps", 1e4 * state.spread / state.mid},
                         {"bid_depth", state.bid_depth},
                         {"ask_depth", state.ask_depth},
                         {"queue_imbalance", number(feature("queue_imbalance"))},
                         {"volatility_per_sqrt_second", state.volatility},
                         {"volatility_over_horizon_bps", 1e4 * state.volatility * std::sqrt(horizon_seconds)},
                         {"imputed_features", imputed}};
  doc["model"] = {{"name", c.model},
                  {"description", c.model_description},
                  {"label", "shortfall_bps of one market order"},
                  {"features", c.design_features},
                  {"rows", c.rows},
                  {"rows_excluded_for_nan_features", c.excluded},
                  {"train_rows", c.train_rows},
                  {"test_rows", c.test_rows},
                  {"held_out", metrics_json(c.held_out.front())},
                  {"baseline_held_out", metrics_json(c.baseline)},
                  {"comparison",
                   [&] {
                     ordered_json all = ordered_json::array();
                     for (const metrics& m : c.held_out) all.push_back(metrics_json(m));
                     return all;
                   }()},
                  {"priced_with", c.priced_with},
                  {"reference_quantity", a.reference_quantity},
                  {"reference_expected_bps", a.model_expected_bps},
                  {"reference_std_bps", a.model_std_bps},
                  {"reference_book_walk_bps", a.book_walk_bps},
                  {"bias_bps", a.model_bias_bps},
                  {"bias_floored", a.bias_floored}};
  const fp::schedule_impact_model& im = a.impact;
  ordered_json transient = {{"fitted", c.kernel_fitted},
                            {"message", c.kernel_message},
                            {"kernel", std::string(fp::to_string(im.transient.kernel))},
                            {"g0_bps", im.transient.g0},
                            {"g0_std_error_bps", im.g0_std_error},
                            {"tau_seconds", im.transient.tau},
                            {"tau_std_error_seconds", im.scale_std_error},
                            {"delta", im.transient.delta}};
  if (c.kernel_fitted) {
    transient["g0_fitted_bps"] = number(c.kernel_g0);
    transient["g_inf_fitted_bps"] = number(c.kernel_g_inf);
    transient["trades"] = c.kernel_trades;
  }
  const fp::square_root_prior prior{};
  doc["impact"] = {
      {"daily_volume", im.daily_volume},
      {"daily_volatility", im.daily_volatility},
      {"transient", transient},
      {"permanent",
       {{"law", "square_root"},
        {"horizon_seconds", c.permanent_horizon_seconds},
        {"metaorders", c.permanent_rows},
        {"y", estimate_json(im.permanent.y)},
        {"delta", estimate_json(im.permanent.delta)},
        {"identified", im.permanent.identified},
        {"message", im.permanent.message},
        {"prior", {{"y", prior.y}, {"y_sd", prior.y_sd}, {"delta", prior.delta}, {"delta_sd", prior.delta_sd}}}}}};
  ordered_json js = ordered_json::array();
  for (const fp::pretrade_strategy& s : a.strategies) {
    const fp::schedule_forecast& f = s.forecast;
    ordered_json children = ordered_json::array();
    double left = quantity;
    for (fp::index j = 0; j < s.quantities.size(); ++j) {
      left -= s.quantities[j];
      children.push_back({{"time_seconds", s.times[j]},
                          {"quantity", s.quantities[j]},
                          {"remaining", std::max(left, 0.0)},
                          {"expected_bps", f.child_bps[static_cast<std::size_t>(j)]}});
    }
    ordered_json item = {{"name", s.name},
                         {"description", s.description},
                         {"duration_seconds", s.duration_seconds},
                         {"half_life_seconds", number(s.half_life_seconds)},
                         {"participation", s.participation},
                         {"immediate_bps", f.immediate_bps},
                         {"transient_bps", f.transient_bps},
                         {"temporary_bps", f.temporary_bps},
                         {"permanent_bps", f.permanent_bps},
                         {"total_bps", f.expected_bps},
                         {"total_currency", s.total_currency},
                         {"total_std_bps", f.std_bps},
                         {"price_risk_std_bps", f.price_risk_std_bps},
                         {"quantiles_bps", {{"p05", f.p05_bps}, {"p50", f.p50_bps}, {"p95", f.p95_bps}}},
                         {"exceedance_probability", f.exceedance_probability},
                         {"max_child_to_depth", f.max_child_to_depth},
                         {"children", children}};
    if (synthetic) {
      const auto [temp, perm] = synthetic_truth(s, state.mid);
      item["truth"] = {{"temporary_bps", temp}, {"permanent_bps", perm}, {"total_bps", temp + perm}};
    }
    js.push_back(item);
  }
  doc["schedules"] = js;
  ordered_json warnings = ordered_json::array();
  for (const fp::pretrade_warning& w : a.warnings)
    warnings.push_back({{"code", std::string(fp::to_string(w.code))}, {"message", w.message}});
  doc["warnings"] = warnings;
  doc["calibration"] = {
      {"conformal", a.calibration.conformal}, {"scores", a.calibration.scores}, {"source", a.calibration.source}};
  const overlay_context& ov = rep.overlay;
  const overlay_reference& oref = c.overlay;
  {
    ordered_json rows = ordered_json::array();
    for (const overlay_verdict& v : ov.strategies) {
      ordered_json fallback;
      if (v.fallback.times.size() > 0) {
        fallback = {{"children", v.fallback.times.size()},
                    {"horizon_seconds", v.fallback.horizon_seconds},
                    {"first_child_quantity", v.fallback.quantities[0]}};
      }
      rows.push_back({{"name", v.name},
                      {"action", v.action},
                      {"mode", std::string(fp::to_string(v.first.mode))},
                      {"state", std::string(fp::to_string(v.first.state))},
                      {"reasons", reason_names(v.reasons)},
                      {"first_child_quantity", v.first.quantity},
                      {"children_clipped", v.children_clipped},
                      {"children_blocked", v.children_blocked},
                      {"allowed_quantity", v.allowed_quantity},
                      {"fallback", fallback}});
    }
    doc["overlay"] = {{"model_guard",
                       {{"std_bps", number(ov.std_bps)},
                        {"median_std_bps", number(oref.median_std_bps)},
                        {"median_multiple", o.median_multiple},
                        {"features", oref.features},
                        {"distance_squared", number(ov.distance_squared)},
                        {"distance_threshold", number(ov.distance_threshold)},
                        {"training_share_beyond", number(oref.training_share_beyond)},
                        {"largest_deviations",
                         [&] {
                           ordered_json all = ordered_json::array();
                           for (const auto& [name, z] : ov.deviations) all.push_back({{"feature", name}, {"sd", z}});
                           return all;
                         }()},
                        {"training_rows", oref.training_rows}}},
                      {"hard_limits",
                       {{"price_collar_bps", o.price_collar_bps},
                        {"max_child_quantity", number(o.max_child_quantity)},
                        {"max_child_value", number(o.max_child_value)}}},
                      {"notes", ov.notes},
                      {"strategies", rows}};
  }
  const simulation_context& sim = in.simulation;
  if (!sim.strategies.empty()) {
    ordered_json rows = ordered_json::array();
    for (const simulated_strategy& s : sim.strategies) {
      const fp::simulated_execution& r = s.result;
      rows.push_back(
          {{"name", s.name},
           {"children", std::string(fp::to_string(r.order_type))},
           {"expected_bps", number(r.expected_bps)},
           {"std_bps", number(r.std_bps)},
           {"quantiles_bps", {{"p05", number(r.q05_bps)}, {"p50", number(r.q50_bps)}, {"p95", number(r.q95_bps)}}},
           {"exceedance_probability", number(r.p_exceed)},
           {"fill_rate", number(r.fill_rate.mean())},
           {"passive_share", number(r.passive_share.mean())},
           {"impact_at_end_bps", number(r.mean_path_bps[r.mean_path_bps.size() / 2])}});
    }
    doc["simulation"] = {{"model", sim.model},         {"description", sim.description},
                         {"tick_size", sim.tick_size}, {"lot", sim.lot},
                         {"paths", sim.paths},         {"notes", sim.notes},
                         {"strategies", rows}};
  }

  if (!o.json_path.empty()) {
    if (o.json_path == "-") {
      std::cout << doc.dump(2) << '\n' << std::flush;
      if (!std::cout) throw fp::data_error("stdout", 0, 0, "", "writing the JSON report failed");
      return 0;
    }
    std::ofstream f(o.json_path);
    if (!f) throw fp::data_error(o.json_path, 0, 0, "", "cannot open the file for writing");
    f << doc.dump(2) << '\n';
    if (!f) throw fp::data_error(o.json_path, 0, 0, "", "write failed");
  }

  std::printf("footprint-pretrade %s: pre-trade impact report\n\n", std::string(fp::version_string).c_str());
  if (!rep.loaded_from.empty())
    std::printf("Saved     %s: the analysis fitted on the data below (no data read, nothing fitted now)\n",
                rep.loaded_from.c_str());
  std::printf("Data      %s\n", c.source_description.c_str());
  for (const std::string& f : c.files) std::printf("          %s\n", f.c_str());
  std::printf("          %.0f s of data, %zu market orders (%ld labelled, %ld metaorders), ADV %.6g %s\n",
              c.span_seconds, c.market_orders, static_cast<long>(c.labelled_orders), static_cast<long>(c.metaorders),
              adv, unit.c_str());
  if (c.rows_skipped > 0)
    std::printf("          %zu malformed rows skipped (--lenient; without it the first stops the run)\n",
                c.rows_skipped);
  std::printf("Instrument %s (%s): %s, lot %.6g, tick %.6g %s", ins.symbol.c_str(), ins.venue.c_str(), unit.c_str(),
              ins.lot_size, ins.tick_size, ins.quote_currency.c_str());
  if (ins.contract_multiplier != 1.0 || ins.inverse)
    std::printf(", multiplier %.6g%s", ins.contract_multiplier,
                ins.inverse ? (" " + ins.quote_currency + " per contract (inverse)").c_str() : "");
  std::printf("\nOrder     %s %.6g %s (%.6g %s) over %.0f s; %.3f%% of ADV; threshold %.2f bps\n", o.side.c_str(),
              quantity, unit.c_str(), a.notional, ins.quote_currency.c_str(), horizon_seconds, 100.0 * quantity / adv,
              a.order.threshold_bps);
  std::printf("\nMarket at arrival (the end of the data)\n");
  std::printf("  mid %.6g, spread %.6g (%.2f bps), best bid depth %.6g, best ask depth %.6g\n", state.mid, state.spread,
              1e4 * state.spread / state.mid, state.bid_depth, state.ask_depth);
  std::printf("  queue imbalance %+.3f, volatility %.3g per sqrt(s) = %.1f bps over the horizon\n",
              feature("queue_imbalance"), state.volatility, 1e4 * state.volatility * std::sqrt(horizon_seconds));
  if (!imputed.empty()) {
    std::printf("  undefined now, set to their training mean:");
    for (const auto& name : imputed) std::printf(" %s", name.c_str());
    std::printf("\n");
  }
  std::printf("\nModel     %s\n", c.model_description.c_str());
  std::printf(
      "          cost of one market order (shortfall_bps), %ld features; %ld labelled orders (%ld left out for a\n"
      "          missing feature), trained on the first %ld, tested on the last %ld\n",
      static_cast<long>(c.design_features.size()), static_cast<long>(c.rows), static_cast<long>(c.excluded),
      static_cast<long>(c.train_rows), static_cast<long>(c.test_rows));
  std::printf("  held out     RMSE bps  MAE bps      R^2  CRPS bps  90%% cover  pinball 5%%  pinball 95%%\n");
  for (const metrics& m : c.held_out) {
    std::printf("  %-10s %10.3f %8.3f %8.4f %9.3f %10.3f %11.4f %12.4f\n", m.model.c_str(), m.rmse, m.mae, m.r2, m.crps,
                m.coverage_90, m.pinball_05, m.pinball_95);
  }
  std::printf("  strategies priced with: %s\n", c.priced_with.c_str());
  std::printf(
      "  refitted on every order; at the median order (%.6g %s) now it predicts %.3f +- %.3f bps, the book\n"
      "  walk %.3f: the model adds %+.3f bps to every child's book walk%s\n",
      a.reference_quantity, unit.c_str(), a.model_expected_bps, a.model_std_bps, a.book_walk_bps, a.model_bias_bps,
      a.bias_floored ? " (floored at minus the half spread)" : "");
  std::printf("\nImpact\n");
  std::printf("  transient  %s\n", c.kernel_message.c_str());
  std::printf("             used G0 %.4g +- %.2g bps per unit of (q/V)^%.2g, tau %.4g +- %.2g s\n", im.transient.g0,
              im.g0_std_error, im.transient.delta, im.transient.tau, im.scale_std_error);
  std::printf("  permanent  square-root law on %ld metaorders (mid move %.0f s after the last fill)\n",
              static_cast<long>(c.permanent_rows), c.permanent_horizon_seconds);
  std::printf("             %s\n", im.permanent.message.c_str());
  std::printf("\nStrategies (bps of the arrival mid; P = probability that the total exceeds %.2f bps)\n",
              a.order.threshold_bps);
  if (a.calibration.conformal)
    std::printf("  p05, p95 and P are conformal: the engine's residuals on %ld real metaorders (%s)\n",
                static_cast<long>(a.calibration.scores), a.calibration.source.c_str());
  std::printf("  %-11s %9s %9s %9s %9s %12s %8s %8s %8s %6s %8s %9s\n", "strategy", "temporary", "permanent", "total",
              "std", ins.quote_currency.c_str(), "p05", "p95", "P", "N", "duration", "particip.");
  for (const fp::pretrade_strategy& s : a.strategies) {
    const fp::schedule_forecast& f = s.forecast;
    std::printf("  %-11s %9.3f %9.3f %9.3f %9.3f %12.6g %8.3f %8.3f %8.3f %6ld %7.0fs %8.2f%%\n", s.name.c_str(),
                f.temporary_bps, f.permanent_bps, f.expected_bps, f.std_bps, s.total_currency, f.p05_bps, f.p95_bps,
                f.exceedance_probability, static_cast<long>(s.quantities.size()), s.duration_seconds,
                100.0 * s.participation);
  }
  if (synthetic) {
    std::printf("  truth (temporary + permanent):");
    for (const ordered_json& item : js) {
      std::printf(" %s %.3f + %.3f;", item["name"].get<std::string>().c_str(),
                  item["truth"]["temporary_bps"].get<double>(), item["truth"]["permanent_bps"].get<double>());
    }
    std::printf("\n");
  }
  if (!sim.strategies.empty()) {
    std::printf("\nSimulated (%zu executions each in the %s; market children unless named; bps of the arrival mid)\n",
                sim.paths, sim.description.c_str());
    std::printf("  %-13s %9s %9s %9s %9s %8s %8s %8s | %9s %9s\n", "strategy", "total", "std", "p05", "p95", "P",
                "fill", "passive", "analytic", "std");
    for (const simulated_strategy& s : sim.strategies) {
      const fp::simulated_execution& r = s.result;
      double analytic = fp::nan, analytic_std = fp::nan;
      for (const fp::pretrade_strategy& x : a.strategies)
        if (x.name == s.name) {
          analytic = x.forecast.expected_bps;
          analytic_std = x.forecast.std_bps;
        }
      // '-' where the report has no analytic figure (the passive limit-order strategy)
      std::printf("  %-13s %9.3f %9.3f %9.3f %9.3f %8.3f %8.3f %8.3f | %s %s\n", s.name.c_str(), r.expected_bps,
                  r.std_bps, r.q05_bps, r.q95_bps, r.p_exceed, r.fill_rate.mean(), r.passive_share.mean(),
                  apps::text_cell(analytic, 9, 3).c_str(), apps::text_cell(analytic_std, 9, 3).c_str());
    }
    for (const std::string& n : sim.notes) std::printf("  note: %s\n", n.c_str());
  }
  if (!ov.strategies.empty()) {
    std::printf("\nRisk overlay (docs/risk-overlay.md): the verdict on each strategy before it is sent\n");
    if (std::isfinite(oref.median_std_bps))
      std::printf("  model sd now %.3f bps against %.3f x its training median %.3f bps\n", ov.std_bps,
                  o.median_multiple, oref.median_std_bps);
    if (std::isfinite(ov.distance_squared))
      std::printf(
          "  arrival features (%zu): squared Mahalanobis distance %.2f against the chi-square 99%% point %.2f\n"
          "  (%.1f%% of the %ld training orders are beyond it)\n",
          oref.features.size(), ov.distance_squared, ov.distance_threshold, 100.0 * oref.training_share_beyond,
          static_cast<long>(oref.training_rows));
    if (!ov.deviations.empty()) {
      std::printf("  furthest from their training mean:");
      for (std::size_t j = 0; j < ov.deviations.size(); ++j)
        std::printf("%s %s %+.1f sd", j == 0 ? "" : ",", ov.deviations[j].first.c_str(), ov.deviations[j].second);
      std::printf("\n");
    }
    // "none" for a limit that is not set (infinite), not "inf"
    const auto limit = [](double v, const std::string& u) {
      if (!std::isfinite(v)) return std::string("none");
      char text[64];
      std::snprintf(text, sizeof text, "%.6g %s", v, u.c_str());
      return std::string(text);
    };
    std::printf("  hard limits: price collar %s, max child %s, max child value %s\n",
                limit(o.price_collar_bps, "bps").c_str(), limit(o.max_child_quantity, unit).c_str(),
                limit(o.max_child_value, ins.quote_currency).c_str());
    for (const overlay_verdict& v : ov.strategies) {
      std::string why;
      for (const std::string& r : reason_names(v.reasons)) why += (why.empty() ? "" : ", ") + r;
      std::printf("  %-11s %s%s%s%s\n", v.name.c_str(), v.action.c_str(), why.empty() ? "" : " (", why.c_str(),
                  why.empty() ? "" : ")");
    }
    for (const std::string& n : ov.notes) std::printf("  note: %s\n", n.c_str());
  }
  const fp::pretrade_strategy& best = a.strategies.back();
  std::printf("\nOptimal schedule (lambda %.3g per %s): %s\n", a.order.lambda, ins.quote_currency.c_str(),
              best.description.c_str());
  std::printf("  %10s %12s %12s %12s\n", "time s", "quantity", "remaining", "expected bps");
  double left = quantity;
  for (fp::index j = 0; j < best.quantities.size(); ++j) {
    left -= best.quantities[j];
    std::printf("  %10.1f %12.6g %12.6g %12.3f\n", best.times[j], best.quantities[j], std::max(left, 0.0),
                best.forecast.child_bps[static_cast<std::size_t>(j)]);
  }
  if (!a.warnings.empty()) {
    std::printf("\nWarnings\n");
    for (const fp::pretrade_warning& w : a.warnings)
      std::printf("  %s: %s\n", std::string(fp::to_string(w.code)).c_str(), w.message.c_str());
  }
  // A report that did not reach its reader (a full disk, a closed pipe) is a failure, not exit 0.
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    throw fp::data_error("stdout", 0, 0, "", "writing the report failed");
  return 0;
}

}  // namespace pretrade
