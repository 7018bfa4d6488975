// footprint._footprint: the feature calculators in batch over a book history (bindings.hpp):
// compute_batch (features/compute_batch.hpp) of each named calculator, with its default
// parameters, over a (time, level, 4) numpy array; batch equals streaming (tested in C++).
#include "bindings.hpp"

#include <footprint/detail/xtensor.hpp>
#include <footprint/features/book_history.hpp>
#include <footprint/features/book_slope.hpp>
#include <footprint/features/compute_batch.hpp>
#include <footprint/features/depth_imbalance.hpp>
#include <footprint/features/depth_within_bps.hpp>
#include <footprint/features/ewma_volatility.hpp>
#include <footprint/features/multi_level_ofi.hpp>
#include <footprint/features/order_flow_imbalance.hpp>
#include <footprint/features/queue_imbalance.hpp>
#include <footprint/features/realized_volatility.hpp>
#include <footprint/features/time_of_day.hpp>
#include <footprint/features/top_of_book.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace footprint::python {

namespace {

// The calculators by name, in the order of `calculator_names`.
const std::vector<std::string> calculator_names = {
    "top_of_book",          "queue_imbalance", "depth_imbalance",     "depth_within_bps", "book_slope",
    "order_flow_imbalance", "multi_level_ofi", "realized_volatility", "ewma_volatility",  "time_of_day"};

// One calculator's features over the history: appends its names and columns.
template <class F>
void add(F calculator, const book_history& h, std::vector<std::string>& names,
         std::vector<xt::xtensor<double, 2>>& cols) {
  for (const std::string& n : calculator.names()) names.push_back(n);
  cols.push_back(compute_batch(calculator, h));
}

void add_by_name(const std::string& name, const book_history& h, std::vector<std::string>& names,
                 std::vector<xt::xtensor<double, 2>>& cols) {
  if (name == "top_of_book") return add(top_of_book{}, h, names, cols);
  if (name == "queue_imbalance") return add(queue_imbalance{}, h, names, cols);
  if (name == "depth_imbalance") return add(depth_imbalance{}, h, names, cols);
  if (name == "depth_within_bps") return add(depth_within_bps{}, h, names, cols);
  if (name == "book_slope") return add(book_slope{}, h, names, cols);
  if (name == "order_flow_imbalance") return add(order_flow_imbalance{}, h, names, cols);
  if (name == "multi_level_ofi") return add(multi_level_ofi{}, h, names, cols);
  if (name == "realized_volatility") return add(realized_volatility{}, h, names, cols);
  if (name == "ewma_volatility") return add(ewma_volatility{}, h, names, cols);
  if (name == "time_of_day") return add(time_of_day{}, h, names, cols);
  std::string known;
  for (const std::string& n : calculator_names) known += (known.empty() ? "" : ", ") + n;
  throw invalid_argument("footprint.compute_features: unknown calculator '" + name + "' (" + known + ")");
}

}  // namespace

void bind_features(py::module_& m) {
  m.attr("feature_calculators") = calculator_names;
  m.def(
      "compute_features",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& book,
         const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& times_ns,
         const std::vector<std::string>& calculators) {
        if (book.ndim() != 3)
          throw invalid_argument("footprint.compute_features: book must be a (time, level, 4) array (got " +
                                 std::to_string(book.ndim()) + "-d)");
        const std::vector<std::size_t> shape{static_cast<std::size_t>(book.shape(0)),
                                             static_cast<std::size_t>(book.shape(1)),
                                             static_cast<std::size_t>(book.shape(2))};
        xt::xtensor<double, 3> array = xt::adapt(book.data(), book.size(), xt::no_ownership(), shape);
        std::vector<std::chrono::nanoseconds> times(static_cast<std::size_t>(times_ns.size()));
        for (py::ssize_t i = 0; i < times_ns.size(); ++i)
          times[static_cast<std::size_t>(i)] = std::chrono::nanoseconds{times_ns.data()[i]};
        std::vector<std::string> names;
        std::vector<xt::xtensor<double, 2>> cols;
        {
          py::gil_scoped_release release;
          const book_history h(array, times);
          for (const std::string& c : calculators) add_by_name(c, h, names, cols);
        }
        const auto rows = static_cast<py::ssize_t>(shape[0]);
        py::array_t<double> out({rows, static_cast<py::ssize_t>(names.size())});
        auto o = out.mutable_unchecked<2>();
        py::ssize_t col = 0;
        for (const auto& c : cols)
          for (std::size_t j = 0; j < c.shape()[1]; ++j, ++col)
            for (py::ssize_t i = 0; i < rows; ++i) o(i, col) = c(static_cast<std::size_t>(i), j);
        return py::make_tuple(names, out);
      },
      py::arg("book"), py::arg("times_ns"), py::arg("calculators"),
      "The features of the named calculators (footprint.feature_calculators; default parameters) on every row of "
      "a book history: book (time, level, 4) = bid price, bid size, ask price, ask size, level 0 the best; "
      "times_ns (time) non-decreasing. Returns (names, array (time, features)); stateful calculators see the rows "
      "in order, as streaming would.");
}

}  // namespace footprint::python
