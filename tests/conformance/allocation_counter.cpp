// footprint: own translation unit (it replaces the C allocator; kept out of the unity build)
// The allocation counter of the conformance tests (drift_detectors.cpp): one definition per executable.
#include "models/allocation_counter.cpp"
