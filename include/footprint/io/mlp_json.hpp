/// @file io/mlp_json.hpp
/// @brief Saving and loading `mlp_regressor` and `deep_ensemble` as versioned JSON
/// (nlohmann-json). See docs/mlp.md ("Persistence") for the format.
///
/// Format (version 1), one JSON object:
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
/// loaded model predicts bit-identically. The progress callback is not saved.
///
/// Loading checks every field (presence, type, range, finiteness, consistent sizes) and
/// throws `footprint::data_error` (naming the source and the field) for any malformed,
/// truncated or inconsistent input: it never crashes and never returns a half-read model.
///
/// `save_model(model, path)`, `load_model<M>(path)`, `model_to_json(model)` and
/// `model_from_json<M>(text)` are the same calls as for the tree models
/// (io/tree_model_json.hpp); `save_json` and `load_mlp_regressor`/`load_deep_ensemble` are
/// this header's stream-based forms.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Version of the MLP JSON format written by this library (and the highest it reads).
inline constexpr int mlp_json_version = 1;

namespace detail {

/// Reads a JSON value field by field, throwing data_error(source, 0, 0, field, detail).
class mlp_json_reader {
 public:
  explicit mlp_json_reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw data_error(source_, 0, 0, field, what);
  }

  const nlohmann::json& get(const nlohmann::json& obj, const std::string& path, const char* key) const {
    if (!obj.is_object()) fail(path, "must be a JSON object");
    const auto it = obj.find(key);
    if (it == obj.end()) fail(join(path, key), "is missing");
    return *it;
  }

  double number(const nlohmann::json& v, const std::string& field) const {
    if (!v.is_number()) fail(field, detail::concat("must be a number (got ", v.type_name(), ")"));
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(field, detail::concat("must be finite (got ", x, ")"));
    return x;
  }

  double number(const nlohmann::json& obj, const std::string& path, const char* key) const {
    return number(get(obj, path, key), join(path, key));
  }

  std::int64_t integer(const nlohmann::json& obj, const std::string& path, const char* key, std::int64_t lo,
                       std::int64_t hi) const {
    const nlohmann::json& v = get(obj, path, key);
    const std::string field = join(path, key);
    if (!v.is_number_integer()) fail(field, detail::concat("must be an integer (got ", v.type_name(), ")"));
    std::int64_t x = 0;
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi)) fail(field, detail::concat("must be in [", lo, ", ", hi, "] (got ", u, ")"));
      x = static_cast<std::int64_t>(u);
    } else {
      x = v.get<std::int64_t>();
    }
    if (x < lo || x > hi) fail(field, detail::concat("must be in [", lo, ", ", hi, "] (got ", x, ")"));
    return x;
  }

  std::uint64_t unsigned_integer(const nlohmann::json& obj, const std::string& path, const char* key) const {
    const nlohmann::json& v = get(obj, path, key);
    if (!v.is_number_unsigned()) fail(join(path, key), "must be a non-negative integer");
    return v.get<std::uint64_t>();
  }

  bool boolean(const nlohmann::json& obj, const std::string& path, const char* key) const {
    const nlohmann::json& v = get(obj, path, key);
    if (!v.is_boolean()) fail(join(path, key), detail::concat("must be true or false (got ", v.type_name(), ")"));
    return v.get<bool>();
  }

  std::string string(const nlohmann::json& obj, const std::string& path, const char* key) const {
    const nlohmann::json& v = get(obj, path, key);
    if (!v.is_string()) fail(join(path, key), detail::concat("must be a string (got ", v.type_name(), ")"));
    return v.get<std::string>();
  }

  template <class Enum>
  Enum option(const nlohmann::json& obj, const std::string& path, const char* key) const {
    const std::string s = string(obj, path, key);
    const auto e = mlp_option_from_string<Enum>(s);
    if (!e) fail(join(path, key), detail::concat("unknown value '", s, "'"));
    return *e;
  }

  /// A finite number array of exactly `size` entries.
  vector numbers(const nlohmann::json& obj, const std::string& path, const char* key, index size) const {
    const nlohmann::json& v = get(obj, path, key);
    const std::string field = join(path, key);
    if (!v.is_array()) fail(field, detail::concat("must be an array (got ", v.type_name(), ")"));
    if (static_cast<index>(v.size()) != size) fail(field, detail::concat("must have ", size, " entries (got ", v.size(), ")"));
    vector out(size);
    for (index i = 0; i < size; ++i) out[i] = number(v[static_cast<std::size_t>(i)], detail::concat(field, '[', i, ']'));
    return out;
  }

  static std::string join(const std::string& path, const char* key) { return path.empty() ? std::string(key) : path + "." + key; }

  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
};

