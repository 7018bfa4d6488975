/// @file io/tree_model_json.hpp
/// @brief Save and load footprint's tree models (`tree_ensemble`, `random_forest`,
/// `gradient_boosting`) as versioned JSON (nlohmann-json). See docs/tree-ensembles.md.
///
/// Format: one JSON object with `"format"` ("footprint.tree_ensemble",
/// "footprint.random_forest" or "footprint.gradient_boosting"), `"version"` (1), the
/// hyper-parameters and the fitted state. Doubles are written with 17 significant digits, so
/// a save/load round trip is bit-exact; NaN is written as null. Loading checks the format,
/// the version, every type and every structural invariant (tree shape, feature indices, array
/// lengths), so a corrupt or mismatched file raises `footprint::data_error` and never
/// crashes or yields a model that reads out of bounds.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {

/// Reads fields of a JSON document, turning every failure into a data_error naming the field.
class json_reader {
 public:
  explicit json_reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& detail) const {
    throw data_error(source_, 0, 0, field, detail);
  }

  const nlohmann::json& at(const nlohmann::json& j, const std::string& key) const {
    if (!j.is_object()) fail(key, "expected an object around this field");
    const auto it = j.find(key);
    if (it == j.end()) fail(key, "missing field");
    return *it;
  }

  template <class T>
  T get(const nlohmann::json& j, const std::string& key) const {
    return as<T>(at(j, key), key);
  }

  template <class T>
  T as(const nlohmann::json& v, const std::string& key) const {
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean()) fail(key, "expected a boolean");
      return v.get<bool>();
    } else if constexpr (std::is_same_v<T, double>) {
      if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
      if (!v.is_number()) fail(key, "expected a number");
      return v.get<double>();
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_number_integer()) fail(key, "expected an integer");
      if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) fail(key, concat("integer out of range (got ", u, ")"));
        return static_cast<T>(u);
      }
      const auto x = v.get<std::int64_t>();
      if (x < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          (x > 0 && static_cast<std::uint64_t>(x) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))) {
        fail(key, concat("integer out of range (got ", x, ")"));
      }
      return static_cast<T>(x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string()) fail(key, "expected a string");
      return v.get<std::string>();
    } else {
      using E = typename T::value_type;
      if (!v.is_array()) fail(key, "expected an array");
      T out;
      out.reserve(v.size());
      for (const auto& e : v) out.push_back(as<E>(e, key));
      return out;
    }
  }

  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
};

inline nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

inline nlohmann::json tree_to_json(const regression_tree& t) {
  nlohmann::json feature = nlohmann::json::array(), threshold = nlohmann::json::array(), left = nlohmann::json::array(),
                 right = nlohmann::json::array(), default_left = nlohmann::json::array(), value = nlohmann::json::array(),
                 gain = nlohmann::json::array(), cover = nlohmann::json::array();
  for (const tree_node& nd : t.nodes()) {
    feature.push_back(nd.feature);
    threshold.push_back(nd.threshold);
    left.push_back(nd.left);
    right.push_back(nd.right);
    default_left.push_back(nd.default_left ? 1 : 0);
    value.push_back(nd.value);
    gain.push_back(nd.gain);
    cover.push_back(nd.cover);
  }
  return {{"feature", feature}, {"threshold", threshold}, {"left", left},   {"right", right},
          {"default_left", default_left}, {"value", value}, {"gain", gain}, {"cover", cover}};
}

inline regression_tree tree_from_json(const json_reader& r, const nlohmann::json& j, const std::string& where) {
  const auto feature = r.get<std::vector<std::int32_t>>(j, "feature");
  const auto threshold = r.get<std::vector<double>>(j, "threshold");
  const auto left = r.get<std::vector<std::int32_t>>(j, "left");
  const auto right = r.get<std::vector<std::int32_t>>(j, "right");
  const auto default_left = r.get<std::vector<int>>(j, "default_left");
  const auto value = r.get<std::vector<double>>(j, "value");
  const auto gain = r.get<std::vector<double>>(j, "gain");
  const auto cover = r.get<std::vector<double>>(j, "cover");
  const std::size_t n = feature.size();
  for (std::size_t len : {threshold.size(), left.size(), right.size(), default_left.size(), value.size(), gain.size(), cover.size()}) {
    if (len != n) r.fail(where, concat("node arrays have different lengths (", n, " and ", len, ")"));
  }
  std::vector<tree_node> nodes(n);
  for (std::size_t i = 0; i < n; ++i) {
    nodes[i] = tree_node{feature[i], threshold[i], left[i], right[i], default_left[i] != 0, value[i], gain[i], cover[i]};
  }
  try {
    return regression_tree(std::move(nodes));
  } catch (const invalid_argument& e) {
    r.fail(where, e.what());
  }
}

