// footprint._footprint: shards of a calibration across instruments and days, for
// footprint.dask and footprint-batch (bindings.hpp).
#include "bindings.hpp"

namespace footprint::python {

void bind_batch(py::module_& /*m*/) {}

}  // namespace footprint::python
