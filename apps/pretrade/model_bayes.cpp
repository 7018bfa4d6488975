// footprint-pretrade --model bayes: Bayesian linear regression (evidence maximisation).
#include "run.hpp"

#include <footprint/io/linear_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>

namespace pretrade {

int run_bayes(const options& o, double horizon_seconds, const source_data& src, progress& prog) {
  return run(o, horizon_seconds, src, prog, fp::bayesian_linear{},
             "bayesian_linear (evidence maximisation, as scikit-learn's BayesianRidge; Student-t predictive)");
}

fp::pretrade_report price_saved_bayes(const nlohmann::json& analysis, const std::string& source,
                                      const fp::pretrade_order& order, const fp::pretrade_model_scores& scores) {
  return price_saved<fp::bayesian_linear>(analysis, source, order, scores);
}

}  // namespace pretrade
