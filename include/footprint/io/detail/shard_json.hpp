/// @file io/detail/shard_json.hpp
/// @brief Private to io/shard_json.hpp: the JSON writers and readers of shard fits, their
/// statistics, estimates and backtest scores (the public calls and the format are there).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>
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

}  // namespace footprint
