/// @file detail/concat.hpp
/// @brief Private helper: build an error message from pieces (no <format> on GCC 12).
#pragma once

#include <charconv>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace footprint::detail {

/// Streams one piece into `os`; a floating-point number in its shortest form that reads back
/// to the same value (`std::to_chars`): 0.09, not the 0.089999999999999997 of 17 significant
/// digits, and no information lost; a whole number below 10^15 in full (1000000, not 1e+06).
template <class T>
void concat_piece(std::ostringstream& os, T&& x) {
  if constexpr (std::is_floating_point_v<std::remove_cvref_t<T>>) {
    char text[64];
    using F = std::remove_cvref_t<T>;
    // (NaN and infinities fail the range test before the conversion)
    const bool whole = x > F(-1e15) && x < F(1e15) && x == static_cast<F>(static_cast<long long>(x));
    const std::to_chars_result r = whole ? std::to_chars(text, text + sizeof text, x, std::chars_format::fixed)
                                         : std::to_chars(text, text + sizeof text, x);
    if (r.ec == std::errc{}) {
      os.write(text, r.ptr - text);
      return;
    }
  }
  os << std::forward<T>(x);
}

/// Streams every argument into one string; floating-point numbers in their shortest exact
/// form (`concat_piece`), anything else as `operator<<` writes it at 17 significant digits.
template <class... Args>
[[nodiscard]] std::string concat(Args&&... args) {
  std::ostringstream os;
  os.precision(17);
  (concat_piece(os, std::forward<Args>(args)), ...);
  return os.str();
}

}  // namespace footprint::detail
