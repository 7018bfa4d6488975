// Static checks of footprint's concepts: the archetypes satisfy them; types that break one
// requirement each do not. Conformance of shipped types is checked in conformance.cpp.
#include "footprint/concepts.hpp"
#include "static/archetypes.hpp"

#include <doctest/doctest.h>

#include <array>
#include <span>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_concepts {

namespace fp = footprint;

// ---- archetypes satisfy their concepts
static_assert(fp::PredictiveDistribution<archetype::distribution>);
static_assert(fp::Regressor<archetype::regressor>);
static_assert(fp::WeightedRegressor<archetype::weighted_regressor>);
static_assert(fp::ProbabilisticRegressor<archetype::probabilistic_regressor>);
static_assert(fp::OrderBookView<archetype::book>);
static_assert(fp::OrderBookView<const archetype::book&>);
static_assert(fp::OrderBookView<archetype::member_book>);
static_assert(fp::FeatureCalculatorFor<archetype::mid_feature, archetype::book>);
static_assert(fp::FeatureCalculatorFor<archetype::mid_feature, archetype::member_book>);
static_assert(fp::StatefulFeatureCalculatorFor<archetype::update_counter, archetype::book>);
static_assert(fp::StatefulFeatureCalculatorFor<archetype::signed_volume, archetype::book>);
static_assert(fp::TradeObserver<archetype::signed_volume, archetype::trade>);
static_assert(fp::ImpactModel<archetype::impact_model>);
static_assert(fp::DriftDetector<archetype::drift_detector>);
static_assert(fp::EventReader<archetype::event_reader, int>);

// ---- refinements are strict
static_assert(!fp::WeightedRegressor<archetype::regressor>);
static_assert(!fp::ProbabilisticRegressor<archetype::regressor>);
static_assert(!fp::StatefulFeatureCalculatorFor<archetype::mid_feature, archetype::book>);
static_assert(!fp::TradeObserver<archetype::update_counter, archetype::trade>);  // observes books only

