// footprint-pretrade --model forest: a quantile regression forest.
#include "run.hpp"

#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/trees/random_forest.hpp>

namespace pretrade {

int run_forest(const options& o, double horizon_seconds, const source_data& src, progress& prog) {
  // A quantile regression forest (Meinshausen 2006): 100 trees on a third of the features per
  // split, leaves of at least 5 orders.
  return run(
      o, horizon_seconds, src, prog,
      fp::random_forest({.n_estimators = 100, .max_features = 1.0 / 3.0, .min_samples_leaf = 5, .seed = 20240809}),
      "random_forest (100 trees, max_features 1/3, min_samples_leaf 5; quantile-forest predictive, Meinshausen 2006)");
}

fp::pretrade_report price_saved_forest(const nlohmann::json& analysis, const std::string& source,
                                       const fp::pretrade_order& order, const fp::pretrade_model_scores& scores) {
  return price_saved<fp::random_forest>(analysis, source, order, scores);
}

}  // namespace pretrade
