/// @file simulation/order_flow_statistics_impl.hpp
/// @brief Definitions of `order_flow_statistics`'s per-event work (included by
/// order_flow_statistics.hpp; not a public header of its own): the replay of an event on the
/// ladder, the zero-intelligence counts, the queue-reactive tables and the depletions.
#pragma once

#include "footprint/simulation/order_flow_statistics.hpp"

namespace footprint {

inline void order_flow_statistics::refresh() {
  std::fill(depth_.begin(), depth_.end(), 0.0);
  std::fill(queue_lots_.begin(), queue_lots_.end(), index{0});
  const std::int64_t bid = ladder_[side::buy].best();
  const std::int64_t ask = ladder_[side::sell].best();
  const auto nl = static_cast<std::int64_t>(options_.levels);
  const auto nk = static_cast<std::int64_t>(options_.queue_levels);
  const std::int64_t ceil_ref = (pref2_ + 1) / 2;   // bid queue i at ceil_ref - i
  const std::int64_t floor_ref = (pref2_ - 1) / 2;  // ask queue i at floor_ref + i
  for (const side s : {side::buy, side::sell}) {
    const auto levels = ladder_[s].levels();
    for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
      const std::int64_t d = s == side::buy ? ask - it->tick : it->tick - bid;
      const std::int64_t i = s == side::buy ? ceil_ref - it->tick : it->tick - floor_ref;
      if (d > nl && i > nk) break;
      if (d >= 1 && d <= nl) depth_[static_cast<std::size_t>(d - 1)] += it->quantity;
      if (i >= 1 && i <= nk)
        queue_lots_[static_cast<std::size_t>((s == side::buy ? 0 : nk) + i - 1)] = lots(it->quantity);
    }
  }
  dirty_ = false;
}

inline void order_flow_statistics::accumulate(double dt) {
  if (!ladder_.two_sided()) {
    one_sided_seconds_ += dt;
    return;
  }
  if (ladder_.crossed()) {
    crossed_seconds_ += dt;
    return;
  }
  if (dirty_) refresh();
  two_sided_seconds_ += dt;
  for (std::size_t i = 0; i < depth_.size(); ++i) queue_integral_[i] += dt * depth_[i];
  const index k = options_.queue_levels;
  for (index j = 0; j < 2 * k; ++j) queue_seconds_(j % k, queue_lots_[static_cast<std::size_t>(j)]) += dt;
}

inline void order_flow_statistics::update_reference() {
  const std::int64_t sum = ladder_[side::buy].best() + ladder_[side::sell].best();
  if ((sum & 1) != 0) {
    pref2_ = sum;
  } else if (!has_pref_) {
    pref2_ = sum - 1;
  } else {
    const std::int64_t lo = sum - 1;
    const std::int64_t hi = sum + 1;
    pref2_ = (lo > pref2_ ? lo - pref2_ : pref2_ - lo) < (hi > pref2_ ? hi - pref2_ : pref2_ - hi) ? lo : hi;
  }
  if (!has_pref_) {
    has_pref_ = true;
    first_mid_ = static_cast<double>(sum) / 2.0 * options_.tick_size;
    first_pref_ = static_cast<double>(pref2_) / 2.0 * options_.tick_size;
  }
}

inline void order_flow_statistics::step(const order_flow_event& e) {
  const std::int64_t t = e.time.count();
  if (events_ > 0 && t < last_time_)
    bad_event("time", detail::concat("time ", t, " ns is before the previous event's time ", last_time_, " ns"));
  const bool size_ok = e.kind == order_flow_kind::set_quantity ? e.quantity >= 0.0 : e.quantity > 0.0;
  if (!std::isfinite(e.quantity) || !size_ok)
    bad_event("quantity",
              detail::concat("the quantity of a ", to_string(e.kind), " event must be finite and ",
                             e.kind == order_flow_kind::set_quantity ? ">= 0" : "> 0", " (got ", e.quantity, ")"));
  if (e.kind != order_flow_kind::limit && e.kind != order_flow_kind::cancel && e.kind != order_flow_kind::market &&
      e.kind != order_flow_kind::set_quantity)
    bad_event("kind", detail::concat("unknown kind (got ", static_cast<int>(e.kind), ")"));
  if (e.side != side::buy && e.side != side::sell)
    bad_event("side", detail::concat("unknown side (got ", static_cast<int>(e.side), ")"));
  if (events_ > 0 && t > last_time_) accumulate(static_cast<double>(t - last_time_) * 1e-9);
  last_time_ = t;
  ++events_;
  counts_.add(e.kind);

  const bool quoted = two_sided();
  detail::simulation::ladder_side& own = ladder_[e.side];
  const double before = own.quantity(e.price_tick);
  bool first_queue = false;
  if (e.kind != order_flow_kind::set_quantity) {
    if (e.kind != order_flow_kind::market) end_market_run();
    if (!quoted) {
      ++exceptions_.without_quotes;
    } else {
      count_order(e, before, first_queue);
    }
  }
  bool clamped = false;
  const double moved = ladder_.apply(e, clamped);
  if (clamped) ++exceptions_.clamped;
  if (quoted && e.kind == order_flow_kind::cancel) {
    const std::int64_t d = distance(e);
    if (d >= 1 && d <= static_cast<std::int64_t>(options_.levels))
      cancelled_quantity_[static_cast<std::size_t>(d - 1)] += moved;
  }
  dirty_ = true;
  if (first_queue && before > 0.0 && own.quantity(e.price_tick) <= 0.0) {
    pending_[e.side == side::buy ? 0 : 1] = pending_depletion{true, pref2_, e.price_tick};
  }
  if (two_sided()) {
    update_reference();
    resolve_depletions();
  }
}

