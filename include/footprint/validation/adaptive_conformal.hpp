/// @file validation/adaptive_conformal.hpp
/// @brief `adaptive_conformal`: adaptive conformal inference for sequences (Gibbs and Candes
/// 2021): the miscoverage level of the next interval is raised after each cover and lowered
/// after each miss, so that the long-run miss rate is alpha on any sequence, exchangeable or
/// not. See docs/validation.md, "Conformal calibration".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_scores.hpp"

#include <algorithm>
#include <cmath>
#include <concepts>
#include <deque>
#include <span>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `adaptive_conformal`, validated by its constructor.
struct adaptive_conformal_params {
  double alpha = 0.1;    ///< target miscoverage level, in (0, 1); also the first level alpha_1
  double gamma = 0.005;  ///< step size, > 0 (Gibbs and Candes 2021 use 0.005); larger adapts faster and noisier
  /// score stream: past scores the threshold is computed from, >= 0; 0 = every past score
  /// (memory grows with the stream), k = the last k (adapts to drift in the scores)
  index window = 0;
};

/// Adaptive conformal inference (ACI; Gibbs and Candes 2021, sec. 2): an online procedure
/// that keeps a working miscoverage level alpha_t and, after observing whether the interval
/// built at level alpha_t missed the outcome (err_t = 1) or covered it (err_t = 0), sets
///
///     alpha_{t+1} = alpha_t + gamma (alpha - err_t).
///
/// A level alpha_t <= 0 asks for the whole line, which cannot miss; alpha_t >= 1 asks for
/// the empty interval, which always misses. Then, deterministically for every sequence of
/// outcomes, alpha_t stays in [-gamma, 1 + gamma] (their Lemma 4.1) and after T steps
///
///     |(1/T) sum_t err_t - alpha| <= (max(alpha_1, 1 - alpha_1) + gamma) / (gamma T)
///
/// (their Proposition 4.1; `miss_rate_bound()`): 0.0181 for alpha = alpha_1 = 0.1,
/// gamma = 0.005 and T = 10,000. Indeed (1/T) sum err_t - alpha = (alpha_1 - alpha_{T+1}) /
/// (gamma T) exactly. The guarantee is on the long-run average miss rate, not on any one
/// interval, and it holds under drift, breaks and adversarial sequences, where split
/// conformal's exchangeability fails.
///
/// Two ways to use it:
/// - with any interval source: `interval(source)` calls `source(alpha_t)` for an interval at
///   miscoverage alpha_t in (0, 1) (e.g. a `conformal_calibrator`'s `predict_interval_row`, a
///   model's central quantile interval) and handles alpha_t <= 0 and >= 1 itself; after the
///   outcome, `update(miss)`.
/// - on a stream of conformity scores S_t (e.g. |y_t - mu_t| / sigma_t):
///   `score_threshold()` is q_t, the (1 - alpha_t) empirical quantile of the past scores
///   (the ceil(n (1 - alpha_t))-th smallest of the last n; Gibbs and Candes 2021, sec. 2),
///   +inf when alpha_t <= 0 or no score has been seen, -inf when alpha_t >= 1; the interval
///   is {y : S(y) <= q_t} (`score_interval(mu, sigma)` = [mu - q_t sigma, mu + q_t sigma]);
///   `update_score(S_t)` records err_t = 1{S_t > q_t}, updates alpha_t and appends S_t to
///   the past scores.
///
/// Intervals are (lower, upper) pairs; the whole line is (-inf, +inf) and the empty interval
/// (+inf, -inf), so that `lower <= y && y <= upper` tests coverage in every case.
class adaptive_conformal {
 public:
  /// alpha = 0.1, gamma = 0.005, every past score.
  adaptive_conformal() : adaptive_conformal(adaptive_conformal_params{}) {}

