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

#include <charconv>
#include <cstdint>
#include <system_error>

namespace footprint::detail {

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
[[nodiscard]] inline bool parse_decimal(const char* first, const char* last, double& x) noexcept {
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = first;
  std::uint64_t m = 0;  // wraps past 19 digits; such text goes to from_chars below
  int digits = 0;
  while (p != last && static_cast<unsigned char>(*p - '0') < 10) {
    m = m * 10 + static_cast<unsigned char>(*p - '0');
    ++p;
    ++digits;
  }
  int frac = 0;
  if (p != last && *p == '.') {
    ++p;
    while (p != last && static_cast<unsigned char>(*p - '0') < 10) {
      m = m * 10 + static_cast<unsigned char>(*p - '0');
      ++p;
      ++frac;
    }
  }
  digits += frac;
  if (p == last && digits > 0 && digits <= 19 && m <= (std::uint64_t{1} << 53)) {
    // frac <= digits <= 19 <= 22: exact operands, one correctly rounded division.
    x = static_cast<double>(m) / pow10[frac];
    return true;
  }
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (first == last || ec != std::errc{} || ptr != last) return false;
  x = v;
  return true;
}

}  // namespace footprint::detail
