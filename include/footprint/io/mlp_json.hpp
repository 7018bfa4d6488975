/// @file io/mlp_json.hpp
/// @brief Saving and loading `mlp_regressor` and `deep_ensemble` as versioned JSON
/// (nlohmann-json). See docs/mlp.md ("Persistence") for the format.
///
/// Format (version 1), one JSON object holding the model's state (`mlp_regressor_state`,
/// `deep_ensemble_state`) under the same names:
/// @code
/// {"format": "footprint.mlp_regressor", "version": 1,
///  "params": {"hidden_layers": [64, 32], "activation": "relu", ..., "seed": 0},
///  "n_features": 12, "x_mean": [...], "x_scale": [...], "y_mean": 0.1, "y_scale": 2.3,
///  "residual_sd": 1.7 (null for the gaussian head), "best_epoch": 41,
///  "layers": [{"fan_in": 12, "fan_out": 64, "weights": [fan_in * fan_out numbers,
///              column-major (fan_in, fan_out)], "bias": [fan_out numbers]}, ...]}
/// {"format": "footprint.deep_ensemble", "version": 1,
///  "params": {"n_estimators": 5, "seed": 0, "parallel": true, "member": {...}},
///  "members": [mlp_regressor objects as above]}
/// @endcode
/// Doubles are written with the shortest representation that reads back exactly, so a
/// loaded model predicts bit-identically. The progress callback is not saved. Files written
/// by footprint 0.1 name the ensemble size `params.n_members`; it is read as n_estimators
/// (a file with both must give the same value).
///
/// NaN policy (io/detail/json_reader.hpp): every number is a finite JSON number, except
/// `residual_sd`, which is `null` for the gaussian head.
///
/// Loading checks every field's presence, type and finiteness here, and the model's
/// `from_state` checks ranges and consistent sizes; anything malformed, truncated or
/// inconsistent throws `footprint::data_error` naming the source and the field (e.g.
/// `layers[1].bias[2]`): it never crashes and never returns a half-read model.
///
/// `save_model(model, path)`, `load_model<M>(path)`, `model_to_json(model)` and
/// `model_from_json<M>(text)` are the same calls as for the tree models
/// (io/tree_model_json.hpp); `save_json` and `load_mlp_regressor`/`load_deep_ensemble` are
/// this header's stream-based forms.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

/// Version of the MLP JSON format written by this library (and the highest it reads).
inline constexpr int mlp_json_version = 1;

namespace detail {

// Every function here is a template (never given an argument) so that nlohmann's code is
// compiled only where a model is saved or loaded (see io/detail/json_reader.hpp).

template <class = void>
nlohmann::json mlp_params_to_json(const mlp_regressor_params& p) {
  nlohmann::json j;
  j["hidden_layers"] = p.hidden_layers;
  j["activation"] = std::string(to_string(p.activation));
  j["init"] = std::string(to_string(p.init));
  j["head"] = std::string(to_string(p.head));
  j["optimizer"] = std::string(to_string(p.optimizer));
  j["learning_rate"] = p.learning_rate;
  j["beta1"] = p.beta1;
  j["beta2"] = p.beta2;
  j["epsilon"] = p.epsilon;
  j["momentum"] = p.momentum;
  j["weight_decay"] = p.weight_decay;
  j["schedule"] = std::string(to_string(p.schedule));
  j["lr_decay"] = p.lr_decay;
  j["lr_min_factor"] = p.lr_min_factor;
  j["batch_size"] = p.batch_size;
  j["max_epochs"] = p.max_epochs;
  j["validation_fraction"] = p.validation_fraction;
  j["patience"] = p.patience;
  j["tol"] = p.tol;
  j["restore_best"] = p.restore_best;
  j["standardize_inputs"] = p.standardize_inputs;
  j["scale_target"] = p.scale_target;
  j["shuffle"] = p.shuffle;
  j["seed"] = p.seed;
  return j;
}

/// An option (activation, init, head, optimizer, schedule) by its name.
template <class Enum>
Enum mlp_option_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path, const char* key) {
  const std::string s = r.string(j, path, key);
  const auto e = mlp_option_from_string<Enum>(s);
  if (!e) r.fail(json_path(path, key), concat("unknown value '", s, "'"));
  return *e;
}

