// footprint._footprint: the order-book simulators (bindings.hpp): the order flow of a real
// source as a tape, the zero-intelligence (Cont, Stoikov and Talreja 2010) and queue-reactive
// (Huang, Lehalle and Rosenbaum 2015) models fitted to it as footprint-simulate fits them, the
// simulators with the user's own orders, the metaorder harness and the realism comparison
// (environment.cpp puts an execution environment on them).
// docs/python.md "Order-book simulators"; docs/simulation.md for the models.
#include "bindings.hpp"

#include <footprint/execution/schedules.hpp>
#include <footprint/execution/simulated_execution.hpp>
#include <footprint/monitoring/simulation_realism.hpp>
#include <footprint/pretrade/shard_data.hpp>
#include <footprint/simulation/order_flow_fit.hpp>
#include <footprint/simulation/order_flow_statistics.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/tape_summary.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint::python {

namespace {

// A tape as numpy arrays: time_ns (int64), kind (int8: 0 limit, 1 cancel, 2 market,
// 3 set_quantity), side (int8: +1 the bid queue, -1 the ask queue), price_tick (int64) and
// quantity (float64, instrument units).
py::dict events_dict(const std::vector<order_flow_event>& events) {
  const auto n = static_cast<py::ssize_t>(events.size());
  py::array_t<std::int64_t> time(n), tick(n);
  py::array_t<std::int8_t> kind(n), sd(n);
  py::array_t<double> quantity(n);
  auto t = time.mutable_unchecked<1>();
  auto p = tick.mutable_unchecked<1>();
  auto k = kind.mutable_unchecked<1>();
  auto s = sd.mutable_unchecked<1>();
  auto q = quantity.mutable_unchecked<1>();
  for (py::ssize_t i = 0; i < n; ++i) {
    const order_flow_event& e = events[static_cast<std::size_t>(i)];
    t(i) = e.time.count();
    k(i) = static_cast<std::int8_t>(e.kind);
    s(i) = e.side == side::buy ? 1 : -1;
    p(i) = e.price_tick;
    q(i) = e.quantity;
  }
  py::dict d;
  d["time_ns"] = time;
  d["kind"] = kind;
  d["side"] = sd;
  d["price_tick"] = tick;
  d["quantity"] = quantity;
  return d;
}

py::dict estimate_dict(const parameter_estimate& e) {
  py::dict d;
  d["value"] = e.value;
  d["std_error"] = e.std_error;
  return d;
}

py::list estimates_list(const std::vector<parameter_estimate>& v) {
  py::list out;
  for (const parameter_estimate& e : v) out.append(estimate_dict(e));
  return out;
}

// The fits of a tape, as footprint-simulate makes them (apps/common/order_flow.cpp).
py::dict fit_tape(const shard_order_flow& flow, index levels, index queue_levels, index max_queue,
                  double min_cell_seconds, bool match, double lot_quantity) {
  zero_intelligence_fit zi;
  queue_reactive_fit qr;
  std::vector<std::string> notes;
  {
    py::gil_scoped_release release;
    order_flow_statistics st({.tick_size = flow.tick_size,
                              .levels = levels,
                              .queue_levels = queue_levels,
                              .max_queue_lots = max_queue,
                              .lot_quantity = lot_quantity});
    st.observe(std::span<const order_flow_event>(flow.events));
    zi = fit_zero_intelligence(st);
    qr = fit_queue_reactive(st);
    if (match) qr = match_occupancy(std::move(qr), min_cell_seconds);
    notes = regularize_thin_cells(qr, min_cell_seconds);
  }
  py::dict z;
  z["params"] = zi.params;
  z["lambda"] = estimates_list(zi.lambda);
  z["theta"] = estimates_list(zi.theta);
  z["mu"] = estimate_dict(zi.mu);
  z["market_order_rate"] = estimate_dict(zi.market_order_rate);
  z["power_law_k"] = estimate_dict(zi.power_law_k);
  z["power_law_alpha"] = estimate_dict(zi.power_law_alpha);
  z["two_sided_seconds"] = zi.two_sided_seconds;
  z["lot_quantity"] = zi.lot_quantity;
  z["mean_size_lots"] = zi.mean_size_lots;
  z["market_mean_size_lots"] = zi.market_mean_size_lots;
  z["limit_lot_share"] = zi.limit_lot_share;
  z["size_probabilities_std_error"] = zi.size_probabilities_std_error;
  z["market_size_probabilities_std_error"] = zi.market_size_probabilities_std_error;
  py::dict q;
  q["params"] = qr.params;
  q["limit_rate_std_error"] = qr.limit_rate_std_error;
  q["cancel_rate_std_error"] = qr.cancel_rate_std_error;
  q["market_rate_std_error"] = qr.market_rate_std_error;
  q["seconds"] = qr.seconds;
  q["theta"] = estimate_dict(qr.theta);
  q["depletions"] = qr.depletions;
  q["moves"] = qr.moves;
  py::dict out;
  out["zero_intelligence"] = z;
  out["queue_reactive"] = q;
  out["notes"] = notes;
  return out;
}

child_schedule schedule_from(const py::dict& d) {
  for (const char* key : {"times", "quantities", "horizon_seconds"})
    if (!d.contains(key))
      throw invalid_argument(std::string("footprint.simulate_execution: the schedule has no '") + key +
                             "' (a dict of times, quantities and horizon_seconds, e.g. from twap_schedule)");
  child_schedule s;
  s.times = as_vector(py::cast<array_f64>(d["times"]), "schedule['times']");
  s.quantities = as_vector(py::cast<array_f64>(d["quantities"]), "schedule['quantities']");
  s.horizon_seconds = py::cast<double>(d["horizon_seconds"]);
  return s;
}

py::dict schedule_dict(const child_schedule& s) {
  py::dict d;
  d["times"] = vector(s.times);
  d["quantities"] = vector(s.quantities);
  d["horizon_seconds"] = s.horizon_seconds;
  return d;
}

py::dict execution_dict(const simulated_execution& r) {
  py::dict d;
  d["order_type"] = std::string(to_string(r.order_type));
  d["cost_bps"] = r.cost_bps;
  d["fill_rate"] = r.fill_rate;
  d["passive_share"] = r.passive_share;
  d["expected_bps"] = r.expected_bps;
  d["std_bps"] = r.std_bps;
  d["q05_bps"] = r.q05_bps;
  d["q50_bps"] = r.q50_bps;
  d["q95_bps"] = r.q95_bps;
  d["p_exceed"] = r.p_exceed;
  d["path_times"] = r.path_times;
  d["mean_path_bps"] = r.mean_path_bps;
  d["path_bps"] = row_major_matrix(r.path_bps);
  d["horizon_seconds"] = r.horizon_seconds;
  d["events_per_second"] = r.events_per_second;
  return d;
}

template <class Simulator>
py::dict run_execution(const typename Simulator::params_type& params, const py::dict& schedule,
                       const std::string& side_name, const std::string& order_type, std::size_t n_paths,
                       double warmup_seconds, double post_seconds, std::size_t path_points, double threshold_bps,
                       std::uint64_t seed, bool subtract_baseline) {
  constexpr const char* where = "footprint.simulate_execution";
  const side s = parse_side(side_name, where);
  const child_order_type type = order_type_of(order_type, where);
  const child_schedule sch = schedule_from(schedule);
  const simulated_execution_params ep{.side = s,
                                      .n_paths = n_paths,
                                      .warmup_seconds = warmup_seconds,
                                      .post_seconds = post_seconds,
                                      .path_points = path_points,
                                      .threshold_bps = threshold_bps,
                                      .seed = seed,
                                      .subtract_baseline = subtract_baseline};
  simulated_execution r;
  {
    py::gil_scoped_release release;
    r = simulate_execution<Simulator>(params, sch, type, ep);
  }
  return execution_dict(r);
}

// The realism comparison footprint-simulate prints: the model simulated for `seconds` (0: the
// tape's two-sided span, at least 60 s and at most 6.5 hours), both tapes summarised on the
// tape's grid in the model's lots, and compared.
template <class Simulator>
py::dict run_realism(const shard_order_flow& flow, typename Simulator::params_type params, double seconds,
                     std::uint64_t seed) {
  params.seed = seed;
  realism_report rr;
  double span = 0.0;
  std::size_t n = 0;
  {
    py::gil_scoped_release release;
    const tape_summary_options so{.tick_size = flow.tick_size, .lot_quantity = params.lot_quantity};
    const tape_summary real = summarize_tape(flow.events, so);
    span = seconds > 0.0 ? seconds : std::min(std::max(real.seconds, 60.0), 6.5 * 3600.0);
    Simulator sim(params);
    std::vector<order_flow_event> simulated;
    n = sim.record(span, simulated);
    rr = compare_realism(real, summarize_tape(simulated, so), so);
  }
  py::list rows;
  for (const realism_row& r : rr.rows) {
    py::dict d;
    d["statistic"] = r.statistic;
    d["real_mean"] = r.real_mean;
    d["simulated_mean"] = r.simulated_mean;
    d["real_std"] = r.real_std;
    d["simulated_std"] = r.simulated_std;
    d["wasserstein"] = r.wasserstein;
    d["wasserstein_scaled"] = r.wasserstein_scaled;
    d["real_n"] = r.real_n;
    d["simulated_n"] = r.simulated_n;
    rows.append(d);
  }
  py::dict out;
  out["simulated_seconds"] = span;
  out["simulated_events"] = n;
  out["rows"] = rows;
  out["signature_seconds"] = rr.signature_seconds;
  out["real_signature"] = rr.real_signature;
  out["simulated_signature"] = rr.simulated_signature;
  out["signature_log_distance"] = rr.signature_log_distance;
  return out;
}

py::dict fills_dict(const std::vector<simulated_fill>& fills) {
  const auto n = static_cast<py::ssize_t>(fills.size());
  py::array_t<std::int64_t> time(n);
  py::array_t<std::uint64_t> id(n);
  py::array_t<std::int8_t> sd(n);
  py::array_t<double> price(n), quantity(n);
  py::array_t<bool> aggressive(n);
  for (py::ssize_t i = 0; i < n; ++i) {
    const simulated_fill& f = fills[static_cast<std::size_t>(i)];
    time.mutable_at(i) = f.time.count();
    id.mutable_at(i) = f.order_id;
    sd.mutable_at(i) = f.side == side::buy ? 1 : -1;
    price.mutable_at(i) = f.price;
    quantity.mutable_at(i) = f.quantity;
    aggressive.mutable_at(i) = f.aggressive;
  }
  py::dict d;
  d["time_ns"] = time;
  d["order_id"] = id;
  d["side"] = sd;
  d["price"] = price;
  d["quantity"] = quantity;
  d["aggressive"] = aggressive;
  return d;
}

// The methods both simulators share (simulation/detail/simulator_base.hpp).
template <class Simulator>
py::class_<Simulator> bind_simulator(py::module_& m, const char* name, const char* doc) {
  using P = typename Simulator::params_type;
  py::class_<Simulator> c(m, name, doc);
  c.def(py::init([](P params, std::optional<std::uint64_t> seed) {
          if (seed) params.seed = *seed;
          return Simulator(std::move(params));
        }),
        py::arg("params"), py::arg("seed") = py::none(),
        "A simulator with these parameters (validated; ValueError naming the one out of range) and, when given, "
        "this seed instead of params.seed. The initial book is drawn at once.")
      .def_property_readonly(
          "seconds", [](const Simulator& s) { return s.seconds(); }, "Simulated time since the start, seconds.")
      .def_property_readonly(
          "mid", [](const Simulator& s) { return s.mid(); }, "Mid price, price units.")
      .def_property_readonly(
          "best_bid", [](const Simulator& s) { return s.best_bid(); }, "Best bid, price units.")
      .def_property_readonly(
          "best_ask", [](const Simulator& s) { return s.best_ask(); }, "Best ask, price units.")
      .def_property_readonly(
          "tick_size", [](const Simulator& s) { return s.tick_size(); }, "Price units per tick.")
      .def_property_readonly(
          "lot_quantity", [](const Simulator& s) { return s.lot_quantity(); }, "Instrument units per lot.")
      .def(
          "depth_at",
          [](const Simulator& s, const std::string& sd, std::int64_t level) {
            if (level < 0)
              throw invalid_argument("footprint: depth_at: level must be >= 0 (got " + std::to_string(level) + ")");
            return s.depth_at(parse_side(sd, "footprint: depth_at"), level);
          },
          py::arg("side"), py::arg("level"),
          "Quantity (instrument units) of level `level` (0 = best, empty ticks counted) of the bid ('buy') or ask "
          "('sell') side, everyone's.")
      .def(
          "advance",
          [](Simulator& s, double until) {
            py::gil_scoped_release release;
            return s.advance(until);
          },
          py::arg("until"),
          "Runs the background order flow until `until` seconds since the start (no-op when not later than now); "
          "returns the number of events. The user's resting orders fill as the queues ahead are consumed.")
      .def(
          "run",
          [](Simulator& s, double until, std::size_t max_events) {
            std::vector<order_flow_event> out;
            {
              py::gil_scoped_release release;
              s.record(until, out, max_events);
            }
            return events_dict(out);
          },
          py::arg("until"), py::arg("max_events") = std::numeric_limits<std::size_t>::max(),
          "Simulates events until simulated time `until` (seconds since the start; the last event is the first at "
          "or past it) or `max_events`, and returns them as a tape: a dict of numpy arrays time_ns, kind (0 limit, 1 "
          "cancel, 2 market, 3 set_quantity), side (+1 bid queue, -1 ask queue), price_tick, quantity.")
      .def(
          "submit_market",
          [](Simulator& s, const std::string& sd, double quantity) {
            return s.submit_market(parse_side(sd, "footprint: submit_market"), quantity);
          },
          py::arg("side"), py::arg("quantity"),
          "A market order of the user, `quantity` instrument units rounded to whole lots (at least one), executed at "
          "once against the opposite side; returns its id (its fills in fills()).")
      .def(
          "submit_limit",
          [](Simulator& s, const std::string& sd, double price, double quantity) {
            return s.submit_limit(parse_side(sd, "footprint: submit_limit"), price, quantity);
          },
          py::arg("side"), py::arg("price"), py::arg("quantity"),
          "A limit order of the user at `price` (rounded down to the grid for a buy, up for a sell): its marketable "
          "part executes at once, the rest joins the back of its queue (FIFO). Returns its id.")
      .def(
          "cancel", [](Simulator& s, std::uint64_t id) { return s.cancel(id); }, py::arg("order_id"),
          "Cancels the user's resting order; returns the quantity cancelled (0 when no longer resting).")
      .def(
          "resting_quantity", [](const Simulator& s, std::uint64_t id) { return s.resting_quantity(id); },
          py::arg("order_id"),
          "The user's resting quantity of the order, instrument units (0 once filled or cancelled).")
      .def(
          "quantity_ahead", [](const Simulator& s, std::uint64_t id) { return s.quantity_ahead(id); },
          py::arg("order_id"),
          "Other participants' quantity ahead of the user's resting order in its queue, instrument units.")
      .def(
          "fills", [](const Simulator& s) { return fills_dict(s.fills()); },
          "The user's fills since the last clear_fills(), in time order: a dict of numpy arrays time_ns, order_id, "
          "side (+1 buy, -1 sell), price, quantity, aggressive.")
      .def(
          "clear_fills", [](Simulator& s) { s.clear_fills(); }, "Forgets the recorded fills.")
      .def(
          "report",
          [](const Simulator& s) {
            const simulation_report r = s.report();
            py::dict d;
            d["events"] = r.events;
            d["limits"] = r.limits;
            d["cancels"] = r.cancels;
            d["markets"] = r.markets;
            d["own_orders"] = r.own_orders;
            d["own_fills"] = r.own_fills;
            d["price_moves"] = r.price_moves;
            d["seconds"] = r.seconds;
            return d;
          },
          "Counts since construction: events, limits, cancels, markets, own_orders, own_fills, price_moves, seconds.");
  return c;
}

// The order flow of a source through the library's one loader (pretrade/shard_data.hpp).
shard_order_flow load_flow(shard s, double tick_size) {
  if (!(tick_size >= 0.0) || !std::isfinite(tick_size))
    throw invalid_argument(
        "footprint: tick_size must be 0 (the venue's, or a grid of about half the median "
        "spread on a small-tick book) or > 0 (got " +
        std::to_string(tick_size) + ")");
  py::gil_scoped_release release;
  return load_shard_order_flow(s, tick_size);
}

}  // namespace

