/// @file models/neural/mlp_regressor_state_impl.hpp
/// @brief Definitions of `mlp_regressor` (included at the end of mlp_regressor.hpp):
/// parameter and state validation, the state's save and load, and the prediction buffers.
/// Training and prediction: mlp_regressor_impl.hpp.
#pragma once

#include "footprint/models/neural/mlp_regressor.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

// ---------------------------------------------------------------------------------------
// Validation and state
// ---------------------------------------------------------------------------------------

inline void mlp_regressor::validate(const mlp_regressor_params& p, std::string_view where, std::string_view prefix) {
  const auto fail = [&](auto&&... parts) { throw invalid_argument(detail::concat(where, ": ", prefix, parts...)); };
  for (std::size_t l = 0; l < p.hidden_layers.size(); ++l) {
    if (p.hidden_layers[l] < 1) fail("hidden_layers[", l, "] must be >= 1 (got ", p.hidden_layers[l], ")");
  }
  if (!is_valid(p.activation)) fail("activation must be relu, tanh or gelu (got ", static_cast<int>(p.activation), ")");
  if (!is_valid(p.init)) fail("init must be automatic, he or glorot (got ", static_cast<int>(p.init), ")");
  if (!is_valid(p.head)) fail("head must be mse or gaussian (got ", static_cast<int>(p.head), ")");
  if (!is_valid(p.optimizer)) fail("optimizer must be adam or sgd (got ", static_cast<int>(p.optimizer), ")");
  if (!is_valid(p.schedule))
    fail("schedule must be constant, exponential or cosine (got ", static_cast<int>(p.schedule), ")");
  if (!(p.learning_rate > 0.0) || !std::isfinite(p.learning_rate))
    fail("learning_rate must be > 0 (got ", p.learning_rate, ")");
  if (!(p.beta1 >= 0.0 && p.beta1 < 1.0)) fail("beta1 must be in [0, 1) (got ", p.beta1, ")");
  if (!(p.beta2 >= 0.0 && p.beta2 < 1.0)) fail("beta2 must be in [0, 1) (got ", p.beta2, ")");
  if (!(p.epsilon > 0.0) || !std::isfinite(p.epsilon)) fail("epsilon must be > 0 (got ", p.epsilon, ")");
  if (!(p.momentum >= 0.0 && p.momentum < 1.0)) fail("momentum must be in [0, 1) (got ", p.momentum, ")");
  if (!(p.weight_decay >= 0.0) || !std::isfinite(p.weight_decay))
    fail("weight_decay must be finite and >= 0 (got ", p.weight_decay, ")");
  if (!(p.lr_decay > 0.0 && p.lr_decay <= 1.0)) fail("lr_decay must be in (0, 1] (got ", p.lr_decay, ")");
  if (!(p.lr_min_factor >= 0.0 && p.lr_min_factor <= 1.0))
    fail("lr_min_factor must be in [0, 1] (got ", p.lr_min_factor, ")");
  if (p.batch_size < 1) fail("batch_size must be >= 1 (got ", p.batch_size, ")");
  if (p.max_epochs < 1) fail("max_epochs must be >= 1 (got ", p.max_epochs, ")");
  if (!(p.validation_fraction >= 0.0 && p.validation_fraction < 1.0)) {
    fail("validation_fraction must be in [0, 1) (got ", p.validation_fraction, ")");
  }
  if (p.patience < 0) fail("patience must be >= 0 (got ", p.patience, ")");
  if (!(p.tol >= 0.0) || !std::isfinite(p.tol)) fail("tol must be finite and >= 0 (got ", p.tol, ")");
}

