/// @file io/xgboost_model.hpp
/// @brief Load a model trained by XGBoost (its JSON model format, `Booster.save_model("m.json")`,
/// versions 1.x) into footprint's inference engine, `tree_ensemble`. See docs/tree-ensembles.md.
///
/// Supported: the `gbtree` booster with numerical splits, one output (num_class <= 1,
/// num_target <= 1), and an identity-link objective (`reg:squarederror`, `reg:linear`,
/// `reg:pseudohubererror`, `reg:absoluteerror`, `reg:quantileerror`). Anything else raises
/// `footprint::data_error`.
///
/// Exactness: XGBoost stores features as float and sends x left when `float(x) < t` for a
/// float threshold t. The importer converts each t to the double threshold m with
/// `x <= m` <=> `float(x) < t` for every double x (m is the midpoint between t and the float
/// below it, lowered by one double ulp when round-half-to-even would send the midpoint up to
/// t). Leaf values are summed in float after base_score, tree by tree, as XGBoost's CPU
/// predictor does, so predictions equal XGBoost's bit for bit on the same rows (to 1e-6 is
/// what the tests require).
///
/// Fields are read through io's one validating reader (io/detail/json_reader.hpp, its NaN
/// policy: every number finite) and the ensemble is built by `tree_ensemble::from_state`, so
/// errors are `data_error`s naming the field, e.g. `learner.gradient_booster.model.trees[3]`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include <nlohmann/json.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace footprint {

