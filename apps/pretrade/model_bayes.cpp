// footprint-pretrade --model bayes: Bayesian linear regression (evidence maximisation).
#include "run.hpp"

#include <footprint/models/linear/bayesian_linear.hpp>

namespace pretrade {

int run_bayes(const options& o, double horizon_seconds, const source_data& src, progress& prog) {
  return run(o, horizon_seconds, src, prog, fp::bayesian_linear{},
             "bayesian_linear (evidence maximisation, as scikit-learn's BayesianRidge; Student-t predictive)");
}

}  // namespace pretrade
