/// @file models/neural/mlp_regressor.hpp
/// @brief `mlp_regressor`: a multilayer perceptron on Eigen, with a point (MSE) or a
/// heteroscedastic Gaussian (negative log-likelihood) head, mini-batch Adam or SGD with
/// momentum, L2 weight decay, a learning-rate schedule, early stopping on a validation split,
/// and input standardisation and target scaling stored with the model. Its fitted state is
/// the public aggregate `mlp_regressor_state`. See docs/mlp.md.
///
/// Includes Eigen/Core and Boost.Math's normal and Student-t distributions; training and
/// prediction are member templates (compiled only where they are used), defined in
/// mlp_regressor_state_impl.hpp and mlp_regressor_impl.hpp. Persistence is in
/// `footprint/io/mlp_json.hpp`.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/mlp_network.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Hyper-parameters of `mlp_regressor`, validated by its constructor. The defaults train a
/// (64, 32) ReLU network by Adam in a few seconds on 50,000 rows x 20 features.
struct mlp_regressor_params {
  std::vector<index> hidden_layers{64, 32};          ///< hidden layer widths, each >= 1; may be empty (a linear model)
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
  index patience = 10;             ///< stop after this many epochs without improvement, >= 0; 0 = never
  double tol = 1e-4;               ///< an improvement must beat the best loss by > tol (scaled units), >= 0
  bool restore_best = true;        ///< with validation: keep the weights of the best validation epoch
  bool standardize_inputs = true;  ///< centre and scale each feature (training-row mean and sd)
  bool scale_target = true;        ///< centre and scale y (training-row mean and sd)
  bool shuffle = true;             ///< reshuffle the training rows every epoch
  std::uint64_t seed = 0;          ///< seed of the split, initialisation and shuffles
  mlp_progress_callback progress;  ///< called after every epoch (may be empty)
};

/// One layer of a trained network: z = weights' a + bias, a the layer's input (the
/// standardised features, or the previous layer's activations).
struct mlp_layer_state {
  matrix weights;  ///< (fan_in, fan_out), finite
  vector bias;     ///< (fan_out), finite
};

