/// @file concepts.hpp
/// @brief The public concepts, one per capability (see docs/concepts.md).
///
/// A cheap base header: standard library and Eigen/Core only. Each concept lists its
/// requirements as a numbered list; the ones marked *semantic* cannot be checked by the
/// compiler and are the implementer's promise. Compositions satisfy the concepts themselves
/// (a `feature_set<F...>` is a feature calculator; a `regression_impact_model<R>` is an
/// `ImpactModel`). Archetypes (minimal conforming types) live in `tests/static/archetypes.hpp`.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace footprint {

// ---------------------------------------------------------------------------------------
// Predictive distributions
// ---------------------------------------------------------------------------------------

/// A univariate predictive distribution usable with Boost.Math's free functions.
///
/// Requirements, for `const D d` and `double p, x`, all found by argument-dependent lookup:
/// 1. `mean(d)` is convertible to `double`: the expected value.
/// 2. `standard_deviation(d)` is convertible to `double`: >= 0.
/// 3. `quantile(d, p)` is convertible to `double`: the p-quantile, for p in (0, 1).
/// 4. `cdf(d, x)` is convertible to `double`: P(Y <= x), in [0, 1].
/// 5. *Semantic*: `quantile` is non-decreasing in p, `cdf` non-decreasing in x, and
///    `cdf(d, quantile(d, p))` >= p.
///
/// Boost.Math's `normal_distribution` and `students_t_distribution` (location-scale
/// shifted by footprint) and footprint's empirical distributions satisfy it.
template <class D>
concept PredictiveDistribution = requires(const D& d, double p) {
  { mean(d) } -> std::convertible_to<double>;
  { standard_deviation(d) } -> std::convertible_to<double>;
  { quantile(d, p) } -> std::convertible_to<double>;
  { cdf(d, p) } -> std::convertible_to<double>;
};

// ---------------------------------------------------------------------------------------
// Regressors
// ---------------------------------------------------------------------------------------

/// A supervised regression model: fit on rows, predict a point per row.
///
/// Requirements, for `R r`, `const R cr`, `const matrix X` of shape (n_samples, n_features)
/// and `const vector y` of shape (n_samples):
/// 1. `R` is movable.
/// 2. `r.fit(X, y)` returns `fit_report`; it throws `dimension_mismatch` when
///    `y.size() != X.rows()` and `invalid_argument` on non-finite input.
/// 3. `cr.predict(X)` returns `vector` of shape (X.rows()); it throws `not_fitted` before a
///    successful fit and `dimension_mismatch` when `X.cols() != n_features()`.
/// 4. `cr.is_fitted()` returns `bool`.
/// 5. `cr.n_features()` is convertible to `index`: the column count seen by the last fit.
/// 6. *Semantic*: `predict` is const and thread-safe after `fit` (many threads may
///    predict concurrently); `fit` with the same data and parameters (including `seed`)
///    gives the same model for any thread count.
template <class R>
concept Regressor = std::movable<R> && requires(R& r, const R& cr, const matrix& X, const vector& y) {
  { r.fit(X, y) } -> std::same_as<fit_report>;
  { cr.predict(X) } -> std::same_as<vector>;
  { cr.is_fitted() } -> std::same_as<bool>;
  { cr.n_features() } -> std::convertible_to<index>;
};

/// A `Regressor` that also accepts per-row sample weights.
///
/// Requirements, in addition to `Regressor`, for `const vector w` of shape (n_samples):
/// 1. `r.fit(X, y, w)` returns `fit_report`; weights must be finite and >= 0 with a positive
///    sum (else `invalid_argument`), and `w.size() == X.rows()` (else `dimension_mismatch`).
/// 2. *Semantic*: integer weights are equivalent to repeating rows; unit weights give the
///    unweighted fit.
template <class R>
concept WeightedRegressor = Regressor<R> && requires(R& r, const matrix& X, const vector& y, const vector& w) {
  { r.fit(X, y, w) } -> std::same_as<fit_report>;
};

/// A `Regressor` that gives a predictive distribution per row, not only a point.
///
/// Requirements, in addition to `Regressor`:
/// 1. `R::distribution_type` names a type that satisfies `PredictiveDistribution`.
/// 2. `cr.predict_distribution(X)` returns `std::vector<R::distribution_type>` with one
///    element per row of X; same exceptions as `predict`.
/// 3. *Semantic*: `mean(cr.predict_distribution(X)[i])` equals `cr.predict(X)[i]` up to
///    rounding (or, for models whose point forecast is a median, the docstring says so).
template <class R>
concept ProbabilisticRegressor = Regressor<R> && PredictiveDistribution<typename R::distribution_type> &&
    requires(const R& cr, const matrix& X) {
  { cr.predict_distribution(X) } -> std::same_as<std::vector<typename R::distribution_type>>;
};

