/// @file feeds/fills_csv_reader.hpp
/// @brief `read_fills_csv`: your own fills from a plain CSV file (an OMS export), grouped into
/// parent orders, for transaction cost analysis when there is no FIX log. See docs/tca.md.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/detail/trade_amount.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/feeds/fix/execution_report.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

namespace detail {

/// An ISO 8601 time in UTC, "YYYY-MM-DDTHH:MM:SS[.f...]" (a space for the T accepted, as
/// spreadsheets and databases write it), optionally ending in "Z" or "+00:00", as
/// nanoseconds since the Unix epoch; nullopt for any other text (another UTC offset included).
[[nodiscard]] inline std::optional<std::chrono::nanoseconds> parse_iso_utc_time(std::string_view t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ')) return std::nullopt;
  if (t.ends_with('Z')) {
    t.remove_suffix(1);
  } else if (t.ends_with("+00:00")) {
    t.remove_suffix(6);
  }
  // As a FIX UTCTimestamp: YYYYMMDD-HH:MM:SS[.f...].
  std::string fix;
  fix.reserve(t.size());
  fix.append(t.substr(0, 4)).append(t.substr(5, 2)).append(t.substr(8, 2)).push_back('-');
  fix.append(t.substr(11));
  return parse_fix_timestamp(fix);
}

/// Seconds since the Unix epoch, "S[.f...]" (S of at most 10 digits, up to 9 of fraction
/// kept, more refused), as exact nanoseconds (a double would round 1704205801.25 s by 128 ns);
/// nullopt for any other text.
[[nodiscard]] inline std::optional<std::chrono::nanoseconds> parse_epoch_seconds(std::string_view t) noexcept {
  const std::size_t dot = t.find('.');
  const std::string_view whole = t.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  if (whole.empty() || whole.size() > 10 || fraction.size() > 9 || (dot != std::string_view::npos && fraction.empty()))
    return std::nullopt;
  std::int64_t ns = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    ns = ns * 10 + (c - '0');
  }
  if (ns > 9'200'000'000) return std::nullopt;  // past 2261: int64 nanoseconds end in 2262
  ns *= 1'000'000'000;
  std::int64_t scale = 100'000'000;
  for (const char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
    ns += (c - '0') * scale;
    scale /= 10;
  }
  return std::chrono::nanoseconds(ns);
}

}  // namespace detail

