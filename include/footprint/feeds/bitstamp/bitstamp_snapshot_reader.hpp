/// @file feeds/bitstamp/bitstamp_snapshot_reader.hpp
/// @brief Streams depth snapshots of a Bitstamp order book from a CSV file (plain, gzip or
/// bzip2) or memory, each into a `price_level_book`.
///
/// Format (the `depth20_snapshots.csv.gz` derived from the obAnalytics recording of
/// Bitstamp's `order_book` websocket channel, 2015): a header
/// `local_ts_ms,ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,...,ask_px_N,ask_qty_N,bid_px_N,bid_qty_N`
/// and one row per snapshot: the local receive time in ms since the Unix epoch, then N
/// levels per side, best first (prices in USD, quantities in BTC). N is read from the header
/// (20 in that file). Source of the channel: Bitstamp websocket API v1 (Pusher), channel
/// `order_book`: "top 20 bids and asks" per message.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/types.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace footprint {

/// Reads Bitstamp depth snapshots: each `next()` installs one row into `book()` with
/// `price_level_book::replace_side` on both sides.
///
/// Checks, each raising `data_error` with file, line, column and field: the header names
/// (always thrown, whatever the policy: the file is not this format); per row, the field
/// count, a non-negative integer timestamp that never goes back, numeric prices > 0 and
/// quantities > 0, asks strictly increasing and bids strictly decreasing, and an uncrossed
/// book (best bid < best ask). A level may be empty (both fields empty) when the side is
/// shallower than N; every deeper level of that side must then be empty too. Under
/// `parse_policy::lenient` a malformed row is skipped and counted in `report()`, and the
/// book keeps the previous snapshot.
///
/// Usage: `bitstamp_snapshot_reader r(path); while (r.next()) use(r.book());`.
/// Not copyable; movable. Memory: one row and one book.
class bitstamp_snapshot_reader {
 public:
  /// Opens a snapshot file and reads its header.
  /// @param path the CSV file (plain, gzip or bzip2)
  /// @param policy what to do with a malformed row
  /// @throws data_error when the file cannot be opened, or its header is missing or wrong
  explicit bitstamp_snapshot_reader(const std::string& path, parse_policy policy = parse_policy::strict)
      : lines_(path), policy_(policy) {
    read_header();
  }

  /// Reads snapshots held in memory (no copy: `text` must outlive the reader).
  /// @param name name used in error messages
  /// @param text the whole file, header included
  /// @param policy what to do with a malformed row
  /// @throws data_error when the header is missing or wrong
  bitstamp_snapshot_reader(std::string name, std::string_view text, parse_policy policy = parse_policy::strict)
      : lines_(std::move(name), text), policy_(policy) {
    read_header();
  }

  /// Reads the next snapshot into `book()`.
  /// @return false at the end of the input
  /// @throws data_error on a malformed row (strict policy), or on a read error or a
  ///   truncated compressed file (any policy)
  /// Complexity: O(N) for N levels per side.
  bool next() {
    std::string_view line;
    while (lines_.next(line)) {
      ++report_.lines_read;
      try {
        parse_row(line);
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(policy_, e);
      }
    }
    return false;
  }

  /// The last snapshot: best first on each side; its timestamp is the row's local time in
  /// ns since the Unix epoch.
  [[nodiscard]] const price_level_book& book() const noexcept { return book_; }
  /// Local time of the last snapshot, ns since the Unix epoch.
  [[nodiscard]] std::chrono::nanoseconds local_time() const noexcept { return book_.timestamp(); }
  /// Levels per side in the file (N, from the header).
  [[nodiscard]] index depth() const noexcept { return depth_; }
  /// 1-based line of the last snapshot (the header is line 1).
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// Snapshots returned so far.
  [[nodiscard]] std::size_t snapshots() const noexcept { return snapshots_; }
  /// Lines read (header included) and malformed rows skipped.
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// The policy for malformed rows this reader was made with.
  [[nodiscard]] parse_policy policy() const noexcept { return policy_; }
  /// The file (or buffer) name.
  [[nodiscard]] const std::string& name() const noexcept { return lines_.name(); }

 private:
  static constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max() / 1'000'000;

