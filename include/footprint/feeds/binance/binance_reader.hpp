/// @file feeds/binance/binance_reader.hpp
/// @brief Streams a Binance combined-stream capture (`<local_ts_ns> <json>` per line, plain
/// or gzip/bzip2-compressed, or in memory): diff-depth updates applied to a depth book,
/// bookTickers and trades, in file order.
///
/// The well-formed common messages are read by a fast allocation-free parser (a strict
/// subset of JSON, detail/binance_fast_parse.hpp) with decimals read exactly as
/// `std::from_chars` reads them (detail/decimal.hpp); any other line, and every malformed
/// one, is parsed with nlohmann-json, which decides and words every error. Both give
/// bit-identical events and books. Sources (Binance API documentation):
/// - Spot streams (`<symbol>@depth@100ms`, `<symbol>@bookTicker`, `<symbol>@trade`) and
///   "How to manage a local order book correctly":
///   https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
/// - USD-M futures (`<symbol>@depth@0ms` with `pu`, `<symbol>@bookTicker` with `E`/`T`):
///   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
/// - Combined streams wrap each payload as `{"stream":"<name>","data":<payload>}`.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/binance/detail/binance_fast_parse.hpp"
#include "footprint/feeds/detail/trade_amount.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace footprint {

/// How a `binance_reader` (or `binance_csv_reader`) reads and maintains its book.
struct binance_options {
  parse_policy policy = parse_policy::strict;  ///< malformed lines: throw (strict) or skip and count (lenient)
  binance_market market =
      binance_market::automatic;       ///< continuity rule; automatic: USD-M futures when depth updates carry `pu`
  std::size_t replay_capacity = 1024;  ///< depth updates kept to reconcile a late snapshot (see binance_depth_book)
  /// The unit of the local timestamps: declared, or detected from the first line (the
  /// `binance_reader` only; the CSV reader's columns are named in ns).
  binance_time_unit time_unit = binance_time_unit::automatic;
  /// A line whose local time is further than this from its message's exchange time `E` is
  /// malformed (a wrong unit, a far-future or corrupt stamp that would rescale every
  /// duration); <= 0 disables the check. Default 1 hour. Applies when the local clock is an
  /// epoch clock: a declared unit, or a detected one (a first stamp of at least 1e11);
  /// smaller stamps are a relative clock, read in ns and not compared with E.
  std::chrono::nanoseconds max_clock_skew = std::chrono::hours{1};
  /// Longest line parsed, bytes (the `binance_reader`): the real captures' longest is 64 KB
  /// (a REST snapshot); a longer line is malformed (a counted skip under the lenient policy)
  /// and is not parsed: it bounds what one line costs (a JSON tree takes up to about 75 bytes
  /// per byte of text: 1 MiB, under 80 MB; one unclosed 60 MB line took 4.4 GB). The line
  /// reader's own limit (64 MiB) bounds the line's buffer.
  std::size_t max_line_bytes = std::size_t{1} << 20;
  /// Read the common well-formed messages with the fast parser (the `binance_reader`);
  /// false: parse every line with nlohmann-json (the same events, books and errors, about 5
  /// times slower on the real captures; for differential tests).
  bool fast_parse = true;
};

/// How many messages of each kind a Binance reader returned.
struct binance_message_counts {
  std::size_t depth_updates = 0;    ///< diff-depth events (applied or stale)
  std::size_t depth_snapshots = 0;  ///< REST depth snapshots found in the capture
  std::size_t book_tickers = 0;     ///< bookTicker events
  std::size_t trades = 0;           ///< trade events
  /// Messages of Binance streams the reader does not use (markPrice, aggTrade, kline,
  /// miniTicker, ticker, forceOrder): well-formed lines skipped and counted here, not errors.
  std::size_t unused_streams = 0;
};

