/// @file feeds/lobster/lobster_reader.hpp
/// @brief Streams LOBSTER message + orderbook file pairs: each event with the book after
/// it (`lobster_event`, feeds/lobster/lobster_event.hpp). Executions grouped into market
/// orders: feeds/lobster/lobster_market_order_reader.hpp.
///
/// Source: LOBSTER (Limit Order Book System - The Efficient Reconstructor,
/// https://lobsterdata.com, Humboldt-Universitaet zu Berlin), "Sample Files Readme",
/// version of 1 Sept 2013 (LOBSTER_SampleFiles_ReadMe.txt): a message file of N rows
/// `time,type,order_id,size,price,direction` and an orderbook file of N rows of 4k columns
/// `ask_price_1,ask_size_1,bid_price_1,bid_size_1,...,bid_size_k`; row i of the orderbook
/// file is the book after message i. Prices are USD x 10,000; empty levels hold
/// 9999999999 (asks) or -9999999999 (bids) with size 0. Type 6 (cross trade, e.g. an
/// auction print) is from LOBSTER's online documentation.
#pragma once

#include "footprint/book/order_level_book.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/lobster/detail/lobster_row.hpp"
#include "footprint/feeds/lobster/lobster_event.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/instrument.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
namespace footprint {

/// How a `lobster_reader` reads its files.
struct lobster_options {
  /// strict: the first malformed row raises `data_error`; lenient: malformed rows are
  /// skipped and counted in `lobster_reader::report()`.
  parse_policy policy = parse_policy::strict;
  /// Number of levels k of the orderbook file (4k columns); 0 detects it from the first
  /// orderbook row. Must be >= 0.
  index levels = 0;
};

/// Streams a LOBSTER message file and its orderbook file together, one event at a time.
///
/// Usage:
/// @code
/// footprint::lobster_reader r(message_path, orderbook_path);
/// footprint::lobster_event ev;
/// while (r.next(ev)) { /* ev.time, ev.type, ..., ev.book */ }
/// @endcode
/// Each file may be plain, gzip or bzip2 (detected from its first bytes, see
/// `line_reader`). Memory use is constant: two line buffers and one row of k levels.
/// The number of levels k comes from the first orderbook row (4k columns) unless
/// `lobster_options::levels` fixes it.
///
/// Validation (`data_error` with `file:line:column: field 'name': detail`): rows with too
/// few or too many fields; fields that are not integers (or, for the time, not seconds with
/// at most 9 decimals); event types outside 1..7; sizes <= 0 (< 0 for halts); prices <= 0
/// (halts: -1, 0 or 1); directions other than 1 and -1; a time before the previous row's, or
/// not within the file's day (86,400 s or more after midnight);
/// orderbook levels that are not strictly ordered away from the best, empty levels (price
/// +/-9999999999) with a size other than 0 or followed by occupied ones, occupied levels
/// with a size <= 0; crossed books (best bid >= best ask); files with different line counts.
/// Integer fields have at most 18 digits, prices at most 15 (so that they stay exact and
/// ordered as doubles). Under `parse_policy::lenient` a malformed row (the message line and
/// the orderbook line together) is skipped and counted in `report()`, as is each line of
/// the longer file past the end of the shorter one. A malformed row changes nothing (under
/// either policy): `book()`, `previous_book()` and the time later rows are checked against
/// stay those of the last accepted event, so the next event's `book_before` is the book
/// after the last accepted one, and after a `data_error` under the strict policy `next`
/// may be called again to go on with the following row.
///
/// Not copyable; movable.
class lobster_reader {
 public:
  /// Tag type selecting the in-memory constructor.
  struct in_memory_t {
    explicit in_memory_t() = default;
  };
  /// Tag value: `lobster_reader(lobster_reader::in_memory, message_text, orderbook_text)`.
  static constexpr in_memory_t in_memory{};

  /// Opens a message file and its orderbook file (each plain, gzip or bzip2).
  /// @param message_path   the `..._message_k.csv` file
  /// @param orderbook_path the matching `..._orderbook_k.csv` file
  /// @param options        policy and levels (levels >= 0)
  /// @throws data_error when a file cannot be opened
  /// @throws invalid_argument when options.levels < 0
  lobster_reader(const std::string& message_path, const std::string& orderbook_path, lobster_options options = {})
      : options_(checked(options)), message_(message_path), orderbook_(orderbook_path) {}

  /// Reads a message file and an orderbook file held in memory (no copy: both texts must
  /// outlive the reader).
  /// @param message_text, orderbook_text the whole content of each file
  /// @param options policy and levels (levels >= 0)
  /// @param message_name, orderbook_name names used in error messages
  /// @throws invalid_argument when options.levels < 0
  lobster_reader(in_memory_t, std::string_view message_text, std::string_view orderbook_text,
                 lobster_options options = {}, std::string message_name = "message",
                 std::string orderbook_name = "orderbook")
      : options_(checked(options)),
        message_(std::move(message_name), message_text),
        orderbook_(std::move(orderbook_name), orderbook_text) {}

