// The programs' order-flow tapes and simulators (order_flow.hpp).
#include "order_flow.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/pretrade/shard_data.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/tape_summary.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>
#include <utility>

namespace apps {

namespace {

// A note for each queue whose fitted chain's invariant law (the law the simulator draws it from
// at a price move) has a mean size, capped at Q, more than twice or less than half the tape's,
// and half a lot or more away from it: the book the model draws is not the data's
// (docs/simulation.md, Estimators). With HLR's rates it names --match-occupancy; with matched
// rates the drift comes from the sizes observed less than `min_seconds` (they take the rates
// below them, `fp::regularize_thin_cells`): it names the --max-queue below the first of them.
void check_occupancy(const fp::queue_reactive_fit& f, bool matched, double min_seconds,
                     std::vector<std::string>& notes) {
  const fp::queue_reactive_model model(f.params);
  const fp::index cap = f.params.max_tabulated();
  for (fp::index i = 0; i < f.params.levels(); ++i) {
    const std::vector<double> pi = model.invariant_distribution(i + 1);
    double chain = 0.0;
    for (std::size_t q = 0; q < pi.size(); ++q) chain += pi[q] * static_cast<double>(std::min<fp::index>(q, cap));
    double seconds = 0.0;
    double tape = 0.0;
    for (fp::index q = 0; q <= cap; ++q) {
      seconds += f.seconds(i, q);
      tape += f.seconds(i, q) * static_cast<double>(q);
    }
    if (!(seconds > 0.0)) continue;
    tape /= seconds;
    if (!(chain > 2.0 * tape || 2.0 * chain < tape) || std::abs(chain - tape) < 0.5) continue;
    std::string remedy = "; --match-occupancy sets the limit rates from the data's queue sizes";
    if (matched) {
      fp::index thin = 1;  // the first size observed less than min_seconds (cap: none below it)
      while (thin < cap && f.seconds(i, thin) >= min_seconds) ++thin;
      remedy = thin < cap && thin >= 2
                   ? fp::detail::concat("; from ", thin, " lots on, sizes observed less than ", min_seconds,
                                        " s take the rates below them: --max-queue ", thin - 1, " leaves them out")
                   : std::string();
    }
    char text[320];
    std::snprintf(text, sizeof text,
                  "queue-reactive queue %ld: its fitted chain's mean size is %.3g lots against the data's %.3g (sizes "
                  "capped at %ld), so the queues drawn at a price move are not the data's",
                  static_cast<long>(i + 1), chain, tape, static_cast<long>(cap));
    notes.push_back(text + remedy);
  }
}

}  // namespace

bool has_order_flow(const data_options& d) { return !d.lobster.empty() || !d.binance.empty() || !d.bitstamp.empty(); }

order_flow_tape load_order_flow(const data_options& d, double tick_size) {
  // the library's one definition (footprint/pretrade/shard_data.hpp)
  if (!has_order_flow(d))
    throw fp::invalid_argument("the order-book simulator needs order flow: --lobster, --binance or --bitstamp");
  fp::shard_order_flow f = fp::load_shard_order_flow(to_shard(d), tick_size);
  return order_flow_tape{std::move(f.events), f.tick_size, std::move(f.description), std::move(f.notes)};
}

order_flow_fits fit_order_flow(const order_flow_tape& tape, const order_flow_fit_options& o) {
  fp::order_flow_statistics st({.tick_size = tape.tick_size,
                                .levels = o.levels,
                                .queue_levels = o.queue_levels,
                                .max_queue_lots = o.max_queue,
                                .lot_quantity = o.lot_quantity});
  st.observe(std::span<const fp::order_flow_event>(tape.events));
  fp::zero_intelligence_fit zi = fp::fit_zero_intelligence(st);
  fp::queue_reactive_fit qr = fp::fit_queue_reactive(st);
  if (o.match_occupancy) qr = fp::match_occupancy(std::move(qr), o.min_cell_seconds);
  std::vector<std::string> notes = fp::regularize_thin_cells(qr, o.min_cell_seconds);
  check_occupancy(qr, o.match_occupancy, o.min_cell_seconds, notes);
  return order_flow_fits{std::move(st), std::move(zi), std::move(qr), std::move(notes)};
}

fp::simulated_execution simulate_in(const order_flow_fits& fits, const std::string& model,
                                    const fp::child_schedule& schedule, fp::child_order_type type,
                                    const fp::simulated_execution_params& settings) {
  if (model == "qr")
    return fp::simulate_execution<fp::queue_reactive_model>(fits.queue_reactive.params, schedule, type, settings);
  return fp::simulate_execution<fp::zero_intelligence_model>(fits.zero_intelligence.params, schedule, type, settings);
}

namespace {

// The tape's span, seconds (at least 1).
double span_seconds(const order_flow_tape& tape) {
  double span = 0.0;
  if (!tape.events.empty())
    span = std::chrono::duration<double>(tape.events.back().time - tape.events.front().time).count();
  return std::max(span, 1.0);
}

}  // namespace

double traded_rate(const order_flow_tape& tape) {
  double traded = 0.0;
  for (const fp::order_flow_event& e : tape.events)
    if (e.kind == fp::order_flow_kind::market) traded += e.quantity;
  return traded / span_seconds(tape);
}

void check_order_size(double quantity, double horizon, double traded_rate, const std::string& what) {
  const double market = traded_rate * horizon;
  if (!(market > 0.0) || quantity <= max_volume_multiple * market) return;
  char text[240];
  std::snprintf(text, sizeof text,
                ": an order of %.4g is %.3g times the market's traded quantity over its %.4g s (%.4g; the data trade "
                "%.4g a second), more than %g: the simulators would walk the book to prices that mean nothing",
                quantity, quantity / market, horizon, market, traded_rate, max_volume_multiple);
  throw fp::invalid_argument(what + text);
}

namespace {

template <class Simulator>
double pilot_event_rate(const typename Simulator::params_type& model) {
  Simulator sim(model);
  (void)sim.advance(warmup_seconds);
  const double t0 = sim.seconds();
  double events = 0.0;
  double t = t0;
  while (t - t0 < pilot_seconds && events < pilot_events) {
    t += 1.0;
    events += static_cast<double>(sim.advance(t));
  }
  return events / (t - t0);
}

}  // namespace

double simulated_event_rate(const fp::zero_intelligence_params& model) {
  return pilot_event_rate<fp::zero_intelligence_model>(model);
}
double simulated_event_rate(const fp::queue_reactive_params& model) {
  return pilot_event_rate<fp::queue_reactive_model>(model);
}

double simulated_seconds(const std::vector<double>& horizons, std::size_t paths) {
  double seconds = 0.0;
  for (const double h : horizons) seconds += static_cast<double>(paths) * 2.0 * (warmup_seconds + 2.0 * h);
  return seconds;
}

void check_simulation_budget(double seconds, double event_rate, const std::string& advice) {
  const double events = seconds * event_rate;
  if (events <= max_simulated_events) return;
  char text[200];
  std::snprintf(text, sizeof text, "%.3g background events (%.3g simulated days at about %.3g events a second)", events,
                seconds / 86400.0, event_rate);
  throw fp::invalid_argument(fp::detail::concat("the simulations would run about ", text, ", more than the limit of ",
                                                max_simulated_events, ": ", advice));
}

double whole_lots_share(double quantity, double lot) {
  if (!(quantity > 0.0) || !(lot > 0.0) || !std::isfinite(quantity) || !std::isfinite(lot)) return 1.0;
  return std::min(1.0, std::round(quantity / lot) * lot / quantity);
}

std::string fill_note(const std::string& model, const std::vector<strategy_fill>& fills) {
  std::string short_ones;
  for (const strategy_fill& f : fills) {
    if (!(f.fill_rate < 0.99 * f.whole_lots_share)) continue;
    char share[32];
    std::snprintf(share, sizeof share, "(%.1f%%)", 100.0 * f.fill_rate);
    short_ones += fp::detail::concat(short_ones.empty() ? "" : ", ", f.strategy, " ", share);
  }
  if (short_ones.empty()) return {};
  return fp::detail::concat(model, ": ", short_ones,
                            " filled that share of the order on average; the simulated book ran out of opposite "
                            "liquidity (a market order fills only what it holds), so their costs and impact, over the "
                            "filled part, understate the whole order's");
}

order_flow_tape builtin_order_flow(std::uint64_t seed) {
  fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  p.seed = seed;
  fp::zero_intelligence_model sim(p);
  order_flow_tape t;
  sim.record(6.5 * 3600.0, t.events);
  t.tick_size = p.tick_size;
  t.description = "built-in market: 6.5 hours of the zero-intelligence model with CST 2010's estimates";
  return t;
}

}  // namespace apps
