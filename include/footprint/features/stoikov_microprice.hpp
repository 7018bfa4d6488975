/// @file features/stoikov_microprice.hpp
/// @brief Stoikov's (2018) micro-price: the mid plus an adjustment G*(imbalance, spread)
/// estimated from data as the limit of expected future mids.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/types.hpp"

#include <Eigen/LU>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// Parameters of `stoikov_microprice`.
struct stoikov_microprice_params {
  double tick_size = 0.01;       ///< price tick, quote currency; finite, > 0
  index imbalance_buckets = 10;  ///< n, equal-width buckets of I = q_b / (q_b + q_a) in [0, 1]; >= 2
  index spread_buckets = 2;      ///< S, spreads of 1..S ticks are modelled; >= 1
  index step = 1;                ///< rows between a state and the next observed one; >= 1
  index max_terms = 100;         ///< most terms g^1 + ... + g^k summed; >= 1
  double tol = 1e-9;             ///< stop when max |g^k| <= tol ticks; finite, >= 0
};

/// The micro-price of Stoikov (2018): mid + G*(I, S), G* estimated from a book history.
///
/// Stoikov, S. (2018), "The micro-price: a high-frequency estimator of future prices",
/// Quantitative Finance 18(12), 1959-1966, defines the micro-price as the limit of
/// P^i = E[M_{tau_i} | F_t], the expected mid at the i-th future mid change, and shows
/// P^i = M_t + g^1(X_t) + ... + g^i(X_t) for the Markov state X = (I, S) (imbalance
/// I = q_b / (q_b + q_a), spread S), with, for discretised states (the paper's
/// "Estimation" section; K the vector of possible mid changes):
///   Q_xy  = P(mid unchanged, next state y | x)         (transient transitions),
///   R1_xk = P(mid changes by K_k | x),
///   R2_xy = P(mid changes, next state y | x),
///   g^1 = (1 - Q)^{-1} R1 K,   B = (1 - Q)^{-1} R2,   g^{i+1} = B g^i,
///   G* = sum_i g^i,            micro-price = M + G*(I, S).
/// `fit` estimates Q, R1, R2 by counting transitions between rows t and t + step of a
/// history, as the paper's companion code does: I is cut into n equal-width buckets, S is
/// rounded to ticks and kept in 1..S ticks, mid changes are rounded to half ticks and kept
/// in {-1, -1/2, +1/2, +1} tick (rows with larger moves are dropped), and the data are
/// symmetrised (each transition is added again with I -> 1 - I, i.e. bucket b -> n-1-b,
/// and the mid change negated), which makes G* antisymmetric and the series converge.
/// The series is summed until a term is below `tol` ticks or `max_terms` terms
/// (the companion code stops at 6 terms; the default sums to convergence).
/// Differences from the companion code, on purpose: buckets are equal-width (symmetric
/// about 1/2) rather than sample quantiles, and states from which the data never show a
/// mid change are solved on the states that can reach one (others get g = 0), so that
/// 1 - Q is invertible.
///
/// Features: `stoikov_microprice` (quote currency) and `stoikov_adjustment` = G*
/// (quote currency). NaN rules: NaN before a successful fit, when either side is empty,
/// when the spread (in ticks) is outside 1..S, and in a state never seen in the fitted
/// data. Stateless after `fit`; `compute` is O(1), does not allocate and does not throw.
class stoikov_microprice {
 public:
  /// @throws invalid_argument for a parameter outside its range (see the params fields)
  explicit stoikov_microprice(stoikov_microprice_params params = {}) : params_(params) {
    const char* where = "footprint::stoikov_microprice::stoikov_microprice";
    if (!std::isfinite(params_.tick_size) || !(params_.tick_size > 0.0)) {
      throw invalid_argument(detail::concat(where, ": tick_size must be finite and > 0 (got ", params_.tick_size, ")"));
    }
    if (params_.imbalance_buckets < 2) {
      throw invalid_argument(
          detail::concat(where, ": imbalance_buckets must be >= 2 (got ", params_.imbalance_buckets, ")"));
    }
    if (params_.spread_buckets < 1) {
      throw invalid_argument(detail::concat(where, ": spread_buckets must be >= 1 (got ", params_.spread_buckets, ")"));
    }
    if (params_.step < 1) throw invalid_argument(detail::concat(where, ": step must be >= 1 (got ", params_.step, ")"));
    if (params_.max_terms < 1) {
      throw invalid_argument(detail::concat(where, ": max_terms must be >= 1 (got ", params_.max_terms, ")"));
    }
    if (!std::isfinite(params_.tol) || params_.tol < 0.0) {
      throw invalid_argument(detail::concat(where, ": tol must be finite and >= 0 (got ", params_.tol, ")"));
    }
    adjustment_.assign(static_cast<std::size_t>(states()), nan);
  }

