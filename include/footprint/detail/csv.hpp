/// @file detail/csv.hpp
/// @brief Private helper: a cursor over the comma-separated fields of one text line,
/// parsing numbers with std::from_chars and throwing `data_error` with file, line,
/// column and field name on any malformed field.
#pragma once

#include "footprint/error.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace footprint::detail {

/// Walks the fields of one delimited line. Not owning: `line` must outlive the cursor.
class csv_cursor {
 public:
  /// @param file  file name for error messages
  /// @param line  1-based line number for error messages
  /// @param text  the line, without its end-of-line characters
  /// @param delim the field delimiter
  csv_cursor(std::string_view file, std::size_t line, std::string_view text, char delim = ',') noexcept
      : file_(file), line_(line), rest_(text), delim_(delim) {}

  /// The next field as text. @throws data_error "missing field" when the line has ended.
  std::string_view next(std::string_view name) {
    if (done_) fail(column_ + 1, name, "missing field (the row is too short)");
    ++column_;
    const std::size_t pos = rest_.find(delim_);
    std::string_view field;
    if (pos == std::string_view::npos) {
      field = rest_;
      rest_ = {};
      done_ = true;
    } else {
      field = rest_.substr(0, pos);
      rest_.remove_prefix(pos + 1);
    }
    return field;
  }

  /// The next field as a finite double. @throws data_error when missing, not a number or not finite.
  double next_double(std::string_view name) {
    const std::string_view f = next(name);
    double v = 0.0;
    const char* first = f.data();
    const char* last = f.data() + f.size();
    if (first != last && *first == '+') ++first;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{} || ptr != last || f.empty()) {
      fail(column_, name, detail::concat("not a number (got '", f, "')"));
    }
    if (!std::isfinite(v)) fail(column_, name, detail::concat("not finite (got '", f, "')"));
    return v;
  }

  /// The next field as a 64-bit integer. @throws data_error when missing or not an integer.
  std::int64_t next_int(std::string_view name) {
    const std::string_view f = next(name);
    std::int64_t v = 0;
    const char* first = f.data();
    const char* last = f.data() + f.size();
    if (first != last && *first == '+') ++first;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{} || ptr != last || f.empty()) {
      fail(column_, name, detail::concat("not an integer (got '", f, "')"));
    }
    return v;
  }

  /// Skips one field (it must exist).
  void skip(std::string_view name) { (void)next(name); }

  /// True when every field has been consumed.
  [[nodiscard]] bool at_end() const noexcept { return done_; }

  /// @throws data_error when fields remain (the row is too long).
  void expect_end() const {
    if (!done_) fail(column_ + 1, "", "unexpected extra field (the row is too long)");
  }

  /// 1-based index of the field last returned (0 before the first).
  [[nodiscard]] std::size_t column() const noexcept { return column_; }

  /// Throws a data_error at this line, for `column` and field `name`.
  [[noreturn]] void fail(std::size_t column, std::string_view name, const std::string& what) const {
    throw data_error(std::string(file_), line_, column, std::string(name), what);
  }

 private:
  std::string_view file_;
  std::size_t line_;
  std::string_view rest_;
  std::size_t column_ = 0;
  char delim_;
  bool done_ = false;
};

}  // namespace footprint::detail
