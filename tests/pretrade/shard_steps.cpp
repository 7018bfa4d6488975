// The steps of a shard's fit (pretrade/shard_fit.hpp, shard_simulation.hpp,
// shard_backtest.hpp), on the built-in synthetic market: what each step fills, when the
// simulation calls the order-flow loader, and that a loader's failure is reported, not thrown.
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/pretrade/shard_backtest.hpp"
#include "footprint/pretrade/shard_fit.hpp"
#include "footprint/pretrade/shard_simulation.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_shard_steps {

namespace fp = footprint;

// The data of a synthetic shard, as load_shard_data(s, 20) reads it (pretrade/shard_data.hpp,
// not included: it would bring every reader into this module's unity translation unit).
const fp::impact_pipeline_result& synthetic_data() {
  static const fp::impact_pipeline_result data =
      fp::synthetic_dataset(fp::default_synthetic_market, {.arrival_book_levels = 20});
  return data;
}

TEST_CASE("fit_shard: the laws and statistics of the data, the seed of the id, simulation and backtest left empty") {
  const fp::shard s{.id = "synth-1", .source = "synthetic"};
  const fp::shard_params p{.seed = 7};
  const fp::shard_fit fit = fp::fit_shard(s, synthetic_data(), p);
  CHECK(fit.seed == fp::shard_seed("synth-1", 7));
  CHECK(fit.metaorders == synthetic_data().metaorders.rows());
  CHECK(fit.orders == synthetic_data().orders.rows());
  CHECK(fit.statistics.n_rows() + fit.linear_excluded == fit.metaorders);
  CHECK(std::isfinite(fit.delta.value));
  CHECK(fit.episodes == 0);
  CHECK(fit.simulation_message.empty());
  CHECK(fit.backtest.empty());
  CHECK(fit.backtest_message.empty());
  CHECK_THROWS_AS((void)fp::fit_shard({.id = "", .source = "synthetic"}, synthetic_data(), p), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::fit_shard(s, synthetic_data(), {.episodes = 1}), fp::invalid_argument);
}

TEST_CASE("simulate_shard: the synthetic source never calls the loader, and the same seed gives the same costs") {
  const fp::shard s{.id = "synth-1", .source = "synthetic"};
  const fp::shard_params p{.episodes = 20};
  int calls = 0;
  const auto loader = [&]() -> fp::shard_order_flow {
    ++calls;
    throw std::runtime_error("must not be called");
  };
  fp::shard_fit a = fp::fit_shard(s, synthetic_data(), p);
  fp::shard_fit b = a;
  fp::simulate_shard(a, s, p, synthetic_data(), loader);
  fp::simulate_shard(b, s, p, synthetic_data(), loader);
  CHECK(calls == 0);
  CHECK(a.episodes == 20);
  REQUIRE(std::isfinite(a.expected_bps));
  CHECK(a.expected_bps == b.expected_bps);
  CHECK(a.std_bps == b.std_bps);
  CHECK(a.p05_bps <= a.expected_bps);
  CHECK(a.expected_bps <= a.p95_bps);
  CHECK(a.simulation_message.find("Cont, Stoikov and Talreja") != std::string::npos);

  fp::shard_fit none = fp::fit_shard(s, synthetic_data(), {.episodes = 0});
  fp::simulate_shard(none, s, {.episodes = 0}, synthetic_data(), loader);
  CHECK(calls == 0);
  CHECK(none.simulation_message == "no simulation (episodes = 0)");
  CHECK(std::isnan(none.expected_bps));
  CHECK_THROWS_AS(fp::simulate_shard(none, s, {.episodes = 1}, synthetic_data(), loader), fp::invalid_argument);
}

TEST_CASE("simulate_shard: a source with order flow calls the loader once, and what it throws is the message") {
  const fp::shard s{.id = "day", .source = "lobster"};
  const fp::shard_params p{.episodes = 20};
  int calls = 0;
  fp::shard_fit fit = fp::fit_shard(s, synthetic_data(), p);
  fp::simulate_shard(fit, s, p, synthetic_data(), [&]() -> fp::shard_order_flow {
    ++calls;
    throw fp::data_error("day.csv", 3, 2, "price", "not a number (got 'abc')");
  });
  CHECK(calls == 1);
  CHECK(std::isnan(fit.expected_bps));
  CHECK(fit.simulation_message.find("no simulation: the order-book model could not be fitted: ") == 0);
  CHECK(fit.simulation_message.find("not a number") != std::string::npos);
}

TEST_CASE("backtest_shard: each method's scores when asked, nothing without p.backtest") {
  const fp::shard s{.id = "synth-1", .source = "synthetic"};
  fp::shard_fit fit = fp::fit_shard(s, synthetic_data(), {});
  fp::shard_fit off = fit;
  fp::backtest_shard<fp::bayesian_linear>(off, synthetic_data(), {.backtest = false});
  CHECK(off.backtest.empty());
  CHECK(off.backtest_message.empty());
  fp::backtest_shard<fp::bayesian_linear>(fit, synthetic_data(), {.backtest = true});
  REQUIRE(fit.backtest.size() == 4);
  CHECK(fit.backtest[0].method == "engine");
  CHECK(fit.backtest[0].metaorders > 0);
  CHECK(std::isfinite(fit.backtest[0].crps_bps));
  CHECK(fit.backtest_message.find("walk-forward folds") != std::string::npos);
}

}  // namespace unity_shard_steps
