/// @file io/pretrade_json.hpp
/// @brief Save and load a fitted `pretrade_analysis` as versioned JSON (nlohmann-json), so
/// that a desk fits once and prices in milliseconds: `save_analysis(analysis, path)`,
/// `load_analysis<R>(path)`, and the text forms `analysis_to_json` / `analysis_from_json<R>`.
/// footprint-pretrade's `--save-model` / `--load-model` are these calls. See docs/pretrade.md
/// ("Saving a fitted analysis").
///
/// The regressor is written by its own format (io/linear_model_json.hpp,
/// io/tree_model_json.hpp, io/mlp_json.hpp): include the header of your model's format
/// before calling these (they find `model_to_json_value` / `model_from_json_value` by
/// argument-dependent lookup). Format (version 1), the fields of `pretrade_analysis_state`
/// under the same names:
/// @code
/// {"format": "footprint.pretrade_analysis", "version": 1,
///  "regressor": {the model's own document, e.g. "format": "footprint.gradient_boosting"},
///  "model": {"dataset_features": [...], "label": "shortfall_bps", "mean": [...], "scale": [...],
///            "daily_volume": 706112, "quantity_min": 1, "quantity_max": 9000},
///  "params": {"child_interval_seconds": 30, "max_children": 60, ..., "limits": {...}},
///  "instrument": {"symbol": "GOOG", "venue": "NASDAQ", "quantity_unit": "shares", ...},
///  "state": {"time_ns": 57599990000000, "mid": 565.1, ..., "features": [... or null]},
///  "book": {"bids": [[price, quantity], ... best first], "asks": [...]},
///  "daily_volume": ..., "session_seconds": 23400, "span_seconds": ..., "reference_quantity": 100,
///  "impact": {"daily_volume": ..., "transient": {"kernel": "exponential", "g0": ..., ...},
///             "permanent": {"y": {"value", "std_error", "robust_std_error"}, "delta": {...},
///                           "covariance": [4 numbers, column-major], ...}, ...},
///  "kernel_message": "...", "permanent_horizon_ns": 300000000000, "permanent_rows": 812,
///  "profile": [...], "data_start_ns": ...}
/// @endcode
/// Doubles are written with the shortest representation that reads back exactly: a loaded
/// analysis reports bit-identically to the one saved.
///
/// NaN policy (io/detail/json_reader.hpp): every number is a finite JSON number, except the
/// fields that may be undefined, written as `null`: the arrival `state.features` entries (a
/// feature the data could not compute; the model imputes it), `state.bid_depth`,
/// `state.ask_depth`, `state.volume_rate`, `span_seconds`, `impact.book.density_per_bps`
/// (NaN: the book's own density), the permanent law's standard errors and data weights.
///
/// Loading checks every field's presence, type and finiteness here, and
/// `pretrade_analysis::from_state` checks ranges and consistency (the arrival features
/// against the model's design); anything malformed throws `footprint::data_error` naming the
/// source and the field. A file saved with another model type is a `data_error` naming
/// `regressor.format`.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/io/detail/pretrade_params_json.hpp"
#include "footprint/pretrade/pretrade_analysis.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

/// Version of the pre-trade analysis JSON format written by this library (and the highest it reads).
inline constexpr int pretrade_json_version = 1;

namespace detail {

// Templates (never given an argument), so that nlohmann's code compiles only where an
// analysis is saved or loaded; the parameters and the impact model are in
// io/detail/pretrade_params_json.hpp.

template <class = void>
[[nodiscard]] nlohmann::json book_side_to_json(const price_level_book& b, side s) {
  nlohmann::json a = nlohmann::json::array();
  const index n = s == side::buy ? b.bid_levels() : b.ask_levels();
  for (index i = 0; i < n; ++i) {
    if (s == side::buy) {
      a.push_back({b.bid_price(i), b.bid_quantity(i)});
    } else {
      a.push_back({b.ask_price(i), b.ask_quantity(i)});
    }
  }
  return a;
}

template <class = void>
void book_side_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path, side s,
                         price_level_book& b) {
  const nlohmann::json& a = r.array(j, path);
  std::vector<price_level> levels;
  levels.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = json_index(path, i);
    const nlohmann::json& l = r.array(a[i], at, 2);
    levels.push_back({.price = r.number(l[0], json_index(at, 0)), .quantity = r.number(l[1], json_index(at, 1))});
  }
  try {
    b.replace_side(s, levels);
  } catch (const invalid_argument& e) {
    r.fail(path, e.what());
  }
}

