/// @file feeds/binance/binance_depth_book.hpp
/// @brief A Binance depth book: applies diff-depth updates and depth snapshots to a
/// `price_level_book`, tracks update-id continuity and reports gaps, stale updates and
/// crossed states.
///
/// Source: Binance, "How to manage a local order book correctly", spot
/// (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams) and USD-M
/// futures (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly).
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/book/tick_level_book.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/binance/detail/replay_ring.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// Which update-id continuity rule a Binance depth stream follows.
enum class binance_market : std::uint8_t {
  automatic,      ///< decided by the first update: USD-M futures when it carries `pu`, else spot
  spot,           ///< spot: each update's `U` equals the previous `u` + 1
  usd_m_futures,  ///< USD-M (and COIN-M) futures: each update's `pu` equals the previous `u`
};

/// Name of a market, e.g. "spot".
[[nodiscard]] constexpr std::string_view to_string(binance_market m) noexcept {
  switch (m) {
    case binance_market::automatic: return "automatic";
    case binance_market::spot: return "spot";
    case binance_market::usd_m_futures: return "usd_m_futures";
  }
  return "unknown";
}

/// One diff-depth update as Binance sends it (`depthUpdate`).
struct binance_depth_update {
  std::int64_t first_update_id = 0;      ///< `U`: first update id in the event; >= 0
  std::int64_t last_update_id = 0;       ///< `u`: last update id in the event; >= `U`
  std::int64_t previous_update_id = -1;  ///< `pu`: `u` of the previous event (futures); -1 when absent (spot); < `U`
  std::span<const price_level> bids;     ///< absolute quantities of changed bid levels; quantity 0 deletes; any order
  std::span<const price_level> asks;     ///< absolute quantities of changed ask levels; quantity 0 deletes; any order
};

/// What applying one update or snapshot did.
struct binance_depth_result {
  bool applied = false;  ///< the book changed (false: a stale update, or a snapshot too old to use)
  bool gap = false;      ///< continuity broke just before this update: updates are missing
  bool crossed = false;  ///< the book is crossed (best bid >= best ask) afterwards
};

/// Running counts kept by a `binance_depth_book`.
struct binance_depth_stats {
  std::size_t updates_applied = 0;     ///< updates applied to the book
  std::size_t updates_stale = 0;       ///< updates dropped because the book already covered them (`u` <= last id)
  std::size_t gaps = 0;                ///< updates after which continuity broke (see `binance_market`)
  std::size_t crossed = 0;             ///< updates or snapshots after which the book was crossed
  std::size_t snapshots_applied = 0;   ///< snapshots installed (newer than the book, or reconciled by replay)
  std::size_t snapshots_unusable = 0;  ///< snapshots older than every update kept for replay (ignored)
};

