/// @file feeds/fix/fill_normalizer.hpp
/// @brief `fill_normalizer`: ExecutionReports, in the order they arrived, to one clean list of
/// fills per parent order: FIX 4.2 and 4.4 semantics, busts and corrections through
/// ExecRefID, duplicate ExecIDs and PossDup resends, out-of-order messages, the final fill
/// that arrives with OrdStatus 1 and LeavesQty 0; and the checks that the fills add up to the
/// reported CumQty and AvgPx. See docs/fix.md ("Fills").
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/feeds/fix/execution_report.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `fill_normalizer`.
struct fill_normalizer_options {
  /// The instrument's tick, quote currency (> 0), or NaN: the VWAP of the fills must match
  /// the reported AvgPx within one tick (NaN: within 1e-6 of the price, as AvgPx is often
  /// rounded to six decimals).
  double tick_size = nan;
  /// The sum of LastQty must match the reported CumQty within this share of it (>= 0).
  double quantity_tolerance = 1e-9;
};

/// What the normalizer did, in counts.
struct fill_normalizer_summary {
  std::size_t reports = 0;             ///< ExecutionReports added
  std::size_t fills = 0;               ///< fills kept in the end
  std::size_t duplicates = 0;          ///< reports whose ExecID was seen before, dropped (resends included)
  std::size_t resends = 0;             ///< of those, PossDup (43=Y) resends
  std::size_t busts = 0;               ///< fills removed by a bust (150=H, or 20=1 in FIX 4.2)
  std::size_t corrections = 0;         ///< fills replaced by a correction (150=G, or 20=2 in FIX 4.2)
  std::size_t unresolved = 0;          ///< busts and corrections whose ExecRefID never arrived
  std::size_t final_status_1 = 0;      ///< orders complete with LeavesQty 0 but OrdStatus 1
  std::size_t orders_with_issues = 0;  ///< parent orders whose fills do not add up
};

/// Builds clean fills per parent order from ExecutionReports (`add` each in arrival order,
/// then `finish`). Nothing is dropped silently: a duplicate is counted, an unresolved bust
/// or correction and every sum that does not add up are written into the order's `issues`.
///
/// - **Parent order**: OrderID (37), or ClOrdID (11) when the reports carry no OrderID.
/// - **A fill**: ExecType F (FIX 4.3 and later), or ExecType 1 or 2 (partial fill, fill) with
///   ExecTransType 0 or absent (FIX 4.0-4.2). Quantity LastQty, price LastPx, time
///   TransactTime (SendingTime when absent), fee from Commission by CommType (1 per unit,
///   2 percent of the notional, 3 absolute), liquidity from LastLiquidityInd.
/// - **A bust** (ExecType H, or ExecTransType 1) removes the fill whose ExecID is its
///   ExecRefID; **a correction** (ExecType G, or ExecTransType 2) replaces that fill's
///   quantity, price and fee with its own LastQty, LastPx and Commission. A bust or
///   correction that arrives before the fill it refers to (out of order) waits for it.
/// - **Duplicates**: a report whose ExecID was seen before is dropped, resends (PossDup) or
///   not; a PossDup report with a new ExecID is kept (its original never arrived).
/// - **The order's state**: the last report by TransactTime (arrival order among equals):
///   its CumQty, AvgPx and LeavesQty. Complete when LeavesQty is 0 or OrdStatus is 2. The
///   order's size is the OrderQty of the last report carrying one (a cancel/replace changes
///   it), the first one kept as `initial_order_qty`.
/// - **Checks**, per order: the fills' quantities sum to the reported CumQty (within
///   `quantity_tolerance` of it), and their VWAP equals the reported AvgPx within a tick.
class fill_normalizer {
 public:
  /// @throws invalid_argument for a tick_size <= 0 or a negative quantity_tolerance
  explicit fill_normalizer(fill_normalizer_options options = {}) : options_(options) {
    constexpr const char* where = "footprint::fill_normalizer";
    if (!std::isnan(options_.tick_size)) detail::require_positive(options_.tick_size, where, "tick_size");
    detail::require_non_negative(options_.quantity_tolerance, where, "quantity_tolerance");
  }

