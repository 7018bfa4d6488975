// footprint._footprint: the regressors' C++ cores, wrapped with scikit-learn's estimator
// contract by python/footprint/_estimators.py (bindings.hpp).
#include "bindings.hpp"

#include <footprint/io/linear_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>

#include <vector>

namespace footprint::python {

void bind_models(py::module_& m) {
  py::class_<footprint::bayesian_linear>(m, "BayesianLinearCore",
                                         "The Bayesian linear regressor (scikit-learn's BayesianRidge evidence mode).")
      .def(py::init([](bool fit_intercept, footprint::index max_iter, double tol, double alpha_1, double alpha_2,
                       double lambda_1, double lambda_2) {
             footprint::bayesian_linear_params p;
             p.fit_intercept = fit_intercept;
             p.max_iter = max_iter;
             p.tol = tol;
             p.alpha_1 = alpha_1;
             p.alpha_2 = alpha_2;
             p.lambda_1 = lambda_1;
             p.lambda_2 = lambda_2;
             return footprint::bayesian_linear(p);
           }),
           py::arg("fit_intercept"), py::arg("max_iter"), py::arg("tol"), py::arg("alpha_1"), py::arg("alpha_2"),
           py::arg("lambda_1"), py::arg("lambda_2"))
      .def(
          "fit",
          [](footprint::bayesian_linear& model, const py::array_t<double, py::array::c_style | py::array::forcecast>& X,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& y) {
            const footprint::matrix Xm = as_matrix(X);
            const footprint::vector yv = as_vector(y);
            py::gil_scoped_release release;
            (void)model.fit(Xm, yv);
          },
          py::arg("X"), py::arg("y"))
      .def(
          "predict",
          [](const footprint::bayesian_linear& model,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& X) {
            const footprint::matrix Xm = as_matrix(X);
            py::gil_scoped_release release;
            return model.predict(Xm);
          },
          py::arg("X"))
      .def(
          "predict_std",
          [](const footprint::bayesian_linear& model,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& X) {
            const footprint::matrix Xm = as_matrix(X);
            const std::vector<footprint::location_scale_t> d = model.predict_distribution(Xm);
            footprint::vector out(static_cast<footprint::index>(d.size()));
            for (std::size_t i = 0; i < d.size(); ++i) out[static_cast<footprint::index>(i)] = standard_deviation(d[i]);
            return out;
          },
          py::arg("X"))
      .def("is_fitted", &footprint::bayesian_linear::is_fitted)
      .def(
          "to_json", [](const footprint::bayesian_linear& model) { return footprint::model_to_json(model); },
          "The fitted state as JSON (footprint's format, bit-exact doubles).")
      .def_static(
          "from_json",
          [](const std::string& text) {
            return footprint::model_from_json<footprint::bayesian_linear>(text, "<pickle>");
          },
          py::arg("text"));
}

}  // namespace footprint::python
