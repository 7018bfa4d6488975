/// @file features/depth_within_bps.hpp
/// @brief Cumulative displayed depth within x bps of the mid, on each side.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `depth_within_bps`.
struct depth_within_bps_params {
  std::vector<double> bps{5.0, 10.0, 25.0};  ///< distances x from the mid, bps; each finite, > 0, distinct
};

/// Quantity resting within x basis points of the mid, per side, for each distance x.
///
/// With mid M: bid depth(x) = sum of q_i over bid levels with p_i >= M (1 - x 10^-4);
/// ask depth(x) = sum of q_i over ask levels with p_i <= M (1 + x 10^-4). Units: shares,
/// contracts or coins. Only the levels the book shows are counted, so a book truncated to
/// k levels under-counts distances that reach past its last level. A standard liquidity
/// measure (depth "at x bps" of the mid); no single paper defines it.
/// NaN rules: NaN for every feature when either side is empty (no mid).
/// Features, in order: for each x in `params.bps`: `bid_depth_<x>bps`, `ask_depth_<x>bps`.
/// Stateless; `compute` is O(levels within the largest distance + distances), does not
/// allocate and does not throw.
class depth_within_bps {
 public:
  /// @throws invalid_argument when `bps` is empty or holds a value that is not finite and
  ///         > 0, or a repeated value
  explicit depth_within_bps(depth_within_bps_params params = {}) : params_(std::move(params)) {
    const char* where = "footprint::depth_within_bps::depth_within_bps";
    if (params_.bps.empty()) throw invalid_argument(detail::concat(where, ": bps must not be empty"));
    for (double x : params_.bps) {
      if (!std::isfinite(x) || !(x > 0.0)) {
        throw invalid_argument(detail::concat(where, ": bps must be finite and > 0 (got ", x, ")"));
      }
      names_.push_back("bid_depth_" + detail::feat::number_label(x) + "bps");
      names_.push_back("ask_depth_" + detail::feat::number_label(x) + "bps");
    }
    detail::feat::check_unique_names(where, names_);
    increasing_.resize(params_.bps.size());
    std::iota(increasing_.begin(), increasing_.end(), std::size_t{0});
    std::sort(increasing_.begin(), increasing_.end(),
              [&](std::size_t a, std::size_t b) { return params_.bps[a] < params_.bps[b]; });
  }

  /// The parameters.
  [[nodiscard]] const depth_within_bps_params& params() const noexcept { return params_; }
  /// Number of features: 2 per distance.
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  /// {"bid_depth_<x>bps", "ask_depth_<x>bps", ...}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes bid and ask depth for each distance to out[0..size()).
  /// One walk per side from the best level outwards, the distances taken in increasing
  /// order: each level is read once, and the depth at x is the walk's running sum when it
  /// passes x (the same additions, in the same order, as one walk per distance).
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    using T = detail::feat::book_traits<B>;
    const double mid = detail::feat::mid_price(book);
    if (std::isnan(mid)) {
      for (std::size_t j = 0; j < size(); ++j) out[j] = nan;
      return;
    }
    const index nb = T::bid_levels(book);
    const index na = T::ask_levels(book);
    index ib = 0;
    index ia = 0;
    double db = 0.0;
    double da = 0.0;
    for (const std::size_t j : increasing_) {
      const double lo = mid * (1.0 - params_.bps[j] * 1e-4);
      const double hi = mid * (1.0 + params_.bps[j] * 1e-4);
      for (; ib < nb && T::bid_price(book, ib) >= lo; ++ib) db += T::bid_quantity(book, ib);
      for (; ia < na && T::ask_price(book, ia) <= hi; ++ia) da += T::ask_quantity(book, ia);
      out[2 * j] = db;
      out[2 * j + 1] = da;
    }
  }

 private:
  depth_within_bps_params params_;
  std::vector<std::string> names_;
  std::vector<std::size_t> increasing_;  // indices of params_.bps, smallest distance first
};

}  // namespace footprint
