/// @file models/detail/mlp_network.hpp
/// @brief Private machinery of the MLP models: a fully connected network stored as one flat
/// parameter vector, its forward pass, back-propagation of the two losses, and the
/// optimisers. Activations are feature-major: a mini-batch is (width, rows), one column per
/// observation.
///
/// Determinism for any thread count: Eigen splits a matrix product over OpenMP threads when
/// rows * cols * depth >= 2 x 50,000 (Eigen 3.4, Parallelizer.h), and the split changes its
/// depth blocking and hence the rounding. Every product here works on chunks of at most
/// `mlp_chunk_columns` observations, chosen so that each product stays below that size: Eigen
/// then always runs it on the calling thread, and results do not depend on the thread count.
/// Gradients of a mini-batch are summed over its chunks in a fixed order.
#pragma once

#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint::detail {

/// Floor of the Gaussian head's variance, in scaled target units squared.
inline constexpr double mlp_min_variance = 1e-6;

/// log(1 + exp(s)) without overflow.
[[nodiscard]] inline double mlp_softplus(double s) noexcept {
  return s > 0.0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
}
/// 1 / (1 + exp(-s)), the derivative of softplus.
[[nodiscard]] inline double mlp_sigmoid(double s) noexcept {
  if (s >= 0.0) return 1.0 / (1.0 + std::exp(-s));
  const double e = std::exp(s);
  return e / (1.0 + e);
}
/// GELU, z Phi(z) (exact form, as PyTorch's default).
[[nodiscard]] inline double mlp_gelu(double z) noexcept { return 0.5 * z * std::erfc(-z * std::numbers::sqrt2 / 2.0); }
/// d GELU / dz = Phi(z) + z phi(z).
[[nodiscard]] inline double mlp_gelu_grad(double z) noexcept {
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  return 0.5 * std::erfc(-z * std::numbers::sqrt2 / 2.0) + z * phi;
}

/// A fully connected network: sizes = (n_in, hidden..., n_out); layer l = 1..L maps
/// sizes[l-1] -> sizes[l] by z = W_l' a + b_l, W_l (sizes[l-1], sizes[l]) column-major,
/// with the activation after every layer but the last. All parameters live in `theta`:
/// for each layer its W (column-major) and then its b.
struct mlp_net {
  std::vector<index> sizes;
  mlp_activation activation = mlp_activation::relu;
  std::vector<index> offsets;  ///< start of W_l in theta, l = 1..L (offsets[l-1])
  vector theta;

  /// Sets the architecture and sizes theta (zeros).
  void setup(std::vector<index> layer_sizes, mlp_activation act) {
    sizes = std::move(layer_sizes);
    activation = act;
    offsets.clear();
    index total = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
      offsets.push_back(total);
      total += sizes[l - 1] * sizes[l] + sizes[l];
    }
    theta = vector::Zero(total);
  }

  [[nodiscard]] index n_layers() const noexcept { return static_cast<index>(sizes.size()) - 1; }
  [[nodiscard]] index n_inputs() const noexcept { return sizes.front(); }
  [[nodiscard]] index n_outputs() const noexcept { return sizes.back(); }
  [[nodiscard]] index max_width() const noexcept { return *std::max_element(sizes.begin(), sizes.end()); }
  [[nodiscard]] index n_parameters() const noexcept { return theta.size(); }

  /// W_l, l = 1..L, as a view into `base` (theta or a gradient of the same layout).
  template <class Ptr>
  [[nodiscard]] auto W(Ptr base, index l) const noexcept {
    using M = std::conditional_t<std::is_const_v<std::remove_pointer_t<Ptr>>, const matrix, matrix>;
    return Eigen::Map<M>(base + offsets[static_cast<std::size_t>(l - 1)], sizes[static_cast<std::size_t>(l - 1)],
                         sizes[static_cast<std::size_t>(l)]);
  }
  /// b_l, l = 1..L, as a view into `base`.
  template <class Ptr>
  [[nodiscard]] auto b(Ptr base, index l) const noexcept {
    using V = std::conditional_t<std::is_const_v<std::remove_pointer_t<Ptr>>, const vector, vector>;
    const auto sl = static_cast<std::size_t>(l);
    return Eigen::Map<V>(base + offsets[sl - 1] + sizes[sl - 1] * sizes[sl], sizes[sl]);
  }
  [[nodiscard]] auto W(index l) const noexcept { return W(theta.data(), l); }
  [[nodiscard]] auto b(index l) const noexcept { return b(theta.data(), l); }
};