  /// Adds one ExecutionReport (its strings are copied).
  void add(const execution_report& r) {
    ++summary_.reports;
    const std::size_t arrival = summary_.reports;
    if (!exec_ids_.insert(std::string(r.exec_id)).second) {
      ++summary_.duplicates;
      if (r.poss_dup) ++summary_.resends;
      return;
    }
    const std::string key(r.order_id.empty() ? r.cl_ord_id : r.order_id);
    order_state& o = orders_[key];
    if (o.out.order_id.empty()) {
      o.out.order_id = key;
      o.out.cl_ord_id = std::string(r.cl_ord_id);
      o.out.symbol = std::string(r.symbol);
      o.out.side = r.side;
      order_keys_.push_back(key);
    }
    if (std::isnan(o.out.initial_order_qty) && !std::isnan(r.order_qty)) o.out.initial_order_qty = r.order_qty;
    const std::chrono::nanoseconds t = time_of(r);
    // OrderQty follows cancel/replace: the latest report that carries one gives the size.
    if (!std::isnan(r.order_qty) && (std::isnan(o.out.order_qty) || t >= o.order_qty_time)) {
      o.out.order_qty = r.order_qty;
      o.order_qty_time = t;
    }
    if (o.last_arrival == 0 || t >= o.last_time) {
      o.last_time = t;
      o.last_arrival = arrival;
      o.out.reported_cum_qty = r.cum_qty;
      o.out.reported_avg_px = r.avg_px;
      o.out.reported_leaves_qty = r.leaves_qty;
      o.last_status = r.ord_status;
    }
    if (is_bust(r) || is_correction(r)) {
      pending_.push_back({key, std::string(r.exec_id), std::string(r.exec_ref_id), is_bust(r), fill_of(r, t)});
      resolve();
      return;
    }
    if (!is_trade(r)) return;
    if (!(r.last_qty > 0.0) || !std::isfinite(r.last_px)) {
      o.out.issues.push_back(detail::concat(
          "ExecID ", r.exec_id, ": a trade report without a positive LastQty (32) and a LastPx (31); not a fill"));
      return;
    }
    o.fills.push_back({fill_of(r, t), arrival});
    o.fill_index[std::string(r.exec_id)] = o.fills.size() - 1;
    resolve();
  }

  /// The fills of every parent order (in the order the orders first appeared), each order's
  /// fills sorted by time (arrival order among equals), with the checks done. The normalizer
  /// can take more reports afterwards; `finish` again gives the new state.
  [[nodiscard]] std::vector<order_fills> finish() {
    std::vector<order_fills> out;
    summary_.fills = 0;
    summary_.unresolved = pending_.size();
    summary_.final_status_1 = 0;
    summary_.orders_with_issues = 0;
    for (const std::string& key : order_keys_) {
      const order_state& o = orders_.at(key);
      order_fills f = o.out;
      std::vector<std::pair<fill, std::size_t>> live;
      for (const auto& [fl, arrival] : o.fills)
        if (!fl.exec_id.empty()) live.emplace_back(fl, arrival);
      std::stable_sort(live.begin(), live.end(),
                       [](const auto& a, const auto& b) { return a.first.time < b.first.time; });
      for (auto& [fl, arrival] : live) f.fills.push_back(std::move(fl));
      for (const pending_ref& p : pending_)
        if (p.order == key)
          f.issues.push_back(detail::concat(p.bust ? "bust" : "correction", " ExecID ", p.exec_id, " refers to ExecID ",
                                            p.ref_id, ", which never arrived"));
      f.complete = f.reported_leaves_qty == 0.0 || o.last_status == '2';
      if (f.complete && o.last_status == '1') ++summary_.final_status_1;
      check(f);
      summary_.fills += f.fills.size();
      if (!f.issues.empty()) ++summary_.orders_with_issues;
      out.push_back(std::move(f));
    }
    return out;
  }

  [[nodiscard]] const fill_normalizer_summary& summary() const noexcept { return summary_; }

 private:
  struct order_state {
    order_fills out;                                  // identity and last reported state (fills kept apart)
    std::vector<std::pair<fill, std::size_t>> fills;  // with arrival; a bust empties exec_id
    std::map<std::string, std::size_t> fill_index;    // ExecID -> fills
    std::chrono::nanoseconds last_time{0};
    std::chrono::nanoseconds order_qty_time{0};  // of the report that gave out.order_qty
    std::size_t last_arrival = 0;
    char last_status = '\0';
  };
  struct pending_ref {
    std::string order, exec_id, ref_id;
    bool bust = false;
    fill replacement;
  };

