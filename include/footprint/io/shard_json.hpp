/// @file io/shard_json.hpp
/// @brief JSON of the distributed calibration (docs/distributed.md): a shard from one
/// manifest line, the manifest itself (one JSON object per line), `shard_params`, a
/// `shard_fit` written and read back bit for bit, and a `pooled_fit` written.
///
/// Formats (version 1):
/// - a manifest line: `{"id": "goog-2012-06-21", "source": "lobster", "message": "...",
///   "orderbook": "..."}`; "bitstamp" takes `"folder"`, "binance" `"files"` (an array of
///   paths, or one path as a string), "synthetic" no path; optional `"symbol"`,
///   `"time_unit"` ("auto", "ns", "us", "ms") and `"lenient"` (a boolean). Unknown fields are
///   errors (a misspelt field must not be ignored). Ids are unique, of letters, digits, '.',
///   '_' and '-', not starting with '.', and not "summary" (the pooled result's file name).
///   Paths are as written: the caller resolves relative ones (footprint-batch: against the
///   manifest's folder).
/// - `shard_params`: `{"features": [...], "label": "shortfall_bps", "horizon_seconds": 300,
///   "seed": 0, "episodes": 200, "backtest": true}`, every field optional.
/// - `{"format": "footprint.shard_fit", "version": 1, "id": ..., ...}`: every field of
///   `shard_fit`; parameter estimates as `{"value", "std_error", "robust_std_error"}`; the
///   statistics as `{"n_rows", "weight_sum", "x_mean", "y_mean", "cross_product" (rows),
///   "sqrt_weight_sum", "sqrt_weight_y_deviation"}` or null when empty. Doubles are written
///   with the shortest representation that reads back exactly (nlohmann-json), so a fit read
///   back merges and pools bit-identically; NaN (an estimate not computed) is null.
/// - `{"format": "footprint.pooled_fit", "version": 1, ...}`: the totals, the merged
///   statistics, the pooled `ols` and `bayesian_linear` in their own formats
///   (io/linear_model_json.hpp) and each shard's fit without its statistics.
///
/// Reading checks every field's presence and type; anything malformed throws
/// `footprint::data_error` naming the source, the line (manifests) and the field.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/pretrade/pooled_fit.hpp"
#include "footprint/pretrade/shard.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Version of the shard JSON formats written by this library (and the highest it reads).
inline constexpr int shard_json_version = 1;

