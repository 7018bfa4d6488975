// metaorder_fills (tca/metaorder_fills.hpp) on the built-in synthetic market: one parent order
// per metaorder, its fills its market orders, their quantities adding up to the metaorder's,
// and their VWAP against the arrival mid giving back the metaorder's own shortfall label.
#include "footprint/tca/metaorder_fills.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_metaorder_fills {

namespace fp = footprint;

TEST_CASE("metaorder_fills: the built-in market's metaorders as parent orders that give back their labels") {
  const fp::impact_pipeline_result r =
      fp::synthetic_dataset({.session_seconds = 3600.0, .volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5});
  const std::vector<fp::order_fills> orders = fp::metaorder_fills(r);
  const fp::impact_dataset& meta = r.metaorders;
  REQUIRE(orders.size() == std::size_t(meta.rows()));
  const fp::index children = meta.feature_column("n_children");
  const fp::vector label = meta.label("shortfall_bps");
  std::size_t checked = 0;
  for (fp::index i = 0; i < meta.rows(); ++i) {
    const fp::order_fills& o = orders[std::size_t(i)];
    CHECK(o.order_id == "M" + std::to_string(i));
    if (double(o.fills.size()) != meta.X(i, children) || !std::isfinite(label[i])) continue;
    ++checked;
    CHECK(o.filled_quantity() == doctest::Approx(meta.quantity[i]).epsilon(1e-12));
    const double cost = fp::sign(o.side) * (o.vwap() - meta.arrival_mid[i]) / meta.arrival_mid[i] * 1e4;
    CHECK(cost == doctest::Approx(label[i]).epsilon(1e-9));
  }
  CHECK(checked > 100);
}

}  // namespace unity_metaorder_fills
