// The risk overlay: a fault-injection suite (one test case per fault, each with its expected
// state, mode, quantity and reasons), the chi-square threshold against scipy, the Mahalanobis
// distance against Eigen's LLT, the schedule under a verdict, the parameter checks, and
// decide's cost (noexcept, no allocation, deterministic).
#include "footprint/execution/risk_overlay.hpp"

#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"

#include <doctest/doctest.h>
#include <Eigen/Cholesky>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/allocation_counter.hpp"

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_risk_overlay {

namespace fp = footprint;
using fp::overlay_mode;
using fp::overlay_state;
using fp::risk_reason;
using namespace std::chrono_literals;
using nanoseconds = std::chrono::nanoseconds;

constexpr double inf = std::numeric_limits<double>::infinity();

/// Decision time of the scenarios: nanoseconds since epoch (2023-11-14 22:13:20 UTC).
constexpr nanoseconds t0 = std::chrono::seconds(1'700'000'000);

/// The names of a set of reasons, e.g. "stale_book|drift_alarm" (failure messages).
std::string names(risk_reason r) {
  if (r == risk_reason::none) return "none";
  std::string out;
  for (unsigned bit = 0; bit < 32; ++bit) {
    const auto one = static_cast<risk_reason>(std::uint32_t{1} << bit);
    if ((r & one) != risk_reason::none) out += (out.empty() ? "" : "|") + std::string(fp::to_string(one));
  }
  return out;
}

/// The reference of the features: three features, the first two correlated (rho = 0.5),
/// the third with sd 2. For x = (a, 0, 0): D^2 = a^2 / (1 - 0.25).
fp::vector reference_mean() { return fp::vector::Zero(3); }
fp::matrix reference_covariance() { return fp::matrix{{1.0, 0.5, 0.0}, {0.5, 1.0, 0.0}, {0.0, 0.0, 4.0}}; }

/// The scenarios' limits: collar 50 bps, at most 5,000 a child and 1,000,000 in value, 10
/// messages a second; the model is distrusted above 3 x its medians (4 bps std, 15 bps
/// interval); the book is stale after 500 ms; the fallback takes at most 10% of the volume;
/// one breach reduces (by half), two halt; three rejects in a row halt.
fp::risk_overlay_params scenario_params() {
  return {
      .price_collar_bps = 50.0,
      .max_order_value = 1e6,
      .max_order_quantity = 5000.0,
      .max_messages = 10,
      .throttle_window = 1s,
      .median_multiple = 3.0,
      .median_std_bps = 4.0,
      .median_interval_bps = 15.0,
      .feature_mean = reference_mean(),
      .feature_covariance = reference_covariance(),
      .distance_level = 0.99,
      .max_book_age = 500ms,
      .fallback_hold = 0s,
      .fallback_participation = 0.1,
      .breaches_to_reduce = 1,
      .breaches_to_halt = 2,
      .reducing_factor = 0.5,
      .max_consecutive_rejects = 3,
  };
}

constexpr std::array<double, 3> usual_features{0.2, -0.1, 0.3};

/// A healthy decision: a buy of 1,000 at the ask of a fresh 99.99 / 100.01 book, a confident
/// model, features near their mean; 100,000 left over an hour, a decision every 10 s, a
/// market of 500 a second.
fp::risk_observation healthy(std::span<const double> features = usual_features) {
  return {
      .time = t0,
      .bid = 99.99,
      .ask = 100.01,
      .book_time = t0 - 10ms,
      .reference_price = 100.0,
      .side = fp::side::buy,
      .price = 100.01,
      .quantity = 1000.0,
      .std_bps = 4.0,
      .interval_bps = 14.0,
      .drift_alarm = false,
      .features = features,
      .remaining_quantity = 100000.0,
      .remaining_seconds = 3600.0,
      .interval_seconds = 10.0,
      .volume_rate = 500.0,
  };
}

/// The fallback child of `healthy()`: the TWAP child 100,000 x 10 / 3,600, under the POV cap
/// 0.1 x 500 x 10 = 500.
constexpr double twap_child = 100000.0 * 10.0 / 3600.0;

/// Checks a verdict, naming what it got on failure.
void check_verdict(const fp::risk_verdict& v, overlay_state state, overlay_mode mode, double quantity,
                   risk_reason reasons) {
  INFO("got state ", fp::to_string(v.state), ", mode ", fp::to_string(v.mode), ", quantity ", v.quantity, ", reasons ",
       names(v.reasons));
  CHECK(v.state == state);
  CHECK(v.mode == mode);
  CHECK(v.quantity == doctest::Approx(quantity));
  CHECK(v.reasons == reasons);
}

// ---- the healthy path

TEST_CASE("risk_overlay: a healthy child passes unchanged") {
  fp::risk_overlay overlay(scenario_params());
  const fp::risk_verdict v = overlay.decide(healthy());
  check_verdict(v, overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  CHECK(v.allowed());
  // D^2 of (0.2, -0.1, 0.3): (0.04 + 0.01 + 0.02) / 0.75 + 0.09 / 4.
  CHECK(v.distance_squared == doctest::Approx((0.04 + 0.01 + 0.02) / 0.75 + 0.0225).epsilon(1e-12));
  // The default overlay checks only the hard limits it has (collar 100 bps, 100 messages a second).
  fp::risk_overlay plain;
  check_verdict(plain.decide(healthy()), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  CHECK(std::isnan(plain.distance_threshold()));
}

// ---- fault injection: the book

TEST_CASE("risk_overlay fault: stale quotes") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.book_time = t0 - 500ms;  // exactly the limit: still fresh
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  obs.book_time = t0 - 501ms;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::stale_book);
}

TEST_CASE("risk_overlay fault: crossed book") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.bid = 100.02;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::crossed_book);
}

