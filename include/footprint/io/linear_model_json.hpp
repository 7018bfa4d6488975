/// @file io/linear_model_json.hpp
/// @brief Save and load `bayesian_linear`, `ols` and `ridge` as versioned JSON (nlohmann-json), with the same
/// calls as the tree and MLP models: `model_to_json`, `model_from_json<M>`, `save_model`,
/// `load_model<M>`, and the value forms `model_to_json_value` / `model_from_json_value` that
/// io/pretrade_json.hpp embeds in a fitted pre-trade analysis.
///
/// Format (version 1): the fields of `bayesian_linear_state` (or `ols_state`, format
/// "footprint.ols": params fit_intercept, solver, rcond (null: the default); n_features,
/// coef, intercept, centre, rank, factor (n_features x rank, column-major), extra,
/// residual_dof, noise_variance (null when undefined)), or `ridge_state` (format
/// "footprint.ridge": params alpha, fit_intercept, solver; n_features, coef, intercept,
/// centre, factor_columns, factor (column-major), extra, effective_dof, residual_dof,
/// noise_variance (null when undefined)) under the same names,
/// @code
/// {"format": "footprint.bayesian_linear", "version": 1,
///  "params": {"mode": "evidence", "fit_intercept": true, "solver": "automatic", "max_iter": 300,
///             "tol": 0.001, "alpha_1": 1e-06, ..., "alpha_init": null, "lambda_init": null,
///             "compute_score": false, "sklearn_uncentered_std": false, "w0": [],
///             "kappa0": 1e-06, "a0": 1e-06, "b0": 1e-06},
///  "fitted": true, "n_features": 4, "coef": [4 numbers], "intercept": 0.5,
///  "centre": [...], "factor_columns": 4, "factor": [n_features x m numbers, column-major],
///  "noise_scale2": 2.1, "extra": 0.0, "df": null, "x_offset": [...], "alpha": 0.47,
///  "lambda": 3.2, "a_n": null, "b_n": null, "n_iter": 7, "scores": []}
/// @endcode
/// Doubles are written with the shortest representation that reads back exactly, so a loaded
/// model predicts bit-identically.
///
/// NaN policy (io/detail/json_reader.hpp): every number is a finite JSON number, except
/// `params.alpha_init` and `params.lambda_init` (null: the default), `a_n` and `b_n` (null in
/// evidence mode), `alpha` and `lambda` (null when undefined), and `df`, whose null means
/// +infinity (the evidence mode's normal predictive).
///
/// Loading checks every field's presence, type and finiteness here, and
/// `bayesian_linear::from_state` checks ranges and sizes; anything malformed throws
/// `footprint::data_error` naming the source and the field; it never returns a half-read
/// model.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/linear_solver.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <concepts>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

/// Version of the linear-model JSON format written by this library (and the highest it reads).
inline constexpr int linear_model_json_version = 1;

