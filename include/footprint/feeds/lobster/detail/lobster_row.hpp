/// @file feeds/lobster/detail/lobster_row.hpp
/// @brief Private to feeds/: the hand-written parser of one LOBSTER row (message or
/// orderbook), used by `lobster_reader`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/digits.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/lobster/lobster_event.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace footprint {

namespace detail {

/// Private: reads a LOBSTER time at `q` (seconds after midnight, 1-9 digits, then optionally
/// '.' and 1-9 decimals) into `ns`, exactly, and advances `q` past it; false (q and ns
/// unspecified) when the text there is not one. What follows is the caller's to check.
[[gnu::always_inline]] inline bool read_lobster_time(const char*& q, const char* end, std::int64_t& ns) noexcept {
  std::uint64_t seconds = 0;
  const std::ptrdiff_t n_int = digit_run(q, end, seconds);
  if (n_int < 1 || n_int > 9) return false;
  std::uint64_t frac = 0;
  if (q != end && *q == '.') {
    ++q;
    const std::ptrdiff_t n_frac = digit_run(q, end, frac);
    if (n_frac < 1 || n_frac > 9) return false;
    frac *= pow10_u64[9 - n_frac];
  }
  ns = static_cast<std::int64_t>(seconds * 1000000000u + frac);
  return true;
}

/// Private: `read_lobster_time` for the shape of the times in a trading day's file,
/// "SSSSS.D...D," (5 digits, '.', 2 to 9 decimals, the comma after: 34200 to 57600 s), read
/// from two 8-byte words without a loop or a branch per digit; `q` is left at the comma.
/// False, with q and ns untouched, for anything else (fewer than 16 bytes, another shape),
/// which `read_lobster_time` then reads. Little-endian only (else always false).
[[gnu::always_inline]] inline bool read_lobster_time_5d(const char*& q, const char* end, std::int64_t& ns) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if (end - q < 16) return false;
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    std::memcpy(&w0, q, 8);
    std::memcpy(&w1, q + 8, 8);
    // A flag past the first non-digit may be a carry's (then the loop reader reads the time).
    constexpr std::uint64_t byte5 = 0xFFull << 40;
    const std::uint64_t tail = non_digit_flags(w1);  // the first flag is the byte after the decimals
    if ((non_digit_flags(w0) & ~byte5) != 0 || (w0 & byte5) != (std::uint64_t{'.'} << 40) || tail == 0) return false;
    const int comma = 8 + std::countr_zero(tail) / 8;  // 8..15: 2 to 9 decimals
    if (q[comma] != ',') return false;
    const int n = comma - 6;         // decimals
    const int head = n < 8 ? n : 8;  // the first up to eight, from one word
    // the seconds' five digits and the first up to eight decimals, converted together
    const digit_pair d = swar_digits2(w0 << 24, digit_word(q + 6, head));
    std::uint64_t frac = d.second * 10;                           // as if followed by a 0
    if (n == 9) frac += static_cast<std::uint64_t>(q[14] - '0');  // the ninth
    frac *= pow10_u64[8 - head];                                  // to nanoseconds
    ns = static_cast<std::int64_t>(d.first * 1000000000u + frac);
    q += comma;
    return true;
  } else {
    (void)q;
    (void)end;
    (void)ns;
    return false;
  }
}