template <class = void>
[[nodiscard]] nlohmann::json state_to_json(const pretrade_analysis_state& s) {
  const instrument& in = s.instrument;
  const market_state& m = s.state;
  const regression_impact_state& md = s.model;
  return {{"model",
           {{"dataset_features", md.dataset_features},
            {"label", md.label},
            {"mean", json_doubles(md.mean)},
            {"scale", json_doubles(md.scale)},
            {"daily_volume", md.daily_volume},
            {"quantity_min", md.quantity_min},
            {"quantity_max", md.quantity_max}}},
          {"params", params_to_json(s.params)},
          {"instrument",
           {{"symbol", in.symbol},
            {"venue", in.venue},
            {"quantity_unit", std::string(to_string(in.quantity_unit))},
            {"tick_size", in.tick_size},
            {"lot_size", in.lot_size},
            {"contract_multiplier", in.contract_multiplier},
            {"inverse", in.inverse},
            {"quote_currency", in.quote_currency}}},
          {"state",
           {{"time_ns", m.time.count()},
            {"mid", m.mid},
            {"spread", m.spread},
            {"bid_depth", json_number_or_null(m.bid_depth)},
            {"ask_depth", json_number_or_null(m.ask_depth)},
            {"volatility", m.volatility},
            {"volume_rate", json_number_or_null(m.volume_rate)},
            {"features", json_doubles_or_null(m.features)}}},
          {"book", {{"bids", book_side_to_json(s.book, side::buy)}, {"asks", book_side_to_json(s.book, side::sell)}}},
          {"book_time_ns", s.book.timestamp().count()},
          {"daily_volume", s.daily_volume},
          {"session_seconds", s.session_seconds},
          {"span_seconds", json_number_or_null(s.span_seconds)},
          {"reference_quantity", s.reference_quantity},
          {"impact", impact_to_json(s.impact)},
          {"kernel_message", s.kernel_message},
          {"permanent_horizon_ns", s.permanent_horizon.count()},
          {"permanent_rows", s.permanent_rows},
          {"profile", s.profile},
          {"data_start_ns", s.data_start.count()}};
}

template <class = void>
[[nodiscard]] pretrade_analysis_state state_from_json(const json_reader& r, const nlohmann::json& j) {
  pretrade_analysis_state s;
  const nlohmann::json& jm = r.object(r.at(j, "", "model"), "model");
  s.model.dataset_features.clear();
  const nlohmann::json& names = r.array(r.at(jm, "model", "dataset_features"), "model.dataset_features");
  for (std::size_t i = 0; i < names.size(); ++i)
    s.model.dataset_features.push_back(r.string(names[i], json_index("model.dataset_features", i)));
  s.model.label = r.string(jm, "model", "label");
  s.model.mean = vector_from_numbers(r.numbers(jm, "model", "mean"));
  s.model.scale = vector_from_numbers(r.numbers(jm, "model", "scale"));
  s.model.daily_volume = r.number(jm, "model", "daily_volume");
  s.model.quantity_min = r.number(jm, "model", "quantity_min");
  s.model.quantity_max = r.number(jm, "model", "quantity_max");
  s.params = params_from_json(r, r.at(j, "", "params"), "params");

  const nlohmann::json& ji = r.object(r.at(j, "", "instrument"), "instrument");
  s.instrument.symbol = r.string(ji, "instrument", "symbol");
  s.instrument.venue = r.string(ji, "instrument", "venue");
  const std::string unit = r.string(ji, "instrument", "quantity_unit");
  bool known = false;
  for (const quantity_unit u : {quantity_unit::shares, quantity_unit::coins, quantity_unit::contracts}) {
    if (unit == to_string(u)) {
      s.instrument.quantity_unit = u;
      known = true;
    }
  }
  if (!known)
    r.fail("instrument.quantity_unit", concat("must be \"shares\", \"coins\" or \"contracts\" (got \"", unit, "\")"));
  s.instrument.tick_size = r.number(ji, "instrument", "tick_size");
  s.instrument.lot_size = r.number(ji, "instrument", "lot_size");
  s.instrument.contract_multiplier = r.number(ji, "instrument", "contract_multiplier");
  s.instrument.inverse = r.boolean(ji, "instrument", "inverse");
  s.instrument.quote_currency = r.string(ji, "instrument", "quote_currency");

  const nlohmann::json& js = r.object(r.at(j, "", "state"), "state");
  s.state.time = std::chrono::nanoseconds{r.integer<std::int64_t>(js, "state", "time_ns")};
  s.state.mid = r.number(js, "state", "mid");
  s.state.spread = r.number(js, "state", "spread");
  s.state.bid_depth = r.number_or_null(js, "state", "bid_depth");
  s.state.ask_depth = r.number_or_null(js, "state", "ask_depth");
  s.state.volatility = r.number(js, "state", "volatility");
  s.state.volume_rate = r.number_or_null(js, "state", "volume_rate");
  s.state.features = vector_from_numbers(r.numbers_or_null(js, "state", "features"));

  const nlohmann::json& jb = r.object(r.at(j, "", "book"), "book");
  book_side_from_json(r, r.at(jb, "book", "bids"), "book.bids", side::buy, s.book);
  book_side_from_json(r, r.at(jb, "book", "asks"), "book.asks", side::sell, s.book);
  s.book.set_timestamp(std::chrono::nanoseconds{r.integer<std::int64_t>(j, "", "book_time_ns")});

  s.daily_volume = r.number(j, "", "daily_volume");
  s.session_seconds = r.number(j, "", "session_seconds");
  s.span_seconds = r.number_or_null(j, "", "span_seconds");
  s.reference_quantity = r.number(j, "", "reference_quantity");
  s.impact = impact_from_json(r, r.at(j, "", "impact"), "impact");
  s.kernel_message = r.string(j, "", "kernel_message");
  s.permanent_horizon = std::chrono::nanoseconds{r.integer<std::int64_t>(j, "", "permanent_horizon_ns")};
  s.permanent_rows = r.integer<index>(j, "", "permanent_rows", 0);
  s.profile = r.numbers(j, "", "profile");
  s.data_start = std::chrono::nanoseconds{r.integer<std::int64_t>(j, "", "data_start_ns")};
  return s;
}

}  // namespace detail

