/// @file impact/impact_observations.hpp
/// @brief Labelled metaorders for calibrating impact laws: sizes, market state and measured impact.
///
/// Rows are observations (one metaorder, or one market order, per row), as everywhere in
/// footprint. The fits of `square_root_law`, `power_law_impact` and
/// `almgren_chriss_calibration` read this type; `bin_by_participation` averages it in
/// log-spaced bins of Q/V.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Which measured impact a fit uses.
enum class impact_component : std::uint8_t {
  temporary,  ///< `temporary_bps`: the part of the cost that decays
  permanent,  ///< `permanent_bps`: the lasting mid move
  total,      ///< `temporary_bps + permanent_bps`
};

/// Name of a component: "temporary", "permanent" or "total".
[[nodiscard]] constexpr std::string_view to_string(impact_component c) noexcept {
  switch (c) {
    case impact_component::temporary: return "temporary";
    case impact_component::permanent: return "permanent";
    case impact_component::total: return "total";
  }
  return "unknown";
}

/// A labelled set of metaorders (or market orders) for calibrating impact laws.
///
/// An aggregate of column vectors, one entry per observation (row). `quantity`, `volume`
/// and `volatility` are required and define the row count n = `quantity.size()`; every other
/// column is either empty (not measured) or has n entries. Fits say which optional columns
/// they need and throw `invalid_argument` when one is empty.
///
/// Sign convention: quantities are unsigned and impacts are cost-signed, so buys and sells
/// pool: a positive impact is adverse to the trader (the price rose during a buy or fell
/// during a sell).
///
/// Impact definitions follow Almgren, Thum, Hauptmann and Li (2005), section 3: with S0 the
/// arrival mid, S_post the mid some time after the last fill and S_exec the average fill
/// price, permanent impact I = side * (S_post - S0) / S0 and realized impact
/// J = side * (S_exec - S0) / S0; the temporary impact is K = J - I/2 (the realized cost less
/// the half of the permanent move that a linear trajectory pays on average). Store I and K
/// in bps: `permanent_bps = 1e4 * I`, `temporary_bps = 1e4 * (J - I/2)`.
struct impact_observations {
  vector quantity;     ///< Q: shares executed; > 0; shape (n); required
  vector duration;     ///< T: seconds from first to last fill; >= 0 (0 = one market order); shape (n) or empty
  vector volume;       ///< V: volume per period (e.g. average daily volume), shares; > 0; shape (n); required
  vector volatility;   ///< sigma: std of returns per the same period, fractional (0.02 = 2%); > 0; shape (n); required
  vector arrival_mid;  ///< S0: mid price at arrival, quote currency; > 0; shape (n) or empty
  vector temporary_bps;  ///< K: measured temporary impact, bps of S0, cost-signed; finite; shape (n) or empty
  vector permanent_bps;  ///< I: measured permanent impact, bps of S0, cost-signed; finite; shape (n) or empty
  vector weights;        ///< regression weights; > 0; shape (n), or empty for all 1

  /// Number of observations n (the length of `quantity`).
  [[nodiscard]] index size() const noexcept { return quantity.size(); }

