// libFuzzer target: the JSON model loaders, what `load_model<M>` and footprint-pretrade
// --load-model read from a file. The first byte chooses the loader (mod 8): ols,
// bayesian_linear, mlp_regressor, deep_ensemble, tree_ensemble, random_forest,
// gradient_boosting, ridge; the rest is the JSON text. A load may throw only footprint::data_error.
// A loaded, fitted model must then predict rows of its width (finite values, zeros) without
// reading out of bounds, and save and load again to a model that predicts the same bits; a
// row of NaN is predicted alike by both, or refused (invalid_argument) by both.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool same_bits(const fp::vector& a, const fp::vector& b) {
  if (a.size() != b.size()) return false;
  for (fp::index i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

template <class Model>
void load(std::string_view text) {
  Model m;
  try {
    m = fp::model_from_json<Model>(text, "fuzz.json");
  } catch (const fp::data_error&) {
    return;
  }
  if constexpr (requires { m.is_fitted(); }) {
    if (!m.is_fitted()) return;
  }
  // from_state bounds n_features by the arrays the text holds; cap the rows' width anyway.
  if (m.n_features() < 0 || m.n_features() > 4096) return;
  fp::matrix X(2, m.n_features());
  for (fp::index j = 0; j < X.cols(); ++j) {
    X(0, j) = 0.5 * static_cast<double>(j) - 1.0;
    X(1, j) = 0.0;
  }
  const fp::vector p = m.predict(X);
  require(p.size() == 2);
  const Model again = fp::model_from_json<Model>(fp::model_to_json(m), "again.json");
  require(same_bits(again.predict(X), p));
  // A row of NaN: the tree models take each split's default branch; the linear models and
  // networks refuse it (invalid_argument), and then so must the reloaded model.
  const fp::matrix missing = fp::matrix::Constant(1, m.n_features(), std::numeric_limits<double>::quiet_NaN());
  fp::vector q;
  try {
    q = m.predict(missing);
  } catch (const fp::invalid_argument&) {
    bool refused = false;
    try {
      (void)again.predict(missing);
    } catch (const fp::invalid_argument&) {
      refused = true;
    }
    require(refused);
    return;
  }
  require(same_bits(again.predict(missing), q));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8U) {
    case 0: load<fp::ols>(text); break;
    case 1: load<fp::bayesian_linear>(text); break;
    case 2: load<fp::mlp_regressor>(text); break;
    case 3: load<fp::deep_ensemble>(text); break;
    case 4: load<fp::tree_ensemble>(text); break;
    case 5: load<fp::random_forest>(text); break;
    case 6: load<fp::gradient_boosting>(text); break;
    default: load<fp::ridge>(text); break;
  }
  return 0;
}
