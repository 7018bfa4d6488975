/// @file models/neural/mlp_regressor_impl.hpp
/// @brief Definitions of `mlp_regressor` (included at the end of mlp_regressor.hpp):
/// training (the data's preparation, then the epochs) and prediction. Validation and
/// state: mlp_regressor_state_impl.hpp.
#pragma once

#include "footprint/models/neural/mlp_regressor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

// ---------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------

struct mlp_regressor::prepared {
  index n_tr = 0;      ///< training rows (the first n_tr columns of Xt)
  index n_val = 0;     ///< validation rows (the last n_val columns)
  vector x_mean;       ///< (n_features)
  vector x_scale;      ///< (n_features) sds, 1 for constant or unscaled features
  vector x_inv_scale;  ///< 1 / x_scale
  double y_mean = 0.0;
  double y_scale = 1.0;
  matrix Xt;  ///< (n_features, n_samples) scaled observations, training rows first
  vector ys;  ///< (n_samples) scaled targets, same order
  vector ws;  ///< (n_samples) weights (mean 1 over the training rows); empty without weights
  bool weighted = false;
};

template <class>
mlp_regressor::prepared mlp_regressor::prepare(const std::string& where, const matrix_cref& X, const vector_cref& y,
                                               const vector_cref* w, detail::xoshiro256ss& rng) const {
  const mlp_regressor_params& p = params_;
  const index n = X.rows();
  const index d = X.cols();
  prepared out;
  // ---- split: a seeded random share of the rows for validation
  if (p.validation_fraction > 0.0) {
    if (n < 2)
      throw invalid_argument(detail::concat(where, ": validation_fraction > 0 needs at least 2 rows (got ", n, ")"));
    out.n_val =
        std::clamp<index>(static_cast<index>(std::llround(p.validation_fraction * static_cast<double>(n))), 1, n - 1);
  }
  std::vector<index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), index{0});
  if (out.n_val > 0) {
    rng.shuffle(std::span<index>(rows));
    std::sort(rows.begin(), rows.begin() + out.n_val);
    std::sort(rows.begin() + out.n_val, rows.end());
  }
  out.n_tr = n - out.n_val;
  const std::span<const index> train_rows(rows.data() + out.n_val, static_cast<std::size_t>(out.n_tr));
  // ---- scaling from the training rows (weighted means and sds with sample weights)
  const auto weight = [&](index r) { return w == nullptr ? 1.0 : (*w)[r]; };
  double wsum_tr = 0.0;
  for (const index r : train_rows) wsum_tr += weight(r);
  if (!(wsum_tr > 0.0)) {
    throw invalid_argument(
        detail::concat(where, ": sample_weight must have a positive sum on the training rows (got ", wsum_tr, ")"));
  }
  out.x_mean = vector::Zero(d);
  out.x_scale = vector::Ones(d);
  if (p.standardize_inputs) {
    for (const index r : train_rows) out.x_mean += weight(r) * X.row(r).transpose();
    out.x_mean /= wsum_tr;
    vector ss = vector::Zero(d);
    for (const index r : train_rows) ss += weight(r) * (X.row(r).transpose() - out.x_mean).cwiseAbs2();
    for (index j = 0; j < d; ++j) {
      const double sd = std::sqrt(ss[j] / wsum_tr);
      out.x_scale[j] = sd > 0.0 && std::isfinite(sd) ? sd : 1.0;
    }
  }
  out.x_inv_scale = out.x_scale.cwiseInverse();
  if (p.scale_target) {
    for (const index r : train_rows) out.y_mean += weight(r) * y[r];
    out.y_mean /= wsum_tr;
    double ss = 0.0;
    for (const index r : train_rows) ss += weight(r) * (y[r] - out.y_mean) * (y[r] - out.y_mean);
    const double sd = std::sqrt(ss / wsum_tr);
    out.y_scale = sd > 0.0 && std::isfinite(sd) ? sd : 1.0;
  }
  // ---- scaled copies, one column per observation: training rows first, then validation rows
  out.Xt.resize(d, n);
  out.ys.resize(n);
  out.weighted = w != nullptr;
  if (out.weighted) out.ws.resize(n);
  for (index k = 0; k < n; ++k) {
    const index r =
        k < out.n_tr ? rows[static_cast<std::size_t>(out.n_val + k)] : rows[static_cast<std::size_t>(k - out.n_tr)];
    out.Xt.col(k) = (X.row(r).transpose() - out.x_mean).cwiseProduct(out.x_inv_scale);
    out.ys[k] = (y[r] - out.y_mean) / out.y_scale;
    if (out.weighted) out.ws[k] = (*w)[r] * (static_cast<double>(out.n_tr) / wsum_tr);  // mean 1 over the training rows
  }
  return out;
}

template <class>
double mlp_regressor::evaluate(const prepared& d, const detail::mlp_net& net, mlp_head head,
                               detail::mlp_chunk_buffers& buf, index first, index count) {
  // sum w_i l_i / sum w_i over the rows
  double total = 0.0;
  double wsum = 0.0;
  const index L = net.n_layers();
  for (index start = 0; start < count; start += buf.chunk) {
    const index m = std::min(buf.chunk, count - start);
    buf.A[0].leftCols(m) = d.Xt.middleCols(first + start, m);
    detail::mlp_forward_chunk(net, buf, m);
    const double* wp = d.weighted ? d.ws.data() + first + start : nullptr;
    total += detail::mlp_head_loss(head, buf.Z[static_cast<std::size_t>(L)].leftCols(m), d.ys.data() + first + start,
                                   wp, 0.0, buf.G.topLeftCorner(net.n_outputs(), m));
    wsum += wp == nullptr ? static_cast<double>(m) : std::accumulate(wp, wp + m, 0.0);
  }
  return wsum > 0.0 ? total / wsum : nan;
}

