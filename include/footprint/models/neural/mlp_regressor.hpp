/// @file models/neural/mlp_regressor.hpp
/// @brief `mlp_regressor`: a multilayer perceptron on Eigen, with a point (MSE) or a
/// heteroscedastic Gaussian (negative log-likelihood) head, mini-batch Adam or SGD with
/// momentum, L2 weight decay, a learning-rate schedule, early stopping on a validation split,
/// and input standardisation and target scaling stored with the model. See docs/mlp.md.
///
/// Includes Eigen/Core and Boost.Math's normal and Student-t distributions. Persistence is
/// in `footprint/io/mlp_json.hpp`.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/mlp_network.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {
struct mlp_json_access;
}  // namespace detail

/// Hyper-parameters of `mlp_regressor`, validated by its constructor. The defaults train a
/// (64, 32) ReLU network by Adam in a few seconds on 50,000 rows x 20 features.
struct mlp_regressor_params {
  std::vector<index> hidden_layers{64, 32};         ///< hidden layer widths, each >= 1; may be empty (a linear model)
  mlp_activation activation = mlp_activation::relu;  ///< activation of the hidden layers
  mlp_init init = mlp_init::automatic;               ///< weight initialisation (He for relu/gelu, Glorot for tanh)
  mlp_head head = mlp_head::mse;                     ///< output head and loss: mse or gaussian (NLL)
  mlp_optimizer optimizer = mlp_optimizer::adam;     ///< adam or sgd (with momentum)
  double learning_rate = 1e-3;                       ///< initial step size, > 0
  double beta1 = 0.9;                                ///< adam: first-moment decay, in [0, 1)
  double beta2 = 0.999;                              ///< adam: second-moment decay, in [0, 1)
  double epsilon = 1e-8;                             ///< adam: denominator guard, > 0
  double momentum = 0.9;                             ///< sgd: momentum, in [0, 1)
  double weight_decay = 0.0;                         ///< L2 penalty (lambda/2)|W|^2 on the weights (not biases), >= 0
  mlp_schedule schedule = mlp_schedule::constant;    ///< learning-rate schedule over epochs
  double lr_decay = 0.95;                            ///< exponential: factor per epoch, in (0, 1]
  double lr_min_factor = 0.0;                        ///< cosine: final rate / initial rate, in [0, 1]
  index batch_size = 256;                            ///< rows per mini-batch, >= 1 (the last batch may be smaller)
  index max_epochs = 100;                            ///< epoch budget, >= 1
  double validation_fraction = 0.1;                  ///< share of rows held out for early stopping, in [0, 1); 0 = none
  index patience = 10;                               ///< stop after this many epochs without improvement, >= 0; 0 = never
  double tol = 1e-4;                                 ///< an improvement must beat the best loss by > tol (scaled units), >= 0
  bool restore_best = true;                          ///< with validation: keep the weights of the best validation epoch
  bool standardize_inputs = true;                    ///< centre and scale each feature (training-row mean and sd)
  bool scale_target = true;                          ///< centre and scale y (training-row mean and sd)
  bool shuffle = true;                               ///< reshuffle the training rows every epoch
  std::uint64_t seed = 0;                            ///< seed of the split, initialisation and shuffles
  mlp_progress_callback progress;                    ///< called after every epoch (may be empty)
};

/// Preallocated scratch for the allocation-free single-row predictions of `mlp_regressor`
/// and `deep_ensemble` (one per thread; get one from `make_workspace()`).
class mlp_workspace {
 public:
  /// An empty workspace (single-row predictions return NaN until a sized one is used).
  mlp_workspace() = default;
  /// @param width the widest layer of the network (input, hidden or output), >= 1
  explicit mlp_workspace(index width) : a_(vector::Zero(width)), b_(vector::Zero(width)) {}
  /// The widest layer this workspace can hold.
  [[nodiscard]] index capacity() const noexcept { return a_.size(); }

