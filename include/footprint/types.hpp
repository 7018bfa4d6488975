/// @file types.hpp
/// @brief Core vocabulary types: Eigen aliases, fit reports, orders and market states.
///
/// A cheap base header: it includes only the standard library and Eigen/Core.
///
/// Data conventions (see docs/concepts.md):
/// - Rows are observations: a design matrix `X` has shape (n_samples, n_features) and a
///   target `y` has shape (n_samples), as in scikit-learn.
/// - Scalars are `double`. Prices are in quote currency, quantities in shares, contracts
///   or coins, and costs in basis points (bps) of the arrival mid unless a name says
///   otherwise.
/// - Times are `std::chrono::nanoseconds`; each type says whether since midnight or epoch.
#pragma once

#include <Eigen/Core>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace footprint {

/// Signed index and size type for rows, columns and levels (Eigen's `Eigen::Index`).
using index = Eigen::Index;

/// Dense column-major matrix of doubles; a design matrix has shape (n_samples, n_features).
using matrix = Eigen::MatrixXd;
/// Dense column vector of doubles, e.g. targets of shape (n_samples).
using vector = Eigen::VectorXd;
/// Dense row vector of doubles, e.g. one observation of shape (1, n_features).
using row_vector = Eigen::RowVectorXd;

/// Read-only view of any dense double matrix expression (public input type).
using matrix_cref = Eigen::Ref<const matrix>;
/// Read-only view of any dense double vector expression (public input type).
using vector_cref = Eigen::Ref<const vector>;
/// Writable view of a double matrix (out-parameter type of hot paths).
using matrix_ref = Eigen::Ref<matrix>;
/// Dense row-major matrix of doubles (C order, numpy's default): rows are contiguous.
using row_major_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Read-only view, in place, of contiguous row-major data of shape (rows, cols), e.g. a
/// C-contiguous numpy array: `row_major_view(ptr, rows, cols)`. The regressors' predict
/// overloads for it read it without a copy (a `matrix_cref` would copy it into column-major
/// order) and give the same predictions, bit for bit.
using row_major_view = Eigen::Map<const row_major_matrix>;
/// Writable view of a double vector (out-parameter type of hot paths).
using vector_ref = Eigen::Ref<vector>;

/// Quiet NaN, the documented value of undefined features (e.g. the spread of an empty side).
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Outcome of a numerical fit or optimisation.
enum class fit_status : std::uint8_t {
  converged,        ///< the stopping criterion was met
  max_iterations,   ///< the iteration budget ran out before the criterion was met
  early_stopped,    ///< stopped on a validation criterion (e.g. no improvement for k rounds)
  diverged,         ///< the loss grew without bound or became non-finite
  numerical_issue,  ///< a factorisation or solve failed (e.g. a singular system)
};

/// Name of a status, e.g. "converged".
[[nodiscard]] constexpr std::string_view to_string(fit_status s) noexcept {
  switch (s) {
    case fit_status::converged: return "converged";
    case fit_status::max_iterations: return "max_iterations";
    case fit_status::early_stopped: return "early_stopped";
    case fit_status::diverged: return "diverged";
    case fit_status::numerical_issue: return "numerical_issue";
  }
  return "unknown";
}

/// What a `fit` returns: numerical outcomes are data, not exceptions.
///
/// A fit that cannot produce a usable model throws `convergence_error`, which carries this
/// report; a fit that produced a usable model returns it, and `ok()` says whether the
/// stopping criterion was met.
struct fit_report {
  fit_status status = fit_status::converged;  ///< how the fit ended
  index iterations = 0;                       ///< iterations, epochs or boosting rounds run
  double final_loss = nan;                    ///< training loss at the end, model-specific units
  std::string message;                        ///< human-readable detail; may be empty

  /// True when the fit ended normally (converged or early-stopped on validation).
  [[nodiscard]] bool ok() const noexcept {
    return status == fit_status::converged || status == fit_status::early_stopped;
  }
};

/// Direction of an order.
enum class side : std::int8_t {
  buy = 1,    ///< buying: cost is positive when prices rise
  sell = -1,  ///< selling: cost is positive when prices fall
};