  /// The parameters.
  [[nodiscard]] const stoikov_microprice_params& params() const noexcept { return params_; }
  /// Number of discrete states n * S.
  [[nodiscard]] index states() const noexcept { return params_.imbalance_buckets * params_.spread_buckets; }
  /// True after a successful `fit`.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }

  /// Estimates G* from a history (rows in time order; see the class comment).
  /// @return the fit report: `converged` when a term fell below `tol`, else
  ///         `max_iterations` (the model is usable either way); `iterations` = terms
  ///         summed; `final_loss` = max |last term| in ticks; the message gives the
  ///         transitions used and dropped and the states seen
  /// @throws invalid_argument when the history has no usable transition (two rows `step`
  ///         apart, both two-sided with a spread of 1..S ticks, mid change <= 1 tick)
  /// Complexity: O(rows + states^3).
  template <class = void>  // compiled only where the model is fitted (its LU solve costs seconds)
  fit_report fit(const book_history& history) {
    const transition_counts c = count_transitions(history);
    const std::size_t ns = static_cast<std::size_t>(states());
    index terms = 0;
    double last = 0.0;
    const Eigen::VectorXd g = adjustment_series(c, terms, last);
    if (!g.allFinite()) {
      fit_report failed{fit_status::numerical_issue, terms, nan, "non-finite adjustment (singular 1 - Q)"};
      throw convergence_error("footprint::stoikov_microprice::fit", failed);
    }
    std::size_t n_observed = 0;
    for (std::size_t x = 0; x < ns; ++x) {
      adjustment_[x] = c.observed[x] ? g(static_cast<index>(x)) : nan;
      n_observed += c.observed[x] ? 1 : 0;
    }
    fitted_ = true;
    const double tol = params_.tol * params_.tick_size;
    fit_report report;
    report.status = last <= tol ? fit_status::converged : fit_status::max_iterations;
    report.iterations = terms;
    report.final_loss = last / params_.tick_size;
    report.message =
        detail::concat(c.used, " transitions used (", c.dropped, " dropped for a mid change over one tick), ",
                       n_observed, " of ", ns, " states observed");
    return report;
  }

  /// As above, from the array of shape (time, level, 4) and its timestamps.
  template <class = void>
  fit_report fit(const book_history::array_type& history, std::span<const std::chrono::nanoseconds> times) {
    return fit(book_history(history, times));
  }

  /// The imbalance bucket of I in [0, 1]: min(floor(I n), n - 1).
  [[nodiscard]] index imbalance_bucket(double imbalance) const noexcept {
    const auto nb = params_.imbalance_buckets;
    const auto b = static_cast<index>(std::floor(imbalance * static_cast<double>(nb)));
    return std::clamp<index>(b, 0, nb - 1);
  }

  /// The fitted adjustment G* of a state, quote currency (NaN for a state never seen).
  /// @param imbalance_bucket in [0, n); @param spread_ticks in [1, S]
  /// @throws not_fitted before a successful fit; invalid_argument for an out-of-range state
  [[nodiscard]] double adjustment(index imbalance_bucket, index spread_ticks) const {
    if (!fitted_) throw not_fitted("footprint::stoikov_microprice::adjustment");
    if (imbalance_bucket < 0 || imbalance_bucket >= params_.imbalance_buckets || spread_ticks < 1 ||
        spread_ticks > params_.spread_buckets) {
      throw invalid_argument(
          detail::concat("footprint::stoikov_microprice::adjustment: state out of range (got bucket ", imbalance_bucket,
                         ", spread ", spread_ticks, " ticks)"));
    }
    return adjustment_[static_cast<std::size_t>((spread_ticks - 1) * params_.imbalance_buckets + imbalance_bucket)];
  }

  /// Number of features: 2.
  [[nodiscard]] std::size_t size() const noexcept { return 2; }
  /// {"stoikov_microprice", "stoikov_adjustment"}.
  [[nodiscard]] std::span<const std::string> names() const noexcept { return names_; }