TEST_CASE("risk_overlay fault: locked book") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.bid = obs.ask;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::crossed_book);
}

TEST_CASE("risk_overlay fault: infinite ask") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.ask = inf;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child, risk_reason::nan_input);
}

TEST_CASE("risk_overlay fault: stale and crossed book with a drift alarm") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.book_time = t0 - 2s;
  obs.bid = 100.05;
  obs.drift_alarm = true;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::stale_book | risk_reason::crossed_book | risk_reason::drift_alarm);
}

// ---- fault injection: the model and its features

TEST_CASE("risk_overlay fault: NaN feature") {
  fp::risk_overlay overlay(scenario_params());
  const std::array<double, 3> x{std::nan(""), 0.0, 0.0};
  const fp::risk_verdict v = overlay.decide(healthy(x));
  check_verdict(v, overlay_state::active, overlay_mode::fallback, twap_child, risk_reason::nan_input);
  CHECK(std::isnan(v.distance_squared));
}

TEST_CASE("risk_overlay fault: features of the wrong length") {
  fp::risk_overlay overlay(scenario_params());
  const std::array<double, 2> x{0.0, 0.0};
  check_verdict(overlay.decide(healthy(x)), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::nan_input);
}

TEST_CASE("risk_overlay fault: 10-sigma jump is out of distribution") {
  fp::risk_overlay overlay(scenario_params());
  const std::array<double, 3> x{10.0, 0.0, 0.0};
  const fp::risk_verdict v = overlay.decide(healthy(x));
  check_verdict(v, overlay_state::active, overlay_mode::fallback, twap_child, risk_reason::out_of_distribution);
  CHECK(v.distance_squared == doctest::Approx(100.0 / 0.75).epsilon(1e-12));
  // The control: a 2-sigma move, D^2 = 5.33, stays under chi2.ppf(0.99, 3) = 11.34.
  const std::array<double, 3> y{2.0, 0.0, 0.0};
  check_verdict(overlay.decide(healthy(y)), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  // Correlation matters: (2.5, -2.5, 0) is 3.5 sigma on each feature but against their
  // correlation, D^2 = 18.75 / 0.75 = 25 > 11.34.
  const std::array<double, 3> z{2.5, -2.5, 0.0};
  const fp::risk_verdict w = overlay.decide(healthy(z));
  CHECK(w.distance_squared == doctest::Approx(25.0).epsilon(1e-12));
  CHECK(w.has(risk_reason::out_of_distribution));
}

TEST_CASE("risk_overlay fault: drift alarm onset") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::drift_alarm);
}

TEST_CASE("risk_overlay fault: drift alarm cleared") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  CHECK(overlay.decide(obs).mode == overlay_mode::fallback);
  obs.drift_alarm = false;
  obs.time += 1s;
  obs.book_time += 1s;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

TEST_CASE("risk_overlay fault: drift alarm cleared within the fallback hold") {
  fp::risk_overlay_params p = scenario_params();
  p.fallback_hold = 5s;
  fp::risk_overlay overlay(p);
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  CHECK(overlay.decide(obs).reasons == risk_reason::drift_alarm);
  obs.drift_alarm = false;
  obs.time = t0 + 4999ms;
  obs.book_time = obs.time;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::fallback_hold);
  obs.time = t0 + 5s;
  obs.book_time = obs.time;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

TEST_CASE("risk_overlay fault: wide predictive spread") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.std_bps = 12.0;  // exactly 3 x 4: trusted
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  obs.std_bps = 12.5;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::wide_spread);
}

TEST_CASE("risk_overlay fault: wide conformal interval") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.interval_bps = 46.0;  // > 3 x 15
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child,
                risk_reason::wide_interval);
}

