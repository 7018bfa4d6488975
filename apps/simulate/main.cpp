// footprint-simulate: what would my orders have done in a book that reacts to them?
//
// Converts a data set (the same data options as footprint-pretrade) into an order-flow tape,
// fits the zero-intelligence model (Cont, Stoikov and Talreja 2010) and the queue-reactive
// model (Huang, Lehalle and Rosenbaum 2015) to it, measures how close each simulated book is
// to the real one (Wasserstein-1 distances of the stylised facts, the signature plot), and
// executes the order N times per strategy in each calibrated simulator: TWAP, POV and an
// Almgren-Chriss trajectory with market-order children, and a passive limit-order TWAP that
// catches up with market orders; optionally the impact curve over order sizes. Prints a
// report and writes it as JSON (--json; scripts/plot_simulation.py draws it). Without data
// it runs on the built-in market: the paper's Tokyo estimates (CST 2010), with the
// queue-reactive model fitted to a day simulated from them. docs/simulation.md explains
// every field.
#include "../common/market_data.hpp"
#include "../common/order_flow.hpp"
#include "../common/program.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/detail/random.hpp>
#include <footprint/error.hpp>
#include <footprint/execution/schedules.hpp>
#include <footprint/execution/simulated_execution.hpp>
#include <footprint/monitoring/simulation_realism.hpp>
#include <footprint/simulation/order_flow_fit.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/tape_summary.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

namespace fp = footprint;
using json = nlohmann::ordered_json;

// The text report: stdout, or nowhere when the JSON goes to stdout (--json -).
FILE* g_out = stdout;

struct options {
  apps::data_options data;
  std::string model = "both";  // zi, qr, both
  std::string side = "buy";
  double quantity = 0.0;   // instrument units; 0: 20 lots
  double horizon = 300.0;  // seconds
  fp::index children = 20;
  double participation = 0.1;  // POV
  double urgency = 2.0;        // Almgren-Chriss kappa T
  std::size_t paths = 200;
  double threshold_bps = 10.0;
  double tick_size = 0.0;      // 0: the instrument's tick
  fp::index levels = 10;       // L of the zero-intelligence fit
  fp::index queue_levels = 3;  // K of the queue-reactive fit
  fp::index max_queue = 20;    // Q of the queue-reactive tables
  double min_cell_seconds = 30.0;
  double lot_quantity = 0.0;  // instrument units per lot (0: the tape's mean limit-order size)
  bool match_occupancy = false;
  double realism_seconds = 0.0;           // 0: the tape's span, at most 6.5 hours
  std::vector<double> impact_sizes;       // multiples of the quantity for the impact curve (empty: none)
  std::string impact_duration = "fixed";  // the impact curve's TWAPs: all over --horizon, or m x --horizon
  double feedback = 0.0;                  // the queue-reactive model's order-flow feedback, per lot (0: none)
  double feedback_time = 1.0;             // its kernel's tau_0, s
  double feedback_exponent = 0.5;         // its kernel's beta
  double feedback_amplitude = 1.0;        // its amplitude c: the scales 1 + c (exp(+-kappa F) - 1)
  std::uint64_t seed = 1;
  std::string json_path;
  bool quiet = false;
};

void say(const options& o, const std::string& text) {
  if (!o.quiet) std::fprintf(stderr, "footprint-simulate: %s\n", text.c_str());
}

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

// `v` with `digits` significant digits, for messages.
std::string short_number(double v, int digits = 3) {
  char text[40];
  std::snprintf(text, sizeof text, "%.*g", digits, v);
  return text;
}
json numbers(const fp::vector& v) {
  json a = json::array();
  for (fp::index k = 0; k < v.size(); ++k) a.push_back(number(v[k]));
  return a;
}
json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}
json estimate(const fp::parameter_estimate& e) {
  return json{{"value", number(e.value)}, {"std_error", number(e.std_error)}};
}

// The impact curve's TWAP of m times the order: over --horizon, or over m x --horizon (the same
// participation rate at every size) with --impact-duration proportional.
double impact_horizon(const options& o, double m) {
  return o.impact_duration == "proportional" ? m * o.horizon : o.horizon;
}
// Its children: --children, or m x --children (at least 1) with --impact-duration proportional,
// so that every size sends the same children at the same pace, only more of them (with 20
// children at every size, 80 lots over 1,200 s went as 4-lot children a minute apart and 5 lots
// over 75 s as quarter-lot ones).
fp::index impact_children(const options& o, double m) {
  if (o.impact_duration != "proportional") return o.children;
  return std::max<fp::index>(1, static_cast<fp::index>(std::llround(m * static_cast<double>(o.children))));
}