/// Reads a Binance combined-stream capture, one message per line: `<local_ts_ns> <json>`.
///
/// The local timestamp is the recorder's clock since the epoch, documented in nanoseconds;
/// some recorders wrote microseconds (the 2023 USD-M captures): the unit is detected from
/// the first line's magnitude unless `binance_options::time_unit` declares it, and every
/// message's local time must lie within `max_clock_skew` of its exchange time `E` (a wrong
/// unit or a corrupt stamp is a located error, not a silent 1000x in every duration).
///
/// Each call to `next` returns the next message as a `binance_event`:
/// - `@depth`, `@depth@100ms` (spot) or `@depth@0ms` (futures) diff-depth updates
///   (`U`, `u`, `pu` on futures, `b`/`a` arrays of [price, quantity] strings, quantity 0
///   deletes) are applied to a `binance_depth_book`, which tracks update-id continuity and
///   reports gaps and stale updates per event (`gap`, `applied`) and in `depth().stats()`;
/// - a line holding a REST depth snapshot (`{"lastUpdateId":..,"bids":..,"asks":..}`, as
///   recorders such as hftbacktest insert one) is installed or reconciled by replay;
/// - `@bookTicker` (`u`, `b`, `B`, `a`, `A`; futures add `E`) becomes the latest ticker;
/// - `@trade` (`t`, `p`, `q`, `T`, `m`) becomes a `footprint::trade` with time `T` and
///   sign -1 when `m` (buyer is maker: a sell aggressor), else +1.
///
/// Without a snapshot the depth book is warmed up from the first diff: levels that rest
/// unchanged since before the capture are missing until an update touches them (see
/// `binance_depth_book`). The book may be crossed then; that is reported, not thrown.
///
/// Malformed input (no timestamp, a non-integer timestamp, a local timestamp going back,
/// invalid JSON, a missing key, a value of the wrong type, a non-numeric or negative
/// price or quantity, a trade price or quantity above `max_trade_amount`, U > u, pu >= U, a
/// symbol change, an unsupported stream, an unordered or crossed snapshot) raises `data_error` naming the file, the line, the column (1: the
/// timestamp, 2: the JSON message) and the field (a JSON path such as `data.b[3][1]`).
/// Under `parse_policy::lenient` the line is skipped and counted in `report()` and the
/// state is as if the line were absent. A truncated or corrupt compressed file always
/// throws (nothing after it can be read).
///
/// Not copyable; movable. Memory: the depth book, the updates kept for replay and one
/// parsed message.
///
/// `Book` is the depth book's book (`basic_binance_depth_book`): `price_level_book` for
/// `binance_reader` (what the datasets use: they read hundreds of levels after each update),
/// or `tick_level_book` (`basic_binance_reader<tick_level_book>`: each update's levels set in
/// O(1), the reader about 1.7x faster when few levels are read; docs/market-data.md).
template <class Book = price_level_book>
class basic_binance_reader {
 public:
  /// The largest trade price and quantity read (10^18): a trade beyond it is malformed (the
  /// sum of price x quantity over a market order's trades, its notional, would overflow to
  /// infinity and the order's VWAP with it).
  static constexpr double max_trade_amount = detail::max_trade_amount;

  /// Opens a capture file (plain, gzip or bzip2).
  /// @param path the file
  /// @param options policy, market and replay capacity
  /// @throws data_error when the file cannot be opened
  explicit basic_binance_reader(const std::string& path, binance_options options = {})
      : lines_(path), options_(options), depth_(options.market, options.replay_capacity) {}

  /// Reads a capture held in memory (no copy: `text` must outlive the reader).
  /// @param name name used in error messages
  /// @param text the whole capture
  /// @param options policy, market and replay capacity
  basic_binance_reader(std::string name, std::string_view text, binance_options options = {})
      : lines_(std::move(name), text), options_(options), depth_(options.market, options.replay_capacity) {}

  /// Reads the lines of an opened `line_reader` (a file opened with its own settings: the
  /// gzip decoder, `read_ahead`).
  /// @param lines the capture's lines, from the first
  /// @param options policy, market and replay capacity
  explicit basic_binance_reader(line_reader lines, binance_options options = {})
      : lines_(std::move(lines)), options_(options), depth_(options.market, options.replay_capacity) {}

