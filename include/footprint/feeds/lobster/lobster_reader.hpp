/// @file feeds/lobster/lobster_reader.hpp
/// @brief Streams LOBSTER message + orderbook file pairs: each event with the book after
/// it, executions as trades, and executions grouped into market orders.
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

#include "footprint/feeds/line_reader.hpp"
#include "footprint/book/order_level_book.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/error.hpp"
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

/// The event type of a LOBSTER message (column 2 of the message file).
enum class lobster_event_type : std::uint8_t {
  submit = 1,           ///< 1: submission of a new limit order
  cancel = 2,           ///< 2: cancellation, a *partial* deletion of a limit order (size = shares cancelled)
  delete_order = 3,     ///< 3: deletion, the total deletion of a limit order
  execute_visible = 4,  ///< 4: execution of a visible limit order
  execute_hidden = 5,   ///< 5: execution of a hidden limit order (not in the book)
  cross = 6,            ///< 6: cross trade, e.g. an opening or closing auction print
  halt = 7,             ///< 7: trading halt indicator (price -1 halt, 0 quoting, 1 resume)
};

/// Name of an event type, e.g. "execute_visible".
[[nodiscard]] constexpr std::string_view to_string(lobster_event_type t) noexcept {
  switch (t) {
    case lobster_event_type::submit: return "submit";
    case lobster_event_type::cancel: return "cancel";
    case lobster_event_type::delete_order: return "delete_order";
    case lobster_event_type::execute_visible: return "execute_visible";
    case lobster_event_type::execute_hidden: return "execute_hidden";
    case lobster_event_type::cross: return "cross";
    case lobster_event_type::halt: return "halt";
  }
  return "unknown";
}

/// How a `lobster_reader` reads its files.
struct lobster_options {
  /// strict: the first malformed row raises `data_error`; lenient: malformed rows are
  /// skipped and counted in `lobster_reader::report()`.
  parse_policy policy = parse_policy::strict;
  /// Number of levels k of the orderbook file (4k columns); 0 detects it from the first
  /// orderbook row. Must be >= 0.
  index levels = 0;
};

/// One LOBSTER event: a message row with the book after it.
///
/// The book views point into the reader and are valid until its next `next` call.
struct lobster_event {
  std::chrono::nanoseconds time{0};  ///< since midnight (exchange local time), exact to the ns of the file
  lobster_event_type type = lobster_event_type::submit;  ///< what happened
  std::int64_t order_id = 0;         ///< LOBSTER's order reference (0 for hidden executions in NASDAQ data)
  std::int64_t size = 0;             ///< shares; > 0 except for halts (0)
  std::int64_t price_x10000 = 0;     ///< the price column as written: USD x 10,000; for halts the code -1, 0 or 1
  double price = nan;                ///< USD (`price_x10000 / 10000`); NaN for halts
  /// Side of the *limit order* the message is about: buy = a bid, sell = an ask. For
  /// executions the aggressor is the opposite side (see `aggressor()`). -1 (sell) for halts.
  footprint::side direction = footprint::side::buy;
  book_view book;                    ///< the book after the event (orderbook row `line`), k levels at most
  book_view book_before;             ///< the book after the previous accepted event (empty before the first)
  std::size_t line = 0;              ///< 1-based line of the event in both files

  /// True for executions and cross trades (types 4, 5 and 6): the events that print a trade.
  [[nodiscard]] constexpr bool is_trade() const noexcept {
    return type == lobster_event_type::execute_visible || type == lobster_event_type::execute_hidden ||
           type == lobster_event_type::cross;
  }
  /// True for executions of a limit order (types 4 and 5).
  [[nodiscard]] constexpr bool is_execution() const noexcept {
    return type == lobster_event_type::execute_visible || type == lobster_event_type::execute_hidden;
  }
  /// Direction of the liquidity taker: +1 buyer-initiated (a sell limit order, direction -1,
  /// was executed), -1 seller-initiated, 0 for cross trades and non-trades.
  [[nodiscard]] constexpr std::int8_t aggressor() const noexcept {
    if (!is_execution()) return 0;
    return direction == side::sell ? std::int8_t{1} : std::int8_t{-1};
  }
};

