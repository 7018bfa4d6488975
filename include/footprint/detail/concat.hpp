/// @file detail/concat.hpp
/// @brief Private helper: build an error message from pieces (no <format> on GCC 12).
#pragma once

#include <sstream>
#include <string>
#include <utility>

namespace footprint::detail {

/// Streams every argument into one string, with full double precision.
template <class... Args>
[[nodiscard]] std::string concat(Args&&... args) {
  std::ostringstream os;
  os.precision(17);
  (os << ... << std::forward<Args>(args));
  return os.str();
}

}  // namespace footprint::detail