 private:
  friend class mlp_regressor;
  vector a_;
  vector b_;
};

/// A multilayer perceptron regressor: a `ProbabilisticRegressor` and a `WeightedRegressor`.
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). Features are
/// standardised and y is centred and scaled with the training rows' means and standard
/// deviations (stored with the model); the network x -> (hidden layers) -> output is
/// trained on the scaled data by mini-batch Adam (Kingma & Ba 2015) or SGD with momentum,
/// with weights initialised as He et al. (2015) or Glorot & Bengio (2010).
///
/// Heads: `mse` gives a point forecast; its predictive distribution is normal with the
/// network's mean and a constant standard deviation, the root mean squared residual on the
/// validation rows (training rows without validation), `residual_sd()`. `gaussian` gives a
/// mean and a variance per row trained by the Gaussian negative log-likelihood (Nix &
/// Weigend 1994; Lakshminarayanan, Pritzel & Blundell 2017, eq. 1). Either way the
/// distribution is a `location_scale_t` with df = +inf (a normal), whose mean equals
/// `predict`.
///
/// Early stopping: with validation_fraction > 0, a seeded random share of the rows is held
/// out; training stops when the validation loss has not improved by more than `tol` for
/// `patience` epochs, and the best epoch's weights are kept (`restore_best`). Without
/// validation the same rule applies to the epoch's training loss (as scikit-learn's
/// `MLPRegressor`).
///
/// Determinism: the same data, parameters and seed give bit-identical models for any
/// thread count (see detail/mlp_network.hpp: Eigen products stay on the calling thread).
/// Thread safety: const member functions may run concurrently after `fit`.
class mlp_regressor {
 public:
  /// The predictive distribution of a row: normal (`location_scale_t` with df = +inf).
  using distribution_type = location_scale_t;

  /// A model with the default parameters.
  mlp_regressor() : mlp_regressor(mlp_regressor_params{}) {}

  /// @param params hyper-parameters (see mlp_regressor_params for ranges)
  /// @throws footprint::invalid_argument when a parameter is out of range, e.g.
  ///         `footprint::mlp_regressor: learning_rate must be > 0 (got -1)`
  explicit mlp_regressor(mlp_regressor_params params) : params_(std::move(params)) { validate(params_); }

