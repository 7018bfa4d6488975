/// @file features/feature_set.hpp
/// @brief Composes feature calculators into one feature vector with concatenated names.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/feature_names.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace footprint {

namespace detail::feat {
/// A calculator whose `compute` can be called on a const object.
template <class F, class B>
concept const_computable = requires(const F& f, const B& b, std::span<double> out) {
  { f.compute(b, out) }
  noexcept;
};
/// A calculator with a `noexcept` `reset()`.
template <class F>
concept resettable = requires(F& f) {
  { f.reset() }
  noexcept;
};
}  // namespace detail::feat

/// Several feature calculators as one: the output is the members' outputs concatenated in
/// the order of the template arguments, and so are the names.
///
/// A `feature_set<F...>` is a `FeatureCalculatorFor<Book>` for every `Book` for which all
/// members are; it is a `StatefulFeatureCalculatorFor<Book>` when at least one member is
/// (its `update(book)` and `reset()` forward to the members that have them), and a
/// `TradeObserver<Trade>` when at least one member is (its `update(trade)` forwards to
/// those). `compute` calls every member's `compute` on its slice of the output, in order;
/// it does not allocate when the members do not.
///
/// Usage: `feature_set<top_of_book, queue_imbalance, order_flow_imbalance> level1;`
/// or with parameters, `feature_set fs{top_of_book{}, order_flow_imbalance{{.event_window = 50}}};`.
template <class... F>
class feature_set {
  static_assert(sizeof...(F) >= 1, "footprint::feature_set needs at least one calculator");

 public:
  /// Default-constructs every member.
  /// @throws invalid_argument when two members' features share a name
  feature_set() requires(std::default_initializable<F>&&...) : feature_set(F{}...) {}

  /// Takes the members by value (in output order).
  /// @throws invalid_argument when two members' features share a name
  explicit feature_set(F... calculators) : members_(std::move(calculators)...) {
    std::size_t offset = 0;
    std::size_t i = 0;
    std::apply(
        [&](const auto&... m) {
          ((offsets_[i] = offset, sizes_[i] = static_cast<std::size_t>(m.size()), offset += sizes_[i], ++i), ...);
          names_.reserve(offset);
          (append_names(m.names()), ...);
        },
        members_);
    size_ = offset;
    detail::feat::check_unique_names("footprint::feature_set::feature_set", names_);
  }

  /// Total number of features: the sum of the members' sizes.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The members' names concatenated, in output order.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }
  /// Offset of member `I`'s first feature in the output.
  template <std::size_t I>
  [[nodiscard]] std::size_t offset() const noexcept {
    return offsets_[I];
  }

  /// Member `I` (e.g. to fit a `stoikov_microprice` inside a set).
  template <std::size_t I>
  [[nodiscard]] auto& get() noexcept {
    return std::get<I>(members_);
  }
  template <std::size_t I>
  [[nodiscard]] const auto& get() const noexcept {
    return std::get<I>(members_);
  }

  /// Writes every member's features to its slice of `out` (out.size() >= size()).
  template <OrderBookView B>
  requires(FeatureCalculatorFor<F, B>&&...) &&
      (detail::feat::const_computable<F, B> && ...) void compute(const B& book, std::span<double> out) const noexcept {
    for_each([&](const auto& m, std::size_t i) { m.compute(book, out.subspan(offsets_[i], sizes_[i])); });
  }
  /// As above, for members whose `compute` is not const.
  template <OrderBookView B>
  requires(FeatureCalculatorFor<F, B>&&...) void compute(const B& book, std::span<double> out) noexcept {
    for_each([&](auto& m, std::size_t i) { m.compute(book, out.subspan(offsets_[i], sizes_[i])); });
  }

  /// Forwards one book update to the members that are stateful for `B`.
  template <OrderBookView B>
  requires(FeatureCalculatorFor<F, B>&&...) &&
      (StatefulFeatureCalculatorFor<F, B> || ...) void update(const B& book) noexcept {
    for_each([&]<class M>(M& m, std::size_t) {
      if constexpr (StatefulFeatureCalculatorFor<M, B>) m.update(book);
    });
  }

  /// Forwards one trade to the members that observe trades.
  template <class Trade>
  requires(!OrderBookView<Trade>) && (TradeObserver<F, Trade> || ...) void update(const Trade& t) noexcept {
    for_each([&]<class M>(M& m, std::size_t) {
      if constexpr (TradeObserver<M, Trade>) m.update(t);
    });
  }

  /// Resets the members that have `reset()`.
  void reset() noexcept requires(detail::feat::resettable<F> || ...) {
    for_each([]<class M>(M& m, std::size_t) {
      if constexpr (detail::feat::resettable<M>) m.reset();
    });
  }

 private:
  void append_names(std::span<const std::string> n) { names_.insert(names_.end(), n.begin(), n.end()); }

  template <class Fn>
  void for_each(Fn&& fn) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (fn(std::get<I>(members_), I), ...); }
    (std::index_sequence_for<F...>{});
  }
  template <class Fn>
  void for_each(Fn&& fn) const noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (fn(std::get<I>(members_), I), ...); }
    (std::index_sequence_for<F...>{});
  }

  std::tuple<F...> members_;
  std::array<std::size_t, sizeof...(F)> offsets_{};
  std::array<std::size_t, sizeof...(F)> sizes_{};
  std::vector<std::string> names_;
  std::size_t size_ = 0;
};

}  // namespace footprint
