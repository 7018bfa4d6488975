/// @file feeds/fills_csv_reader.hpp
/// @brief `read_fills_csv`: your own fills from a plain CSV file (an OMS export), grouped into
/// parent orders, for transaction cost analysis when there is no FIX log. See docs/tca.md.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/feeds/fix/execution_report.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

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
      } else {
        double seconds = 0.0;
        if (!detail::parse_decimal(t.data(), t.data() + t.size(), seconds) || !(seconds >= 0.0) || seconds > 9.2e9)
          throw data_error(
              file, reader.line_number(), 1, "time",
              detail::concat("expected YYYYMMDD-HH:MM:SS[.fff] (UTC) or seconds since the Unix epoch, got '", t, "'"));
        f.time = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
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
      f.price = c.next_double("price");
      if (!(f.price > 0.0))
        throw data_error(file, reader.line_number(), 5, "price", detail::concat("must be > 0 (got ", f.price, ")"));
      const std::string_view fee = c.next("fee");
      f.fee = fee.empty() ? 0.0 : [&] {
        double v = 0.0;
        if (!detail::parse_decimal(fee.data(), fee.data() + fee.size(), v) || !std::isfinite(v))
          throw data_error(file, reader.line_number(), 6, "fee", detail::concat("not a number (got '", fee, "')"));
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
/// row. time: a FIX UTCTimestamp (YYYYMMDD-HH:MM:SS[.fff]) or seconds since the Unix epoch;
/// side: buy/sell (or B/S, 1/2); quantity, price > 0; fee: quote currency, empty for 0;
/// liquidity: maker/taker (or M/T, 1/2), empty or unknown. Fills are grouped by order_id into
/// parent orders (in the order they first appear), each sorted by time.
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
