// Vocabulary types: fit reports, sides, orders and the Eigen aliases.
#include "footprint/types.hpp"
#include "footprint/version.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_types {

namespace fp = footprint;

TEST_CASE("fit_report::ok is true only for a normal end") {
  CHECK(fp::fit_report{}.ok());
  CHECK(fp::fit_report{.status = fp::fit_status::early_stopped}.ok());
  CHECK_FALSE(fp::fit_report{.status = fp::fit_status::max_iterations}.ok());
  CHECK_FALSE(fp::fit_report{.status = fp::fit_status::diverged}.ok());
  CHECK_FALSE(fp::fit_report{.status = fp::fit_status::numerical_issue}.ok());
  CHECK(std::isnan(fp::fit_report{}.final_loss));
}

TEST_CASE("status and side names") {
  CHECK(fp::to_string(fp::fit_status::converged) == "converged");
  CHECK(fp::to_string(fp::fit_status::max_iterations) == "max_iterations");
  CHECK(fp::to_string(fp::fit_status::numerical_issue) == "numerical_issue");
  CHECK(fp::to_string(fp::side::buy) == "buy");
  CHECK(fp::to_string(fp::side::sell) == "sell");
}

TEST_CASE("sign turns a price move into a cost") {
  // A buy pays when the price rises, a sell when it falls.
  const double move = 0.25;
  CHECK(fp::sign(fp::side::buy) * move == 0.25);
  CHECK(fp::sign(fp::side::sell) * move == -0.25);
}

TEST_CASE("an order is built with designated initializers") {
  using namespace std::chrono_literals;
  const fp::order o{.side = fp::side::sell, .quantity = 5000.0, .horizon = 30min};
  CHECK(o.side == fp::side::sell);
  CHECK(o.horizon.count() == 1'800'000'000'000);
  const fp::market_state s{};
  CHECK(std::isnan(s.mid));
  CHECK(s.features.size() == 0);
}

TEST_CASE("Ref aliases view a matrix without copying") {
  fp::matrix X = fp::matrix::Zero(3, 2);
  const fp::matrix_cref view = X;
  X(1, 1) = 7.0;
  CHECK(view(1, 1) == 7.0);
  CHECK(view.data() == X.data());
}

TEST_CASE("version constants agree") {
  const std::string s = std::to_string(fp::version_major) + "." + std::to_string(fp::version_minor) + "." +
                        std::to_string(fp::version_patch);
  CHECK(s == fp::version_string);
  CHECK(fp::version_number == fp::version_major * 10000 + fp::version_minor * 100 + fp::version_patch);
}

}  // namespace unity_types
