// libFuzzer target: the XGBoost JSON model importer (xgboost_model_from_json), what
// load_xgboost_model reads from a file. The whole input is the JSON text. Loading may throw
// only footprint::data_error. An imported ensemble must then predict three rows of its
// width (finite values, zeros and NaN, which takes each split's default branch) without
// reading out of bounds; the single-row path must give the batch's bits; and, when every
// threshold is finite, saving it in footprint's format and loading it back must predict the
// same bits.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/io/xgboost_model.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fp::tree_ensemble m;
  try {
    m = fp::xgboost_model_from_json(text, "fuzz.json");
  } catch (const fp::data_error&) {
    return 0;
  }
  if (m.n_features() < 0 || m.n_features() > 4096) return 0;
  fp::matrix X(3, m.n_features());
  for (fp::index j = 0; j < X.cols(); ++j) {
    X(0, j) = 0.25 * static_cast<double>(j) - 1.0;
    X(1, j) = 0.0;
    X(2, j) = std::numeric_limits<double>::quiet_NaN();
  }
  const fp::vector p = m.predict(X, 1);
  require(p.size() == 3);
  for (fp::index i = 0; i < X.rows(); ++i) {
    const fp::vector row = X.row(i).transpose();
    require(same(m.predict_row(std::span<const double>(row.data(), static_cast<std::size_t>(row.size()))), p[i]));
  }
  bool finite = true;
  for (const fp::regression_tree& t : m.trees()) {
    for (const fp::tree_node& nd : t.nodes()) finite = finite && std::isfinite(nd.threshold);
  }
  if (finite) {
    const fp::tree_ensemble again = fp::model_from_json<fp::tree_ensemble>(fp::model_to_json(m), "again.json");
    const fp::vector q = again.predict(X, 1);
    for (fp::index i = 0; i < X.rows(); ++i) require(same(q[i], p[i]));
  }
  return 0;
}
