// footprint-pretrade: the baselines every model is shown beside (OLS, and the Bayesian model
// when it is not the one chosen), and the analysis with OLS when the chosen model loses to it.
#include "run.hpp"

#include <footprint/io/linear_model_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>

#include <chrono>
#include <vector>

namespace pretrade {

std::vector<metrics> baselines(const fp::matrix& X_train, const fp::vector& y_train, const fp::matrix& X_test,
                               const fp::vector& y_test, bool with_bayes) {
  fp::ols ols;
  ols.fit(X_train, y_train);
  std::vector<metrics> out{score("ols", ols, X_test, y_test)};
  if (with_bayes) {  // the richer models are shown beside the Bayesian one
    fp::bayesian_linear bayes;
    bayes.fit(X_train, y_train);
    out.push_back(score("bayes", bayes, X_test, y_test));
  }
  return out;
}

void analyse_with_ols(report& rep, const fp::impact_pipeline_result& r, const fp::pretrade_order& order,
                      const fp::pretrade_model_scores& scores) {
  analyse(rep, fp::ols{}, r, order, scores);
}

fp::pretrade_report price_saved_ols(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores) {
  return price_saved<fp::ols>(analysis, source, order, scores);
}

}  // namespace pretrade