  lobster_reader(const lobster_reader&) = delete;
  lobster_reader& operator=(const lobster_reader&) = delete;
  lobster_reader(lobster_reader&&) noexcept = default;
  lobster_reader& operator=(lobster_reader&&) noexcept = default;
  ~lobster_reader() = default;

  /// Reads the next event and the book after it.
  /// @param ev receives the event; its book views are valid until the next call. Unchanged
  ///           when the call returns false or throws.
  /// @return false when both files have ended (and on every later call)
  /// @throws data_error under parse_policy::strict for a malformed row (see the class
  ///         comment; the row is consumed and changes nothing, so calling `next` again goes
  ///         on with the following row), and under either policy when a file cannot be read
  ///         or a compressed stream is corrupt
  /// Complexity: O(length of the two lines); no allocation after the first row.
  bool next(lobster_event& ev) {
    std::string_view msg_line;
    std::string_view ob_line;
    for (;;) {
      const bool has_msg = message_.next(msg_line);
      const bool has_ob = orderbook_.next(ob_line);
      if (!has_msg && !has_ob) return false;
      ++report_.lines_read;
      try {
        if (!has_ob) {
          throw data_error(orderbook_.name(), message_.line_number(), 0, "",
                           detail::concat("the orderbook file ends before the message file (no row for message line ",
                                          message_.line_number(), ")"));
        }
        if (!has_msg) {
          throw data_error(
              message_.name(), orderbook_.line_number(), 0, "",
              detail::concat("the message file ends before the orderbook file (no message for orderbook line ",
                             orderbook_.line_number(), ")"));
        }
        read_row(msg_line, ob_line, message_.line_number(), ev);
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(options_.policy, e);
      }
    }
  }

  /// Number of levels k of the orderbook file (0 until the first row fixed it).
  [[nodiscard]] index levels() const noexcept { return levels_; }
  /// The book after the last event returned (empty before the first); a view into the
  /// reader, valid until the next call of `next`. O(1).
  [[nodiscard]] book_view book() const noexcept { return buffers_[current_].view(); }
  /// The book before the last event returned, i.e. after the accepted event before it
  /// (empty at first); valid until the next call of `next`. O(1).
  [[nodiscard]] book_view previous_book() const noexcept { return buffers_[previous_].view(); }
  /// Lines read and rows skipped so far (rows are counted in pairs of lines).
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// The message file's name (or the name given for a buffer).
  [[nodiscard]] const std::string& message_file() const noexcept { return message_.name(); }
  /// The orderbook file's name (or the name given for a buffer).
  [[nodiscard]] const std::string& orderbook_file() const noexcept { return orderbook_.name(); }

 private:
  using row = detail::lobster_row;
  static constexpr std::int64_t empty_ask = 9999999999;
  static constexpr std::int64_t empty_bid = -9999999999;
  static constexpr int price_digits = 15;

  static lobster_options checked(lobster_options o) {
    if (o.levels < 0) {
      throw invalid_argument(
          detail::concat("footprint::lobster_reader: options.levels must be >= 0 (got ", o.levels, ")"));
    }
    return o;
  }

  // One book of at most k levels per side, each array worst first with the occupied
  // levels at its end.
  struct levels_buffer {
    std::vector<price_level> asks;
    std::vector<price_level> bids;
    std::size_t n_asks = 0;
    std::size_t n_bids = 0;
    std::chrono::nanoseconds time{0};

    [[nodiscard]] book_view view() const noexcept {
      return book_view{std::span<const price_level>(bids.data() + (bids.size() - n_bids), n_bids),
                       std::span<const price_level>(asks.data() + (asks.size() - n_asks), n_asks), time};
    }
  };

  void read_row(std::string_view msg_line, std::string_view ob_line, std::size_t line, lobster_event& ev) {
    const detail::lobster_message m = detail::parse_lobster_message(message_.name(), line, msg_line, last_time_ns_);
    if (levels_ == 0) detect_levels(ob_line, line);
    // Parse into the scratch buffer; a malformed row leaves the two visible books alone.
    const unsigned scratch = 3u - current_ - previous_;
    levels_buffer& next_book = buffers_[scratch];
    parse_orderbook(ob_line, line, next_book);

    // The row is valid: commit it.
    const std::chrono::nanoseconds t{m.time_ns};
    next_book.time = t;
    previous_ = current_;
    current_ = scratch;
    last_time_ns_ = m.time_ns;

    detail::fill_lobster_event(m, line, ev);
    ev.book = next_book.view();
    ev.book_before = buffers_[previous_].view();
  }

  void detect_levels(std::string_view text, std::size_t line) {
    std::size_t fields = 1;
    for (const char c : text) fields += c == ',' ? 1u : 0u;
    if (fields % 4 != 0) {
      throw data_error(
          orderbook_.name(), line, 0, "",
          detail::concat("an orderbook row has 4 fields per level (ask price, ask size, bid price, bid size); got ",
                         fields, " fields"));
    }
    levels_ = static_cast<index>(fields / 4);
  }