// One point of the impact curve from the paths' peaks (at T) and moves at 2T, bps: the means,
// their standard errors, and the remaining share after / peak with its delta-method standard
// error, sqrt(var(after - share x peak) / n) / |peak|.
struct impact_point {
  double peak = fp::nan, peak_se = fp::nan, after = fp::nan, after_se = fp::nan;
  double remaining = fp::nan, remaining_se = fp::nan;
};
impact_point impact_at(const fp::vector& peak, const fp::vector& after) {
  const auto n = static_cast<double>(peak.size());
  auto se = [n](const fp::vector& x) { return std::sqrt((x.array() - x.mean()).square().sum() / (n - 1.0) / n); };
  impact_point p{.peak = peak.mean(), .peak_se = se(peak), .after = after.mean(), .after_se = se(after)};
  p.remaining = p.after / p.peak;
  p.remaining_se = se(after - p.remaining * peak) / std::abs(p.peak);
  return p;
}

// The exponent of peak impact in size: the least-squares slope of log(mean peak) on
// log(size), and its bootstrap over paths (2,000 resamples of the path indices, the same
// indices at every size: path k is stream k of the seed at every size, so the sizes' errors are
// correlated and resampled together). NaN unless every size's mean peak is positive, and
// resamples with a peak of 0 or below are left out of the bootstrap's figures.
struct exponent_fit {
  double exponent = fp::nan, se = fp::nan, q05 = fp::nan, q95 = fp::nan;
  std::size_t positive = 0;   // sizes with a positive mean peak
  std::size_t resamples = 0;  // resamples with every peak positive, of bootstrap_resamples
};
constexpr int bootstrap_resamples = 2000;
double log_slope(const std::vector<double>& sizes, const std::vector<double>& peaks) {
  double mx = 0.0, my = 0.0;
  const auto n = static_cast<double>(sizes.size());
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    mx += std::log(sizes[k]) / n;
    my += std::log(peaks[k]) / n;
  }
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    sxy += (std::log(sizes[k]) - mx) * (std::log(peaks[k]) - my);
    sxx += (std::log(sizes[k]) - mx) * (std::log(sizes[k]) - mx);
  }
  return sxy / sxx;
}
exponent_fit fit_exponent(const std::vector<double>& sizes, const std::vector<fp::vector>& paths, std::uint64_t seed) {
  exponent_fit f;
  std::vector<double> means;
  for (const fp::vector& p : paths) means.push_back(p.mean());
  f.positive = static_cast<std::size_t>(std::count_if(means.begin(), means.end(), [](double m) { return m > 0.0; }));
  if (sizes.size() < 2 || f.positive < sizes.size()) return f;
  f.exponent = log_slope(sizes, means);
  const auto n = static_cast<std::size_t>(paths.front().size());
  fp::detail::xoshiro256ss rng(seed, 0x1A7C7);
  std::vector<double> draws;
  std::vector<std::size_t> pick(n);
  for (int b = 0; b < bootstrap_resamples; ++b) {
    for (std::size_t& i : pick) i = rng.below(n);
    bool ok = true;
    for (std::size_t s = 0; s < paths.size(); ++s) {
      double m = 0.0;
      for (std::size_t i : pick) m += paths[s][static_cast<fp::index>(i)];
      means[s] = m / static_cast<double>(n);
      ok = ok && means[s] > 0.0;
    }
    if (ok) draws.push_back(log_slope(sizes, means));
  }
  f.resamples = draws.size();
  if (draws.size() < 2) return f;
  double mean = 0.0;
  for (double d : draws) mean += d / static_cast<double>(draws.size());
  double v = 0.0;
  for (double d : draws) v += (d - mean) * (d - mean);
  f.se = std::sqrt(v / static_cast<double>(draws.size() - 1));
  std::sort(draws.begin(), draws.end());
  f.q05 = fp::detail::execution::sorted_quantile(draws, 0.05);
  f.q95 = fp::detail::execution::sorted_quantile(draws, 0.95);
  return f;
}

// Simulated tape of `seconds` from a model.
template <class Simulator>
std::vector<fp::order_flow_event> simulate_tape(const typename Simulator::params_type& p, double seconds) {
  Simulator sim(p);
  std::vector<fp::order_flow_event> out;
  sim.record(seconds, out);
  return out;
}

struct strategy_spec {
  std::string name;
  fp::child_schedule schedule;
  fp::child_order_type type;
};

