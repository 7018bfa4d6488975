// footprint._footprint: Almgren-Chriss (bindings.hpp).
#include "bindings.hpp"

#include <footprint/execution/almgren_chriss.hpp>

namespace footprint::python {

namespace {

py::dict cost_dict(const footprint::almgren_chriss_cost& c, double lambda) {
  py::dict d;
  d["expected"] = c.expected_currency;
  d["variance"] = c.variance;
  d["std"] = c.std_currency();
  d["objective"] = c.objective(lambda);
  return d;
}

}  // namespace

void bind_execution(py::module_& m) {
  py::class_<footprint::almgren_chriss>(
      m, "AlmgrenChriss",
      "Almgren and Chriss (2000): linear permanent impact gamma, temporary eta and epsilon, "
      "price volatility sigma, risk aversion lam, n_intervals trading intervals.")
      .def(py::init(
               [](double gamma, double eta, double epsilon, double sigma, double lam, footprint::index n_intervals) {
                 return footprint::almgren_chriss(footprint::almgren_chriss_params{.gamma = gamma,
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
          [](const footprint::almgren_chriss& ac, double quantity, double horizon) {
            const footprint::almgren_chriss_schedule s = ac.schedule(quantity, horizon);
            py::dict d;
            d["holdings"] = footprint::vector(s.holdings);
            d["trades"] = footprint::vector(s.trades);
            d["kappa"] = s.kappa;
            d["cost"] = cost_dict(s.cost, ac.params().lambda);
            return d;
          },
          py::arg("quantity"), py::arg("horizon"),
          "The optimal trajectory of `quantity` over `horizon`: holdings (N + 1), trades (N), kappa, and its cost "
          "(expected, variance, std, objective E + lam V), quote currency.")
      .def(
          "evaluate",
          [](const footprint::almgren_chriss& ac, const footprint::vector& holdings, double horizon) {
            return cost_dict(ac.evaluate(holdings, horizon), ac.params().lambda);
          },
          py::arg("holdings"), py::arg("horizon"),
          "E, V and E + lam V of any trajectory (holdings x_0 = X ... x_N = 0).");
}

}  // namespace footprint::python
