// The splitters: walk-forward (scikit-learn's TimeSeriesSplit indices, expanding and rolling,
// gap in rows and in time), purged k-fold and combinatorial purged cross-validation with
// embargo (Lopez de Prado 2018, ch. 7 and 12): no leakage on random label intervals, split
// and path counts, path reconstruction, exact error messages.
#include "footprint/validation/combinatorial_purged_cv.hpp"
#include "footprint/validation/purged_kfold.hpp"
#include "footprint/validation/walk_forward.hpp"

#include "footprint/detail/random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_splitters {

namespace fp = footprint;
using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;
using rows = std::vector<fp::index>;

static_assert(std::is_aggregate_v<fp::walk_forward_params>);
static_assert(std::is_aggregate_v<fp::purged_kfold_params>);
static_assert(std::is_aggregate_v<fp::combinatorial_purged_cv_params>);
static_assert(std::input_iterator<fp::walk_forward::iterator>);
static_assert(std::sentinel_for<std::default_sentinel_t, fp::purged_kfold::iterator>);
static_assert(std::input_iterator<fp::combinatorial_purged_cv::iterator>);

namespace {

// One split as owning vectors: (train, test).
using split_rows = std::pair<rows, rows>;

template <class Splitter>
std::vector<split_rows> all_splits(const Splitter& splitter) {
  std::vector<split_rows> out;
  fp::index expected_id = 0;
  for (const fp::cv_split s : splitter) {
    CHECK(s.id == expected_id);
    ++expected_id;
    out.emplace_back(rows(s.train.begin(), s.train.end()), rows(s.test.begin(), s.test.end()));
  }
  return out;
}

rows range(fp::index begin, fp::index end) {
  rows r;
  for (fp::index i = begin; i < end; ++i) r.push_back(i);
  return r;
}

// Label intervals in time order: start times on a 1 s grid with ties (steps of 0, 1 or 2 s),
// horizons exponential with mean `mean_horizon_s` seconds, a fifth of them zero (labels
// observed at one instant).
struct intervals {
  std::vector<ns> t0;
  std::vector<ns> t1;
};

intervals random_intervals(std::uint64_t seed, fp::index n, double mean_horizon_s) {
  fp::detail::xoshiro256ss rng(seed);
  intervals iv;
  ns t{0};
  for (fp::index i = 0; i < n; ++i) {
    t += std::chrono::seconds(static_cast<std::int64_t>(rng.below(3)));
    const double horizon_s = rng.uniform() < 0.2 ? 0.0 : rng.exponential(1.0 / mean_horizon_s);
    iv.t0.push_back(t);
    iv.t1.push_back(t + ns(static_cast<std::int64_t>(horizon_s * 1e9)));
  }
  return iv;
}

bool overlaps(const intervals& iv, fp::index i, fp::index j) {
  const auto u = static_cast<std::size_t>(i);
  const auto v = static_cast<std::size_t>(j);
  return iv.t0[u] <= iv.t1[v] && iv.t0[v] <= iv.t1[u];
}

// Checks one purged split by brute force; returns "" or the first violation. Rules:
// train and test sorted and disjoint; (1) no training label overlaps a test label; (2) after
// each test block [b, e) (a maximal run of consecutive test rows, T = max t1 over it, h = the
// first row after it whose label starts after T), every training row i >= e has
// t0_i > T + embargo and i >= h + embargo_rows. And minimality: every row neither trained nor
// tested breaks one of the rules. Adds the rows dropped to `dropped`.
std::string leakage(const intervals& iv, const rows& train, const rows& test, ns embargo, fp::index embargo_rows,
                    fp::index& dropped) {
  const auto n = static_cast<fp::index>(iv.t0.size());
  if (!std::is_sorted(train.begin(), train.end()) || !std::is_sorted(test.begin(), test.end())) return "not sorted";
  if (std::adjacent_find(train.begin(), train.end()) != train.end()) return "train has a duplicate";
  if (test.empty()) return "no test rows";
  std::vector<int> role(static_cast<std::size_t>(n), 0);  // 0 dropped, 1 train, 2 test
  for (const fp::index i : train) role[static_cast<std::size_t>(i)] = 1;
  for (const fp::index j : test) {
    if (role[static_cast<std::size_t>(j)] != 0) return "train and test share row " + std::to_string(j);
    role[static_cast<std::size_t>(j)] = 2;
  }
  struct block {
    fp::index begin, end, purged_end;
    ns last_end;
  };
  std::vector<block> blocks;
  for (std::size_t a = 0; a < test.size();) {
    std::size_t z = a + 1;
    while (z < test.size() && test[z] == test[z - 1] + 1) ++z;
    block b{test[a], test[z - 1] + 1, 0, ns::min()};
    for (fp::index j = b.begin; j < b.end; ++j) b.last_end = std::max(b.last_end, iv.t1[static_cast<std::size_t>(j)]);
    b.purged_end = b.end;
    while (b.purged_end < n && iv.t0[static_cast<std::size_t>(b.purged_end)] <= b.last_end) ++b.purged_end;
    blocks.push_back(b);
    a = z;
  }
  for (fp::index i = 0; i < n; ++i) {
    if (role[static_cast<std::size_t>(i)] == 2) continue;
    bool breaks = false;
    for (const fp::index j : test) breaks = breaks || overlaps(iv, i, j);
    for (const block& b : blocks) {
      if (i < b.end) continue;
      const bool embargoed =
          iv.t0[static_cast<std::size_t>(i)] <= b.last_end + embargo || i < b.purged_end + embargo_rows;
      breaks = breaks || embargoed;
    }
    if (role[static_cast<std::size_t>(i)] == 1 && breaks) return "training row " + std::to_string(i) + " leaks";
    if (role[static_cast<std::size_t>(i)] == 0 && !breaks) return "row " + std::to_string(i) + " dropped for nothing";
    if (role[static_cast<std::size_t>(i)] == 0) ++dropped;
  }
  return "";
}

fp::index binomial(fp::index n, fp::index k) {  // Pascal's triangle, independent of the library's
  std::vector<std::vector<fp::index>> c(static_cast<std::size_t>(n + 1));
  for (fp::index a = 0; a <= n; ++a) {
    c[static_cast<std::size_t>(a)].assign(static_cast<std::size_t>(a + 1), 1);
    for (fp::index b = 1; b < a; ++b) {
      c[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)] =
          c[static_cast<std::size_t>(a - 1)][static_cast<std::size_t>(b - 1)] +
          c[static_cast<std::size_t>(a - 1)][static_cast<std::size_t>(b)];
    }
  }
  return c[static_cast<std::size_t>(n)][static_cast<std::size_t>(k)];
}

