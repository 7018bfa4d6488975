/// @file data/synthetic/synthetic_market.hpp
/// @brief A deterministic synthetic market whose true impact parameters are known.
///
/// The model (all prices in quote currency, times in seconds):
/// - the fundamental price follows F(t + dt) = F(t) + volatility * F0 * sqrt(dt) * Z
///   (arithmetic Brownian motion; volatility is per sqrt(second), as a fraction of the
///   initial price F0, so that sigma = volatility * F0 is the price volatility);
/// - market orders arrive as a Poisson process of rate `order_rate`; sizes are log-normal
///   with mean `mean_order_size`; each sign repeats the previous one with probability
///   `sign_persistence` (runs of same-sign orders, a metaorder proxy), else is a fair coin;
/// - the quoted book is one tick wide around the impacted price P = F + D (bid = P rounded
///   down to the tick grid, ask = bid + tick) with `levels` levels per side of
///   `depth_per_level` shares each (times a uniform factor in [1 - depth_noise, 1 + depth_noise]
///   drawn at every requote, which gives the book an imbalance);
/// - a market order walks that book (its fills and VWAP are the book's), then moves the
///   price: the permanent part F += s * gamma * q (Almgren and Chriss 2000, linear
///   permanent impact g(v) = gamma v) and a transient part D += s * beta * q that decays as
///   D(t + dt) = D(t) exp(-dt / decay_seconds) (Bouchaud et al. 2004, exponential kernel);
/// - the book is requoted after every order and at Poisson times of rate `requote_rate`.
/// Temporary cost of an order of q shares is therefore, in price per share, the half
/// spread (tick/2, Almgren-Chriss epsilon) plus the book walk, tick * q / (2 L) for large q
/// on levels of L shares (Almgren-Chriss eta * q / tau for a child order every tau).
/// The same seed gives the same market on every platform (own normal and exponential
/// draws from footprint's xoshiro256** generator, detail/random.hpp; no std distributions).
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string_view>
#include <vector>

namespace footprint {

/// Parameters of `synthetic_market`; the defaults give a liquid stock-like day.
struct synthetic_market_params {
  std::uint64_t seed = 20240809;   ///< random seed
  double session_seconds = 23400;  ///< length of the session, > 0
  double initial_price = 100.0;    ///< F0, quote currency, > 0
  double tick = 0.01;              ///< tick size, quote currency, > 0
  double volatility = 1.0e-4;      ///< fundamental volatility per sqrt(second), fraction of F0, >= 0
  double order_rate = 0.2;         ///< market orders per second, > 0
  double mean_order_size = 300;    ///< mean market order size, shares, > 0
  double size_dispersion = 0.8;    ///< standard deviation of log quantity, >= 0
  double sign_persistence = 0.6;   ///< probability that an order repeats the previous sign, [0, 1)
  double requote_rate = 1.0;       ///< book requotes per second (besides those after orders), >= 0
  index levels = 10;               ///< levels per side, >= 1
  double depth_per_level = 500;    ///< shares per level (mean), > 0
  double depth_noise = 0.5;        ///< relative noise of each level's size, [0, 1)
  double gamma = 2.0e-6;           ///< permanent impact, quote currency per share, >= 0
  double beta = 4.0e-6;            ///< transient impact, quote currency per share, >= 0
  double decay_seconds = 30.0;     ///< decay time of the transient impact, > 0
};

/// One event of the synthetic market.
struct synthetic_event {
  enum class kind : std::uint8_t { requote, market_order };
  kind type = kind::requote;         ///< what happened
  std::chrono::nanoseconds time{0};  ///< since the session start
  // For market orders (NaN/0 otherwise):
  footprint::side side = footprint::side::buy;  ///< the order's side
  double quantity = 0.0;           ///< shares filled (always the full order: the book is deep enough or refilled)
  double vwap = nan;               ///< volume-weighted fill price
  double arrival_mid = nan;        ///< quoted mid just before the order
  double arrival_bid_depth = nan;  ///< best bid size just before the order
  double arrival_ask_depth = nan;  ///< best ask size just before the order
};

/// Streams the synthetic market: `while (m.next(ev)) { use ev and m.book(); }`.
/// After each event `book()` is the book after it (for a market order: after the requote
/// that follows its impact).
class synthetic_market {
 public:
  /// @throws invalid_argument naming the first parameter out of its range
  explicit synthetic_market(synthetic_market_params p) : p_(p), rng_(p.seed) {
    constexpr std::string_view where = "footprint::synthetic_market";
    detail::require_positive(p_.session_seconds, where, "session_seconds");
    detail::require_positive(p_.initial_price, where, "initial_price");
    detail::require_positive(p_.tick, where, "tick");
    detail::require_non_negative(p_.volatility, where, "volatility");
    detail::require_positive(p_.order_rate, where, "order_rate");
    detail::require_positive(p_.mean_order_size, where, "mean_order_size");
    detail::require_non_negative(p_.size_dispersion, where, "size_dispersion");
    detail::require_in(p_.sign_persistence, 0.0, 1.0, detail::bounds::closed_open, where, "sign_persistence");
    detail::require_non_negative(p_.requote_rate, where, "requote_rate");
    detail::require_at_least(p_.levels, 1, where, "levels");
    detail::require_positive(p_.depth_per_level, where, "depth_per_level");
    detail::require_in(p_.depth_noise, 0.0, 1.0, detail::bounds::closed_open, where, "depth_noise");
    detail::require_non_negative(p_.gamma, where, "gamma");
    detail::require_non_negative(p_.beta, where, "beta");
    detail::require_positive(p_.decay_seconds, where, "decay_seconds");
    fundamental_ = p_.initial_price;
    next_order_ = exponential(p_.order_rate);
    next_requote_ = p_.requote_rate > 0 ? exponential(p_.requote_rate) : inf;
    requote();
  }