  /// Reads the next message.
  /// @param ev receives the message; its spans stay valid until the next call
  /// @return false at the end of the input
  /// @throws data_error on a malformed line (strict policy), or on a read error or a
  ///   truncated compressed stream (any policy)
  /// Complexity: O(message length) to parse, plus `binance_depth_book::apply_update`.
  bool next(binance_event& ev) {
    std::string_view line;
    while (lines_.next(line)) {
      ++report_.lines_read;
      try {
        if (parse_line(line, ev)) return true;  // else a stream the reader does not use, counted
      } catch (const data_error& e) {
        report_.skip_or_throw(options_.policy, e);
      }
    }
    return false;
  }

  /// The depth book after the last depth update or snapshot (best first on each side;
  /// timestamp = local time of that message).
  [[nodiscard]] const Book& book() const noexcept { return depth_.book(); }
  /// The depth book with its update-id state and counts (gaps, stale, crossed, snapshots).
  [[nodiscard]] const basic_binance_depth_book<Book>& depth() const noexcept { return depth_; }
  /// The latest bookTicker (update_id -1 and NaN prices before the first).
  [[nodiscard]] const binance_book_ticker& book_ticker() const noexcept { return ticker_; }
  /// Nanoseconds per unit of the local timestamps (1, 1,000 or 1,000,000): declared, or
  /// detected from the first line; 0 before it.
  [[nodiscard]] std::int64_t local_time_scale() const noexcept { return scale_; }
  /// Lines read and malformed lines skipped (lenient policy).
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// Messages returned, by kind.
  [[nodiscard]] const binance_message_counts& counts() const noexcept { return counts_; }
  /// The symbol of the stream (`s`, e.g. "BTCUSDT"); empty before the first message with one.
  [[nodiscard]] const std::string& symbol() const noexcept { return symbol_; }
  /// The file (or buffer) name.
  [[nodiscard]] const std::string& name() const noexcept { return lines_.name(); }

 private:
  using json = nlohmann::json;
  static constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max() / 1'000'000;

  // ---- errors
  [[noreturn]] void fail(std::size_t column, std::string field, const std::string& what) const {
    throw data_error(lines_.name(), lines_.line_number(), column, std::move(field), what);
  }
  [[noreturn]] void fail_json(std::string field, const std::string& what) const { fail(2, std::move(field), what); }

  // A value as an error message shows it: printed when small and shallow, else described
  // ("an array of 3 entries"). Never printed whole: nlohmann's dump recurses once per level,
  // so a crafted line of 90,000 nested '[' would overflow the stack (issue 22); the check
  // walks at most 33 values, without recursion.
  static std::string brief(const json& v) {
    bool printable = true;
    std::vector<std::pair<const json*, int>> stack{{&v, 0}};
    for (int seen = 0; printable && !stack.empty(); ++seen) {
      const auto [p, depth] = stack.back();
      stack.pop_back();
      if (seen > 32 || depth > 8 || (p->is_structured() && p->size() > 32)) {
        printable = false;
      } else if (p->is_structured()) {
        for (const json& e : *p) stack.emplace_back(&e, depth + 1);
      }
    }
    if (!printable) {
      const auto n = v.size();
      return v.is_array() ? detail::concat("an array of ", n, n == 1 ? " entry" : " entries")
                          : detail::concat("an object of ", n, n == 1 ? " key" : " keys");
    }
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
  }
  static std::string path(std::string_view base, std::size_t i) { return detail::concat(base, '[', i, ']'); }
  static std::string path(std::string_view base, std::size_t i, std::size_t j) {
    return detail::concat(base, '[', i, "][", j, ']');
  }

