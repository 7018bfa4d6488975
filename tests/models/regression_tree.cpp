// Tests of footprint::regression_tree and footprint::tree_ensemble (the inference engine).
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/io/xgboost_model.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "models/allocation_counter.hpp"

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_regression_tree {

namespace fp = footprint;

// The single-row path must not allocate (allocation_counter.hpp counts heap allocations).
namespace {
std::atomic<bool>& g_count = footprint_test::g_counting;
std::atomic<long>& g_news = footprint_test::g_allocations;
}  // namespace

namespace {

/// x0 <= 1 ? (x1 <= 0 ? 1 : 2) : 3, missing x0 goes right, missing x1 goes left.
fp::regression_tree hand_tree() {
  std::vector<fp::tree_node> nodes(5);
  nodes[0] = {.feature = 0, .threshold = 1.0, .left = 1, .right = 2, .default_left = false};
  nodes[1] = {.feature = 1, .threshold = 0.0, .left = 3, .right = 4, .default_left = true};
  nodes[2] = {.value = 3.0};
  nodes[3] = {.value = 1.0};
  nodes[4] = {.value = 2.0};
  return fp::regression_tree(nodes);
}

}  // namespace

TEST_CASE("regression_tree: hand-built tree routes rows and missing values") {
  const fp::regression_tree t = hand_tree();
  CHECK(t.depth() == 2);
  CHECK(t.n_leaves() == 3);
  const double nan = fp::nan;
  CHECK(t.predict_row(std::vector<double>{1.0, 0.0}) == 1.0);  // x <= threshold goes left
  CHECK(t.predict_row(std::vector<double>{1.0, 1e-300}) == 2.0);
  CHECK(t.predict_row(std::vector<double>{2.0, -5.0}) == 3.0);
  CHECK(t.predict_row(std::vector<double>{nan, -5.0}) == 3.0);  // x0 missing: right
  CHECK(t.predict_row(std::vector<double>{0.0, nan}) == 1.0);   // x1 missing: left
}

TEST_CASE("regression_tree: invalid node arrays are rejected") {
  std::vector<fp::tree_node> cyc(3);
  cyc[0] = {.feature = 0, .left = 1, .right = 2};
  cyc[1] = {.feature = 0, .left = 0, .right = 2};  // points back to the root
  CHECK_THROWS_AS(fp::regression_tree{cyc}, fp::invalid_argument);
  std::vector<fp::tree_node> out_of_range(1);
  out_of_range[0] = {.feature = 0, .left = 1, .right = 2};
  CHECK_THROWS_AS(fp::regression_tree{out_of_range}, fp::invalid_argument);
  CHECK_THROWS_AS(fp::regression_tree(std::vector<fp::tree_node>{}), fp::invalid_argument);
  std::vector<fp::tree_node> nan_leaf(1);
  nan_leaf[0].value = fp::nan;
  CHECK_THROWS_AS(fp::regression_tree{nan_leaf}, fp::invalid_argument);
  CHECK_THROWS_AS(fp::tree_ensemble({hand_tree()}, 0.0, 1), fp::invalid_argument);  // uses feature 1
}

TEST_CASE("tree_ensemble: batch, strided and single-row predictions agree bit for bit") {
  std::vector<fp::regression_tree> trees;
  for (int k = 0; k < 21; ++k) {
    std::vector<fp::tree_node> nodes(3);
    nodes[0] = {.feature = k % 3, .threshold = 0.1 * k - 1.0, .left = 1, .right = 2, .default_left = k % 2 == 0};
    nodes[1] = {.value = 0.01 * k};
    nodes[2] = {.value = -0.03 * k + 0.5};
    trees.emplace_back(nodes);
  }
  trees.push_back(hand_tree());
  const fp::tree_ensemble e(trees, 0.25, 3, 0.5);
  fp::matrix X(203, 3);
  for (fp::index i = 0; i < X.rows(); ++i) {
    for (fp::index j = 0; j < 3; ++j)
      X(i, j) = (i * 7 + j * 13) % 17 == 0 ? fp::nan : std::sin(static_cast<double>(i * 3 + j));
  }
  const fp::vector batch = e.predict(X);
  for (fp::index i = 0; i < X.rows(); ++i) {
    std::vector<double> row{X(i, 0), X(i, 1), X(i, 2)};
    double want = 0.25;
    for (const auto& t : trees) want += t.predict_row(row);
    CHECK(batch[i] == 0.5 * want);
    CHECK(e.predict_row(row) == batch[i]);
    CHECK(e.predict_strided(X.data() + i, X.rows()) == batch[i]);
  }
  const fp::vector imp = e.feature_importances();
  CHECK(imp.size() == 3);
}

namespace {

/// A random tree of depth <= max_depth over d features whose thresholds come from `cuts`
/// (so rows hit them exactly).
fp::regression_tree random_tree(fp::detail::xoshiro256ss& g, int max_depth, int d, const std::vector<double>& cuts) {
  std::vector<fp::tree_node> nodes;
  const auto feat = [d](fp::detail::xoshiro256ss& r) {
    return static_cast<int>(r.below(static_cast<std::uint64_t>(d)));
  };
  const auto cut = [&cuts](fp::detail::xoshiro256ss& r) { return static_cast<std::size_t>(r.below(cuts.size())); };
  const auto u = [](fp::detail::xoshiro256ss& r) { return r.uniform(-1.0, 1.0); };
  const auto grow = [&](auto&& self, int depth) -> std::int32_t {
    const auto i = static_cast<std::int32_t>(nodes.size());
    nodes.emplace_back();
    if (depth == max_depth || (depth > 0 && u(g) < -0.6)) {
      nodes[static_cast<std::size_t>(i)].value = u(g);
      return i;
    }
    const int f = feat(g);
    const double t = cuts[cut(g)];
    const bool dl = u(g) < 0.0;
    const std::int32_t l = self(self, depth + 1);
    const std::int32_t r = self(self, depth + 1);
    nodes[static_cast<std::size_t>(i)] = {.feature = f, .threshold = t, .left = l, .right = r, .default_left = dl};
    return i;
  };
  grow(grow, 0);
  return fp::regression_tree(nodes);
}

/// True when tree_ensemble may choose tree_layout::rank_avx512 on this machine.
bool cpu_runs_rank_layout() {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(FOOTPRINT_NO_AVX512)
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

/// The layout tree_ensemble must choose for trees of this depth over d features (with at
/// most 255 distinct thresholds per feature).
fp::tree_layout expected_layout(int depth, int d) {
  if (depth > 8 || d > 128) return fp::tree_layout::linked;
  if (depth >= 1 && depth <= 6 && d <= 32 && cpu_runs_rank_layout()) return fp::tree_layout::rank_avx512;
  return fp::tree_layout::heap;
}

/// Checks e's predictions (batch and single row) against the trees' own rule, summed in
/// tree order (in float after each tree with float accumulation).
void check_against_trees(const fp::tree_ensemble& e, const std::vector<fp::regression_tree>& trees,
                         const fp::matrix& X) {
  const fp::vector batch = e.predict(X);
  const fp::index d = X.cols();
  for (fp::index i = 0; i < X.rows(); ++i) {
    std::vector<double> row(static_cast<std::size_t>(d));
    for (fp::index j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] = X(i, j);
    double want = e.base_score();
    auto fwant = static_cast<float>(e.base_score());
    for (const auto& t : trees) {
      want += t.predict_row(row);
      fwant = static_cast<float>(static_cast<double>(fwant) + t.predict_row(row));
    }
    const double expect = e.scale() * (e.float_accumulation() ? static_cast<double>(fwant) : want);
    CHECK(batch[i] == expect);
    CHECK(e.predict_row(row) == expect);
  }
}

}  // namespace

// The engine compiles shallow ensembles (every tree of depth <= 8) to perfect trees compared
// as integer keys (or, with depth <= 6 and <= 32 features on an AVX-512 VBMI CPU, to
// threshold ranks compared 64 trees at a time), and deeper ones to linked nodes compared as
// doubles. All must follow regression_tree's rule exactly: left iff x <= threshold, NaN to
// the default side, with rows on the thresholds, on both signed zeros, on infinities and on
// subnormals.
TEST_CASE("tree_ensemble: every layout follows the x <= threshold rule exactly") {
  const double inf = std::numeric_limits<double>::infinity();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const std::vector<double> cuts{-inf, -1.5, -tiny, -0.0, 0.0, tiny, 1e-300, 0.5, 1.5, inf};
  std::vector<double> values = cuts;
  for (double c : cuts) {
    values.push_back(std::nextafter(c, -inf));
    values.push_back(std::nextafter(c, inf));
  }
  values.push_back(fp::nan);
  fp::detail::xoshiro256ss g(11);
  // (d, max_depth, trees): heap layout up to depth 8 with <= 128 features, linked nodes
  // otherwise; rank layout from depth 1 to 6 with <= 32 features (64 trees per group: 29,
  // 70, 150 and 1,100 trees leave the last group partial)
  struct ensemble_case {
    int d;
    int max_depth;
    int n_trees;
  };
  const std::vector<ensemble_case> cases{{4, 0, 29}, {4, 1, 29},  {4, 2, 1100}, {4, 3, 29},  {4, 4, 70},
                                         {4, 5, 70}, {4, 6, 150}, {32, 6, 150}, {33, 6, 29}, {4, 7, 29},
                                         {4, 8, 29}, {4, 11, 29}, {130, 5, 29}, {130, 9, 29}};
  for (const auto& c : cases) {
    const int d = c.d;
    std::vector<fp::regression_tree> trees;
    int depth = 0;
    for (int k = 0; k < c.n_trees; ++k) {
      trees.push_back(random_tree(g, c.max_depth, d, cuts));
      depth = std::max(depth, trees.back().depth());
    }
    CAPTURE(d);
    CAPTURE(c.max_depth);
    for (const bool float_acc : {false, true}) {
      const fp::tree_ensemble e(trees, 0.125, d, 1.0, float_acc);
      CHECK(e.layout() == expected_layout(depth, d));
      fp::matrix X(150, d);
      const auto pick = [&values](fp::detail::xoshiro256ss& r) {
        return static_cast<std::size_t>(r.below(values.size()));
      };
      for (fp::index i = 0; i < X.rows(); ++i) {
        for (fp::index j = 0; j < d; ++j) X(i, j) = values[pick(g)];
      }
      check_against_trees(e, trees, X);
    }
  }
}

// The rank layout holds 255 distinct thresholds per feature (boosting's 256 bins); an
// ensemble with more, e.g. an imported model, keeps the heap layout, as exactly.
TEST_CASE("tree_ensemble: 255 distinct thresholds per feature are ranked, 256 are not") {
  for (const int n_cuts : {255, 256}) {
    std::vector<fp::regression_tree> trees;
    for (int k = 0; k < n_cuts; ++k) {
      std::vector<fp::tree_node> nodes(3);
      nodes[0] = {
          .feature = 1, .threshold = 0.01 * (k * 37 % n_cuts), .left = 1, .right = 2, .default_left = k % 3 == 0};
      nodes[1] = {.value = 0.001 * k};
      nodes[2] = {.value = -0.002 * k};
      trees.emplace_back(nodes);
    }
    const fp::tree_ensemble e(trees, 0.5, 2, 0.25);
    CAPTURE(n_cuts);
    const bool ranked = n_cuts <= 255 && cpu_runs_rank_layout();
    CHECK(e.layout() == (ranked ? fp::tree_layout::rank_avx512 : fp::tree_layout::heap));
    fp::matrix X(300, 2);
    for (fp::index i = 0; i < X.rows(); ++i) {
      X(i, 0) = 1.0;
      X(i, 1) = i % 50 == 0 ? fp::nan : 0.01 * static_cast<double>(i) - 0.005 * static_cast<double>(i % 2);
    }
    check_against_trees(e, trees, X);
  }
}

TEST_CASE("tree_ensemble: single-row prediction does not allocate") {
  std::vector<fp::regression_tree> trees(40, hand_tree());
  const fp::tree_ensemble e(trees, 0.0, 2);
  const std::vector<double> row{0.5, -1.0};
  const fp::matrix X{{0.5, -1.0}, {2.0, 0.0}, {fp::nan, 1.0}};
  fp::vector out(1);
  double s = 0.0;
  // Warm up first: the batch path's first OpenMP region starts the runtime's thread pool,
  // a one-time allocation that is not the prediction's.
  const double warm = e.predict_row(row);
  e.predict(X.middleRows(1, 1), out);
  static_cast<void>(warm);
#ifdef FOOTPRINT_TEST_COUNT_MALLOC
  g_news = 0;
  g_count = true;
#endif
  for (int k = 0; k < 100; ++k) {
    s += e.predict_row(row);
    e.predict(X.middleRows(1, 1), out);
    s += out[0];
  }
#ifdef FOOTPRINT_TEST_COUNT_MALLOC
  g_count = false;
  CHECK(g_news.load() == 0);
#else
  MESSAGE("allocation counting skipped (not glibc, or a sanitizer owns malloc)");
#endif
  CHECK(s == doctest::Approx(100 * 40 * (1.0 + 3.0)));
}

TEST_CASE("xgboost_threshold: x <= m exactly when float(x) < t") {
  for (float t : {0.5F, -0.5F, 0.0F, -0.0F, 1.0F, 3.1415927F, -2.7182817F, 1e-30F, -1e30F, 0.1F, 16777216.0F}) {
    const double m = fp::detail::xgboost_threshold(t);
    // probe doubles around m and around t
    for (double probe :
         {m, std::nextafter(m, 1e300), std::nextafter(m, -1e300), static_cast<double>(t),
          std::nextafter(static_cast<double>(t), -1e300), std::nextafter(static_cast<double>(t), 1e300)}) {
      CHECK((probe <= m) == (static_cast<float>(probe) < t));
    }
  }
}

}  // namespace unity_regression_tree
