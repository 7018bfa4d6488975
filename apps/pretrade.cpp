// footprint-pretrade: the pre-trade impact report.
//
// "If I buy or sell Q over horizon T now, what will it cost, and how likely is it to exceed
// my limit?" Loads market data (LOBSTER, Binance, Bitstamp, or a built-in synthetic market
// whose true impact is known), builds the labelled impact dataset, fits a cost model for one
// market order on the earlier part of the data and scores it on the later part, calibrates
// Almgren-Chriss on the metaorders, then prices four schedules of the order (aggressive,
// balanced, passive and the Almgren-Chriss optimum for --lambda). docs/pretrade.md explains
// every number; `footprint-pretrade --help` lists the options.
#include <footprint/data/binance_dataset.hpp>
#include <footprint/data/bitstamp_dataset.hpp>
#include <footprint/data/impact_pipeline.hpp>
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/order_design.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/detail/concat.hpp>
#include <footprint/detail/random.hpp>
#include <footprint/execution/almgren_chriss.hpp>
#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/impact/dataset_observations.hpp>
#include <footprint/execution/schedule_cost.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/neural/deep_ensemble.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/models/trees/random_forest.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/validation/metrics.hpp>
#include <footprint/validation/split.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace fp = footprint;
using json = nlohmann::ordered_json;

namespace {

// ---------------------------------------------------------------------------------------
// Options and progress
// ---------------------------------------------------------------------------------------

struct options {
  std::vector<std::string> lobster;  // MESSAGE ORDERBOOK
  std::vector<std::string> binance;  // one or more captures, in time order
  std::string bitstamp;              // folder with depth20_snapshots.csv.gz and trades.csv
  std::string side = "buy";
  std::optional<double> quantity;
  std::string horizon = "10m";
  double threshold_bps = 10.0;
  double lambda = 1e-6;
  fp::index intervals = 10;
  std::string model = "bayes";
  double train_fraction = 0.7;
  std::string json_path;
  bool quiet = false;
};

class progress {
 public:
  explicit progress(bool quiet) : quiet_(quiet) {}
  void start(const std::string& what) {
    what_ = what;
    t0_ = std::chrono::steady_clock::now();
    if (!quiet_) std::fprintf(stderr, "footprint-pretrade: %s ...\n", what.c_str());
  }
  void done() {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (!quiet_) std::fprintf(stderr, "footprint-pretrade: %s: done in %.1f s\n", what_.c_str(), s);
  }

 private:
  bool quiet_;
  std::string what_;
  std::chrono::steady_clock::time_point t0_;
};

// "600", "90s", "30m", "2h" -> seconds.
double parse_horizon(const std::string& text) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw fp::invalid_argument("--horizon: expected seconds or a number with s, m or h (got '" + text + "')");
  }
  const std::string unit = text.substr(used);
  double scale = 0.0;
  if (unit.empty() || unit == "s") scale = 1.0;
  else if (unit == "m") scale = 60.0;
  else if (unit == "h") scale = 3600.0;
  if (scale == 0.0) throw fp::invalid_argument("--horizon: unknown unit '" + unit + "' in '" + text + "' (use s, m or h)");
  if (!(value > 0.0) || !std::isfinite(value)) throw fp::invalid_argument("--horizon: must be > 0 (got '" + text + "')");
  return value * scale;
}

// ---------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------

// The built-in market: a 6.5-hour day with planted impact strong enough to be measured.
constexpr fp::synthetic_market_params synthetic_market{.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};

struct source_data {
  std::string kind;         // "synthetic", "lobster", "binance", "bitstamp"
  std::string description;  // for people
  std::vector<std::string> files;
  fp::impact_pipeline_result result;
};

