/// @file io/tree_model_json.hpp
/// @brief Save and load footprint's tree models (`tree_ensemble`, `random_forest`,
/// `gradient_boosting`) as versioned JSON (nlohmann-json). See docs/tree-ensembles.md.
///
/// Format: one JSON object with `"format"` ("footprint.tree_ensemble",
/// "footprint.random_forest" or "footprint.gradient_boosting"), `"version"` (1), the
/// hyper-parameters (`"params"`), `"fitted"`, and the fitted state: the fields of
/// `tree_ensemble_state`, `random_forest_state` or `gradient_boosting_state` under the same
/// names (a tree as parallel arrays `feature`, `threshold`, `left`, `right`,
/// `default_left` (0 or 1), `value`, `gain`, `cover`). Doubles are written with the shortest
/// representation that reads back exactly, so a save/load round trip is bit-exact.
///
/// NaN policy (io/detail/json_reader.hpp): every number is a finite JSON number, except a
/// random forest's `oob_prediction` entries, `oob_mse` and `oob_r2`, which are `null` when
/// undefined. A tree with an infinite threshold (only an imported or hand-built one has one)
/// cannot be saved.
///
/// Saving and loading go through the models' public state (`state()`, `from_state`):
/// loading checks the format, the version and every type here, and `from_state` checks
/// every structural invariant (tree shape, feature indices, array lengths), so a corrupt or
/// mismatched file raises `footprint::data_error` naming the field and never crashes or
/// yields a model that reads out of bounds.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

/// Version of the tree-model JSON formats written by this library (and the highest it reads).
inline constexpr int tree_model_json_version = 1;

namespace detail {

// Every function here is a template (never given an argument) so that nlohmann's code is
// compiled only where a model is saved or loaded (see io/detail/json_reader.hpp).

template <class = void>
nlohmann::json tree_to_json(const regression_tree& t, const std::string& path) {
  nlohmann::json feature = nlohmann::json::array(), threshold = nlohmann::json::array(), left = nlohmann::json::array(),
                 right = nlohmann::json::array(), default_left = nlohmann::json::array(),
                 value = nlohmann::json::array(), gain = nlohmann::json::array(), cover = nlohmann::json::array();
  for (std::size_t k = 0; k < t.nodes().size(); ++k) {
    const tree_node& nd = t.nodes()[k];
    if (!std::isfinite(nd.threshold)) {
      throw invalid_argument(concat("footprint::model_to_json: ", path, ".threshold[", k, "] is ", nd.threshold,
                                    ", which a JSON number cannot hold"));
    }
    feature.push_back(nd.feature);
    threshold.push_back(nd.threshold);
    left.push_back(nd.left);
    right.push_back(nd.right);
    default_left.push_back(nd.default_left ? 1 : 0);
    value.push_back(nd.value);
    gain.push_back(nd.gain);
    cover.push_back(nd.cover);
  }
  return {{"feature", feature},           {"threshold", threshold}, {"left", left}, {"right", right},
          {"default_left", default_left}, {"value", value},         {"gain", gain}, {"cover", cover}};
}

template <class = void>
regression_tree tree_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path) {
  const auto feature = r.integers<std::int32_t>(j, path, "feature");
  const auto threshold = r.numbers(j, path, "threshold");
  const auto left = r.integers<std::int32_t>(j, path, "left");
  const auto right = r.integers<std::int32_t>(j, path, "right");
  const auto default_left = r.integers<int>(j, path, "default_left", 0, 1);
  const auto value = r.numbers(j, path, "value");
  const auto gain = r.numbers(j, path, "gain");
  const auto cover = r.numbers(j, path, "cover");
  const std::size_t n = feature.size();
  for (std::size_t len :
       {threshold.size(), left.size(), right.size(), default_left.size(), value.size(), gain.size(), cover.size()}) {
    if (len != n)
      r.fail(path, concat("node arrays must have the same length (feature has ", n, ", another ", len, ")"));
  }
  std::vector<tree_node> nodes(n);
  for (std::size_t i = 0; i < n; ++i) {
    nodes[i] =
        tree_node{feature[i], threshold[i], left[i], right[i], default_left[i] != 0, value[i], gain[i], cover[i]};
  }
  try {
    return regression_tree(std::move(nodes));
  } catch (const invalid_argument& e) {
    r.fail(path, e.what());
  }
}