template <class = void>
mlp_regressor_params mlp_params_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path) {
  constexpr index big = index{1} << 40;
  mlp_regressor_params p;
  const std::string hl_path = json_path(path, "hidden_layers");
  const nlohmann::json& hl = r.array(r.at(j, path, "hidden_layers"), hl_path);
  if (hl.size() > 1000) r.fail(hl_path, concat("must have at most 1000 layers (got ", hl.size(), ")"));
  p.hidden_layers = r.integers<index>(hl, hl_path, 1, index{1} << 24);
  p.activation = mlp_option_from_json<mlp_activation>(r, j, path, "activation");
  p.init = mlp_option_from_json<mlp_init>(r, j, path, "init");
  p.head = mlp_option_from_json<mlp_head>(r, j, path, "head");
  p.optimizer = mlp_option_from_json<mlp_optimizer>(r, j, path, "optimizer");
  p.learning_rate = r.number(j, path, "learning_rate");
  p.beta1 = r.number(j, path, "beta1");
  p.beta2 = r.number(j, path, "beta2");
  p.epsilon = r.number(j, path, "epsilon");
  p.momentum = r.number(j, path, "momentum");
  p.weight_decay = r.number(j, path, "weight_decay");
  p.schedule = mlp_option_from_json<mlp_schedule>(r, j, path, "schedule");
  p.lr_decay = r.number(j, path, "lr_decay");
  p.lr_min_factor = r.number(j, path, "lr_min_factor");
  p.batch_size = r.integer<index>(j, path, "batch_size", 1, big);
  p.max_epochs = r.integer<index>(j, path, "max_epochs", 1, big);
  p.validation_fraction = r.number(j, path, "validation_fraction");
  p.patience = r.integer<index>(j, path, "patience", 0, big);
  p.tol = r.number(j, path, "tol");
  p.restore_best = r.boolean(j, path, "restore_best");
  p.standardize_inputs = r.boolean(j, path, "standardize_inputs");
  p.scale_target = r.boolean(j, path, "scale_target");
  p.shuffle = r.boolean(j, path, "shuffle");
  p.seed = r.integer<std::uint64_t>(j, path, "seed");
  return p;
}

template <class = void>
nlohmann::json mlp_state_to_json(const mlp_regressor_state& s) {
  const auto as_vector = [](const vector& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  nlohmann::json j;
  j["format"] = "footprint.mlp_regressor";
  j["version"] = mlp_json_version;
  j["params"] = mlp_params_to_json(s.params);
  j["n_features"] = s.n_features;
  j["x_mean"] = as_vector(s.x_mean);
  j["x_scale"] = as_vector(s.x_scale);
  j["y_mean"] = s.y_mean;
  j["y_scale"] = s.y_scale;
  j["residual_sd"] = json_number_or_null(s.residual_sd);
  j["best_epoch"] = s.best_epoch;
  nlohmann::json layers = nlohmann::json::array();
  for (const mlp_layer_state& l : s.layers) {
    nlohmann::json layer;
    layer["fan_in"] = l.weights.rows();
    layer["fan_out"] = l.weights.cols();
    layer["weights"] = std::vector<double>(l.weights.data(), l.weights.data() + l.weights.size());
    layer["bias"] = as_vector(l.bias);
    layers.push_back(std::move(layer));
  }
  j["layers"] = std::move(layers);
  return j;
}

/// A number array as a vector.
template <class = void>
vector mlp_vector_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path, const char* key) {
  const std::vector<double> v = r.numbers(j, path, key);
  return Eigen::Map<const vector>(v.data(), static_cast<index>(v.size()));
}

template <class = void>
mlp_regressor_state mlp_state_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path) {
  r.header(r.object(j, path), path, "footprint.mlp_regressor", mlp_json_version);
  mlp_regressor_state s;
  s.params = mlp_params_from_json(r, r.at(j, path, "params"), json_path(path, "params"));
  s.n_features = r.integer<index>(j, path, "n_features", 1, index{1} << 24);
  s.x_mean = mlp_vector_from_json(r, j, path, "x_mean");
  s.x_scale = mlp_vector_from_json(r, j, path, "x_scale");
  s.y_mean = r.number(j, path, "y_mean");
  s.y_scale = r.number(j, path, "y_scale");
  s.residual_sd = r.number_or_null(j, path, "residual_sd");
  s.best_epoch = r.integer<index>(j, path, "best_epoch");
  const std::string layers_path = json_path(path, "layers");
  const nlohmann::json& layers = r.array(r.at(j, path, "layers"), layers_path);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::string at = json_index(layers_path, l);
    const auto fan_in = r.integer<index>(layers[l], at, "fan_in", 1, index{1} << 24);
    const auto fan_out = r.integer<index>(layers[l], at, "fan_out", 1, index{1} << 24);
    // the declared shape is checked against the array before anything is allocated from it
    const std::string weights_path = json_path(at, "weights");
    const nlohmann::json& w =
        r.array(r.at(layers[l], at, "weights"), weights_path, static_cast<std::size_t>(fan_in * fan_out));
    const std::vector<double> weights = r.numbers(w, weights_path);
    s.layers.push_back(mlp_layer_state{Eigen::Map<const matrix>(weights.data(), fan_in, fan_out),
                                       mlp_vector_from_json(r, layers[l], at, "bias")});
  }
  return s;
}

