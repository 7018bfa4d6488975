/// @file simulation/detail/alias_table.hpp
/// @brief Walker's alias method: an index drawn with probability proportional to its weight in
/// O(1), from one uniform. Private to simulation/.
///
/// References: A. J. Walker (1977), "An efficient method for generating discrete random
/// variables with general distributions", ACM TOMS 3(3), 253-256; the construction of
/// M. D. Vose (1991), "A linear algorithm for generating random numbers with a given
/// distribution", IEEE TSE 17(9), 972-975. Plain double arithmetic: same table, same draws,
/// on any IEEE-754 platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint::detail::simulation {

class alias_table {
 public:
  alias_table() = default;

  /// The table of `weights` (>= 0, at least one > 0).
  explicit alias_table(std::span<const double> weights) : prob_(weights.size(), 0.0), alias_(weights.size(), 0) {
    const std::size_t n = weights.size();
    double total = 0.0;
    std::size_t heaviest = 0;
    for (std::size_t k = 0; k < n; ++k) {
      total += weights[k];
      if (weights[k] > weights[heaviest]) heaviest = k;
    }
    std::vector<double> p(n);
    std::vector<std::uint32_t> small;
    std::vector<std::uint32_t> large;
    for (std::size_t k = 0; k < n; ++k) {
      p[k] = weights[k] * static_cast<double>(n) / total;
      (p[k] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(k));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t l = small.back();
      small.pop_back();
      const std::uint32_t g = large.back();
      large.pop_back();
      prob_[l] = p[l];
      alias_[l] = g;
      p[g] = (p[g] + p[l]) - 1.0;
      (p[g] < 1.0 ? small : large).push_back(g);
    }
    // what rounding leaves over is (nearly) full; a weight of 0 is never drawn
    for (std::uint32_t k : large) {
      prob_[k] = 1.0;
      alias_[k] = k;
    }
    for (std::uint32_t k : small) {
      prob_[k] = weights[k] > 0.0 ? 1.0 : 0.0;
      alias_[k] = weights[k] > 0.0 ? k : static_cast<std::uint32_t>(heaviest);
    }
  }

  /// Number of indices.
  [[nodiscard]] std::size_t size() const noexcept { return prob_.size(); }

  /// The index drawn by y, uniform on [0, size()): its integer part picks a column, its
  /// fractional part the column's own index or its alias.
  [[nodiscard]] std::size_t pick(double y) const noexcept {
    // (through int64: a double to uint64 conversion costs a branch on x86-64)
    auto k = static_cast<std::size_t>(static_cast<std::int64_t>(y));
    if (k >= prob_.size()) k = prob_.size() - 1;
    const double frac = y - static_cast<double>(static_cast<std::int64_t>(k));
    // k or its alias, without a branch (the choice is a coin flip)
    const std::size_t other = alias_[k];
    const std::size_t keep = static_cast<std::size_t>(0) - static_cast<std::size_t>(frac < prob_[k]);
    return other ^ ((k ^ other) & keep);
  }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace footprint::detail::simulation