inline nlohmann::json ensemble_to_json(const tree_ensemble& e) {
  nlohmann::json trees = nlohmann::json::array();
  for (const regression_tree& t : e.trees()) trees.push_back(tree_to_json(t));
  return {{"base_score", e.base_score()}, {"scale", e.scale()}, {"n_features", e.n_features()},
          {"float_accumulation", e.float_accumulation()}, {"trees", trees}};
}

inline tree_ensemble ensemble_from_json(const json_reader& r, const nlohmann::json& j, const std::string& where) {
  const auto base = r.get<double>(j, "base_score");
  const auto scale = r.get<double>(j, "scale");
  const auto n_features = r.get<std::int64_t>(j, "n_features");
  const auto float_acc = r.get<bool>(j, "float_accumulation");
  const nlohmann::json& jt = r.at(j, "trees");
  if (!jt.is_array()) r.fail(where + ".trees", "expected an array");
  std::vector<regression_tree> trees;
  trees.reserve(jt.size());
  for (std::size_t t = 0; t < jt.size(); ++t) trees.push_back(tree_from_json(r, jt[t], concat(where, ".trees[", t, "]")));
  try {
    return tree_ensemble(std::move(trees), base, n_features, scale, float_acc);
  } catch (const invalid_argument& e) {
    r.fail(where, e.what());
  }
}

inline void check_header(const json_reader& r, const nlohmann::json& j, const std::string& format) {
  const auto got = r.get<std::string>(j, "format");
  if (got != format) r.fail("format", concat("expected '", format, "' (got '", got, "')"));
  const auto version = r.get<int>(j, "version");
  if (version != 1) r.fail("version", concat("unsupported version ", version, " (this footprint reads version 1)"));
}

