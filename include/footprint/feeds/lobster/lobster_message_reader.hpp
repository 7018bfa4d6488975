/// @file feeds/lobster/lobster_message_reader.hpp
/// @brief Streams a LOBSTER message file alone, without its orderbook file: the events an
/// order-level (L3) book is rebuilt from (`apply(order_level_book&, const lobster_event&)`).
///
/// Source: LOBSTER (Limit Order Book System - The Efficient Reconstructor,
/// https://lobsterdata.com, Humboldt-Universitaet zu Berlin), "Sample Files Readme",
/// version of 1 Sept 2013 (LOBSTER_SampleFiles_ReadMe.txt): message rows
/// `time,type,order_id,size,price,direction`, prices USD x 10,000.
#pragma once

#include "footprint/error.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/lobster/detail/lobster_row.hpp"
#include "footprint/feeds/lobster/lobster_event.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace footprint {

/// How a `lobster_message_reader` reads its file.
struct lobster_message_options {
  /// strict: the first malformed row raises `data_error`; lenient: malformed rows are
  /// skipped and counted in `lobster_message_reader::report()`.
  parse_policy policy = parse_policy::strict;
};

/// Streams a LOBSTER message file, one event at a time, without the orderbook file.
///
/// Usage, rebuilding the order-level book:
/// @code
/// footprint::lobster_message_reader r(message_path);
/// footprint::order_level_book book;
/// footprint::lobster_event ev;
/// while (r.next(ev)) footprint::apply(book, ev, file_levels);  // the file's k, 0 if unknown
/// @endcode
/// (`file_levels` lets `apply` take out the levels of orders cancelled while outside the
/// file's k levels, which the file does not show: rule 5 of `order_level_book`.)
/// An order-level book needs the messages only: `lobster_reader` also reads and checks the
/// orderbook file (LOBSTER's own k-level reconstruction, 4k columns a row), which is most of
/// its time on a level-10 file. The events are `lobster_reader`'s, field for field, except
/// that `book` and `book_before` are empty. The file may be plain, gzip or bzip2 (see
/// `line_reader`); memory use is constant (one line buffer).
///
/// Validation: each row as `lobster_reader` checks its message row, with the same
/// `data_error` (`file:line:column: field 'name': detail`): six fields, the time in seconds
/// after midnight with at most 9 decimals and never before the previous accepted row's,
/// types 1 to 7, sizes > 0 (>= 0 for halts), prices > 0 of at most 15 digits (halts: -1, 0
/// or 1), directions 1 or -1. What only the orderbook file shows (crossed or unordered
/// levels, files of different lengths) is not checked. Under `parse_policy::lenient` a
/// malformed row is skipped and counted in `report()`; it changes nothing, and under the
/// strict policy `next` may be called again after a `data_error` to go on with the next row.
///
/// Not copyable; movable.
class lobster_message_reader {
 public:
  /// Tag type selecting the in-memory constructor.
  struct in_memory_t {
    explicit in_memory_t() = default;
  };
  /// Tag value: `lobster_message_reader(lobster_message_reader::in_memory, text)`.
  static constexpr in_memory_t in_memory{};

  /// Opens a message file (plain, gzip or bzip2).
  /// @param message_path the `..._message_k.csv` file
  /// @throws data_error when the file cannot be opened
  explicit lobster_message_reader(const std::string& message_path, lobster_message_options options = {})
      : options_(options), message_(message_path) {}

  /// Reads a message file held in memory (no copy: the text must outlive the reader).
  /// @param message_text the whole content of the file
  /// @param message_name the name used in error messages
  lobster_message_reader(in_memory_t, std::string_view message_text, lobster_message_options options = {},
                         std::string message_name = "message")
      : options_(options), message_(std::move(message_name), message_text) {}

  /// Reads the lines of an opened `line_reader` (a file opened with its own settings: the
  /// gzip decoder, `read_ahead`). @param message the message file's lines, from the first
  explicit lobster_message_reader(line_reader message, lobster_message_options options = {})
      : options_(options), message_(std::move(message)) {}

  lobster_message_reader(const lobster_message_reader&) = delete;
  lobster_message_reader& operator=(const lobster_message_reader&) = delete;
  lobster_message_reader(lobster_message_reader&&) noexcept = default;
  lobster_message_reader& operator=(lobster_message_reader&&) noexcept = default;
  ~lobster_message_reader() = default;

  /// Reads the next event.
  /// @param ev receives the event, with empty `book` and `book_before`; unchanged when the
  ///           call returns false or throws
  /// @return false when the file has ended (and on every later call)
  /// @throws data_error under parse_policy::strict for a malformed row (the row is consumed
  ///         and changes nothing), and under either policy when the file cannot be read or a
  ///         compressed stream is corrupt
  /// Complexity: O(length of the line); no allocation.
  bool next(lobster_event& ev) {
    std::string_view line;
    while (message_.next(line)) {
      ++report_.lines_read;
      try {
        const detail::lobster_message m =
            detail::parse_lobster_message(message_.name(), message_.line_number(), line, last_time_ns_);
        last_time_ns_ = m.time_ns;
        detail::fill_lobster_event(m, message_.line_number(), ev);
        ev.book = {};
        ev.book_before = {};
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(options_.policy, e);
      }
    }
    return false;
  }

  /// Lines read and rows skipped so far.
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// The message file's name (or the name given for a buffer).
  [[nodiscard]] const std::string& message_file() const noexcept { return message_.name(); }

 private:
  lobster_message_options options_;
  line_reader message_;
  std::int64_t last_time_ns_ = 0;
  parse_report report_;
};

}  // namespace footprint
