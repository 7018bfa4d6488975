// detail::parallel_for_each_rethrow: every task runs, and the first failing task's exception
// (by index, not by time) leaves the loop, whatever the thread count.
#include "footprint/detail/parallel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_parallel {

TEST_CASE("parallel_for_each_rethrow: all tasks run, the lowest failing index is rethrown") {
  for (const int threads : {0, 1, 2}) {
    CAPTURE(threads);
    std::vector<int> ran(40, 0);
    std::atomic<int> calls{0};
    std::string caught;
    try {
      footprint::detail::parallel_for_each_rethrow(ran.size(), threads, [&](std::size_t k) {
        ++calls;
        ran[k] = 1;
        if (k == 31 || k == 7 || k == 22) throw std::runtime_error("task " + std::to_string(k));
      });
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    CHECK(caught == "task 7");
    CHECK(calls.load() == 40);
    for (int r : ran) CHECK(r == 1);
  }
}

TEST_CASE("parallel_for_each_rethrow: no tasks, or no failures, return normally") {
  int calls = 0;
  footprint::detail::parallel_for_each_rethrow(0, 2, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
  std::vector<double> out(100, 0.0);
  footprint::detail::parallel_for_each_rethrow(out.size(), 2,
                                               [&](std::size_t k) { out[k] = static_cast<double>(k) * 0.5; });
  for (std::size_t k = 0; k < out.size(); ++k) CHECK(out[k] == static_cast<double>(k) * 0.5);
}

}  // namespace unity_parallel