  static bool is_bust(const execution_report& r) noexcept { return r.exec_type == 'H' || r.exec_trans_type == '1'; }
  static bool is_correction(const execution_report& r) noexcept {
    return r.exec_type == 'G' || r.exec_trans_type == '2';
  }
  static bool is_trade(const execution_report& r) noexcept {
    if (r.exec_type == 'F') return true;
    return (r.exec_type == '1' || r.exec_type == '2') && (r.exec_trans_type == '\0' || r.exec_trans_type == '0');
  }

  static std::chrono::nanoseconds time_of(const execution_report& r) noexcept {
    if (r.transact_time) return *r.transact_time;
    if (const auto t = parse_fix_timestamp(r.sending_time)) return *t;
    return std::chrono::nanoseconds(0);
  }

  static fill fill_of(const execution_report& r, std::chrono::nanoseconds t) {
    fill f;
    f.time = t;
    f.side = r.side;
    f.quantity = r.last_qty;
    f.price = r.last_px;
    if (!std::isnan(r.commission)) {
      switch (r.comm_type) {
        case '1': f.fee = r.commission * r.last_qty; break;
        case '2': f.fee = r.commission / 100.0 * r.last_qty * r.last_px; break;
        default: f.fee = r.commission; break;
      }
    }
    f.liquidity = r.last_liquidity_ind == 1   ? liquidity::maker
                  : r.last_liquidity_ind == 2 ? liquidity::taker
                  : r.last_liquidity_ind == 3 ? liquidity::routed
                  : r.last_liquidity_ind == 4 ? liquidity::auction
                                              : liquidity::unknown;
    f.exec_id = std::string(r.exec_id);
    return f;
  }

  // Applies the busts and corrections whose fill has arrived.
  void resolve() {
    for (std::size_t i = 0; i < pending_.size();) {
      pending_ref& p = pending_[i];
      order_state& o = orders_[p.order];
      const auto it = o.fill_index.find(p.ref_id);
      if (it == o.fill_index.end() || o.fills[it->second].first.exec_id.empty()) {
        ++i;
        continue;
      }
      fill& target = o.fills[it->second].first;
      if (p.bust) {
        target.exec_id.clear();  // removed
        ++summary_.busts;
      } else {
        if (p.replacement.quantity > 0.0 && std::isfinite(p.replacement.price)) {
          target.quantity = p.replacement.quantity;
          target.price = p.replacement.price;
          target.fee = p.replacement.fee;
        } else {
          o.out.issues.push_back(detail::concat("correction ExecID ", p.exec_id, " of ExecID ", p.ref_id,
                                                " has no positive LastQty and LastPx; not applied"));
        }
        ++summary_.corrections;
      }
      pending_.erase(pending_.begin() + std::ptrdiff_t(i));
    }
  }

  void check(order_fills& f) const {
    const double q = f.filled_quantity();
    if (!std::isnan(f.reported_cum_qty) &&
        std::abs(q - f.reported_cum_qty) > options_.quantity_tolerance * std::max(f.reported_cum_qty, 1.0))
      f.issues.push_back(
          detail::concat("the fills sum to ", q, " but the last report's CumQty (14) is ", f.reported_cum_qty));
    const double vwap = f.vwap();
    if (q > 0.0 && std::isfinite(f.reported_avg_px) && f.reported_avg_px > 0.0) {
      const double tol = std::isnan(options_.tick_size) ? 1e-6 * std::abs(vwap) : options_.tick_size;
      if (std::abs(vwap - f.reported_avg_px) > tol)
        f.issues.push_back(detail::concat("the fills' VWAP is ", vwap, " but the last report's AvgPx (6) is ",
                                          f.reported_avg_px, " (more than ",
                                          std::isnan(options_.tick_size) ? "1e-6 of the price" : "a tick", " apart)"));
    }
  }

  fill_normalizer_options options_;
  fill_normalizer_summary summary_;
  std::set<std::string> exec_ids_;
  std::map<std::string, order_state> orders_;
  std::vector<std::string> order_keys_;
  std::vector<pending_ref> pending_;
};

}  // namespace footprint
