// footprint-monitor: would the monitoring have caught the model going wrong, and what would it
// have done?
//
// Loads market data as footprint-backtest does, runs the same walk-forward backtest of the
// pre-trade engine (fitted on the data known before each fold), and replays its forecasts in
// time order through the library's monitoring: the residual and coverage charts
// (model_monitor), the feature drift of the market orders' arrival features against the
// orders known before the replay (feature_drift_monitor), and the recalibration policy that
// maps each window's alarms to an action. Prints a timeline and writes it as JSON
// (--json; scripts/plot_monitor.py draws it). docs/monitoring.md explains every field.
//
// With --regimes it answers another question instead: does conditioning on the market regime
// improve held-out forecasts of the market orders' impact? Regimes are fitted on the first
// --train-fraction of the orders (a Gaussian HMM on log volatility and log spread, the number
// of regimes by BIC), and a Bayesian linear model with and without them is scored by CRPS on
// the rest, against 1,000 shuffles of the labels (validation/regime_conditioning.hpp).
#include "../common/market_data.hpp"
#include "../common/program.hpp"
#include "../common/walk_forward.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/models/clustering/regime_labels.hpp>
#include <footprint/monitoring/feature_drift_monitor.hpp>
#include <footprint/monitoring/model_monitor.hpp>
#include <footprint/monitoring/recalibration_policy.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>
#include <footprint/validation/regime_conditioning.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;
using json = nlohmann::ordered_json;

// Arrival book levels kept per order: enough for the children the metaorders trade.
constexpr fp::index book_levels = 20;

struct options {
  apps::data_options data;
  apps::walk_forward_options walk;  // --test-from-file, --folds, --initial-fraction, --embargo, --min-children, --draws
  fp::index reference = 0;          // 0: the first fold's metaorders
  fp::index window = 50;
  // Features that trend by construction: a clock, and a price level that walks.
  std::vector<std::string> ignore_features{"session_fraction", "mid"};
  std::string json_path;
  bool quiet = false;
  // --regimes: the regime answer instead of the timeline.
  bool regimes = false;
  double train_fraction = 0.7;
  fp::index permutations = 1000;
  std::uint64_t seed = 0;
  std::string label = "shortfall_bps";
  double calibration_fraction = 0.3;
};

void say(const options& o, const char* text) {
  if (!o.quiet) std::fprintf(stderr, "footprint-monitor: %s\n", text);
}

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

// The engine's forecast of a tested metaorder and its realized cost: the conformal 90%
// interval where the backtest had one, else the raw [p05, p95].
fp::forecast_outcome outcome_of(const fp::backtest_metaorder& m) {
  const fp::backtest_prediction& p = m.predictions[static_cast<std::size_t>(fp::backtest_method::engine)];
  const bool conformal = std::isfinite(p.conformal_low) && std::isfinite(p.conformal_high);
  return {.expected_bps = p.mean_bps,
          .std_bps = p.std_bps,
          .lower_bps = conformal ? p.conformal_low : p.p05_bps,
          .upper_bps = conformal ? p.conformal_high : p.p95_bps,
          .realized_bps = m.realized_bps};
}

