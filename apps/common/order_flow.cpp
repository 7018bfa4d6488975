// The programs' order-flow tapes and simulators (order_flow.hpp).
#include "order_flow.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/simulation/binance_order_flow.hpp>
#include <footprint/simulation/bitstamp_order_flow.hpp>
#include <footprint/simulation/lobster_order_flow.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/tape_summary.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>
#include <utility>

namespace apps {

namespace {

order_flow_tape read(const data_options& d, double tick_size) {
  order_flow_tape t;
  t.tick_size = tick_size;
  if (!d.lobster.empty()) {
    auto r = fp::lobster_order_flow(d.lobster[0], d.lobster[1], {.tick_size = tick_size, .policy = policy(d)});
    t.events = std::move(r.events);
    t.description = fp::detail::concat("LOBSTER ", std::filesystem::path(d.lobster[0]).filename().string());
  } else if (!d.binance.empty()) {
    auto r =
        fp::binance_order_flow(d.binance, {.tick_size = tick_size, .policy = policy(d), .time_unit = time_unit(d)});
    t.events = std::move(r.events);
    t.description = fp::detail::concat("Binance ", std::filesystem::path(d.binance[0]).filename().string(), " (",
                                       d.binance.size(), " files)");
  } else if (!d.bitstamp.empty()) {
    // the folder's raw websocket log (raw/*.log.bz2): the order events
    std::string log;
    const std::filesystem::path raw = std::filesystem::path(d.bitstamp) / "raw";
    if (std::filesystem::is_directory(raw))
      for (const auto& f : std::filesystem::directory_iterator(raw))
        if (f.path().string().ends_with(".log.bz2") && (log.empty() || f.path().string() < log))
          log = f.path().string();
    if (log.empty())
      throw fp::invalid_argument(
          fp::detail::concat("--bitstamp ", d.bitstamp,
                             ": no raw/*.log.bz2 order-event log in the folder (the simulator needs order events)"));
    auto r = fp::bitstamp_order_flow(log, {.tick_size = tick_size, .policy = policy(d)});
    t.events = std::move(r.events);
    t.description = fp::detail::concat("Bitstamp ", std::filesystem::path(log).filename().string());
  } else {
    throw fp::invalid_argument("the order-book simulator needs order flow: --lobster, --binance or --bitstamp");
  }
  if (t.events.empty()) throw fp::invalid_argument(fp::detail::concat(t.description, ": the data hold no order event"));
  return t;
}

std::string format_tick(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// The queue-reactive tables where the data were thin: a cell observed less than `min_seconds`
// takes the rates of the queue size below it (the last well-observed one); the last column
// must let queues shrink (limit < cancel + market) for the invariant law to exist, and where
// it does not, its cancellation rate is raised to 1.25 x the limit rate.
void regularize(fp::queue_reactive_fit& f, double min_seconds, std::vector<std::string>& notes) {
  fp::queue_reactive_params& p = f.params;
  std::size_t filled = 0;
  for (fp::index i = 0; i < p.levels(); ++i) {
    for (fp::index q = 1; q <= p.max_tabulated(); ++q) {
      if (f.seconds(i, q) >= min_seconds) continue;
      p.limit_rate(i, q) = p.limit_rate(i, q - 1);
      if (q > 1) {
        p.cancel_rate(i, q) = p.cancel_rate(i, q - 1);
        p.market_rate(i, q) = p.market_rate(i, q - 1);
      }
      ++filled;
    }
    const fp::index Q = p.max_tabulated();
    const double death = p.cancel_rate(i, Q) + (i == 0 ? p.market_rate(i, Q) : 0.0);
    if (!(p.limit_rate(i, Q) < death)) {
      p.cancel_rate(i, Q) = 1.25 * p.limit_rate(i, Q) + 1e-9;
      notes.push_back(fp::detail::concat(
          "queue-reactive queue ", i + 1,
          ": the largest queues grew on average; their cancellation rate was raised to 1.25 x the limit rate"));
    }
  }
  if (filled > 0)
    notes.push_back(fp::detail::concat(filled, " queue-reactive cells observed less than ", min_seconds,
                                       " s take the rates of the queue size below them"));
  if (!std::isfinite(p.theta)) p.theta = 0.5;
}

}  // namespace

bool has_order_flow(const data_options& d) { return !d.lobster.empty() || !d.binance.empty() || !d.bitstamp.empty(); }

order_flow_tape load_order_flow(const data_options& d, double tick_size) {
  if (tick_size > 0.0) return read(d, tick_size);
  order_flow_tape t = read(d, 0.01);
  // a small-tick book (a median spread of many ticks, most queues empty) is modelled on a
  // coarser grid: whole ticks, about half the median spread, so that the touch is usually one
  // or two grid steps wide, as both models assume
  const fp::tape_summary first = fp::summarize_tape(t.events, {.tick_size = t.tick_size, .lot_quantity = 1.0});
  std::vector<double> sp = first.spread_ticks;
  if (sp.empty()) return t;
  std::nth_element(sp.begin(), sp.begin() + static_cast<std::ptrdiff_t>(sp.size() / 2), sp.end());
  const double median = sp[sp.size() / 2];
  if (median <= 3.0) return t;
  const double grid = t.tick_size * std::round(median / 2.0);
  order_flow_tape coarse = read(d, grid);
  coarse.notes.push_back(fp::detail::concat("the median spread is ", median, " ticks of ", format_tick(t.tick_size),
                                            ": the book is modelled on a grid of ", format_tick(grid),
                                            " (--tick-size sets it)"));
  return coarse;
}

order_flow_fits fit_order_flow(const order_flow_tape& tape, const order_flow_fit_options& o) {
  fp::order_flow_statistics st(
      {.tick_size = tape.tick_size, .levels = o.levels, .queue_levels = o.queue_levels, .max_queue_lots = o.max_queue});
  st.observe(std::span<const fp::order_flow_event>(tape.events));
  fp::zero_intelligence_fit zi = fp::fit_zero_intelligence(st);
  fp::queue_reactive_fit qr = fp::fit_queue_reactive(st);
  std::vector<std::string> notes;
  regularize(qr, o.min_cell_seconds, notes);
  return order_flow_fits{std::move(st), std::move(zi), std::move(qr), std::move(notes)};
}

fp::simulated_execution simulate_in(const order_flow_fits& fits, const std::string& model,
                                    const fp::child_schedule& schedule, fp::child_order_type type,
                                    const fp::simulated_execution_params& settings) {
  if (model == "qr")
    return fp::simulate_execution<fp::queue_reactive_model>(fits.queue_reactive.params, schedule, type, settings);
  return fp::simulate_execution<fp::zero_intelligence_model>(fits.zero_intelligence.params, schedule, type, settings);
}

order_flow_tape builtin_order_flow(std::uint64_t seed) {
  fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  p.seed = seed;
  fp::zero_intelligence_model sim(p);
  order_flow_tape t;
  fp::order_flow_event e;
  while (sim.seconds() < 6.5 * 3600.0) {
    sim.next(e);
    t.events.push_back(e);
  }
  t.tick_size = p.tick_size;
  t.description = "built-in market: 6.5 hours of the zero-intelligence model with CST 2010's estimates";
  return t;
}

}  // namespace apps
