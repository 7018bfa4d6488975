// footprint-pretrade: the baselines every model is shown beside (OLS, and the Bayesian model
// when it is not the one chosen) and the Almgren-Chriss calibration on the metaorders.
#include "run.hpp"

#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/impact/dataset_observations.hpp>
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

calibration fit_almgren_chriss(const fp::impact_dataset& metaorders) {
  const fp::dataset_observations obs = fp::to_impact_observations(metaorders, {.horizon = std::chrono::seconds(300)});
  fp::almgren_chriss_calibration cal({.time_unit = std::chrono::seconds(1)});
  cal.fit(obs.observations);
  return {.rows = obs.rows.size(),
          .excluded_rows = obs.excluded.size(),
          .gamma = cal.gamma(),
          .eta = cal.eta(),
          .epsilon = cal.epsilon(),
          .permanent_r2 = cal.permanent_r2(),
          .temporary_r2 = cal.temporary_r2()};
}

}  // namespace pretrade
