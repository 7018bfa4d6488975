// Almgren-Chriss optimal execution: the paper's own example (Section 3.4, Table 1), closed
// forms against sums and against a step-by-step simulation of the price dynamics, the
// efficient frontier, the inverse problems, numerical limits and argument checking.
//
// References used below:
// - [AC] R. Almgren, N. Chriss, "Optimal execution of portfolio transactions", J. Risk 3(2),
//   2000 (December 2000 version; equation numbers as printed there).
// - [DRIP] the open-source DRIP/DROP library (github.com/lakshmiDRIP/DROP), a peer
//   implementation run on the paper's example; its printed outputs are in
//   drop/org/drip/sample/almgrenchriss/EfficientFrontierNoDrift.drop and
//   OptimalTrajectoryNoDrift.drop.
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/detail/random.hpp"

#include "footprint/concepts.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_almgren_chriss {

namespace fp = footprint;

static_assert(fp::ImpactModel<fp::almgren_chriss>);

namespace {

// Table 1 of [AC]: one million shares at $50, 30% annual volatility (sigma = 0.95 $/share
// per day^1/2), liquidated over T = 5 days in N = 5 daily trades, lambda_u = 1e-6 / $.
constexpr double paper_x = 1e6;
constexpr double paper_t = 5.0;
constexpr double paper_s0 = 50.0;

fp::almgren_chriss_params paper_params() {
  using namespace std::chrono_literals;
  return {.gamma = 2.5e-7,
          .eta = 2.5e-6,
          .epsilon = 0.0625,
          .sigma = 0.95,
          .lambda = 1e-6,
          .n_intervals = 5,
          .time_unit = 24h};
}

fp::almgren_chriss paper_model() { return fp::almgren_chriss(paper_params()); }

// |a - b| <= tol * max(|a|, |b|), or both within `floor` of zero.
bool rel_close(double a, double b, double tol, double floor = 0.0) {
  return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)) || (std::abs(a) <= floor && std::abs(b) <= floor);
}

// `value` printed with `decimals` digits after the point would read `printed`.
bool matches_print(double value, double printed, int decimals) {
  return std::abs(value - printed) <= 0.5 * std::pow(10.0, -decimals) * (1.0 + 1e-9);
}

// The shortfall of a trajectory simulated step by step with the price dynamics of [AC]
// eqs. 1-2 and linear impact (eqs. 6-7), with given unit shocks xi_k:
//   sell: S_k = S_{k-1} + sigma tau^1/2 xi_k - gamma n_k,  received S_{k-1} - h(n_k / tau)
//   buy:  S_k = S_{k-1} + sigma tau^1/2 xi_k + gamma n_k,  paid     S_{k-1} + h(n_k / tau)
// shortfall = X S_0 - capture (sell) or payment - X S_0 (buy): positive = cost.
double simulate_shortfall(const fp::almgren_chriss_params& p, const fp::vector& holdings, double horizon, fp::side side,
                          const std::vector<double>& xi) {
  const auto n = holdings.size() - 1;
  const double tau = horizon / static_cast<double>(n);
  const double dir = fp::sign(side);  // +1 buy, -1 sell
  double price = paper_s0;
  double cash = 0.0;  // paid (buy) or received (sell)
  for (fp::index k = 1; k <= n; ++k) {
    const double nk = holdings[k - 1] - holdings[k];  // shares traded in the order's direction
    const double sgn = nk > 0.0 ? 1.0 : (nk < 0.0 ? -1.0 : 0.0);
    const double h = p.epsilon * sgn + p.eta * nk / tau;
    cash += nk * (price + dir * h);
    price += p.sigma * std::sqrt(tau) * xi[static_cast<std::size_t>(k - 1)] + dir * p.gamma * nk;
  }
  const double book = holdings[0] * paper_s0;
  return side == fp::side::sell ? book - cash : cash - book;
}

}  // namespace

TEST_CASE("almgren_chriss: paper example: kappa ~ 0.6/day and kappa*T ~ 3 (Almgren-Chriss Section 3.4)") {
  const fp::almgren_chriss m = paper_model();
  // eta_tilde = eta - gamma tau / 2 (eq. 8) with tau = 1 day.
  CHECK(m.eta_tilde(paper_t) == doctest::Approx(2.375e-6).epsilon(1e-15));
  // "For these parameters, we have from (19) that for the optimal strategy, kappa ~ 0.6/day,
  // so kappa T ~ 3." Eq. 19 is the small-tau approximation sqrt(lambda sigma^2 / eta):
  const double kappa_eq19 = std::sqrt(1e-6 * 0.95 * 0.95 / 2.5e-6);
  CHECK(matches_print(kappa_eq19, 0.6, 1));
  const double kappa = m.kappa(paper_t);
  CHECK(matches_print(kappa, 0.6, 1));
  CHECK(matches_print(kappa * paper_t, 3.0, 0));
  // kappa solves 2 (cosh(kappa tau) - 1) / tau^2 = kappa_tilde^2 = lambda sigma^2 / eta_tilde.
  const double kt = m.kappa_tilde(paper_t);
  CHECK(kt * kt == doctest::Approx(1e-6 * 0.95 * 0.95 / 2.375e-6).epsilon(1e-14));
  CHECK(2.0 * (std::cosh(kappa) - 1.0) == doctest::Approx(kt * kt).epsilon(1e-14));
  CHECK(kappa < kt);
  // The half-life theta = 1/kappa (Section 2.3): 1.65 days in [DRIP]'s table for lambda = 1e-6.
  CHECK(matches_print(m.half_life(paper_t), 1.65, 2));
  CHECK(m.half_life(paper_t) == doctest::Approx(1.0 / kappa).epsilon(1e-15));
}

