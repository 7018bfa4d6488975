// to_impact_observations: the conversion from labelled datasets, checked by hand; then the
// Almgren-Chriss calibration on a synthetic market (recovers the planted gamma) and on the
// real GOOG and Bitstamp metaorders (gamma significantly positive).
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_dataset_observations {

namespace fp = footprint;
using namespace std::chrono_literals;

namespace {

// Three rows: a complete one, one whose permanent label is NaN, one with zero volatility.
fp::impact_dataset hand_made() {
  fp::impact_dataset d;
  d.feature_names = {"realized_vol_rate_300s"};
  d.X.resize(3, 1);
  d.X << 2e-4, 3e-4, 0.0;
  d.label_names = {"shortfall_bps", "permanent_300s_bps"};
  d.labels.resize(3, 2);
  d.labels << 5.0, 2.0,  //
      7.0, fp::nan,      //
      1.0, 1.0;
  d.times = {0s, 10s, 20s};
  d.durations = {30s, 0s, 5s};
  d.side = {fp::side::buy, fp::side::buy, fp::side::buy};
  d.quantity = fp::vector{{100.0, 200.0, 300.0}};
  d.arrival_mid = fp::vector{{50.0, 51.0, 52.0}};
  d.daily_volume = 1e6;
  d.session_seconds = 23400;
  return d;
}

const std::filesystem::path data_dir(FOOTPRINT_TEST_DATA_DIR);

}  // namespace

TEST_CASE("to_impact_observations converts labels to the ATHL definitions and lists exclusions") {
  const fp::dataset_observations o = fp::to_impact_observations(hand_made());
  REQUIRE(o.observations.size() == 1);
  CHECK(o.rows == std::vector<fp::index>{0});
  REQUIRE(o.excluded.size() == 2);
  CHECK(o.excluded[0].row == 1);
  CHECK(o.excluded[0].reason.find("permanent_300s_bps is NaN") != std::string::npos);
  CHECK(o.excluded[1].row == 2);
  CHECK(o.excluded[1].reason.find("volatility") != std::string::npos);
  const fp::impact_observations& obs = o.observations;
  CHECK(obs.quantity[0] == 100.0);
  CHECK(obs.duration[0] == 30.0);
  CHECK(obs.volume[0] == 1e6);
  CHECK(obs.volatility[0] == doctest::Approx(2e-4 * std::sqrt(23400.0)));
  CHECK(obs.arrival_mid[0] == 50.0);
  CHECK(obs.permanent_bps[0] == 2.0);
  CHECK(obs.temporary_bps[0] == 5.0 - 2.0 / 2);  // K = J - I/2
  CHECK_NOTHROW(obs.validate("test"));

  // A constant volatility instead of a feature column: no row is excluded for volatility.
  // The volatility per period scales with the dataset's session: a 24-hour crypto session.
  fp::impact_dataset crypto = hand_made();
  crypto.session_seconds = 86400;
  const fp::dataset_observations c =
      fp::to_impact_observations(crypto, {.volatility_feature = "", .volatility_per_sqrt_second = 1e-4});
  CHECK(c.rows == std::vector<fp::index>{0, 2});
  CHECK(c.observations.volatility[1] == doctest::Approx(1e-4 * std::sqrt(86400.0)));
}

TEST_CASE("to_impact_observations rejects a missing label or feature and bad settings") {
  const fp::impact_dataset d = hand_made();
  CHECK_THROWS_AS((void)fp::to_impact_observations(d, {.horizon = 60s}), fp::invalid_argument);  // no permanent_60s_bps
  CHECK_THROWS_AS((void)fp::to_impact_observations(d, {.volatility_feature = "ewma_vol_60s"}), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::to_impact_observations(d, {.volatility_feature = ""}),
                  fp::invalid_argument);  // no constant
  fp::impact_dataset no_session = d;
  no_session.session_seconds = 0;
  CHECK_THROWS_WITH_AS((void)fp::to_impact_observations(no_session), doctest::Contains("session_seconds"),
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::to_impact_observations(d, {.horizon = 0s}), fp::invalid_argument);
  fp::impact_dataset no_adv = d;
  no_adv.daily_volume = fp::nan;
  CHECK_THROWS_WITH_AS((void)fp::to_impact_observations(no_adv), doctest::Contains("daily_volume"),
                       fp::invalid_argument);
}

TEST_CASE("Almgren-Chriss calibration on synthetic metaorders recovers the planted gamma") {
  // gamma = 1e-5 USD per share per share, permanent; three seeds, each within 3 HC1 SE.
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const fp::synthetic_market_params market{.seed = seed, .volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};
    const fp::impact_pipeline_result r = fp::synthetic_dataset(market);
    const fp::dataset_observations o = fp::to_impact_observations(r.metaorders);
    CHECK(o.rows.size() + o.excluded.size() == static_cast<std::size_t>(r.metaorders.rows()));
    fp::almgren_chriss_calibration ac;
    ac.fit(o.observations);
    const fp::parameter_estimate g = ac.gamma();
    INFO("seed " << seed << ": gamma " << g.value << " HC1 SE " << g.robust_std_error);
    CHECK(std::abs(g.value - market.gamma) < 3.0 * g.robust_std_error);
    CHECK(g.robust_std_error < 0.3 * market.gamma);  // identified: the test could fail
    // epsilon is at least the half spread (the book walk and transient impact add to it).
    CHECK(ac.epsilon().value > 0.5 * market.tick - 3.0 * ac.epsilon().robust_std_error);
  }
}

TEST_CASE("Almgren-Chriss calibration on the GOOG and Bitstamp metaorders finds a significant gamma" *
          doctest::test_suite("real-data")) {
  const auto goog = data_dir / "lobster" / "GOOG_2012-06-21_L1";
  const auto message = goog / "GOOG_2012-06-21_34200000_57600000_message_1.csv";
  const auto orderbook = goog / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
  const auto bitstamp = data_dir / "bitstamp";
  if (!std::filesystem::exists(message) || !std::filesystem::exists(bitstamp / "trades.csv")) {
    MESSAGE("skipped: no GOOG or Bitstamp data under " << data_dir.string());
    return;
  }
  struct source {
    fp::impact_pipeline_result result;
    double session_seconds;
  };
  source sources[] = {{fp::lobster_dataset(message.string(), orderbook.string()), 23400.0},
                      {fp::bitstamp_dataset(bitstamp.string()), 86400.0}};
  for (const source& s : sources) {
    CHECK(s.result.metaorders.session_seconds == s.session_seconds);  // carried by the dataset
    const fp::dataset_observations o = fp::to_impact_observations(s.result.metaorders);
    CHECK(o.rows.size() + o.excluded.size() == static_cast<std::size_t>(s.result.metaorders.rows()));
    CHECK(o.rows.size() > 1500);
    fp::almgren_chriss_calibration ac;
    ac.fit(o.observations);
    INFO("gamma " << ac.gamma().value << " HC1 SE " << ac.gamma().robust_std_error);
    CHECK(ac.gamma().robust_t_stat() > 3.0);    // prices move with the net order flow
    CHECK(ac.epsilon().robust_t_stat() > 3.0);  // crossing the spread costs
  }
}

}  // namespace unity_dataset_observations