// ---------------------------------------------------------------------------------------
// Order books
// ---------------------------------------------------------------------------------------

/// Adapts a book type to `OrderBookView`; specialize it for your own book type.
///
/// A specialization provides these static member functions (level 0 is the best level):
/// @code
/// static index bid_levels(const Book&);              // number of non-empty bid levels
/// static index ask_levels(const Book&);              // number of non-empty ask levels
/// static double bid_price(const Book&, index level);    // quote currency, level < bid_levels
/// static double bid_quantity(const Book&, index level); // shares/contracts/coins, > 0
/// static double ask_price(const Book&, index level);
/// static double ask_quantity(const Book&, index level);
/// static std::chrono::nanoseconds timestamp(const Book&); // time of the last update
/// @endcode
/// The primary template is empty, except for types that have these functions as const
/// members (`b.bid_levels()`, `b.bid_price(i)`, ..., `b.timestamp()`): for those the
/// partial specialization below forwards to the members, so footprint's own books need no
/// specialization. This is how mp-units adapts foreign quantity types and how fmt adapts
/// types through `formatter<T>`.
template <class Book>
struct order_book_traits {};

namespace detail {
/// A book type with the order-book accessors as const members.
template <class B>
concept has_order_book_members = requires(const B& b, index level) {
  { b.bid_levels() } -> std::convertible_to<index>;
  { b.ask_levels() } -> std::convertible_to<index>;
  { b.bid_price(level) } -> std::convertible_to<double>;
  { b.bid_quantity(level) } -> std::convertible_to<double>;
  { b.ask_price(level) } -> std::convertible_to<double>;
  { b.ask_quantity(level) } -> std::convertible_to<double>;
  { b.timestamp() } -> std::convertible_to<std::chrono::nanoseconds>;
};
}  // namespace detail

/// Forwards to the members of book types that have them (see `order_book_traits`).
template <class Book>
requires detail::has_order_book_members<Book>
struct order_book_traits<Book> {
  static index bid_levels(const Book& b) noexcept(noexcept(b.bid_levels())) { return b.bid_levels(); }
  static index ask_levels(const Book& b) noexcept(noexcept(b.ask_levels())) { return b.ask_levels(); }
  static double bid_price(const Book& b, index i) noexcept(noexcept(b.bid_price(i))) { return b.bid_price(i); }
  static double bid_quantity(const Book& b, index i) noexcept(noexcept(b.bid_quantity(i))) { return b.bid_quantity(i); }
  static double ask_price(const Book& b, index i) noexcept(noexcept(b.ask_price(i))) { return b.ask_price(i); }
  static double ask_quantity(const Book& b, index i) noexcept(noexcept(b.ask_quantity(i))) { return b.ask_quantity(i); }
  static std::chrono::nanoseconds timestamp(const Book& b) noexcept(noexcept(b.timestamp())) { return b.timestamp(); }
};

/// A read-only view of an order book: best-first bid and ask levels and a timestamp.
///
/// Requirements, through `T = order_book_traits<std::remove_cvref_t<B>>`, for `const B b`
/// and `index level`:
/// 1. `T::bid_levels(b)` and `T::ask_levels(b)` are convertible to `index`: the numbers of
///    non-empty levels on each side (0 for an empty side).
/// 2. `T::bid_price(b, level)`, `T::bid_quantity(b, level)`, `T::ask_price(b, level)`,
///    `T::ask_quantity(b, level)` are convertible to `double`; level 0 is the best.
/// 3. `T::timestamp(b)` is convertible to `std::chrono::nanoseconds`.
/// 4. *Semantic*: bid prices strictly decrease and ask prices strictly increase with
///    level; quantities are > 0; levels at or past the count are never asked for.
/// 5. *Semantic*: every accessor is O(1), does not allocate and does not throw, so that
///    feature calculators can keep their `noexcept` no-allocation promise.
template <class B>
concept OrderBookView = requires(const B& b, index level) {
  { order_book_traits<std::remove_cvref_t<B>>::bid_levels(b) } -> std::convertible_to<index>;
  { order_book_traits<std::remove_cvref_t<B>>::ask_levels(b) } -> std::convertible_to<index>;
  { order_book_traits<std::remove_cvref_t<B>>::bid_price(b, level) } -> std::convertible_to<double>;
  { order_book_traits<std::remove_cvref_t<B>>::bid_quantity(b, level) } -> std::convertible_to<double>;
  { order_book_traits<std::remove_cvref_t<B>>::ask_price(b, level) } -> std::convertible_to<double>;
  { order_book_traits<std::remove_cvref_t<B>>::ask_quantity(b, level) } -> std::convertible_to<double>;
  { order_book_traits<std::remove_cvref_t<B>>::timestamp(b) } -> std::convertible_to<std::chrono::nanoseconds>;
};

