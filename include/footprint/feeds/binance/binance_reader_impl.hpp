/// @file feeds/binance/binance_reader_impl.hpp
/// @brief Definitions of `basic_binance_reader`'s message parsers (included by binance_reader.hpp;
/// not a public header of its own): the nlohmann-json path, the fast path, and the checks
/// and commits they share.
#pragma once

#include "footprint/feeds/binance/binance_reader.hpp"

namespace footprint {

template <class Book>
inline bool basic_binance_reader<Book>::parse_line(std::string_view line, binance_event& ev) {
  if (line.empty()) fail(1, "local_ts_ns", "empty line (expected '<local_ts_ns> <json>')");
  if (line.size() > options_.max_line_bytes)
    fail(0, "",
         detail::concat("line of ", line.size(), " bytes, longer than max_line_bytes (", options_.max_line_bytes,
                        "): not parsed"));
  const std::size_t sp = line.find(' ');
  const std::string_view ts_text = line.substr(0, sp);
  std::int64_t ts = 0;
  {
    const auto [ptr, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
    if (ts_text.empty() || ec != std::errc{} || ptr != ts_text.data() + ts_text.size() || ts < 0) {
      fail(1, "local_ts_ns", detail::concat("not a timestamp in ns (got '", ts_text.substr(0, 40), "')"));
    }
  }
  if (sp == std::string_view::npos) fail(2, "", "missing JSON message after the timestamp");
  if (scale_ == 0) scale_ = unit_scale(ts);
  if (ts > std::numeric_limits<std::int64_t>::max() / scale_)
    fail(1, "local_ts_ns", detail::concat("timestamp out of range (got ", ts, " in units of ", scale_, " ns)"));
  ts *= scale_;
  if (ts < last_local_)
    fail(1, "local_ts_ns", detail::concat("timestamp goes back (got ", ts, " after ", last_local_, ")"));
  const std::string_view text = line.substr(sp + 1);

  pending_symbol_.reset();
  binance_event out;
  out.local_time = std::chrono::nanoseconds{ts};
  local_ = out.local_time;
  out.line = lines_.line_number();
  bool parsed = false;
  if (options_.fast_parse) {
    switch (parse_fast(text, out)) {
      case fast_result::event: parsed = true; break;
      case fast_result::unused:
        ++counts_.unused_streams;
        last_local_ = ts;
        return false;
      case fast_result::fallback: break;
    }
  }
  if (!parsed) {
    try {
      doc_ = json::parse(text.data(), text.data() + text.size());
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a number overflow ("1e999")
      std::string what = e.what();
      const std::size_t close = what.find("] ");
      if (close != std::string::npos) what.erase(0, close + 2);
      fail(2, "", "invalid JSON: " + what);
    }
    if (!doc_.is_object()) fail_json("", "expected a JSON object (got " + brief(doc_) + ")");
    if (const auto it = doc_.find("stream"); it != doc_.end()) {
      const std::string& stream = string(*it, "stream");
      const json& data = object(member(doc_, "data", "data"), "data");
      switch (detail::binance::classify_stream(stream)) {
        case detail::binance::stream_kind::depth: parse_depth(data, out); break;
        case detail::binance::stream_kind::book_ticker: parse_ticker(data, out); break;
        case detail::binance::stream_kind::trade: parse_trade(data, out); break;
        case detail::binance::stream_kind::unused:
          ++counts_.unused_streams;
          last_local_ = ts;
          return false;
        case detail::binance::stream_kind::unsupported:
          fail_json("stream", "unsupported stream '" + stream.substr(0, 60) +
                                  "' (expected <symbol>@depth[@<speed>], <symbol>@bookTicker or <symbol>@trade)");
      }
    } else if (doc_.contains("lastUpdateId")) {
      parse_snapshot(out);
    } else {
      fail_json("",
                "not a combined-stream message ({\"stream\",\"data\"}) nor a depth snapshot "
                "({\"lastUpdateId\",\"bids\",\"asks\"})");
    }
  }
  // Committed: the line was valid.
  last_local_ = ts;
  if (pending_symbol_ && symbol_.empty()) symbol_ = *pending_symbol_;
  ev = out;
  return true;
}

// ---- the nlohmann path: typed access with located errors, then the shared checks and commits

template <class Book>
inline void basic_binance_reader<Book>::parse_depth(const json& data, binance_event& out) {
  check_symbol(data);
  const std::int64_t first = integer(member(data, "U", "data.U"), "data.U");
  const std::int64_t last = integer(member(data, "u", "data.u"), "data.u");
  check_ids(first, last);
  std::int64_t previous = -1;
  const auto pu = data.find("pu");
  check_pu_present(pu != data.end());
  if (pu != data.end()) {
    previous = integer(*pu, "data.pu");
    check_pu_order(previous, first);
  }
  const std::chrono::nanoseconds e = event_time(member(data, "E", "data.E"), "data.E");
  levels(member(data, "b", "data.b"), "data.b", amount::quantity, bids_);
  levels(member(data, "a", "data.a"), "data.a", amount::quantity, asks_);
  finish_depth(first, last, previous, e, out);
}

template <class Book>
inline void basic_binance_reader<Book>::parse_snapshot(binance_event& out) {
  const std::int64_t last = integer(member(doc_, "lastUpdateId", "lastUpdateId"), "lastUpdateId");
  std::optional<std::chrono::nanoseconds> e;
  if (const auto it = doc_.find("E"); it != doc_.end()) e = event_time(*it, "E");
  levels(member(doc_, "bids", "bids"), "bids", amount::positive_quantity, bids_);
  levels(member(doc_, "asks", "asks"), "asks", amount::positive_quantity, asks_);
  finish_snapshot(last, e, out);
}

template <class Book>
inline void basic_binance_reader<Book>::parse_ticker(const json& data, binance_event& out) {
  check_symbol(data);
  binance_book_ticker t;
  t.update_id = integer(member(data, "u", "data.u"), "data.u");
  if (const auto it = data.find("E"); it != data.end()) t.exchange_time = event_time(*it, "data.E");
  const double bp = ticker_price(member(data, "b", "data.b"), "data.b");
  const double bq = decimal(member(data, "B", "data.B"), amount::quantity, [] { return "data.B"; });
  const double ap = ticker_price(member(data, "a", "data.a"), "data.a");
  const double aq = decimal(member(data, "A", "data.A"), amount::quantity, [] { return "data.A"; });
  finish_ticker(t, bp, bq, ap, aq, out);
}

template <class Book>
inline void basic_binance_reader<Book>::parse_trade(const json& data, binance_event& out) {
  check_symbol(data);
  footprint::trade t;
  t.id = integer(member(data, "t", "data.t"), "data.t");
  t.price = decimal(member(data, "p", "data.p"), amount::price, [] { return "data.p"; });
  t.quantity = decimal(member(data, "q", "data.q"), amount::positive_quantity, [] { return "data.q"; });
  check_trade_amount(t.price, member(data, "p", "data.p"), "data.p");
  check_trade_amount(t.quantity, member(data, "q", "data.q"), "data.q");
  t.time = millis(member(data, "T", "data.T"), "data.T");
  const std::chrono::nanoseconds e = event_time(member(data, "E", "data.E"), "data.E");
  t.sign = boolean(member(data, "m", "data.m"), "data.m") ? std::int8_t{-1} : std::int8_t{1};
  finish_trade(t, e, out);
}

// ---- the fast path: values read by detail::binance::fast_parser; any value the nlohmann path
// would reject (checked here in the same terms) hands the line to it, so that it words the
// error. Then the shared checks, in the nlohmann path's order, and the shared commits.

template <class Book>
inline typename basic_binance_reader<Book>::fast_result basic_binance_reader<Book>::parse_fast(std::string_view text,
                                                                                               binance_event& out) {
  using type = detail::binance::fast_message::type;
  const detail::binance::fast_message& m = message_;
  if (!fast_.parse(text, message_, bids_, asks_)) return fast_result::fallback;
  if (m.event_ms > max_ms || m.trade_ms > max_ms) return fast_result::fallback;
  const auto ms = [](std::int64_t v) { return std::chrono::nanoseconds{v * 1'000'000}; };
  // A decimal string of the given kind (as decimal() accepts it), or false.
  const auto amount_of = [](std::string_view s, amount kind, double& x) {
    if (!detail::parse_decimal(s.data(), s.data() + s.size(), x) || !std::isfinite(x)) return false;
    return kind == amount::quantity ? !(x < 0.0) : x > 0.0;
  };
  // A bookTicker price (as ticker_price() accepts it): 0, or a price.
  const auto ticker_price_of = [&](std::string_view s, double& x) {
    if (!detail::parse_decimal(s.data(), s.data() + s.size(), x)) return false;
    return x == 0.0 || amount_of(s, amount::price, x);
  };
  const auto levels_ok = [](const std::vector<price_level>& v) {  // a snapshot's levels
    bool ok = true;  // finite: checked by the parser; one pass without a branch per level
    for (const price_level& l : v) ok &= (l.price > 0.0) & (l.quantity > 0.0);
    return ok;
  };
  switch (m.kind) {
    case type::unused: return fast_result::unused;
    case type::depth: {
      // Each side in one pass: every level settable (else the nlohmann path words the error),
      // and whether its prices are strictly ordered (then distinct: check_distinct is skipped).
      const detail::level_scan b = detail::scan_levels(std::span<const price_level>(bids_));
      const detail::level_scan a = detail::scan_levels(std::span<const price_level>(asks_));
      if (b.settable != bids_.size() || a.settable != asks_.size()) return fast_result::fallback;
      same_symbol(m.symbol);
      check_ids(m.first_id, m.last_id);
      check_pu_present(m.previous_id >= 0);
      if (m.previous_id >= 0) check_pu_order(m.previous_id, m.first_id);
      check_skew(ms(m.event_ms), "data.E");
      finish_depth(m.first_id, m.last_id, m.previous_id, ms(m.event_ms), out, b.monotone, a.monotone);
      return fast_result::event;
    }
    case type::snapshot: {
      if (!levels_ok(bids_) || !levels_ok(asks_)) return fast_result::fallback;
      std::optional<std::chrono::nanoseconds> e;
      if (m.event_ms >= 0) {
        e = ms(m.event_ms);
        check_skew(*e, "E");
      }
      finish_snapshot(m.last_id, e, out);
      return fast_result::event;
    }
    case type::book_ticker: {
      double bp = 0.0, bq = 0.0, ap = 0.0, aq = 0.0;
      if (!ticker_price_of(m.bid, bp) || !amount_of(m.bid_qty, amount::quantity, bq) || !ticker_price_of(m.ask, ap) ||
          !amount_of(m.ask_qty, amount::quantity, aq))
        return fast_result::fallback;
      same_symbol(m.symbol);
      binance_book_ticker t;
      t.update_id = m.last_id;
      if (m.event_ms >= 0) {
        t.exchange_time = ms(m.event_ms);
        check_skew(*t.exchange_time, "data.E");
      }
      finish_ticker(t, bp, bq, ap, aq, out);
      return fast_result::event;
    }
    case type::trade: {
      footprint::trade t;
      if (!amount_of(m.price, amount::price, t.price) || !amount_of(m.qty, amount::positive_quantity, t.quantity) ||
          t.price > max_trade_amount || t.quantity > max_trade_amount)
        return fast_result::fallback;
      same_symbol(m.symbol);
      t.id = m.trade_id;
      t.time = ms(m.trade_ms);
      check_skew(ms(m.event_ms), "data.E");
      t.sign = m.maker == 1 ? std::int8_t{-1} : std::int8_t{1};
      finish_trade(t, ms(m.event_ms), out);
      return fast_result::event;
    }
  }
  return fast_result::fallback;
}

// ---- checks and commits shared by both paths

template <class Book>
inline void basic_binance_reader<Book>::same_symbol(std::string_view s) {
  if (!symbol_.empty() && s != symbol_) {
    fail_json("data.s", "symbol changed (got '" + std::string(s) + "', expected '" + symbol_ + "')");
  }
  pending_symbol_ = s;
}

template <class Book>
inline void basic_binance_reader<Book>::check_ids(std::int64_t first, std::int64_t last) const {
  if (first > last) fail_json("data.U", detail::concat("U must be <= u (got U ", first, ", u ", last, ")"));
}

template <class Book>
inline void basic_binance_reader<Book>::check_pu_present(bool present) const {
  const binance_market m = depth_.market();
  if (present && m == binance_market::spot) fail_json("data.pu", "unexpected key in a spot stream");
  if (!present && m == binance_market::usd_m_futures) fail_json("data.pu", "missing key (the stream is USD-M futures)");
}

template <class Book>
inline void basic_binance_reader<Book>::check_pu_order(std::int64_t previous, std::int64_t first) const {
  if (previous >= first) fail_json("data.pu", detail::concat("pu must be < U (got pu ", previous, ", U ", first, ")"));
}

// One side of a diff lists each price once: a price twice would leave the book with whichever
// quantity came last. O(n) for a side in either strict order (what Binance sends); otherwise
// the prices are sorted (a copy of their indices).
template <class Book>
inline void basic_binance_reader<Book>::check_distinct(const std::vector<price_level>& v,
                                                       std::string_view field) const {
  bool up = true;  // one pass without a branch per level: the usual case is sorted
  bool down = true;
  for (std::size_t i = 1; i < v.size(); ++i) {
    up &= v[i].price > v[i - 1].price;
    down &= v[i].price < v[i - 1].price;
  }
  if (up || down) return;
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a].price < v[b].price; });
  std::size_t repeat = v.size();  // the first index whose price an earlier level has
  std::size_t earlier = 0;
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (v[order[k]].price == v[order[k - 1]].price && order[k] < repeat) {
      repeat = order[k];
      earlier = order[k - 1];
    }
  }
  if (repeat < v.size()) {
    fail_json(path(field, repeat, 0),
              detail::concat("price ", v[repeat].price, " listed twice in one update (also at [", earlier, "])"));
  }
}

