// order_design: orientation of directional features by the order's side, taken/opposite
// depths, the dropped mid, and agreement between dataset rows and hypothetical orders.
#include "footprint/data/order_design.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_order_design {

namespace fp = footprint;

namespace {

fp::impact_dataset two_orders() {
  fp::impact_dataset d;
  d.feature_names = {"mid",          "spread_bps", "queue_imbalance", "bid_depth_10bps", "ask_depth_10bps",
                     "ofi_norm_10s", "quantity",   "log_quantity",    "size_to_depth",   "participation",
                     "duration_s",   "n_children"};
  d.X.resize(2, 12);
  d.X << 100.0, 2.0, 0.5, 300.0, 100.0, 0.25, 50.0, std::log(50.0), 0.5, 1e-4, 0.0, 1.0,  //
      100.0, 2.0, 0.5, 300.0, 100.0, 0.25, 60.0, std::log(60.0), 0.2, 1.2e-4, 0.0, 1.0;
  d.side = {fp::side::buy, fp::side::sell};
  d.quantity = fp::vector{{50.0, 60.0}};
  d.daily_volume = 5e5;
  return d;
}

}  // namespace

TEST_CASE("order_design orients directional features and depths to the order's side") {
  const fp::impact_dataset d = two_orders();
  const fp::order_design design(d.feature_names);
  CHECK(design.arrival_features() == 6);
  CHECK(design.names() == std::vector<std::string>{"spread_bps", "queue_imbalance", "opposite_depth_10bps",
                                                   "taken_depth_10bps", "ofi_norm_10s", "quantity", "log_quantity",
                                                   "size_to_depth", "participation"});
  const std::vector<fp::index> rows{0, 1};
  const fp::matrix X = design.rows(d, rows);
  REQUIRE(X.rows() == 2);
  // the buy: as recorded
  CHECK(X(0, 0) == 2.0);
  CHECK(X(0, 1) == 0.5);
  CHECK(X(0, 2) == 300.0);  // opposite = bid
  CHECK(X(0, 3) == 100.0);  // taken = ask
  CHECK(X(0, 4) == 0.25);
  // the sell: imbalance and OFI flip, the bid is taken
  CHECK(X(1, 1) == -0.5);
  CHECK(X(1, 2) == 100.0);
  CHECK(X(1, 3) == 300.0);
  CHECK(X(1, 4) == -0.25);
  CHECK(X(1, 5) == 60.0);
  CHECK(X(1, 7) == 0.2);
}

TEST_CASE("order_design order_row equals the dataset row of the same order") {
  const fp::impact_dataset d = two_orders();
  const fp::order_design design(d.feature_names);
  const std::vector<fp::index> rows{1};
  const fp::matrix X = design.rows(d, rows);
  const std::vector<double> arrival{100.0, 2.0, 0.5, 300.0, 100.0, 0.25};
  std::vector<double> out(static_cast<std::size_t>(design.size()));
  // the sell of 60 took a best bid of 300 shares: size_to_depth 0.2
  design.order_row(arrival, fp::side::sell, 60.0, 300.0, 5e5, out);
  for (fp::index c = 0; c < design.size(); ++c) CHECK(out[static_cast<std::size_t>(c)] == doctest::Approx(X(0, c)));
  design.order_row(arrival, fp::side::buy, 60.0, fp::nan, 5e5, out);
  CHECK(std::isnan(out[7]));  // unknown depth: NaN, as in the dataset
}

TEST_CASE("order_design rejects datasets without size features and bad orders") {
  const std::vector<std::string> no_size{"spread_bps", "queue_imbalance"};
  CHECK_THROWS_AS(fp::order_design{no_size}, fp::invalid_argument);
  const std::vector<std::string> lonely{"ask_depth_10bps", "quantity", "log_quantity", "size_to_depth",
                                        "participation"};
  CHECK_THROWS_WITH_AS(fp::order_design{lonely}, doctest::Contains("bid_depth_10bps"), fp::invalid_argument);
  const fp::impact_dataset d = two_orders();
  const fp::order_design design(d.feature_names);
  const std::vector<double> arrival(6, 1.0);
  std::vector<double> out(static_cast<std::size_t>(design.size()));
  CHECK_THROWS_AS(design.order_row(arrival, static_cast<fp::side>(0), 1.0, 1.0, 1.0, out), fp::invalid_argument);
  CHECK_THROWS_AS(design.order_row(arrival, fp::side::buy, -1.0, 1.0, 1.0, out), fp::invalid_argument);
  CHECK_THROWS_AS(design.order_row(arrival, fp::side::buy, 1.0, 1.0, 0.0, out), fp::invalid_argument);
  const std::vector<double> short_arrival(5, 1.0);
  CHECK_THROWS_AS(design.order_row(short_arrival, fp::side::buy, 1.0, 1.0, 1.0, out), fp::dimension_mismatch);
  const std::vector<fp::index> bad_row{2};
  CHECK_THROWS_AS((void)design.rows(d, bad_row), fp::invalid_argument);
}

}  // namespace unity_order_design
