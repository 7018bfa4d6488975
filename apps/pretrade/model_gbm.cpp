// footprint-pretrade --model gbm: histogram gradient boosting with quantile models.
#include "run.hpp"

#include <footprint/io/tree_model_json.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>

#include <string>
#include <vector>

namespace pretrade {

int run_gbm(const options& o, double horizon_seconds, const source_data& src, progress& prog) {
  // Histogram gradient boosting, 200 rounds of depth-4 trees at learning rate 0.05; the
  // predictive distribution joins quantile-loss models at nine levels.
  // The cost may only rise with the order's size: monotone constraints (+1) on the size
  // features, so that a bigger child never looks cheaper (trees do not extrapolate).
  std::vector<int> monotone;
  const fp::order_design design(src.result.orders.feature_names);
  for (const std::string& name : design.names()) {
    const bool size =
        name == "quantity" || name == "log_quantity" || name == "size_to_depth" || name == "participation";
    monotone.push_back(size ? 1 : 0);
  }
  return run(o, horizon_seconds, src, prog,
             fp::gradient_boosting({.n_estimators = 200,
                                    .learning_rate = 0.05,
                                    .max_depth = 4,
                                    .min_samples_leaf = 5,
                                    .monotone_constraints = monotone,
                                    .quantile_levels = {0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98},
                                    .seed = 20240809}),
             "gradient_boosting (200 rounds, depth 4, learning rate 0.05, cost monotone in size; predictive quantiles "
             "from 9 quantile-loss models)");
}

fp::pretrade_report price_saved_gbm(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores) {
  return price_saved<fp::gradient_boosting>(analysis, source, order, scores);
}

}  // namespace pretrade
