// footprint._footprint: the splitters (bindings.hpp), as lists of (train, test) row-index
// arrays; footprint.model_selection wraps them as scikit-learn cross-validators.
#include "bindings.hpp"

#include <footprint/validation/combinatorial_purged_cv.hpp>
#include <footprint/validation/purged_kfold.hpp>
#include <footprint/validation/walk_forward.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

namespace footprint::python {

namespace {

using ns = std::chrono::nanoseconds;
using array_i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::vector<ns> times(const array_i64& a, const char* name) {
  if (a.ndim() != 1)
    throw invalid_argument(std::string("footprint: ") + name + " must be a 1-d array of nanoseconds (got " +
                           std::to_string(a.ndim()) + "-d)");
  std::vector<ns> out(static_cast<std::size_t>(a.shape(0)));
  for (py::ssize_t i = 0; i < a.shape(0); ++i) out[static_cast<std::size_t>(i)] = ns{a.at(i)};
  return out;
}

py::array_t<std::int64_t> as_array(const std::vector<index>& v) {
  py::array_t<std::int64_t> a(static_cast<py::ssize_t>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) a.mutable_at(static_cast<py::ssize_t>(i)) = v[i];
  return a;
}

template <class Splitter>
py::list all_splits(const Splitter& s) {
  py::list out;
  std::vector<index> train, test;
  for (index k = 0; k < s.n_splits(); ++k) {
    s.split(k, train, test);
    out.append(py::make_tuple(as_array(train), as_array(test)));
  }
  return out;
}

}  // namespace

void bind_validation(py::module_& m) {
  m.def(
      "purged_kfold_splits",
      [](const array_i64& t0, const array_i64& t1, index n_splits, std::int64_t embargo_ns, double embargo_fraction) {
        const std::vector<ns> a = times(t0, "t0"), b = times(t1, "t1");
        return all_splits(purged_kfold(
            a, b, {.n_splits = n_splits, .embargo = ns{embargo_ns}, .embargo_fraction = embargo_fraction}));
      },
      py::arg("t0"), py::arg("t1"), py::arg("n_splits"), py::arg("embargo_ns"), py::arg("embargo_fraction"),
      "Purged k-fold (de Prado 2018, ch. 7) over label intervals [t0, t1] (ns): a list of (train, test).");
  m.def(
      "walk_forward_splits",
      [](index n_samples, const py::object& t0, const py::object& t1, index n_splits, index test_size, index gap_rows,
         index max_train_size, std::int64_t gap_ns) {
        const walk_forward_params p{.n_splits = n_splits,
                                    .test_size = test_size,
                                    .gap_rows = gap_rows,
                                    .max_train_size = max_train_size,
                                    .gap = ns{gap_ns}};
        if (t0.is_none()) return all_splits(walk_forward(n_samples, p));
        const std::vector<ns> a = times(t0.cast<array_i64>(), "t0"), b = times(t1.cast<array_i64>(), "t1");
        return all_splits(walk_forward(a, b, p));
      },
      py::arg("n_samples"), py::arg("t0"), py::arg("t1"), py::arg("n_splits"), py::arg("test_size"),
      py::arg("gap_rows"), py::arg("max_train_size"), py::arg("gap_ns"),
      "Walk-forward splits (scikit-learn's TimeSeriesSplit; purged with label intervals): a list of (train, test).");
  m.def(
      "combinatorial_purged_splits",
      [](const array_i64& t0, const array_i64& t1, index n_groups, index n_test_groups, std::int64_t embargo_ns,
         double embargo_fraction) {
        const std::vector<ns> a = times(t0, "t0"), b = times(t1, "t1");
        return all_splits(combinatorial_purged_cv(a, b,
                                                  {.n_groups = n_groups,
                                                   .n_test_groups = n_test_groups,
                                                   .embargo = ns{embargo_ns},
                                                   .embargo_fraction = embargo_fraction}));
      },
      py::arg("t0"), py::arg("t1"), py::arg("n_groups"), py::arg("n_test_groups"), py::arg("embargo_ns"),
      py::arg("embargo_fraction"),
      "Combinatorial purged cross-validation (de Prado 2018, ch. 12): a list of (train, test).");
}

}  // namespace footprint::python