/// A price-level book maintained from Binance diff-depth updates, with optional snapshots.
///
/// Continuity (per the Binance guide): on spot each update's `U` must equal the previous
/// `u` + 1; on USD-M futures each update's `pu` must equal the previous `u`. A break is a
/// *gap*: it is counted and flagged, and the update is applied anyway (the book may then be
/// wrong until a snapshot arrives). An update whose `u` is not above the last applied id is
/// *stale*: it is dropped, counted and flagged.
///
/// Warm-up without a snapshot: the first update is applied to an empty book. Diff updates
/// carry only the levels that change, so a level that rested unchanged since before the
/// first update is missing until an update touches it: the far levels fill in slowly, and
/// the best bid or ask can be wrong when the price moves onto such an untouched level (in
/// the Binance spot capture of 2024-08-09, 2 of 3,042 comparisons with bookTicker differ
/// for this reason; see docs/market-data.md). The book can even look crossed
/// then; `is_crossed()` and the result's `crossed` report it, nothing throws.
///
/// Snapshots (`apply_snapshot`, a REST `GET /depth` answer with `lastUpdateId` L): a
/// snapshot at least as new as the book replaces it; updates with `u` <= L are then stale,
/// and the next update must bridge L (spot: `U` <= L + 1; futures: `pu` <= L), else it is
/// a gap. A snapshot older than the book (the usual case in a capture:
/// the REST answer arrives after later diffs) is reconciled the way the guide prescribes,
/// by installing it and replaying the buffered updates after L; the book keeps the last
/// `replay_capacity` applied updates for this. A snapshot older than all of them is
/// counted as unusable and ignored.
///
/// `Book` is the book kept: `price_level_book` (`binance_depth_book`, what the readers use:
/// a sorted vector, the fastest to read many levels after each update) or `tick_level_book`
/// (each update's levels set in O(1), about 3x faster to apply a BTCUSDT update, but
/// reading deep levels after each update costs more than that saves; see
/// docs/market-data.md). Any type with their `set_levels`, `replace_side`, `clear`,
/// `set_timestamp` and `is_crossed`.
template <class Book = price_level_book>
class basic_binance_depth_book {
 public:
  /// @param market continuity rule; `automatic` decides on the first update (futures when
  ///        it has `pu` >= 0)
  /// @param replay_capacity how many applied updates to keep for reconciling late
  ///        snapshots; 0 disables reconciliation. Memory: 48 bytes per update and, in one
  ///        buffer grown as needed, 16 to 32 bytes per level kept.
  explicit basic_binance_depth_book(binance_market market = binance_market::automatic,
                                    std::size_t replay_capacity = 1024)
      : market_(market), ring_(replay_capacity) {}

  /// Applies one diff-depth update.
  /// @param u the update; prices finite and > 0, quantities finite and >= 0
  /// @param local_time capture time, since the epoch; becomes the book's timestamp when applied
  /// @return whether it was applied, whether a gap precedes it, whether the book is crossed
  /// @throws invalid_argument when ids are negative or out of order (`U` > `u`, `pu` >= `U`),
  ///   when `pu` is absent on futures or present on spot, or on an invalid price or
  ///   quantity; the book is unchanged then
  /// Complexity: O(k (log n + d)) for k < 16 levels of a side at distance d from the best;
  /// for more, O(k log n) plus one memmove of the levels from the deepest insertion or
  /// deletion to the best (`price_level_book::set_levels`); plus O(k) to keep the update
  /// for replay.
  binance_depth_result apply_update(const binance_depth_update& u, std::chrono::nanoseconds local_time) {
    validate_ids(u);
    validate_levels(u);
    return apply_valid(u, local_time);
  }
  /// `apply_update` for an update whose levels the caller has checked (private to
  /// footprint's readers: `detail::checked_levels_t`); its ids are still checked.
  binance_depth_result apply_update(const binance_depth_update& u, std::chrono::nanoseconds local_time,
                                    detail::checked_levels_t) {
    validate_ids(u);
    return apply_valid(u, local_time);
  }

