/// @file feeds/lobster/detail/lobster_row.hpp
/// @brief Private to feeds/: the hand-written parser of one LOBSTER row (message or
/// orderbook), used by `lobster_reader`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/digits.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace footprint {

namespace detail {

/// Private: the fields of one LOBSTER row, parsed by hand (the columns are integers,
/// except the time). Errors name the file, line, column and field; building them is kept
/// out of line so that the field parsers stay small enough to inline.
class lobster_row {
 public:
  enum class file_kind : std::uint8_t { message, orderbook };

  lobster_row(const std::string& file, std::size_t line, std::string_view text, file_kind kind) noexcept
      : file_(file), line_(line), p_(text.data()), end_(text.data() + text.size()), kind_(kind) {}

  /// Moves to field `col` (1-based, the one after the last): consumes the separator.
  /// @throws data_error "missing field" when the row has ended
  [[gnu::always_inline]] void open(std::size_t col) {
    if (col > 1) {
      if (p_ == end_) fail(file_, line_, kind_, col, "missing field (the row is too short)");
      ++p_;  // the ',' the previous field stopped at
    }
    col_ = col;
    start_ = p_;
  }

  /// `detail::digit_run` (footprint/detail/digits.hpp).
  [[gnu::always_inline]] static std::ptrdiff_t digit_run(const char*& q, const char* end, std::uint64_t& v) noexcept {
    return detail::digit_run(q, end, v);
  }

  /// The open field as an integer of at most `max_digits` (<= 18) digits with an optional '-'.
  [[gnu::always_inline]] std::int64_t integer(int max_digits = 18) {
    const char* q = p_;
    const bool negative = q != end_ && *q == '-';
    if (negative) ++q;
    std::uint64_t v = 0;
    const std::ptrdiff_t n = digit_run(q, end_, v);
    if (n == 0 || n > max_digits || (q != end_ && *q != ','))
      bad_integer(file_, line_, kind_, col_, start_, end_, max_digits);
    p_ = q;
    const auto s = static_cast<std::int64_t>(v);
    return negative ? -s : s;
  }

  /// The open field as a time: seconds after midnight, at most 9 integer digits and 9
  /// decimals; returned exactly, in nanoseconds.
  [[gnu::always_inline]] std::int64_t time_ns() {
    static constexpr std::uint64_t pow10[10] = {1,      10,      100,      1000,      10000,
                                                100000, 1000000, 10000000, 100000000, 1000000000};
    const char* q = p_;
    std::uint64_t seconds = 0;
    const std::ptrdiff_t n_int = digit_run(q, end_, seconds);
    std::uint64_t ns = 0;
    bool ok = n_int > 0 && n_int <= 9;
    if (ok && q != end_ && *q == '.') {
      ++q;
      const std::ptrdiff_t n_frac = digit_run(q, end_, ns);
      ok = n_frac > 0 && n_frac <= 9;
      if (ok) ns *= pow10[9 - n_frac];
    }
    if (!ok || (q != end_ && *q != ',')) bad_time(file_, line_, kind_, col_, start_, end_);
    p_ = q;
    return static_cast<std::int64_t>(seconds * 1000000000u + ns);
  }

  /// @throws data_error "unexpected extra field" when fields remain after the last.
  void finish() const {
    if (p_ != end_) fail(file_, line_, kind_, col_ + 1, "unexpected extra field (the row is too long)", false);
  }

  /// Throws a data_error for the open field: `detail`, e.g. "must be > 0 (got 0)".
  [[noreturn]] void reject(const std::string& what) const { fail(file_, line_, kind_, col_, what); }
  /// Throws a data_error for field `col` of this row.
  [[noreturn]] void reject_at(std::size_t col, const std::string& what) const { fail(file_, line_, kind_, col, what); }

  /// Name of field `col` (1-based) of a message or orderbook row.
  [[nodiscard]] static std::string field_name(file_kind kind, std::size_t col) {
    static constexpr std::string_view message_names[6] = {"time", "type", "order_id", "size", "price", "direction"};
    if (kind == file_kind::message) return col >= 1 && col <= 6 ? std::string(message_names[col - 1]) : std::string();
    if (col == 0) return {};
    static constexpr std::string_view orderbook_names[4] = {"ask_price_", "ask_size_", "bid_price_", "bid_size_"};
    return detail::concat(orderbook_names[(col - 1) % 4], (col - 1) / 4 + 1);
  }

 private:
  // The failure paths are static and take the row's state by value, so that the hot
  // parsers never let the cursor's address escape (it stays in registers).
  [[noreturn, gnu::cold, gnu::noinline]] static void bad_integer(const std::string& file, std::size_t line,
                                                                 file_kind kind, std::size_t col, const char* start,
                                                                 const char* end, int max_digits) {
    const char* q = start;
    if (q != end && *q == '-') ++q;
    std::ptrdiff_t n = 0;
    while (q != end && *q >= '0' && *q <= '9') ++q, ++n;
    if (n > 0 && (q == end || *q == ',')) {
      bad_syntax(file, line, kind, col, start, end, detail::concat("out of range (more than ", max_digits, " digits)"));
    }
    bad_syntax(file, line, kind, col, start, end, "not an integer");
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void bad_time(const std::string& file, std::size_t line, file_kind kind,
                                                              std::size_t col, const char* start, const char* end) {
    bad_syntax(file, line, kind, col, start, end,
               "not a time in seconds after midnight (at most 9 integer digits and 9 decimals)");
  }
  [[noreturn]] static void bad_syntax(const std::string& file, std::size_t line, file_kind kind, std::size_t col,
                                      const char* start, const char* end, const std::string& what) {
    const char* stop = start;
    while (stop != end && *stop != ',') ++stop;
    std::string_view text(start, static_cast<std::size_t>(stop - start));
    constexpr std::size_t shown = 40;
    const std::string got = text.size() > shown ? detail::concat(text.substr(0, shown), "...") : std::string(text);
    fail(file, line, kind, col, detail::concat(what, " (got '", got, "')"));
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fail(const std::string& file, std::size_t line, file_kind kind,
                                                          std::size_t col, const std::string& what, bool named = true) {
    throw data_error(file, line, col, named ? field_name(kind, col) : std::string(), what);
  }

  const std::string& file_;
  std::size_t line_;
  const char* p_;
  const char* end_;
  const char* start_ = nullptr;
  std::size_t col_ = 0;
  file_kind kind_;
};

/// Private: "34200.015105074" for 34200015105074 ns.
inline std::string lobster_seconds(std::int64_t ns) {
  std::string frac = std::to_string(ns % 1000000000);
  frac.insert(0, 9 - frac.size(), '0');
  return detail::concat(ns / 1000000000, '.', frac);
}

}  // namespace detail

}  // namespace footprint