/// Parses one fills CSV held in `reader` (see `read_fills_csv`).
/// @throws data_error (strict) for a bad header or row; the lenient policy skips bad rows
[[nodiscard]] inline std::vector<order_fills> read_fills_csv(line_reader& reader, parse_policy policy,
                                                             parse_report* report = nullptr) {
  const std::string file = reader.name();
  std::string_view line;
  if (!reader.next(line)) throw data_error(file, 1, 0, "", "empty file: expected the header");
  constexpr std::string_view header = "time,order_id,side,quantity,price,fee,liquidity";
  if (line != header && line != std::string(header) + ",exec_id")
    throw data_error(file, 1, 0, "",
                     detail::concat("the header must be '", header, "' (optionally ',exec_id'), got '", line, "'"));
  const bool has_exec_id = line.size() > header.size();
  parse_report local;
  parse_report& rep = report != nullptr ? *report : local;
  ++rep.lines_read;
  std::map<std::string, std::size_t> by_id;
  std::vector<order_fills> out;
  while (reader.next(line)) {
    ++rep.lines_read;
    if (line.empty()) continue;
    try {
      detail::csv_cursor c(file, reader.line_number(), line);
      fill f;
      const std::string_view t = c.next("time");
      if (const auto ts = parse_fix_timestamp(t)) {
        f.time = *ts;
      } else if (const auto iso = detail::parse_iso_utc_time(t)) {
        f.time = *iso;
      } else if (const auto epoch = detail::parse_epoch_seconds(t)) {
        f.time = *epoch;
      } else {
        throw data_error(file, reader.line_number(), 1, "time",
                         detail::concat("expected YYYYMMDD-HH:MM:SS[.fff] or YYYY-MM-DDTHH:MM:SS[.fff][Z] (UTC), or "
                                        "seconds since the Unix epoch, got '",
                                        t, "'"));
      }
      const std::string order_id(c.next("order_id"));
      if (order_id.empty()) throw data_error(file, reader.line_number(), 2, "order_id", "empty");
      const std::string_view s = c.next("side");
      if (s == "buy" || s == "B" || s == "1") {
        f.side = side::buy;
      } else if (s == "sell" || s == "S" || s == "2") {
        f.side = side::sell;
      } else {
        throw data_error(file, reader.line_number(), 3, "side", detail::concat("expected buy or sell, got '", s, "'"));
      }
      f.quantity = c.next_double("quantity");
      if (!(f.quantity > 0.0))
        throw data_error(file, reader.line_number(), 4, "quantity",
                         detail::concat("must be > 0 (got ", f.quantity, ")"));
      if (f.quantity > detail::max_trade_amount)
        throw data_error(file, reader.line_number(), 4, "quantity", detail::trade_amount_out_of_range(f.quantity));
      f.price = c.next_double("price");
      if (!(f.price > 0.0))
        throw data_error(file, reader.line_number(), 5, "price", detail::concat("must be > 0 (got ", f.price, ")"));
      if (f.price > detail::max_trade_amount)
        throw data_error(file, reader.line_number(), 5, "price", detail::trade_amount_out_of_range(f.price));
      const std::string_view fee = c.next("fee");
      f.fee = fee.empty() ? 0.0 : [&] {
        double v = 0.0;
        if (!detail::parse_decimal(fee.data(), fee.data() + fee.size(), v) || !std::isfinite(v))
          throw data_error(file, reader.line_number(), 6, "fee", detail::concat("not a number (got '", fee, "')"));
        if (std::abs(v) > detail::max_trade_amount)
          throw data_error(file, reader.line_number(), 6, "fee", detail::trade_amount_out_of_range(fee));
        return v;
      }();
      const std::string_view liq = c.next("liquidity");
      if (liq.empty() || liq == "unknown") {
        f.liquidity = liquidity::unknown;
      } else if (liq == "maker" || liq == "M" || liq == "1") {
        f.liquidity = liquidity::maker;
      } else if (liq == "taker" || liq == "T" || liq == "2") {
        f.liquidity = liquidity::taker;
      } else {
        throw data_error(file, reader.line_number(), 7, "liquidity",
                         detail::concat("expected maker, taker or empty, got '", liq, "'"));
      }
      f.exec_id = has_exec_id ? std::string(c.next("exec_id")) : detail::concat(order_id, "-", reader.line_number());
      c.expect_end();
      auto [it, fresh] = by_id.try_emplace(order_id, out.size());
      if (fresh) {
        order_fills o;
        o.order_id = order_id;
        o.side = f.side;
        out.push_back(std::move(o));
      }
      order_fills& o = out[it->second];
      if (o.side != f.side)
        throw data_error(file, reader.line_number(), 3, "side",
                         detail::concat("order ", order_id, " has fills on both sides"));
      o.fills.push_back(std::move(f));
    } catch (const data_error& e) {
      rep.skip_or_throw(policy, e);
    }
  }
  for (order_fills& o : out) {
    std::stable_sort(o.fills.begin(), o.fills.end(), [](const fill& a, const fill& b) { return a.time < b.time; });
    o.complete = true;  // a CSV export lists what was done; nothing says more was wanted
  }
  return out;
}

/// Reads a fills CSV file (plain, gzip or bzip2): a header
/// `time,order_id,side,quantity,price,fee,liquidity` (optionally `,exec_id`), then one fill a
/// row. time: a FIX UTCTimestamp (YYYYMMDD-HH:MM:SS[.fff]), an ISO 8601 time in UTC
/// (YYYY-MM-DDTHH:MM:SS[.fff], a space for the T, optionally Z or +00:00) or seconds since the
/// Unix epoch (S[.f], up to nanoseconds); side: buy/sell (or B/S, 1/2); quantity, price in
/// (0, 10^18]; fee: quote currency, |fee| <= 10^18, empty for 0; liquidity: maker/taker (or
/// M/T, 1/2), empty or unknown. Fills are grouped by order_id into parent orders (in the order
/// they first appear), each sorted by time.
/// @param policy strict (the first bad row throws) or lenient (bad rows skipped and counted
///        in `report`)
/// @throws data_error naming file, line and field, for a bad header, or a bad row (strict)
[[nodiscard]] inline std::vector<order_fills> read_fills_csv(const std::string& path,
                                                             parse_policy policy = parse_policy::strict,
                                                             parse_report* report = nullptr) {
  line_reader reader(path);
  return read_fills_csv(reader, policy, report);
}

}  // namespace footprint
