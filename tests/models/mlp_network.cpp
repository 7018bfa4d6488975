// mlp_network (models/neural/mlp_network.hpp), the network under the MLP models as a building
// block for learners with their own loss: back-propagation of a loss that touches one output
// per column (the double DQN's) against central finite differences, across chunks; evaluate
// against a hand-written forward pass; Adam's first step; errors.
#include "footprint/models/neural/mlp_network.hpp"

#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_network {

namespace fp = footprint;

// Inputs (3, n) and, per column, the output it is trained on and a target.
struct batch {
  fp::matrix X;
  std::vector<fp::index> output;
  std::vector<double> target;
};

batch make_batch(fp::index n, fp::index n_out) {
  fp::detail::xoshiro256ss rng(11);
  batch b{fp::matrix(3, n), {}, {}};
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < 3; ++j) b.X(j, i) = rng.normal();
    b.output.push_back(fp::index(rng.below(std::uint64_t(n_out))));
    b.target.push_back(rng.normal());
  }
  return b;
}

// sum_i (O(a_i, i) - y_i)^2 over the columns, and its gradient into G.
auto one_output_loss(const batch& b) {
  return [&b](fp::index first, const auto& O, auto& G) {
    G.setZero();
    double loss = 0.0;
    for (fp::index j = 0; j < O.cols(); ++j) {
      const auto i = static_cast<std::size_t>(first + j);
      const double r = O(b.output[i], j) - b.target[i];
      G(b.output[i], j) = 2.0 * r;
      loss += r * r;
    }
    return loss;
  };
}

TEST_CASE("mlp_network: back-propagation of a one-output-per-column loss matches finite differences") {
  for (const fp::mlp_activation act : {fp::mlp_activation::tanh, fp::mlp_activation::gelu}) {
    CAPTURE(fp::to_string(act));
    // 40 x 40 hidden units: 62 columns per chunk, so 150 columns span three chunks.
    fp::mlp_network net({3, 40, 40, 5}, act, 3);
    const batch b = make_batch(150, 5);
    fp::vector grad;
    const double loss = net.gradient(b.X, one_output_loss(b), grad);
    REQUIRE(grad.size() == net.n_parameters());
    CHECK(net.n_parameters() == 3 * 40 + 40 + 40 * 40 + 40 + 40 * 5 + 5);
    fp::matrix O;
    net.evaluate(b.X, O);
    double direct = 0.0;
    for (fp::index i = 0; i < 150; ++i) {
      const double r = O(b.output[std::size_t(i)], i) - b.target[std::size_t(i)];
      direct += r * r;
    }
    CHECK(loss == doctest::Approx(direct).epsilon(1e-12));
    const fp::vector theta = net.parameters();
    const double h = 1e-6;
    double worst = 0.0;
    for (fp::index k = 0; k < theta.size(); k += 17) {
      fp::vector t = theta;
      fp::vector g;
      t[k] += h;
      net.set_parameters(t);
      const double up = net.gradient(b.X, one_output_loss(b), g);
      t[k] -= 2.0 * h;
      net.set_parameters(t);
      const double down = net.gradient(b.X, one_output_loss(b), g);
      const double numeric = (up - down) / (2.0 * h);
      worst = std::max(worst, std::abs(numeric - grad[k]) / std::max(1.0, std::abs(numeric)));
    }
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("mlp_network: evaluate is the layers' affine maps and activations") {
  fp::mlp_network net({3, 4, 2}, fp::mlp_activation::relu, 8);
  const fp::vector& t = net.parameters();
  // Layout: W1 (3 x 4, column-major), b1 (4), W2 (4 x 2), b2 (2).
  const Eigen::Map<const fp::matrix> W1(t.data(), 3, 4), W2(t.data() + 16, 4, 2);
  const Eigen::Map<const fp::vector> b1(t.data() + 12, 4), b2(t.data() + 24, 2);
  const batch b = make_batch(7, 2);
  fp::matrix O;
  net.evaluate(b.X, O);
  REQUIRE(O.rows() == 2);
  REQUIRE(O.cols() == 7);
  for (fp::index i = 0; i < 7; ++i) {
    const fp::vector h = (W1.transpose() * b.X.col(i) + b1).cwiseMax(0.0);
    const fp::vector o = W2.transpose() * h + b2;
    CHECK(O(0, i) == doctest::Approx(o[0]).epsilon(1e-14));
    CHECK(O(1, i) == doctest::Approx(o[1]).epsilon(1e-14));
  }
}

TEST_CASE("mlp_network: Adam's first step moves every parameter with a gradient by the learning rate") {
  // With bias correction, m_1 / sqrt(v_1) = g / |g|: the first step is lr sign(g).
  fp::mlp_network net({3, 6, 2}, fp::mlp_activation::tanh, 2);
  const batch b = make_batch(20, 2);
  fp::vector grad;
  (void)net.gradient(b.X, one_output_loss(b), grad);
  const fp::vector before = net.parameters();
  net.adam_step(grad, 0.01);
  for (fp::index k = 0; k < grad.size(); ++k) {
    const double expected = std::abs(grad[k]) > 1e-6 ? -0.01 * (grad[k] > 0 ? 1.0 : -1.0) : 0.0;
    if (std::abs(grad[k]) > 1e-6) CHECK(net.parameters()[k] - before[k] == doctest::Approx(expected).epsilon(1e-6));
  }
}

TEST_CASE("mlp_network: wrong shapes and bad parameters throw") {
  CHECK_THROWS_AS(fp::mlp_network({3}, fp::mlp_activation::relu, 0), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_network({3, 0, 1}, fp::mlp_activation::relu, 0), fp::invalid_argument);
  fp::mlp_network net({3, 4, 2}, fp::mlp_activation::relu, 0);
  fp::matrix O;
  CHECK_THROWS_AS(net.evaluate(fp::matrix(2, 5), O), fp::invalid_argument);
  CHECK_THROWS_AS(net.set_parameters(fp::vector::Zero(5)), fp::invalid_argument);
  fp::vector t = net.parameters();
  t[0] = std::nan("");
  CHECK_THROWS_AS(net.set_parameters(t), fp::invalid_argument);
  fp::mlp_network empty;
  CHECK(empty.n_inputs() == 0);
  CHECK_THROWS_AS(empty.evaluate(fp::matrix(3, 1), O), fp::invalid_argument);
}

}  // namespace unity_mlp_network