  /// Trains the network (unit sample weights).
  ///
  /// @param X (n_samples, n_features), finite; n_samples >= 2 with validation, else >= 1
  /// @param y (n_samples) targets, finite, any units (e.g. bps)
  /// @return status `early_stopped` (validation patience ran out), `converged` (training-loss
  ///         patience ran out, or patience = 0 and all epochs ran) or `max_iterations` (the
  ///         epoch budget ran out first); `iterations` = epochs run; `final_loss` = training
  ///         loss of the last epoch in scaled units (MSE or mean NLL, see mlp_progress); the
  ///         message gives the best epoch and its validation loss
  /// @throws footprint::dimension_mismatch when y.size() != X.rows()
  /// @throws footprint::invalid_argument on a non-finite entry (naming row and column), an
  ///         empty X, or too few rows for the validation split
  /// @throws footprint::convergence_error (status `diverged`) when a loss becomes non-finite
  ///         (lower the learning rate). On any exception the model is left as it was.
  /// Complexity: O(max_epochs n_samples n_parameters).
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) { return fit_impl(X, y, nullptr, params_.progress, 0); }

  /// Trains with per-row sample weights: each row's loss is multiplied by its weight
  /// (normalised to mean 1 over the training rows), so integer weights act as repeated rows
  /// in expectation over the mini-batches; validation losses are weighted the same way.
  /// @param sample_weight (n_samples), finite, >= 0, positive sum (also on the training rows)
  /// @throws as fit(X, y); footprint::dimension_mismatch when sample_weight.size() != X.rows();
  ///         footprint::invalid_argument for a negative or non-finite weight or a zero sum
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight, params_.progress, 0);
  }

  /// Predictive means, one per row, units of y.
  /// @param X (n_samples, n_features)
  /// @return (n_samples)
  /// @throws footprint::not_fitted before a successful fit; footprint::dimension_mismatch
  ///         when X.cols() != n_features(); footprint::invalid_argument on a non-finite entry
  template <class = void>
  [[nodiscard]] vector predict(matrix_cref X) const {
    vector out(X.rows());
    predict_impl("predict", X, out.data(), nullptr);
    return out;
  }

  /// Predictive means into `out` (shape (n_samples)).
  /// @throws as predict(X); footprint::dimension_mismatch when out.size() != X.rows()
  template <class = void>
  void predict(matrix_cref X, vector_ref out) const {
    check_out("predict", X, out.size());
    predict_impl("predict", X, out.data(), nullptr);
  }

  /// Predictive means and standard deviations (units of y), shapes (n_samples).
  /// @throws as predict(X); footprint::dimension_mismatch when an output's size != X.rows()
  template <class = void>
  void predict_mean_sd(matrix_cref X, vector_ref mean, vector_ref sd) const {
    check_out("predict_mean_sd", X, mean.size());
    check_out("predict_mean_sd", X, sd.size());
    predict_impl("predict_mean_sd", X, mean.data(), sd.data());
  }

  /// Predictive distributions, one normal per row (`location_scale_t`, df = +inf), with
  /// `mean(d)` equal to `predict(X)` and `standard_deviation(d)` the head's sd (gaussian) or
  /// `residual_sd()` (mse).
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(matrix_cref X) const {
    vector mean(X.rows());
    vector sd(X.rows());
    predict_impl("predict_distribution", X, mean.data(), sd.data());
    std::vector<location_scale_t> out;
    out.reserve(static_cast<std::size_t>(X.rows()));
    for (index i = 0; i < X.rows(); ++i) out.emplace_back(std::numeric_limits<double>::infinity(), mean[i], sd[i]);
    return out;
  }

  /// A workspace sized for this network, for the single-row overloads. @throws not_fitted
  [[nodiscard]] mlp_workspace make_workspace() const {
    if (!fitted_) throw not_fitted("footprint::mlp_regressor::make_workspace");
    return mlp_workspace(net_.max_width());
  }

  /// Predictive mean of one row, without allocating or throwing (the hot path).
  /// @param x  (n_features) one observation
  /// @param ws a workspace from make_workspace() (not shared between threads)
  /// @return the mean, units of y; NaN when the model is not fitted, x.size() !=
  ///         n_features(), the workspace is too small, or x has a non-finite entry
  /// Complexity: O(n_parameters); may differ from predict(X) in the last bits (a different
  /// product kernel).
  template <class = void>
  [[nodiscard]] double predict_row(std::span<const double> x, mlp_workspace& ws) const noexcept {
    double mean = nan;
    double sd = nan;
    predict_row(x, ws, mean, sd);
    return mean;
  }

  /// Predictive mean and standard deviation of one row, without allocating or throwing.
  /// @param x    (n_features) one observation
  /// @param ws   a workspace from make_workspace()
  /// @param mean receives the mean (units of y), NaN on failure
  /// @param sd   receives the standard deviation (units of y), NaN on failure
  /// @return false (and NaNs) when the model is not fitted, x.size() != n_features(), or the
  ///         workspace is too small
  template <class = void>
  bool predict_row(std::span<const double> x, mlp_workspace& ws, double& mean, double& sd) const noexcept;

  /// Sets the progress callback (same as params().progress; see mlp_progress_callback).
  void set_progress(mlp_progress_callback progress) { params_.progress = std::move(progress); }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return fitted_ ? net_.n_inputs() : 0; }
  /// The hyper-parameters.
  [[nodiscard]] const mlp_regressor_params& params() const noexcept { return params_; }
  /// Number of weights and biases (0 before fit).
  [[nodiscard]] index n_parameters() const noexcept { return fitted_ ? net_.n_parameters() : 0; }
  /// Per-epoch progress of the last fit (empty for a loaded model).
  [[nodiscard]] const std::vector<mlp_progress>& history() const noexcept { return history_; }
  /// The 1-based epoch whose weights the model holds (the best validation epoch with
  /// restore_best, else the last). @throws not_fitted
  [[nodiscard]] index best_epoch() const {
    check_fitted("best_epoch");
    return best_epoch_;
  }
  /// mse head: the predictive standard deviation, units of y (RMS validation residual, or
  /// training residual without validation); gaussian head: NaN. @throws not_fitted
  [[nodiscard]] double residual_sd() const {
    check_fitted("residual_sd");
    return residual_sd_;
  }
  /// (n_features) feature means used for standardisation. @throws not_fitted
  [[nodiscard]] const vector& x_mean() const {
    check_fitted("x_mean");
    return x_mean_;
  }
  /// (n_features) feature standard deviations used for standardisation (1 for constant or
  /// unscaled features). @throws not_fitted
  [[nodiscard]] vector x_scale() const {
    check_fitted("x_scale");
    return x_inv_scale_.cwiseInverse();
  }
  /// Target centre and scale: y = y_mean + y_scale * (network output). @throws not_fitted
  [[nodiscard]] std::pair<double, double> y_scaling() const {
    check_fitted("y_scaling");
    return {y_mean_, y_scale_};
  }

 private:
  friend struct detail::mlp_json_access;
  friend class deep_ensemble;

  static constexpr const char* name = "footprint::mlp_regressor";

  static void validate(const mlp_regressor_params& p);
  // A template (never given an argument) so that training is compiled only in translation
  // units that fit a network.
  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                      const mlp_progress_callback& progress, index member);
  template <class = void>
  void predict_impl(const char* fn, const matrix_cref& X, double* mean, double* sd) const;
  void check_fitted(const char* fn) const {
    if (!fitted_) throw not_fitted(detail::concat(name, "::", fn));
  }
  void check_out(const char* fn, const matrix_cref& X, index got) const {
    if (got != X.rows()) throw dimension_mismatch(detail::concat(name, "::", fn), "out.size() must equal X.rows()", X.rows(), got);
  }
  /// Mean and sd in original units from the network's output column `o`.
  void decode(const double* o, double& mean, double& sd) const noexcept {
    mean = y_mean_ + y_scale_ * o[0];
    sd = params_.head == mlp_head::gaussian
             ? y_scale_ * std::sqrt(detail::mlp_softplus(o[1]) + detail::mlp_min_variance)
             : residual_sd_;
  }

  mlp_regressor_params params_;
  bool fitted_ = false;
  detail::mlp_net net_;
  vector x_mean_;
  vector x_inv_scale_;
  double y_mean_ = 0.0;
  double y_scale_ = 1.0;
  double residual_sd_ = nan;
  index best_epoch_ = 0;
  std::vector<mlp_progress> history_;
  vector wt_;  ///< the layers' transposed weights W_l' (fan_out, fan_in), for predict_row

  /// Builds wt_ from net_ (after fit or load).
  void prepare_predict() {
    index total = 0;
    for (index l = 1; l <= net_.n_layers(); ++l) total += net_.W(l).size();
    wt_.resize(total);
    index off = 0;
    for (index l = 1; l <= net_.n_layers(); ++l) {
      const auto W = net_.W(l);
      Eigen::Map<matrix>(wt_.data() + off, W.cols(), W.rows()) = W.transpose();
      off += W.size();
    }
  }
};

