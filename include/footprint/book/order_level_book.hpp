/// @file book/order_level_book.hpp
/// @brief An order-level ("L3") book: resting orders tracked by id, with the aggregated
/// price-level book kept up to date beside them.
///
/// Source of the message semantics: the LOBSTER format description
/// (LOBSTER_SampleFiles_ReadMe.txt, 2013: submission, partial cancellation, deletion,
/// execution of a limit order) and NASDAQ TotalView-ITCH's add / cancel / delete / execute
/// order messages, which LOBSTER's message types mirror.
#pragma once

#include "footprint/book/detail/int64_table.hpp"
#include "footprint/book/detail/node_pool.hpp"
#include "footprint/book/order_level_book_stats.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/concepts.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace footprint {

/// An order-level ("L3") book: each resting order by id (side, price, remaining
/// quantity), and the aggregated price-level book of them, kept up to date on every update.
///
/// Satisfies `OrderBookView` through its members (forwarding to the aggregated book) and
/// through `view()`; level 0 is the best level. Updates follow the order messages of
/// order-level feeds (LOBSTER, NASDAQ ITCH, Bitstamp's live orders):
/// - `add`: a new limit order rests (LOBSTER type 1).
/// - `cancel`: a partial cancellation reduces an order (type 2).
/// - `remove`: a deletion takes the whole order out (type 3).
/// - `execute`: an execution reduces an order by the executed quantity (type 4).
///
/// Rules for messages that do not fit the book (counted in `stats()`, never ignored silently):
/// 1. *Unknown id* (an order resting before the data starts, or placed outside the levels a
///    file records): the message is counted in `unknown_ids`. When the caller passes the
///    message's side and price, the quantity is taken from the *anonymous liquidity* at that
///    level (liquidity of orders not known one by one, put there with `add_anonymous`, e.g.
///    from a snapshot at the start), as far as there is some; the rest is counted in
///    `unmatched_quantity`. Without side and price, nothing else changes.
/// 2. *Oversized* cancel or execution (more than the remaining quantity): the order is
///    removed, the excess counted in `oversized` and `unmatched_quantity`.
/// 3. *Duplicate id* on `add`: the resting order with that id is removed and replaced by
///    the new one; counted in `duplicate_ids`.
/// 4. *Mismatch*: side or price passed for a known order that differ from the order's own,
///    or a deletion's quantity that differs from the remaining quantity: the order's own
///    values win; counted in `mismatches`.
/// 5. *Stale levels*: a feed that records part of the book (a LOBSTER file of k levels has
///    no message for an order cancelled outside them) leaves orders that are gone;
///    `remove_levels_beyond(s, price, inclusive)` takes out the levels of side `s` better
///    than `price` (or at it), orders and anonymous liquidity, counted in `stale_levels`,
///    `stale_orders` and `stale_quantity`, when the caller knows the feed proves them gone
///    (for LOBSTER events: `apply(order_level_book&, const lobster_event&, index)`).
///
/// Quantities within a relative 1e-9 of an order's remaining quantity count as equal, so
/// that decimal quantities (0.1 + 0.2 coins) do not leave dust orders. A level is removed
/// as soon as no known order and no anonymous liquidity rest there; while orders rest there
/// it stays (a quantity that rounding took to <= 0 is summed afresh from them).
///
/// Complexity: each update is O(1) expected for the order (an open-addressing hash table
/// of ids to nodes that each level links into a list) plus O(log d + distance from the
/// best) for the aggregated level, d its distance from the level updated last (see
/// `price_level_book`); `remove_levels_beyond` is O(levels and orders it removes).
class order_level_book {
 public:
  /// Order identifiers are the feed's 64-bit order reference numbers (any value).
  using order_id = std::int64_t;

  /// An empty book: no orders, no levels, timestamp 0, all stats 0.
  order_level_book() { levels_.listed_ = true; }

  /// Makes room for `n_orders` resting orders without rehashing. Complexity: O(n_orders).
  void reserve(std::size_t n_orders) {
    orders_.reserve(n_orders);
    nodes_.reserve(n_orders);
  }

