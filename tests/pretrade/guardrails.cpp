// check_guardrails: each warning fires on its condition with its message, none fires on an
// ordinary order, and an unknown (NaN) input skips its check.
#include "footprint/pretrade/guardrails.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_guardrails {

namespace fp = footprint;

namespace {

/// An ordinary order: 1% of the day, children within the book and the training range.
fp::guardrail_inputs ordinary() {
  fp::guardrail_inputs in;
  in.quantity = 7000.0;
  in.daily_volume = 700000.0;
  in.lot_size = 1.0;
  in.largest_child = 700.0;
  in.visible_depth = 1000.0;
  in.largest_training_quantity = 5000.0;
  in.smallest_training_quantity = 1.0;
  in.horizon_seconds = 600.0;
  in.data_seconds = 23400.0;
  in.model = "gbm";
  in.model_crps = 1.0;
  in.baseline_crps = 1.2;
  in.coverage_90 = 0.89;
  in.coverage_rows = 2000;
  in.transient_g0 = 5.0;  // bps per unit of (q/V)^delta, 5 standard errors from 0
  in.transient_g0_std_error = 1.0;
  return in;
}

std::vector<fp::warning_code> codes(const fp::guardrail_inputs& in) {
  std::vector<fp::warning_code> out;
  for (const fp::pretrade_warning& w : fp::check_guardrails(in)) out.push_back(w.code);
  return out;
}

}  // namespace

TEST_CASE("check_guardrails: an ordinary order has no warning") { CHECK(fp::check_guardrails(ordinary()).empty()); }

TEST_CASE("check_guardrails: each condition gives its warning and message") {
  fp::guardrail_inputs in = ordinary();
  in.quantity = 140000.0;  // 20% of the day
  std::vector<fp::pretrade_warning> w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].code == fp::warning_code::order_above_adv_share);
  CHECK(w[0].message == "the order is 20% of the daily volume (above 10%): impact laws are measured on smaller orders");
  CHECK(fp::to_string(w[0].code) == "order_above_adv_share");

  in.quantity = 1e12;  // the issue's --quantity 1e12
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].code == fp::warning_code::order_huge);
  CHECK(w[0].message ==
        "the order is 1.429e+08% of the daily volume: a day's trading or more; check the quantity and its unit");

  in = ordinary();
  in.quantity = 0.5;
  CHECK(codes(in) == std::vector{fp::warning_code::order_tiny});
  in.quantity = 2.0;
  in.smallest_training_quantity = 10.0;
  CHECK(codes(in) == std::vector{fp::warning_code::order_tiny});

  in = ordinary();
  in.largest_child = 6000.0;  // beyond the book and the training range
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 2);
  CHECK(w[0].code == fp::warning_code::child_above_visible_depth);
  CHECK(w[0].message ==
        "a child of 6000 needs more than the visible depth (1000): its cost beyond it rests on the depth profile");
  CHECK(w[1].code == fp::warning_code::size_outside_training);

  in = ordinary();
  in.permanent_identified = false;
  in.permanent_message = "fit Y 3 +- 30 ...";
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].code == fp::warning_code::parameter_not_identified);
  CHECK(w[0].message == "permanent impact: fit Y 3 +- 30 ...");

  in = ordinary();
  in.model_crps = 1.5;
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].message ==
        "the gbm model's held-out CRPS (1.5 bps) is worse than the OLS baseline's (1.2 bps): the "
        "baseline is used");

  // The synthetic default's Bayesian model against OLS: 0.0299 bps both at four digits.
  in = ordinary();
  in.model_crps = 0.0299341;
  in.baseline_crps = 0.0299312;
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].message ==
        "the gbm model's held-out CRPS (0.029934 bps) is worse than the OLS baseline's (0.029931 bps): the "
        "baseline is used");

  // ETH USD-M's forest: 90% intervals covering 39% held out.
  in = ordinary();
  in.coverage_90 = 0.39;
  in.coverage_rows = 300;
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].code == fp::warning_code::coverage_off_nominal);
  CHECK(w[0].message ==
        "the model's 90% intervals covered 39% of 300 held-out orders: its spread is not to be trusted");
  // 0.87 of 100 rows is within 3 binomial standard errors (0.09): no warning.
  in.coverage_90 = 0.87;
  in.coverage_rows = 100;
  CHECK(fp::check_guardrails(in).empty());

  in = ordinary();
  in.horizon_seconds = 3600.0;
  in.data_seconds = 345.0;
  CHECK(codes(in) == std::vector{fp::warning_code::horizon_longer_than_data});

  // The GOOG day: the kernel's fit gave G0 -6.45 +- 0.88, used as 0.
  in = ordinary();
  in.transient_g0 = 0.0;
  in.transient_g0_std_error = 0.88;
  w = fp::check_guardrails(in);
  REQUIRE(w.size() == 1);
  CHECK(w[0].code == fp::warning_code::transient_not_measured);
  CHECK(fp::to_string(w[0].code) == "transient_not_measured");
  CHECK(w[0].message ==
        "transient impact: G0 0 +- 0.88 bps, not measured on this tape (0, or within 2 standard errors of it): "
        "the strategies' expected costs depend on their children's sizes, not on their pace, which changes only "
        "their risk");
  in.transient_g0_std_error = fp::nan;  // Binance: G(l) does not decay, all of it G_inf
  CHECK(codes(in) == std::vector{fp::warning_code::transient_not_measured});
  in.transient_g0 = 1.9;  // within 2 standard errors of 0
  in.transient_g0_std_error = 1.0;
  CHECK(codes(in) == std::vector{fp::warning_code::transient_not_measured});
  in.transient_g0 = 2.1;
  CHECK(fp::check_guardrails(in).empty());
}

TEST_CASE("check_guardrails: an unknown input skips its check") {
  fp::guardrail_inputs in = ordinary();
  in.daily_volume = fp::nan;
  in.visible_depth = fp::nan;
  in.baseline_crps = fp::nan;
  in.coverage_90 = fp::nan;
  in.transient_g0 = fp::nan;
  in.largest_child = 1e9;  // beyond the training range, but the depth is unknown
  CHECK(codes(in) == std::vector{fp::warning_code::size_outside_training});
}

}  // namespace unity_guardrails
