// footprint._footprint: shards of a calibration across instruments and days, for
// footprint.dask and footprint-batch (bindings.hpp): fit_shard(shard_json, params_json) and
// pool_shards(fits), JSON text in and out (io/shard_json.hpp), so that a task's result is a
// string any scheduler can ship and store; the GIL is released during the work.
#include "bindings.hpp"

#include <footprint/io/shard_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/pretrade/pooled_fit.hpp>
#include <footprint/pretrade/shard_backtest.hpp>
#include <footprint/pretrade/shard_data.hpp>
#include <footprint/pretrade/shard_fit.hpp>
#include <footprint/pretrade/shard_simulation.hpp>

#include <span>
#include <string>
#include <vector>

namespace footprint::python {

void bind_batch(py::module_& m) {
  m.def(
      "fit_shard",
      [](const std::string& shard_json, const std::string& params_json) {
        py::gil_scoped_release release;
        const shard s = shard_from_json(shard_json, "<shard>", 1);
        const shard_params p = shard_params_from_json(params_json.empty() ? std::string("{}") : params_json);
        // the shard's four steps (footprint/pretrade/shard_fit.hpp)
        const impact_pipeline_result data = load_shard_data(s, 20);
        shard_fit fit = fit_shard(s, data, p);
        simulate_shard(fit, s, p, data, [&] { return load_shard_order_flow(s); });
        backtest_shard<bayesian_linear>(fit, data, p);
        return shard_fit_to_json(fit);
      },
      py::arg("shard_json"), py::arg("params_json") = "{}",
      "Fits one shard (a manifest line's JSON object; paths as given) with the parameters' JSON "
      "(features, label, horizon_seconds, seed, episodes, backtest; all optional) and returns its fit as JSON "
      "(format footprint.shard_fit; docs/distributed.md). Releases the GIL.");
  m.def(
      "pool_shards",
      [](const std::vector<std::string>& fits) {
        py::gil_scoped_release release;
        std::vector<shard_fit> parsed;
        parsed.reserve(fits.size());
        for (std::size_t k = 0; k < fits.size(); ++k)
          parsed.push_back(shard_fit_from_json(fits[k], "fits[" + std::to_string(k) + "]"));
        return pooled_fit_to_json(pool_shards(std::span<const shard_fit>(parsed)));
      },
      py::arg("fits"),
      "Pools shards' fits (the JSON texts of fit_shard, in any order): the exact merge of their "
      "linear statistics, the pooled ols and bayesian_linear, the per-shard laws and the totals, "
      "as JSON (format footprint.pooled_fit). Releases the GIL.");
}

}  // namespace footprint::python
