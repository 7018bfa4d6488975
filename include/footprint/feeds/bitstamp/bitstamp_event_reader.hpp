/// @file feeds/bitstamp/bitstamp_event_reader.hpp
/// @brief Streams Bitstamp's 2015 websocket log of order events (`order_created`,
/// `order_changed`, `order_deleted`), trades and depth-20 snapshots, as recorded by the
/// obAnalytics R package: `<local_ms> <kind> <json>` per line (plain, gzip or bzip2).
///
/// Format (the recording `bitstamp/raw/2015-05-01.log.bz2`; Bitstamp's 2015 Pusher
/// channels `live_orders` and `live_trades` and `order_book`):
/// - `order_created` / `order_changed` / `order_deleted`: `{"price": "236.47", "amount":
///   "2.00000000", "datetime": "1430438404", "id": 65595247, "order_type": 0}`; price in USD
///   and amount in BTC as decimal strings, `amount` the order's remaining quantity (after a
///   partial fill for `order_changed`; on `order_deleted` 0 for an order filled to the end,
///   else the quantity cancelled), `datetime` the order's creation time in seconds since the
///   epoch, `order_type` 0 = buy (a bid), 1 = sell (an ask);
/// - `trade`: `{"price": 236.47, "amount": 0.21144331, "id": 8111041}` (JSON numbers);
/// - `order_book`: `{"bids": [["236.47", "1.78855669"], ...], "asks": [...]}`, the best 20
///   levels of each side, best first.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace footprint {

/// What one line of a Bitstamp event log holds.
enum class bitstamp_event_kind : std::uint8_t {
  order_created,  ///< a limit order rests
  order_changed,  ///< a resting order was partly filled: `amount` is what remains
  order_deleted,  ///< a resting order left the book (filled to the end, or cancelled)
  trade,          ///< an execution print
  order_book,     ///< a snapshot of the best 20 levels per side
};

/// One event of a Bitstamp log. Fields not used by the kind hold their defaults.
struct bitstamp_event {
  bitstamp_event_kind kind = bitstamp_event_kind::order_created;
  std::chrono::nanoseconds local_time{0};  ///< the recorder's clock, ns since the epoch (ms resolution)
  std::size_t line = 0;                    ///< 1-based line in the log
  // orders
  std::int64_t order_id = -1;                                ///< Bitstamp's order id (orders), >= 0
  footprint::side side = footprint::side::buy;               ///< buy = a bid, sell = an ask (orders)
  double price = std::numeric_limits<double>::quiet_NaN();   ///< USD, > 0 (orders)
  double amount = std::numeric_limits<double>::quiet_NaN();  ///< BTC remaining, >= 0 (orders)
  std::chrono::nanoseconds order_time{0};  ///< the order's `datetime`, ns since the epoch (s resolution)
  // trades
  footprint::trade trade{};  ///< id, price (USD), quantity (BTC), time = local_time, sign 0 (the log does not say)
  // snapshots: valid until the next call to `next`
  std::span<const price_level> bids;  ///< best first, strictly decreasing prices
  std::span<const price_level> asks;  ///< best first, strictly increasing prices
};

/// How many events of each kind a `bitstamp_event_reader` returned.
struct bitstamp_event_counts {
  std::size_t created = 0;    ///< `order_created`
  std::size_t changed = 0;    ///< `order_changed`
  std::size_t deleted = 0;    ///< `order_deleted`
  std::size_t trades = 0;     ///< `trade`
  std::size_t snapshots = 0;  ///< `order_book`
};

/// Reads a Bitstamp event log (`<local_ms> <kind> <json>` per line), one event per `next`.
///
/// Checks, each raising `data_error` with file, line, column (1: the time, 2: the kind, 3:
/// the JSON) and field: a non-negative integer local time that never goes back, a known
/// kind, a JSON object of at most `max_line_bytes` bytes with the kind's keys and types
/// (order ids and trade ids integers >= 0, prices > 0, amounts >= 0 (> 0 for created orders
/// and trades), `order_type` 0 or 1, `datetime` an integer string), snapshot sides strictly
/// ordered best first and not crossed. Under `parse_policy::lenient` a malformed line is
/// skipped and counted in `report()`. Error messages never print a whole JSON value.
///
/// Not copyable; movable. Memory: one line and one parsed message.
class bitstamp_event_reader {
 public:
  /// Longest line parsed, bytes: a longer one is malformed and not parsed (a snapshot line
  /// of the real log is under 2 KB).
  static constexpr std::size_t max_line_bytes = std::size_t{1} << 20;

  /// Opens a log file (plain, gzip or bzip2).
  /// @throws data_error when the file cannot be opened
  explicit bitstamp_event_reader(const std::string& path, parse_policy policy = parse_policy::strict)
      : lines_(path), policy_(policy) {}

