// Shared by the translation units of footprint's Python module `footprint._footprint`
// (pybind11): numpy <-> Eigen conversions and one `bind_*` function per area, each defined in
// its own source file so that a change rebuilds one area (the readers and dataset builders
// alone cost tens of seconds of g++ -O2).
#pragma once

#include <footprint/data/impact_pipeline_result.hpp>
#include <footprint/error.hpp>
#include <footprint/types.hpp>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

namespace footprint::python {

namespace py = pybind11;

/// A numpy array of float64 (any other dtype or layout is converted by pybind11, once).
using array_f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A float64 matrix in Fortran (column-major) order: pybind11 converts any other dtype or
/// layout once (a C-ordered numpy matrix is copied into column-major order); a Fortran-ordered
/// float64 matrix is read in place.
using matrix_f64 = py::array_t<double, py::array::f_style | py::array::forcecast>;

/// A (rows, cols) column-major float64 array as a view of footprint's matrix (no copy).
/// @throws invalid_argument unless X is 2-d
inline Eigen::Map<const matrix> as_matrix_view(const matrix_f64& a, const char* name = "X") {
  if (a.ndim() != 2)
    throw invalid_argument(std::string("footprint: ") + name + " must be a 2-d array (got " + std::to_string(a.ndim()) +
                           "-d)");
  return {a.data(), static_cast<index>(a.shape(0)), static_cast<index>(a.shape(1))};
}

/// A float64 matrix in C (row-major) order, numpy's default: read in place as a row_major_view.
using c_matrix_f64 = py::array_t<double, py::array::c_style>;

/// Calls f(view) with X viewed in place when it is a float64 array in C order (a
/// row_major_view: the regressors' predictions read it without a copy) and otherwise with a
/// column-major view (an Eigen::Map) of X, which pybind11 converts once unless it already is
/// a Fortran-ordered float64 matrix. f's result is returned.
/// @throws invalid_argument unless X is 2-d
template <class F>
decltype(auto) with_matrix(const py::handle& X, F&& f, const char* name = "X") {
  if (c_matrix_f64::check_(X)) {
    const auto a = py::reinterpret_borrow<c_matrix_f64>(X);
    if (a.ndim() != 2)
      throw invalid_argument(std::string("footprint: ") + name + " must be a 2-d array (got " +
                             std::to_string(a.ndim()) + "-d)");
    return f(row_major_view(a.data(), static_cast<index>(a.shape(0)), static_cast<index>(a.shape(1))));
  }
  const auto a = py::cast<matrix_f64>(X);
  return f(as_matrix_view(a, name));
}

/// A 1-d float64 array as a vector (one copy).
/// @throws invalid_argument unless y is 1-d
inline vector as_vector(const array_f64& a, const char* name = "y") {
  if (a.ndim() != 1)
    throw invalid_argument(std::string("footprint: ") + name + " must be a 1-d array (got " + std::to_string(a.ndim()) +
                           "-d)");
  return Eigen::Map<const vector>(a.data(), a.shape(0));
}

/// "buy" or "sell" as a side. @throws invalid_argument naming `where` for anything else
inline side parse_side(const std::string& s, const char* where) {
  if (s == "buy") return side::buy;
  if (s == "sell") return side::sell;
  throw invalid_argument(std::string(where) + ": side must be 'buy' or 'sell' (got '" + s + "')");
}

/// "market" or "passive_limit" as a child order type. @throws invalid_argument naming `where`
inline child_order_type order_type_of(const std::string& t, const char* where) {
  if (t == "market") return child_order_type::market;
  if (t == "passive_limit") return child_order_type::passive_limit;
  throw invalid_argument(std::string(where) + ": order_type must be 'market' or 'passive_limit' (got '" + t + "')");
}

/// One pipeline result (orders, metaorders, tape) as a dict of numpy arrays (data.cpp).
py::dict pipeline_dict(const impact_pipeline_result& r);

void bind_data(py::module_& m);         // data.cpp: readers and dataset builders
void bind_models(py::module_& m);       // models.cpp: the regressors' C++ cores
void bind_execution(py::module_& m);    // execution.cpp: Almgren-Chriss
void bind_tca(py::module_& m);          // tca.cpp: implementation shortfall
void bind_batch(py::module_& m);        // batch.cpp: shards for footprint.dask and footprint-batch
void bind_pretrade(py::module_& m);     // pretrade.cpp: the pre-trade analysis and its report
void bind_validation(py::module_& m);   // validation.cpp: the splitters
void bind_features(py::module_& m);     // features.cpp: the feature calculators in batch
void bind_simulation(py::module_& m);   // simulation.cpp: the order-book simulators, their fits and harness
void bind_environment(py::module_& m);  // environment.cpp: an execution environment, policies and agents

}  // namespace footprint::python