  /// Checks shapes and ranges of every non-empty column.
  ///
  /// @param where the calling function, for messages, e.g. "footprint::square_root_law::fit"
  /// @throws dimension_mismatch when `volume` or `volatility` does not have n entries, or an
  ///         optional column is neither empty nor of n entries; the message names the column
  /// @throws invalid_argument naming the column, the row (0-based) and the value for the
  ///         first entry that is non-finite or out of range, e.g.
  ///         `f: volume must be finite and > 0 (got -5 at row 3)`
  /// Complexity: O(n).
  void validate(std::string_view where) const {
    const index n = size();
    auto check_size = [&](const vector& v, const char* name, bool optional) {
      if (v.size() == n || (optional && v.size() == 0)) return;
      throw dimension_mismatch(std::string(where),
                               detail::concat(name, ".size() must equal quantity.size()", optional ? " or be 0" : ""),
                               n, v.size());
    };
    check_size(volume, "volume", false);
    check_size(volatility, "volatility", false);
    check_size(duration, "duration", true);
    check_size(arrival_mid, "arrival_mid", true);
    check_size(temporary_bps, "temporary_bps", true);
    check_size(permanent_bps, "permanent_bps", true);
    check_size(weights, "weights", true);

    enum class rule { positive, non_negative, finite };
    auto check_values = [&](const vector& v, const char* name, rule r) {
      for (index i = 0; i < v.size(); ++i) {
        const double x = v[i];
        const bool ok = std::isfinite(x) && (r == rule::finite || (r == rule::positive ? x > 0.0 : x >= 0.0));
        if (!ok) {
          const char* constraint = r == rule::positive       ? "finite and > 0"
                                   : r == rule::non_negative ? "finite and >= 0"
                                                             : "finite";
          throw invalid_argument(detail::concat(where, ": ", name, " must be ", constraint, " (got ",
                                                detail::format_number(x), " at row ", i, ")"));
        }
      }
    };
    check_values(quantity, "quantity", rule::positive);
    check_values(duration, "duration", rule::non_negative);
    check_values(volume, "volume", rule::positive);
    check_values(volatility, "volatility", rule::positive);
    check_values(arrival_mid, "arrival_mid", rule::positive);
    check_values(temporary_bps, "temporary_bps", rule::finite);
    check_values(permanent_bps, "permanent_bps", rule::finite);
    check_values(weights, "weights", rule::positive);
  }

  /// The measured impact of a component, bps; shape (n).
  ///
  /// @param c     the component; `total` is `temporary_bps + permanent_bps`
  /// @param where the calling function, for messages
  /// @throws invalid_argument when a column the component needs is empty, e.g.
  ///         `f: temporary_bps is empty (the temporary component needs it)`
  [[nodiscard]] vector impact_bps(impact_component c, std::string_view where) const {
    const bool need_temporary = c != impact_component::permanent;
    const bool need_permanent = c != impact_component::temporary;
    if (need_temporary) require_column(temporary_bps, "temporary_bps", to_string(c), where);
    if (need_permanent) require_column(permanent_bps, "permanent_bps", to_string(c), where);
    if (c == impact_component::temporary) return temporary_bps;
    if (c == impact_component::permanent) return permanent_bps;
    return temporary_bps + permanent_bps;
  }

  /// The weights, or a vector of n ones when `weights` is empty; shape (n).
  [[nodiscard]] vector weights_or_ones() const { return weights.size() == 0 ? vector(vector::Ones(size())) : weights; }

  /// Q / V for every row (the participation in period volume, dimensionless); shape (n).
  [[nodiscard]] vector participation() const { return quantity.cwiseQuotient(volume); }

 private:
  static void require_column(const vector& v, std::string_view name, std::string_view user, std::string_view where) {
    if (v.size() == 0) {
      throw invalid_argument(detail::concat(where, ": ", name, " is empty (the ", user, " component needs it)"));
    }
  }
};