template <class = void>
nlohmann::json deep_ensemble_state_to_json(const deep_ensemble_state& s) {
  nlohmann::json j;
  j["format"] = "footprint.deep_ensemble";
  j["version"] = mlp_json_version;
  j["params"] = {{"n_estimators", s.params.n_estimators},
                 {"seed", s.params.seed},
                 {"parallel", s.params.parallel},
                 {"member", mlp_params_to_json(s.params.member)}};
  nlohmann::json members = nlohmann::json::array();
  for (const mlp_regressor_state& m : s.members) members.push_back(mlp_state_to_json(m));
  j["members"] = std::move(members);
  return j;
}

/// The ensemble size: `n_estimators`, or `n_members` in files of footprint 0.1.
template <class = void>
index deep_ensemble_size_from_json(const json_reader& r, const nlohmann::json& pj) {
  const nlohmann::json* current = r.find(pj, "params", "n_estimators");
  const nlohmann::json* legacy = r.find(pj, "params", "n_members");
  if (current == nullptr && legacy == nullptr) r.fail("params.n_estimators", "is missing");
  const index n = current != nullptr ? r.integer<index>(*current, "params.n_estimators", 1, index{1} << 20)
                                     : r.integer<index>(*legacy, "params.n_members", 1, index{1} << 20);
  if (current != nullptr && legacy != nullptr &&
      r.integer<index>(*legacy, "params.n_members", 1, index{1} << 20) != n) {
    r.fail("params.n_members", concat("must equal params.n_estimators = ", n, " when both are given"));
  }
  return n;
}

template <class = void>
deep_ensemble_state deep_ensemble_state_from_json(const json_reader& r, const nlohmann::json& j) {
  r.header(r.object(j, ""), "", "footprint.deep_ensemble", mlp_json_version);
  const nlohmann::json& pj = r.at(j, "", "params");
  deep_ensemble_state s;
  s.params.n_estimators = deep_ensemble_size_from_json(r, pj);
  s.params.seed = r.integer<std::uint64_t>(pj, "params", "seed");
  s.params.parallel = r.boolean(pj, "params", "parallel");
  s.params.member = mlp_params_from_json(r, r.at(pj, "params", "member"), "params.member");
  const nlohmann::json& mj = r.array(r.at(j, "", "members"), "members");
  for (std::size_t k = 0; k < mj.size(); ++k)
    s.members.push_back(mlp_state_from_json(r, mj[k], json_index("members", k)));
  return s;
}

/// The model types this header saves and loads.
template <class M>
concept mlp_model = std::same_as<M, mlp_regressor> || std::same_as<M, deep_ensemble>;

}  // namespace detail

/// The model as a JSON object (format "footprint.mlp_regressor", version 1).
/// @throws footprint::not_fitted when the model is not fitted
template <class = void>
[[nodiscard]] nlohmann::json to_json_value(const mlp_regressor& model) {
  return detail::mlp_state_to_json(model.state());
}

/// The ensemble as a JSON object (format "footprint.deep_ensemble", version 1).
/// @throws footprint::not_fitted when the ensemble is not fitted
template <class = void>
[[nodiscard]] nlohmann::json to_json_value(const deep_ensemble& model) {
  return detail::deep_ensemble_state_to_json(model.state());
}

/// Writes the model (`mlp_regressor` or `deep_ensemble`) as JSON to `os`.
/// @throws footprint::not_fitted when not fitted
template <detail::mlp_model Model>
void save_json(const Model& model, std::ostream& os) {
  os << to_json_value(model).dump(1) << '\n';
}

/// Writes the model (`mlp_regressor` or `deep_ensemble`) as JSON to the file `path`
/// (replacing it).
/// @throws footprint::not_fitted when not fitted (the file is then not touched);
///         footprint::data_error (naming the path) when the file cannot be written
template <detail::mlp_model Model>
void save_json(const Model& model, const std::filesystem::path& path) {
  detail::write_text_file(path, to_json_value(model).dump(1) + '\n');
}

/// Reads a model from a parsed JSON value.
/// @param j      the value (as written by to_json_value / save_json)
/// @param source name used in error messages, e.g. a file name
/// @throws footprint::data_error (naming `source` and the field, e.g. `layers[1].bias`) for a
///         wrong format or version, a missing, mistyped, non-finite or out-of-range field,
///         inconsistent shapes, or parameters the model rejects
template <class = void>
[[nodiscard]] mlp_regressor mlp_regressor_from_json(const nlohmann::json& j, const std::string& source = "<json>") {
  const detail::json_reader r(source);
  try {
    return mlp_regressor::from_state(detail::mlp_state_from_json(r, j, ""));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::mlp_regressor::from_state", "");
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is checked first
    r.fail("", e.what());
  }
}

