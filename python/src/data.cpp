// footprint._footprint: the readers and dataset builders (bindings.hpp). A data set is a
// `Market`: the C++ impact_pipeline_result (what the pre-trade analysis fits on), which reads
// as a dict of numpy arrays: market["orders"], ["metaorders"], ["tape"], ["symbol"].
#include "bindings.hpp"

#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/pretrade/shard_data.hpp>

#include <cstdint>
#include <string>

namespace footprint::python {

namespace {
// One impact dataset as numpy arrays (copies) with its column names.
py::dict dataset_dict(const footprint::impact_dataset& d) {
  const auto n = static_cast<py::ssize_t>(d.rows());
  py::array_t<std::int64_t> times(n), durations(n);
  py::array_t<std::int8_t> side(n);
  for (py::ssize_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    times.mutable_at(i) = d.times[u].count();
    durations.mutable_at(i) = d.durations[u].count();
    side.mutable_at(i) = d.side[u] == footprint::side::buy ? 1 : -1;
  }
  py::dict out;
  out["feature_names"] = d.feature_names;
  out["X"] = row_major_matrix(d.X);
  out["label_names"] = d.label_names;
  out["labels"] = row_major_matrix(d.labels);
  out["times_ns"] = times;
  out["durations_ns"] = durations;
  out["side"] = side;
  out["quantity"] = footprint::vector(d.quantity);
  out["arrival_mid"] = footprint::vector(d.arrival_mid);
  out["daily_volume"] = d.daily_volume;
  return out;
}

}  // namespace

// A pipeline result: the market orders, the metaorders and the tape.
py::dict pipeline_dict(const footprint::impact_pipeline_result& r) {
  py::dict out;
  out["symbol"] = r.instrument.symbol;
  out["orders"] = dataset_dict(r.orders);
  out["metaorders"] = dataset_dict(r.metaorders);
  const auto nt = static_cast<py::ssize_t>(r.tape.trades.size());
  py::array_t<std::int64_t> trade_times(nt);
  py::array_t<double> prices(nt), quantities(nt);
  py::array_t<std::int8_t> signs(nt);
  for (py::ssize_t i = 0; i < nt; ++i) {
    const footprint::trade& t = r.tape.trades[static_cast<std::size_t>(i)];
    trade_times.mutable_at(i) = t.time.count();
    prices.mutable_at(i) = t.price;
    quantities.mutable_at(i) = t.quantity;
    signs.mutable_at(i) = t.sign;
  }
  const auto nm = static_cast<py::ssize_t>(r.tape.mids.size());
  py::array_t<std::int64_t> mid_times(nm);
  for (py::ssize_t i = 0; i < nm; ++i) mid_times.mutable_at(i) = r.tape.mid_times[static_cast<std::size_t>(i)].count();
  py::dict tape;
  tape["trade_times_ns"] = trade_times;
  tape["trade_prices"] = prices;
  tape["trade_quantities"] = quantities;
  tape["trade_signs"] = signs;
  tape["mid_times_ns"] = mid_times;
  tape["mids"] = py::array_t<double>(nm, r.tape.mids.data());
  out["tape"] = tape;
  return out;
}

namespace {

// The arrival book levels kept per order: the pre-trade analysis's (footprint-pretrade's 20).
constexpr index arrival_book_levels = 20;

py::dict summary_dict(const impact_pipeline_result& r) {
  py::dict d;
  d["symbol"] = r.instrument.symbol;
  d["orders"] = r.orders.rows();
  d["metaorders"] = r.metaorders.rows();
  d["trades"] = r.tape.trades.size();
  d["span_seconds"] = r.summary.span_seconds;
  d["daily_volume"] = r.orders.daily_volume;
  d["mid"] = r.state.mid;
  d["volatility"] = r.state.volatility;
  return d;
}

}  // namespace

void bind_data(py::module_& m) {
  py::class_<impact_pipeline_result>(
      m, "Market",
      "One market's data as footprint's impact datasets: market['orders'], market['metaorders'] (dicts of numpy "
      "arrays with column names), market['tape'] (trades and mids), market['symbol']; the state at the end "
      "(summary()). What footprint.PretradeAnalysis fits on.")
      .def("__getitem__",
           [](const impact_pipeline_result& r, const std::string& key) -> py::object {
             if (key == "symbol") return py::str(r.instrument.symbol);
             py::dict d = pipeline_dict(r);
             if (!d.contains(key))
               throw py::key_error("footprint.Market: no '" + key + "' (orders, metaorders, tape, symbol)");
             return d[py::str(key)];
           })
      .def("keys",
           [](const impact_pipeline_result&) { return py::make_tuple("symbol", "orders", "metaorders", "tape"); })
      .def("__contains__",
           [](const impact_pipeline_result&, const std::string& key) {
             return key == "symbol" || key == "orders" || key == "metaorders" || key == "tape";
           })
      .def("summary", &summary_dict,
           "Counts and the state at the end: symbol, orders, metaorders, trades, "
           "span_seconds, daily_volume, mid, volatility (per sqrt(second)).")
      .def("__repr__", [](const impact_pipeline_result& r) {
        return "<footprint.Market " + r.instrument.symbol + ": " + std::to_string(r.orders.rows()) + " orders, " +
               std::to_string(r.metaorders.rows()) + " metaorders>";
      });

  m.def(
      "synthetic_dataset",
      [](double volatility, double gamma, double beta) {
        py::gil_scoped_release release;
        return synthetic_dataset({.volatility = volatility, .gamma = gamma, .beta = beta},
                                 {.arrival_book_levels = arrival_book_levels});
      },
      py::arg("volatility") = 1e-5, py::arg("gamma") = 1e-5, py::arg("beta") = 2e-5,
      "The built-in synthetic market (6.5 hours, seed 20240809; the programs' default market) as a Market.");
  // The real sources through the library's one loader (pretrade/shard_data.hpp), as the
  // programs and footprint.dask read them.
  m.def(
      "lobster_dataset",
      [](const std::string& message, const std::string& orderbook, bool lenient) {
        py::gil_scoped_release release;
        return load_shard_data(
            {.id = "python", .source = "lobster", .message = message, .orderbook = orderbook, .lenient = lenient},
            arrival_book_levels);
      },
      py::arg("message"), py::arg("orderbook"), py::arg("lenient") = false,
      "A LOBSTER day (message and order book files, plain or gzip/bzip2) as a Market; lenient skips and counts "
      "malformed rows instead of raising.");
  m.def(
      "bitstamp_dataset",
      [](const std::string& folder, bool lenient) {
        py::gil_scoped_release release;
        return load_shard_data({.id = "python", .source = "bitstamp", .folder = folder, .lenient = lenient},
                               arrival_book_levels);
      },
      py::arg("folder"), py::arg("lenient") = false,
      "A Bitstamp day (a folder with depth20_snapshots.csv.gz and trades.csv) as a Market.");
  m.def(
      "binance_dataset",
      [](const std::vector<std::string>& captures, const std::string& time_unit, bool lenient) {
        py::gil_scoped_release release;
        return load_shard_data(
            {.id = "python", .source = "binance", .files = captures, .time_unit = time_unit, .lenient = lenient},
            arrival_book_levels);
      },
      py::arg("captures"), py::arg("time_unit") = "auto", py::arg("lenient") = false,
      "Binance captures of one instrument (depth, bookTicker and trade streams; JSON lines, plain or gzip), in "
      "time order, as a Market; time_unit of their local timestamps: auto, ns, us or ms.");
}

}  // namespace footprint::python