template <class>
void mlp_regressor::check_state(const mlp_regressor_state& s, std::string_view where, std::string_view prefix) {
  validate(s.params, where, detail::concat(prefix, "params."));
  const auto field = [&](auto&&... parts) { return detail::concat(prefix, parts...); };
  const auto fail = [&](const std::string& f, const std::string& what) {
    throw invalid_argument(detail::concat(where, ": ", f, " ", what));
  };
  if (s.n_features < 1) fail(field("n_features"), detail::concat("must be >= 1 (got ", s.n_features, ")"));
  std::vector<index> sizes{s.n_features};
  sizes.insert(sizes.end(), s.params.hidden_layers.begin(), s.params.hidden_layers.end());
  sizes.push_back(s.params.head == mlp_head::gaussian ? 2 : 1);
  if (s.layers.size() + 1 != sizes.size()) {
    fail(field("layers"),
         detail::concat("must have ", sizes.size() - 1, " entries for params.hidden_layers and params.head (got ",
                        s.layers.size(), ")"));
  }
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const mlp_layer_state& layer = s.layers[l];
    if (layer.weights.rows() != sizes[l] || layer.weights.cols() != sizes[l + 1]) {
      fail(field("layers[", l, "].weights"),
           detail::concat("must have shape (", sizes[l], ", ", sizes[l + 1], ") (got (", layer.weights.rows(), ", ",
                          layer.weights.cols(), "))"));
    }
    if (layer.bias.size() != sizes[l + 1]) {
      fail(field("layers[", l, "].bias"),
           detail::concat("must have ", sizes[l + 1], " entries (got ", layer.bias.size(), ")"));
    }
    detail::require_finite(matrix_cref(layer.weights), where, field("layers[", l, "].weights"));
    detail::require_finite(vector_cref(layer.bias), where, field("layers[", l, "].bias"));
  }
  for (const auto* v : {&s.x_mean, &s.x_scale}) {
    const char* vector_name = v == &s.x_mean ? "x_mean" : "x_scale";
    if (v->size() != s.n_features) {
      fail(field(vector_name),
           detail::concat("must have n_features = ", s.n_features, " entries (got ", v->size(), ")"));
    }
  }
  detail::require_finite(vector_cref(s.x_mean), where, field("x_mean"));
  for (index j = 0; j < s.n_features; ++j) detail::require_positive(s.x_scale[j], where, field("x_scale[", j, "]"));
  detail::require_finite(s.y_mean, where, field("y_mean"));
  detail::require_positive(s.y_scale, where, field("y_scale"));
  if (s.params.head == mlp_head::mse) {
    detail::require_positive(s.residual_sd, where, field("residual_sd"));
  } else if (!std::isnan(s.residual_sd)) {
    fail(field("residual_sd"), detail::concat("must be NaN (null) for the gaussian head (got ", s.residual_sd, ")"));
  }
  if (s.best_epoch < 0 || s.best_epoch > s.params.max_epochs) {
    fail(field("best_epoch"),
         detail::concat("must be in [0, params.max_epochs = ", s.params.max_epochs, "] (got ", s.best_epoch, ")"));
  }
}

template <class>
void mlp_regressor::load_state(mlp_regressor_state&& s) {
  std::vector<index> sizes{s.n_features};
  sizes.insert(sizes.end(), params_.hidden_layers.begin(), params_.hidden_layers.end());
  sizes.push_back(params_.head == mlp_head::gaussian ? 2 : 1);
  detail::mlp_net net;
  net.setup(std::move(sizes), params_.activation);
  for (index l = 1; l <= net.n_layers(); ++l) {
    net.W(net.theta.data(), l) = s.layers[static_cast<std::size_t>(l - 1)].weights;
    net.b(net.theta.data(), l) = s.layers[static_cast<std::size_t>(l - 1)].bias;
  }
  net_ = std::move(net);
  x_mean_ = std::move(s.x_mean);
  x_scale_ = std::move(s.x_scale);
  x_inv_scale_ = x_scale_.cwiseInverse();
  y_mean_ = s.y_mean;
  y_scale_ = s.y_scale;
  residual_sd_ = s.residual_sd;
  best_epoch_ = s.best_epoch;
  history_.clear();
  prepare_predict();
  fitted_ = true;
}

template <class>
mlp_regressor_state mlp_regressor::state() const {
  check_fitted("state");
  mlp_regressor_state s;
  s.params = params_;
  s.params.progress = nullptr;
  s.n_features = net_.n_inputs();
  s.x_mean = x_mean_;
  s.x_scale = x_scale_;
  s.y_mean = y_mean_;
  s.y_scale = y_scale_;
  s.residual_sd = residual_sd_;
  s.best_epoch = best_epoch_;
  for (index l = 1; l <= net_.n_layers(); ++l)
    s.layers.push_back(mlp_layer_state{matrix(net_.W(l)), vector(net_.b(l))});
  return s;
}

template <class>
void mlp_regressor::prepare_predict() {
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

}  // namespace footprint