json strategy_json(const std::string& name, const fp::simulated_execution& r) {
  return json{{"name", name},
              {"children", fp::to_string(r.order_type)},
              {"horizon_seconds", number(r.horizon_seconds)},
              {"expected_bps", number(r.expected_bps)},
              {"std_bps", number(r.std_bps)},
              {"q05_bps", number(r.q05_bps)},
              {"q50_bps", number(r.q50_bps)},
              {"q95_bps", number(r.q95_bps)},
              {"p_exceed", number(r.p_exceed)},
              {"fill_rate", number(r.fill_rate.mean())},
              {"passive_share", number(r.passive_share.mean())},
              {"events_per_second", number(r.events_per_second)},
              {"path_times", numbers(r.path_times)},
              {"mean_path_bps", numbers(r.mean_path_bps)}};
}

template <class Simulator>
json run_model(const options& o, const std::string& name, const apps::order_flow_fits& fits,
               const std::vector<strategy_spec>& strategies, fp::side side, double quantity,
               const fp::tape_summary& real, const fp::tape_summary_options& summary_options, double realism_seconds,
               std::vector<std::string>& notes) {
  // the fitted model the strategies run in (apps::simulate_in's key for it)
  constexpr bool zero_intelligence = std::is_same_v<Simulator, fp::zero_intelligence_model>;
  const std::string key = zero_intelligence ? "zi" : "qr";
  json out;
  // realism: the calibrated model simulated as long as the real tape
  typename Simulator::params_type p;
  if constexpr (zero_intelligence)
    p = fits.zero_intelligence.params;
  else
    p = fits.queue_reactive.params;
  p.seed = o.seed;
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<fp::order_flow_event> simulated = simulate_tape<Simulator>(p, realism_seconds);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const fp::tape_summary sim = fp::summarize_tape(simulated, summary_options);
  const fp::realism_report rr = fp::compare_realism(real, sim, summary_options);
  json rows = json::array();
  std::fprintf(g_out, "\n%s: realism over %.0f simulated seconds (%zu events, %.1f M events/s)\n", name.c_str(),
               realism_seconds, simulated.size(), static_cast<double>(simulated.size()) / wall / 1e6);
  std::fprintf(g_out, "  %-22s %12s %12s %12s %10s\n", "statistic", "real mean", "sim mean", "W1", "W1/sd");
  for (const fp::realism_row& r : rr.rows) {
    std::fprintf(g_out, "  %-22s %12.4g %12.4g %12.4g %10.3f\n", r.statistic.c_str(), r.real_mean, r.simulated_mean,
                 r.wasserstein, r.wasserstein_scaled);
    rows.push_back(json{{"statistic", r.statistic},
                        {"real_mean", number(r.real_mean)},
                        {"simulated_mean", number(r.simulated_mean)},
                        {"real_std", number(r.real_std)},
                        {"simulated_std", number(r.simulated_std)},
                        {"wasserstein", number(r.wasserstein)},
                        {"wasserstein_scaled", number(r.wasserstein_scaled)},
                        {"real_n", r.real_n},
                        {"simulated_n", r.simulated_n}});
  }
  std::fprintf(g_out, "  signature plot (bps^2/s) at");
  for (double s : rr.signature_seconds) std::fprintf(g_out, " %gs", s);
  std::fprintf(g_out, "\n    real:");
  for (double v : rr.real_signature) std::fprintf(g_out, " %.3g", v);
  std::fprintf(g_out, "\n    sim: ");
  for (double v : rr.simulated_signature) std::fprintf(g_out, " %.3g", v);
  std::fprintf(g_out, "\n    mean |log ratio| %.3f\n", rr.signature_log_distance);
  // A simulated mid that moves ten times less (or more) than the data's, on average over the
  // signature plot's intervals, prices costs without the real market's own moves: said where
  // the costs are read (on Binance spot at the venue's 0.01 USDT tick the zero-intelligence
  // book's variance is about 10^-6 of the data's, and its TWAP costs 0.00 bps).
  if (rr.signature_log_distance > std::log(10.0)) {
    double log_ratio = 0.0;
    int n = 0;
    for (std::size_t k = 0; k < rr.real_signature.size() && k < rr.simulated_signature.size(); ++k) {
      if (!(rr.real_signature[k] > 0.0) || !(rr.simulated_signature[k] > 0.0)) continue;
      log_ratio += std::log(rr.simulated_signature[k] / rr.real_signature[k]);
      ++n;
    }
    const double factor = std::exp(n > 0 ? std::abs(log_ratio) / n : rr.signature_log_distance);
    char text[64];
    std::snprintf(text, sizeof text, "%.2g", factor);
    notes.push_back(fp::detail::concat(
        name, ": the simulated mid's variance over 1 s to 60 s is about ", text, " times ",
        log_ratio < 0.0 ? "below" : "above", " the data's (the signature plot's mean |log ratio| is ",
        std::round(rr.signature_log_distance * 10.0) / 10.0,
        "): its costs leave out the real market's own price moves, so read them as the book's "
        "mechanics, not as a forecast; a coarser grid (--tick-size) brings a book whose tick is tiny against "
        "its moves closer (docs/simulation.md, Realism)"));
  }
  out["realism"] = json{{"simulated_seconds", realism_seconds},
                        {"simulated_events", simulated.size()},
                        {"events_per_second", number(static_cast<double>(simulated.size()) / wall)},
                        {"rows", rows},
                        {"signature_seconds", numbers(rr.signature_seconds)},
                        {"real_signature", numbers(rr.real_signature)},
                        {"simulated_signature", numbers(rr.simulated_signature)},
                        {"signature_log_distance", number(rr.signature_log_distance)}};

  // the strategies, common random numbers across them
  const fp::simulated_execution_params ep{.side = side,
                                          .n_paths = o.paths,
                                          .warmup_seconds = apps::warmup_seconds,
                                          .threshold_bps = o.threshold_bps,
                                          .seed = o.seed};
  std::fprintf(g_out, "  %-16s %8s %9s %9s %9s %9s %9s %8s %8s %8s\n", "strategy", "T (s)", "E[bps]", "sd", "p05",
               "p50", "p95", "P>thr", "fill", "passive");
  json strat = json::array();
  std::vector<apps::strategy_fill> fills;
  for (const strategy_spec& s : strategies) {
    const fp::simulated_execution r = apps::simulate_in(fits, key, s.schedule, s.type, ep);
    std::fprintf(g_out, "  %-16s %8.0f %9.2f %9.2f %9.2f %9.2f %9.2f %8.3f %8.3f %8.3f\n", s.name.c_str(),
                 r.horizon_seconds, r.expected_bps, r.std_bps, r.q05_bps, r.q50_bps, r.q95_bps, r.p_exceed,
                 r.fill_rate.mean(), r.passive_share.mean());
    strat.push_back(strategy_json(s.name, r));
    fills.push_back(
        {s.name, r.fill_rate.mean(), apps::whole_lots_share(quantity, fits.zero_intelligence.lot_quantity)});
  }
  if (std::string n = apps::fill_note(name, fills); !n.empty()) notes.push_back(std::move(n));
  out["strategies"] = strat;

  // the impact curve: TWAP market children at multiples of the quantity
  if (!o.impact_sizes.empty()) {
    json curve = json::array();
    std::fprintf(g_out,
                 "  impact curve (TWAP, market children; +- one standard error over the paths): size, T (s), "
                 "peak at T (bps), at 2T (bps), remaining share, fill\n");
    std::vector<double> sizes;
    std::vector<fp::vector> peaks;  // each size's peak per path (path k: stream k of the seed at every size)
    std::vector<apps::strategy_fill> curve_fills;
    for (double m : o.impact_sizes) {
      const double q = m * quantity;
      const double horizon = impact_horizon(o, m);
      const fp::index children = impact_children(o, m);
      const fp::child_schedule sch = fp::twap_schedule(q, horizon, children);
      const fp::simulated_execution r = apps::simulate_in(fits, key, sch, fp::child_order_type::market,
                                                          {.side = side,
                                                           .n_paths = o.paths,
                                                           .warmup_seconds = apps::warmup_seconds,
                                                           .path_points = 41,
                                                           .seed = o.seed});
      const impact_point pt = impact_at(r.path_bps.col(20), r.path_bps.col(40));
      std::fprintf(g_out, "    %10.4g %8.0f %9.3f +- %5.3f %9.3f +- %5.3f %7.2f +- %4.2f %7.3f\n", q, horizon, pt.peak,
                   pt.peak_se, pt.after, pt.after_se, pt.remaining, pt.remaining_se, r.fill_rate.mean());
      char size[40];
      std::snprintf(size, sizeof size, "the impact curve's TWAP of %.6g", q);
      curve_fills.push_back({size, r.fill_rate.mean(), apps::whole_lots_share(q, fits.zero_intelligence.lot_quantity)});
      curve.push_back(json{{"quantity", q},
                           {"horizon_seconds", horizon},
                           {"children", children},
                           {"peak_bps", number(pt.peak)},
                           {"peak_se_bps", number(pt.peak_se)},
                           {"after_bps", number(pt.after)},
                           {"after_se_bps", number(pt.after_se)},
                           {"remaining_share", number(pt.remaining)},
                           {"remaining_se", number(pt.remaining_se)},
                           {"cost_bps", number(r.expected_bps)},
                           {"fill_rate", number(r.fill_rate.mean())},
                           {"path_times", numbers(r.path_times)},
                           {"mean_path_bps", numbers(r.mean_path_bps)}});
      sizes.push_back(q);
      peaks.push_back(r.path_bps.col(20));
    }
    const exponent_fit e = fit_exponent(sizes, peaks, o.seed);
    if (std::isfinite(e.exponent) && !std::isfinite(e.se))
      std::fprintf(g_out,
                   "    fitted exponent of peak impact in size: %.3f (no bootstrap: a peak of 0 or below in almost "
                   "every resample)\n",
                   e.exponent);
    else if (std::isfinite(e.exponent))
      std::fprintf(g_out,
                   "    fitted exponent of peak impact in size: %.3f (bootstrap over paths: se %.3f, 5-95%% %.3f to "
                   "%.3f; %zu of %d resamples, those with every peak positive)\n",
                   e.exponent, e.se, e.q05, e.q95, e.resamples, bootstrap_resamples);
    else  // a peak of 0 or below has no logarithm (a book at the venue's tiny tick barely moves)
      std::fprintf(g_out, "    fitted exponent of peak impact in size: - (%zu of %zu sizes with a positive peak)\n",
                   e.positive, o.impact_sizes.size());
    if (std::string n = apps::fill_note(name, curve_fills); !n.empty()) notes.push_back(std::move(n));
    out["impact_curve"] = json{{"points", curve},
                               {"duration", o.impact_duration},
                               {"exponent", number(e.exponent)},
                               {"exponent_se", number(e.se)},
                               {"exponent_q05", number(e.q05)},
                               {"exponent_q95", number(e.q95)},
                               {"exponent_resamples", e.resamples}};
  }
  return out;
}