  void read_header() {
    std::string_view line;
    if (!lines_.next(line)) throw data_error(lines_.name(), 1, 0, "", "empty file (expected a header line)");
    ++report_.lines_read;
    detail::csv_cursor c(lines_.name(), 1, line);
    names_.clear();
    names_.emplace_back("local_ts_ms");
    if (c.next("local_ts_ms") != "local_ts_ms") {
      c.fail(1, "",
             detail::concat("bad header: expected 'local_ts_ms' (got '", line.substr(0, line.find(',')).substr(0, 40),
                            "')"));
    }
    index k = 0;
    while (!c.at_end()) {
      ++k;
      for (const char* base : {"ask_px_", "ask_qty_", "bid_px_", "bid_qty_"}) {
        std::string want = detail::concat(base, k);
        const std::string_view got = c.at_end() ? std::string_view{} : c.next(want);
        if (got != want) {
          c.fail(c.column() + (c.at_end() && got.empty() ? 1 : 0), "",
                 detail::concat("bad header: expected '", want, "' (got '", got.substr(0, 40), "')"));
        }
        names_.push_back(std::move(want));
      }
    }
    if (k == 0) c.fail(2, "", "bad header: no levels (expected ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,...)");
    depth_ = k;
    asks_.reserve(static_cast<std::size_t>(k));
    bids_.reserve(static_cast<std::size_t>(k));
  }

  // Reads one level (price, quantity) of a side whose price is field `col` (0-based) into
  // `out`; an empty level (both fields empty) ends the side.
  void level(detail::csv_cursor& c, std::size_t col, bool& ended, std::vector<price_level>& out, bool asks) {
    const std::string_view px = c.next(names_[col]);
    const std::string_view qty = c.next(names_[col + 1]);
    if (px.empty() && qty.empty()) {
      ended = true;
      return;
    }
    if (ended) c.fail(col + 1, names_[col], "level after an empty level on the same side");
    const double p = positive_at(c, col + 1, px, names_[col], "price");
    const double q = positive_at(c, col + 2, qty, names_[col + 1], "quantity");
    if (!out.empty()) {
      const double prev = out.back().price;
      if (asks ? !(p > prev) : !(p < prev)) {
        c.fail(col + 1, names_[col],
               detail::concat("levels must be strictly ", asks ? "increasing" : "decreasing", " (price ", p, " after ",
                              prev, ")"));
      }
    }
    out.push_back(price_level{p, q});
  }

  // Parses a price or quantity (field `column`, 1-based): finite and > 0.
  static double positive_at(const detail::csv_cursor& c, std::size_t column, std::string_view text,
                            std::string_view field, const char* what) {
    double v = 0.0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (text.empty() || ec != std::errc{} || ptr != last || !std::isfinite(v)) {
      c.fail(column, field, detail::concat("not a number (got '", text.substr(0, 40), "')"));
    }
    if (!(v > 0.0)) c.fail(column, field, detail::concat(what, " must be > 0 (got '", text.substr(0, 40), "')"));
    return v;
  }

  void parse_row(std::string_view line) {
    detail::csv_cursor c(lines_.name(), lines_.line_number(), line);
    const std::int64_t ms = c.next_int("local_ts_ms");
    if (ms < 0 || ms > max_ms) c.fail(1, "local_ts_ms", detail::concat("time out of range (got ", ms, " ms)"));
    if (ms < last_ms_)
      c.fail(1, "local_ts_ms", detail::concat("timestamp goes back (got ", ms, " after ", last_ms_, ")"));
    asks_.clear();
    bids_.clear();
    bool asks_ended = false;
    bool bids_ended = false;
    for (index k = 0; k < depth_; ++k) {
      const std::size_t col = 1 + 4 * static_cast<std::size_t>(k);  // 0-based index of ask_px_k
      level(c, col, asks_ended, asks_, true);
      level(c, col + 2, bids_ended, bids_, false);
    }
    c.expect_end();
    if (!bids_.empty() && !asks_.empty() && bids_.front().price >= asks_.front().price) {
      c.fail(4, names_[3],
             detail::concat("crossed snapshot (best bid ", bids_.front().price, " >= best ask ", asks_.front().price,
                            ")"));
    }
    book_.replace_side(side::sell, asks_);
    book_.replace_side(side::buy, bids_);
    book_.set_timestamp(std::chrono::nanoseconds{ms * 1'000'000});
    last_ms_ = ms;
    line_ = lines_.line_number();
    ++snapshots_;
  }

  line_reader lines_;
  parse_policy policy_;
  parse_report report_;
  price_level_book book_;
  std::vector<std::string> names_;
  std::vector<price_level> asks_;
  std::vector<price_level> bids_;
  index depth_ = 0;
  std::int64_t last_ms_ = std::numeric_limits<std::int64_t>::min();
  std::size_t line_ = 0;
  std::size_t snapshots_ = 0;
};

}  // namespace footprint