  /// Adds a resting limit order (LOBSTER type 1, ITCH "add order").
  /// @param id       the order's id; an id already resting is replaced (rule 3)
  /// @param s        side::buy rests on the bid side, side::sell on the ask side
  /// @param price    quote currency, finite and > 0
  /// @param quantity shares/contracts/coins, finite and > 0
  /// @throws invalid_argument for a non-finite or non-positive price or quantity
  void add(order_id id, side s, double price, double quantity) {
    check_price(price, "add");
    check_quantity(quantity, "add");
    // The node and the table slot first: a throw there leaves the book as it was.
    const std::uint32_t fresh = nodes_.allocate();
    bool inserted = false;
    std::uint32_t* slot = nullptr;
    try {
      slot = &orders_.find_or_insert(id, inserted);
    } catch (...) {
      nodes_.release(fresh);
      throw;
    }
    ++stats_.adds;
    std::uint32_t n = fresh;
    if (inserted) {
      *slot = fresh;
    } else {
      ++stats_.duplicate_ids;
      nodes_.release(fresh);
      n = *slot;
      leave_level(n);
    }
    nodes_[n] = {resting_order{s, price, quantity}, id, no_order, no_order};
    bool found = false;
    const std::size_t i = levels_.locate(s, price, found);
    std::vector<price_level>& v = levels_.levels(s);
    if (found) {
      v[i].quantity += quantity;
    } else {
      levels_.insert(v, v.begin() + static_cast<std::ptrdiff_t>(i), price_level{price, quantity});
    }
    std::uint32_t& head = levels_.heads(s)[i];
    nodes_[n].next = head;
    if (head != no_order) nodes_[head].prev = n;
    head = n;
  }

  /// Adds liquidity that rests at a level without known orders (e.g. a snapshot taken when
  /// the recording starts); unknown-id messages with a side and price draw on it (rule 1).
  /// @param s side of the level; @param price quote currency, finite and > 0
  /// @param quantity shares/contracts/coins, finite and > 0
  /// @throws invalid_argument for a non-finite or non-positive price or quantity
  void add_anonymous(side s, double price, double quantity) {
    check_price(price, "add_anonymous");
    check_quantity(quantity, "add_anonymous");
    anonymous_.add_quantity(s, price, quantity);
    levels_.add_quantity(s, price, quantity);
  }

  /// Partially cancels order `id` (LOBSTER type 2): reduces it by `quantity`.
  /// @param quantity shares/contracts/coins cancelled, finite and > 0
  /// @return the quantity removed from the book (0 for an unknown id)
  /// @throws invalid_argument for a non-finite or non-positive quantity
  double cancel(order_id id, double quantity) { return reduce(id, quantity, nullptr, kind::cancel); }

  /// Partially cancels order `id`, with the message's side and price for an unknown id
  /// (rule 1) and a consistency check (rule 4).
  /// @param s, price side and price (quote currency, finite and > 0) the message gives
  /// @param quantity shares/contracts/coins cancelled, finite and > 0
  /// @return the quantity removed from the book, orders and anonymous liquidity together
  /// @throws invalid_argument for a non-finite or non-positive price or quantity
  double cancel(order_id id, side s, double price, double quantity) {
    const hint h{s, price};
    check_price(price, "cancel");
    return reduce(id, quantity, &h, kind::cancel);
  }

  /// Deletes order `id` (LOBSTER type 3): removes its whole remaining quantity.
  /// @return the quantity removed (0 for an unknown id)
  double remove(order_id id) {
    std::uint32_t* slot = orders_.find(id);
    if (slot == nullptr) {
      ++stats_.unknown_ids;
      return 0.0;
    }
    ++stats_.removes;
    return erase_order(slot);
  }

