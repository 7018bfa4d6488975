// impact_laws: calibrate impact laws on synthetic metaorders generated from known
// parameters, print each estimate with its standard errors next to the truth, then the
// price impact path of a schedule under a transient-impact propagator. Deterministic.
#include <footprint/data/synthetic/regression_problems.hpp>
#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/impact/impact_observations.hpp>
#include <footprint/impact/parameter_estimate.hpp>
#include <footprint/impact/power_law_impact.hpp>
#include <footprint/impact/propagator.hpp>
#include <footprint/impact/square_root_law.hpp>
#include <footprint/impact/synthetic_metaorders.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace {

// Planted noise: standard normal draws, the same on every platform.
class noise {
 public:
  explicit noise(footprint::index n, std::uint64_t seed) : z_(footprint::problems::standard_normals(n, seed)) {}
  double normal() { return z_[next_++]; }

 private:
  footprint::vector z_;
  footprint::index next_ = 0;
};

void row(const char* name, const footprint::parameter_estimate& e, double truth) {
  std::printf("  %-8s %11.4g  se %9.2g  hc1 se %9.2g  truth %11.4g\n", name, e.value, e.std_error, e.robust_std_error,
              truth);
}

}  // namespace

int main() {
  // 2,000 metaorders of a universe of stocks (footprint::problems::metaorders): Q/V from 0.01%
  // to 10% of daily volume, V from 100k to 10M shares a day, daily volatility 1-3%, mid
  // 10-200, durations 10 minutes to a 6.5-hour day.
  footprint::impact_observations obs = footprint::problems::metaorders(2000, 20240607);
  noise rng(5 * obs.size(), 20240608);
  const footprint::index n = obs.size();

  // 1. Square-root law I = Y sigma (Q/V)^delta: fit to the permanent column, +- 2 bps noise.
  for (footprint::index i = 0; i < n; ++i) {
    const double q_over_v = obs.quantity[i] / obs.volume[i];
    obs.permanent_bps[i] = 1e4 * 0.7 * obs.volatility[i] * std::sqrt(q_over_v) + 2.0 * rng.normal();
  }
  footprint::square_root_law law(
      {.component = footprint::impact_component::permanent, .method = footprint::square_root_fit_method::nonlinear});
  const footprint::fit_report law_report = law.fit(obs);
  std::printf("square-root law (%s, %lld rows, %s):\n", footprint::to_string(law.params().method).data(),
              static_cast<long long>(law.n_used()), footprint::to_string(law_report.status).data());
  row("Y", law.y(), 0.7);
  row("delta", law.delta(), 0.5);
  std::printf("  residual std %.2f bps; 1%% of ADV at 2%% vol costs %.1f bps\n", law.residual_std(),
              law.predict(1e4, 1e6, 0.02));

  // The papers' way: average impact / sigma in 25 log-spaced bins of Q/V, fit the bin means.
  const footprint::impact_observations bins = footprint::bin_by_participation(obs, 25);
  footprint::square_root_law binned({.component = footprint::impact_component::permanent});
  binned.fit(bins);
  std::printf("  binned (%lld bins): Y %.4f, delta %.4f\n", static_cast<long long>(bins.size()), binned.y().value,
              binned.delta().value);

  // 2. Almgren, Thum, Hauptmann, Li (2005): I = gamma sigma (X/V)^alpha and
  //    K = J - I/2 = eta sigma (X/(V T))^beta, T in days of 23,400 s.
  for (footprint::index i = 0; i < n; ++i) {
    const double days = obs.duration[i] / 23400.0;
    const double x = obs.quantity[i] / obs.volume[i];
    obs.permanent_bps[i] = 1e4 * 0.314 * obs.volatility[i] * std::pow(x, 0.891) + 1.0 * rng.normal();
    obs.temporary_bps[i] = 1e4 * 0.142 * obs.volatility[i] * std::pow(x / days, 0.6) + 1.0 * rng.normal();
  }
  footprint::power_law_impact athl({.session_seconds = 23400.0});
  athl.fit(obs);
  std::printf("power laws (ATHL 2005, %lld rows):\n", static_cast<long long>(athl.n_permanent()));
  row("gamma", athl.gamma(), 0.314);
  row("alpha", athl.alpha(), 0.891);
  row("eta", athl.eta(), 0.142);
  row("beta", athl.beta(), 0.6);

  // 3. Almgren-Chriss: permanent move gamma Q, temporary cost epsilon + eta Q/T per share,
  //    in price units; 20 single market orders (T = 0) cannot inform eta.
  for (footprint::index i = 0; i < n; ++i) {
    if (i % 100 == 0) obs.duration[i] = 0.0;
    const double rate = obs.duration[i] > 0.0 ? obs.quantity[i] / obs.duration[i] : 0.0;
    const double move = 5e-7 * obs.quantity[i] + 0.02 * rng.normal();
    const double cost = 0.01 + 2e-4 * rate + 0.01 * rng.normal();
    obs.permanent_bps[i] = 1e4 * move / obs.arrival_mid[i];
    obs.temporary_bps[i] = 1e4 * cost / obs.arrival_mid[i];
  }
  footprint::almgren_chriss_calibration ac({.time_unit = std::chrono::seconds(1)});
  const footprint::fit_report ac_report = ac.fit(obs);
  std::printf("Almgren-Chriss (%s):\n", ac_report.message.c_str());
  row("gamma", ac.gamma(), 5e-7);
  row("eta", ac.eta(), 2e-4);
  row("epsilon", ac.epsilon(), 0.01);
  std::printf(
      "  R^2 permanent %.3f, temporary %.3f; feed almgren_chriss_params{.gamma = %.3g, .eta = %.3g, "
      ".epsilon = %.3g}\n",
      ac.permanent_r2(), ac.temporary_r2(), ac.gamma().value, ac.eta().value, ac.epsilon().value);

  // 4. Transient impact: 10 child orders of 0.1% of ADV each, one a minute, under a
  //    power-law kernel G(l) = G_inf + G0 / (1 + l/l0)^beta with a square-root f(q).
  const footprint::propagator prop({.kernel = footprint::propagator_kernel::power_law,
                                    .g0 = 0.5,   // bps per unit of f, with q in bps of ADV
                                    .l0 = 30.0,  // seconds
                                    .beta = 0.4,
                                    .g_inf = 0.05,  // permanent floor
                                    .delta = 0.5});
  const footprint::vector times = footprint::vector::LinSpaced(10, 0.0, 540.0);  // seconds
  const footprint::vector child = footprint::vector::Constant(10, 10.0);         // bps of ADV
  const footprint::vector at = footprint::vector{{0, 120, 300, 540, 900, 1800, 7200}};
  const footprint::propagator::path path = prop.impact_path(times, child, at);
  std::printf("propagator path (bps):\n");
  for (footprint::index k = 0; k < at.size(); ++k) {
    std::printf("  t = %5.0f s  impact %6.2f  (temporary %6.2f, permanent %5.2f)\n", at[k], path.total_bps()[k],
                path.temporary_bps[k], path.permanent_bps[k]);
  }
  const footprint::cost_estimate cost = prop.cost(times, child);
  std::printf("  schedule cost %.2f bps (temporary %.2f, permanent %.2f)\n", cost.expected_bps, cost.temporary_bps,
              cost.permanent_bps);

  const bool ok = std::abs(law.delta().value - 0.5) < 4 * law.delta().std_error &&
                  std::abs(athl.beta().value - 0.6) < 4 * athl.beta().std_error &&
                  std::abs(ac.eta().value - 2e-4) < 4 * ac.eta().std_error;
  return ok ? 0 : 1;
}
