/// @file models/detail/mlp_rng.hpp
/// @brief Private helper of the MLP models: a small, portable random number generator
/// (SplitMix64 seeding xoshiro256**, Blackman & Vigna 2018) with its own uniform, normal
/// (Box-Muller) and shuffle, so that a seed gives the same network on every standard library
/// (std::normal_distribution and std::shuffle are implementation-defined).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <utility>

namespace footprint::detail {

/// SplitMix64 step (Steele, Lea & Flood 2014): advances `state`, returns a 64-bit output.
[[nodiscard]] constexpr std::uint64_t mlp_splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

/// Seed of ensemble member k from the ensemble's seed (independent streams).
[[nodiscard]] constexpr std::uint64_t mlp_member_seed(std::uint64_t seed, std::uint64_t k) noexcept {
  std::uint64_t s = seed ^ (0xd1b54a32d192ed03ULL * (k + 1));
  return mlp_splitmix64(s);
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64.
class mlp_rng {
 public:
  explicit mlp_rng(std::uint64_t seed) noexcept {
    for (std::uint64_t& w : s_) w = mlp_splitmix64(seed);
  }

  /// 64 random bits.
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1), 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

  /// Uniform integer in [0, n), n >= 1 (Lemire's nearly divisionless method, unbiased).
  std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using u128 = unsigned __int128;
    u128 m = static_cast<u128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64U);
  }

  /// Standard normal variate (Box-Muller, both outputs used).
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * std::numbers::pi * u2);
  }

  /// Fisher-Yates shuffle of `v` in place.
  template <class T>
  void shuffle(std::span<T> v) noexcept {
    for (std::size_t i = v.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace footprint::detail