// ---------------------------------------------------------------------------------------
// Feature calculators
// ---------------------------------------------------------------------------------------

/// Computes a fixed-length vector of features from an order book.
///
/// Requirements, for `F f`, `const F cf`, `const Book book` and `std::span<double> out`:
/// 1. `Book` satisfies `OrderBookView`.
/// 2. `cf.size()` is convertible to `std::size_t`: the number of features, fixed for the
///    object's lifetime.
/// 3. `cf.names()` is convertible to `std::span<const std::string>`: `size()` stable,
///    unique names, in output order.
/// 4. `f.compute(book, out)` is `noexcept`; it writes exactly `size()` values to
///    `out[0 .. size())` (the caller guarantees `out.size() >= size()`).
/// 5. *Semantic*: `compute` never allocates and never throws; a feature undefined for
///    the book (e.g. an empty side) is NaN, as each feature documents.
template <class F, class Book>
concept FeatureCalculatorFor = OrderBookView<Book> &&
    requires(F& f, const F& cf, const Book& book, std::span<double> out) {
  { cf.size() } -> std::convertible_to<std::size_t>;
  { cf.names() } -> std::convertible_to<std::span<const std::string>>;
  { f.compute(book, out) }
  noexcept;
};

/// A `FeatureCalculatorFor` with state carried across book updates (windows, EWMAs, OFI).
///
/// Requirements, in addition to `FeatureCalculatorFor<F, Book>`:
/// 1. `f.update(book)` is `noexcept`: observe the book after one update, in time order.
/// 2. `f.reset()` is `noexcept`: forget all state, as if newly constructed.
/// 3. *Semantic*: neither allocates; `compute` reports the state after the last `update`.
template <class F, class Book>
concept StatefulFeatureCalculatorFor = FeatureCalculatorFor<F, Book> && requires(F& f, const Book& book) {
  { f.update(book) }
  noexcept;
  { f.reset() }
  noexcept;
};

/// A calculator that also observes trades (trade flow, Kyle's lambda), with `Trade` the
/// trade type it is fed (footprint's readers give `footprint::trade`).
///
/// Requirements, for `F f` and `const Trade t`:
/// 1. `f.update(t)` is `noexcept`: observe one trade.
/// 2. *Semantic*: trades and book updates are given in one time-ordered stream (a trade
///    before the book update that reflects it); `update` never allocates; `reset()` (of
///    `StatefulFeatureCalculatorFor`) forgets the trades too.
///
/// A feature calculator that observes trades satisfies
/// `StatefulFeatureCalculatorFor<F, Book> && TradeObserver<F, Trade>`.
template <class F, class Trade>
concept TradeObserver = requires(F& f, const Trade& t) {
  { f.update(t) }
  noexcept;
};

// ---------------------------------------------------------------------------------------
// Impact models
// ---------------------------------------------------------------------------------------

/// Forecasts the cost of an order in a market state: its expected value and its spread.
///
/// Requirements, for `const M m`, `const order o` and `const market_state s`:
/// 1. `m.predict_cost(o, s)` returns `cost_estimate` (bps of the arrival mid, positive =
///    cost; `std_bps` >= 0, or NaN when the model has no measure of its spread). It throws `invalid_argument` for an order the model cannot
///    price (quantity <= 0, negative horizon) and `not_fitted` for an unfitted model.
/// 2. *Semantic*: `predict_cost` is const and thread-safe; the cost of a sell is computed
///    with the sign convention of the sell side, so both sides report costs as positive.
/// Shipped impact models: `square_root_law`, `power_law_impact`, `propagator`
/// (impact/) and `almgren_chriss` (execution/).
template <class M>
concept ImpactModel = requires(const M& m, const order& o, const market_state& s) {
  { m.predict_cost(o, s) } -> std::same_as<cost_estimate>;
};