  // ---- typed access to JSON values
  const json& member(const json& obj, const char* key, std::string_view field) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail_json(std::string(field), "missing key");
    return *it;
  }
  const json& object(const json& v, std::string_view field) const {
    if (!v.is_object()) fail_json(std::string(field), "expected an object (got " + brief(v) + ")");
    return v;
  }
  std::int64_t integer(const json& v, std::string_view field) const {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_json(std::string(field), "integer out of range (got " + brief(v) + ")");
      }
      return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i < 0) fail_json(std::string(field), "must be >= 0 (got " + brief(v) + ")");
      return i;
    }
    fail_json(std::string(field), "expected an integer (got " + brief(v) + ")");
  }
  std::chrono::nanoseconds millis(const json& v, std::string_view field) const {
    const std::int64_t ms = integer(v, field);
    if (ms > max_ms) fail_json(std::string(field), "time out of range (got " + brief(v) + " ms)");
    return std::chrono::nanoseconds{ms * 1'000'000};
  }
  // An exchange event time, checked against the line's local time (max_clock_skew).
  std::chrono::nanoseconds event_time(const json& v, std::string_view field) const {
    const std::chrono::nanoseconds e = millis(v, field);
    check_skew(e, field);
    return e;
  }
  void check_skew(std::chrono::nanoseconds e, std::string_view field) const {
    const std::chrono::nanoseconds skew = local_ > e ? local_ - e : e - local_;
    if (epoch_ && options_.max_clock_skew.count() > 0 && skew > options_.max_clock_skew) {
      fail(1, "local_ts_ns",
           detail::concat("the local time ", local_.count(), " ns is ", std::chrono::duration<double>(skew).count(),
                          " s from the exchange time ", field, " (", e.count() / 1'000'000,
                          " ms): a wrong unit (declare time_unit) or a corrupt stamp"));
    }
  }
  // The local timestamps' unit in ns: declared, or from the first stamp's magnitude.
  std::int64_t unit_scale(std::int64_t ts) {
    switch (options_.time_unit) {
      case binance_time_unit::nanoseconds: return 1;
      case binance_time_unit::microseconds: return 1'000;
      case binance_time_unit::milliseconds: return 1'000'000;
      case binance_time_unit::automatic: break;
    }
    epoch_ = ts >= 100'000'000'000;
    if (ts >= 100'000'000'000'000'000) return 1;
    if (ts >= 100'000'000'000'000) return 1'000;
    if (ts >= 100'000'000'000) return 1'000'000;
    return 1;  // not an epoch-sized stamp (a relative clock): the documented unit, unchecked
  }
  bool boolean(const json& v, std::string_view field) const {
    if (!v.is_boolean()) fail_json(std::string(field), "expected a boolean (got " + brief(v) + ")");
    return v.get<bool>();
  }
  const std::string& string(const json& v, std::string_view field) const {
    if (!v.is_string()) fail_json(std::string(field), "expected a string (got " + brief(v) + ")");
    return v.get_ref<const std::string&>();
  }

  enum class amount : std::uint8_t { price, quantity, positive_quantity };

  // A decimal string: a price (> 0), a quantity (>= 0) or a positive quantity (> 0).
  template <class Field>
  double decimal(const json& v, amount kind, Field&& field) const {
    if (!v.is_string()) fail_json(std::string(field()), "expected a decimal string (got " + brief(v) + ")");
    const std::string& s = v.get_ref<const std::string&>();
    double x = 0.0;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(first, last, x);
    if (s.empty() || ec != std::errc{} || ptr != last || !std::isfinite(x)) {
      fail_json(std::string(field()), "not a number (got '" + s + "')");
    }
    if (kind == amount::price && !(x > 0.0)) fail_json(std::string(field()), "price must be > 0 (got '" + s + "')");
    if (kind == amount::quantity && x < 0.0) fail_json(std::string(field()), "quantity must be >= 0 (got '" + s + "')");
    if (kind == amount::positive_quantity && !(x > 0.0))
      fail_json(std::string(field()), "quantity must be > 0 (got '" + s + "')");
    return x;
  }

  // A trade's price or quantity at most max_trade_amount (`v` its JSON string).
  void check_trade_amount(double x, const json& v, const char* field) const {
    if (x > max_trade_amount)
      fail_json(field, detail::trade_amount_out_of_range("'" + v.get_ref<const std::string&>() + "'"));
  }

  // An array of [price, quantity] string pairs into `out`.
  void levels(const json& arr, std::string_view field, amount qty_kind, std::vector<price_level>& out) const {
    if (!arr.is_array()) fail_json(std::string(field), "expected an array (got " + brief(arr) + ")");
    out.clear();
    out.reserve(arr.size());
    std::size_t i = 0;
    for (const json& pair : arr) {
      if (!pair.is_array() || pair.size() != 2) {
        fail_json(path(field, i), "expected a [price, quantity] pair (got " + brief(pair) + ")");
      }
      const double p = decimal(pair[0], amount::price, [&] { return path(field, i, 0); });
      const double q = decimal(pair[1], qty_kind, [&] { return path(field, i, 1); });
      out.push_back(price_level{p, q});
      ++i;
    }
  }

  // Checks that a snapshot side is strictly ordered best first.
  void ordered(const std::vector<price_level>& v, side s, std::string_view field) const {
    for (std::size_t i = 1; i < v.size(); ++i) {
      const bool ok = s == side::buy ? v[i].price < v[i - 1].price : v[i].price > v[i - 1].price;
      if (!ok) {
        fail_json(path(field, i),
                  detail::concat("levels must be strictly ", s == side::buy ? "decreasing" : "increasing", " (price ",
                                 v[i].price, " after ", v[i - 1].price, ")"));
      }
    }
  }

  void check_symbol(const json& data) { same_symbol(string(member(data, "s", "data.s"), "data.s")); }

  // ---- checks and commits shared by the nlohmann path and the fast path (binance_reader_impl.hpp)
  void same_symbol(std::string_view s);
  void check_ids(std::int64_t first, std::int64_t last) const;
  void check_pu_present(bool present) const;
  void check_pu_order(std::int64_t previous, std::int64_t first) const;
  void check_distinct(const std::vector<price_level>& v, std::string_view field) const;
  // `*_ordered`: the side's prices are known to be strictly monotone (so distinct).
  void finish_depth(std::int64_t first, std::int64_t last, std::int64_t previous, std::chrono::nanoseconds e,
                    binance_event& out, bool bids_ordered = false, bool asks_ordered = false);
  void finish_snapshot(std::int64_t last, std::optional<std::chrono::nanoseconds> e, binance_event& out);
  void finish_ticker(binance_book_ticker t, double bp, double bq, double ap, double aq, binance_event& out);
  void finish_trade(const footprint::trade& t, std::chrono::nanoseconds e, binance_event& out);

  // ---- the fast path (binance_reader_impl.hpp)
  enum class fast_result : std::uint8_t { event, unused, fallback };
  // Reads a well-formed common message into out (checks shared with the nlohmann path, which
  // may throw); fallback (nothing changed but the level buffers bids_, asks_) for anything else.
  fast_result parse_fast(std::string_view text, binance_event& out);

  // ---- one line
  // Parses one line into ev; false (ev untouched) for a stream the reader does not use.
  bool parse_line(std::string_view line, binance_event& ev);

  void parse_depth(const json& data, binance_event& out);

  void parse_snapshot(binance_event& out);

  void parse_ticker(const json& data, binance_event& out);

  // A bookTicker price: > 0, or 0 for an empty side.
  double ticker_price(const json& v, const char* field) const {
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
      const std::string& s = v.get_ref<const std::string&>();
      double x = 0.0;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
      if (ec == std::errc{} && ptr == s.data() + s.size() && x == 0.0) return 0.0;
    }
    return decimal(v, amount::price, [field] { return field; });
  }

  void parse_trade(const json& data, binance_event& out);

  line_reader lines_;
  binance_options options_;
  basic_binance_depth_book<Book> depth_;
  binance_book_ticker ticker_;
  parse_report report_;
  binance_message_counts counts_;
  std::string symbol_;
  std::optional<std::string_view> pending_symbol_;  // the line's symbol, committed with the line
  std::int64_t last_local_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t last_trade_id_ = -1;    // the last trade's id (t), -1 before the first
  std::int64_t scale_ = 0;             // ns per unit of the local timestamps; 0 until the first line
  bool epoch_ = true;                  // the local clock counts from the epoch (declared, or detected): E checks it
  std::chrono::nanoseconds local_{0};  // the current line's local time
  json doc_;
  detail::binance::fast_parser fast_;
  detail::binance::fast_message message_;
  std::vector<price_level> bids_;
  std::vector<price_level> asks_;
};

/// The Binance capture reader, on a `price_level_book`.
using binance_reader = basic_binance_reader<price_level_book>;

}  // namespace footprint

#include "footprint/feeds/binance/binance_reader_impl.hpp"
