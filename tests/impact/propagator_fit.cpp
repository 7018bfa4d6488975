// fit_propagator: on a tape whose mid is a planted propagator (exponential kernel, tau 30 s,
// G0 and G_inf known) plus price noise, the regression recovers the kernel and the shape fit
// its parameters within their standard errors; a kernel that does not decay is all G_inf; with
// no flow the regression is singular; bad settings throw naming the parameter.
#include "footprint/impact/propagator_fit.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_propagator_fit {

namespace fp = footprint;
using std::chrono::nanoseconds;

namespace {

struct planted {
  double g0 = 40.0;    // bps per unit of f
  double tau = 30.0;   // seconds
  double g_inf = 4.0;  // bps per unit of f
  double delta = 0.5;  // f(q) = (q / V)^delta
  double daily_volume = 1e6;
  double noise_bps = 0.5;  // sd of the price's own random walk per second, bps
};

/// A tape of `seconds` of trading: Poisson trades (2 per second) of independent signs and
/// lognormal sizes; the mid is 100 (1 + 1e-4 (sum of the trades' propagated impacts + a
/// random walk)), recorded after every trade and every second.
fp::market_tape tape_of(const planted& p, double seconds, std::uint64_t seed) {
  fp::detail::xoshiro256ss rng(seed);
  fp::market_tape tape;
  double cum_f = 0.0;    // sum of the signed f of every trade so far (the permanent part)
  double decayed = 0.0;  // sum f_i exp(-(last - s_i) / tau), updated recursively
  double last = 0.0;
  double noise = 0.0;
  double t = 0.0;
  double next_trade = rng.exponential(2.0);
  const auto mid_at = [&](double now) {
    const double impact = p.g_inf * cum_f + p.g0 * decayed * std::exp(-(now - last) / p.tau);
    return 100.0 * (1.0 + 1e-4 * (impact + noise));
  };
  const auto record = [&](double now) {
    tape.mid_times.push_back(nanoseconds{static_cast<std::int64_t>(now * 1e9)});
    tape.mids.push_back(mid_at(now));
  };
  record(0.0);
  for (double second = 1.0; second <= seconds; second += 1.0) {
    while (next_trade < second) {
      const double q = 100.0 * std::exp(rng.normal(0.0, 1.0));
      const std::int8_t sign = rng.uniform() < 0.5 ? -1 : 1;
      tape.trades.push_back({.time = nanoseconds{static_cast<std::int64_t>(next_trade * 1e9)},
                             .price = 100.0,
                             .quantity = q,
                             .sign = sign});
      const double f = sign * std::pow(q / p.daily_volume, p.delta);
      decayed = decayed * std::exp(-(next_trade - last) / p.tau) + f;
      last = next_trade;
      cum_f += f;
      record(next_trade);
      next_trade += rng.exponential(2.0);
    }
    noise += rng.normal(0.0, p.noise_bps);
    t = second;
    record(t);
  }
  return tape;
}

}  // namespace

TEST_CASE("fit_propagator: recovers a planted exponential kernel within its standard errors") {
  const planted p;
  const fp::market_tape tape = tape_of(p, 4 * 3600.0, 17);
  const fp::propagator_fit_result fit =
      fp::fit_propagator(tape, p.daily_volume, {.bin = std::chrono::seconds{2}, .lags = 60, .delta = p.delta});
  INFO(fit.report.message);
  CHECK(fit.report.ok());
  CHECK(fit.trades == static_cast<fp::index>(tape.trades.size()));
  // The measured kernel: G((l + 1/2) Delta) within 4 standard errors at a few lags.
  for (fp::index l : {0, 5, 15, 40}) {
    const double truth = p.g_inf + p.g0 * std::exp(-fit.lag_seconds[l] / p.tau);
    CAPTURE(l);
    CHECK(std::abs(fit.kernel_bps[l] - truth) < 4.0 * fit.kernel_std_error[l]);
  }
  // The shape's parameters within 4 standard errors, and the errors small enough to matter.
  CHECK(std::abs(fit.g0.value - p.g0) < 4.0 * fit.g0.std_error);
  CHECK(std::abs(fit.scale.value - p.tau) < 4.0 * fit.scale.std_error);
  CHECK(std::abs(fit.g_inf.value - p.g_inf) < 4.0 * fit.g_inf.std_error);
  CHECK(fit.g0.std_error < 0.1 * p.g0);
  CHECK(fit.scale.std_error < 0.2 * p.tau);
  CHECK(std::isnan(fit.beta.value));
  // The returned propagator carries them.
  CHECK(fit.model.params().tau == doctest::Approx(fit.scale.value));
  CHECK(fit.model.params().g0 == doctest::Approx(fit.g0.value));
  CHECK(fit.model.params().delta == p.delta);
}

