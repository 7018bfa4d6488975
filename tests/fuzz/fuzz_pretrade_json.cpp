// libFuzzer target: the saved pre-trade analysis, what `load_analysis<R>` and footprint-pretrade
// --load-model read from a file (io/pretrade_json.hpp). The first byte chooses the regressor
// (mod 4): bayesian_linear, ols, random_forest, gradient_boosting; the rest is the JSON text.
// A load may throw only footprint::data_error. A loaded analysis must then price a small order
// (10 lots over a minute) or refuse it with one of footprint's typed errors, save and load
// again to the same text, and the reloaded analysis must report the same numbers, bit for bit
// (or refuse the order with the same message). Analyses whose settings make a report
// expensive under the sanitizers (more than 500 draws or 64 children, more than 16 strategies)
// are only loaded and saved: the seeds are saved with 100 draws.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/io/pretrade_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/pretrade/pretrade_analysis.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool same(const fp::vector& a, const fp::vector& b) {
  if (a.size() != b.size()) return false;
  for (fp::index i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

bool same(const fp::pretrade_report& a, const fp::pretrade_report& b) {
  if (!same(a.notional, b.notional) || !same(a.reference_quantity, b.reference_quantity) ||
      !same(a.model_expected_bps, b.model_expected_bps) || !same(a.model_std_bps, b.model_std_bps) ||
      !same(a.book_walk_bps, b.book_walk_bps) || !same(a.model_bias_bps, b.model_bias_bps) ||
      a.strategies.size() != b.strategies.size() || a.warnings.size() != b.warnings.size())
    return false;
  for (std::size_t k = 0; k < a.strategies.size(); ++k) {
    const fp::pretrade_strategy& s = a.strategies[k];
    const fp::pretrade_strategy& t = b.strategies[k];
    if (s.name != t.name || !same(s.times, t.times) || !same(s.quantities, t.quantities) ||
        !same(s.forecast.expected_bps, t.forecast.expected_bps) || !same(s.forecast.std_bps, t.forecast.std_bps) ||
        !same(s.forecast.p05_bps, t.forecast.p05_bps) || !same(s.forecast.p95_bps, t.forecast.p95_bps) ||
        !same(s.forecast.exceedance_probability, t.forecast.exceedance_probability) ||
        !same(s.total_currency, t.total_currency))
      return false;
  }
  for (std::size_t k = 0; k < a.warnings.size(); ++k)
    if (a.warnings[k].code != b.warnings[k].code || a.warnings[k].message != b.warnings[k].message) return false;
  return true;
}

// The report of o, or the message of the typed error that refused it.
template <class R>
std::optional<fp::pretrade_report> report(const fp::pretrade_analysis<R>& a, const fp::pretrade_order& o,
                                          std::string& refused) {
  try {
    return a.report(o);
  } catch (const fp::error& e) {  // invalid_argument, not_fitted, ...: typed, not a finding
    refused = dynamic_cast<const std::exception&>(e).what();
    return std::nullopt;
  }
}

template <class R>
void load(std::string_view text) {
  std::optional<fp::pretrade_analysis<R>> a;
  try {
    a.emplace(fp::analysis_from_json<R>(text, "fuzz.json"));
  } catch (const fp::data_error&) {
    return;
  }
  require(a->is_fitted());
  const std::string saved = fp::analysis_to_json(*a);
  const auto b = fp::analysis_from_json<R>(saved, "again.json");
  require(fp::analysis_to_json(b) == saved);

  const fp::pretrade_params& p = a->params();
  if (p.draws > 500 || p.max_children > 64 || p.pov_rates.size() + p.optimal_half_lives.size() > 16) return;
  const fp::pretrade_order o{
      .side = fp::side::buy, .quantity = 10.0 * a->state().instrument.lot_size, .horizon_seconds = 60.0};
  std::string why_a, why_b;
  const auto ra = report(*a, o, why_a);
  const auto rb = report(b, o, why_b);
  require(ra.has_value() == rb.has_value());
  if (ra) {
    require(same(*ra, *rb));
  } else {
    require(why_a == why_b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4U) {
    case 0: load<fp::bayesian_linear>(text); break;
    case 1: load<fp::ols>(text); break;
    case 2: load<fp::random_forest>(text); break;
    default: load<fp::gradient_boosting>(text); break;
  }
  return 0;
}