  /// Reads a log held in memory (no copy: `text` must outlive the reader).
  bitstamp_event_reader(std::string name, std::string_view text, parse_policy policy = parse_policy::strict)
      : lines_(std::move(name), text), policy_(policy) {}

  /// Reads the lines of an opened `line_reader` (a file opened with its own settings: the
  /// gzip decoder, `read_ahead`). @param lines the log's lines, from the first
  explicit bitstamp_event_reader(line_reader lines, parse_policy policy = parse_policy::strict)
      : lines_(std::move(lines)), policy_(policy) {}

  /// Reads the next event. @param ev receives it (its spans valid until the next call)
  /// @return false at the end of the input
  /// @throws data_error on a malformed line (strict policy), a read error or a truncated
  ///   compressed file (any policy)
  bool next(bitstamp_event& ev) {
    std::string_view line;
    while (lines_.next(line)) {
      ++report_.lines_read;
      try {
        parse(line, ev);
        return true;
      } catch (const data_error& e) {
        report_.skip_or_throw(policy_, e);
      }
    }
    return false;
  }

  /// Lines read and malformed lines skipped (lenient policy).
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// Events returned, by kind.
  [[nodiscard]] const bitstamp_event_counts& counts() const noexcept { return counts_; }
  /// The file (or buffer) name.
  [[nodiscard]] const std::string& name() const noexcept { return lines_.name(); }

 private:
  using json = nlohmann::json;
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

  [[noreturn]] void fail(std::size_t column, std::string field, const std::string& what) const {
    throw data_error(lines_.name(), lines_.line_number(), column, std::move(field), what);
  }

  // A JSON value as a message shows it: scalars (cut at 40 bytes), else its type and size.
  static std::string brief(const json& v) {
    if (v.is_array()) return detail::concat("an array of ", v.size(), " entries");
    if (v.is_object()) return detail::concat("an object of ", v.size(), " keys");
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > 40 ? s.substr(0, 37) + "..." : s;
  }

  const json& member(const json& obj, const char* key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(3, key, "missing key");
    return *it;
  }