/// The JSON value of a fitted analysis (see the file comment for the format).
/// @throws footprint::not_fitted before fit; as the regressor's own format
template <ProbabilisticRegressor R>
[[nodiscard]] nlohmann::json analysis_to_json_value(const pretrade_analysis<R>& a) {
  nlohmann::json j = {{"format", "footprint.pretrade_analysis"}, {"version", pretrade_json_version}};
  const pretrade_analysis_state s = a.state();  // throws not_fitted first
  j["regressor"] = model_to_json_value(a.model().regressor());
  j.update(detail::state_to_json(s));
  return j;
}

/// Reads a fitted analysis from a parsed JSON value.
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error naming the field: another format, an unsupported version, a
///         missing, mistyped or out-of-range field, or an inconsistent state
template <ProbabilisticRegressor R>
[[nodiscard]] pretrade_analysis<R> analysis_from_json_value(const nlohmann::json& j,
                                                            const std::string& source = "<json>") {
  const detail::json_reader r(source);
  try {
    r.header(r.object(j, ""), "", "footprint.pretrade_analysis", pretrade_json_version);
    R regressor = model_from_json_value(std::type_identity<R>{}, r.at(j, "", "regressor"),
                                        detail::concat(source, " (regressor)"));
    pretrade_analysis_state s = detail::state_from_json(r, j);
    try {
      return pretrade_analysis<R>::from_state(std::move(regressor), std::move(s));
    } catch (const dimension_mismatch& e) {  // the arrival features against the design
      r.fail("state.features", e.what());
    } catch (const invalid_argument& e) {
      r.fail("", e.what());
    }
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is checked first
    r.fail("", e.what());
  }
}

/// The JSON text of a fitted analysis. @param indent spaces per level; -1 (default) compact
/// @throws as analysis_to_json_value
template <ProbabilisticRegressor R>
[[nodiscard]] std::string analysis_to_json(const pretrade_analysis<R>& a, int indent = -1) {
  return analysis_to_json_value(a).dump(indent);
}

/// Reads a fitted analysis from JSON text written by `analysis_to_json` / `save_analysis`.
/// @throws footprint::data_error on invalid JSON, or as analysis_from_json_value
template <ProbabilisticRegressor R>
[[nodiscard]] pretrade_analysis<R> analysis_from_json(std::string_view text, const std::string& source = "<json>") {
  return analysis_from_json_value<R>(detail::parse_json(text, source), source);
}

/// Writes a fitted analysis to a JSON file (replacing it).
/// @throws as analysis_to_json; footprint::data_error when the file cannot be written
template <ProbabilisticRegressor R>
void save_analysis(const pretrade_analysis<R>& a, const std::filesystem::path& path) {
  detail::write_text_file(path, analysis_to_json(a));
}

/// Reads a fitted analysis of regressor type `R` from a file written by `save_analysis`.
/// @throws footprint::data_error when the file cannot be read, or as analysis_from_json
template <ProbabilisticRegressor R>
[[nodiscard]] pretrade_analysis<R> load_analysis(const std::filesystem::path& path) {
  return analysis_from_json<R>(detail::read_text_file(path), path.string());
}

}  // namespace footprint