  // Parses and checks an orderbook row into `out` (the scratch buffer: it may be left
  // half-written when the row is malformed).
  void parse_orderbook(std::string_view text, std::size_t line, levels_buffer& out) {
    const auto k = static_cast<std::size_t>(levels_);
    if (out.asks.size() != k) {
      // Until a valid row sized the buffer: no more room than the row's fields can fill
      // (a row with fewer than 4k fields fails before it writes past them), so that a huge
      // options.levels costs no memory before the data agrees with it.
      std::size_t fields = 1;
      for (const char c : text) fields += c == ',' ? 1u : 0u;
      const std::size_t room = std::min(k, fields / 4 + 1);
      out.asks.resize(room);
      out.bids.resize(room);
      out.n_asks = 0;
      out.n_bids = 0;
    }
    // Level j (0 = best) goes to index k - 1 - j: the occupied levels end up as the tail
    // of each array, worst first, as book_view wants them.
    price_level* const asks_end = out.asks.data() + out.asks.size();
    price_level* const bids_end = out.bids.data() + out.bids.size();
    std::size_t n_asks = 0;
    std::size_t n_bids = 0;
    row r(orderbook_.name(), line, text, row::file_kind::orderbook);
    bool asks_open = true;
    bool bids_open = true;
    std::int64_t prev_ask = 0;
    std::int64_t prev_bid = 0;
    std::int64_t best_ask = 0;
    std::int64_t best_bid = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t col = 4 * j + 1;
      r.open(col);
      const std::int64_t ap = r.integer(price_digits);
      r.open(col + 1);
      const std::int64_t as = r.integer();
      if (ap == empty_ask) {
        if (as != 0) r.reject(detail::concat("must be 0 at an empty level (price 9999999999; got ", as, ")"));
        asks_open = false;
      } else {
        if (!asks_open) r.reject_at(col, detail::concat("an occupied level after an empty one (got ", ap, ")"));
        if (ap <= 0) r.reject_at(col, detail::concat("must be > 0, or 9999999999 at an empty level (got ", ap, ")"));
        if (as <= 0) r.reject(detail::concat("must be > 0 at an occupied level (got ", as, ")"));
        if (n_asks > 0 && ap <= prev_ask) {
          r.reject_at(col,
                      detail::concat("asks must rise strictly with the level (got ", ap, " after ", prev_ask, ")"));
        }
        if (n_asks == 0) best_ask = ap;
        prev_ask = ap;
        *(asks_end - 1 - n_asks++) = price_level{static_cast<double>(ap) / 10000.0, static_cast<double>(as)};
      }
      r.open(col + 2);
      const std::int64_t bp = r.integer(price_digits);
      r.open(col + 3);
      const std::int64_t bs = r.integer();
      if (bp == empty_bid) {
        if (bs != 0) r.reject(detail::concat("must be 0 at an empty level (price -9999999999; got ", bs, ")"));
        bids_open = false;
      } else {
        if (!bids_open) r.reject_at(col + 2, detail::concat("an occupied level after an empty one (got ", bp, ")"));
        if (bp <= 0)
          r.reject_at(col + 2, detail::concat("must be > 0, or -9999999999 at an empty level (got ", bp, ")"));
        if (bs <= 0) r.reject(detail::concat("must be > 0 at an occupied level (got ", bs, ")"));
        if (n_bids > 0 && bp >= prev_bid) {
          r.reject_at(col + 2,
                      detail::concat("bids must fall strictly with the level (got ", bp, " after ", prev_bid, ")"));
        }
        if (n_bids == 0) best_bid = bp;
        prev_bid = bp;
        *(bids_end - 1 - n_bids++) = price_level{static_cast<double>(bp) / 10000.0, static_cast<double>(bs)};
      }
    }
    r.finish();
    if (n_asks > 0 && n_bids > 0 && best_bid >= best_ask) {
      r.reject_at(3, detail::concat("crossed book (best bid ", best_bid, " >= best ask ", best_ask, ")"));
    }
    out.n_asks = n_asks;
    out.n_bids = n_bids;
  }

  lobster_options options_;
  line_reader message_;
  line_reader orderbook_;
  index levels_ = options_.levels;
  levels_buffer buffers_[3];  // the book after the last event, the one before it, and scratch
  unsigned current_ = 0;
  unsigned previous_ = 1;
  std::int64_t last_time_ns_ = 0;
  parse_report report_;
};

/// The instrument of a LOBSTER file pair: the symbol from the message file's name (the part
/// before the first underscore, e.g. "GOOG" for `GOOG_2012-06-21_34200000_57600000_message_1.csv`),
/// NASDAQ shares, a tick of 0.01 USD and a lot of 1 share (LOBSTER's sample files are NASDAQ
/// equities; prices are USD x 10,000).
/// @param message_file the message file's path or name
[[nodiscard]] inline instrument lobster_instrument(std::string_view message_file) {
  std::string_view name = message_file;
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name = name.substr(slash + 1);
  const std::string_view symbol = name.substr(0, name.find('_'));
  return instrument{.symbol = symbol.empty() ? std::string("LOBSTER") : std::string(symbol),
                    .venue = "NASDAQ",
                    .quantity_unit = quantity_unit::shares,
                    .tick_size = 0.01,
                    .lot_size = 1.0};
}

}  // namespace footprint