/// Private access of the JSON functions to the models' state.
struct mlp_json_access {
  static nlohmann::json params_to_json(const mlp_regressor_params& p) {
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

  static mlp_regressor_params params_from_json(const mlp_json_reader& r, const nlohmann::json& j, const std::string& path) {
    constexpr std::int64_t big = std::int64_t{1} << 40;
    mlp_regressor_params p;
    const nlohmann::json& hl = r.get(j, path, "hidden_layers");
    const std::string hl_field = mlp_json_reader::join(path, "hidden_layers");
    if (!hl.is_array()) r.fail(hl_field, "must be an array");
    if (hl.size() > 1000) r.fail(hl_field, detail::concat("must have at most 1000 layers (got ", hl.size(), ")"));
    p.hidden_layers.clear();
    for (std::size_t l = 0; l < hl.size(); ++l) {
      const std::string f = detail::concat(hl_field, '[', l, ']');
      if (!hl[l].is_number_integer()) r.fail(f, "must be an integer");
      const auto width = hl[l].get<std::int64_t>();
      if (width < 1 || width > (1 << 24)) r.fail(f, detail::concat("must be in [1, 16777216] (got ", width, ")"));
      p.hidden_layers.push_back(static_cast<index>(width));
    }
    p.activation = r.option<mlp_activation>(j, path, "activation");
    p.init = r.option<mlp_init>(j, path, "init");
    p.head = r.option<mlp_head>(j, path, "head");
    p.optimizer = r.option<mlp_optimizer>(j, path, "optimizer");
    p.learning_rate = r.number(j, path, "learning_rate");
    p.beta1 = r.number(j, path, "beta1");
    p.beta2 = r.number(j, path, "beta2");
    p.epsilon = r.number(j, path, "epsilon");
    p.momentum = r.number(j, path, "momentum");
    p.weight_decay = r.number(j, path, "weight_decay");
    p.schedule = r.option<mlp_schedule>(j, path, "schedule");
    p.lr_decay = r.number(j, path, "lr_decay");
    p.lr_min_factor = r.number(j, path, "lr_min_factor");
    p.batch_size = static_cast<index>(r.integer(j, path, "batch_size", 1, big));
    p.max_epochs = static_cast<index>(r.integer(j, path, "max_epochs", 1, big));
    p.validation_fraction = r.number(j, path, "validation_fraction");
    p.patience = static_cast<index>(r.integer(j, path, "patience", 0, big));
    p.tol = r.number(j, path, "tol");
    p.restore_best = r.boolean(j, path, "restore_best");
    p.standardize_inputs = r.boolean(j, path, "standardize_inputs");
    p.scale_target = r.boolean(j, path, "scale_target");
    p.shuffle = r.boolean(j, path, "shuffle");
    p.seed = r.unsigned_integer(j, path, "seed");
    try {
      mlp_regressor::validate(p);
    } catch (const invalid_argument& e) {
      r.fail(path.empty() ? "params" : path, e.what());
    }
    return p;
  }

  static nlohmann::json to_json(const mlp_regressor& m) {
    if (!m.fitted_) throw not_fitted("footprint::save_json(mlp_regressor)");
    nlohmann::json j;
    j["format"] = "footprint.mlp_regressor";
    j["version"] = mlp_json_version;
    j["params"] = params_to_json(m.params_);
    j["n_features"] = m.net_.n_inputs();
    j["x_mean"] = std::vector<double>(m.x_mean_.data(), m.x_mean_.data() + m.x_mean_.size());
    const vector x_scale = m.x_inv_scale_.cwiseInverse();
    j["x_scale"] = std::vector<double>(x_scale.data(), x_scale.data() + x_scale.size());
    j["y_mean"] = m.y_mean_;
    j["y_scale"] = m.y_scale_;
    j["residual_sd"] = std::isfinite(m.residual_sd_) ? nlohmann::json(m.residual_sd_) : nlohmann::json(nullptr);
    j["best_epoch"] = m.best_epoch_;
    nlohmann::json layers = nlohmann::json::array();
    for (index l = 1; l <= m.net_.n_layers(); ++l) {
      const auto W = m.net_.W(l);
      const auto b = m.net_.b(l);
      nlohmann::json layer;
      layer["fan_in"] = W.rows();
      layer["fan_out"] = W.cols();
      layer["weights"] = std::vector<double>(W.data(), W.data() + W.size());
      layer["bias"] = std::vector<double>(b.data(), b.data() + b.size());
      layers.push_back(std::move(layer));
    }
    j["layers"] = std::move(layers);
    return j;
  }

  static void check_header(const mlp_json_reader& r, const nlohmann::json& j, const std::string& path, const char* format) {
    if (!j.is_object()) r.fail(path, detail::concat("must be a JSON object (got ", j.type_name(), ")"));
    const std::string f = r.string(j, path, "format");
    if (f != format) r.fail(mlp_json_reader::join(path, "format"), detail::concat("must be '", format, "' (got '", f, "')"));
    const auto v = r.integer(j, path, "version", std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    if (v < 1 || v > mlp_json_version) {
      r.fail(mlp_json_reader::join(path, "version"),
             detail::concat("unsupported version ", v, " (this library reads 1 to ", mlp_json_version, ")"));
    }
  }

  static mlp_regressor regressor_from_json(const mlp_json_reader& r, const nlohmann::json& j, const std::string& path) {
    check_header(r, j, path, "footprint.mlp_regressor");
    mlp_regressor m(params_from_json(r, r.get(j, path, "params"), mlp_json_reader::join(path, "params")));
    const mlp_regressor_params& p = m.params_;
    const auto d = static_cast<index>(r.integer(j, path, "n_features", 1, 1 << 24));
    std::vector<index> sizes{d};
    sizes.insert(sizes.end(), p.hidden_layers.begin(), p.hidden_layers.end());
    sizes.push_back(p.head == mlp_head::gaussian ? 2 : 1);
    const nlohmann::json& layers = r.get(j, path, "layers");
    const std::string lf = mlp_json_reader::join(path, "layers");
    if (!layers.is_array()) r.fail(lf, "must be an array");
    if (layers.size() + 1 != sizes.size()) {
      r.fail(lf, detail::concat("must have ", sizes.size() - 1, " layers for params.hidden_layers (got ", layers.size(), ")"));
    }
    // Check the declared sizes before allocating anything from them.
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      const std::string f = detail::concat(lf, '[', l, ']');
      const nlohmann::json& layer = layers[l];
      const auto fan_in = r.integer(layer, f, "fan_in", 1, 1 << 24);
      const auto fan_out = r.integer(layer, f, "fan_out", 1, 1 << 24);
      if (fan_in != sizes[l] || fan_out != sizes[l + 1]) {
        r.fail(f, detail::concat("has shape (", fan_in, ", ", fan_out, "); the parameters need (", sizes[l], ", ", sizes[l + 1], ")"));
      }
      const nlohmann::json& wj = r.get(layer, f, "weights");
      if (!wj.is_array() || static_cast<index>(wj.size()) != fan_in * fan_out) {
        r.fail(f + ".weights", detail::concat("must be an array of ", fan_in * fan_out, " numbers"));
      }
    }
    detail::mlp_net net;
    net.setup(sizes, p.activation);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      const std::string f = detail::concat(lf, '[', l, ']');
      const auto li = static_cast<index>(l + 1);
      net.W(net.theta.data(), li).reshaped() = r.numbers(layers[l], f, "weights", sizes[l] * sizes[l + 1]);
      net.b(net.theta.data(), li) = r.numbers(layers[l], f, "bias", sizes[l + 1]);
    }
    const vector x_mean = r.numbers(j, path, "x_mean", d);
    const vector x_scale = r.numbers(j, path, "x_scale", d);
    for (index i = 0; i < d; ++i) {
      if (!(x_scale[i] > 0.0)) r.fail(detail::concat(mlp_json_reader::join(path, "x_scale"), '[', i, ']'), detail::concat("must be > 0 (got ", x_scale[i], ")"));
    }
    const double y_mean = r.number(j, path, "y_mean");
    const double y_scale = r.number(j, path, "y_scale");
    if (!(y_scale > 0.0)) r.fail(mlp_json_reader::join(path, "y_scale"), detail::concat("must be > 0 (got ", y_scale, ")"));
    double residual_sd = nan;
    const nlohmann::json& rs = r.get(j, path, "residual_sd");
    if (p.head == mlp_head::mse) {
      residual_sd = r.number(rs, mlp_json_reader::join(path, "residual_sd"));
      if (!(residual_sd > 0.0)) r.fail(mlp_json_reader::join(path, "residual_sd"), detail::concat("must be > 0 (got ", residual_sd, ")"));
    } else if (!rs.is_null()) {
      r.fail(mlp_json_reader::join(path, "residual_sd"), "must be null for the gaussian head");
    }
    m.best_epoch_ = static_cast<index>(r.integer(j, path, "best_epoch", 0, std::int64_t{1} << 40));
    m.net_ = std::move(net);
    m.x_mean_ = x_mean;
    m.x_inv_scale_ = x_scale.cwiseInverse();
    m.y_mean_ = y_mean;
    m.y_scale_ = y_scale;
    m.residual_sd_ = residual_sd;
    m.history_.clear();
    m.prepare_predict();
    m.fitted_ = true;
    return m;
  }

