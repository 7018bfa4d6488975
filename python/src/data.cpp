// footprint._footprint: the readers and dataset builders (bindings.hpp).
#include "bindings.hpp"

#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>

#include <cstdint>
#include <string>

namespace footprint::python {

namespace {
// One impact dataset as numpy arrays (copies) with its column names.
py::dict dataset_dict(const footprint::impact_dataset& d) {
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
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
  out["X"] = row_major(d.X);
  out["label_names"] = d.label_names;
  out["labels"] = row_major(d.labels);
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

void bind_data(py::module_& m) {
  m.def(
      "synthetic_dataset",
      [](double volatility, double gamma, double beta) {
        footprint::impact_pipeline_result r;
        {
          py::gil_scoped_release release;
          r = footprint::synthetic_dataset({.volatility = volatility, .gamma = gamma, .beta = beta});
        }
        return pipeline_dict(r);
      },
      py::arg("volatility") = 1e-5, py::arg("gamma") = 1e-5, py::arg("beta") = 2e-5,
      "The built-in synthetic market (6.5 hours, seed 20240809; the programs' default market) as impact datasets: "
      "{'symbol', 'orders', 'metaorders', 'tape'}, each dataset a dict of numpy arrays with column names.");
  m.def(
      "lobster_dataset",
      [](const std::string& message, const std::string& orderbook) {
        footprint::impact_pipeline_result r;
        {
          py::gil_scoped_release release;
          r = footprint::lobster_dataset(message, orderbook);
        }
        return pipeline_dict(r);
      },
      py::arg("message"), py::arg("orderbook"),
      "A LOBSTER day (message and order book files) as impact datasets, as synthetic_dataset.");
}

}  // namespace footprint::python