  /// Advances to the next event. @return false after the session's end
  bool next(synthetic_event& ev) {
    const double t = std::min(next_order_, next_requote_);
    if (t > p_.session_seconds) return false;
    advance_to(t);
    ev = synthetic_event{};
    ev.time = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(t * 1e9)));
    if (next_order_ <= next_requote_) {
      ev.type = synthetic_event::kind::market_order;
      execute(ev);
      next_order_ = t + exponential(p_.order_rate);
    } else {
      ev.type = synthetic_event::kind::requote;
      next_requote_ = t + exponential(p_.requote_rate);
    }
    requote();
    book_.set_timestamp(ev.time);
    return true;
  }

  /// The book after the last event.
  [[nodiscard]] const price_level_book& book() const noexcept { return book_; }
  /// The parameters.
  [[nodiscard]] const synthetic_market_params& params() const noexcept { return p_; }

  /// True Almgren-Chriss epsilon of the market: half the (one-tick) spread, quote currency per share.
  [[nodiscard]] double true_epsilon() const noexcept { return 0.5 * p_.tick; }
  /// True temporary slope of a child order's cost from walking the book, quote currency per
  /// share per share: tick / (2 L); multiply by tau for the Almgren-Chriss eta of interval tau.
  [[nodiscard]] double true_walk_slope() const noexcept { return p_.tick / (2.0 * p_.depth_per_level); }
  /// True volatility in quote currency per sqrt(second).
  [[nodiscard]] double true_sigma_price() const noexcept { return p_.volatility * p_.initial_price; }

 private:
  static constexpr double inf = std::numeric_limits<double>::infinity();

  double uniform() noexcept { return rng_.uniform_open(); }
  double normal() noexcept { return rng_.normal(); }
  double exponential(double rate) noexcept { return rng_.exponential(rate); }

  void advance_to(double t) {
    const double dt = t - now_;
    if (dt > 0) {
      fundamental_ += p_.volatility * p_.initial_price * std::sqrt(dt) * normal();
      transient_ *= std::exp(-dt / p_.decay_seconds);
      now_ = t;
    }
  }

  void requote() {
    const double price = std::max(fundamental_ + transient_, 10 * p_.tick);
    const double bid = std::floor(price / p_.tick) * p_.tick;
    levels_bid_.clear();
    levels_ask_.clear();
    for (index k = 0; k < p_.levels; ++k) {
      const double kk = static_cast<double>(k);
      const double qb = std::round(p_.depth_per_level * (1.0 + p_.depth_noise * (2.0 * uniform() - 1.0)));
      const double qa = std::round(p_.depth_per_level * (1.0 + p_.depth_noise * (2.0 * uniform() - 1.0)));
      levels_bid_.push_back({round_tick(bid - kk * p_.tick), std::max(qb, 1.0)});
      levels_ask_.push_back({round_tick(bid + (kk + 1.0) * p_.tick), std::max(qa, 1.0)});
    }
    book_.replace_side(side::buy, levels_bid_);
    book_.replace_side(side::sell, levels_ask_);
  }

  [[nodiscard]] double round_tick(double x) const noexcept { return std::round(x / p_.tick) * p_.tick; }

  void execute(synthetic_event& ev) {
    const double s = (last_sign_ != 0 && uniform() < p_.sign_persistence) ? last_sign_ : (uniform() < 0.5 ? 1.0 : -1.0);
    last_sign_ = s;
    const double mu = std::log(p_.mean_order_size) - 0.5 * p_.size_dispersion * p_.size_dispersion;
    const double q = std::max(1.0, std::round(std::exp(mu + p_.size_dispersion * normal())));
    ev.side = s > 0 ? side::buy : side::sell;
    ev.quantity = q;
    ev.arrival_mid = 0.5 * (book_.best_bid() + book_.best_ask());
    ev.arrival_bid_depth = book_.bid_quantity(0);
    ev.arrival_ask_depth = book_.ask_quantity(0);
    // Walk the opposite side; past the last level, the book refills at the last level's
    // spacing with depth_per_level per tick (so every order fills).
    const side taken = s > 0 ? side::sell : side::buy;
    double left = q, value = 0.0;
    const index n = taken == side::sell ? book_.ask_levels() : book_.bid_levels();
    double price = 0.0;
    for (index k = 0; k < n && left > 0; ++k) {
      price = taken == side::sell ? book_.ask_price(k) : book_.bid_price(k);
      const double avail = taken == side::sell ? book_.ask_quantity(k) : book_.bid_quantity(k);
      const double fill = std::min(left, avail);
      value += fill * price;
      left -= fill;
    }
    while (left > 0) {
      price += s * p_.tick;
      const double fill = std::min(left, p_.depth_per_level);
      value += fill * price;
      left -= fill;
    }
    ev.vwap = value / q;
    fundamental_ += s * p_.gamma * q;
    transient_ += s * p_.beta * q;
  }

  synthetic_market_params p_;
  detail::xoshiro256ss rng_;
  double now_ = 0.0;
  double fundamental_ = 0.0;
  double transient_ = 0.0;
  double next_order_ = 0.0;
  double next_requote_ = 0.0;
  double last_sign_ = 0.0;
  price_level_book book_;
  std::vector<price_level> levels_bid_, levels_ask_;
};

}  // namespace footprint
