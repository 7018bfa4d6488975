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
#include "../common/market_data.hpp"
#include "../common/walk_forward.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/monitoring/feature_drift_monitor.hpp>
#include <footprint/monitoring/model_monitor.hpp>
#include <footprint/monitoring/recalibration_policy.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
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
  for (std::size_t start = n_ref, k = 0; start < tested.size(); start += w, ++k) {
    const std::size_t end = std::min(start + w, tested.size());
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
  if (!o.json_path.empty()) {
    const std::string out_text = doc.dump(1) + "\n";
    if (o.json_path == "-") {
      std::cout << out_text << std::flush;
      if (!std::cout) throw fp::data_error("stdout", 0, 0, "", "cannot write the JSON document");
    } else {
      std::ofstream out(o.json_path);
      out << out_text;
      out.flush();
      if (!out) throw fp::data_error(o.json_path, 0, 0, "", "cannot write the JSON document");
    }
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
  app.set_version_flag("--version", std::string(fp::version_string));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "footprint-monitor: error: %s (see --help)\n", e.what());
    return 2;
  }
  if (o.json_path == "-") o.quiet = true;
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::fprintf(stderr, "footprint-monitor: error: %s\n", what.c_str());
    return 1;
  }
}