TEST_CASE("almgren_chriss: paper example: the two extreme strategies of eqs. 9-13, by hand") {
  const fp::almgren_chriss m = paper_model();
  // Linear (naive, TWAP) strategy, eqs. 9-11:
  //   E = gamma X^2/2 + epsilon X + (eta - gamma tau/2) X^2 / T
  //     = 125,000 + 62,500 + 2.375e-6 * 1e12 / 5 = 662,500 $
  //   V = sigma^2 X^2 T (1 - 1/N)(1 - 1/(2N)) / 3 = 0.9025e12 * 5 * 0.8 * 0.9 / 3 = 1.083e12 $^2
  const fp::almgren_chriss_cost twap = m.evaluate(fp::almgren_chriss::twap_holdings(paper_x, 5), paper_t);
  CHECK(twap.expected_currency == doctest::Approx(662'500.0).epsilon(1e-14));
  CHECK(twap.variance == doctest::Approx(1.083e12).epsilon(1e-14));
  CHECK(twap.permanent_currency == doctest::Approx(125'000.0).epsilon(1e-15));
  CHECK(twap.temporary_currency == doctest::Approx(537'500.0).epsilon(1e-14));
  // The risk-neutral optimum is that strategy, and its closed form (eq. 20 as kappa -> 0)
  // reduces to eqs. 10-11.
  const fp::almgren_chriss_cost naive = m.with_lambda(0.0).optimal_cost(paper_x, paper_t);
  CHECK(naive.expected_currency == doctest::Approx(662'500.0).epsilon(1e-14));
  CHECK(naive.variance == doctest::Approx(1.083e12).epsilon(1e-14));
  // Minimum variance, eqs. 12-13: sell everything in the first period.
  //   E = epsilon X + eta X^2 / tau = 62,500 + 2,500,000 = 2,562,500 $, V = 0.
  fp::vector at_once = fp::vector::Zero(6);
  at_once[0] = paper_x;
  const fp::almgren_chriss_cost fast = m.evaluate(at_once, paper_t);
  CHECK(fast.expected_currency == doctest::Approx(2'562'500.0).epsilon(1e-14));
  CHECK(fast.variance == 0.0);
  // lambda = 1e-6 lies between the two: more expected cost than TWAP, less variance.
  const fp::almgren_chriss_cost opt = m.optimal_cost(paper_x, paper_t);
  CHECK(opt.expected_currency > twap.expected_currency);
  CHECK(opt.expected_currency < fast.expected_currency);
  CHECK(opt.variance < twap.variance);
  CHECK(opt.objective(1e-6) < twap.objective(1e-6));
  CHECK(opt.objective(1e-6) < fast.objective(1e-6));
}

TEST_CASE("almgren_chriss: paper example: frontier values printed by the DRIP peer implementation") {
  // [DRIP] EfficientFrontierNoDrift.drop, inputs of Table 1 (sigma = 0.95): lambda in units
  // of 1e-6/$, MEAN = E in $M, SIGMA^2 = V in $M^2, PENALTY = E + lambda V in $M, HALFLIFE in days.
  struct row {
    double lambda, mean, var, penalty, half_life;
  };
  const row rows[] = {
      {0.001, 0.6625, 1.0812, 0.6636, 51.30}, {0.009, 0.6626, 1.0669, 0.6722, 17.10},
      {0.250, 0.6996, 0.7513, 0.8875, 3.26},  {0.500, 0.7681, 0.5634, 1.0498, 2.31},
      {1.000, 0.9112, 0.3641, 1.2754, 1.65},  {2.000, 1.1407, 0.2019, 1.5446, 1.18},
      {3.000, 1.3071, 0.1338, 1.7085, 0.98},  {4.000, 1.4341, 0.0970, 1.8223, 0.86},
  };
  const fp::almgren_chriss base = paper_model();
  for (const row& r : rows) {
    CAPTURE(r.lambda);
    const fp::almgren_chriss m = base.with_lambda(r.lambda * 1e-6);
    const fp::almgren_chriss_cost c = m.optimal_cost(paper_x, paper_t);
    CHECK(matches_print(c.expected_currency / 1e6, r.mean, 4));
    CHECK(matches_print(c.variance / 1e12, r.var, 4));
    CHECK(matches_print(c.objective(r.lambda * 1e-6) / 1e6, r.penalty, 4));
    CHECK(matches_print(m.half_life(paper_t), r.half_life, 2));
  }
}

TEST_CASE("almgren_chriss: paper example: optimal trajectory printed by the DRIP peer implementation") {
  // [DRIP] OptimalTrajectoryNoDrift.drop uses the unrounded daily volatility
  // sigma = 0.3 / sqrt(250) * 50 = 0.9487 (Section 3.4) and lambda = 1e-6.
  fp::almgren_chriss_params p = paper_params();
  p.sigma = 0.3 / std::sqrt(250.0) * 50.0;
  const fp::almgren_chriss_schedule s = fp::almgren_chriss(p).schedule(paper_x, paper_t);
  const double holdings[] = {1000000.0, 542380.7, 290295.1, 148216.1, 62303.2, 0.0};
  const double trades[] = {457619.3, 252085.6, 142079.0, 85912.9, 62303.2};
  for (int j = 0; j <= 5; ++j) CHECK(matches_print(s.holdings[j], holdings[j], 1));
  for (int j = 0; j < 5; ++j) CHECK(matches_print(s.trades[j], trades[j], 1));
  CHECK(matches_print(s.cost.expected_currency, 910477.8, 1));  // "Transaction Cost Expectation"
  CHECK(matches_print(s.cost.variance / 1e6, 363868.0, 1));     // "Transaction Cost Variance (X 10^-06)"
  CHECK(matches_print(s.kappa, 0.6063, 4));                     // "Kappa"
  CHECK(matches_print(fp::almgren_chriss(p).kappa_tilde(paper_t), 0.6156, 4));  // "Kappa Tilda"
  CHECK(matches_print(1.0 / s.kappa, 1.6495, 4));                               // "Half Life"
}

TEST_CASE("almgren_chriss: the closed forms of eq. 20 match the paper's literal formulas") {
  // eq. 20 as printed, with sinh/cosh/tanh, safe for moderate kappa T.
  const fp::almgren_chriss m = paper_model();
  for (const double lambda : {1e-8, 1e-7, 1e-6, 1e-5}) {
    CAPTURE(lambda);
    const fp::almgren_chriss ml = m.with_lambda(lambda);
    const double tau = 1.0;
    const double t = paper_t;
    const double k = ml.kappa(t);
    const double et = ml.eta_tilde(t);
    const double x = paper_x;
    const double e_paper = 0.5 * 2.5e-7 * x * x + 0.0625 * x +
                           et * x * x * std::tanh(0.5 * k * tau) *
                               (tau * std::sinh(2 * k * t) + 2 * t * std::sinh(k * tau)) /
                               (2 * tau * tau * std::sinh(k * t) * std::sinh(k * t));
    const double v_paper = 0.5 * 0.95 * 0.95 * x * x *
                           (tau * std::sinh(k * t) * std::cosh(k * (t - tau)) - t * std::sinh(k * tau)) /
                           (std::sinh(k * t) * std::sinh(k * t) * std::sinh(k * tau));
    const fp::almgren_chriss_cost c = ml.optimal_cost(x, t);
    CHECK(rel_close(c.expected_currency, e_paper, 1e-13));
    CHECK(rel_close(c.variance, v_paper, 1e-11));
    // and the trajectory is eq. 17 / eq. 18 as printed
    const fp::almgren_chriss_schedule s = ml.schedule(x, t);
    for (int j = 0; j <= 5; ++j) {
      CHECK(rel_close(s.holdings[j], std::sinh(k * (t - j * tau)) / std::sinh(k * t) * x, 1e-13, 1e-6));
    }
    for (int j = 1; j <= 5; ++j) {
      const double n_paper = 2 * std::sinh(0.5 * k * tau) / std::sinh(k * t) * std::cosh(k * (t - (j - 0.5) * tau)) * x;
      CHECK(rel_close(s.trades[j - 1], n_paper, 1e-13));
    }
  }
}

TEST_CASE("almgren_chriss: closed-form E and V agree with sums over the trajectory (1e-9 relative)") {
  // Lambdas from 0 through tiny (kappa T ~ 1e-7, where the linear and series branches
  // hand over) to huge (kappa T in the thousands), on several grids.
  const double lambdas[] = {0.0,  1e-300, 1e-20, 1e-16, 1e-13, 1e-11, 1e-10, 1e-9,  3e-9, 1e-8,
                            1e-7, 1e-6,   1e-5,  1e-4,  1e-2,  1.0,   1e6,   1e100, 1e300};
  for (const fp::index n : {1, 2, 3, 5, 17, 100, 1000}) {
    fp::almgren_chriss_params p = paper_params();
    p.n_intervals = n;
    const fp::almgren_chriss base(p);
    for (const double lambda : lambdas) {
      CAPTURE(n);
      CAPTURE(lambda);
      const fp::almgren_chriss_schedule s = base.with_lambda(lambda).schedule(paper_x, paper_t, fp::side::buy);
      const fp::almgren_chriss_cost sum = base.evaluate(s.holdings, paper_t);
      CHECK(std::isfinite(s.cost.expected_currency));
      CHECK(std::isfinite(s.cost.variance));
      CHECK(rel_close(s.cost.expected_currency, sum.expected_currency, 1e-9));
      CHECK(rel_close(s.cost.temporary_currency, sum.temporary_currency, 1e-9));
      CHECK(s.cost.permanent_currency == sum.permanent_currency);
      // V underflows to 0 for the largest lambdas; compare against the TWAP scale there.
      CHECK(rel_close(s.cost.variance, sum.variance, 1e-9, 1e-280));
      CHECK(s.cost.objective(lambda) <= sum.objective(lambda) * (1 + 1e-9) + 1e-300);
    }
  }
}

TEST_CASE("almgren_chriss: cost and risk of a schedule match a step-by-step simulation of the price dynamics") {
  // E (eq. 8) is the shortfall with no shocks; V (eq. 5) the sum of squared sensitivities of
  // the shortfall to each unit shock xi_k. Sells and buys alike: costs are positive for both.
  const fp::almgren_chriss_params p = paper_params();
  const fp::almgren_chriss m(p);
  fp::vector user(6);
  user << paper_x, 700'000.0, 720'000.0, 300'000.0, -50'000.0, 0.0;  // overshoots and buys back
  const fp::almgren_chriss_schedule opt = m.schedule(paper_x, paper_t);
  for (const fp::vector& holdings : {opt.holdings, fp::almgren_chriss::twap_holdings(paper_x, 5), user}) {
    const fp::almgren_chriss_cost c = m.evaluate(holdings, paper_t);
    for (const fp::side side : {fp::side::sell, fp::side::buy}) {
      CAPTURE(fp::to_string(side));
      std::vector<double> xi(5, 0.0);
      const double base = simulate_shortfall(p, holdings, paper_t, side, xi);
      CHECK(base == doctest::Approx(c.expected_currency).epsilon(1e-12));
      double var = 0.0;
      for (std::size_t k = 0; k < 5; ++k) {
        xi.assign(5, 0.0);
        xi[k] = 1.0;
        const double d = simulate_shortfall(p, holdings, paper_t, side, xi) - base;
        var += d * d;
      }
      CHECK(var == doctest::Approx(c.variance).epsilon(1e-7));
    }
  }
  // The user trajectory pays epsilon on the shares bought back too.
  const fp::almgren_chriss_cost cu = m.evaluate(user, paper_t);
  CHECK(cu.temporary_currency > m.evaluate(fp::almgren_chriss::twap_holdings(paper_x, 5), paper_t).temporary_currency);
}

TEST_CASE("almgren_chriss: the optimal trajectory minimises E + lambda V among perturbed trajectories") {
  const fp::almgren_chriss m = paper_model();
  fp::detail::xoshiro256ss rng(20240607);
  for (const double lambda : {0.0, 1e-7, 1e-6, 1e-5}) {
    const fp::almgren_chriss ml = m.with_lambda(lambda);
    const fp::almgren_chriss_schedule s = ml.schedule(paper_x, paper_t);
    const double best = ml.evaluate(s.holdings, paper_t).objective(lambda);
    CHECK(best == doctest::Approx(s.cost.objective(lambda)).epsilon(1e-12));
    for (int trial = 0; trial < 200; ++trial) {
      fp::vector x = s.holdings;
      const double scale = trial < 100 ? 1e3 : 5e4;
      for (int j = 1; j < 5; ++j) x[j] += scale * rng.normal();
      CHECK(ml.evaluate(x, paper_t).objective(lambda) > best);
    }
  }
}

TEST_CASE("almgren_chriss: lambda = 0 and sigma = 0 give the linear (TWAP) trajectory exactly") {
  const fp::vector twap = fp::almgren_chriss::twap_holdings(paper_x, 5);
  CHECK(twap[0] == paper_x);
  CHECK(twap[5] == 0.0);
  CHECK(twap[2] == 600'000.0);
  fp::almgren_chriss_params zero_sigma = paper_params();
  zero_sigma.sigma = 0.0;
  for (const fp::almgren_chriss& m : {paper_model().with_lambda(0.0), fp::almgren_chriss(zero_sigma)}) {
    const fp::almgren_chriss_schedule s = m.schedule(paper_x, paper_t);
    CHECK(s.kappa == 0.0);
    CHECK(std::isinf(m.half_life(paper_t)));
    for (int j = 0; j <= 5; ++j) CHECK(s.holdings[j] == twap[j]);
    for (int j = 0; j < 5; ++j) CHECK(s.trades[j] == 200'000.0);
    CHECK(s.cost.expected_currency == doctest::Approx(662'500.0).epsilon(1e-15));
    CHECK(m.fraction_executed(paper_t, 2.0) == doctest::Approx(0.4).epsilon(1e-15));
  }
  CHECK(fp::almgren_chriss(zero_sigma).optimal_cost(paper_x, paper_t).variance == 0.0);
  // A tiny lambda is continuous with lambda = 0.
  const fp::almgren_chriss_schedule tiny = paper_model().with_lambda(1e-18).schedule(paper_x, paper_t);
  for (int j = 0; j <= 5; ++j) CHECK(tiny.holdings[j] == doctest::Approx(twap[j]).epsilon(1e-11));
}

TEST_CASE("almgren_chriss: huge kappa*T stays finite and front-loaded") {
  // kappa T = 1e4 with N = 1000 (kappa tau = 10), and lambda up to overflow with N = 5.
  fp::almgren_chriss_params p = paper_params();
  p.n_intervals = 1000;
  const fp::almgren_chriss m1000(p);
  const double lambda = m1000.lambda_for_half_life(paper_t, paper_t / 1e4);
  const fp::almgren_chriss_schedule s = m1000.with_lambda(lambda).schedule(paper_x, paper_t);
  CHECK(s.kappa * paper_t == doctest::Approx(1e4).epsilon(1e-12));
  CHECK(s.holdings.allFinite());
  CHECK(s.trades.allFinite());
  CHECK(std::isfinite(s.cost.expected_currency));
  CHECK(std::isfinite(s.cost.variance));
  CHECK(s.trades[0] == doctest::Approx(paper_x * -std::expm1(-10.0)).epsilon(1e-12));
  CHECK(s.holdings[1] == doctest::Approx(paper_x * std::exp(-10.0)).epsilon(1e-12));
  CHECK(s.holdings[200] == 0.0);  // e^{-2000} underflows
  CHECK(s.trades.sum() == doctest::Approx(paper_x).epsilon(1e-13));
  for (fp::index j = 1; j < 1000; ++j) CHECK(s.trades[j] <= s.trades[j - 1]);

  // N = 5: lambda = 1e300 gives kappa tau ~ 700; lambda = 1e308 / tiny eta overflows
  // kappa_tilde to infinity. Both sell (almost) everything in the first period: E -> eq. 13.
  fp::almgren_chriss_params q = paper_params();
  for (const double l : {1e300, 1e308}) {
    q.lambda = l;
    q.eta = l == 1e308 ? 1e-300 : 2.5e-6;
    q.gamma = l == 1e308 ? 0.0 : 2.5e-7;
    const fp::almgren_chriss m(q);
    CAPTURE(l);
    const fp::almgren_chriss_schedule f = m.schedule(paper_x, paper_t);
    CHECK(f.holdings.allFinite());
    CHECK(f.trades.allFinite());
    CHECK(f.holdings[0] == paper_x);
    CHECK(f.holdings[1] <= 1e-290);
    CHECK(f.trades[0] == doctest::Approx(paper_x).epsilon(1e-15));
    CHECK(f.cost.variance == 0.0);
    CHECK(f.cost.expected_currency == doctest::Approx(0.0625 * paper_x + q.eta * paper_x * paper_x).epsilon(1e-12));
    CHECK(m.half_life(paper_t) < 0.01);
    CHECK(m.fraction_executed(paper_t, 0.5) == 1.0);
    const auto frontier = m.efficient_frontier(paper_x, paper_t, std::vector<double>{l});
    CHECK(std::isfinite(frontier[0].expected_currency));
  }
}

TEST_CASE("almgren_chriss: schedules sum to X, start at X, end at 0, and match fraction_executed") {
  for (const double lambda : {0.0, 1e-9, 1e-6, 1e-4}) {
    for (const fp::index n : {1, 5, 64}) {
      fp::almgren_chriss_params p = paper_params();
      p.n_intervals = n;
      p.lambda = lambda;
      const fp::almgren_chriss m(p);
      const fp::almgren_chriss_schedule s = m.schedule(paper_x, paper_t);
      CAPTURE(lambda);
      CAPTURE(n);
      CHECK(s.n_intervals() == n);
      CHECK(s.holdings.size() == n + 1);
      CHECK(s.times.size() == n + 1);
      CHECK(s.holdings[0] == paper_x);
      CHECK(s.holdings[n] == 0.0);
      CHECK(s.times[n] == paper_t);
      CHECK(s.tau == doctest::Approx(paper_t / static_cast<double>(n)));
      CHECK(s.trades.sum() == doctest::Approx(paper_x).epsilon(1e-13));
      for (fp::index j = 1; j <= n; ++j) {
        CHECK(s.trades[j - 1] > 0.0);
        CHECK(s.holdings[j - 1] - s.holdings[j] == doctest::Approx(s.trades[j - 1]).epsilon(1e-12).scale(0));
        CHECK(1.0 - s.holdings[j] / paper_x ==
              doctest::Approx(m.fraction_executed(paper_t, s.times[j])).epsilon(1e-13));
        if (j >= 2 && lambda > 0.0) CHECK(s.trades[j - 1] < s.trades[j - 2]);  // front-loaded
      }
    }
  }
}

TEST_CASE("almgren_chriss: a sell mirrors a buy") {
  using namespace std::chrono_literals;
  const fp::almgren_chriss m = paper_model();
  const fp::almgren_chriss_schedule sell = m.schedule(paper_x, paper_t, fp::side::sell);
  const fp::almgren_chriss_schedule buy = m.schedule(paper_x, paper_t, fp::side::buy);
  CHECK(sell.side == fp::side::sell);
  CHECK(buy.side == fp::side::buy);
  CHECK(sell.holdings == buy.holdings);
  CHECK(sell.trades == buy.trades);
  CHECK(sell.cost.expected_currency == buy.cost.expected_currency);
  const fp::market_state state{.mid = paper_s0};
  const fp::cost_estimate cs = m.predict_cost({.side = fp::side::sell, .quantity = paper_x, .horizon = 120h}, state);
  const fp::cost_estimate cb = m.predict_cost({.side = fp::side::buy, .quantity = paper_x, .horizon = 120h}, state);
  CHECK(cs.expected_bps == cb.expected_bps);
  CHECK(cs.std_bps == cb.std_bps);
  CHECK(cs.expected_bps > 0.0);
  // The schedule of an order converts its horizon with time_unit (24h here).
  const fp::almgren_chriss_schedule from_order =
      m.schedule(fp::order{.side = fp::side::buy, .quantity = paper_x, .horizon = 120h});
  CHECK(from_order.side == fp::side::buy);
  CHECK(from_order.horizon == paper_t);
  CHECK(from_order.holdings == buy.holdings);
}

TEST_CASE("almgren_chriss: predict_cost: bps of the arrival notional, split into permanent and temporary") {
  using namespace std::chrono_literals;
  const fp::almgren_chriss m = paper_model();
  const fp::cost_estimate c = m.predict_cost({.quantity = paper_x, .horizon = 120h}, {.mid = paper_s0});
  const fp::almgren_chriss_cost ref = m.optimal_cost(paper_x, paper_t);
  // notional X S_0 = $50M: 1 bp = $5,000. E = $911,227 -> 182.25 bps, permanent $125,000 -> 25 bps.
  CHECK(c.expected_bps == doctest::Approx(ref.expected_currency / 5'000.0).epsilon(1e-14));
  CHECK(matches_print(c.expected_bps, 182.25, 2));
  CHECK(c.permanent_bps == doctest::Approx(25.0).epsilon(1e-14));
  CHECK(c.temporary_bps + c.permanent_bps == doctest::Approx(c.expected_bps).epsilon(1e-14));
  CHECK(c.std_bps == doctest::Approx(std::sqrt(ref.variance) / 5'000.0).epsilon(1e-14));
  CHECK(matches_print(c.std_bps, 120.7, 1));  // sqrt(0.3641e12) = $603,428
  // A half-day order with a 12-hour time unit: the same numbers when sigma and eta are rescaled.
  fp::almgren_chriss_params half = paper_params();
  half.time_unit = 12h;
  half.sigma = 0.95 / std::sqrt(2.0);  // per sqrt(12h)
  half.eta = 2.5e-6 * 2.0;             // per (share per 12h): a rate per 12h is half the daily rate
  half.gamma = 2.5e-7;
  const fp::cost_estimate c12 =
      fp::almgren_chriss(half).predict_cost({.quantity = paper_x, .horizon = 120h}, {.mid = paper_s0});
  CHECK(c12.expected_bps == doctest::Approx(c.expected_bps).epsilon(1e-12));
  CHECK(c12.std_bps == doctest::Approx(c.std_bps).epsilon(1e-12));
  // Costs rise with risk aversion, risk falls.
  const fp::cost_estimate urgent =
      m.with_lambda(1e-5).predict_cost({.quantity = paper_x, .horizon = 120h}, {.mid = paper_s0});
  CHECK(urgent.expected_bps > c.expected_bps);
  CHECK(urgent.std_bps < c.std_bps);
}

TEST_CASE("almgren_chriss: the efficient frontier: V falls and E rises with lambda, with slope dE/dV = -lambda") {
  const fp::almgren_chriss m = paper_model();
  const auto f = m.efficient_frontier(paper_x, paper_t, 1e-10, 1e-3, 1000);
  REQUIRE(f.size() == 1000);
  CHECK(f.front().lambda == 1e-10);
  CHECK(f.back().lambda == 1e-3);
  for (std::size_t i = 1; i < f.size(); ++i) {
    CHECK(f[i].lambda > f[i - 1].lambda);
    CHECK(f[i].kappa > f[i - 1].kappa);
    CHECK(f[i].variance < f[i - 1].variance);
    CHECK(f[i].expected_currency > f[i - 1].expected_currency);
  }
  // Each point minimises its own E + lambda V over the whole frontier (Section 2.1) ...
  for (std::size_t i = 0; i < f.size(); i += 37) {
    const double own = f[i].expected_currency + f[i].lambda * f[i].variance;
    for (const auto& q : f) CHECK(own <= q.expected_currency + f[i].lambda * q.variance + 1e-9 * own);
  }
  // ... so the frontier E(V) is tangent to lines of slope -lambda (Figure 1).
  for (std::size_t i = 100; i + 1 < f.size(); i += 100) {
    const double slope =
        (f[i + 1].expected_currency - f[i - 1].expected_currency) / (f[i + 1].variance - f[i - 1].variance);
    CHECK(slope == doctest::Approx(-f[i].lambda).epsilon(1e-3));
  }
  // The ends approach the two extremes of eqs. 10-13.
  CHECK(f.front().expected_currency == doctest::Approx(662'500.0).epsilon(1e-6));
  CHECK(f.front().variance == doctest::Approx(1.083e12).epsilon(1e-3));
  CHECK(f.back().variance < 1e-3 * 1.083e12);
  // The points are the closed forms of each lambda.
  const std::vector<double> some{0.0, 1e-6};
  const auto g = m.efficient_frontier(paper_x, paper_t, some);
  CHECK(g[0].expected_currency == doctest::Approx(662'500.0).epsilon(1e-14));
  CHECK(g[1].expected_currency == m.optimal_cost(paper_x, paper_t).expected_currency);
  CHECK(g[1].kappa == m.kappa(paper_t));
  CHECK(m.efficient_frontier(paper_x, paper_t, 1e-6, 1e-6, 1).size() == 1);
}

TEST_CASE("almgren_chriss: lambda for a target variance round-trips") {
  const fp::almgren_chriss m = paper_model();
  // lambda = 1e-6 back from its own variance.
  const double v = m.optimal_cost(paper_x, paper_t).variance;
  CHECK(m.lambda_for_variance(paper_x, paper_t, v) == doctest::Approx(1e-6).epsilon(1e-9));
  const double v_twap = 1.083e12;
  for (const double frac : {0.999999, 0.99, 0.5, 0.1, 1e-3, 1e-8, 1e-20}) {
    CAPTURE(frac);
    const double target = frac * v_twap;
    const double lambda = m.lambda_for_variance(paper_x, paper_t, target);
    CHECK(lambda > 0.0);
    CHECK(m.with_lambda(lambda).optimal_cost(paper_x, paper_t).variance == doctest::Approx(target).epsilon(1e-10));
  }
  // At or above the linear strategy's variance: lambda = 0.
  CHECK(m.lambda_for_variance(paper_x, paper_t, v_twap) == 0.0);
  CHECK(m.lambda_for_variance(paper_x, paper_t, 2.0 * v_twap) == 0.0);
  // Many intervals, small targets.
  fp::almgren_chriss_params p = paper_params();
  p.n_intervals = 390;
  const fp::almgren_chriss m390(p);
  const double l390 = m390.lambda_for_variance(paper_x, paper_t, 1e9);
  CHECK(m390.with_lambda(l390).optimal_cost(paper_x, paper_t).variance == doctest::Approx(1e9).epsilon(1e-10));
  CHECK_THROWS_AS((void)m.lambda_for_variance(paper_x, paper_t, 0.0), fp::invalid_argument);
  // A target in the denormal range still has a finite lambda (V ~ e^{-2 kappa tau}).
  const double l_tiny = m.lambda_for_variance(paper_x, paper_t, 1e-300);
  CHECK(std::isfinite(l_tiny));
  CHECK(l_tiny > 1e100);
  fp::almgren_chriss_params flat = paper_params();
  flat.sigma = 0.0;
  CHECK_THROWS_AS((void)fp::almgren_chriss(flat).lambda_for_variance(paper_x, paper_t, 1e10), fp::invalid_argument);
}

TEST_CASE("almgren_chriss: lambda for a target half-life or completion profile round-trips") {
  const fp::almgren_chriss m = paper_model();
  // Half-life (Section 2.3): closed form.
  for (const double theta : {0.01, 0.5, 1.0, 1.6472, 10.0, 1e4}) {
    CAPTURE(theta);
    const double lambda = m.lambda_for_half_life(paper_t, theta);
    CHECK(m.with_lambda(lambda).half_life(paper_t) == doctest::Approx(theta).epsilon(1e-12));
  }
  CHECK(m.lambda_for_half_life(paper_t, m.half_life(paper_t)) == doctest::Approx(1e-6).epsilon(1e-12));
  CHECK(m.lambda_for_half_life(paper_t, std::numeric_limits<double>::infinity()) == 0.0);
  // Completion: the fraction executed after 2 of 5 days is 71.0% for lambda = 1e-6 (1 - x_2/X).
  const double done = m.fraction_executed(paper_t, 2.0);
  CHECK(matches_print(done, 0.710, 3));
  CHECK(m.lambda_for_completion(paper_t, 2.0, done) == doctest::Approx(1e-6).epsilon(1e-9));
  for (const double target : {0.4, 0.4000001, 0.5, 0.9, 0.999, 1.0 - 1e-12}) {
    CAPTURE(target);
    const double lambda = m.lambda_for_completion(paper_t, 2.0, target);
    CHECK(m.with_lambda(lambda).fraction_executed(paper_t, 2.0) == doctest::Approx(target).epsilon(1e-9));
  }
  CHECK(m.lambda_for_completion(paper_t, 2.0, 0.4) == 0.0);  // t/T: the linear strategy
  // Off-grid times use eq. 17 at any t.
  const double l = m.lambda_for_completion(paper_t, 0.5, 0.5);
  CHECK(m.with_lambda(l).fraction_executed(paper_t, 0.5) == doctest::Approx(0.5).epsilon(1e-9));
  CHECK_THROWS_AS((void)m.lambda_for_completion(paper_t, 2.0, 0.3), fp::invalid_argument);  // slower than linear
  CHECK_THROWS_AS((void)m.lambda_for_completion(paper_t, 2.0, 1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.lambda_for_completion(paper_t, 0.0, 0.5), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.lambda_for_completion(paper_t, 5.0, 0.5), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.lambda_for_half_life(paper_t, 0.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.lambda_for_half_life(paper_t, 1e-6), fp::invalid_argument);  // lambda overflows
}

TEST_CASE("almgren_chriss: eq. 19: kappa tends to sqrt(lambda sigma^2 / eta) as tau -> 0") {
  const double limit = std::sqrt(1e-6 * 0.95 * 0.95 / 2.5e-6);
  double previous_gap = 1.0;
  for (const fp::index n : {5, 50, 500, 5000}) {
    fp::almgren_chriss_params p = paper_params();
    p.n_intervals = n;
    const double gap = std::abs(fp::almgren_chriss(p).kappa(paper_t) - limit) / limit;
    CHECK(gap < previous_gap);
    previous_gap = gap;
  }
  CHECK(previous_gap < 1e-4);
}

TEST_CASE("almgren_chriss: re-optimising mid-way continues the same trajectory (Section 3.1 theorem)") {
  const fp::almgren_chriss_schedule s = paper_model().schedule(paper_x, paper_t);
  for (fp::index k = 1; k < 5; ++k) {
    fp::almgren_chriss_params p = paper_params();
    p.n_intervals = 5 - k;
    const fp::almgren_chriss_schedule rest = fp::almgren_chriss(p).schedule(s.holdings[k], paper_t - s.times[k]);
    for (fp::index j = 0; j <= 5 - k; ++j) {
      CHECK(rest.holdings[j] == doctest::Approx(s.holdings[k + j]).epsilon(1e-12));
    }
  }
}

TEST_CASE("almgren_chriss: invalid parameters throw invalid_argument naming the value") {
  auto message = [](const fp::almgren_chriss_params& p) -> std::string {
    try {
      (void)fp::almgren_chriss(p);
    } catch (const fp::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  fp::almgren_chriss_params p = paper_params();
  p.eta = -1.0;
  CHECK(message(p) == "footprint::almgren_chriss: eta must be > 0 (got -1)");
  p = paper_params();
  p.eta = 0.0;
  CHECK(message(p) == "footprint::almgren_chriss: eta must be > 0 (got 0)");
  CHECK(message({.sigma = 1.0}) ==
        "footprint::almgren_chriss: eta must be given: eta and sigma have no default (got nan)");
  CHECK(message({.eta = 1e-6}) ==
        "footprint::almgren_chriss: sigma must be given: eta and sigma have no default (got nan)");
  p = paper_params();
  p.gamma = -1e-7;
  CHECK(message(p) == "footprint::almgren_chriss: gamma must be >= 0 (got -1e-07)");
  p = paper_params();
  p.gamma = std::numeric_limits<double>::infinity();
  CHECK(message(p) == "footprint::almgren_chriss: gamma must be finite (got inf)");
  p = paper_params();
  p.epsilon = -0.01;
  CHECK(message(p).find("epsilon must be >= 0") != std::string::npos);
  p = paper_params();
  p.sigma = -0.95;
  CHECK(message(p) == "footprint::almgren_chriss: sigma must be >= 0 (got -0.95)");
  p = paper_params();
  p.lambda = -2e-7;  // the paper's risk-loving trajectory C is not supported
  CHECK(message(p).find("lambda must be >= 0") != std::string::npos);
  p = paper_params();
  p.n_intervals = 0;
  CHECK(message(p) == "footprint::almgren_chriss: n_intervals must be >= 1 (got 0)");
  p = paper_params();
  p.time_unit = std::chrono::nanoseconds(0);
  CHECK(message(p) == "footprint::almgren_chriss: time_unit must be > 0 (got 0 ns)");
  CHECK_THROWS_AS((void)paper_model().with_lambda(-1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)paper_model().with_lambda(std::nan("")), std::invalid_argument);
}

TEST_CASE("almgren_chriss: the model is undefined when eta_tilde = eta - gamma*tau/2 <= 0") {
  fp::almgren_chriss_params p = paper_params();
  p.gamma = 2e-6;  // with tau = 5 days / N: eta_tilde = 2.5e-6 - 1e-6 tau
  p.n_intervals = 1;
  const fp::almgren_chriss m(p);  // valid parameters: eta_tilde depends on the horizon
  CHECK(m.eta_tilde(paper_t) == doctest::Approx(-2.5e-6).epsilon(1e-12));
  try {
    (void)m.schedule(paper_x, paper_t);
    FAIL("no exception");
  } catch (const fp::invalid_argument& e) {
    const std::string what = e.what();
    CHECK(
        what.find(
            "footprint::almgren_chriss::schedule: the model is not defined when eta_tilde = eta - gamma*tau/2 <= 0") ==
        0);
    CHECK(what.find("eta = 2.5") != std::string::npos);
    CHECK(what.find("gamma = 2e-06") != std::string::npos);
    CHECK(what.find("tau = 5,") != std::string::npos);
    CHECK(what.find("eta_tilde = -2.49999") != std::string::npos);
  }
  CHECK_THROWS_AS((void)m.optimal_cost(paper_x, paper_t), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.kappa(paper_t), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.efficient_frontier(paper_x, paper_t, 1e-7, 1e-5, 10), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.evaluate(fp::almgren_chriss::twap_holdings(paper_x, 1), paper_t), fp::invalid_argument);
  // Three intervals shorten tau and make it defined again.
  p.n_intervals = 3;
  CHECK(fp::almgren_chriss(p).eta_tilde(paper_t) > 0.0);
  CHECK_NOTHROW((void)fp::almgren_chriss(p).schedule(paper_x, paper_t));
}

TEST_CASE("almgren_chriss: bad arguments to the member functions throw invalid_argument") {
  using namespace std::chrono_literals;
  const fp::almgren_chriss m = paper_model();
  CHECK_THROWS_WITH_AS((void)m.schedule(-5.0, paper_t),
                       "footprint::almgren_chriss::schedule: quantity must be > 0 (got -5)", fp::invalid_argument);
  CHECK_THROWS_AS((void)m.schedule(paper_x, 0.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.schedule(paper_x, std::numeric_limits<double>::infinity()), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.schedule(fp::order{.quantity = paper_x, .horizon = 0ns}), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.optimal_cost(std::nan(""), paper_t), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.kappa(-1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.fraction_executed(paper_t, 6.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::almgren_chriss::twap_holdings(paper_x, 0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.efficient_frontier(paper_x, paper_t, 0.0, 1e-6, 10), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.efficient_frontier(paper_x, paper_t, 1e-6, 1e-7, 10), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.efficient_frontier(paper_x, paper_t, 1e-7, 1e-6, 0), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.efficient_frontier(paper_x, paper_t, std::vector<double>{1e-6, -1.0}), fp::invalid_argument);
  // evaluate: shape, finiteness, start and end.
  CHECK_THROWS_AS((void)m.evaluate(fp::vector::Constant(1, paper_x), paper_t), fp::invalid_argument);
  fp::vector not_done = fp::almgren_chriss::twap_holdings(paper_x, 5);
  not_done[5] = 1.0;
  CHECK_THROWS_WITH_AS(
      (void)m.evaluate(not_done, paper_t),
      "footprint::almgren_chriss::evaluate: holdings must end at 0 (|x_N| <= 1e-9 x_0; got x_N = 1 for x_0 = 1000000)",
      fp::invalid_argument);
  fp::vector with_nan = fp::almgren_chriss::twap_holdings(paper_x, 5);
  with_nan[2] = std::nan("");
  CHECK_THROWS_AS((void)m.evaluate(with_nan, paper_t), fp::invalid_argument);
  fp::vector negative = -fp::almgren_chriss::twap_holdings(paper_x, 5);
  CHECK_THROWS_AS((void)m.evaluate(negative, paper_t), fp::invalid_argument);
  // predict_cost: quantity, horizon, mid.
  const fp::market_state good{.mid = paper_s0};
  CHECK_THROWS_AS((void)m.predict_cost({.quantity = 0.0, .horizon = 120h}, good), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.predict_cost({.quantity = paper_x, .horizon = 0h}, good), fp::invalid_argument);
  CHECK_THROWS_AS((void)m.predict_cost({.quantity = paper_x, .horizon = -1h}, good), fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)m.predict_cost({.quantity = paper_x, .horizon = 120h}, fp::market_state{}),
                       "footprint::almgren_chriss::predict_cost: mid must be finite and > 0 (got nan)",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)m.predict_cost({.quantity = paper_x, .horizon = 120h}, {.mid = -1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(
      (void)m.predict_cost({.quantity = paper_x, .horizon = 120h}, {.mid = std::numeric_limits<double>::infinity()}),
      fp::invalid_argument);
}

}  // namespace unity_almgren_chriss
