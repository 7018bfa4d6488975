// Every feature calculator satisfies the concepts it promises, for footprint's books.
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/features/adverse_selection.hpp"
#include "footprint/features/amihud_illiquidity.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/book_slope.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/depth_within_bps.hpp"
#include "footprint/features/ewma_volatility.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/kyle_lambda.hpp"
#include "footprint/features/markouts.hpp"
#include "footprint/features/multi_level_ofi.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/realized_volatility.hpp"
#include "footprint/features/stoikov_microprice.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"

#include <doctest/doctest.h>

#include <type_traits>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_conformance {

namespace fp = footprint;

// Stateless calculators.
static_assert(fp::FeatureCalculatorFor<fp::top_of_book, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::queue_imbalance, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::depth_imbalance, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::depth_within_bps, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::book_slope, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::time_of_day, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::stoikov_microprice, fp::price_level_book>);
static_assert(!fp::StatefulFeatureCalculatorFor<fp::top_of_book, fp::price_level_book>);
static_assert(!fp::StatefulFeatureCalculatorFor<fp::stoikov_microprice, fp::price_level_book>);

// Stateful calculators.
static_assert(fp::StatefulFeatureCalculatorFor<fp::order_flow_imbalance, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::multi_level_ofi, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::realized_volatility, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::ewma_volatility, fp::price_level_book>);

// Stateful and trade-aware.
static_assert(fp::StatefulFeatureCalculatorFor<fp::trade_flow, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::kyle_lambda, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::amihud_illiquidity, fp::price_level_book>);
static_assert(fp::TradeObserver<fp::trade_flow, fp::trade>);
static_assert(fp::TradeObserver<fp::kyle_lambda, fp::trade>);
static_assert(fp::TradeObserver<fp::amihud_illiquidity, fp::trade>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::adverse_selection, fp::price_level_book>);
static_assert(fp::TradeObserver<fp::adverse_selection, fp::trade>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::adverse_selection, fp::book_history>);
static_assert(!fp::TradeObserver<fp::order_flow_imbalance, fp::trade>);

// Every calculator works on the other book types too (views of a book and of a history).
static_assert(fp::StatefulFeatureCalculatorFor<fp::order_flow_imbalance, fp::book_view>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::trade_flow, fp::book_history>);
static_assert(fp::FeatureCalculatorFor<fp::stoikov_microprice, fp::book_history>);
static_assert(fp::OrderBookView<fp::book_history>);

// Compositions are calculators; stateful and trade-aware when a member is.
using level1 = fp::feature_set<fp::top_of_book, fp::queue_imbalance, fp::order_flow_imbalance>;
static_assert(fp::StatefulFeatureCalculatorFor<level1, fp::price_level_book>);
using nested = fp::feature_set<level1, fp::kyle_lambda>;
static_assert(fp::StatefulFeatureCalculatorFor<nested, fp::book_history>);
static_assert(fp::TradeObserver<nested, fp::trade>);

// Look-ahead labels are deliberately not feature calculators.
static_assert(!fp::FeatureCalculatorFor<fp::markouts, fp::price_level_book>);

// Parameters are aggregates for designated initializers.
static_assert(std::is_aggregate_v<fp::order_flow_imbalance_params>);
static_assert(std::is_aggregate_v<fp::stoikov_microprice_params>);
static_assert(std::is_aggregate_v<fp::depth_within_bps_params>);
static_assert(std::is_aggregate_v<fp::markouts_params>);

TEST_CASE("feature calculators are default-constructible with documented defaults") {
  CHECK(fp::order_flow_imbalance{}.names()[1] == "ofi_100_events");
  CHECK(fp::realized_volatility{}.names()[0] == "realized_vol_300s");
  CHECK(fp::kyle_lambda{}.names()[0] == "kyle_lambda_10s_x30");
  CHECK(fp::depth_within_bps{}.size() == 6);
}

}  // namespace unity_conformance
