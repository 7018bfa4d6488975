// footprint: own translation unit (it replaces the C allocator; kept out of the unity build)
// The allocation counter of the execution tests (risk_overlay.cpp): one definition per executable.
#include "models/allocation_counter.cpp"