// Refuses, before simulating anything, a run of more than apps::max_simulated_events: the
// realism check, the strategies and the impact curve's sizes, per model run, each at its own
// event rate (apps::simulated_event_rate).
void check_budget(const options& o, const std::vector<strategy_spec>& strategies, const apps::order_flow_fits& fits,
                  double realism_seconds) {
  std::vector<double> horizons;
  for (const double m : o.impact_sizes) horizons.push_back(impact_horizon(o, m));
  for (const strategy_spec& s : strategies) horizons.push_back(s.schedule.horizon_seconds);
  const double per_model = realism_seconds + apps::simulated_seconds(horizons, o.paths);
  double models = 0.0, rate = 0.0;  // rate: the models' mean
  if (o.model != "qr") models += 1.0, rate += apps::simulated_event_rate(fits.zero_intelligence.params);
  if (o.model != "zi") models += 1.0, rate += apps::simulated_event_rate(fits.queue_reactive.params);
  apps::check_simulation_budget(per_model * models, rate / models,
                                "shorten --horizon or --realism-seconds, raise --participation, or lower --paths");
}

int run(const options& o) {
  const fp::side side = o.side == "sell" ? fp::side::sell : fp::side::buy;
  json doc;
  doc["program"] = "footprint-simulate";
  doc["version"] = std::string(fp::version_string);
  std::vector<std::string> notes;

  // 1. the tape: a data set, or a day of the built-in market (CST 2010's Tokyo estimates)
  apps::order_flow_tape t;
  const bool has_data = apps::has_order_flow(o.data);
  if (has_data) {
    say(o, "reading the order flow");
    t = apps::load_order_flow(o.data, o.tick_size);
  } else {
    if (o.tick_size > 0.0)
      throw fp::invalid_argument(
          "--tick-size sets the grid of a data set's tape (--lobster, --binance or --bitstamp); the built-in market's "
          "is its own 0.01");
    if (o.lot_quantity > 0.0)
      throw fp::invalid_argument(
          "--lot-quantity sets the lot of a data set's tape (--lobster, --binance or --bitstamp); the built-in "
          "market's orders are its own lot of 1");
    say(o, "simulating the built-in market (Cont, Stoikov and Talreja 2010's Tokyo estimates)");
    t = apps::builtin_order_flow(o.seed + 1000);
  }
  notes = t.notes;
  std::fprintf(g_out, "footprint-simulate %s: %s, %zu order-flow events, tick %g\n",
               std::string(fp::version_string).c_str(), t.description.c_str(), t.events.size(), t.tick_size);

  // 2. the fits (on the built-in market the zero-intelligence simulations use the truth)
  apps::order_flow_fits fits = apps::fit_order_flow(t, {.levels = o.levels,
                                                        .queue_levels = o.queue_levels,
                                                        .max_queue = o.max_queue,
                                                        .min_cell_seconds = o.min_cell_seconds,
                                                        .match_occupancy = o.match_occupancy,
                                                        .lot_quantity = o.lot_quantity});
  notes.insert(notes.end(), fits.notes.begin(), fits.notes.end());
  if (!has_data) fits.zero_intelligence.params = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  // the queue-reactive model's order-flow feedback is set, not fitted (docs/simulation.md)
  fits.queue_reactive.params.feedback = o.feedback;
  fits.queue_reactive.params.feedback_time = o.feedback_time;
  fits.queue_reactive.params.feedback_exponent = o.feedback_exponent;
  fits.queue_reactive.params.feedback_amplitude = o.feedback_amplitude;
  if (o.feedback > 0.0)
    notes.push_back(fp::detail::concat(
        "queue-reactive model: the order-flow feedback (--feedback ", o.feedback, ", kernel tau_0 ", o.feedback_time,
        " s, beta ", o.feedback_exponent, ", amplitude ", o.feedback_amplitude,
        ") is set, not fitted: the tape cannot tell the market's reaction to a metaorder from the metaorders' own "
        "splitting, so read its costs as a scenario (it damps impact and makes it revert; docs/simulation.md)"));
  const fp::zero_intelligence_fit& zi = fits.zero_intelligence;
  const fp::queue_reactive_fit& qr = fits.queue_reactive;
  const double lot = zi.lot_quantity;
  const double quantity = o.quantity > 0.0 ? o.quantity : 20.0 * lot;
  // The simulators trade whole lots: an order (or an impact-curve size) of less than half a
  // lot would send nothing.
  auto check_lots = [&](double q, const char* what) {
    if (q > 0.0 && !(std::round(q / lot) >= 1.0))
      throw fp::invalid_argument(fp::detail::concat(what, short_number(q, 6),
                                                    " is less than half a lot (the fitted lot is ",
                                                    short_number(lot, 6), "): the simulators trade whole lots"));
  };
  check_lots(quantity, "--quantity ");
  for (const double m : o.impact_sizes) check_lots(m * quantity, "the impact curve's size ");
  // Nor an order that dwarfs the market (the book would be walked to prices that mean nothing).
  const double traded = apps::traded_rate(t);
  apps::check_order_size(quantity, o.horizon, traded, "--quantity " + short_number(quantity, 6));
  for (const double m : o.impact_sizes)
    apps::check_order_size(m * quantity, impact_horizon(o, m), traded, "--impact-sizes " + short_number(m, 6));
  std::fprintf(g_out, "lot (%s) %.6g, two-sided time %.0f s\n",
               o.lot_quantity > 0.0 ? "--lot-quantity" : "mean limit-order size", lot, zi.two_sided_seconds);
  std::fprintf(g_out,
               "zero-intelligence fit: mu %.4g/s (se %.2g); mean sizes: limit %.3g lots (%.0f%% of the limit orders "
               "reach one lot), market %.3g lots; lambda(i), theta(i):\n",
               zi.mu.value, zi.mu.std_error, zi.mean_size_lots, 100.0 * zi.limit_lot_share, zi.market_mean_size_lots);
  for (std::size_t i = 0; i < zi.lambda.size(); ++i)
    std::fprintf(g_out, "  i=%2zu lambda %.4g (se %.2g)  theta %.4g (se %.2g)\n", i + 1, zi.lambda[i].value,
                 zi.lambda[i].std_error, zi.theta[i].value, zi.theta[i].std_error);
  std::fprintf(g_out, "queue-reactive fit: K %ld, Q %ld, theta %.3f (%zu moves of %zu depletions); limit rates %s\n",
               static_cast<long>(qr.params.levels()), static_cast<long>(qr.params.max_tabulated()), qr.params.theta,
               qr.moves, qr.depletions,
               o.match_occupancy ? "matching the queue sizes observed (--match-occupancy)" : "HLR's events / time");
  json zij = json{{"lot_quantity", lot},
                  {"two_sided_seconds", zi.two_sided_seconds},
                  {"mu", estimate(zi.mu)},
                  {"power_law_k", estimate(zi.power_law_k)},
                  {"power_law_alpha", estimate(zi.power_law_alpha)}};
  json lam = json::array(), th = json::array();
  for (const auto& e : zi.lambda) lam.push_back(estimate(e));
  for (const auto& e : zi.theta) th.push_back(estimate(e));
  zij["lambda"] = lam;
  zij["theta"] = th;
  zij["size_probabilities"] = numbers(zi.params.size_probabilities);
  zij["size_probabilities_std_error"] = numbers(zi.size_probabilities_std_error);
  zij["market_size_probabilities"] = numbers(zi.params.market_size_probabilities);
  zij["market_size_probabilities_std_error"] = numbers(zi.market_size_probabilities_std_error);
  zij["limit_lot_share"] = zi.limit_lot_share;
  auto table = [](const fp::matrix& m) {
    json a = json::array();
    for (fp::index i = 0; i < m.rows(); ++i) {
      json row = json::array();
      for (fp::index q = 0; q < m.cols(); ++q) row.push_back(number(m(i, q)));
      a.push_back(row);
    }
    return a;
  };
  doc["data"] = json{{"description", t.description}, {"events", t.events.size()}, {"tick_size", t.tick_size}};
  doc["zero_intelligence"] = json{{"fit", zij}};
  doc["queue_reactive"] = json{{"fit", json{{"theta", number(qr.params.theta)},
                                            {"depletions", qr.depletions},
                                            {"moves", qr.moves},
                                            {"limit_rates", o.match_occupancy ? "match_occupancy" : "events_over_time"},
                                            {"limit_rate", table(qr.params.limit_rate)},
                                            {"cancel_rate", table(qr.params.cancel_rate)},
                                            {"market_rate", table(qr.params.market_rate)},
                                            {"seconds", table(qr.seconds)}}},
                               {"feedback", json{{"kappa", o.feedback},
                                                 {"tau_0", o.feedback_time},
                                                 {"beta", o.feedback_exponent},
                                                 {"amplitude", o.feedback_amplitude}}}};

  // 3. the real tape's stylised facts
  const fp::tape_summary_options so{.tick_size = t.tick_size, .lot_quantity = lot};
  const fp::tape_summary real = fp::summarize_tape(t.events, so);
  const double realism_seconds =
      o.realism_seconds > 0.0 ? o.realism_seconds : std::min(std::max(real.seconds, 60.0), 6.5 * 3600.0);

  // 4. the strategies
  const double volume_rate = zi.mu.value * zi.market_mean_size_lots * lot;  // one side's market quantity per second
  std::vector<strategy_spec> strategies;
  strategies.push_back({"twap", fp::twap_schedule(quantity, o.horizon, o.children), fp::child_order_type::market});
  strategies.push_back(
      {fp::detail::concat("pov_", std::lround(o.participation * 100.0)),
       fp::pov_schedule(quantity, o.participation, volume_rate, o.horizon / static_cast<double>(o.children), 100'000),
       fp::child_order_type::market});
  strategies.push_back({"almgren_chriss", fp::urgency_schedule(quantity, o.horizon, o.children, o.urgency),
                        fp::child_order_type::market});
  strategies.push_back(
      {"passive_limit", fp::twap_schedule(quantity, o.horizon, o.children), fp::child_order_type::passive_limit});
  check_budget(o, strategies, fits, realism_seconds);
  std::fprintf(
      g_out, "order: %s %.6g (%.1f lots) over %.0f s in %ld children; %zu paths per strategy; threshold %.3g bps\n",
      o.side.c_str(), quantity, quantity / lot, o.horizon, static_cast<long>(o.children), o.paths, o.threshold_bps);
  // The simulators trade whole lots: say so where it changes the fill column by 0.5% or more.
  const double whole = apps::whole_lots_share(quantity, lot);
  if (whole < 0.995) {
    std::fprintf(g_out, "  the simulators send whole lots: %.0f lots, %.1f%% of the order (the fill column's most)\n",
                 std::round(quantity / lot), 100.0 * whole);
  }
  doc["order"] = json{{"side", o.side},
                      {"quantity", quantity},
                      {"horizon_seconds", o.horizon},
                      {"children", o.children},
                      {"paths", o.paths},
                      {"threshold_bps", o.threshold_bps},
                      {"whole_lots_share", whole},
                      {"participation", o.participation},
                      {"urgency", o.urgency}};

  if (o.model != "qr") {
    say(o, "zero-intelligence model: realism and strategies");
    doc["zero_intelligence"].update(run_model<fp::zero_intelligence_model>(
        o, "zero-intelligence (CST 2010)", fits, strategies, side, quantity, real, so, realism_seconds, notes));
  }
  if (o.model != "zi") {
    say(o, "queue-reactive model: realism and strategies");
    doc["queue_reactive"].update(run_model<fp::queue_reactive_model>(o, "queue-reactive (HLR 2015)", fits, strategies,
                                                                     side, quantity, real, so, realism_seconds, notes));
  }
  apps::finish_report(doc, notes, g_out, o.json_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "footprint-simulate: what would my orders have done in a book that reacts to them? Fits the zero-intelligence "
      "(Cont, Stoikov and Talreja 2010) and queue-reactive (Huang, Lehalle and Rosenbaum 2015) order-book models to "
      "the data's order flow, compares the simulated books with the real one, and executes the order N times per "
      "strategy in each. With no data option it runs on a built-in market (CST 2010's estimates).",
      "footprint-simulate"};
  options o;
  apps::add_data_options(app, o.data);
  app.add_option("--model", o.model, "zi, qr or both")->check(CLI::IsMember({"zi", "qr", "both"}));
  app.add_option("--side", o.side, "buy or sell")->check(CLI::IsMember({"buy", "sell"}));
  app.add_option("--quantity", o.quantity, "order quantity, instrument units (default 20 lots of the fitted lot)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--horizon", o.horizon, "execution horizon: seconds, or with a unit: 90s, 30m, 2h")
      ->transform(apps::duration("--horizon"));
  app.add_option("--children", o.children, "children of the schedules")->check(CLI::Range(1, 100000));
  app.add_option("--participation", o.participation, "POV participation rate")->check(CLI::Range(1e-6, 1.0));
  app.add_option("--urgency", o.urgency, "Almgren-Chriss urgency kappa T (0 = TWAP)")->check(CLI::Range(0.0, 50.0));
  app.add_option("--paths", o.paths, "simulated executions per strategy")->check(CLI::Range(2, 1000000));
  app.add_option("--threshold-bps", o.threshold_bps, "cost threshold for P(cost > threshold), bps")
      ->check(apps::finite_number());
  app.add_option("--tick-size", o.tick_size,
                 "price grid of the tape (default the instrument's tick; coarser aggregates levels)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--levels", o.levels, "distances L of the zero-intelligence fit")->check(CLI::Range(1, 1000));
  app.add_option("--queue-levels", o.queue_levels, "queues K per side of the queue-reactive fit")
      ->check(CLI::Range(1, 50));
  apps::add_simulator_options(app, o.match_occupancy, o.lot_quantity, o.max_queue, "", "");
  app.add_option("--min-cell-seconds", o.min_cell_seconds,
                 "queue-reactive cells observed less long take the rates below them")
      ->check(apps::at_least(0.0, false));
  app.add_option("--realism-seconds", o.realism_seconds,
                 "simulated seconds of the realism check (default the data's span)")
      ->check(apps::at_least(0.0, false));
  app.add_option("--impact-sizes", o.impact_sizes,
                 "multiples of the quantity for the impact curve, e.g. 0.25 0.5 1 2 4")
      ->check(apps::at_least(0.0, true));
  app.add_option("--impact-duration", o.impact_duration,
                 "the impact curve's TWAPs: all over --horizon in --children children (fixed), or size m over "
                 "m x --horizon in m x --children children, at the order's participation rate (proportional)")
      ->check(CLI::IsMember({"fixed", "proportional"}));
  app.add_option("--feedback", o.feedback,
                 "queue-reactive order-flow feedback kappa per lot of the signed flow (0 = none)")
      ->check(apps::at_least(0.0, false));
  app.add_option("--feedback-time", o.feedback_time, "the feedback kernel's tau_0, seconds")
      ->check(apps::at_least(0.0, true));
  app.add_option("--feedback-exponent", o.feedback_exponent, "the feedback kernel's power-law exponent beta")
      ->check(CLI::Range(1e-6, 2.0));
  app.add_option("--feedback-amplitude", o.feedback_amplitude,
                 "the feedback's amplitude c in (0, 1]: the others' market orders at 1 + c (exp(+-kappa F) - 1) "
                 "times their rates (1: exp(+-kappa F))")
      ->check(CLI::Range(1e-12, 1.0));
  app.add_option("--seed", o.seed, "random seed");
  apps::add_output_options(app, o.json_path, o.quiet);
  return apps::parse_and_run(app, argc, argv, "footprint-simulate", [&] {
    g_out = apps::report_stream(o.json_path);  // the JSON instead of the text with --json -
    o.quiet = o.quiet || o.json_path == "-";
    return run(o);
  });
}
