/// @file feeds/fix/execution_report.hpp
/// @brief `execution_report`: the fields of a FIX ExecutionReport (35=8) that transaction cost
/// analysis needs, decoded from a `fix_message` in one pass without allocating; and
/// `parse_fix_timestamp` (UTCTimestamp). See docs/fix.md.
#pragma once

#include "footprint/detail/decimal.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fix/fix_message.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace footprint {

/// An ExecutionReport's fields (FIX 4.2 / 4.4 / 5.0 SP2 tag numbers). Strings are views into
/// the stream; numbers absent from the message are NaN, characters '\0', times nullopt.
struct execution_report {
  std::string_view cl_ord_id;    ///< ClOrdID (11)
  std::string_view order_id;     ///< OrderID (37)
  std::string_view exec_id;      ///< ExecID (17), required
  std::string_view exec_ref_id;  ///< ExecRefID (19): the execution a bust or correction refers to
  std::string_view symbol;       ///< Symbol (55), required
  std::string_view last_mkt;     ///< LastMkt (30)
  char exec_trans_type =
      '\0';  ///< ExecTransType (20, FIX 4.0-4.2): '0' new, '1' cancel (bust), '2' correct, '3' status
  /// ExecType (150), required: '0' new, '4' canceled, '8' rejected, 'F' trade (4.3+), 'G'
  /// trade correct, 'H' trade cancel (bust); in 4.0-4.2 '1' partial fill and '2' fill
  char exec_type = '\0';
  char ord_status = '\0';  ///< OrdStatus (39), required: '0' new, '1' partially filled, '2' filled, ...
  footprint::side side =
      footprint::side::buy;  ///< Side (54), required: '1' buy; '2', '5' (short), '6' (short exempt) sell
  double order_qty = nan;    ///< OrderQty (38)
  double price = nan;        ///< Price (44): the limit price
  double last_px = nan;      ///< LastPx (31): the price of this fill
  double last_qty = nan;     ///< LastQty (32; LastShares in 4.0-4.2): the quantity of this fill
  double cum_qty = nan;      ///< CumQty (14), required: filled so far
  double leaves_qty = nan;   ///< LeavesQty (151): still open
  double avg_px = nan;       ///< AvgPx (6): the average price of the fills so far
  double commission = nan;   ///< Commission (12)
  char comm_type = '\0';     ///< CommType (13): '1' per unit, '2' percent, '3' absolute, ...
  int last_liquidity_ind =
      0;  ///< LastLiquidityInd (851): 1 added (maker), 2 removed (taker), 3 routed out, 4 auction; 0 absent
  bool poss_dup = false;                                  ///< PossDupFlag (43) = 'Y': a possible duplicate (a resend)
  std::int64_t msg_seq_num = 0;                           ///< MsgSeqNum (34); 0 absent
  std::optional<std::chrono::nanoseconds> transact_time;  ///< TransactTime (60), since the Unix epoch, UTC
  /// SendingTime (52) as sent (a header field, not decoded here: `parse_fix_timestamp` reads it)
  std::string_view sending_time;
};

