/// @file models/neural/mlp_network.hpp
/// @brief `mlp_network`: the fully connected network under footprint's MLP models, as a
/// building block for learners with their own loss (the double DQN execution agent): a
/// forward pass, back-propagation of any loss given its gradient with respect to the outputs,
/// and Adam steps. Same network, initialisation, chunking and Adam rule as `mlp_regressor`
/// (models/detail/mlp_network.hpp); see docs/mlp.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/mlp_network.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// A fully connected network, layer sizes (n_in, hidden..., n_out), with `activation` after
/// every layer but the last (linear outputs). Inputs and outputs are column-major batches, one
/// column per observation: X (n_in, m) -> O (n_out, m).
///
/// Deterministic for any thread count: products run on chunks of at most
/// `detail::mlp_chunk_columns` observations, below Eigen's threshold for a multi-threaded
/// product, and gradients are summed over chunks in order. Not thread-safe: `evaluate` and
/// `gradient` use the network's own buffers (copy the network for another thread).
class mlp_network {
 public:
  /// An empty network (no layers); give it sizes with the other constructor or `set_parameters`.
  mlp_network() = default;

  /// @param layer_sizes (n_in, hidden..., n_out), at least two entries, each >= 1
  /// @param activation of the hidden layers
  /// @param seed of the initial weights (He normal for relu and gelu, Glorot uniform for
  ///        tanh, as `mlp_init::automatic`; zero biases)
  /// @throws invalid_argument for fewer than two sizes or a size < 1
  mlp_network(std::vector<index> layer_sizes, mlp_activation activation, std::uint64_t seed) {
    constexpr std::string_view where = "footprint::mlp_network";
    if (layer_sizes.size() < 2)
      throw invalid_argument(std::string(where) + ": layer_sizes needs the inputs and the outputs (got " +
                             std::to_string(layer_sizes.size()) + " sizes)");
    for (const index s : layer_sizes) detail::require_at_least(s, 1, where, "layer_sizes");
    if (!is_valid(activation)) throw invalid_argument(std::string(where) + ": unknown activation");
    net_.setup(std::move(layer_sizes), activation);
    detail::xoshiro256ss rng(seed);
    detail::mlp_initialize(net_, mlp_init::automatic, mlp_head::mse, rng);
    buf_.resize(net_);
    adam_.reset(net_.n_parameters());
  }

  [[nodiscard]] index n_inputs() const noexcept { return net_.sizes.empty() ? 0 : net_.n_inputs(); }
  [[nodiscard]] index n_outputs() const noexcept { return net_.sizes.empty() ? 0 : net_.n_outputs(); }
  /// Weights and biases: per layer its W (fan_in x fan_out, column-major) then its b.
  [[nodiscard]] index n_parameters() const noexcept { return net_.theta.size(); }
  [[nodiscard]] const std::vector<index>& layer_sizes() const noexcept { return net_.sizes; }
  [[nodiscard]] mlp_activation activation() const noexcept { return net_.activation; }
  [[nodiscard]] const vector& parameters() const noexcept { return net_.theta; }

  /// Replaces the parameters (a saved network, or a target network's copy); Adam's moments
  /// restart.
  /// @throws invalid_argument for a vector of the wrong size or a non-finite entry
  void set_parameters(const vector& theta) {
    constexpr std::string_view where = "footprint::mlp_network::set_parameters";
    if (theta.size() != net_.theta.size())
      throw invalid_argument(std::string(where) + ": expected " + std::to_string(net_.theta.size()) +
                             " parameters, got " + std::to_string(theta.size()));
    for (const double v : theta) detail::require_finite(v, where, "parameters");
    net_.theta = theta;
    adam_.reset(net_.n_parameters());
  }

  /// The outputs of the columns of X (n_in, m) into out (resized to (n_out, m)).
  /// @throws invalid_argument when X has not n_in rows
  template <class = void>
  void evaluate(const matrix& X, matrix& out) {
    check_rows(X, "evaluate");
    const index n = X.cols();
    out.resize(net_.n_outputs(), n);
    const auto L = static_cast<std::size_t>(net_.n_layers());
    for (index start = 0; start < n; start += buf_.chunk) {
      const index m = std::min(buf_.chunk, n - start);
      buf_.A[0].leftCols(m) = X.middleCols(start, m);
      detail::mlp_forward_chunk(net_, buf_, m);
      out.middleCols(start, m) = buf_.Z[L].leftCols(m);
    }
  }

  /// Back-propagates a loss over the columns of X (n_in, m): for each chunk of columns
  /// [first, first + c), `head(first, O, G)` receives the outputs O (n_out, c) and writes
  /// dLoss/dO into G (n_out, c); it returns the chunk's loss. The gradient dLoss/dtheta is
  /// written into `grad` (resized to n_parameters()); returns the summed loss.
  /// @throws invalid_argument when X has not n_in rows
  template <class Head>
  double gradient(const matrix& X, Head&& head, vector& grad) {
    check_rows(X, "gradient");
    grad.setZero(net_.n_parameters());
    const index n = X.cols();
    const auto L = static_cast<std::size_t>(net_.n_layers());
    double loss = 0.0;
    for (index start = 0; start < n; start += buf_.chunk) {
      const index m = std::min(buf_.chunk, n - start);
      buf_.A[0].leftCols(m) = X.middleCols(start, m);
      detail::mlp_forward_chunk(net_, buf_, m);
      auto G = buf_.G.topLeftCorner(net_.n_outputs(), m);
      loss += head(start, std::as_const(buf_.Z[L]).leftCols(m), G);
      detail::mlp_backward_chunk(net_, buf_, m, grad);
    }
    return loss;
  }

  /// One Adam step (Kingma and Ba 2015, algorithm 1; PyTorch's form) with gradient g.
  /// @param learning_rate > 0 (not checked: a hot loop)
  void adam_step(const vector& g, double learning_rate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) {
    adam_.step(mlp_optimizer::adam, net_.theta, g, learning_rate, beta1, beta2, eps, 0.0);
  }

 private:
  void check_rows(const matrix& X, const char* what) const {
    if (net_.sizes.empty() || X.rows() != net_.n_inputs())
      throw invalid_argument(std::string("footprint::mlp_network::") + what + ": X has " + std::to_string(X.rows()) +
                             " rows, the network " + std::to_string(n_inputs()) + " inputs");
  }

  detail::mlp_net net_;
  detail::mlp_chunk_buffers buf_;
  detail::mlp_optimizer_state adam_;
};

}  // namespace footprint