namespace detail::shard_io {

using ojson = nlohmann::ordered_json;

inline ojson number(double x) { return std::isnan(x) ? ojson(nullptr) : ojson(x); }

inline ojson estimate(const parameter_estimate& e) {
  return ojson{
      {"value", number(e.value)}, {"std_error", number(e.std_error)}, {"robust_std_error", number(e.robust_std_error)}};
}

template <class = void>
ojson statistics_json(const linear_statistics& s) {
  if (s.empty()) return ojson(nullptr);
  const vector xm = s.x_mean();
  ojson rows = ojson::array();
  for (index i = 0; i < s.cross_product().rows(); ++i) {
    ojson row = ojson::array();
    for (index j = 0; j < s.cross_product().cols(); ++j) row.push_back(s.cross_product()(i, j));
    rows.push_back(std::move(row));
  }
  return ojson{{"n_rows", s.n_rows()},
               {"weight_sum", s.weight_sum()},
               {"x_mean", std::vector<double>(xm.data(), xm.data() + xm.size())},
               {"y_mean", s.y_mean()},
               {"cross_product", std::move(rows)},
               {"sqrt_weight_sum", s.sqrt_weight_sum()},
               {"sqrt_weight_y_deviation", s.sqrt_weight_y_deviation()}};
}

template <class = void>
ojson backtest_json(const std::vector<shard_backtest_score>& scores) {
  ojson a = ojson::array();
  for (const shard_backtest_score& b : scores)
    a.push_back(ojson{{"method", b.method},
                      {"metaorders", b.metaorders},
                      {"bias_bps", number(b.bias_bps)},
                      {"rmse_bps", number(b.rmse_bps)},
                      {"crps_bps", number(b.crps_bps)},
                      {"coverage_90", number(b.coverage_90)},
                      {"coverage_90_conformal", number(b.coverage_90_conformal)},
                      {"brier", number(b.brier)}});
  return a;
}

template <class = void>
ojson fit_json(const shard_fit& f, bool with_statistics) {
  ojson excluded = ojson::object();
  for (const auto& [reason, count] : f.excluded) excluded[reason] = count;
  ojson j{{"format", "footprint.shard_fit"},
          {"version", shard_json_version},
          {"id", f.id},
          {"source", f.source},
          {"symbol", f.symbol},
          {"venue", f.venue},
          {"seed", f.seed},
          {"session_seconds", number(f.session_seconds)},
          {"daily_volume", number(f.daily_volume)},
          {"span_seconds", number(f.span_seconds)},
          {"orders", f.orders},
          {"metaorders", f.metaorders},
          {"observations", f.observations},
          {"excluded", std::move(excluded)},
          {"square_root_law", ojson{{"y", estimate(f.y)}, {"delta", estimate(f.delta)}, {"message", f.law_message}}},
          {"almgren_chriss", ojson{{"gamma", estimate(f.gamma)},
                                   {"eta", estimate(f.eta)},
                                   {"epsilon", estimate(f.epsilon)},
                                   {"message", f.calibration_message}}},
          {"feature_names", f.feature_names},
          {"label", f.label},
          {"linear_rows", f.statistics.n_rows()},
          {"linear_excluded", f.linear_excluded}};
  if (with_statistics) j["statistics"] = statistics_json(f.statistics);
  j["simulation"] = ojson{{"episodes", f.episodes},
                          {"quantity", number(f.quantity)},
                          {"horizon_seconds", number(f.horizon_seconds)},
                          {"expected_bps", number(f.expected_bps)},
                          {"std_bps", number(f.std_bps)},
                          {"p05_bps", number(f.p05_bps)},
                          {"p95_bps", number(f.p95_bps)},
                          {"message", f.simulation_message}};
  j["backtest"] = ojson{{"methods", backtest_json(f.backtest)}, {"message", f.backtest_message}};
  return j;
}

template <class = void>
parameter_estimate read_estimate(const json_reader& r, const nlohmann::json& obj, const std::string& path,
                                 std::string_view key) {
  const nlohmann::json& e = r.object(r.at(obj, path, key), json_path(path, key));
  const std::string p = json_path(path, key);
  return {.value = r.number_or_null(e, p, "value"),
          .std_error = r.number_or_null(e, p, "std_error"),
          .robust_std_error = r.number_or_null(e, p, "robust_std_error")};
}

template <class = void>
std::vector<std::string> read_strings(const json_reader& r, const nlohmann::json& obj, const std::string& path,
                                      std::string_view key) {
  const nlohmann::json& a = r.array(r.at(obj, path, key), json_path(path, key));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(r.string(a[i], json_index(json_path(path, key), i)));
  return out;
}

template <class = void>
linear_statistics read_statistics(const json_reader& r, const nlohmann::json& v, const std::string& path) {
  if (v.is_null()) return {};
  r.object(v, path);
  const auto n_rows = r.integer<index>(v, path, "n_rows", 1);
  const std::vector<double> xm = r.numbers(v, path, "x_mean");
  const nlohmann::json& rows = r.array(r.at(v, path, "cross_product"), json_path(path, "cross_product"));
  const std::size_t q = xm.size() + 1;
  if (rows.size() != q)
    r.fail(json_path(path, "cross_product"), concat("must have ", q, " rows (got ", rows.size(), ")"));
  matrix m(static_cast<index>(q), static_cast<index>(q));
  for (std::size_t i = 0; i < q; ++i) {
    const std::string p = json_index(json_path(path, "cross_product"), i);
    const std::vector<double> row = r.numbers(r.array(rows[i], p, q), p);
    for (std::size_t j = 0; j < q; ++j) m(static_cast<index>(i), static_cast<index>(j)) = row[j];
  }
  try {
    return linear_statistics::from_parts(
        n_rows, r.number(v, path, "weight_sum"), Eigen::Map<const vector>(xm.data(), static_cast<index>(xm.size())),
        r.number(v, path, "y_mean"), std::move(m), r.number(v, path, "sqrt_weight_sum"),
        r.number(v, path, "sqrt_weight_y_deviation"));
  } catch (const invalid_argument& e) {
    r.fail(path, e.what());
  }
}

template <class = void>
shard_fit read_fit(const json_reader& r, const nlohmann::json& j) {
  r.header(r.object(j, ""), "", "footprint.shard_fit", shard_json_version);
  shard_fit f;
  f.id = r.string(j, "", "id");
  f.source = r.string(j, "", "source");
  f.symbol = r.string(j, "", "symbol");
  f.venue = r.string(j, "", "venue");
  f.seed = r.integer<std::uint64_t>(j, "", "seed");
  f.session_seconds = r.number_or_null(j, "", "session_seconds");
  f.daily_volume = r.number_or_null(j, "", "daily_volume");
  f.span_seconds = r.number_or_null(j, "", "span_seconds");
  f.orders = r.integer<index>(j, "", "orders", 0);
  f.metaorders = r.integer<index>(j, "", "metaorders", 0);
  f.observations = r.integer<index>(j, "", "observations", 0);
  const nlohmann::json& ex = r.object(r.at(j, "", "excluded"), "excluded");
  for (const auto& [reason, count] : ex.items())
    f.excluded[reason] = r.integer<index>(count, json_path("excluded", reason), 0);
  const nlohmann::json& law = r.object(r.at(j, "", "square_root_law"), "square_root_law");
  f.y = read_estimate(r, law, "square_root_law", "y");
  f.delta = read_estimate(r, law, "square_root_law", "delta");
  f.law_message = r.string(law, "square_root_law", "message");
  const nlohmann::json& ac = r.object(r.at(j, "", "almgren_chriss"), "almgren_chriss");
  f.gamma = read_estimate(r, ac, "almgren_chriss", "gamma");
  f.eta = read_estimate(r, ac, "almgren_chriss", "eta");
  f.epsilon = read_estimate(r, ac, "almgren_chriss", "epsilon");
  f.calibration_message = r.string(ac, "almgren_chriss", "message");
  f.feature_names = read_strings(r, j, "", "feature_names");
  f.label = r.string(j, "", "label");
  f.linear_excluded = r.integer<index>(j, "", "linear_excluded", 0);
  f.statistics = read_statistics(r, r.at(j, "", "statistics"), "statistics");
  if (!f.statistics.empty() && f.statistics.n_features() != static_cast<index>(f.feature_names.size()))
    r.fail("statistics.x_mean", concat("has ", f.statistics.n_features(), " entries (expected one per feature, ",
                                       f.feature_names.size(), ")"));
  if (f.statistics.n_rows() != r.integer<index>(j, "", "linear_rows", 0))
    r.fail("linear_rows", concat("must equal statistics.n_rows (", f.statistics.n_rows(), ")"));
  const nlohmann::json& sim = r.object(r.at(j, "", "simulation"), "simulation");
  f.episodes = r.integer<std::size_t>(sim, "simulation", "episodes");
  f.quantity = r.number_or_null(sim, "simulation", "quantity");
  f.horizon_seconds = r.number_or_null(sim, "simulation", "horizon_seconds");
  f.expected_bps = r.number_or_null(sim, "simulation", "expected_bps");
  f.std_bps = r.number_or_null(sim, "simulation", "std_bps");
  f.p05_bps = r.number_or_null(sim, "simulation", "p05_bps");
  f.p95_bps = r.number_or_null(sim, "simulation", "p95_bps");
  f.simulation_message = r.string(sim, "simulation", "message");
  const nlohmann::json& bt = r.object(r.at(j, "", "backtest"), "backtest");
  const nlohmann::json& methods = r.array(r.at(bt, "backtest", "methods"), "backtest.methods");
  for (std::size_t k = 0; k < methods.size(); ++k) {
    const std::string p = json_index("backtest.methods", k);
    const nlohmann::json& m = r.object(methods[k], p);
    f.backtest.push_back({.method = r.string(m, p, "method"),
                          .metaorders = r.integer<index>(m, p, "metaorders", 0),
                          .bias_bps = r.number_or_null(m, p, "bias_bps"),
                          .rmse_bps = r.number_or_null(m, p, "rmse_bps"),
                          .crps_bps = r.number_or_null(m, p, "crps_bps"),
                          .coverage_90 = r.number_or_null(m, p, "coverage_90"),
                          .coverage_90_conformal = r.number_or_null(m, p, "coverage_90_conformal"),
                          .brier = r.number_or_null(m, p, "brier")});
  }
  f.backtest_message = r.string(bt, "backtest", "message");
  return f;
}

/// True for an id made of letters, digits, '.', '_' and '-', not starting with '.'.
[[nodiscard]] inline bool valid_id(std::string_view id) {
  if (id.empty() || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace detail::shard_io

/// A shard from one manifest line (see the file comment for the fields).
/// @param line_text the line's JSON object
/// @param source the manifest's name, for errors
/// @param line the line's 1-based number, for errors
/// @throws data_error(source, line, 0, field, detail) for invalid JSON, a missing, mistyped or
///         unknown field, an invalid id, an unknown source, or a path field the source does
///         not take
template <class = void>
[[nodiscard]] shard shard_from_json(std::string_view line_text, const std::string& source, std::size_t line) {
  const auto fail = [&](const std::string& field, const std::string& detail) -> void {
    throw data_error(source, line, 0, field, detail);
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line_text.begin(), line_text.end());
  } catch (const nlohmann::json::exception& e) {
    fail("", detail::concat("not valid JSON: ", e.what()));
  }
  if (!j.is_object()) fail("", detail::concat("a manifest line must be a JSON object (got ", j.type_name(), ")"));
  const auto string_field = [&](const char* key, bool required) -> std::string {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (required) fail(key, "is missing");
      return {};
    }
    if (!it->is_string()) fail(key, detail::concat("must be a string (got ", it->type_name(), ")"));
    return it->get<std::string>();
  };
  shard s;
  s.id = string_field("id", true);
  if (!detail::shard_io::valid_id(s.id))
    fail("id", detail::concat("must be letters, digits, '.', '_' and '-', not starting with '.' (got \"", s.id, "\")"));
  if (s.id == "summary") fail("id", "\"summary\" is reserved (the pooled result's file name)");
  s.source = string_field("source", true);
  if (std::find(std::begin(shard_sources), std::end(shard_sources), s.source) == std::end(shard_sources))
    fail("source", detail::concat("must be lobster, bitstamp, binance or synthetic (got \"", s.source, "\")"));
  static const std::set<std::string> known{"id",    "source", "message",   "orderbook", "folder",
                                           "files", "symbol", "time_unit", "lenient"};
  for (const auto& [key, value] : j.items())
    if (!known.contains(key))
      fail(key,
           "is not a field of a shard (id, source, message, orderbook, folder, files, symbol, time_unit, lenient)");
  s.symbol = string_field("symbol", false);
  if (j.contains("time_unit")) {
    s.time_unit = string_field("time_unit", false);
    if (s.time_unit != "auto" && s.time_unit != "ns" && s.time_unit != "us" && s.time_unit != "ms")
      fail("time_unit", detail::concat("must be auto, ns, us or ms (got \"", s.time_unit, "\")"));
  }
  if (j.contains("lenient")) {
    if (!j["lenient"].is_boolean())
      fail("lenient", detail::concat("must be true or false (got ", j["lenient"].type_name(), ")"));
    s.lenient = j["lenient"].get<bool>();
  }
  const bool lobster = s.source == "lobster", bitstamp = s.source == "bitstamp", binance = s.source == "binance";
  const auto only = [&](const char* key, bool allowed) {
    if (!allowed && j.contains(key)) fail(key, detail::concat("is not a field of a ", s.source, " shard"));
  };
  only("message", lobster);
  only("orderbook", lobster);
  only("folder", bitstamp);
  only("files", binance);
  only("time_unit", binance);
  s.message = string_field("message", lobster);
  s.orderbook = string_field("orderbook", lobster);
  s.folder = string_field("folder", bitstamp);
  if (binance) {
    const auto it = j.find("files");
    if (it == j.end()) fail("files", "is missing");
    if (it->is_string()) {
      s.files.push_back(it->get<std::string>());
    } else if (it->is_array() && !it->empty()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string())
          fail(detail::concat("files[", i, "]"), detail::concat("must be a string (got ", (*it)[i].type_name(), ")"));
        s.files.push_back((*it)[i].get<std::string>());
      }
    } else {
      fail("files", "must be a path or a non-empty array of paths");
    }
  }
  const auto non_empty = [&](const std::string& v, const char* key) {
    if (v.empty() && j.contains(key)) fail(key, "must not be empty");
  };
  non_empty(s.message, "message");
  non_empty(s.orderbook, "orderbook");
  non_empty(s.folder, "folder");
  return s;
}