/// Reads a FIX UTCTimestamp, "YYYYMMDD-HH:MM:SS" with an optional fraction of 1 to 9
/// digits (milliseconds in FIX 4.2-4.4, up to nanoseconds in 5.0), as nanoseconds since the
/// Unix epoch (UTC; leap second 60 accepted as 60 s past the minute). Years 1678 to 2261
/// (what 64-bit nanoseconds since 1970 can hold).
/// @return nullopt when the text is not such a timestamp (a field out of range included)
[[nodiscard]] inline std::optional<std::chrono::nanoseconds> parse_fix_timestamp(std::string_view t) noexcept {
  const std::size_t n = t.size();
  if (n < 17 || t[8] != '-' || t[11] != ':' || t[14] != ':') return std::nullopt;
  const char* c = t.data();
  bool ok = true;
  const auto d2 = [&](std::size_t at) {
    const unsigned a = unsigned(c[at] - '0'), b = unsigned(c[at + 1] - '0');
    ok = ok && a < 10 && b < 10;
    return int(a * 10 + b);
  };
  const int y = d2(0) * 100 + d2(2), mo = d2(4), d = d2(6), h = d2(9), mi = d2(12), s = d2(15);
  // Years 1678-2261: the int64 nanoseconds since 1970 span 1677-09-21 to 2262-04-11.
  if (!ok || y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > month_days[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  std::int64_t fraction = 0;
  if (n > 17) {
    const std::size_t digits = n - 18;
    if (c[17] != '.' || digits < 1 || digits > 9) return std::nullopt;
    for (std::size_t i = 18; i < n; ++i) {
      const unsigned v = unsigned(c[i] - '0');
      if (v >= 10) return std::nullopt;
      fraction = fraction * 10 + v;
    }
    for (std::size_t i = digits; i < 9; ++i) fraction *= 10;
  }
  // Days since 1970-01-01 of the civil date (H. Hinnant, "chrono-compatible low-level date
  // algorithms", days_from_civil).
  const int yy = mo <= 2 ? y - 1 : y;
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = std::int64_t(era) * 146097 + doe - 719468;
  const std::int64_t seconds = days * 86400 + h * 3600 + mi * 60 + s;
  return std::chrono::nanoseconds(seconds * 1'000'000'000 + fraction);
}

/// Writes a time since the Unix epoch (UTC) as a FIX UTCTimestamp, "YYYYMMDD-HH:MM:SS" and a
/// fraction of `digits` digits (0: none; 3: milliseconds, FIX 4.2-4.4; 9: nanoseconds, FIX
/// 5.0), truncated; the inverse of `parse_fix_timestamp` for years 1678 to 2261.
/// @throws invalid_argument for digits outside [0, 9]
[[nodiscard]] inline std::string format_fix_timestamp(std::chrono::nanoseconds t, int digits = 3) {
  if (digits < 0 || digits > 9)
    throw invalid_argument(
        detail::concat("footprint::format_fix_timestamp: digits must be in [0, 9] (got ", digits, ")"));
  const std::int64_t ns = t.count();
  std::int64_t seconds = ns / 1'000'000'000, fraction = ns % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    --seconds;
  }
  std::int64_t days = seconds / 86400, sod = seconds % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  // The civil date of a day count (H. Hinnant, civil_from_days).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04lld%02lld%02lld-%02lld:%02lld:%02lld", static_cast<long long>(y),
                              static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(sod / 3600),
                              static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (digits > 0) {
    char frac[16];
    (void)std::snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(fraction));
    out += '.';
    out.append(frac, static_cast<std::size_t>(digits));
  }
  return out;
}

/// Decodes an ExecutionReport in one pass over its fields (the first occurrence of each tag
/// counts; a later repeat is ignored, as FIX allows none outside repeating groups).
/// @param m a message with MsgType 8
/// @throws fix_error (naming the byte offset and tag) when MsgType is not 8, a required field
///         (17, 150, 39, 54, 55, 14) is missing, a number is malformed or negative (a
///         quantity) or not finite, Side is not one of 1, 2, 5, 6, LastLiquidityInd is not 1 to
///         4, PossDupFlag is not Y or N, or a timestamp is malformed; and for a malformed
///         field (`fix_message`)
[[nodiscard]] inline execution_report decode_execution_report(const fix_message& m) {
  if (m.msg_type() != "8")
    throw m.error_at(m.offset(), 35,
                     detail::concat("not an ExecutionReport: MsgType is '", m.msg_type(), "', not '8'"));
  execution_report r;
  unsigned seen = 0;  // bits of the required fields found
  const auto number = [&](const fix_field& f, bool quantity) {
    double x = 0.0;
    if (!detail::parse_decimal(f.value.data(), f.value.data() + f.value.size(), x) || !std::isfinite(x))
      throw m.error_at(f.offset, f.tag, detail::concat("not a finite number (got '", f.value, "')"));
    if (quantity && x < 0.0)
      throw m.error_at(f.offset, f.tag, detail::concat("a quantity must be >= 0 (got '", f.value, "')"));
    return x;
  };
  const auto one_char = [&](const fix_field& f) {
    if (f.value.size() != 1)
      throw m.error_at(f.offset, f.tag, detail::concat("expected one character (got '", f.value, "')"));
    return f.value[0];
  };
  const auto time = [&](const fix_field& f) {
    const auto t = parse_fix_timestamp(f.value);
    if (!t)
      throw m.error_at(f.offset, f.tag,
                       detail::concat("not a UTCTimestamp YYYYMMDD-HH:MM:SS[.fff] (got '", f.value, "')"));
    return t;
  };
  m.for_each_field([&](const fix_field& f) {
    switch (f.tag) {
      case 11:
        if (r.cl_ord_id.empty()) r.cl_ord_id = f.value;
        break;
      case 37:
        if (r.order_id.empty()) r.order_id = f.value;
        break;
      case 17:
        if (!(seen & 1U)) {
          r.exec_id = f.value;
          seen |= 1U;
        }
        break;
      case 19:
        if (r.exec_ref_id.empty()) r.exec_ref_id = f.value;
        break;
      case 55:
        if (!(seen & 2U)) {
          r.symbol = f.value;
          seen |= 2U;
        }
        break;
      case 30:
        if (r.last_mkt.empty()) r.last_mkt = f.value;
        break;
      case 20:
        if (r.exec_trans_type == '\0') r.exec_trans_type = one_char(f);
        break;
      case 150:
        if (!(seen & 4U)) {
          r.exec_type = one_char(f);
          seen |= 4U;
        }
        break;
      case 39:
        if (!(seen & 8U)) {
          r.ord_status = one_char(f);
          seen |= 8U;
        }
        break;
      case 54:
        if (!(seen & 16U)) {
          const char c = one_char(f);
          if (c == '1')
            r.side = side::buy;
          else if (c == '2' || c == '5' || c == '6')
            r.side = side::sell;
          else
            throw m.error_at(f.offset, f.tag,
                             detail::concat("Side must be 1 (buy), 2, 5 or 6 (sell) (got '", f.value, "')"));
          seen |= 16U;
        }
        break;
      case 38:
        if (std::isnan(r.order_qty)) r.order_qty = number(f, true);
        break;
      case 44:
        if (std::isnan(r.price)) r.price = number(f, false);
        break;
      case 31:
        if (std::isnan(r.last_px)) r.last_px = number(f, false);
        break;
      case 32:
        if (std::isnan(r.last_qty)) r.last_qty = number(f, true);
        break;
      case 14:
        if (!(seen & 32U)) {
          r.cum_qty = number(f, true);
          seen |= 32U;
        }
        break;
      case 151:
        if (std::isnan(r.leaves_qty)) r.leaves_qty = number(f, true);
        break;
      case 6:
        if (std::isnan(r.avg_px)) r.avg_px = number(f, false);
        break;
      case 12:
        if (std::isnan(r.commission)) r.commission = number(f, false);
        break;
      case 13:
        if (r.comm_type == '\0') r.comm_type = one_char(f);
        break;
      case 851:
        if (r.last_liquidity_ind == 0) {
          const char c = one_char(f);
          if (c < '1' || c > '4')
            throw m.error_at(f.offset, f.tag, detail::concat("LastLiquidityInd must be 1 to 4 (got '", f.value, "')"));
          r.last_liquidity_ind = c - '0';
        }
        break;
      case 43: {
        const char c = one_char(f);
        if (c != 'Y' && c != 'N')
          throw m.error_at(f.offset, f.tag, detail::concat("PossDupFlag must be Y or N (got '", f.value, "')"));
        r.poss_dup = c == 'Y';
        break;
      }
      case 34:
        if (r.msg_seq_num == 0) {
          std::int64_t n = 0;
          for (const char c : f.value) {
            if (c < '0' || c > '9' || n > (std::int64_t{1} << 50))
              throw m.error_at(f.offset, f.tag,
                               detail::concat("MsgSeqNum must be a positive integer (got '", f.value, "')"));
            n = n * 10 + (c - '0');
          }
          r.msg_seq_num = n;
        }
        break;
      case 60:
        if (!r.transact_time) r.transact_time = time(f);
        break;
      case 52:
        if (r.sending_time.empty()) r.sending_time = f.value;
        break;
      default: break;
    }
  });
  constexpr std::pair<unsigned, int> required[] = {{1U, 17}, {4U, 150}, {8U, 39}, {16U, 54}, {2U, 55}, {32U, 14}};
  for (const auto& [bit, tag] : required)
    if (!(seen & bit)) throw m.error_at(m.offset(), tag, "a required field of an ExecutionReport is missing");
  return r;
}

}  // namespace footprint
