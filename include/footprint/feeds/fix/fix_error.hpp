/// @file feeds/fix/fix_error.hpp
/// @brief `fix_error`: malformed FIX (tag=value) input, with the byte offset and the tag.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

namespace footprint {

/// Malformed FIX input: a `data_error` whose line is the 1-based number of the message in the
/// stream and whose field is the tag ("tag 10"; empty before a tag is known), and which also
/// carries the byte offset of the problem from the start of the stream and the tag (0 when
/// none). Message: `source:message N: field 'tag T': at byte offset B: detail`.
class fix_error : public data_error {
 public:
  /// @param source  the stream's name (a file name)
  /// @param message 1-based number of the message in the stream
  /// @param offset  byte offset of the problem from the start of the stream
  /// @param tag     the FIX tag concerned; 0 when none (e.g. garbage between messages)
  /// @param detail  what is wrong, with the value got
  fix_error(std::string source, std::size_t message, std::size_t offset, int tag, const std::string& detail)
      : data_error(std::move(source), message, 0, tag > 0 ? detail::concat("tag ", tag) : std::string(),
                   detail::concat("at byte offset ", offset, ": ", detail)),
        offset_(offset),
        tag_(tag) {}

  /// Byte offset of the problem from the start of the stream.
  [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
  /// The tag concerned; 0 when none.
  [[nodiscard]] int tag() const noexcept { return tag_; }

 private:
  std::size_t offset_;
  int tag_;
};

}  // namespace footprint