void bind_simulation(py::module_& m) {
  m.attr("ORDER_FLOW_KINDS") = py::make_tuple("limit", "cancel", "market", "set_quantity");

  py::class_<shard_order_flow>(
      m, "OrderFlow",
      "An order-flow tape (limit orders, cancellations, market orders and snapshot corrections, each on a queue "
      "of the book) on a price grid: what the simulators are fitted to (fit_simulators). len() is its events.")
      .def_readonly("tick_size", &shard_order_flow::tick_size, "The grid of the events' price_tick, price units.")
      .def_readonly("description", &shard_order_flow::description)
      .def_readonly("notes", &shard_order_flow::notes, "e.g. the grid chosen")
      .def("__len__", [](const shard_order_flow& f) { return f.events.size(); })
      .def(
          "events", [](const shard_order_flow& f) { return events_dict(f.events); },
          "The tape as numpy arrays: time_ns, kind (0 limit, 1 cancel, 2 market, 3 set_quantity; "
          "ORDER_FLOW_KINDS), side (+1 bid queue, -1 ask queue: a buy market order has -1), price_tick, quantity.")
      .def("__repr__", [](const shard_order_flow& f) {
        return "<footprint.OrderFlow " + f.description + ": " + std::to_string(f.events.size()) + " events, grid " +
               std::to_string(f.tick_size) + ">";
      });

  m.def(
      "lobster_order_flow",
      [](const std::string& message, const std::string& orderbook, double tick_size, bool lenient) {
        return load_flow(
            {.id = "python", .source = "lobster", .message = message, .orderbook = orderbook, .lenient = lenient},
            tick_size);
      },
      py::arg("message"), py::arg("orderbook"), py::arg("tick_size") = 0.0, py::arg("lenient") = false,
      "A LOBSTER day's order flow (message and order book files) as an OrderFlow. tick_size 0: the venue's tick, "
      "or on a small-tick book (median spread above 3 ticks) whole ticks of about half the median spread, as "
      "footprint-simulate chooses.");
  m.def(
      "bitstamp_order_flow",
      [](const std::string& folder, double tick_size, bool lenient) {
        return load_flow({.id = "python", .source = "bitstamp", .folder = folder, .lenient = lenient}, tick_size);
      },
      py::arg("folder"), py::arg("tick_size") = 0.0, py::arg("lenient") = false,
      "A Bitstamp day's order flow (the folder's raw/*.log.bz2 order events) as an OrderFlow; tick_size as for "
      "lobster_order_flow.");
  m.def(
      "binance_order_flow",
      [](const std::vector<std::string>& captures, double tick_size, const std::string& time_unit, bool lenient) {
        return load_flow(
            {.id = "python", .source = "binance", .files = captures, .time_unit = time_unit, .lenient = lenient},
            tick_size);
      },
      py::arg("captures"), py::arg("tick_size") = 0.0, py::arg("time_unit") = "auto", py::arg("lenient") = false,
      "Binance captures' order flow (depth diffs matched with trades) as an OrderFlow; tick_size as for "
      "lobster_order_flow.");

  py::class_<zero_intelligence_params>(
      m, "ZeroIntelligenceParams",
      "Parameters of the zero-intelligence model (Cont, Stoikov and Talreja 2010): limit orders at distance i "
      "ticks from the opposite best at rate lambda_[i-1] a second per side, cancellations at theta[i-1] per "
      "resting lot, market orders at mu per side; sizes in lots (empty probabilities: one lot). Arrays are copies: "
      "assign whole lists to change them.")
      .def(py::init<>())
      .def_static("cont_stoikov_talreja_2010", &zero_intelligence_params::cont_stoikov_talreja_2010,
                  "The paper's Tokyo estimates (k 1.92, alpha 0.52, mu 0.94, theta(1..10)), unit sizes.")
      .def_readwrite("tick_size", &zero_intelligence_params::tick_size)
      .def_readwrite("lot_quantity", &zero_intelligence_params::lot_quantity)
      .def_readwrite("lambda_", &zero_intelligence_params::lambda)
      .def_readwrite("theta", &zero_intelligence_params::theta)
      .def_readwrite("mu", &zero_intelligence_params::mu)
      .def_readwrite("size_probabilities", &zero_intelligence_params::size_probabilities)
      .def_readwrite("market_size_probabilities", &zero_intelligence_params::market_size_probabilities)
      .def_readwrite("initial_price", &zero_intelligence_params::initial_price)
      .def_readwrite("seed", &zero_intelligence_params::seed)
      .def("__repr__", [](const zero_intelligence_params& p) {
        return "<footprint.ZeroIntelligenceParams L=" + std::to_string(p.lambda.size()) +
               " mu=" + std::to_string(p.mu) + " tick=" + std::to_string(p.tick_size) +
               " lot=" + std::to_string(p.lot_quantity) + ">";
      });

  py::class_<queue_reactive_params>(
      m, "QueueReactiveParams",
      "Parameters of the queue-reactive model (Huang, Lehalle and Rosenbaum 2015): per queue i = 1..K (rows) and "
      "size q = 0..Q lots (columns), the limit, cancel and market rates a second (K x (Q + 1) arrays); theta, "
      "theta_reinit; the order-flow feedback (kappa = feedback, tau_0 = feedback_time, beta = feedback_exponent). "
      "Arrays are copies: assign whole arrays to change them.")
      .def(py::init<>())
      .def_readwrite("tick_size", &queue_reactive_params::tick_size)
      .def_readwrite("lot_quantity", &queue_reactive_params::lot_quantity)
      .def_property(
          "limit_rate", [](const queue_reactive_params& p) { return matrix(p.limit_rate); },
          [](queue_reactive_params& p, const matrix& x) { p.limit_rate = x; })
      .def_property(
          "cancel_rate", [](const queue_reactive_params& p) { return matrix(p.cancel_rate); },
          [](queue_reactive_params& p, const matrix& x) { p.cancel_rate = x; })
      .def_property(
          "market_rate", [](const queue_reactive_params& p) { return matrix(p.market_rate); },
          [](queue_reactive_params& p, const matrix& x) { p.market_rate = x; })
      .def_readwrite("theta", &queue_reactive_params::theta)
      .def_readwrite("theta_reinit", &queue_reactive_params::theta_reinit)
      .def_readwrite("initial_price", &queue_reactive_params::initial_price)
      .def_readwrite("seed", &queue_reactive_params::seed)
      .def_readwrite("feedback", &queue_reactive_params::feedback)
      .def_readwrite("feedback_time", &queue_reactive_params::feedback_time)
      .def_readwrite("feedback_exponent", &queue_reactive_params::feedback_exponent)
      .def_readwrite("feedback_amplitude", &queue_reactive_params::feedback_amplitude)
      .def("__repr__", [](const queue_reactive_params& p) {
        return "<footprint.QueueReactiveParams K=" + std::to_string(p.levels()) +
               " Q=" + std::to_string(p.max_tabulated()) + " theta=" + std::to_string(p.theta) +
               " tick=" + std::to_string(p.tick_size) + " lot=" + std::to_string(p.lot_quantity) + ">";
      });

  m.def("fit_simulators", &fit_tape, py::arg("flow"), py::arg("levels") = 10, py::arg("queue_levels") = 3,
        py::arg("max_queue") = 20, py::arg("min_cell_seconds") = 30.0, py::arg("match_occupancy") = false,
        py::arg("lot_quantity") = 0.0,
        "Both models fitted to an OrderFlow as footprint-simulate fits them: the zero-intelligence model on "
        "`levels` distances, the queue-reactive one on `queue_levels` queues of up to `max_queue` lots (cells "
        "observed less than min_cell_seconds take the rates below them; match_occupancy sets the limit rates from "
        "the observed queue sizes); lot_quantity 0: the tape's mean limit-order size. Returns a dict: "
        "zero_intelligence (params, and the estimates with standard errors: lambda, theta, mu, power_law_k, "
        "power_law_alpha, ...), queue_reactive (params, the rate tables' standard errors, seconds, theta, "
        "depletions, moves) and notes.");

  bind_simulator<zero_intelligence_model>(
      m, "ZeroIntelligenceModel",
      "The zero-intelligence order-book simulator (Cont, Stoikov and Talreja 2010) with the user's own orders in "
      "FIFO queue position.");
  bind_simulator<queue_reactive_model>(
      m, "QueueReactiveModel",
      "The queue-reactive order-book simulator (Huang, Lehalle and Rosenbaum 2015) with the user's own orders in "
      "FIFO queue position; its intensities see the user's lots.")
      .def_property_readonly("reference_price", &queue_reactive_model::reference_price, "p_ref, price units.")
      .def(
          "queue",
          [](const queue_reactive_model& s, const std::string& sd, index i) {
            return s.queue(parse_side(sd, "footprint: queue"), i);
          },
          py::arg("side"), py::arg("i"), "Queue i = 1..K of the bid ('buy') or ask ('sell') side, instrument units.")
      .def("invariant_distribution", &queue_reactive_model::invariant_distribution, py::arg("i"),
           "Queue i's invariant law pi(q), q = 0, 1, ... lots (HLR section 2.3.3).");

  m.def(
      "twap_schedule",
      [](double quantity, double horizon_seconds, index children) {
        return schedule_dict(twap_schedule(quantity, horizon_seconds, children));
      },
      py::arg("quantity"), py::arg("horizon_seconds"), py::arg("children"),
      "N equal children at j T / N: a dict of times, quantities and horizon_seconds.");
  m.def(
      "urgency_schedule",
      [](double quantity, double horizon_seconds, index children, double urgency) {
        return schedule_dict(urgency_schedule(quantity, horizon_seconds, children, urgency));
      },
      py::arg("quantity"), py::arg("horizon_seconds"), py::arg("children"), py::arg("urgency"),
      "Almgren and Chriss's trajectory of urgency kappa T (0: TWAP) in N children, front-loaded.");
  m.def(
      "pov_schedule",
      [](double quantity, double participation, double volume_rate, double interval_seconds, index max_children) {
        return schedule_dict(pov_schedule(quantity, participation, volume_rate, interval_seconds, max_children));
      },
      py::arg("quantity"), py::arg("participation"), py::arg("volume_rate"), py::arg("interval_seconds"),
      py::arg("max_children") = 100000,
      "A fixed participation rate p of the market's volume_rate (quantity a second), a child every "
      "interval_seconds until the order is done.");

  m.def("simulate_execution", &run_execution<zero_intelligence_model>, py::arg("params"), py::arg("schedule"),
        py::arg("side") = "buy", py::arg("order_type") = "market", py::arg("n_paths") = 200,
        py::arg("warmup_seconds") = 300.0, py::arg("post_seconds") = std::numeric_limits<double>::quiet_NaN(),
        py::arg("path_points") = 41, py::arg("threshold_bps") = std::numeric_limits<double>::quiet_NaN(),
        py::arg("seed") = 0, py::arg("subtract_baseline") = true,
        "The metaorder harness: `schedule` (a dict of times, quantities, horizon_seconds) executed n_paths times "
        "in the model of `params` (ZeroIntelligenceParams or QueueReactiveParams), path k on stream k of `seed` "
        "(common random numbers across schedules); children as market orders or passive limit orders at the "
        "touch ('passive_limit', caught up with market orders). Returns a dict: cost_bps, fill_rate and "
        "passive_share per path; expected_bps, std_bps, q05/q50/q95_bps, p_exceed; path_times, mean_path_bps "
        "(the impact path), path_bps (paths x points), horizon_seconds, events_per_second.");
  m.def("simulate_execution", &run_execution<queue_reactive_model>, py::arg("params"), py::arg("schedule"),
        py::arg("side") = "buy", py::arg("order_type") = "market", py::arg("n_paths") = 200,
        py::arg("warmup_seconds") = 300.0, py::arg("post_seconds") = std::numeric_limits<double>::quiet_NaN(),
        py::arg("path_points") = 41, py::arg("threshold_bps") = std::numeric_limits<double>::quiet_NaN(),
        py::arg("seed") = 0, py::arg("subtract_baseline") = true);

  m.def("realism", &run_realism<zero_intelligence_model>, py::arg("flow"), py::arg("params"), py::arg("seconds") = 0.0,
        py::arg("seed") = 1,
        "The model of `params` simulated for `seconds` (0: the tape's two-sided span, 60 s to 6.5 hours) with "
        "`seed`, against the OrderFlow: per statistic (spread, best queue, inter-event times, mid returns at 1, 10 "
        "and 60 s, order sizes, depth) the real and simulated means and standard deviations and the Wasserstein-1 "
        "distance (also over the real sd), and the signature plots, as footprint-simulate reports them.");
  m.def("realism", &run_realism<queue_reactive_model>, py::arg("flow"), py::arg("params"), py::arg("seconds") = 0.0,
        py::arg("seed") = 1);
}

}  // namespace footprint::python