// Point labels at 0, 1, ..., n - 1 seconds.
intervals points(fp::index n) {
  intervals iv;
  for (fp::index i = 0; i < n; ++i) {
    iv.t0.push_back(std::chrono::seconds(i));
    iv.t1.push_back(std::chrono::seconds(i));
  }
  return iv;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// walk-forward

// scikit-learn is not installed on this machine (Debian's /usr/bin/python3 has no sklearn),
// so the expected indices are (a) the outputs printed in the docstring of
// sklearn.model_selection.TimeSeriesSplit (checked by scikit-learn's doctests) and (b) derived
// by hand from its algorithm (_split, scikit-learn 1.2): test_size = n_samples // (n_splits + 1)
// unless given; test_starts = range(n_samples - n_splits * test_size, n_samples, test_size);
// train_end = test_start - gap; train = [train_end - max_train_size, train_end) if
// max_train_size and max_train_size < train_end, else [0, train_end).
TEST_CASE("walk_forward reproduces scikit-learn's TimeSeriesSplit indices") {
  SUBCASE("docstring: TimeSeriesSplit() on 6 samples") {
    const std::vector<split_rows> expected = {
        {{0}, {1}}, {{0, 1}, {2}}, {{0, 1, 2}, {3}}, {{0, 1, 2, 3}, {4}}, {{0, 1, 2, 3, 4}, {5}}};
    CHECK(all_splits(fp::walk_forward(6)) == expected);
  }
  SUBCASE("docstring: TimeSeriesSplit(n_splits=3, test_size=2) on 12 samples") {
    const std::vector<split_rows> expected = {{range(0, 6), {6, 7}}, {range(0, 8), {8, 9}}, {range(0, 10), {10, 11}}};
    CHECK(all_splits(fp::walk_forward(12, {.n_splits = 3, .test_size = 2})) == expected);
  }
  SUBCASE("docstring: TimeSeriesSplit(n_splits=3, test_size=2, gap=2) on 12 samples") {
    const std::vector<split_rows> expected = {{range(0, 4), {6, 7}}, {range(0, 6), {8, 9}}, {range(0, 8), {10, 11}}};
    CHECK(all_splits(fp::walk_forward(12, {.n_splits = 3, .test_size = 2, .gap_rows = 2})) == expected);
  }
  SUBCASE("by hand: TimeSeriesSplit(n_splits=3, max_train_size=2, test_size=1) on 6 samples") {
    // test_starts 3, 4, 5; train_end 3, 4, 5 > 2: the last two rows
    const std::vector<split_rows> expected = {{{1, 2}, {3}}, {{2, 3}, {4}}, {{3, 4}, {5}}};
    CHECK(all_splits(fp::walk_forward(6, {.n_splits = 3, .test_size = 1, .max_train_size = 2})) == expected);
  }
  SUBCASE("by hand: TimeSeriesSplit(n_splits=4, max_train_size=5, gap=1) on 20 samples") {
    // test_size 20 // 5 = 4; test_starts 4, 8, 12, 16; train_end 3, 7, 11, 15; 5 < 3 is false
    const std::vector<split_rows> expected = {{range(0, 3), range(4, 8)},
                                              {range(2, 7), range(8, 12)},
                                              {range(6, 11), range(12, 16)},
                                              {range(10, 15), range(16, 20)}};
    CHECK(all_splits(fp::walk_forward(20, {.n_splits = 4, .gap_rows = 1, .max_train_size = 5})) == expected);
  }
  SUBCASE("by hand: TimeSeriesSplit(n_splits=4) on 23 samples: test_size 23 // 5 = 4, the first train takes the rest") {
    const std::vector<split_rows> expected = {{range(0, 7), range(7, 11)},
                                              {range(0, 11), range(11, 15)},
                                              {range(0, 15), range(15, 19)},
                                              {range(0, 19), range(19, 23)}};
    const fp::walk_forward wf(23, {.n_splits = 4});
    CHECK(wf.test_size() == 4);
    CHECK(wf.test_rows(0) == fp::row_range{7, 11});
    CHECK(all_splits(wf) == expected);
  }
}

TEST_CASE("walk_forward: train strictly before test minus the gap, expanding grows, rolling has a fixed size") {
  const fp::index n = 250;
  for (const fp::index gap_rows : {0, 3, 17}) {
    for (const fp::index window : {0, 40}) {
      CAPTURE(gap_rows);
      CAPTURE(window);
      const fp::walk_forward wf(n, {.n_splits = 6, .test_size = 30, .gap_rows = gap_rows, .max_train_size = window});
      const std::vector<split_rows> splits = all_splits(wf);
      REQUIRE(splits.size() == 6);
      for (std::size_t k = 0; k < splits.size(); ++k) {
        const rows& train = splits[k].first;
        const rows& test = splits[k].second;
        CHECK(test == range(n - static_cast<fp::index>(6 - k) * 30, n - static_cast<fp::index>(5 - k) * 30));
        REQUIRE(!train.empty());
        CHECK(train.back() + gap_rows < test.front());       // strictly before test minus the gap
        CHECK(train.back() + gap_rows + 1 == test.front());  // and no further
        CHECK(train == range(train.front(), train.back() + 1));
        if (window == 0) {
          CHECK(train.front() == 0);
          if (k > 0) CHECK(train.size() == splits[k - 1].first.size() + 30);  // grows by one test block
        } else {
          CHECK(train.size() == 40);  // 250 - 180 - 17 = 53 rows precede the first block: always full
        }
      }
    }
  }
}

TEST_CASE("walk_forward with label intervals: training labels end before the test starts minus the gap") {
  const fp::index n = 300;
  fp::index purged = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const intervals iv = random_intervals(seed, n, 4.0);
    for (const ns gap : {ns{0}, ns{2s}, ns{7500ms}}) {
      for (const fp::index window : {0, 60}) {
        const fp::walk_forward wf(
            iv.t0, iv.t1, {.n_splits = 5, .test_size = 40, .gap_rows = 2, .max_train_size = window, .gap = gap});
        rows previous;
        for (const fp::cv_split s : wf) {
          const ns first_test_start = iv.t0[static_cast<std::size_t>(s.test.front())];
          fp::index bad = 0;
          for (const fp::index i : s.train) {
            if (!(iv.t1[static_cast<std::size_t>(i)] < first_test_start - gap)) ++bad;
            if (!(i + 2 < s.test.front())) ++bad;
            for (const fp::index j : s.test) bad += overlaps(iv, i, j) ? 1 : 0;
          }
          CHECK(bad == 0);
          // minimality: the rows of the window left out are exactly the ones whose label ends too late
          const fp::index train_end = s.test.front() - 2;
          rows eligible;
          for (fp::index i = 0; i < train_end; ++i) {
            if (iv.t1[static_cast<std::size_t>(i)] < first_test_start - gap) eligible.push_back(i);
          }
          purged += train_end - static_cast<fp::index>(eligible.size());
          if (window == 0) {
            CHECK(rows(s.train.begin(), s.train.end()) == eligible);
            CHECK(std::includes(s.train.begin(), s.train.end(), previous.begin(), previous.end()));  // grows
          } else {
            CHECK(static_cast<fp::index>(s.train.size()) ==
                  std::min<fp::index>(60, static_cast<fp::index>(eligible.size())));
            CHECK(std::equal(s.train.begin(), s.train.end(),
                             eligible.end() - static_cast<std::ptrdiff_t>(s.train.size())));
          }
          previous.assign(s.train.begin(), s.train.end());
        }
      }
    }
  }
  CHECK(purged > 1000);  // the intervals do overlap: the property is not vacuous
  // point labels at distinct times and no gap in time: the row splits exactly
  const intervals p = points(40);
  const fp::walk_forward_params params{.n_splits = 4, .gap_rows = 2, .max_train_size = 9};
  CHECK(all_splits(fp::walk_forward(p.t0, p.t1, params)) == all_splits(fp::walk_forward(40, params)));
}