source_data load(const options& o) {
  source_data s;
  if (!o.lobster.empty()) {
    s.kind = "lobster";
    s.description = "LOBSTER message and order book files";
    s.files = o.lobster;
    s.result = fp::lobster_dataset(o.lobster[0], o.lobster[1]);
  } else if (!o.binance.empty()) {
    s.kind = "binance";
    s.description = "Binance capture (depth, bookTicker and trade streams)";
    s.files = o.binance;
    s.result = fp::binance_dataset(o.binance);
  } else if (!o.bitstamp.empty()) {
    s.kind = "bitstamp";
    s.description = "Bitstamp depth-20 snapshots and trades";
    s.files = {o.bitstamp};
    s.result = fp::bitstamp_dataset(o.bitstamp);
  } else {
    s.kind = "synthetic";
    s.description = "built-in synthetic market (seed 20240809, 6.5 hours; true gamma 1e-5, beta 2e-5 USD per share)";
    s.result = fp::synthetic_dataset(synthetic_market);
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// The cost model of one market order
// ---------------------------------------------------------------------------------------

struct metrics {
  std::string model;
  double rmse = fp::nan, mae = fp::nan, r2 = fp::nan, crps = fp::nan, coverage_90 = fp::nan, pinball_05 = fp::nan,
         pinball_95 = fp::nan, nlpd = fp::nan;
};

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

// Column means and standard deviations of the training rows: the models see standardised
// columns (the evidence prior of the Bayesian model is one precision for all weights).
struct scaler {
  fp::vector mean, scale;
  explicit scaler(const fp::matrix& X) {
    mean = X.colwise().mean().transpose();
    scale = ((X.rowwise() - mean.transpose()).array().square().colwise().mean()).sqrt().transpose();
    for (fp::index j = 0; j < scale.size(); ++j) {
      if (!(scale[j] > 0.0)) scale[j] = 1.0;
    }
  }
  [[nodiscard]] fp::matrix apply(const fp::matrix& X) const {
    return ((X.rowwise() - mean.transpose()).array().rowwise() / scale.transpose().array()).matrix();
  }
};

struct training_data {
  fp::order_design design;
  std::vector<fp::index> rows;  // dataset rows used (finite label and features), in time order
  fp::index excluded = 0;       // labelled orders left out for a NaN feature
  fp::matrix X;                 // design rows, raw
  fp::vector y;                 // shortfall_bps
  fp::time_split split;
};

training_data make_training_data(const fp::impact_dataset& d, double train_fraction) {
  training_data t{.design = fp::order_design(d.feature_names)};
  const fp::vector label = d.label("shortfall_bps");
  std::vector<fp::index> all(static_cast<std::size_t>(d.rows()));
  for (fp::index i = 0; i < d.rows(); ++i) all[static_cast<std::size_t>(i)] = i;
  const fp::matrix X_all = t.design.rows(d, all);
  for (fp::index i = 0; i < d.rows(); ++i) {
    if (std::isfinite(label[i]) && X_all.row(i).allFinite()) t.rows.push_back(i);
  }
  t.excluded = d.rows() - static_cast<fp::index>(t.rows.size());
  if (t.rows.size() < 50) {
    throw fp::invalid_argument("the data has " + std::to_string(t.rows.size()) +
                               " labelled market orders with complete features; at least 50 are needed");
  }
  t.X.resize(static_cast<fp::index>(t.rows.size()), t.design.size());
  t.y.resize(t.X.rows());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    t.X.row(static_cast<fp::index>(r)) = X_all.row(t.rows[r]);
    t.y[static_cast<fp::index>(r)] = label[t.rows[r]];
  }
  std::vector<std::chrono::nanoseconds> times;
  for (const fp::index i : t.rows) times.push_back(d.times[static_cast<std::size_t>(i)]);
  t.split = fp::time_ordered_split(times, {.train_fraction = train_fraction});
  return t;
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

struct schedule_result {
  std::string name;
  std::string description;
  double lambda = 0.0;
  double half_life_seconds = fp::nan;
  fp::vector times;    // seconds from now, one per child
  fp::vector trades;   // shares per child
  fp::vector holdings; // shares left after each child
  fp::schedule_cost cost;
};

json estimate_json(const fp::parameter_estimate& e) {
  return json{{"value", e.value}, {"std_error", e.std_error}, {"robust_std_error", e.robust_std_error}};
}

json metrics_json(const metrics& m) {
  return json{{"model", m.model},          {"rmse_bps", m.rmse},          {"mae_bps", m.mae},
              {"r2", m.r2},                {"crps_bps", m.crps},          {"nlpd", std::isfinite(m.nlpd) ? json(m.nlpd) : json()},
              {"coverage_90", m.coverage_90}, {"pinball_05_bps", m.pinball_05}, {"pinball_95_bps", m.pinball_95}};
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

template <class Model>
int run(const options& o, double horizon_seconds, const source_data& src, progress& prog, Model model,
        const std::string& model_description) {
  const fp::impact_pipeline_result& r = src.result;
  const fp::market_state& state = r.state;
  const fp::side side = o.side == "buy" ? fp::side::buy : fp::side::sell;
  if (horizon_seconds > r.summary.span_seconds) {
    throw fp::invalid_argument(fp::detail::concat("--horizon ", o.horizon, " (", horizon_seconds, " s) is longer than the data (",
                                                  r.summary.span_seconds, " s)"));
  }
  if (!(state.mid > 0.0) || !(state.volatility > 0.0)) {
    throw fp::invalid_argument("the data ends without a two-sided book or a measurable volatility");
  }
  const double adv = r.orders.daily_volume;
  const double quantity = o.quantity.value_or(std::max(1.0, std::round(0.002 * adv)));

  // 1. The cost model of one market order: fit on the earlier part, score on the later.
  prog.start("fitting the " + o.model + " model");
  training_data t = make_training_data(r.orders, o.train_fraction);
  const auto train = t.split.train;
  const auto test = t.split.test;
  const scaler sc(t.X.middleRows(train.begin, train.size()));
  const fp::matrix Xs = sc.apply(t.X);
  const fp::matrix X_train = Xs.middleRows(train.begin, train.size());
  const fp::vector y_train = t.y.segment(train.begin, train.size());
  const fp::matrix X_test = Xs.middleRows(test.begin, test.size());
  const fp::vector y_test = t.y.segment(test.begin, test.size());
  fp::ols baseline;
  baseline.fit(X_train, y_train);
  const metrics base_metrics = score("ols", baseline, X_test, y_test);
  model.fit(X_train, y_train);
  std::vector<metrics> held_out{score(o.model, model, X_test, y_test)};
  if (o.model != "bayes") {  // the richer models are shown beside the Bayesian one
    fp::bayesian_linear bayes;
    bayes.fit(X_train, y_train);
    held_out.push_back(score("bayes", bayes, X_test, y_test));
  }
  held_out.push_back(base_metrics);
  const metrics& model_metrics = held_out.front();
  // The forecast uses every row: refit on all of them, with the same scaling.
  model.fit(Xs, t.y);
  prog.done();

  // 2. Almgren-Chriss calibration on the metaorders.
  prog.start("calibrating Almgren-Chriss");
  const fp::dataset_observations obs =
      fp::to_impact_observations(r.metaorders, {.horizon = std::chrono::seconds(300)});
  fp::almgren_chriss_calibration cal({.time_unit = std::chrono::seconds(1)});
  cal.fit(obs.observations);
  prog.done();

  // 3. Child-order cost distributions at the arrival state (the end of the data).
  std::vector<double> arrival(state.features.data(), state.features.data() + state.features.size());
  std::vector<std::string> imputed;
  {
    // A NaN arrival feature (e.g. no trade in the last window) takes the training mean.
    const fp::index na = t.design.arrival_features();
    const auto& names = r.orders.feature_names;
    fp::vector means = fp::vector::Zero(na);
    std::vector<fp::index> counts(static_cast<std::size_t>(na), 0);
    for (fp::index k = train.begin; k < train.end; ++k) {
      const fp::index i = t.rows[static_cast<std::size_t>(k)];
      for (fp::index j = 0; j < na; ++j) {
        if (std::isfinite(r.orders.X(i, j))) {
          means[j] += r.orders.X(i, j);
          ++counts[static_cast<std::size_t>(j)];
        }
      }
    }
    for (fp::index j = 0; j < na; ++j) {
      if (!std::isfinite(arrival[static_cast<std::size_t>(j)])) {
        arrival[static_cast<std::size_t>(j)] = counts[static_cast<std::size_t>(j)] > 0 ? means[j] / static_cast<double>(counts[static_cast<std::size_t>(j)]) : 0.0;
        imputed.push_back(names[static_cast<std::size_t>(j)]);
      }
    }
  }
  const double taken_depth = side == fp::side::buy ? state.ask_depth : state.bid_depth;
  const auto child_costs = [&](const fp::vector& trades) {
    fp::matrix rows(trades.size(), t.design.size());
    std::vector<double> row(static_cast<std::size_t>(t.design.size()));
    for (fp::index j = 0; j < trades.size(); ++j) {
      t.design.order_row(arrival, side, std::max(trades[j], 1e-9 * quantity), taken_depth, adv, row);
      for (fp::index c = 0; c < t.design.size(); ++c) rows(j, c) = row[static_cast<std::size_t>(c)];
    }
    return model.predict_distribution(sc.apply(rows));
  };

  // 4. Almgren-Chriss parameters for the schedules. eta comes from the calibration when it
  //    is significantly positive; else from the model: the slope of a child's expected cost
  //    per share in its size, times the interval (h(v) = eta v = eta n / tau).
  const fp::index n = o.intervals;
  const double tau = horizon_seconds / static_cast<double>(n);
  const double gamma = std::max(cal.gamma().value, 0.0);
  std::string eta_source = "calibration";
  double eta = cal.eta().value;
  if (!(cal.eta().robust_t_stat() > 2.0)) {
    eta_source = "model";
    fp::vector sizes(8);
    for (fp::index k = 0; k < 8; ++k) sizes[k] = quantity / static_cast<double>(n) * std::pow(4.0 * static_cast<double>(n), static_cast<double>(k) / 7.0) / 4.0;
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
                               .epsilon = std::max(cal.epsilon().value, 0.0),
                               .sigma = sigma_price,
                               .lambda = 0.0,
                               .n_intervals = n,
                               .time_unit = std::chrono::seconds(1)});

  // 5. The schedules and their costs.
  prog.start("pricing the schedules");
  std::vector<schedule_result> schedules;
  const auto add = [&](std::string name, std::string description, double lambda) {
    const fp::almgren_chriss m = ac.with_lambda(lambda);
    const fp::almgren_chriss_schedule s = m.schedule(quantity, horizon_seconds);
    schedule_result res{.name = std::move(name), .description = std::move(description), .lambda = lambda};
    res.half_life_seconds = lambda > 0.0 ? m.half_life(horizon_seconds) : fp::nan;
    res.trades = s.trades;
    res.times = s.times.head(n);
    res.holdings = s.holdings.tail(n);
    const auto dists = child_costs(res.trades);
    res.cost = fp::evaluate_schedule(res.trades, tau, std::span(dists),
                                     {.arrival_mid = state.mid, .gamma = gamma, .sigma = sigma_price, .threshold_bps = o.threshold_bps});
    schedules.push_back(std::move(res));
  };
  add("aggressive", "front-loaded: Almgren-Chriss half-life T/10", ac.lambda_for_half_life(horizon_seconds, horizon_seconds / 10.0));
  add("balanced", "Almgren-Chriss half-life T/3", ac.lambda_for_half_life(horizon_seconds, horizon_seconds / 3.0));
  add("passive", "even over the horizon (TWAP, lambda = 0)", 0.0);
  add("optimal", "Almgren-Chriss optimum for --lambda", o.lambda);
  prog.done();

  // 6. Output: the JSON document (documented in docs/pretrade.md), then the text report.
  json doc;
  doc["footprint_version"] = std::string(fp::version_string);
  doc["source"] = {{"kind", src.kind}, {"description", src.description}, {"files", src.files},
                   {"span_seconds", r.summary.span_seconds}, {"events", r.summary.events},
                   {"market_orders", r.summary.market_orders}, {"labelled_orders", r.orders.rows()},
                   {"metaorders", r.metaorders.rows()}, {"daily_volume", adv}};
  doc["order"] = {{"side", o.side}, {"quantity", quantity}, {"horizon_seconds", horizon_seconds},
                  {"intervals", n}, {"interval_seconds", tau}, {"threshold_bps", o.threshold_bps},
                  {"participation", quantity / adv}, {"lambda", o.lambda}};
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
                  {"held_out", metrics_json(model_metrics)},
                  {"baseline_held_out", metrics_json(base_metrics)},
                  {"comparison", [&] {
                     json all = json::array();
                     for (const metrics& m : held_out) all.push_back(metrics_json(m));
                     return all;
                   }()}};
  json calib = {{"rows", obs.rows.size()},
                {"excluded_rows", obs.excluded.size()},
                {"permanent_horizon_seconds", 300},
                {"gamma", estimate_json(cal.gamma())},
                {"eta", estimate_json(cal.eta())},
                {"epsilon", estimate_json(cal.epsilon())},
                {"permanent_r2", cal.permanent_r2()},
                {"temporary_r2", cal.temporary_r2()},
                {"used", {{"gamma", gamma}, {"eta", eta}, {"eta_source", eta_source}, {"epsilon", ac.params().epsilon}, {"sigma", sigma_price}}}};
  if (src.kind == "synthetic") {
    calib["truth"] = {{"gamma", synthetic_market.gamma}, {"epsilon", 0.5 * synthetic_market.tick},
                      {"gamma_error_in_robust_std_errors", (cal.gamma().value - synthetic_market.gamma) / cal.gamma().robust_std_error}};
  }
  doc["almgren_chriss"] = calib;
  json js = json::array();
  for (const schedule_result& s : schedules) {
    json children = json::array();
    for (fp::index j = 0; j < s.trades.size(); ++j) {
      children.push_back({{"time_seconds", s.times[j]}, {"quantity", s.trades[j]}, {"remaining", s.holdings[j]}});
    }
    json item = {{"name", s.name}, {"description", s.description}, {"lambda", s.lambda},
                 {"half_life_seconds", std::isfinite(s.half_life_seconds) ? json(s.half_life_seconds) : json()},
                 {"temporary_bps", s.cost.temporary_bps}, {"permanent_bps", s.cost.permanent_bps},
                 {"permanent_std_error_bps", gamma > 0.0 ? json(s.cost.permanent_bps * cal.gamma().robust_std_error / gamma) : json()},
                 {"total_bps", s.cost.expected_bps}, {"temporary_std_bps", s.cost.temporary_std_bps},
                 {"price_risk_std_bps", s.cost.price_risk_std_bps}, {"total_std_bps", s.cost.std_bps},
                 {"exceedance_probability", s.cost.exceedance_probability}, {"children", children}};
    if (src.kind == "synthetic") {
      // The true expected cost in the synthetic market: half a tick plus the book walk per
      // child, and gamma on the shares before it.
      double temp = 0.0;
      for (fp::index j = 0; j < s.trades.size(); ++j) {
        if (s.trades[j] > 0) temp += s.trades[j] / quantity * (0.5 + synthetic_walk_ticks(s.trades[j], synthetic_market)) * synthetic_market.tick;
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
              o.side.c_str(), quantity, horizon_seconds, static_cast<long>(n), tau, 100.0 * quantity / adv, o.threshold_bps);
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
  std::printf("          cost of one market order (shortfall_bps), %ld features; %ld labelled orders (%ld left out for a\n"
              "          missing feature), trained on the first %ld, tested on the last %ld\n",
              static_cast<long>(t.design.size()), static_cast<long>(t.rows.size()), static_cast<long>(t.excluded),
              static_cast<long>(train.size()), static_cast<long>(test.size()));
  std::printf("  held out     RMSE bps  MAE bps      R^2  CRPS bps  90%% cover  pinball 5%%  pinball 95%%\n");
  for (const metrics& m : held_out) {
    std::printf("  %-10s %10.3f %8.3f %8.4f %9.3f %10.3f %11.4f %12.4f\n", m.model.c_str(), m.rmse, m.mae, m.r2, m.crps,
                m.coverage_90, m.pinball_05, m.pinball_95);
  }
  std::printf("\nAlmgren-Chriss (%zu metaorders, %zu left out; permanent impact 300 s after the last fill)\n",
              obs.rows.size(), obs.excluded.size());
  std::printf("  gamma   %.4e +- %.2e (HC1)  per share per share\n", cal.gamma().value, cal.gamma().robust_std_error);
  std::printf("  eta     %.4e +- %.2e (HC1)  per share per (share/s); used %.4e from the %s\n", cal.eta().value,
              cal.eta().robust_std_error, eta, eta_source.c_str());
  std::printf("  epsilon %.4e +- %.2e (HC1)  per share\n", cal.epsilon().value, cal.epsilon().robust_std_error);
  if (src.kind == "synthetic") {
    std::printf("  truth   gamma %.1e: the estimate is %.2f standard errors away\n", synthetic_market.gamma,
                (cal.gamma().value - synthetic_market.gamma) / cal.gamma().robust_std_error);
  }
  std::printf("\nSchedules (bps of the arrival mid; P = probability that the total exceeds %.2f bps)\n", o.threshold_bps);
  std::printf("  %-11s %10s %10s %10s %9s %7s   %s\n", "schedule", "temporary", "permanent", "total", "std", "P", "first child");
  for (const schedule_result& s : schedules) {
    std::printf("  %-11s %10.3f %10.3f %10.3f %9.3f %7.3f   %.6g (%.0f%%)\n", s.name.c_str(), s.cost.temporary_bps,
                s.cost.permanent_bps, s.cost.expected_bps, s.cost.std_bps, s.cost.exceedance_probability, s.trades[0],
                100.0 * s.trades[0] / quantity);
  }
  if (src.kind == "synthetic") {
    std::printf("  truth      ");
    for (const json& item : js) {
      std::printf(" %s %.3f + %.3f;", item["name"].get<std::string>().c_str(), item["truth"]["temporary_bps"].get<double>(),
                  item["truth"]["permanent_bps"].get<double>());
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

// A CLI11 check for numbers with a lower bound, whose message states the bound plainly.
CLI::Validator at_least(double low, bool strict) {
  return CLI::Validator(
      [low, strict](std::string& text) -> std::string {
        try {
          std::size_t used = 0;
          const double v = std::stod(text, &used);
          if (used == text.size() && std::isfinite(v) && (strict ? v > low : v >= low)) return {};
        } catch (const std::exception&) {
        }
        return fp::detail::concat("must be a number ", strict ? "> " : ">= ", low, " (got '", text, "')");
      },
      strict ? "> 0" : ">= 0", "at_least");
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"footprint-pretrade: the expected cost of a block order (temporary, permanent, total slippage in bps of the "
               "arrival mid), its spread and the probability of exceeding a limit, for four execution schedules. With no "
               "data option it runs on a built-in synthetic market whose true impact is known.",
               "footprint-pretrade"};
  auto* lobster = app.add_option("--lobster", o.lobster, "LOBSTER MESSAGE and ORDERBOOK files")
                      ->expected(2)
                      ->check(CLI::ExistingFile);
  auto* binance = app.add_option("--binance", o.binance, "Binance capture file(s), in time order")
                      ->expected(1, 16)
                      ->check(CLI::ExistingFile);
  auto* bitstamp = app.add_option("--bitstamp", o.bitstamp, "folder with Bitstamp depth20_snapshots.csv.gz and trades.csv")
                       ->check(CLI::ExistingDirectory);
  lobster->excludes(binance)->excludes(bitstamp);
  binance->excludes(bitstamp);
  app.add_option("--side", o.side, "buy or sell")->check(CLI::IsMember({"buy", "sell"}))->capture_default_str();
  app.add_option("--quantity", o.quantity, "order size, shares/contracts/coins (default: 0.2% of the data's ADV)")
      ->check(at_least(0.0, true));
  app.add_option("--horizon", o.horizon, "execution horizon: seconds, or with a unit: 90s, 30m, 2h")->capture_default_str();
  app.add_option("--threshold-bps", o.threshold_bps, "slippage limit for the exceedance probability, bps")
      ->capture_default_str();
  app.add_option("--lambda", o.lambda, "Almgren-Chriss risk aversion of the optimal schedule, per unit of currency")
      ->check(at_least(0.0, false))
      ->capture_default_str();
  app.add_option("--intervals", o.intervals, "child orders per schedule (Almgren-Chriss N)")
      ->check(CLI::Range(fp::index{1}, fp::index{10000}))
      ->capture_default_str();
  app.add_option("--model", o.model, "cost model of one market order")
      ->check(CLI::IsMember({"bayes", "forest", "gbm", "mlp"}))
      ->capture_default_str();
  app.add_option("--train-fraction", o.train_fraction, "share of the labelled orders (the earliest) that train the model")
      ->check(CLI::Range(0.1, 0.95))
      ->capture_default_str();
  app.add_option("--json", o.json_path, "also write the report as JSON to this file ('-' for stdout, instead of the text)");
  app.add_flag("--quiet", o.quiet, "no progress on stderr");
  app.set_version_flag("--version", std::string(fp::version_string));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "footprint-pretrade: error: %s (see --help)\n", e.what());
    return 2;
  }
  try {
    const double horizon = parse_horizon(o.horizon);
    progress prog(o.quiet);
    prog.start("reading the market data");
    const source_data src = load(o);
    prog.done();
    if (o.model == "forest") {
      // A quantile regression forest (Meinshausen 2006): 100 trees on a third of the
      // features per split, leaves of at least 5 orders.
      return run(o, horizon, src, prog,
                 fp::random_forest({.n_estimators = 100, .max_features = 1.0 / 3.0, .min_samples_leaf = 5, .seed = 20240809}),
                 "random_forest (100 trees, max_features 1/3, min_samples_leaf 5; quantile-forest predictive, Meinshausen 2006)");
    }
    if (o.model == "gbm") {
      // Histogram gradient boosting, 200 rounds of depth-4 trees at learning rate 0.05; the
      // predictive distribution joins quantile-loss models at nine levels.
      // The cost may only rise with the order's size: monotone constraints (+1) on the size
      // features, so that a bigger child never looks cheaper (trees do not extrapolate).
      std::vector<int> monotone;
      const fp::order_design design(src.result.orders.feature_names);
      for (const std::string& name : design.names()) {
        const bool size = name == "quantity" || name == "log_quantity" || name == "size_to_depth" || name == "participation";
        monotone.push_back(size ? 1 : 0);
      }
      return run(o, horizon, src, prog,
                 fp::gradient_boosting({.n_estimators = 200,
                                        .learning_rate = 0.05,
                                        .max_depth = 4,
                                        .min_samples_leaf = 5,
                                        .monotone_constraints = monotone,
                                        .quantile_levels = {0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98},
                                        .seed = 20240809}),
                 "gradient_boosting (200 rounds, depth 4, learning rate 0.05, cost monotone in size; predictive quantiles "
                 "from 9 quantile-loss models)");
    }
    if (o.model == "mlp") {
      // Three Gaussian-head networks (64-32, ReLU, Adam), at most 30 epochs with early
      // stopping on 10% of the training rows: a few seconds on these data sets.
      fp::deep_ensemble_params p{.n_estimators = 3, .seed = 20240809};
      p.member.max_epochs = 30;
      p.member.patience = 5;
      if (!o.quiet) {
        p.progress = [](const fp::mlp_progress& e) {
          if (e.epoch % 10 != 0 && e.epoch != 1) return;
          std::fprintf(stderr, "footprint-pretrade: mlp member %ld epoch %ld/%ld: train loss %.4f, validation loss %.4f\n",
                       static_cast<long>(e.member), static_cast<long>(e.epoch), static_cast<long>(e.max_epochs),
                       e.train_loss, e.validation_loss);
        };
      }
      return run(o, horizon, src, prog, fp::deep_ensemble(p),
                 "deep_ensemble of 3 MLPs (64-32 ReLU, Gaussian head; Lakshminarayanan et al. 2017; Gaussian-mixture predictive)");
    }
    return run(o, horizon, src, prog, fp::bayesian_linear{},
               "bayesian_linear (evidence maximisation, as scikit-learn's BayesianRidge; Student-t predictive)");
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::fprintf(stderr, "footprint-pretrade: error: %s\n", what.c_str());
    return 1;
  }
}