template <class = void>
nlohmann::json ensemble_to_json(const tree_ensemble& e, const std::string& path) {
  const tree_ensemble_state& s = e.state();
  nlohmann::json trees = nlohmann::json::array();
  for (std::size_t t = 0; t < s.trees.size(); ++t)
    trees.push_back(tree_to_json(s.trees[t], concat(path, ".trees[", t, "]")));
  return {{"base_score", s.base_score},
          {"scale", s.scale},
          {"n_features", s.n_features},
          {"float_accumulation", s.float_accumulation},
          {"trees", trees}};
}

template <class = void>
tree_ensemble ensemble_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path) {
  tree_ensemble_state s;
  s.base_score = r.number(j, path, "base_score");
  s.scale = r.number(j, path, "scale");
  s.n_features = r.integer<index>(j, path, "n_features");
  s.float_accumulation = r.boolean(j, path, "float_accumulation");
  const std::string trees_path = json_path(path, "trees");
  const nlohmann::json& jt = r.array(r.at(j, path, "trees"), trees_path);
  s.trees.reserve(jt.size());
  for (std::size_t t = 0; t < jt.size(); ++t) s.trees.push_back(tree_from_json(r, jt[t], json_index(trees_path, t)));
  try {
    return tree_ensemble::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::tree_ensemble::from_state", path + ".");
  }
}

/// A model of type M with parameters p, or data_error naming "params".
template <class M, class P>
M construct_model(const json_reader& r, const P& p) {
  try {
    return M(p);
  } catch (const invalid_argument& e) {
    r.fail("params", e.what());
  }
}

/// Builds a fitted model from its state, or data_error naming the field.
template <class M, class S>
M model_from_state(const json_reader& r, S state, std::string_view where) {
  try {
    return M::from_state(std::move(state));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, where, "");
  }
}

// ---- tree_ensemble

template <class = void>
nlohmann::json to_json(const tree_ensemble& e) {
  nlohmann::json j = {{"format", "footprint.tree_ensemble"}, {"version", tree_model_json_version}};
  j["ensemble"] = ensemble_to_json(e, "ensemble");
  return j;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, tree_ensemble& out) {
  r.header(r.object(j, ""), "", "footprint.tree_ensemble", tree_model_json_version);
  out = ensemble_from_json(r, r.at(j, "", "ensemble"), "ensemble");
}

// ---- random_forest

template <class = void>
nlohmann::json to_json(const random_forest& m) {
  const random_forest_params& p = m.params();
  nlohmann::json j = {{"format", "footprint.random_forest"}, {"version", tree_model_json_version}};
  j["params"] = {{"n_estimators", p.n_estimators},
                 {"bootstrap", p.bootstrap},
                 {"max_samples", p.max_samples},
                 {"max_features", p.max_features},
                 {"max_depth", p.max_depth},
                 {"min_samples_split", p.min_samples_split},
                 {"min_samples_leaf", p.min_samples_leaf},
                 {"max_leaves", p.max_leaves},
                 {"min_impurity_decrease", p.min_impurity_decrease},
                 {"max_bins", p.max_bins},
                 {"oob_score", p.oob_score},
                 {"quantile_forest", p.quantile_forest},
                 {"seed", p.seed},
                 {"n_threads", p.n_threads}};
  j["fitted"] = m.is_fitted();
  if (!m.is_fitted()) return j;
  const random_forest_state& s = m.state();
  j["n_features"] = s.n_features;
  j["ensemble"] = ensemble_to_json(s.ensemble, "ensemble");
  if (p.quantile_forest) {
    nlohmann::json leaves = nlohmann::json::array();
    for (const auto& ls : s.leaves) leaves.push_back({{"begin", ls.begin}, {"row", ls.row}, {"weight", ls.weight}});
    j["y"] = s.y;
    j["leaves"] = leaves;
  }
  if (p.oob_score) {
    nlohmann::json oob = nlohmann::json::array();
    for (index i = 0; i < s.oob_prediction.size(); ++i) oob.push_back(json_number_or_null(s.oob_prediction[i]));
    j["oob_prediction"] = oob;
    j["oob_mse"] = json_number_or_null(s.oob_mse);
    j["oob_r2"] = json_number_or_null(s.oob_r2);
  }
  return j;
}

