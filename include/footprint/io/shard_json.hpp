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
#include "footprint/io/detail/shard_json.hpp"
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
/// @throws data_error naming the field for a mistyped or unknown field, a horizon outside
///         [1e-9, 9e9] seconds (at least 1 ns, and nanoseconds an int64 holds) or episodes == 1
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
      // At least 1 ns (not truncated to 0), and nanoseconds an int64 holds (about 292 years).
      if (!(h >= 1e-9 && h <= 9e9))
        r.fail("horizon_seconds", detail::concat("must be in [1e-9, 9e9] seconds (got ", h, ")"));
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