/// The trade print of an event: time, price (USD), size (shares), aggressor sign and order
/// id, for executions and cross trades; std::nullopt for other events.
[[nodiscard]] inline std::optional<trade> to_trade(const lobster_event& ev) noexcept {
  if (!ev.is_trade()) return std::nullopt;
  return trade{ev.time, ev.price, static_cast<double>(ev.size), ev.aggressor(), ev.order_id};
}

/// Applies one LOBSTER event to an order-level book: submit -> `add`, cancel -> `cancel`,
/// delete -> `remove`, visible execution -> `execute` (the last three with the message's
/// side, price and size, so unknown ids follow rule 1 of `order_level_book`); also sets the
/// book's timestamp. Hidden executions, cross trades and halts leave the orders alone.
/// @return true when the event changed (or was meant to change) the orders: types 1 to 4
/// @throws invalid_argument only for events not produced by `lobster_reader` (size <= 0, ...)
inline bool apply(order_level_book& book, const lobster_event& ev) {
  book.set_timestamp(ev.time);
  const auto size = static_cast<double>(ev.size);
  switch (ev.type) {
    case lobster_event_type::submit: book.add(ev.order_id, ev.direction, ev.price, size); return true;
    case lobster_event_type::cancel: book.cancel(ev.order_id, ev.direction, ev.price, size); return true;
    case lobster_event_type::delete_order: book.remove(ev.order_id, ev.direction, ev.price, size); return true;
    case lobster_event_type::execute_visible: book.execute(ev.order_id, ev.direction, ev.price, size); return true;
    case lobster_event_type::execute_hidden:
    case lobster_event_type::cross:
    case lobster_event_type::halt: return false;
  }
  return false;
}

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

  /// Reads the run of decimal digits at `q` (before `end`) into `v` (modulo 2^64) and
  /// advances `q` past it; returns the number of digits. Eight bytes at a time where eight
  /// are left (SWAR, on little-endian machines), then one at a time.
  [[gnu::always_inline]] static std::ptrdiff_t digit_run(const char*& q, const char* end, std::uint64_t& v) noexcept {
    const char* const first = q;
    if constexpr (std::endian::native == std::endian::little) {
      static constexpr std::uint64_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
      while (end - q >= 8) {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, q, 8);
        const std::uint64_t x = chunk ^ 0x3030303030303030ull;  // a digit byte becomes 0..9
        // A byte is flagged when it is not a digit: high nibble set, or low nibble > 9.
        const std::uint64_t flags = (x | (x + 0x0606060606060606ull)) & 0xF0F0F0F0F0F0F0F0ull;
        const int m = flags == 0 ? 8 : std::countr_zero(flags) / 8;
        if (m == 0) break;
        // Keep the m digits (the first chars are the low bytes), as the top bytes of the word:
        // the bytes shifted in are leading zeros.
        std::uint64_t w = chunk << (8 * (8 - m));
        w = ((w & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
        w = ((w & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
        w = ((w & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
        v = v * pow10[m] + w;
        q += m;
        if (m < 8) return q - first;
      }
    }
    while (q != end) {
      const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*q)) - unsigned{'0'};
      if (d > 9) break;
      v = v * 10 + d;
      ++q;
    }
    return q - first;
  }

  /// The open field as an integer of at most `max_digits` (<= 18) digits with an optional '-'.
  [[gnu::always_inline]] std::int64_t integer(int max_digits = 18) {
    const char* q = p_;
    const bool negative = q != end_ && *q == '-';
    if (negative) ++q;
    std::uint64_t v = 0;
    const std::ptrdiff_t n = digit_run(q, end_, v);
    if (n == 0 || n > max_digits || (q != end_ && *q != ',')) bad_integer(file_, line_, kind_, col_, start_, end_, max_digits);
    p_ = q;
    const auto s = static_cast<std::int64_t>(v);
    return negative ? -s : s;
  }

  /// The open field as a time: seconds after midnight, at most 9 integer digits and 9
  /// decimals; returned exactly, in nanoseconds.
  [[gnu::always_inline]] std::int64_t time_ns() {
    static constexpr std::uint64_t pow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
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
  [[noreturn, gnu::cold, gnu::noinline]] static void bad_integer(const std::string& file, std::size_t line, file_kind kind,
                                                                 std::size_t col, const char* start, const char* end,
                                                                 int max_digits) {
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
/// (halts: -1, 0 or 1); directions other than 1 and -1; a time before the previous row's;
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
          throw data_error(message_.name(), orderbook_.line_number(), 0, "",
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
      throw invalid_argument(detail::concat("footprint::lobster_reader: options.levels must be >= 0 (got ", o.levels, ")"));
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

  struct message_fields {
    std::int64_t time_ns;
    std::int64_t type;
    std::int64_t order_id;
    std::int64_t size;
    std::int64_t price;
    std::int64_t direction;
  };

  void read_row(std::string_view msg_line, std::string_view ob_line, std::size_t line, lobster_event& ev) {
    const message_fields m = parse_message(msg_line, line);
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

    ev.time = t;
    ev.type = static_cast<lobster_event_type>(m.type);
    ev.order_id = m.order_id;
    ev.size = m.size;
    ev.price_x10000 = m.price;
    ev.price = ev.type == lobster_event_type::halt ? nan : static_cast<double>(m.price) / 10000.0;
    ev.direction = m.direction == 1 ? side::buy : side::sell;
    ev.book = next_book.view();
    ev.book_before = buffers_[previous_].view();
    ev.line = line;
  }

  message_fields parse_message(std::string_view text, std::size_t line) const {
    row r(message_.name(), line, text, row::file_kind::message);
    message_fields m{};
    r.open(1);
    m.time_ns = r.time_ns();
    if (m.time_ns < last_time_ns_) {
      r.reject(detail::concat("time goes back (", detail::lobster_seconds(m.time_ns), " after ",
                              detail::lobster_seconds(last_time_ns_), ")"));
    }
    r.open(2);
    m.type = r.integer();
    if (m.type < 1 || m.type > 7) r.reject(detail::concat("unknown event type (got ", m.type, "; LOBSTER types are 1 to 7)"));
    const bool halt = m.type == 7;
    r.open(3);
    m.order_id = r.integer();
    r.open(4);
    m.size = r.integer();
    if (halt ? m.size < 0 : m.size <= 0) r.reject(detail::concat(halt ? "must be >= 0" : "must be > 0", " (got ", m.size, ")"));
    r.open(5);
    m.price = r.integer(price_digits);
    if (halt) {
      if (m.price < -1 || m.price > 1) r.reject(detail::concat("a halt (type 7) has price -1, 0 or 1 (got ", m.price, ")"));
    } else if (m.price <= 0) {
      r.reject(detail::concat("must be > 0 (got ", m.price, ")"));
    }
    r.open(6);
    m.direction = r.integer();
    if (m.direction != 1 && m.direction != -1) r.reject(detail::concat("must be 1 or -1 (got ", m.direction, ")"));
    r.finish();
    return m;
  }

  void detect_levels(std::string_view text, std::size_t line) {
    std::size_t fields = 1;
    for (const char c : text) fields += c == ',' ? 1u : 0u;
    if (fields % 4 != 0) {
      throw data_error(orderbook_.name(), line, 0, "",
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
          r.reject_at(col, detail::concat("asks must rise strictly with the level (got ", ap, " after ", prev_ask, ")"));
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
        if (bp <= 0) r.reject_at(col + 2, detail::concat("must be > 0, or -9999999999 at an empty level (got ", bp, ")"));
        if (bs <= 0) r.reject(detail::concat("must be > 0 at an occupied level (got ", bs, ")"));
        if (n_bids > 0 && bp >= prev_bid) {
          r.reject_at(col + 2, detail::concat("bids must fall strictly with the level (got ", bp, " after ", prev_bid, ")"));
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

/// Which executions `lobster_market_order_reader` groups.
struct lobster_grouping_options {
  /// Count executions of hidden orders (type 5) as fills too. Visible executions (type 4)
  /// always count; cross trades (type 6, auctions) never do.
  bool include_hidden = true;
};

/// One market order: the executions with one timestamp and one aggressor side.
struct lobster_market_order {
  std::chrono::nanoseconds time{0};  ///< since midnight, the fills' common timestamp
  std::int8_t sign = 0;              ///< aggressor: +1 buyer-initiated, -1 seller-initiated
  double size = 0.0;                 ///< total shares filled, > 0
  double vwap = nan;                 ///< volume-weighted average fill price, USD
  double worst_price = nan;          ///< USD: the highest fill price of a buy, the lowest of a sell
  std::size_t fills = 0;             ///< number of execution messages, >= 1
  std::size_t hidden_fills = 0;      ///< of which against hidden orders (0 unless include_hidden)
  std::size_t first_line = 0;        ///< 1-based line of the first fill in both files
  price_level_book arrival_book;     ///< the book just before the first fill (after the previous event)
};

/// Groups the executions a `lobster_reader` yields into market orders.
///
/// Rule: among the counted executions (visible ones, plus hidden ones when
/// `include_hidden`), consecutive executions with the same timestamp and the same
/// aggressor sign (see `lobster_event::aggressor`) are the fills of one market order.
/// Other events in between (submissions, deletions, uncounted hidden executions) neither
/// join nor split a group: a market order walking the book is reported by LOBSTER as a run
/// of executions with one timestamp. The arrival book is the book before the first fill.
///
/// The reader must not be advanced by anyone else while this adaptor is in use (it keeps
/// the event after a finished group for the next call).
class lobster_market_order_reader {
 public:
  /// @param reader the event source; must outlive this object
  /// @param options which executions count
  explicit lobster_market_order_reader(lobster_reader& reader, lobster_grouping_options options = {}) noexcept
      : reader_(&reader), options_(options) {}

  /// Reads the next market order.
  /// @param mo receives it (its arrival book reuses its storage); unchanged when false
  /// @return false when the events have ended
  /// @throws data_error as `lobster_reader::next`
  /// Complexity: O(events read); copies the arrival book once per market order.
  bool next(lobster_market_order& mo) {
    bool open = false;
    double notional = 0.0;
    for (;;) {
      if (!pending_ && !reader_->next(ev_)) break;
      pending_ = false;
      if (!counted(ev_)) continue;
      const std::int8_t s = ev_.aggressor();
      if (open && (ev_.time != mo.time || s != mo.sign)) {
        pending_ = true;  // the first fill of the next market order
        break;
      }
      if (!open) {
        open = true;
        mo.time = ev_.time;
        mo.sign = s;
        mo.size = 0.0;
        mo.fills = 0;
        mo.hidden_fills = 0;
        mo.first_line = ev_.line;
        mo.worst_price = ev_.price;
        copy_book(reader_->previous_book(), mo.arrival_book);
      }
      const auto q = static_cast<double>(ev_.size);
      mo.size += q;
      notional += q * static_cast<double>(ev_.price_x10000);  // exact for real sizes and prices
      ++mo.fills;
      if (ev_.type == lobster_event_type::execute_hidden) ++mo.hidden_fills;
      if (s > 0 ? ev_.price > mo.worst_price : ev_.price < mo.worst_price) mo.worst_price = ev_.price;
    }
    // In ticks first, so that fills at one price give exactly that price.
    if (open) mo.vwap = notional / mo.size / 10000.0;
    return open;
  }

 private:
  // Copies a view into a price_level_book, reusing its storage; O(levels).
  static void copy_book(const book_view& from, price_level_book& to) {
    to.clear();
    for (const price_level& l : from.bids_worst_first) to.set_level(side::buy, l.price, l.quantity);
    for (const price_level& l : from.asks_worst_first) to.set_level(side::sell, l.price, l.quantity);
    to.set_timestamp(from.time);
  }

  [[nodiscard]] bool counted(const lobster_event& ev) const noexcept {
    return ev.type == lobster_event_type::execute_visible ||
           (options_.include_hidden && ev.type == lobster_event_type::execute_hidden);
  }

  lobster_reader* reader_;
  lobster_grouping_options options_;
  lobster_event ev_;
  bool pending_ = false;
};

}  // namespace footprint