// The rows of `orders` (in time order) arriving in [from, to), columns `cols`.
fp::matrix rows_between(const fp::impact_dataset& orders, const std::vector<fp::index>& cols,
                        std::chrono::nanoseconds from, std::chrono::nanoseconds to) {
  const auto lo = std::lower_bound(orders.times.begin(), orders.times.end(), from);
  const auto hi = std::lower_bound(orders.times.begin(), orders.times.end(), to);
  const auto first = static_cast<fp::index>(lo - orders.times.begin());
  const auto n = static_cast<fp::index>(hi - lo);
  fp::matrix X(std::max<fp::index>(n, 0), static_cast<fp::index>(cols.size()));
  for (fp::index i = 0; i < X.rows(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) X(i, static_cast<fp::index>(j)) = orders.X(first + i, cols[j]);
  return X;
}

struct window_result {
  json doc;
  fp::recalibration_action action = fp::recalibration_action::none;
};

int run(const options& o) {
  say(o, "reading the market data ...");
  const apps::market_data d = apps::load_market_data(o.data, book_levels);
  const fp::impact_pipeline_result& r = d.result;
  fp::pretrade_backtest_params p;
  apps::set_walk_forward_params(o.walk, o.data, p);
  say(o, "walking forward (fitting each fold, forecasting each metaorder) ...");
  const fp::backtest_result bt = apps::run_walk_forward(r, p);
  const std::vector<fp::backtest_metaorder>& tested = bt.metaorders;
  if (tested.empty()) throw fp::invalid_argument("the backtest tested no metaorder");

  // The reference: the first fold's forecasts (or the first --reference ones).
  std::size_t n_ref = 0;
  if (o.reference > 0) {
    n_ref = static_cast<std::size_t>(o.reference);
  } else {
    while (n_ref < tested.size() && tested[n_ref].fold == tested.front().fold) ++n_ref;
  }
  if (n_ref >= tested.size()) {
    throw fp::invalid_argument(fp::detail::concat("the reference takes all ", tested.size(),
                                                  " tested metaorders and leaves none to monitor: give --reference "
                                                  "N with N < ",
                                                  tested.size(), ", or --folds >= 2"));
  }
  std::vector<fp::forecast_outcome> outcomes;
  outcomes.reserve(tested.size());
  for (const auto& m : tested) outcomes.push_back(outcome_of(m));
  fp::model_monitor monitor({.miscoverage = bt.alpha});
  monitor.fit(std::span<const fp::forecast_outcome>(outcomes.data(), n_ref));

  // The features: the market orders' arrival features; a column with too few finite values
  // in the reference is left out, and said so.
  const fp::impact_dataset& orders = r.orders;
  // The feature reference: the orders the first model was fitted on (before its fold's cutoff).
  std::chrono::nanoseconds replay_start = tested[n_ref].time;
  for (const fp::backtest_fold& f : bt.folds) {
    if (f.message.empty()) {
      replay_start = f.cutoff;
      break;
    }
  }
  constexpr auto far_past = std::chrono::nanoseconds{std::numeric_limits<std::int64_t>::min()};
  constexpr auto far_future = std::chrono::nanoseconds{std::numeric_limits<std::int64_t>::max()};
  const fp::feature_drift_params feature_params{};
  std::vector<fp::index> cols;
  std::vector<std::string> names;
  json skipped = json::array();
  json ignored = json::array();
  for (const std::string& name : o.ignore_features) {
    if (name.empty() ||
        std::find(orders.feature_names.begin(), orders.feature_names.end(), name) != orders.feature_names.end())
      continue;
    std::string known;
    for (const std::string& f : orders.feature_names) known += (known.empty() ? "" : ", ") + f;
    throw fp::invalid_argument("--ignore-features: no feature '" + name + "' (the features are " + known + ")");
  }
  {
    std::vector<fp::index> all(static_cast<std::size_t>(orders.X.cols()));
    for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<fp::index>(j);
    const fp::matrix ref = rows_between(orders, all, far_past, replay_start);
    for (fp::index j = 0; j < ref.cols(); ++j) {
      const auto finite = (ref.col(j).array() == ref.col(j).array()).count();
      const std::string& fname = orders.feature_names[static_cast<std::size_t>(j)];
      if (std::find(o.ignore_features.begin(), o.ignore_features.end(), fname) != o.ignore_features.end()) {
        ignored.push_back(fname);
      } else if (finite >= feature_params.min_samples) {
        cols.push_back(j);
        names.push_back(orders.feature_names[static_cast<std::size_t>(j)]);
      } else {
        skipped.push_back(orders.feature_names[static_cast<std::size_t>(j)]);
      }
    }
  }
  if (cols.empty()) throw fp::invalid_argument("no feature has 30 finite values in the reference");
  fp::feature_drift_monitor features(feature_params);
  // The limits calibrate on blocks of the reference as long as a window (its orders per
  // metaorder times the window's metaorders).
  const fp::matrix reference_X = rows_between(orders, cols, far_past, replay_start);
  const fp::index ref_orders = reference_X.rows();
  const auto ref_metaorders =
      std::lower_bound(r.metaorders.times.begin(), r.metaorders.times.end(), replay_start) - r.metaorders.times.begin();
  const double orders_per_metaorder = double(ref_orders) / double(std::max<std::ptrdiff_t>(1, ref_metaorders));
  const fp::index block_rows =
      std::max<fp::index>(feature_params.min_samples, std::llround(orders_per_metaorder * double(o.window)));
  features.fit(reference_X, names, block_rows);
  fp::index feature_reference_rows = ref_orders;

  fp::recalibration_policy policy;
  const std::size_t w = static_cast<std::size_t>(o.window);
  json windows = json::array();
  std::array<fp::index, 4> actions{};
  json first_alarm;
  const double t0 = std::chrono::duration<double>(tested[n_ref].time).count();
  const bool text = o.json_path != "-";
  if (text) {
    std::printf("footprint-monitor %s: %s, %zu tested metaorders, reference %zu (%s), windows of %zu\n",
                std::string(fp::version_string).c_str(), d.description.c_str(), tested.size(), n_ref,
                o.reference > 0 ? "--reference" : "the first fold", w);
    std::printf("%4s %9s %5s %4s %9s %6s  %-22s %-34s %s\n", "win", "t+ hours", "fold", "n", "coverage", "mean z",
                "alarms (bias scale cov)", "features drifted (PSI)", "action");
  }
  for (std::size_t start = n_ref, k = 0; start < tested.size(); ++k) {
    // The last window takes the remainder shorter than a window: the drift limits are
    // calibrated on blocks as long as a window, and a remainder of a few metaorders (the GOOG
    // day's last 6) drifted on a dozen features by sampling noise and fell back.
    std::size_t end = std::min(start + w, tested.size());
    if (tested.size() - end < w) end = tested.size();
    int bias = 0, scale = 0, coverage = 0, bias_sign = 0, covered = 0, observed = 0;
    double z_sum = 0.0;
    for (std::size_t i = start; i < end; ++i) {
      const fp::model_alarms a = monitor.update(outcomes[i]);
      bias += a.bias;
      scale += a.scale;
      coverage += a.coverage;
      if (a.bias) bias_sign = a.bias_sign;
      const fp::forecast_outcome& x = outcomes[i];
      if (std::isfinite(x.realized_bps) && x.std_bps > 0) {
        ++observed;
        covered += x.realized_bps >= x.lower_bps && x.realized_bps <= x.upper_bps;
        z_sum += (x.realized_bps - x.expected_bps) / x.std_bps;
      }
    }
    const auto from = tested[start].time;
    const auto to = end < tested.size() ? tested[end].time : far_future;
    const fp::matrix window_X = rows_between(orders, cols, from, to);
    const fp::feature_drift_report fr = features.compute(window_X);
    const fp::model_alarms any{.bias = bias > 0, .scale = scale > 0, .coverage = coverage > 0, .bias_sign = bias_sign};
    const fp::recalibration_action action = policy.decide(any, fr.n_drifted, fr.n_out_of_range, features.n_features());
    ++actions[static_cast<std::size_t>(action)];
    json drifted = json::array();
    std::string drifted_text;
    std::size_t shown = 0;  // drifted features left out of the text line
    for (const auto& f : fr.features) {
      if (!f.is_drifted && !f.is_out_of_range) continue;
      drifted.push_back({{"name", f.name},
                         {"psi", number(f.psi)},
                         {"ks_statistic", number(f.ks_statistic)},
                         {"ks_p_value", number(f.ks_p_value)},
                         {"wasserstein_std", number(f.wasserstein_std)},
                         {"out_of_range_fraction", number(f.out_of_range_fraction)},
                         {"is_drifted", f.is_drifted},
                         {"is_out_of_range", f.is_out_of_range},
                         {"psi_limit", number(f.psi_limit)},
                         {"wasserstein_limit", number(f.wasserstein_limit)},
                         {"range_limit", number(f.range_limit)},
                         {"nan_fraction_reference", number(f.nan_fraction_reference)},
                         {"nan_fraction", number(f.nan_fraction)}});
      ++shown;
      if (drifted_text.size() < 26) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s(%.2f%s)", drifted_text.empty() ? "" : " ", f.name.c_str(), f.psi,
                      f.is_out_of_range ? ",out" : "");
        drifted_text += buf;
        --shown;
      }
    }
    if (shown > 0) drifted_text += fp::detail::concat(" +", shown);
    const double cov = observed > 0 ? double(covered) / observed : fp::nan;
    const double mean_z = observed > 0 ? z_sum / observed : fp::nan;
    const fp::index n_orders = window_X.rows();
    if (first_alarm.is_null() && action != fp::recalibration_action::none) first_alarm = from.count();
    windows.push_back({{"index", k},
                       {"from_ns", from.count()},
                       {"to_ns", tested[end - 1].time.count()},
                       {"fold", tested[start].fold},
                       {"metaorders", end - start},
                       {"coverage", number(cov)},
                       {"mean_z", number(mean_z)},
                       {"alarms", {{"bias", bias}, {"bias_sign", bias_sign}, {"scale", scale}, {"coverage", coverage}}},
                       {"orders", n_orders},
                       {"features_drifted", drifted},
                       {"features_out_of_range", fr.n_out_of_range},
                       {"action", std::string(fp::action_name(action))}});
    if (text) {
      const double hours = (std::chrono::duration<double>(from).count() - t0) / 3600.0;
      std::printf("%4zu %9.3f %5lld %4zu %9.3f %6.2f  %-22s %-34s %s\n", k, hours,
                  static_cast<long long>(tested[start].fold), end - start, cov, mean_z,
                  fp::detail::concat(bias ? (bias_sign > 0 ? "bias+" : "bias-") : "-", " ", scale ? "scale" : "-", " ",
                                     coverage ? "cov" : "-")
                      .c_str(),
                  drifted_text.empty() ? "-" : drifted_text.c_str(), std::string(fp::action_name(action)).c_str());
    }
    // What the replay does after an action (the forecasts themselves are the walk-forward's
    // and do not change): a recalibration restarts the charts; a refit, or the fall-back a
    // refit must follow, also moves the feature reference to the orders known at the window's end.
    if (action != fp::recalibration_action::none) monitor.restart();
    if (action == fp::recalibration_action::refit || action == fp::recalibration_action::fall_back) {
      const fp::matrix ref = rows_between(orders, cols, far_past, to);
      features.fit(ref, names, block_rows);
      feature_reference_rows = ref.rows();
    }
    start = end;
  }
  json doc{{"program", "footprint-monitor"},
           {"version", std::string(fp::version_string)},
           {"source",
            {{"kind", d.kind}, {"description", d.description}, {"files", d.files}, {"symbol", r.instrument.symbol}}},
           {"settings",
            {{"folds", o.walk.folds},
             {"initial_fraction", o.walk.initial_fraction},
             {"test_start_ns", p.test_start ? json(p.test_start->count()) : json()},
             {"embargo_seconds", o.walk.embargo_seconds},
             {"min_children", o.walk.min_children},
             {"draws", o.walk.draws},
             {"window", o.window},
             {"miscoverage", bt.alpha}}},
           {"reference",
            {{"metaorders", n_ref},
             {"from_ns", tested.front().time.count()},
             {"to_ns", tested[n_ref - 1].time.count()},
             {"z_mean", number(monitor.bias_chart().params().mean)},
             {"z_sd", number(monitor.bias_chart().params().sigma)},
             {"orders", ref_orders},
             {"features", names},
             {"features_skipped", skipped},
             {"features_ignored", ignored},
             {"block_orders", block_rows}}},
           {"windows", windows},
           {"summary",
            {{"tested", tested.size()},
             {"windows", windows.size()},
             {"none", actions[0]},
             {"widen_intervals", actions[1]},
             {"refit", actions[2]},
             {"fall_back", actions[3]},
             {"first_action_ns", first_alarm},
             {"feature_reference_orders_at_end", feature_reference_rows}}}};
  if (text) {
    std::printf("actions: none %lld, widen_intervals %lld, refit %lld, fall_back %lld\n",
                static_cast<long long>(actions[0]), static_cast<long long>(actions[1]),
                static_cast<long long>(actions[2]), static_cast<long long>(actions[3]));
  }
  if (text && (std::fflush(stdout) != 0 || std::ferror(stdout))) {
    throw fp::data_error("stdout", 0, 0, "", "cannot write the timeline");
  }
  if (!o.json_path.empty()) apps::write_json(doc, o.json_path);
  return 0;
}