inline void order_flow_statistics::add_size(std::vector<double>& h, double x) noexcept {
  const auto last = static_cast<double>(h.size() - 1);
  if (!(x < last)) {
    h.back() += 1.0;
    return;
  }
  const double k = std::floor(x);
  const double frac = x - k;
  h[static_cast<std::size_t>(k)] += 1.0 - frac;
  if (frac > 0.0) h[static_cast<std::size_t>(k) + 1] += frac;
}

inline void order_flow_statistics::end_market_run() noexcept {
  market_run_ = false;
  if (market_run_quantity_ > 0.0) add_size(market_size_histogram_, market_run_quantity_ / lot_);
  market_run_quantity_ = 0.0;
}

inline void order_flow_statistics::count_order(const order_flow_event& e, double before, bool& first_queue) {
  const std::int64_t d = distance(e);
  const auto nl = static_cast<std::int64_t>(options_.levels);
  const std::size_t di = d >= 1 && d <= nl ? static_cast<std::size_t>(d - 1) : 0;
  const bool in_range = d >= 1 && d <= nl;
  switch (e.kind) {
    case order_flow_kind::limit: {
      if (in_range) {
        ++limit_count_[di];
      } else if (d < 1) {
        ++exceptions_.limit_inside;
      } else {
        ++exceptions_.limit_beyond;
      }
      ++limit_orders_;
      limit_quantity_ += e.quantity;
      add_size(size_histogram_, e.quantity / lot_);
      break;
    }
    case order_flow_kind::cancel:
      if (in_range) {
        ++cancel_count_[di];
      } else if (d < 1) {
        ++exceptions_.cancel_inside;
      } else {
        ++exceptions_.cancel_beyond;
      }
      break;
    case order_flow_kind::market: {
      market_quantity_ += e.quantity;
      ++market_events_;
      if (!(market_run_ && e.time.count() == market_time_ && e.side == market_side_)) {
        end_market_run();
        ++market_orders_;
      }
      market_run_quantity_ += e.quantity;
      market_run_ = true;
      market_time_ = e.time.count();
      market_side_ = e.side;
      break;
    }
    case order_flow_kind::set_quantity: break;
  }
  // Queue-reactive tables.
  const std::int64_t i = e.side == side::buy ? (pref2_ + 1) / 2 - e.price_tick : e.price_tick - (pref2_ - 1) / 2;
  if (i < 1 || i > static_cast<std::int64_t>(options_.queue_levels)) {
    ++exceptions_.queue_outside;
    return;
  }
  first_queue = i == 1;
  const auto row = static_cast<index>(i - 1);
  const index q0 = lots(before);
  switch (e.kind) {
    case order_flow_kind::limit:
      detail::simulation::count_units(queue_limit_, row, q0, units(e.quantity), options_.max_queue_lots, true);
      break;
    case order_flow_kind::cancel:
      detail::simulation::count_units(queue_cancel_, row, q0, units(e.quantity), options_.max_queue_lots, false);
      break;
    case order_flow_kind::market:
      detail::simulation::count_units(queue_market_, row, q0, units(e.quantity), options_.max_queue_lots, false);
      break;
    case order_flow_kind::set_quantity: break;
  }
}

inline void order_flow_statistics::resolve_depletions() {
  for (int s = 0; s < 2; ++s) {
    pending_depletion& p = pending_[s];
    if (!p.active) continue;
    if (pref2_ != p.pref2) {
      ++depletions_;
      ++depletion_moves_;
      p.active = false;
    } else if (ladder_[s == 0 ? side::buy : side::sell].quantity(p.tick) > 0.0) {
      ++depletions_;
      p.active = false;
    }
  }
}

}  // namespace footprint