// ---------------------------------------------------------------------------------------
// purged k-fold

TEST_CASE("purged_kfold: folds as KFold, purging and embargo on a hand example") {
  // rows at 0, 1, ..., 9 s, each label lasting 1.5 s: it overlaps the next row's, not the one after
  std::vector<ns> t0;
  std::vector<ns> t1;
  for (int i = 0; i < 10; ++i) {
    t0.push_back(std::chrono::seconds(i));
    t1.push_back(std::chrono::seconds(i) + 1500ms);
  }
  rows train;
  rows test;
  const fp::purged_kfold cv(t0, t1, {.n_splits = 5});
  CHECK(cv.n_splits() == 5);
  cv.split(2, train, test);  // test rows 4, 5 (4 s to 6.5 s)
  CHECK(test == rows{4, 5});
  CHECK(train == rows{0, 1, 2, 7, 8, 9});  // row 3 ends at 4.5 s, row 6 starts at 6 s
  cv.split(0, train, test);
  CHECK(train == range(3, 10));
  cv.split(4, train, test);
  CHECK(train == range(0, 7));
  // embargo of 1 s: labels after the fold must start after 7.5 s
  fp::purged_kfold(t0, t1, {.n_splits = 5, .embargo = 1s}).split(2, train, test);
  CHECK(train == rows{0, 1, 2, 8, 9});
  // embargo of 20% of the rows: 2 more rows after the purged row 6 (de Prado's maxT1Idx + mbrg)
  const fp::purged_kfold by_rows(t0, t1, {.n_splits = 5, .embargo_fraction = 0.2});
  CHECK(by_rows.embargo_rows() == 2);
  by_rows.split(2, train, test);
  CHECK(train == rows{0, 1, 2, 9});
  // both: the later bound wins (rows: 7 + 1 = 8; time: first start after 7.5 s is row 8)
  fp::purged_kfold(t0, t1, {.n_splits = 5, .embargo = 1s, .embargo_fraction = 0.1}).split(2, train, test);
  CHECK(train == rows{0, 1, 2, 8, 9});
  fp::purged_kfold(t0, t1, {.n_splits = 5, .embargo = 1s, .embargo_fraction = 0.3}).split(2, train, test);
  CHECK(train == rows{0, 1, 2});
  // rows before the fold are never embargoed
  fp::purged_kfold(t0, t1, {.n_splits = 5, .embargo = 100s}).split(4, train, test);
  CHECK(train == range(0, 7));
  // folds as numpy's array_split: 11 rows in 3 folds of 4, 4, 3
  const std::vector<ns> u(11, ns{0});
  const fp::purged_kfold eleven(u, u, {.n_splits = 3});
  CHECK(eleven.test_rows(0) == fp::row_range{0, 4});
  CHECK(eleven.test_rows(1) == fp::row_range{4, 8});
  CHECK(eleven.test_rows(2) == fp::row_range{8, 11});
  eleven.split(1, train, test);
  CHECK(train.empty());  // every label at the same instant overlaps every other: nothing trains
}