  /// Writes mid + G* and G* for the book's state.
  template <OrderBookView B>
  void compute(const B& book, std::span<double> out) const noexcept {
    const std::int64_t x = fitted_ ? state_of(book) : -1;
    if (x < 0) {
      out[0] = out[1] = nan;
      return;
    }
    const double g = adjustment_[static_cast<std::size_t>(x)];
    out[0] = detail::feat::mid_price(book) + g;
    out[1] = g;
  }

 private:
  /// Transition counts between states `step` rows apart, symmetrised (each transition and its
  /// mirror: imbalance bucket reflected, mid move negated): Q for unchanged mids, R1 by mid
  /// move (-1, -1/2, +1/2, +1 tick) and R2 by next state for changed mids.
  struct transition_counts {
    Eigen::MatrixXd q, r1, r2;   ///< (states, states), (states, 4), (states, states)
    std::vector<bool> observed;  ///< states seen (or mirrored)
    std::int64_t used = 0;       ///< transitions counted
    std::int64_t dropped = 0;    ///< transitions with a mid move over one tick
  };

  /// Counts the transitions of a history. @throws invalid_argument when none is usable
  template <class = void>
  transition_counts count_transitions(const book_history& history) const {
    const std::size_t n = static_cast<std::size_t>(params_.imbalance_buckets);
    const auto ns = static_cast<index>(states());
    transition_counts c{Eigen::MatrixXd::Zero(ns, ns), Eigen::MatrixXd::Zero(ns, 4), Eigen::MatrixXd::Zero(ns, ns),
                        std::vector<bool>(static_cast<std::size_t>(ns), false)};
    const index rows = history.rows();
    std::vector<std::int64_t> state(static_cast<std::size_t>(rows), -1);
    std::vector<double> mid(static_cast<std::size_t>(rows), nan);
    for (index r = 0; r < rows; ++r) {
      const book_history row = history.at(r);
      state[static_cast<std::size_t>(r)] = state_of(row);
      mid[static_cast<std::size_t>(r)] = detail::feat::mid_price(row);
    }
    const auto mirror = [n](std::size_t x) { return (x / n) * n + (n - 1 - x % n); };
    for (index r = 0; r + params_.step < rows; ++r) {
      const std::int64_t sx = state[static_cast<std::size_t>(r)];
      const std::int64_t sy = state[static_cast<std::size_t>(r + params_.step)];
      if (sx < 0 || sy < 0) continue;
      const double dm = mid[static_cast<std::size_t>(r + params_.step)] - mid[static_cast<std::size_t>(r)];
      const long long k = std::llround(2.0 * dm / params_.tick_size);  // half ticks
      if (k < -2 || k > 2) {
        ++c.dropped;
        continue;
      }
      ++c.used;
      const auto x = static_cast<std::size_t>(sx);
      const auto y = static_cast<std::size_t>(sy);
      c.observed[x] = c.observed[mirror(x)] = true;
      const auto xi = static_cast<index>(x), yi = static_cast<index>(y);
      const auto xmi = static_cast<index>(mirror(x)), ymi = static_cast<index>(mirror(y));
      if (k == 0) {
        c.q(xi, yi) += 1.0;
        c.q(xmi, ymi) += 1.0;
      } else {
        c.r1(xi, move_column(k)) += 1.0;
        c.r1(xmi, move_column(-k)) += 1.0;
        c.r2(xi, yi) += 1.0;
        c.r2(xmi, ymi) += 1.0;
      }
    }
    if (c.used == 0) {
      throw invalid_argument(detail::concat(
          "footprint::stoikov_microprice::fit: no usable transition in ", rows, " rows (need rows ", params_.step,
          " apart, both two-sided with a spread of 1..", params_.spread_buckets, " ticks of ", params_.tick_size,
          ", and a mid change of at most one tick; ", c.dropped, " dropped for larger moves)"));
    }
    return c;
  }

  /// The states that can reach a mid change through unchanged-mid transitions (a backward
  /// search from the states with one): the only ones whose adjustment is determined.
  static std::vector<index> solvable_states(const transition_counts& c) {
    const auto ns = static_cast<std::size_t>(c.q.rows());
    std::vector<bool> reach(ns, false);
    std::vector<std::size_t> stack;
    for (std::size_t x = 0; x < ns; ++x) {
      if (c.r1.row(static_cast<index>(x)).sum() > 0.0) {
        reach[x] = true;
        stack.push_back(x);
      }
    }
    while (!stack.empty()) {
      const std::size_t y = stack.back();
      stack.pop_back();
      for (std::size_t x = 0; x < ns; ++x) {
        if (!reach[x] && c.q(static_cast<index>(x), static_cast<index>(y)) > 0.0) {
          reach[x] = true;
          stack.push_back(x);
        }
      }
    }
    std::vector<index> a;
    for (std::size_t x = 0; x < ns; ++x) {
      if (reach[x]) a.push_back(static_cast<index>(x));
    }
    return a;
  }