namespace broken {

// A distribution without cdf.
struct no_cdf {};
inline double mean(const no_cdf&) { return 0; }
inline double standard_deviation(const no_cdf&) { return 1; }
inline double quantile(const no_cdf&, double) { return 0; }

// Regressors each missing one requirement.
struct predict_not_const {
  fp::fit_report fit(const fp::matrix&, const fp::vector&) { return {}; }
  fp::vector predict(const fp::matrix& X) { return fp::vector::Zero(X.rows()); }
  bool is_fitted() const { return true; }
  fp::index n_features() const { return 0; }
};
struct fit_returns_void {
  void fit(const fp::matrix&, const fp::vector&) {}
  fp::vector predict(const fp::matrix& X) const { return fp::vector::Zero(X.rows()); }
  bool is_fitted() const { return true; }
  fp::index n_features() const { return 0; }
};
struct predict_returns_lazy_expression {
  fp::fit_report fit(const fp::matrix&, const fp::vector&) { return {}; }
  auto predict(const fp::matrix& X) const { return fp::vector::Zero(X.rows()); }  // a CwiseNullaryOp
  bool is_fitted() const { return true; }
  fp::index n_features() const { return 0; }
};
struct no_is_fitted {
  fp::fit_report fit(const fp::matrix&, const fp::vector&) { return {}; }
  fp::vector predict(const fp::matrix& X) const { return fp::vector::Zero(X.rows()); }
  fp::index n_features() const { return 0; }
};
struct not_movable : archetype::regressor {
  not_movable() = default;
  not_movable(not_movable&&) = delete;
};
// Probabilistic regressors with a bad distribution or container.
struct bad_distribution : archetype::regressor {
  using distribution_type = no_cdf;
  std::vector<no_cdf> predict_distribution(const fp::matrix&) const { return {}; }
};
struct no_distribution_type : archetype::regressor {
  std::vector<archetype::distribution> predict_distribution(const fp::matrix&) const { return {}; }
};
struct wrong_container : archetype::regressor {
  using distribution_type = archetype::distribution;
  std::array<archetype::distribution, 1> predict_distribution(const fp::matrix&) const { return {}; }
};

// A book with no traits and no members; a book missing its timestamp.
struct unadapted_book {
  double bid, ask;
};
struct book_without_timestamp {
  fp::index bid_levels() const { return 0; }
  fp::index ask_levels() const { return 0; }
  double bid_price(fp::index) const { return 0; }
  double bid_quantity(fp::index) const { return 0; }
  double ask_price(fp::index) const { return 0; }
  double ask_quantity(fp::index) const { return 0; }
};

// Feature calculators each missing one requirement.
struct compute_may_throw {
  std::size_t size() const { return 1; }
  std::span<const std::string> names() const { return {}; }
  void compute(const archetype::book&, std::span<double>) {}  // not noexcept
};
struct names_wrong_type {
  std::size_t size() const { return 1; }
  std::vector<int> names() const { return {}; }
  void compute(const archetype::book&, std::span<double>) noexcept {}
};
struct no_size {
  std::span<const std::string> names() const { return {}; }
  void compute(const archetype::book&, std::span<double>) noexcept {}
};
struct reset_may_throw : archetype::mid_feature {
  void update(const archetype::book&) noexcept {}
  void reset() {}
};

// A trade observer whose update(trade) may throw; one that takes another trade type.
struct trade_update_may_throw : archetype::update_counter {
  using archetype::update_counter::update;
  void update(const archetype::trade&) {}  // not noexcept
};
struct other_trade {
  double px = 0.0;
};

// Impact models with the wrong signature.
struct predict_cost_not_const {
  fp::cost_estimate predict_cost(const fp::order&, const fp::market_state&) { return {}; }
};
struct predict_cost_returns_double {
  double predict_cost(const fp::order&, const fp::market_state&) const { return 0; }
};

// Event streams each missing one requirement.
struct next_returns_void {
  void next(int&) {}
  [[nodiscard]] int report() const { return 0; }
};
struct report_not_const {
  bool next(int&) { return false; }
  int report() { return 0; }
};

// Execution policies that are not: act returns a quantity, act takes a mutable observation,
// no reset.
struct act_returns_double {
  double act(const fp::execution_observation& o) const { return o.remaining; }
  void reset() {}
};
struct act_takes_mutable {
  fp::child_order act(fp::execution_observation& o) const { return {.quantity = o.remaining}; }
  void reset() {}
};
struct policy_without_reset {
  fp::child_order act(const fp::execution_observation& o) const { return {.quantity = o.remaining}; }
};
struct environment_without_side {
  void reset(std::uint64_t) {}
  [[nodiscard]] fp::execution_observation observe() const { return {}; }
  double step(const fp::child_order&) { return 0.0; }
  [[nodiscard]] bool done() const { return true; }
};
struct environment_step_returns_order {
  void reset(std::uint64_t) {}
  [[nodiscard]] fp::execution_observation observe() const { return {}; }
  fp::child_order step(const fp::child_order& c) { return c; }
  [[nodiscard]] bool done() const { return true; }
  [[nodiscard]] fp::side side() const { return fp::side::buy; }
};

}  // namespace broken