TEST_CASE("purged_kfold: no leakage on random intervals, every row tested exactly once") {
  const fp::index n = 240;
  fp::index dropped = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const intervals iv = random_intervals(seed, n, 3.0);
    for (const fp::index n_splits : {2, 5, 7}) {
      for (const ns embargo : {ns{0}, ns{5s}}) {
        for (const double fraction : {0.0, 0.03}) {
          const fp::purged_kfold cv(iv.t0, iv.t1,
                                    {.n_splits = n_splits, .embargo = embargo, .embargo_fraction = fraction});
          CHECK(cv.embargo_rows() == (fraction == 0.0 ? 0 : 7));  // floor(0.03 * 240)
          std::vector<int> tested(static_cast<std::size_t>(n), 0);
          for (const fp::cv_split s : cv) {
            const rows train(s.train.begin(), s.train.end());
            const rows test(s.test.begin(), s.test.end());
            CAPTURE(seed);
            CAPTURE(s.id);
            CHECK(leakage(iv, train, test, embargo, cv.embargo_rows(), dropped) == "");
            CHECK(test == range(test.front(), test.back() + 1));  // one contiguous fold
            for (const fp::index j : test) ++tested[static_cast<std::size_t>(j)];
          }
          CHECK(std::count(tested.begin(), tested.end(), 1) == n);
        }
      }
    }
  }
  CHECK(dropped > 5000);  // purging and embargo did drop rows: the property is not vacuous
}