  static nlohmann::json to_json(const deep_ensemble& e) {
    if (e.members_.empty()) throw not_fitted("footprint::save_json(deep_ensemble)");
    nlohmann::json j;
    j["format"] = "footprint.deep_ensemble";
    j["version"] = mlp_json_version;
    j["params"] = {{"n_estimators", e.params_.n_estimators},
                   {"seed", e.params_.seed},
                   {"parallel", e.params_.parallel},
                   {"member", params_to_json(e.params_.member)}};
    nlohmann::json members = nlohmann::json::array();
    for (const mlp_regressor& m : e.members_) members.push_back(to_json(m));
    j["members"] = std::move(members);
    return j;
  }

  static deep_ensemble ensemble_from_json(const mlp_json_reader& r, const nlohmann::json& j) {
    check_header(r, j, "", "footprint.deep_ensemble");
    const nlohmann::json& pj = r.get(j, "", "params");
    deep_ensemble_params p;
    p.n_estimators = static_cast<index>(r.integer(pj, "params", "n_estimators", 1, 1 << 20));
    p.seed = r.unsigned_integer(pj, "params", "seed");
    p.parallel = r.boolean(pj, "params", "parallel");
    p.member = params_from_json(r, r.get(pj, "params", "member"), "params.member");
    const nlohmann::json& mj = r.get(j, "", "members");
    if (!mj.is_array() || static_cast<index>(mj.size()) != p.n_estimators) {
      r.fail("members", detail::concat("must be an array of params.n_estimators = ", p.n_estimators, " models"));
    }
    deep_ensemble e(p);
    std::vector<mlp_regressor> members;
    members.reserve(mj.size());
    for (std::size_t k = 0; k < mj.size(); ++k) {
      members.push_back(regressor_from_json(r, mj[k], detail::concat("members[", k, ']')));
      if (members.back().n_features() != members.front().n_features()) {
        r.fail(detail::concat("members[", k, "].n_features"), "must equal members[0].n_features");
      }
    }
    e.members_ = std::move(members);
    return e;
  }
};