/// Reads an ensemble from a parsed JSON value (files of footprint 0.1, with
/// `params.n_members`, too). @throws footprint::data_error as above
template <class = void>
[[nodiscard]] deep_ensemble deep_ensemble_from_json(const nlohmann::json& j, const std::string& source = "<json>") {
  const detail::json_reader r(source);
  try {
    return deep_ensemble::from_state(detail::deep_ensemble_state_from_json(r, j));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::deep_ensemble::from_state", "");
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is checked first
    r.fail("", e.what());
  }
}

/// Reads a model saved by save_json from `is`.
/// @param source name used in error messages
/// @throws footprint::data_error for invalid JSON (with its byte offset) or as mlp_regressor_from_json
template <class = void>
[[nodiscard]] mlp_regressor load_mlp_regressor(std::istream& is, const std::string& source = "<stream>") {
  return mlp_regressor_from_json(detail::parse_json(is, source), source);
}
/// Reads a model saved by save_json from the file `path`.
/// @throws footprint::data_error when the file cannot be opened, or as above
template <class = void>
[[nodiscard]] mlp_regressor load_mlp_regressor(const std::filesystem::path& path) {
  return mlp_regressor_from_json(detail::parse_json(detail::read_text_file(path), path.string()), path.string());
}

/// Reads an ensemble saved by save_json from `is`. @throws footprint::data_error as above
template <class = void>
[[nodiscard]] deep_ensemble load_deep_ensemble(std::istream& is, const std::string& source = "<stream>") {
  return deep_ensemble_from_json(detail::parse_json(is, source), source);
}
/// Reads an ensemble saved by save_json from the file `path`. @throws footprint::data_error as above
template <class = void>
[[nodiscard]] deep_ensemble load_deep_ensemble(const std::filesystem::path& path) {
  return deep_ensemble_from_json(detail::parse_json(detail::read_text_file(path), path.string()), path.string());
}

// ---- the names shared with the tree models (io/tree_model_json.hpp) ----

/// The model as a JSON value (to embed in another document, as io/pretrade_json.hpp does);
/// the same call as for the tree models. @throws footprint::not_fitted when not fitted
template <detail::mlp_model Model>
[[nodiscard]] nlohmann::json model_to_json_value(const Model& model) {
  return to_json_value(model);
}

/// Reads a model from a parsed JSON value; the tag selects the type (found by
/// argument-dependent lookup from io/pretrade_json.hpp).
/// @throws footprint::data_error as load_mlp_regressor / load_deep_ensemble
template <detail::mlp_model Model>
[[nodiscard]] Model model_from_json_value(std::type_identity<Model>, const nlohmann::json& j,
                                          const std::string& source = "<json>") {
  if constexpr (std::same_as<Model, mlp_regressor>) {
    return mlp_regressor_from_json(j, source);
  } else {
    return deep_ensemble_from_json(j, source);
  }
}

/// The JSON text of a model (`mlp_regressor` or `deep_ensemble`), as save_json writes it;
/// the same call as for the tree models.
/// @param indent spaces per level; -1 (default) for compact output
/// @throws footprint::not_fitted when the model is not fitted
template <detail::mlp_model Model>
[[nodiscard]] std::string model_to_json(const Model& model, int indent = -1) {
  return to_json_value(model).dump(indent);
}

/// Reads a model of type `Model` (`mlp_regressor` or `deep_ensemble`) from JSON text.
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error as load_mlp_regressor / load_deep_ensemble
template <detail::mlp_model Model>
[[nodiscard]] Model model_from_json(std::string_view text, const std::string& source = "<json>") {
  if constexpr (std::same_as<Model, mlp_regressor>) {
    return mlp_regressor_from_json(detail::parse_json(text, source), source);
  } else {
    return deep_ensemble_from_json(detail::parse_json(text, source), source);
  }
}

/// Writes a model to a JSON file (replacing it); the same call as for the tree models.
/// @throws footprint::not_fitted when not fitted; footprint::data_error when the file cannot be written
template <detail::mlp_model Model>
void save_model(const Model& model, const std::filesystem::path& path) {
  save_json(model, path);
}

/// Reads a model of type `Model` from a JSON file written by save_model or save_json.
/// @throws footprint::data_error when the file cannot be opened, or as model_from_json
template <detail::mlp_model Model>
[[nodiscard]] Model load_model(const std::filesystem::path& path) {
  if constexpr (std::same_as<Model, mlp_regressor>) {
    return load_mlp_regressor(path);
  } else {
    return load_deep_ensemble(path);
  }
}

}  // namespace footprint