/// Averages observations in log-spaced bins of participation Q/V, as the empirical papers do.
///
/// Toth et al. (2011) and Bouchaud, Bonart, Donier and Gould (2018, ch. 12)
/// plot the mean impact, normalised by volatility, in logarithmic bins of Q/V; fitting the
/// bin means (weighted by bin size) rather than the raw rows damps the noise of single
/// metaorders. The result is again an `impact_observations`, one row per non-empty bin, in
/// normalised units so that the square-root law fits it directly:
/// - `quantity` = weighted mean of Q/V in the bin, `volume` = 1, `volatility` = 1, so the
///   law's Q/V is the bin's mean participation and sigma drops out;
/// - `temporary_bps`, `permanent_bps` = weighted means of impact / sigma (bps per unit of
///   sigma) when the input has the column, else empty;
/// - `duration`, `arrival_mid` = weighted means when the input has the column, else empty;
/// - `weights` = the total weight of the bin (its row count when unweighted).
///
/// Bin edges are log-spaced from the smallest to the largest Q/V; the largest value falls in
/// the last bin; empty bins yield no row. Bin means are not the law evaluated at the mean
/// participation (Jensen), so narrow bins matter for the exponent.
///
/// @param obs    observations; validated as by `impact_observations::validate`
/// @param n_bins number of bins; >= 1
/// @return one row per non-empty bin, in increasing Q/V
/// @throws invalid_argument when n_bins < 1 or obs is empty, and as `validate` does
/// Complexity: O(n + n_bins).
[[nodiscard]] inline impact_observations bin_by_participation(const impact_observations& obs, index n_bins) {
  constexpr std::string_view where = "footprint::bin_by_participation";
  if (n_bins < 1) throw invalid_argument(detail::concat(where, ": n_bins must be >= 1 (got ", n_bins, ")"));
  obs.validate(where);
  const index n = obs.size();
  if (n == 0) throw invalid_argument(detail::concat(where, ": obs must not be empty (got 0 rows)"));

  const vector x = obs.participation();
  const vector w = obs.weights_or_ones();
  const double lo = std::log(x.minCoeff());
  const double hi = std::log(x.maxCoeff());
  const double width = (hi - lo) / static_cast<double>(n_bins);
  auto bin_of = [&](double xi) -> index {
    if (!(width > 0.0)) return 0;
    const auto k = static_cast<index>(std::floor((std::log(xi) - lo) / width));
    return std::clamp<index>(k, 0, n_bins - 1);
  };

  const bool has_t = obs.duration.size() != 0, has_mid = obs.arrival_mid.size() != 0;
  const bool has_tmp = obs.temporary_bps.size() != 0, has_perm = obs.permanent_bps.size() != 0;
  vector sw = vector::Zero(n_bins), sx = vector::Zero(n_bins), st = vector::Zero(n_bins), smid = vector::Zero(n_bins),
         stmp = vector::Zero(n_bins), sperm = vector::Zero(n_bins);
  for (index i = 0; i < n; ++i) {
    const index k = bin_of(x[i]);
    sw[k] += w[i];
    sx[k] += w[i] * x[i];
    if (has_t) st[k] += w[i] * obs.duration[i];
    if (has_mid) smid[k] += w[i] * obs.arrival_mid[i];
    if (has_tmp) stmp[k] += w[i] * obs.temporary_bps[i] / obs.volatility[i];
    if (has_perm) sperm[k] += w[i] * obs.permanent_bps[i] / obs.volatility[i];
  }

  std::vector<index> used;
  for (index k = 0; k < n_bins; ++k) {
    if (sw[k] > 0.0) used.push_back(k);
  }
  const auto m = static_cast<index>(used.size());
  impact_observations out;
  out.quantity.resize(m);
  out.volume = vector::Ones(m);
  out.volatility = vector::Ones(m);
  out.weights.resize(m);
  if (has_t) out.duration.resize(m);
  if (has_mid) out.arrival_mid.resize(m);
  if (has_tmp) out.temporary_bps.resize(m);
  if (has_perm) out.permanent_bps.resize(m);
  for (index j = 0; j < m; ++j) {
    const index k = used[static_cast<std::size_t>(j)];
    out.weights[j] = sw[k];
    out.quantity[j] = sx[k] / sw[k];
    if (has_t) out.duration[j] = st[k] / sw[k];
    if (has_mid) out.arrival_mid[j] = smid[k] / sw[k];
    if (has_tmp) out.temporary_bps[j] = stmp[k] / sw[k];
    if (has_perm) out.permanent_bps[j] = sperm[k] / sw[k];
  }
  return out;
}

}  // namespace footprint
