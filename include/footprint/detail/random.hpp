/// @file detail/random.hpp
/// @brief footprint's one random number generator: xoshiro256** (Blackman and Vigna 2018)
/// seeded through SplitMix64 (Steele, Lea and Flood 2014), with its own uniform, normal
/// (Box-Muller), integer and shuffle draws.
///
/// Every stochastic part of footprint (tree bootstraps and feature sampling, boosting
/// subsamples, MLP initialisation and batches, permutation importance, the synthetic market)
/// and every test and example that simulates data draws from this type, so that a seed gives
/// the same numbers on every platform and standard library (`std::normal_distribution`,
/// `std::uniform_int_distribution` and `std::shuffle` are implementation-defined).
/// Not cryptographic.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <utility>

namespace footprint::detail {

/// SplitMix64 output function (Steele, Lea and Flood 2014): a bijective 64-bit mixer.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

/// SplitMix64 generator step: advances `state` by the golden gamma and returns its output.
[[nodiscard]] constexpr std::uint64_t splitmix64_next(std::uint64_t& state) noexcept {
  const std::uint64_t out = splitmix64(state);
  state += 0x9E3779B97F4A7C15ULL;
  return out;
}

/// Seed of member k of an ensemble (deep ensembles): independent streams from one seed.
[[nodiscard]] constexpr std::uint64_t member_seed(std::uint64_t seed, std::uint64_t k) noexcept {
  std::uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (k + 1));
  return splitmix64_next(s);
}

/// xoshiro256** (Blackman and Vigna 2018): 256 bits of state, period 2^256 - 1.
///
/// Two ways to seed it:
/// - `xoshiro256ss(seed)`: the four state words are four SplitMix64 outputs from `seed` (the
///   authors' recommendation);
/// - `xoshiro256ss(seed, stream)`: one generator per (seed, stream) pair, e.g. per tree of
///   a forest or per permutation, so that each stream is reproducible whatever thread draws it.
class xoshiro256ss {
 public:
  /// Seeds the state with four SplitMix64 outputs from `seed`.
  explicit xoshiro256ss(std::uint64_t seed) noexcept {
    for (std::uint64_t& w : s_) w = splitmix64_next(seed);
  }

  /// Seeds stream `stream` of `seed`: the state is a SplitMix64 chain started from the
  /// mix of the two.
  xoshiro256ss(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t x = splitmix64(seed) ^ splitmix64(stream + 0x632BE59BD9B4E019ULL);
    for (std::uint64_t& w : s_) {
      x = splitmix64(x);
      w = x;
    }
  }

  /// 64 random bits.
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5U, 7) * 9U;
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

  /// Uniform on the open interval (0, 1): 53 random bits, centred in their cell.
  double uniform_open() noexcept { return (static_cast<double>(next() >> 11U) + 0.5) * 0x1.0p-53; }

  /// Uniform on [a, b).
  double uniform(double a, double b) noexcept { return a + (b - a) * uniform(); }

  /// Uniform integer in [0, n), n >= 1, unbiased (Lemire 2019, nearly divisionless, with a
  /// 128-bit product).
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

  /// Uniform integer in [0, n) for 1 <= n <= 2^32, unbiased, from the top 32 bits of one
  /// draw and a 64-bit product (Lemire 2019): the tree ensembles' bootstrap and sampling.
  std::uint64_t below32(std::uint64_t n) noexcept {
    for (;;) {
      const std::uint64_t m = (next() >> 32U) * n;
      const std::uint64_t low = m & 0xFFFFFFFFULL;
      if (low >= n || low >= ((std::uint64_t{1} << 32U) - n) % n) return m >> 32U;
    }
  }

  /// Standard normal variate (Box-Muller; both outputs of a pair are used).
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

  /// Normal variate with mean `mu` and standard deviation `sd`.
  double normal(double mu, double sd) noexcept { return mu + sd * normal(); }

  /// Exponential variate with rate `rate` > 0 (mean 1 / rate).
  double exponential(double rate) noexcept { return -std::log(uniform_open()) / rate; }

  /// Fisher-Yates shuffle of `v` in place (uses `below`).
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
