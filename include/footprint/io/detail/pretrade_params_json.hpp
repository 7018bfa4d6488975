/// @file io/detail/pretrade_params_json.hpp
/// @brief Private to io/: the pre-trade analysis's parameters (`pretrade_params`) and its
/// impact model (`schedule_impact_model`) to and from JSON, for io/pretrade_json.hpp (split
/// out of it to keep each header short; the format is pretrade_json.hpp's).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/pretrade/pretrade_analysis.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace footprint::detail {

// Templates (never given an argument), so that nlohmann's code compiles only where an
// analysis is saved or loaded.

template <class V>
[[nodiscard]] std::vector<double> json_doubles(const V& v) {
  return std::vector<double>(v.data(), v.data() + v.size());
}

template <class = void>
[[nodiscard]] nlohmann::json json_doubles_or_null(const vector& v) {
  nlohmann::json a = nlohmann::json::array();
  for (index i = 0; i < v.size(); ++i) a.push_back(json_number_or_null(v[i]));
  return a;
}

template <class = void>
[[nodiscard]] vector vector_from_numbers(const std::vector<double>& v) {
  return Eigen::Map<const vector>(v.data(), static_cast<index>(v.size()));
}

template <class = void>
[[nodiscard]] nlohmann::json estimate_to_json(const parameter_estimate& e) {
  return {{"value", json_number_or_null(e.value)},
          {"std_error", json_number_or_null(e.std_error)},
          {"robust_std_error", json_number_or_null(e.robust_std_error)}};
}

template <class = void>
[[nodiscard]] parameter_estimate estimate_from_json(const json_reader& r, const nlohmann::json& j,
                                                    const std::string& path) {
  r.object(j, path);
  return {.value = r.number(j, path, "value"),
          .std_error = r.number_or_null(j, path, "std_error"),
          .robust_std_error = r.number_or_null(j, path, "robust_std_error")};
}

template <class = void>
[[nodiscard]] nlohmann::json params_to_json(const pretrade_params& p) {
  std::vector<std::int64_t> horizons;
  for (const auto h : p.permanent_horizons) horizons.push_back(h.count());
  return {
      {"model", {{"label", p.model.label}, {"rows", p.model.rows}}},
      {"kernel",
       {{"bin_ns", p.kernel.bin.count()},
        {"lags", p.kernel.lags},
        {"delta", p.kernel.delta},
        {"kernel", p.kernel.kernel == propagator_kernel::exponential ? "exponential" : "power_law"},
        {"max_iter", p.kernel.max_iter},
        {"tol", p.kernel.tol}}},
      {"prior", {{"y", p.prior.y}, {"y_sd", p.prior.y_sd}, {"delta", p.prior.delta}, {"delta_sd", p.prior.delta_sd}}},
      {"permanent_horizons_ns", horizons},
      {"min_metaorders", p.min_metaorders},
      {"child_interval_seconds", p.child_interval_seconds},
      {"max_children", p.max_children},
      {"profile_bin_seconds", p.profile_bin_seconds},
      {"pov_rates", p.pov_rates},
      {"optimal_half_lives", p.optimal_half_lives},
      {"draws", p.draws},
      {"seed", p.seed},
      {"limits",
       {{"adv_share", p.limits.adv_share},
        {"huge_adv_share", p.limits.huge_adv_share},
        {"coverage_standard_errors", p.limits.coverage_standard_errors}}}};
}

template <class = void>
[[nodiscard]] propagator_kernel kernel_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path,
                                                 std::string_view key) {
  const std::string k = r.string(j, path, key);
  if (k == "exponential") return propagator_kernel::exponential;
  if (k == "power_law") return propagator_kernel::power_law;
  r.fail(json_path(path, key), concat("must be \"exponential\" or \"power_law\" (got \"", k, "\")"));
}

template <class = void>
[[nodiscard]] pretrade_params params_from_json(const json_reader& r, const nlohmann::json& j, const std::string& path) {
  r.object(j, path);
  pretrade_params p;
  const std::string pm = json_path(path, "model");
  const nlohmann::json& jm = r.object(r.at(j, path, "model"), pm);
  p.model.label = r.string(jm, pm, "label");
  p.model.rows = r.integers<index>(jm, pm, "rows", 0);
  const std::string pk = json_path(path, "kernel");
  const nlohmann::json& jk = r.object(r.at(j, path, "kernel"), pk);
  p.kernel.bin = std::chrono::nanoseconds{r.integer<std::int64_t>(jk, pk, "bin_ns")};
  p.kernel.lags = r.integer<index>(jk, pk, "lags");
  p.kernel.delta = r.number(jk, pk, "delta");
  p.kernel.kernel = kernel_from_json(r, jk, pk, "kernel");
  p.kernel.max_iter = r.integer<index>(jk, pk, "max_iter");
  p.kernel.tol = r.number(jk, pk, "tol");
  const std::string pp = json_path(path, "prior");
  const nlohmann::json& jp = r.object(r.at(j, path, "prior"), pp);
  p.prior = {.y = r.number(jp, pp, "y"),
             .y_sd = r.number(jp, pp, "y_sd"),
             .delta = r.number(jp, pp, "delta"),
             .delta_sd = r.number(jp, pp, "delta_sd")};
  p.permanent_horizons.clear();
  for (const std::int64_t h : r.integers<std::int64_t>(j, path, "permanent_horizons_ns", 1))
    p.permanent_horizons.emplace_back(h);
  p.min_metaorders = r.integer<index>(j, path, "min_metaorders");
  p.child_interval_seconds = r.number(j, path, "child_interval_seconds");
  p.max_children = r.integer<index>(j, path, "max_children");
  p.profile_bin_seconds = r.number(j, path, "profile_bin_seconds");
  p.pov_rates = r.numbers(j, path, "pov_rates");
  p.optimal_half_lives = r.numbers(j, path, "optimal_half_lives");
  p.draws = r.integer<index>(j, path, "draws");
  p.seed = r.integer<std::uint64_t>(j, path, "seed");
  const std::string pl = json_path(path, "limits");
  const nlohmann::json& jl = r.object(r.at(j, path, "limits"), pl);
  p.limits = {.adv_share = r.number(jl, pl, "adv_share"),
              .huge_adv_share = r.number(jl, pl, "huge_adv_share"),
              .coverage_standard_errors = r.number(jl, pl, "coverage_standard_errors")};
  return p;
}