// ---- --regimes: does conditioning on the regime improve held-out impact forecasts?

// Column `name` of the orders' features, or -1.
fp::index column_of(const fp::impact_dataset& orders, const std::string& name) {
  const auto it = std::find(orders.feature_names.begin(), orders.feature_names.end(), name);
  return it == orders.feature_names.end() ? -1 : static_cast<fp::index>(it - orders.feature_names.begin());
}

int run_regimes(const options& o) {
  say(o, "reading the market data ...");
  const apps::market_data d = apps::load_market_data(o.data, book_levels);
  const fp::impact_dataset& orders = d.result.orders;
  // The regime features: the longer realized volatility rate and the spread, in logs.
  std::string vol_name;
  for (const std::string& n : orders.feature_names)
    if (n.rfind("realized_vol_rate_", 0) == 0) vol_name = n;  // the last one: the long window
  const fp::index vol = vol_name.empty() ? -1 : column_of(orders, vol_name);
  const fp::index spread = column_of(orders, "spread_bps");
  if (vol < 0 || spread < 0) {
    throw fp::invalid_argument("--regimes: the orders have no realized_vol_rate_<T> or spread_bps feature");
  }
  // The base model's features: the order's size and the market state at its arrival.
  std::vector<std::string> base_names;
  std::vector<fp::index> base;
  for (const std::string& n : {std::string("log_quantity"), std::string("size_to_depth"), std::string("spread_bps"),
                               std::string("queue_imbalance"), vol_name}) {
    const fp::index j = column_of(orders, n);
    if (j >= 0) {
      base.push_back(j);
      base_names.push_back(n);
    }
  }
  const auto label_it = std::find(orders.label_names.begin(), orders.label_names.end(), o.label);
  if (label_it == orders.label_names.end()) {
    std::string known;
    for (const std::string& n : orders.label_names) known += (known.empty() ? "" : ", ") + n;
    throw fp::invalid_argument(
        fp::detail::concat("--regime-label: no label '", o.label, "' (the labels are ", known, ")"));
  }
  const auto label = static_cast<fp::index>(label_it - orders.label_names.begin());
  // Rows in time order where the label, the base features and the regime features are
  // defined (a log needs a positive volatility and spread).
  std::vector<fp::index> rows;
  for (fp::index i = 0; i < orders.X.rows(); ++i) {
    bool ok = std::isfinite(orders.labels(i, label)) && orders.X(i, vol) > 0.0 && orders.X(i, spread) > 0.0 &&
              std::isfinite(orders.X(i, vol)) && std::isfinite(orders.X(i, spread));
    for (fp::index j : base) ok = ok && std::isfinite(orders.X(i, j));
    if (ok) rows.push_back(i);
  }
  const auto n = static_cast<fp::index>(rows.size());
  const auto n_train = static_cast<fp::index>(std::floor(o.train_fraction * static_cast<double>(n)));
  const fp::index n_test = n - n_train;
  if (n_train < 50 || n_test < 20) {
    throw fp::invalid_argument(fp::detail::concat("--regimes: ", n, " usable market orders of ", orders.X.rows(),
                                                  " give ", n_train, " training and ", n_test,
                                                  " test rows (50 and 20 at least)"));
  }
  fp::matrix X(n, static_cast<fp::index>(base.size()));
  fp::matrix F(n, 2);
  fp::vector y(n);
  for (fp::index r = 0; r < n; ++r) {
    const fp::index i = rows[static_cast<std::size_t>(r)];
    for (std::size_t j = 0; j < base.size(); ++j) X(r, static_cast<fp::index>(j)) = orders.X(i, base[j]);
    F(r, 0) = std::log(orders.X(i, vol));
    F(r, 1) = std::log(orders.X(i, spread));
    y[r] = orders.labels(i, label);
  }
  say(o, "fitting the regimes on the training rows (Gaussian HMM, 2 to 4 states, BIC) ...");
  const fp::regime_labels regimes = fp::label_regimes(F.topRows(n_train), F.bottomRows(n_test), {.seed = o.seed});
  const fp::index k = regimes.n_regimes;
  say(o, "scoring the forecasts with and without the regimes, and the shuffled labels ...");
  fp::regime_conditioning_params tp{
      .n_permutations = o.permutations, .seed = o.seed, .calibration_fraction = o.calibration_fraction};
  const fp::regime_conditioning_result t = fp::regime_conditioning_test(
      X.topRows(n_train), y.head(n_train), regimes.train, X.bottomRows(n_test), y.tail(n_test), regimes.test, k, tp);
  // The same null with the labels rotated instead of shuffled: it keeps the regimes' persistence.
  tp.shuffle = fp::regime_shuffle::circular_shift;
  const fp::regime_conditioning_result c = fp::regime_conditioning_test(
      X.topRows(n_train), y.head(n_train), regimes.train, X.bottomRows(n_test), y.tail(n_test), regimes.test, k, tp);

  const double t_train_end =
      std::chrono::duration<double>(orders.times[static_cast<std::size_t>(rows[static_cast<std::size_t>(n_train - 1)])])
          .count();
  json bic = json::array();
  for (std::size_t j = 0; j < regimes.tried.size(); ++j)
    bic.push_back({{"n_regimes", regimes.tried[j]}, {"bic", number(regimes.bic[j])}});
  json per = json::array();
  for (const fp::regime_conditioning_regime& g : t.regimes) {
    const auto row = static_cast<fp::index>(g.regime);
    per.push_back({{"regime", g.regime},
                   {"mean_log_volatility", regimes.model.means()(row, 0) * regimes.scale[0] + regimes.centre[0]},
                   {"mean_log_spread_bps", regimes.model.means()(row, 1) * regimes.scale[1] + regimes.centre[1]},
                   {"n_train", g.n_train},
                   {"n_calibration", g.n_calibration},
                   {"n_test", g.n_test},
                   {"mean_crps_without", number(g.mean_crps_without)},
                   {"mean_crps_with", number(g.mean_crps_with)},
                   {"coverage_mondrian", number(g.coverage_mondrian)},
                   {"coverage_pooled", number(g.coverage_pooled)},
                   {"width_mondrian", number(g.width_mondrian)},
                   {"width_pooled", number(g.width_pooled)},
                   {"mondrian_fallback", g.mondrian_fallback}});
  }
  // Helps: the autocorrelation-robust interval above 0 and both nulls rejected at 5%.
  const bool helps = t.ci_low_hac > 0.0 && t.p_value <= 0.05 && c.p_value <= 0.05;
  const char* answer = helps ? "yes" : (t.mean_difference > 0.0 ? "not significantly" : "no");
  json reg{
      {"label", o.label},
      {"orders", orders.X.rows()},
      {"usable_orders", n},
      {"train_fraction", o.train_fraction},
      {"n_train", n_train},
      {"n_test", n_test},
      {"train_end_ns", orders.times[static_cast<std::size_t>(rows[static_cast<std::size_t>(n_train - 1)])].count()},
      {"regime_features", {"log " + vol_name, "log spread_bps"}},
      {"base_features", base_names},
      {"bic", bic},
      {"n_regimes", k},
      {"mean_crps_without", number(t.mean_crps_without)},
      {"mean_crps_with", number(t.mean_crps_with)},
      {"mean_difference", number(t.mean_difference)},
      {"standard_error", number(t.standard_error)},
      {"t_statistic", number(t.t_statistic)},
      {"confidence", t.confidence},
      {"ci_low", number(t.ci_low)},
      {"ci_high", number(t.ci_high)},
      {"standard_error_hac", number(t.standard_error_hac)},
      {"hac_lag", t.hac_lag},
      {"ci_low_hac", number(t.ci_low_hac)},
      {"ci_high_hac", number(t.ci_high_hac)},
      {"n_permutations", t.n_permutations},
      {"n_at_least", t.n_at_least},
      {"p_value", number(t.p_value)},
      {"null_mean", number(t.null_mean)},
      {"null_sd", number(t.null_sd)},
      {"null_q95", number(t.null_q95)},
      {"shuffle", std::string(fp::to_string(fp::regime_shuffle::within_parts))},
      {"circular_shift",
       {{"n_at_least", c.n_at_least},
        {"p_value", number(c.p_value)},
        {"null_mean", number(c.null_mean)},
        {"null_sd", number(c.null_sd)},
        {"null_q95", number(c.null_q95)}}},
      {"seed", o.seed},
      {"alpha", t.alpha},
      {"n_calibration", t.n_calibration},
      {"coverage_mondrian", number(t.coverage_mondrian)},
      {"coverage_pooled", number(t.coverage_pooled)},
      {"per_regime", per},
      {"helps", helps},
      {"answer", answer}};
  if (o.json_path != "-") {
    std::printf("footprint-monitor %s --regimes: %s\n", std::string(fp::version_string).c_str(), d.description.c_str());
    std::printf(
        "label %s: %lld market orders, %lld usable; train the first %lld (%.0f%%, to t = %.0f s), test the "
        "last %lld\n",
        o.label.c_str(), static_cast<long long>(orders.X.rows()), static_cast<long long>(n),
        static_cast<long long>(n_train), 100.0 * o.train_fraction, t_train_end, static_cast<long long>(n_test));
    std::printf("regimes: Gaussian HMM on log %s and log spread_bps (training rows only), BIC", vol_name.c_str());
    for (std::size_t j = 0; j < regimes.tried.size(); ++j)
      std::printf(" K=%lld %.1f", static_cast<long long>(regimes.tried[j]), regimes.bic[j]);
    std::printf(" -> K = %lld\n", static_cast<long long>(k));
    std::printf("%6s %7s %5s %7s %13s %10s %8s %8s %9s %9s\n", "regime", "train", "cal", "test", "crps without",
                "crps with", "cov mond", "cov pool", "width m", "width p");
    for (const fp::regime_conditioning_regime& g : t.regimes) {
      std::printf("%6d %7lld %5lld %7lld %13.4f %10.4f %8.3f %8.3f %9.3f %9.3f\n", g.regime,
                  static_cast<long long>(g.n_train), static_cast<long long>(g.n_calibration),
                  static_cast<long long>(g.n_test), g.mean_crps_without, g.mean_crps_with, g.coverage_mondrian,
                  g.coverage_pooled, g.width_mondrian, g.width_pooled);
    }
    std::printf(
        "mean CRPS (bps) without %.5f, with %.5f; difference (without - with) %.5f, %.0f%% CI [%.5f, %.5f] "
        "(paired t), [%.5f, %.5f] (Newey-West, %lld lags)\n",
        t.mean_crps_without, t.mean_crps_with, t.mean_difference, 100.0 * t.confidence, t.ci_low, t.ci_high,
        t.ci_low_hac, t.ci_high_hac, static_cast<long long>(t.hac_lag));
    std::printf(
        "permutation test: %lld of %lld shuffles (labels shuffled within each part) >= observed, p = %.4f; "
        "null mean %.5f, 95%% quantile %.5f\n",
        static_cast<long long>(t.n_at_least), static_cast<long long>(t.n_permutations), t.p_value, t.null_mean,
        t.null_q95);
    std::printf(
        "permutation test, labels rotated within each part (keeps their persistence): %lld of %lld >= "
        "observed, p = %.4f; null mean %.5f, 95%% quantile %.5f\n",
        static_cast<long long>(c.n_at_least), static_cast<long long>(c.n_permutations), c.p_value, c.null_mean,
        c.null_q95);
    std::printf("conformal %.0f%% intervals on the test rows: coverage Mondrian (per regime) %.3f, pooled %.3f\n",
                100.0 * (1.0 - t.alpha), t.coverage_mondrian, t.coverage_pooled);
    std::printf("does conditioning on the regime help? %s\n", answer);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      throw fp::data_error("stdout", 0, 0, "", "cannot write the regime answer");
    }
  }
  if (!o.json_path.empty()) {
    json doc{{"program", "footprint-monitor"},
             {"version", std::string(fp::version_string)},
             {"source",
              {{"kind", d.kind},
               {"description", d.description},
               {"files", d.files},
               {"symbol", d.result.instrument.symbol}}},
             {"regimes", reg}};
    apps::write_json(doc, o.json_path);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{
      "footprint-monitor: would monitoring have caught the model going wrong, and what would it have done? Runs the "
      "walk-forward backtest of the pre-trade engine (as footprint-backtest) and replays its forecasts in time "
      "order through the residual and coverage charts, the feature drift of the arrival features, and the "
      "recalibration policy; prints the timeline and writes it as JSON. With no data option it runs on a built-in "
      "synthetic market.",
      "footprint-monitor"};
  const apps::data_flags data = apps::add_data_options(app, o.data);
  apps::add_walk_forward_options(app, o.walk, data);
  app.add_option("--reference", o.reference,
                 "the first N tested metaorders are the charts' reference (default: the first fold's), >= 30")
      ->check(CLI::Range(fp::index{30}, fp::index{1000000000}));
  app.add_option("--window", o.window, "metaorders per decision window")
      ->check(CLI::Range(fp::index{5}, fp::index{1000000}))
      ->capture_default_str();
  app.add_option("--ignore-features", o.ignore_features,
                 "features left out of the drift monitoring (default: session_fraction and mid, which trend by "
                 "construction: a clock, and a price level that walks; give '' to monitor every feature)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--json", o.json_path,
                 "also write the timeline as JSON to this file ('-' for stdout, instead of the text)");
  app.add_flag("--quiet", o.quiet, "no progress on stderr");
  app.add_flag("--regimes", o.regimes,
               "instead of the timeline, answer: does conditioning on the market regime improve held-out forecasts "
               "of the market orders' impact? (CRPS with and without, against shuffled labels)");
  app.add_option("--train-fraction", o.train_fraction,
                 "--regimes: the first share of the orders (time order) that fits the regimes and the models")
      ->check(CLI::Range(0.1, 0.95))
      ->capture_default_str();
  app.add_option("--permutations", o.permutations,
                 "--regimes: shuffles of the regime labels for the p-value, >= 19 (N shuffles cannot give a p-value "
                 "below 1 / (N + 1), and the answer needs p <= 0.05)")
      ->check(CLI::Range(fp::index{19}, fp::index{100000}))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "--regimes: seed of the regimes' initialisation and of the shuffles")
      ->capture_default_str();
  app.add_option("--calibration-fraction", o.calibration_fraction,
                 "--regimes: the last share of the training orders that calibrates the conformal intervals")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  app.add_option("--regime-label", o.label, "--regimes: the label forecast (a column of the orders' labels)")
      ->capture_default_str();
  app.set_version_flag("--version", std::string(fp::version_string));
  return apps::parse_and_run(app, argc, argv, "footprint-monitor", [&] {
    if (o.json_path == "-") o.quiet = true;
    return o.regimes ? run_regimes(o) : run(o);
  });
}