/// Private: the order id, size and price of a message row at `q` (the id's first byte),
/// "<id>,<size>,<price>," of 1-14, 1-8 and 1-7 digits: the id's and the size's ends from one
/// 16-byte compare (SSE2), each field checked and combined from 8-byte words, so that no
/// field waits for the scan of the one before it. `q` is left after the price's comma. False,
/// with q and the values untouched, for anything else (another shape, longer fields, fewer
/// bytes), which `digit_run` then reads; a size or price of 0 is refused too. Little-endian
/// with SSE2 only (else always false).
[[gnu::always_inline]] inline bool read_lobster_id_size_price(const char*& q, const char* end, std::uint64_t& id,
                                                              std::uint64_t& size, std::uint64_t& price) noexcept {
#if defined(__SSE2__)
  if constexpr (std::endian::native == std::endian::little) {
    if (end - q < 16) return false;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const auto commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(','))));
    const auto digits = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)))));
    // The id's and the size's ends: the first two bytes that are not digits (which also
    // checks every byte before them), and both commas.
    const unsigned others = ~digits & 0xFFFFu;
    const int c1 = std::countr_zero(others);
    const int c2 = std::countr_zero(others & (others - 1));  // 32 when there is none
    if (c2 > 15 || c1 < 1 || c2 - c1 - 1 < 1 || c2 - c1 - 1 > 8 || ((commas >> c1) & (commas >> c2) & 1u) == 0)
      return false;
    const char* const sizes = q + c1 + 1;
    const char* const prices = q + c2 + 1;
    if (end - prices < 8) return false;  // the price's word (the size's ends before it)
    const auto word = [](const char* at) {
      std::uint64_t w = 0;
      std::memcpy(&w, at, 8);
      return w;
    };
    const std::uint64_t w0 = word(q);
    const std::uint64_t w1 = word(q + 8);
    const std::uint64_t ws = word(sizes);
    const std::uint64_t wp = word(prices);
    const int h = c1 < 8 ? c1 : 8;  // the id's digits in w0, then in w1
    const int l = c1 - h;
    const int n_size = c2 - c1 - 1;
    const std::uint64_t price_flags = non_digit_flags(wp);
    const int n_price = price_flags == 0 ? 8 : std::countr_zero(price_flags) / 8;
    if (n_price < 1 || n_price > 7 || prices[n_price] != ',') return false;
    // Two fields a conversion: the size and the price, then the id's two words. The id's l
    // digits in w1 are kept without digit_word's test of l == 0 (8 and 9 digits alternate
    // unpredictably): two shifts, since one of 64 is undefined.
    const digit_pair sp = swar_digits2(ws << (8 * (8 - n_size)), wp << (8 * (8 - n_price)));
    if (sp.first == 0 || sp.second == 0) return false;
    const digit_pair ids = swar_digits2(w0 << (8 * (8 - h)), (w1 << 1) << (8 * (8 - l) - 1));
    id = ids.first * pow10_u64[l] + ids.second;
    size = sp.first;
    price = sp.second;
    q = prices + n_price + 1;
    return true;
  }
#endif
  (void)q;
  (void)end;
  (void)id;
  (void)size;
  (void)price;
  return false;
}