/// The shards of a manifest: one JSON object per line; blank lines and lines starting with
/// '#' are skipped.
/// @param text the manifest's text
/// @param source its name, for errors
/// @return the shards, in line order
/// @throws data_error naming the line and field, as shard_from_json, and for a duplicate id
///         (naming the line of its first use) or a manifest without any shard
template <class = void>
[[nodiscard]] std::vector<shard> read_shard_manifest(std::string_view text, const std::string& source) {
  std::vector<shard> out;
  std::vector<std::size_t> lines;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    ++line;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (!l.empty() && l.front() != '#') {
      shard s = shard_from_json(l, source, line);
      for (std::size_t k = 0; k < out.size(); ++k) {
        if (out[k].id == s.id)
          throw data_error(source, line, 0, "id",
                           detail::concat("duplicate id \"", s.id, "\" (first on line ", lines[k], ")"));
      }
      out.push_back(std::move(s));
      lines.push_back(line);
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  if (out.empty()) throw data_error(source, 0, 0, "", "the manifest holds no shard");
  return out;
}

/// Parameters from JSON (see the file comment; every field optional).
/// @throws data_error naming the field for a mistyped or unknown field, a horizon not > 0 or
///         episodes == 1
template <class = void>
[[nodiscard]] shard_params shard_params_from_json(std::string_view text, const std::string& source = "<params>") {
  const nlohmann::json j = detail::parse_json(text, source);
  const detail::json_reader r(source);
  r.object(j, "");
  shard_params p;
  for (const auto& [key, value] : j.items()) {
    if (key == "features") {
      p.features = detail::shard_io::read_strings(r, j, "", "features");
    } else if (key == "label") {
      p.label = r.string(j, "", "label");
    } else if (key == "horizon_seconds") {
      const double h = r.number(j, "", "horizon_seconds");
      if (!(h > 0.0)) r.fail("horizon_seconds", detail::concat("must be > 0 (got ", h, ")"));
      p.horizon = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(h));
    } else if (key == "seed") {
      p.seed = r.integer<std::uint64_t>(j, "", "seed");
    } else if (key == "episodes") {
      p.episodes = r.integer<std::size_t>(j, "", "episodes");
      if (p.episodes == 1) r.fail("episodes", "must be 0 (no simulation) or >= 2 (got 1)");
    } else if (key == "backtest") {
      p.backtest = r.boolean(j, "", "backtest");
    } else {
      r.fail(key, "is not a field of shard_params (features, label, horizon_seconds, seed, episodes, backtest)");
    }
  }
  return p;
}

