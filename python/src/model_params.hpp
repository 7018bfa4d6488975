// footprint's regressors from their parameters as JSON (the names and enum spellings of
// footprint's model files, every field given), and their parameters back as JSON: shared by
// the Python module (models.cpp) and the C++ reference program of its tests
// (python/tests/reference.cpp), so both build a model from the same text the same way.
#pragma once

#include <footprint/io/linear_model_json.hpp>
#include <footprint/io/mlp_json.hpp>
#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/models/linear/ridge.hpp>
#include <footprint/models/neural/deep_ensemble.hpp>
#include <footprint/models/neural/mlp_regressor.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/models/trees/random_forest.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <type_traits>

namespace footprint::python {

inline constexpr const char* params_source = "<params>";

// ---- construction from parameters as JSON, and the parameters back as JSON

template <class Model>
Model make(const nlohmann::json& j, int n_threads);

template <>
inline bayesian_linear make<bayesian_linear>(const nlohmann::json& j, int) {
  return bayesian_linear(detail::bayesian_linear_params_from_json(detail::json_reader(params_source), j, "params"));
}

template <>
inline ols make<ols>(const nlohmann::json& j, int) {
  // The unfitted model's file: {format, version, params, fitted: false}.
  const nlohmann::json doc = {
      {"format", "footprint.ols"}, {"version", linear_model_json_version}, {"params", j}, {"fitted", false}};
  return model_from_json_value(std::type_identity<ols>{}, doc, params_source);
}

template <>
inline ridge make<ridge>(const nlohmann::json& j, int) {
  const nlohmann::json doc = {
      {"format", "footprint.ridge"}, {"version", linear_model_json_version}, {"params", j}, {"fitted", false}};
  return model_from_json_value(std::type_identity<ridge>{}, doc, params_source);
}

template <>
inline random_forest make<random_forest>(const nlohmann::json& j, int n_threads) {
  random_forest_params p = detail::random_forest_params_from_json(detail::json_reader(params_source), j, "params");
  p.n_threads = n_threads;
  return random_forest(p);
}

template <>
inline gradient_boosting make<gradient_boosting>(const nlohmann::json& j, int n_threads) {
  gradient_boosting_params p =
      detail::gradient_boosting_params_from_json(detail::json_reader(params_source), j, "params");
  p.n_threads = n_threads;
  return gradient_boosting(p);
}

template <>
inline mlp_regressor make<mlp_regressor>(const nlohmann::json& j, int) {
  return mlp_regressor(detail::mlp_params_from_json(detail::json_reader(params_source), j, "params"));
}

template <>
inline deep_ensemble make<deep_ensemble>(const nlohmann::json& j, int n_threads) {
  const detail::json_reader r(params_source);
  deep_ensemble_params p;
  p.n_estimators = r.integer<index>(j, "params", "n_estimators", 1, index{1} << 20);
  p.seed = r.integer<std::uint64_t>(j, "params", "seed");
  p.parallel = n_threads != 1;
  p.member = detail::mlp_params_from_json(r, r.at(j, "params", "member"), "params.member");
  return deep_ensemble(p);
}

template <class Model>
nlohmann::json params_json(const Model& m) {
  return model_to_json_value(m)["params"];
}

template <>
inline nlohmann::json params_json<mlp_regressor>(const mlp_regressor& m) {
  return detail::mlp_params_to_json(m.params());
}

template <>
inline nlohmann::json params_json<deep_ensemble>(const deep_ensemble& m) {
  return {{"n_estimators", m.params().n_estimators},
          {"seed", m.params().seed},
          {"member", detail::mlp_params_to_json(m.params().member)}};
}

}  // namespace footprint::python