template <class Book>
inline void basic_binance_reader<Book>::finish_depth(std::int64_t first, std::int64_t last, std::int64_t previous,
                                                     std::chrono::nanoseconds e, binance_event& out, bool bids_ordered,
                                                     bool asks_ordered) {
  if (!bids_ordered) check_distinct(bids_, "data.b");
  if (!asks_ordered) check_distinct(asks_, "data.a");
  const binance_depth_update u{first, last, previous, bids_, asks_};
  binance_depth_result r;
  try {
    r = depth_.apply_update(u, out.local_time, detail::checked_levels);  // levels checked: both parsers
  } catch (const invalid_argument& x) {                                  // not reached: everything was checked above
    fail_json("data", x.what());
  }
  ++counts_.depth_updates;
  out.kind = binance_event_kind::depth_update;
  out.exchange_time = e;
  out.first_update_id = first;
  out.last_update_id = last;
  out.previous_update_id = previous;
  out.bids = bids_;
  out.asks = asks_;
  out.applied = r.applied;
  out.gap = r.gap;
  out.crossed = r.crossed;
}

template <class Book>
inline void basic_binance_reader<Book>::finish_snapshot(std::int64_t last, std::optional<std::chrono::nanoseconds> e,
                                                        binance_event& out) {
  ordered(bids_, side::buy, "bids");
  ordered(asks_, side::sell, "asks");
  if (!bids_.empty() && !asks_.empty() && bids_.front().price >= asks_.front().price) {
    fail_json("bids[0][0]", detail::concat("crossed snapshot (best bid ", bids_.front().price, " >= best ask ",
                                           asks_.front().price, ")"));
  }
  binance_depth_result r;
  try {
    r = depth_.apply_snapshot(last, bids_, asks_, out.local_time);
  } catch (const invalid_argument& x) {  // not reached: everything was checked above
    fail_json("", x.what());
  }
  ++counts_.depth_snapshots;
  out.kind = binance_event_kind::depth_snapshot;
  out.exchange_time = e;
  out.last_update_id = last;
  out.bids = bids_;
  out.asks = asks_;
  out.applied = r.applied;
  out.crossed = r.crossed;
}