inline nlohmann::json parse_json(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(source, 0, e.byte, "", concat("invalid JSON: ", e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw data_error(source, 0, 0, "", concat("invalid JSON: ", e.what()));
  }
}

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(path.string(), 0, 0, "", "cannot open the file");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

/// Private access to the fitted state of the models (friend of both).
struct tree_model_access {
  static nlohmann::json to_json(const tree_ensemble& e) {
    nlohmann::json j = {{"format", "footprint.tree_ensemble"}, {"version", 1}};
    j["ensemble"] = ensemble_to_json(e);
    return j;
  }
  static void from_json(const json_reader& r, const nlohmann::json& j, tree_ensemble& out) {
    check_header(r, j, "footprint.tree_ensemble");
    out = ensemble_from_json(r, r.at(j, "ensemble"), "ensemble");
  }

  static nlohmann::json to_json(const random_forest& m) {
    const random_forest_params& p = m.params_;
    nlohmann::json j = {{"format", "footprint.random_forest"}, {"version", 1}};
    j["params"] = {{"n_estimators", p.n_estimators}, {"bootstrap", p.bootstrap}, {"max_samples", p.max_samples},
                   {"max_features", p.max_features}, {"max_depth", p.max_depth}, {"min_samples_split", p.min_samples_split},
                   {"min_samples_leaf", p.min_samples_leaf}, {"max_leaves", p.max_leaves},
                   {"min_impurity_decrease", p.min_impurity_decrease}, {"max_bins", p.max_bins}, {"oob_score", p.oob_score},
                   {"quantile_forest", p.quantile_forest}, {"seed", p.seed}, {"n_threads", p.n_threads}};
    j["fitted"] = m.fitted_;
    if (!m.fitted_) return j;
    j["n_features"] = m.n_features_;
    j["ensemble"] = ensemble_to_json(m.ensemble_);
    if (p.quantile_forest) {
      nlohmann::json leaves = nlohmann::json::array();
      for (const auto& ls : m.leaves_) leaves.push_back({{"begin", ls.begin}, {"row", ls.row}, {"weight", ls.weight}});
      j["y"] = m.y_;
      j["leaves"] = leaves;
    }
    if (p.oob_score) {
      nlohmann::json oob = nlohmann::json::array();
      for (index i = 0; i < m.oob_prediction_.size(); ++i) oob.push_back(number_or_null(m.oob_prediction_[i]));
      j["oob_prediction"] = oob;
      j["oob_mse"] = number_or_null(m.oob_mse_);
      j["oob_r2"] = number_or_null(m.oob_r2_);
    }
    return j;
  }

  static void from_json(const json_reader& r, const nlohmann::json& j, random_forest& out) {
    check_header(r, j, "footprint.random_forest");
    const nlohmann::json& jp = r.at(j, "params");
    random_forest_params p;
    p.n_estimators = r.get<index>(jp, "n_estimators");
    p.bootstrap = r.get<bool>(jp, "bootstrap");
    p.max_samples = r.get<double>(jp, "max_samples");
    p.max_features = r.get<double>(jp, "max_features");
    p.max_depth = r.get<index>(jp, "max_depth");
    p.min_samples_split = r.get<index>(jp, "min_samples_split");
    p.min_samples_leaf = r.get<index>(jp, "min_samples_leaf");
    p.max_leaves = r.get<index>(jp, "max_leaves");
    p.min_impurity_decrease = r.get<double>(jp, "min_impurity_decrease");
    p.max_bins = r.get<index>(jp, "max_bins");
    p.oob_score = r.get<bool>(jp, "oob_score");
    p.quantile_forest = r.get<bool>(jp, "quantile_forest");
    p.seed = r.get<std::uint64_t>(jp, "seed");
    p.n_threads = r.get<int>(jp, "n_threads");
    random_forest m = construct<random_forest>(r, p);
    if (!r.get<bool>(j, "fitted")) {
      out = std::move(m);
      return;
    }
    m.n_features_ = r.get<index>(j, "n_features");
    m.ensemble_ = ensemble_from_json(r, r.at(j, "ensemble"), "ensemble");
    if (m.ensemble_.n_features() != m.n_features_) r.fail("n_features", "differs from the ensemble's");
    if (m.ensemble_.n_trees() != p.n_estimators) r.fail("ensemble", "number of trees differs from n_estimators");
    if (p.quantile_forest) {
      m.y_ = r.get<std::vector<double>>(j, "y");
      for (double v : m.y_) {
        if (!std::isfinite(v)) r.fail("y", "non-finite training target");
      }
      const nlohmann::json& jl = r.at(j, "leaves");
      if (!jl.is_array() || static_cast<index>(jl.size()) != m.ensemble_.n_trees()) r.fail("leaves", "expected one entry per tree");
      for (std::size_t t = 0; t < jl.size(); ++t) {
        random_forest::leaf_samples ls;
        ls.begin = r.get<std::vector<std::int32_t>>(jl[t], "begin");
        ls.row = r.get<std::vector<std::int32_t>>(jl[t], "row");
        ls.weight = r.get<std::vector<double>>(jl[t], "weight");
        const auto& nodes = m.ensemble_.trees()[t].nodes();
        const std::string where = concat("leaves[", t, "]");
        if (ls.begin.size() != nodes.size() + 1 || ls.begin.front() != 0) r.fail(where, "begin must have n_nodes + 1 entries starting at 0");
        for (std::size_t k = 0; k + 1 < ls.begin.size(); ++k) {
          if (ls.begin[k + 1] < ls.begin[k]) r.fail(where, "begin must be non-decreasing");
          if (nodes[k].is_leaf() && ls.begin[k + 1] == ls.begin[k]) r.fail(where, "a leaf has no samples");
          if (!nodes[k].is_leaf() && ls.begin[k + 1] != ls.begin[k]) r.fail(where, "an internal node has samples");
        }
        if (static_cast<std::size_t>(ls.begin.back()) != ls.row.size() || ls.weight.size() != ls.row.size()) {
          r.fail(where, "row and weight must have begin.back() entries");
        }
        for (std::int32_t row : ls.row) {
          if (row < 0 || static_cast<std::size_t>(row) >= m.y_.size()) r.fail(where, concat("row index out of range (got ", row, ")"));
        }
        for (double w : ls.weight) {
          if (!(w > 0.0) || !std::isfinite(w)) r.fail(where, concat("weights must be finite and > 0 (got ", w, ")"));
        }
        m.leaves_.push_back(std::move(ls));
      }
    }
    if (p.oob_score) {
      const auto oob = r.get<std::vector<double>>(j, "oob_prediction");
      m.oob_prediction_ = Eigen::Map<const vector>(oob.data(), static_cast<index>(oob.size()));
      m.oob_mse_ = r.get<double>(j, "oob_mse");
      m.oob_r2_ = r.get<double>(j, "oob_r2");
    }
    m.fitted_ = true;
    out = std::move(m);
  }

  static nlohmann::json to_json(const gradient_boosting& m) {
    const gradient_boosting_params& p = m.params_;
    nlohmann::json j = {{"format", "footprint.gradient_boosting"}, {"version", 1}};
    j["params"] = {{"loss", std::string(to_string(p.loss))}, {"n_estimators", p.n_estimators},
                   {"learning_rate", p.learning_rate}, {"growth", std::string(to_string(p.growth))},
                   {"max_depth", p.max_depth}, {"max_leaves", p.max_leaves}, {"max_bins", p.max_bins},
                   {"lambda", p.lambda}, {"alpha", p.alpha}, {"min_split_gain", p.min_split_gain},
                   {"min_child_weight", p.min_child_weight}, {"min_samples_leaf", p.min_samples_leaf},
                   {"subsample", p.subsample}, {"colsample_bytree", p.colsample_bytree},
                   {"colsample_bynode", p.colsample_bynode}, {"quantile_alpha", p.quantile_alpha},
                   {"huber_quantile", p.huber_quantile}, {"monotone_constraints", p.monotone_constraints},
                   {"quantile_levels", p.quantile_levels}, {"early_stopping_rounds", p.early_stopping_rounds},
                   {"validation_fraction", p.validation_fraction}, {"seed", p.seed}, {"n_threads", p.n_threads}};
    j["fitted"] = m.fitted_;
    if (!m.fitted_) return j;
    j["n_features"] = m.n_features_;
    j["mean"] = ensemble_to_json(m.mean_);
    nlohmann::json q = nlohmann::json::array();
    for (const tree_ensemble& e : m.quantile_models_) q.push_back(ensemble_to_json(e));
    j["quantile_models"] = q;
    j["levels"] = *m.levels_;
    j["residual_quantiles"] = m.residual_quantiles_;
    j["validation_history"] = m.val_history_;
    return j;
  }

  static void from_json(const json_reader& r, const nlohmann::json& j, gradient_boosting& out) {
    check_header(r, j, "footprint.gradient_boosting");
    const nlohmann::json& jp = r.at(j, "params");
    gradient_boosting_params p;
    const auto loss = r.get<std::string>(jp, "loss");
    if (loss == "squared_error") {
      p.loss = boosting_loss::squared_error;
    } else if (loss == "huber") {
      p.loss = boosting_loss::huber;
    } else if (loss == "quantile") {
      p.loss = boosting_loss::quantile;
    } else {
      r.fail("loss", concat("unknown loss '", loss, "'"));
    }
    const auto growth = r.get<std::string>(jp, "growth");
    if (growth == "depthwise") {
      p.growth = tree_growth::depthwise;
    } else if (growth == "leafwise") {
      p.growth = tree_growth::leafwise;
    } else {
      r.fail("growth", concat("unknown growth '", growth, "'"));
    }
    p.n_estimators = r.get<index>(jp, "n_estimators");
    p.learning_rate = r.get<double>(jp, "learning_rate");
    p.max_depth = r.get<index>(jp, "max_depth");
    p.max_leaves = r.get<index>(jp, "max_leaves");
    p.max_bins = r.get<index>(jp, "max_bins");
    p.lambda = r.get<double>(jp, "lambda");
    p.alpha = r.get<double>(jp, "alpha");
    p.min_split_gain = r.get<double>(jp, "min_split_gain");
    p.min_child_weight = r.get<double>(jp, "min_child_weight");
    p.min_samples_leaf = r.get<index>(jp, "min_samples_leaf");
    p.subsample = r.get<double>(jp, "subsample");
    p.colsample_bytree = r.get<double>(jp, "colsample_bytree");
    p.colsample_bynode = r.get<double>(jp, "colsample_bynode");
    p.quantile_alpha = r.get<double>(jp, "quantile_alpha");
    p.huber_quantile = r.get<double>(jp, "huber_quantile");
    p.monotone_constraints = r.get<std::vector<int>>(jp, "monotone_constraints");
    p.quantile_levels = r.get<std::vector<double>>(jp, "quantile_levels");
    p.early_stopping_rounds = r.get<index>(jp, "early_stopping_rounds");
    p.validation_fraction = r.get<double>(jp, "validation_fraction");
    p.seed = r.get<std::uint64_t>(jp, "seed");
    p.n_threads = r.get<int>(jp, "n_threads");
    gradient_boosting m = construct<gradient_boosting>(r, p);
    if (!r.get<bool>(j, "fitted")) {
      out = std::move(m);
      return;
    }
    m.n_features_ = r.get<index>(j, "n_features");
    if (!p.monotone_constraints.empty() && static_cast<index>(p.monotone_constraints.size()) != m.n_features_) {
      r.fail("monotone_constraints", "must have n_features entries");
    }
    m.mean_ = ensemble_from_json(r, r.at(j, "mean"), "mean");
    if (m.mean_.n_features() != m.n_features_) r.fail("n_features", "differs from the mean model's");
    const nlohmann::json& jq = r.at(j, "quantile_models");
    if (!jq.is_array() || jq.size() != p.quantile_levels.size()) r.fail("quantile_models", "expected one model per quantile level");
    for (std::size_t k = 0; k < jq.size(); ++k) {
      m.quantile_models_.push_back(ensemble_from_json(r, jq[k], concat("quantile_models[", k, "]")));
      if (m.quantile_models_.back().n_features() != m.n_features_) r.fail("quantile_models", "n_features differs");
    }
    auto levels = r.get<std::vector<double>>(j, "levels");
    m.residual_quantiles_ = r.get<std::vector<double>>(j, "residual_quantiles");
    if (!p.quantile_levels.empty() && levels != p.quantile_levels) r.fail("levels", "differ from params.quantile_levels");
    if (p.quantile_levels.empty() && m.residual_quantiles_.size() != levels.size()) {
      r.fail("residual_quantiles", "expected one entry per level");
    }
    if (levels.empty()) r.fail("levels", "must not be empty");
    for (std::size_t k = 0; k < levels.size(); ++k) {
      if (!(levels[k] > 0.0 && levels[k] < 1.0) || (k > 0 && !(levels[k] > levels[k - 1]))) r.fail("levels", "must increase strictly in (0, 1)");
    }
    for (double v : m.residual_quantiles_) {
      if (!std::isfinite(v)) r.fail("residual_quantiles", "must be finite");
    }
    m.levels_ = std::make_shared<const std::vector<double>>(std::move(levels));
    m.val_history_ = r.get<std::vector<double>>(j, "validation_history");
    m.fitted_ = true;
    out = std::move(m);
  }

 private:
  template <class M, class P>
  static M construct(const json_reader& r, const P& p) {
    try {
      return M(p);
    } catch (const invalid_argument& e) {
      r.fail("params", e.what());
    }
  }
};

/// The model types this header saves and loads.
template <class M>
concept tree_model = std::same_as<M, tree_ensemble> || std::same_as<M, random_forest> || std::same_as<M, gradient_boosting>;

}  // namespace detail