/// Private: LOBSTER times are seconds after midnight of the file's day: below 86,400 s. A row
/// 999,999,999 s after midnight (31 years) made the day's span and its ADV 40,000 times off.
inline constexpr std::int64_t lobster_day_ns = std::int64_t{86'400} * 1'000'000'000;

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
    const char* q = p_;
    std::int64_t ns = 0;
    if (!read_lobster_time(q, end_, ns) || (q != end_ && *q != ',')) bad_time(file_, line_, kind_, col_, start_, end_);
    p_ = q;
    return ns;
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

/// Private: the fields of one message row, as written (prices USD x 10,000).
struct lobster_message {
  std::int64_t time_ns;
  std::int64_t type;
  std::int64_t order_id;
  std::int64_t size;
  std::int64_t price;
  std::int64_t direction;
};

/// Private: parses and checks one message row `time,type,order_id,size,price,direction`
/// (line `line` of `file`): time in seconds with at most 9 decimals, not before
/// `last_time_ns` and below a day (`lobster_day_ns`), type 1..7, size > 0 (>= 0 for halts),
/// price > 0 with at most 15 digits (halts: -1, 0 or 1), direction 1 or -1, no field more or
/// less.
/// @throws data_error naming the file, line, column and field
inline lobster_message parse_lobster_message_checked(const std::string& file, std::size_t line, std::string_view text,
                                                     std::int64_t last_time_ns) {
  constexpr int price_digits = 15;
  lobster_row r(file, line, text, lobster_row::file_kind::message);
  lobster_message m{};
  r.open(1);
  m.time_ns = r.time_ns();
  if (m.time_ns < last_time_ns) {
    r.reject(
        detail::concat("time goes back (", lobster_seconds(m.time_ns), " after ", lobster_seconds(last_time_ns), ")"));
  }
  if (m.time_ns >= lobster_day_ns)
    r.reject(detail::concat("not in the file's day (", lobster_seconds(m.time_ns),
                            " s after midnight; LOBSTER times are below 86400)"));
  r.open(2);
  m.type = r.integer();
  if (m.type < 1 || m.type > 7)
    r.reject(detail::concat("unknown event type (got ", m.type, "; LOBSTER types are 1 to 7)"));
  const bool halt = m.type == 7;
  r.open(3);
  m.order_id = r.integer();
  r.open(4);
  m.size = r.integer();
  if (halt ? m.size < 0 : m.size <= 0)
    r.reject(detail::concat(halt ? "must be >= 0" : "must be > 0", " (got ", m.size, ")"));
  r.open(5);
  m.price = r.integer(price_digits);
  if (halt) {
    if (m.price < -1 || m.price > 1)
      r.reject(detail::concat("a halt (type 7) has price -1, 0 or 1 (got ", m.price, ")"));
  } else if (m.price <= 0) {
    r.reject(detail::concat("must be > 0 (got ", m.price, ")"));
  }
  r.open(6);
  m.direction = r.integer();
  if (m.direction != 1 && m.direction != -1) r.reject(detail::concat("must be 1 or -1 (got ", m.direction, ")"));
  r.finish();
  return m;
}

/// Private: `parse_lobster_message_fast`'s order id, size and price by digit runs (any
/// length it accepts); `p` left after the price's comma. False for anything else.
[[gnu::always_inline]] inline bool read_lobster_id_size_price_runs(const char*& p, const char* end,
                                                                   lobster_message& m) noexcept {
  std::uint64_t v = 0;
  std::ptrdiff_t n = digit_run(p, end, v);
  if (n < 1 || n > 18 || p == end || *p != ',') return false;
  m.order_id = static_cast<std::int64_t>(v);
  ++p;
  v = 0;
  n = digit_run(p, end, v);
  if (n < 1 || n > 18 || v == 0 || p == end || *p != ',') return false;
  m.size = static_cast<std::int64_t>(v);
  ++p;
  v = 0;
  n = digit_run(p, end, v);
  if (n < 1 || n > 15 || v == 0 || p == end || *p != ',') return false;
  m.price = static_cast<std::int64_t>(v);
  ++p;
  return true;
}

/// Private: the common shape of a message row, read without a check that can fail on it:
/// `seconds[.decimals],type,order_id,size,price,direction` with 1-9 digits before and after
/// the '.' and below a day, type 1-6 (one digit), order_id 1-18 digits, size 1-18 digits and
/// > 0, price 1-15 digits and > 0, direction "1" or "-1". Returns false for anything else (a
/// halt, a sign, an error), which `parse_lobster_message_checked` then reads or rejects: on
/// the rows it accepts, the fast path gives the same fields.
[[gnu::always_inline]] inline bool parse_lobster_message_fast(std::string_view text, lobster_message& m) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  std::int64_t time_ns = 0;
  if (!read_lobster_time_5d(p, end, time_ns) && (!read_lobster_time(p, end, time_ns) || p == end || *p != ','))
    return false;
  if (time_ns >= lobster_day_ns || end - p < 4) return false;
  m.time_ns = time_ns;
  const unsigned type = static_cast<unsigned>(static_cast<unsigned char>(p[1])) - unsigned{'1'};
  if (type > 5 || p[2] != ',') return false;  // types 1 to 6; a halt (7) takes the checked path
  m.type = static_cast<std::int64_t>(type) + 1;
  p += 3;
  std::uint64_t id = 0, size = 0, price = 0;
  if (read_lobster_id_size_price(p, end, id, size, price)) {
    m.order_id = static_cast<std::int64_t>(id);
    m.size = static_cast<std::int64_t>(size);
    m.price = static_cast<std::int64_t>(price);
  } else if (!read_lobster_id_size_price_runs(p, end, m)) {
    return false;
  }
  if (end - p == 1 && *p == '1') {
    m.direction = 1;
  } else if (end - p == 2 && p[0] == '-' && p[1] == '1') {
    m.direction = -1;
  } else {
    return false;
  }
  return true;
}

/// Private: parses and checks one message row (see `parse_lobster_message_checked`): the
/// common shape through `parse_lobster_message_fast`, everything else, and every error,
/// through the checked parser.
/// @throws data_error naming the file, line, column and field
inline lobster_message parse_lobster_message(const std::string& file, std::size_t line, std::string_view text,
                                             std::int64_t last_time_ns) {
  lobster_message m;
  if (parse_lobster_message_fast(text, m) && m.time_ns >= last_time_ns) return m;
  return parse_lobster_message_checked(file, line, text, last_time_ns);
}

/// Private: the event of a parsed message row (the book views are left as they are).
inline void fill_lobster_event(const lobster_message& m, std::size_t line, lobster_event& ev) noexcept {
  ev.time = std::chrono::nanoseconds{m.time_ns};
  ev.type = static_cast<lobster_event_type>(m.type);
  ev.order_id = m.order_id;
  ev.quantity = m.size;
  ev.price_x10000 = m.price;
  ev.price = ev.type == lobster_event_type::halt ? nan : static_cast<double>(m.price) / 10000.0;
  ev.side = m.direction == 1 ? side::buy : side::sell;
  ev.line = line;
}

}  // namespace detail

}  // namespace footprint