/// +1 for a buy, -1 for a sell: multiply a price move by it to get a cost.
[[nodiscard]] constexpr double sign(side s) noexcept { return s == side::buy ? 1.0 : -1.0; }

/// Name of a side, "buy" or "sell".
[[nodiscard]] constexpr std::string_view to_string(side s) noexcept { return s == side::buy ? "buy" : "sell"; }

/// A block order to be executed (the "parent" or "metaorder").
struct order {
  footprint::side side = footprint::side::buy;  ///< buy or sell
  double quantity = 0.0;                        ///< shares, contracts or coins; > 0
  std::chrono::nanoseconds horizon{0};          ///< time allowed to complete; >= 0 (0 = at once)
};

/// How a child order is sent.
enum class child_order_type : std::uint8_t {
  market,         ///< a market order: executes now against the book
  passive_limit,  ///< a limit order resting at the touch (or `price_offset_ticks` inside it)
};

/// Name of a child order type: "market" or "passive_limit".
[[nodiscard]] constexpr std::string_view to_string(child_order_type t) noexcept {
  return t == child_order_type::market ? "market" : "passive_limit";
}

/// What an execution policy sees at a decision (the `ExecutionPolicy` concept's input).
/// Times are in the environment's unit: seconds in the order-book simulators, the model's
/// time unit (e.g. a trading day) in the Almgren-Chriss world. Fields an environment cannot
/// provide are NaN.
struct execution_observation {
  index step = 0;            ///< k: decisions before this one, in [0, n_steps)
  index n_steps = 1;         ///< N: decisions over the horizon, >= 1
  double elapsed = 0.0;      ///< time since the arrival, in [0, horizon)
  double horizon = nan;      ///< T: time allowed, > 0
  double quantity = nan;     ///< X: the parent order, > 0
  double remaining = nan;    ///< still to trade, in [0, X]
  double arrival_mid = nan;  ///< the mid at the arrival, price units
  double mid = nan;          ///< the mid now
  double bid = nan;          ///< best bid now (NaN in a world without a book)
  double ask = nan;          ///< best ask now
  double tick_size = nan;    ///< price units per tick
  double imbalance = nan;    ///< queue imbalance at the touch, (bid - ask depth) / (sum), in [-1, 1]
  double volume_rate = nan;  ///< the market's traded quantity per unit of time, >= 0
};

/// What an execution policy decides (the `ExecutionPolicy` concept's output): one child.
struct child_order {
  double quantity = 0.0;  ///< >= 0 (0: nothing now); an environment trades at most `remaining`
  child_order_type type = child_order_type::market;  ///< market, or a limit order resting at the touch
  int price_offset_ticks = 0;                        ///< for a limit order: ticks inside the touch (0: at it), >= 0
};

/// The market at the arrival of an order, as an impact model sees it.
///
/// Fields a source cannot provide are NaN; `features` holds the model's feature vector at
/// arrival in the order of the feature set's `names()`.
struct market_state {
  std::chrono::nanoseconds time{0};  ///< arrival time, since midnight (exchange local) or epoch, as the source says
  double mid = nan;                  ///< arrival mid price, quote currency
  double spread = nan;               ///< best ask minus best bid, quote currency
  double bid_depth = nan;            ///< displayed quantity at the best bid
  double ask_depth = nan;            ///< displayed quantity at the best ask
  double volatility = nan;           ///< std of mid log-returns per sqrt(second), dimensionless
  double volume_rate = nan;          ///< traded quantity per second (average), e.g. ADV / seconds per day
  vector features{};                 ///< model features at arrival; shape (n_features)
};

/// An impact model's forecast for one order: the mean and spread of its cost.
///
/// All figures are in basis points of the arrival mid, signed so that a cost is positive.
/// Models that do not split temporary from permanent impact leave those two fields NaN.
struct cost_estimate {
  double expected_bps = nan;   ///< expected total cost (implementation shortfall), bps
  double std_bps = nan;        ///< standard deviation of the total cost, bps; >= 0
  double temporary_bps = nan;  ///< expected temporary part of the cost, bps (NaN if not modelled)
  double permanent_bps = nan;  ///< expected permanent part of the cost, bps (NaN if not modelled)
};

}  // namespace footprint
