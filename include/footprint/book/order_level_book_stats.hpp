/// @file book/order_level_book_stats.hpp
/// @brief The resting order and the message counts of an `order_level_book`
/// (book/order_level_book.hpp).
#pragma once

#include "footprint/types.hpp"

#include <cstddef>

namespace footprint {

/// One resting order of an `order_level_book`.
struct resting_order {
  footprint::side side = footprint::side::buy;  ///< buy = bid side, sell = ask side
  double price = 0.0;                           ///< quote currency, > 0
  double quantity = 0.0;                        ///< remaining quantity (shares, contracts or coins), > 0
};

/// What an `order_level_book` did with the messages it could not apply as they stand.
///
/// Order-level feeds routinely name orders the book never saw: orders resting before the
/// recording starts, or (in LOBSTER files of k levels) orders submitted outside the k
/// levels that later reach them. The book never ignores such a message silently: it
/// applies the documented rule (see `order_level_book`) and counts it here.
struct order_level_book_stats {
  std::size_t adds = 0;             ///< `add` calls (including duplicate ids)
  std::size_t cancels = 0;          ///< partial cancels applied to a known order
  std::size_t removes = 0;          ///< deletions of a known order
  std::size_t executions = 0;       ///< executions against a known order
  std::size_t unknown_ids = 0;      ///< cancel / remove / execute naming an id not in the book
  std::size_t duplicate_ids = 0;    ///< `add` of an id already resting (the old order was replaced)
  std::size_t oversized = 0;        ///< cancel / execute larger than the order's remaining quantity (clamped)
  std::size_t mismatches = 0;       ///< side or price given for a known order differ from its own, or a
                                    ///< deletion's quantity differs from the remaining quantity
  double anonymous_used = 0.0;      ///< quantity taken from anonymous liquidity for unknown ids
  double unmatched_quantity = 0.0;  ///< quantity that matched nothing: unknown ids beyond the anonymous
                                    ///< liquidity at their level, plus the excess of oversized messages
  std::size_t stale_levels = 0;     ///< levels taken out by `remove_levels_beyond` (rule 5)
  std::size_t stale_orders = 0;     ///< known orders taken out with them
  double stale_quantity = 0.0;      ///< their quantity, known orders and anonymous liquidity
};

}  // namespace footprint