TEST_CASE("risk_overlay fault: NaN predictive spread") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.std_bps = std::nan("");
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child, risk_reason::nan_input);
  // With the spread check off (median 0) the field is not read.
  fp::risk_overlay_params p = scenario_params();
  p.median_std_bps = 0.0;
  fp::risk_overlay unchecked(p);
  check_verdict(unchecked.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

TEST_CASE("risk_overlay fault: NaN child quantity takes the fallback child") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.quantity = std::nan("");
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, twap_child, risk_reason::nan_input);
}

// ---- fault injection: the fallback child

TEST_CASE("risk_overlay fault: fallback capped by participation") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  obs.volume_rate = 100.0;  // 10% of 100 a second over 10 s = 100 < the TWAP child
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, 100.0, risk_reason::drift_alarm);
  obs.remaining_seconds = -5.0;  // past the horizon: TWAP wants everything, the cap still holds
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, 100.0, risk_reason::drift_alarm);
}

TEST_CASE("risk_overlay fault: fallback without volume data sends nothing") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  obs.volume_rate = std::nan("");
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, 0.0,
                risk_reason::drift_alarm | risk_reason::nan_input);
  // In model mode the fallback's inputs are not read.
  obs.drift_alarm = false;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

// ---- fault injection: hard limits

TEST_CASE("risk_overlay fault: price collar breach on a buy") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.price = 100.49;  // 49 bps above the reference: inside
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  obs.price = 100.51;  // 51 bps
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::price_collar);
}

TEST_CASE("risk_overlay fault: price collar breach on a sell") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.side = fp::side::sell;
  obs.price = 99.45;  // 55 bps below
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::price_collar);
  obs.price = 99.99;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

TEST_CASE("risk_overlay fault: collar also blocks the fallback child") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  obs.price = 101.0;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, 0.0,
                risk_reason::drift_alarm | risk_reason::price_collar);
}

TEST_CASE("risk_overlay fault: NaN child price or reference price") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.price = std::nan("");
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::nan_input);
  obs = healthy();
  obs.reference_price = -inf;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::nan_input);
  obs = healthy();
  obs.price = 0.0;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::invalid_order);
}

TEST_CASE("risk_overlay fault: max order quantity clips") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.quantity = 8000.0;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 5000.0,
                risk_reason::max_order_quantity);
}

TEST_CASE("risk_overlay fault: max order value clips") {
  fp::risk_overlay_params p = scenario_params();
  p.max_order_value = 200000.0;
  fp::risk_overlay overlay(p);
  fp::risk_observation obs = healthy();
  obs.quantity = 3000.0;  // 300,030 of value
  const fp::risk_verdict v = overlay.decide(obs);
  check_verdict(v, overlay_state::active, overlay_mode::model, 200000.0 / 100.01, risk_reason::max_order_value);
  CHECK(v.quantity * obs.price <= 200000.0);
}

TEST_CASE("risk_overlay fault: oversized child blocked without clipping") {
  fp::risk_overlay_params p = scenario_params();
  p.clip_to_limits = false;
  fp::risk_overlay overlay(p);
  fp::risk_observation obs = healthy();
  obs.quantity = 8000.0;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::max_order_quantity);
}

TEST_CASE("risk_overlay fault: fill storm hits the message throttle") {
  // 100 fills in one second, each followed by a new child from the policy: 10 go out.
  fp::risk_overlay overlay(scenario_params());
  int sent = 0;
  int throttled = 0;
  for (int k = 0; k < 100; ++k) {
    fp::risk_observation obs = healthy();
    obs.time = t0 + k * 10ms;
    obs.book_time = obs.time;
    CHECK(overlay.on_fill({.realized_bps = 3.0, .quantile_bps = 10.0}) == overlay_state::active);
    const fp::risk_verdict v = overlay.decide(obs);
    if (v.allowed()) ++sent;
    if (v.has(risk_reason::message_throttle)) ++throttled;
    CHECK(v.state == overlay_state::active);
  }
  CHECK(sent == 10);
  CHECK(throttled == 90);
}

TEST_CASE("risk_overlay fault: message throttle window rolls over") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  for (int k = 0; k < 10; ++k) {
    obs.time = t0 + k * 100ms;
    obs.book_time = obs.time;
    CHECK(overlay.decide(obs).allowed());
  }
  obs.time = t0 + 999ms;  // the first message (t0) is still in (t - 1 s, t]
  obs.book_time = obs.time;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::message_throttle);
  obs.time = t0 + 1s;  // it has left the window
  obs.book_time = obs.time;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  CHECK_FALSE(overlay.decide(obs).allowed());  // the second (t0 + 100 ms) has not
}