  /// Deletes order `id`, with the message's side, price and quantity: an unknown id takes
  /// `quantity` from the anonymous liquidity at that level (rule 1); for a known order the
  /// whole remaining quantity goes and a different `quantity` counts as a mismatch (rule 4).
  /// @param s, price side and price (quote currency, finite and > 0) the message gives
  /// @param quantity shares/contracts/coins the message says were deleted, finite and > 0
  /// @return the quantity removed from the book
  /// @throws invalid_argument for a non-finite or non-positive price or quantity
  double remove(order_id id, side s, double price, double quantity) {
    check_price(price, "remove");
    check_quantity(quantity, "remove");
    std::uint32_t* slot = orders_.find(id);
    if (slot == nullptr) {
      const hint h{s, price};
      return take_unknown(quantity, &h);
    }
    ++stats_.removes;
    const resting_order& o = nodes_[*slot].value;
    if (o.side != s || o.price != price || !same_quantity(quantity, o.quantity)) ++stats_.mismatches;
    return erase_order(slot);
  }

  /// Takes out every level of side `s` better than `price` (and the level at `price` when
  /// `inclusive`): its known orders and its anonymous liquidity (rule 5, stale levels).
  /// @param price quote currency (any value: NaN removes nothing)
  /// @return the known orders removed
  /// Complexity: O(levels and orders removed).
  std::size_t remove_levels_beyond(side s, double price, bool inclusive) noexcept {
    const stale_test stale{s, price, inclusive};
    if (!stale(levels_.levels(s)) && !stale(anonymous_.levels(s))) [[likely]]
      return 0;
    return remove_stale(stale);
  }

  /// Executes `quantity` against order `id` (LOBSTER type 4, ITCH "order executed").
  /// @param quantity shares/contracts/coins executed, finite and > 0
  /// @return the quantity removed from the book (0 for an unknown id)
  /// @throws invalid_argument for a non-finite or non-positive quantity
  double execute(order_id id, double quantity) { return reduce(id, quantity, nullptr, kind::execute); }

  /// Executes `quantity` against order `id`, with the message's side and price for an
  /// unknown id (rule 1) and a consistency check (rule 4).
  /// @param s, price side and price (quote currency, finite and > 0) the message gives
  /// @param quantity shares/contracts/coins executed, finite and > 0
  /// @return the quantity removed from the book, orders and anonymous liquidity together
  /// @throws invalid_argument for a non-finite or non-positive price or quantity
  double execute(order_id id, side s, double price, double quantity) {
    const hint h{s, price};
    check_price(price, "execute");
    return reduce(id, quantity, &h, kind::execute);
  }

  /// Sets the time of the last update (since midnight or epoch, as the feed says).
  void set_timestamp(std::chrono::nanoseconds t) noexcept { levels_.set_timestamp(t); }

  /// Removes every order, level and anonymous quantity and resets `stats()`; the timestamp
  /// is kept.
  void clear() noexcept {
    orders_.clear();
    nodes_.clear();
    levels_.clear();
    anonymous_.clear();
    stats_ = {};
  }

  /// The resting order `id`, or nullptr; the pointer is valid until the next update.
  /// Complexity: O(1) expected.
  [[nodiscard]] const resting_order* find(order_id id) const noexcept {
    const std::uint32_t* slot = orders_.find(id);
    return slot == nullptr ? nullptr : &nodes_[*slot].value;
  }
  /// True when order `id` rests in the book.
  [[nodiscard]] bool contains(order_id id) const noexcept { return orders_.find(id) != nullptr; }
  /// Number of resting (known) orders.
  [[nodiscard]] std::size_t order_count() const noexcept { return orders_.size(); }
  /// Anonymous liquidity resting at `price` on side `s` (0 when none).
  [[nodiscard]] double anonymous_quantity(side s, double price) const noexcept {
    return anonymous_.quantity_at(s, price);
  }
  /// Counts of the messages handled by rules 1-4 (see the class comment) and of the updates.
  [[nodiscard]] const order_level_book_stats& stats() const noexcept { return stats_; }
  /// The aggregated price-level book: per level, known orders plus anonymous liquidity.
  [[nodiscard]] const price_level_book& levels() const noexcept { return levels_; }
  /// A cheap non-owning view of the aggregated book (valid until the next update).
  [[nodiscard]] book_view view() const noexcept { return levels_.view(); }

