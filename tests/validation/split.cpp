// time_ordered_split: first fraction trains, the rest tests, never shuffled; embargo in rows
// or in time; exact error messages.
#include "footprint/validation/split.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_split {

namespace fp = footprint;
using namespace std::chrono_literals;

static_assert(std::is_aggregate_v<fp::time_split_params>);

TEST_CASE("time_ordered_split: n_train = floor(fraction * n), as scikit-learn's train_size without shuffling") {
  const fp::time_split s = fp::time_ordered_split(10);
  CHECK(s.train == fp::row_range{0, 8});
  CHECK(s.test == fp::row_range{8, 10});
  CHECK(s.gap_size() == 0);
  const fp::time_split t = fp::time_ordered_split(10, {.train_fraction = 0.75});
  CHECK(t.train.size() == 7);  // floor(7.5)
  CHECK(t.test.size() == 3);
  const fp::time_split big = fp::time_ordered_split(200000, {.train_fraction = 0.8});
  CHECK(big.train.end == 160000);  // the peer data set's split
}

TEST_CASE("time_ordered_split: an embargo of rows drops the first test rows") {
  const fp::time_split s = fp::time_ordered_split(100, {.train_fraction = 0.6, .gap_rows = 5});
  CHECK(s.train == fp::row_range{0, 60});
  CHECK(s.test == fp::row_range{65, 100});
  CHECK(s.gap_size() == 5);
}

TEST_CASE("time_ordered_split with timestamps: test rows are strictly later than the last training time + gap") {
  //                                          train (8 rows)                     | test candidates
  const std::vector<std::chrono::nanoseconds> t = {0s, 1s, 2s, 3s, 4s, 5s, 6s, 7s, 7s, 8s, 9s, 12s};
  const auto times = std::span<const std::chrono::nanoseconds>(t).first(10);
  // no gap: row 8 shares the last training time (7 s) and never tests
  fp::time_split s = fp::time_ordered_split(times, {.train_fraction = 0.8});
  CHECK(s.train == fp::row_range{0, 8});
  CHECK(s.test == fp::row_range{9, 10});
  // a 1.5 s embargo: test rows after 8.5 s
  s = fp::time_ordered_split(std::span<const std::chrono::nanoseconds>(t), {.train_fraction = 0.6, .gap = 1500ms});
  CHECK(s.train == fp::row_range{0, 7});  // floor(0.6 * 12) = 7, last training time 6 s
  CHECK(s.test == fp::row_range{9, 12});  // 8 s, 9 s, 12 s are > 7.5 s
  // rows and time together: the later of the two
  s = fp::time_ordered_split(std::span<const std::chrono::nanoseconds>(t),
                             {.train_fraction = 0.6, .gap_rows = 4, .gap = 1500ms});
  CHECK(s.test == fp::row_range{11, 12});
}

TEST_CASE("time_ordered_split rejects bad arguments with exact messages") {
  CHECK_THROWS_WITH_AS((void)fp::time_ordered_split(10, {.train_fraction = 1.0}),
                       "footprint::time_ordered_split: train_fraction must be in (0, 1) (got 1)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::time_ordered_split(10, {.gap_rows = -1}),
                       "footprint::time_ordered_split: gap_rows must be >= 0 (got -1)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::time_ordered_split(1), "footprint::time_ordered_split: n_samples must be >= 2 (got 1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::time_ordered_split(10, {.train_fraction = 0.05}),
                       "footprint::time_ordered_split: train_fraction 0.05 of 10 rows leaves no training rows",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      (void)fp::time_ordered_split(10, {.gap_rows = 2}),
      "footprint::time_ordered_split: no test rows remain (n_samples = 10, training rows = 8, gap_rows = 2)",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::time_ordered_split(10, {.gap = 1s}),
                       "footprint::time_ordered_split: a gap in time needs timestamps (got gap = 1000000000 ns without "
                       "times); use gap_rows or pass the times",
                       fp::invalid_argument);
  const std::vector<std::chrono::nanoseconds> t = {0s, 2s, 1s, 3s};
  CHECK_THROWS_WITH_AS(
      (void)fp::time_ordered_split(std::span<const std::chrono::nanoseconds>(t), {.train_fraction = 0.5}),
      "footprint::time_ordered_split: times must be non-decreasing; row 2 (1000000000 ns) is earlier "
      "than row 1 (2000000000 ns)",
      fp::invalid_argument);
}

}  // namespace unity_split