  /// Applies a depth snapshot (REST `GET /api/v3/depth` or `/fapi/v1/depth`).
  /// @param last_update_id the snapshot's `lastUpdateId` L; >= 0
  /// @param bids_best_first bid levels, best (highest) first, strictly decreasing prices,
  ///        quantities > 0
  /// @param asks_best_first ask levels, best (lowest) first, strictly increasing prices,
  ///        quantities > 0
  /// @param local_time capture time, since the epoch; becomes the book's timestamp when applied
  /// @return applied (false when the snapshot is older than every update kept for replay),
  ///   and crossed
  /// @throws invalid_argument for L < 0, unordered levels, or an invalid price or quantity;
  ///   the book is unchanged then
  /// Complexity: O(n) for n snapshot levels, plus the replay of the kept updates after L.
  binance_depth_result apply_snapshot(std::int64_t last_update_id, std::span<const price_level> bids_best_first,
                                      std::span<const price_level> asks_best_first,
                                      std::chrono::nanoseconds local_time) {
    if (last_update_id < 0) {
      throw invalid_argument(detail::concat(
          "footprint::binance_depth_book::apply_snapshot: last_update_id must be >= 0 (got ", last_update_id, ")"));
    }
    check_snapshot_side(side::buy, bids_best_first);
    check_snapshot_side(side::sell, asks_best_first);
    binance_depth_result r;
    if (last_id_ < 0 || last_update_id >= last_id_) {
      install(bids_best_first, asks_best_first);
      last_id_ = last_update_id;
      awaiting_bridge_ = true;
      ring_.clear();
      r.applied = true;
    } else {
      // Older than the book: install it and replay the kept updates after L, if they reach back.
      std::size_t first = ring_.size();
      for (std::size_t k = 0; k < ring_.size(); ++k) {
        if (ring_[k].last > last_update_id) {
          first = k;
          break;
        }
      }
      if (first < ring_.size() && bridges(ring_[first].first, ring_[first].previous, last_update_id)) {
        install(bids_best_first, asks_best_first);
        for (std::size_t k = first; k < ring_.size(); ++k) apply_levels(ring_.bids(ring_[k]), ring_.asks(ring_[k]));
        r.applied = true;
      } else {
        ++stats_.snapshots_unusable;
      }
    }
    if (r.applied) {
      ++stats_.snapshots_applied;
      has_snapshot_ = true;
      book_.set_timestamp(local_time);
    }
    r.crossed = book_.is_crossed();
    if (r.crossed && r.applied) ++stats_.crossed;
    return r;
  }

  /// The book: every level seen so far, best first on each side. Its timestamp is the local
  /// time of the last applied update or snapshot.
  [[nodiscard]] const Book& book() const noexcept { return book_; }
  /// The last applied update id (`u`, or L of an installed newer snapshot); -1 before any.
  [[nodiscard]] std::int64_t last_update_id() const noexcept { return last_id_; }
  /// The continuity rule in force (`automatic` until the first update).
  [[nodiscard]] binance_market market() const noexcept { return market_; }
  /// True once a snapshot has been installed or reconciled: levels within the snapshot's
  /// depth are then complete (before, see the warm-up note in the class description).
  [[nodiscard]] bool has_snapshot() const noexcept { return has_snapshot_; }
  /// Running counts.
  [[nodiscard]] const binance_depth_stats& stats() const noexcept { return stats_; }
  /// Forgets the book, the last id, the kept updates and the counts (to restart after a
  /// gap, say). The continuity rule stays as decided.
  void clear() noexcept {
    book_.clear();
    last_id_ = -1;
    awaiting_bridge_ = false;
    has_snapshot_ = false;
    ring_.clear();
    stats_ = {};
  }

 private:
  // apply_update after its checks.
  binance_depth_result apply_valid(const binance_depth_update& u, std::chrono::nanoseconds local_time) {
    if (market_ == binance_market::automatic) {
      market_ = u.previous_update_id >= 0 ? binance_market::usd_m_futures : binance_market::spot;
    }
    if (market_ == binance_market::usd_m_futures && u.previous_update_id < 0) {
      throw invalid_argument(
          "footprint::binance_depth_book::apply_update: a USD-M futures update needs pu (previous_update_id >= 0)");
    }
    if (market_ == binance_market::spot && u.previous_update_id >= 0) {
      throw invalid_argument(detail::concat(
          "footprint::binance_depth_book::apply_update: a spot update has no pu (got ", u.previous_update_id, ")"));
    }
    binance_depth_result r;
    if (last_id_ >= 0) {
      if (u.last_update_id <= last_id_) {
        ++stats_.updates_stale;
        r.crossed = book_.is_crossed();
        return r;
      }
      if (awaiting_bridge_) {
        r.gap = !bridges(u.first_update_id, u.previous_update_id, last_id_);
      } else if (market_ == binance_market::spot) {
        r.gap = u.first_update_id - 1 != last_id_;
      } else {
        r.gap = u.previous_update_id != last_id_;
      }
    }
    apply_levels(u.bids, u.asks);
    ring_.record(u.first_update_id, u.last_update_id, u.previous_update_id, u.bids, u.asks);
    awaiting_bridge_ = false;
    last_id_ = u.last_update_id;
    book_.set_timestamp(local_time);
    ++stats_.updates_applied;
    if (r.gap) ++stats_.gaps;
    r.applied = true;
    r.crossed = book_.is_crossed();
    if (r.crossed) ++stats_.crossed;
    return r;
  }