static_assert(!fp::PredictiveDistribution<broken::no_cdf>);
static_assert(!fp::PredictiveDistribution<double>);
static_assert(!fp::Regressor<broken::predict_not_const>);
static_assert(!fp::Regressor<broken::fit_returns_void>);
static_assert(!fp::Regressor<broken::predict_returns_lazy_expression>);
static_assert(!fp::Regressor<broken::no_is_fitted>);
static_assert(!fp::Regressor<broken::not_movable>);
static_assert(!fp::ProbabilisticRegressor<broken::bad_distribution>);
static_assert(!fp::ProbabilisticRegressor<broken::no_distribution_type>);
static_assert(!fp::ProbabilisticRegressor<broken::wrong_container>);
static_assert(!fp::OrderBookView<broken::unadapted_book>);
static_assert(!fp::OrderBookView<broken::book_without_timestamp>);
static_assert(!fp::OrderBookView<int>);
static_assert(!fp::FeatureCalculatorFor<broken::compute_may_throw, archetype::book>);
static_assert(!fp::FeatureCalculatorFor<broken::names_wrong_type, archetype::book>);
static_assert(!fp::FeatureCalculatorFor<broken::no_size, archetype::book>);
static_assert(!fp::FeatureCalculatorFor<archetype::mid_feature, broken::unadapted_book>);
static_assert(!fp::StatefulFeatureCalculatorFor<broken::reset_may_throw, archetype::book>);
static_assert(!fp::TradeObserver<broken::trade_update_may_throw, archetype::trade>);
static_assert(!fp::TradeObserver<archetype::signed_volume, broken::other_trade>);
static_assert(!fp::TradeObserver<archetype::mid_feature, archetype::trade>);
static_assert(!fp::ImpactModel<broken::predict_cost_not_const>);
static_assert(!fp::ImpactModel<broken::predict_cost_returns_double>);
static_assert(!fp::ImpactModel<archetype::regressor>);
static_assert(!fp::EventReader<broken::next_returns_void, int>);
static_assert(!fp::EventReader<broken::report_not_const, int>);
static_assert(!fp::EventReader<archetype::event_reader, double>);  // next(int&) takes no double
static_assert(fp::ExecutionPolicy<archetype::halving_policy>);
static_assert(!fp::ExecutionPolicy<broken::act_returns_double>);
static_assert(!fp::ExecutionPolicy<broken::act_takes_mutable>);
static_assert(!fp::ExecutionPolicy<broken::policy_without_reset>);
static_assert(fp::ExecutionEnvironment<archetype::flat_environment>);
static_assert(!fp::ExecutionEnvironment<broken::environment_without_side>);
static_assert(!fp::ExecutionEnvironment<broken::environment_step_returns_order>);

TEST_CASE("archetypes behave as their concepts promise") {
  archetype::regressor r;
  CHECK_FALSE(r.is_fitted());
  const fp::matrix X = fp::matrix::Ones(4, 2);
  const fp::vector y = fp::vector{{1, 2, 3, 4}};
  CHECK(r.fit(X, y).ok());
  CHECK(r.is_fitted());
  CHECK(r.n_features() == 2);
  CHECK(r.predict(X)[3] == doctest::Approx(2.5));

  archetype::book b;
  archetype::mid_feature mid;
  std::array<double, 1> out{};
  mid.compute(b, out);
  CHECK(out[0] == doctest::Approx(100.0));
  CHECK(mid.names()[0] == "mid");

  archetype::update_counter counter;
  counter.update(b);
  counter.update(b);
  counter.compute(b, out);
  CHECK(out[0] == 2.0);
  counter.reset();
  counter.compute(b, out);
  CHECK(out[0] == 0.0);

  archetype::signed_volume flow;
  flow.update(archetype::trade{.price = 100.0, .quantity = 30.0, .sign = 1});
  flow.update(archetype::trade{.price = 100.0, .quantity = 10.0, .sign = -1});
  flow.update(b);
  flow.compute(b, out);
  CHECK(out[0] == 20.0);
  flow.reset();
  flow.compute(b, out);
  CHECK(out[0] == 0.0);

  archetype::event_reader events;
  int e = 0;
  int sum = 0;
  while (events.next(e)) sum += e;
  CHECK(sum == 6);
  CHECK(events.report() == 3);

  archetype::halving_policy halving;
  const fp::execution_observation first{.step = 0, .n_steps = 3, .quantity = 8.0, .remaining = 8.0};
  CHECK(halving.act(first).quantity == 4.0);
  CHECK(halving.act(fp::execution_observation{.step = 2, .n_steps = 3, .quantity = 8.0, .remaining = 2.0}).quantity ==
        2.0);
  CHECK(halving.decisions == 2);
  halving.reset();
  CHECK(halving.decisions == 0);

  archetype::flat_environment env;
  env.reset(1);
  while (!env.done()) CHECK(env.step(halving.act(env.observe())) == 1.0);  // half, then the rest
  CHECK(env.remaining == 0.0);

  // The forwarding traits reach the members of member_book.
  using traits = fp::order_book_traits<archetype::member_book>;
  CHECK(traits::ask_price(archetype::member_book{}, 0) == 101.0);
}

}  // namespace unity_concepts