TEST_CASE("fit_propagator: a power-law shape fitted to an exponential kernel decays as fast") {
  const planted p;
  const fp::market_tape tape = tape_of(p, 2 * 3600.0, 5);
  const fp::propagator_fit_result fit = fp::fit_propagator(
      tape, p.daily_volume,
      {.bin = std::chrono::seconds{2}, .lags = 60, .delta = p.delta, .kernel = fp::propagator_kernel::power_law});
  INFO(fit.report.message);
  CHECK(std::isfinite(fit.beta.value));
  // Half of the decaying part is gone near tau ln 2 = 20.8 s, as the planted kernel's.
  const fp::propagator_params& m = fit.model.params();
  const double half_life = m.l0 * (std::pow(2.0, 1.0 / m.beta) - 1.0);
  CHECK(half_life == doctest::Approx(p.tau * std::log(2.0)).epsilon(0.35));
}

TEST_CASE("fit_propagator: a kernel that does not decay within the lags is all G_inf") {
  // The mid moves for good with each trade (G0 = 0, G_inf = 40): the measured G(l) is flat,
  // and at this seed the shape fit drifts to G0 5653, G_inf -5612, tau 536,595 s (the two one
  // level the data cannot split). The propagator then clamped G_inf to 0 and kept G0: a
  // transient response 140 times the measured one. Now: G0 = 0, G_inf the level, and the
  // message says so. (Binance spot's captures give such a kernel; fitted on them, the scale
  // overflowed to infinity and the propagator threw.)
  const planted p{.g0 = 0.0, .g_inf = 40.0};
  const fp::market_tape tape = tape_of(p, 4 * 3600.0, 17);
  const fp::propagator_fit_result fit =
      fp::fit_propagator(tape, p.daily_volume, {.bin = std::chrono::seconds{2}, .lags = 60, .delta = p.delta});
  INFO(fit.report.message);
  CHECK(fit.scale.value > 100.0 * 120.0);
  CHECK(fit.g0.value == 0.0);
  CHECK(std::isnan(fit.g0.std_error));
  CHECK(fit.model.params().g0 == 0.0);
  // The level: the measured kernel's, within 4 standard errors of the last lag, and the truth's.
  CHECK(std::abs(fit.g_inf.value - fit.kernel_bps[59]) < 4.0 * fit.kernel_std_error[59]);
  CHECK(std::abs(fit.model.params().g_inf - p.g_inf) < 4.0 * fit.kernel_std_error[59]);
  CHECK(fit.model.kernel(0.0) == doctest::Approx(fit.model.kernel(3600.0)));
  CHECK(fit.report.message.find("does not decay within the 60 lags") != std::string::npos);
}

TEST_CASE("fit_propagator: bad settings and too little data throw, naming what") {
  const planted p;
  const fp::market_tape tape = tape_of(p, 600.0, 3);
  CHECK_THROWS_WITH_AS((void)fp::fit_propagator(tape, 0.0),
                       "footprint::fit_propagator: daily_volume must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::fit_propagator(tape, 1e6, {.lags = 1}), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::fit_propagator(tape, 1e6, {.delta = 0.0}), fp::invalid_argument);
  // 600 s in 1 s bins cannot carry 2 x 400 lags.
  CHECK_THROWS_WITH_AS((void)fp::fit_propagator(tape, 1e6, {.lags = 400}),
                       doctest::Contains("needs at least 800 bins and 800 signed trades"), fp::invalid_argument);
  // Trades with no sign carry no flow: the regression is singular.
  fp::market_tape unsigned_tape = tape_of(p, 1200.0, 4);
  for (fp::trade& t : unsigned_tape.trades) t.sign = 0;
  CHECK_THROWS_AS((void)fp::fit_propagator(unsigned_tape, 1e6, {.lags = 10}), fp::invalid_argument);
}

}  // namespace unity_propagator_fit
