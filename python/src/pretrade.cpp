// footprint._footprint: the pre-trade analysis (bindings.hpp): fitted on a Market with one of
// the regressors as the cost model of one market order, it prices an order's strategies into
// the report, returned as a dict (footprint.PretradeAnalysis adds a DataFrame of them).
#include "bindings.hpp"

#include <footprint/io/linear_model_json.hpp>
#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/models/trees/random_forest.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <variant>

namespace footprint::python {

namespace {

// The analysis with one of the three regressors (in a struct: pybind11's stl.h converts a bare
// std::variant by value).
struct analysis {
  std::variant<pretrade_analysis<bayesian_linear>, pretrade_analysis<ols>, pretrade_analysis<random_forest>,
               pretrade_analysis<gradient_boosting>>
      v;
};

// A regressor from the JSON text of its unfitted model file.
template <class Model>
Model regressor(const std::string& model_json) {
  return model_from_json<Model>(model_json, "<estimator>");
}

py::dict forecast_dict(const schedule_forecast& f) {
  py::dict d;
  d["immediate_bps"] = f.immediate_bps;
  d["transient_bps"] = f.transient_bps;
  d["temporary_bps"] = f.temporary_bps;
  d["permanent_bps"] = f.permanent_bps;
  d["expected_bps"] = f.expected_bps;
  d["std_bps"] = f.std_bps;
  d["p05_bps"] = f.p05_bps;
  d["p50_bps"] = f.p50_bps;
  d["p95_bps"] = f.p95_bps;
  d["exceedance_probability"] = f.exceedance_probability;
  d["price_risk_std_bps"] = f.price_risk_std_bps;
  d["max_child_to_depth"] = f.max_child_to_depth;
  d["child_bps"] = f.child_bps;
  return d;
}

py::dict report_dict(const pretrade_report& r) {
  py::dict d;
  d["symbol"] = r.instrument.symbol;
  d["order"] =
      py::dict(py::arg("side") = std::string(to_string(r.order.side)), py::arg("quantity") = r.order.quantity,
               py::arg("horizon_seconds") = r.order.horizon_seconds, py::arg("threshold_bps") = r.order.threshold_bps,
               py::arg("lam") = r.order.lambda, py::arg("children") = r.order.children);
  d["state"] = py::dict(py::arg("time_ns") = r.state.time.count(), py::arg("mid") = r.state.mid,
                        py::arg("spread") = r.state.spread, py::arg("bid_depth") = r.state.bid_depth,
                        py::arg("ask_depth") = r.state.ask_depth, py::arg("volatility") = r.state.volatility,
                        py::arg("volume_rate") = r.state.volume_rate);
  d["daily_volume"] = r.daily_volume;
  d["notional"] = r.notional;
  d["reference_quantity"] = r.reference_quantity;
  d["model_expected_bps"] = r.model_expected_bps;
  d["model_std_bps"] = r.model_std_bps;
  d["book_walk_bps"] = r.book_walk_bps;
  d["model_bias_bps"] = r.model_bias_bps;
  d["bias_floored"] = r.bias_floored;
  d["permanent"] = py::dict(
      py::arg("y") = r.impact.permanent.y.value, py::arg("y_std_error") = r.impact.permanent.y.std_error,
      py::arg("delta") = r.impact.permanent.delta.value,
      py::arg("delta_std_error") = r.impact.permanent.delta.std_error, py::arg("message") = r.impact.permanent.message);
  py::list strategies;
  for (const pretrade_strategy& s : r.strategies) {
    py::dict sd;
    sd["name"] = s.name;
    sd["description"] = s.description;
    sd["times"] = s.times;
    sd["quantities"] = s.quantities;
    sd["duration_seconds"] = s.duration_seconds;
    sd["half_life_seconds"] = s.half_life_seconds;
    sd["participation"] = s.participation;
    sd["total_currency"] = s.total_currency;
    sd["forecast"] = forecast_dict(s.forecast);
    strategies.append(sd);
  }
  d["strategies"] = strategies;
  py::list warnings;
  for (const pretrade_warning& w : r.warnings)
    warnings.append(py::dict(py::arg("code") = std::string(to_string(w.code)), py::arg("message") = w.message));
  d["warnings"] = warnings;
  d["calibration"] = py::dict(py::arg("conformal") = r.calibration.conformal, py::arg("scores") = r.calibration.scores,
                              py::arg("source") = r.calibration.source);
  return d;
}

}  // namespace

void bind_pretrade(py::module_& m) {
  py::class_<analysis>(m, "PretradeCore", "footprint::pretrade_analysis with one of four regressors.")
      .def(py::init([](const std::string& kind, const std::string& model_json) -> analysis {
             if (kind == "bayesian_linear")
               return {pretrade_analysis<bayesian_linear>(regressor<bayesian_linear>(model_json))};
             if (kind == "ols") return {pretrade_analysis<ols>(regressor<ols>(model_json))};
             if (kind == "random_forest")
               return {pretrade_analysis<random_forest>(regressor<random_forest>(model_json))};
             if (kind == "gradient_boosting")
               return {pretrade_analysis<gradient_boosting>(regressor<gradient_boosting>(model_json))};
             throw invalid_argument(
                 "footprint.PretradeAnalysis: the estimator must be a BayesianLinearRegressor, LinearRegression, "
                 "RandomForestRegressor or GradientBoostingRegressor (got '" +
                 kind + "')");
           }),
           py::arg("kind"), py::arg("model_json"))
      .def(
          "fit",
          [](analysis& a, const impact_pipeline_result& market) {
            py::gil_scoped_release release;
            std::visit([&](auto& x) { x.fit(market); }, a.v);
          },
          py::arg("market"))
      .def(
          "report",
          [](const analysis& a, const std::string& side, double quantity, double horizon_seconds, double threshold_bps,
             double lam, index children) {
            if (side != "buy" && side != "sell")
              throw invalid_argument("footprint.PretradeAnalysis.report: side must be 'buy' or 'sell' (got '" + side +
                                     "')");
            const pretrade_order o{.side = side == "buy" ? side::buy : side::sell,
                                   .quantity = quantity,
                                   .horizon_seconds = horizon_seconds,
                                   .threshold_bps = threshold_bps,
                                   .lambda = lam,
                                   .children = children};
            pretrade_report r;
            {
              py::gil_scoped_release release;
              r = std::visit([&](const auto& x) { return x.report(o); }, a.v);
            }
            return report_dict(r);
          },
          py::arg("side"), py::arg("quantity"), py::arg("horizon_seconds"), py::arg("threshold_bps") = 10.0,
          py::arg("lam") = 1e-6, py::arg("children") = 0);
}

}  // namespace footprint::python