namespace detail {

/// The largest double m such that, for every double x, `x <= m` <=> `float(x) < t`
/// (float(x) rounds to nearest, ties to even).
[[nodiscard]] inline double xgboost_threshold(float t) noexcept {
  if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  if (t == std::numeric_limits<float>::infinity()) return std::numeric_limits<double>::max();
  const float below = std::nextafter(t, -std::numeric_limits<float>::infinity());
  if (std::isinf(below)) return -std::numeric_limits<double>::infinity();
  const double mid = (static_cast<double>(below) + static_cast<double>(t)) / 2.0;  // exact
  const bool below_even = (std::bit_cast<std::uint32_t>(below) & 1U) == 0U;
  // x == mid rounds to the even one of (below, t): left (< t) only when that is `below`
  return below_even ? mid : std::nextafter(mid, -std::numeric_limits<double>::infinity());
}

/// A number stored by XGBoost as a string (e.g. "5E-1"; XGBoost 3.1 writes base_score as a
/// one-element vector, "[5E-1]") or a number; finite. Parsed with std::from_chars, which
/// does not depend on the C locale (std::stod read "5.5E-1" as 5 under de_DE).
template <class = void>
double xgboost_number(const json_reader& r, const nlohmann::json& v, const std::string& field) {
  if (v.is_number()) return r.number(v, field);
  const std::string s = r.string(v, field);
  std::string_view text(s);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
    if (text.find(',') != std::string_view::npos)
      r.fail(field, concat("one value expected (got '", s, "': a multi-target model is not supported)"));
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
  double x = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    r.fail(field, concat("must be a number (got '", s, "')"));
  if (!std::isfinite(x)) r.fail(field, concat("must be a finite number (got '", s, "')"));
  return x;
}

/// One XGBoost tree (parallel arrays, possibly with pruned nodes) as footprint's nodes:
/// the reachable nodes, breadth first, with XGBoost's float thresholds made exact doubles.
template <class = void>
std::vector<tree_node> xgboost_tree_nodes(const json_reader& r, const nlohmann::json& jt, const std::string& path,
                                          double num_feature) {
  const auto left = r.integers<std::int32_t>(jt, path, "left_children");
  const auto right = r.integers<std::int32_t>(jt, path, "right_children");
  const auto split_index = r.integers<std::int64_t>(jt, path, "split_indices");
  const auto split_cond = r.numbers(jt, path, "split_conditions");
  const auto default_left = r.integers<int>(jt, path, "default_left", 0, 1);
  const std::size_t n = left.size();
  if (n == 0) r.fail(json_path(path, "left_children"), "must not be empty (a tree has no nodes)");
  for (std::size_t len : {right.size(), split_index.size(), split_cond.size(), default_left.size()}) {
    if (len != n)
      r.fail(path, concat("node arrays must have the same length (left_children has ", n, ", another ", len, ")"));
  }
  if (r.find(jt, path, "split_type") != nullptr) {
    for (int t : r.integers<int>(jt, path, "split_type")) {
      if (t != 0) r.fail(json_path(path, "split_type"), "categorical splits are not supported");
    }
  }
  // compact the reachable nodes (pruned nodes may remain in the arrays), breadth first
  std::vector<std::int32_t> order{0};
  std::vector<std::int32_t> pos(n, -1);
  pos[0] = 0;
  std::vector<tree_node> nodes;
  for (std::size_t q = 0; q < order.size(); ++q) {
    const auto i = static_cast<std::size_t>(order[q]);
    tree_node nd;
    if (left[i] == -1) {
      if (right[i] != -1) r.fail(path, concat("node ", i, " has only one child"));
      nd.value = static_cast<double>(static_cast<float>(split_cond[i]));  // XGBoost stores floats
      if (!std::isfinite(nd.value)) r.fail(path, concat("leaf ", i, " has a non-finite value"));
    } else {
      for (std::int32_t c : {left[i], right[i]}) {
        if (c < 0 || static_cast<std::size_t>(c) >= n || pos[static_cast<std::size_t>(c)] != -1) {
          r.fail(path, concat("node ", i, " has an invalid child ", c));
        }
        pos[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(order.size());
        order.push_back(c);
      }
      if (split_index[i] < 0 || static_cast<double>(split_index[i]) >= num_feature) {
        r.fail(path, concat("node ", i, " splits on feature ", split_index[i],
                            ", outside [0, num_feature = ", num_feature, ")"));
      }
      const auto tf = static_cast<float>(split_cond[i]);
      if (std::isnan(tf)) r.fail(path, concat("node ", i, " has a NaN threshold"));
      nd.feature = static_cast<std::int32_t>(split_index[i]);
      nd.threshold = xgboost_threshold(tf);
      nd.left = pos[static_cast<std::size_t>(left[i])];
      nd.right = pos[static_cast<std::size_t>(right[i])];
      nd.default_left = default_left[i] != 0;
    }
    nodes.push_back(nd);
  }
  return nodes;
}

/// The learner of an XGBoost model as a tree_ensemble with XGBoost's semantics.
template <class = void>
tree_ensemble xgboost_from_json(const json_reader& r, const nlohmann::json& root) {
  const nlohmann::json& learner = r.at(root, "", "learner");
  const nlohmann::json& lmp = r.at(learner, "learner", "learner_model_param");
  const std::string lmp_path = "learner.learner_model_param";
  const double base_score = xgboost_number(r, r.at(lmp, lmp_path, "base_score"), json_path(lmp_path, "base_score"));
  const double num_feature = xgboost_number(r, r.at(lmp, lmp_path, "num_feature"), json_path(lmp_path, "num_feature"));
  for (const char* key : {"num_class", "num_target"}) {
    const nlohmann::json* v = r.find(lmp, lmp_path, key);
    if (v != nullptr && xgboost_number(r, *v, json_path(lmp_path, key)) > 1.0) {
      r.fail(json_path(lmp_path, key), "multi-class and multi-output models are not supported");
    }
  }
  if (!(num_feature >= 1.0 && num_feature <= 65535.0)) {
    r.fail(json_path(lmp_path, "num_feature"), concat("must be in [1, 65535] (got ", num_feature, ")"));
  }
  const std::string obj = r.string(r.at(learner, "learner", "objective"), "learner.objective", "name");
  if (obj != "reg:squarederror" && obj != "reg:linear" && obj != "reg:pseudohubererror" && obj != "reg:absoluteerror" &&
      obj != "reg:quantileerror") {
    r.fail("learner.objective.name",
           concat("objective '", obj, "' has a non-identity link; only regression objectives are supported"));
  }
  const nlohmann::json& booster = r.at(learner, "learner", "gradient_booster");
  const std::string booster_name = r.string(booster, "learner.gradient_booster", "name");
  if (booster_name != "gbtree") {
    r.fail("learner.gradient_booster.name", concat("booster '", booster_name, "' is not supported (only gbtree)"));
  }
  const std::string trees_path = "learner.gradient_booster.model.trees";
  const nlohmann::json& trees = r.array(
      r.at(r.at(booster, "learner.gradient_booster", "model"), "learner.gradient_booster.model", "trees"), trees_path);
  tree_ensemble_state s;
  s.trees.reserve(trees.size());
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string path = json_index(trees_path, t);
    try {
      s.trees.emplace_back(xgboost_tree_nodes(r, trees[t], path, num_feature));
    } catch (const invalid_argument& e) {
      r.fail(path, e.what());
    }
  }
  s.base_score = static_cast<double>(static_cast<float>(base_score));
  s.n_features = static_cast<index>(num_feature);
  s.scale = 1.0;
  s.float_accumulation = true;
  try {
    return tree_ensemble::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::tree_ensemble::from_state", "");
  }
}

}  // namespace detail

/// Reads an XGBoost JSON model (text) into a `tree_ensemble` with XGBoost's semantics.
/// @param text   the JSON text of `Booster.save_model("model.json")` (XGBoost 1.x)
/// @param source a name for error messages
/// @throws footprint::data_error on invalid JSON, a missing or mistyped field, an
///         unsupported booster, objective, multi-output model or categorical split, or an
///         inconsistent tree
template <class = void>
[[nodiscard]] tree_ensemble xgboost_model_from_json(std::string_view text, const std::string& source = "<json>") {
  const detail::json_reader r(source);
  const nlohmann::json j = detail::parse_json(text, source);
  try {
    return detail::xgboost_from_json(r, j);
  } catch (const nlohmann::json::exception& e) {
    r.fail("", e.what());
  }
}

/// Reads an XGBoost JSON model file into a `tree_ensemble`; predict with
/// `predict(X)` or `predict_row(x)`, which equal XGBoost's predictions.
/// @throws footprint::data_error as xgboost_model_from_json, or when the file cannot be read
template <class = void>
[[nodiscard]] tree_ensemble load_xgboost_model(const std::filesystem::path& path) {
  return xgboost_model_from_json(detail::read_text_file(path), path.string());
}

}  // namespace footprint