template <class = void>
random_forest_params random_forest_params_from_json(const json_reader& r, const nlohmann::json& jp,
                                                    const std::string& path) {
  random_forest_params p;
  p.n_estimators = r.integer<index>(jp, path, "n_estimators");
  p.bootstrap = r.boolean(jp, path, "bootstrap");
  p.max_samples = r.number(jp, path, "max_samples");
  p.max_features = r.number(jp, path, "max_features");
  p.max_depth = r.integer<index>(jp, path, "max_depth");
  p.min_samples_split = r.integer<index>(jp, path, "min_samples_split");
  p.min_samples_leaf = r.integer<index>(jp, path, "min_samples_leaf");
  p.max_leaves = r.integer<index>(jp, path, "max_leaves");
  p.min_impurity_decrease = r.number(jp, path, "min_impurity_decrease");
  p.max_bins = r.integer<index>(jp, path, "max_bins");
  p.oob_score = r.boolean(jp, path, "oob_score");
  p.quantile_forest = r.boolean(jp, path, "quantile_forest");
  p.seed = r.integer<std::uint64_t>(jp, path, "seed");
  // A model file is data, not configuration: the saver's n_threads is checked for the
  // format and ignored; the loaded model uses the caller's threads (0, capped by OpenMP).
  (void)r.integer<int>(jp, path, "n_threads");
  p.n_threads = 0;
  return p;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, random_forest& out) {
  r.header(r.object(j, ""), "", "footprint.random_forest", tree_model_json_version);
  random_forest_state s;
  s.params = random_forest_params_from_json(r, r.at(j, "", "params"), "params");
  if (!r.boolean(j, "", "fitted")) {
    out = construct_model<random_forest>(r, s.params);
    return;
  }
  s.n_features = r.integer<index>(j, "", "n_features");
  s.ensemble = ensemble_from_json(r, r.at(j, "", "ensemble"), "ensemble");
  if (s.params.quantile_forest) {
    s.y = r.numbers(j, "", "y");
    const nlohmann::json& jl = r.array(r.at(j, "", "leaves"), "leaves");
    for (std::size_t t = 0; t < jl.size(); ++t) {
      const std::string at = json_index("leaves", t);
      random_forest_leaf_samples ls;
      ls.begin = r.integers<std::int32_t>(jl[t], at, "begin");
      ls.row = r.integers<std::int32_t>(jl[t], at, "row");
      ls.weight = r.numbers(jl[t], at, "weight");
      s.leaves.push_back(std::move(ls));
    }
  }
  if (s.params.oob_score) {
    const std::vector<double> oob = r.numbers_or_null(j, "", "oob_prediction");
    s.oob_prediction = Eigen::Map<const vector>(oob.data(), static_cast<index>(oob.size()));
    s.oob_mse = r.number_or_null(j, "", "oob_mse");
    s.oob_r2 = r.number_or_null(j, "", "oob_r2");
  }
  out = model_from_state<random_forest>(r, std::move(s), "footprint::random_forest::from_state");
}

// ---- gradient_boosting