  /// G* = g^1 + B g^1 + B^2 g^1 + ... (Stoikov 2018; the class comment), with g^1 = (1 - Q)^-1 R1 K
  /// and B = (1 - Q)^-1 R2 solved on the solvable states (others get 0), summed until a term
  /// is below `tol` ticks or `max_terms` terms. `terms` and `last` (max |last term|, quote
  /// currency) receive how it ended.
  template <class = void>
  Eigen::VectorXd adjustment_series(const transition_counts& c, index& terms, double& last) const {
    const auto ns = static_cast<index>(c.q.rows());
    // Normalise each state's row of [Q | R1] (equivalently [Q | R2]) to probabilities.
    Eigen::MatrixXd q = c.q, r1 = c.r1, r2 = c.r2;
    for (index x = 0; x < ns; ++x) {
      const double total = c.q.row(x).sum() + c.r1.row(x).sum();
      if (total > 0.0) {
        q.row(x) /= total;
        r1.row(x) /= total;
        r2.row(x) /= total;
      }
    }
    const std::vector<index> a = solvable_states(c);
    const auto na = static_cast<index>(a.size());
    const double half = 0.5 * params_.tick_size;
    const Eigen::Vector4d moves(-2.0 * half, -half, half, 2.0 * half);
    Eigen::MatrixXd m = Eigen::MatrixXd::Identity(na, na);
    Eigen::VectorXd rhs1(na);
    Eigen::MatrixXd rhs2(na, ns);
    for (index i = 0; i < na; ++i) {
      for (index j = 0; j < na; ++j) m(i, j) -= q(a[static_cast<std::size_t>(i)], a[static_cast<std::size_t>(j)]);
      rhs1(i) = r1.row(a[static_cast<std::size_t>(i)]).dot(moves);
      rhs2.row(i) = r2.row(a[static_cast<std::size_t>(i)]);
    }
    Eigen::VectorXd g1 = Eigen::VectorXd::Zero(ns);
    Eigen::MatrixXd b = Eigen::MatrixXd::Zero(ns, ns);
    if (na > 0) {
      const Eigen::PartialPivLU<Eigen::MatrixXd> lu(m);
      const Eigen::VectorXd g1_a = lu.solve(rhs1);
      const Eigen::MatrixXd b_a = lu.solve(rhs2);
      for (index i = 0; i < na; ++i) {
        g1(a[static_cast<std::size_t>(i)]) = g1_a(i);
        b.row(a[static_cast<std::size_t>(i)]) = b_a.row(i);
      }
    }
    Eigen::VectorXd g = g1;
    Eigen::VectorXd term = g1;
    terms = 1;
    const double tol = params_.tol * params_.tick_size;
    while (terms < params_.max_terms && term.cwiseAbs().maxCoeff() > tol) {
      term = b * term;
      g += term;
      ++terms;
    }
    last = term.cwiseAbs().maxCoeff();
    return g;
  }

  static index move_column(long long half_ticks) noexcept {
    return half_ticks == -2 ? 0 : half_ticks == -1 ? 1 : half_ticks == 1 ? 2 : 3;
  }

  // State index (s - 1) n + b, or -1 when the book has no modelled state.
  template <OrderBookView B>
  [[nodiscard]] std::int64_t state_of(const B& book) const noexcept {
    const detail::feat::top_quotes q = detail::feat::read_top(book);
    if (!q.two_sided()) return -1;
    const long long s = std::llround((q.ask - q.bid) / params_.tick_size);
    if (s < 1 || s > params_.spread_buckets) return -1;
    const index b = imbalance_bucket(q.bid_quantity / (q.bid_quantity + q.ask_quantity));
    return static_cast<std::int64_t>((s - 1) * params_.imbalance_buckets + b);
  }

  stoikov_microprice_params params_;
  std::vector<double> adjustment_;  // G*, quote currency, per state; NaN = not seen
  bool fitted_ = false;
  inline static const std::array<std::string, 2> names_{"stoikov_microprice", "stoikov_adjustment"};
};

}  // namespace footprint