// ---------------------------------------------------------------------------------------
// combinatorial purged cross-validation

TEST_CASE("combinatorial_purged_cv: C(N, k) splits and k C(N, k) / N paths") {
  const intervals iv = points(60);
  const fp::combinatorial_purged_cv six_two(iv.t0, iv.t1, {.n_groups = 6, .n_test_groups = 2});
  CHECK(six_two.n_splits() == 15);
  CHECK(six_two.n_paths() == 5);
  const fp::combinatorial_purged_cv ten_eight(iv.t0, iv.t1, {.n_groups = 10, .n_test_groups = 8});
  CHECK(ten_eight.n_splits() == 45);
  CHECK(ten_eight.n_paths() == 36);
  CHECK(all_splits(ten_eight).size() == 45);
  for (fp::index N = 2; N <= 12; ++N) {
    for (fp::index k = 1; k < N; ++k) {
      CAPTURE(N);
      CAPTURE(k);
      const fp::combinatorial_purged_cv cv(iv.t0, iv.t1, {.n_groups = N, .n_test_groups = k});
      REQUIRE(cv.n_splits() == binomial(N, k));
      REQUIRE(cv.n_paths() * N == k * cv.n_splits());
      CHECK(cv.n_paths() == binomial(N - 1, k - 1));
      // splits in lexicographic order of their test groups, as itertools.combinations
      rows expected_groups = range(0, k);
      std::vector<fp::index> tested(static_cast<std::size_t>(N), 0);
      std::vector<int> used(static_cast<std::size_t>(cv.n_splits() * N), 0);  // (split, group) on a path
      fp::index bad = 0;
      for (fp::index s = 0; s < cv.n_splits(); ++s) {
        const rows groups = cv.test_groups(s);
        bad += groups == expected_groups ? 0 : 1;
        for (const fp::index g : groups) ++tested[static_cast<std::size_t>(g)];
        // next combination
        fp::index i = k - 1;
        while (i >= 0 && expected_groups[static_cast<std::size_t>(i)] == N - k + i) --i;
        if (i >= 0) {
          ++expected_groups[static_cast<std::size_t>(i)];
          for (fp::index j = i + 1; j < k; ++j)
            expected_groups[static_cast<std::size_t>(j)] = expected_groups[static_cast<std::size_t>(j - 1)] + 1;
        }
      }
      CHECK(bad == 0);
      // each group is tested in C(N - 1, k - 1) splits
      CHECK(std::count(tested.begin(), tested.end(), binomial(N - 1, k - 1)) == N);
      // every path covers every group exactly once, from a split that tests it, and the paths
      // use every (split, test group) pair exactly once
      for (fp::index p = 0; p < cv.n_paths(); ++p) {
        const rows path = cv.path(p);
        REQUIRE(static_cast<fp::index>(path.size()) == N);
        for (fp::index g = 0; g < N; ++g) {
          const fp::index s = path[static_cast<std::size_t>(g)];
          const rows groups = cv.test_groups(s);
          bad += std::count(groups.begin(), groups.end(), g) == 1 ? 0 : 1;
          ++used[static_cast<std::size_t>(s * N + g)];
        }
      }
      CHECK(bad == 0);
      CHECK(std::count(used.begin(), used.end(), 1) == k * cv.n_splits());
      CHECK(std::count(used.begin(), used.end(), 0) == (N - k) * cv.n_splits());
    }
  }
}

