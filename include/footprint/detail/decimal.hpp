/// @file detail/decimal.hpp
/// @brief Private helper: reads a decimal string as a double, bit-identical to
/// `std::from_chars`, without depending on how fast a standard library's `from_chars` is
/// (GCC 12's, built on the Eisel-Lemire algorithm, is as fast: about 12 ns for the plain
/// decimals exchanges send, "61685.99000000", "0.014"; older ones call strtod).
///
/// A plain decimal (digits with at most one '.', no sign, no exponent) of at most 19 digits
/// is read as an integer mantissa m and a count k of fractional digits, and converted as
/// m / 10^k: when m <= 2^53 and k <= 22 both operands are exact doubles, so the one IEEE
/// division is the correctly rounded value of the decimal, the value `from_chars` returns
/// (Clinger, "How to read floating point numbers accurately", PLDI 1990, the fast path).
/// Anything else (more digits, a sign, an exponent, "inf", "nan", malformed text) is handed
/// to `std::from_chars` itself.
#pragma once

#include "footprint/detail/digits.hpp"

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace footprint::detail {

/// `parse_decimal` past its fast path: `std::from_chars` on the whole range.
[[gnu::noinline]] inline bool parse_decimal_general(const char* first, const char* last, double& x) noexcept {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (first == last || ec != std::errc{} || ptr != last) return false;
  x = v;
  return true;
}

/// The fast path of `parse_decimal` on the text at `p`: digits with at most one '.', at most
/// 19 digits in all and a mantissa m <= 2^53, read as m / 10^k (k fractional digits; exact
/// operands, so the one division is correctly rounded: the value `from_chars` gives).
/// @param p at the first character; advanced past the number when it returns true
/// @param last the end of the text (the number may stop before it, at any non-digit)
/// @param x receives the value when it returns true
/// @return false (p unspecified, x untouched) when the text there is not such a number
/// Complexity: O(digits); never throws.
[[nodiscard, gnu::always_inline]] inline bool plain_decimal(const char*& p, const char* last, double& x) noexcept {
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  std::uint64_t m = 0;  // wraps past 19 digits, which are refused
  std::ptrdiff_t digits = digit_run(p, last, m);
  std::ptrdiff_t frac = 0;
  if (p != last && *p == '.') {
    ++p;
    frac = digit_run(p, last, m);
  }
  digits += frac;
  if (digits == 0 || digits > 19 || m > (std::uint64_t{1} << 53)) return false;
  // frac <= digits <= 19 <= 22: exact operands, one correctly rounded division.
  x = static_cast<double>(m) / pow10[frac];
  return true;
}

/// Parses the whole of [first, last) as `std::from_chars(first, last, x)` does
/// (`std::chars_format::general`: an optional '-', digits with an optional '.', an optional
/// exponent, "inf", "infinity", "nan"; no '+', no spaces).
/// @param first, last the text; the whole range must be the number
/// @param x receives the value on success (bit-identical to `from_chars`, -0.0 for "-0"),
///        untouched otherwise
/// @return true when the whole range is a number in range (from_chars succeeds and consumes
///         every character); false for empty text, trailing characters, or an out-of-range
///         value
/// Complexity: O(last - first); no allocation, never throws.
[[nodiscard, gnu::always_inline]] inline bool parse_decimal(const char* first, const char* last, double& x) noexcept {
  const char* p = first;
  double v = 0.0;
  if (plain_decimal(p, last, v) && p == last) {
    x = v;
    return true;
  }
  return parse_decimal_general(first, last, x);
}

/// The powers of ten 1e0 to 1e8, exact doubles (the divisors of the fast paths below).
inline constexpr double exact_pow10[9] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

/// Reads a plain decimal closed by '"' (the inside of a JSON string such as
/// "61737.63000000") as its mantissa and its count of fractional digits, from one 16-byte
/// load: the quote, the '.' and the non-digits are found with three vector compares, and the
/// digits before and after the '.' (at most 8 each) are combined eight at a time (a decimal
/// of at most 8 characters, e.g. a USD-M "61737.60", in one combination, the '.' taken out of
/// its word). The decimal's value is m / 10^frac: both operands are exact doubles (m <= 2^53,
/// frac <= 8), so the one IEEE division (`quoted_plain_decimal`, or two at once in a vector
/// division) is correctly rounded, bit-identical to `std::from_chars`.
/// @param p at the first character after the opening quote; on success, advanced past the
///        closing quote
/// @param last the end of the text; the fast path needs 17 bytes from p
/// @param m receives the digits as an integer (<= 2^53) on success
/// @param frac receives the count of digits after the '.' (0 to 8) on success
/// @return false (p, m and frac untouched) when the fast path does not apply: fewer than 17
///         bytes left, no quote within 16 bytes, text other than digits with at most one '.',
///         more than 8 digits on either side of the '.', no digit, a mantissa above 2^53, or a
///         machine without SSE2; the caller then reads the number the general way.
/// Complexity: O(1); never throws.
[[nodiscard, gnu::always_inline]] inline bool quoted_plain_mantissa(const char*& p, const char* last, std::uint64_t& m,
                                                                    int& frac) noexcept {
#if defined(__SSE2__)
  if (last - p < 17) return false;
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto quote = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
  if (quote == 0) return false;
  const int len = std::countr_zero(quote);
  const unsigned inside = (1u << len) - 1;
  const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const auto digit = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)));
  const unsigned dot = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')))) & inside;
  if (((digit | dot) & inside) != inside || (dot & (dot - 1)) != 0) return false;
  const int whole = dot == 0 ? len : std::countr_zero(dot);
  const int k = dot == 0 ? 0 : len - whole - 1;
  if (whole > 8 || k > 8 || whole + k == 0) return false;
  std::uint64_t x = 0;
  if (len <= 8 && whole <= 6) {
    // A short decimal ("61737.60", "0.123"): its digits in one word, the '.' taken out (the
    // bytes after it moved down one), then combined once.
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);  // p + 8 <= p + 17 <= last
    int digits = len;
    if (dot != 0) {
      const int at = whole;  // the '.''s byte: the bytes above it move down one
      w = (w & ((std::uint64_t{1} << (8 * at)) - 1)) | ((w >> (8 * (at + 1))) << (8 * at));
      --digits;
    }
    x = swar_digits(w << (8 * (8 - digits)));
  } else {
    // p + whole + 1 + 8 <= p + 17 <= last: both 8-byte reads are in the text. Both sides'
    // digits combined in one conversion.
    const digit_pair sides = swar_digits2(digit_word(p, whole), digit_word(p + whole + 1, k));
    x = sides.first * pow10_u64[k] + sides.second;
  }
  if (x > (std::uint64_t{1} << 53)) return false;
  m = x;
  frac = k;
  p += len + 1;
  return true;
#else
  (void)p;
  (void)last;
  (void)m;
  (void)frac;
  return false;
#endif
}

/// Reads a plain decimal closed by '"' (see `quoted_plain_mantissa`) as a double: m / 10^frac,
/// the value `parse_decimal` gives for the text before the quote (bit-identical to
/// `std::from_chars`).
/// @param p at the first character after the opening quote; on success, advanced past the
///        closing quote
/// @param last the end of the text; the fast path needs 17 bytes from p
/// @param x receives the value on success
/// @return false (p and x untouched) when `quoted_plain_mantissa` does not apply
/// Complexity: O(1); never throws.
[[nodiscard, gnu::always_inline]] inline bool quoted_plain_decimal(const char*& p, const char* last,
                                                                   double& x) noexcept {
  std::uint64_t m = 0;
  int frac = 0;
  if (!quoted_plain_mantissa(p, last, m, frac)) return false;
  x = static_cast<double>(m) / exact_pow10[frac];
  return true;
}

}  // namespace footprint::detail
