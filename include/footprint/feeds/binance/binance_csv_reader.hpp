/// @file feeds/binance/binance_csv_reader.hpp
/// @brief Streams a Binance capture from its CSV form (three files: depth updates,
/// bookTickers, trades; plain, gzip or bzip2, or memory), merged by local time into the same
/// `binance_event`s as `binance_reader` produces from the raw capture.
///
/// Formats (the `csv/` exports of the hftbacktest captures; values verbatim from the JSON):
/// - depth updates: `local_ts_ns,event_ts_ms,first_update_id,last_update_id,
///   prev_last_update_id,side,price,qty`, one row per price level; consecutive rows with the
///   same local time and ids form one update; `prev_last_update_id` is empty on spot; `side`
///   is `bid` or `ask`; qty 0 deletes the level.
/// - bookTickers: `local_ts_ns,event_ts_ms,update_id,bid_px,bid_qty,ask_px,ask_qty`
///   (`event_ts_ms` empty on spot).
/// - trades: `local_ts_ns,event_ts_ms,trade_ts_ms,trade_id,price,qty,buyer_is_maker,aggressor`
///   (`buyer_is_maker` 0 or 1; `aggressor` `buy` or `sell`, the opposite of the maker).
/// Source of the fields: Binance spot and USD-M futures WebSocket stream documentation
/// (see binance_event.hpp).
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/detail/trade_amount.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace footprint {

/// Reads the CSV form of a Binance capture: three files merged by local time.
///
/// Each `next` returns the message with the smallest local time among the three files
/// (ties: depth update, then bookTicker, then trade); within a file the rows must be in
/// non-decreasing local time. Depth updates go to a `binance_depth_book` exactly as in
/// `binance_reader` (continuity, gaps, stale updates, crossed states); the CSV form carries
/// no snapshot and no diff without levels. On the hftbacktest captures the merged events
/// equal the raw reader's, message for message (the raw files have strictly increasing
/// local times).
///
/// Malformed input (a wrong header, a short or long row, a non-numeric field, a negative
/// quantity, a price <= 0, a trade price or quantity above `max_trade_amount`, U > u,
/// pu >= U, an unknown side, `buyer_is_maker` not 0/1 or contradicting `aggressor`, a local
/// time going back within a file) raises `data_error` with the file, line, column and field.
/// Under `parse_policy::lenient` a malformed row is skipped and counted in `report()` (a
/// header error always throws; a depth update the book rejects, e.g. one with `pu` in a spot
/// stream, counts once). An empty input (no header
/// either) is an absent file. Each file is read one row ahead, so a malformed row raises
/// (strict) one message before its turn, or from the constructor for a file's first row.
///
/// Not copyable; movable.
class binance_csv_reader {
 public:
  /// The largest trade price and quantity read (10^18, as `binance_reader::max_trade_amount`):
  /// a market order's notional, summed over its trades, stays finite.
  static constexpr double max_trade_amount = detail::max_trade_amount;

  /// Header of the depth-updates file.
  static constexpr std::string_view depth_header =
      "local_ts_ns,event_ts_ms,first_update_id,last_update_id,prev_last_update_id,side,price,qty";
  /// Header of the bookTicker file.
  static constexpr std::string_view book_ticker_header =
      "local_ts_ns,event_ts_ms,update_id,bid_px,bid_qty,ask_px,ask_qty";
  /// Header of the trades file.
  static constexpr std::string_view trades_header =
      "local_ts_ns,event_ts_ms,trade_ts_ms,trade_id,price,qty,buyer_is_maker,aggressor";

  /// Opens the three files of a capture; an empty path stands for an absent file.
  /// @param depth_path `*_depth_updates.csv.gz`
  /// @param book_ticker_path `*_bookticker.csv.gz`
  /// @param trades_path `*_trades.csv`
  /// @param options policy, market and replay capacity
  /// @throws data_error when a file cannot be opened or a header is wrong
  binance_csv_reader(const std::string& depth_path, const std::string& book_ticker_path, const std::string& trades_path,
                     binance_options options = {})
      : binance_csv_reader(open(depth_path), open(book_ticker_path), open(trades_path), options) {}

  /// Reads from three line readers (files or memory; an empty one is an absent file).
  /// @throws data_error when a header is wrong
  binance_csv_reader(line_reader depth, line_reader book_ticker, line_reader trades, binance_options options = {})
      : depth_src_(std::move(depth)),
        ticker_src_(std::move(book_ticker)),
        trade_src_(std::move(trades)),
        options_(options),
        depth_(options.market, options.replay_capacity) {
    header(depth_src_, depth_header);
    header(ticker_src_, book_ticker_header);
    header(trade_src_, trades_header);
    advance_depth();
    advance_ticker();
    advance_trade();
  }

  /// Reads the next message (the earliest of the three files).
  /// @param ev receives it; for a depth update `line` is the line of its first row, and its
  ///   spans stay valid until the next call
  /// @return false when all three files are exhausted
  /// @throws data_error on a malformed row (strict policy) or a read error
  bool next(binance_event& ev) {
    for (;;) {
      const int which = earliest();
      if (which < 0) return false;
      try {
        if (which == 0) {
          emit_depth(ev);
        } else if (which == 1) {
          emit_ticker(ev);
        } else {
          emit_trade(ev);
        }
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(options_.policy, e);
      }
    }
  }

  /// The depth book after the last depth update.
  [[nodiscard]] const price_level_book& book() const noexcept { return depth_.book(); }
  /// The depth book with its update-id state and counts.
  [[nodiscard]] const binance_depth_book& depth() const noexcept { return depth_; }
  /// The latest bookTicker.
  [[nodiscard]] const binance_book_ticker& book_ticker() const noexcept { return ticker_; }
  /// Lines read in the three files (headers included) and malformed rows skipped.
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// Messages returned, by kind (`depth_snapshots` stays 0).
  [[nodiscard]] const binance_message_counts& counts() const noexcept { return counts_; }

 private:
  static constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max() / 1'000'000;

  struct depth_row {
    std::int64_t local = 0, first = 0, last = 0, previous = -1;
    std::chrono::nanoseconds event{0};
    side s = side::buy;
    double price = 0.0, quantity = 0.0;
    std::size_t line = 0;
  };
  struct ticker_row {
    std::int64_t local = 0;
    binance_book_ticker ticker;
    std::size_t line = 0;
  };
  struct trade_row {
    std::int64_t local = 0;
    std::chrono::nanoseconds event{0};
    footprint::trade t;
    std::size_t line = 0;
  };
  template <class Row>
  struct source {
    explicit source(line_reader l) : lines(std::move(l)) {}
    line_reader lines;
    std::optional<Row> head;  // the next valid row
    std::int64_t last_local = std::numeric_limits<std::int64_t>::min();
  };

  static line_reader open(const std::string& path) {
    return path.empty() ? line_reader("(absent)", std::string_view{}) : line_reader(path);
  }

  template <class Row>
  void header(source<Row>& src, std::string_view expected) {
    std::string_view line;
    if (!src.lines.next(line)) return;  // empty: an absent file
    ++report_.lines_read;
    if (line != expected) {
      throw data_error(src.lines.name(), 1, 0, "",
                       detail::concat("bad header: expected '", expected, "' (got '", line.substr(0, 120), "')"));
    }
  }

  static std::int64_t local_time(detail::csv_cursor& c, std::int64_t last) {
    const std::int64_t t = c.next_int("local_ts_ns");
    if (t < 0) c.fail(1, "local_ts_ns", detail::concat("must be >= 0 (got ", t, ")"));
    if (t < last) c.fail(1, "local_ts_ns", detail::concat("timestamp goes back (got ", t, " after ", last, ")"));
    return t;
  }
  // The next field as an integer >= 0, or nullopt when it is empty and `optional`.
  static std::optional<std::int64_t> id(detail::csv_cursor& c, std::string_view name, bool optional = false) {
    const std::string_view f = c.next(name);
    if (f.empty() && optional) return std::nullopt;
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (f.empty() || ec != std::errc{} || ptr != f.data() + f.size()) {
      c.fail(c.column(), name, detail::concat("not an integer (got '", f.substr(0, 40), "')"));
    }
    if (v < 0) c.fail(c.column(), name, detail::concat("must be >= 0 (got ", v, ")"));
    return v;
  }
  static std::optional<std::chrono::nanoseconds> millis(detail::csv_cursor& c, std::string_view name,
                                                        bool optional = false) {
    const std::optional<std::int64_t> ms = id(c, name, optional);
    if (!ms) return std::nullopt;
    if (*ms > max_ms) c.fail(c.column(), name, detail::concat("time out of range (got ", *ms, " ms)"));
    return std::chrono::nanoseconds{*ms * 1'000'000};
  }
  static double price(detail::csv_cursor& c, std::string_view name) {
    const double v = c.next_double(name);
    if (!(v > 0.0)) c.fail(c.column(), name, detail::concat("price must be > 0 (got ", v, ")"));
    return v;
  }
  static double quantity(detail::csv_cursor& c, std::string_view name, bool positive) {
    const double v = c.next_double(name);
    if (positive ? !(v > 0.0) : v < 0.0) {
      c.fail(c.column(), name, detail::concat("quantity must be ", positive ? "> 0" : ">= 0", " (got ", v, ")"));
    }
    return v;
  }

  // One side of a bookTicker: price > 0, or price 0 with quantity 0 for an empty side (NaN).
  static void ticker_side(detail::csv_cursor& c, std::string_view px_name, std::string_view qty_name, double& px,
                          double& qty) {
    px = c.next_double(px_name);
    const std::size_t px_column = c.column();
    qty = quantity(c, qty_name, false);
    if (px == 0.0 && qty == 0.0) {
      px = qty = nan;
    } else if (!(px > 0.0)) {
      c.fail(px_column, px_name, detail::concat("price must be > 0 (got ", px, ")"));
    }
  }

  // Reads rows until one parses (or the file ends); malformed rows are skipped or thrown.
  template <class Row, class Parse>
  void advance(source<Row>& src, Parse parse) {
    src.head.reset();
    std::string_view line;
    while (src.lines.next(line)) {
      ++report_.lines_read;
      try {
        detail::csv_cursor c(src.lines.name(), src.lines.line_number(), line);
        Row row = parse(c, src.last_local);
        c.expect_end();
        row.line = src.lines.line_number();
        src.last_local = row.local;
        src.head = std::move(row);
        return;
      } catch (const data_error& e) {
        report_.skip_or_throw(options_.policy, e);
      }
    }
  }

  void advance_depth() {
    advance(depth_src_, [](detail::csv_cursor& c, std::int64_t last) {
      depth_row r;
      r.local = local_time(c, last);
      r.event = *millis(c, "event_ts_ms");
      r.first = *id(c, "first_update_id");
      r.last = *id(c, "last_update_id");
      if (r.first > r.last) {
        c.fail(4, "last_update_id", detail::concat("U must be <= u (got U ", r.first, ", u ", r.last, ")"));
      }
      r.previous = id(c, "prev_last_update_id", true).value_or(-1);
      if (r.previous >= r.first) {
        c.fail(5, "prev_last_update_id", detail::concat("pu must be < U (got pu ", r.previous, ", U ", r.first, ")"));
      }
      const std::string_view s = c.next("side");
      if (s == "bid") {
        r.s = side::buy;
      } else if (s == "ask") {
        r.s = side::sell;
      } else {
        c.fail(6, "side", detail::concat("unknown side (got '", s.substr(0, 40), "'; expected bid or ask)"));
      }
      r.price = price(c, "price");
      r.quantity = quantity(c, "qty", false);
      return r;
    });
  }

  void advance_ticker() {
    advance(ticker_src_, [](detail::csv_cursor& c, std::int64_t last) {
      ticker_row r;
      r.local = local_time(c, last);
      binance_book_ticker& t = r.ticker;
      t.local_time = std::chrono::nanoseconds{r.local};
      t.exchange_time = millis(c, "event_ts_ms", true);
      t.update_id = *id(c, "update_id");
      ticker_side(c, "bid_px", "bid_qty", t.bid_price, t.bid_quantity);
      ticker_side(c, "ask_px", "ask_qty", t.ask_price, t.ask_quantity);
      if (t.bid_price >= t.ask_price) {  // false when a side is empty (NaN)
        c.fail(4, "bid_px", detail::concat("crossed bookTicker (bid ", t.bid_price, " >= ask ", t.ask_price, ")"));
      }
      return r;
    });
  }

  void advance_trade() {
    advance(trade_src_, [this](detail::csv_cursor& c, std::int64_t last) {
      trade_row r;
      r.local = local_time(c, last);
      r.event = *millis(c, "event_ts_ms");
      r.t.time = *millis(c, "trade_ts_ms");
      r.t.id = *id(c, "trade_id");
      // increasing per symbol: a repeated row would count its volume twice
      if (last_trade_id_ >= 0 && r.t.id <= last_trade_id_) {
        c.fail(4, "trade_id",
               r.t.id == last_trade_id_
                   ? detail::concat("repeated trade id ", r.t.id, " (the trade was already read)")
                   : detail::concat("trade id goes back (got ", r.t.id, " after ", last_trade_id_, ")"));
      }
      r.t.price = price(c, "price");
      if (r.t.price > max_trade_amount) c.fail(5, "price", detail::trade_amount_out_of_range(r.t.price));
      r.t.quantity = quantity(c, "qty", true);
      if (r.t.quantity > max_trade_amount) c.fail(6, "qty", detail::trade_amount_out_of_range(r.t.quantity));
      const std::int64_t maker = c.next_int("buyer_is_maker");
      if (maker != 0 && maker != 1) c.fail(7, "buyer_is_maker", detail::concat("must be 0 or 1 (got ", maker, ")"));
      const std::string_view a = c.next("aggressor");
      const std::string_view expected = maker == 1 ? "sell" : "buy";
      if (a != "buy" && a != "sell") {
        c.fail(8, "aggressor", detail::concat("unknown aggressor (got '", a.substr(0, 40), "'; expected buy or sell)"));
      }
      if (a != expected) {
        c.fail(8, "aggressor", detail::concat("aggressor '", a, "' contradicts buyer_is_maker ", maker));
      }
      r.t.sign = maker == 1 ? std::int8_t{-1} : std::int8_t{1};
      return r;
    });
    if (trade_src_.head) last_trade_id_ = trade_src_.head->t.id;
  }

  // Which file holds the earliest pending message: 0 depth, 1 bookTicker, 2 trades; -1 none.
  [[nodiscard]] int earliest() const noexcept {
    int which = -1;
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    const std::optional<std::int64_t> times[3] = {
        depth_src_.head ? std::optional<std::int64_t>(depth_src_.head->local) : std::nullopt,
        ticker_src_.head ? std::optional<std::int64_t>(ticker_src_.head->local) : std::nullopt,
        trade_src_.head ? std::optional<std::int64_t>(trade_src_.head->local) : std::nullopt};
    for (int k = 0; k < 3; ++k) {
      if (times[k] && (which < 0 || *times[k] < best)) {
        which = k;
        best = *times[k];
      }
    }
    return which;
  }

  void emit_depth(binance_event& ev) {
    const depth_row head = *depth_src_.head;
    bids_.clear();
    asks_.clear();
    // Gather the rows of this update: same local time, event time and ids.
    while (depth_src_.head && depth_src_.head->local == head.local && depth_src_.head->first == head.first &&
           depth_src_.head->last == head.last && depth_src_.head->previous == head.previous &&
           depth_src_.head->event == head.event) {
      const depth_row& r = *depth_src_.head;
      (r.s == side::buy ? bids_ : asks_).push_back(price_level{r.price, r.quantity});
      advance_depth();
    }
    const binance_depth_update u{head.first, head.last, head.previous, bids_, asks_};
    binance_depth_result res;
    try {
      res = depth_.apply_update(u, std::chrono::nanoseconds{head.local});
    } catch (const invalid_argument& x) {  // pu on spot, or none on futures
      throw data_error(depth_src_.lines.name(), head.line, 5, "prev_last_update_id", x.what());
    }
    ++counts_.depth_updates;
    binance_event out;
    out.kind = binance_event_kind::depth_update;
    out.local_time = std::chrono::nanoseconds{head.local};
    out.exchange_time = head.event;
    out.line = head.line;
    out.first_update_id = head.first;
    out.last_update_id = head.last;
    out.previous_update_id = head.previous;
    out.bids = bids_;
    out.asks = asks_;
    out.applied = res.applied;
    out.gap = res.gap;
    out.crossed = res.crossed;
    ev = out;
  }

  void emit_ticker(binance_event& ev) {
    const ticker_row r = *ticker_src_.head;
    advance_ticker();
    ticker_ = r.ticker;
    ++counts_.book_tickers;
    binance_event out;
    out.kind = binance_event_kind::book_ticker;
    out.local_time = r.ticker.local_time;
    out.exchange_time = r.ticker.exchange_time;
    out.line = r.line;
    out.ticker = r.ticker;
    ev = out;
  }

  void emit_trade(binance_event& ev) {
    const trade_row r = *trade_src_.head;
    advance_trade();
    ++counts_.trades;
    binance_event out;
    out.kind = binance_event_kind::trade;
    out.local_time = std::chrono::nanoseconds{r.local};
    out.exchange_time = r.event;
    out.line = r.line;
    out.trade = r.t;
    ev = out;
  }

  source<depth_row> depth_src_;
  source<ticker_row> ticker_src_;
  source<trade_row> trade_src_;
  std::int64_t last_trade_id_ = -1;  // the last trade row's id, -1 before the first
  binance_options options_;
  binance_depth_book depth_;
  binance_book_ticker ticker_;
  parse_report report_;
  binance_message_counts counts_;
  std::vector<price_level> bids_;
  std::vector<price_level> asks_;
};

}  // namespace footprint
