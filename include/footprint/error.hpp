/// @file error.hpp
/// @brief The footprint exception hierarchy (see docs/errors.md).
///
/// Bad arguments and bad data always throw, in release builds too. Every class derives from
/// the matching standard exception, so `catch (const std::invalid_argument&)` works, and
/// also from the empty tag `footprint::error`, so `catch (const footprint::error&)` catches
/// everything this library throws on purpose. Messages name the function, the value got and
/// the constraint, e.g.
/// `footprint::gradient_boosting::fit: learning_rate must be in (0, 1] (got 1.5)`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/types.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace footprint {

/// Tag base of every footprint exception; catch it to catch them all.
/// Use `dynamic_cast<const std::exception&>` (or catch the std type) for the message.
class error {
 public:
  virtual ~error() = default;

 protected:
  error() = default;
  error(const error&) = default;
  error& operator=(const error&) = default;
};

/// An argument is outside its documented range (a negative quantity, lambda < 0, ...).
class invalid_argument : public std::invalid_argument, public error {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Shapes of arguments disagree, e.g. `X` has 10 rows and `y` has 9 entries.
/// Carries the expected and the actual extent.
class dimension_mismatch : public invalid_argument {
 public:
  /// @param where    the function, e.g. "footprint::bayesian_linear::fit"
  /// @param what     the extent checked, e.g. "y.size() must equal X.rows()"
  /// @param expected the extent required
  /// @param got      the extent received
  dimension_mismatch(const std::string& where, const std::string& what, index expected, index got)
      : invalid_argument(detail::concat(where, ": ", what, " (expected ", expected, ", got ", got, ")")),
        expected_(expected),
        got_(got) {}

  /// The extent that was required.
  [[nodiscard]] index expected() const noexcept { return expected_; }
  /// The extent that was received.
  [[nodiscard]] index got() const noexcept { return got_; }

 private:
  index expected_;
  index got_;
};

/// A model was asked to predict (or save, or report) before `fit` succeeded.
class not_fitted : public std::logic_error, public error {
 public:
  /// @param where the function called, e.g. "footprint::random_forest::predict"
  explicit not_fitted(const std::string& where)
      : std::logic_error(where + ": the model is not fitted; call fit() first") {}
};

/// Malformed input data: a file or stream that does not follow its format.
///
/// Carries where the problem is: the file (or stream name), the 1-based line, the 1-based
/// column (field index within the row; 0 when unknown) and the field's name (may be empty).
/// The message has the form `file:line:column: field 'name': detail`.
class data_error : public std::runtime_error, public error {
 public:
  /// @param file   file or stream name, as given by the user
  /// @param line   1-based line (or record) number; 0 when not applicable
  /// @param column 1-based column (field) number; 0 when not applicable
  /// @param field  name of the field, e.g. "price"; may be empty
  /// @param detail what is wrong, with the value got, e.g. "not a number (got 'abc')"
  /// The message `what()` escapes control bytes and bytes that are not well-formed UTF-8
  /// (\xNN) and keeps at most 1,024 bytes of the
  /// file name and of the detail (then "... (N more bytes)"); the accessors return them as given.
  data_error(std::string file, std::size_t line, std::size_t column, std::string field, const std::string& detail)
      : std::runtime_error(format(file, line, column, field, detail)),
        file_(std::move(file)),
        line_(line),
        column_(column),
        field_(std::move(field)) {}

  /// The file or stream name.
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  /// 1-based line number; 0 when not applicable.
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// 1-based column (field) number; 0 when unknown.
  [[nodiscard]] std::size_t column() const noexcept { return column_; }
  /// The field's name; may be empty.
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  // The message: control bytes escaped as \xNN (a hostile file must not send escape
  // sequences to the user's terminal), and a detail longer than max_detail cut with a count
  // (a field of megabytes must not become the message).
  static std::string format(const std::string& file, std::size_t line, std::size_t column, const std::string& field,
                            const std::string& detail) {
    std::string s = printable(file, max_detail);
    if (line != 0) s += detail::concat(':', line);
    if (column != 0) s += detail::concat(':', column);
    s += ": ";
    if (!field.empty()) s += "field '" + printable(field, 128) + "': ";
    return s + printable(detail, max_detail);
  }

  static constexpr std::size_t max_detail = 1024;  // bytes of a message part kept

  static std::string printable(const std::string& text, std::size_t limit) {
    std::string out;
    const std::size_t n = text.size() < limit ? text.size() : limit;
    out.reserve(n);
    constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80) {
        // Whole well-formed UTF-8 sequences pass (names in any script); any other byte
        // above 0x7f (invalid UTF-8: binary garbage, Latin-1) is escaped.
        const std::size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                                : c >= 0xe0 && c <= 0xef ? 3
                                : c >= 0xf0 && c <= 0xf4 ? 4
                                                         : 0;
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        if (ok) {
          out.append(text, i, len);
          i += len - 1;
          continue;
        }
      }
      if (c < 0x20 || c >= 0x7f) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    if (text.size() > limit) out += detail::concat("... (", text.size() - limit, " more bytes)");
    return out;
  }

  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string field_;
};

/// A fit could not produce a usable model (diverged, singular system, ...).
/// Carries the `fit_report` of the failed fit.
class convergence_error : public std::runtime_error, public error {
 public:
  /// @param where  the function, e.g. "footprint::mlp::fit"
  /// @param report the report of the failed fit; its message is appended to what()
  convergence_error(const std::string& where, fit_report report)
      : std::runtime_error(detail::concat(where, ": fit failed (", to_string(report.status), ", ", report.iterations,
                                          " iterations)", report.message.empty() ? "" : ": ", report.message)),
        report_(std::move(report)) {}

  /// The report of the failed fit.
  [[nodiscard]] const fit_report& report() const noexcept { return report_; }

 private:
  fit_report report_;
};

}  // namespace footprint