/// Observations per chunk: the largest count c in [1, 256] with c * fan_in * fan_out below
/// Eigen's threshold for a multi-threaded product (100,000) for every layer.
[[nodiscard]] inline index mlp_chunk_columns(const std::vector<index>& sizes) noexcept {
  index max_product = 1;
  for (std::size_t l = 1; l < sizes.size(); ++l) max_product = std::max(max_product, sizes[l - 1] * sizes[l]);
  return std::clamp<index>(99'999 / max_product, 1, 256);
}

/// Buffers of one chunk: pre-activations Z_l and activations A_l, (width, chunk).
struct mlp_chunk_buffers {
  std::vector<matrix> Z;  ///< Z[l] for l = 1..L (Z[0] unused)
  std::vector<matrix> A;  ///< A[0] the input, A[l] for hidden l
  matrix G;               ///< dLoss/dZ of the current layer
  matrix dA;              ///< dLoss/dA of the layer below
  std::vector<double> y;  ///< targets of the chunk
  std::vector<double> w;  ///< weights of the chunk
  index chunk = 0;

  /// Sizes every buffer for `net` (a template, never given an argument, like the products).
  template <class = void>
  void resize(const mlp_net& net) {
    chunk = mlp_chunk_columns(net.sizes);
    const auto L = static_cast<std::size_t>(net.n_layers());
    Z.assign(L + 1, matrix());
    A.assign(L + 1, matrix());
    for (std::size_t l = 0; l <= L; ++l) {
      A[l].resize(net.sizes[l], chunk);
      if (l > 0) Z[l].resize(net.sizes[l], chunk);
    }
    G.resize(net.max_width(), chunk);
    dA.resize(net.max_width(), chunk);
    y.assign(static_cast<std::size_t>(chunk), 0.0);
    w.assign(static_cast<std::size_t>(chunk), 1.0);
  }
};

/// Forward pass of the first m columns of buf.A[0]; the output is buf.Z[L].leftCols(m).
// (A template, never given an argument, like mlp_batch_gradient: its matrix products are
// compiled only in translation units that predict or fit.)
template <class = void>
void mlp_forward_chunk(const mlp_net& net, mlp_chunk_buffers& buf, index m) {
  const index L = net.n_layers();
  for (index l = 1; l <= L; ++l) {
    const auto sl = static_cast<std::size_t>(l);
    auto Z = buf.Z[sl].leftCols(m);
    Z.noalias() = net.W(l).transpose() * buf.A[sl - 1].leftCols(m);
    Z.colwise() += net.b(l);
    if (l == L) break;
    auto A = buf.A[sl].leftCols(m);
    switch (net.activation) {
      case mlp_activation::relu: A = Z.cwiseMax(0.0); break;
      case mlp_activation::tanh: A = Z.array().tanh().matrix(); break;
      case mlp_activation::gelu: A = Z.unaryExpr([](double z) { return mlp_gelu(z); }); break;
    }
  }
}

/// Loss of each of the m outputs O (n_out, m) against targets y, and into G (n_out, m) the
/// gradient dLoss/dO times scale * w_i. Returns sum_i w_i loss_i (w_i = 1 without weights).
/// mse: loss = (o - y)^2. gaussian: var = softplus(s) + min_variance,
/// loss = 0.5 log(2 pi var) + 0.5 (y - mu)^2 / var.
template <class OutMat, class GMat>
double mlp_head_loss(mlp_head head, const OutMat& O, const double* y, const double* w, double scale, GMat&& G) {
  const index m = O.cols();
  double total = 0.0;
  for (index i = 0; i < m; ++i) {
    const double wi = w == nullptr ? 1.0 : w[i];
    if (head == mlp_head::mse) {
      const double r = O(0, i) - y[i];
      total += wi * r * r;
      G(0, i) = scale * wi * 2.0 * r;
    } else {
      const double mu = O(0, i);
      const double s = O(1, i);
      const double var = mlp_softplus(s) + mlp_min_variance;
      const double r = y[i] - mu;
      total += wi * 0.5 * (std::log(2.0 * std::numbers::pi * var) + r * r / var);
      G(0, i) = scale * wi * (-r / var);
      G(1, i) = scale * wi * 0.5 * (1.0 / var - r * r / (var * var)) * mlp_sigmoid(s);
    }
  }
  return total;
}

/// Back-propagation of one chunk after `mlp_forward_chunk`: with dLoss/dZ_L of the first m
/// columns in buf.G's top n_out rows, adds dLoss/dtheta into `grad` (theta's layout; not
/// cleared). buf.G and buf.dA are overwritten.
template <class = void>
void mlp_backward_chunk(const mlp_net& net, mlp_chunk_buffers& buf, index m, vector& grad) {
  const index L = net.n_layers();
  for (index l = L; l >= 1; --l) {
    const auto sl = static_cast<std::size_t>(l);
    const index out = net.sizes[sl];
    const index in = net.sizes[sl - 1];
    auto Gl = buf.G.topLeftCorner(out, m);
    net.W(grad.data(), l).noalias() += buf.A[sl - 1].leftCols(m) * Gl.transpose();
    net.b(grad.data(), l) += Gl.rowwise().sum();
    if (l == 1) break;
    auto dA = buf.dA.topLeftCorner(in, m);
    dA.noalias() = net.W(l) * Gl;
    auto Gnext = buf.G.topLeftCorner(in, m);
    const auto Z = buf.Z[sl - 1].leftCols(m);
    switch (net.activation) {
      case mlp_activation::relu: Gnext = (Z.array() > 0.0).select(dA, 0.0); break;
      case mlp_activation::tanh:
        Gnext = dA.cwiseProduct((1.0 - buf.A[sl - 1].leftCols(m).array().square()).matrix());
        break;
      case mlp_activation::gelu: Gnext = dA.cwiseProduct(Z.unaryExpr([](double z) { return mlp_gelu_grad(z); })); break;
    }
  }
}

/// Mini-batch objective and gradient:
///   J = (1/b) sum_{i in rows} w_i loss_i + (weight_decay / 2) sum_l |W_l|_F^2
/// (biases not decayed), b = rows.size(). `Xt` is (n_in, n_total), one column per
/// observation (already scaled); y and w (may be null) have n_total entries. Writes dJ/dtheta
/// into `grad` (resized to theta's size) and returns the data part (1/b) sum w_i loss_i.
template <class = void>
double mlp_batch_gradient(const mlp_net& net, mlp_head head, const matrix& Xt, const vector& y, const vector* w,
                          std::span<const index> rows, double weight_decay, vector& grad, mlp_chunk_buffers& buf) {
  const index L = net.n_layers();
  const index b = static_cast<index>(rows.size());
  const double scale = 1.0 / static_cast<double>(b);
  grad.setZero(net.n_parameters());
  std::vector<double>& yc = buf.y;
  std::vector<double>& wc = buf.w;
  double total = 0.0;
  for (index start = 0; start < b; start += buf.chunk) {
    const index m = std::min(buf.chunk, b - start);
    for (index i = 0; i < m; ++i) {
      const index r = rows[static_cast<std::size_t>(start + i)];
      buf.A[0].col(i) = Xt.col(r);
      yc[static_cast<std::size_t>(i)] = y[r];
      wc[static_cast<std::size_t>(i)] = w == nullptr ? 1.0 : (*w)[r];
    }
    mlp_forward_chunk(net, buf, m);
    const index n_out = net.n_outputs();
    auto G = buf.G.topLeftCorner(n_out, m);
    total += mlp_head_loss(head, buf.Z[static_cast<std::size_t>(L)].leftCols(m), yc.data(),
                           w == nullptr ? nullptr : wc.data(), scale, G);
    mlp_backward_chunk(net, buf, m, grad);
  }
  if (weight_decay > 0.0) {
    for (index l = 1; l <= L; ++l) net.W(grad.data(), l) += weight_decay * net.W(l);
  }
  return total * scale;
}

/// Initial weights: He normal or Glorot uniform per layer, zero biases; for the Gaussian
/// head the variance output's bias starts at softplus^-1(1) so that var(x) = 1 initially.
template <class Rng>
void mlp_initialize(mlp_net& net, mlp_init init, mlp_head head, Rng& rng) {
  net.theta.setZero();
  const mlp_init kind = init != mlp_init::automatic              ? init
                        : net.activation == mlp_activation::tanh ? mlp_init::glorot
                                                                 : mlp_init::he;
  for (index l = 1; l <= net.n_layers(); ++l) {
    auto W = net.W(net.theta.data(), l);
    const auto fan_in = static_cast<double>(W.rows());
    const auto fan_out = static_cast<double>(W.cols());
    for (index j = 0; j < W.cols(); ++j) {
      for (index i = 0; i < W.rows(); ++i) {
        W(i, j) = kind == mlp_init::he ? rng.normal() * std::sqrt(2.0 / fan_in)
                                       : (2.0 * rng.uniform() - 1.0) * std::sqrt(6.0 / (fan_in + fan_out));
      }
    }
  }
  if (head == mlp_head::gaussian) net.b(net.theta.data(), net.n_layers())[1] = std::log(std::expm1(1.0));
}

/// Optimiser state and step (PyTorch's Adam and SGD-with-momentum update rules).
struct mlp_optimizer_state {
  vector m;  ///< Adam first moment / SGD velocity
  vector v;  ///< Adam second moment
  index t = 0;

  void reset(index n) {
    m.setZero(n);
    v.setZero(n);
    t = 0;
  }

  /// One step on theta with gradient g. (A template, never given an argument: its array
  /// expressions are compiled only where a network is trained.)
  template <class = void>
  void step(mlp_optimizer kind, vector& theta, const vector& g, double lr, double beta1, double beta2, double eps,
            double momentum) {
    ++t;
    if (kind == mlp_optimizer::adam) {
      m = beta1 * m + (1.0 - beta1) * g;
      v = beta2 * v + (1.0 - beta2) * g.cwiseAbs2();
      const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(t));
      const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(t));
      const double step_size = lr / bc1;
      const double inv_sqrt_bc2 = 1.0 / std::sqrt(bc2);
      theta.array() -= step_size * m.array() / (v.array().sqrt() * inv_sqrt_bc2 + eps);
    } else {
      m = momentum * m + g;
      theta -= lr * m;
    }
  }
};

}  // namespace footprint::detail