// ---------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------

inline void mlp_regressor::validate(const mlp_regressor_params& p) {
  const auto fail = [](auto&&... parts) { throw invalid_argument(detail::concat("footprint::mlp_regressor: ", parts...)); };
  for (std::size_t l = 0; l < p.hidden_layers.size(); ++l) {
    if (p.hidden_layers[l] < 1) fail("hidden_layers[", l, "] must be >= 1 (got ", p.hidden_layers[l], ")");
  }
  if (!is_valid(p.activation)) fail("activation must be relu, tanh or gelu (got ", static_cast<int>(p.activation), ")");
  if (!is_valid(p.init)) fail("init must be automatic, he or glorot (got ", static_cast<int>(p.init), ")");
  if (!is_valid(p.head)) fail("head must be mse or gaussian (got ", static_cast<int>(p.head), ")");
  if (!is_valid(p.optimizer)) fail("optimizer must be adam or sgd (got ", static_cast<int>(p.optimizer), ")");
  if (!is_valid(p.schedule)) fail("schedule must be constant, exponential or cosine (got ", static_cast<int>(p.schedule), ")");
  if (!(p.learning_rate > 0.0) || !std::isfinite(p.learning_rate)) fail("learning_rate must be > 0 (got ", p.learning_rate, ")");
  if (!(p.beta1 >= 0.0 && p.beta1 < 1.0)) fail("beta1 must be in [0, 1) (got ", p.beta1, ")");
  if (!(p.beta2 >= 0.0 && p.beta2 < 1.0)) fail("beta2 must be in [0, 1) (got ", p.beta2, ")");
  if (!(p.epsilon > 0.0) || !std::isfinite(p.epsilon)) fail("epsilon must be > 0 (got ", p.epsilon, ")");
  if (!(p.momentum >= 0.0 && p.momentum < 1.0)) fail("momentum must be in [0, 1) (got ", p.momentum, ")");
  if (!(p.weight_decay >= 0.0) || !std::isfinite(p.weight_decay)) fail("weight_decay must be finite and >= 0 (got ", p.weight_decay, ")");
  if (!(p.lr_decay > 0.0 && p.lr_decay <= 1.0)) fail("lr_decay must be in (0, 1] (got ", p.lr_decay, ")");
  if (!(p.lr_min_factor >= 0.0 && p.lr_min_factor <= 1.0)) fail("lr_min_factor must be in [0, 1] (got ", p.lr_min_factor, ")");
  if (p.batch_size < 1) fail("batch_size must be >= 1 (got ", p.batch_size, ")");
  if (p.max_epochs < 1) fail("max_epochs must be >= 1 (got ", p.max_epochs, ")");
  if (!(p.validation_fraction >= 0.0 && p.validation_fraction < 1.0)) {
    fail("validation_fraction must be in [0, 1) (got ", p.validation_fraction, ")");
  }
  if (p.patience < 0) fail("patience must be >= 0 (got ", p.patience, ")");
  if (!(p.tol >= 0.0) || !std::isfinite(p.tol)) fail("tol must be finite and >= 0 (got ", p.tol, ")");
}