TEST_CASE("combinatorial_purged_cv: the paths of de Prado's figure 12.1 (N = 6, k = 2)") {
  // Splits 0..14 test groups (0,1) (0,2) (0,3) (0,4) (0,5) (1,2) (1,3) (1,4) (1,5) (2,3) (2,4)
  // (2,5) (3,4) (3,5) (4,5); path p takes each group from the (p+1)-th split that tests it.
  const intervals iv = points(30);
  const fp::combinatorial_purged_cv cv(iv.t0, iv.t1, {.n_groups = 6, .n_test_groups = 2});
  CHECK(cv.test_groups(0) == rows{0, 1});
  CHECK(cv.test_groups(5) == rows{1, 2});
  CHECK(cv.test_groups(14) == rows{4, 5});
  const std::vector<rows> expected = {
      {0, 0, 1, 2, 3, 4}, {1, 5, 5, 6, 7, 8}, {2, 6, 9, 9, 10, 11}, {3, 7, 10, 12, 12, 13}, {4, 8, 11, 13, 14, 14}};
  for (fp::index p = 0; p < 5; ++p) CHECK(cv.path(p) == expected[static_cast<std::size_t>(p)]);
}

TEST_CASE("combinatorial_purged_cv: test rows are the groups' rows, adjacent groups form one block") {
  // 20 rows at 0..19 s, labels of 1.5 s, 5 groups of 4 rows, 2 test groups
  std::vector<ns> t0;
  std::vector<ns> t1;
  for (int i = 0; i < 20; ++i) {
    t0.push_back(std::chrono::seconds(i));
    t1.push_back(std::chrono::seconds(i) + 1500ms);
  }
  const fp::combinatorial_purged_cv cv(t0, t1, {.n_groups = 5, .n_test_groups = 2});
  CHECK(cv.group_rows(1) == fp::row_range{4, 8});
  rows train;
  rows test;
  cv.split(cv.path_split(1, 1), train, test);  // the second split testing group 1: groups (1, 2)
  CHECK(cv.test_groups(cv.path_split(1, 1)) == rows{1, 2});
  CHECK(test == range(4, 12));
  CHECK(train == rows{0, 1, 2, 13, 14, 15, 16, 17, 18, 19});  // one block: rows 3 and 12 purged
  cv.split(5, train, test);                                   // groups (1, 3): two blocks
  CHECK(cv.test_groups(5) == rows{1, 3});
  CHECK(test == rows{4, 5, 6, 7, 12, 13, 14, 15});
  CHECK(train == rows{0, 1, 2, 9, 10, 17, 18, 19});  // 3, 8 and 11, 16 purged
  fp::combinatorial_purged_cv(t0, t1, {.n_groups = 5, .n_test_groups = 2, .embargo_fraction = 0.1})
      .split(5, train, test);
  CHECK(train == rows{0, 1, 2, 19});  // 2 more rows after the purged 8 (9, 10) and 16 (17, 18)
}

TEST_CASE("combinatorial_purged_cv: no leakage on random intervals") {
  const fp::index n = 180;
  fp::index dropped = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const intervals iv = random_intervals(100 + seed, n, 3.0);
    for (const auto& [N, k] : {std::pair<fp::index, fp::index>{6, 2}, {10, 8}, {7, 3}}) {
      for (const ns embargo : {ns{0}, ns{4s}}) {
        for (const double fraction : {0.0, 0.02}) {
          const fp::combinatorial_purged_cv cv(
              iv.t0, iv.t1, {.n_groups = N, .n_test_groups = k, .embargo = embargo, .embargo_fraction = fraction});
          fp::index n_splits = 0;
          for (const fp::cv_split s : cv) {
            const rows train(s.train.begin(), s.train.end());
            const rows test(s.test.begin(), s.test.end());
            CAPTURE(seed);
            CAPTURE(s.id);
            CHECK(leakage(iv, train, test, embargo, cv.embargo_rows(), dropped) == "");
            // the test rows are those of the split's groups
            rows expected;
            for (const fp::index g : cv.test_groups(s.id)) {
              const rows r = range(cv.group_rows(g).begin, cv.group_rows(g).end);
              expected.insert(expected.end(), r.begin(), r.end());
            }
            CHECK(test == expected);
            ++n_splits;
          }
          CHECK(n_splits == cv.n_splits());
        }
      }
    }
  }
  CHECK(dropped > 5000);
}