/// Parses `is` as JSON, converting parse errors to data_error.
inline nlohmann::json mlp_parse_json(std::istream& is, const std::string& source) {
  try {
    return nlohmann::json::parse(is);
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(source, 0, 0, "", detail::concat("not valid JSON at byte ", e.byte, ": ", e.what()));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range: a number overflows a double
    throw data_error(source, 0, 0, "", detail::concat("not valid JSON: ", e.what()));
  }
}

inline std::ifstream mlp_open_in(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(path.string(), 0, 0, "", "cannot open the file for reading");
  return in;
}

inline void mlp_write(const nlohmann::json& j, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw data_error(path.string(), 0, 0, "", "cannot open the file for writing");
  out << j.dump(1) << '\n';
  out.flush();
  if (!out) throw data_error(path.string(), 0, 0, "", "write failed");
}

}  // namespace detail

/// The model as a JSON object (format "footprint.mlp_regressor", version 1).
/// @throws footprint::not_fitted when the model is not fitted
[[nodiscard]] inline nlohmann::json to_json_value(const mlp_regressor& model) { return detail::mlp_json_access::to_json(model); }

/// The ensemble as a JSON object (format "footprint.deep_ensemble", version 1).
/// @throws footprint::not_fitted when the ensemble is not fitted
[[nodiscard]] inline nlohmann::json to_json_value(const deep_ensemble& model) { return detail::mlp_json_access::to_json(model); }

