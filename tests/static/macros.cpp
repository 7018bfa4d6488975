// No private macro leaks into a user's translation unit: every macro a footprint header
// defines, other than FOOTPRINT_* configuration (e.g. FOOTPRINT_NO_AVX512), is #undef'd in
// the header that defines it (../shared/STYLE.md section 6). The tree inference layouts
// define the ones listed here.
#include "footprint/footprint.hpp"
#include "footprint/models/detail/tree_layout_heap.hpp"
#include "footprint/models/detail/tree_layout_linked.hpp"
#include "footprint/models/detail/tree_layout_rank.hpp"

#if defined(FOOTPRINT_DETAIL_AVX512) || defined(FOOTPRINT_DETAIL_AVX512_TARGET)
#error "the AVX-512 kernel's macros leak out of models/detail/tree_layout_rank.hpp"
#endif
#if defined(FOOTPRINT_DETAIL_UNROLL) || defined(FOOTPRINT_DETAIL_PRAGMA)
#error "the unroll macros leak out of the tree layouts"
#endif

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_macros {}  // namespace unity_macros