TEST_CASE("risk_overlay fault: cancels count against the throttle") {
  fp::risk_overlay overlay(scenario_params());
  for (int k = 0; k < 10; ++k) overlay.on_message(t0 - 500ms + k * 10ms);
  check_verdict(overlay.decide(healthy()), overlay_state::active, overlay_mode::model, 0.0,
                risk_reason::message_throttle);
}

TEST_CASE("risk_overlay fault: zero-quantity child") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.quantity = 0.0;
  obs.price = std::nan("");  // not read: nothing is sent
  for (int k = 0; k < 20; ++k)
    check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::none);
  // No message was counted: ten children still go out in the same second.
  int sent = 0;
  for (int k = 0; k < 11; ++k) sent += overlay.decide(healthy()).allowed() ? 1 : 0;
  CHECK(sent == 10);
}

TEST_CASE("risk_overlay fault: negative quantity") {
  fp::risk_overlay overlay(scenario_params());
  fp::risk_observation obs = healthy();
  obs.quantity = -100.0;
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::model, 0.0, risk_reason::invalid_order);
  obs.drift_alarm = true;  // blocked in fallback too
  check_verdict(overlay.decide(obs), overlay_state::active, overlay_mode::fallback, 0.0,
                risk_reason::drift_alarm | risk_reason::invalid_order);
}

// ---- fault injection: the kill switch and the realized guard

TEST_CASE("risk_overlay fault: kill switch") {
  fp::risk_overlay overlay(scenario_params());
  CHECK(overlay.decide(healthy()).allowed());
  overlay.kill();
  CHECK(overlay.state() == overlay_state::halted);
  check_verdict(overlay.decide(healthy()), overlay_state::halted, overlay_mode::model, 0.0, risk_reason::kill_switch);
  CHECK(overlay.on_fill({.realized_bps = 0.0, .quantile_bps = 10.0}) == overlay_state::halted);
}

TEST_CASE("risk_overlay fault: rejected orders in a row") {
  fp::risk_overlay overlay(scenario_params());
  CHECK(overlay.on_reject() == overlay_state::active);
  CHECK(overlay.on_reject() == overlay_state::active);
  overlay.on_fill({.realized_bps = 1.0, .quantile_bps = 10.0});  // a fill breaks the run
  CHECK(overlay.consecutive_rejects() == 0);
  CHECK(overlay.on_reject() == overlay_state::active);
  CHECK(overlay.on_reject() == overlay_state::active);
  CHECK(overlay.on_reject() == overlay_state::halted);
  check_verdict(overlay.decide(healthy()), overlay_state::halted, overlay_mode::model, 0.0,
                risk_reason::rejected_orders);
}

