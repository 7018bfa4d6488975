// The MLP tests' problem sizes; their data sets are footprint::problems::smooth and
// footprint::problems::heteroscedastic (data/synthetic/regression_problems.hpp).
#pragma once

#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/types.hpp"

namespace mlp_test {

namespace fp = footprint;

/// Debug builds (the ASan/UBSan CI job) run unoptimised Eigen, about 50 times slower: the
/// slowest tests use smaller problems there (also with -DFOOTPRINT_MLP_TEST_SMALL).
#if defined(NDEBUG) && !defined(FOOTPRINT_MLP_TEST_SMALL)
inline constexpr bool small = false;
#else
inline constexpr bool small = true;
#endif

}  // namespace mlp_test
