// footprint's Python module `footprint._footprint` (pybind11): the C++ objects behind the
// pure-Python package `footprint` (python/footprint/), which adds the scikit-learn estimator
// contract and the Dask helpers. One source file per area (bindings.hpp); this one makes the
// module and maps footprint's exceptions to Python's.
#include "bindings.hpp"

#include <footprint/version.hpp>

#include <exception>
#include <string>

PYBIND11_MODULE(_footprint, m) {
  namespace fp = footprint;
  m.doc() = "footprint's C++ core (see the package footprint)";
  m.attr("__version__") = std::string(fp::version_string);

  // Errors: footprint's typed exceptions as Python's ValueError (bad arguments and data) and
  // RuntimeError (fits that fail, models not fitted), with the C++ message.
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const fp::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const fp::data_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const fp::not_fitted& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const fp::convergence_error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  fp::python::bind_data(m);
  fp::python::bind_models(m);
  fp::python::bind_execution(m);
  fp::python::bind_tca(m);
  fp::python::bind_batch(m);
  fp::python::bind_pretrade(m);
  fp::python::bind_validation(m);
  fp::python::bind_features(m);
  fp::python::bind_simulation(m);
  fp::python::bind_environment(m);
}