template <class>
fit_report mlp_regressor::fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                                          const mlp_progress_callback& progress, index member) {
  const std::string where = detail::concat(name, "::fit");
  detail::check_X_y(where, X, y, w);
  const mlp_regressor_params& p = params_;
  const index n = X.rows();
  const index d = X.cols();
  detail::xoshiro256ss rng(p.seed);

  // ---- split: a seeded random share of the rows for validation
  index n_val = 0;
  if (p.validation_fraction > 0.0) {
    if (n < 2) {
      throw invalid_argument(detail::concat(where, ": validation_fraction > 0 needs at least 2 rows (got ", n, ")"));
    }
    n_val = std::clamp<index>(static_cast<index>(std::llround(p.validation_fraction * static_cast<double>(n))), 1, n - 1);
  }
  std::vector<index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), index{0});
  if (n_val > 0) {
    rng.shuffle(std::span<index>(rows));
    std::sort(rows.begin(), rows.begin() + n_val);
    std::sort(rows.begin() + n_val, rows.end());
  }
  const std::span<const index> val_rows(rows.data(), static_cast<std::size_t>(n_val));
  const std::span<const index> train_rows(rows.data() + n_val, static_cast<std::size_t>(n - n_val));
  const index n_tr = n - n_val;

  // ---- scaling from the training rows (weighted means and sds with sample weights)
  const auto weight = [&](index r) { return w == nullptr ? 1.0 : (*w)[r]; };
  double wsum_tr = 0.0;
  for (const index r : train_rows) wsum_tr += weight(r);
  if (!(wsum_tr > 0.0)) {
    throw invalid_argument(detail::concat(where, ": sample_weight must have a positive sum on the training rows (got ", wsum_tr, ")"));
  }
  vector x_mean = vector::Zero(d);
  vector x_inv_scale = vector::Ones(d);
  if (p.standardize_inputs) {
    for (const index r : train_rows) x_mean += weight(r) * X.row(r).transpose();
    x_mean /= wsum_tr;
    vector ss = vector::Zero(d);
    for (const index r : train_rows) ss += weight(r) * (X.row(r).transpose() - x_mean).cwiseAbs2();
    for (index j = 0; j < d; ++j) {
      const double sd = std::sqrt(ss[j] / wsum_tr);
      x_inv_scale[j] = sd > 0.0 && std::isfinite(sd) ? 1.0 / sd : 1.0;
    }
  }
  double y_mean = 0.0;
  double y_scale = 1.0;
  if (p.scale_target) {
    for (const index r : train_rows) y_mean += weight(r) * y[r];
    y_mean /= wsum_tr;
    double ss = 0.0;
    for (const index r : train_rows) ss += weight(r) * (y[r] - y_mean) * (y[r] - y_mean);
    const double sd = std::sqrt(ss / wsum_tr);
    y_scale = sd > 0.0 && std::isfinite(sd) ? sd : 1.0;
  }
  // Scaled copies, one column per observation: training rows first, then validation rows.
  matrix Xt(d, n);
  vector ys(n);
  vector ws;
  for (index k = 0; k < n; ++k) {
    const index r = k < n_tr ? train_rows[static_cast<std::size_t>(k)] : val_rows[static_cast<std::size_t>(k - n_tr)];
    Xt.col(k) = (X.row(r).transpose() - x_mean).cwiseProduct(x_inv_scale);
    ys[k] = (y[r] - y_mean) / y_scale;
  }
  if (w != nullptr) {
    ws.resize(n);
    for (index k = 0; k < n; ++k) {
      const index r = k < n_tr ? train_rows[static_cast<std::size_t>(k)] : val_rows[static_cast<std::size_t>(k - n_tr)];
      ws[k] = (*w)[r] * (static_cast<double>(n_tr) / wsum_tr);  // mean 1 over the training rows
    }
  }

  // ---- the network
  std::vector<index> sizes;
  sizes.push_back(d);
  sizes.insert(sizes.end(), p.hidden_layers.begin(), p.hidden_layers.end());
  sizes.push_back(p.head == mlp_head::gaussian ? 2 : 1);
  detail::mlp_net net;
  net.setup(std::move(sizes), p.activation);
  detail::mlp_initialize(net, p.init, p.head, rng);
  detail::mlp_chunk_buffers buf;
  buf.resize(net);
  detail::mlp_optimizer_state opt;
  opt.reset(net.n_parameters());
  vector grad(net.n_parameters());

  // Loss of the rows [first, first + count) of Xt with the current weights: sum w_i l_i / sum w_i.
  const auto evaluate = [&](index first, index count) {
    double total = 0.0;
    double wsum = 0.0;
    const index L = net.n_layers();
    for (index start = 0; start < count; start += buf.chunk) {
      const index m = std::min(buf.chunk, count - start);
      buf.A[0].leftCols(m) = Xt.middleCols(first + start, m);
      detail::mlp_forward_chunk(net, buf, m);
      const double* wp = w == nullptr ? nullptr : ws.data() + first + start;
      total += detail::mlp_head_loss(p.head, buf.Z[static_cast<std::size_t>(L)].leftCols(m), ys.data() + first + start,
                                     wp, 0.0, buf.G.topLeftCorner(net.n_outputs(), m));
      wsum += wp == nullptr ? static_cast<double>(m) : std::accumulate(wp, wp + m, 0.0);
    }
    return wsum > 0.0 ? total / wsum : nan;
  };

  std::vector<index> order(static_cast<std::size_t>(n_tr));
  std::iota(order.begin(), order.end(), index{0});
  std::vector<mlp_progress> history;
  history.reserve(static_cast<std::size_t>(std::min<index>(p.max_epochs, 100'000)));
  const bool has_val = n_val > 0;
  double best = std::numeric_limits<double>::infinity();
  vector best_theta = net.theta;
  index best_epoch = 0;
  index no_improvement = 0;
  fit_status status = p.patience == 0 ? fit_status::converged : fit_status::max_iterations;
  double train_loss = nan;
  index epoch = 0;
  while (epoch < p.max_epochs) {
    const auto e = static_cast<double>(epoch);
    double lr = p.learning_rate;
    if (p.schedule == mlp_schedule::exponential) {
      lr *= std::pow(p.lr_decay, e);
    } else if (p.schedule == mlp_schedule::cosine) {
      lr *= p.lr_min_factor + (1.0 - p.lr_min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * e / static_cast<double>(p.max_epochs)));
    }
    if (p.shuffle) rng.shuffle(std::span<index>(order));
    double epoch_total = 0.0;
    for (index start = 0; start < n_tr; start += p.batch_size) {
      const index b = std::min(p.batch_size, n_tr - start);
      const std::span<const index> batch(order.data() + start, static_cast<std::size_t>(b));
      const double loss = detail::mlp_batch_gradient(net, p.head, Xt, ys, w == nullptr ? nullptr : &ws, batch,
                                                     p.weight_decay, grad, buf);
      epoch_total += loss * static_cast<double>(b);
      opt.step(p.optimizer, net.theta, grad, lr, p.beta1, p.beta2, p.epsilon, p.momentum);
    }
    ++epoch;
    train_loss = epoch_total / static_cast<double>(n_tr);
    const double val_loss = has_val ? evaluate(n_tr, n_val) : nan;
    const mlp_progress info{.member = member, .epoch = epoch, .max_epochs = p.max_epochs, .train_loss = train_loss,
                            .validation_loss = val_loss, .learning_rate = lr};
    history.push_back(info);
    if (progress) progress(info);
    const double metric = has_val ? val_loss : train_loss;
    if (!std::isfinite(train_loss) || !std::isfinite(metric) || !net.theta.allFinite()) {
      throw convergence_error(where, fit_report{.status = fit_status::diverged, .iterations = epoch, .final_loss = train_loss,
                                                .message = detail::concat("non-finite loss at epoch ", epoch,
                                                                          "; lower learning_rate (", p.learning_rate, ")")});
    }
    if (metric < best - p.tol) {
      no_improvement = 0;
    } else {
      ++no_improvement;
    }
    if (metric < best) {
      best = metric;
      best_epoch = epoch;
      if (has_val && p.restore_best) best_theta = net.theta;
    }
    if (p.patience > 0 && no_improvement >= p.patience) {
      status = has_val ? fit_status::early_stopped : fit_status::converged;
      break;
    }
  }
  if (has_val && p.restore_best) {
    net.theta = best_theta;
  } else {
    best_epoch = epoch;
  }

  // ---- residual sd (mse head): RMS residual on the validation rows, else training rows
  double residual_sd = nan;
  if (p.head == mlp_head::mse) {
    const index first = has_val ? n_tr : 0;
    const index count = has_val ? n_val : n_tr;
    const double mse_scaled = evaluate(first, count);
    residual_sd = std::max(y_scale * std::sqrt(mse_scaled), 1e-12 * y_scale);
  }

  // ---- commit
  net_ = std::move(net);
  x_mean_ = std::move(x_mean);
  x_inv_scale_ = std::move(x_inv_scale);
  y_mean_ = y_mean;
  y_scale_ = y_scale;
  residual_sd_ = residual_sd;
  best_epoch_ = best_epoch;
  history_ = std::move(history);
  prepare_predict();
  fitted_ = true;
  return fit_report{.status = status,
                    .iterations = epoch,
                    .final_loss = train_loss,
                    .message = detail::concat("best epoch ", best_epoch, has_val ? ", validation loss " : ", training loss ", best)};
}

template <class>
void mlp_regressor::predict_impl(const char* fn, const matrix_cref& X, double* mean, double* sd) const {
  const detail::where_t where{name, fn};
  detail::check_predict(where, fitted_, X, n_features());
  detail::require_finite(X, where);
  detail::mlp_chunk_buffers buf;
  buf.resize(net_);
  const index n = X.rows();
  const index L = net_.n_layers();
  for (index start = 0; start < n; start += buf.chunk) {
    const index m = std::min(buf.chunk, n - start);
    buf.A[0].leftCols(m) = (X.middleRows(start, m).rowwise() - x_mean_.transpose()).transpose();
    buf.A[0].leftCols(m).array().colwise() *= x_inv_scale_.array();
    detail::mlp_forward_chunk(net_, buf, m);
    const matrix& O = buf.Z[static_cast<std::size_t>(L)];
    for (index i = 0; i < m; ++i) {
      double mu = nan;
      double s = nan;
      decode(O.col(i).data(), mu, s);
      mean[start + i] = mu;
      if (sd != nullptr) sd[start + i] = s;
    }
  }
}

template <class>
bool mlp_regressor::predict_row(std::span<const double> x, mlp_workspace& ws, double& mean, double& sd) const noexcept {
  mean = nan;
  sd = nan;
  const index d = net_.n_layers() > 0 ? net_.n_inputs() : 0;
  if (!fitted_ || static_cast<index>(x.size()) != d || ws.capacity() < net_.max_width()) return false;
  double* in = ws.a_.data();
  double* out = ws.b_.data();
  for (index j = 0; j < d; ++j) in[j] = (x[static_cast<std::size_t>(j)] - x_mean_[j]) * x_inv_scale_[j];
  // z = W_l' a + b_l as a column-major matrix-vector product over the transposed weights
  // (Eigen's gemv kernel; faster for one row than the row-major product with W_l).
  const double* wt = wt_.data();
  const index L = net_.n_layers();
  for (index l = 1; l <= L; ++l) {
    const auto sl = static_cast<std::size_t>(l);
    const index n_in = net_.sizes[sl - 1];
    const index n_out = net_.sizes[sl];
    double* z = out;
    Eigen::Map<vector> zv(z, n_out);
    zv.noalias() = Eigen::Map<const matrix>(wt, n_out, n_in) * Eigen::Map<const vector>(in, n_in);
    zv += net_.b(l);
    wt += n_in * n_out;
    if (l < L) {
      switch (net_.activation) {
        case mlp_activation::relu:
          for (index j = 0; j < n_out; ++j) z[j] = z[j] > 0.0 ? z[j] : 0.0;
          break;
        case mlp_activation::tanh:
          for (index j = 0; j < n_out; ++j) z[j] = std::tanh(z[j]);
          break;
        case mlp_activation::gelu:
          for (index j = 0; j < n_out; ++j) z[j] = detail::mlp_gelu(z[j]);
          break;
      }
    }
    std::swap(in, out);
  }
  decode(in, mean, sd);
  return std::isfinite(mean);
}

}  // namespace footprint