/// Writes the model as JSON to `os`. @throws footprint::not_fitted when not fitted
inline void save_json(const mlp_regressor& model, std::ostream& os) { os << to_json_value(model).dump(1) << '\n'; }
/// Writes the ensemble as JSON to `os`. @throws footprint::not_fitted when not fitted
inline void save_json(const deep_ensemble& model, std::ostream& os) { os << to_json_value(model).dump(1) << '\n'; }

/// Writes the model as JSON to the file `path` (replacing it).
/// @throws footprint::not_fitted when not fitted; footprint::data_error (naming the path)
///         when the file cannot be written
inline void save_json(const mlp_regressor& model, const std::filesystem::path& path) {
  detail::mlp_write(to_json_value(model), path);
}
/// Writes the ensemble as JSON to the file `path` (replacing it). @throws as above
inline void save_json(const deep_ensemble& model, const std::filesystem::path& path) {
  detail::mlp_write(to_json_value(model), path);
}

/// Reads a model from a parsed JSON value.
/// @param j      the value (as written by to_json_value / save_json)
/// @param source name used in error messages, e.g. a file name
/// @throws footprint::data_error (naming `source` and the field, e.g. `layers[1].bias`) for a
///         wrong format or version, a missing, mistyped, non-finite or out-of-range field,
///         inconsistent shapes, or parameters the model rejects
[[nodiscard]] inline mlp_regressor mlp_regressor_from_json(const nlohmann::json& j, const std::string& source = "<json>") {
  try {
    return detail::mlp_json_access::regressor_from_json(detail::mlp_json_reader(source), j, "");
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is checked first
    throw data_error(source, 0, 0, "", e.what());
  }
}

/// Reads an ensemble from a parsed JSON value. @throws footprint::data_error as above
[[nodiscard]] inline deep_ensemble deep_ensemble_from_json(const nlohmann::json& j, const std::string& source = "<json>") {
  try {
    return detail::mlp_json_access::ensemble_from_json(detail::mlp_json_reader(source), j);
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is checked first
    throw data_error(source, 0, 0, "", e.what());
  }
}

/// Reads a model saved by save_json from `is`.
/// @param source name used in error messages
/// @throws footprint::data_error for invalid JSON (with its byte offset) or as mlp_regressor_from_json
[[nodiscard]] inline mlp_regressor load_mlp_regressor(std::istream& is, const std::string& source = "<stream>") {
  return mlp_regressor_from_json(detail::mlp_parse_json(is, source), source);
}
/// Reads a model saved by save_json from the file `path`.
/// @throws footprint::data_error when the file cannot be opened, or as above
[[nodiscard]] inline mlp_regressor load_mlp_regressor(const std::filesystem::path& path) {
  std::ifstream in = detail::mlp_open_in(path);
  return load_mlp_regressor(in, path.string());
}

/// Reads an ensemble saved by save_json from `is`. @throws footprint::data_error as above
[[nodiscard]] inline deep_ensemble load_deep_ensemble(std::istream& is, const std::string& source = "<stream>") {
  return deep_ensemble_from_json(detail::mlp_parse_json(is, source), source);
}
/// Reads an ensemble saved by save_json from the file `path`. @throws footprint::data_error as above
[[nodiscard]] inline deep_ensemble load_deep_ensemble(const std::filesystem::path& path) {
  std::ifstream in = detail::mlp_open_in(path);
  return load_deep_ensemble(in, path.string());
}

// ---- the names shared with the tree models (io/tree_model_json.hpp) ----

namespace detail {
/// The model types this header saves and loads.
template <class M>
concept mlp_model = std::same_as<M, mlp_regressor> || std::same_as<M, deep_ensemble>;
}  // namespace detail

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
  std::istringstream in{std::string(text)};
  if constexpr (std::same_as<Model, mlp_regressor>) {
    return load_mlp_regressor(in, source);
  } else {
    return load_deep_ensemble(in, source);
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
