// Implementation shortfall decompositions (tca/implementation_shortfall.hpp) against the
// execution issue's reference numbers: a buy of 5,000 shares, decision price 10, close 11,
// fees 10 per fill. Ten fills of 500 at 10, 11, 10, 11, ...: shortfall 2,600 (paper 5,000 -
// actual 2,400), execution 2,500 + fees 100. Without the second and third fills: Perold
// 2,000 + 1,000 + 80 = 3,080; with arrival 10.25, Wagner 250 + 1,000 + 1,000 + 750 + 80 =
// 3,080; market activity 1,000 + 750 + 80 = 1,830 (blotter's formula gives -6,570).
#include "footprint/tca/implementation_shortfall.hpp"

#include <doctest/doctest.h>

#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_implementation_shortfall {

namespace fp = footprint;

std::vector<fp::fill> ten_fills(fp::side side = fp::side::buy) {
  std::vector<fp::fill> f;
  for (int i = 0; i < 10; ++i)
    f.push_back({.side = side,
                 .quantity = 500.0,
                 .price = i % 2 == 0 ? 10.0 : 11.0,
                 .fee = 10.0,
                 .exec_id = "E" + std::to_string(i + 1)});
  return f;
}

TEST_CASE("decompose: ten fills of 500 at 10 and 11, the reference shortfall of 2,600") {
  const fp::tca_order order{
      .side = fp::side::buy, .quantity = 5000, .decision_price = 10, .arrival_price = 10, .end_price = 11};
  const fp::implementation_shortfall is = fp::decompose(order, ten_fills());
  // Paper: 5,000 x (11 - 10) = 5,000; actual: 5,000 x (11 - 10.5) - 100 = 2,400.
  CHECK(is.perold.total == 2600.0);
  CHECK(is.perold.execution == 2500.0);
  CHECK(is.perold.opportunity == 0.0);
  CHECK(is.perold.fees == 100.0);
  CHECK(is.fill_rate == 1.0);
  CHECK(is.total_bps() == doctest::Approx(520.0).epsilon(1e-12));  // 2,600 / 50,000
  CHECK(is.wagner.total == 2600.0);
  CHECK(is.market_activity.total == 2600.0);  // arrival = decision
}

TEST_CASE("decompose: eight of the ten fills, Perold 3,080, Wagner 3,080 and market activity 1,830") {
  std::vector<fp::fill> fills = ten_fills();
  fills.erase(fills.begin() + 1, fills.begin() + 3);  // without the second and third
  const fp::tca_order order{
      .side = fp::side::buy, .quantity = 5000, .decision_price = 10, .arrival_price = 10.25, .end_price = 11};
  const fp::implementation_shortfall is = fp::decompose(order, fills);
  CHECK(is.filled_quantity == 4000.0);
  CHECK(is.perold.execution == 2000.0);
  CHECK(is.perold.opportunity == 1000.0);
  CHECK(is.perold.fees == 80.0);
  CHECK(is.perold.total == 3080.0);
  CHECK(is.wagner.delay_unfilled == 250.0);
  CHECK(is.wagner.delay_filled == 1000.0);
  CHECK(is.wagner.trading == 1000.0);
  CHECK(is.wagner.opportunity == 750.0);
  CHECK(is.wagner.fees == 80.0);
  CHECK(is.wagner.total == 3080.0);
  CHECK(is.market_activity.total == 1830.0);  // blotter's formula, dividing by the intended quantity, gives -6,570
}

TEST_CASE("decompose: a sell is the mirror image, and without an arrival price Wagner's terms are NaN") {
  std::vector<fp::fill> fills = ten_fills(fp::side::sell);
  for (fp::fill& f : fills) f.price = 20.0 - f.price;  // 10, 9, 10, 9, ...
  const fp::tca_order order{.side = fp::side::sell, .quantity = 5000, .decision_price = 10, .end_price = 9};
  const fp::implementation_shortfall is = fp::decompose(order, fills);
  CHECK(is.perold.execution == 2500.0);  // sold at 9.5 on average against 10
  CHECK(is.perold.total == 2600.0);
  CHECK(std::isnan(is.wagner.total));
  CHECK(std::isnan(is.market_activity.total));
}

TEST_CASE("decompose: bad orders and fills throw") {
  const fp::tca_order order{.side = fp::side::buy, .quantity = 5000, .decision_price = 10, .end_price = 11};
  CHECK_THROWS_AS((void)fp::decompose({.quantity = 0, .decision_price = 10, .end_price = 11}, {}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::decompose(order, ten_fills(fp::side::sell)), fp::invalid_argument);
  std::vector<fp::fill> over = ten_fills();
  over.push_back(over.back());
  CHECK_THROWS_AS((void)fp::decompose(order, over), fp::invalid_argument);
  const fp::implementation_shortfall none = fp::decompose(order, {});
  CHECK(none.perold.total == 5000.0);  // all opportunity
  CHECK(none.fill_rate == 0.0);
}

}  // namespace unity_implementation_shortfall
