/// @file detail/parallel.hpp
/// @brief parallel_for_each_rethrow: independent tasks over OpenMP threads, with the
/// first task's exception rethrown after all have run.
#pragma once

#include <cstddef>
#include <exception>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace footprint::detail {

/// The OpenMP threads to use for a request: all that OpenMP offers (omp_get_max_threads(),
/// i.e. OMP_NUM_THREADS or the cores) for 0, else `requested` capped at that number; 1
/// without OpenMP. A request is capped because it can come from data (a model file's
/// n_threads): 100,000 threads crashed OpenMP, INT_MAX made it exit the process, 5,000 made a
/// prediction 240 times slower (issue 22).
/// @param requested >= 0 (a negative value counts as 0)
[[nodiscard]] inline int threads_to_use(int requested) noexcept {
#ifdef _OPENMP
  const int available = omp_get_max_threads() > 0 ? omp_get_max_threads() : 1;
  return requested > 0 && requested < available ? requested : available;
#else
  (void)requested;
  return 1;
#endif
}

/// Runs f(k) for every k in [0, n), over `n_threads` OpenMP threads (dynamic schedule, one
/// task at a time; serially when n_threads == 1, n <= 1 or without OpenMP). An exception
/// thrown by f(k) is caught in its thread, so that no exception leaves a parallel region;
/// after every task has run, the exception of the smallest such k is rethrown.
/// @param n_threads >= 1, or 0 for OpenMP's default (omp_get_max_threads()); capped at that
///        (`threads_to_use`)
template <class F>
void parallel_for_each_rethrow(std::size_t n, int n_threads, F&& f) {
  std::vector<std::exception_ptr> errors(n);
  const auto m = static_cast<long>(n);
#ifdef _OPENMP
  const int nt = threads_to_use(n_threads);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1 && m > 1)
#else
  static_cast<void>(n_threads);
#endif
  for (long k = 0; k < m; ++k) {
    try {
      f(static_cast<std::size_t>(k));
    } catch (...) {
      errors[static_cast<std::size_t>(k)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace footprint::detail
