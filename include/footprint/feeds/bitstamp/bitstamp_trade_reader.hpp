/// @file feeds/bitstamp/bitstamp_trade_reader.hpp
/// @brief Streams Bitstamp trades from a CSV file (plain, gzip or bzip2) or memory into
/// `footprint::trade`.
///
/// Format (the `trades.csv` derived from the obAnalytics recording of Bitstamp's `trade`
/// websocket channel, 2015): the header
/// `local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,aggressor_by_last_depth20_snapshot`
/// and one row per trade: local receive time in ms since the Unix epoch, Bitstamp's trade
/// id, price in USD, amount in BTC, and two aggressor labels, each `buy`, `sell` or empty:
/// - `aggressor_by_resting_order`: the side of the taker, found by matching the trade to the
///   resting order it filled in the order stream (the resting order's opposite side). In
///   the 2015-05-01 file: 2,762 buy, 1,428 sell, 61 empty (no matching order) of 4,251.
/// - `aggressor_by_last_depth20_snapshot`: a quote rule against the last depth-20 snapshot
///   (often stale, snapshots are about 2.9 s apart): 2,241 buy, 1,940 sell, 70 empty.
#pragma once

#include "footprint/book/trade.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/detail/trade_amount.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace footprint {

/// Reads Bitstamp trades: each `next(t)` fills one `footprint::trade`.
///
/// The trade's `time` is the local receive time (ns since the Unix epoch), `id` the
/// Bitstamp trade id, and `sign` comes from `aggressor_by_resting_order`: +1 for `buy`,
/// -1 for `sell`, 0 when empty (unknown). The quote-rule label of the same row is
/// `snapshot_rule_sign()`.
///
/// Checks, each raising `data_error` with file, line, column and field: the header (always
/// thrown, whatever the policy); per row, exactly 6 fields, a non-negative integer
/// timestamp that never goes back (equal times are fine: one taker order filling several
/// resting orders), a non-negative integer id, a numeric price and amount > 0 and at most
/// `max_amount`, aggressor labels among `buy`, `sell` and empty, and a trade id other than
/// the previous trade's (a repeated message would count its volume twice). Trade ids are not
/// otherwise required to increase (the 2015-05-01 file has 7 decreasing steps and no repeated
/// id), and only the previous id is compared (memory stays constant). Under `parse_policy::lenient`
/// a malformed row is skipped and counted in `report()`.
///
/// Not copyable; movable.
class bitstamp_trade_reader {
 public:
  /// The largest price and amount read (10^18): a trade beyond it is malformed (the sum of
  /// price x amount over a market order's trades would overflow to infinity, and its VWAP).
  static constexpr double max_amount = detail::max_trade_amount;

  /// The header the file must start with.
  static constexpr std::string_view header =
      "local_ts_ms,trade_id,price,amount_btc,aggressor_by_resting_order,aggressor_by_last_depth20_snapshot";

  /// Opens a trades file and checks its header.
  /// @param path the CSV file (plain, gzip or bzip2)
  /// @param policy what to do with a malformed row
  /// @throws data_error when the file cannot be opened, or its header is missing or wrong
  explicit bitstamp_trade_reader(const std::string& path, parse_policy policy = parse_policy::strict)
      : lines_(path), policy_(policy) {
    read_header();
  }

  /// Reads trades held in memory (no copy: `text` must outlive the reader).
  /// @param name name used in error messages
  /// @param text the whole file, header included
  /// @param policy what to do with a malformed row
  /// @throws data_error when the header is missing or wrong
  bitstamp_trade_reader(std::string name, std::string_view text, parse_policy policy = parse_policy::strict)
      : lines_(std::move(name), text), policy_(policy) {
    read_header();
  }

  /// Reads the next trade.
  /// @param t receives the trade (time in ns since the epoch, price in USD, quantity in BTC)
  /// @return false at the end of the input
  /// @throws data_error on a malformed row (strict policy), or on a read error or a
  ///   truncated compressed file (any policy)
  bool next(trade& t) {
    std::string_view line;
    while (lines_.next(line)) {
      ++report_.lines_read;
      try {
        parse_row(line, t);
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(policy_, e);
      }
    }
    return false;
  }

  /// `aggressor_by_last_depth20_snapshot` of the last trade: +1 buy, -1 sell, 0 empty.
  [[nodiscard]] std::int8_t snapshot_rule_sign() const noexcept { return snapshot_sign_; }
  /// 1-based line of the last trade (the header is line 1).
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// Trades returned so far.
  [[nodiscard]] std::size_t trades() const noexcept { return trades_; }
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
    if (line != header) {
      throw data_error(lines_.name(), 1, 0, "",
                       detail::concat("bad header: expected '", header, "' (got '", line.substr(0, 120), "')"));
    }
  }

  static std::int8_t aggressor(const detail::csv_cursor& c, std::string_view text, std::string_view field) {
    if (text == "buy") return 1;
    if (text == "sell") return -1;
    if (text.empty()) return 0;
    c.fail(c.column(), field,
           detail::concat("unknown aggressor (got '", text.substr(0, 40), "'; expected buy, sell or empty)"));
  }

  void parse_row(std::string_view line, trade& out) {
    detail::csv_cursor c(lines_.name(), lines_.line_number(), line);
    const std::int64_t ms = c.next_int("local_ts_ms");
    if (ms < 0 || ms > max_ms) c.fail(1, "local_ts_ms", detail::concat("time out of range (got ", ms, " ms)"));
    if (ms < last_ms_)
      c.fail(1, "local_ts_ms", detail::concat("timestamp goes back (got ", ms, " after ", last_ms_, ")"));
    trade t;
    t.time = std::chrono::nanoseconds{ms * 1'000'000};
    t.id = c.next_int("trade_id");
    if (t.id < 0) c.fail(2, "trade_id", detail::concat("must be >= 0 (got ", t.id, ")"));
    if (t.id == last_id_)
      c.fail(2, "trade_id", detail::concat("duplicate trade id ", t.id, " (the previous row's: a repeated message)"));
    t.price = c.next_double("price");
    if (!(t.price > 0.0)) c.fail(3, "price", detail::concat("price must be > 0 (got ", t.price, ")"));
    if (t.price > max_amount) c.fail(3, "price", detail::trade_amount_out_of_range(t.price));
    t.quantity = c.next_double("amount_btc");
    if (!(t.quantity > 0.0)) c.fail(4, "amount_btc", detail::concat("amount must be > 0 (got ", t.quantity, ")"));
    if (t.quantity > max_amount) c.fail(4, "amount_btc", detail::trade_amount_out_of_range(t.quantity));
    t.sign = aggressor(c, c.next("aggressor_by_resting_order"), "aggressor_by_resting_order");
    const std::int8_t snapshot_sign =
        aggressor(c, c.next("aggressor_by_last_depth20_snapshot"), "aggressor_by_last_depth20_snapshot");
    c.expect_end();
    out = t;
    snapshot_sign_ = snapshot_sign;
    last_ms_ = ms;
    last_id_ = t.id;
    line_ = lines_.line_number();
    ++trades_;
  }

  line_reader lines_;
  parse_policy policy_;
  parse_report report_;
  std::int8_t snapshot_sign_ = 0;
  std::int64_t last_ms_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t last_id_ = -1;  // the id of the last trade returned; -1 before the first
  std::size_t line_ = 0;
  std::size_t trades_ = 0;
};

}  // namespace footprint
