/// @file feeds/parse_report.hpp
/// @brief How a market-data reader treats malformed rows, and what it reports about them.
///
/// Nothing is dropped silently: under `parse_policy::strict` (the default) the first
/// malformed row raises `data_error` naming file, line and field; under
/// `parse_policy::lenient` the reader skips it, counts it and keeps the first messages.
#pragma once

#include "footprint/error.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace footprint {

/// What a reader does with a malformed row.
enum class parse_policy : std::uint8_t {
  strict,   ///< throw data_error at the first malformed row (default)
  lenient,  ///< skip the row, count it in parse_report and go on
};

/// Counts of what a reader read and skipped.
struct parse_report {
  std::size_t lines_read = 0;             ///< lines (or records) consumed, including skipped ones
  std::size_t rows_skipped = 0;           ///< malformed rows skipped under parse_policy::lenient
  std::vector<std::string> first_errors;  ///< messages of the first skipped rows (at most `max_kept_errors`)

  /// How many error messages are kept.
  static constexpr std::size_t max_kept_errors = 20;

  /// Handles one malformed row: rethrows under strict, else counts it and keeps its message.
  void skip_or_throw(parse_policy policy, const data_error& e) {
    if (policy == parse_policy::strict) throw e;
    ++rows_skipped;
    if (first_errors.size() < max_kept_errors) first_errors.emplace_back(e.what());
  }
};

/// The parse report of one input file.
struct file_report {
  std::string file;     ///< the file (or buffer) name
  parse_report report;  ///< lines read, rows skipped, first errors
};

}  // namespace footprint