  // Does an update (U, pu) bridge id L, i.e. carry the book from state L onwards? The caller
  // has checked u > L.
  [[nodiscard]] bool bridges(std::int64_t first, std::int64_t previous, std::int64_t l) const noexcept {
    if (market_ == binance_market::usd_m_futures) return previous <= l;
    return first - 1 <= l;
  }

  static void validate_ids(const binance_depth_update& u) {
    if (u.first_update_id < 0 || u.last_update_id < u.first_update_id) {
      throw invalid_argument(
          detail::concat("footprint::binance_depth_book::apply_update: update ids must satisfy 0 <= U <= u (got U ",
                         u.first_update_id, ", u ", u.last_update_id, ")"));
    }
    if (u.previous_update_id >= u.first_update_id) {
      throw invalid_argument(detail::concat("footprint::binance_depth_book::apply_update: pu must be < U (got pu ",
                                            u.previous_update_id, ", U ", u.first_update_id, ")"));
    }
  }
  static void validate_levels(const binance_depth_update& u) {
    for (const std::span<const price_level> levels : {u.bids, u.asks}) {
      // One pass without a branch per level (the usual case: all valid), then the message.
      const std::size_t n = detail::settable_prefix(levels);
      if (n == levels.size()) continue;
      throw invalid_argument(detail::concat("footprint::binance_depth_book::apply_update: invalid level (price ",
                                            levels[n].price, ", quantity ", levels[n].quantity,
                                            "): price must be finite and > 0, quantity finite and >= 0"));
    }
  }

  static void check_snapshot_side(side s, std::span<const price_level> best_first) {
    for (std::size_t i = 0; i < best_first.size(); ++i) {
      const price_level& l = best_first[i];
      if (!std::isfinite(l.price) || !(l.price > 0.0) || !std::isfinite(l.quantity) || !(l.quantity > 0.0)) {
        throw invalid_argument(detail::concat("footprint::binance_depth_book::apply_snapshot: invalid ", to_string(s),
                                              " level ", i, " (price ", l.price, ", quantity ", l.quantity,
                                              "): price and quantity must be finite and > 0"));
      }
      if (i > 0) {
        const double prev = best_first[i - 1].price;
        const bool ordered = s == side::buy ? l.price < prev : l.price > prev;
        if (!ordered) {
          throw invalid_argument(detail::concat("footprint::binance_depth_book::apply_snapshot: ", to_string(s),
                                                " levels must be strictly ordered best first (level ", i, " price ",
                                                l.price, " after ", prev, ")"));
        }
      }
    }
  }

  void install(std::span<const price_level> bids, std::span<const price_level> asks) {
    book_.replace_side(side::buy, bids);
    book_.replace_side(side::sell, asks);
  }

  // Levels already checked (by validate_levels, the reader, or when kept for replay).
  void apply_levels(std::span<const price_level> bids, std::span<const price_level> asks) {
    // Batched: an update's levels come best first, which one at a time would cost O(n^2).
    if constexpr (requires(Book & b) { b.set_levels(side::buy, bids, detail::checked_levels); }) {
      book_.set_levels(side::buy, bids, detail::checked_levels);
      book_.set_levels(side::sell, asks, detail::checked_levels);
    } else {
      book_.set_levels(side::buy, bids);
      book_.set_levels(side::sell, asks);
    }
  }

  Book book_;
  binance_market market_;
  std::int64_t last_id_ = -1;
  bool awaiting_bridge_ = false;
  bool has_snapshot_ = false;
  detail::binance::replay_ring ring_;  // the last replay_capacity applied updates
  binance_depth_stats stats_;
};

/// The Binance depth book the readers keep: on a `price_level_book`.
using binance_depth_book = basic_binance_depth_book<price_level_book>;

}  // namespace footprint