template <class = void>
[[nodiscard]] nlohmann::json impact_to_json(const schedule_impact_model& m) {
  const propagator_params& t = m.transient;
  const shrunk_square_root& p = m.permanent;
  return {{"daily_volume", m.daily_volume},
          {"daily_volatility", m.daily_volatility},
          {"volatility", m.volatility},
          {"transient",
           {{"kernel", t.kernel == propagator_kernel::exponential ? "exponential" : "power_law"},
            {"g0", t.g0},
            {"l0", t.l0},
            {"beta", t.beta},
            {"tau", t.tau},
            {"g_inf", t.g_inf},
            {"delta", t.delta},
            {"self_impact", t.self_impact}}},
          {"g0_std_error", m.g0_std_error},
          {"scale_std_error", m.scale_std_error},
          {"permanent",
           {{"y", estimate_to_json(p.y)},
            {"delta", estimate_to_json(p.delta)},
            {"covariance", json_doubles(p.covariance)},
            {"data_weight_y", json_number_or_null(p.data_weight_y)},
            {"data_weight_delta", json_number_or_null(p.data_weight_delta)},
            {"identified", p.identified},
            {"message", p.message}}},
          {"model_bias_bps", m.model_bias_bps},
          {"model_std_bps", m.model_std_bps},
          {"book", {{"density_per_bps", json_number_or_null(m.book.density_per_bps)}}}};
}

template <class = void>
[[nodiscard]] schedule_impact_model impact_from_json(const json_reader& r, const nlohmann::json& j,
                                                     const std::string& path) {
  r.object(j, path);
  schedule_impact_model m;
  m.daily_volume = r.number(j, path, "daily_volume");
  m.daily_volatility = r.number(j, path, "daily_volatility");
  m.volatility = r.number(j, path, "volatility");
  const std::string pt = json_path(path, "transient");
  const nlohmann::json& jt = r.object(r.at(j, path, "transient"), pt);
  m.transient = {.kernel = kernel_from_json(r, jt, pt, "kernel"),
                 .g0 = r.number(jt, pt, "g0"),
                 .l0 = r.number(jt, pt, "l0"),
                 .beta = r.number(jt, pt, "beta"),
                 .tau = r.number(jt, pt, "tau"),
                 .g_inf = r.number(jt, pt, "g_inf"),
                 .delta = r.number(jt, pt, "delta"),
                 .self_impact = r.number(jt, pt, "self_impact")};
  m.g0_std_error = r.number(j, path, "g0_std_error");
  m.scale_std_error = r.number(j, path, "scale_std_error");
  const std::string pp = json_path(path, "permanent");
  const nlohmann::json& jp = r.object(r.at(j, path, "permanent"), pp);
  m.permanent.y = estimate_from_json(r, r.at(jp, pp, "y"), json_path(pp, "y"));
  m.permanent.delta = estimate_from_json(r, r.at(jp, pp, "delta"), json_path(pp, "delta"));
  const std::vector<double> cov =
      r.numbers(r.array(r.at(jp, pp, "covariance"), json_path(pp, "covariance"), 4), json_path(pp, "covariance"));
  m.permanent.covariance = Eigen::Map<const matrix>(cov.data(), 2, 2);
  m.permanent.data_weight_y = r.number_or_null(jp, pp, "data_weight_y");
  m.permanent.data_weight_delta = r.number_or_null(jp, pp, "data_weight_delta");
  m.permanent.identified = r.boolean(jp, pp, "identified");
  m.permanent.message = r.string(jp, pp, "message");
  m.model_bias_bps = r.number(j, path, "model_bias_bps");
  m.model_std_bps = r.number(j, path, "model_std_bps");
  const std::string pb = json_path(path, "book");
  m.book.density_per_bps = r.number_or_null(r.object(r.at(j, path, "book"), pb), pb, "density_per_bps");
  return m;
}

}  // namespace footprint::detail