template <class Book>
inline void basic_binance_reader<Book>::finish_ticker(binance_book_ticker t, double bp, double bq, double ap, double aq,
                                                      binance_event& out) {
  // An empty side is sent as price 0 and quantity 0.
  if (bp == 0.0 && bq != 0.0) fail_json("data.b", "price must be > 0 (got '0' with a quantity)");
  if (ap == 0.0 && aq != 0.0) fail_json("data.a", "price must be > 0 (got '0' with a quantity)");
  if (bp != 0.0 && ap != 0.0 && bp >= ap)
    fail_json("data.b", detail::concat("crossed bookTicker (bid ", bp, " >= ask ", ap, ")"));
  t.bid_price = bp == 0.0 ? nan : bp;
  t.bid_quantity = bp == 0.0 ? nan : bq;
  t.ask_price = ap == 0.0 ? nan : ap;
  t.ask_quantity = ap == 0.0 ? nan : aq;
  t.local_time = out.local_time;
  ++counts_.book_tickers;
  ticker_ = t;
  out.kind = binance_event_kind::book_ticker;
  out.exchange_time = t.exchange_time;
  out.ticker = t;
}

template <class Book>
inline void basic_binance_reader<Book>::finish_trade(const footprint::trade& t, std::chrono::nanoseconds e,
                                                     binance_event& out) {
  // Binance numbers a symbol's trades in increasing order: a repeated id (a message read
  // twice, e.g. captures concatenated or a replay after a reconnect) would count its volume twice.
  if (last_trade_id_ >= 0 && t.id <= last_trade_id_) {
    fail_json("data.t", t.id == last_trade_id_
                            ? detail::concat("repeated trade id ", t.id, " (the trade was already read)")
                            : detail::concat("trade id goes back (got ", t.id, " after ", last_trade_id_, ")"));
  }
  last_trade_id_ = t.id;
  ++counts_.trades;
  out.kind = binance_event_kind::trade;
  out.exchange_time = e;
  out.trade = t;
}

}  // namespace footprint
