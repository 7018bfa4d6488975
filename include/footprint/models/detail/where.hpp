/// @file models/detail/where.hpp
/// @brief Private: the name of a model's function ("footprint::ols::predict") as the checks
/// of detail/checks.hpp print it, built only when a message needs it (the predict paths
/// must not allocate).
#pragma once

#include "footprint/detail/concat.hpp"

#include <ostream>
#include <string>

namespace footprint::detail {

/// "model::fn", printed by `concat` (and so by every check of detail/checks.hpp) without
/// building a string until a check fails.
struct where_t {
  const char* model;  ///< e.g. "footprint::ols"
  const char* fn;     ///< e.g. "predict"
  friend std::ostream& operator<<(std::ostream& os, const where_t& w) { return os << w.model << "::" << w.fn; }
  /// The name as a string, e.g. for an exception's constructor.
  [[nodiscard]] std::string str() const { return concat(*this); }
};

}  // namespace footprint::detail