/// The fitted state of an `mlp_regressor`: everything it predicts from (and everything
/// io/mlp_json.hpp saves). `mlp_regressor::from_state` validates it.
struct mlp_regressor_state {
  mlp_regressor_params
      params;            ///< hyper-parameters, as the constructor validates them (the progress callback is not state)
  index n_features = 0;  ///< columns of X, >= 1
  vector x_mean;         ///< (n_features) feature means used for standardisation, finite
  vector x_scale;  ///< (n_features) feature standard deviations, finite and > 0 (1 for constant or unscaled features)
  double y_mean = 0.0;       ///< target centre, units of y, finite
  double y_scale = 1.0;      ///< target scale, units of y, finite and > 0: y = y_mean + y_scale * output
  double residual_sd = nan;  ///< mse head: the predictive sd, units of y, finite and > 0; gaussian head: NaN
  index best_epoch = 0;      ///< the 1-based epoch whose weights these are, in [0, params.max_epochs]
  /// params.hidden_layers.size() + 1 layers, of shapes (n_features, h_1), (h_1, h_2), ...,
  /// (h_last, 1 for the mse head or 2 for the gaussian head: mean and softplus^-1 variance).
  std::vector<mlp_layer_state> layers;
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
  explicit mlp_regressor(mlp_regressor_params params) : params_(std::move(params)) { validate(params_, name, ""); }

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
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr, params_.progress, 0);
  }

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
    return predict_rows(X);
  }

  /// Predictive means into `out` (shape (n_samples)).
  /// @throws as predict(X); footprint::dimension_mismatch when out.size() != X.rows()
  template <class = void>
  void predict(matrix_cref X, vector_ref out) const {
    predict_rows(X, out);
  }

  /// Predictive means and standard deviations (units of y), shapes (n_samples).
  /// @throws as predict(X); footprint::dimension_mismatch when an output's size != X.rows()
  template <class = void>
  void predict_mean_sd(matrix_cref X, vector_ref mean, vector_ref sd) const {
    mean_sd_rows(X, mean, sd);
  }

  /// Predictive distributions, one normal per row (`location_scale_t`, df = +inf), with
  /// `mean(d)` equal to `predict(X)` and `standard_deviation(d)` the head's sd (gaussian) or
  /// `residual_sd()` (mse).
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(matrix_cref X) const {
    return distribution_rows(X);
  }

  /// As predict(X) on row-major data (e.g. a C-ordered numpy array), read in place: the same
  /// predictions, bit for bit. @throws as predict(X)
  template <class = void>
  [[nodiscard]] vector predict(row_major_view X) const {
    return predict_rows(X);
  }
  /// As predict(X, out) on row-major data, read in place. @throws as predict(X, out)
  template <class = void>
  void predict(row_major_view X, vector_ref out) const {
    predict_rows(X, out);
  }
  /// As predict_mean_sd(X, mean, sd) on row-major data, read in place.
  template <class = void>
  void predict_mean_sd(row_major_view X, vector_ref mean, vector_ref sd) const {
    mean_sd_rows(X, mean, sd);
  }
  /// As predict_distribution(X) on row-major data, read in place.
  template <class = void>
  [[nodiscard]] std::vector<location_scale_t> predict_distribution(row_major_view X) const {
    return distribution_rows(X);
  }

  /// A workspace sized for this network, for the single-row overloads. @throws not_fitted
  [[nodiscard]] mlp_workspace make_workspace() const {
    check_fitted("make_workspace");
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

  /// A fitted model from its state (e.g. one read from a file), validating every field:
  /// the parameters, the layers' shapes against them and n_features, finiteness, the
  /// scalings' signs, the residual sd against the head, best_epoch's range.
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::mlp_regressor::from_state: layers[1].bias must be finite; row 2 is nan`
  template <class = void>
  [[nodiscard]] static mlp_regressor from_state(mlp_regressor_state state) {
    check_state(state, "footprint::mlp_regressor::from_state", "");
    mlp_regressor m(state.params);
    m.load_state(std::move(state));
    return m;
  }

  /// The fitted state (a copy: the network's weights as one matrix per layer).
  /// @throws footprint::not_fitted before fit
  template <class = void>
  [[nodiscard]] mlp_regressor_state state() const;

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
  [[nodiscard]] const vector& x_scale() const {
    check_fitted("x_scale");
    return x_scale_;
  }
  /// Target centre and scale: y = y_mean + y_scale * (network output). @throws not_fitted
  [[nodiscard]] std::pair<double, double> y_scaling() const {
    check_fitted("y_scaling");
    return {y_mean_, y_scale_};
  }

 private:
  friend class deep_ensemble;

  static constexpr const char* name = "footprint::mlp_regressor";

  /// Takes a checked state (from_state): the network, scalings and residual sd.
  template <class = void>
  void load_state(mlp_regressor_state&& state);

  /// Checks every parameter; messages name `where` and prefix + the parameter.
  static void validate(const mlp_regressor_params& p, std::string_view where, std::string_view prefix);
  /// Checks every field of a state; messages name `where` and prefix + the field.
  template <class = void>
  static void check_state(const mlp_regressor_state& s, std::string_view where, std::string_view prefix);

  // Templates (never given an argument) so that training and prediction are compiled only in
  // translation units that fit or predict.
  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                      const mlp_progress_callback& progress, index member);
  template <class Matrix>
  void predict_impl(const char* fn, const Matrix& X, double* mean, double* sd) const;

  // The public predictions on either storage order (Matrix: matrix_cref or row_major_view).
  template <class Matrix>
  [[nodiscard]] vector predict_rows(const Matrix& X) const {
    vector out(X.rows());
    predict_impl("predict", X, out.data(), nullptr);
    return out;
  }
  template <class Matrix>
  void predict_rows(const Matrix& X, vector_ref out) const {
    check_out("predict", X.rows(), out.size());
    predict_impl("predict", X, out.data(), nullptr);
  }
  template <class Matrix>
  void mean_sd_rows(const Matrix& X, vector_ref mean, vector_ref sd) const {
    check_out("predict_mean_sd", X.rows(), mean.size());
    check_out("predict_mean_sd", X.rows(), sd.size());
    predict_impl("predict_mean_sd", X, mean.data(), sd.data());
  }
  template <class Matrix>
  [[nodiscard]] std::vector<location_scale_t> distribution_rows(const Matrix& X) const {
    vector mean(X.rows());
    vector sd(X.rows());
    predict_impl("predict_distribution", X, mean.data(), sd.data());
    std::vector<location_scale_t> out;
    out.reserve(static_cast<std::size_t>(X.rows()));
    for (index i = 0; i < X.rows(); ++i) out.emplace_back(std::numeric_limits<double>::infinity(), mean[i], sd[i]);
    return out;
  }

  /// What fit_impl prepares: the validation split, the scalings and the scaled data (one
  /// column per observation, training rows first).
  struct prepared;
  template <class = void>
  prepared prepare(const std::string& where, const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                   detail::xoshiro256ss& rng) const;
  /// The epochs: trains `net` on `d` and returns the report; the best epoch's weights are
  /// kept (restore_best) and `history` records every epoch.
  template <class = void>
  fit_report train(const std::string& where, const prepared& d, detail::mlp_net& net, detail::xoshiro256ss& rng,
                   const mlp_progress_callback& progress, index member, std::vector<mlp_progress>& history,
                   index& best_epoch) const;
  /// Loss of the scaled rows [first, first + count) with the network's weights.
  template <class = void>
  static double evaluate(const prepared& d, const detail::mlp_net& net, mlp_head head, detail::mlp_chunk_buffers& buf,
                         index first, index count);

  void check_fitted(const char* fn) const {
    if (!fitted_) throw not_fitted(detail::concat(name, "::", fn));
  }
  void check_out(const char* fn, index rows, index got) const {
    if (got != rows)
      throw dimension_mismatch(detail::concat(name, "::", fn), "out.size() must equal X.rows()", rows, got);
  }
  /// Mean and sd in original units from the network's output column `o`.
  void decode(const double* o, double& mean, double& sd) const noexcept {
    mean = y_mean_ + y_scale_ * o[0];
    sd = params_.head == mlp_head::gaussian
             ? y_scale_ * std::sqrt(detail::mlp_softplus(o[1]) + detail::mlp_min_variance)
             : residual_sd_;
  }
  /// Builds wt_ from net_ (after fit or load).
  template <class = void>
  void prepare_predict();

  mlp_regressor_params params_;
  bool fitted_ = false;
  detail::mlp_net net_;
  vector x_mean_;
  vector x_scale_;      ///< feature sds (1 for constant or unscaled features)
  vector x_inv_scale_;  ///< 1 / x_scale_, what the network's input is multiplied by
  double y_mean_ = 0.0;
  double y_scale_ = 1.0;
  double residual_sd_ = nan;
  index best_epoch_ = 0;
  std::vector<mlp_progress> history_;
  vector wt_;  ///< the layers' transposed weights W_l' (fan_out, fan_in), for predict_row
};

}  // namespace footprint

#include "footprint/models/neural/mlp_regressor_impl.hpp"
#include "footprint/models/neural/mlp_regressor_state_impl.hpp"