namespace detail {

/// The model types this header saves and loads.
template <class M>
concept linear_json_model = std::same_as<M, bayesian_linear> || std::same_as<M, ols> || std::same_as<M, ridge>;

template <class = void>
[[nodiscard]] linear_solver solver_from_json(const json_reader& r, const nlohmann::json& jp, const std::string& path) {
  const std::string solver = r.string(jp, path, "solver");
  for (const linear_solver s : {linear_solver::automatic, linear_solver::qr, linear_solver::normal_equations})
    if (solver == to_string(s)) return s;
  r.fail(json_path(path, "solver"),
         concat("must be \"automatic\", \"qr\" or \"normal_equations\" (got \"", solver, "\")"));
}

// The members every fitted linear model writes: n_features, coef, intercept, centre, the
// factor (column-major) and its column count under `columns_key`.
template <class State>
void write_linear_core(nlohmann::json& j, const State& s, const char* columns_key, index columns) {
  const auto numbers = [](const auto& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  j["n_features"] = s.n_features;
  j["coef"] = numbers(s.coef);
  j["intercept"] = s.intercept;
  j["centre"] = numbers(s.centre);
  j[columns_key] = columns;
  j["factor"] = numbers(s.factor);  // column-major (n_features, columns)
}

// Reads what write_linear_core wrote into `s`; the column count is in [0, max_columns]
// (max_columns < 0: n_features). Returns the column count.
template <class State>
index read_linear_core(const json_reader& r, const nlohmann::json& j, State& s, const char* columns_key,
                       index max_columns) {
  const auto to_vector = [](const std::vector<double>& v) {
    return vector(Eigen::Map<const vector>(v.data(), static_cast<index>(v.size())));
  };
  s.n_features = r.integer<index>(j, "", "n_features", 1, std::numeric_limits<int>::max());
  s.coef = to_vector(r.numbers(j, "", "coef"));
  s.intercept = r.number(j, "", "intercept");
  s.centre = to_vector(r.numbers(j, "", "centre"));
  const index columns = r.integer<index>(j, "", columns_key, 0, max_columns < 0 ? s.n_features : max_columns);
  const std::vector<double> factor = r.numbers(j, "", "factor");
  if (static_cast<double>(factor.size()) != static_cast<double>(s.n_features) * static_cast<double>(columns)) {
    r.fail("factor", concat("has ", factor.size(), " entries (expected n_features x ", columns_key, " = ", s.n_features,
                            " x ", columns, ")"));
  }
  s.factor = Eigen::Map<const matrix>(factor.data(), s.n_features, columns);
  return columns;
}

// An unfitted model ("fitted": false) is built from its params: true then, with `out` set;
// a params error is reported at "params".
template <class Model, class Params>
bool read_unfitted(const json_reader& r, const nlohmann::json& j, const Params& params, Model& out) {
  if (r.boolean(j, "", "fitted")) return false;
  try {
    out = Model(params);
  } catch (const invalid_argument& e) {
    r.fail("params", e.what());
  }
  return true;
}

template <class = void>
nlohmann::json to_json(const bayesian_linear& m) {
  const bayesian_linear_params& p = m.params();
  nlohmann::json j = {{"format", "footprint.bayesian_linear"}, {"version", linear_model_json_version}};
  const auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j["params"] = {{"mode", std::string(to_string(p.mode))},
                 {"fit_intercept", p.fit_intercept},
                 {"solver", std::string(to_string(p.solver))},
                 {"max_iter", p.max_iter},
                 {"tol", p.tol},
                 {"alpha_1", p.alpha_1},
                 {"alpha_2", p.alpha_2},
                 {"lambda_1", p.lambda_1},
                 {"lambda_2", p.lambda_2},
                 {"alpha_init", optional(p.alpha_init)},
                 {"lambda_init", optional(p.lambda_init)},
                 {"compute_score", p.compute_score},
                 {"sklearn_uncentered_std", p.sklearn_uncentered_std},
                 {"w0", std::vector<double>(p.w0.data(), p.w0.data() + p.w0.size())},
                 {"kappa0", p.kappa0},
                 {"a0", p.a0},
                 {"b0", p.b0}};
  j["fitted"] = m.is_fitted();
  if (!m.is_fitted()) return j;
  const bayesian_linear_state s = m.state();
  const auto numbers = [](const auto& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  write_linear_core(j, s, "factor_columns", s.factor.cols());
  j["noise_scale2"] = s.noise_scale2;
  j["extra"] = s.extra;
  j["df"] = std::isinf(s.df) ? nlohmann::json(nullptr) : nlohmann::json(s.df);
  j["x_offset"] = numbers(s.x_offset);
  j["alpha"] = json_number_or_null(s.alpha);
  j["lambda"] = json_number_or_null(s.lambda);
  j["a_n"] = json_number_or_null(s.a_n);
  j["b_n"] = json_number_or_null(s.b_n);
  j["n_iter"] = s.n_iter;
  j["scores"] = s.scores;
  return j;
}

template <class = void>
bayesian_linear_params bayesian_linear_params_from_json(const json_reader& r, const nlohmann::json& jp,
                                                        const std::string& path) {
  r.object(jp, path);
  bayesian_linear_params p;
  const std::string mode = r.string(jp, path, "mode");
  if (mode == "evidence") {
    p.mode = bayesian_linear_mode::evidence;
  } else if (mode == "conjugate") {
    p.mode = bayesian_linear_mode::conjugate;
  } else {
    r.fail(json_path(path, "mode"), concat("must be \"evidence\" or \"conjugate\" (got \"", mode, "\")"));
  }
  p.fit_intercept = r.boolean(jp, path, "fit_intercept");
  p.solver = solver_from_json(r, jp, path);
  p.max_iter = r.integer<index>(jp, path, "max_iter");
  p.tol = r.number(jp, path, "tol");
  p.alpha_1 = r.number(jp, path, "alpha_1");
  p.alpha_2 = r.number(jp, path, "alpha_2");
  p.lambda_1 = r.number(jp, path, "lambda_1");
  p.lambda_2 = r.number(jp, path, "lambda_2");
  const double alpha_init = r.number_or_null(jp, path, "alpha_init");
  if (!std::isnan(alpha_init)) p.alpha_init = alpha_init;
  const double lambda_init = r.number_or_null(jp, path, "lambda_init");
  if (!std::isnan(lambda_init)) p.lambda_init = lambda_init;
  p.compute_score = r.boolean(jp, path, "compute_score");
  p.sklearn_uncentered_std = r.boolean(jp, path, "sklearn_uncentered_std");
  const std::vector<double> w0 = r.numbers(jp, path, "w0");
  p.w0 = Eigen::Map<const vector>(w0.data(), static_cast<index>(w0.size()));
  p.kappa0 = r.number(jp, path, "kappa0");
  p.a0 = r.number(jp, path, "a0");
  p.b0 = r.number(jp, path, "b0");
  return p;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, bayesian_linear& out) {
  r.header(r.object(j, ""), "", "footprint.bayesian_linear", linear_model_json_version);
  bayesian_linear_state s;
  s.params = bayesian_linear_params_from_json(r, r.at(j, "", "params"), "params");
  if (read_unfitted(r, j, s.params, out)) return;
  const auto to_vector = [](const std::vector<double>& v) {
    return vector(Eigen::Map<const vector>(v.data(), static_cast<index>(v.size())));
  };
  read_linear_core(r, j, s, "factor_columns", std::numeric_limits<int>::max());
  s.noise_scale2 = r.number(j, "", "noise_scale2");
  s.extra = r.number(j, "", "extra");
  const double df = r.number_or_null(j, "", "df");
  s.df = std::isnan(df) ? std::numeric_limits<double>::infinity() : df;
  s.x_offset = to_vector(r.numbers(j, "", "x_offset"));
  s.alpha = r.number_or_null(j, "", "alpha");
  s.lambda = r.number_or_null(j, "", "lambda");
  s.a_n = r.number_or_null(j, "", "a_n");
  s.b_n = r.number_or_null(j, "", "b_n");
  s.n_iter = r.integer<index>(j, "", "n_iter");
  s.scores = r.numbers(j, "", "scores");
  try {
    out = bayesian_linear::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::bayesian_linear::from_state", "");
  }
}

// ---- ols

template <class = void>
nlohmann::json to_json(const ols& m) {
  const ols_params& p = m.params();
  nlohmann::json j = {{"format", "footprint.ols"}, {"version", linear_model_json_version}};
  j["params"] = {{"fit_intercept", p.fit_intercept},
                 {"solver", std::string(to_string(p.solver))},
                 {"rcond", p.rcond ? nlohmann::json(*p.rcond) : nlohmann::json(nullptr)}};
  j["fitted"] = m.is_fitted();
  if (!m.is_fitted()) return j;
  const ols_state s = m.state();
  write_linear_core(j, s, "rank", s.rank);
  j["extra"] = s.extra;
  j["residual_dof"] = s.residual_dof;
  j["noise_variance"] = json_number_or_null(s.noise_variance);
  return j;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, ols& out) {
  r.header(r.object(j, ""), "", "footprint.ols", linear_model_json_version);
  ols_state s;
  const nlohmann::json& jp = r.object(r.at(j, "", "params"), "params");
  s.params.fit_intercept = r.boolean(jp, "params", "fit_intercept");
  s.params.solver = solver_from_json(r, jp, "params");
  const double rcond = r.number_or_null(jp, "params", "rcond");
  if (!std::isnan(rcond)) s.params.rcond = rcond;
  if (read_unfitted(r, j, s.params, out)) return;
  s.rank = read_linear_core(r, j, s, "rank", -1);
  s.extra = r.number(j, "", "extra");
  s.residual_dof = r.number(j, "", "residual_dof");
  s.noise_variance = r.number_or_null(j, "", "noise_variance");
  try {
    out = ols::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::ols::from_state", "");
  }
}

// ---- ridge

template <class = void>
nlohmann::json to_json(const ridge& m) {
  const ridge_params& p = m.params();
  nlohmann::json j = {{"format", "footprint.ridge"}, {"version", linear_model_json_version}};
  j["params"] = {{"alpha", p.alpha}, {"fit_intercept", p.fit_intercept}, {"solver", std::string(to_string(p.solver))}};
  j["fitted"] = m.is_fitted();
  if (!m.is_fitted()) return j;
  const ridge_state s = m.state();
  write_linear_core(j, s, "factor_columns", s.factor.cols());
  j["extra"] = s.extra;
  j["effective_dof"] = s.effective_dof;
  j["residual_dof"] = s.residual_dof;
  j["noise_variance"] = json_number_or_null(s.noise_variance);
  return j;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, ridge& out) {
  r.header(r.object(j, ""), "", "footprint.ridge", linear_model_json_version);
  ridge_state s;
  const nlohmann::json& jp = r.object(r.at(j, "", "params"), "params");
  s.params.alpha = r.number(jp, "params", "alpha");
  s.params.fit_intercept = r.boolean(jp, "params", "fit_intercept");
  s.params.solver = solver_from_json(r, jp, "params");
  if (read_unfitted(r, j, s.params, out)) return;
  read_linear_core(r, j, s, "factor_columns", -1);
  s.extra = r.number(j, "", "extra");
  s.effective_dof = r.number(j, "", "effective_dof");
  s.residual_dof = r.number(j, "", "residual_dof");
  s.noise_variance = r.number_or_null(j, "", "noise_variance");
  try {
    out = ridge::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::ridge::from_state", "");
  }
}

}  // namespace detail

/// The model as a JSON value (to embed in another document, as io/pretrade_json.hpp does).
/// @throws footprint::not_fitted never (an unfitted model is written with "fitted": false)
template <detail::linear_json_model Model>
[[nodiscard]] nlohmann::json model_to_json_value(const Model& model) {
  return detail::to_json(model);
}

/// Reads a model from a parsed JSON value; the tag selects the type (found by
/// argument-dependent lookup from io/pretrade_json.hpp).
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error naming the field, as model_from_json
template <detail::linear_json_model Model>
[[nodiscard]] Model model_from_json_value(std::type_identity<Model>, const nlohmann::json& j,
                                          const std::string& source = "<json>") {
  return detail::read_json_value<Model>(
      j, source, [](const detail::json_reader& r, const nlohmann::json& v, Model& m) { detail::from_json(r, v, m); });
}

/// The JSON text of a model.
/// @param indent spaces per level; -1 (default) for compact output
template <detail::linear_json_model Model>
[[nodiscard]] std::string model_to_json(const Model& model, int indent = -1) {
  return detail::to_json(model).dump(indent);
}

/// Reads a model of type `Model` from JSON text written by `model_to_json`/`save_model`.
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error on invalid JSON, another format, an unsupported version, a
///         missing or mistyped field, or an inconsistent model (the message names the field)
template <detail::linear_json_model Model>
[[nodiscard]] Model model_from_json(std::string_view text, const std::string& source = "<json>") {
  return model_from_json_value(std::type_identity<Model>{}, detail::parse_json(text, source), source);
}

/// Writes a model to a JSON file (replacing it).
/// @throws footprint::data_error when the file cannot be written
template <detail::linear_json_model Model>
void save_model(const Model& model, const std::filesystem::path& path) {
  detail::write_text_file(path, model_to_json(model));
}

/// Reads a model of type `Model` from a JSON file written by `save_model`.
/// @throws footprint::data_error as model_from_json, or when the file cannot be read
template <detail::linear_json_model Model>
[[nodiscard]] Model load_model(const std::filesystem::path& path) {
  return model_from_json<Model>(detail::read_text_file(path), path.string());
}

}  // namespace footprint