template <class>
fit_report mlp_regressor::train(const std::string& where, const prepared& d, detail::mlp_net& net,
                                detail::xoshiro256ss& rng, const mlp_progress_callback& progress, index member,
                                std::vector<mlp_progress>& history, index& best_epoch) const {
  const mlp_regressor_params& p = params_;
  detail::mlp_chunk_buffers buf;
  buf.resize(net);
  detail::mlp_optimizer_state opt;
  opt.reset(net.n_parameters());
  vector grad(net.n_parameters());
  std::vector<index> order(static_cast<std::size_t>(d.n_tr));
  std::iota(order.begin(), order.end(), index{0});
  const bool has_val = d.n_val > 0;
  double best = std::numeric_limits<double>::infinity();
  vector best_theta = net.theta;
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
      lr *= p.lr_min_factor +
            (1.0 - p.lr_min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * e / static_cast<double>(p.max_epochs)));
    }
    if (p.shuffle) rng.shuffle(std::span<index>(order));
    double epoch_total = 0.0;
    for (index start = 0; start < d.n_tr; start += p.batch_size) {
      const index b = std::min(p.batch_size, d.n_tr - start);
      const std::span<const index> batch(order.data() + start, static_cast<std::size_t>(b));
      epoch_total +=
          static_cast<double>(b) * detail::mlp_batch_gradient(net, p.head, d.Xt, d.ys, d.weighted ? &d.ws : nullptr,
                                                              batch, p.weight_decay, grad, buf);
      opt.step(p.optimizer, net.theta, grad, lr, p.beta1, p.beta2, p.epsilon, p.momentum);
    }
    ++epoch;
    train_loss = epoch_total / static_cast<double>(d.n_tr);
    const double val_loss = has_val ? evaluate(d, net, p.head, buf, d.n_tr, d.n_val) : nan;
    const mlp_progress info{.member = member,
                            .epoch = epoch,
                            .max_epochs = p.max_epochs,
                            .train_loss = train_loss,
                            .validation_loss = val_loss,
                            .learning_rate = lr};
    history.push_back(info);
    if (progress) progress(info);
    const double metric = has_val ? val_loss : train_loss;
    if (!std::isfinite(train_loss) || !std::isfinite(metric) || !net.theta.allFinite()) {
      throw convergence_error(
          where, fit_report{.status = fit_status::diverged,
                            .iterations = epoch,
                            .final_loss = train_loss,
                            .message = detail::concat("non-finite loss at epoch ", epoch, "; lower learning_rate (",
                                                      p.learning_rate, ")")});
    }
    no_improvement = metric < best - p.tol ? 0 : no_improvement + 1;
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
  return fit_report{
      .status = status,
      .iterations = epoch,
      .final_loss = train_loss,
      .message = detail::concat("best epoch ", best_epoch, has_val ? ", validation loss " : ", training loss ", best)};
}

template <class>
fit_report mlp_regressor::fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w,
                                   const mlp_progress_callback& progress, index member) {
  const std::string where = detail::concat(name, "::fit");
  detail::check_X_y(where, X, y, w);
  const mlp_regressor_params& p = params_;
  detail::xoshiro256ss rng(p.seed);
  const prepared d = prepare(where, X, y, w, rng);
  std::vector<index> sizes{X.cols()};
  sizes.insert(sizes.end(), p.hidden_layers.begin(), p.hidden_layers.end());
  sizes.push_back(p.head == mlp_head::gaussian ? 2 : 1);
  detail::mlp_net net;
  net.setup(std::move(sizes), p.activation);
  detail::mlp_initialize(net, p.init, p.head, rng);
  std::vector<mlp_progress> history;
  history.reserve(static_cast<std::size_t>(std::min<index>(p.max_epochs, 100'000)));
  index best_epoch = 0;
  const fit_report report = train(where, d, net, rng, progress, member, history, best_epoch);
  // ---- residual sd (mse head): RMS residual on the validation rows, else training rows
  double residual_sd = nan;
  if (p.head == mlp_head::mse) {
    detail::mlp_chunk_buffers buf;
    buf.resize(net);
    const bool has_val = d.n_val > 0;
    const double mse_scaled = evaluate(d, net, p.head, buf, has_val ? d.n_tr : 0, has_val ? d.n_val : d.n_tr);
    residual_sd = std::max(d.y_scale * std::sqrt(mse_scaled), 1e-12 * d.y_scale);
  }
  // ---- commit
  net_ = std::move(net);
  x_mean_ = d.x_mean;
  x_scale_ = d.x_scale;
  x_inv_scale_ = d.x_inv_scale;
  y_mean_ = d.y_mean;
  y_scale_ = d.y_scale;
  residual_sd_ = residual_sd;
  best_epoch_ = best_epoch;
  history_ = std::move(history);
  prepare_predict();
  fitted_ = true;
  return report;
}

// ---------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------

template <class Matrix>
void mlp_regressor::predict_impl(const char* fn, const Matrix& X, double* mean, double* sd) const {
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
