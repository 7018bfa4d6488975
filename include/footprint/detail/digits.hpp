/// @file detail/digits.hpp
/// @brief Private helper: reads a run of decimal digits eight bytes at a time (SWAR), for
/// the hand-written parsers of market data (LOBSTER rows, decimal strings).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace footprint::detail {

/// The value of the eight decimal digits of w, one a byte with the first in the low byte
/// (each byte's low nibble is its digit; leading zeros may be 0 bytes), combined by three
/// multiplications (Lemire, "Faster integer parsing", 2018).
[[nodiscard, gnu::always_inline]] inline std::uint64_t swar_digits(std::uint64_t w) noexcept {
  w = ((w & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
  w = ((w & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
  return ((w & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
}

/// `swar_digits` of two words at once: `a`'s value in `first`, `b`'s in `second`. With SSE2,
/// both in one register (16-bit, 32-bit and 64-bit lanes combined by `pmullw`, `pmaddwd` and
/// `pmuludq`): fewer instructions than two scalar calls, for parsers whose time goes in
/// instructions rather than in waiting.
struct digit_pair {
  std::uint64_t first;
  std::uint64_t second;
};
[[nodiscard, gnu::always_inline]] inline digit_pair swar_digits2(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SSE2__) && defined(__x86_64__)
  __m128i v = _mm_and_si128(_mm_set_epi64x(static_cast<long long>(b), static_cast<long long>(a)), _mm_set1_epi8(0x0F));
  // 16-bit lanes: the low byte (the earlier digit) times 10 plus the high byte
  v = _mm_add_epi16(_mm_mullo_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), _mm_set1_epi16(10)),
                    _mm_srli_epi16(v, 8));
  // 32-bit lanes: the low half times 100 plus the high half
  v = _mm_madd_epi16(v, _mm_set1_epi32((1 << 16) | 100));
  // 64-bit lanes: the low half times 10^4 plus the high half
  v = _mm_add_epi64(_mm_mul_epu32(v, _mm_set1_epi32(10000)), _mm_srli_epi64(v, 32));
  return {static_cast<std::uint64_t>(_mm_cvtsi128_si64(v)),
          static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)))};
#else
  return {swar_digits(a), swar_digits(b)};
#endif
}

/// 10^k for k = 0..9, as integers (the digit readers' scales).
inline constexpr std::uint64_t pow10_u64[10] = {1,      10,      100,      1000,      10000,
                                                100000, 1000000, 10000000, 100000000, 1000000000};

/// 0xF0 in each byte of w (the first char in the low byte) that is not a decimal digit, 0 in
/// the digits before the first one: `countr_zero(flags) / 8` counts the leading digits. Past
/// the first non-digit a carry may flag a digit too, never unflag a non-digit.
[[nodiscard, gnu::always_inline]] inline std::uint64_t non_digit_flags(std::uint64_t w) noexcept {
  const std::uint64_t x = w ^ 0x3030303030303030ull;                 // a digit byte becomes 0..9
  return (x | (x + 0x0606060606060606ull)) & 0xF0F0F0F0F0F0F0F0ull;  // high nibble set, or low > 9
}

/// The n digits at s (0 <= n <= 8; the 8 bytes at s must be readable, those past the n
/// digits are ignored) as the top bytes of a word, zeros below, 0 for n = 0: the word
/// `swar_digits` and `swar_digits2` combine. Little-endian only.
[[nodiscard, gnu::always_inline]] inline std::uint64_t digit_word(const char* s, int n) noexcept {
  if (n == 0) return 0;
  std::uint64_t w = 0;
  std::memcpy(&w, s, 8);
  return w << (8 * (8 - n));  // the n digits become the top bytes, after leading zeros
}

/// Reads the run of decimal digits at `q` (before `end`) into `v` (v = v * 10^n + the run's
/// value, modulo 2^64, the same value a digit-at-a-time loop gives) and advances `q` past
/// it; returns the number n of digits. Eight bytes at a time while eight are left, on
/// little-endian machines (each word's non-digit bytes are found with one mask, and its
/// digits combined by three multiplications: Lemire, "Faster integer parsing", 2018), then
/// one at a time.
/// Complexity: O(n); never throws.
[[gnu::always_inline]] inline std::ptrdiff_t digit_run(const char*& q, const char* end, std::uint64_t& v) noexcept {
  const char* const first = q;
  if constexpr (std::endian::native == std::endian::little) {
    while (end - q >= 8) {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, q, 8);
      const std::uint64_t flags = non_digit_flags(chunk);
      const int m = flags == 0 ? 8 : std::countr_zero(flags) / 8;
      if (m == 0) break;
      // Keep the m digits (the first chars are the low bytes), as the top bytes of the word:
      // the bytes shifted in are leading zeros.
      v = v * pow10_u64[m] + swar_digits(chunk << (8 * (8 - m)));
      q += m;
      if (m < 8) return q - first;
    }
  }
  while (q != end) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*q)) - unsigned{'0'};
    if (d > 9) break;
    v = v * 10 + d;
    ++q;
  }
  return q - first;
}

}  // namespace footprint::detail