/// The JSON text of a model (`tree_ensemble`, `random_forest` or `gradient_boosting`).
/// @param indent spaces per level; -1 (default) for compact output
template <detail::tree_model Model>
[[nodiscard]] std::string model_to_json(const Model& model, int indent = -1) {
  return detail::tree_model_access::to_json(model).dump(indent);
}

/// Reads a model of type `Model` from JSON text written by `model_to_json`/`save_model`.
/// @param text   the JSON text
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error on invalid JSON, another format, an unsupported version, a
///         missing or mistyped field, or an inconsistent model (the message names the field)
template <detail::tree_model Model>
[[nodiscard]] Model model_from_json(std::string_view text, const std::string& source = "<json>") {
  const detail::json_reader r(source);
  const nlohmann::json j = detail::parse_json(text, source);
  Model m;
  try {
    detail::tree_model_access::from_json(r, j, m);
  } catch (const nlohmann::json::exception& e) {
    r.fail("", e.what());
  }
  return m;
}

/// Writes a model to a JSON file (see model_to_json).
/// @throws footprint::data_error when the file cannot be written
template <detail::tree_model Model>
void save_model(const Model& model, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw data_error(path.string(), 0, 0, "", "cannot open the file for writing");
  out << model_to_json(model);
  if (!out) throw data_error(path.string(), 0, 0, "", "write failed");
}

/// Reads a model of type `Model` from a JSON file written by `save_model`.
/// @throws footprint::data_error as model_from_json, or when the file cannot be read
template <detail::tree_model Model>
[[nodiscard]] Model load_model(const std::filesystem::path& path) {
  return model_from_json<Model>(detail::read_text_file(path), path.string());
}

}  // namespace footprint
