// footprint-pretrade: the report, as text and as JSON (docs/pretrade.md documents both).
#include "pretrade.hpp"

#include <footprint/detail/random.hpp>
#include <footprint/version.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace pretrade {
namespace {

using json = nlohmann::ordered_json;

json estimate_json(const fp::parameter_estimate& e) {
  return json{{"value", e.value}, {"std_error", e.std_error}, {"robust_std_error", e.robust_std_error}};
}

json metrics_json(const metrics& m) {
  return json{{"model", m.model},
              {"rmse_bps", m.rmse},
              {"mae_bps", m.mae},
              {"r2", m.r2},
              {"crps_bps", m.crps},
              {"nlpd", std::isfinite(m.nlpd) ? json(m.nlpd) : json()},
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

}  // namespace

int write_report(const report& rep) {
  const options& o = *rep.o;
  const source_data& src = *rep.src;
  const fp::impact_pipeline_result& r = src.result;
  const fp::market_state& state = r.state;
  const training_data& t = *rep.t;
  const auto train = t.split.train;
  const auto test = t.split.test;
  const std::vector<metrics>& held_out = rep.held_out;
  const calibration& cal = rep.cal;
  const std::vector<schedule_result>& schedules = rep.schedules;
  const std::vector<double>& arrival = rep.arrival;
  const std::vector<std::string>& imputed = rep.imputed;
  const std::string& model_description = rep.model_description;
  const double quantity = rep.quantity, horizon_seconds = rep.horizon_seconds, tau = rep.tau, adv = rep.adv;
  const double gamma = rep.gamma, eta = rep.eta, sigma_price = rep.sigma_price;
  const std::string& eta_source = rep.eta_source;
  const fp::index n = rep.n;

  json doc;
  doc["footprint_version"] = std::string(fp::version_string);
  doc["source"] = {{"kind", src.kind},
                   {"description", src.description},
                   {"files", src.files},
                   {"span_seconds", r.summary.span_seconds},
                   {"events", r.summary.events},
                   {"market_orders", r.summary.market_orders},
                   {"labelled_orders", r.orders.rows()},
                   {"metaorders", r.metaorders.rows()},
                   {"daily_volume", adv}};
  doc["order"] = {{"side", o.side},
                  {"quantity", quantity},
                  {"horizon_seconds", horizon_seconds},
                  {"intervals", n},
                  {"interval_seconds", tau},
                  {"threshold_bps", o.threshold_bps},
                  {"participation", quantity / adv},
                  {"lambda", o.lambda}};
  const auto feature = [&](const std::string& name) {
    for (std::size_t j = 0; j < r.orders.feature_names.size() && j < arrival.size(); ++j) {
      if (r.orders.feature_names[j] == name) return arrival[j];
    }
    return fp::nan;
  };
  doc["market_state"] = {{"time_ns", state.time.count()},
                         {"mid", state.mid},
                         {"spread", state.spread},
                         {"spread_bps", 1e4 * state.spread / state.mid},
                         {"bid_depth", state.bid_depth},
                         {"ask_depth", state.ask_depth},
                         {"queue_imbalance", feature("queue_imbalance")},
                         {"volatility_per_sqrt_second", state.volatility},
                         {"volatility_over_horizon_bps", 1e4 * state.volatility * std::sqrt(horizon_seconds)},
                         {"imputed_features", imputed}};
  doc["model"] = {{"name", o.model},
                  {"description", model_description},
                  {"label", "shortfall_bps of one market order"},
                  {"features", t.design.names()},
                  {"rows", t.rows.size()},
                  {"rows_excluded_for_nan_features", t.excluded},
                  {"train_rows", train.size()},
                  {"test_rows", test.size()},
                  {"held_out", metrics_json(held_out.front())},
                  {"baseline_held_out", metrics_json(rep.baseline)},
                  {"comparison", [&] {
                     json all = json::array();
                     for (const metrics& m : held_out) all.push_back(metrics_json(m));
                     return all;
                   }()}};
  json calib = {
      {"rows", cal.rows},
      {"excluded_rows", cal.excluded_rows},
      {"permanent_horizon_seconds", 300},
      {"gamma", estimate_json(cal.gamma)},
      {"eta", estimate_json(cal.eta)},
      {"epsilon", estimate_json(cal.epsilon)},
      {"permanent_r2", cal.permanent_r2},
      {"temporary_r2", cal.temporary_r2},
      {"used",
       {{"gamma", gamma}, {"eta", eta}, {"eta_source", eta_source}, {"epsilon", rep.epsilon}, {"sigma", sigma_price}}}};
  if (src.kind == "synthetic") {
    calib["truth"] = {
        {"gamma", synthetic_market.gamma},
        {"epsilon", 0.5 * synthetic_market.tick},
        {"gamma_error_in_robust_std_errors", (cal.gamma.value - synthetic_market.gamma) / cal.gamma.robust_std_error}};
  }
  doc["almgren_chriss"] = calib;
  json js = json::array();
  for (const schedule_result& s : schedules) {
    json children = json::array();
    for (fp::index j = 0; j < s.trades.size(); ++j) {
      children.push_back({{"time_seconds", s.times[j]}, {"quantity", s.trades[j]}, {"remaining", s.holdings[j]}});
    }
    json item = {{"name", s.name},
                 {"description", s.description},
                 {"lambda", s.lambda},
                 {"half_life_seconds", std::isfinite(s.half_life_seconds) ? json(s.half_life_seconds) : json()},
                 {"temporary_bps", s.cost.temporary_bps},
                 {"permanent_bps", s.cost.permanent_bps},
                 {"permanent_std_error_bps",
                  gamma > 0.0 ? json(s.cost.permanent_bps * cal.gamma.robust_std_error / gamma) : json()},
                 {"total_bps", s.cost.expected_bps},
                 {"temporary_std_bps", s.cost.temporary_std_bps},
                 {"price_risk_std_bps", s.cost.price_risk_std_bps},
                 {"total_std_bps", s.cost.std_bps},
                 {"exceedance_probability", s.cost.exceedance_probability},
                 {"children", children}};
    if (src.kind == "synthetic") {
      // The true expected cost in the synthetic market: half a tick plus the book walk per
      // child, and gamma on the shares before it.
      double temp = 0.0;
      for (fp::index j = 0; j < s.trades.size(); ++j) {
        if (s.trades[j] > 0)
          temp += s.trades[j] / quantity * (0.5 + synthetic_walk_ticks(s.trades[j], synthetic_market)) *
                  synthetic_market.tick;
      }
      const double perm = 0.5 * synthetic_market.gamma * (quantity * quantity - s.trades.squaredNorm()) / quantity;
      item["truth"] = {{"temporary_bps", 1e4 * temp / state.mid}, {"permanent_bps", 1e4 * perm / state.mid}};
    }
    js.push_back(item);
  }
  doc["schedules"] = js;

  if (!o.json_path.empty()) {
    if (o.json_path == "-") {
      std::cout << doc.dump(2) << '\n';
      return 0;
    }
    std::ofstream f(o.json_path);
    if (!f) throw fp::data_error(o.json_path, 0, 0, "", "cannot open the file for writing");
    f << doc.dump(2) << '\n';
    if (!f) throw fp::data_error(o.json_path, 0, 0, "", "write failed");
  }

  std::printf("footprint-pretrade %s: pre-trade impact report\n\n", std::string(fp::version_string).c_str());
  std::printf("Data      %s\n", src.description.c_str());
  for (const std::string& f : src.files) std::printf("          %s\n", f.c_str());
  std::printf("          %.0f s of data, %zu market orders (%ld labelled, %ld metaorders), ADV %.6g\n",
              r.summary.span_seconds, r.summary.market_orders, static_cast<long>(r.orders.rows()),
              static_cast<long>(r.metaorders.rows()), adv);
  std::printf("Order     %s %.6g over %.0f s: %ld children every %.1f s; %.3f%% of ADV; threshold %.2f bps\n",
              o.side.c_str(), quantity, horizon_seconds, static_cast<long>(n), tau, 100.0 * quantity / adv,
              o.threshold_bps);
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
  std::printf("\nModel     %s\n", model_description.c_str());
  std::printf(
      "          cost of one market order (shortfall_bps), %ld features; %ld labelled orders (%ld left out for a\n"
      "          missing feature), trained on the first %ld, tested on the last %ld\n",
      static_cast<long>(t.design.size()), static_cast<long>(t.rows.size()), static_cast<long>(t.excluded),
      static_cast<long>(train.size()), static_cast<long>(test.size()));
  std::printf("  held out     RMSE bps  MAE bps      R^2  CRPS bps  90%% cover  pinball 5%%  pinball 95%%\n");
  for (const metrics& m : held_out) {
    std::printf("  %-10s %10.3f %8.3f %8.4f %9.3f %10.3f %11.4f %12.4f\n", m.model.c_str(), m.rmse, m.mae, m.r2, m.crps,
                m.coverage_90, m.pinball_05, m.pinball_95);
  }
  std::printf("\nAlmgren-Chriss (%zu metaorders, %zu left out; permanent impact 300 s after the last fill)\n", cal.rows,
              cal.excluded_rows);
  std::printf("  gamma   %.4e +- %.2e (HC1)  per share per share\n", cal.gamma.value, cal.gamma.robust_std_error);
  std::printf("  eta     %.4e +- %.2e (HC1)  per share per (share/s); used %.4e from the %s\n", cal.eta.value,
              cal.eta.robust_std_error, eta, eta_source.c_str());
  std::printf("  epsilon %.4e +- %.2e (HC1)  per share\n", cal.epsilon.value, cal.epsilon.robust_std_error);
  if (src.kind == "synthetic") {
    std::printf("  truth   gamma %.1e: the estimate is %.2f standard errors away\n", synthetic_market.gamma,
                (cal.gamma.value - synthetic_market.gamma) / cal.gamma.robust_std_error);
  }
  std::printf("\nSchedules (bps of the arrival mid; P = probability that the total exceeds %.2f bps)\n",
              o.threshold_bps);
  std::printf("  %-11s %10s %10s %10s %9s %7s   %s\n", "schedule", "temporary", "permanent", "total", "std", "P",
              "first child");
  for (const schedule_result& s : schedules) {
    std::printf("  %-11s %10.3f %10.3f %10.3f %9.3f %7.3f   %.6g (%.0f%%)\n", s.name.c_str(), s.cost.temporary_bps,
                s.cost.permanent_bps, s.cost.expected_bps, s.cost.std_bps, s.cost.exceedance_probability, s.trades[0],
                100.0 * s.trades[0] / quantity);
  }
  if (src.kind == "synthetic") {
    std::printf("  truth      ");
    for (const json& item : js) {
      std::printf(" %s %.3f + %.3f;", item["name"].get<std::string>().c_str(),
                  item["truth"]["temporary_bps"].get<double>(), item["truth"]["permanent_bps"].get<double>());
    }
    std::printf("\n");
  }
  const schedule_result& best = schedules.back();
  std::printf("\nOptimal schedule (lambda %.3g per unit of currency", o.lambda);
  if (std::isfinite(best.half_life_seconds)) std::printf(", half-life %.0f s", best.half_life_seconds);
  std::printf(")\n  %10s %12s %12s\n", "time s", "quantity", "remaining");
  for (fp::index j = 0; j < best.trades.size(); ++j) {
    std::printf("  %10.1f %12.6g %12.6g\n", best.times[j], best.trades[j], best.holdings[j]);
  }
  return 0;
}

}  // namespace pretrade