TEST_CASE("splitters: split(k, train, test) gives what the iterator yields") {
  const intervals iv = random_intervals(42, 120, 2.0);
  const fp::combinatorial_purged_cv cv(iv.t0, iv.t1, {.n_groups = 5, .n_test_groups = 2, .embargo = 1s});
  const std::vector<split_rows> iterated = all_splits(cv);
  rows train;
  rows test;
  for (fp::index s = 0; s < cv.n_splits(); ++s) {
    cv.split(s, train, test);
    CHECK(split_rows(train, test) == iterated[static_cast<std::size_t>(s)]);
  }
  fp::index count = 0;
  for (auto it = cv.begin(); it != cv.end(); ++it) ++count;
  CHECK(count == 10);
}

// ---------------------------------------------------------------------------------------
// errors

TEST_CASE("splitters reject bad arguments with exact messages") {
  const intervals ok = points(10);
  const std::vector<ns> unsorted = {0s, 2s, 1s, 3s};
  const std::vector<ns> ends = {0s, 500ms, 2s, 3s};
  const std::vector<ns> starts = {0s, 1s, 2s, 3s};
  const std::vector<ns> three = {0s, 1s, 2s};
  SUBCASE("walk_forward") {
    CHECK_THROWS_WITH_AS(fp::walk_forward(10, {.n_splits = 0}),
                         "footprint::walk_forward: n_splits must be >= 1 (got 0)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(10, {.test_size = -1}),
                         "footprint::walk_forward: test_size must be >= 0 (got -1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(10, {.gap_rows = -1}),
                         "footprint::walk_forward: gap_rows must be >= 0 (got -1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(10, {.max_train_size = -1}),
                         "footprint::walk_forward: max_train_size must be >= 0 (got -1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(5, {.n_splits = 5}),
                         "footprint::walk_forward: n_samples must be >= n_splits + 1 = 6 (got 5)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(10, {.n_splits = 3, .test_size = 3, .gap_rows = 1}),
                         "footprint::walk_forward: no training rows before the first test block (n_samples = 10, "
                         "n_splits = 3, test_size = 3, gap_rows = 1)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(
        fp::walk_forward(10, {.gap = 1s}),
        "footprint::walk_forward: a gap in time needs label intervals (got gap = 1000000000 ns without "
        "times); use gap_rows or pass t0 and t1",
        fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(ok.t0, ok.t1, {.gap = -1ns}),
                         "footprint::walk_forward: gap must be >= 0 (got -1 ns)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(starts, three, {.n_splits = 2}),
                         "footprint::walk_forward: t1.size() must equal t0.size() (expected 4, got 3)",
                         fp::invalid_argument);
    CHECK_THROWS_AS(fp::walk_forward(starts, three, {.n_splits = 2}), fp::dimension_mismatch);
    CHECK_THROWS_WITH_AS(fp::walk_forward(unsorted, unsorted, {.n_splits = 2}),
                         "footprint::walk_forward: t0 must be non-decreasing; row 2 (1000000000 ns) is earlier than "
                         "row 1 (2000000000 ns)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::walk_forward(starts, ends, {.n_splits = 2}),
                         "footprint::walk_forward: t1 must be >= t0; row 1 ends (t1 = 500000000 ns) before it starts "
                         "(t0 = 1000000000 ns)",
                         fp::invalid_argument);
    std::vector<ns> long_t1;
    for (const ns t : ok.t0) long_t1.push_back(t + 100s);
    CHECK_THROWS_WITH_AS(fp::walk_forward(ok.t0, long_t1, {.n_splits = 2}),
                         "footprint::walk_forward: no training label ends before the first test row (row 4, t0 = "
                         "4000000000 ns) minus the gap (0 ns)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS((void)fp::walk_forward(10).test_rows(5),
                         "footprint::walk_forward: split must be in [0, 5) (got 5)", fp::invalid_argument);
  }
  SUBCASE("purged_kfold") {
    CHECK_THROWS_WITH_AS(fp::purged_kfold(ok.t0, ok.t1, {.n_splits = 1}),
                         "footprint::purged_kfold: n_splits must be >= 2 (got 1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(ok.t0, ok.t1, {.n_splits = 11}),
                         "footprint::purged_kfold: n_splits must be <= n_samples = 10 (got 11)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(ok.t0, ok.t1, {.embargo = -1ns}),
                         "footprint::purged_kfold: embargo must be >= 0 (got -1 ns)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(ok.t0, ok.t1, {.embargo_fraction = 1.0}),
                         "footprint::purged_kfold: embargo_fraction must be in [0, 1) (got 1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(ok.t0, ok.t1, {.embargo_fraction = -0.1}),
                         "footprint::purged_kfold: embargo_fraction must be in [0, 1) (got -0.1)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(starts, three, {.n_splits = 2}),
                         "footprint::purged_kfold: t1.size() must equal t0.size() (expected 4, got 3)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(unsorted, unsorted, {.n_splits = 2}),
                         "footprint::purged_kfold: t0 must be non-decreasing; row 2 (1000000000 ns) is earlier than "
                         "row 1 (2000000000 ns)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(fp::purged_kfold(starts, ends, {.n_splits = 2}),
                         "footprint::purged_kfold: t1 must be >= t0; row 1 ends (t1 = 500000000 ns) before it starts "
                         "(t0 = 1000000000 ns)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS((void)fp::purged_kfold(ok.t0, ok.t1).test_rows(-1),
                         "footprint::purged_kfold: split must be in [0, 5) (got -1)", fp::invalid_argument);
  }
  SUBCASE("combinatorial_purged_cv") {
    using cpcv = fp::combinatorial_purged_cv;
    CHECK_THROWS_WITH_AS(cpcv(ok.t0, ok.t1, {.n_groups = 1, .n_test_groups = 1}),
                         "footprint::combinatorial_purged_cv: n_groups must be >= 2 (got 1)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(
        cpcv(ok.t0, ok.t1, {.n_groups = 6, .n_test_groups = 6}),
        "footprint::combinatorial_purged_cv: n_test_groups must be in [1, n_groups - 1] = [1, 5] (got 6)",
        fp::invalid_argument);
    CHECK_THROWS_WITH_AS(
        cpcv(ok.t0, ok.t1, {.n_groups = 6, .n_test_groups = 7}),
        "footprint::combinatorial_purged_cv: n_test_groups must be in [1, n_groups - 1] = [1, 5] (got 7)",
        fp::invalid_argument);
    CHECK_THROWS_WITH_AS(
        cpcv(ok.t0, ok.t1, {.n_groups = 6, .n_test_groups = 0}),
        "footprint::combinatorial_purged_cv: n_test_groups must be in [1, n_groups - 1] = [1, 5] (got 0)",
        fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(ok.t0, ok.t1, {.n_groups = 11}),
                         "footprint::combinatorial_purged_cv: n_groups must be <= n_samples = 10 (got 11)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(ok.t0, ok.t1, {.embargo = -1ns}),
                         "footprint::combinatorial_purged_cv: embargo must be >= 0 (got -1 ns)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(ok.t0, ok.t1, {.embargo_fraction = 2.0}),
                         "footprint::combinatorial_purged_cv: embargo_fraction must be in [0, 1) (got 2)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(starts, three, {.n_groups = 2, .n_test_groups = 1}),
                         "footprint::combinatorial_purged_cv: t1.size() must equal t0.size() (expected 4, got 3)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(unsorted, unsorted, {.n_groups = 2, .n_test_groups = 1}),
                         "footprint::combinatorial_purged_cv: t0 must be non-decreasing; row 2 (1000000000 ns) is "
                         "earlier than row 1 (2000000000 ns)",
                         fp::invalid_argument);
    CHECK_THROWS_WITH_AS(cpcv(starts, ends, {.n_groups = 2, .n_test_groups = 1}),
                         "footprint::combinatorial_purged_cv: t1 must be >= t0; row 1 ends (t1 = 500000000 ns) before "
                         "it starts (t0 = 1000000000 ns)",
                         fp::invalid_argument);
    const intervals many = points(40);
    CHECK_THROWS_WITH_AS(cpcv(many.t0, many.t1, {.n_groups = 40, .n_test_groups = 20}),
                         "footprint::combinatorial_purged_cv: C(n_groups, n_test_groups) must be <= 1000000 (got "
                         "C(40, 20) > 1000000)",
                         fp::invalid_argument);
    const cpcv cv(ok.t0, ok.t1);
    CHECK_THROWS_WITH_AS((void)cv.path_split(5, 0),
                         "footprint::combinatorial_purged_cv: path must be in [0, 5) (got 5)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS((void)cv.path_split(0, 6),
                         "footprint::combinatorial_purged_cv: group must be in [0, 6) (got 6)", fp::invalid_argument);
    CHECK_THROWS_WITH_AS((void)cv.test_groups(15),
                         "footprint::combinatorial_purged_cv: split must be in [0, 15) (got 15)", fp::invalid_argument);
  }
}

}  // namespace unity_splitters
