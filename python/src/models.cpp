// footprint._footprint: the regressors' C++ cores, wrapped with scikit-learn's estimator
// contract by python/footprint/_estimators.py (bindings.hpp). One template binds every
// regressor the same way: construction from its parameters as JSON (the names and enum
// spellings of footprint's model files, validated by the model's constructor), fit with
// optional sample weights, predict, predict_row, the predictive distribution's mean, std,
// quantiles and exceedance probabilities, and the fitted state as JSON for pickling.
#include "bindings.hpp"
#include "model_params.hpp"

#include <footprint/detail/checks.hpp>

#include <cmath>
#include <concepts>
#include <span>
#include <string>
#include <vector>

namespace footprint::python {

namespace {

// Predictions into out (the models without an out-parameter overload return a vector); X is
// a column-major Eigen::Map or a row_major_view, both read in place.
template <class Model, class Matrix, class Out>
void predict_into(const Model& model, const Matrix& X, Out&& out) {
  if constexpr (requires { model.predict(X, out); }) {
    model.predict(X, out);
  } else {
    out = model.predict(X);
  }
}

// The tree models read NaN as a missing value; the others take finite X only, checked here
// before predicting (their C++ predict returns NaN for a NaN row rather than scanning).
template <class Model>
constexpr bool allows_nan = std::same_as<Model, random_forest> || std::same_as<Model, gradient_boosting>;

template <class Model, class Matrix>
void check_finite(const Matrix& X) {
  if constexpr (!allows_nan<Model>) {
    if (!detail::all_finite(X)) {
      for (index j = 0; j < X.cols(); ++j)
        for (index i = 0; i < X.rows(); ++i)
          if (!std::isfinite(X(i, j)))
            throw invalid_argument("footprint: input X contains NaN or inf: row " + std::to_string(i) + ", column " +
                                   std::to_string(j) + " is " + std::to_string(X(i, j)));
    }
  }
}

py::dict report_dict(const fit_report& r) {
  py::dict d;
  d["status"] = std::string(to_string(r.status));
  d["iterations"] = r.iterations;
  d["final_loss"] = r.final_loss;
  d["message"] = r.message;
  return d;
}

// ---- the fitted state as JSON text (pickling)

template <class Model>
std::string state_json(const Model& m) {
  return model_to_json(m);
}

template <>
std::string state_json<mlp_regressor>(const mlp_regressor& m) {
  return to_json_value(m).dump();
}

template <>
std::string state_json<deep_ensemble>(const deep_ensemble& m) {
  return to_json_value(m).dump();
}

// ---- the binding

template <class Model>
void bind_regressor(py::module_& m, const char* name, const char* doc) {
  py::class_<Model>(m, name, doc)
      .def(py::init([](const std::string& params, int n_threads) {
             return make<Model>(detail::parse_json(params, params_source), n_threads);
           }),
           py::arg("params"), py::arg("n_threads") = 0,
           "A model with the parameters `params` (JSON, the names of footprint's model files; every field given) "
           "and `n_threads` OpenMP threads (0 = all; the results do not depend on it).")
      .def_static(
          "default_params", []() { return params_json(Model{}).dump(); }, "The default parameters as JSON.")
      .def(
          "params", [](const Model& model) { return params_json(model).dump(); }, "The parameters as JSON.")
      .def(
          "fit",
          [](Model& model, const matrix_f64& X, const array_f64& y, const py::object& sample_weight) {
            const Eigen::Map<const matrix> Xm = as_matrix_view(X);
            const vector yv = as_vector(y);
            fit_report r;
            if (sample_weight.is_none()) {
              py::gil_scoped_release release;
              r = model.fit(Xm, yv);
            } else {
              const vector w = as_vector(sample_weight.cast<array_f64>(), "sample_weight");
              py::gil_scoped_release release;
              r = model.fit(Xm, yv, w);
            }
            return report_dict(r);
          },
          py::arg("X"), py::arg("y"), py::arg("sample_weight") = py::none(),
          "Fits on X (n_samples, n_features) and y (n_samples), optionally weighted (n_samples, >= 0); returns the "
          "fit report {status, iterations, final_loss, message}.")
      .def(
          "predict",
          [](const Model& model, const py::object& X) {
            return with_matrix(X, [&](const auto& Xm) {
              check_finite<Model>(Xm);
              py::array_t<double> out(Xm.rows());
              Eigen::Map<vector> o(out.mutable_data(), Xm.rows());
              if (Xm.rows() == 1) {
                predict_into(model, Xm, o);  // so little work: no round trip of the GIL
              } else {
                py::gil_scoped_release release;
                predict_into(model, Xm, o);
              }
              return out;
            });
          },
          py::arg("X"),
          "The predictions (n_samples) of X (n_samples, n_features): float64 in C or Fortran order is read in place.")
      .def(
          "predict_row",
          [](const Model& model, const array_f64& x) {
            // One row, read in place (a C-contiguous row is a column-major 1 x n_features matrix).
            const auto n = static_cast<index>(x.size());
            const Eigen::Map<const matrix> row(x.data(), 1, n);
            check_finite<Model>(row);
            double out = 0.0;
            Eigen::Map<vector> o(&out, 1);
            predict_into(model, row, o);
            return out;
          },
          py::arg("x"), "The prediction of one row x (n_features), read in place.")
      .def(
          "predict_distribution",
          [](const Model& model, const py::object& X, const array_f64& levels) {
            const vector lv = as_vector(levels, "quantiles");
            for (index k = 0; k < lv.size(); ++k)
              if (!(lv[k] > 0.0 && lv[k] < 1.0))
                throw invalid_argument("footprint: quantiles must be in (0, 1) (got " + std::to_string(lv[k]) + ")");
            return with_matrix(X, [&](const auto& Xm) {
              check_finite<Model>(Xm);
              vector mean(Xm.rows()), sd(Xm.rows());
              row_major_matrix q(Xm.rows(), lv.size());
              {
                py::gil_scoped_release release;
                const auto d = model.predict_distribution(Xm);
                for (std::size_t i = 0; i < d.size(); ++i) {
                  const auto r = static_cast<index>(i);
                  mean[r] = footprint::mean(d[i]);
                  sd[r] = standard_deviation(d[i]);
                  for (index k = 0; k < lv.size(); ++k) q(r, k) = quantile(d[i], lv[k]);
                }
              }
              return py::make_tuple(mean, sd, q);
            });
          },
          py::arg("X"), py::arg("quantiles"),
          "The predictive distribution of each row: (mean (n), std (n), quantiles (n, k)) at the k levels in (0, 1).")
      .def(
          "predict_proba_exceed",
          [](const Model& model, const py::object& X, double threshold) {
            return with_matrix(X, [&](const auto& Xm) {
              check_finite<Model>(Xm);
              vector p(Xm.rows());
              {
                py::gil_scoped_release release;
                const auto d = model.predict_distribution(Xm);
                for (std::size_t i = 0; i < d.size(); ++i) p[static_cast<index>(i)] = 1.0 - cdf(d[i], threshold);
              }
              return py::cast(std::move(p));
            });
          },
          py::arg("X"), py::arg("threshold"),
          "P(y > threshold) under each row's predictive distribution (n), in [0, 1].")
      .def("is_fitted", &Model::is_fitted)
      .def("n_features", &Model::n_features)
      .def(
          "to_json", [](const Model& model) { return state_json(model); },
          "The model (parameters and fitted state) as JSON text: footprint's model file, doubles bit for bit.")
      .def_static(
          "from_json", [](const std::string& text) { return model_from_json<Model>(text, "<pickle>"); },
          py::arg("text"), "A model from the JSON text of to_json (or a footprint model file).");
}

}  // namespace

void bind_models(py::module_& m) {
  bind_regressor<bayesian_linear>(m, "BayesianLinearCore",
                                  "Bayesian linear regression (scikit-learn's BayesianRidge in evidence mode; a "
                                  "normal-inverse-gamma conjugate mode).");
  bind_regressor<ols>(m, "OlsCore", "Ordinary least squares with the Student-t predictive distribution.");
  bind_regressor<ridge>(m, "RidgeCore",
                        "Ridge regression (scikit-learn's Ridge) with an approximate Student-t predictive.");
  bind_regressor<random_forest>(m, "RandomForestCore",
                                "Random forest; a quantile regression forest (Meinshausen 2006).");
  bind_regressor<gradient_boosting>(m, "GradientBoostingCore",
                                    "Histogram gradient boosting (XGBoost's names), quantile models for the "
                                    "distribution.");
  bind_regressor<mlp_regressor>(m, "MlpCore", "Multilayer perceptron with an MSE or Gaussian (mean, sd) head.");
  bind_regressor<deep_ensemble>(m, "DeepEnsembleCore",
                                "Deep ensemble (Lakshminarayanan et al. 2017): Gaussian MLPs as a normal mixture.");
}

}  // namespace footprint::python