  /// @param params alpha in (0, 1), gamma finite and > 0, window >= 0
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::adaptive_conformal: gamma must be finite and > 0 (got 0)`
  explicit adaptive_conformal(adaptive_conformal_params params) : params_(params), alpha_t_(params.alpha) {
    detail::require_in(params_.alpha, 0.0, 1.0, detail::bounds::open, name, "alpha");
    detail::require_positive(params_.gamma, name, "gamma");
    detail::require_at_least(params_.window, 0, name, "window");
  }

  /// The working level alpha_t of the next interval (any real; in [-gamma, 1 + gamma]).
  [[nodiscard]] double alpha_t() const noexcept { return alpha_t_; }

  /// The next interval from any source of intervals at a miscoverage level.
  /// @param source called as source(alpha_t) with alpha_t in (0, 1); returns a pair
  ///        (lower, upper) in units of y
  /// @return (-inf, +inf) when alpha_t <= 0, the empty (+inf, -inf) when alpha_t >= 1 (the
  ///         source is not called), else the source's interval
  template <class Source>
  requires std::invocable<Source&, double>
  [[nodiscard]] std::pair<double, double> interval(Source&& source) const {
    if (alpha_t_ <= 0.0) return {-inf, inf};
    if (alpha_t_ >= 1.0) return {inf, -inf};
    const auto iv = source(alpha_t_);
    return {static_cast<double>(iv.first), static_cast<double>(iv.second)};
  }

  /// Records whether the last interval missed the outcome and updates the level:
  /// alpha_{t+1} = alpha_t + gamma (alpha - err_t).
  /// @param miss true when the outcome fell outside the interval built at alpha_t
  void update(bool miss) noexcept {
    const double err = miss ? 1.0 : 0.0;
    alpha_t_ += params_.gamma * (params_.alpha - err);
    ++steps_;
    if (miss) ++misses_;
  }

  /// q_t, the (1 - alpha_t) empirical quantile of the past scores (the
  /// ceil(n (1 - alpha_t))-th smallest of the n kept, counted with a relative tolerance of
  /// 1e-12), units of the score; +inf when alpha_t <= 0 or n = 0, -inf when alpha_t >= 1.
  [[nodiscard]] double score_threshold() const noexcept {
    if (alpha_t_ >= 1.0) return -inf;
    if (alpha_t_ <= 0.0 || sorted_.empty()) return inf;
    const double x = static_cast<double>(sorted_.size()) * (1.0 - alpha_t_);
    const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(x - 1e-12 * x)));
    return sorted_[std::min(k, sorted_.size()) - 1];
  }

  /// The score-stream interval {y : |y - mu| / sigma <= q_t} = [mu - q_t sigma, mu + q_t sigma]
  /// for the absolute (sigma = 1) or normalized residual score; (-inf, +inf) when q_t = +inf,
  /// the empty (+inf, -inf) when q_t = -inf.
  /// @param mu point forecast, finite; @param sigma scale, finite and > 0, units of y
  /// @throws footprint::invalid_argument for a non-finite mu or a bad sigma
  [[nodiscard]] std::pair<double, double> score_interval(double mu, double sigma = 1.0) const {
    detail::require_finite(mu, "footprint::adaptive_conformal::score_interval", "mu");
    detail::require_positive(sigma, "footprint::adaptive_conformal::score_interval", "sigma");
    const double q = score_threshold();
    return {mu - q * sigma, mu + q * sigma};
  }

  /// Observes the score S_t of the outcome: err_t = 1{S_t > q_t}, then `update(err_t)`, then
  /// S_t joins the past scores (the oldest leaves when `window` are kept).
  /// @param score S_t, not NaN (+inf allowed: it always misses unless q_t = +inf)
  /// @return err_t: true when the interval {S <= q_t} missed
  /// @throws footprint::invalid_argument for a NaN score
  /// Complexity: O(n) for the kept scores' sorted insertion (a memmove).
  bool update_score(double score) {
    check_score(score, "update_score");
    const bool miss = score > score_threshold();
    update(miss);
    push(score);
    return miss;
  }

  /// Warm start: appends scores (e.g. of a calibration period, oldest first) to the past
  /// scores without counting steps or changing alpha_t.
  /// @throws footprint::invalid_argument for a NaN score (none is added then)
  void add_scores(std::span<const double> scores) {
    for (const double s : scores) check_score(s, "add_scores");
    for (const double s : scores) push(s);
  }

  /// Forgets every step and score; alpha_t = alpha.
  void reset() noexcept {
    alpha_t_ = params_.alpha;
    steps_ = 0;
    misses_ = 0;
    sorted_.clear();
    history_.clear();
  }

  /// Steps T observed (update calls, including those of update_score).
  [[nodiscard]] index steps() const noexcept { return steps_; }
  /// Misses among them.
  [[nodiscard]] index misses() const noexcept { return misses_; }
  /// The miss rate (1/T) sum err_t, in [0, 1]; NaN before the first step.
  [[nodiscard]] double miss_rate() const noexcept {
    return steps_ == 0 ? nan : static_cast<double>(misses_) / static_cast<double>(steps_);
  }
  /// Gibbs and Candes's bound on |miss_rate() - alpha| after T = steps() steps,
  /// (max(alpha, 1 - alpha) + gamma) / (gamma T); +inf before the first step.
  [[nodiscard]] double miss_rate_bound() const noexcept {
    if (steps_ == 0) return inf;
    return (std::max(params_.alpha, 1.0 - params_.alpha) + params_.gamma) /
           (params_.gamma * static_cast<double>(steps_));
  }
  /// Scores kept for the threshold (at most `window` when window > 0).
  [[nodiscard]] index n_scores() const noexcept { return static_cast<index>(sorted_.size()); }
  /// The parameters.
  [[nodiscard]] const adaptive_conformal_params& params() const noexcept { return params_; }

 private:
  static constexpr const char* name = "footprint::adaptive_conformal";
  static constexpr double inf = detail::conformal::inf;

  static void check_score(double score, const char* fn) {
    if (std::isnan(score)) throw invalid_argument(detail::concat(name, "::", fn, ": score must not be NaN"));
  }

  void push(double score) {
    sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), score), score);
    if (params_.window == 0) return;
    history_.push_back(score);
    if (static_cast<index>(history_.size()) > params_.window) {
      sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), history_.front()));
      history_.pop_front();
    }
  }

  adaptive_conformal_params params_;
  double alpha_t_;
  index steps_ = 0;
  index misses_ = 0;
  std::vector<double> sorted_;  ///< the kept past scores, sorted
  std::deque<double> history_;  ///< with a window: the kept scores in arrival order
};

}  // namespace footprint