  /// Calls `f(order_id, const resting_order&)` for every resting order, in unspecified order.
  /// Complexity: O(capacity of the order table).
  template <class F>
  void for_each_order(F&& f) const {
    orders_.for_each([&](order_id id, std::uint32_t n) { f(id, nodes_[n].value); });
  }

  // ---- OrderBookView members (level 0 = best), forwarded to the aggregated book; O(1).
  /// Number of non-empty bid levels.
  [[nodiscard]] index bid_levels() const noexcept { return levels_.bid_levels(); }
  /// Number of non-empty ask levels.
  [[nodiscard]] index ask_levels() const noexcept { return levels_.ask_levels(); }
  /// Price of bid level `i` (0 = best), quote currency; requires i < bid_levels().
  [[nodiscard]] double bid_price(index i) const noexcept { return levels_.bid_price(i); }
  /// Total quantity at bid level `i`; requires i < bid_levels().
  [[nodiscard]] double bid_quantity(index i) const noexcept { return levels_.bid_quantity(i); }
  /// Price of ask level `i` (0 = best), quote currency; requires i < ask_levels().
  [[nodiscard]] double ask_price(index i) const noexcept { return levels_.ask_price(i); }
  /// Total quantity at ask level `i`; requires i < ask_levels().
  [[nodiscard]] double ask_quantity(index i) const noexcept { return levels_.ask_quantity(i); }
  /// Time of the last update, as set by `set_timestamp`.
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return levels_.timestamp(); }

 private:
  enum class kind : std::uint8_t { cancel, execute };
  struct hint {
    footprint::side side;
    double price;
  };

  static constexpr double relative_tolerance = 1e-9;

  // q and remaining are equal up to the relative tolerance.
  static bool same_quantity(double q, double remaining) noexcept {
    return std::abs(q - remaining) <= relative_tolerance * remaining;
  }

  // finite and > 0 (NaN fails both comparisons); the throws are kept out of line
  static bool positive_finite(double x) noexcept { return (x > 0.0) & (x <= std::numeric_limits<double>::max()); }
  static void check_price(double price, const char* fn) {
    if (!positive_finite(price)) [[unlikely]]
      bad_price(price, fn);
  }
  static void check_quantity(double quantity, const char* fn) {
    if (!positive_finite(quantity)) [[unlikely]]
      bad_quantity(quantity, fn);
  }
  [[noreturn, gnu::noinline, gnu::cold]] static void bad_price(double price, const char* fn) {
    throw invalid_argument(
        detail::concat("footprint::order_level_book::", fn, ": price must be finite and > 0 (got ", price, ")"));
  }
  [[noreturn, gnu::noinline, gnu::cold]] static void bad_quantity(double quantity, const char* fn) {
    throw invalid_argument(
        detail::concat("footprint::order_level_book::", fn, ": quantity must be finite and > 0 (got ", quantity, ")"));
  }

  static constexpr std::uint32_t no_order = detail::no_node;

  // Rule 5: is the best level of a side (the last) beyond `price`?
  struct stale_test {
    side s;
    double price;
    bool inclusive;
    bool operator()(const std::vector<price_level>& v) const noexcept {
      if (v.empty()) return false;
      // p - price is 0 exactly when p == price (gradual underflow); NaN compares false
      const double beyond = s == side::buy ? v.back().price - price : price - v.back().price;
      return inclusive ? beyond >= 0.0 : beyond > 0.0;
    }
  };
  [[gnu::noinline]] std::size_t remove_stale(const stale_test& stale) noexcept {
    std::vector<price_level>& v = levels_.levels(stale.s);
    std::vector<std::uint32_t>& heads = levels_.heads(stale.s);
    std::size_t removed = 0;
    for (; stale(v); v.pop_back(), heads.pop_back()) {
      for (std::uint32_t n = heads.back(), next = 0; n != no_order; n = next, ++removed) {
        next = nodes_[n].next;
        orders_.erase(nodes_[n].id);
        nodes_.release(n);
      }
      ++stats_.stale_levels;
      stats_.stale_quantity += v.back().quantity;
    }
    for (std::vector<price_level>& a = anonymous_.levels(stale.s); stale(a);) a.pop_back();
    stats_.stale_orders += removed;
    return removed;
  }

  // Node n's order leaves its level: unlinked from the level's list, its quantity taken
  // from the level, and the level removed when no known order and no anonymous liquidity
  // remain (whatever rounding left of its quantity); returns the order's quantity.
  double leave_level(std::uint32_t n) {
    const auto o = nodes_[n];
    if (o.prev != no_order) nodes_[o.prev].next = o.next;
    if (o.next != no_order) nodes_[o.next].prev = o.prev;
    bool found = false;
    const std::size_t i = levels_.locate(o.value.side, o.value.price, found);
    if (!found) return o.value.quantity;
    std::uint32_t& head = levels_.heads(o.value.side)[i];
    if (head == n) head = o.next;
    take_from_level(o.value.side, i, o.value.quantity);
    return o.value.quantity;
  }

  // Takes `q` from level i of side s; the level goes when no known order and no anonymous
  // liquidity rest there; with orders left, a quantity that rounding took to <= 0 is summed
  // afresh from them.
  void take_from_level(side s, std::size_t i, double q) {
    std::vector<price_level>& v = levels_.levels(s);
    price_level& l = v[i];
    l.quantity -= q;
    const std::uint32_t head = levels_.heads(s)[i];
    if (head == no_order) {
      const double anonymous = anonymous_.quantity_at(s, l.price);
      if (anonymous == 0.0 || l.quantity <= 0.0) levels_.erase(v, v.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (l.quantity <= 0.0) {
      double sum = anonymous_.quantity_at(s, l.price);
      for (std::uint32_t n = head; n != no_order; n = nodes_[n].next) sum += nodes_[n].value.quantity;
      l.quantity = sum;
    }
  }

  // Erases the order whose slot in orders_ `slot` is (found just before).
  double erase_order(std::uint32_t* slot) {
    const std::uint32_t n = *slot;
    orders_.erase_found(slot);
    const double q = leave_level(n);
    nodes_.release(n);
    return q;
  }

  // Rule 1: an unknown id; with a hint, draw on the anonymous liquidity at the level.
  double take_unknown(double q, const hint* h) {
    ++stats_.unknown_ids;
    if (h == nullptr) return 0.0;
    const double available = anonymous_.quantity_at(h->side, h->price);
    const double take = q < available ? q : available;
    stats_.unmatched_quantity += q - take;
    if (take > 0.0) {
      stats_.anonymous_used += take;
      if (take == available) {
        anonymous_.set_level(h->side, h->price, 0.0);
      } else {
        anonymous_.add_quantity(h->side, h->price, -take);
      }
      bool found = false;
      const std::size_t i = levels_.locate(h->side, h->price, found);
      if (found) take_from_level(h->side, i, take);
    }
    return take;
  }

  double reduce(order_id id, double q, const hint* h, kind k) {
    check_quantity(q, k == kind::cancel ? "cancel" : "execute");
    std::uint32_t* slot = orders_.find(id);
    if (slot == nullptr) return take_unknown(q, h);
    ++(k == kind::cancel ? stats_.cancels : stats_.executions);
    resting_order& o = nodes_[*slot].value;
    if (h != nullptr && (h->side != o.side || h->price != o.price)) ++stats_.mismatches;
    if (q >= o.quantity || same_quantity(q, o.quantity)) {
      if (q > o.quantity && !same_quantity(q, o.quantity)) {
        ++stats_.oversized;
        stats_.unmatched_quantity += q - o.quantity;
      }
      return erase_order(slot);
    }
    o.quantity -= q;
    bool found = false;
    const std::size_t i = levels_.locate(o.side, o.price, found);
    if (found) take_from_level(o.side, i, q);
    return q;
  }

  detail::int64_table<std::uint32_t> orders_;  // id -> index in nodes_
  detail::node_pool<resting_order> nodes_;     // the known orders, linked per level
  price_level_book levels_;                    // known orders + anonymous liquidity; each level's first order
  price_level_book anonymous_;                 // anonymous liquidity only
  order_level_book_stats stats_;
};

}  // namespace footprint
