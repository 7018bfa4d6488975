// footprint's Python module `footprint._footprint` (pybind11): the C++ objects behind the
// pure-Python package `footprint` (python/footprint/__init__.py), which adds the
// scikit-learn estimator contract. A first part of the Python issue: the impact datasets of
// the LOBSTER reader and the built-in synthetic market as numpy arrays, Almgren-Chriss, the
// Bayesian linear regressor (fit, predict, predictive distribution, state as JSON for
// pickling) and the implementation shortfall decompositions. numpy float64 arrays in C order
// are viewed, not copied, where Eigen can map them; the GIL is released inside fits.
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/execution/almgren_chriss.hpp>
#include <footprint/io/linear_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/tca/implementation_shortfall.hpp>
#include <footprint/version.hpp>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

namespace py = pybind11;
namespace fp = footprint;

namespace {

// A (rows, cols) row-major float64 array as footprint's column-major matrix (one copy: Eigen's
// layouts differ; the fit and predict work on column-major data).
fp::matrix as_matrix(const py::array_t<double, py::array::c_style | py::array::forcecast>& a) {
  if (a.ndim() != 2)
    throw fp::invalid_argument("footprint: X must be a 2-d array (got " + std::to_string(a.ndim()) + "-d)");
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const row_major>(a.data(), a.shape(0), a.shape(1));
}

fp::vector as_vector(const py::array_t<double, py::array::c_style | py::array::forcecast>& a) {
  if (a.ndim() != 1)
    throw fp::invalid_argument("footprint: y must be a 1-d array (got " + std::to_string(a.ndim()) + "-d)");
  return Eigen::Map<const fp::vector>(a.data(), a.shape(0));
}

// One impact dataset as numpy arrays (copies) with its column names.
py::dict dataset_dict(const fp::impact_dataset& d) {
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto n = static_cast<py::ssize_t>(d.rows());
  py::array_t<std::int64_t> times(n), durations(n);
  py::array_t<std::int8_t> side(n);
  for (py::ssize_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    times.mutable_at(i) = d.times[u].count();
    durations.mutable_at(i) = d.durations[u].count();
    side.mutable_at(i) = d.side[u] == fp::side::buy ? 1 : -1;
  }
  py::dict out;
  out["feature_names"] = d.feature_names;
  out["X"] = row_major(d.X);
  out["label_names"] = d.label_names;
  out["labels"] = row_major(d.labels);
  out["times_ns"] = times;
  out["durations_ns"] = durations;
  out["side"] = side;
  out["quantity"] = fp::vector(d.quantity);
  out["arrival_mid"] = fp::vector(d.arrival_mid);
  out["daily_volume"] = d.daily_volume;
  return out;
}

// A pipeline result: the market orders, the metaorders and the tape.
py::dict pipeline_dict(const fp::impact_pipeline_result& r) {
  py::dict out;
  out["symbol"] = r.instrument.symbol;
  out["orders"] = dataset_dict(r.orders);
  out["metaorders"] = dataset_dict(r.metaorders);
  const auto nt = static_cast<py::ssize_t>(r.tape.trades.size());
  py::array_t<std::int64_t> trade_times(nt);
  py::array_t<double> prices(nt), quantities(nt);
  py::array_t<std::int8_t> signs(nt);
  for (py::ssize_t i = 0; i < nt; ++i) {
    const fp::trade& t = r.tape.trades[static_cast<std::size_t>(i)];
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

py::dict cost_dict(const fp::almgren_chriss_cost& c, double lambda) {
  py::dict d;
  d["expected"] = c.expected_currency;
  d["variance"] = c.variance;
  d["std"] = c.std_currency();
  d["objective"] = c.objective(lambda);
  return d;
}

}  // namespace

PYBIND11_MODULE(_footprint, m) {
  m.doc() = "footprint's C++ core (see the package footprint)";
  m.attr("__version__") = std::string(fp::version_string);

  // Errors: footprint's typed exceptions as Python's ValueError (bad arguments and data) and
  // RuntimeError (fits that fail), with the C++ message.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const fp::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const fp::data_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const fp::not_fitted& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const fp::convergence_error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  m.def(
      "synthetic_dataset",
      [](double volatility, double gamma, double beta) {
        fp::impact_pipeline_result r;
        {
          py::gil_scoped_release release;
          r = fp::synthetic_dataset({.volatility = volatility, .gamma = gamma, .beta = beta});
        }
        return pipeline_dict(r);
      },
      py::arg("volatility") = 1e-5, py::arg("gamma") = 1e-5, py::arg("beta") = 2e-5,
      "The built-in synthetic market (6.5 hours, seed 20240809; the programs' default market) as impact datasets: "
      "{'symbol', 'orders', 'metaorders', 'tape'}, each dataset a dict of numpy arrays with column names.");
  m.def(
      "lobster_dataset",
      [](const std::string& message, const std::string& orderbook) {
        fp::impact_pipeline_result r;
        {
          py::gil_scoped_release release;
          r = fp::lobster_dataset(message, orderbook);
        }
        return pipeline_dict(r);
      },
      py::arg("message"), py::arg("orderbook"),
      "A LOBSTER day (message and order book files) as impact datasets, as synthetic_dataset.");

  py::class_<fp::almgren_chriss>(m, "AlmgrenChriss",
                                 "Almgren and Chriss (2000): linear permanent impact gamma, temporary eta and epsilon, "
                                 "price volatility sigma, risk aversion lam, n_intervals trading intervals.")
      .def(py::init([](double gamma, double eta, double epsilon, double sigma, double lam, fp::index n_intervals) {
             return fp::almgren_chriss(fp::almgren_chriss_params{.gamma = gamma,
                                                                 .eta = eta,
                                                                 .epsilon = epsilon,
                                                                 .sigma = sigma,
                                                                 .lambda = lam,
                                                                 .n_intervals = n_intervals});
           }),
           py::arg("gamma"), py::arg("eta"), py::arg("epsilon"), py::arg("sigma"), py::arg("lam"),
           py::arg("n_intervals"))
      .def(
          "schedule",
          [](const fp::almgren_chriss& ac, double quantity, double horizon) {
            const fp::almgren_chriss_schedule s = ac.schedule(quantity, horizon);
            py::dict d;
            d["holdings"] = fp::vector(s.holdings);
            d["trades"] = fp::vector(s.trades);
            d["kappa"] = s.kappa;
            d["cost"] = cost_dict(s.cost, ac.params().lambda);
            return d;
          },
          py::arg("quantity"), py::arg("horizon"),
          "The optimal trajectory of `quantity` over `horizon`: holdings (N + 1), trades (N), kappa, and its cost "
          "(expected, variance, std, objective E + lam V), quote currency.")
      .def(
          "evaluate",
          [](const fp::almgren_chriss& ac, const fp::vector& holdings, double horizon) {
            return cost_dict(ac.evaluate(holdings, horizon), ac.params().lambda);
          },
          py::arg("holdings"), py::arg("horizon"),
          "E, V and E + lam V of any trajectory (holdings x_0 = X ... x_N = 0).");

  py::class_<fp::bayesian_linear>(m, "BayesianLinearCore",
                                  "The Bayesian linear regressor (scikit-learn's BayesianRidge evidence mode).")
      .def(py::init([](bool fit_intercept, fp::index max_iter, double tol, double alpha_1, double alpha_2,
                       double lambda_1, double lambda_2) {
             fp::bayesian_linear_params p;
             p.fit_intercept = fit_intercept;
             p.max_iter = max_iter;
             p.tol = tol;
             p.alpha_1 = alpha_1;
             p.alpha_2 = alpha_2;
             p.lambda_1 = lambda_1;
             p.lambda_2 = lambda_2;
             return fp::bayesian_linear(p);
           }),
           py::arg("fit_intercept"), py::arg("max_iter"), py::arg("tol"), py::arg("alpha_1"), py::arg("alpha_2"),
           py::arg("lambda_1"), py::arg("lambda_2"))
      .def(
          "fit",
          [](fp::bayesian_linear& model, const py::array_t<double, py::array::c_style | py::array::forcecast>& X,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& y) {
            const fp::matrix Xm = as_matrix(X);
            const fp::vector yv = as_vector(y);
            py::gil_scoped_release release;
            (void)model.fit(Xm, yv);
          },
          py::arg("X"), py::arg("y"))
      .def(
          "predict",
          [](const fp::bayesian_linear& model,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& X) {
            const fp::matrix Xm = as_matrix(X);
            py::gil_scoped_release release;
            return model.predict(Xm);
          },
          py::arg("X"))
      .def(
          "predict_std",
          [](const fp::bayesian_linear& model,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& X) {
            const fp::matrix Xm = as_matrix(X);
            const std::vector<fp::location_scale_t> d = model.predict_distribution(Xm);
            fp::vector out(static_cast<fp::index>(d.size()));
            for (std::size_t i = 0; i < d.size(); ++i) out[static_cast<fp::index>(i)] = standard_deviation(d[i]);
            return out;
          },
          py::arg("X"))
      .def("is_fitted", &fp::bayesian_linear::is_fitted)
      .def(
          "to_json", [](const fp::bayesian_linear& model) { return fp::model_to_json(model); },
          "The fitted state as JSON (footprint's format, bit-exact doubles).")
      .def_static(
          "from_json",
          [](const std::string& text) { return fp::model_from_json<fp::bayesian_linear>(text, "<pickle>"); },
          py::arg("text"));

  m.def(
      "implementation_shortfall",
      [](const std::string& side, double quantity, double decision_price, double arrival_price, double end_price,
         const fp::vector& fill_quantities, const fp::vector& fill_prices, const fp::vector& fill_fees) {
        if (side != "buy" && side != "sell")
          throw fp::invalid_argument("footprint.implementation_shortfall: side must be 'buy' or 'sell' (got '" + side +
                                     "')");
        if (fill_prices.size() != fill_quantities.size() || fill_fees.size() != fill_quantities.size())
          throw fp::invalid_argument("footprint.implementation_shortfall: fill arrays differ in length");
        const fp::side s = side == "buy" ? fp::side::buy : fp::side::sell;
        std::vector<fp::fill> fills;
        for (fp::index i = 0; i < fill_quantities.size(); ++i)
          fills.push_back({.side = s, .quantity = fill_quantities[i], .price = fill_prices[i], .fee = fill_fees[i]});
        const fp::implementation_shortfall is = fp::decompose({.side = s,
                                                               .quantity = quantity,
                                                               .decision_price = decision_price,
                                                               .arrival_price = arrival_price,
                                                               .end_price = end_price},
                                                              fills);
        py::dict d;
        d["perold"] =
            py::dict(py::arg("execution") = is.perold.execution, py::arg("opportunity") = is.perold.opportunity,
                     py::arg("fees") = is.perold.fees, py::arg("total") = is.perold.total);
        d["wagner"] = py::dict(py::arg("delay_filled") = is.wagner.delay_filled,
                               py::arg("delay_unfilled") = is.wagner.delay_unfilled,
                               py::arg("trading") = is.wagner.trading, py::arg("opportunity") = is.wagner.opportunity,
                               py::arg("fees") = is.wagner.fees, py::arg("total") = is.wagner.total);
        d["market_activity"] = py::dict(
            py::arg("trading") = is.market_activity.trading, py::arg("opportunity") = is.market_activity.opportunity,
            py::arg("fees") = is.market_activity.fees, py::arg("total") = is.market_activity.total);
        d["fill_rate"] = is.fill_rate;
        return d;
      },
      py::arg("side"), py::arg("quantity"), py::arg("decision_price"), py::arg("arrival_price"), py::arg("end_price"),
      py::arg("fill_quantities"), py::arg("fill_prices"), py::arg("fill_fees"),
      "Perold, Wagner and market-activity decompositions of a parent order's implementation shortfall (quote "
      "currency, positive = cost); arrival_price NaN leaves Wagner's and market activity's terms NaN.");
}