template <class = void>
nlohmann::json to_json(const gradient_boosting& m) {
  const gradient_boosting_params& p = m.params();
  nlohmann::json j = {{"format", "footprint.gradient_boosting"}, {"version", tree_model_json_version}};
  j["params"] = {{"loss", std::string(to_string(p.loss))},
                 {"n_estimators", p.n_estimators},
                 {"learning_rate", p.learning_rate},
                 {"growth", std::string(to_string(p.growth))},
                 {"max_depth", p.max_depth},
                 {"max_leaves", p.max_leaves},
                 {"max_bins", p.max_bins},
                 {"lambda", p.lambda},
                 {"alpha", p.alpha},
                 {"min_split_gain", p.min_split_gain},
                 {"min_child_weight", p.min_child_weight},
                 {"min_samples_leaf", p.min_samples_leaf},
                 {"subsample", p.subsample},
                 {"colsample_bytree", p.colsample_bytree},
                 {"colsample_bynode", p.colsample_bynode},
                 {"quantile_alpha", p.quantile_alpha},
                 {"huber_quantile", p.huber_quantile},
                 {"monotone_constraints", p.monotone_constraints},
                 {"quantile_levels", p.quantile_levels},
                 {"early_stopping_rounds", p.early_stopping_rounds},
                 {"validation_fraction", p.validation_fraction},
                 {"seed", p.seed},
                 {"n_threads", p.n_threads}};
  j["fitted"] = m.is_fitted();
  if (!m.is_fitted()) return j;
  const gradient_boosting_state& s = m.state();
  j["n_features"] = s.n_features;
  j["mean"] = ensemble_to_json(s.mean, "mean");
  nlohmann::json q = nlohmann::json::array();
  for (std::size_t k = 0; k < s.quantile_models.size(); ++k)
    q.push_back(ensemble_to_json(s.quantile_models[k], json_index("quantile_models", k)));
  j["quantile_models"] = q;
  j["levels"] = s.levels;
  j["residual_quantiles"] = s.residual_quantiles;
  j["validation_history"] = s.validation_history;
  return j;
}

template <class = void>
gradient_boosting_params gradient_boosting_params_from_json(const json_reader& r, const nlohmann::json& jp,
                                                            const std::string& path) {
  gradient_boosting_params p;
  const std::string loss = r.string(jp, path, "loss");
  if (loss == "squared_error") {
    p.loss = boosting_loss::squared_error;
  } else if (loss == "huber") {
    p.loss = boosting_loss::huber;
  } else if (loss == "quantile") {
    p.loss = boosting_loss::quantile;
  } else {
    r.fail(json_path(path, "loss"), concat("unknown loss '", loss, "' (squared_error, huber or quantile)"));
  }
  const std::string growth = r.string(jp, path, "growth");
  if (growth == "depthwise") {
    p.growth = tree_growth::depthwise;
  } else if (growth == "leafwise") {
    p.growth = tree_growth::leafwise;
  } else {
    r.fail(json_path(path, "growth"), concat("unknown growth '", growth, "' (depthwise or leafwise)"));
  }
  p.n_estimators = r.integer<index>(jp, path, "n_estimators");
  p.learning_rate = r.number(jp, path, "learning_rate");
  p.max_depth = r.integer<index>(jp, path, "max_depth");
  p.max_leaves = r.integer<index>(jp, path, "max_leaves");
  p.max_bins = r.integer<index>(jp, path, "max_bins");
  p.lambda = r.number(jp, path, "lambda");
  p.alpha = r.number(jp, path, "alpha");
  p.min_split_gain = r.number(jp, path, "min_split_gain");
  p.min_child_weight = r.number(jp, path, "min_child_weight");
  p.min_samples_leaf = r.integer<index>(jp, path, "min_samples_leaf");
  p.subsample = r.number(jp, path, "subsample");
  p.colsample_bytree = r.number(jp, path, "colsample_bytree");
  p.colsample_bynode = r.number(jp, path, "colsample_bynode");
  p.quantile_alpha = r.number(jp, path, "quantile_alpha");
  p.huber_quantile = r.number(jp, path, "huber_quantile");
  p.monotone_constraints = r.integers<int>(jp, path, "monotone_constraints");
  p.quantile_levels = r.numbers(jp, path, "quantile_levels");
  p.early_stopping_rounds = r.integer<index>(jp, path, "early_stopping_rounds");
  p.validation_fraction = r.number(jp, path, "validation_fraction");
  p.seed = r.integer<std::uint64_t>(jp, path, "seed");
  // A model file is data, not configuration: the saver's n_threads is checked for the
  // format and ignored; the loaded model uses the caller's threads (0, capped by OpenMP).
  (void)r.integer<int>(jp, path, "n_threads");
  p.n_threads = 0;
  return p;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, gradient_boosting& out) {
  r.header(r.object(j, ""), "", "footprint.gradient_boosting", tree_model_json_version);
  gradient_boosting_state s;
  s.params = gradient_boosting_params_from_json(r, r.at(j, "", "params"), "params");
  if (!r.boolean(j, "", "fitted")) {
    out = construct_model<gradient_boosting>(r, s.params);
    return;
  }
  s.n_features = r.integer<index>(j, "", "n_features");
  s.mean = ensemble_from_json(r, r.at(j, "", "mean"), "mean");
  const nlohmann::json& jq = r.array(r.at(j, "", "quantile_models"), "quantile_models");
  for (std::size_t k = 0; k < jq.size(); ++k)
    s.quantile_models.push_back(ensemble_from_json(r, jq[k], json_index("quantile_models", k)));
  s.levels = r.numbers(j, "", "levels");
  s.residual_quantiles = r.numbers(j, "", "residual_quantiles");
  s.validation_history = r.numbers(j, "", "validation_history");
  out = model_from_state<gradient_boosting>(r, std::move(s), "footprint::gradient_boosting::from_state");
}