// ---------------------------------------------------------------------------------------
// Drift detectors
// ---------------------------------------------------------------------------------------

/// An online change detector: observes a stream one value at a time and signals when the
/// stream's distribution has changed (docs/monitoring.md).
///
/// Requirements, for `D d`, `const D cd` and `double x`:
/// 1. `d.update(x)` is `noexcept`: observe the next value of the stream (a model's error, a
///    conformal interval's miss indicator, a feature).
/// 2. `cd.is_drifting()` returns `bool`: true when the last `update` signalled a change.
/// 3. `d.reset()` is `noexcept`: forget all state, as if newly constructed with the same
///    parameters (and seed).
/// 4. `cd.n_detections()` is convertible to `index`: changes signalled since construction or
///    the last `reset()`.
/// 5. `cd.last_detection()` is convertible to `index`: the 0-based position in the stream
///    (the number of `update` calls before it) of the last signal; -1 before the first.
/// 6. *Semantic*: `update` never allocates (capacities are fixed at construction) and never
///    throws; a NaN x leaves the detector's statistics unchanged but takes its position in
///    the stream; after a signal the detector restarts (or shrinks its window) by itself, so
///    that one change gives one signal, not a run of them.
template <class D>
concept DriftDetector = requires(D& d, const D& cd, double x) {
  { d.update(x) }
  noexcept;
  { cd.is_drifting() } -> std::same_as<bool>;
  { d.reset() }
  noexcept;
  { cd.n_detections() } -> std::convertible_to<index>;
  { cd.last_detection() } -> std::convertible_to<index>;
};

/// A stream of events of type `Event`: every market-data reader (LOBSTER, Binance, Bitstamp)
/// and every order-book simulator (`zero_intelligence_model`, `queue_reactive_model`, whose
/// events are `order_flow_event`s).
///
/// Requirements, for `R r`, `const R cr` and `Event e`:
/// 1. `r.next(e)` returns `bool`: true with the next event in `e`, false at the end of the
///    stream (a simulator's stream does not end).
/// 2. `cr.report()` returns what the reader did: lines read and rows skipped for the file
///    readers (`parse_report`), events and fills for the simulators (`simulation_report`).
/// 3. *Semantic*: events come in non-decreasing time; nothing is dropped silently (a
///    malformed row throws `data_error` or is counted in the report, by policy); a simulator
///    with the same parameters and seed gives the same events.
template <class R, class Event>
concept EventReader = requires(R& r, const R& cr, Event& e) {
  { r.next(e) } -> std::same_as<bool>;
  cr.report();
};

/// An execution policy: observation in, child order out (observation, not training: a
/// learning agent exposes its greedy policy through the same interface).
///
/// Requirements, for `P p`, `const execution_observation o`:
/// 1. `p.act(o)` returns the `child_order` to send at this decision (a quantity >= 0, a
///    type, a price offset); the environment trades at most `o.remaining`.
/// 2. `p.reset()` forgets any state kept from one episode (parent order) to the next.
/// 3. *Semantic*: the same observations give the same children after a `reset()` (a
///    policy that draws random numbers owns a seeded generator and reseeds it in `reset`).
template <class P>
concept ExecutionPolicy = requires(P& p, const execution_observation& o) {
  { p.act(o) } -> std::same_as<child_order>;
  p.reset();
};

/// An environment an execution policy acts in and an agent trains in: the Almgren-Chriss
/// world (execution/almgren_chriss_world.hpp), a simulator.
///
/// Requirements, for `E e`, `const E ce`, a seed `s` and a `child_order c`:
/// 1. `e.reset(s)` starts an episode (one parent order) with the randomness of seed s.
/// 2. `ce.observe()` returns the `execution_observation` at the current decision.
/// 3. `e.step(c)` trades the child over the next interval and returns that step's
///    implementation shortfall, quote currency (positive = cost); after the last decision
///    what is left is marked at the final mid (and counted in that step's shortfall).
/// 4. `ce.done()` is true after the last decision; `ce.side()` is the parent order's side.
/// 5. *Semantic*: the same seed and the same children give the same observations and
///    shortfalls (common random numbers for paired comparisons).
template <class E>
concept ExecutionEnvironment = requires(E& e, const E& ce, std::uint64_t s, const child_order& c) {
  e.reset(s);
  { ce.observe() } -> std::same_as<execution_observation>;
  { e.step(c) } -> std::convertible_to<double>;
  { ce.done() } -> std::convertible_to<bool>;
  { ce.side() } -> std::same_as<side>;
};

}  // namespace footprint