TEST_CASE("risk_overlay fault: fill inside the 99 percent quantile") {
  fp::risk_overlay overlay(scenario_params());
  CHECK(overlay.on_fill({.realized_bps = 10.0, .quantile_bps = 10.0}) == overlay_state::active);  // not beyond
  CHECK(overlay.on_fill({.realized_bps = std::nan(""), .quantile_bps = 10.0}) == overlay_state::active);
  CHECK(overlay.breaches() == 0);
  check_verdict(overlay.decide(healthy()), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
}

TEST_CASE("risk_overlay fault: realized slippage breach once reduces") {
  fp::risk_overlay overlay(scenario_params());
  CHECK(overlay.on_fill({.realized_bps = 10.5, .quantile_bps = 10.0}) == overlay_state::reducing);
  check_verdict(overlay.decide(healthy()), overlay_state::reducing, overlay_mode::model, 500.0,
                risk_reason::realized_slippage);
  // Reducing applies to the fallback child too.
  fp::risk_observation obs = healthy();
  obs.drift_alarm = true;
  check_verdict(overlay.decide(obs), overlay_state::reducing, overlay_mode::fallback, 0.5 * twap_child,
                risk_reason::realized_slippage | risk_reason::drift_alarm);
  // Reducing does not return to active by itself.
  CHECK(overlay.on_fill({.realized_bps = 2.0, .quantile_bps = 10.0}) == overlay_state::reducing);
}

TEST_CASE("risk_overlay fault: realized slippage breach twice halts") {
  fp::risk_overlay overlay(scenario_params());
  CHECK(overlay.on_fill({.realized_bps = 11.0, .quantile_bps = 10.0}) == overlay_state::reducing);
  CHECK(overlay.on_fill({.realized_bps = 12.0, .quantile_bps = 10.0}) == overlay_state::halted);
  CHECK(overlay.breaches() == 2);
  check_verdict(overlay.decide(healthy()), overlay_state::halted, overlay_mode::model, 0.0,
                risk_reason::realized_slippage);
}

TEST_CASE("risk_overlay fault: breaches_to_halt equal to breaches_to_reduce halts at once") {
  fp::risk_overlay_params p = scenario_params();
  p.breaches_to_reduce = 2;
  p.breaches_to_halt = 2;
  fp::risk_overlay overlay(p);
  CHECK(overlay.on_fill({.realized_bps = 11.0, .quantile_bps = 10.0}) == overlay_state::active);
  CHECK(overlay.on_fill({.realized_bps = 11.0, .quantile_bps = 10.0}) == overlay_state::halted);
}

TEST_CASE("risk_overlay fault: halted stays halted") {
  fp::risk_overlay overlay(scenario_params());
  overlay.on_fill({.realized_bps = 20.0, .quantile_bps = 10.0});
  overlay.on_fill({.realized_bps = 20.0, .quantile_bps = 10.0});
  REQUIRE(overlay.state() == overlay_state::halted);
  for (int k = 0; k < 50; ++k) {
    fp::risk_observation obs = healthy();
    obs.time = t0 + k * 1s;  // the throttle window long past
    obs.book_time = obs.time;
    CHECK(overlay.on_fill({.realized_bps = 0.0, .quantile_bps = 10.0}) == overlay_state::halted);
    check_verdict(overlay.decide(obs), overlay_state::halted, overlay_mode::model, 0.0, risk_reason::realized_slippage);
  }
  CHECK(overlay.on_reject() == overlay_state::halted);
  CHECK(overlay.state_reasons() == risk_reason::realized_slippage);  // no reject reason added
}

TEST_CASE("risk_overlay fault: recovery after reset") {
  fp::risk_overlay overlay(scenario_params());
  overlay.on_fill({.realized_bps = 20.0, .quantile_bps = 10.0});
  overlay.kill();
  CHECK(overlay.state_reasons() == (risk_reason::realized_slippage | risk_reason::kill_switch));
  overlay.reset();
  CHECK(overlay.state() == overlay_state::active);
  CHECK(overlay.breaches() == 0);
  check_verdict(overlay.decide(healthy()), overlay_state::active, overlay_mode::model, 1000.0, risk_reason::none);
  // One new breach reduces again (the count restarted).
  CHECK(overlay.on_fill({.realized_bps = 20.0, .quantile_bps = 10.0}) == overlay_state::reducing);
}

TEST_CASE("risk_overlay fault: reset keeps the throttle's messages") {
  fp::risk_overlay overlay(scenario_params());
  for (int k = 0; k < 10; ++k) CHECK(overlay.decide(healthy()).allowed());
  overlay.kill();
  overlay.reset();
  CHECK(overlay.decide(healthy()).reasons == risk_reason::message_throttle);
}

// ---- the threshold and the distance

TEST_CASE("risk_overlay: distance threshold equals scipy chi2.ppf for d = 1 to 20") {
  // /usr/bin/python3 -c "from scipy.stats import chi2; print([chi2.ppf(0.99, d) for d in range(1, 21)])"
  constexpr std::array<double, 20> scipy{
      6.6348966010212145, 9.2103403719761801, 11.344866730144373, 13.276704135987622, 15.086272469388989,
      16.811893829770927, 18.475306906582357, 20.090235029663233, 21.665994333461924, 23.209251158954356,
      24.724970311318277, 26.216967305535853, 27.688249610457049, 29.141237740672796, 30.577914166892491,
      31.999926908815176, 33.408663605004612, 34.805305734705065, 36.190869129270041, 37.566234786625067,
  };
  for (fp::index d = 1; d <= 20; ++d) {
    fp::risk_overlay overlay({.feature_mean = fp::vector::Zero(d), .feature_covariance = fp::matrix::Identity(d, d)});
    INFO("d = ", d);
    CHECK(overlay.distance_threshold() == doctest::Approx(scipy[static_cast<std::size_t>(d - 1)]).epsilon(1e-12));
  }
  // Other levels and larger d: chi2.ppf(0.95, 1), (0.999, 5), (0.5, 3), (0.99, 50), (0.99, 100), (0.9999, 2).
  const std::array<std::pair<double, fp::index>, 6> cases{
      {{0.95, 1}, {0.999, 5}, {0.5, 3}, {0.99, 50}, {0.99, 100}, {0.9999, 2}}};
  const std::array<double, 6> expected{3.841458820694124, 20.515005652432873, 2.3659738843753377,
                                       76.1538912490127,  135.80672317102676, 18.420680743952584};
  for (std::size_t k = 0; k < cases.size(); ++k) {
    INFO("p = ", cases[k].first, ", d = ", cases[k].second);
    CHECK(fp::detail::risk::chi_square_quantile(cases[k].first, cases[k].second) ==
          doctest::Approx(expected[k]).epsilon(1e-12));
  }
  // The tail in closed form: d = 2 is exp(-x / 2).
  CHECK(fp::detail::risk::chi_square_survival(3.0, 2) == doctest::Approx(std::exp(-1.5)).epsilon(1e-15));
}

TEST_CASE("risk_overlay: Mahalanobis distance equals Eigen's LLT solve") {
  // Covariances A A' + I from a fixed A, d = 1, 4, 7, 10 (whole and partial blocks of 4), and
  // 5 feature vectors each; the threshold is chi2.ppf(0.99, d) (scipy).
  const std::array<std::pair<fp::index, double>, 4> dims{
      {{1, 6.6348966010212145}, {4, 13.276704135987622}, {7, 18.475306906582357}, {10, 23.209251158954356}}};
  for (const auto& dim : dims) {
    const fp::index d = dim.first;  // (not a structured binding: clang 14's INFO cannot capture one)
    const double threshold = dim.second;
    fp::matrix a(d, d);
    for (fp::index i = 0; i < d; ++i)
      for (fp::index j = 0; j < d; ++j) a(i, j) = std::sin(1.0 + static_cast<double>(3 * i + 7 * j));
    const fp::matrix cov = a * a.transpose() + fp::matrix::Identity(d, d);
    fp::vector mean(d);
    for (fp::index i = 0; i < d; ++i) mean[i] = 0.1 * static_cast<double>(i);
    fp::risk_overlay_params p = scenario_params();
    p.feature_mean = mean;
    p.feature_covariance = cov;
    fp::risk_overlay overlay(p);
    const Eigen::LLT<fp::matrix> llt(cov);
    REQUIRE(llt.info() == Eigen::Success);
    for (int k = 0; k < 5; ++k) {
      std::vector<double> x(static_cast<std::size_t>(d));
      for (fp::index i = 0; i < d; ++i) x[static_cast<std::size_t>(i)] = std::cos(static_cast<double>(5 * k + i)) * 3.0;
      const fp::vector diff = Eigen::Map<const fp::vector>(x.data(), d) - mean;
      const double expected = diff.dot(llt.solve(diff));
      fp::risk_observation obs = healthy(x);
      obs.time = t0 + k * 1s;
      obs.book_time = obs.time;
      const fp::risk_verdict v = overlay.decide(obs);
      INFO("d = ", d, ", vector ", k);
      CHECK(v.distance_squared == doctest::Approx(expected).epsilon(1e-10));
      CHECK(v.has(risk_reason::out_of_distribution) == (expected > threshold));
    }
  }
}

TEST_CASE("risk_overlay: features in units 1e18 apart keep the exact distance") {
  // A depth in shares (sd 1e4) and a volatility per sqrt(second) (sd 1e-5), correlated 0.6:
  // positive definite however different the units (a pivot is judged against its own
  // variance, not against the largest entry). D^2 = z' R^-1 z with z the standardised
  // deviations and R the correlation matrix: (z1^2 - 2 rho z1 z2 + z2^2) / (1 - rho^2).
  const double s1 = 1e4;
  const double s2 = 1e-5;
  const double rho = 0.6;
  fp::risk_overlay_params p = scenario_params();
  p.feature_mean = fp::vector{{5e4, 2e-5}};
  p.feature_covariance = fp::matrix{{s1 * s1, rho * s1 * s2}, {rho * s1 * s2, s2 * s2}};
  fp::risk_overlay overlay(p);
  const double z1 = 1.5;
  const double z2 = -0.5;
  const std::vector<double> x{5e4 + z1 * s1, 2e-5 + z2 * s2};
  fp::risk_observation obs = healthy(x);
  const fp::risk_verdict v = overlay.decide(obs);
  const double expected = (z1 * z1 - 2.0 * rho * z1 * z2 + z2 * z2) / (1.0 - rho * rho);
  CHECK(v.distance_squared == doctest::Approx(expected).epsilon(1e-9));
  CHECK(expected == doctest::Approx(5.3125));
}

// ---- the schedule under a verdict

TEST_CASE("risk_overlay: schedule under a verdict") {
  const fp::risk_overlay overlay(scenario_params());
  // The plan: 6,000 front-loaded over 60 s in 6 children.
  fp::child_schedule plan;
  plan.times = fp::vector{{0, 10, 20, 30, 40, 50}};
  plan.quantities = fp::vector{{2000, 1500, 1000, 800, 400, 300}};
  plan.horizon_seconds = 60.0;
  fp::risk_verdict v;
  // Active, model: the plan.
  fp::child_schedule s = overlay.schedule(plan, v, 500.0);
  CHECK(s.quantities == plan.quantities);
  CHECK(s.times == plan.times);
  // Fallback, participation 6,000 / (60 x 2,000) = 5% <= 10%: TWAP over the same horizon.
  v.mode = overlay_mode::fallback;
  s = overlay.schedule(plan, v, 2000.0);
  CHECK(s.quantities.isApprox(fp::vector::Constant(6, 1000.0)));
  CHECK(s.horizon_seconds == 60.0);
  // Fallback, 6,000 / (60 x 500) = 20% > 10%: POV at 10% every 10 s, 500 a child, 12 children.
  s = overlay.schedule(plan, v, 500.0);
  REQUIRE(s.quantities.size() == 12);
  CHECK((s.quantities.array() == 500.0).all());
  CHECK(s.horizon_seconds == doctest::Approx(120.0));
  // Reducing: the same children at half the rate (times and horizon doubled).
  v.mode = overlay_mode::model;
  v.state = overlay_state::reducing;
  s = overlay.schedule(plan, v, 500.0);
  CHECK(s.quantities == plan.quantities);
  CHECK(s.times == (2.0 * plan.times).eval());
  CHECK(s.horizon_seconds == 120.0);
  // Halted: nothing.
  v.state = overlay_state::halted;
  s = overlay.schedule(plan, v, 500.0);
  CHECK(s.quantities.size() == 0);
  CHECK(s.horizon_seconds == 0.0);
  // Errors.
  v.state = overlay_state::active;
  v.mode = overlay_mode::fallback;
  CHECK_THROWS_WITH_AS((void)overlay.schedule(plan, v, 0.0),
                       "footprint::risk_overlay::schedule: volume_rate must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  fp::child_schedule bad = plan;
  bad.quantities[2] = -1.0;
  CHECK_THROWS_WITH_AS((void)overlay.schedule(bad, v, 500.0),
                       "footprint::risk_overlay::schedule: planned.quantities must be finite and >= 0; row 2 is -1",
                       fp::invalid_argument);
  bad = plan;
  bad.times = fp::vector::Zero(5);
  CHECK_THROWS_AS((void)overlay.schedule(bad, v, 500.0), fp::dimension_mismatch);
}

// ---- parameters, names, cost

TEST_CASE("risk_overlay: parameter validation messages") {
  using P = fp::risk_overlay_params;
  const auto message = [](P p) {
    try {
      const fp::risk_overlay overlay(std::move(p));
    } catch (const fp::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  CHECK(message({.fallback_participation = 1.5}) ==
        "footprint::risk_overlay: fallback_participation must be in (0, 1] (got 1.5)");
  CHECK(message({.price_collar_bps = 0.0}) ==
        "footprint::risk_overlay: price_collar_bps must be finite and > 0 (got 0)");
  CHECK(message({.max_order_value = std::nan("")}) ==
        "footprint::risk_overlay: max_order_value must be > 0 (inf: no limit) (got nan)");
  CHECK(message({.max_order_quantity = -1.0}) ==
        "footprint::risk_overlay: max_order_quantity must be > 0 (inf: no limit) (got -1)");
  CHECK(message({.max_messages = 0}) == "footprint::risk_overlay: max_messages must be in [1, 1000000] (got 0)");
  CHECK(message({.throttle_window = 0s}) == "footprint::risk_overlay: throttle_window must be > 0 ns (got 0)");
  CHECK(message({.median_multiple = -3.0}) ==
        "footprint::risk_overlay: median_multiple must be finite and > 0 (got -3)");
  CHECK(message({.median_std_bps = inf}) ==
        "footprint::risk_overlay: median_std_bps must be finite and >= 0 (got inf)");
  CHECK(message({.distance_level = 1.0}) == "footprint::risk_overlay: distance_level must be in (0, 1) (got 1)");
  CHECK(message({.max_book_age = -1ms}) == "footprint::risk_overlay: max_book_age must be > 0 ns (got -1000000)");
  CHECK(message({.fallback_hold = -1ns}) == "footprint::risk_overlay: fallback_hold must be >= 0 ns (got -1)");
  CHECK(message({.breaches_to_reduce = 0}) == "footprint::risk_overlay: breaches_to_reduce must be >= 1 (got 0)");
  CHECK(message({.breaches_to_reduce = 3, .breaches_to_halt = 2}) ==
        "footprint::risk_overlay: breaches_to_halt must be >= 3 (got 2)");
  CHECK(message({.reducing_factor = 0.0}) == "footprint::risk_overlay: reducing_factor must be in (0, 1] (got 0)");
  CHECK(message({.max_consecutive_rejects = 0}) ==
        "footprint::risk_overlay: max_consecutive_rejects must be >= 1 (got 0)");
  // The reference of the features.
  CHECK(message({.feature_mean = fp::vector::Zero(2), .feature_covariance = fp::matrix::Identity(3, 3)}) ==
        "footprint::risk_overlay: feature_covariance.rows() must equal feature_mean.size() (expected 2, got 3)");
  CHECK(message({.feature_covariance = fp::matrix::Identity(2, 2)}) ==
        "footprint::risk_overlay: feature_covariance.rows() must equal feature_mean.size() (expected 0, got 2)");
  CHECK(message({.feature_mean = fp::vector{{0.0, std::nan("")}}, .feature_covariance = fp::matrix::Identity(2, 2)}) ==
        "footprint::risk_overlay: feature_mean must be finite; row 1 is nan");
  CHECK(message({.feature_mean = fp::vector::Zero(2), .feature_covariance = fp::matrix{{1.0, 0.5}, {0.4, 1.0}}}) ==
        "footprint::risk_overlay: feature_covariance must be symmetric; entry (0, 1) is 0.5 and (1, 0) is "
        "0.4");
  CHECK(message({.feature_mean = fp::vector::Zero(2), .feature_covariance = fp::matrix{{1.0, 1.0}, {1.0, 1.0}}}) ==
        "footprint::risk_overlay: feature_covariance must be positive definite (pivot 1 of its Cholesky factor is 0)");
  CHECK_THROWS_AS(fp::risk_overlay({.feature_mean = fp::vector::Zero(2)}), fp::dimension_mismatch);
  CHECK(message(scenario_params()) == "no exception");
}

TEST_CASE("risk_overlay: names of states, modes and reasons") {
  CHECK(fp::to_string(overlay_state::reducing) == "reducing");
  CHECK(fp::to_string(overlay_mode::fallback) == "fallback");
  CHECK(fp::to_string(risk_reason::out_of_distribution) == "out_of_distribution");
  CHECK(fp::to_string(risk_reason::none) == "none");
  CHECK(fp::to_string(risk_reason::stale_book | risk_reason::drift_alarm) == "several");
  // Every bit up to rejected_orders has its own name.
  for (unsigned bit = 0; bit <= 15; ++bit) {
    const auto r = static_cast<risk_reason>(std::uint32_t{1} << bit);
    INFO("bit ", bit);
    CHECK(fp::to_string(r) != "several");
    CHECK(fp::to_string(r) != "none");
  }
}

TEST_CASE("risk_overlay: decide is noexcept, allocates nothing and is deterministic") {
  static_assert(noexcept(std::declval<fp::risk_overlay&>().decide(std::declval<const fp::risk_observation&>())));
  static_assert(noexcept(std::declval<fp::risk_overlay&>().on_fill(fp::fill_slippage{})));
  static_assert(noexcept(std::declval<fp::risk_overlay&>().on_reject()));
  static_assert(std::is_aggregate_v<fp::risk_overlay_params>);
  // A run of mixed observations, twice, on two overlays: the same verdicts.
  const auto run = [](fp::risk_overlay& overlay, std::vector<fp::risk_verdict>& out) {
    const std::array<double, 3> jump{10.0, 0.0, 0.0};
    for (int k = 0; k < 200; ++k) {
      fp::risk_observation obs = k % 7 == 3 ? healthy(jump) : healthy();
      obs.time = t0 + k * 37ms;
      obs.book_time = obs.time - (k % 11 == 5 ? 2s : 1ms);
      obs.drift_alarm = k % 13 == 0;
      obs.quantity = 100.0 + 10.0 * (k % 9);
      if (k % 17 == 0) overlay.on_fill({.realized_bps = k == 68 ? 20.0 : 1.0, .quantile_bps = 10.0});
      out[static_cast<std::size_t>(k)] = overlay.decide(obs);
    }
  };
  std::vector<fp::risk_verdict> first(200), second(200);
  fp::risk_overlay a(scenario_params());
  fp::risk_overlay b(scenario_params());
  const long allocations = footprint_test::allocations_in([&] { run(a, first); });
  run(b, second);
#ifdef FOOTPRINT_TEST_COUNT_MALLOC
  CHECK(allocations == 0);
  CHECK(footprint_test::allocations_in([] {  // the counter works: a vector allocates
          std::vector<double> v(1000, 1.0);
          asm volatile("" : : "g"(v.data()) : "memory");
        }) >= 1);
#else
  MESSAGE("allocation counting skipped: it needs glibc and no sanitizer");
  (void)allocations;
#endif
  for (std::size_t k = 0; k < first.size(); ++k) {
    INFO("decision ", k);
    CHECK(first[k].quantity == second[k].quantity);
    CHECK(first[k].reasons == second[k].reasons);
    CHECK(first[k].state == second[k].state);
  }
  CHECK(first[100].state == overlay_state::reducing);  // the breach at k = 68
  CHECK(first[3].has(risk_reason::out_of_distribution));
}

}  // namespace unity_risk_overlay
