// Back-propagation against central finite differences, for every layer's weights and
// biases, each activation, both losses (MSE and Gaussian NLL), sample weights and weight decay.
#include "footprint/detail/random.hpp"
#include "footprint/models/detail/mlp_network.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_gradient_check {

namespace fp = footprint;
namespace fd = footprint::detail;

namespace {

struct check_result {
  double max_rel_err = 0.0;
  fp::index checked = 0;
};

/// Compares the analytic gradient of J(theta) with (J(theta + h e_i) - J(theta - h e_i)) / 2h.
check_result gradient_check(fp::mlp_activation act, fp::mlp_head head, bool weighted, double weight_decay,
                            std::vector<fp::index> sizes, fp::index n_rows, fp::index stride = 1) {
  fd::xoshiro256ss rng(7);
  fd::mlp_net net;
  net.setup(std::move(sizes), act);
  fd::mlp_initialize(net, fp::mlp_init::automatic, head, rng);
  // Perturb the biases too, so that no unit sits at a ReLU kink by construction.
  for (fp::index i = 0; i < net.theta.size(); ++i) net.theta[i] += 0.1 * rng.normal();
  const fp::index d = net.n_inputs();
  fp::matrix Xt(d, n_rows);
  fp::vector y(n_rows);
  fp::vector w(n_rows);
  for (fp::index i = 0; i < n_rows; ++i) {
    for (fp::index j = 0; j < d; ++j) Xt(j, i) = rng.normal();
    y[i] = rng.normal();
    w[i] = 0.5 + rng.uniform();
  }
  std::vector<fp::index> rows(static_cast<std::size_t>(n_rows));
  std::iota(rows.begin(), rows.end(), fp::index{0});
  fd::mlp_chunk_buffers buf;
  buf.resize(net);
  fp::vector grad;
  const fp::vector* wp = weighted ? &w : nullptr;
  // J including the weight-decay term (mlp_batch_gradient returns only the data part).
  const auto objective = [&](fd::mlp_net& nt) {
    fp::vector g;
    double J = fd::mlp_batch_gradient(nt, head, Xt, y, wp, rows, weight_decay, g, buf);
    for (fp::index l = 1; l <= nt.n_layers(); ++l) J += 0.5 * weight_decay * nt.W(l).squaredNorm();
    return J;
  };
  (void)fd::mlp_batch_gradient(net, head, Xt, y, wp, rows, weight_decay, grad, buf);
  check_result r;
  const double h = 1e-6;
  for (fp::index i = 0; i < net.theta.size(); ++i) {
    if (i % stride != 0 && i < net.theta.size() - 64) continue;  // a sample of the big layers, all of the last
    const double t0 = net.theta[i];
    net.theta[i] = t0 + h;
    const double jp = objective(net);
    net.theta[i] = t0 - h;
    const double jm = objective(net);
    net.theta[i] = t0;
    const double numeric = (jp - jm) / (2.0 * h);
    const double err = std::abs(numeric - grad[i]) / std::max(1e-3, std::abs(numeric) + std::abs(grad[i]));
    r.max_rel_err = std::max(r.max_rel_err, err);
    ++r.checked;
  }
  return r;
}

}  // namespace

TEST_CASE("mlp gradient check: every layer, activation and loss against finite differences") {
  for (const auto act : {fp::mlp_activation::relu, fp::mlp_activation::tanh, fp::mlp_activation::gelu}) {
    for (const auto head : {fp::mlp_head::mse, fp::mlp_head::gaussian}) {
      CAPTURE(fp::to_string(act));
      CAPTURE(fp::to_string(head));
      // three hidden layers of different widths
      const check_result r =
          gradient_check(act, head, false, 0.0, {4, 7, 5, 3, head == fp::mlp_head::gaussian ? 2 : 1}, 37);
      CHECK(r.checked > 90);
      CHECK(r.max_rel_err < 1e-5);
    }
  }
}

TEST_CASE("mlp gradient check: sample weights and weight decay") {
  for (const auto head : {fp::mlp_head::mse, fp::mlp_head::gaussian}) {
    CAPTURE(fp::to_string(head));
    const check_result r = gradient_check(fp::mlp_activation::tanh, head, true, 0.3,
                                          {3, 6, 4, head == fp::mlp_head::gaussian ? 2 : 1}, 20);
    CHECK(r.max_rel_err < 1e-5);
  }
}

TEST_CASE("mlp gradient check: a mini-batch split over several chunks sums their gradients") {
  // A wide layer makes the chunk small (99,999 / (60 * 400) = 4 rows): 10 rows run as 4 + 4 + 2.
  const std::vector<fp::index> sizes{60, 400, 2};
  CHECK(fd::mlp_chunk_columns(sizes) == 4);
  const check_result r = gradient_check(fp::mlp_activation::gelu, fp::mlp_head::gaussian, true, 0.0, sizes, 10, 211);
  CHECK(r.checked > 150);
  CHECK(r.max_rel_err < 1e-5);
}

TEST_CASE("mlp losses: softplus, sigmoid and GELU helpers are accurate and overflow-free") {
  CHECK(fd::mlp_softplus(0.0) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(fd::mlp_softplus(800.0) == 800.0);
  CHECK(fd::mlp_softplus(-800.0) == 0.0);
  CHECK(fd::mlp_sigmoid(-800.0) == 0.0);
  CHECK(fd::mlp_sigmoid(800.0) == 1.0);
  CHECK(fd::mlp_gelu(1.0) == doctest::Approx(0.8413447460685429).epsilon(1e-14));
  CHECK(fd::mlp_gelu(-1.0) == doctest::Approx(-0.15865525393145707).epsilon(1e-14));
  const double h = 1e-6;
  for (const double z : {-3.0, -0.5, 0.0, 0.7, 2.5}) {
    CHECK(fd::mlp_gelu_grad(z) == doctest::Approx((fd::mlp_gelu(z + h) - fd::mlp_gelu(z - h)) / (2 * h)).epsilon(1e-8));
  }
}

}  // namespace unity_mlp_gradient_check