/// The model types this header saves and loads.
template <class M>
concept tree_model =
    std::same_as<M, tree_ensemble> || std::same_as<M, random_forest> || std::same_as<M, gradient_boosting>;

}  // namespace detail

/// The model as a JSON value (to embed in another document, as io/pretrade_json.hpp does).
/// @throws as model_to_json
template <detail::tree_model Model>
[[nodiscard]] nlohmann::json model_to_json_value(const Model& model) {
  return detail::to_json(model);
}

/// Reads a model from a parsed JSON value; the tag selects the type (found by
/// argument-dependent lookup from io/pretrade_json.hpp).
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error as model_from_json
template <detail::tree_model Model>
[[nodiscard]] Model model_from_json_value(std::type_identity<Model>, const nlohmann::json& j,
                                          const std::string& source = "<json>") {
  return detail::read_json_value<Model>(
      j, source, [](const detail::json_reader& r, const nlohmann::json& v, Model& m) { detail::from_json(r, v, m); });
}

/// The JSON text of a model (`tree_ensemble`, `random_forest` or `gradient_boosting`).
/// @param indent spaces per level; -1 (default) for compact output
/// @throws footprint::not_fitted for an empty `tree_ensemble`; footprint::invalid_argument
///         for a tree with an infinite threshold (JSON numbers are finite)
template <detail::tree_model Model>
[[nodiscard]] std::string model_to_json(const Model& model, int indent = -1) {
  return detail::to_json(model).dump(indent);
}

/// Reads a model of type `Model` from JSON text written by `model_to_json`/`save_model`.
/// @param text   the JSON text
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error on invalid JSON, another format, an unsupported version, a
///         missing or mistyped field, or an inconsistent model (the message names the field,
///         e.g. `ensemble.trees[3]`)
template <detail::tree_model Model>
[[nodiscard]] Model model_from_json(std::string_view text, const std::string& source = "<json>") {
  return model_from_json_value(std::type_identity<Model>{}, detail::parse_json(text, source), source);
}

/// Writes a model to a JSON file (see model_to_json).
/// @throws as model_to_json; footprint::data_error when the file cannot be written
template <detail::tree_model Model>
void save_model(const Model& model, const std::filesystem::path& path) {
  detail::write_text_file(path, model_to_json(model));
}

/// Reads a model of type `Model` from a JSON file written by `save_model`.
/// @throws footprint::data_error as model_from_json, or when the file cannot be read
template <detail::tree_model Model>
[[nodiscard]] Model load_model(const std::filesystem::path& path) {
  return model_from_json<Model>(detail::read_text_file(path), path.string());
}

}  // namespace footprint
