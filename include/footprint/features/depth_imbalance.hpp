/// @file features/depth_imbalance.hpp
/// @brief Depth imbalance over the best k levels of each side.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `depth_imbalance`.
struct depth_imbalance_params {
  index levels = 5;  ///< k, the number of levels per side summed; >= 1
};

/// Depth imbalance over k levels: (D_b - D_a) / (D_b + D_a), in [-1, 1].
///
/// D_b = sum of the quantities of the best min(k, bid levels) bid levels, D_a likewise for
/// asks. With k = 1 it is the queue imbalance of Gould and Bonart (2016); summing deeper
/// levels follows the multi-level view of Xu, Gould and Howison (2019). Dimensionless.
/// A side shallower than k contributes the levels it has.
/// NaN rules: NaN when either side is empty.
/// Stateless; `compute` is O(k), does not allocate and does not throw.
class depth_imbalance {
 public:
  /// @throws invalid_argument when `levels < 1`
  explicit depth_imbalance(depth_imbalance_params params = {}) : params_(params) {
    if (params_.levels < 1) {
      throw invalid_argument(detail::concat("footprint::depth_imbalance::depth_imbalance: levels must be >= 1 (got ",
                                            params_.levels, ")"));
    }
    names_.push_back("depth_imbalance_" + std::to_string(params_.levels));
  }

  /// The parameters.
  [[nodiscard]] const depth_imbalance_params& params() const noexcept { return params_; }
  /// Number of features: 1.
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  /// {"depth_imbalance_<k>"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes the depth imbalance to out[0].
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    using T = detail::feat::book_traits<B>;
    const index nb = std::min<index>(T::bid_levels(book), params_.levels);
    const index na = std::min<index>(T::ask_levels(book), params_.levels);
    if (nb == 0 || na == 0) {
      out[0] = nan;
      return;
    }
    double db = 0.0;
    double da = 0.0;
    for (index i = 0; i < nb; ++i) db += T::bid_quantity(book, i);
    for (index i = 0; i < na; ++i) da += T::ask_quantity(book, i);
    out[0] = (db - da) / (db + da);
  }

 private:
  depth_imbalance_params params_;
  std::vector<std::string> names_;
};

}  // namespace footprint