  std::int64_t integer(const json& v, const std::string& field) const {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()})
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::int64_t>();
    fail(3, field, "expected an integer >= 0 (got " + brief(v) + ")");
  }

  // A decimal string (orders, snapshots) or a JSON number (trades), finite; `positive`: > 0, else >= 0.
  double number(const json& v, const std::string& field, bool positive) const {
    double x = nan;
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
      if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) x = nan;
    } else if (v.is_number()) {
      x = v.get<double>();
    }
    if (!std::isfinite(x)) fail(3, field, "not a finite number (got " + brief(v) + ")");
    if (positive ? !(x > 0.0) : x < 0.0)
      fail(3, field, detail::concat("must be ", positive ? "> 0" : ">= 0", " (got ", brief(v), ")"));
    return x;
  }

  void parse(std::string_view line, bitstamp_event& ev) {
    if (line.size() > max_line_bytes)
      fail(0, "",
           detail::concat("line of ", line.size(), " bytes, longer than max_line_bytes (", max_line_bytes,
                          "): not parsed"));
    const std::size_t sp1 = line.find(' ');
    const std::string_view ts_text = line.substr(0, sp1);
    std::int64_t ms = -1;
    const auto [ptr, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ms);
    if (ts_text.empty() || ec != std::errc{} || ptr != ts_text.data() + ts_text.size() || ms < 0 ||
        ms > std::numeric_limits<std::int64_t>::max() / 1'000'000)
      fail(1, "local_ms", detail::concat("not a time in ms since the epoch (got '", ts_text.substr(0, 40), "')"));
    if (ms < last_ms_) fail(1, "local_ms", detail::concat("time goes back (got ", ms, " after ", last_ms_, ")"));
    if (sp1 == std::string_view::npos) fail(2, "kind", "missing event kind and JSON after the time");
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    const std::string_view kind = line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1);
    bitstamp_event out;
    if (kind == "order_created") {
      out.kind = bitstamp_event_kind::order_created;
    } else if (kind == "order_changed") {
      out.kind = bitstamp_event_kind::order_changed;
    } else if (kind == "order_deleted") {
      out.kind = bitstamp_event_kind::order_deleted;
    } else if (kind == "trade") {
      out.kind = bitstamp_event_kind::trade;
    } else if (kind == "order_book") {
      out.kind = bitstamp_event_kind::order_book;
    } else {
      fail(2, "kind",
           detail::concat("unknown event kind '", kind.substr(0, 40),
                          "' (expected order_created, order_changed, order_deleted, trade or order_book)"));
    }
    if (sp2 == std::string_view::npos) fail(3, "", "missing JSON message after the kind");
    const std::string_view text = line.substr(sp2 + 1);
    try {
      doc_ = json::parse(text.data(), text.data() + text.size());
    } catch (const json::exception& e) {
      std::string what = e.what();
      const std::size_t close = what.find("] ");
      if (close != std::string::npos) what.erase(0, close + 2);
      fail(3, "", "invalid JSON: " + what);
    }
    if (!doc_.is_object()) fail(3, "", "expected a JSON object (got " + brief(doc_) + ")");
    out.local_time = std::chrono::nanoseconds{ms * 1'000'000};
    out.line = lines_.line_number();
    switch (out.kind) {
      case bitstamp_event_kind::trade: parse_trade(out); break;
      case bitstamp_event_kind::order_book: parse_book(out); break;
      default: parse_order(out); break;
    }
    last_ms_ = ms;  // committed: the line was valid
    switch (out.kind) {
      case bitstamp_event_kind::order_created: ++counts_.created; break;
      case bitstamp_event_kind::order_changed: ++counts_.changed; break;
      case bitstamp_event_kind::order_deleted: ++counts_.deleted; break;
      case bitstamp_event_kind::trade: ++counts_.trades; break;
      case bitstamp_event_kind::order_book: ++counts_.snapshots; break;
    }
    ev = out;
  }

  void parse_order(bitstamp_event& out) const {
    out.order_id = integer(member(doc_, "id"), "id");
    out.price = number(member(doc_, "price"), "price", true);
    out.amount = number(member(doc_, "amount"), "amount", out.kind == bitstamp_event_kind::order_created);
    const json& type = member(doc_, "order_type");
    if (!type.is_number_integer() || (type.get<std::int64_t>() != 0 && type.get<std::int64_t>() != 1))
      fail(3, "order_type", "expected 0 (buy) or 1 (sell) (got " + brief(type) + ")");
    out.side = type.get<std::int64_t>() == 0 ? footprint::side::buy : footprint::side::sell;
    const json& dt = member(doc_, "datetime");
    std::int64_t s = -1;
    if (dt.is_string()) {
      const std::string& t = dt.get_ref<const std::string&>();
      const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), s);
      if (t.empty() || ec != std::errc{} || ptr != t.data() + t.size()) s = -1;
    }
    if (s < 0 || s > std::numeric_limits<std::int64_t>::max() / 1'000'000'000)
      fail(3, "datetime", "expected a time in seconds since the epoch as a string (got " + brief(dt) + ")");
    out.order_time = std::chrono::seconds{s};
  }

  void parse_trade(bitstamp_event& out) const {
    out.trade.id = integer(member(doc_, "id"), "id");
    out.trade.price = number(member(doc_, "price"), "price", true);
    out.trade.quantity = number(member(doc_, "amount"), "amount", true);
    out.trade.time = out.local_time;
    out.trade.sign = 0;
  }

  void side_levels(const char* key, std::vector<price_level>& levels) const {
    const json& arr = member(doc_, key);
    if (!arr.is_array()) fail(3, key, "expected an array (got " + brief(arr) + ")");
    levels.clear();
    std::size_t i = 0;
    for (const json& pair : arr) {
      const std::string at = detail::concat(key, '[', i, ']');
      if (!pair.is_array() || pair.size() != 2)
        fail(3, at, "expected a [price, amount] pair (got " + brief(pair) + ")");
      levels.push_back(price_level{number(pair[0], at + "[0]", true), number(pair[1], at + "[1]", true)});
      const bool bids = key[0] == 'b';
      if (i > 0 && (bids ? !(levels[i].price < levels[i - 1].price) : !(levels[i].price > levels[i - 1].price)))
        fail(3, at,
             detail::concat("levels must be strictly ", bids ? "decreasing" : "increasing", " (price ", levels[i].price,
                            " after ", levels[i - 1].price, ")"));
      ++i;
    }
  }

  void parse_book(bitstamp_event& out) {
    side_levels("bids", bids_);
    side_levels("asks", asks_);
    if (!bids_.empty() && !asks_.empty() && bids_.front().price >= asks_.front().price)
      fail(3, "bids[0][0]",
           detail::concat("crossed snapshot (best bid ", bids_.front().price, " >= best ask ", asks_.front().price,
                          ")"));
    out.bids = bids_;
    out.asks = asks_;
  }

  line_reader lines_;
  parse_policy policy_;
  parse_report report_;
  bitstamp_event_counts counts_;
  std::int64_t last_ms_ = 0;
  json doc_;
  std::vector<price_level> bids_;
  std::vector<price_level> asks_;
};

}  // namespace footprint