/// The JSON text of a shard's fit (format footprint.shard_fit), bit-exact doubles.
/// @param indent spaces per level; -1 for compact output
template <class = void>
[[nodiscard]] std::string shard_fit_to_json(const shard_fit& f, int indent = 2) {
  return detail::shard_io::fit_json(f, true).dump(indent);
}

/// A shard's fit from the JSON text of `shard_fit_to_json`.
/// @param source a name for errors (the file)
/// @throws data_error on invalid JSON, another format or version, or a missing, mistyped or
///         inconsistent field (naming it)
template <class = void>
[[nodiscard]] shard_fit shard_fit_from_json(std::string_view text, const std::string& source = "<json>") {
  return detail::read_json_value<shard_fit>(detail::parse_json(text, source), source,
                                            [](const detail::json_reader& r, const nlohmann::json& j, shard_fit& f) {
                                              f = detail::shard_io::read_fit(r, j);
                                            });
}

/// The JSON text of a pooled fit (format footprint.pooled_fit).
/// @param indent spaces per level; -1 for compact output
template <class = void>
[[nodiscard]] std::string pooled_fit_to_json(const pooled_fit& p, int indent = 2) {
  using detail::shard_io::ojson;
  ojson excluded = ojson::object();
  for (const auto& [reason, count] : p.excluded) excluded[reason] = count;
  ojson shards = ojson::array();
  for (const shard_fit& f : p.shards) shards.push_back(detail::shard_io::fit_json(f, false));
  const ojson j{
      {"format", "footprint.pooled_fit"},
      {"version", shard_json_version},
      {"shard_ids", p.shard_ids},
      {"orders", p.orders},
      {"metaorders", p.metaorders},
      {"observations", p.observations},
      {"excluded", std::move(excluded)},
      {"feature_names", p.feature_names},
      {"label", p.label},
      {"linear_rows", p.linear_rows},
      {"linear_excluded", p.linear_excluded},
      {"statistics", detail::shard_io::statistics_json(p.statistics)},
      {"backtest", detail::shard_io::backtest_json(p.backtest)},
      {"ols", ojson{{"message", p.ols_message}, {"model", ojson::parse(model_to_json(p.ols_model))}}},
      {"bayesian_linear", ojson{{"message", p.bayes_message}, {"model", ojson::parse(model_to_json(p.bayes_model))}}},
      {"shards", std::move(shards)}};
  return j.dump(indent);
}

}  // namespace footprint
